import { describe, expect, it } from "vitest";
import { parseChinesePeriods, parseEnglishPeriods, questionPeriod, samePeriod, withinPeriod, span } from "../../src/facts/period.js";

const today = new Date("2026-12-01T00:00:00Z");

describe("Chinese periods in report sentences", () => {
  it("resolves absolute months, halves, plans and relative years against the report year", () => {
    const found = parseChinesePeriods("2023年1-6月,衡阳高新区招商引资签约项目28个", { year: 2023 });
    expect(found[0]!.period).toMatchObject({ kind: "months", from: "2023-01", to: "2023-06", en: "January–June 2023" });
    expect(parseChinesePeriods("今年上半年，长治高新区签约项目15个", { year: 2023 })[0]!.period).toMatchObject({ from: "2023-01", to: "2023-06", kind: "half" });
    expect(parseChinesePeriods("去年以来累计引进项目", { year: 2024, month: 3 })[0]!.period).toMatchObject({ kind: "since", from: "2023-01", to: "2024-03" });
    expect(parseChinesePeriods("“十三五”期间，实际利用外资6836万美元", {})[0]!.period).toMatchObject({ kind: "plan", from: "2016-01", to: "2020-12" });
    expect(parseChinesePeriods("2019年，全市新设外商投资企业9家", {})[0]!.period).toMatchObject({ kind: "year", from: "2019-01", to: "2019-12" });
  });

  it("takes a day as an event date in the year named before it or the report year", () => {
    const found = parseChinesePeriods("7月11日,衡阳高新区举行2023年上半年招商引资项目集中签约仪式", { year: 2023 });
    expect(found.map((item) => item.period.kind)).toEqual(["day", "half"]);
    expect(found[0]!.period.day).toBe("2023-07-11");
  });

  it("does not guess a year for a relative date when the report date is unknown", () => {
    expect(parseChinesePeriods("今年上半年签约项目15个", {})).toEqual([]);
  });
});

describe("periods asked in questions", () => {
  it("parses English halves, quarters, month ranges, plans and relative years against today", () => {
    expect(questionPeriod("signed projects in H1 2023?", "en", today)).toMatchObject({ from: "2023-01", to: "2023-06" });
    expect(questionPeriod("in the first half of 2023", "en", today)).toMatchObject({ from: "2023-01", to: "2023-06" });
    expect(questionPeriod("during the 13th Five-Year Plan", "en", today)).toMatchObject({ from: "2016-01", to: "2020-12" });
    expect(questionPeriod("What did it sign last year?", "en", today)).toMatchObject({ from: "2025-01", to: "2025-12" });
    expect(questionPeriod("January–June 2023", "en", today)).toMatchObject({ from: "2023-01", to: "2023-06" });
    expect(parseEnglishPeriods("Q3 2022", {})[0]!.period).toMatchObject({ from: "2022-07", to: "2022-09" });
  });

  it("keeps a half without a year open (any year, the latest wins)", () => {
    const asked = questionPeriod("衡阳高新区上半年新签约多少项目", "zh", today)!;
    expect(asked.yearless).toBe(true);
    expect(samePeriod({ kind: "months", from: "2023-01", to: "2023-06", zh: "", en: "" }, asked)).toBe(true);
    expect(samePeriod({ kind: "year", from: "2023-01", to: "2023-12", zh: "", en: "" }, asked)).toBe(false);
  });

  it("picks the narrowest period named and compares ranges", () => {
    const asked = questionPeriod("2023年上半年签约多少", "zh", today)!;
    expect(span(asked)).toBe(6);
    expect(withinPeriod({ kind: "day", from: "2023-03", to: "2023-03", zh: "", en: "" }, asked)).toBe(true);
    expect(withinPeriod({ kind: "year", from: "2022-01", to: "2022-12", zh: "", en: "" }, asked)).toBe(false);
  });
});
