import { mkdir } from "node:fs/promises";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { AppError } from "../core/errors.js";
import type { ScoredIndex } from "./bm25.js";

export const VECTORS_FILE = "vectors.hnsw";

const M = 16;
const EF_CONSTRUCTION = 200;
/** Measured: ef 128 gives recall@10 ≥ 0.98 on 5k random 64-d points (tests/index/vector-store.test.ts). */
const DEFAULT_EF = 128;

/**
 * HNSW approximate nearest neighbours over hnswlib-node directly, not LangChain's HNSWLib store:
 * labels here are positions in the snapshot's chunk array (so BM25 and vectors share one id
 * space and a filter is a plain `(index) => boolean`), the snapshot already persists chunks
 * itself (HNSWLib would write a second docstore copy), and we need `setEf` and Float32 input,
 * which the LangChain wrapper hides.
 */
export class VectorStore {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimensions: number,
    private ef: number,
  ) {}

  static create(dimensions: number, capacity: number, options: { ef?: number; seed?: number } = {}): VectorStore {
    const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
    index.initIndex({ maxElements: Math.max(capacity, 1), m: M, efConstruction: EF_CONSTRUCTION, randomSeed: options.seed ?? 100 });
    const ef = options.ef ?? DEFAULT_EF;
    index.setEf(ef);
    return new VectorStore(index, dimensions, ef);
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  add(vector: ArrayLike<number>, label: number): void {
    if (vector.length !== this.dimensions) {
      throw new AppError(
        "INDEX_DIMENSION_MISMATCH",
        `A vector of length ${vector.length} cannot go into an index of ${this.dimensions} dimensions.`,
        { hint: "Rebuild the index with `npm run index` after changing the embedder." },
      );
    }
    // The binding accepts only plain arrays (a Float32Array is refused).
    this.index.addPoint(Array.isArray(vector) ? vector : Array.from(vector), label);
  }

  /** Nearest first; score is cosine similarity (1 − cosine distance). */
  search(vector: ArrayLike<number>, k: number, filter?: (index: number) => boolean): ScoredIndex[] {
    const count = this.size;
    if (k <= 0 || count === 0) return [];
    if (vector.length !== this.dimensions) {
      throw new AppError(
        "INDEX_DIMENSION_MISMATCH",
        `The query vector has ${vector.length} dimensions but the index has ${this.dimensions}.`,
        { hint: "The embedder changed since the index was built: rebuild it with `npm run index`." },
      );
    }
    const n = Math.min(k, count);
    const query = Array.isArray(vector) ? vector : Array.from(vector);
    // Search breadth must be at least k, and some extra keeps recall up for larger k.
    let ef = Math.max(this.ef, n * 2);
    let hits = this.searchWithEf(query, n, ef, filter);
    // A selective filter (e.g. one zone's chunks) can starve the beam: widen it until enough
    // allowed neighbours are found or the whole graph has been within reach.
    while (filter && hits.length < n && ef < count) {
      ef = Math.min(count, ef * 8);
      hits = this.searchWithEf(query, n, ef, filter);
    }
    return hits.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  private searchWithEf(query: number[], n: number, ef: number, filter?: (index: number) => boolean): ScoredIndex[] {
    if (this.index.getEf() !== ef) this.index.setEf(ef);
    const result = this.index.searchKnn(query, n, filter);
    return result.neighbors.map((label, i) => ({ index: label, score: 1 - result.distances[i] }));
  }

  async save(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    await this.index.writeIndex(path.join(directory, VECTORS_FILE));
  }

  /** `count` and `dimensions` come from the manifest and are checked against the file. */
  static async load(directory: string, dimensions: number, count: number, options: { ef?: number } = {}): Promise<VectorStore> {
    const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
    try {
      await index.readIndex(path.join(directory, VECTORS_FILE));
    } catch (error) {
      throw new AppError("INDEX_CORRUPT", `The vector index ${path.join(directory, VECTORS_FILE)} cannot be read.`, {
        hint: "Rebuild the index with `npm run index`.",
        cause: error,
      });
    }
    if (index.getCurrentCount() !== count || index.getNumDimensions() !== dimensions) {
      throw new AppError(
        "INDEX_CORRUPT",
        `The vector index holds ${index.getCurrentCount()} vectors of ${index.getNumDimensions()} dimensions; the manifest says ${count} of ${dimensions}.`,
        { hint: "Rebuild the index with `npm run index`." },
      );
    }
    const ef = options.ef ?? DEFAULT_EF;
    index.setEf(ef);
    return new VectorStore(index, dimensions, ef);
  }
}
