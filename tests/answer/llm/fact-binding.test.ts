import { describe, expect, it } from "vitest";
import { groundAnswer } from "../../../src/answer/llm/grounding.js";
import { formatFacts } from "../../../src/answer/llm/llm-answerer.js";
import type { Chunk } from "../../../src/core/types.js";
import type { Fact } from "../../../src/facts/types.js";

function chunk(id: string, zone: string, text: string): Chunk {
  return { id, source: "s.txt", articleId: id, articleIndex: 0, ordinal: 0, title: zone, zones: [zone], text, indexText: text, start: 0, end: text.length };
}
function fact(chunkId: string, zone: string, place: string, raw: string, normalized: number, overrides: Partial<Fact> = {}): Fact {
  return {
    id: `${chunkId}/0/0`, zone, place, level: "zone", metric: "signed_investment", label: "投资总额", raw, value: 0, unit: "亿元", normalized, normalizedUnit: "yuan",
    start: 0, end: 0, sentence: "", source: "s.txt", chunkId, articleId: chunkId, sentenceStart: 0, sentenceEnd: 0,
    period: { kind: "months", from: "2023-01", to: "2023-06", zh: "2023年1-6月", en: "January–June 2023" },
    ...overrides,
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

describe("grounding binds a figure to its period", () => {
  const periodPassages = [
    ...passages,
    chunk("b", "白山经开区", "“十三五”期间，白山经开区实际利用外资6836万美元。目前已有企业120家。"),
  ];
  const periodFacts = [
    ...facts,
    fact("h", "衡阳高新区", "衡阳", "28个", 28, { metric: "signed_projects", label: "签约项目", unit: "个", normalizedUnit: "count" }),
    fact("b", "白山经开区", "白山", "6836万美元", 68.36e6, {
      metric: "foreign_capital_used", unit: "万美元", normalizedUnit: "usd",
      period: { kind: "plan", from: "2016-01", to: "2020-12", zh: "“十三五”期间", en: "2016–2020 (13th Five-Year Plan)" },
    }),
    // A figure whose period the extractor could not resolve.
    fact("b", "白山经开区", "白山", "120家", 120, { metric: "enterprises", unit: "家", normalizedUnit: "count", period: undefined }),
  ];
  const bound = { facts: periodFacts, english: { ...english, 白山: "Baishan" } };
  const ground = (text: string) => groundAnswer(text, periodPassages, undefined, bound);

  it("drops an English sentence that gives a figure to the wrong year, and says why", () => {
    const result = ground("Hengyang signed 28 projects in 2022 [2]. Hengyang signed RMB 15.08 billion [2].");
    expect(result.answer).toBe("Hengyang signed RMB 15.08 billion [1].");
    expect(result.warnings.join(" ")).toMatch(/28.*2022.*January–June 2023/u);
  });

  it("keeps English sentences whose period is the fact's or contains it", () => {
    for (const text of [
      "Hengyang signed 28 projects in the first half of 2023 [2].",
      "In H1 2023, Hengyang signed 28 projects [2].",
      "Hengyang signed 28 projects worth RMB 15.08 billion in January–June 2023 [2].",
      "Hengyang signed 28 projects in 2023 [2].",
    ]) {
      const result = ground(text);
      expect(result.warnings, text).toEqual([]);
      expect(result.answer, text).toBe(text.replace("[2]", "[1]"));
    }
  });

  it("drops an English sentence stating the wrong half or quarter", () => {
    for (const text of ["Hengyang signed 28 projects in H2 2023 [2].", "Hengyang signed 28 projects in the second half of 2023 [2].", "Hengyang signed 28 projects in Q1 2023 [2]."]) {
      const result = ground(text);
      expect(result.answer, text).toBe("");
      expect(result.warnings.join(" "), text).toContain("28");
    }
  });

  it("judges Chinese period forms: 2022年 and 下半年 are dropped, 2023年上半年, 1-6月 and a bare 上半年 pass", () => {
    expect(ground("衡阳高新区2022年签约项目28个[2]。").answer).toBe("");
    expect(ground("衡阳高新区下半年签约项目28个[2]。").answer).toBe("");
    for (const text of ["衡阳高新区2023年上半年签约项目28个[2]。", "2023年1-6月，衡阳高新区签约项目28个，投资总额达150.8亿元[2]。", "衡阳高新区上半年签约项目28个[2]。"]) {
      const result = ground(text);
      expect(result.warnings, text).toEqual([]);
      expect(result.answer, text).toBe(text.replace("[2]", "[1]"));
    }
  });

  it("judges five-year plan periods in both languages", () => {
    expect(ground("“十三五”期间，白山经开区实际利用外资6836万美元[3]。").answer).toContain("6836万美元");
    expect(ground("Baishan used US$68.36 million of foreign capital during the 13th Five-Year Plan [3].").answer).toContain("68.36 million");
    expect(ground("“十四五”期间，白山经开区实际利用外资6836万美元[3]。").answer).toBe("");
    expect(ground("Baishan used US$68.36 million of foreign capital in 2019 [3].").answer).toBe("");
  });

  it("does not judge a sentence without a period, or a fact without a resolved period", () => {
    expect(ground("Hengyang signed 28 projects [2].").answer).toBe("Hengyang signed 28 projects [1].");
    expect(ground("“十三五”期间，白山经开区已有企业120家[3]。").answer).toBe("“十三五”期间，白山经开区已有企业120家[1]。");
  });

  it("binds each figure to its own period in a sentence with two", () => {
    const text = "In H1 2023 Hengyang signed 28 projects [2], and Changzhi about 10.56 billion yuan in 2023 [1].";
    expect(ground(text).warnings).toEqual([]);
    expect(ground("In 2021 Changzhi signed about 10.56 billion yuan [1], and Hengyang 28 projects in H1 2023 [2].").answer).toBe("");
  });

  it("binds a cumulative figure to the year it counts from", () => {
    const since = [chunk("s", "衡阳高新区", "2019年以来，衡阳高新区累计引进项目300个。")];
    const sinceFacts = [fact("s", "衡阳高新区", "衡阳", "300个", 300, { metric: "signed_projects", unit: "个", normalizedUnit: "count", period: { kind: "since", from: "2019-01", to: "2023-06", zh: "2019年以来", en: "since 2019" } })];
    const groundSince = (text: string) => groundAnswer(text, since, undefined, { facts: sinceFacts, english });
    expect(groundSince("Since 2019, Hengyang has brought in 300 projects [1].").warnings).toEqual([]);
    expect(groundSince("2019年以来，衡阳高新区累计引进项目300个[1]。").warnings).toEqual([]);
    expect(groundSince("In 2019, Hengyang brought in 300 projects [1].").answer).toBe("");
  });

  it("still binds the zone when the period is right", () => {
    const result = ground("In January–June 2023 Changzhi signed 28 projects [1][2].");
    expect(result.answer).toBe("");
    expect(result.warnings.join(" ")).toMatch(/28 is not a figure of Changzhi/u);
  });
});
