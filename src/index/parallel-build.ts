import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FactBatch } from "../facts/fact-batches.js";
import { factChunks } from "../facts/fact-batches.js";
import type { FactRow } from "../facts/sqlite-fact-store.js";
import type { MetricDefinition } from "../facts/types.js";
import { LocalEmbedder, LOCAL_EMBEDDER_VERSION } from "./embedders/local-embedder.js";
import type { Embedder } from "./embedder.js";
import type { BuildThreadReply, BuildThreadRequest } from "./build-thread.js";
import type { NamedTokenizer, Tokenizer, TokenizerOptions } from "./tokenizer.js";
import type { Bm25Partial } from "./bm25.js";
import { encodeVector, shardFile, shardSizes, writeCodes } from "./vector-store.js";

/**
 * Spreads the CPU work of a local-embedder build over worker threads: segmenting each text once
 * (for the embedder's document frequencies, which add up across slices, and for BM25 term
 * counts), embedding, extracting the facts, and the HNSW shards (one graph per thread at a time:
 * hnswlib-node inserts one point at a time, so a graph is one core's work). The main thread
 * merges the BM25 counts, writes the fact rows as they come back, and writes the other files.
 * Remote embedders are bound by the API, not the CPU, and keep the one-thread path.
 *
 * Facts fill the threads the graphs leave free: with fewer shards than threads (up to 500,000
 * chunks on two cores: one graph), the spare threads extract them while the graphs grow; with a
 * graph for every thread, they are extracted first, on all threads, while the main thread writes
 * the rows.
 */

/** Below this, starting threads (each loads jieba's dictionary) costs more than it saves. */
export const PARALLEL_MIN_TEXTS = 4000;

export interface ParallelBuild {
  /** BM25 term counts of consecutive slices of the texts, in order (Bm25Index.fromPartials joins them). */
  bm25: Bm25Partial[];
  /** Vectors per HNSW shard, in label order. */
  shards: number[];
  /**
   * Settles once every shard file and the int8 codes are written into the directory; the graphs
   * are built on the threads meanwhile, so the caller writes the other snapshot files in between.
   * The threads are stopped when it and `factsWritten` have settled.
   */
  vectorsWritten: Promise<void>;
  /** Settles once every fact batch was extracted and handed to `onRows` (at once when there are none). */
  factsWritten: Promise<void>;
  /** Stops the threads (at once when the caller failed before awaiting `vectorsWritten`). */
  cancel(): Promise<void>;
}

/** Fact batches to extract on the threads; `onRows` gets each batch's rows in batch order. */
export interface ParallelFacts {
  metrics: MetricDefinition[];
  batches: Iterable<FactBatch>;
  onRows: (rows: FactRow[], ms: number) => void;
}

export function canBuildInParallel(embedder: Embedder, tokenizer: Tokenizer | NamedTokenizer, threads: number, count: number): tokenizer is NamedTokenizer & { options: TokenizerOptions } {
  return threads > 1 && count >= PARALLEL_MIN_TEXTS && embedder instanceof LocalEmbedder && "options" in tokenizer && tokenizer.options !== undefined;
}

