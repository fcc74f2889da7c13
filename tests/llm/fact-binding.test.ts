import { describe, expect, it } from "vitest";
import { groundAnswer } from "../../src/answer/llm/grounding.js";
import { formatFacts } from "../../src/answer/llm/llm-answerer.js";
import type { Chunk } from "../../src/core/types.js";
import type { Fact } from "../../src/facts/types.js";

function chunk(id: string, zone: string, text: string): Chunk {
  return { id, source: "s.txt", articleId: id, articleIndex: 0, ordinal: 0, title: zone, zones: [zone], text, indexText: text, start: 0, end: text.length };
}
function fact(chunkId: string, zone: string, place: string, raw: string, normalized: number): Fact {
  return {
    id: `${chunkId}/0/0`, zone, place, level: "zone", metric: "signed_investment", label: "投资总额", raw, value: 0, unit: "亿元", normalized, normalizedUnit: "yuan",
    start: 0, end: 0, sentence: "", source: "s.txt", chunkId, articleId: chunkId, sentenceStart: 0, sentenceEnd: 0,
    period: { kind: "months", from: "2023-01", to: "2023-06", zh: "2023年1-6月", en: "January–June 2023" },
  };
}

const passages = [chunk("c", "长治高新区", "今年上半年，长治高新区新签约项目15个，总投资额105.63亿元。"), chunk("h", "衡阳高新区", "2023年1-6月,衡阳高新区招商引资签约项目28个,投资总额达150.8亿元。")];
const facts = [fact("c", "长治高新区", "长治", "105.63亿元", 105.63e8), fact("h", "衡阳高新区", "衡阳", "150.8亿元", 150.8e8)];
const english = { 长治: "Changzhi", 衡阳: "Hengyang" };

describe("grounding binds a figure to its zone", () => {
  it("drops a sentence giving one zone's figure to another, even when both passages are cited", () => {
    const result = groundAnswer("Hengyang signed about 10.6 billion yuan [2] and Changzhi about 10.56 billion yuan [1].", passages, undefined, { facts, english });
    expect(result.answer).not.toContain("10.6 billion");
    expect(result.warnings.join(" ")).toMatch(/10\.6 billion/);
  });

  it("keeps figures stated for the zone they belong to", () => {
    const result = groundAnswer("Hengyang signed RMB 15.08 billion [2]. Changzhi signed about 10.56 billion yuan [1].", passages, undefined, { facts, english });
    expect(result.answer).toContain("15.08 billion");
    expect(result.answer).toContain("10.56 billion");
  });

  it("gives the model the fact records with passage numbers", () => {
    expect(formatFacts(facts, passages)).toBe(
      "[1] 长治高新区 (zone) | 2023年1-6月 / January–June 2023 | signed_investment | 105.63亿元\n[2] 衡阳高新区 (zone) | 2023年1-6月 / January–June 2023 | signed_investment | 150.8亿元",
    );
  });
});
