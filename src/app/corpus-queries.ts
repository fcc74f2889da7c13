import { AppError } from "../core/errors.js";
import { detectLanguage } from "../core/language.js";
import type { Chunk, SearchHit } from "../core/types.js";
import { matchMetrics } from "../facts/match-metric.js";
import { parseChinesePeriods, questionPeriod, yearPeriod } from "../facts/period.js";
import type { Fact, Period } from "../facts/types.js";
import { yearOf } from "../ingest/dates.js";
import { englishZoneName } from "../answer/zone-names.js";
import { listRules, type RuleListing } from "../ingest/policy-rules.js";
import { romanizedFor } from "../retrieve/romanized-terms.js";
import { analyzeQuery, type AnalyzedQuery } from "../retrieve/analyze-query.js";
import { hybridSearch } from "../retrieve/hybrid-search.js";
import { toSimplified } from "../retrieve/simplified-chinese.js";
import type { LiveIndex } from "./live-index.js";
import { joinChunks } from "./source-view.js";

/**
 * Lookups over the live index for callers that are not chat users — MCP tools, the LangChain
 * retriever: passages by zone and period, the zones covered, facts, policy rules, documents. Each
 * takes the live index read once by the caller, so a snapshot swap never mixes two indexes in one
 * answer, and refuses a zone or period it cannot read with an AppError that says what to send.
 */

/** The question read with the live index's lexicon (the same reading ZoneAssistant.ask uses). */
export function analyzeWith(live: LiveIndex, text: string): AnalyzedQuery {
  const { lexicon } = live;
  return analyzeQuery(text, {
    glossary: lexicon.glossary,
    places: lexicon.places,
    segment: lexicon.segmenter,
    dictionary: lexicon.dictionary,
    documentFrequency: (term) => live.search.snapshot.bm25.documentFrequency(term),
    romanized: romanizedFor(live.search.snapshot.bm25),
  });
}

/** The places a zone name (长治高新区, 长治, "Changzhi High-tech Zone") stands for; refuses a name the index does not know. */
function zonePlaces(live: LiveIndex, zone: string): string[] {
  // A place read from the name's shape alone ("火星高新区") must be one the indexed documents name.
  const places = analyzeWith(live, toSimplified(zone.trim())).places.filter((place) => live.articlePlaces.all.has(place) || live.search.snapshot.bm25.documentFrequency(place) > 0);
  if (places.length === 0) {
    throw new AppError("NOT_FOUND", `No indexed zone or place matches "${zone}".`, {
      hint: "Use a zone name as list_zones gives it (e.g. 长治高新区, or its English name), or leave the zone out.",
    });
  }
  return places;
}

/** A period as a person writes it: 2023, 2023年上半年, 十三五, 2021-2023, "first half of 2023". */
export function readPeriod(text: string): Period {
  const given = toSimplified(text.trim());
  const range = /^(\d{4})\s*(?:-|–|—|~|至|到|to)\s*(\d{4})$/u.exec(given);
  if (range && Number(range[1]) <= Number(range[2])) {
    return { kind: "range", from: `${range[1]}-01`, to: `${range[2]}-12`, zh: `${range[1]}—${range[2]}年`, en: `${range[1]}–${range[2]}` };
  }
  const year = /^(\d{4})\s*年?$/u.exec(given);
  if (year) return yearPeriod(Number(year[1]));
  const period = questionPeriod(given, detectLanguage(given));
  if (!period || period.yearless) {
    throw new AppError("REQUEST_INVALID", `"${text}" is not a period this index can filter by.`, {
      hint: "Give a year or a span with its year: 2023, 2021-2023, 2023年上半年, 十三五, first half of 2023.",
    });
  }
  return period;
}

function overlaps(a: Pick<Period, "from" | "to">, b: Pick<Period, "from" | "to">): boolean {
  return a.from <= b.to && a.to >= b.from;
}

/**
 * A passage is about a period when a period its text states overlaps it (relative words read
 * against the report's year), or, when its text states none, when the report date falls inside it.
 */
export function passageInPeriod(chunk: Pick<Chunk, "text" | "date">, period: Period): boolean {
  const year = yearOf(chunk.date);
  const stated = parseChinesePeriods(chunk.text, year ? { year } : {}).filter((found) => !found.period.yearless);
  if (stated.length > 0) return stated.some((found) => overlaps(found.period, period));
  if (!chunk.date) return false;
  const month = chunk.date.length >= 7 ? chunk.date.slice(0, 7) : `${chunk.date.slice(0, 4)}-06`;
  return month >= period.from && month <= period.to;
}

export interface PassageSearch {
  query: string;
  zone?: string;
  period?: string;
  topK: number;
}

export interface PassageResults {
  hits: SearchHit[];
  /** The period the filter used, as read (labels in zh and en). */
  period?: Period;
  /** The places the zone filter kept. */
  places: string[];
}

