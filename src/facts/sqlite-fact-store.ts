import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import Database from "better-sqlite3";
import { exampleWorthy, highestOf, matchPeriod, nearestPeriod, sentenceKey, type FactListFilter, type FactMatch, type FactQuery, type FactStore, type RankKey, type ZoneFactCount } from "./fact-store.js";
import type { Fact, MetricDefinition, Period, PeriodKind, ZoneLevel } from "./types.js";

/**
 * The snapshot's facts in one SQLite file (facts.sqlite), queried instead of held. At 100,000
 * chunks the facts as JSON objects take ~690 MB of V8 heap, and every server worker held its own
 * copy; read through SQLite they live in the OS page cache, which all workers share, and a worker
 * keeps only a page cache of its own (a few MB), its prepared statements and a small LRU of decoded
 * facts. The file is written once, in the snapshot's temporary directory, and only read after.
 *
 * `id` is the extraction order, the order the in-memory store returns facts in, so both stores agree.
 */

/** Bumped when the table layout changes; a file of another layout is refused (rebuild the index). */
const FACT_SCHEMA_VERSION = "3";
/** Decoded facts kept per process: enough for a question's passages and leads, bounded whatever the corpus. */
const DECODED_CACHE_SIZE = 4096;
/** Prepared statements kept per process (their SQL varies with the number of zones, places and metrics asked). */
const STATEMENT_CACHE_SIZE = 64;
/**
 * Facts per sentence and per chunk, kept per process: every answer looks up each sentence of its
 * passages (the largest cost of an ask over HTTP before this cache), and the facts of a snapshot never change.
 */
const LOOKUP_CACHE_SIZE = 8192;
/** SQLite's own page cache per connection, in KiB: pages beyond it come from the OS page cache, shared by all processes. */
const PAGE_CACHE_KIB = 8192;

