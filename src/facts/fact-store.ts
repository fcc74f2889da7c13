import { periodDistance, samePeriod, withinPeriod } from "./period.js";
import type { Fact, Period, ZoneLevel } from "./types.js";

/**
 * Lookups over the snapshot's facts: by zone (or place and level), metric and period. A figure
 * answers a question only for the zone, level and period it was stated about; `nearest` finds
 * the closest period the corpus has when the asked one is missing, so the answer can say so.
 *
 * Two implementations answer the same contract (tests/facts/fact-store-contract.test.ts):
 * `MemoryFactStore` over an array (tests, snapshots written with facts.json) and
 * `SqliteFactStore` over the snapshot's facts.sqlite, which keeps a large corpus's facts out of
 * every server worker's heap. Results are in extraction order unless ranked; rankings break ties
 * by that order too, so both stores return the same lists.
 */

export interface FactQuery {
  /** Canonical zone names (衡阳高新区, or 安康 for the city): the fact's zone must be one of them. */
  zones?: string[];
  /** Places (衡阳): the fact's place must be one of them. */
  places?: string[];
  level?: ZoneLevel;
  metrics?: string[];
  period?: Period;
  /** Keep event figures (one ceremony's signings) and subset figures ("2亿元以上项目"). Default false. */
  includeParts?: boolean;
}

export interface FactMatch {
  fact: Fact;
  /** exact: same period; within: inside the asked period (a month of the asked year); none: no period asked. */
  periodMatch: "exact" | "within" | "none";
}

export interface ZoneFactCount {
  zone: string;
  place: string;
  level: ZoneLevel;
  facts: number;
}

/** What `npm run facts` and GET /api/facts filter by: a zone (or its place, or a prefix of its name) and a metric. */
export interface FactListFilter {
  zone?: string;
  metric?: string;
  limit?: number;
}

export interface FactStore {
  readonly size: number;
  /** The facts of one chunk (a retrieved passage). */
  inChunk(chunkId: string): Fact[];
  /** The facts stated in a sentence (as quoted: trailing punctuation does not matter). */
  inSentence(sentence: string): Fact[];
  /** Facts of the asked who and what, any period. */
  candidates(query: FactQuery): Fact[];
  /**
   * How many facts `candidates(query)` would return; with `atMost`, that many at most (callers
   * that only compare the count with a limit stop counting there: a place of a national corpus
   * has hundreds of thousands of facts).
   */
  count(query: FactQuery, atMost?: number): number;
  /** Facts for the asked period: exact periods first, then those inside it; all, latest first, when no period is asked. */
  find(query: FactQuery): FactMatch[];
  /** The facts of the period nearest the asked one, when it has none (for "the latest is …"). */
  nearest(query: FactQuery): Fact[];
  /**
   * Each zone's highest figure among `find(query)`'s matches (only the exact ones when a period
   * is asked), zones in the order they first appear there: a superlative over every zone decodes
   * one fact per zone, not every figure of the metric.
   */
  highestPerZone(query: FactQuery): Fact[];
  /** Zones with facts (of the query, when given) and how many, most first: what the assistant covers. */
  zones(query?: FactQuery): ZoneFactCount[];
  /** Facts in extraction order for a listing, at most `limit`, with how many match in all. */
  list(filter: FactListFilter): { total: number; facts: Fact[] };
  /** The first dated, labelled zone-level total of each of the first `count` zones (example questions). */
  examples(count: number): Fact[];
}

/** Latest period first; within a period, the earlier sentence (reports lead with totals); then extraction order. */
function compareLatest(a: RankKey, b: RankKey): number {
  return compareText(b.period?.to ?? "", a.period?.to ?? "") || compareText(b.date ?? "", a.date ?? "") || a.sentenceStart - b.sentenceStart;
}

const digitsAndHyphens = /^[0-9-]*$/;

