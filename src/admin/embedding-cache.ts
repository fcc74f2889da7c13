import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Logger } from "../core/logger.js";
import type { Embedder, EmbedOptions } from "../index/embedder.js";

/**
 * Vectors already paid for, keyed by (embedder id, sha256 of the chunk's indexText), in
 * DATA_DIR/embedding-cache.sqlite. With it, adding one report to a large corpus sends only the
 * new report's chunks to a remote embeddings API.
 *
 * Only embedders without `fit` are cached. A fitted embedder (the local TF-IDF one) gives a text
 * a vector that depends on the IDF of the *whole* corpus, so any corpus change changes every
 * vector: keying on (id, text) would serve stale vectors, and keying on the fitted state too
 * would never hit after a corpus change. The local embedder is also cheap (no API calls, about a
 * second for this corpus), so it is simply not cached.
 */

const EMBEDDING_CACHE_FILE = "embedding-cache.sqlite";

export interface EmbeddingCacheStats {
  hits: number;
  misses: number;
}

export class EmbeddingCache {
  private readonly select;
  private readonly insert;
  private readonly insertMany;

  private constructor(private readonly db: Database.Database) {
    this.select = db.prepare<[string, string], { vector: Buffer }>("SELECT vector FROM embeddings WHERE embedder = ? AND text_sha256 = ?");
    this.insert = db.prepare<[string, string, number, Buffer, number]>(
      "INSERT OR REPLACE INTO embeddings (embedder, text_sha256, dimensions, vector, at) VALUES (?, ?, ?, ?, ?)",
    );
    this.insertMany = db.transaction((embedder: string, rows: Array<{ key: string; vector: number[] }>) => {
      const at = Date.now();
      for (const row of rows) {
        this.insert.run(embedder, row.key, row.vector.length, Buffer.from(new Float32Array(row.vector).buffer), at);
      }
    });
  }

  /** Opens DATA_DIR/embedding-cache.sqlite (or `file`), creating it when missing. */
  static open(options: { dataDir: string; file?: string }): EmbeddingCache {
    const file = options.file ?? path.join(options.dataDir, EMBEDDING_CACHE_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.exec(`CREATE TABLE IF NOT EXISTS embeddings (
      embedder TEXT NOT NULL,
      text_sha256 TEXT NOT NULL,
      dimensions INTEGER NOT NULL,
      vector BLOB NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (embedder, text_sha256)
    )`);
    return new EmbeddingCache(db);
  }

  static key(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
  }

  get(embedderId: string, text: string): number[] | undefined {
    const row = this.select.get(embedderId, EmbeddingCache.key(text));
    if (!row) return undefined;
    const floats = new Float32Array(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength / 4);
    return Array.from(floats);
  }

  putMany(embedderId: string, entries: Array<{ text: string; vector: number[] }>): void {
    this.insertMany(
      embedderId,
      entries.map((entry) => ({ key: EmbeddingCache.key(entry.text), vector: entry.vector })),
    );
  }

  get size(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM embeddings").get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * An Embedder that answers from the cache and sends only the misses to `inner`. Vectors are
 * stored as float32 (what the HNSW index keeps anyway).
 */
export class CachedEmbedder implements Embedder {
  readonly stats: EmbeddingCacheStats = { hits: 0, misses: 0 };
  private cachedDimensions?: number;

  constructor(
    private readonly inner: Embedder,
    private readonly cache: EmbeddingCache,
  ) {}

  get id(): string {
    return this.inner.id;
  }
  get provider() {
    return this.inner.provider;
  }
  get model(): string | undefined {
    return this.inner.model;
  }
  get dimensions(): number {
    // A build served wholly from the cache never hears from the API, so the length comes from the cache.
    return this.inner.dimensionsKnown === false && this.cachedDimensions !== undefined ? this.cachedDimensions : this.inner.dimensions;
  }
  get dimensionsKnown(): boolean {
    return this.inner.dimensionsKnown !== false || this.cachedDimensions !== undefined;
  }

  async embed(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    const result: Array<number[] | undefined> = texts.map((text) => this.cache.get(this.inner.id, text));
    const missing = result.flatMap((vector, index) => (vector ? [] : [index]));
    this.stats.hits += texts.length - missing.length;
    this.stats.misses += missing.length;
    if (missing.length > 0) {
      const fresh = await this.inner.embed(
        missing.map((index) => texts[index]!),
        options,
      );
      missing.forEach((index, i) => (result[index] = fresh[i]));
      this.cache.putMany(
        this.inner.id,
        missing.map((index, i) => ({ text: texts[index]!, vector: fresh[i]! })),
      );
    }
    const vectors = result as number[][];
    if (vectors[0]) this.cachedDimensions ??= vectors[0].length;
    return vectors;
  }
}

/**
 * Wraps `embedder` with the cache in DATA_DIR when that is correct and possible; otherwise
 * returns it unchanged (a cache that cannot be opened only costs API calls, never the build).
 */
export function withEmbeddingCache(embedder: Embedder, dataDir: string, log?: Logger): { embedder: Embedder; close(): void; stats?: EmbeddingCacheStats } {
  if (embedder.fit) return { embedder, close: () => undefined };
  let cache: EmbeddingCache;
  try {
    cache = EmbeddingCache.open({ dataDir });
  } catch (error) {
    log?.warn(`The embedding cache in ${dataDir} cannot be opened; every chunk will be embedded again.`, error);
    return { embedder, close: () => undefined };
  }
  const cached = new CachedEmbedder(embedder, cache);
  return { embedder: cached, close: () => cache.close(), stats: cached.stats };
}
