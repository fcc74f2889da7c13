import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killRunningClis, runCliScript, type CliResult } from "../../helpers/run-cli.js";
import { createTempWorkspace, type TempWorkspace } from "../../helpers/temp-runtime.js";

/**
 * One run per command as a user starts it (`npm run …` = tsx in a child process): the entry point
 * reads process.argv and the environment, prints, and sets the exit code. Everything else about the
 * commands is tested in process (cli.test.ts, cli-args.test.ts).
 */

let workspace: TempWorkspace;
let env: Record<string, string>;
let indexRun: CliResult;

beforeAll(async () => {
  workspace = await createTempWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir };
  indexRun = await runCliScript("src/adapters/cli/index-command.ts", [], env);
});

afterAll(async () => {
  killRunningClis();
  await workspace?.cleanup();
});

describe("each command started as a process", () => {
  it("npm run index builds the snapshot and exits 0", () => {
    expect(indexRun.code, indexRun.stderr).toBe(0);
    expect(indexRun.stdout).toMatch(/Files: 5 \(5 indexed, 0 skipped\b/);
    expect(indexRun.stdout).toMatch(/is live/);
  });

  it("npm run ask answers from it", async () => {
    const result = await runCliScript("src/adapters/cli/ask.ts", ["衡阳高新区2023年1-6月招商引资签约项目多少个？投资总额多少？", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).answer).toContain("150.8亿元");
  });

  it("npm run eval exits 1 with the error code for a broken file, no stack trace", async () => {
    const evalFile = path.join(workspace.root, "bad.jsonl");
    await writeFile(evalFile, '{"id": broken\n');
    const result = await runCliScript("src/adapters/cli/eval-command.ts", [evalFile], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("EVAL_FILE_INVALID");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("npm run facts lists facts as JSON", async () => {
    const result = await runCliScript("src/adapters/cli/facts-command.ts", ["--limit", "3", "--json", "--metric", "signed_investment"], env);
    expect(result.code, result.stderr).toBe(0);
    const facts = JSON.parse(result.stdout) as { metric: string }[];
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.every((fact) => fact.metric === "signed_investment")).toBe(true);
  });

  it("npm start with an unknown flag exits 2 before starting, DATA_DIR as it was", async () => {
    const before = await readFile(path.join(workspace.dataDir, "current.json"), "utf8");
    const result = await runCliScript("src/server.ts", ["--rollbak"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: npm start");
    expect(result.stdout).toBe("");
    expect(await readFile(path.join(workspace.dataDir, "current.json"), "utf8")).toBe(before);
  });
});