// Two tables: the columns lookups filter and rank on, compact so that scanning a pool (every
// zone's figure of one metric) reads few pages, and the whole facts as JSON, read only for the
// facts returned. A sentence is looked up by a 48-bit hash of its key (the sentence repeated in an
// index would add ~100 MB at 100,000 chunks); a match is confirmed on the decoded fact's sentence.
const schema = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE facts (
  id INTEGER PRIMARY KEY,
  zone TEXT NOT NULL,
  place TEXT NOT NULL,
  level TEXT NOT NULL,
  metric TEXT NOT NULL,
  parts INTEGER NOT NULL,
  normalized REAL,
  period_kind TEXT,
  period_from TEXT,
  period_to TEXT,
  period_day TEXT,
  period_yearless INTEGER NOT NULL,
  chunk_id TEXT NOT NULL,
  sentence_hash INTEGER NOT NULL,
  date TEXT,
  sentence_start INTEGER NOT NULL
);
CREATE TABLE fact_json (id INTEGER PRIMARY KEY, fact TEXT NOT NULL);`;

// Created after the rows are in (faster than maintaining them row by row), then ANALYZEd so the
// planner starts from the most selective one, as the in-memory store starts from its smallest pool.
// The metric index covers every column ranking reads: a superlative ranks every zone's figures of
// one metric (60,000 rows at 100,000 chunks), read in one index range instead of row by row.
// A place's figure of one metric (every figure lead) is read the same way from facts_place_metric,
// and the zones of a place are counted in facts_place_level alone: through facts_place both read
// every fact of the place row by row (19,000 rows per city at 100,000 synthetic chunks, 190,000 at 1M).
const indexes = `
CREATE INDEX facts_zone ON facts(zone);
CREATE INDEX facts_place ON facts(place);
CREATE INDEX facts_metric ON facts(metric, level, parts, id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start);
CREATE INDEX facts_place_metric ON facts(place, metric, level, parts, id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start);
CREATE INDEX facts_zone_metric ON facts(zone, metric, level, parts, id);
CREATE INDEX facts_place_level ON facts(place, level, zone, id);
CREATE INDEX facts_chunk ON facts(chunk_id);
CREATE INDEX facts_sentence ON facts(sentence_hash);
ANALYZE;`;

/** Writes `facts` (in extraction order) and the metric list they were filed under into a new SQLite file, in one transaction. */
export function writeFactDatabase(file: string, facts: readonly Fact[], metrics: readonly MetricDefinition[]): void {
  const db = new Database(file);
  try {
    // A crash mid-write leaves a temporary snapshot directory that is discarded whole: no journal needed.
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.exec(schema);
    const insert = db.prepare(
      `INSERT INTO facts (id, zone, place, level, metric, parts, normalized, period_kind, period_from, period_to, period_day, period_yearless, chunk_id, sentence_hash, date, sentence_start)
       VALUES (@id, @zone, @place, @level, @metric, @parts, @normalized, @periodKind, @periodFrom, @periodTo, @periodDay, @periodYearless, @chunkId, @sentenceHash, @date, @sentenceStart)`,
    );
    const insertJson = db.prepare("INSERT INTO fact_json (id, fact) VALUES (?, ?)");
    const meta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    db.transaction(() => {
      facts.forEach((fact, id) => {
        insert.run({
          id,
          zone: fact.zone,
          place: fact.place,
          level: fact.level,
          metric: fact.metric,
          parts: fact.scope || fact.event ? 1 : 0,
          normalized: fact.normalized,
          periodKind: fact.period?.kind ?? null,
          periodFrom: fact.period?.from ?? null,
          periodTo: fact.period?.to ?? null,
          periodDay: fact.period?.day ?? null,
          periodYearless: fact.period?.yearless ? 1 : 0,
          chunkId: fact.chunkId,
          sentenceHash: sentenceHash(sentenceKey(fact.sentence)),
          date: fact.date ?? null,
          sentenceStart: fact.sentenceStart,
        });
        insertJson.run(id, JSON.stringify(fact));
      });
      meta.run("schema", FACT_SCHEMA_VERSION);
      meta.run("count", String(facts.length));
      meta.run("metrics", JSON.stringify(metrics));
      db.exec(indexes);
    })();
  } finally {
    db.close();
  }
}

/** id, zone, normalized, period kind, from, to, day, yearless, date, sentence start. */
type LightRow = [number, string, number | null, PeriodKind | null, string | null, string | null, string | null, number, string | null, number];

interface Ranked extends RankKey {
  id: number;
  zone: string;
  normalized: number;
}

/**
 * Opens facts.sqlite read-only and checks its layout. Throws (a SqliteError or an Error) when the
 * file is not a fact database of this layout; the snapshot loader turns that into INDEX_CORRUPT.
 */
export function openSqliteFactStore(file: string): { store: SqliteFactStore; metrics: MetricDefinition[]; count: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    const meta = new Map((db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]).map((row) => [row.key, row.value]));
    if (meta.get("schema") !== FACT_SCHEMA_VERSION) throw new Error(`fact table layout ${meta.get("schema") ?? "unknown"}, expected ${FACT_SCHEMA_VERSION}`);
    const recorded = Number(meta.get("count"));
    // Counting walks the smallest index: a truncated or damaged file fails here rather than mid-answer.
    const counted = (db.prepare("SELECT COUNT(*) AS n FROM facts").get() as { n: number }).n;
    if (recorded !== counted) throw new Error(`the file records ${meta.get("count")} facts but holds ${counted}`);
    const metrics = JSON.parse(meta.get("metrics") ?? "null") as unknown;
    if (!Array.isArray(metrics)) throw new Error("the metric list is missing");
    return { store: new SqliteFactStore(db, counted), metrics: metrics as MetricDefinition[], count: counted };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The FactStore contract answered by indexed queries over facts.sqlite. */
export class SqliteFactStore implements FactStore {
  /** Least recently used dropped first, for both. */
  private readonly statements = new LRUCache<string, Database.Statement>({ max: STATEMENT_CACHE_SIZE });
  private readonly decoded = new LRUCache<number, Fact>({ max: DECODED_CACHE_SIZE });
  private allZones?: ZoneFactCount[];
  private readonly exampleCache = new Map<number, Fact[]>();
  private readonly bySentence = new LRUCache<string, Fact[]>({ max: LOOKUP_CACHE_SIZE });
  private readonly byChunk = new LRUCache<string, Fact[]>({ max: LOOKUP_CACHE_SIZE });

  /** Use `openSqliteFactStore`, which checks the file first. The connection is closed when the store is garbage-collected or `close`d. */
  constructor(
    private readonly db: Database.Database,
    readonly size: number,
  ) {}

  close(): void {
    this.db.close();
  }

  // Callers get their own array: a cached list is never handed out to be changed.
  inChunk(chunkId: string): Fact[] {
    let facts = this.byChunk.get(chunkId);
    if (!facts) {
      facts = this.facts("chunk_id = ?", [chunkId]);
      this.byChunk.set(chunkId, facts);
    }
    return facts.slice();
  }

  inSentence(sentence: string): Fact[] {
    const key = sentenceKey(sentence);
    let facts = this.bySentence.get(key);
    if (!facts) {
      facts = this.facts("sentence_hash = ?", [sentenceHash(key)]).filter((fact) => sentenceKey(fact.sentence) === key);
      this.bySentence.set(key, facts);
    }
    return facts.slice();
  }

  candidates(query: FactQuery): Fact[] {
    const { where, params } = whereOf(query);
    return this.facts(where, params);
  }

  count(query: FactQuery, atMost?: number): number {
    const { where, params } = whereOf(query);
    if (atMost === undefined) return (this.statement(`SELECT COUNT(*) AS n FROM facts WHERE ${where}`).get(...params) as { n: number }).n;
    return (this.statement(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM facts WHERE ${where} LIMIT ?)`).get(...params, Math.max(0, atMost)) as { n: number }).n;
  }

  find(query: FactQuery): FactMatch[] {
    // Period matching and ranking run on the few columns they read; only the matches are decoded.
    const asked = query.period;
    return matchPeriod(this.ranked(query, insidePeriod(asked)), asked).map(({ item, periodMatch }) => ({ fact: this.decode(item.id), periodMatch }));
  }

  highestPerZone(query: FactQuery): Fact[] {
    const asked = query.period;
    return highestOf(matchPeriod(this.ranked(query, insidePeriod(asked)), asked), asked !== undefined).map((item) => this.decode(item.id));
  }

  nearest(query: FactQuery): Fact[] {
    return nearestPeriod(this.ranked(query), query.period).map((item) => this.decode(item.id));
  }

  zones(query?: FactQuery): ZoneFactCount[] {
    if (!query && this.allZones) return this.allZones;
    const { where, params } = query ? whereOf(query) : { where: "1", params: [] };
    // With one min() aggregate SQLite takes the bare columns (place, level) from that row: the zone's first fact, as the in-memory store does.
    const rows = this.statement(`SELECT zone, place, level, COUNT(*) AS facts, MIN(id) AS first FROM facts WHERE ${where} GROUP BY zone ORDER BY facts DESC, first ASC`).all(...params) as (ZoneFactCount & { first: number })[];
    const zones = rows.map(({ zone, place, level, facts }) => ({ zone, place, level: level as ZoneLevel, facts }));
    if (!query) this.allZones = zones;
    return zones;
  }

  list(filter: FactListFilter): { total: number; facts: Fact[] } {
    const zone = filter.zone?.trim();
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (zone) {
      // zone.startsWith(z) as an index range: [z, z with its last character's successor).
      const characters = [...zone];
      const last = characters.pop()!.codePointAt(0)!;
      clauses.push("(place = ? OR (zone >= ? AND zone < ?))");
      params.push(zone, zone, characters.join("") + String.fromCodePoint(Math.min(last + 1, 0x10ffff)));
    }
    if (filter.metric) {
      clauses.push("metric = ?");
      params.push(filter.metric);
    }
    const where = clauses.length > 0 ? clauses.join(" AND ") : "1";
    const total = (this.statement(`SELECT COUNT(*) AS n FROM facts WHERE ${where}`).get(...params) as { n: number }).n;
    const facts = this.facts(where, params, filter.limit);
    return { total, facts };
  }

  examples(count: number): Fact[] {
    const cached = this.exampleCache.get(count);
    if (cached) return cached;
    const chosen: Fact[] = [];
    // Streamed in extraction order and stopped at `count` zones: the first rows usually suffice.
    for (const row of this.statement("SELECT facts.id AS id, zone, fact FROM facts JOIN fact_json ON fact_json.id = facts.id WHERE level = 'zone' AND period_kind IS NOT NULL AND metric <> 'other' AND parts = 0 ORDER BY facts.id").iterate() as IterableIterator<{ id: number; zone: string; fact: string }>) {
      if (chosen.length >= count) break;
      if (chosen.some((other) => other.zone === row.zone)) continue;
      const fact = this.remember(row.id, row.fact);
      if (exampleWorthy(fact)) chosen.push(fact);
    }
    this.exampleCache.set(count, chosen);
    return chosen;
  }

  private facts(where: string, params: unknown[], limit?: number): Fact[] {
    const rows = this.statement(`SELECT facts.id AS id, fact_json.fact AS fact FROM facts JOIN fact_json ON fact_json.id = facts.id WHERE ${where} ORDER BY facts.id${limit !== undefined ? " LIMIT ?" : ""}`).all(...params, ...(limit !== undefined ? [limit] : [])) as { id: number; fact: string }[];
    return rows.map((row) => this.remember(row.id, row.fact));
  }

  private ranked(query: FactQuery, extra?: { where: string; params: unknown[] }): Ranked[] {
    const { where, params } = whereOf(query);
    // Rows as arrays (raw): pools can be large, and objects per row cost more than the query.
    const rows = this.statement(`SELECT id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start FROM facts WHERE ${where}${extra ? ` AND ${extra.where}` : ""} ORDER BY id`)
      .raw(true)
      .all(...params, ...(extra?.params ?? [])) as LightRow[];
    return rows.map(rankKey);
  }

  private decode(id: number): Fact {
    const hit = this.decoded.get(id);
    if (hit) return hit;
    const row = this.statement("SELECT fact FROM fact_json WHERE id = ?").get(id) as { fact: string } | undefined;
    if (!row) throw new Error(`fact ${id} vanished from facts.sqlite`);
    return this.remember(id, row.fact);
  }

  private remember(id: number, json: string): Fact {
    const hit = this.decoded.get(id);
    if (hit) return hit;
    const fact = JSON.parse(json) as Fact;
    this.decoded.set(id, fact);
    return fact;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** The query's filters as SQL over indexed columns (the same filters MemoryFactStore.candidates applies). */
function whereOf(query: FactQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const among = (column: string, values: string[] | undefined) => {
    if (!values || values.length === 0) return;
    const unique = [...new Set(values)];
    clauses.push(`${column} IN (${unique.map(() => "?").join(", ")})`);
    params.push(...unique);
  };
  among("zone", query.zones);
  among("place", query.places);
  among("metric", query.metrics);
  if (query.level) {
    clauses.push("level = ?");
    params.push(query.level);
  }
  if (!query.includeParts) clauses.push("parts = 0");
  return { where: clauses.length > 0 ? clauses.join(" AND ") : "1", params };
}

/**
 * An asked period with a year (not one day) matches only facts inside it, exact ones included:
 * SQL narrows the pool to those first, and samePeriod/withinPeriod decide as before.
 */
function insidePeriod(asked: Period | undefined): { where: string; params: unknown[] } | undefined {
  return asked && !asked.yearless && !(asked.kind === "day" && asked.day) ? { where: "period_from >= ? AND period_to <= ?", params: [asked.from, asked.to] } : undefined;
}

/** 48 bits of SHA-1: collisions are rare and harmless (inSentence re-checks the key). */
function sentenceHash(key: string): number {
  return createHash("sha1").update(key).digest().readIntBE(0, 6);
}

function rankKey([id, zone, normalized, kind, from, to, day, yearless, date, sentenceStart]: LightRow): Ranked {
  // Only the fields period matching and ranking read (kind, from, to, day, yearless); labels are not needed here.
  const period: Period | undefined =
    kind && from !== null && to !== null ? { kind, from, to, zh: "", en: "", ...(day !== null ? { day } : {}), ...(yearless ? { yearless: true } : {}) } : undefined;
  return { id, zone, normalized: normalized ?? Number.NaN, period, date: date ?? undefined, sentenceStart };
}
