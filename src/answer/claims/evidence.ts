import type { SearchHit } from "../../core/types.js";
import { parseChinesePeriods, samePeriod, withinPeriod } from "../../facts/period.js";
import type { Period } from "../../facts/types.js";
import { splitSentences } from "../../ingest/sentences.js";
import { yearOf } from "../../ingest/dates.js";
import type { TermGroup } from "../../retrieve/analyze-query.js";
import type { Frame, Subject } from "./frame.js";
import { zoneKindOf } from "./frame.js";
import { quantitiesIn, type Quantity } from "./quantities.js";
import { claimLexicon } from "./lexicon.js";

/**
 * The sentences of the retrieved passages as evidence: each with how much of the question it
 * covers (terms weighted by rarity), whether it is about the asked subject and period, and its
 * quantities. Strategies choose from these; nothing here decides an answer.
 */

export interface EvidenceSentence {
  text: string;
  hit: SearchHit;
  hitRank: number;
  position: number;
  /** Share of the question's term weight the sentence (with its article title) holds, 0..1. */
  coverage: number;
  /** The best coverage of any sentence of the same article: the context a sentence is read in. */
  articleCoverage: number;
  /** Some sentence of the same article names the asked period (and none of this sentence's periods contradicts it). */
  articlePeriod: boolean;
  /** Term groups present. */
  present: Set<TermGroup>;
  /** The sentence's period agrees (1), says nothing (0) or names another period (-1); a sentence that names none takes the one before it, at half weight. */
  periodFit: number;
  /** Periods the ingest resolved for the sentence's figures (by figure as written), from the facts. */
  figurePeriods: Map<string, Period>;
  quantities: Quantity[];
  /** The report year, for periods like 今年. */
  year?: number;
  /** The text before: what the sentence continues ("高新区此次…" after the event sentence). */
  previous?: string;
}

export interface EvidenceContext {
  /** Documents holding a term, for rarity weights. */
  documentFrequency(term: string): number;
  documents: number;
  /** Zones and places named in a Chinese text (ingest/zones.ts detectZones): name, place, kind (高新区, 市 …). */
  zoneMentions(text: string): { name: string; place: string; kind: string }[];
  /** Places (cities, provinces, counties) named in a Chinese text. */
  placesIn(text: string): string[];
  /** The facts extracted from a sentence at ingest (with their resolved periods). */
  factsIn?(sentence: string): { raw: string; period?: Period }[];
}

export function termWeight(group: TermGroup, context: EvidenceContext): number {
  const df = Math.max(0, ...group.alternatives.map((term) => context.documentFrequency(term)));
  const idf = Math.log(1 + (context.documents + 1) / (df + 0.5));
  return idf * (group.weight ?? 1);
}

const periodWord = /^(?:开年|年初|今年|去年|上年|本年|年内)?以来$|^截[至止]$|^(?:开年|年初|年底|年末|月底|月初|今年|去年|上年|本年|当年|前年|明年|个月|头两个月|上半年|下半年|全年|同期)$/u;

/** A question word that says when ("今年", "前三季度", "以来"): the period check's business, not a topic. */
export function isPeriodTerm(term: string): boolean {
  return periodWord.test(term) || parseChinesePeriods(term, { year: 2000, yearlessWhenBare: true }).length > 0;
}

/** Does the text hold the group (any alternative)? */
export function holds(text: string, group: TermGroup): boolean {
  return group.alternatives.some((term) => term.length > 0 && text.includes(term));
}

export function gatherEvidence(frame: Frame, hits: SearchHit[], context: EvidenceContext, maxHits = 32): EvidenceSentence[] {
  // "完成了多少" says a result was reported, not what: no sentence needs the verb to be evidence.
  const reportVerb = claimLexicon().reportVerb;
  const weights = new Map(frame.terms.map((group) => [group, group.alternatives.every((term) => reportVerb.test(term)) ? 0 : termWeight(group, context)]));
  // Words of the asked period ("今年", "前三季度") are held by a sentence that states the period in
  // its own words ("1至9月"): the period check decides them.
  const periodGroups = frame.period ? frame.terms.filter((group) => group.alternatives.every(isPeriodTerm)) : [];
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0) || 1;
  const sentences: EvidenceSentence[] = [];
  hits.slice(0, maxHits).forEach((hit, hitRank) => {
    const year = yearOf(hit.chunk.date);
    const spans = splitSentences(hit.chunk.text);
    spans.forEach((span, position) => {
      const periodFit = frame.period ? sentencePeriodFit(span.text, position > 0 ? spans[position - 1]!.text : undefined, frame.period, year) : 0;
      const present = new Set(frame.terms.filter((group) => holds(span.text, group) || (periodFit === 1 && periodGroups.includes(group))));
      // The title names the event or zone a sentence belongs to: it counts, at half weight.
      const inTitle = frame.terms.filter((group) => !present.has(group) && holds(hit.chunk.title, group));
      const covered = [...present].reduce((sum, group) => sum + weights.get(group)!, 0) + 0.5 * inTitle.reduce((sum, group) => sum + weights.get(group)!, 0);
      sentences.push({
        text: span.text,
        hit,
        hitRank,
        position,
        coverage: covered / total,
        articleCoverage: 0,
        articlePeriod: false,
        present,
        periodFit,
        figurePeriods: new Map((context.factsIn?.(span.text) ?? []).filter((fact) => fact.period).map((fact) => [fact.raw, fact.period!])),
        quantities: quantitiesIn(span.text),
        year,
        previous: position > 0 ? spans[position - 1]!.text : undefined,
      });
    });
  });
  const byArticle = new Map<string, number>();
  for (const sentence of sentences) byArticle.set(sentence.hit.chunk.articleId, Math.max(byArticle.get(sentence.hit.chunk.articleId) ?? 0, sentence.coverage));
  for (const sentence of sentences) sentence.articleCoverage = byArticle.get(sentence.hit.chunk.articleId)!;
  const periodArticles = new Set(sentences.filter((sentence) => sentence.periodFit === 1).map((sentence) => sentence.hit.chunk.articleId));
  for (const sentence of sentences) sentence.articlePeriod = periodArticles.has(sentence.hit.chunk.articleId);
  return sentences;
}

