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
const FACT_SCHEMA_VERSION = "4";
/**
 * Decoded facts kept per process: enough for the pools of the zones asked most (a zone's figures
 * of one metric are ~6,000 facts in a 1M-chunk synthetic corpus), bounded whatever the corpus
 * (~1 KB of heap per fact).
 */
const DECODED_CACHE_SIZE = 16_384;
/** Prepared statements kept per process (their SQL varies with the number of zones, places and metrics asked). */
const STATEMENT_CACHE_SIZE = 64;
/**
 * Facts per sentence and per chunk, kept per process: every answer looks up each sentence of its
 * passages (the largest cost of an ask over HTTP before this cache), and the facts of a snapshot never change.
 */
const LOOKUP_CACHE_SIZE = 8192;
/** SQLite's own page cache per connection, in KiB: pages beyond it come from the OS page cache, shared by all processes. */
const PAGE_CACHE_KIB = 8192;
/** The writer's page cache, in KiB: the index sorts of a few million rows stay in memory longer. */
const WRITE_CACHE_KIB = 262_144;

// One row per fact: the columns lookups filter and rank on, and the rest of the fact in `body`
// (see encodeFact), read only for the facts returned. A sentence is looked up by a 48-bit hash of
// its key (the sentence repeated in an index would add ~100 MB at 100,000 chunks); a match is
// confirmed on the decoded fact's sentence. zone_facts counts the facts per zone, place, level,
// metric and parts, so that counting a place's facts and listing its zones read a few rows
// instead of every fact of the place.
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
  sentence_start INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE zone_facts (zone TEXT NOT NULL, place TEXT NOT NULL, level TEXT NOT NULL, metric TEXT NOT NULL, parts INTEGER NOT NULL, facts INTEGER NOT NULL, first INTEGER NOT NULL);`;

// Created after the rows are in (one sort each instead of a b-tree update per row), then ANALYZEd
// so the planner starts from the most selective one. The two wide ones cover every column ranking
// reads, so a pool is read in one index range, not row by row: facts_place_metric a place's (or
// one of its zones') figures of a metric (every figure lead), facts_metric every zone's figures of
// a metric (a superlative). Within a place, metric, zone and level (or a metric, level and parts)
// their entries are in LATEST_ORDER already: such a pool comes ranked, without a sort.
const indexes = `
CREATE INDEX facts_place_metric ON facts(place, metric, zone, level, IFNULL(period_to, '') DESC, IFNULL(date, '') DESC, sentence_start, id, parts, normalized, period_kind, period_from, period_to, period_day, period_yearless, date);
CREATE INDEX facts_metric ON facts(metric, level, parts, IFNULL(period_to, '') DESC, IFNULL(date, '') DESC, sentence_start, id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date);
CREATE INDEX facts_zone ON facts(zone, metric);
CREATE INDEX facts_chunk ON facts(chunk_id);
CREATE INDEX facts_sentence ON facts(sentence_hash);
CREATE INDEX zone_facts_place ON zone_facts(place, metric, level);
CREATE INDEX zone_facts_zone ON zone_facts(zone, metric);
ANALYZE;`;

/**
 * A fact as the columns of its row (without the id, which is its position in the file):
 * zone, place, level, metric, parts, normalized, period kind, from, to, day, yearless, chunk id,
 * sentence hash, date, sentence start, body, and whether its period end and date sort as plain
 * text (see `latestOrder`). Build threads encode their facts into rows; the writer stores them.
 */
export type FactRow = [string, string, string, string, number, number | null, string | null, string | null, string | null, string | null, number, string, number, string | null, number, string, number];

/** The order in which a fact extracted by extractFacts has its keys; `body` relies on it. */
const canonicalKeys = (fact: Fact): string[] => [
  "raw", "value", "unit", "normalized", "normalizedUnit", ...(fact.approximate !== undefined ? ["approximate"] : []), "start", "end", "id", "zone", "place", "level",
  ...(fact.period !== undefined ? ["period"] : []), "metric", "label", ...(fact.qualifier !== undefined ? ["qualifier"] : []), ...(fact.scope !== undefined ? ["scope"] : []),
  ...(fact.event !== undefined ? ["event"] : []), "sentence", "source", "chunkId", "articleId", ...(fact.date !== undefined ? ["date"] : []), "sentenceStart", "sentenceEnd",
];

const digitsAndHyphens = /^[0-9-]*$/;

/**
 * The row of a fact. `body` is a JSON array of what the columns do not hold, in a fixed order, for
 * a fact shaped as extractFacts makes it (its keys in that order, `approximate` and `event` true
 * when present, text where text is expected): less than half the text of the whole fact as JSON,
 * and decoded back to an object with the same keys in the same order. Any other fact is kept
 * whole as a JSON object.
 */
export function encodeFact(fact: Fact): FactRow {
  const { period } = fact;
  const sortable = digitsAndHyphens.test(period?.to ?? "") && digitsAndHyphens.test(fact.date ?? "") ? 1 : 0;
  return [
    fact.zone,
    fact.place,
    fact.level,
    fact.metric,
    fact.scope || fact.event ? 1 : 0,
    fact.normalized,
    period?.kind ?? null,
    period?.from ?? null,
    period?.to ?? null,
    period?.day ?? null,
    period?.yearless ? 1 : 0,
    fact.chunkId,
    sentenceHash(sentenceKey(fact.sentence)),
    fact.date ?? null,
    fact.sentenceStart,
    compact(fact) ?? JSON.stringify(fact),
    sortable,
  ];
}

function compact(fact: Fact): string | undefined {
  const keys = Object.keys(fact);
  const expected = canonicalKeys(fact);
  if (keys.length !== expected.length || keys.some((key, i) => key !== expected[i])) return undefined;
  const text = (value: unknown) => typeof value === "string";
  const number = (value: unknown) => typeof value === "number" && Number.isFinite(value);
  if (
    ![fact.zone, fact.place, fact.level, fact.metric, fact.chunkId, fact.id, fact.sentence, fact.label, fact.source, fact.articleId, fact.raw, fact.unit].every(text) ||
    ![fact.normalized, fact.value, fact.sentenceStart, fact.sentenceEnd, fact.start, fact.end].every(number) ||
    (fact.date !== undefined && !text(fact.date)) ||
    (fact.qualifier !== undefined && !text(fact.qualifier)) ||
    (fact.scope !== undefined && !text(fact.scope)) ||
    (fact.approximate !== undefined && fact.approximate !== true) ||
    (fact.event !== undefined && fact.event !== true) ||
    (fact.period !== undefined && (typeof fact.period !== "object" || fact.period === null)) ||
    Object.is(fact.normalized, -0) ||
    !Number.isInteger(fact.sentenceStart)
  ) {
    return undefined;
  }
  // The id without its chunk's, when it starts with it ("…#0:0/3/1" → "/3/1").
  const id = fact.id.startsWith(`${fact.chunkId}/`) ? fact.id.slice(fact.chunkId.length) : fact.id.startsWith("/") ? undefined : fact.id;
  if (id === undefined) return undefined;
  const flags = (fact.approximate ? 1 : 0) | (fact.event ? 2 : 0);
  return JSON.stringify([fact.raw, fact.value, fact.unit, fact.normalizedUnit, flags, fact.start, fact.end, id, fact.period ?? null, fact.label, fact.qualifier ?? null, fact.scope ?? null, fact.sentence, fact.source, fact.articleId, fact.sentenceEnd]);
}

/** zone, place, level, metric, normalized, chunk id, date, sentence start, body: what decoding a fact reads. */
type BodyRow = [number, string, string, string, string, number | null, string, string | null, number, string];
const BODY_COLUMNS = "id, zone, place, level, metric, normalized, chunk_id, date, sentence_start, body";

type Body = [string, number, string, Fact["normalizedUnit"], number, number, number, string, Fact["period"] | null, string, string | null, string | null, string, string, string, number];

/** The fact of a row, with its keys in the order extractFacts gave them (see encodeFact). */
function decodeRow([, zone, place, level, metric, normalized, chunkId, date, sentenceStart, body]: BodyRow): Fact {
  if (body.startsWith("{")) return JSON.parse(body) as Fact;
  const [raw, value, unit, normalizedUnit, flags, start, end, id, period, label, qualifier, scope, sentence, source, articleId, sentenceEnd] = JSON.parse(body) as Body;
  const fact = { raw, value, unit, normalized, normalizedUnit } as Fact;
  if (flags & 1) fact.approximate = true;
  fact.start = start;
  fact.end = end;
  fact.id = id.startsWith("/") ? chunkId + id : id;
  fact.zone = zone;
  fact.place = place;
  fact.level = level as ZoneLevel;
  if (period !== null) fact.period = period;
  fact.metric = metric;
  fact.label = label;
  if (qualifier !== null) fact.qualifier = qualifier;
  if (scope !== null) fact.scope = scope;
  if (flags & 2) fact.event = true;
  fact.sentence = sentence;
  fact.source = source;
  fact.chunkId = chunkId;
  fact.articleId = articleId;
  if (date !== null) fact.date = date;
  fact.sentenceStart = sentenceStart;
  fact.sentenceEnd = sentenceEnd;
  return fact;
}

/**
 * Writes facts.sqlite from rows handed over in extraction order (`add` as often as batches come,
 * then `finish`): one transaction, no journal, indexes and counts after the last row. The rows of
 * the same facts make the same file, byte for byte, however they were batched.
 */
export class FactDatabaseWriter {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly counts = new Map<string, [zone: string, place: string, level: string, metric: string, parts: number, facts: number, first: number]>();
  private count = 0;
  private sortable = true;

  constructor(file: string, private readonly metrics: readonly MetricDefinition[]) {
    this.db = new Database(file);
    try {
      // A crash mid-write leaves a temporary snapshot directory that is discarded whole: no journal needed.
      this.db.pragma("journal_mode = OFF");
      this.db.pragma("synchronous = OFF");
      this.db.pragma(`cache_size = -${WRITE_CACHE_KIB}`);
      this.db.exec(schema);
      this.insert = this.db.prepare(
        `INSERT INTO facts (id, zone, place, level, metric, parts, normalized, period_kind, period_from, period_to, period_day, period_yearless, chunk_id, sentence_hash, date, sentence_start, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      this.db.exec("BEGIN");
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** How many facts were added so far. */
  get size(): number {
    return this.count;
  }

  add(rows: readonly FactRow[]): void {
    const { insert, counts } = this;
    for (const row of rows) {
      const id = this.count++;
      insert.run(id, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11], row[12], row[13], row[14], row[15]);
      if (row[16] === 0) this.sortable = false;
      const key = `${row[0]}\u0000${row[1]}\u0000${row[2]}\u0000${row[3]}\u0000${row[4]}`;
      const entry = counts.get(key);
      if (entry) entry[5]++;
      else counts.set(key, [row[0], row[1], row[2], row[3], row[4], 1, id]);
    }
  }

  /** Counts, metadata and indexes; closes the file. Returns how many facts it holds. */
  finish(): number {
    try {
      const zone = this.db.prepare("INSERT INTO zone_facts (zone, place, level, metric, parts, facts, first) VALUES (?, ?, ?, ?, ?, ?, ?)");
      for (const entry of this.counts.values()) zone.run(...entry);
      const meta = this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
      meta.run("schema", FACT_SCHEMA_VERSION);
      meta.run("count", String(this.count));
      meta.run("metrics", JSON.stringify(this.metrics));
      meta.run("latestOrder", this.sortable ? "text" : "locale");
      this.db.exec(indexes);
      this.db.exec("COMMIT");
      return this.count;
    } finally {
      this.db.close();
    }
  }

  /** Closes the file without finishing it (the build failed; its directory is removed). */
  abort(): void {
    if (this.db.open) this.db.close();
  }
}

