import { parentPort } from "node:worker_threads";
import { LocalEmbedder } from "./embedders/local-embedder.js";
import { createTokenizer, type TokenizerOptions } from "./tokenizer.js";

/**
 * Worker-thread side of a parallel local build (see parallel-build.ts). Two requests:
 *   fit:   document frequencies of a slice of texts (they add up across slices);
 *   embed: with the merged state, the slice's vectors (one Float32Array, transferred) and its
 *          BM25 tokens, so the main thread never segments those texts again.
 */

export type BuildThreadRequest =
  | { kind: "fit"; texts: string[]; tokenizer: TokenizerOptions; dimensions: number }
  | { kind: "embed"; texts: string[]; tokenizer: TokenizerOptions; dimensions: number; state: unknown };

export type BuildThreadReply =
  | { kind: "fit"; state: unknown }
  | { kind: "embed"; vectors: Float32Array; tokens: string[][] }
  | { kind: "error"; message: string };

parentPort?.on("message", (request: BuildThreadRequest) => {
  try {
    const tokenizer = createTokenizer(request.tokenizer);
    const embedder = new LocalEmbedder({ dimensions: request.dimensions, tokenizer });
    if (request.kind === "fit") {
      embedder.fit(request.texts);
      parentPort!.postMessage({ kind: "fit", state: embedder.state() } satisfies BuildThreadReply);
      return;
    }
    embedder.load(request.state);
    const vectors = new Float32Array(request.texts.length * request.dimensions);
    const tokens = request.texts.map((text, i) => {
      vectors.set(embedder.embedOne(text), i * request.dimensions);
      return tokenizer(text);
    });
    parentPort!.postMessage({ kind: "embed", vectors, tokens } satisfies BuildThreadReply, [vectors.buffer]);
  } catch (error) {
    parentPort!.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) } satisfies BuildThreadReply);
  }
});
