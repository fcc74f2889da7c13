import { describe, expect, it } from "vitest";
import { comparisonLead, figureLead, superlativeLead, type LeadRequest } from "../../src/answer/lead/fact-lead.js";
import { MemoryFactStore } from "../../src/facts/fact-store.js";
import { createMetricList } from "../../src/facts/metrics.js";
import type { Fact, MetricDefinition, Period } from "../../src/facts/types.js";

const half2023: Period = { kind: "months", from: "2023-01", to: "2023-06", zh: "2023年1-6月", en: "January–June 2023" };
const year2022: Period = { kind: "year", from: "2022-01", to: "2022-12", zh: "2022年", en: "2022" };
const signedInvestment: MetricDefinition = { key: "signed_investment", zh: "签约投资额", en: "signed investment", cues: ["投资总额"], units: ["yuan"] };
const metrics = createMetricList([signedInvestment]);
const english: Record<string, string> = { 衡阳: "Hengyang", 长治: "Changzhi", 无锡: "Wuxi" };

let counter = 0;
function fact(zone: string, place: string, raw: string, normalized: number, period: Period | undefined, extra: Partial<Fact> = {}): Fact {
  counter++;
  return {
    id: `c${counter}/0/0`, zone, place, level: "zone", period, metric: "signed_investment", label: "投资总额", raw, value: normalized / 1e8, unit: "亿元",
    normalized, normalizedUnit: "yuan", start: 0, end: raw.length, sentence: `${zone}投资总额${raw}`, source: "s.txt", chunkId: `c${counter}`,
    articleId: "a", sentenceStart: 0, sentenceEnd: 10, ...extra,
  };
}

const store = new MemoryFactStore([
  fact("衡阳高新区", "衡阳", "150.8亿元", 150.8e8, half2023),
  fact("长治高新区", "长治", "105.63亿元", 105.63e8, half2023),
  fact("长治高新区", "长治", "106亿元", 106e8, year2022),
  fact("衡阳高新区", "衡阳", "78亿元", 78e8, { ...half2023, kind: "day", from: "2023-07", to: "2023-07", day: "2023-07-11" }, { event: true }),
]);

function request(extra: Partial<LeadRequest>): LeadRequest {
  return { language: "en", subjects: [], metrics: metrics.metrics, followUp: false, facts: store, english: (place) => english[place] ?? place, ...extra };
}

