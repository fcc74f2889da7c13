import type { Language } from "../../core/types.js";
import type { FactStore } from "../../facts/fact-store.js";
import { figureInEnglish, humanize } from "../../facts/figures.js";
import type { Fact, MetricDefinition, Period, ZoneLevel } from "../../facts/types.js";
import { englishZoneName } from "../zone-names.js";
import { groupCoverage } from "../coverage.js";
import { zoneKindSurfaces } from "../../ingest/zones.js";

/**
 * First paragraphs composed from facts: the figure asked for, labelled with its metric, zone and
 * period in the asker's language; a comparison of two zones; a ranking of the zones that report a
 * metric. Figures are cited by fact (`{{fact:<id>}}` markers that attach-lead turns into [n]).
 */

export interface LeadRequest {
  language: Language;
  /** Zones or places the question names, canonical Chinese (衡阳高新区 or 衡阳). */
  subjects: Subject[];
  metrics: MetricDefinition[];
  period?: Period;
  /** Follow-ups may answer with the nearest period; first questions naming a year are refused instead. */
  followUp: boolean;
  facts: FactStore;
  english: (place: string) => string;
  /** The question's Chinese term groups: a fact whose sentence holds more of them fits better. */
  terms?: string[][];
  /** The question is about one event (a ceremony, a fair, a given day) or a subset ("亿元以上项目"). */
  asksEvent?: boolean;
  asksScope?: boolean;
  /** The question's words that named each metric (by key), to tell a specific match from a generic one. */
  matchedCues?: Record<string, string>;
  /** Retrieval rank of each passage (chunk id → 0-based rank), when retrieval ran. */
  hitRanks?: Map<string, number>;
  /** "现在", "so far": the figure as of the report date is preferred. */
  asksNow?: boolean;
}

export interface Subject {
  place: string;
  /** The zone name asked (衡阳高新区), or undefined when only the place was named. */
  zone?: string;
  level?: ZoneLevel;
}

export interface Lead {
  text: string;
  facts: Fact[];
  /** The asked period has no figure and the question cannot be answered from another one. */
  refused?: boolean;
}

const factMarker = (fact: Fact) => `{{fact:${fact.id}}}`;

export function zoneLabel(fact: Pick<Fact, "zone" | "place" | "level">, language: Language, english: (place: string) => string): string {
  if (language === "zh") return fact.zone;
  if (fact.level === "city" && fact.zone === fact.place) return `${english(fact.place)} City (${fact.zone})`;
  if (fact.level === "province") return `${english(fact.place)} Province (${fact.zone})`;
  return englishZoneName(fact.zone, english, fact.place && fact.zone.startsWith(fact.place) ? fact.place : undefined);
}

function subjectLabel(subject: Subject, language: Language, english: (place: string) => string): string {
  const zone = subject.zone ?? subject.place;
  return zoneLabel({ zone, place: subject.place, level: subject.level ?? "zone" }, language, english);
}

function periodLabel(fact: Fact, language: Language): string {
  if (fact.period) return language === "zh" ? fact.period.zh : fact.period.en;
  const year = fact.date?.slice(0, 4);
  if (!year) return language === "zh" ? "（未注明时间）" : "(no period stated)";
  return language === "zh" ? `（${year}年报道，未注明时间）` : `(no period stated; reported in ${year})`;
}

const qualifierEnglish: Record<string, string> = { 超: "more than", 超过: "more than", 近: "nearly", 接近: "nearly", 不低于: "at least", 不少于: "at least", 至少: "at least", 约: "about", 最高: "up to", 累计: "a cumulative" };

function valueText(fact: Fact, language: Language): string {
  if (language === "zh") {
    const qualifier = fact.qualifier && !/^(?:达|达到|共|共计|同比)$/.test(fact.qualifier) ? fact.qualifier : "";
    return `${qualifier === "多" ? "" : qualifier}${fact.raw}`;
  }
  const english = figureInEnglish(fact);
  const qualifier = fact.qualifier ? qualifierEnglish[fact.qualifier] : undefined;
  return qualifier && !english.startsWith("more than") ? `${qualifier} ${english}` : english;
}