/** Writes `facts` (in extraction order) and the metric list they were filed under into a new SQLite file. */
export function writeFactDatabase(file: string, facts: readonly Fact[], metrics: readonly MetricDefinition[]): void {
  const writer = new FactDatabaseWriter(file, metrics);
  try {
    writer.add(facts.map(encodeFact));
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.finish();
}

/** id, zone, normalized, period kind, from, to, day, yearless, date, sentence start. */
type LightRow = [number, string, number | null, PeriodKind | null, string | null, string | null, string | null, number, string | null, number];
const LIGHT_COLUMNS = "id, zone, normalized, period_kind, period_from, period_to, period_day, period_yearless, date, sentence_start";
/**
 * compareLatest (fact-store.ts) as SQL: latest period end, then latest date, then the earlier
 * sentence, then extraction order. Text order is code-point order here and in JavaScript, and
 * compareLatest compares plain text when both sides are digits and hyphens, which the writer
 * checked for every fact of the file (meta latestOrder = text); other files are ranked in JavaScript.
 */
const LATEST_ORDER = "IFNULL(period_to, '') DESC, IFNULL(date, '') DESC, sentence_start, id";

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
    return { store: new SqliteFactStore(db, counted, meta.get("latestOrder") === "text"), metrics: metrics as MetricDefinition[], count: counted };
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

  /**
   * Use `openSqliteFactStore`, which checks the file first. The connection is closed when the store
   * is garbage-collected or `close`d. `latestInSql`: SQLite ranks pools latest first (LATEST_ORDER).
   */
  constructor(
    private readonly db: Database.Database,
    readonly size: number,
    private readonly latestInSql: boolean,
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
    // From the counts per zone, place, level, metric and parts: a few rows, however many facts match.
    const { where, params } = whereOf(query);
    const total = (this.statement(`SELECT IFNULL(SUM(facts), 0) AS n FROM zone_facts WHERE ${where}`).get(...params) as { n: number }).n;
    return atMost === undefined ? total : Math.min(total, Math.max(0, atMost));
  }

  find(query: FactQuery): FactMatch[] {
    const asked = query.period;
    if (!asked && this.latestInSql) {
      // Every fact of the pool, latest first: SQLite ranks them, and only the ids are read before decoding.
      const { where, params } = whereOf(query);
      const ids = this.statement(`SELECT id FROM facts WHERE ${where} ORDER BY ${LATEST_ORDER}`).pluck(true).all(...params) as number[];
      return this.decodeAll(ids).map((fact) => ({ fact, periodMatch: "none" }));
    }
    // Period matching and ranking run on the few columns they read; only the matches are decoded.
    const matches = matchPeriod(this.ranked(query, insidePeriod(asked)), asked, this.latestInSql);
    const facts = this.decodeAll(matches.map(({ item }) => item.id));
    return matches.map(({ periodMatch }, i) => ({ fact: facts[i]!, periodMatch }));
  }

  highestPerZone(query: FactQuery): Fact[] {
    const asked = query.period;
    return this.decodeAll(highestOf(matchPeriod(this.ranked(query, insidePeriod(asked)), asked, this.latestInSql), asked !== undefined).map((item) => item.id));
  }

  nearest(query: FactQuery): Fact[] {
    return this.decodeAll(nearestPeriod(this.ranked(query), query.period, this.latestInSql).map((item) => item.id));
  }

  zones(query?: FactQuery): ZoneFactCount[] {
    if (!query && this.allZones) return this.allZones;
    const { where, params } = query ? whereOf(query) : { where: "1", params: [] };
    // With one min() aggregate SQLite takes the bare columns (place, level) from that row: the zone's first fact, as the in-memory store does.
    const rows = this.statement(`SELECT zone, place, level, SUM(facts) AS facts, MIN(first) AS first FROM zone_facts WHERE ${where} GROUP BY zone ORDER BY facts DESC, first ASC`).all(...params) as (ZoneFactCount & { first: number })[];
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
    const total = (this.statement(`SELECT IFNULL(SUM(facts), 0) AS n FROM zone_facts WHERE ${where}`).get(...params) as { n: number }).n;
    const facts = this.facts(where, params, filter.limit);
    return { total, facts };
  }

  examples(count: number): Fact[] {
    const cached = this.exampleCache.get(count);
    if (cached) return cached;
    const chosen: Fact[] = [];
    // Streamed in extraction order and stopped at `count` zones: the first rows usually suffice.
    for (const row of this.statement(`SELECT ${BODY_COLUMNS} FROM facts WHERE level = 'zone' AND period_kind IS NOT NULL AND metric <> 'other' AND parts = 0 ORDER BY id`).raw(true).iterate() as IterableIterator<BodyRow>) {
      if (chosen.length >= count) break;
      if (chosen.some((other) => other.zone === row[1])) continue;
      const fact = this.remember(row);
      if (exampleWorthy(fact)) chosen.push(fact);
    }
    this.exampleCache.set(count, chosen);
    return chosen;
  }

  private facts(where: string, params: unknown[], limit?: number): Fact[] {
    const rows = this.statement(`SELECT ${BODY_COLUMNS} FROM facts WHERE ${where} ORDER BY id${limit !== undefined ? " LIMIT ?" : ""}`)
      .raw(true)
      .all(...params, ...(limit !== undefined ? [limit] : [])) as BodyRow[];
    return rows.map((row) => this.remember(row));
  }

  /** The pool's rows for ranking, in extraction order, or latest first when SQLite ranks (see LATEST_ORDER). */
  private ranked(query: FactQuery, extra?: { where: string; params: unknown[] }): Ranked[] {
    const { where, params } = whereOf(query);
    // Rows as arrays (raw): pools can be large, and objects per row cost more than the query.
    const rows = this.statement(`SELECT ${LIGHT_COLUMNS} FROM facts WHERE ${where}${extra ? ` AND ${extra.where}` : ""} ORDER BY ${this.latestInSql ? LATEST_ORDER : "id"}`)
      .raw(true)
      .all(...params, ...(extra?.params ?? [])) as LightRow[];
    return rows.map(rankKey);
  }

  /** The facts of `ids`, in that order: those decoded before from the cache, the others read in one query. */
  private decodeAll(ids: readonly number[]): Fact[] {
    const facts: Fact[] = new Array(ids.length);
    const missing: number[] = [];
    ids.forEach((id, i) => {
      const hit = this.decoded.get(id);
      if (hit) facts[i] = hit;
      else missing.push(i);
    });
    if (missing.length === 0) return facts;
    const rows = missing.length === 1
      ? (this.statement(`SELECT ${BODY_COLUMNS} FROM facts WHERE id = ?`).raw(true).all(ids[missing[0]!]) as BodyRow[])
      : (this.statement(`SELECT ${BODY_COLUMNS} FROM facts WHERE id IN (SELECT value FROM json_each(?))`).raw(true).all(JSON.stringify(missing.map((i) => ids[i]))) as BodyRow[]);
    const byId = new Map(rows.map((row) => [row[0], row]));
    for (const i of missing) {
      const row = byId.get(ids[i]!);
      if (!row) throw new Error(`fact ${ids[i]} vanished from facts.sqlite`);
      facts[i] = this.remember(row);
    }
    return facts;
  }

  private remember(row: BodyRow): Fact {
    const hit = this.decoded.get(row[0]);
    if (hit) return hit;
    const fact = decodeRow(row);
    this.decoded.set(row[0], fact);
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

/** The query's filters as SQL over indexed columns (the same filters MemoryFactStore.candidates applies); zone_facts has the same columns. */
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
