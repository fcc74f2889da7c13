import type { Answer, Language } from "../../core/types.js";
import type { ChunkStore } from "../../index/chunk-store.js";
import type { FactStore } from "../../facts/fact-store.js";
import type { MetricList } from "../../facts/metrics.js";
import { zoneLabel } from "./fact-lead.js";

/**
 * Replies that need no retrieval: a short help text for a non-question, and what the assistant
 * covers, computed from the live snapshot (no hand-kept list).
 */

export interface CoverageInput {
  /** Coverage reads one summary per article, never every chunk. */
  chunks: Pick<ChunkStore, "articles">;
  facts: FactStore;
  metrics: MetricList;
  english: (place: string) => string;
}

interface ZoneCoverage {
  zone: string;
  place: string;
  documents: Set<string>;
  dates: string[];
  chunks: number;
}

/**
 * Per snapshot (the store is swapped with it): coverage and superlatives ask for it on every such
 * question, and reading every article's summary costs tens of ms at 100,000 chunks. It holds one
 * entry per zone (documents and dates), a few bytes per chunk.
 */
const coverageCache = new WeakMap<object, ZoneCoverage[]>();

/** Zones covered, most passages first (shared, read-only: callers must not change it). */
export function coverageOf(input: Pick<CoverageInput, "chunks">): ZoneCoverage[] {
  const cached = coverageCache.get(input.chunks);
  if (cached) return cached;
  const zones = computeCoverage(input);
  coverageCache.set(input.chunks, zones);
  return zones;
}

function computeCoverage(input: Pick<CoverageInput, "chunks">): ZoneCoverage[] {
  const byZone = new Map<string, ZoneCoverage>();
  for (const first of input.chunks.articles()) {
    const zone = first.zones[0];
    if (!zone) continue;
    const entry = byZone.get(zone) ?? { zone, place: first.zones.find((name) => zone.startsWith(name) && name !== zone) ?? zone, documents: new Set<string>(), dates: [], chunks: 0 };
    entry.documents.add(first.source);
    if (first.date) entry.dates.push(first.date);
    entry.chunks += first.chunkCount;
    byZone.set(zone, entry);
  }
  return [...byZone.values()].sort((a, b) => b.chunks - a.chunks);
}

function dateRange(dates: string[]): string {
  const sorted = [...new Set(dates.map((date) => date.slice(0, 7)))].sort();
  if (sorted.length === 0) return "";
  return sorted.length === 1 ? sorted[0]! : `${sorted[0]}–${sorted.at(-1)}`;
}

export function coverageAnswer(input: CoverageInput, language: Language, standaloneQuestion: string): Answer {
  const zones = coverageOf(input);
  const documents = new Set(zones.flatMap((zone) => [...zone.documents]));
  const label = (zone: ZoneCoverage) => zoneLabel({ zone: zone.zone, place: zone.place, level: zone.place === zone.zone ? "city" : "zone" }, language, input.english);
  const line = (zone: ZoneCoverage) =>
    language === "zh"
      ? `${zone.zone}：${zone.documents.size}份资料${dateRange(zone.dates) ? `（${dateRange(zone.dates)}）` : ""}`
      : `${label(zone)}: ${zone.documents.size} document${zone.documents.size === 1 ? "" : "s"}${dateRange(zone.dates) ? ` (${dateRange(zone.dates)})` : ""}`;
  const names = zones.map((zone) => (language === "zh" ? zone.zone : input.english(zone.place)));
  const head =
    language === "zh"
      ? `我根据${documents.size}份已收录资料回答，涉及${zones.length}个园区或地区：${names.join("、")}。`
      : `I answer from ${documents.size} indexed documents covering ${zones.length} zones and places: ${names.join(", ")}.`;
  const all = dateRange(zones.flatMap((zone) => zone.dates));
  const tail = language === "zh" ? `资料日期：${all}。可以问数字、政策、比较等，例如：${examples(input, "zh").join(" / ")}` : `Report dates: ${all}. Ask about figures, policies or comparisons, e.g. ${examples(input, "en").join(" / ")}`;
  return { answer: [head, ...zones.map(line), tail].join("\n"), refused: false, mode: "extractive", language, citations: [], warnings: [], standaloneQuestion };
}