describe("comparison composer", () => {
  it("gives one line per side for the same period and says which is larger and by how much", () => {
    const lead = comparisonLead(request({ subjects: [{ place: "衡阳", zone: "衡阳高新区" }, { place: "长治", zone: "长治高新区" }], period: half2023 }))!;
    expect(lead.text).toContain("Hengyang High-tech Zone (衡阳高新区)");
    expect(lead.text).toContain("RMB 15.08 billion");
    expect(lead.text).toContain("RMB 10.563 billion");
    expect(lead.text).toMatch(/Hengyang High-tech Zone \(衡阳高新区\) is higher than Changzhi High-tech Zone \(长治高新区\) by RMB 4\.517 billion/);
    // Another period's figure of the same zone is not used.
    expect(lead.text).not.toContain("10.6 billion");
    expect(lead.facts).toHaveLength(2);
  });

  it("says plainly when the periods differ instead of comparing", () => {
    const lead = comparisonLead(request({ subjects: [{ place: "衡阳", zone: "衡阳高新区" }, { place: "长治", zone: "长治高新区" }], period: undefined }))!;
    // Without an asked period each side's latest: both January–June 2023 here, so they compare.
    expect(lead.text).toMatch(/is higher than/);
    const mixed = new MemoryFactStore([fact("衡阳高新区", "衡阳", "150.8亿元", 150.8e8, half2023), fact("无锡高新区", "无锡", "100亿元", 100e8, year2022)]);
    const differing = comparisonLead({ ...request({ subjects: [{ place: "衡阳", zone: "衡阳高新区" }, { place: "无锡", zone: "无锡高新区" }] }), facts: mixed })!;
    expect(differing.text).toMatch(/periods or levels differ/);
  });

  it("gives a side without a figure for the asked period its nearest period, labelled, and no verdict", () => {
    const facts = new MemoryFactStore([fact("衡阳高新区", "衡阳", "150.8亿元", 150.8e8, half2023), fact("无锡高新区", "无锡", "100亿元", 100e8, year2022)]);
    const lead = comparisonLead({ ...request({ subjects: [{ place: "衡阳", zone: "衡阳高新区" }, { place: "无锡", zone: "无锡高新区" }], period: half2023 }), facts })!;
    expect(lead.text).toContain("RMB 15.08 billion");
    expect(lead.text).toMatch(/Wuxi High-tech Zone \(无锡高新区\): the reports have no January–June 2023 figure for signed investment; the nearest is .*2022: RMB 10 billion/);
    expect(lead.text).toMatch(/cannot be compared directly/);
    expect(lead.text).not.toMatch(/is higher than/);
    expect(lead.facts).toHaveLength(2);
    const zh = comparisonLead({ ...request({ language: "zh", subjects: [{ place: "衡阳", zone: "衡阳高新区" }, { place: "无锡", zone: "无锡高新区" }], period: half2023 }), facts })!;
    expect(zh.text).toMatch(/无锡高新区：资料中没有2023年1-6月签约投资额数据，最接近的是无锡高新区2022年/);
    expect(zh.text).not.toMatch(/更多/);
  });

  it("answers in Chinese with 更多", () => {
    const lead = comparisonLead(request({ language: "zh", subjects: [{ place: "衡阳", zone: "衡阳高新区" }, { place: "长治", zone: "长治高新区" }], period: half2023 }))!;
    expect(lead.text).toMatch(/衡阳高新区更多，多45\.17亿元/);
  });
});

describe("superlative composer", () => {
  it("names the winner among the zones reporting the metric for the period and lists the zones without it", () => {
    const lead = superlativeLead({ ...request({ period: half2023 }), zonesInIndex: ["衡阳高新区", "长治高新区", "无锡高新区"] })!;
    expect(lead.text).toMatch(/^Among the zones that report signed investment for January–June 2023, Hengyang High-tech Zone \(衡阳高新区\) has the highest/);
    expect(lead.text).toContain("Changzhi High-tech Zone (长治高新区): RMB 10.563 billion");
    expect(lead.text).toContain("no such figure for Wuxi");
    // The one-day event figure is not a period total.
    expect(lead.text).not.toContain("7.8 billion");
  });
});

describe("figure composer", () => {
  it("labels the figure with metric, zone and period", () => {
    const lead = figureLead(request({ subjects: [{ place: "衡阳", zone: "衡阳高新区" }], period: half2023 }))!;
    expect(lead.text).toBe("Hengyang High-tech Zone (衡阳高新区): signed investment in January–June 2023: RMB 15.08 billion (150.8亿元) {{fact:c1/0/0}}.");
  });

  it("falls back to the nearest period in a follow-up and says so", () => {
    const h2: Period = { kind: "half", from: "2023-07", to: "2023-12", zh: "2023年下半年", en: "July–December 2023" };
    const followUp = figureLead(request({ subjects: [{ place: "长治", zone: "长治高新区" }], period: h2, followUp: true }))!;
    expect(followUp.text).toMatch(/^The reports have no July–December 2023 figure for Changzhi High-tech Zone \(长治高新区\); the nearest they have is/);
    expect(followUp.refused).toBeUndefined();
    const first = figureLead(request({ subjects: [{ place: "长治", zone: "长治高新区" }], period: { ...h2, from: "2021-07", to: "2021-12", en: "July–December 2021" } }))!;
    expect(first.refused).toBe(true);
    expect(first.text).not.toMatch(/\d+\.\d+ billion/);
  });
});
