import type { Article, Chunk } from "../core/types.js";
import { yearOf } from "../ingest/dates.js";
import { splitSentences } from "../ingest/sentences.js";
import { isInstructionLike } from "../ingest/instructions.js";
import { detectZones, zoneKindSurfaces } from "../ingest/zones.js";
import { findFigureValues } from "./figures.js";
import type { MetricList } from "./metrics.js";
import { parseChinesePeriods, type FoundPeriod, type PeriodContext } from "./period.js";
import type { Fact, FigureValue, MetricDefinition, Period, ZoneLevel } from "./types.js";

/**
 * Index-time extraction: every figure of every sentence becomes a Fact. The rules are about how
 * Chinese reports write figures, never about one report: the metric is the cue nearest before
 * the figure in its clause (a count may name its thing after it: 引进3家…企业), the zone is the
 * nearest zone named before it (else the zone the article was last about), the period is the
 * nearest period before it (a clause after "；" keeps the period of the clause before).
 */

const zoneWord = new RegExp(zoneKindSurfaces.join("|"), "u");

const clauseBoundary = /[，,；;：:。！？!?\n]/u;

function levelOfKind(kind: string): ZoneLevel {
  if (kind === "市") return "city";
  if (kind === "县") return "county";
  if (kind === "省") return "province";
  return "zone";
}

interface ZoneAt {
  name: string;
  place: string;
  level: ZoneLevel;
  index: number;
  /** Named as where something happens ("在雄安新区举办", "赴深圳"), not as who reports the figure. */
  locative: boolean;
  length: number;
}

// "在河北雄安新区", "赴北京、廊坊、雄安新区": a place-word after the verb, and list items after it, are locative too.
const locativeBefore = /(?:在|到|赴|于|走进|前往|来自|对接|携手)(?:[\u4e00-\u9fff]{1,6}[、和及])*(?:[\u4e00-\u9fff]{2}省?)?$/u;

function zonesIn(sentence: string): ZoneAt[] {
  const found: ZoneAt[] = [];
  for (const mention of detectZones(sentence)) {
    const level = levelOfKind(mention.kind);
    // Positions: the canonical name may be written long (长治高新技术产业开发区); its place is always there.
    const needle = sentence.includes(mention.name) ? mention.name : mention.place || mention.name;
    for (let at = sentence.indexOf(needle); at !== -1; at = sentence.indexOf(needle, at + 1)) {
      // "四川省级科技计划": the place qualifies a word, it does not report the figure.
      const adjective = /^(?:省|市|县)?级/u.test(sentence.slice(at + needle.length));
      const locative = adjective || locativeBefore.test(sentence.slice(Math.max(0, at - 24), at));
      found.push({ name: mention.name, place: mention.place || mention.name, level, index: at, locative, length: needle.length });
    }
  }
  // "乐山" inside "乐山高新区" is the zone's name, not a second mention of the city.
  const kept = found.filter((item) => !found.some((other) => other !== item && other.length > item.length && item.index >= other.index && item.index < other.index + other.length));
  return kept.sort((a, b) => a.index - b.index);
}

const qualifierPattern = /(超过|超|近|接近|不低于|不少于|至少|约|最高|累计|共计|共|达到|达|同比增长|同比下降|同比)$/u;
const thresholdAfter = /^(?:及以上|以上|以下|以内)/u;

interface CueMatch {
  metric: MetricDefinition;
  cue: string;
  /** Characters between the cue and the figure. */
  distance: number;
  after: boolean;
}

function findCue(metrics: MetricDefinition[], sentence: string, before: string, after: string, figure: FigureValue): CueMatch | undefined {
  const candidates: CueMatch[] = [];
  for (const metric of metrics) {
    if (!metric.units.includes(figure.normalizedUnit)) continue;
    if (metric.requires && !metric.requires.some((word) => sentence.includes(word))) continue;
    for (const cue of metric.cues) {
      const at = before.lastIndexOf(cue);
      if (at !== -1) candidates.push({ metric, cue, distance: before.length - (at + cue.length), after: false });
      if (figure.normalizedUnit === "count") {
        const next = after.indexOf(cue);
        if (next !== -1) candidates.push({ metric, cue, distance: next, after: true });
      }
    }
  }
  if (candidates.length === 0) return undefined;
  const order = (match: CueMatch) => {
    // "企业数从…增长到8880家" is fine, "解决企业问题319个" counts 问题, not 企业: a cue followed by
    // another noun before the figure names something else.
    if (!match.after && match.distance > 0 && !connective.test(before.slice(before.length - match.distance))) return 30 + match.distance;
    // A count names its thing right after it (3家…企业) more often than long before it.
    if (match.after) return match.distance <= 8 ? match.distance + 3 : 50 + match.distance;
    return match.distance <= 4 ? match.distance : 10 + match.distance;
  };
  const metricRank = rankOf(metrics);
  candidates.sort(
    (a, b) => order(a) - order(b) || b.cue.length - a.cue.length || metricRank.get(a.metric.key)! - metricRank.get(b.metric.key)!,
  );
  return candidates[0];
}