function metricName(fact: Fact, metrics: MetricDefinition[], language: Language): string {
  const metric = metrics.find((item) => item.key === fact.metric);
  if (language === "zh") return fact.label || metric?.zh || "";
  return metric?.en ?? fact.label;
}

/** "衡阳高新区2023年1-6月签约项目28个[1]、投资总额150.8亿元[1]" / "Hengyang …: signed projects in January–June 2023: 28 [1]; …" */
function describeFacts(facts: Fact[], metrics: MetricDefinition[], language: Language, english: (place: string) => string): string {
  if (facts.length === 0) return "";
  const first = facts[0]!;
  const samePeriod = facts.every((fact) => periodLabel(fact, language) === periodLabel(first, language));
  if (language === "zh") {
    const parts = facts.map((fact, index) => `${index === 0 || !samePeriod ? (index === 0 ? "" : periodLabel(fact, language)) : ""}${metricName(fact, metrics, language)}${valueText(fact, language)}${factMarker(fact)}`);
    return `${zoneLabel(first, language, english)}${periodLabel(first, language)}${parts.join("，")}`;
  }
  const when = (fact: Fact) => (fact.period && (fact.period.kind === "to-date" || fact.period.kind === "since") ? ` ${periodLabel(fact, language)}` : ` in ${periodLabel(fact, language)}`);
  const parts = facts.map((fact, index) => `${metricName(fact, metrics, language)}${index === 0 || !samePeriod ? when(fact) : ""}: ${valueText(fact, language)} ${factMarker(fact)}`);
  return `${zoneLabel(first, language, english)}: ${parts.join("; ")}`;
}

/** The fact of a subject for each asked metric, for the asked period (or none). */
function factsFor(request: LeadRequest, subject: Subject, period: Period | undefined): Fact[] {
  const chosen: Fact[] = [];
  for (const metric of request.metrics) {
    const query = { places: [subject.place], zones: subject.zone ? [subject.zone] : undefined, metrics: [metric.key], period, includeParts: true };
    // A bare place ("衡阳") means its zone first (the reports are about zones), then the city.
    const matches = subject.level
      ? request.facts.find({ ...query, level: subject.level })
      : [...request.facts.find({ ...query, level: "zone" }), ...request.facts.find(query)];
    const scored = matches
      .map((match, order) => ({ match, order, score: fit(match.fact, request) + (match.periodMatch === "exact" ? 2 : match.periodMatch === "within" ? 0.5 : 0) + (match.fact.period ? 0.25 : 0) }))
      .sort((a, b) => b.score - a.score || a.order - b.order);
    const pick = scored.find((item) => about(item.match.fact, request));
    if (pick && pick.score > -1 && !chosen.some((fact) => fact.id === pick.match.fact.id)) chosen.push(pick.match.fact);
  }
  return chosen;
}

/** Words that name a period, not a topic: the fact's period is checked on its own. */
const periodWord = /^(?:上半年|下半年|今年|去年|前年|本年|季度|一季度|前三季度|年初|年底|期间|时期|以来|目前|现在|十[二三四五]五)$/u;

/**
 * The fact's sentence must be about what was asked: most of the question's (non-period) words
 * are in it. Otherwise a figure of the right metric from an unrelated sentence would lead.
 */
function about(fact: Fact, request: LeadRequest): boolean {
  const groups = (request.terms ?? []).filter((group) => !group.every((term) => periodWord.test(term)));
  if (groups.length === 0) return true;
  return groupCoverage(groups, fact.sentence).score >= 0.5;
}

/** How well a fact fits the question beyond its metric: its words, and whether a part (one event, a subset) was asked. */
function fit(fact: Fact, request: LeadRequest): number {
  let score = 0;
  for (const group of request.terms ?? []) {
    if (!group.some((term) => fact.sentence.includes(term))) continue;
    // A number the question repeats ("the 143 major projects") pins the sentence down.
    score += group.some((term) => /^\d/.test(term)) ? 2 : group.some((term) => term.length >= 2) ? 0.5 : 0;
  }
  if (fact.event) score += request.asksEvent ? 2 : -3;
  if (fact.scope) score += request.asksScope ? 2 : -3;
  if (request.asksNow && fact.period?.kind === "to-date") score += 1;
  // Retrieval ranked the passages by the whole question: a fact of a higher-ranked passage fits better.
  const rank = request.hitRanks?.get(fact.chunkId);
  if (rank !== undefined) score += 1 / (rank + 1);
  return score;
}