function sentencePeriodFit(text: string, previous: string | undefined, asked: Period, year: number | undefined): number {
  const own = periodFit(text, asked, year);
  if (own !== 0 || !previous) return own;
  return 0.5 * periodFit(previous, asked, year);
}

function periodFit(text: string, asked: Period, year: number | undefined): number {
  // Without the report's year, "1-10月" is read as any year's January–October: it cannot contradict a year.
  const found = parseChinesePeriods(text, year === undefined ? { yearlessWhenBare: true } : { year }).filter((item) => item.period.kind !== "to-date");
  if (year === undefined && found.some((item) => item.period.yearless && item.period.from.slice(5) === asked.from.slice(5) && item.period.to.slice(5) === asked.to.slice(5))) return 1;
  if (found.length === 0) return 0;
  return Math.max(...found.map((item) => periodRelation(item.period, asked)));
}

/**
 * How a stated period answers the asked one: 1 when it is that period or lies inside it; 0 when wider or
 * overlapping (the quarter of an April event neither confirms nor contradicts); -1 when apart, or when
 * both are running totals from January that end in different months (1-7月 is not the 1-6月 figure).
 */
export function periodRelation(period: Period, asked: Period): number {
  if (fits(period, asked)) return 1;
  const runningTotal = (item: Period) => (item.kind === "months" || item.kind === "half" || item.kind === "quarter" || item.kind === "month") && item.from.slice(5) === "01";
  if (runningTotal(asked) && runningTotal(period) && period.to.slice(5) !== asked.to.slice(5)) return -1;
  return overlaps(period, asked) ? 0 : -1;
}

export function overlaps(period: Period, asked: Period): boolean {
  if (asked.yearless || period.yearless) return true;
  return period.from <= asked.to && asked.from <= period.to;
}

/** A period answers the asked one when it is the same or lies inside it; a wider one ("十三五" for 2019) does not. */
export function fits(period: Period, asked: Period): boolean {
  return samePeriod(period, asked) || withinPeriod(period, asked);
}

/**
 * How the words before a figure relate to the asked subject: 1 when they name it, -1 when they name
 * another zone, another city or province as such (衡阳市, 全市 when a zone is asked), 0 when they
 * name no one. A company's name holding a place ("青岛中加特电气") names no one.
 */