function startThread(): Worker {
  const url = new URL(`./build-thread${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  if (!url.pathname.endsWith(".ts")) return new Worker(url);
  // Run from TypeScript sources (npm start, tests): the thread registers tsx's loader itself, since
  // loader flags are not reliably inherited by worker threads.
  const bootstrap = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

function ask(worker: Worker, request: BuildThreadRequest, onProgress?: (added: number) => void): Promise<BuildThreadReply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onMessage = (reply: BuildThreadReply) => {
      if (reply.kind === "progress") {
        onProgress?.(reply.added);
        return;
      }
      done();
      if (reply.kind === "error") reject(new Error(reply.message));
      else resolve(reply);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.postMessage(request);
  });
}

function slices<T>(items: T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Sums the document-frequency tables of the slices into one LocalEmbedder state. */
function mergeStates(states: unknown[], dimensions: number): unknown {
  let docCount = 0;
  let merged: Uint32Array | undefined;
  for (const state of states) {
    const value = state as { docCount: number; documentFrequencies: string };
    const bytes = Buffer.from(value.documentFrequencies, "base64");
    const table = new Uint32Array(bytes.byteLength / 4);
    new Uint8Array(table.buffer).set(bytes);
    merged ??= new Uint32Array(table.length);
    for (let i = 0; i < table.length; i++) merged[i] += table[i];
    docCount += value.docCount;
  }
  const table = merged ?? new Uint32Array(0);
  return { version: LOCAL_EMBEDDER_VERSION, dimensions, docCount, documentFrequencies: Buffer.from(table.buffer).toString("base64") };
}

/**
 * Runs the fact batches on `workers` (each takes the next batch when it is free) and hands the
 * rows to `onRows` in batch order, whichever thread finished first.
 */
async function extractOn(workers: Worker[], facts: ParallelFacts, signal?: AbortSignal): Promise<void> {
  const batches = facts.batches[Symbol.iterator]();
  let taken = 0;
  let written = 0;
  const waiting = new Map<number, { rows: FactRow[]; ms: number }>();
  const send = (worker: Worker): { number: number; reply: Promise<BuildThreadReply> } | undefined => {
    signal?.throwIfAborted();
    const next = batches.next();
    if (next.done) return undefined;
    const { articles, chunks } = next.value;
    return { number: taken++, reply: ask(worker, { kind: "facts", batch: { articles, chunks: factChunks(chunks) }, metrics: facts.metrics }) };
  };
  const run = async (worker: Worker) => {
    for (let current = send(worker); current; ) {
      const reply = (await current.reply) as { rows: FactRow[]; ms: number };
      // The thread's next batch goes out before these rows are written, so it never waits for the writing.
      const following = send(worker);
      waiting.set(current.number, reply);
      for (let ready = waiting.get(written); ready; ready = waiting.get(written)) {
        waiting.delete(written++);
        facts.onRows(ready.rows, ready.ms);
      }
      current = following;
    }
  };
  await Promise.all(workers.map(run));
}

/**
 * Segments and embeds `texts` on `threads` threads (the embedder's state is loaded into it), and
 * returns as soon as that is done; the HNSW shards are then built on the same threads, as many at
 * once as there are threads, each written to `directory` (shardFile). The vectors live in one
 * SharedArrayBuffer that every thread reads and writes in place: nothing is copied per shard.
 * `facts`, when given, are extracted on the threads too (see the note at the top).
 */
export async function startParallelBuild(
  texts: string[],
  embedder: LocalEmbedder,
  tokenizer: NamedTokenizer & { options: TokenizerOptions },
  options: { threads: number; directory: string; shardSize?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void; facts?: ParallelFacts },
): Promise<ParallelBuild> {
  const { threads, signal } = options;
  const workers = Array.from({ length: threads }, startThread);
  let stopped: Promise<unknown> | undefined;
  const stop = () => (stopped ??= Promise.all(workers.map((worker) => worker.terminate())));
  try {
    const shards = shardSizes(texts.length, options.shardSize);
    const graphThreads = Math.min(threads, shards.length);
    // A graph for every thread: the facts first, on all of them (see the note at the top).
    if (options.facts && graphThreads === threads) await extractOn(workers, options.facts, signal);
    const parts = slices(texts, threads);
    const dimensions = embedder.dimensions;
    const counted = await Promise.all(parts.map((part, i) => ask(workers[i]!, { kind: "count", texts: part, tokenizer: tokenizer.options, dimensions })));
    signal?.throwIfAborted();
    const state = mergeStates(counted.map((reply) => (reply as { state: unknown }).state), dimensions);
    embedder.load(state);
    const bm25 = counted.map((reply) => (reply as { bm25: Bm25Partial }).bm25);
    const shared = new SharedArrayBuffer(Math.max(1, texts.length * dimensions * 4));
    const firsts = parts.map((_, i) => parts.slice(0, i).reduce((sum, part) => sum + part.length, 0));
    await Promise.all(parts.map((_, i) => ask(workers[i]!, { kind: "embed", tokenizer: tokenizer.options, dimensions, state, vectors: shared, first: firsts[i]! })));
    signal?.throwIfAborted();

    const factsWritten = options.facts && graphThreads < threads ? extractOn(workers.slice(graphThreads), options.facts, signal) : Promise.resolve();
    const vectorsWritten = (async () => {
      let added = 0;
      const onAdded = (count: number) => {
        added += count;
        options.onProgress?.(added, texts.length);
      };
      // Shards in order, each to the next free thread.
      let next = 0;
      const starts = shards.map((_, s) => shards.slice(0, s).reduce((sum, size) => sum + size, 0));
      const aborted = new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      aborted.catch(() => undefined);
      const run = async (worker: Worker) => {
        while (next < shards.length) {
          const shard = next++;
          await ask(worker, { kind: "graph", dimensions, vectors: shared, shard, first: starts[shard]!, count: shards[shard]!, file: path.join(options.directory, shardFile(shard)) }, onAdded);
        }
      };
      const graphs = Promise.all(workers.slice(0, graphThreads).map(run));
      // The int8 codes here meanwhile, from the same shared vectors.
      const vectors = new Float32Array(shared);
      const codes = new Int8Array(Math.max(texts.length, 1) * dimensions);
      const scales = new Float32Array(Math.max(texts.length, 1));
      for (let label = 0; label < texts.length; label++) encodeVector(codes, scales, dimensions, vectors.subarray(label * dimensions, (label + 1) * dimensions), label);
      await writeCodes(options.directory, codes, scales, texts.length, dimensions);
      await Promise.race([graphs, aborted]);
    })();
    // Awaited by the caller after its own writes; a failure before that must not count as unhandled.
    vectorsWritten.catch(() => undefined);
    factsWritten.catch(() => undefined);
    void Promise.allSettled([vectorsWritten, factsWritten]).then(stop);
    return { bm25, shards, vectorsWritten, factsWritten, cancel: async () => void (await stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}
