import type { Article } from "../core/types.js";
import { extractFacts, type FactChunk } from "./extract-facts.js";
import { createMetricList } from "./metrics.js";
import { encodeFact, type FactRow } from "./sqlite-fact-store.js";
import type { MetricDefinition } from "./types.js";

/**
 * Facts extracted during an index build (writeSnapshot's `factSource`): the corpus handed over as
 * batches of articles, in corpus order, each with the chunks of its articles. A build on threads
 * extracts batches on its threads and writes the rows in batch order, so facts.sqlite holds the
 * facts in extraction order, the same file as a build on one thread.
 */
export interface FactBatch {
  articles: Article[];
  chunks: FactChunk[];
}

export interface FactSource {
  /** The metric list the facts are filed under (stored with them). */
  metrics: MetricDefinition[];
  /** Read once, batch after batch, as the build needs them. */
  batches: Iterable<FactBatch>;
  /** Told once the last batch is written: how many facts, and how long extraction took, summed over the batches (on whichever thread ran them). */
  onDone?: (figures: { facts: number; extractMs: number }) => void;
}

/** A batch's facts as rows for FactDatabaseWriter, with the time it took. */
export function factRowsOf(batch: FactBatch, metrics: MetricDefinition[]): { rows: FactRow[]; ms: number } {
  const started = performance.now();
  const rows = extractFacts(batch.articles, batch.chunks, { metrics: createMetricList(metrics) }).map(encodeFact);
  return { rows, ms: performance.now() - started };
}

/** The chunks' parts extraction reads: a batch sent to a thread carries no texts it does not need. */
export function factChunks(chunks: readonly FactChunk[]): FactChunk[] {
  return chunks.map(({ id, articleId, start, end }) => ({ id, articleId, start, end }));
}
