import { periodDistance, samePeriod, withinPeriod } from "./period.js";
import type { Fact, Period, ZoneLevel } from "./types.js";

/**
 * Lookups over the snapshot's facts: by zone (or place and level), metric and period. A figure
 * answers a question only for the zone, level and period it was stated about; `nearest` finds
 * the closest period the corpus has when the asked one is missing, so the answer can say so.
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

export class FactStore {
  readonly facts: readonly Fact[];
  private readonly byPlace = new Map<string, Fact[]>();
  private readonly byMetric = new Map<string, Fact[]>();
  private readonly bySentence = new Map<string, Fact[]>();
  private readonly byZone = new Map<string, Fact[]>();
  private readonly byChunk = new Map<string, Fact[]>();

  constructor(facts: readonly Fact[]) {
    this.facts = facts;
    for (const fact of facts) {
      push(this.byPlace, fact.place, fact);
      push(this.byMetric, fact.metric, fact);
      push(this.bySentence, sentenceKey(fact.sentence), fact);
      push(this.byZone, fact.zone, fact);
      push(this.byChunk, fact.chunkId, fact);
    }
  }

  /** The facts of one chunk (a retrieved passage). */
  inChunk(chunkId: string): Fact[] {
    return this.byChunk.get(chunkId) ?? [];
  }

  /** The facts stated in a sentence (as quoted: trailing punctuation does not matter). */
  inSentence(sentence: string): Fact[] {
    return this.bySentence.get(sentenceKey(sentence)) ?? [];
  }

  get size(): number {
    return this.facts.length;
  }

  /** Facts of the asked who and what, any period. */
  candidates(query: FactQuery): Fact[] {
    // Start from the smallest index that applies: at 100k chunks a full scan per question is too slow.
    const pools: (readonly Fact[])[] = [];
    if (query.zones && query.zones.length > 0) pools.push(query.zones.flatMap((zone) => this.byZone.get(zone) ?? []));
    if (query.places && query.places.length > 0) pools.push(query.places.flatMap((place) => this.byPlace.get(place) ?? []));
    if (query.metrics && query.metrics.length > 0) pools.push(query.metrics.flatMap((metric) => this.byMetric.get(metric) ?? []));
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

  /** Facts for the asked period: exact periods first, then those inside it; none when no period is asked and none fit. */
  find(query: FactQuery): FactMatch[] {
    const pool = this.candidates(query);
    const asked = query.period;
    if (!asked) return rankLatest(pool).map((fact) => ({ fact, periodMatch: "none" }));
    const exact = pool.filter((fact) => fact.period && samePeriod(fact.period, asked));
    const within = pool.filter((fact) => fact.period && !exact.includes(fact) && withinPeriod(fact.period, asked));
    return [...rankLatest(exact).map((fact) => ({ fact, periodMatch: "exact" as const })), ...rankLatest(within).map((fact) => ({ fact, periodMatch: "within" as const }))];
  }

  /** The facts of the period nearest the asked one, when it has none (for "the latest is …"). */
  nearest(query: FactQuery): Fact[] {
    const asked = query.period;
    const pool = this.candidates(query).filter((fact) => fact.period);
    if (pool.length === 0 || !asked) return rankLatest(pool).slice(0, 1);
    const distance = (fact: Fact) => periodDistance(fact.period!, asked);
    const best = Math.min(...pool.map(distance));
    return rankLatest(pool.filter((fact) => distance(fact) === best));
  }

  /** Zones with facts, with their documents and report dates: what the assistant covers. */
  zones(): { zone: string; place: string; level: ZoneLevel; facts: number }[] {
    const counts = new Map<string, { zone: string; place: string; level: ZoneLevel; facts: number }>();
    for (const fact of this.facts) {
      const entry = counts.get(fact.zone) ?? { zone: fact.zone, place: fact.place, level: fact.level, facts: 0 };
      entry.facts++;
      counts.set(fact.zone, entry);
    }
    return [...counts.values()].sort((a, b) => b.facts - a.facts);
  }
}

/** Latest period first; within a period, the earlier sentence (reports lead with totals). */
function rankLatest(facts: Fact[]): Fact[] {
  return [...facts].sort((a, b) => (b.period?.to ?? "").localeCompare(a.period?.to ?? "") || (b.date ?? "").localeCompare(a.date ?? "") || a.sentenceStart - b.sentenceStart);
}

function sentenceKey(sentence: string): string {
  return sentence.replace(/[。！？!?；;，,\s]+$/u, "");
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Facts filtered for `npm run facts` and GET /api/facts. */
export function filterFacts(facts: readonly Fact[], filter: { zone?: string; metric?: string; limit?: number }): Fact[] {
  const zone = filter.zone?.trim();
  const result = facts.filter(
    (fact) => (!zone || fact.zone === zone || fact.place === zone || fact.zone.startsWith(zone)) && (!filter.metric || fact.metric === filter.metric),
  );
  return filter.limit !== undefined ? result.slice(0, filter.limit) : result;
}