const metricRanks = new WeakMap<MetricDefinition[], Map<string, number>>();

/** Each metric's position in the list (earlier entries win ties), computed once per list. */
function rankOf(metrics: MetricDefinition[]): Map<string, number> {
  let ranks = metricRanks.get(metrics);
  if (!ranks) {
    ranks = new Map(metrics.map((metric, index) => [metric.key, index]));
    metricRanks.set(metrics, ranks);
  }
  return ranks;
}

const connective = /^(?:数|数量|总数|总量|总额|额|共|共计|累计|达到?|为|约|超过?|近|已|已达|已有|分别|合计|逾|突破|增至|增长到|提高到|从.*(?:到|至))+$/u;

function labelFrom(before: string): string {
  return before.replace(/^[\s“”"「」（）()]+/u, "").replace(/(达到|达|为|共计|共|约|超过|超|近|累计|了)$/u, "").slice(-10);
}

/** What extraction reads of a chunk: which article it is in, where it lies, its id (a build thread is sent only these). */
export type FactChunk = Pick<Chunk, "id" | "articleId" | "start" | "end">;

export interface ExtractFactsOptions {
  metrics: MetricList;
}

/** Facts of one article; `chunks` are that article's chunks (for the citation's chunk id). */
export function extractArticleFacts(article: Article, chunks: FactChunk[], options: ExtractFactsOptions): Fact[] {
  const facts: Fact[] = [];
  const reportYear = yearOf(article.date);
  const reportMonth = /^\d{4}-(\d{2})/.exec(article.date ?? "")?.[1];
  const context: PeriodContext = { year: reportYear, month: reportMonth ? Number(reportMonth) : undefined };
  const sentences = splitSentences(article.text);
  const mainZone = article.zones[0];
  const mainMention = mainZone ? detectZones(mainZone)[0] : undefined;
  let currentZone: Omit<ZoneAt, "index" | "locative" | "length"> | undefined = mainZone
    ? { name: mainZone, place: mainMention?.place || mainZone, level: mainMention ? levelOfKind(mainMention.kind) : "zone" }
    : undefined;
  // Only zones the article is about take over as "the zone the report goes on about".
  const aboutZones = new Set(article.zones.filter((zone) => zone === mainZone || (currentZone && zone.startsWith(currentZone.place))));
  let carriedPeriod: Period | undefined;
  let previousDay: Period | undefined;

  sentences.forEach((span, sentenceIndex) => {
    const sentence = span.text;
    // An order addressed to an assistant states no fact, whatever figure it carries.
    const figures = isInstructionLike(sentence) ? [] : findFigureValues(sentence);
    // Zone detection is the costly part: a sentence with no figure matters only when it names a zone.
    const zones = figures.length > 0 || zoneWord.test(sentence) ? zonesIn(sentence).filter((zone) => !zone.locative) : [];
    const periods = parseChinesePeriods(sentence, context);
    const chunk = chunkOf(chunks, article, span.start, span.end);
    const sentenceStart = article.offsets[span.start] ?? 0;
    const sentenceEnd = (article.offsets[span.end - 1] ?? sentenceStart) + 1;

    figures.forEach((figure, figureIndex) => {
      const rest = sentence.slice(figure.end);
      // "2亿元以上项目": a threshold that says which projects are counted, not a figure of its own.
      if (thresholdAfter.test(rest)) return;
      const clauseStart = lastBoundary(sentence, figure.start);
      const clause = sentence.slice(clauseStart, figure.start);
      const clauseEnd = nextBoundary(sentence, figure.end);
      const after = sentence.slice(figure.end, Math.min(clauseEnd, figure.end + 14));
      const cue = findCue(options.metrics.metrics, sentence, clause, after, figure);
      // The nearest zone named before the figure; a province is only a fallback (it rarely reports zone figures).
      const before = zones.filter((item) => item.index < figure.start);
      const zone = [...before].reverse().find((item) => item.level !== "province") ?? zones.find((item) => item.index > figure.end && item.index < clauseEnd && item.level === "zone");
      const who = zone ?? currentZone ?? before.at(-1);
      if (!who || !chunk) return;
      // "3月19日，…推介会…成功举办。现场签约项目10个": the figure belongs to the event of the sentence before.
      const atEvent = previousDay && /^(?:现场|会上|活动中|仪式上|当天|会议期间)/u.test(sentence) && !periods.some((item) => item.end <= figure.start);
      const { period, event } = atEvent ? { period: previousDay, event: true } : periodFor(periods, figure.start, carriedPeriod, sentence, context);
      const qualifier = clause.match(qualifierPattern)?.[1] ?? (/累计/u.test(clause) ? "累计" : /同比/u.test(clause) ? "同比" : figure.approximate ? "多" : undefined);
      // "2亿元以上项目签约数22个", "其中世界500强企业11家": a subset, not the total.
      const threshold = /((?:\d+(?:\.\d+)?)?\s*(?:万|亿)?元?(?:及)?以上[^，,；;]*)$/u.exec(clause) ?? /^(其中.*)$/u.exec(clause);
      // Key by key, in this order (what `{ ...figure, id, …, ...(period ? { period } : {}), … }` gives):
      // V8 builds an object literal with spreads after its first entry ~15× slower, and a million-chunk
      // build makes millions of facts.
      const fact = Object.assign({}, figure) as Fact;
      fact.id = `${chunk.id}/${sentenceIndex}/${figureIndex}`;
      fact.zone = who.name;
      fact.place = who.place;
      fact.level = who.level;
      if (period) fact.period = period;
      fact.metric = cue?.metric.key ?? "other";
      fact.label = cue?.cue ?? labelFrom(clause);
      if (qualifier) fact.qualifier = qualifier;
      if (threshold) fact.scope = threshold[1]!;
      if (event) fact.event = true;
      fact.sentence = sentence;
      fact.source = article.source;
      fact.chunkId = chunk.id;
      fact.articleId = article.id;
      if (article.date) fact.date = article.date;
      fact.sentenceStart = sentenceStart;
      fact.sentenceEnd = sentenceEnd;
      facts.push(fact);
    });

    // The zone a report goes on about without naming it again ("…；到位外资…").
    const lastZone = [...zones].reverse().find((item) => aboutZones.has(item.name) && (item.level === "zone" || item.index < 4));
    if (lastZone) currentZone = lastZone;
    const lastPeriod = periods.filter((item) => item.period.kind !== "day").at(-1)?.period;
    carriedPeriod = /[；;]$/u.test(sentence) ? (lastPeriod ?? carriedPeriod) : undefined;
    previousDay = periods.filter((item) => item.period.kind === "day").at(-1)?.period;
  });
  return facts;
}

/** "2023年上半年招商引资项目集中签约仪式": a period naming an event is part of the event's name, not the figure's time. */
const eventNoun = /^[^，,；;。]{0,16}?(?:仪式|推介会|大会|签约会|洽谈会|博览会|交易会|丝博会|招商会|座谈会|活动周)/u;

function periodFor(periods: FoundPeriod[], position: number, carried: Period | undefined, sentence = "", context: PeriodContext = {}): { period?: Period; event: boolean } {
  const before = periods.filter((item) => item.end <= position && (item.period.kind === "day" || !eventNoun.test(sentence.slice(item.end))));
  // "从2022年1.37万家增长到2.34万家": the figure after 增长到 is the level now (the report date), not 2022's.
  const last = before.at(-1);
  const clause = sentence.slice(lastBoundary(sentence, position), position);
  if (last && context.year !== undefined && /(?:增长|增加|提高|提升|上升|下降|扩大)(?:到|至)|增至|升至|降至/u.test(clause)) {
    const toDate = parseChinesePeriods("目前", context)[0]?.period;
    if (toDate) return { period: toDate, event: false };
  }
  // A day ("7月11日…签约仪式…签约项目10个") as the nearest time before the figure makes it an event's.
  const day = before.at(-1)?.period.kind === "day" ? before.at(-1) : undefined;
  if (day) return { period: day.period, event: true };
  const nearest = before.at(-1) ?? periods.find((item) => item.index > position);
  return { period: nearest?.period ?? carried, event: false };
}

function lastBoundary(text: string, position: number): number {
  for (let i = position - 1; i >= 0; i--) if (clauseBoundary.test(text[i]!)) return i + 1;
  return 0;
}

function nextBoundary(text: string, position: number): number {
  for (let i = position; i < text.length; i++) if (clauseBoundary.test(text[i]!)) return i;
  return text.length;
}

function chunkOf(chunks: FactChunk[], article: Article, start: number, end: number): FactChunk | undefined {
  const from = article.offsets[start] ?? 0;
  const to = (article.offsets[end - 1] ?? from) + 1;
  return chunks.find((chunk) => chunk.start <= from && chunk.end >= to) ?? chunks.find((chunk) => chunk.start <= from && chunk.end > from);
}

/** Facts of a whole corpus. */
export function extractFacts(articles: Article[], chunks: FactChunk[], options: ExtractFactsOptions): Fact[] {
  const byArticle = new Map<string, FactChunk[]>();
  for (const chunk of chunks) {
    const list = byArticle.get(chunk.articleId);
    if (list) list.push(chunk);
    else byArticle.set(chunk.articleId, [chunk]);
  }
  return articles.flatMap((article) => extractArticleFacts(article, byArticle.get(article.id) ?? [], options));
}
