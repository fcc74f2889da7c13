/**
 * One interface for every embedding provider (local hashed TF-IDF, OpenAI-compatible, Ollama).
 * Capabilities are declared, not assumed: only embedders fitted at index time have `fit`/`state`/`load`.
 */
type EmbedderProvider = "local" | "openai" | "ollama";

export interface EmbedOptions {
  signal?: AbortSignal;
}

export interface Embedder {
  /** Identifies the vector space, e.g. "local-hash-tfidf-v1:512" or "openai:text-embedding-3-small". */
  readonly id: string;
  readonly provider: EmbedderProvider;
  readonly model?: string;
  /** Vector length. Remote embedders learn it from their first response. */
  readonly dimensions: number;
  /**
   * False while a remote embedder has not seen a response yet, so `dimensions` is only the
   * configured guess; snapshot loading then defers the dimension check to the first query.
   */
  readonly dimensionsKnown?: boolean;
  embed(texts: string[], options?: EmbedOptions): Promise<number[][]>;
  /** Learns corpus statistics (e.g. IDF) before the corpus is embedded. */
  fit?(texts: string[]): void;
  /** Fitted state, persisted in the snapshot as embedder-state.json. */
  state?(): unknown;
  /** Restores what `state()` returned. */
  load?(state: unknown): void;
  /**
   * A fresh, unfitted copy with the same settings. Index builds and snapshot loads fit/load a
   * copy, so a server that keeps answering during a re-index never sees half-fitted state.
   */
  clone?(): Embedder;
}

/** Scales a vector to unit length in place (cosine similarity then equals the dot product). */
export function normalise(vector: Float32Array | number[]): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
}
