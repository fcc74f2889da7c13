import { describe, expect, it } from "vitest";
import { askedIn, readCondition, readFrame, splitParts, zoneKindOf } from "../../../src/answer/claims/frame.js";
import type { TermGroup } from "../../../src/retrieve/analyze-query.js";

const group = (label: string, ...alternatives: string[]): TermGroup => ({ label, alternatives: alternatives.length > 0 ? alternatives : [label] });

describe("question frame: conditions a yes/no is decided against", () => {
  it("reads thresholds with their unit, in both languages", () => {
    expect(readCondition("Did Lanzhou New Area's fixed-asset investment grow by more than 30% in 2022?", "en")).toMatchObject({ op: "above", value: 30, unit: "percent" });
    expect(readCondition("Did Hengyang sign more than 50 projects in H1 2023?", "en")).toMatchObject({ op: "above", value: 50, unit: "count" });
    expect(readCondition("银川市工业园区的工业投资同比增长超过一倍了吗？", "zh")).toMatchObject({ op: "above", value: 100, unit: "percent" });
    expect(readCondition("南昌高新区航空产业主营业务收入超过200亿元了吗？", "zh")).toMatchObject({ op: "above", value: 200e8, unit: "yuan" });
    expect(readCondition("川渝高竹新区的规划面积超过200平方公里吗？", "zh")).toMatchObject({ op: "above", value: 200e6, unit: "area" });
  });

  it("reads rankings: top N, 百强, first", () => {
    expect(readCondition("Was Ankang ranked in the top 50 in 2020?", "en")).toMatchObject({ op: "atMost", value: 50, unit: "rank" });
    expect(readCondition("钦州港经开区首次进入全国百强了吗？", "zh")).toMatchObject({ op: "atMost", value: 100, unit: "rank" });
    expect(readCondition("did Suzhou Industrial Park rank first in the single-item ranking?", "en")).toMatchObject({ op: "equals", value: 1, unit: "rank" });
  });

  it("does not take a period for a ranking (前三季度 is not 'top three')", () => {
    expect(readCondition("2022年前三季度兰州新区一般预算收入增长超过30%了吗？", "zh")).toMatchObject({ op: "above", value: 30, unit: "percent" });
  });

  it("reads 'did it grow' as growth above zero, and nothing from a question without a threshold", () => {
    expect(readCondition("Did Yangling's fixed-asset investment grow in January–October 2023?", "en")).toMatchObject({ op: "above", value: 0, unit: "percent" });
    expect(readCondition("Does Lingang give people who work there a transport subsidy?", "en")).toBeUndefined();
  });
});

describe("question frame: parts and what each asks", () => {
  it("splits a question asking two figures into two parts", () => {
    const terms = [group("项目"), group("总投资")];
    const parts = splitParts("湘潭高新区共有多少个项目？总投资规模多少？", "zh", terms);
    expect(parts.map((part) => part.asked[0])).toEqual(["count", "amount"]);
    expect(parts[1]!.terms.map((term) => term.label)).toEqual(["总投资"]);
    const english = splitParts("How many projects did Baotou sign on May 7, 2022, and what was the total agreed investment?", "en", [group("project", "项目"), group("investment", "投资")]);
    expect(english.map((part) => part.asked[0])).toEqual(["count", "amount"]);
  });

  it("tells growth from a share and from money", () => {
    expect(askedIn("how much did it grow", "en")).toEqual(["percent"]);
    expect(askedIn("投资完成率是多少", "zh")[0]).toBe("percent");
    expect(askedIn("得了多少分", "zh")[0]).toBe("score");
    expect(askedIn("排名第几", "zh")[0]).toBe("rank");
    expect(readFrame({ question: "同比增长多少？", language: "zh", kind: "figure", terms: [], subjects: [] }).parts[0]!.rate).toBe("growth");
    expect(readFrame({ question: "占全区比重多少？", language: "zh", kind: "figure", terms: [], subjects: [] }).parts[0]!.rate).toBe("share");
  });

  it("asks any figure when a figure question names no kind, and marks plans", () => {
    const frame = readFrame({ question: "What was the GDP of Chengdu ETDZ in 2023?", language: "en", kind: "figure", terms: [], subjects: [] });
    expect(frame.parts[0]!.asked).toEqual(["any"]);
    expect(readFrame({ question: "计划总投资多少？", language: "zh", kind: "figure", terms: [], subjects: [] }).asksPlan).toBe(true);
  });

  it("reads the kind of zone a name gives", () => {
    expect(zoneKindOf("银川经济技术开发区")).toBe("经开");
    expect(zoneKindOf("Yinchuan High-tech Industrial Development Zone")).toBe("高新");
    expect(zoneKindOf("苏银产业园")).toBe("工业园");
  });
});

describe("question frame: subjects named apart and the noun measured", () => {
  it("gives each subject its own words and period", () => {
    const periodOf = (text: string) => (/November 2020/u.test(text) ? { kind: "month" as const, from: "2020-11", to: "2020-11", zh: "2020年11月", en: "November 2020" } : /2024/u.test(text) ? { kind: "day" as const, from: "2024-02", to: "2024-02", zh: "2024年2月5日", en: "February 5, 2024", day: "2024-02-05" } : undefined);
    const frame = readFrame({
      question: "Compare the total investment of the projects signed at Wuxi High-tech Zone's event in November 2020 with that of the projects Jingmen High-tech Zone signed on February 5, 2024. Which was larger?",
      language: "en",
      kind: "comparison",
      terms: [group("total investment", "总投资")],
      subjects: [{ place: "无锡" }, { place: "荆门" }],
      names: [["Wuxi"], ["Jingmen"]],
      periodOf,
    });
    expect(frame.subjects.map((subject) => subject.mention)).toEqual(["Wuxi High-tech Zone", "Jingmen High-tech Zone"]);
    expect(frame.subjects.map((subject) => subject.period?.from)).toEqual(["2020-11", "2024-02"]);
    expect(frame.compare?.direction).toBe("more");
    expect(frame.parts).toHaveLength(1);
  });

  it("reads the noun after the last 的 as what is measured", () => {
    const parts = splitParts("包头稀土高新区累计签约项目的计划总投资，各是多少？", "zh", [group("签约项目"), group("计划"), group("总投资")]);
    expect(parts[0]!.head).toBe("计划总投资");
    expect(parts[0]!.terms.map((term) => term.label)).toContain("总投资");
  });
});

describe("question frame: measures named without a question word", () => {
  it("asks each measure noun of a noun-phrase question, when a period is given", () => {
    const terms = [group("signed project", "签约项目"), group("investment", "投资")];
    const period = { kind: "year" as const, from: "2022-01", to: "2022-12", zh: "2022年", en: "2022" };
    const frame = readFrame({ question: "Baotou rare earth zone: cumulative signed projects and planned investment for 2022?", language: "en", kind: "general", terms, subjects: [{ place: "包头" }], period });
    expect(frame.intent).toBe("figure");
    expect(frame.parts.map((part) => part.asked[0])).toEqual(["count", "amount"]);
    // A question with a question word is read by its cues, not by its nouns.
    expect(readFrame({ question: "Why did Baotou sign projects in 2022?", language: "en", kind: "general", terms, subjects: [{ place: "包头" }], period }).parts).toEqual([]);
  });
});
