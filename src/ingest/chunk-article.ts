import type { Article, Chunk } from "../core/types.js";
import { resolveRelativeDates } from "./dates.js";
import { isNumberedText, parsePolicyStructure, type StructureUnit } from "./policy-structure.js";
import { splitSentences, type SentenceSpan } from "./sentences.js";
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
  const structure = parsePolicyStructure(article.text);
  // A numbered policy text is chunked by its items: an item is cited whole, with its heading path,
  // and never shares a chunk with its neighbour (whose figures would otherwise show up in answers).
  const units: StructureUnit[] = isNumberedText(structure) ? structure.units : [{ start: 0, end: article.text.length, path: [] }];
  const chunks: Chunk[] = [];
  for (const unit of units) {
    const sentences = splitSentences(article.text.slice(unit.start, unit.end)).map((sentence) => ({
      ...sentence,
      start: sentence.start + unit.start,
      end: sentence.end + unit.start,
    }));
    // An item stays whole up to a generous size; longer ones are split like running text.
    const budget = unit.path.length > 0 ? Math.max(maxChars * 2, 480) : maxChars;
    for (const [first, last] of sentenceRuns(sentences, budget, unit.path.length > 0 ? 0 : overlap)) {
      chunks.push(makeChunk(article, chunks.length, sentences[first]!.start, sentences[last]!.end, unit.path));
    }
  }
  return chunks;
}

/** Runs of whole sentences within `maxChars`, stepping back by `overlap` sentences. */
function sentenceRuns(sentences: SentenceSpan[], maxChars: number, overlap: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    while (last + 1 < sentences.length && sentences[last + 1]!.end - sentences[first]!.start <= maxChars) last++;
    runs.push([first, last]);
    if (last + 1 >= sentences.length) break;
    // Step back by the overlap, but always move forward.
    first = Math.max(first + 1, last + 1 - overlap);
  }
  return runs;
}

function makeChunk(article: Article, ordinal: number, start: number, end: number, path: string[]): Chunk {
  const text = article.text.slice(start, end);
  const section = path.length > 0 ? path.join(" › ") : undefined;
  return {
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
    ...(section ? { section } : {}),
    indexText: `${article.title}${section ? ` ${section}` : ""} ${resolveRelativeDates(text, article.date)}`,
    start: article.offsets[start]!,
    end: article.offsets[end - 1]! + 1,
  };
}
