import { readFileSync } from "node:fs";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

/** Turns text into index/query terms. Injected into BM25 and the local embedder (never hard-wired). */
export type Tokenizer = (text: string) => string[];

/** A tokenizer that also names its behaviour, so a snapshot can record which one built it. */
export interface NamedTokenizer extends Tokenizer {
  id: string;
  /** How it was made, so a worker thread can make the same tokenizer (parallel index builds). */
  options?: TokenizerOptions;
}

export interface TokenizerOptions {
  /** Zone names and policy terms jieba must keep whole (e.g. 长治高新区). */
  userWords?: string[];
  /**
   * Which sub-words of a word to emit besides the word itself:
   * - "user" (default): only user-dictionary words are also split by the base dictionary
   *   (长治高新区 → 长治高新区, 长治, 高新区), so a question naming just the city still matches.
   * - "all": jieba search mode for every word (高新区 → 高新, 新区, 高新区).
   * - "none": exact segmentation only.
   * Measured with scripts/measure-tokenizer.ts (BM25 over paragraph chunks of corpus/, Chinese
   * dev questions): "all" ranked the answer passage first less often than exact segmentation
   * (MRR 0.935 vs 0.963 at 120-char chunks), and adding CJK character bigrams for words longer
   * than two characters hurt more (MRR 0.898): the extra sub-terms match unrelated passages.
   * Bigrams are therefore left to the local embedder, whose vectors are a second ranking anyway.
   */
  subwords?: "user" | "all" | "none";
}

const TOKENIZER_VERSION = "jieba-v2";

/**
 * Function words that carry no retrieval signal. Kept small on purpose: Chinese policy text
 * leans on short words such as 亿, 元, 年 that questions about figures do need.
 */
const stopwords: ReadonlySet<string> = new Set([
  "的", "了", "是", "在", "和", "与", "及", "等", "也", "而", "就", "都", "将", "对", "从", "把", "被", "让",
  "并", "或", "之", "其", "这", "那", "这个", "那个", "一个", "我们", "他们", "你们", "我", "你", "他",
  "着", "过", "吗", "呢", "吧", "啊", "以及", "为", "于", "以", "上", "中", "有", "个",
  "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from", "is", "are",
  "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "as", "what", "which", "who",
  "how", "do", "does", "did", "s",
]);

/** jieba builds its trie from the 5 MB dictionary in ~200 ms: build once per user-word set. */
const jiebaCache = new Map<string, Jieba>();

function userDictionaryKey(userWords: readonly string[]): string {
  return [...new Set(userWords.map((word) => word.trim()).filter((word) => word.length > 0))].sort().join("\n");
}

function getJieba(userWords: readonly string[] = []): Jieba {
  const key = userDictionaryKey(userWords);
  let jieba = jiebaCache.get(key);
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    if (key.length > 0) {
      // User dictionary lines are "word frequency tag"; a high frequency makes jieba prefer the whole word.
      const lines = key
        .split("\n")
        .map((word) => `${word.replace(/\s+/g, "")} 200000 n`)
        .join("\n");
      jieba.loadDict(Buffer.from(`${lines}\n`, "utf8"));
    }
    jiebaCache.set(key, jieba);
  }
  return jieba;
}

/**
 * Sub-words of a user word by the base dictionary (实际利用外资 → 实际, 利用, 外资, 利用外资).
 * A second jieba holding the base dictionary costs about 45 MB of native memory that is not given
 * back once loaded, in every server process; so the sub-words of the bundled words (places,
 * zone kinds, glossary terms) ship precomputed in data/user-word-subwords.json (made by
 * scripts/build-user-word-subwords.ts, checked against jieba by tests/index/tokenizer.test.ts), and
 * the base dictionary is loaded only for a word an admin added that the table lacks.
 */
let bundledParts: Map<string, string[]> | undefined;
let baseJieba: Jieba | undefined;
const computedParts = new Map<string, string[]>();

export const USER_WORD_SUBWORDS_FILE = new URL("./data/user-word-subwords.json", import.meta.url);

