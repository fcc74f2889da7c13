import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";
import type { ScoredIndex } from "./bm25.js";
import { RankedTopK } from "./top-k.js";
import { HnswGraph } from "./hnsw-graph.js";
import { mapFile } from "./mapped-file.js";

export const VECTORS_FILE = "vectors.hnsw";
/** Shard s > 0 of a sharded graph; shard 0 is VECTORS_FILE, so a one-shard snapshot is laid out as before shards. */
export function shardFile(shard: number): string {
  return shard === 0 ? VECTORS_FILE : `vectors.${shard}.hnsw`;
}
/** Int8 copy of the vectors (per-vector scale), for exact search within a zone's chunks. */
export const CODES_FILE = "vectors.i8";

const M = 16;
const EF_CONSTRUCTION = 200;
const SEED = 100;
/**
 * Most vectors one HNSW graph holds. hnswlib-node inserts one point at a time, so one graph is
 * built on one core: at 1M chunks that is ≈ 35 min. Larger indexes are split into shards of
 * consecutive chunk positions (as equal as can be), built side by side on build threads and
 * searched one after another, results merged by distance. The split depends on the count only,
 * never on the number of threads, so a build writes the same files on any machine. 500,000: a
 * 1M-chunk index is two shards, as many as this 2-core machine builds at once; every shard more
 * adds a graph search (≈ 2–3 ms) to each ask.
 */
const MAX_SHARD_VECTORS = 500_000;

/** Sizes of the shards of `count` vectors, at most `maxPerShard` each: the fewest shards, as equal as can be. */
export function shardSizes(count: number, maxPerShard = MAX_SHARD_VECTORS): number[] {
  const shards = Math.max(1, Math.ceil(count / maxPerShard));
  return Array.from({ length: shards }, (_, s) => Math.floor(((s + 1) * count) / shards) - Math.floor((s * count) / shards));
}

/** A new hnswlib graph for one shard; build threads call it too, so a shard comes out the same wherever it is built. */
export function createShardGraph(dimensions: number, capacity: number, shard: number): hnswlib.HierarchicalNSW {
  const index = new hnswlib.HierarchicalNSW("cosine", dimensions);
  index.initIndex({ maxElements: Math.max(capacity, 1), m: M, efConstruction: EF_CONSTRUCTION, randomSeed: SEED + shard });
  return index;
}

/**
 * The int8 code of `vector` (scaled so its largest component is ±127, one scale per vector) at
 * `label` in `codes`/`scales`; see VectorStore's `codes`.
 */
export function encodeVector(codes: Int8Array, scales: Float32Array, dimensions: number, vector: ArrayLike<number>, label: number): void {
  let norm = 0;
  let largest = 0;
  for (let i = 0; i < vector.length; i++) {
    norm += vector[i] * vector[i];
    largest = Math.max(largest, Math.abs(vector[i]));
  }
  norm = Math.sqrt(norm) || 1;
  const scale = largest > 0 ? (127 * norm) / largest : 1;
  const offset = label * dimensions;
  for (let i = 0; i < vector.length; i++) codes[offset + i] = Math.round((vector[i] / norm) * scale);
  scales[label] = scale;
}

/** The non-zero components of `vector`: their positions, in order, and values. */
function nonZero(vector: ArrayLike<number>): { positions: Int32Array; values: Float64Array } {
  let count = 0;
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) count++;
  const positions = new Int32Array(count);
  const values = new Float64Array(count);
  for (let i = 0, t = 0; i < vector.length; i++) {
    if (vector[i] !== 0) {
      positions[t] = i;
      values[t++] = vector[i];
    }
  }
  return { positions, values };
}

