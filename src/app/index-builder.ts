import type { Config } from "../core/config.js";
import type { Logger } from "../core/logger.js";
import { createIsolatedParser } from "../ingest/isolated-parser.js";
import { readCorpus, type FileReport } from "../ingest/read-corpus.js";
import { defaultReadLimits } from "../ingest/readers.js";
import type { Embedder } from "../index/embedder.js";
import { createEmbedder } from "../index/embedders/create-embedder.js";
import type { Manifest } from "../index/manifest.js";
import { writeSnapshot } from "../index/snapshot.js";
import type { FactBatch } from "../facts/fact-batches.js";
import type { Article, Chunk } from "../core/types.js";
import { loadMetricList, METRICS_FILE } from "../facts/metrics.js";
import path from "node:path";
import type { Lexicon } from "./lexicon.js";
import { progressAt, type OnReindexProgress } from "./reindex-progress.js";

/** ingest → index: reads CORPUS_DIR and writes a new snapshot under DATA_DIR. */

export interface BuildOptions {
  log: Logger;
  /** Make the new snapshot the live one (default true). */
  activate?: boolean;
  onFile?: (report: FileReport) => void;
  onProgress?: (done: number, total: number) => void;
  /** Stage and overall percentage (reading, chunking, embedding, indexing). */
  onStage?: OnReindexProgress;
  signal?: AbortSignal;
  /** The embedder to use instead of the configured one (e.g. wrapped with the embedding cache). */
  embedder?: Embedder;
}

export interface BuildReport {
  manifest: Manifest;
  files: FileReport[];
  articles: number;
  chunks: number;
  /** Figures extracted as facts, and the time extraction took (summed over its batches, on the build threads when there are several). */
  facts: number;
  factMs: number;
  skipped: FileReport[];
  ms: number;
}

export async function buildIndex(config: Config, lexicon: Lexicon, options: BuildOptions): Promise<BuildReport> {
  const startedAt = Date.now();
  const onStage = options.onStage;
  // Documents are parsed in a worker with memory and time limits: a hostile file (zip bomb,
  // endless PDF) is skipped by name instead of taking the serving process down.
  const parser = createIsolatedParser({ timeoutMs: config.DOCUMENT_PARSE_TIMEOUT_MS, memoryMb: config.DOCUMENT_PARSE_MEMORY_MB });
  const corpus = await readCorpus(config.CORPUS_DIR, {
    onFile: options.onFile,
    onStep: onStage && ((step, done, total) => onStage(progressAt(step, done, total))),
    log: (message) => options.log.info(message),
    limits: { ...defaultReadLimits, maxFileBytes: config.DOCUMENT_MAX_BYTES, maxUnpackedBytes: config.DOCUMENT_MAX_UNPACKED_BYTES },
    parser,
  }).finally(() => parser.close());
  const embedder = options.embedder ?? createEmbedder(config, { tokenizer: lexicon.tokenizer });
  // The metric list is read at each build, so an admin's edit goes live with the next re-index.
  const metrics = await loadMetricList(path.join(config.CORPUS_DIR, METRICS_FILE));
  let facts = { facts: 0, extractMs: 0 };
  const manifest = await writeSnapshot(config.DATA_DIR, {
    chunks: corpus.chunks,
    // Extracted during the build, on its threads, batch by batch.
    factSource: { metrics: metrics.metrics, batches: articleBatches(corpus.articles, corpus.chunks), onDone: (figures) => (facts = figures) },
    articleCount: corpus.articles.length,
    files: corpus.files,
    embedder,
    tokenizer: lexicon.tokenizer,
    startedAt,
    activate: options.activate ?? true,
    onProgress: (done, total) => {
      options.onProgress?.(done, total);
      onStage?.(progressAt("embedding", done, total));
      // BM25 and the snapshot files are written once the last vector is in.
      if (done === total) onStage?.(progressAt("indexing"));
    },
    signal: options.signal,
    threads: config.BUILD_THREADS,
  });
  return {
    manifest,
    files: corpus.files,
    articles: corpus.articles.length,
    chunks: corpus.chunks.length,
    facts: facts.facts,
    factMs: facts.extractMs,
    skipped: corpus.files.filter((file) => file.status !== "indexed"),
    ms: Date.now() - startedAt,
  };
}

/** The corpus's articles with their chunks, a few hundred at a time, in corpus order. */
function* articleBatches(articles: Article[], chunks: Chunk[], size = 200): Generator<FactBatch> {
  const byArticle = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const list = byArticle.get(chunk.articleId);
    if (list) list.push(chunk);
    else byArticle.set(chunk.articleId, [chunk]);
  }
  for (let start = 0; start < articles.length; start += size) {
    const batch = articles.slice(start, start + size);
    yield { articles: batch, chunks: batch.flatMap((article) => byArticle.get(article.id) ?? []) };
  }
}