/** One figure (or a few metrics) of one zone, with the nearest-period fallback stated plainly. */
export function figureLead(request: LeadRequest): Lead | undefined {
  const subject = request.subjects[0];
  if (!subject || request.metrics.length === 0) return undefined;
  const found = factsFor(request, subject, request.period);
  if (found.length > 0) return { text: `${describeFacts(found, request.metrics, request.language, request.english)}${end(request.language)}`, facts: found };
  if (!request.period) return undefined;
  // Nothing for the asked period: the nearest period the reports have, labelled, or a plain refusal.
  const nearest = request.metrics
    .map((metric) => request.facts.nearest({ places: [subject.place], zones: subject.zone ? [subject.zone] : undefined, level: subject.level ?? "zone", metrics: [metric.key], period: request.period }).find((fact) => about(fact, request)))
    .filter((fact): fact is Fact => fact !== undefined);
  const who = subjectLabel(subject, request.language, request.english);
  const asked = request.language === "zh" ? request.period.zh : request.period.en;
  const metricText = request.metrics.map((metric) => (request.language === "zh" ? metric.zh : metric.en)).join(request.language === "zh" ? "、" : " and ");
  const explicitYear = !request.period.yearless;
  // No figure of this metric at all: the passages may still say it in words; let them answer.
  if (nearest.length === 0) return levelMissing(request, subject);
  if (!request.followUp && explicitYear && !relativeAsked(request.period)) {
    const text =
      request.language === "zh"
        ? `资料中没有${who}${asked}的${metricText}数据${nearest.length > 0 ? `（已有数据的时期：${[...new Set(nearest.map((fact) => periodLabel(fact, "zh")))].join("、")}）` : ""}，无法据实回答。`
        : `The reports have no ${asked} figure for ${metricText} in ${who}${nearest.length > 0 ? ` (they have one for ${[...new Set(nearest.map((fact) => periodLabel(fact, "en")))].join(", ")})` : ""}, so I can't answer this without guessing.`;
    return { text, facts: [], refused: true };
  }
  const text =
    request.language === "zh"
      ? `资料中没有${who}${asked}的${metricText}数据；最接近的是${describeFacts(nearest, request.metrics, "zh", request.english)}。`
      : `The reports have no ${asked} figure for ${who}; the nearest they have is ${describeFacts(nearest, request.metrics, "en", request.english)}.`;
  return { text, facts: nearest };
}

/**
 * A zone was asked, but only its city reports the figure (or the other way round): say so
 * instead of passing one level's figure off as the other's.
 */
function levelMissing(request: LeadRequest, subject: Subject): Lead | undefined {
  if (!subject.level || !request.period) return undefined;
  const other = subject.level === "zone" ? "city" : subject.level === "city" ? "zone" : undefined;
  if (!other) return undefined;
  // Only a metric named specifically ("foreign-invested enterprises", 实际利用外资) is evidence enough,
  // and a sentence that names the zone itself may well be giving the zone's figure.
  const specific = request.metrics.filter((metric) => (request.matchedCues?.[metric.key] ?? "").length >= (request.language === "zh" ? 3 : 12));
  const elsewhere = specific.flatMap((metric) =>
    request.facts
      .find({ places: [subject.place], level: other, metrics: [metric.key], period: request.period })
      .filter((match) => !new RegExp(`${subject.place}(?:${zoneKindSurfaces.join("|")})`, "u").test(match.fact.sentence)),
  );
  if (elsewhere.length === 0) return undefined;
  const who = subjectLabel(subject, request.language, request.english);
  const fact = elsewhere[0]!.fact;
  const where = zoneLabel(fact, request.language, request.english);
  const asked = request.language === "zh" ? request.period.zh : request.period.en;
  const text =
    request.language === "zh"
      ? `资料中没有${who}${asked}的这项数据；资料给出的是${where}的数据，不是${who}的，无法据实回答。`
      : `The reports have no ${asked} figure for this in ${who}; they give one for ${where} only, which is not the same ${subject.level === "zone" ? "zone" : "city"}, so I can't answer this without guessing.`;
  return { text, facts: [], refused: true };
}

