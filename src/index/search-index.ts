import type { ChunkStore } from "./chunk-store.js";
import type { DocumentFilter, ScoredIndex } from "./bm25.js";
import type { EmbedOptions } from "./embedder.js";
import type { LoadedSnapshot } from "./snapshot.js";

export type IndexFilter = (index: number) => boolean;

/**
 * The two raw rankings over one loaded snapshot; indices are positions in `chunks`. Fusion and zone
 * logic are the retrieve room's business.
 */
export class SearchIndex {
  constructor(readonly snapshot: LoadedSnapshot) {}

  get chunks(): ChunkStore {
    return this.snapshot.chunks;
  }

  get version(): string {
    return this.snapshot.manifest.version;
  }

  /** `filter`: a function of the position, or a mask with a byte per chunk, 1 for those allowed (faster). */
  searchBm25(query: string, k: number, filter?: DocumentFilter): ScoredIndex[] {
    return this.snapshot.bm25.search(query, k, filter);
  }

  /** Embeds the query with the snapshot's (fitted) embedder, then searches HNSW. */
  async searchVector(query: string, k: number, filter?: IndexFilter, options: EmbedOptions & { allowedCount?: number } = {}): Promise<ScoredIndex[]> {
    if (query.trim().length === 0 || k <= 0) return [];
    const [vector] = await this.snapshot.embedder.embed([query], options);
    return this.snapshot.vectors.search(vector, k, filter, options.allowedCount);
  }

  /**
   * Exact vector search among the given chunk indexes, for selective filters (one zone's chunks);
   * undefined when the snapshot predates the int8 codes, or when `admit` — told how many non-zero
   * components the query vector has (the exact scan's cost per chunk) — declines, so the caller
   * uses `searchVector`.
   */
  async searchVectorAmong(
    query: string,
    k: number,
    indexes: ArrayLike<number>,
    options: EmbedOptions & { admit?: (nonZero: number) => boolean } = {},
  ): Promise<ScoredIndex[] | undefined> {
    if (!this.snapshot.vectors.supportsExactSubset) return undefined;
    if (query.trim().length === 0 || k <= 0 || indexes.length === 0) return [];
    const [vector] = await this.snapshot.embedder.embed([query], options);
    if (options.admit) {
      let nonZero = 0;
      for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) nonZero++;
      if (!options.admit(nonZero)) return undefined;
    }
    return this.snapshot.vectors.searchAmong(vector, k, indexes);
  }
}
