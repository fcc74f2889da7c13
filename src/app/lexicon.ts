import path from "node:path";
import { createGazetteer, loadGazetteerOverrides, type Gazetteer } from "../ingest/gazetteer.js";
import { placeEntries } from "../ingest/places-data.js";
import { zoneKindSurfaces } from "../ingest/zones.js";
import { createTokenizer, type NamedTokenizer } from "../index/tokenizer.js";
import { loadEnglishDictionary, type EnglishDictionary } from "../retrieve/en-zh-dictionary.js";
import { bundledTerms, createGlossary, loadGlossary, type Glossary } from "../retrieve/glossary.js";
import { createPlaceResolver, type PlaceResolver } from "../retrieve/places.js";

/**
 * The language data shared by indexing and querying: the bilingual gazetteer, the EN→ZH glossary
 * (both admin-editable files in CORPUS_DIR) and the tokenizer whose user dictionary they feed.
 * Index and query must tokenize alike, so both build the tokenizer here, from the same files.
 */

export interface Lexicon {
  glossary: Glossary;
  /** Broad English → Chinese words (CC-CEDICT) for English words the glossary lacks. */
  dictionary: EnglishDictionary;
  gazetteer: Gazetteer;
  places: PlaceResolver;
  tokenizer: NamedTokenizer;
  /** Same dictionary, whole words only: question analysis wants words, not sub-words. */
  segmenter: NamedTokenizer;
}


export async function loadLexicon(corpusDir: string): Promise<Lexicon> {
  const [corpusGlossary, overrides] = await Promise.all([
    loadGlossary(path.join(corpusDir, "glossary.json")),
    loadGazetteerOverrides(corpusDir),
  ]);
  const glossary = createGlossary([...bundledTerms(), ...corpusGlossary.entries]);
  const gazetteer = createGazetteer(overrides);
  const userWords = [...glossary.chineseTerms(), ...zoneKindSurfaces, ...placeEntries.map((entry) => entry.zh), ...overrides.map((entry) => entry.zh)];
  return {
    glossary,
    dictionary: loadEnglishDictionary(),
    gazetteer,
    places: createPlaceResolver(gazetteer),
    tokenizer: createTokenizer({ userWords }),
    segmenter: createTokenizer({ userWords, subwords: "none" }),
  };
}