/** Relative periods (今年, last year) are resolved against today; reports are older, so these fall back. */
function relativeAsked(period: Period): boolean {
  return period.yearless === true || Number(period.to.slice(0, 4)) >= new Date().getUTCFullYear() - 1;
}

/** Two (or more) zones, same metric and period: one line each, then which is larger and by how much. */
export function comparisonLead(request: LeadRequest): Lead | undefined {
  if (request.subjects.length < 2 || request.metrics.length === 0) return undefined;
  const metric = request.metrics[0]!;
  const sides = request.subjects.map((subject) => ({ subject, fact: factsFor({ ...request, metrics: [metric] }, subject, request.period)[0] }));
  // A side without a figure for the asked period: its nearest period, labelled, is shown but not compared.
  const nearestOf = (subject: Subject): Fact | undefined =>
    request.period
      ? request.facts.nearest({ places: [subject.place], zones: subject.zone ? [subject.zone] : undefined, level: subject.level ?? "zone", metrics: [metric.key], period: request.period }).find((fact) => about(fact, request))
      : undefined;
  const fallbacks: Fact[] = [];
  // Without an asked period, compare the latest figure of each side.
  const parts = sides.map(({ subject, fact }) => {
    if (fact) return describeFacts([fact], [metric], request.language, request.english);
    const nearest = nearestOf(subject);
    if (nearest) fallbacks.push(nearest);
    const who = subjectLabel(subject, request.language, request.english);
    if (request.language === "zh") {
      const none = `${who}：资料中没有${request.period ? request.period.zh : ""}${metric.zh}数据`;
      return nearest ? `${none}，最接近的是${describeFacts([nearest], [metric], "zh", request.english)}` : none;
    }
    const none = `${who}: the reports have no ${request.period ? `${request.period.en} ` : ""}figure for ${metric.en}`;
    return nearest ? `${none}; the nearest is ${describeFacts([nearest], [metric], "en", request.english)}` : none;
  });
  const present = sides.filter((side): side is { subject: Subject; fact: Fact } => side.fact !== undefined);
  if (present.length === 0) return undefined;
  const separator = request.language === "zh" ? "；" : "; ";
  let verdict = "";
  if (present.length >= 2) {
    const [a, b] = present.sort((x, y) => y.fact.normalized - x.fact.normalized);
    const comparable = a!.fact.normalizedUnit === b!.fact.normalizedUnit && samePeriodLabel(a!.fact, b!.fact) && a!.fact.level === b!.fact.level;
    if (!comparable) {
      verdict =
        request.language === "zh"
          ? `两者的时期或口径不同（${periodLabel(a!.fact, "zh")}、${periodLabel(b!.fact, "zh")}），不宜直接比较。`
          : `The periods or levels differ (${periodLabel(a!.fact, "en")} vs ${periodLabel(b!.fact, "en")}), so they are not directly comparable.`;
    } else {
      const difference = a!.fact.normalized - b!.fact.normalized;
      const share = b!.fact.normalized > 0 ? Math.round((difference / b!.fact.normalized) * 100) : undefined;
      const aName = zoneLabel(a!.fact, request.language, request.english);
      const bName = zoneLabel(b!.fact, request.language, request.english);
      verdict =
        request.language === "zh"
          ? difference === 0
            ? `两者相同。`
            : `${aName}更多，多${differenceText(difference, a!.fact, "zh")}${share !== undefined ? `（约${share}%）` : ""}。`
          : difference === 0
            ? "Both are the same."
            : `${aName} is higher than ${bName} by ${differenceText(difference, a!.fact, "en")}${share !== undefined ? ` (about ${share}%)` : ""}.`;
    }
  }
  if (present.length === 1 && sides.length === 2) {
    verdict = request.language === "zh" ? "缺少同一时期的数据，无法直接比较。" : "Without figures for the same period, the two cannot be compared directly.";
  }
  const text = `${parts.join(separator)}${request.language === "zh" ? "。" : ". "}${verdict}`.trim();
  return { text, facts: [...present.map((side) => side.fact), ...fallbacks] };
}

