import { describe, expect, it } from "vitest";
import { chineseNumber, meetsCondition, quantitiesIn, quantityText } from "../../../src/answer/claims/quantities.js";

const find = (sentence: string, raw: string) => {
  const quantity = quantitiesIn(sentence).find((item) => item.raw === raw);
  if (!quantity) throw new Error(`${raw} not found in ${sentence}`);
  return quantity;
};

describe("quantities of a sentence", () => {
  it("gives each figure the words that govern it in its clause", () => {
    const sentence = "签约产业项目18个、总投资230亿元,基础设施项目18个、协议投资1250亿元";
    expect(find(sentence, "230亿元").before).toBe("总投资");
    expect(find(sentence, "1250亿元").before).toBe("协议投资");
    expect(find("实际利用外资(商务部口径)4亿美元,同比增长116.96%", "4亿美元").before).toBe("实际利用外资(商务部口径)");
  });

  it("reads a growth rate with the measure of the figure it follows, and a fall as negative", () => {
    const sentence = "固定资产投资7.82亿元,同比增长107%,其中工业投资7.41亿元,同比增长190%";
    expect(find(sentence, "107%").governs).toContain("固定资产投资");
    expect(find(sentence, "190%").governs).toContain("工业投资");
    expect(find(sentence, "190%").subset).toBe(true);
    const fall = find("1-10月,示范区固定资产投资下降10.9%,降幅比1-9月扩大0.8个百分点", "10.9%");
    expect(fall.value).toBe(-10.9);
    expect(fall.rateKind).toBe("growth");
    expect(find("占全区比重25.82%", "25.82%").rateKind).toBe("share");
  });

  it("marks thresholds and plans, which are never results", () => {
    expect(find("引进投资超5亿元项目4个", "5亿元").threshold).toBe(false);
    expect(find("2亿元以上项目签约数22个", "2亿元").threshold).toBe(true);
    expect(find("2亿元以上项目签约数22个", "22个").subset).toBe(true);
    expect(find("全部投产达产后,产值将超200亿元", "200亿元").notResult).toBe(true);
    expect(find("上半年预计完成工业投资199.54亿元", "199.54亿元").notResult).toBe(true);
    expect(find("完成工业投资199.54亿元", "199.54亿元").notResult).toBe(false);
  });

  it("reads positions and scores, and gives each name its figure after 分别", () => {
    expect(find("钦州港经开区在参评的全国217家经开区中排名第94位", "排名第94位").value).toBe(94);
    expect(find("得分88.87723分,位列全省第一", "88.87723分").unit).toBe("score");
    const sentence = "苏州工业园区、昆山经济技术开发区、南京经济技术开发区跻身“实际使用外资”单项十强榜单,分别列第三名、第七名、第八名";
    const ranks = quantitiesIn(sentence).filter((item) => item.unit === "rank");
    expect(ranks.map((item) => [item.owner, item.value])).toEqual([
      ["苏州工业园区", 3],
      ["昆山经济技术开发区", 7],
      ["南京经济技术开发区", 8],
    ]);
    expect(ranks[0]!.clause).toBe(sentence);
  });

  it("reads measure words the figure parser lacks", () => {
    expect(find("共有30对师徒报名", "30对").unit).toBe("count");
    expect(find("年产番茄酱1.2万吨", "1.2万吨")).toMatchObject({ unit: "tonne", value: 12000 });
  });

  it("writes figures in English with the original beside them", () => {
    expect(quantityText(find("总投资176.25亿元", "176.25亿元"), "en")).toBe("RMB 17.625 billion (176.25亿元)");
    expect(quantityText(find("分别列第三名、第七名", "列第三名"), "en")).toBe("3rd (列第三名)");
  });

  it("compares with conditions and reads Chinese numerals", () => {
    expect(meetsCondition({ value: 21, unit: "percent" }, { op: "above", value: 30 })).toBe(false);
    expect(meetsCondition({ value: 94, unit: "rank" }, { op: "atMost", value: 100 })).toBe(true);
    expect(meetsCondition({ value: -10.9, unit: "percent" }, { op: "above", value: 0 })).toBe(false);
    expect(chineseNumber("九十四")).toBe(94);
    expect(chineseNumber("百")).toBe(100);
    expect(chineseNumber("两")).toBe(2);
  });
});

describe("positions that are not positions", () => {
  it("does not read 排名五连进 (five rises in a row) as fifth place", () => {
    expect(quantitiesIn("实现了“国家高新区排名五连进”的历史性跨越").filter((item) => item.unit === "rank")).toEqual([]);
    expect(quantitiesIn("在全国169个国家高新区中综合排名第63位").find((item) => item.unit === "rank")!.value).toBe(63);
  });
});
