import { parentPort } from "node:worker_threads";
import { Bm25Builder, type Bm25Partial } from "./bm25.js";
import { LocalEmbedder } from "./embedders/local-embedder.js";
import { createTokenizer, type Tokenizer, type TokenizerOptions } from "./tokenizer.js";
import { createShardGraph } from "./vector-store.js";

/**
 * Worker-thread side of a parallel local build (see parallel-build.ts). Three requests:
 *   fit:   document frequencies of a slice of texts (they add up across slices); the thread keeps
 *          the slice for the next request, so the texts are sent once;
 *   embed: with the merged state, the slice's vectors, written into the shared vector buffer at
 *          their positions, and the slice's BM25 term counts (compact arrays, transferred);
 *   graph: one HNSW shard built from the shared vectors and written to its file.
 */

export type BuildThreadRequest =
  | { kind: "fit"; texts: string[]; tokenizer: TokenizerOptions; dimensions: number }
  | { kind: "embed"; tokenizer: TokenizerOptions; dimensions: number; state: unknown; vectors: SharedArrayBuffer; first: number }
  | { kind: "graph"; dimensions: number; vectors: SharedArrayBuffer; shard: number; first: number; count: number; file: string };

export type BuildThreadReply =
  | { kind: "fit"; state: unknown }
  | { kind: "embed"; bm25: Bm25Partial }
  | { kind: "graph" }
  | { kind: "progress"; added: number }
  | { kind: "error"; message: string };

let slice: string[] = [];

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
  const tokenizer = rememberLast(createTokenizer(request.tokenizer));
  const embedder = new LocalEmbedder({ dimensions: request.dimensions, tokenizer });
  if (request.kind === "fit") {
    slice = request.texts;
    embedder.fit(slice);
    return { kind: "fit", state: embedder.state() };
  }
  embedder.load(request.state);
  const vectors = new Float32Array(request.vectors);
  const bm25 = new Bm25Builder();
  slice.forEach((text, i) => {
    vectors.set(embedder.embedOne(text), (request.first + i) * request.dimensions);
    bm25.add(tokenizer(text));
  });
  slice = [];
  return { kind: "embed", bm25: bm25.finish() };
}

parentPort?.on("message", (request: BuildThreadRequest) => {
  handle(request).then(
    (reply) => {
      if (reply.kind === "embed") {
        const { bm25 } = reply;
        parentPort!.postMessage(reply, [bm25.docTermCounts.buffer, bm25.termIds.buffer, bm25.frequencies.buffer, bm25.docLengths.buffer] as ArrayBuffer[]);
      } else parentPort!.postMessage(reply);
    },
    (error: unknown) => parentPort!.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) } satisfies BuildThreadReply),
  );
});
