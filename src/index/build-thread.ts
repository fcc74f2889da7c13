import { parentPort } from "node:worker_threads";
import { factRowsOf, type FactBatch } from "../facts/fact-batches.js";
import type { FactRow } from "../facts/sqlite-fact-store.js";
import type { MetricDefinition } from "../facts/types.js";
import { Bm25Builder, type Bm25Partial } from "./bm25.js";
import { HashedFeatures, LocalEmbedder } from "./embedders/local-embedder.js";
import { createTokenizer, type Tokenizer, type TokenizerOptions } from "./tokenizer.js";
import { createShardGraph } from "./vector-store.js";

/**
 * Worker-thread side of a parallel local build (see parallel-build.ts). Four requests:
 *   count: a slice of texts, each segmented once: its embedder features hashed and kept here (for
 *          the embed request), their document frequencies (they add up across slices), and the
 *          slice's BM25 term counts (compact arrays, transferred);
 *   embed: with the merged state, the slice's vectors from the kept features, written into the
 *          shared vector buffer at their positions;
 *   facts: the facts of a batch of articles, as rows for facts.sqlite;
 *   graph: one HNSW shard built from the shared vectors and written to its file.
 */

export type BuildThreadRequest =
  | { kind: "count"; texts: string[]; tokenizer: TokenizerOptions; dimensions: number }
  | { kind: "embed"; tokenizer: TokenizerOptions; dimensions: number; state: unknown; vectors: SharedArrayBuffer; first: number }
  | { kind: "facts"; batch: FactBatch; metrics: MetricDefinition[] }
  | { kind: "graph"; dimensions: number; vectors: SharedArrayBuffer; shard: number; first: number; count: number; file: string };

export type BuildThreadReply =
  | { kind: "count"; state: unknown; bm25: Bm25Partial }
  | { kind: "embed" }
  | { kind: "facts"; rows: FactRow[]; ms: number }
  | { kind: "graph" }
  | { kind: "progress"; added: number }
  | { kind: "error"; message: string };

/** The slice counted last, kept for the embed request: its texts, and their features hashed when they fit. */
let slice: { texts: string[]; hashed?: HashedFeatures } = { texts: [] };

/**
 * The embedder and BM25 segment the same text one after the other: the second call gets the
 * first one's tokens instead of running jieba again (neither changes the array).
 */
function rememberLast(tokenizer: Tokenizer): Tokenizer {
  let lastText: string | undefined;
  let lastTokens: string[] = [];
  return (text) => {
    if (text !== lastText) {
      lastTokens = tokenizer(text);
      lastText = text;
    }
    return lastTokens;
  };
}

async function handle(request: BuildThreadRequest): Promise<BuildThreadReply> {
  if (request.kind === "graph") {
    const { dimensions, first, count } = request;
    const vectors = new Float32Array(request.vectors);
    const graph = createShardGraph(dimensions, count, request.shard);
    for (let i = 0; i < count; i++) {
      const label = first + i;
      // The binding accepts only plain arrays (as VectorStore.add passes them).
      graph.addPoint(Array.from(vectors.subarray(label * dimensions, (label + 1) * dimensions)), label);
      if (i % 1000 === 999) parentPort!.postMessage({ kind: "progress", added: 1000 } satisfies BuildThreadReply);
    }
    parentPort!.postMessage({ kind: "progress", added: count % 1000 } satisfies BuildThreadReply);
    await graph.writeIndex(request.file);
    return { kind: "graph" };
  }
  if (request.kind === "facts") return { kind: "facts", ...factRowsOf(request.batch, request.metrics) };
  const tokenizer = rememberLast(createTokenizer(request.tokenizer));
  const embedder = new LocalEmbedder({ dimensions: request.dimensions, tokenizer });
  if (request.kind === "count") {
    const bm25 = new Bm25Builder();
    if (HashedFeatures.fits(request.dimensions)) {
      const hashed = new HashedFeatures(request.dimensions);
      for (const text of request.texts) {
        embedder.hashInto(hashed, text);
        bm25.add(tokenizer(text));
      }
      embedder.fitHashed(hashed);
      slice = { texts: request.texts, hashed };
    } else {
      for (const text of request.texts) bm25.add(tokenizer(text));
      embedder.fit(request.texts);
      slice = { texts: request.texts };
    }
    return { kind: "count", state: embedder.state(), bm25: bm25.finish() };
  }
  embedder.load(request.state);
  const vectors = new Float32Array(request.vectors);
  const { texts, hashed } = slice;
  for (let i = 0; i < texts.length; i++) vectors.set(hashed ? embedder.embedHashed(hashed, i) : embedder.embedOne(texts[i]!), (request.first + i) * request.dimensions);
  slice = { texts: [] };
  return { kind: "embed" };
}

parentPort?.on("message", (request: BuildThreadRequest) => {
  handle(request).then(
    (reply) => {
      if (reply.kind === "count") {
        const { bm25 } = reply;
        parentPort!.postMessage(reply, [bm25.docTermCounts.buffer, bm25.termIds.buffer, bm25.frequencies.buffer, bm25.docLengths.buffer] as ArrayBuffer[]);
      } else parentPort!.postMessage(reply);
    },
    (error: unknown) => parentPort!.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) } satisfies BuildThreadReply),
  );
});
