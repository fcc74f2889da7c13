import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEvalReport } from "../../src/app/eval-report.js";
import { firstParagraph, forbiddenStrings, loadEvalFile, missingGroups, missingSources, normalizeForMatch, runEval, scoreItem, sourceMatches, summarize, type EvalItem } from "../../src/app/evaluate.js";
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

  it("needs every expected source, naming the ones not cited", () => {
    const cited = [citation("corpus/002_93385d198ddbd426.txt"), citation("corpus/004_01366610fb89b663.txt")];
    expect(sourceMatches(["002", "004"], cited)).toBe(true);
    expect(missingSources(["002", "000|003", "004"], cited)).toEqual(["000|003"]);
    expect(sourceMatches(["002", "000"], cited)).toBe(false);
    expect(sourceMatches([], cited)).toBe(true);
  });
});

describe("normalizeForMatch and firstParagraph", () => {
  it("applies NFKC, lower-cases and removes every whitespace", () => {
    expect(normalizeForMatch("RMB １５.０８ Billion\u3000yuan\n")).toBe("rmb15.08billionyuan");
    expect(normalizeForMatch("签约项目 28 个")).toBe("签约项目28个");
  });

  it("is the text before the first line break, at most 300 characters", () => {
    expect(firstParagraph("是的。长治高新区给予装修补贴[1]。\n\n[1] 原文……")).toBe("是的。长治高新区给予装修补贴[1]。");
    expect(firstParagraph("a".repeat(400))).toHaveLength(300);
    expect(firstParagraph("Yes [1].\r\nEvidence")).toBe("Yes [1].");
  });
});

describe("missingGroups", () => {
  it("needs one string of every group, case-insensitively", () => {
    expect(missingGroups([["Ankang", "安康"], ["10"]], "ANKANG signed 10 projects")).toEqual([]);
    expect(missingGroups([["1.5亿"], ["20家"]], "兑现1.5亿元")).toEqual([["20家"]]);
  });

  it("ignores spacing and full-width forms on both sides", () => {
    expect(missingGroups([["15.08 billion"], ["150.8亿元"]], "signed 28 projects worth 15.08billion yuan; 投资总额达 １５０.８ 亿元")).toEqual([]);
    expect(missingGroups([["97.5%"]], "增长９７．５％")).toEqual([]);
  });
});