function samePeriodLabel(a: Fact, b: Fact): boolean {
  if (!a.period || !b.period) return false;
  return a.period.from === b.period.from && a.period.to === b.period.to;
}

function differenceText(difference: number, like: Fact, language: Language): string {
  if (language === "en") return figureInEnglish({ ...like, normalized: difference, raw: "", approximate: false }).replace(/\s*\(\)$/, "");
  switch (like.normalizedUnit) {
    case "yuan":
      return difference >= 1e8 ? `${Number((difference / 1e8).toFixed(2))}亿元` : `${Number((difference / 1e4).toFixed(2))}万元`;
    case "usd":
      return difference >= 1e8 ? `${Number((difference / 1e8).toFixed(2))}亿美元` : `${Number((difference / 1e4).toFixed(2))}万美元`;
    case "percent":
      return `${Number(difference.toFixed(2))}个百分点`;
    case "m2":
      return `${Number((difference / 1e4).toFixed(2))}万平方米`;
    default:
      return `${humanize(difference)}${like.unit.replace(/^[万亿千]+/, "")}`;
  }
}

/** The zone with the highest figure among those reporting the metric for the period, and who has none. */
export function superlativeLead(request: LeadRequest & { lowest?: boolean; zonesInIndex: string[] }): Lead | undefined {
  const metric = request.metrics[0];
  if (!metric) return undefined;
  // Each zone's highest figure for the period (exact matches only when one is asked).
  const best = new Map(request.facts.highestPerZone({ metrics: [metric.key], period: request.period, level: "zone" }).map((fact) => [fact.zone, fact]));
  const ranked = [...best.values()].sort((a, b) => (request.lowest ? a.normalized - b.normalized : b.normalized - a.normalized));
  if (ranked.length === 0) return undefined;
  const unit = ranked[0]!.normalizedUnit;
  const comparable = ranked.filter((fact) => fact.normalizedUnit === unit).slice(0, 5);
  const winner = comparable[0]!;
  const others = comparable.slice(1);
  const missing = request.zonesInIndex.filter((zone) => !best.has(zone)).slice(0, 8);
  const english = request.english;
  if (request.language === "zh") {
    const period = request.period ? request.period.zh : "";
    const rest = others.map((fact) => `${fact.zone}${valueText(fact, "zh")}${factMarker(fact)}`).join("，");
    const none = missing.length > 0 ? `资料中没有${missing.join("、")}的这项数据。` : "";
    return {
      text: `在资料中报告了${period}${metric.zh}的园区里，${winner.zone}最${request.lowest ? "少" : "多"}：${periodLabel(winner, "zh")}${valueText(winner, "zh")}${factMarker(winner)}${rest ? `；其次是${rest}` : ""}。${none}`,
      facts: comparable,
    };
  }
  const period = request.period ? ` for ${request.period.en}` : "";
  const rest = others.map((fact) => `${zoneLabel(fact, "en", english)}: ${valueText(fact, "en")} ${factMarker(fact)}`).join("; ");
  const none = missing.length > 0 ? ` The reports give no such figure for ${missing.map((zone) => zoneLabel({ zone, place: zone.replace(/(高新区|经开区|示范区|开发区|新区|工业园区)$/u, ""), level: "zone" }, "en", english)).join(", ")}.` : "";
  return {
    text: `Among the zones that report ${metric.en}${period}, ${zoneLabel(winner, "en", english)} has the ${request.lowest ? "lowest" : "highest"}: ${valueText(winner, "en")} in ${periodLabel(winner, "en")} ${factMarker(winner)}${rest ? `; then ${rest}` : ""}.${none}`,
    facts: comparable,
  };
}

function end(language: Language): string {
  return language === "zh" ? "。" : ".";
}