export function subjectFit(prefix: string, subjects: Subject[], context: EvidenceContext, questionText: string, ownZones: string[] = [], clause = prefix): number {
  if (subjects.length === 0) return 0;
  // The subject named last before the figure, with no other zone or place after it ("福建省10家…，
  // 其中东侨经开区综合排名…位列第22位"): the figure is the subject's, whatever the sentence said first.
  const named = subjects.map((subject) => subject.zoneName ?? "").filter((name) => name.length >= 3);
  const last = named.map((name) => ({ name, at: prefix.lastIndexOf(name) })).filter((item) => item.at >= 0).sort((a, b) => b.at - a.at)[0];
  if (last) {
    const rest = prefix.slice(last.at + last.name.length);
    if (!/(?:产业园|工业园|园区|开发区|高新区|经开区|新区|分别)/u.test(rest) && context.zoneMentions(rest).length === 0) return 1;
  }
  const mentions = context.zoneMentions(prefix);
  const zones = mentions.filter((mention) => !placeLevels.has(mention.kind));
  if (zones.some((zone) => subjects.some((subject) => sameZone(zone.name, subject, context.placesIn)))) return 1;
  if (zones.length > 0) return -1;
  // Parks the place list does not know ("苏银产业园"): another park unless it is the article's own
  // zone, or of the kind asked.
  // Only in the figure's own clause: "建成智能终端产业园、…等六大园区，建成厂房150万㎡" lists parks inside the zone.
  for (const match of clause.matchAll(/[\u4e00-\u9fa5]{2,4}?(?:产业园|工业园区|工业园|园区|开发区|高新区|经开区|新区)/gu)) {
    // Written out ("双滦经济开发区") or short ("双滦经开区"): one name.
    const name = match[0].replace(/经济技术开发区$|经济开发区$/u, "经开区").replace(/高新技术产业开发区$|高新技术开发区$/u, "高新区");
    // Another zone of the asked kind named in the figure's clause ("广西—东盟经开区排名152位" when
    // 钦州港经开区 is asked): not the subject, unless it is the subject's own name or the article's lead zone.
    const ofSubject = subjects.some((subject) => name.includes(subject.place) || [subject.zoneName ?? "", ...(subject.aliases ?? [])].some((alias) => alias.length >= 3 && (alias.includes(name) || name.includes(alias))));
    const lead = ownZones[0];
    // (Generic names — 全省高新区, 国家高新区, 各开发区 — name a group, not another zone.)
    const generic = /^(?:国家|省级|市级|县级|各|本|该|我|其|这|两|多|重点|其他|省|市|区)|全省|全市|全国|全区|全县|国家级|省级|各类/u.test(name) || placeLevelWord.test(name);
    if (/(?:经开区|高新区|开发区|新区)$/u.test(name) && !generic && !ofSubject && !(lead && (lead.includes(name) || name.includes(lead)))) return -1;
    if (ownZones.some((zone) => zone.includes(name) || name.includes(zone))) continue;
    const kind = zoneKindOf(name);
    if (subjects.some((subject) => subject.kind && kind && kind !== subject.kind)) return -1;
  }
  const askedZone = subjects.some((subject) => subject.level === "zone" || subject.kind !== undefined || subject.zoneName !== undefined);
  // "衡阳市…" names the city; "山东省、济南市重大项目" only says which level's list the projects are on.
  const places = mentions.filter((mention) => placeLevels.has(mention.kind) && new RegExp(`${mention.place}(?:省|市|县|自治区|全市|全省)(?![、和及]|级|重大|重点)`, "u").test(prefix));
  if (places.some((place) => !subjects.some((subject) => subject.place === place.place))) return -1;
  // "全市" is the city itself when the question names the city as such ("银川市工业园区").
  // …and "全省" is the province itself when a province's zones are asked ("Sichuan's high-tech zones").
  const provinceAsked = subjects.some((subject) => context.zoneMentions(subject.place).some((mention) => mention.place === subject.place && mention.kind === "省"));
  const asksWhole = provinceAsked || /全市|全省|全国|province|provincial|city-?wide|nationwide|\ball\b|\bzones\b|各(?:高新区|开发区|园区)/iu.test(questionText) || subjects.some((subject) => new RegExp(`${subject.place}(?:市|省)`, "u").test(questionText));
  // (…unless the zone is named after it, in a clause of its own: "作为全市经济建设的主战场,前三季度,经开区累计完成…".)
  const whole = Math.max(prefix.lastIndexOf("全市"), prefix.lastIndexOf("全省"), prefix.lastIndexOf("全国"));
  const zoneAfter = whole >= 0 && /[，,；;][^，,；;]*(?:经开区|高新区|开发区|新区|园区)/u.test(prefix.slice(whole));
  if (askedZone && whole >= 0 && !zoneAfter && !asksWhole) return -1;
  if (subjects.some((subject) => prefix.includes(subject.zoneName ?? subject.place))) return 1;
  return 0;
}

const placeLevelWord = /^[\u4e00-\u9fa5]{0,2}(?:省|市|县)(?:的)?(?:高新区|经开区|开发区|新区)$/u;

const placeLevels = new Set(["省", "市", "县", "区", "州", "盟", "旗"]);

/**
 * A zone name written in a report is the asked subject when the kinds agree (高新 vs 经开) and it
 * names the subject's place or no place at all ("高新区", "稀土高新区" in a report on 包头).
 */
export function sameZone(name: string, subject: Subject, placesIn: (text: string) => string[] = () => []): boolean {
  if (subject.zoneName && (name.includes(subject.zoneName) || subject.zoneName.includes(name))) return true;
  // The names the subject's own documents give it (稀土高新区 for 包头).
  if ((subject.aliases ?? []).some((alias) => alias === name || (alias.length >= 4 && (alias.includes(name) || name.includes(alias))))) return true;
  const kind = zoneKindOf(name);
  if (subject.kind && kind && kind !== subject.kind) return false;
  if (name.includes(subject.place)) return true;
  const places = placesIn(name);
  return places.length === 0;
}
