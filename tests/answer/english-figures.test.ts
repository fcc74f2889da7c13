import { describe, expect, it } from "vitest";
import { findFigures } from "../../src/answer/english-figures.js";

const english = (text: string) => findFigures(text).map((figure) => figure.english);

describe("findFigures", () => {
  it("renders US dollars with the Chinese original kept", () => {
    expect(english("“十三五”期间实际利用外资6836万美元")).toEqual(["US$68.36 million (6836万美元)"]);
  });

  it("renders yuan amounts in millions and billions", () => {
    expect(english("累计兑现1.5亿元")).toEqual(["150 million yuan (1.5亿元)"]);
    expect(english("投资总额达150.8亿元")).toEqual(["15.08 billion yuan (150.8亿元)"]);
  });

  it("keeps percentages as they are", () => {
    expect(english("进出口增长97.5%")).toEqual(["97.5%"]);
  });

  it("says 'more than' for 多 and 余", () => {
    expect(english("涉及资金500多万元")).toEqual(["more than 5 million yuan (500多万元)"]);
    expect(english("聘请10余名招商大使")).toEqual(["more than 10 people"]);
  });

  it("names counted units and area", () => {
    expect(english("引进3家航空整机制造企业")).toEqual(["3 companies"]);
    expect(english("建成标准化厂房150万平方米")).toEqual(["1.5 million square metres (150万平方米)"]);
  });

  it("skips dates and bare numbers, and reports where each figure is", () => {
    expect(findFigures("2023年7月11日举行")).toEqual([]);
    const figures = findFigures("签约项目28个,投资总额达150.8亿元");
    expect(figures.map((figure) => [figure.raw, figure.index])).toEqual([
      ["28个", 4],
      ["150.8亿元", 13],
    ]);
  });
});
