import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractFacts } from "../../src/facts/extract-facts.js";
import { MemoryFactStore, sentenceKey, type FactListFilter, type FactQuery, type FactStore } from "../../src/facts/fact-store.js";
import { loadMetricList, METRICS_FILE } from "../../src/facts/metrics.js";
import { samePeriod, withinPeriod } from "../../src/facts/period.js";
import Database from "better-sqlite3";
import { encodeFact, openSqliteFactStore, SqliteFactStore, writeFactDatabase } from "../../src/facts/sqlite-fact-store.js";
import type { Fact, Period } from "../../src/facts/types.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";

/**
 * One contract, two stores: the facts of the real corpus and the policy fixtures, extracted as a
 * build does, are put in a MemoryFactStore and in a facts.sqlite file, and every lookup must
 * return the same on both, for every zone, place, metric, level and period the facts have.
 */

let directory: string;
let facts: Fact[];
let memory: MemoryFactStore;
let sqlite: SqliteFactStore;
/** The same file, its pools ranked in JavaScript (as for a file whose dates do not all sort as text). */
let rankedInJs: SqliteFactStore;
let file: string;
const stores = () => [
  ["memory", memory],
  ["sqlite", sqlite],
] as [string, FactStore][];

beforeAll(async () => {
  facts = [];
  for (const corpusDir of ["corpus", "tests/fixtures/policies"]) {
    const corpus = await readCorpus(corpusDir);
    const metrics = await loadMetricList(path.join("corpus", METRICS_FILE));
    facts.push(...extractFacts(corpus.articles, corpus.chunks, { metrics }));
  }
  directory = await mkdtemp(path.join(tmpdir(), "fact-store-"));
  file = path.join(directory, "facts.sqlite");
  writeFactDatabase(file, facts, [{ key: "signed_projects", zh: "签约项目", en: "signed projects", cues: ["签约项目"], units: ["count"] }]);
  memory = new MemoryFactStore(facts);
  const opened = openSqliteFactStore(file);
  sqlite = opened.store;
  expect(opened.count).toBe(facts.length);
  expect(opened.metrics.map((metric) => metric.key)).toEqual(["signed_projects"]);
  rankedInJs = new SqliteFactStore(new Database(file, { readonly: true }), facts.length, false);
}, 60_000);