/** Hybrid search (BM25 + vectors, zone-aware) restricted to a zone and a period. */
export async function searchPassages(live: LiveIndex, request: PassageSearch): Promise<PassageResults> {
  const text = toSimplified(request.query.trim());
  if (text.length === 0) throw new AppError("QUESTION_EMPTY", "The search query is empty.", { hint: "Send words to search for, e.g. 招商优惠政策." });
  const query = analyzeWith(live, text);
  const places = request.zone ? zonePlaces(live, request.zone) : query.places;
  const period = request.period ? readPeriod(request.period) : undefined;
  // A period filter drops passages after ranking: rank more, so top-k are left when enough exist.
  const topK = period ? request.topK * 5 : request.topK;
  const result = await hybridSearch(live.search, live.articlePlaces, { ...query, places }, { topK });
  const hits = (period ? result.hits.filter((hit) => passageInPeriod(hit.chunk, period)) : result.hits).slice(0, request.topK);
  return { hits, period, places };
}

export interface ZoneSummary {
  zone: string;
  /** English name (pinyin of the place, or the gazetteer's). */
  english: string;
  articles: number;
  facts: number;
}

/** Every zone the index has articles about (its first-named zone), most articles first. */
export function listZones(live: LiveIndex): ZoneSummary[] {
  const articles = new Map<string, number>();
  for (const article of live.search.chunks.articles()) {
    const zone = article.zones[0];
    if (zone) articles.set(zone, (articles.get(zone) ?? 0) + 1);
  }
  const facts = new Map(live.facts.zones().map((entry) => [entry.zone, entry.facts]));
  for (const zone of facts.keys()) if (!articles.has(zone)) articles.set(zone, 0);
  const english = (place: string) => live.lexicon.places.english(place);
  return [...articles.entries()]
    .map(([zone, count]) => ({ zone, english: englishZoneName(zone, english), articles: count, facts: facts.get(zone) ?? 0 }))
    .sort((a, b) => b.articles - a.articles || b.facts - a.facts || a.zone.localeCompare(b.zone, "zh"));
}

export interface FactSearch {
  zone?: string;
  /** A metric key (signed_investment) or words naming it (签约, foreign investment). */
  metric?: string;
  period?: string;
  limit: number;
}

/** Facts of a zone, metric and period, each with its sentence and offsets. */
export function findFacts(live: LiveIndex, request: FactSearch): { total: number; facts: Fact[]; metric?: string; period?: Period } {
  let metric: string | undefined;
  if (request.metric) {
    const given = request.metric.trim();
    metric = live.metrics.byKey(given)?.key ?? matchMetrics(toSimplified(given), live.metrics, detectLanguage(given))[0]?.metric.key;
    if (!metric) {
      const known = live.metrics.metrics.map((definition) => definition.key).join(", ");
      throw new AppError("NOT_FOUND", `No metric matches "${request.metric}".`, { hint: `Use one of: ${known || "(this index has no metric list)"}; or leave the metric out.` });
    }
  }
  const period = request.period ? readPeriod(request.period) : undefined;
  const zone = request.zone ? zoneFilter(live, request.zone) : undefined;
  const listed = live.facts.list({ zone, metric, limit: period ? 100_000 : request.limit });
  if (!period) return { total: listed.total, facts: listed.facts, metric };
  const inPeriod = listed.facts.filter((fact) => fact.period !== undefined && fact.period.from >= period.from && fact.period.to <= period.to);
  return { total: inPeriod.length, facts: inPeriod.slice(0, request.limit), metric, period };
}

/** The fact store filters by zone name or place: an English name is read to its Chinese place first. */
function zoneFilter(live: LiveIndex, zone: string): string {
  const simplified = toSimplified(zone.trim());
  return /[\u3400-\u9fff]/u.test(simplified) ? simplified : zonePlaces(live, simplified)[0]!;
}

/** Policy rule records (measure, who qualifies, amounts, cap, schedule, validity) of a zone and measure. */
export function findPolicyRules(live: LiveIndex, request: { zone?: string; measure?: string; limit: number }, today = new Date().toISOString().slice(0, 10)): RuleListing[] {
  const zone = request.zone ? zoneFilter(live, request.zone) : undefined;
  const rules = listRules(live.search.chunks.ruleChunks(), { zone }, today);
  return (request.measure ? rules.filter((rule) => rule.measure.includes(request.measure!)) : rules).slice(0, request.limit);
}

export interface DocumentSummary {
  source: string;
  title: string;
  zones: string[];
  date?: string;
  articles: number;
}

/** The indexed files, each once, in index order. */
export function listDocuments(live: LiveIndex): DocumentSummary[] {
  const documents = new Map<string, DocumentSummary>();
  for (const article of live.search.chunks.articles()) {
    const known = documents.get(article.source);
    if (known) {
      known.articles += 1;
      for (const zone of article.zones) if (!known.zones.includes(zone)) known.zones.push(zone);
      continue;
    }
    documents.set(article.source, { source: article.source, title: article.title, zones: [...article.zones], ...(article.date ? { date: article.date } : {}), articles: 1 });
  }
  return [...documents.values()];
}

/** A document's cleaned text (what citations quote), its articles in order, separated by a blank line. */
export function documentText(live: LiveIndex, source: string): { summary: DocumentSummary; text: string } {
  const summary = listDocuments(live).find((document) => document.source === source);
  if (!summary) {
    throw new AppError("NOT_FOUND", `The document ${source} is not in the live index.`, { hint: "List the documents again: the index may have been rebuilt." });
  }
  const articleIds = live.search.chunks.articles().filter((article) => article.source === source).map((article) => article.articleId);
  const text = articleIds.map((id) => joinChunks(live.search.chunks.ofArticle(id))).join("\n\n");
  return { summary, text };
}
