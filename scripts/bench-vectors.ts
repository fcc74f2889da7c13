/**
 * Vector search over a built snapshot: the TypeScript search over the memory-mapped hnswlib file
 * (what the server runs) against hnswlib-node's own searchKnn after readIndex (what it ran
 * before), same ef and same queries. Standalone:
 *   BENCH_VECTORS_DATA_DIR=/path/to/data [BENCH_VECTORS_CORPUS_DIR=corpus] npx tsx scripts/bench-vectors.ts
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import hnswlib from "hnswlib-node";
import { loadLexicon } from "../src/app/lexicon.js";
import { loadConfig } from "../src/core/config.js";
import { createEmbedder } from "../src/index/embedders/create-embedder.js";
import { loadSnapshot, snapshotDir } from "../src/index/snapshot.js";
import { shardFile } from "../src/index/vector-store.js";
import { percentile } from "./bench-load.js";

export interface VectorSearchRow {
  engine: string;
  filter: string;
  queries: number;
  ef: number;
  p50Us: number;
  p95Us: number;
  /** Share of hnswlib-node's neighbours the row's engine also returned. */
  sameAsHnswlib: number;
}

const EF = 128;
const K = 10;

function timeEach(queries: number[][], search: (query: number[]) => number[]): { samples: number[]; results: number[][] } {
  for (const query of queries.slice(0, 20)) search(query); // warm-up (JIT, page cache)
  const samples: number[] = [];
  const results: number[][] = [];
  for (const query of queries) {
    const started = performance.now();
    results.push(search(query));
    samples.push((performance.now() - started) * 1000);
  }
  return { samples, results };
}

export async function measureVectorSearch(dataDir: string, corpusDir: string, queryCount = 500): Promise<VectorSearchRow[]> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", LLM_PROVIDER: "none", DATA_DIR: dataDir, CORPUS_DIR: corpusDir });
  const lexicon = await loadLexicon(corpusDir);
  const snapshot = await loadSnapshot(dataDir, createEmbedder(config, { tokenizer: lexicon.tokenizer }), lexicon.tokenizer);
  const { chunks, vectors, manifest } = snapshot;
  // Queries: the first half of evenly spread chunk texts, so they resemble questions about the corpus.
  const texts = Array.from({ length: queryCount }, (_, i) => {
    const text = chunks.get(Math.floor((i * chunks.count) / queryCount))!.text;
    return text.slice(0, Math.max(8, Math.floor(text.length / 2)));
  });
  const queries = (await snapshot.embedder.embed(texts)).map((vector) => Array.from(vector));

  // One hnswlib index per shard (a snapshot of more than 500,000 chunks has several), hits merged by distance as VectorStore merges them.
  const shards = await Promise.all(
    (manifest.vectorShards ?? [manifest.chunkCount]).map(async (_, shard) => {
      const index = new hnswlib.HierarchicalNSW("cosine", manifest.embedder.dimensions);
      await index.readIndex(path.join(snapshotDir(dataDir, manifest.version), shardFile(shard)));
      index.setEf(EF);
      return index;
    }),
  );
  const reference = {
    searchKnn(query: number[], k: number, filter?: (label: number) => boolean): { neighbors: number[] } {
      const hits = shards.flatMap((index) => {
        const result = index.searchKnn(query, Math.min(k, index.getCurrentCount()), filter);
        return result.neighbors.map((label, i) => ({ label, distance: result.distances[i]! }));
      });
      return { neighbors: hits.sort((a, b) => a.distance - b.distance || a.label - b.label).slice(0, k).map((hit) => hit.label) };
    },
  };
  const half = (index: number) => index % 2 === 0;
  const rows: VectorSearchRow[] = [];
  for (const [filterName, filter] of [["none", undefined], ["half the chunks", half]] as const) {
    const theirs = timeEach(queries, (query) => reference.searchKnn(query, K, filter).neighbors);
    // VectorStore.search with k 10 searches at ef max(128, 2k) = 128, the same ef.
    const ours = timeEach(queries, (query) => vectors.search(query, K, filter).map((hit) => hit.index));
    let same = 0;
    let total = 0;
    ours.results.forEach((labels, i) => {
      const expected = new Set(theirs.results[i]);
      for (const label of labels) if (expected.has(label)) same++;
      total += expected.size;
    });
    for (const [engine, run, agreement] of [
      ["hnswlib-node (readIndex, native memory)", theirs, 1],
      ["TypeScript over the mapped file", ours, total > 0 ? same / total : 1],
    ] as const) {
      rows.push({ engine, filter: filterName, queries: queries.length, ef: EF, p50Us: percentile(run.samples, 50), p95Us: percentile(run.samples, 95), sameAsHnswlib: agreement });
    }
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dataDir = process.env.BENCH_VECTORS_DATA_DIR;
  if (!dataDir) {
    console.error("Set BENCH_VECTORS_DATA_DIR to a DATA_DIR holding a live snapshot (e.g. one made by the synthetic builder).");
    process.exit(2);
  }
  console.table(await measureVectorSearch(dataDir, process.env.BENCH_VECTORS_CORPUS_DIR ?? "corpus"));
}