afterAll(async () => {
  sqlite?.close();
  rankedInJs?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const unique = <T>(values: T[]) => [...new Set(values)];
const sqliteRankedInSql = () => sqlite;
const ids = (list: Fact[]) => list.map((fact) => fact.id);

function periodsOf(all: Fact[]): Period[] {
  const seen = new Map<string, Period>();
  for (const fact of all) if (fact.period) seen.set(`${fact.period.kind}|${fact.period.from}|${fact.period.to}|${fact.period.day ?? ""}`, fact.period);
  const periods = [...seen.values()];
  const years = unique(periods.map((period) => period.from.slice(0, 4)).filter((year) => /^\d{4}$/.test(year)));
  return [
    ...periods,
    // A whole year (facts of its months and halves are "within"), and the same asked without a year.
    ...years.map((year): Period => ({ kind: "year", from: `${year}-01`, to: `${year}-12`, zh: `${year}年`, en: year })),
    ...periods.map((period): Period => ({ ...period, from: `????${period.from.slice(4)}`, to: `????${period.to.slice(4)}`, yearless: true, ...(period.day ? { day: `????${period.day.slice(4)}` } : {}) })),
    { kind: "year", from: "1990-01", to: "1990-12", zh: "1990年", en: "1990" },
  ];
}

function queries(all: Fact[]): FactQuery[] {
  const zones = unique(all.map((fact) => fact.zone));
  const places = unique(all.map((fact) => fact.place));
  const metrics = unique(all.map((fact) => fact.metric));
  const periods = periodsOf(all);
  const result: FactQuery[] = [{}, { includeParts: true }, { level: "zone" }, { zones: ["没有这个区"] }, { zones: zones.slice(0, 3), metrics: metrics.slice(0, 2) }];
  for (const zone of zones) result.push({ zones: [zone] }, { zones: [zone], includeParts: true });
  for (const place of places) for (const level of [undefined, "zone", "city", "county"] as const) result.push({ places: [place], level, includeParts: level === "zone" });
  for (const metric of metrics) {
    result.push({ metrics: [metric] }, { metrics: [metric], level: "zone" });
    for (const period of periods) result.push({ metrics: [metric], period, level: "zone" }, { metrics: [metric], period, includeParts: true });
  }
  for (const fact of all.slice(0, 25)) {
    const base = { places: [fact.place], zones: [fact.zone], metrics: [fact.metric], includeParts: true };
    for (const period of periods) result.push({ ...base, period }, { ...base, level: fact.level, period });
  }
  return result;
}

describe("FactStore contract: MemoryFactStore and SqliteFactStore agree on a real corpus", () => {
  it("has facts of several zones, metrics, levels and periods to compare", () => {
    expect(facts.length).toBeGreaterThan(150);
    expect(unique(facts.map((fact) => fact.zone)).length).toBeGreaterThan(5);
    expect(unique(facts.map((fact) => fact.level)).length).toBeGreaterThan(1);
    expect(facts.some((fact) => fact.event || fact.scope)).toBe(true);
    expect(sqlite.size).toBe(memory.size);
  });

  it("inChunk and inSentence return the same facts (trailing punctuation ignored)", () => {
    for (const chunkId of unique(facts.map((fact) => fact.chunkId))) expect(sqlite.inChunk(chunkId)).toEqual(memory.inChunk(chunkId));
    for (const sentence of unique(facts.map((fact) => fact.sentence))) {
      const bare = sentenceKey(sentence);
      expect(ids(sqlite.inSentence(sentence))).toEqual(ids(memory.inSentence(sentence)));
      expect(ids(sqlite.inSentence(`${bare}；`))).toEqual(ids(memory.inSentence(sentence)));
      expect(memory.inSentence(`${bare}。 `).length).toBeGreaterThan(0);
    }
    expect(sqlite.inChunk("no/such#0:0")).toEqual([]);
    expect(sqlite.inSentence("没有这句话。")).toEqual([]);
  });

  it.each(["ranked in SQL", "ranked in JavaScript"])("candidates, count, find and nearest return the same, in the same order (%s)", (how) => {
    const sqlite = how === "ranked in SQL" ? sqliteRankedInSql() : rankedInJs;
    const all = queries(facts);
    expect(all.length).toBeGreaterThan(500);
    let nonEmpty = 0;
    for (const query of all) {
      const expected = memory.candidates(query);
      expect(ids(sqlite.candidates(query)), JSON.stringify(query)).toEqual(ids(expected));
      expect(sqlite.count(query)).toBe(expected.length);
      // Counting up to a limit stops there and agrees below it.
      for (const atMost of [0, 1, 3]) {
        expect(sqlite.count(query, atMost)).toBe(Math.min(expected.length, atMost));
        expect(memory.count(query, atMost)).toBe(Math.min(expected.length, atMost));
      }
      const found = memory.find(query);
      expect(sqlite.find(query).map((match) => [match.fact.id, match.periodMatch]), JSON.stringify(query)).toEqual(found.map((match) => [match.fact.id, match.periodMatch]));
      expect(ids(sqlite.nearest(query)), JSON.stringify(query)).toEqual(ids(memory.nearest(query)));
      expect(ids(sqlite.highestPerZone(query)), JSON.stringify(query)).toEqual(ids(memory.highestPerZone(query)));
      if (found.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it("zones, list and examples return the same", () => {
    expect(sqlite.zones()).toEqual(memory.zones());
    for (const place of unique(facts.map((fact) => fact.place))) expect(sqlite.zones({ places: [place], level: "zone", includeParts: true })).toEqual(memory.zones({ places: [place], level: "zone", includeParts: true }));
    const filters: FactListFilter[] = [{}, { limit: 5 }, { metric: "other" }, { metric: "no_such_metric" }, { zone: "  " }];
    for (const fact of facts.slice(0, 40)) filters.push({ zone: fact.zone }, { zone: fact.place, limit: 3 }, { zone: [...fact.zone].slice(0, 1).join("") }, { zone: fact.zone, metric: fact.metric });
    for (const filter of filters) expect(ids(sqlite.list(filter).facts), JSON.stringify(filter)).toEqual(ids(memory.list(filter).facts));
    for (const filter of filters) expect(sqlite.list(filter).total).toBe(memory.list(filter).total);
    expect(ids(sqlite.examples(2))).toEqual(ids(memory.examples(2)));
    expect(ids(sqlite.examples(5))).toEqual(ids(memory.examples(5)));
  });

  it("returns whole facts, equal to the ones written, with their keys in the same order", () => {
    const byId = new Map(facts.map((fact) => [fact.id, fact]));
    for (const fact of sqlite.candidates({ includeParts: true })) {
      expect(fact).toEqual(byId.get(fact.id));
      expect(JSON.stringify(fact)).toBe(JSON.stringify(byId.get(fact.id)));
    }
    // Stored compactly (a JSON array of what the columns do not hold), not as whole JSON objects.
    const db = new Database(file, { readonly: true });
    try {
      const bodies = db.prepare("SELECT body FROM facts").pluck().all() as string[];
      expect(bodies.every((body) => body.startsWith("["))).toBe(true);
      expect(bodies.reduce((sum, body) => sum + body.length, 0)).toBeLessThan(0.6 * facts.reduce((sum, fact) => sum + JSON.stringify(fact).length, 0));
    } finally {
      db.close();
    }
  });

  it("keeps a fact of another shape whole: other key order, other fields, values the compact form cannot hold", async () => {
    const [first] = facts;
    const { id, ...rest } = first!;
    const odd: Fact[] = [
      { id, ...rest, note: "an extra field" } as Fact,
      { ...rest, id } as Fact,
      { ...first!, id: `/leading/${first!.id}` },
      { ...first!, id: `${first!.id}-2`, approximate: false },
      { ...first!, id: `${first!.id}-3`, normalized: Number.NaN },
    ];
    for (const fact of odd) expect(encodeFact(fact)[15].startsWith("{")).toBe(true);
    const textDate = { ...first!, id: `${first!.id}-4`, date: "2023年7月" };
    expect(encodeFact(first!)[15].startsWith("[")).toBe(true);
    expect(encodeFact(textDate)[15].startsWith("[")).toBe(true);
    odd.push(textDate);
    const oddFile = path.join(directory, "odd.sqlite");
    writeFactDatabase(oddFile, [first!, ...odd], []);
    const opened = openSqliteFactStore(oddFile);
    try {
      expect(opened.store.inChunk(first!.chunkId).map((fact) => JSON.stringify(fact))).toEqual([first!, ...odd].filter((fact) => fact.chunkId === first!.chunkId).map((fact) => JSON.stringify(fact)));
      // A date that is not digits and hyphens: pools are ranked in JavaScript (localeCompare), not by SQLite.
      expect((opened.store as unknown as { latestInSql: boolean }).latestInSql).toBe(false);
      expect((sqlite as unknown as { latestInSql: boolean }).latestInSql).toBe(true);
    } finally {
      opened.store.close();
    }
  });
});

describe.each(["memory", "sqlite"])("FactStore semantics (%s)", (name) => {
  const store = () => stores().find(([label]) => label === name)![1];

  it("find: exact periods first, then those within, each latest first with earlier sentences first", () => {
    for (const metric of unique(facts.map((fact) => fact.metric))) {
      for (const period of periodsOf(facts)) {
        const matches = store().find({ metrics: [metric], period, includeParts: true });
        const firstWithin = matches.findIndex((match) => match.periodMatch === "within");
        if (firstWithin >= 0) expect(matches.slice(firstWithin).every((match) => match.periodMatch === "within")).toBe(true);
        for (const match of matches) {
          expect(match.fact.metric).toBe(metric);
          if (match.periodMatch === "exact") expect(samePeriod(match.fact.period!, period)).toBe(true);
          else expect(withinPeriod(match.fact.period!, period)).toBe(true);
        }
        for (let i = 1; i < matches.length; i++) {
          const [a, b] = [matches[i - 1]!, matches[i]!];
          if (a.periodMatch !== b.periodMatch) continue;
          expect(a.fact.period!.to >= b.fact.period!.to).toBe(true);
          if (a.fact.period!.to === b.fact.period!.to && (a.fact.date ?? "") === (b.fact.date ?? "")) expect(a.fact.sentenceStart).toBeLessThanOrEqual(b.fact.sentenceStart);
        }
      }
    }
  });

  it("candidates leave out event and subset figures unless asked, and honour the level", () => {
    const parts = store().candidates({ includeParts: true }).filter((fact) => fact.event || fact.scope);
    expect(parts.length).toBeGreaterThan(0);
    expect(store().candidates({}).some((fact) => fact.event || fact.scope)).toBe(false);
    expect(store().candidates({ level: "city", includeParts: true }).every((fact) => fact.level === "city")).toBe(true);
  });

  it("nearest gives the closest period's facts when the asked one has none", () => {
    const metric = facts.find((fact) => fact.period && fact.metric !== "other")!.metric;
    const nearest = store().nearest({ metrics: [metric], period: { kind: "year", from: "1990-01", to: "1990-12", zh: "1990年", en: "1990" }, includeParts: true });
    expect(nearest.length).toBeGreaterThan(0);
    const earliest = store().candidates({ metrics: [metric], includeParts: true }).filter((fact) => fact.period).map((fact) => fact.period!.to).sort()[0];
    // Distance adds the span difference, so the nearest is among the earliest-ending periods, never a later one than all.
    expect(nearest.every((fact) => fact.metric === metric && fact.period)).toBe(true);
    expect(nearest[0]!.period!.to.slice(0, 4)).toBe(earliest!.slice(0, 4));
  });

  it("highestPerZone keeps each zone's largest exact-period figure", () => {
    let compared = 0;
    for (const metric of unique(facts.map((fact) => fact.metric))) {
      for (const period of [undefined, ...periodsOf(facts)]) {
        const query = { metrics: [metric], period, level: "zone" as const };
        const best = store().highestPerZone(query);
        const pool = store().find(query).filter((match) => !period || match.periodMatch === "exact").map((match) => match.fact);
        expect(unique(best.map((fact) => fact.zone))).toHaveLength(best.length);
        for (const fact of best) {
          expect(pool).toContainEqual(fact);
          expect(pool.filter((other) => other.zone === fact.zone).every((other) => other.normalized <= fact.normalized)).toBe(true);
          compared++;
        }
        expect(best.length).toBe(unique(pool.map((fact) => fact.zone)).length);
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("zones counts every fact once, most first", () => {
    const zones = store().zones();
    expect(zones.reduce((sum, zone) => sum + zone.facts, 0)).toBe(store().size);
    for (let i = 1; i < zones.length; i++) expect(zones[i - 1]!.facts).toBeGreaterThanOrEqual(zones[i]!.facts);
  });

  it("list filters by zone, place or zone-name prefix and by metric, with a limit and the total", () => {
    const fact = facts.find((each) => each.zone !== each.place)!;
    const prefix = [...fact.zone].slice(0, 2).join("");
    const listed = store().list({ zone: prefix });
    expect(listed.facts.length).toBeGreaterThan(0);
    expect(listed.facts.every((each) => each.zone.startsWith(prefix) || each.place === prefix)).toBe(true);
    expect(listed.total).toBe(facts.filter((each) => each.zone.startsWith(prefix) || each.place === prefix).length);
    const limited = store().list({ zone: prefix, limit: 1 });
    expect(limited.facts).toHaveLength(1);
    expect(limited.total).toBe(listed.total);
    expect(store().list({ metric: fact.metric }).facts.every((each) => each.metric === fact.metric)).toBe(true);
  });

  it("examples are dated, labelled zone totals of distinct zones", () => {
    const examples = store().examples(2);
    expect(examples).toHaveLength(2);
    expect(examples[0]!.zone).not.toBe(examples[1]!.zone);
    expect(examples.every((fact) => fact.level === "zone" && fact.period && fact.metric !== "other" && !fact.event && !fact.scope)).toBe(true);
  });
});
