import type { Config } from "../core/config.js";
import { createEmbedder } from "../index/embedders/create-embedder.js";
import type { Manifest } from "../index/manifest.js";
import type { Chunk } from "../core/types.js";
import { SearchIndex } from "../index/search-index.js";
import { loadSnapshot } from "../index/snapshot.js";
import { computeArticlePlaces, type ArticlePlaces } from "../retrieve/places.js";
import { placeOfAdministrativeName } from "../ingest/issuing-body.js";
import { detectZones } from "../ingest/zones.js";
import type { Lexicon } from "./lexicon.js";
import type { FactStore } from "../facts/fact-store.js";
import { createMetricList, type MetricList } from "../facts/metrics.js";

/**
 * One loaded snapshot with what retrieval derives from it, swapped whole. Loading teaches the
 * lexicon's gazetteer the places of the snapshot's zones (pinyin names for new documents).
 */
export interface LiveIndex {
  search: SearchIndex;
  articlePlaces: ArticlePlaces;
  manifest: Manifest;
  warnings: string[];
  /** The glossary, gazetteer and tokenizer this index is queried with; swapped together with it. */
  lexicon: Lexicon;
  /** The chunks of an article in reading order, for widening a list answer to the next passages. */
  articleChunks: Map<string, Chunk[]>;
  /** The snapshot's figures as facts (labelled leads, comparisons, coverage). */
  facts: FactStore;
  /** The metric list the snapshot's facts were filed under. */
  metrics: MetricList;
  /** Chunks by id, to cite the passage a fact comes from. */
  chunksById: Map<string, Chunk>;
}

export async function loadLiveIndex(config: Config, lexicon: Lexicon, version?: string): Promise<LiveIndex> {
  const embedder = createEmbedder(config, { tokenizer: lexicon.tokenizer });
  const snapshot = await loadSnapshot(config.DATA_DIR, embedder, lexicon.tokenizer, version);
  // Zones found in new documents get English names too (pinyin), so English questions reach them.
  const zoneNames = new Set(snapshot.chunks.flatMap((chunk) => chunk.zones.slice(0, 3)));
  // A county or city no gazetteer lists (柳河县, named by a document's issuing body) is a place too.
  lexicon.gazetteer.addPlaces(
    [...zoneNames].flatMap((name) => {
      const places = detectZones(name).map((zone) => zone.place);
      const administrative = placeOfAdministrativeName(name);
      return places.length > 0 ? places : administrative ? [administrative] : [];
    }).filter(Boolean),
  );
  return {
    search: new SearchIndex(snapshot),
    articlePlaces: computeArticlePlaces(snapshot.chunks, lexicon.places),
    manifest: snapshot.manifest,
    warnings: snapshot.warnings,
    lexicon,
    articleChunks: groupByArticle(snapshot.chunks),
    facts: snapshot.facts,
    metrics: createMetricList(snapshot.metrics),
    chunksById: new Map(snapshot.chunks.map((chunk) => [chunk.id, chunk])),
  };
}

function groupByArticle(chunks: Chunk[]): Map<string, Chunk[]> {
  const grouped = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const list = grouped.get(chunk.articleId);
    if (list) list.push(chunk);
    else grouped.set(chunk.articleId, [chunk]);
  }
  for (const list of grouped.values()) list.sort((a, b) => a.ordinal - b.ordinal);
  return grouped;
}
