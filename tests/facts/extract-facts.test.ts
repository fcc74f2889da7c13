import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractFacts, extractArticleFacts } from "../../src/facts/extract-facts.js";
import { findFigureValues } from "../../src/facts/figures.js";
import { loadMetricList, parseMetricList, type MetricList } from "../../src/facts/metrics.js";
import type { Fact } from "../../src/facts/types.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";
import type { Article } from "../../src/core/types.js";
import { chunkArticle } from "../../src/ingest/chunk-article.js";

let metrics: MetricList;
let facts: Fact[];

beforeAll(async () => {
  metrics = await loadMetricList(path.resolve("corpus/metrics.json"));
  const corpus = await readCorpus(path.resolve("corpus"));
  facts = extractFacts(corpus.articles, corpus.chunks, { metrics });
});

const find = (predicate: (fact: Fact) => boolean) => facts.filter(predicate);

function article(text: string, zones: string[], date = "2023-07"): Article {
  return { id: "t.txt#0", source: "t.txt", index: 0, title: "t", date, zones, text, offsets: [...text].map((_, index) => index) };
}

describe("figures", () => {
  it("normalises money, US dollars, percentages, areas and counts", () => {
    const figures = findFigureValues("投资总额达150.8亿元,到位外资635万美元,增速97.5%,厂房150万㎡,企业10多家");
    expect(figures.map((figure) => [figure.raw, figure.normalized, figure.normalizedUnit])).toEqual([
      ["150.8亿元", 150.8e8, "yuan"],
      ["635万美元", 635e4, "usd"],
      ["97.5%", 97.5, "percent"],
      ["150万㎡", 150e4, "m2"],
      ["10多家", 10, "count"],
    ]);
    expect(figures[4]!.approximate).toBe(true);
  });

  it("skips years, dates and ranges", () => {
    expect(findFigureValues("2023年1-6月，5月24-26日").map((figure) => figure.raw)).toEqual([]);
  });
});

describe("fact extraction on a list sentence", () => {
  it("labels every figure of 签约项目28个，投资总额达150.8亿元，2亿元以上项目签约数22个", () => {
    const text = "2023年1-6月,衡阳高新区招商引资签约项目28个,投资总额达150.8亿元,2亿元以上项目签约数22个;到位外资635万美元,进出口总额增速97.5%。";
    const a = article(text, ["衡阳高新区", "衡阳"]);
    const extracted = extractArticleFacts(a, chunkArticle(a), { metrics });
    const byRaw = Object.fromEntries(extracted.map((fact) => [fact.raw, fact]));
    expect(byRaw["28个"]).toMatchObject({ metric: "signed_projects", zone: "衡阳高新区", level: "zone", period: { from: "2023-01", to: "2023-06" } });
    expect(byRaw["150.8亿元"]).toMatchObject({ metric: "signed_investment", normalized: 150.8e8 });
    expect(byRaw["22个"]).toMatchObject({ metric: "signed_projects", scope: expect.stringContaining("2亿元以上") });
    // The threshold is not a figure of its own.
    expect(byRaw["2亿元"]).toBeUndefined();
    // The clause after "；" keeps the period.
    expect(byRaw["635万美元"]).toMatchObject({ metric: "foreign_capital_used", period: { from: "2023-01", to: "2023-06" } });
    expect(byRaw["97.5%"]).toMatchObject({ metric: "import_export_growth", normalizedUnit: "percent" });
  });

  it("marks a ceremony's figures as an event, not the half-year total", () => {
    const text = "7月11日,衡阳高新区举行2023年上半年招商引资项目集中签约仪式,现场签约项目10个,总投资78亿元。";
    const a = article(text, ["衡阳高新区", "衡阳"]);
    const [projects] = extractArticleFacts(a, chunkArticle(a), { metrics });
    expect(projects).toMatchObject({ raw: "10个", event: true, period: { kind: "day", day: "2023-07-11" } });
  });

  it("does not take the place an event happened in for the zone that reports it", () => {
    const text = "3月19日，安康市推介会在河北雄安新区成功举办。现场签约项目10个，总投资8.53亿元。";
    const a = article(text, ["安康", "雄安新区"], "2019-05");
    const extracted = extractArticleFacts(a, chunkArticle(a), { metrics });
    expect(extracted.map((fact) => fact.zone)).toEqual(["安康", "安康"]);
    expect(extracted[0]).toMatchObject({ level: "city", event: true });
  });
});

describe("fact extraction on every corpus file", () => {
  it("finds facts in each file with sentence offsets into the original text", async () => {
    const sources = new Set(facts.map((fact) => fact.source));
    expect(sources.size).toBe(5);
    const { readFile } = await import("node:fs/promises");
    for (const fact of facts.slice(0, 40)) {
      const original = await readFile(path.resolve(fact.source), "utf8");
      const quoted = original.slice(fact.sentenceStart, fact.sentenceEnd).replace(/\s+/g, "");
      expect(quoted).toContain(fact.raw.replace(/\s+/g, ""));
    }
  });

  it("000: 安康高新区's 十三五 foreign capital and factory floor area", () => {
    expect(find((fact) => fact.source.includes("000") && fact.raw === "6836万美元")[0]).toMatchObject({ zone: "安康高新区", metric: "foreign_capital_used", period: { from: "2016-01", to: "2020-12" } });
    expect(find((fact) => fact.source.includes("000") && fact.raw === "150万㎡")[0]).toMatchObject({ metric: "floor_area", normalizedUnit: "m2" });
  });

  it("001: the city of 安康 in 2019, at city level", () => {
    expect(find((fact) => fact.source.includes("001") && fact.raw === "4830万美元")[0]).toMatchObject({ zone: "安康", level: "city", metric: "foreign_capital_used", period: { from: "2019-01", to: "2019-12" } });
    expect(find((fact) => fact.source.includes("001") && fact.raw === "9家")[0]).toMatchObject({ metric: "foreign_enterprises" });
  });

  it("002: 长治高新区's H1 2023 signings and renovation subsidies", () => {
    expect(find((fact) => fact.source.includes("002") && fact.raw === "105.63亿元")[0]).toMatchObject({ zone: "长治高新区", metric: "signed_investment", period: { from: "2023-01", to: "2023-06" } });
    expect(find((fact) => fact.source.includes("002") && fact.raw === "1.5亿元")[0]).toMatchObject({ metric: "subsidy_amount", qualifier: "超" });
  });

  it("003: 安康高新区's rate and platforms", () => {
    expect(find((fact) => fact.source.includes("003") && fact.raw === "99%")[0]).toMatchObject({ zone: "安康高新区", normalizedUnit: "percent" });
    expect(find((fact) => fact.source.includes("003") && fact.raw === "70个")[0]).toMatchObject({ metric: "platforms" });
  });

  it("004: each zone of a multi-zone page keeps its own figures", () => {
    expect(find((fact) => fact.source.includes("004") && fact.raw === "18项")[0]).toMatchObject({ zone: "乐山高新区" });
    expect(find((fact) => fact.source.includes("004") && fact.raw === "247.04亿元")[0]).toMatchObject({ zone: "无锡高新区", metric: "completed_investment" });
  });
});

describe("metric list validation", () => {
  it("rejects a malformed list with a coded error", () => {
    expect(() => parseMetricList({ metrics: [{ key: "Bad Key", zh: "x", en: "x", cues: ["x"], units: ["count"] }] })).toThrow(/metric list/);
    expect(() => parseMetricList({ metrics: [{ key: "a", zh: "x", en: "x", cues: ["x"], units: ["litres"] }] })).toThrow();
  });
});
