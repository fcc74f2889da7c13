import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "../../src/core/types.js";
import { createTestRuntime, type TestRuntime } from "../helpers/temp-runtime.js";

/**
 * End to end over the real corpus: a real index built into a temp DATA_DIR, the real runtime,
 * default extractive mode. Questions are deliberately not those of tests/eval/dev.jsonl.
 */

let test: TestRuntime;
beforeAll(async () => {
  test = await createTestRuntime();
});
afterAll(async () => {
  await test?.close();
});

const ask = (question: string, conversationId?: string) => test.runtime.service.ask(question, { conversationId });
const chunkText = (chunkId: string) => test.runtime.service.liveIndex.search.chunks.byId(chunkId)?.text;

function expectCitedFrom(answer: Answer, stem: string): void {
  expect(answer.refused).toBe(false);
  expect(answer.citations.length).toBeGreaterThan(0);
  expect(answer.citations.some((citation) => citation.source.startsWith(`corpus/${stem}_`))).toBe(true);
}

describe("Chinese questions", () => {
  it("Leshan 科创八条 subsidies: 500多万元, cited from 004, never from a chunk holding Hengyang text", async () => {
    const answer = await ask("乐山高新区“科创八条”政策奖补资金兑现了多少？");
    expectCitedFrom(answer, "004");
    expect(answer.language).toBe("zh");
    expect(answer.answer).toContain("500多万元");
    for (const citation of answer.citations) {
      expect(citation.zone).toContain("乐山");
      const text = chunkText(citation.chunkId);
      expect(text).toBeDefined();
      expect(text).not.toContain("衡阳");
      // The quote is taken from the cited chunk.
      expect(text).toContain(citation.quote.slice(0, 20));
    }
    // Inline markers refer to listed citations.
    expect(answer.answer).toMatch(/\[1\]/);
  });

  it("Hengyang 2023年1-6月: 28 signed projects worth 150.8亿元, cited from 004", async () => {
    const answer = await ask("衡阳高新区2023年1-6月招商引资签约项目多少个？投资总额多少？");
    expectCitedFrom(answer, "004");
    expect(answer.answer).toContain("28个");
    expect(answer.answer).toContain("150.8亿元");
    expect(answer.citations.every((citation) => citation.zone.includes("衡阳"))).toBe(true);
  });

  it("citations carry title, zone, date and character offsets into the source file", async () => {
    const answer = await ask("乐山高新区“科创八条”政策奖补资金兑现了多少？");
    const citation = answer.citations[0]!;
    expect(citation.n).toBe(1);
    expect(citation.title.length).toBeGreaterThan(0);
    expect(citation.date).toMatch(/^\d{4}/);
    expect(citation.end).toBeGreaterThan(citation.start);
  });
});

describe("English questions", () => {
  it("reaches the Chinese passage for Leshan's science-and-technology subsidies", async () => {
    const answer = await ask("How much subsidy money did Leshan High-tech Zone plan to pay under its science and technology policy?");
    expectCitedFrom(answer, "004");
    expect(answer.language).toBe("en");
    expect(answer.answer).toMatch(/^According to|^[A-Z]/);
    expect(answer.answer).toContain("500多万元");
    expect(answer.answer).toContain("Leshan High-tech Zone");
    for (const citation of answer.citations) expect(chunkText(citation.chunkId)).not.toContain("衡阳");
  });

  it("answers Hengyang's first-half signed projects with the 28 projects and 150.8亿元", async () => {
    const answer = await ask("How many projects did Hengyang High-tech Zone sign in the first half of 2023, and what was the total investment?");
    expectCitedFrom(answer, "004");
    expect(answer.answer).toContain("28");
    expect(answer.answer).toContain("150.8亿元");
  });

  it("answers what incentives Changzhi High-tech Zone offers, from 002", async () => {
    const answer = await ask("What incentives does Changzhi High-tech Zone offer investors?");
    expectCitedFrom(answer, "002");
    expect(answer.answer).toContain("Changzhi");
    expect(answer.answer).toMatch(/优惠政策|补贴|奖励/);
    // The first paragraph says in English what the passage lists, its figures labelled.
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).toMatch(/policy measures: 13/);
    expect(lead).toMatch(/maximum subsidy: RMB 100 million/);
    expect(lead).not.toMatch(/出台《/);
  });

  it("leads a Chinese list question with the sentence that spells the list out", async () => {
    const answer = await ask("长治高新区出台了哪些招商优惠政策？");
    expectCitedFrom(answer, "002");
    expect(answer.answer.split("\n")[0]).toMatch(/房租补贴等13条具体政策/);
  });

  it("compares two zones asked as a choice, with both sides and the larger one", async () => {
    const answer = await ask("Which signed more investment in the first half of 2023, Hengyang or Changzhi?");
    expectCitedFrom(answer, "004");
    expectCitedFrom(answer, "002");
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).toContain("RMB 15.08 billion");
    expect(lead).toContain("RMB 10.563 billion");
    expect(lead).toMatch(/Hengyang High-tech Zone \(衡阳高新区\) is higher than Changzhi High-tech Zone \(长治高新区\)/);
  });
});

