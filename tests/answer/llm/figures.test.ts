import { describe, expect, it } from "vitest";
import { chineseNumeralsToDigits, extractFigures, isFigureGrounded, ungroundedFigures, type NumberFigure } from "../../../src/answer/llm/figures.js";

const numbers = (text: string) => extractFigures(text).filter((figure): figure is NumberFigure => figure.kind !== "date");
const grounded = (answer: string, passage: string) => ungroundedFigures(answer, extractFigures(passage)).length === 0;

describe("extractFigures", () => {
  it("reads a Chinese month range as its first and last month, not as counts", () => {
    expect(extractFigures("2023年1-6月，签约项目28个")).toEqual([
      { kind: "date", raw: "2023年1-6月", year: 2023, month: 1 },
      { kind: "date", raw: "2023年1-6月", year: 2023, month: 6 },
      expect.objectContaining({ kind: "number", value: 28 }),
    ]);
    expect(grounded("28 projects in January–June 2023", "2023年1-6月，签约项目28个")).toBe(true);
    expect(grounded("28 projects in January–September 2023", "2023年1-6月，签约项目28个")).toBe(false);
  });

  it("reads Chinese amounts with 亿/万 and currency", () => {
    const [amount] = numbers("实际到位资金105.63亿元");
    expect(amount.value).toBeCloseTo(105.63e8);
    expect(amount.currency).toBe("CNY");
    const [dollars] = numbers("实际利用外资6836万美元");
    expect(dollars.value).toBeCloseTo(6836e4);
    expect(dollars.currency).toBe("USD");
  });

  it("reads English amounts with million/billion, $ and yuan", () => {
    expect(numbers("10.563 billion yuan")[0]).toMatchObject({ currency: "CNY" });
    expect(numbers("10.563 billion yuan")[0].value).toBeCloseTo(10.563e9);
    expect(numbers("$68.36 million")[0]).toMatchObject({ currency: "USD" });
    expect(numbers("$68.36 million")[0].value).toBeCloseTo(68.36e6);
    expect(numbers("RMB 1,500 million")[0].value).toBeCloseTo(1.5e9);
    expect(numbers("1.5 hundred million yuan")[0].value).toBeCloseTo(1.5e8);
  });

  it("reads percentages and counts", () => {
    expect(numbers("增长97.5%")[0]).toMatchObject({ kind: "percent", value: 97.5 });
    expect(numbers("grew 97.5 percent")[0]).toMatchObject({ kind: "percent", value: 97.5 });
    expect(numbers("聘请了10多名招商大使")[0]).toMatchObject({ kind: "number", value: 10 });
    expect(numbers("签约24个项目")[0]).toMatchObject({ kind: "number", value: 24 });
  });

  it("reads Chinese and English dates without counting their parts again", () => {
    const figures = extractFigures("2023年7月11日举行签约仪式");
    expect(figures).toEqual([{ kind: "date", raw: "2023年7月11日", year: 2023, month: 7, day: 11 }]);
    expect(extractFigures("on July 11, 2023")).toEqual([{ kind: "date", raw: "July 11, 2023", year: 2023, month: 7, day: 11 }]);
    expect(extractFigures("on 11 July 2023")[0]).toMatchObject({ year: 2023, month: 7, day: 11 });
    expect(extractFigures("in March 2019")[0]).toMatchObject({ kind: "date", year: 2019, month: 3 });
  });

  it("marks bare four-digit years", () => {
    expect(numbers("In 2022 the zone")[0]).toMatchObject({ yearLike: true, value: 2022 });
    expect(numbers("2022年招商")[0]).toMatchObject({ yearLike: true });
  });

  it("ignores ordinals and model codes", () => {
    expect(numbers("the 14th Five-Year Plan")).toEqual([]);
    expect(numbers("5G base stations in H1")).toEqual([]);
  });

  it("turns Chinese numerals with a measure word into digits", () => {
    expect(chineseNumeralsToDigits("十多名")).toBe("10多名");
    expect(chineseNumeralsToDigits("二十四个项目")).toBe("24个项目");
    expect(chineseNumeralsToDigits("两家企业")).toBe("2家企业");
    expect(chineseNumeralsToDigits("十三五期间")).toBe("十三五期间");
    expect(chineseNumeralsToDigits("一带一路")).toBe("一带一路");
    expect(chineseNumeralsToDigits("百余家企业")).toBe("100余家企业");
    expect(chineseNumeralsToDigits("全国十佳园区")).toBe("全国10佳园区");
  });
});

describe("grounding", () => {
  it("matches the same figure across languages and units", () => {
    expect(grounded("10.563 billion yuan", "105.63亿元")).toBe(true);
    expect(grounded("105.63亿", "105.63亿元")).toBe(true);
    expect(grounded("68.36 million US dollars", "6836万美元")).toBe(true);
    expect(grounded("$68.36 million", "6836万美元")).toBe(true);
    expect(grounded("97.5 percent", "增长97.5%")).toBe(true);
    expect(grounded("150 million yuan", "累计兑现装修补贴1.5亿元")).toBe(true);
    expect(grounded("more than 10 ambassadors", "聘请了10多名招商大使")).toBe(true);
    expect(grounded("more than 10 ambassadors", "聘请了十多名招商大使")).toBe(true);
    expect(grounded("July 11, 2023", "2023年7月11日")).toBe(true);
    expect(grounded("2023年7月11日", "July 11, 2023")).toBe(true);
    expect(grounded("one of the Top 10 parks", "获评全国十佳营商环境产业园区")).toBe(true);
    expect(grounded("more than 100 companies", "吸引百余家企业入驻")).toBe(true);
    expect(grounded("1.5 million square meters of standard factories", "建成标准化厂房150万平方米")).toBe(true);
  });

  it("accepts a date without year in the passage when the passage names the year", () => {
    expect(grounded("July 11, 2023", "2023年上半年……7月11日，衡阳高新区举行签约仪式")).toBe(true);
    expect(grounded("July 11", "7月11日，衡阳高新区举行签约仪式")).toBe(true);
    expect(grounded("July 11, 2023", "7月11日，衡阳高新区举行签约仪式")).toBe(false);
    expect(grounded("July 12, 2023", "2023年7月11日")).toBe(false);
  });

  it("accepts rounding of a precise figure but not a different one", () => {
    expect(grounded("about 10.56 billion yuan", "105.63亿元")).toBe(true);
    expect(grounded("10.6 billion yuan", "105.63亿元")).toBe(true);
    expect(grounded("11 billion yuan", "105.63亿元")).toBe(true);
    expect(grounded("12 billion yuan", "105.63亿元")).toBe(false);
    expect(grounded("2 billion yuan", "15亿元")).toBe(false);
    expect(grounded("999亿元", "105.63亿元")).toBe(false);
  });

  it("keeps currencies and percentages apart", () => {
    expect(grounded("68.36 million yuan", "6836万美元")).toBe(false);
    expect(grounded("97.5", "97.5%")).toBe(false);
    expect(grounded("97.5%", "97.5亿元")).toBe(false);
  });

  it("grounds a year by any date or year in the passage", () => {
    expect(grounded("In 2023", "2023年7月11日")).toBe(true);
    expect(grounded("In 2024", "2023年7月11日")).toBe(false);
    const figure = extractFigures("2022")[0];
    expect(isFigureGrounded(figure, extractFigures("2022年招商引资"))).toBe(true);
  });
});
