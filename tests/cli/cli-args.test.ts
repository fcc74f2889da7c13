import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killRunningClis, runCliScript } from "../helpers/run-cli.js";
import { createTempWorkspace, type TempWorkspace } from "../helpers/temp-runtime.js";

/**
 * Strict argument parsing: a typo or a missing value must stop the command before it does
 * anything (no snapshot built, no DATA_DIR written), with usage on stderr and exit code 2.
 */

let workspace: TempWorkspace;
let env: Record<string, string>;

beforeAll(async () => {
  workspace = await createTempWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir };
});

afterAll(async () => {
  killRunningClis();
  await workspace?.cleanup();
});

async function dataDirEntries(): Promise<string[]> {
  return readdir(workspace.dataDir).catch(() => []);
}

const commands = [
  { name: "index", script: "src/adapters/cli/index-command.ts", usage: "npm run index" },
  { name: "ask", script: "src/adapters/cli/ask.ts", usage: "npm run ask" },
  { name: "eval", script: "src/adapters/cli/eval-command.ts", usage: "npm run eval" },
  { name: "facts", script: "src/adapters/cli/facts-command.ts", usage: "npm run facts" },
  { name: "start (server)", script: "src/server.ts", usage: "npm start" },
];

describe.each(commands)("$name command arguments", ({ script, usage }) => {
  it("--help prints usage and exits 0 without doing anything", async () => {
    const result = await runCliScript(script, ["--help"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Usage: ${usage}`);
    expect(result.stdout).toMatch(/--help/);
    expect(await dataDirEntries()).toEqual([]);
  });

  it("an unknown flag prints usage and exits 2 without doing anything", async () => {
    const result = await runCliScript(script, ["--rollbak"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("CLI_USAGE");
    expect(result.stderr).toContain("--rollbak");
    expect(result.stderr).toContain(`Usage: ${usage}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
    expect(await dataDirEntries()).toEqual([]);
  });
});

describe("missing values and stray arguments", () => {
  it("ask --conversation without a value exits 2 with usage, no stack trace", async () => {
    const result = await runCliScript("src/adapters/cli/ask.ts", ["长治高新区", "--conversation"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--conversation/);
    expect(result.stderr).toContain("Usage: npm run ask");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await dataDirEntries()).toEqual([]);
  });

  it("eval --json without a value exits 2", async () => {
    const result = await runCliScript("src/adapters/cli/eval-command.ts", ["--json"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: npm run eval");
  });

  it("ask without a question exits 2", async () => {
    const result = await runCliScript("src/adapters/cli/ask.ts", [], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing argument");
  });

  it("index with a stray positional (e.g. `rollback` without dashes) exits 2 without building", async () => {
    const result = await runCliScript("src/adapters/cli/index-command.ts", ["rollback"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unexpected argument 'rollback'");
    expect(await dataDirEntries()).toEqual([]);
  });

  it("eval without a file says which file it uses", async () => {
    // A missing corpus makes the run stop right after the announcement; the message comes first.
    const result = await runCliScript("src/adapters/cli/eval-command.ts", [], { ...env, CORPUS_DIR: path.join(workspace.root, "no-corpus") });
    expect(result.stderr).toContain("using tests/eval/dev.jsonl");
  });
});
