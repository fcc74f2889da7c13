import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEvalReport } from "../../src/app/eval-report.js";
import { loadEvalFile, missingGroups, runEval, scoreItem, sourceMatches, summarize, type EvalItem } from "../../src/app/evaluate.js";
import { validateQuestion } from "../../src/app/zone-assistant.js";
import type { Answer, AnswerService, Citation } from "../../src/core/types.js";
import { devEvalFile } from "../helpers/temp-runtime.js";

function citation(source: string): Citation {
  return { n: 1, source, title: "t", zone: "z", quote: "q", chunkId: `${source}#0:0`, start: 0, end: 1 };
}

function answer(text: string, sources: string[], refused = false): Answer {
  return { answer: text, refused, mode: "extractive", language: "zh", citations: sources.map(citation), warnings: [] };
}

describe("sourceMatches", () => {
  it("matches a file stem, and either of a|b", () => {
    expect(sourceMatches(["002"], [citation("corpus/002_93385d198ddbd426.txt")])).toBe(true);
    expect(sourceMatches(["001|004"], [citation("corpus/004_01366610fb89b663.txt")])).toBe(true);
    expect(sourceMatches(["002"], [citation("corpus/0021_other.txt"), citation("corpus/004_x.txt")])).toBe(false);
    expect(sourceMatches(["002"], [])).toBe(false);
  });
});

describe("missingGroups", () => {
  it("needs one string of every group, case-insensitively", () => {
    expect(missingGroups([["Ankang", "安康"], ["10"]], "ANKANG signed 10 projects")).toEqual([]);
    expect(missingGroups([["1.5亿"], ["20家"]], "兑现1.5亿元")).toEqual([["20家"]]);
  });
});

describe("scoreItem", () => {
  const item: EvalItem = { id: "x", lang: "zh", q: "问", sources: ["004"], all: [["500多万"]] };
  const negative: EvalItem = { id: "n", lang: "en", q: "q", type: "negative", sources: [], all: [] };

  it("passes only when cited right and answered right", () => {
    expect(scoreItem(item, answer("涉及资金500多万元[1]", ["corpus/004_a.txt"])).passed).toBe(true);
    const wrongSource = scoreItem(item, answer("涉及资金500多万元[1]", ["corpus/002_a.txt"]));
    expect(wrongSource).toMatchObject({ passed: false, citedRight: false, answerRight: true });
    const wrongAnswer = scoreItem(item, answer("涉及资金[1]", ["corpus/004_a.txt"]));
    expect(wrongAnswer).toMatchObject({ passed: false, citedRight: true, answerRight: false, missingGroups: [["500多万"]] });
  });

  it("a refusal fails a factual item even if the text happens to match", () => {
    expect(scoreItem(item, answer("500多万", ["corpus/004_a.txt"], true)).passed).toBe(false);
  });

  it("a negative passes only when refused", () => {
    expect(scoreItem(negative, answer("资料中没有找到", [], true)).passed).toBe(true);
    expect(scoreItem(negative, answer("something", ["corpus/004_a.txt"])).passed).toBe(false);
  });
});

describe("runEval and summarize", () => {
  it("replays follow-up history in one conversation, records errors, and summarizes", async () => {
    const calls: { question: string; conversationId?: string }[] = [];
    const service: AnswerService = {
      async ask(question, options) {
        calls.push({ question, conversationId: options?.conversationId });
        if (question === "boom") throw new Error("index exploded");
        if (question.includes("没有")) return answer("资料中没有找到", [], true);
        return answer(`答案 ${question} 42`, ["corpus/004_x.txt"]);
      },
      status: () => ({ indexVersion: "v", chunks: 0, articles: 0, files: 0, embedder: "e", llm: "none", builtAt: "" }),
    };
    const items: EvalItem[] = [
      { id: "a", lang: "zh", q: "第一问", sources: ["004"], all: [["42"]] },
      { id: "b", lang: "en", q: "follow", type: "followup", history: [{ q: "earlier" }], sources: ["004"], all: [["42"]] },
      { id: "c", lang: "zh", q: "没有的东西", type: "negative", sources: [], all: [] },
      { id: "d", lang: "zh", q: "boom", sources: ["004"], all: [["42"]] },
    ];
    const results = await runEval(service, items, { runId: "r" });
    expect(calls.filter((call) => call.conversationId === "r:b").map((call) => call.question)).toEqual(["earlier", "follow"]);
    expect(results.map((result) => result.passed)).toEqual([true, true, true, false]);
    expect(results[3]!.error).toBe("index exploded");
    const summary = summarize(results);
    expect(summary).toMatchObject({ total: 4, passed: 3, negatives: 1, negativesRefused: 1, english: 1, englishPassed: 1, accuracy: 0.75 });
    const report = formatEvalReport(results, summary);
    expect(report).toMatch(/^PASS a\b/m);
    expect(report).toMatch(/^FAIL d\b.*error: index exploded/m);
    expect(report).toMatch(/Passed:\s+3 \(75\.0%\)/);
    expect(report).toMatch(/English:\s+1\/1 passed/);
  });
});

describe("loadEvalFile", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "eval-file-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the dev file", async () => {
    const items = await loadEvalFile(devEvalFile);
    expect(items.length).toBeGreaterThanOrEqual(20);
    expect(items.some((item) => item.type === "followup" && (item.history?.length ?? 0) > 0)).toBe(true);
  });

  it("names the line of a malformed or mis-shaped item", async () => {
    const file = path.join(dir, "bad.jsonl");
    await writeFile(file, '{"id":"a","lang":"zh","q":"问","sources":[],"all":[]}\n\n{"id":"b","lang":"fr","q":"q","sources":[],"all":[]}\n');
    await expect(loadEvalFile(file)).rejects.toMatchObject({ code: "EVAL_FILE_INVALID", message: expect.stringContaining(`${file}:3`) });
    await expect(loadEvalFile(path.join(dir, "absent.jsonl"))).rejects.toMatchObject({ code: "EVAL_FILE_INVALID" });
  });
});

describe("validateQuestion", () => {
  it("trims, and refuses empty, non-string and over-long questions with coded errors", () => {
    expect(validateQuestion("  长治？ ", 10)).toBe("长治？");
    expect(() => validateQuestion("", 10)).toThrow(expect.objectContaining({ code: "QUESTION_EMPTY" }));
    expect(() => validateQuestion(undefined, 10)).toThrow(expect.objectContaining({ code: "QUESTION_EMPTY" }));
    expect(() => validateQuestion("x".repeat(11), 10)).toThrow(expect.objectContaining({ code: "QUESTION_TOO_LONG", message: expect.stringContaining("limit is 10") }));
  });
});