/** The sub-words jieba's base dictionary gives for one (normalised) user word. */
export function baseSubwords(word: string): string[] {
  baseJieba ??= Jieba.withDict(dict);
  return [...new Set(baseJieba.cutForSearch(word, false))].filter((part) => part !== word && part.length > 1 && !stopwords.has(part));
}

function userWordParts(word: string): string[] {
  if (!bundledParts) {
    try {
      bundledParts = new Map(Object.entries(JSON.parse(readFileSync(USER_WORD_SUBWORDS_FILE, "utf8")) as Record<string, string[]>));
    } catch {
      bundledParts = new Map();
    }
  }
  const known = bundledParts.get(word) ?? computedParts.get(word);
  if (known) return known;
  const parts = baseSubwords(word);
  computedParts.set(word, parts);
  return parts;
}

/** How a user word is looked up in the sub-word table (the form the tokenizer emits). */
export function normaliseUserWord(word: string): string {
  return word.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
}

const wordCharacter = /[\p{L}\p{N}]/u;

/**
 * Joins digit runs that jieba may have split around a decimal point or thousands comma
 * ("1", ".", "5" → "1.5"; "6", ",", "836" → "6836") so figures match as one term.
 */
function mergeNumbers(tokens: string[]): string[] {
  const merged: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i];
    while (
      i + 2 < tokens.length &&
      /\d$/.test(token) &&
      (tokens[i + 1] === "." || (tokens[i + 1] === "," && /^\d{3}(?:\D|$)/.test(tokens[i + 2]))) &&
      /^\d/.test(tokens[i + 2])
    ) {
      token = tokens[i + 1] === "," ? token + tokens[i + 2] : `${token}.${tokens[i + 2]}`;
      i += 2;
    }
    merged.push(token);
  }
  return merged;
}

/** Cleans one raw jieba token; returns "" when it should be dropped. */
function normaliseToken(token: string): string {
  let value = token.trim();
  if (value.length === 0 || !wordCharacter.test(value)) return "";
  // "97.5%" and "97.5" must meet; thousands separators inside figures are noise.
  if (/^[\d.,]+%$/.test(value)) value = value.slice(0, -1);
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(value)) value = value.replace(/,/g, "");
  // Strip stray punctuation at the edges (e.g. "zone'" from "zone's").
  value = value.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  if (value.length === 0 || stopwords.has(value)) return "";
  return value;
}

export function createTokenizer(options: TokenizerOptions = {}): NamedTokenizer {
  const userWords = options.userWords ?? [];
  const subwords = options.subwords ?? "user";
  const jieba = getJieba(userWords);
  const userWordSet = new Set(userWords.map(normaliseUserWord));
  const tokenize = (text: string): string[] => {
    // NFKC folds full-width digits, letters and punctuation (１０％ → 10%) used in Chinese print.
    // The full-width comma becomes 、 first so that NFKC cannot turn "100，200" into a thousands separator.
    const normalised = text.replace(/\uff0c/g, "\u3001").normalize("NFKC").toLowerCase();
    const raw = subwords === "all" ? jieba.cutForSearch(normalised, true) : jieba.cut(normalised, true);
    const tokens: string[] = [];
    for (const token of mergeNumbers(raw)) {
      const value = normaliseToken(token);
      if (value.length === 0) continue;
      tokens.push(value);
      if (subwords === "user" && userWordSet.has(value)) {
        // All dictionary sub-words, recursively: 实际利用外资 → 实际, 利用, 外资, 利用外资, so a
        // question saying 到位外资 (→ 外资) still meets a passage saying 实际利用外资.
        for (const part of userWordParts(value)) tokens.push(part);
      }
    }
    return tokens;
  };
  const id = `${TOKENIZER_VERSION}:${subwords}:${userWordsDigest(userWords)}`;
  return Object.assign(tokenize, { id, options: { userWords: [...userWords], subwords } });
}

/** Short stable digest of the user dictionary, so the manifest records which words were added. */
function userWordsDigest(userWords: readonly string[]): string {
  const key = userDictionaryKey(userWords);
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${key.length === 0 ? 0 : key.split("\n").length}w-${(hash >>> 0).toString(16)}`;
}
