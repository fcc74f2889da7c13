import { Worker } from "node:worker_threads";
import { LocalEmbedder, LOCAL_EMBEDDER_VERSION } from "./embedders/local-embedder.js";
import type { Embedder } from "./embedder.js";
import type { BuildThreadReply, BuildThreadRequest } from "./build-thread.js";
import type { NamedTokenizer, Tokenizer, TokenizerOptions } from "./tokenizer.js";

/**
 * Spreads the CPU work of a local-embedder build over worker threads: fitting (document
 * frequencies add up across slices), embedding and BM25 segmentation. The HNSW graph is still
 * built on the main thread (hnswlib-node inserts one point at a time), as is the BM25 merge.
 * Remote embedders are bound by the API, not the CPU, and keep the one-thread path.
 */

/** Below this, starting threads (each loads jieba's dictionary) costs more than it saves. */
export const PARALLEL_MIN_TEXTS = 4000;

export interface ParallelBuildResult {
  /** Vectors of every text, in order. */
  vectors: Float32Array;
  /** Looks up the tokens computed in the threads; falls back to the real tokenizer. */
  tokenizer: Tokenizer;
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

function ask(worker: Worker, request: BuildThreadRequest): Promise<BuildThreadReply> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off("message", onMessage);
      reject(error);
    };
    const onMessage = (reply: BuildThreadReply) => {
      worker.off("error", onError);
      if (reply.kind === "error") reject(new Error(reply.message));
      else resolve(reply);
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
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

/** Fits `embedder` (state loaded into it) and embeds/segments `texts` on `threads` threads. */
export async function embedInThreads(
  texts: string[],
  embedder: LocalEmbedder,
  tokenizer: NamedTokenizer & { options: TokenizerOptions },
  threads: number,
  signal?: AbortSignal,
): Promise<ParallelBuildResult> {
  const workers = Array.from({ length: threads }, startThread);
  try {
    const parts = slices(texts, threads);
    const dimensions = embedder.dimensions;
    const fitted = await Promise.all(parts.map((part, i) => ask(workers[i]!, { kind: "fit", texts: part, tokenizer: tokenizer.options, dimensions })));
    signal?.throwIfAborted();
    const state = mergeStates(fitted.map((reply) => (reply as { state: unknown }).state), dimensions);
    embedder.load(state);
    const embedded = await Promise.all(parts.map((part, i) => ask(workers[i]!, { kind: "embed", texts: part, tokenizer: tokenizer.options, dimensions, state })));
    signal?.throwIfAborted();
    const vectors = new Float32Array(texts.length * dimensions);
    const tokens = new Map<string, string[]>();
    let offset = 0;
    embedded.forEach((reply, i) => {
      const { vectors: part, tokens: partTokens } = reply as { vectors: Float32Array; tokens: string[][] };
      vectors.set(part, offset * dimensions);
      parts[i]!.forEach((text, j) => tokens.set(text, partTokens[j]!));
      offset += parts[i]!.length;
    });
    return { vectors, tokenizer: (text) => tokens.get(text) ?? tokenizer(text) };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
