import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalEmbedder } from "../../src/index/embedders/local-embedder.js";
import { PARALLEL_MIN_TEXTS } from "../../src/index/parallel-build.js";
import { loadSnapshot, snapshotDir, writeSnapshot } from "../../src/index/snapshot.js";
import { createTokenizer } from "../../src/index/tokenizer.js";
import { makeSyntheticChunks, syntheticFactBatches } from "../../scripts/make-synthetic-corpus.js";
import { loadMetricList } from "../../src/facts/metrics.js";
import { SqliteFactStore } from "../../src/facts/sqlite-fact-store.js";

/**
 * A build spread over worker threads must write the very same index as a one-thread build, with
 * one HNSW graph and with the graph split into shards (built side by side on the threads), facts
 * included: extracted on the threads while a graph grows (one shard, two threads) or before the
 * graphs (a shard for every thread), and written in batch order.
 */

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const tokenizer = createTokenizer({ userWords: ["长治高新区", "衡阳高新区"] });
const chunks = makeSyntheticChunks(PARALLEL_MIN_TEXTS + 500, 11);

const metrics = await loadMetricList(path.resolve("corpus/metrics.json"));

async function build(threads: number, vectorShardSize?: number): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "parallel-build-"));
  dirs.push(dataDir);
  // Small batches, so that the two threads hand back several each, in either order.
  const factSource = { metrics: metrics.metrics, batches: syntheticFactBatches(chunks, 40) };
  await writeSnapshot(dataDir, { chunks, factSource, articleCount: 1, files: [], embedder: new LocalEmbedder({ dimensions: 64, tokenizer }), tokenizer, version: "v1", threads, vectorShardSize });
  return dataDir;
}

async function expectSameFiles(one: string, two: string, files: string[]): Promise<void> {
  for (const file of files) {
    const a = await readFile(path.join(snapshotDir(one, "v1"), file));
    const b = await readFile(path.join(snapshotDir(two, "v1"), file));
    expect(b.equals(a), file).toBe(true);
  }
}

describe("parallel local build", () => {
  it("writes the same embedder state, BM25 index and vectors with 2 threads as with 1", async () => {
    const [one, two] = [await build(1), await build(2)];
    await expectSameFiles(one, two, ["embedder-state.json", "bm25.json", "bm25.bin", "vectors.hnsw", "vectors.i8", "chunks.sqlite", "facts.sqlite"]);
    const loaded = await loadSnapshot(two, new LocalEmbedder({ dimensions: 64, tokenizer }), tokenizer, "v1");
    expect(loaded.facts).toBeInstanceOf(SqliteFactStore);
    expect(loaded.manifest.factCount).toBeGreaterThan(10_000);
    expect(loaded.facts.size).toBe(loaded.manifest.factCount);
    expect(loaded.manifest.vectorShards).toBeUndefined();
    expect(loaded.vectors.shardSizes).toEqual([chunks.length]);
    expect(loaded.bm25.size).toBe(chunks.length);
    expect(loaded.bm25.search("长治高新区 装修补贴", 3).length).toBeGreaterThan(0);
  });

  it("splits the graph into the same shards on 1 and 2 threads, and a search covers every shard", async () => {
    const [one, two] = [await build(1, 2000), await build(2, 2000)];
    await expectSameFiles(one, two, ["embedder-state.json", "bm25.json", "bm25.bin", "vectors.hnsw", "vectors.1.hnsw", "vectors.2.hnsw", "vectors.i8", "chunks.sqlite", "facts.sqlite"]);
    const loaded = await loadSnapshot(two, new LocalEmbedder({ dimensions: 64, tokenizer }), tokenizer, "v1");
    // 4,500 chunks at most 2,000 per graph: three shards as equal as can be.
    expect(loaded.manifest.vectorShards).toEqual([1500, 1500, 1500]);
    const [query] = await loaded.embedder.embed([chunks[4200]!.indexText]);
    // A chunk's own text finds that chunk first, wherever its shard is …
    for (const position of [10, 2300, 4200]) {
      const [vector] = await loaded.embedder.embed([chunks[position]!.indexText]);
      expect(loaded.vectors.search(vector!, 5)[0]!.index).toBe(position);
    }
    // … the hits of all shards come back merged, nearest first, with labels from every shard …
    const hits = loaded.vectors.search(query!, 200);
    expect(hits).toHaveLength(200);
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
    expect(new Set(hits.map((hit) => Math.floor(hit.index / 1500))).size).toBe(3);
    // … and a filter reaches into every shard.
    const allowed = new Set([5, 1600, 3100]);
    expect(loaded.vectors.search(query!, 3, (index) => allowed.has(index), 3).map((hit) => hit.index).sort((a, b) => a - b)).toEqual([5, 1600, 3100]);
  });
});
