import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { createGazetteer, type Gazetteer } from "../ingest/gazetteer.js";
import { placeEntries } from "../ingest/places-data.js";
import { createTokenizer, type NamedTokenizer } from "../index/tokenizer.js";
import { loadEnglishDictionary, type EnglishDictionary } from "../retrieve/en-zh-dictionary.js";
import { loadGlossary, type Glossary } from "../retrieve/glossary.js";
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

const gazetteerFileSchema = z.object({ places: z.array(z.object({ zh: z.string().min(1), en: z.array(z.string().min(1)) })) });

async function loadGazetteerOverrides(file: string): Promise<z.infer<typeof gazetteerFileSchema>["places"]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  try {
    return gazetteerFileSchema.parse(JSON.parse(text)).places;
  } catch (error) {
    throw new AppError("CONFIG_INVALID", `The gazetteer ${file} is not valid.`, {
      hint: 'Expected {"places": [{"zh": "长治", "en": ["Changzhi"]}]} (see README, section Gazetteer).',
      cause: error,
    });
  }
}

const zoneKindWords = ["高新区", "经开区", "开发区", "示范区", "高新技术产业开发区", "经济技术开发区", "工业园区", "产业园"];

export async function loadLexicon(corpusDir: string): Promise<Lexicon> {
  const [glossary, overrides] = await Promise.all([
    loadGlossary(path.join(corpusDir, "glossary.json")),
    loadGazetteerOverrides(path.join(corpusDir, "gazetteer.json")),
  ]);
  const gazetteer = createGazetteer(overrides);
  const userWords = [...glossary.chineseTerms(), ...zoneKindWords, ...placeEntries.map((entry) => entry.zh), ...overrides.map((entry) => entry.zh)];
  return {
    glossary,
    dictionary: loadEnglishDictionary(),
    gazetteer,
    places: createPlaceResolver(gazetteer),
    tokenizer: createTokenizer({ userWords }),
    segmenter: createTokenizer({ userWords, subwords: "none" }),
  };
}
