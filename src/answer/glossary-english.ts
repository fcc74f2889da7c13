import type { GlossaryEntry } from "../retrieve/glossary.js";

/**
 * Chinese list items said in English from the admins' glossary (zh → the entry's first English
 * phrase): a whole item when the glossary has it (房租补贴), else its parts when glossary terms cover
 * it entirely (项目 + 奖励). An item the glossary cannot cover whole stays Chinese only, never half-translated.
 */

const cache = new WeakMap<GlossaryEntry[], Map<string, string>>();

function chineseToEnglish(entries: GlossaryEntry[]): Map<string, string> {
  let map = cache.get(entries);
  if (!map) {
    map = new Map();
    // An entry's first Chinese term is what it translates; its other terms are search variants
    // (人才公寓 under public rental housing), taken only when no entry leads with them.
    for (const pass of [0, 1]) {
      for (const entry of entries) {
        const english = entry.en[0];
        if (!english) continue;
        for (const zh of pass === 0 ? entry.zh.slice(0, 1) : entry.zh.slice(1)) if (!map.has(zh)) map.set(zh, english);
      }
    }
    cache.set(entries, map);
  }
  return map;
}

export function englishForItem(item: string, entries: GlossaryEntry[]): string | undefined {
  const map = chineseToEnglish(entries);
  const whole = map.get(item);
  if (whole) return whole;
  const words: string[] = [];
  let at = 0;
  while (at < item.length) {
    let found: string | undefined;
    for (let end = item.length; end > at + 1; end--) {
      const english = map.get(item.slice(at, end));
      if (english) {
        found = english;
        at = end;
        break;
      }
    }
    if (!found) return undefined;
    words.push(found);
  }
  return words.join(" ");
}

/** "rent subsidy (房租补贴)", or the Chinese alone when the glossary cannot say it. */
export function itemInEnglish(item: string, entries: GlossaryEntry[] | undefined): string {
  const english = entries ? englishForItem(item, entries) : undefined;
  return english ? `${english} (${item})` : item;
}