/**
 * localeCompare, with a fast path for months and dates (2023-06, 2023-07-20): for strings of
 * digits and hyphens the locale order is the code-unit order ('-' before digits in both), and
 * ranking 100,000 figures for a superlative spends most of its time here.
 */
function compareText(a: string, b: string): number {
  if (digitsAndHyphens.test(a) && digitsAndHyphens.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

/** What ranking and period matching read of a fact (the SQLite store ranks on these columns before decoding). */
export interface RankKey {
  period?: Period;
  date?: string;
  sentenceStart: number;
}

/**
 * Splits a pool into the asked period's exact and within matches, each ranked latest first (`find`).
 * `ranked`: the pool is in that order already (SQLite ranked it), so filtering keeps it.
 */
export function matchPeriod<T extends RankKey>(pool: T[], asked: Period | undefined, ranked = false): { item: T; periodMatch: FactMatch["periodMatch"] }[] {
  const latestFirst = (items: T[]) => (ranked ? items : items.sort(compareLatest));
  if (!asked) return latestFirst([...pool]).map((item) => ({ item, periodMatch: "none" }));
  const exact = pool.filter((item) => item.period && samePeriod(item.period, asked));
  const exactSet = new Set(exact);
  const within = pool.filter((item) => item.period && !exactSet.has(item) && withinPeriod(item.period, asked));
  return [...latestFirst(exact).map((item) => ({ item, periodMatch: "exact" as const })), ...latestFirst(within).map((item) => ({ item, periodMatch: "within" as const }))];
}

/** The pool's items of the period nearest the asked one, ranked (`nearest`); `ranked` as for matchPeriod. */
export function nearestPeriod<T extends RankKey>(pool: T[], asked: Period | undefined, ranked = false): T[] {
  const latestFirst = (items: T[]) => (ranked ? items : items.sort(compareLatest));
  const dated = pool.filter((item) => item.period);
  if (dated.length === 0 || !asked) return latestFirst(dated).slice(0, 1);
  const distance = (item: T) => periodDistance(item.period!, asked);
  let best = Infinity;
  for (const item of dated) best = Math.min(best, distance(item));
  return latestFirst(dated.filter((item) => distance(item) === best));
}

/** `highestPerZone` over ranked matches: the first of a zone's largest values wins. */
export function highestOf<T extends { zone: string; normalized: number }>(matches: { item: T; periodMatch: FactMatch["periodMatch"] }[], periodAsked: boolean): T[] {
  const best = new Map<string, T>();
  for (const { item, periodMatch } of matches) {
    if (periodAsked && periodMatch !== "exact") continue;
    const current = best.get(item.zone);
    if (!current || item.normalized > current.normalized) best.set(item.zone, item);
  }
  return [...best.values()];
}

export function sentenceKey(sentence: string): string {
  return sentence.replace(/[。！？!?；;，,\s]+$/u, "");
}

/** A listing's zone filter: the zone itself, its place, or a zone whose name starts with it. */
function listZoneMatches(fact: Pick<Fact, "zone" | "place">, zone: string): boolean {
  return fact.zone === zone || fact.place === zone || fact.zone.startsWith(zone);
}

/** A fact an example question can be built from: a zone's dated, labelled period total. */
export function exampleWorthy(fact: Fact): boolean {
  return fact.level === "zone" && fact.period !== undefined && fact.metric !== "other" && !fact.event && !fact.scope;
}

/** The facts as an array with in-process indexes: tests, small corpora, and snapshots that store facts.json. */
export class MemoryFactStore implements FactStore {
  readonly facts: readonly Fact[];
  private readonly order = new Map<Fact, number>();
  private readonly byPlace = new Map<string, Fact[]>();
  private readonly byMetric = new Map<string, Fact[]>();
  private readonly bySentence = new Map<string, Fact[]>();
  private readonly byZone = new Map<string, Fact[]>();
  private readonly byChunk = new Map<string, Fact[]>();

  constructor(facts: readonly Fact[]) {
    this.facts = facts;
    facts.forEach((fact, index) => {
      this.order.set(fact, index);
      push(this.byPlace, fact.place, fact);
      push(this.byMetric, fact.metric, fact);
      push(this.bySentence, sentenceKey(fact.sentence), fact);
      push(this.byZone, fact.zone, fact);
      push(this.byChunk, fact.chunkId, fact);
    });
  }

  inChunk(chunkId: string): Fact[] {
    return [...(this.byChunk.get(chunkId) ?? [])];
  }

  inSentence(sentence: string): Fact[] {
    return [...(this.bySentence.get(sentenceKey(sentence)) ?? [])];
  }

  get size(): number {
    return this.facts.length;
  }

  candidates(query: FactQuery): Fact[] {
    // Start from the smallest index that applies: at 100k chunks a full scan per question is too slow.
    const pools: (readonly Fact[])[] = [];
    const lookup = (index: Map<string, Fact[]>, keys: string[] | undefined) => {
      if (!keys || keys.length === 0) return;
      const unique = [...new Set(keys)];
      const pool = unique.flatMap((key) => index.get(key) ?? []);
      // Several keys: back into extraction order, the order the SQLite store returns.
      pools.push(unique.length > 1 ? pool.sort((a, b) => this.order.get(a)! - this.order.get(b)!) : pool);
    };
    lookup(this.byZone, query.zones);
    lookup(this.byPlace, query.places);
    lookup(this.byMetric, query.metrics);
    const pool = pools.length > 0 ? pools.reduce((smallest, next) => (next.length < smallest.length ? next : smallest)) : this.facts;
    return pool.filter((fact) => {
      if (query.metrics && query.metrics.length > 0 && !query.metrics.includes(fact.metric)) return false;
      // A zone asked by name (衡阳高新区) is that zone; a bare place (衡阳) is any of its zones or the city.
      if (query.zones && query.zones.length > 0 && !query.zones.includes(fact.zone)) return false;
      if (query.places && query.places.length > 0 && !query.places.includes(fact.place)) return false;
      if (query.level && fact.level !== query.level) return false;
      if (!query.includeParts && (fact.scope || fact.event)) return false;
      return true;
    });
  }

  count(query: FactQuery, atMost = Infinity): number {
    return Math.min(this.candidates(query).length, atMost);
  }

  find(query: FactQuery): FactMatch[] {
    return matchPeriod(this.candidates(query), query.period).map(({ item, periodMatch }) => ({ fact: item, periodMatch }));
  }

  nearest(query: FactQuery): Fact[] {
    return nearestPeriod(this.candidates(query), query.period);
  }

  highestPerZone(query: FactQuery): Fact[] {
    return highestOf(matchPeriod(this.candidates(query), query.period), query.period !== undefined);
  }

  zones(query?: FactQuery): ZoneFactCount[] {
    const counts = new Map<string, ZoneFactCount>();
    for (const fact of query ? this.candidates(query) : this.facts) {
      const entry = counts.get(fact.zone) ?? { zone: fact.zone, place: fact.place, level: fact.level, facts: 0 };
      entry.facts++;
      counts.set(fact.zone, entry);
    }
    return [...counts.values()].sort((a, b) => b.facts - a.facts);
  }

  list(filter: FactListFilter): { total: number; facts: Fact[] } {
    const zone = filter.zone?.trim();
    const result = this.facts.filter((fact) => (!zone || listZoneMatches(fact, zone)) && (!filter.metric || fact.metric === filter.metric));
    return { total: result.length, facts: filter.limit !== undefined ? result.slice(0, filter.limit) : result };
  }

  examples(count: number): Fact[] {
    const chosen: Fact[] = [];
    for (const fact of this.facts) {
      if (chosen.length >= count) break;
      if (exampleWorthy(fact) && !chosen.some((other) => other.zone === fact.zone)) chosen.push(fact);
    }
    return chosen;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
