import { rm } from "node:fs/promises";
import { LRUCache } from "lru-cache";
import Database from "better-sqlite3";
import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";
import type { Chunk } from "../core/types.js";

/**
 * Where a snapshot's chunks live, behind indexed lookups. Positions are the chunk indexes BM25
 * and HNSW return. Two implementations answer every method the same way:
 *
 * - `MemoryChunkStore` over a Chunk[]: tests, index building, small corpora, and snapshots
 *   written before chunks.sqlite existed (chunks.json).
 * - `SqliteChunkStore` over a snapshot's chunks.sqlite, opened read-only and memory-mapped. The
 *   chunk texts stay in the file, so the OS page cache holds them once for every server worker
 *   (node:cluster) instead of each worker parsing its own copy into the V8 heap (about 235 MB
 *   per worker at 100,000 chunks). A process keeps only a bounded cache of decoded chunks.
 */

/** The first chunk (in reading order) of an article, with how many chunks the article has. */
export interface ArticleSummary {
  articleId: string;
  source: string;
  title: string;
  zones: string[];
  date?: string;
  chunkCount: number;
}

/** One article's chunks in position order, with only the fields place detection reads. */
export interface ArticleGroup {
  articleId: string;
  positions: number[];
  chunks: Array<Pick<Chunk, "title" | "zones" | "text">>;
}

export interface ChunkStore {
  readonly count: number;
  /** The chunk at a BM25/HNSW position. */
  get(position: number): Chunk | undefined;
  /** The chunk with this id (the last one if, against expectation, two share it). */
  byId(id: string): Chunk | undefined;
  /** An article's chunks in reading order (ordinal, then position). */
  ofArticle(articleId: string): Chunk[];
  /** Chunks that carry a policy rule, in position order. */
  ruleChunks(): Chunk[];
  /** Distinct names among the first `perChunk` zones of every chunk, in order of first appearance. */
  zoneNames(perChunk: number): string[];
  /** Every article once, in order of its first chunk's position (coverage answers). */
  articles(): ArticleSummary[];
  /**
   * Positions (ascending) of the chunks whose text contains one of `places`, or, with
   * `followedBy`, one of the places directly followed by one of those words (长治 + 高新区).
   */
  positionsMentioning(places: readonly string[], followedBy?: readonly string[]): number[];
  /**
   * Calls `visit` for every article, in order of its first chunk's position. Synchronous on
   * purpose: the SQLite implementation streams rows, and nothing else may use the connection meanwhile.
   */
  forEachArticle(visit: (group: ArticleGroup) => void): void;
  /** Every chunk in position order (tests and tools; a large store decodes them all). */
  all(): Chunk[];
  close(): void;
}

const CHUNK_DATABASE_FORMAT = 1;

export class MemoryChunkStore implements ChunkStore {
  private idIndex?: Map<string, Chunk>;
  private articleIndex?: Map<string, Chunk[]>;

  constructor(private readonly chunks: readonly Chunk[]) {}

  get count(): number {
    return this.chunks.length;
  }

  get(position: number): Chunk | undefined {
    return this.chunks[position];
  }

  byId(id: string): Chunk | undefined {
    this.idIndex ??= new Map(this.chunks.map((chunk) => [chunk.id, chunk]));
    return this.idIndex.get(id);
  }

  ofArticle(articleId: string): Chunk[] {
    if (!this.articleIndex) {
      const grouped = new Map<string, Chunk[]>();
      for (const chunk of this.chunks) {
        const list = grouped.get(chunk.articleId);
        if (list) list.push(chunk);
        else grouped.set(chunk.articleId, [chunk]);
      }
      for (const list of grouped.values()) list.sort((a, b) => a.ordinal - b.ordinal);
      this.articleIndex = grouped;
    }
    return [...(this.articleIndex.get(articleId) ?? [])];
  }

  ruleChunks(): Chunk[] {
    return this.chunks.filter((chunk) => Boolean(chunk.rule));
  }

  zoneNames(perChunk: number): string[] {
    return [...new Set(this.chunks.flatMap((chunk) => chunk.zones.slice(0, perChunk)))];
  }

