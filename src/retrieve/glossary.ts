import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { AppError } from "../core/errors.js";

/**
 * English → Chinese policy terms, kept as data (corpus/glossary.json) so admins can extend it
 * without touching code. English questions reach Chinese passages through it with no LLM.
 */

const glossaryFileSchema = z.object({
  about: z.string().optional(),
  terms: z.array(z.object({ en: z.array(z.string().min(1)).min(1), zh: z.array(z.string().min(1)).min(1) })),
});

export type GlossaryEntry = { en: string[]; zh: string[] };

interface GlossaryMatch {
  /** The English phrase found in the question. */
  phrase: string;
  zh: string[];
}

export interface Glossary {
  entries: GlossaryEntry[];
  /** Finds glossary phrases in an English text, longest first, without overlaps. */
  lookup(english: string): GlossaryMatch[];
  /** Every Chinese term, for the tokenizer's user dictionary. */
  chineseTerms(): string[];
}

/** Folds case, simple plurals and punctuation so "Incentives," matches "incentive". */
export function normalizeEnglish(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’']/g, "'")
    // Possessives and plural possessives: "company's", "companies'".
    .replace(/'s\b|(?<=s)'(?=\s|$)/g, "")
    .replace(/[^a-z0-9&'\- ]+/g, " ")
    // "new-energy-vehicle" and "new energy vehicle" are one phrase.
    .replace(/(?<=[a-z])-(?=[a-z])/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .map(singular)
    .join(" ");
}

function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) return word.slice(0, -1);
  return word;
}

export function createGlossary(entries: GlossaryEntry[]): Glossary {
  const phrases = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const english of entry.en) {
      const key = normalizeEnglish(english);
      if (!key) continue;
      const known = phrases.get(key) ?? new Set<string>();
      entry.zh.forEach((term) => known.add(term));
      phrases.set(key, known);
    }
  }
  const byLength = [...phrases.keys()].sort((a, b) => b.split(" ").length - a.split(" ").length || b.length - a.length);
  const maxWords = Math.max(1, ...byLength.map((phrase) => phrase.split(" ").length));

  return {
    entries,
    lookup(english) {
      const words = normalizeEnglish(english).split(" ").filter(Boolean);
      const matches: GlossaryMatch[] = [];
      let position = 0;
      while (position < words.length) {
        let matched = 0;
        for (let length = Math.min(maxWords, words.length - position); length > 0; length--) {
          const candidate = words.slice(position, position + length).join(" ");
          const zh = phrases.get(candidate);
          if (zh) {
            matches.push({ phrase: candidate, zh: [...zh] });
            matched = length;
            break;
          }
        }
        position += matched || 1;
      }
      return matches;
    },
    chineseTerms() {
      return [...new Set(entries.flatMap((entry) => entry.zh))];
    },
  };
}

let bundled: GlossaryEntry[] | undefined;

/**
 * The vocabulary shipped with the product, so English questions reach any corpus, with or without
 * its own glossary.json (the corpus glossary is merged over it): data/policy-glossary.json (measures,
 * listing, headquarters, medicine, tourism, talent, land, validity …) and data/report-glossary.json
 * (figures, industries, periods and services of zone reports).
 */
export function bundledTerms(): GlossaryEntry[] {
  if (!bundled) {
    const read = (name: string) => glossaryFileSchema.parse(JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), "utf8"))).terms;
    bundled = [...read("policy-glossary.json"), ...read("report-glossary.json")];
  }
  return bundled;
}

export async function loadGlossary(path: string): Promise<Glossary> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    // A corpus without a glossary still works in Chinese; English questions then rely on zone names.
    return createGlossary([]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError("CONFIG_INVALID", `The glossary ${path} is not valid JSON.`, {
      hint: "Fix the JSON syntax (see README, section Glossary).",
      cause: error,
    });
  }
  const result = glossaryFileSchema.safeParse(parsed);
  if (!result.success) {
    throw new AppError("CONFIG_INVALID", `The glossary ${path} has a wrong shape: ${result.error.issues[0]?.path.join(".")} ${result.error.issues[0]?.message}.`, {
      hint: 'Each entry needs "en" and "zh" arrays of strings.',
    });
  }
  return createGlossary(result.data.terms);
}
