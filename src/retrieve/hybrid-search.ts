import { zoneKindSurfaces } from "../ingest/zones.js";
import type { SearchHit } from "../core/types.js";
import type { SearchIndex } from "../index/search-index.js";
import type { AnalyzedQuery } from "./analyze-query.js";
import { reciprocalRankFusion } from "./fusion.js";
import type { ArticlePlaces } from "./places.js";

/**
 * BM25 + HNSW, fused by rank, restricted to the zones the question names. A question about
 * 衡阳高新区 is answered only from articles about 衡阳; when no article is about a named place,
 * passages that at least mention it are used, and when none do, nothing is returned so the
 * composer can say the corpus does not cover it.
 */

export interface HybridSearchOptions {
  topK: number;
  /** How many candidates each retriever contributes before fusion. */
  candidates?: number;
  bm25Weight?: number;
  vectorWeight?: number;
}

export interface RetrievalResult {
  hits: SearchHit[];
  /** Places of the question that no indexed article is about. */
  unknownPlaces: string[];
  /** How the zone filter was applied. */
  scope: "all" | "about-place" | "mentions-place" | "none";
}

export async function hybridSearch(
  index: SearchIndex,
  articlePlaces: ArticlePlaces,
  query: AnalyzedQuery,
  options: HybridSearchOptions,
): Promise<RetrievalResult> {
  const candidates = options.candidates ?? Math.max(40, options.topK * 5);
  const { chunks } = index;
  const knownPlaces = query.places.filter((place) => articlePlaces.all.has(place));
  const unknownPlaces = query.places.filter((place) => !articlePlaces.all.has(place));

  let allowed: Uint8Array | undefined;
  let allowedCount: number | undefined;
  let scope: RetrievalResult["scope"] = "all";
  if (query.places.length > 0) {
    allowed = new Uint8Array(chunks.count);
    let count = 0;
    if (knownPlaces.length > 0) {
      for (const place of knownPlaces) {
        for (const index of articlePlaces.chunksByPlace.get(place) ?? []) {
          if (allowed[index] === 0) {
            allowed[index] = 1;
            count++;
          }
        }
      }
      scope = "about-place";
    }
    if (count === 0) {
      // A question about a zone (深圳高新区, "Shenzhen High-tech Zone") is not answered by a passage
      // that only names the city in passing (a trip to 深圳科技园): it must name the zone itself.
      const aboutZone = asksAboutZone(query);
      // The store searches the texts where they live (SQLite's instr), without decoding every chunk.
      for (const position of chunks.positionsMentioning(query.places, aboutZone ? zoneKindSurfaces : undefined)) {
        allowed[position] = 1;
        count++;
      }
      scope = count > 0 ? "mentions-place" : "none";
    }
    if (count === 0) return { hits: [], unknownPlaces, scope };
    allowedCount = count;
  }

  const filter = allowed ? (position: number) => allowed![position] === 1 : undefined;
  const lexical = index.searchBm25(query.searchText, candidates, allowed);
  // One zone's passages are few: scoring them exactly is faster than a filtered HNSW beam.
  const exact = allowed && allowedCount !== undefined && allowedCount <= exactSearchBudget
    ? await index.searchVectorAmong(query.searchText, candidates, allowedIndexes(allowed, allowedCount), {
        admit: (nonZero) => allowedCount <= exactSearchLimit || allowedCount * nonZero <= exactSearchBudget,
      })
    : undefined;
  const dense = exact ?? (await index.searchVector(query.searchText, candidates, filter, { allowedCount }));
  const fused = reciprocalRankFusion([
    { ids: lexical.map((hit) => hit.index), weight: options.bm25Weight ?? 1 },
    { ids: dense.map((hit) => hit.index), weight: options.vectorWeight ?? 0.8 },
  ]);
  const hits = fused.slice(0, options.topK).map((result) => ({
    chunk: chunks.get(result.id)!,
    score: result.score,
    bm25Rank: result.ranks[0],
    vectorRank: result.ranks[1],
  }));
  return { hits, unknownPlaces, scope };
}

/** Up to this many allowed chunks, vector search scores them all exactly. */
const exactSearchLimit = 20_000;
/**
 * More allowed chunks are still scored exactly while the scan costs no more than 20,000 chunks of
 * 512 dimensions did: it multiplies only the query's non-zero components (a local-embedder
 * question has a few dozen), so one city's 36,000 chunks of a 1M-chunk corpus cost ~1 ms, where
 * the filtered HNSW beam (ef ≈ 2,000 per shard) took 100–500 ms. Below 20,000 nothing changes.
 */
const exactSearchBudget = exactSearchLimit * 512;

function allowedIndexes(allowed: Uint8Array, count: number): Uint32Array {
  const indexes = new Uint32Array(count);
  let next = 0;
  for (let i = 0; i < allowed.length && next < count; i++) if (allowed[i] === 1) indexes[next++] = i;
  return indexes;
}


function asksAboutZone(query: AnalyzedQuery): boolean {
  if (query.language === "en") return /\b(?:high[- ]?tech|hi-tech|development|economic|industrial|demonstration)\b[\w\s-]{0,30}\b(?:zone|park|area)\b/i.test(query.text) || /\bindustrial park\b/i.test(query.text);
  return query.zoneNames.some((name) => zoneKindSurfaces.some((kind) => name.endsWith(kind)));
}