/**
 * Candidate example questions for the chat page, from what the live snapshot covers: figures its
 * facts hold (zone, period, metric) and the incentives of the zones with the most passages. The
 * caller keeps the ones the index actually answers.
 */
export function exampleQuestions(input: CoverageInput, count: number): { zh: string[]; en: string[] } {
  const zh: string[] = [];
  const en: string[] = [];
  // Incentives of the best-covered zones first (what investors ask), then figures the facts hold.
  const chosen: string[] = [];
  for (const zone of coverageOf(input)) {
    if (chosen.length >= Math.ceil(count / 2)) break;
    // 安康 beside 安康高新区 would ask the same thing twice.
    if (chosen.some((other) => other.includes(zone.zone) || zone.zone.includes(other))) continue;
    chosen.push(zone.zone);
    zh.push(`${zone.zone}有哪些招商优惠政策？`);
    en.push(`What incentives does ${zoneLabel({ zone: zone.zone, place: zone.place, level: zone.place === zone.zone ? "city" : "zone" }, "en", input.english).replace(/ \(.*\)$/, "")} offer?`);
  }
  for (const fact of input.facts.examples(count)) {
    const metric = input.metrics.byKey(fact.metric);
    zh.push(`${fact.zone}${fact.period!.zh}${metric?.zh ?? fact.label}是多少？`);
    en.push(`What was ${zoneLabel(fact, "en", input.english).replace(/ \(.*\)$/, "")}'s ${metric?.en ?? "figure"} in ${fact.period!.en}?`);
  }
  return { zh, en };
}

/** Two example questions built from the facts the index holds. */
function examples(input: Pick<CoverageInput, "facts" | "metrics" | "english">, language: Language): string[] {
  const questions = input.facts.examples(2).map((fact) => {
    const metric = input.metrics.byKey(fact.metric);
    return language === "zh" ? `“${fact.zone}${fact.period!.zh}${metric?.zh ?? fact.label}是多少？”` : `“What was ${zoneLabel(fact, "en", input.english).replace(/ \(.*\)$/, "")}'s ${metric?.en ?? "figure"} in ${fact.period!.en}?”`;
  });
  if (questions.length > 0) return questions;
  return language === "zh" ? ["“某高新区有哪些招商优惠政策？”"] : ["“What incentives does a zone offer?”"];
}

export function helpAnswer(input: Pick<CoverageInput, "facts" | "metrics" | "english">, language: Language, question: string): Answer {
  const answer =
    language === "zh"
      ? `请用一句话提问园区的数字、政策或情况，我会引用资料原文回答。例如：${examples(input, "zh").join(" 或 ")}`
      : `Ask me a question about a development zone's figures, policies or results, and I will answer from the reports with citations. For example: ${examples(input, "en").join(" or ")}`;
  return { answer, refused: true, mode: "extractive", language, citations: [], warnings: [], standaloneQuestion: question };
}

/** Names a "who / which company" question asks for, as written in a sentence. */
export function entitiesIn(sentence: string): string[] {
  const found: string[] = [];
  const add = (name: string | undefined) => {
    const clean = name?.replace(/^(?:与|和|同|由|对|为|在|是|的|了|及|等|把|将|向|从)+/u, "").trim();
    if (clean && clean.length >= 2 && !found.some((other) => other.includes(clean) || clean.includes(other))) found.push(clean);
  };
  for (const match of sentence.matchAll(/(?:党工委书记|党委书记|管委会主任|副主任|主任|书记|局长|副局长|市长|区长|县长|董事长|总经理|负责人|院长|博士|教授|主席)[、，,\s]*([\u4e00-\u9fff]{2,3}?)(?=[，,、。；;\s（(]|$|率|带|等|一行|同志|先后|表示|介绍|说|主持|出席|参加)/gu)) add(match[1]);
  for (const match of sentence.matchAll(/([\u4e00-\u9fff]{2,16}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|研究院|研究所|大学|银行|科技园))/gu)) add(match[1]);
  return found.slice(0, 4);
}
