import type { Language, RuleClause, SearchHit } from "../core/types.js";
import { findFigures } from "./english-figures.js";

/**
 * Two policy items asked side by side ("中药材种植基地和观赏花卉基地的每亩奖励标准一样吗？", "Which earns the
 * bigger reward: a 5A scenic area or a China Well-known Trademark?"): each side is the whole sentence of
 * its item (all its tiers), and the amounts are compared only when each side resolves to amounts in
 * one unit — a figure aligned with the side's own word in a "分别" list, or the sentence's own amounts.
 * Otherwise the sides are quoted and nothing is claimed about which is more.
 */

// ("哪几档？每档多少" asks a list, not a comparison: only 更/一样/different… compare.)
export const compareCue = /一样|相同|不同|区别|差别|差异|更(?:高|多|大|低|少)|\bsame\b|\bdiffer|\b(?:bigger|higher|larger|greater|smaller|lower)\b|\bcompare/i;

/** "面积在100亩及以上至500亩的", "500亩以上的", "投资额超过1亿元": a clause for a band of a measured case. */
const band = /\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:元|亩|平方米|人|家|个|吨|年|项)?\s*(?:（含[^）]*）|\(含[^)]*\))?\s*(?:及以上|以上|以下|以内|至|到|—|–|-|~|不足|超过|未满)|(?:超过|不足|达到|满)\s*\d/u;

function isBand(clause: RuleClause): boolean {
  const first = clause.text.search(/\d+(?:\.\d+)?\s*(?:万亿|亿|千万|百万|万)?\s*(?:美元|元)/u);
  return band.test(first === -1 ? clause.text : clause.text.slice(0, first));
}

/**
 * The tiers of the item a clause belongs to: the clauses of its sentence (joined by ；) that, like it,
 * are for a band of the case ("…100亩及以上至500亩的，100元/亩；…500亩以上的，200元/亩。"). A clause for
 * no band stands alone, as do the other rules of a sentence that lists several (驰名商标；中国质量奖).
 */
export function sentenceOf(hit: SearchHit, clause: RuleClause): RuleClause[] {
  const clauses = hit.chunk.rule?.clauses ?? [clause];
  const at = clauses.findIndex((other) => other.start === clause.start && other.end === clause.end);
  if (at === -1 || !isBand(clause)) return [clause];
  // A clause keeps its closing mark: one closed by ；/; runs on into the next clause of the same sentence.
  const joined = (item: RuleClause) => /[；;]$/u.test(item.text);
  let first = at;
  while (first > 0 && joined(clauses[first - 1]!) && isBand(clauses[first - 1]!)) first--;
  let last = at;
  while (last < clauses.length - 1 && joined(clauses[last]!) && isBand(clauses[last + 1]!)) last++;
  return clauses.slice(first, last + 1);
}

/** The span of text the clauses cover, as the document says it. */
export function spanText(hit: SearchHit, clauses: RuleClause[]): string {
  return hit.chunk.text.slice(clauses[0]!.start, clauses[clauses.length - 1]!.end).replace(/\n+/g, "");
}

const money = /(\d+(?:\.\d+)?)\s*(万亿|亿|千万|百万|万)?\s*(美元|元)((?:\/(?:亩|人次|人|年|次|间|个|平方米|家))*)/gu;
const scale: Record<string, number> = { 万亿: 1e12, 亿: 1e8, 千万: 1e7, 百万: 1e6, 万: 1e4 };

export interface Amount {
  raw: string;
  value: number;
  /** 元, 美元, 元/亩 …: only amounts of one unit are compared. */
  unit: string;
}

function amountsIn(text: string): Amount[] {
  return [...text.matchAll(money)].map((match) => ({ raw: match[0].replace(/\s+/g, ""), value: Number(match[1]) * (scale[match[2] ?? ""] ?? 1), unit: `${match[3]}${match[4] ?? ""}` }));
}

/** The amounts a text gives, each written amount once. */
function distinctAmounts(text: string): Amount[] {
  return amountsIn(text).filter((amount, at, all) => all.findIndex((other) => other.raw === amount.raw) === at);
}

/**
 * "对新评定为国家3A、4A、5A级的旅游景区，一次性分别给予10万元、50万元、100万元奖励" with the side's word 5A →
 * 100万元: the i-th amount after 分别 goes with the i-th item of the list before it. Undefined when the
 * sentence has no such list, or the side's word is in none of its items.
 */
