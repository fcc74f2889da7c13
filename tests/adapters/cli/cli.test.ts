import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../../../src/adapters/cli/ask.js";
import { evaluateCommand } from "../../../src/adapters/cli/eval-command.js";
import { indexCorpus } from "../../../src/adapters/cli/index-command.js";
import { runCliCommand, type CliResult } from "../../helpers/run-cli.js";
import { createTempWorkspace, realCorpusDir, type TempWorkspace } from "../../helpers/temp-runtime.js";

/**
 * The CLI commands as a user runs them, in process (argv, environment, stdout/stderr, exit code),
 * with CORPUS_DIR/DATA_DIR in temp folders. One child-process run per command: cli-smoke.test.ts.
 */

let workspace: TempWorkspace;
let env: Record<string, string>;
let indexRun: CliResult;

beforeAll(async () => {
  workspace = await createTempWorkspace();
  env = { CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir };
  // The index is built once, by the index command itself; the other commands load it.
  indexRun = await runCliCommand(indexCorpus, [], env);
});

afterAll(async () => {
  await workspace?.cleanup();
});

describe("index command", () => {
  it("prints a summary with files, articles, chunks and skipped", () => {
    expect(indexRun.code, indexRun.stderr).toBe(0);
    expect(indexRun.stdout).toMatch(/Files: 5 \(5 indexed, 0 skipped\b/);
    expect(indexRun.stdout).toMatch(/Articles: \d+/);
    expect(indexRun.stdout).toMatch(/Chunks: \d+/);
    expect(indexRun.stdout).toContain("corpus/004_01366610fb89b663.txt");
    expect(indexRun.stdout).toMatch(/is live/);
  });

  it("exits 1 with CORPUS_DIR_MISSING and a hint when the corpus folder does not exist", async () => {
    const missing = path.join(workspace.root, "no-such-corpus");
    const result = await runCliCommand(indexCorpus, [], { CORPUS_DIR: missing, DATA_DIR: path.join(workspace.root, "data-missing") });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("CORPUS_DIR_MISSING");
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toMatch(/CORPUS_DIR/);
    expect(result.stderr).toMatch(/Create it|set CORPUS_DIR/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for an error the admin can act on
  });

  it("skips an empty file and a binary file with warnings naming each, and indexes the rest", async () => {
    const corpusDir = path.join(workspace.root, "mixed", "corpus");
    await mkdir(corpusDir, { recursive: true });
    await copyFile(path.join(realCorpusDir, "000_5dff4d3d4cfa75e8.txt"), path.join(corpusDir, "000_5dff4d3d4cfa75e8.txt"));
    await copyFile(path.join(realCorpusDir, "004_01366610fb89b663.txt"), path.join(corpusDir, "004_01366610fb89b663.txt"));
    await writeFile(path.join(corpusDir, "empty.txt"), "");
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + 13) % 256;
    await writeFile(path.join(corpusDir, "scan.txt"), binary);

    const result = await runCliCommand(indexCorpus, [], { CORPUS_DIR: corpusDir, DATA_DIR: path.join(workspace.root, "mixed", "data") });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Files: 4 \(2 indexed, 2 skipped\b/);
    expect(result.stderr).toMatch(/skipped .*corpus\/empty\.txt/);
    expect(result.stderr).toMatch(/skipped .*corpus\/scan\.txt/);
    expect(result.stdout).toMatch(/^\s*indexed\b.*corpus\/000_5dff4d3d4cfa75e8\.txt/m);
    expect(result.stdout).toMatch(/^\s*indexed\b.*corpus\/004_01366610fb89b663\.txt/m);
    expect(result.stdout).toMatch(/^\s*skipped\b.*corpus\/empty\.txt.*empty/m);
    expect(result.stdout).toMatch(/^\s*skipped\b.*corpus\/scan\.txt.*(?:NUL|binary)/m);

    // The indexed files answer questions.
    const asked = await runCliCommand(ask, ["乐山高新区“科创八条”政策奖补资金兑现了多少？", "--json"], {
      CORPUS_DIR: corpusDir,
      DATA_DIR: path.join(workspace.root, "mixed", "data"),
    });
    expect(asked.code, asked.stderr).toBe(0);
    expect(JSON.parse(asked.stdout).answer).toContain("500多万元");
  });
});

describe("ask command", () => {
  it("--json prints the Answer object", async () => {
    const result = await runCliCommand(ask, ["衡阳高新区2023年1-6月招商引资签约项目多少个？投资总额多少？", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({ refused: false, mode: "extractive", language: "zh" });
    expect(typeof answer.answer).toBe("string");
    expect(answer.answer).toContain("150.8亿元");
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const citation of answer.citations) {
      expect(Object.keys(citation)).toEqual(expect.arrayContaining(["n", "source", "title", "zone", "date", "quote"]));
      expect(citation.source).toMatch(/^corpus\/00\d_[0-9a-f]+\.txt$/);
    }
    expect(answer.citations[0].source).toBe("corpus/004_01366610fb89b663.txt");
    expect(answer.citations.map((citation: { n: number }) => citation.n)).toEqual(answer.citations.map((_: unknown, index: number) => index + 1));
  });

  it("prints a readable answer with sources by default", async () => {
    const result = await runCliCommand(ask, ["What", "incentives", "does", "Changzhi", "High-tech", "Zone", "offer?"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Sources:");
    expect(result.stdout).toMatch(/\[1\] .* — corpus\/002_93385d198ddbd426\.txt/);
  });

  it("keeps a named conversation across invocations for follow-ups", async () => {
    const first = await runCliCommand(ask, ["乐山高新区“科创八条”政策奖补资金兑现了多少？", "--json", "--conversation", "cli-1"], env);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCliCommand(ask, ["那衡阳呢？", "--json", "--conversation", "cli-1"], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).standaloneQuestion).toContain("衡阳");
    expect(JSON.parse(second.stdout).standaloneQuestion).not.toContain("乐山");
  });

  it("exits 1 with QUESTION_EMPTY for an empty question", async () => {
    const result = await runCliCommand(ask, ["   ", "--json"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("QUESTION_EMPTY");
    expect(result.stdout).toBe("");
  });

  it("exits 1 with QUESTION_TOO_LONG for a 10,000-character question", async () => {
    const result = await runCliCommand(ask, ["问".repeat(10_000)], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("QUESTION_TOO_LONG");
    expect(result.stderr).toMatch(/limit is 1000/);
  });
});

describe("eval command", () => {
  it("prints PASS/FAIL/WRONG lines and the summary, and writes raw results with --json", async () => {
    const evalFile = path.join(workspace.root, "tiny.jsonl");
    const outFile = path.join(workspace.root, "tiny-results.json");
    const items = [
      { id: "t1", lang: "zh", q: "乐山高新区“科创八条”政策奖补资金兑现了多少？", sources: ["004"], all: [["500多万"]] },
      { id: "t2", lang: "zh", q: "深圳高新区的土地出让价格是多少？", type: "negative", sources: [], all: [] },
      // Expects a figure the corpus does not give, so it must be reported as a failure.
      { id: "t3", lang: "zh", q: "衡阳高新区2023年1-6月招商引资签约项目多少个？", sources: ["004"], all: [["999个"]] },
      { id: "t4", lang: "zh", q: "那衡阳呢？", type: "followup", history: [{ q: "乐山高新区“科创八条”政策奖补资金兑现了多少？" }], sources: ["004"], all: [] },
      // The right figure, but a lead the answer cannot have and the figure itself forbidden: both checks named.
      { id: "t5", lang: "zh", q: "乐山高新区“科创八条”政策奖补资金兑现了多少？", sources: ["004"], all: [["500多万"]], lead: [["999个"]], none: ["500多万"] },
    ];
    await writeFile(evalFile, items.map((item) => JSON.stringify(item)).join("\n") + "\n");
    const result = await runCliCommand(evaluateCommand, [evalFile, "--json", outFile], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS t1\b/m);
    expect(result.stdout).toMatch(/^PASS t2\b/m);
    expect(result.stdout).toMatch(/^FAIL t3\b.*all group missing: 999个/m);
    // A forbidden string shown is a wrong claim: WRONG, not FAIL (a miss).
    expect(result.stdout).toMatch(/^WRONG t5\b.*lead group missing from the first paragraph: 999个.*forbidden string shown: 500多万/m);
    expect(result.stdout).toMatch(/Questions:\s+5/);
    expect(result.stdout).toMatch(/Verdicts:\s+\d+ correct \/ \d+ abstained \/ 1 wrong \/ \d+ missed \(of 5\)/);
    expect(result.stdout).toMatch(/Lead:\s+0\/1 /);
    expect(result.stdout).toMatch(/Forbidden:\s+1\/1 /);
    expect(result.stdout).toMatch(/Refusals:\s+1\/1 negatives refused/);
    const raw = JSON.parse(await readFile(outFile, "utf8"));
    expect(raw).toHaveLength(5);
    expect(Object.keys(raw[0]).sort()).toEqual(["answer", "citations", "failed", "id", "mode", "passed", "question", "refused", "verdict"]);
    expect(raw[4]).toMatchObject({ id: "t5", passed: false, verdict: "wrong", failed: { missingSources: [], missingGroups: [], missingLead: [["999个"]], forbidden: ["500多万"] } });
    expect(raw[1]).toMatchObject({ id: "t2", refused: true, verdict: "correct" });
  });

  it("exits 1 with EVAL_FILE_INVALID naming the bad line", async () => {
    const evalFile = path.join(workspace.root, "bad.jsonl");
    await writeFile(evalFile, '{"id":"a","lang":"zh","q":"问","sources":[],"all":[]}\n{"id": broken\n');
    const result = await runCliCommand(evaluateCommand, [evalFile], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("EVAL_FILE_INVALID");
    expect(result.stderr).toContain(`${evalFile}:2`);
  });

  it("--corpus DIR answers from a throw-away index over DIR and leaves DATA_DIR as it was", async () => {
    const evalFile = path.join(workspace.root, "policy-tiny.jsonl");
    const items = [
      { id: "c1", lang: "zh", q: "临港地区居住证持证人专项加分最高分值是多少？", sources: ["p02"], all: [["20分"]] },
      { id: "c2", lang: "zh", q: "乐山高新区“科创八条”政策奖补资金兑现了多少？", type: "negative", sources: [], all: [] },
    ];
    await writeFile(evalFile, items.map((item) => JSON.stringify(item)).join("\n") + "\n");
    const currentBefore = await readFile(path.join(workspace.dataDir, "current.json"), "utf8");
    const result = await runCliCommand(evaluateCommand, [evalFile, "--corpus", "tests/fixtures/policies"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS c1\b/m);
    // The live corpus would answer c2; over the policy fixtures it must be refused.
    expect(result.stdout).toMatch(/^PASS c2\b/m);
    expect(await readFile(path.join(workspace.dataDir, "current.json"), "utf8")).toBe(currentBefore);
  });

  it("--corpus with a missing folder exits 1 with CORPUS_DIR_MISSING naming it", async () => {
    const evalFile = path.join(workspace.root, "policy-tiny.jsonl");
    const result = await runCliCommand(evaluateCommand, [evalFile, "--corpus", "no/such/folder"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("CORPUS_DIR_MISSING");
    expect(result.stderr).toContain("no/such/folder");
  });
});
