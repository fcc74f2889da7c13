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
}

const fileSchema = z.object({ about: z.string(), entries: z.record(z.array(z.string())) });

let shared: EnglishDictionary | undefined;

/** Loaded once per process: every lexicon shares it. */
export function loadEnglishDictionary(): EnglishDictionary {
  if (shared) return shared;
  const file = new URL("./data/en-zh-dictionary.json", import.meta.url);
  const { entries } = fileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const map = new Map(Object.entries(entries));
  shared = { lookup: (phrase) => map.get(phrase) };
  return shared;
}