  articles(): ArticleSummary[] {
    const seen = new Map<string, { first: Chunk; chunkCount: number }>();
    for (const chunk of this.chunks) {
      const entry = seen.get(chunk.articleId);
      if (!entry) seen.set(chunk.articleId, { first: chunk, chunkCount: 1 });
      else {
        entry.chunkCount++;
        if (chunk.ordinal < entry.first.ordinal) entry.first = chunk;
      }
    }
    return [...seen.entries()].map(([articleId, { first, chunkCount }]) => summary(articleId, first, chunkCount));
  }

  positionsMentioning(places: readonly string[], followedBy?: readonly string[]): number[] {
    const positions: number[] = [];
    this.chunks.forEach((chunk, position) => {
      if (mentions(chunk.text, places, followedBy)) positions.push(position);
    });
    return positions;
  }

  forEachArticle(visit: (group: ArticleGroup) => void): void {
    const groups = new Map<string, ArticleGroup>();
    this.chunks.forEach((chunk, position) => {
      const fields = { title: chunk.title, zones: chunk.zones, text: chunk.text };
      const group = groups.get(chunk.articleId);
      if (group) {
        group.positions.push(position);
        group.chunks.push(fields);
      } else groups.set(chunk.articleId, { articleId: chunk.articleId, positions: [position], chunks: [fields] });
    });
    for (const group of groups.values()) visit(group);
  }

  all(): Chunk[] {
    return [...this.chunks];
  }

  close(): void {}
}

function mentions(text: string, places: readonly string[], followedBy?: readonly string[]): boolean {
  return places.some((place) => (followedBy ? followedBy.some((word) => text.includes(place + word)) : text.includes(place)));
}

function summary(articleId: string, first: Pick<Chunk, "source" | "title" | "zones" | "date">, chunkCount: number): ArticleSummary {
  return { articleId, source: first.source, title: first.title, zones: first.zones, ...(first.date !== undefined ? { date: first.date } : {}), chunkCount };
}


/** Decoded chunks kept per process: enough for a few hundred concurrent answers, bounded whatever the corpus size. */
const DEFAULT_CACHE_SIZE = 2048;

/** A chunk's JSON is stored with its text taken out (the text column holds it once). */
const TEXT_PLACEHOLDER = 0;

interface ChunkRow {
  text: string;
  json: string;
}

/**
 * Writes `chunks` to a new SQLite file in one transaction, yielding to the event loop between
 * batches so a server re-indexing in-process keeps answering. The file is self-contained
 * (rollback journal, not WAL) so every worker can open it read-only.
 */