describe("refusals", () => {
  it("refuses a zone the corpus does not cover, in Chinese", async () => {
    const answer = await ask("深圳高新区的土地出让价格是多少？");
    expect(answer.refused).toBe(true);
    expect(answer.citations).toEqual([]);
    expect(answer.answer).toContain("资料中没有找到");
    expect(answer.answer).toContain("深圳");
  });

  it("refuses an absent topic for a zone that is present", async () => {
    const answer = await ask("长治高新区的碳排放交易价格是多少？");
    expect(answer.refused).toBe(true);
    expect(answer.citations).toEqual([]);
    expect(answer.answer).toContain("资料中没有找到");
  });

  it("refuses in English, even when a passage mentions the city in passing", async () => {
    // 004 mentions 深圳科技园 as a partner of Hengyang; that is not about Shenzhen High-tech Zone.
    const answer = await ask("What is the tax rate in Shenzhen High-tech Zone?");
    expect(answer.refused).toBe(true);
    expect(answer.language).toBe("en");
    expect(answer.answer).toContain("don't cover");
    expect(answer.citations).toEqual([]);
  });

  it("rejects an empty and an over-long question with coded errors", async () => {
    await expect(ask("   ")).rejects.toMatchObject({ code: "QUESTION_EMPTY" });
    await expect(ask("长".repeat(10_000))).rejects.toMatchObject({ code: "QUESTION_TOO_LONG", message: expect.stringContaining(String(test.config.MAX_QUESTION_CHARS)) });
  });
});

describe("follow-ups in one conversation", () => {
  it("carries the topic over to a new place (那无锡呢？) and answers it from Wuxi's report, cited", async () => {
    const first = await ask("衡阳高新区今年上半年重大项目完成投资多少？", "e2e-follow-zh");
    expect(first.refused).toBe(false);
    const second = await ask("那无锡呢？", "e2e-follow-zh");
    expect(second.standaloneQuestion).toContain("无锡");
    expect(second.standaloneQuestion).toContain("重大项目");
    expect(second.standaloneQuestion).not.toContain("衡阳");
    expect(second.conversationId).toBe("e2e-follow-zh");
    expectCitedFrom(second, "004");
    // The figure corpus/004 gives for Wuxi's major projects, with a citation that holds it.
    expect(second.answer).toContain("247.04亿元");
    for (const citation of second.citations) {
      expect(citation.zone).toContain("无锡");
      expect(chunkText(citation.chunkId)).toContain(citation.quote.slice(0, 20));
    }
    expect(second.citations.some((citation) => chunkText(citation.chunkId)?.includes("247.04亿元"))).toBe(true);
  });

  it("refuses a carried-over topic the new place's reports do not cover, citing nothing", async () => {
    const first = await ask("乐山高新区“科创八条”政策奖补资金兑现了多少？", "e2e-follow-zh-uncovered");
    expect(first.answer).toContain("500多万元");
    const second = await ask("那无锡呢？", "e2e-follow-zh-uncovered");
    expect(second.standaloneQuestion).toContain("无锡");
    expect(second.standaloneQuestion).not.toContain("乐山");
    expect(second.refused).toBe(true);
    expect(second.citations).toEqual([]);
  });

  it("carries the place over to a new topic in English", async () => {
    const first = await ask("How many projects did Hengyang High-tech Zone sign in the first half of 2023, and what was the total investment?", "e2e-follow-en");
    expect(first.refused).toBe(false);
    const second = await ask("And what was its import and export growth rate?", "e2e-follow-en");
    expect(second.standaloneQuestion).toContain("Hengyang");
    expect(second.refused).toBe(false);
    expect(second.answer).toContain("97.5");
    expect(second.citations.every((citation) => citation.zone.includes("衡阳"))).toBe(true);
  });

  it("keeps conversations apart", async () => {
    const answer = await ask("那无锡呢？", "e2e-fresh-conversation");
    expect(answer.standaloneQuestion).toBe("那无锡呢？");
  });
});

describe("status", () => {
  it("reports the live index", () => {
    const status = test.runtime.service.status();
    expect(status.files).toBe(5);
    expect(status.chunks).toBeGreaterThan(50);
    expect(status.articles).toBeGreaterThanOrEqual(18);
    expect(status.indexVersion.length).toBeGreaterThan(0);
    expect(status.llm).toMatch(/^none/);
  });
});

describe("questions in traditional characters", () => {
  it("are answered from the simplified corpus", async () => {
    const answer = await test.runtime.service.ask("衡陽高新區7月11日的集中簽約儀式簽約了多少個項目？");
    expect(answer.refused).toBe(false);
    expect(answer.language).toBe("zh");
    expect(answer.answer).toContain("10个");
    expect(answer.citations[0]?.source).toMatch(/004_/);
  });
});