/** The int8 codes file: scales (Float32) first, then the codes. */
export async function writeCodes(directory: string, codes: Int8Array, scales: Float32Array, count: number, dimensions: number): Promise<void> {
  const codeBytes = Buffer.from(codes.buffer, codes.byteOffset, count * dimensions);
  const scaleBytes = Buffer.from(scales.buffer, scales.byteOffset, count * 4);
  await writeFile(path.join(directory, CODES_FILE), Buffer.concat([scaleBytes, codeBytes]));
}
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

  /** Each shard's first label (chunk position); the last entry is the total count. */
  private readonly starts: number[];

  private constructor(
    private readonly backend: { indexes: hnswlib.HierarchicalNSW[] } | { graphs: HnswGraph[]; files: Buffer[] },
    sizes: number[],
    readonly dimensions: number,
    private ef: number,
  ) {
    this.starts = [0];
    for (const size of sizes) this.starts.push(this.starts.at(-1)! + size);
  }

  /** `shardSize`: most vectors per graph (tests use small ones to get several shards). */
  static create(dimensions: number, capacity: number, options: { ef?: number; shardSize?: number } = {}): VectorStore {
    const sizes = shardSizes(capacity, options.shardSize);
    const ef = options.ef ?? DEFAULT_EF;
    const indexes = sizes.map((size, shard) => {
      const index = createShardGraph(dimensions, size, shard);
      index.setEf(ef);
      return index;
    });
    const store = new VectorStore({ indexes }, sizes, dimensions, ef);
    store.codes = new Int8Array(Math.max(capacity, 1) * dimensions);
    store.scales = new Float32Array(Math.max(capacity, 1));
    return store;
  }

  /** How many vectors each shard holds (one entry for an unsharded index). */
  get shardSizes(): number[] {
    return this.starts.slice(1).map((end, shard) => end - this.starts[shard]!);
  }

  private shardOf(label: number): number {
    let shard = 0;
    while (shard + 2 < this.starts.length && label >= this.starts[shard + 1]!) shard++;
    return shard;
  }

  /** True when exact subset search is available (snapshots written before it lack the codes). */
  get supportsExactSubset(): boolean {
    return this.codes !== undefined;
  }

  /** Exact cosine ranking of the given labels (chunk positions); see `codes`. */
  searchAmong(vector: ArrayLike<number>, k: number, labels: ArrayLike<number>): ScoredIndex[] {
    if (!this.codes || !this.scales) throw new Error("searchAmong needs the int8 vector codes (rebuild the index).");
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
    norm = Math.sqrt(norm) || 1;
    const { dimensions, codes, scales } = this;
    // Only the query's non-zero components are multiplied (a local-embedder question has a few
    // dozen of 512): a zero product added to a sum leaves it bit for bit the same, and the others
    // are added in the same order, so every score is what the full loop computes.
    const { positions, values } = nonZero(vector);
    const count = positions.length;
    const top = new RankedTopK(Math.min(k, labels.length));
    for (let j = 0; j < labels.length; j++) {
      const label = labels[j];
      const offset = label * dimensions;
      let dot = 0;
      for (let t = 0; t < count; t++) dot += codes[offset + positions[t]!]! * values[t]!;
      top.push(label, dot / (scales[label]! * norm));
    }
    return top.sorted();
  }

  get size(): number {
    if ("indexes" in this.backend) return this.backend.indexes.reduce((sum, index) => sum + index.getCurrentCount(), 0);
    return this.starts.at(-1)!;
  }

  add(vector: ArrayLike<number>, label: number): void {
    if (!("indexes" in this.backend)) throw new Error("A loaded (mapped) vector index is read-only; build a new one with VectorStore.create.");
    if (vector.length !== this.dimensions) {
      throw new AppError(
        "INDEX_DIMENSION_MISMATCH",
        `A vector of length ${vector.length} cannot go into an index of ${this.dimensions} dimensions.`,
        { hint: "Rebuild the index with `npm run index` after changing the embedder." },
      );
    }
    // The binding accepts only plain arrays (a Float32Array is refused).
    this.backend.indexes[this.shardOf(label)]!.addPoint(Array.isArray(vector) ? vector : Array.from(vector), label);
    if (this.codes && this.scales && (label + 1) * this.dimensions <= this.codes.length) encodeVector(this.codes, this.scales, this.dimensions, vector, label);
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

  /**
   * Every shard searched with the same k, ef and filter, the hits merged by distance: the k
   * nearest of the union are the k nearest overall, as each shard returns its own k nearest.
   */
  private searchWithEf(vector: ArrayLike<number>, n: number, ef: number, filter?: (index: number) => boolean): ScoredIndex[] {
    const hits: ScoredIndex[] = [];
    if ("graphs" in this.backend) {
      for (const graph of this.backend.graphs) {
        const result = graph.searchKnn(vector, n, ef, filter);
        for (let i = 0; i < result.labels.length; i++) hits.push({ index: result.labels[i]!, score: 1 - result.distances[i]! });
      }
    } else {
      const query = Array.isArray(vector) ? vector : Array.from(vector);
      for (const index of this.backend.indexes) {
        if (index.getCurrentCount() === 0) continue;
        if (index.getEf() !== ef) index.setEf(ef);
        const result = index.searchKnn(query, Math.min(n, index.getCurrentCount()), filter);
        result.neighbors.forEach((label, i) => hits.push({ index: label, score: 1 - result.distances[i]! }));
      }
    }
    if (hits.length <= n) return hits;
    return hits.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, n);
  }

  async save(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true });
    if ("indexes" in this.backend) for (const [shard, index] of this.backend.indexes.entries()) await index.writeIndex(path.join(directory, shardFile(shard)));
    else for (const [shard, file] of this.backend.files.entries()) await writeFile(path.join(directory, shardFile(shard)), file);
    if (this.codes && this.scales) await writeCodes(directory, this.codes, this.scales, this.size, this.dimensions);
  }

  /**
   * Maps the saved graph and int8 codes (see mapped-file.ts); `count` and `dimensions` come from
   * the manifest and are checked against the files.
   */
  static async load(directory: string, dimensions: number, count: number, options: { ef?: number; shards?: number[] } = {}): Promise<VectorStore> {
    const sizes = options.shards ?? [count];
    if (sizes.reduce((sum, size) => sum + size, 0) !== count) {
      throw new AppError("INDEX_CORRUPT", `The vector shards of ${directory} hold ${sizes.join(" + ")} vectors, not ${count}.`, { hint: REBUILD_INDEX_HINT });
    }
    const files = sizes.map((_, shard) => mapFile(path.join(directory, shardFile(shard)), "the vector index").buffer);
    const graphs = sizes.map((size, shard) => new HnswGraph(files[shard]!, dimensions, size, path.join(directory, shardFile(shard))));
    const store = new VectorStore({ graphs, files }, sizes, dimensions, options.ef ?? DEFAULT_EF);
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