function respectiveAmount(text: string, terms: string[]): Amount | undefined {
  const at = text.indexOf("分别");
  if (at === -1) return undefined;
  const head = text.slice(0, at);
  const list = [...head.matchAll(/[^，,：:、；;。]+(?:、[^，,：:、；;。]+)+/gu)].pop();
  if (!list) return undefined;
  const items = list[0].split("、");
  const amounts = amountsIn(text.slice(at));
  if (items.length < 2 || amounts.length < items.length) return undefined;
  // The items share their context ("对新评定为国家3A、4A、5A级的旅游景区"): a word names an item only where
  // it touches the item's 、 (5A), not in the words around the whole list (国家, 旅游景区).
  let best: { index: number; distance: number } | undefined;
  items.forEach((item, index) => {
    for (const term of terms) {
      const found = item.indexOf(term);
      if (found === -1) continue;
      const fromStart = index === 0 ? Infinity : found;
      const fromEnd = index === items.length - 1 ? Infinity : item.length - (found + term.length);
      const distance = Math.min(fromStart, fromEnd);
      if (distance <= 1 && (!best || distance < best.distance)) best = { index, distance };
    }
  });
  return best ? amounts[best.index] : undefined;
}

/** "国家级50万元、省级30万元" with the asked word 国家级 → 50万元: an amount written right after the word that names it. */
function labelledAmount(text: string, terms: string[]): Amount | undefined {
  for (const amount of text.matchAll(money)) {
    const before = text.slice(0, amount.index ?? 0).replace(/(?:为|给予|奖励|补助|补贴)$/u, "");
    if (terms.some((term) => term.length >= 2 && before.endsWith(term))) return amountsIn(amount[0])[0];
  }
  return undefined;
}

/**
 * The amount a rule gives for what the question names: the one its word names in a 分别 list or right
 * before it, or the clause's only amount. Undefined when that cannot be told.
 */
export function amountFor(text: string, terms: string[]): Amount | undefined {
  const named = respectiveAmount(text, terms) ?? labelledAmount(text, terms);
  if (named) return named;
  const all = distinctAmounts(text);
  return all.length === 1 ? all[0] : undefined;
}

/** "能拿100万元奖励吗" against the rule's amount: yes when equal, no with the rule's amount, undefined when not told. */
export function amountVerdict(asked: number, text: string, terms: string[], language: Language): string | undefined {
  const own = amountFor(text, terms);
  if (!own || own.unit !== "元") return undefined;
  if (own.value === asked) return language === "en" ? "Yes. " : "是的。";
  return language === "en" ? `No: the rule gives ${english(own)}. ` : `不是：规定为${own.raw}。`;
}

interface SideAmounts {
  label: string;
  amounts: Amount[];
}

/** The words that tell this side from the other: the question's terms its text holds and the other's does not. */
function sideTerms(groups: string[][], own: string, other: string): string[] {
  return groups.filter((group) => group.some((term) => own.includes(term)) && !group.some((term) => other.includes(term))).flatMap((group) => group.filter((term) => own.includes(term)));
}

/** Each side's label (its own word in the text) and the amounts that are its answer. */
export function sideAmounts(groups: string[][], texts: [string, string], question: string): [SideAmounts, SideAmounts] | undefined {
  const sides = texts.map((text, index) => {
    const terms = sideTerms(groups, text, texts[1 - index]!);
    if (terms.length === 0) return undefined;
    const respective = respectiveAmount(text, terms);
    const amounts = respective ? [respective] : distinctAmounts(text);
    // The asker's own word names the side where the text has it ("中药材" rather than "道地药材").
    const label = [...terms].sort((a, b) => Number(question.includes(b)) - Number(question.includes(a)) || b.length - a.length)[0]!;
    return amounts.length > 0 ? { label, amounts } : undefined;
  });
  return sides[0] && sides[1] ? [sides[0], sides[1]] : undefined;
}

function english(amount: Amount): string {
  return findFigures(amount.raw)[0]?.english ?? amount.raw;
}

/**
 * The computed opening: which side's amount is higher (one amount each, same unit), or that the amounts
 * are the same (the same set of tiers). Undefined when the amounts cannot be set against each other.
 */
export function comparisonOpening(sides: [SideAmounts, SideAmounts], language: Language): string | undefined {
  const [a, b] = sides;
  const units = new Set([...a.amounts, ...b.amounts].map((amount) => amount.unit));
  if (units.size !== 1) return undefined;
  const say = (side: SideAmounts) => side.amounts.map((amount) => (language === "en" ? english(amount) : amount.raw)).join(language === "en" ? ", " : "、");
  const values = (side: SideAmounts) => side.amounts.map((amount) => amount.value).sort((x, y) => x - y).join(",");
  if (values(a) === values(b)) {
    return language === "en" ? `The amounts are the same: ${a.label} ${say(a)}; ${b.label} ${say(b)}.` : `金额相同：${a.label}${say(a)}，${b.label}${say(b)}。`;
  }
  if (a.amounts.length !== 1 || b.amounts.length !== 1) {
    return language === "en" ? `The amounts differ: ${a.label} ${say(a)}; ${b.label} ${say(b)}.` : `金额不同：${a.label}${say(a)}，${b.label}${say(b)}。`;
  }
  const [high, low] = a.amounts[0]!.value > b.amounts[0]!.value ? [a, b] : [b, a];
  return language === "en"
    ? `${high.label} gets more: ${say(high)}, against ${say(low)} for ${low.label}.`
    : `${high.label}更高：${say(high)}，${low.label}为${say(low)}。`;
}
