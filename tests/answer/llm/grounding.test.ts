import { describe, expect, it } from "vitest";
import { groundAnswer, saysNotCovered, splitAnswerSentences } from "../../../src/answer/llm/grounding.js";
import { measureChainOverhead } from "../../../scripts/bench-llm.js";
import { passages } from "./fixtures.js";

describe("splitAnswerSentences", () => {
  it("keeps trailing markers and whitespace with their sentence", () => {
    expect(splitAnswerSentences("甲为1.5亿元。[1]乙为10个[2]。\n- 丙[3]")).toEqual(["甲为1.5亿元。[1]", "乙为10个[2]。\n", "- 丙[3]"]);
    expect(splitAnswerSentences("It used 68.36 million U.S. dollars [2]. It grew 97.5% [1].")).toEqual([
      "It used 68.36 million U.S. dollars [2]. ",
      "It grew 97.5% [1].",
    ]);
  });
});

describe("groundAnswer", () => {
  it("accepts grouped and full-width markers and renumbers in order of first use", () => {
    const result = groundAnswer("外资6836万美元【2】。到位资金105.63亿元[1, 2]。", passages);
    expect(result.answer).toBe("外资6836万美元[1]。到位资金105.63亿元[2][1]。");
    expect(result.citations.map((citation) => citation.chunkId)).toEqual([passages[1].id, passages[0].id]);
    expect(result.citedSentences).toBe(2);
  });

  it("reads footnote-style and range markers", () => {
    const result = groundAnswer("外资6836万美元[^2]。签约项目18个，外资6836万美元[1-2]。", passages);
    expect(result.answer).toBe("外资6836万美元[1]。签约项目18个，外资6836万美元[2][1]。");
  });

  it("checks a sentence without markers against all passages", () => {
    const kept = groundAnswer("两地共吸引外资6836万美元。签约项目18个[1]。", passages);
    expect(kept.answer).toBe("两地共吸引外资6836万美元。签约项目18个[1]。");
    const dropped = groundAnswer("另有外资7000万美元。签约项目18个[1]。", passages);
    expect(dropped.answer).toBe("签约项目18个[1]。");
    expect(dropped.warnings[0]).toContain("7000万美元");
    expect(dropped.warnings[0]).toContain("any passage");
  });

  it("grounds a year from the report date and a date without year in the text", () => {
    const result = groundAnswer("On July 11, 2023, Qinghe signed 18 projects [1].", passages);
    expect(result.warnings).toEqual([]);
    expect(result.citedSentences).toBe(1);
  });

  it("quotes the cited sentences holding the figures, or the whole passage", () => {
    const result = groundAnswer("签约项目18个[1]。东湖高新区推行一网通办[3]。", passages);
    expect(result.citations[0].quote).toBe("7月11日，清河高新区举行集中签约仪式，签约项目18个，总投资46亿元。");
    expect(result.citations[1].quote).toBe(passages[2].text);
    expect(result.citations[0]).toMatchObject({ n: 1, source: passages[0].source, title: passages[0].title, zone: "清河高新区", date: "2023-07-20", start: 100 });
  });

  it("keeps the layout of a list when an item is dropped", () => {
    const result = groundAnswer("要点：\n- 签约项目18个[1]\n- 总投资999亿元[1]\n- 外资6836万美元[2]", passages);
    expect(result.answer).toBe("要点：\n- 签约项目18个[1]\n- 外资6836万美元[2]");
  });
});

describe("saysNotCovered", () => {
  it("recognises refusals in both languages", () => {
    expect(saysNotCovered("资料中没有提及该区的税率。")).toBe(true);
    expect(saysNotCovered("根据现有资料无法回答这个问题。")).toBe(true);
    expect(saysNotCovered("The passages do not mention the tax rate.")).toBe(true);
    expect(saysNotCovered("清河高新区签约项目18个。")).toBe(false);
  });
});

describe("measureChainOverhead", () => {
  // The figure itself is printed by `npm run bench`; a test only checks that it is measured.
  it("returns ordered, positive percentiles", async () => {
    const { p50Ms, p95Ms } = await measureChainOverhead(20);
    expect(p50Ms).toBeGreaterThan(0);
    expect(p95Ms).toBeGreaterThanOrEqual(p50Ms);
  });
});