export async function writeChunkDatabase(file: string, chunks: readonly Chunk[], options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<void> {
  await rm(file, { force: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = DELETE");
    db.pragma("page_size = 8192");
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE chunks (
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        article_first INTEGER NOT NULL,
        source TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        title TEXT NOT NULL,
        zones TEXT NOT NULL,
        date TEXT,
        has_rule INTEGER NOT NULL,
        text TEXT NOT NULL,
        json TEXT NOT NULL
      );
      -- One row per article, computed here once: coverage answers read this instead of every chunk.
      CREATE TABLE articles (
        first_position INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        zones TEXT NOT NULL,
        date TEXT,
        chunk_count INTEGER NOT NULL
      );
    `);
    const insert = db.prepare(
      "INSERT INTO chunks (position, id, article_id, article_first, source, ordinal, title, zones, date, has_rule, text, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const firstPosition = new Map<string, number>();
    chunks.forEach((chunk, position) => {
      if (!firstPosition.has(chunk.articleId)) firstPosition.set(chunk.articleId, position);
    });
    const insertArticle = db.prepare("INSERT INTO articles (first_position, article_id, source, title, zones, date, chunk_count) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const batchSize = options.batchSize ?? 2000;
    db.exec("BEGIN");
    try {
      for (let start = 0; start < chunks.length; start += batchSize) {
        options.signal?.throwIfAborted();
        const end = Math.min(chunks.length, start + batchSize);
        for (let position = start; position < end; position++) {
          const chunk = chunks[position]!;
          insert.run(
            position,
            chunk.id,
            chunk.articleId,
            firstPosition.get(chunk.articleId)!,
            chunk.source,
            chunk.ordinal,
            chunk.title,
            JSON.stringify(chunk.zones),
            chunk.date ?? null,
            chunk.rule ? 1 : 0,
            chunk.text,
            JSON.stringify({ ...chunk, text: TEXT_PLACEHOLDER }),
          );
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      new MemoryChunkStore(chunks).articles().forEach((article) => {
        insertArticle.run(firstPosition.get(article.articleId)!, article.articleId, article.source, article.title, JSON.stringify(article.zones), article.date ?? null, article.chunkCount);
      });
      db.prepare("INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)").run("format", String(CHUNK_DATABASE_FORMAT), "count", String(chunks.length));
      // Indexes after the rows: one sort each instead of a b-tree update per insert.
      db.exec(`
        CREATE INDEX chunks_id ON chunks (id);
        CREATE INDEX chunks_article ON chunks (article_id, ordinal, position);
        CREATE INDEX chunks_article_first ON chunks (article_first, position);
        CREATE INDEX chunks_rule ON chunks (position) WHERE has_rule = 1;
      `);
      db.exec("COMMIT");
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  } finally {
    db.close();
  }
}

function corrupt(file: string, detail: string, cause?: unknown): AppError {
  return new AppError("INDEX_CORRUPT", `The index is damaged: the chunk database (${file}) ${detail}.`, { hint: REBUILD_INDEX_HINT, cause });
}

/** Runs a query, turning SQLite's errors (a damaged page, a missing table) into INDEX_CORRUPT. */
function guarded<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw corrupt(file, `cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

export class SqliteChunkStore implements ChunkStore {
  /** Decoded chunks, least recently used dropped first. */
  private readonly cache: LRUCache<number, Chunk>;
  /** Prepared once per number of places asked about (and whether the texts are needed). */
  private readonly mentioning = new Map<string, Database.Statement<string[], { position: number; text: string }>>();
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    readonly count: number,
    cacheSize: number,
  ) {
    this.cache = new LRUCache({ max: Math.max(1, cacheSize) });
    this.statements = {
      get: db.prepare<[number], ChunkRow>("SELECT text, json FROM chunks WHERE position = ?"),
      byId: db.prepare<[string], { position: number }>("SELECT position FROM chunks WHERE id = ? ORDER BY position DESC LIMIT 1"),
      ofArticle: db.prepare<[string], { position: number }>("SELECT position FROM chunks WHERE article_id = ? ORDER BY ordinal, position"),
      rules: db.prepare<[], { position: number }>("SELECT position FROM chunks WHERE has_rule = 1 ORDER BY position"),
      zoneNames: db.prepare<[number], { zone: string }>(
        "SELECT j.value AS zone FROM chunks AS c, json_each(c.zones) AS j WHERE j.key < ? GROUP BY j.value ORDER BY min(c.position * 1024 + j.key)",
      ),
      articles: db.prepare<[], { article_id: string; source: string; title: string; zones: string; date: string | null; chunk_count: number }>(
        "SELECT article_id, source, title, zones, date, chunk_count FROM articles ORDER BY first_position",
      ),
      groups: db.prepare<[], { position: number; article_id: string; title: string; zones: string; text: string }>(
        "SELECT position, article_id, title, zones, text FROM chunks ORDER BY article_first, position",
      ),
    };
  }

  /**
   * Opens chunks.sqlite read-only and checks it against the manifest's chunk count. Memory-mapped
   * reads go through the OS page cache, which every process opening the file shares.
   */
  static open(file: string, expectedCount: number, options: { cacheSize?: number } = {}): SqliteChunkStore {
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw corrupt(file, `cannot be opened (${error instanceof Error ? error.message : String(error)})`, error);
    }
    try {
      db.pragma("mmap_size = 4294967296");
      const meta = new Map(
        guarded(file, () => db.prepare<[], { key: string; value: string }>("SELECT key, value FROM meta").all()).map((row) => [row.key, row.value]),
      );
      if (meta.get("format") !== String(CHUNK_DATABASE_FORMAT)) throw corrupt(file, `has format ${meta.get("format") ?? "none"}, not ${CHUNK_DATABASE_FORMAT}`);
      const stats = guarded(file, () => db.prepare<[], { rows: number; last: number | null }>("SELECT count(*) AS rows, max(position) AS last FROM chunks").get()!);
      if (stats.rows !== expectedCount || Number(meta.get("count")) !== expectedCount || (expectedCount > 0 && stats.last !== expectedCount - 1)) {
        throw corrupt(file, `holds ${stats.rows} chunks, not the ${expectedCount} of its manifest`);
      }
      // A damaged page (a truncated or overwritten file) is found now rather than at query time.
      const check = guarded(file, () => db.pragma("quick_check", { simple: true }));
      if (check !== "ok") throw corrupt(file, `fails its integrity check (${String(check)})`);
      return new SqliteChunkStore(db, file, expectedCount, options.cacheSize ?? DEFAULT_CACHE_SIZE);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get(position: number): Chunk | undefined {
    if (!Number.isInteger(position) || position < 0 || position >= this.count) return undefined;
    const cached = this.cache.get(position);
    if (cached) return cached;
    const chunk = this.read(position);
    if (chunk) this.cache.set(position, chunk);
    return chunk;
  }

  byId(id: string): Chunk | undefined {
    const row = guarded(this.file, () => this.statements.byId.get(id));
    return row ? this.get(row.position) : undefined;
  }

  ofArticle(articleId: string): Chunk[] {
    return guarded(this.file, () => this.statements.ofArticle.all(articleId)).map((row) => this.get(row.position)!);
  }

  ruleChunks(): Chunk[] {
    // Decoded without the cache: a listing of every rule must not push the answers' chunks out.
    return guarded(this.file, () => this.statements.rules.all()).map((row) => this.read(row.position)!);
  }

  zoneNames(perChunk: number): string[] {
    return guarded(this.file, () => this.statements.zoneNames.all(perChunk)).map((row) => row.zone);
  }

  articles(): ArticleSummary[] {
    return guarded(this.file, () => this.statements.articles.all()).map((row) =>
      summary(row.article_id, { source: row.source, title: row.title, zones: this.parseZones(row.zones), date: row.date ?? undefined }, row.chunk_count),
    );
  }

  positionsMentioning(places: readonly string[], followedBy?: readonly string[]): number[] {
    if (places.length === 0) return [];
    // instr() scans the texts inside SQLite: only chunks naming a place reach the JS heap, as text
    // alone, and only when the place must be followed by a zone word.
    const key = `${places.length}:${followedBy ? "text" : "position"}`;
    let statement = this.mentioning.get(key);
    if (!statement) {
      statement = this.db.prepare<string[], { position: number; text: string }>(
        `SELECT position, ${followedBy ? "text" : "'' AS text"} FROM chunks WHERE ${places.map(() => "instr(text, ?) > 0").join(" OR ")} ORDER BY position`,
      );
      this.mentioning.set(key, statement);
    }
    const prepared = statement;
    const rows = guarded(this.file, () => prepared.all(...places));
    return rows.filter((row) => !followedBy || mentions(row.text, places, followedBy)).map((row) => row.position);
  }

  forEachArticle(visit: (group: ArticleGroup) => void): void {
    // The caller's own errors pass through as they are; only SQLite's become INDEX_CORRUPT.
    let failure: { error: unknown } | undefined;
    const deliver = (group: ArticleGroup): boolean => {
      try {
        visit(group);
        return true;
      } catch (error) {
        failure = { error };
        return false;
      }
    };
    guarded(this.file, () => {
      let group: ArticleGroup | undefined;
      for (const row of this.statements.groups.iterate()) {
        if (!group || group.articleId !== row.article_id) {
          if (group && !deliver(group)) return;
          group = { articleId: row.article_id, positions: [], chunks: [] };
        }
        group.positions.push(row.position);
        group.chunks.push({ title: row.title, zones: this.parseZones(row.zones), text: row.text });
      }
      if (group) deliver(group);
    });
    if (failure) throw failure.error;
  }

  all(): Chunk[] {
    const chunks: Chunk[] = [];
    for (let position = 0; position < this.count; position++) chunks.push(this.read(position)!);
    return chunks;
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }

  private read(position: number): Chunk | undefined {
    const row = guarded(this.file, () => this.statements.get.get(position));
    if (!row) return undefined;
    try {
      const chunk = JSON.parse(row.json) as Chunk;
      // Assigning the placeholder's key keeps the chunk's field order as it was written.
      chunk.text = row.text;
      return chunk;
    } catch (error) {
      throw corrupt(this.file, `holds a damaged chunk at position ${position}`, error);
    }
  }

  private parseZones(zones: string): string[] {
    try {
      return JSON.parse(zones) as string[];
    } catch (error) {
      throw corrupt(this.file, "holds a damaged zone list", error);
    }
  }
}
