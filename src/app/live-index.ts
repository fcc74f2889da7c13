import type { Config } from "../core/config.js";
import { createEmbedder } from "../index/embedders/create-embedder.js";
import type { Manifest } from "../index/manifest.js";
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
  /** The snapshot's figures as facts (labelled leads, comparisons, coverage). */
  facts: FactStore;
  /** The metric list the snapshot's facts were filed under. */
  metrics: MetricList;
}

export async function loadLiveIndex(config: Config, lexicon: Lexicon, version?: string): Promise<LiveIndex> {
  const embedder = createEmbedder(config, { tokenizer: lexicon.tokenizer });
  const snapshot = await loadSnapshot(config.DATA_DIR, embedder, lexicon.tokenizer, version);
  // Zones found in new documents get English names too (pinyin), so English questions reach them.
  const zoneNames = snapshot.chunks.zoneNames(3);
  // A county or city no gazetteer lists (柳河县, named by a document's issuing body) is a place too.
  lexicon.gazetteer.addPlaces(
    zoneNames.flatMap((name) => {
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
    facts: snapshot.facts,
    metrics: createMetricList(snapshot.metrics),
  };
}
