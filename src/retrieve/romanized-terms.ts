import { pinyin } from "pinyin-pro";

/**
 * Chinese words of the index by their pinyin without tones or spaces, so a question that writes a
 * term in pinyin ("zhuanjingtexin" SMEs) finds the word the documents use (专精特新).
 * Built once per index on first use; only words of two to six Chinese characters, and only
 * romanisations of six letters or more are looked up (shorter ones are too often English).
 */
export function romanizedLookup(vocabulary: () => readonly string[]): (word: string) => string[] {
  let table: Map<string, string[]> | undefined;
  return (word) => {
    const key = word.toLowerCase().replace(/[^a-z]/g, "");
    if (key.length < 6) return [];
    if (!table) {
      table = new Map();
      for (const term of vocabulary()) {
        if (!/^[\u4e00-\u9fff]{2,6}$/u.test(term)) continue;
        const written = (pinyin(term, { toneType: "none", type: "array" }) as string[]).join("").replace(/ü/g, "v");
        table.set(written, [...(table.get(written) ?? []), term]);
      }
    }
    return table.get(key) ?? [];
  };
}

const perIndex = new WeakMap<object, (word: string) => string[]>();

/** The lookup of one index (built once per index, on first use). */
export function romanizedFor(index: { readonly vocabulary: readonly string[] }): (word: string) => string[] {
  let lookup = perIndex.get(index);
  if (!lookup) {
    lookup = romanizedLookup(() => index.vocabulary);
    perIndex.set(index, lookup);
  }
  return lookup;
}
