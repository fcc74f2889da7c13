import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, askCommand } from "../../../src/adapters/cli/ask.js";
import { checkCommandArgs, type CliCommand, type CommandSpec } from "../../../src/adapters/cli/cli-support.js";
import { evalCommand, evaluateCommand } from "../../../src/adapters/cli/eval-command.js";
import { factsCommand, listFacts } from "../../../src/adapters/cli/facts-command.js";
import { indexCommand, indexCorpus } from "../../../src/adapters/cli/index-command.js";
import { serverCommand } from "../../../src/server.js";
import { runCliCommand } from "../../helpers/run-cli.js";
import { createTempWorkspace, type TempWorkspace } from "../../helpers/temp-runtime.js";

/**
 * Strict argument parsing: a typo or a missing value must stop the command before it does
 * anything (no snapshot built, no DATA_DIR written), with usage on stderr and exit code 2.
 * Parsing is a function (checkCommandArgs); the commands run in process. One child-process run per
 * command, as a user starts it, is in cli-smoke.test.ts.
 */

let workspace: TempWorkspace;
let env: Record<string, string>;

beforeAll(async () => {
  workspace = await createTempWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir };
});

afterAll(async () => {
  await workspace?.cleanup();
});

async function dataDirEntries(): Promise<string[]> {
  return readdir(workspace.dataDir).catch(() => []);
}

const specs: { name: string; spec: CommandSpec<any>; usage: string }[] = [
  { name: "index", spec: indexCommand, usage: "npm run index" },
  { name: "ask", spec: askCommand, usage: "npm run ask" },
  { name: "eval", spec: evalCommand, usage: "npm run eval" },
  { name: "facts", spec: factsCommand, usage: "npm run facts" },
  { name: "start (server)", spec: serverCommand, usage: "npm start" },
];

describe.each(specs)("$name command arguments", ({ spec, usage }) => {
  it("--help means usage on stdout and exit 0", () => {
    const check = checkCommandArgs(spec, ["--help"]);
    expect(check).toMatchObject({ ok: false, exitCode: 0, stderr: "" });
    if (check.ok) return;
    expect(check.stdout).toContain(`Usage: ${usage}`);
    expect(check.stdout).toMatch(/--help/);
  });

  it("an unknown flag means usage on stderr and exit 2", () => {
    const check = checkCommandArgs(spec, ["--rollbak"]);
    expect(check).toMatchObject({ ok: false, exitCode: 2, stdout: "" });
    if (check.ok) return;
    expect(check.stderr).toContain("CLI_USAGE");
    expect(check.stderr).toContain("--rollbak");
    expect(check.stderr).toContain(`Usage: ${usage}`);
    expect(check.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("parsed values", () => {
  it("ask joins its words and reads --json and --conversation", () => {
    expect(checkCommandArgs(askCommand, ["What", "incentives?", "--json", "--conversation", "c-1"])).toEqual({
      ok: true,
      parsed: { values: { json: true, conversation: "c-1" }, positionals: ["What", "incentives?"] },
    });
  });

  it("eval takes one file and --corpus DIR --alone", () => {
    expect(checkCommandArgs(evalCommand, ["q.jsonl", "--corpus", "tests/fixtures/policies", "--alone"])).toMatchObject({
      ok: true,
      parsed: { values: { corpus: "tests/fixtures/policies", alone: true }, positionals: ["q.jsonl"] },
    });
    expect(checkCommandArgs(evalCommand, ["a.jsonl", "b.jsonl"])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining("unexpected argument 'b.jsonl'") });
  });

  it("index reads --no-gate and --rollback", () => {
    expect(checkCommandArgs(indexCommand, ["--no-gate", "--json"])).toMatchObject({ ok: true, parsed: { values: { "no-gate": true, json: true }, positionals: [] } });
  });
});

describe("missing values and stray arguments", () => {
  it("ask --conversation without a value: exit 2 with usage, no stack trace", () => {
    const check = checkCommandArgs(askCommand, ["长治高新区", "--conversation"]);
    expect(check).toMatchObject({ ok: false, exitCode: 2 });
    if (check.ok) return;
    expect(check.stderr).toMatch(/--conversation/);
    expect(check.stderr).toContain("Usage: npm run ask");
    expect(check.stderr).not.toMatch(/\n\s+at /);
  });

  it("eval --json without a value: exit 2", () => {
    expect(checkCommandArgs(evalCommand, ["--json"])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining("Usage: npm run eval") });
  });

  it("ask without a question: exit 2", () => {
    expect(checkCommandArgs(askCommand, [])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining("missing argument") });
  });

  it("index with a stray positional (e.g. `rollback` without dashes): exit 2", () => {
    expect(checkCommandArgs(indexCommand, ["rollback"])).toMatchObject({ ok: false, exitCode: 2, stderr: expect.stringContaining("unexpected argument 'rollback'") });
  });
});

describe("the commands stop before doing anything", () => {
  const commands: [string, CliCommand, string[]][] = [
    ["index", indexCorpus, ["--rollbak"]],
    ["index", indexCorpus, ["rollback"]],
    ["ask", ask, ["长治高新区", "--conversation"]],
    ["eval", evaluateCommand, ["--json"]],
    ["facts", listFacts, ["--help"]],
  ];
  it.each(commands)("%s %j: usage, its exit code, DATA_DIR untouched", async (_name, command, args) => {
    const result = await runCliCommand(command, args, env);
    const help = args.includes("--help");
    expect(result.code).toBe(help ? 0 : 2);
    expect(help ? result.stdout : result.stderr).toContain("Usage: npm");
    if (!help) expect(result.stdout).toBe("");
    expect(await dataDirEntries()).toEqual([]);
  });

  it("eval without a file says which file it uses", async () => {
    // A missing corpus makes the run stop right after the announcement; the message comes first.
    const result = await runCliCommand(evaluateCommand, [], { ...env, CORPUS_DIR: path.join(workspace.root, "no-corpus") });
    expect(result.stderr).toContain("using tests/eval/dev.jsonl");
    expect(result.code).toBe(1);
  });
});
