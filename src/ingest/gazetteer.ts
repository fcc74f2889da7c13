import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pinyin } from "pinyin-pro";
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { NameMatcher } from "./name-matcher.js";
import { placeEntries } from "./places-data.js";

/** Established English names that are not pinyin (Ordos, Urumqi, Khorgos): general knowledge, for any corpus. */
const placeExonyms: Record<string, string[]> = z
  .object({ places: z.record(z.string(), z.array(z.string()).min(1)) })
  .parse(JSON.parse(readFileSync(new URL("./data/place-exonyms.json", import.meta.url), "utf8"))).places;

/**
 * Bilingual place gazetteer. English names come from toneless pinyin (长治 → Changzhi) for the bundled
 * places and for every place added later (zones found in the corpus), plus explicit overrides where
 * the usual English differs from pinyin (陕西 → Shaanxi, 内蒙古 → Inner Mongolia).
 */

export interface GazetteerOverride {
  zh: string;
  en: string[];
}

export interface Gazetteer {
  /** Known places named in Chinese text, longest names first, in order of first appearance. */
  placesInText(zhText: string): string[];
  /** Places named in English text ("Changzhi High-tech Zone" → ["长治"]); a spelling several places share ("Fuzhou") yields them all. */
  placesInEnglish(enText: string): string[];
  /** English name of a place (长治 → Changzhi); the place itself when unknown. */
  english(place: string): string;
  addPlaces(zh: string[]): void;
}

/** English words after which even a short pinyin name is taken to be a place. */
const placeContext = /^(high|hi|hightech|zone|zones|city|county|district|development|new|area|province|economic|industrial|park|prefecture|municipality)$/;

/** Shorter single words need context: "an", "tai", "he" are English or too ambiguous on their own. */
const minimumBareLength = 4;

function key(text: string): string {
  return text.toLowerCase().replace(/[^a-z]/g, "");
}

function toPinyin(zh: string): string {
  const syllables = pinyin(zh, { toneType: "none", type: "array", v: true }) as string[];
  return syllables.join("");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function createGazetteer(extra: GazetteerOverride[] = []): Gazetteer {
  const englishName = new Map<string, string>();
  // Several places can share a pinyin spelling (福州 and 抚州 are both Fuzhou): keep them all, in
  // registration order, and let the caller prefer the one its corpus knows.
  const byKey = new Map<string, string[]>();
  const addKey = (spelling: string, zh: string, first = false) => {
    const list = byKey.get(spelling) ?? [];
    if (!list.includes(zh)) {
      if (first) list.unshift(zh);
      else list.push(zh);
    }
    byKey.set(spelling, list);
  };
  const known = new Set<string>();

  const register = (zh: string, english?: string[]) => {
    if (!/^[\u3400-\u9fff]{2,}$/.test(zh)) return;
    known.add(zh);
    const generated = toPinyin(zh);
    addKey(generated, zh);
    if (!englishName.has(zh)) englishName.set(zh, capitalize(generated));
    for (const alias of english ?? []) {
      addKey(key(alias), zh, true);
    }
    if (english && english.length > 0) englishName.set(zh, english[0]);
  };

  for (const entry of placeEntries) register(entry.zh, placeExonyms[entry.zh]);
  for (const [zh, english] of Object.entries(placeExonyms)) if (!known.has(zh)) register(zh, english);
  for (const override of extra) register(override.zh, override.en);

  const matcher = new NameMatcher(known);

  return {
    placesInText(zhText) {
      const found: string[] = [];
      let index = 0;
      while (index < zhText.length) {
        const name = matcher.matchAt(zhText, index);
        if (name) {
          if (!found.includes(name)) found.push(name);
          index += name.length;
        } else index++;
      }
      return found;
    },
    placesInEnglish(enText) {
      // "Ankang's" names Ankang: drop possessives before matching.
      const words = (enText.match(/[A-Za-z]+(?:['’][A-Za-z]+)*/g) ?? []).map((word) => word.replace(/['’]s$/i, ""));
      const found: string[] = [];
      let index = 0;
      while (index < words.length) {
        let matched = 0;
        // Try the longest run first: "Jing De Zhen" is three words, "Xi'an" one.
        for (let length = Math.min(4, words.length - index); length >= 1 && matched === 0; length--) {
          const run = words.slice(index, index + length);
          const candidates = byKey.get(key(run.join("")));
          if (!candidates) continue;
          const next = (words[index + length] ?? "").toLowerCase().replace(/[^a-z]/g, "");
          const capitalized = run.every((word) => /^[A-Z]/.test(word));
          const joinedLength = key(run.join("")).length;
          const wholeName = length > 1 ? capitalized : joinedLength >= minimumBareLength;
          if (placeContext.test(next) ? joinedLength >= 2 : wholeName && (capitalized || joinedLength >= 6)) {
            for (const candidate of candidates) if (!found.includes(candidate)) found.push(candidate);
            matched = length;
          }
        }
        index += matched > 0 ? matched : 1;
      }
      return found;
    },
    english(place) {
      return englishName.get(place) ?? (/[\u3400-\u9fff]/.test(place) ? capitalize(toPinyin(place)) : place);
    },
    addPlaces(zh) {
      for (const name of zh) {
        register(name);
        if (known.has(name)) matcher.add(name);
      }
    },
  };
}

const overridesSchema = z.object({ places: z.array(z.object({ zh: z.string().min(1), en: z.array(z.string().min(1)) })) });

/** Reads `<corpusDir>/gazetteer.json` (`{ "places": [{ "zh": "陕西", "en": ["Shaanxi"] }] }`); missing → []. */
export async function loadGazetteerOverrides(corpusDir: string): Promise<GazetteerOverride[]> {
  const file = path.join(corpusDir, "gazetteer.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new AppError("CONFIG_INVALID", `The gazetteer ${file} cannot be read.`, { cause: error, hint: "Check its permissions." });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new AppError("CONFIG_INVALID", `The gazetteer ${file} is not valid JSON.`, { cause: error, hint: `Fix the JSON syntax in ${file}.` });
  }
  const result = overridesSchema.safeParse(data);
  if (!result.success) {
    throw new AppError("CONFIG_INVALID", `The gazetteer ${file} is invalid.`, {
      hint: `Each entry needs "zh" and an "en" list: { "places": [{ "zh": "陕西", "en": ["Shaanxi"] }] }.`,
    });
  }
  return result.data.places;
}
