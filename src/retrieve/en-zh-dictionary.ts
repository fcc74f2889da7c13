import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * A broad English → Chinese word list derived from CC-CEDICT at build time
 * (scripts/build-en-zh-dictionary.ts → src/retrieve/data/en-zh-dictionary.json, 2.4 MB). The curated glossary
 * comes first; this only fills in English words it does not list, as weaker evidence.
 */

export interface EnglishDictionary {
  /** Chinese words for a normalised English word or phrase (see normalizeEnglish). */
  lookup(phrase: string): string[] | undefined;
  /** Is this a Chinese word the dictionary gives for some English word (a real word, not a segmentation seam)? */
  isChineseWord(word: string): boolean;
}

const fileSchema = z.object({ about: z.string(), entries: z.record(z.array(z.string())) });

let shared: EnglishDictionary | undefined;

/** Loaded once per process: every lexicon shares it. */
export function loadEnglishDictionary(): EnglishDictionary {
  if (shared) return shared;
  const file = new URL("./data/en-zh-dictionary.json", import.meta.url);
  const { entries } = fileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const map = new Map(Object.entries(entries));
  let words: Set<string> | undefined;
  shared = {
    lookup: (phrase) => map.get(phrase),
    // Built on first use: English questions never need it.
    isChineseWord: (word) => (words ??= new Set([...map.values()].flat())).has(word),
  };
  return shared;
}