describe("forbiddenStrings", () => {
  it("lists the none strings an answer shows, after the same normalisation", () => {
    expect(forbiddenStrings(["10个", "78亿"], "7月11日签约 10 个项目，总投资150.8亿元")).toEqual(["10个"]);
    expect(forbiddenStrings(["2022年", ""], "2023年上半年")).toEqual([]);
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

  it("checks lead groups in the first paragraph only and none strings everywhere", () => {
    const hengyang: EvalItem = {
      id: "l",
      lang: "en",
      q: "How many projects did Hengyang High-tech Zone sign in H1 2023?",
      sources: ["004"],
      all: [["28个", "28 projects"]],
      lead: [["28"], ["H1 2023", "January–June 2023", "first half of 2023"]],
      none: ["10个项目"],
    };
    const good = "Hengyang High-tech Zone signed 28 projects worth RMB 15.08 billion in the first half of 2023 [1].\n[1] 签约项目28个，投资总额达150.8亿元";
    expect(scoreItem(hengyang, answer(good, ["corpus/004_a.txt"]))).toMatchObject({ passed: true, missingLead: [], forbidden: [] });

    // The right sentence is there, but only below a boilerplate first line.
    const buried = "According to the reports on Hengyang High-tech Zone, the passages below answer this [1].\n[1] 上半年签约项目28个，投资总额达150.8亿元";
    const buriedResult = scoreItem(hengyang, answer(buried, ["corpus/004_a.txt"]));
    expect(buriedResult).toMatchObject({ passed: false, citedRight: true, answerRight: false, missingGroups: [], forbidden: [] });
    expect(buriedResult.missingLead).toEqual([["28"], ["H1 2023", "January–June 2023", "first half of 2023"]]);

    // A wrong-period figure anywhere fails the answer, even when everything else is right.
    const sloppy = `${good}\n[2] 7月11日签约10个项目`;
    expect(scoreItem(hengyang, answer(sloppy, ["corpus/004_a.txt"]))).toMatchObject({ passed: false, citedRight: true, answerRight: false, forbidden: ["10个项目"] });
  });

  it("a refused answerable item misses its sources, groups and lead", () => {
    const item: EvalItem = { id: "r", lang: "zh", q: "问", sources: ["004"], all: [["28个"]], lead: [["28个"]] };
    expect(scoreItem(item, answer("资料中没有找到", [], true))).toMatchObject({ passed: false, verdict: "abstained", missingSources: ["004"], missingGroups: [["28个"]], missingLead: [["28个"]] });
  });

  it("a negative passes only when refused", () => {
    expect(scoreItem(negative, answer("资料中没有找到", [], true)).passed).toBe(true);
    expect(scoreItem(negative, answer("something", ["corpus/004_a.txt"])).passed).toBe(false);
    // Answering what the corpus does not hold is a wrong claim, not a miss.
    expect(scoreItem(negative, answer("something", ["corpus/004_a.txt"])).verdict).toBe("wrong");
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
    expect(summary).toMatchObject({ leadQuestions: 0, leadPassed: 0, noneQuestions: 0, noneViolations: 0 });
    // A question whose answer failed with an error claims nothing: abstained, not wrong.
    expect(results.map((result) => result.verdict)).toEqual(["correct", "correct", "correct", "abstained"]);
    expect(summary).toMatchObject({ correct: 3, abstained: 1, wrong: 0, missed: 0 });
    const report = formatEvalReport(results, summary);
    expect(report).toMatch(/^PASS a\b/m);
    expect(report).toMatch(/^ABST d\b.*error: index exploded/m);
    expect(report).toMatch(/Verdicts:\s+3 correct \/ 1 abstained \/ 0 wrong \/ 0 missed \(of 4\)/);
    expect(report).toMatch(/Passed:\s+3 \(75\.0%\)/);
    expect(report).toMatch(/English:\s+1\/1 passed/);
  });
});

describe("formatEvalReport", () => {
  it("names the check each question failed and counts lead and forbidden-string results", () => {
    const base: EvalItem = { id: "q1", lang: "zh", q: "衡阳高新区上半年签约多少项目？", sources: ["004"], all: [["28个"]], lead: [["28个"]], none: ["10个"] };
    const results = [
      scoreItem(base, answer("衡阳高新区2023年上半年签约项目28个[1]。", ["corpus/004_a.txt"])),
      scoreItem({ ...base, id: "q2" }, answer("衡阳高新区2023年上半年签约项目28个[1]。", ["corpus/002_a.txt"])),
      scoreItem({ ...base, id: "q3" }, answer("见下文[1]。\n签约项目28个", ["corpus/004_a.txt"])),
      scoreItem({ ...base, id: "q4" }, answer("签约项目28个[1]，7月11日签约10个[1]。", ["corpus/004_a.txt"])),
      scoreItem({ ...base, id: "q5", lead: undefined, none: undefined }, answer("签约项目[1]。", ["corpus/004_a.txt"])),
    ];
    const summary = summarize(results);
    expect(summary).toMatchObject({ total: 5, passed: 1, leadQuestions: 4, leadPassed: 3, noneQuestions: 4, noneViolations: 1 });
    // A forbidden string is a wrong claim; a claim lacking the source, lead or group is a miss.
    expect(results.map((result) => result.verdict)).toEqual(["correct", "missed", "missed", "wrong", "missed"]);
    expect(summary).toMatchObject({ correct: 1, abstained: 0, wrong: 1, missed: 3 });
    const report = formatEvalReport(results, summary);
    expect(report).toMatch(/^PASS q1\b/m);
    expect(report).toMatch(/^FAIL q2\b.*missing source 004 \(cited corpus\/002_a\.txt\)/m);
    expect(report).toMatch(/^FAIL q3\b.*lead group missing from the first paragraph: 28个/m);
    expect(report).toMatch(/^WRONG q4\b.*forbidden string shown: 10个/m);
    expect(report).toMatch(/^FAIL q5\b.*all group missing: 28个/m);
    expect(report).toMatch(/Lead:\s+3\/4 .*\(75\.0%\)/);
    expect(report).toMatch(/Forbidden:\s+1\/4 /);
    expect(report).toMatch(/Verdicts:\s+1 correct \/ 0 abstained \/ 1 wrong \/ 3 missed \(of 5\)/);
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

  it("reads lead and none", async () => {
    const file = path.join(dir, "lead.jsonl");
    await writeFile(file, '{"id":"a","lang":"en","q":"q","sources":["004"],"all":[],"lead":[["28","二十八"]],"none":["10个"]}\n');
    expect(await loadEvalFile(file)).toEqual([{ id: "a", lang: "en", q: "q", sources: ["004"], all: [], lead: [["28", "二十八"]], none: ["10个"] }]);
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
    const badLead = path.join(dir, "bad-lead.jsonl");
    await writeFile(badLead, '{"id":"a","lang":"zh","q":"问","sources":[],"all":[],"lead":["28个"]}\n');
    await expect(loadEvalFile(badLead)).rejects.toMatchObject({ code: "EVAL_FILE_INVALID", message: expect.stringContaining("lead.0") });
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
