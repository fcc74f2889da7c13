import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";
import type { ScoredIndex } from "./bm25.js";
import { HnswGraph } from "./hnsw-graph.js";
import { mapFile } from "./mapped-file.js";

export const VECTORS_FILE = "vectors.hnsw";
/** Int8 copy of the vectors (per-vector scale), for exact search within a zone's chunks. */
export const CODES_FILE = "vectors.i8";

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
 *
 * hnswlib-node builds the graph and writes it; a loaded snapshot is searched by HnswGraph over
 * the memory-mapped file instead (hnswlib's readIndex would copy the graph and its float vectors
 * into each process's native memory: ~220 MB per server worker at 100k chunks).
 */
export class VectorStore {
  /**
   * hnswlib calls a JS filter once per visited node, which is slow when the filter lets few labels
   * through (one zone out of 100k chunks). For those searches an int8 copy of the vectors, with one
   * scale per vector, is scored exactly in plain JS: 4× smaller than Float32, ranking unchanged in practice.
   */
  private codes?: Int8Array;
  private scales?: Float32Array;

  private constructor(
    private readonly backend: { index: hnswlib.HierarchicalNSW } | { graph: HnswGraph; file: Buffer },
    readonly dimensions: number,
    private ef: number,
  ) {}

  static create(dimensions: number, capacity: number, options: { ef?: number; seed?: number } = {}): VectorStore {
    const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
    index.initIndex({ maxElements: Math.max(capacity, 1), m: M, efConstruction: EF_CONSTRUCTION, randomSeed: options.seed ?? 100 });
    const ef = options.ef ?? DEFAULT_EF;
    index.setEf(ef);
    const store = new VectorStore({ index }, dimensions, ef);
    store.codes = new Int8Array(Math.max(capacity, 1) * dimensions);
    store.scales = new Float32Array(Math.max(capacity, 1));
    return store;
  }

  /** True when exact subset search is available (snapshots written before it lack the codes). */
  get supportsExactSubset(): boolean {
    return this.codes !== undefined;
  }

  private encode(vector: ArrayLike<number>, label: number): void {
    if (!this.codes || !this.scales || (label + 1) * this.dimensions > this.codes.length) return;
    let norm = 0;
    let largest = 0;
    for (let i = 0; i < vector.length; i++) {
      norm += vector[i] * vector[i];
      largest = Math.max(largest, Math.abs(vector[i]));
    }
    norm = Math.sqrt(norm) || 1;
    const scale = largest > 0 ? (127 * norm) / largest : 1;
    const offset = label * this.dimensions;
    for (let i = 0; i < vector.length; i++) this.codes[offset + i] = Math.round((vector[i] / norm) * scale);
    this.scales[label] = scale;
  }

  /** Exact cosine ranking of the given labels (chunk positions); see `codes`. */
  searchAmong(vector: ArrayLike<number>, k: number, labels: ArrayLike<number>): ScoredIndex[] {
    if (!this.codes || !this.scales) throw new Error("searchAmong needs the int8 vector codes (rebuild the index).");
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
    norm = Math.sqrt(norm) || 1;
    const dimensions = this.dimensions;
    const scored: ScoredIndex[] = new Array(labels.length);
    for (let j = 0; j < labels.length; j++) {
      const label = labels[j];
      const offset = label * dimensions;
      let dot = 0;
      for (let i = 0; i < dimensions; i++) dot += this.codes[offset + i] * vector[i];
      scored[j] = { index: label, score: dot / (this.scales[label] * norm) };
    }
    return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
  }

  get size(): number {
    return "index" in this.backend ? this.backend.index.getCurrentCount() : this.backend.graph.count;
  }

  add(vector: ArrayLike<number>, label: number): void {
    if (!("index" in this.backend)) throw new Error("A loaded (mapped) vector index is read-only; build a new one with VectorStore.create.");
    if (vector.length !== this.dimensions) {
      throw new AppError(
        "INDEX_DIMENSION_MISMATCH",
        `A vector of length ${vector.length} cannot go into an index of ${this.dimensions} dimensions.`,
        { hint: "Rebuild the index with `npm run index` after changing the embedder." },
      );
    }
    // The binding accepts only plain arrays (a Float32Array is refused).
    this.backend.index.addPoint(Array.isArray(vector) ? vector : Array.from(vector), label);
    this.encode(vector, label);
  }

  /**
   * Nearest first; score is cosine similarity (1 − cosine distance). `allowedCount`, when the caller knows how many labels the filter lets through, sizes the beam
   * for that selectivity at once instead of widening it pass after pass.
   */
  search(vector: ArrayLike<number>, k: number, filter?: (index: number) => boolean, allowedCount?: number): ScoredIndex[] {
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
    // Search breadth must be at least k, and some extra keeps recall up for larger k.
    let ef = Math.max(this.ef, n * 2);
    if (filter && allowedCount !== undefined && allowedCount > 0) ef = Math.min(count, Math.max(ef, Math.ceil((n * 2 * count) / allowedCount)));
    let hits = this.searchWithEf(vector, n, ef, filter);
    // A selective filter (e.g. one zone's chunks) can starve the beam: widen it until enough
    // allowed neighbours are found or the whole graph has been within reach.
    while (filter && hits.length < n && ef < count) {
      ef = Math.min(count, ef * 8);
      hits = this.searchWithEf(vector, n, ef, filter);
    }
    return hits.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  private searchWithEf(vector: ArrayLike<number>, n: number, ef: number, filter?: (index: number) => boolean): ScoredIndex[] {
    if ("graph" in this.backend) {
      const result = this.backend.graph.searchKnn(vector, n, ef, filter);
      return result.labels.map((label, i) => ({ index: label, score: 1 - result.distances[i] }));
    }
    const { index } = this.backend;
    if (index.getEf() !== ef) index.setEf(ef);
    const result = index.searchKnn(Array.isArray(vector) ? vector : Array.from(vector), n, filter);
    return result.neighbors.map((label, i) => ({ index: label, score: 1 - result.distances[i] }));
  }

  async save(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    if ("index" in this.backend) await this.backend.index.writeIndex(path.join(directory, VECTORS_FILE));
    else await writeFile(path.join(directory, VECTORS_FILE), this.backend.file);
    if (this.codes && this.scales) {
      const count = this.size;
      const codes = Buffer.from(this.codes.buffer, this.codes.byteOffset, count * this.dimensions);
      const scales = Buffer.from(this.scales.buffer, this.scales.byteOffset, count * 4);
      await writeFile(path.join(directory, CODES_FILE), Buffer.concat([scales, codes]));
    }
  }

  /**
   * Maps the saved graph and int8 codes (see mapped-file.ts); `count` and `dimensions` come from
   * the manifest and are checked against the files.
   */
  static async load(directory: string, dimensions: number, count: number, options: { ef?: number } = {}): Promise<VectorStore> {
    const file = path.join(directory, VECTORS_FILE);
    const mapped = mapFile(file, "the vector index");
    const graph = new HnswGraph(mapped.buffer, dimensions, count, file);
    const store = new VectorStore({ graph, file: mapped.buffer }, dimensions, options.ef ?? DEFAULT_EF);
    const codesFile = path.join(directory, CODES_FILE);
    // Snapshots written before the codes existed lack the file: they search with the filter instead.
    if (count > 0 && existsSync(codesFile)) {
      const codes = mapFile(codesFile, "the int8 vector codes").buffer;
      if (codes.length !== count * (4 + dimensions)) {
        throw new AppError("INDEX_CORRUPT", `The vector codes ${codesFile} hold ${codes.length} bytes, not ${count * (4 + dimensions)} for ${count} vectors of ${dimensions} dimensions.`, {
          hint: REBUILD_INDEX_HINT,
        });
      }
      // Views straight onto the mapping: scales (Float32) at byte 0, codes (Int8) after them; a
      // mapping starts on a page boundary, so the Float32 view is aligned.
      store.scales = new Float32Array(codes.buffer, codes.byteOffset, count);
      store.codes = new Int8Array(codes.buffer, codes.byteOffset + count * 4, count * dimensions);
    } else if (count === 0) {
      store.scales = new Float32Array(0);
      store.codes = new Int8Array(0);
    }
    return store;
  }
}
