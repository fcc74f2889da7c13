import { stat } from "node:fs/promises";
import path from "node:path";
import type { Chunk, SourceView } from "../core/types.js";
import { AppError } from "../core/errors.js";
import { catalogEntry, loadCatalog } from "../ingest/catalog.js";
import type { LiveIndex } from "./live-index.js";

/**
 * The cited article for the source viewer: its text rebuilt from the snapshot's chunks (the
 * cleaned text citations quote), and where the quoted sentences are in it.
 */

/** Neighbouring chunks share one sentence: append only what the previous chunk did not end with. */
export function joinChunks(chunks: Chunk[]): string {
  let text = "";
  for (const chunk of chunks) {
    let overlap = Math.min(text.length, chunk.text.length);
    while (overlap > 0 && !text.endsWith(chunk.text.slice(0, overlap))) overlap--;
    text += chunk.text.slice(overlap);
  }
  return text;
}

/** Quoted sentences, split where the extractive composer joins them. */
function quoteSentences(quote: string): string[] {
  return quote
    .split(/(?<=[。！？!?；;])|…/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length >= 2);
}

export function highlightRanges(text: string, quote: string): Array<{ start: number; end: number }> {
  if (quote.trim() === "") return [];
  const whole = text.indexOf(quote);
  if (whole >= 0) return [{ start: whole, end: whole + quote.length }];
  const ranges: Array<{ start: number; end: number }> = [];
  let from = 0;
  for (const sentence of quoteSentences(quote)) {
    const at = text.indexOf(sentence, from) >= 0 ? text.indexOf(sentence, from) : text.indexOf(sentence);
    if (at < 0) continue;
    ranges.push({ start: at, end: at + sentence.length });
    from = at + sentence.length;
  }
  return ranges.sort((a, b) => a.start - b.start);
}

export async function viewSource(live: LiveIndex, corpusDir: string, chunkId: string, quote: string): Promise<SourceView> {
  const articleId = chunkId.replace(/:\d+$/, "");
  const chunks = live.search.chunks.ofArticle(articleId);
  const chunk = chunks.find((candidate) => candidate.id === chunkId);
  if (!chunk) {
    throw new AppError("NOT_FOUND", `The passage ${chunkId} is not in the live index.`, { hint: "The index may have been rebuilt since the answer: ask again." });
  }
  const text = joinChunks(chunks);
  const relative = chunk.source.split("/").slice(1).join("/");
  const entry = catalogEntry(await loadCatalog(corpusDir).catch(() => ({})), relative || path.basename(chunk.source));
  return {
    chunkId,
    source: chunk.source,
    title: chunk.title,
    zones: chunk.zones,
    ...(chunk.date ? { date: chunk.date } : {}),
    dateEstimated: entry?.dateEstimated === true,
    ...(chunk.publisher ? { publisher: chunk.publisher } : {}),
    text,
    highlights: highlightRanges(text, quote || chunk.text),
  };
}

/**
 * The corpus file a cited passage comes from, for "open / download the original". Only a file the
 * live snapshot indexed, inside CORPUS_DIR, that is still there.
 */
export async function originalDocument(live: LiveIndex, corpusDir: string, chunkId: string): Promise<{ path: string; name: string }> {
  const articleId = chunkId.replace(/:\d+$/, "");
  const chunk = live.search.chunks.ofArticle(articleId).find((candidate) => candidate.id === chunkId);
  if (!chunk) {
    throw new AppError("NOT_FOUND", `The passage ${chunkId} is not in the live index.`, { hint: "The index may have been rebuilt since the answer: ask again." });
  }
  const root = path.resolve(corpusDir);
  const absolute = path.resolve(root, chunk.source.split("/").slice(1).join("/"));
  const info = absolute.startsWith(`${root}${path.sep}`) ? await stat(absolute).catch(() => undefined) : undefined;
  if (!info?.isFile()) {
    throw new AppError("NOT_FOUND", `The original file of ${chunk.source} is no longer in the corpus folder.`, { hint: "An admin may have deleted it; the quoted text is still shown in the source viewer." });
  }
  return { path: absolute, name: path.basename(absolute) };
}
