import type { Article, Chunk } from "../core/types.js";
import { resolveRelativeDates } from "./dates.js";
import { splitSentences } from "./sentences.js";
import { chunkZones } from "./zones.js";

/**
 * Chunks an article into runs of whole sentences (so a number never loses its unit), with a
 * sentence of overlap between neighbours. A chunk never leaves its article; a sentence longer than
 * the budget becomes a chunk of its own.
 */

export interface ChunkOptions {
  maxChars?: number;
  overlapSentences?: number;
}

export function chunkArticle(article: Article, options: ChunkOptions = {}): Chunk[] {
  const maxChars = options.maxChars ?? 220;
  const overlap = Math.max(0, options.overlapSentences ?? 1);
  const sentences = splitSentences(article.text);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    while (last + 1 < sentences.length && sentences[last + 1].end - sentences[first].start <= maxChars) last++;
    const start = sentences[first].start;
    const end = sentences[last].end;
    const text = article.text.slice(start, end);
    const ordinal = chunks.length;
    chunks.push({
      id: `${article.source}#${article.index}:${ordinal}`,
      source: article.source,
      articleId: article.id,
      articleIndex: article.index,
      ordinal,
      title: article.title,
      zones: chunkZones(article.zones, text),
      date: article.date,
      publisher: article.publisher,
      text,
      indexText: `${article.title} ${resolveRelativeDates(text, article.date)}`,
      start: article.offsets[start],
      end: article.offsets[end - 1] + 1,
    });
    if (last + 1 >= sentences.length) break;
    // Step back by the overlap, but always move forward.
    first = Math.max(first + 1, last + 1 - overlap);
  }
  return chunks;
}
