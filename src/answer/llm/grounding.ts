import type { Chunk, Citation, Language } from "../../core/types.js";
import { chineseNumeralsToDigits, extractFigures, isFigureGrounded, type Figure } from "./figures.js";
import type { Fact, Period } from "../../facts/types.js";
import { parseChinesePeriods, parseEnglishPeriods, samePeriod, withinPeriod, type FoundPeriod } from "../../facts/period.js";

/**
 * Checks a model's answer against the passages it was given: citation markers must name a given
 * passage, and every figure must be stated by a passage the sentence cites. What fails is dropped
 * and reported, so the final answer holds no number the corpus does not contain (a streaming
 * adapter may show unchecked partial text meanwhile; the checked answer then replaces it).
 */

/** The exact sentence the prompts ask for when the passages do not answer. */
export const noAnswerSentences: Record<Language, string> = {
  zh: "资料中没有找到这个问题的答案。",
  en: "The passages do not answer this question.",
};

const notCoveredPatterns = [
  /资料中没有找到这个问题的答案/u,
  /(资料|材料|文中|文章|以上内容|上述)[^。！？\n]{0,8}(没有|未|并未|不|无)(提及|提到|包含|涉及|找到|说明|给出|披露|相关)/u,
  /无法(根据|从|依据)?[^。！？\n]{0,12}(回答|确定|得知)/u,
  /passages? (do|does) not (answer|contain|mention|cover|provide|state|say)/iu,
  /(no|not enough) (relevant )?information/iu,
  /(is|are) not (mentioned|covered|provided|specified|stated) in the passages/iu,
];

/** True when the model says the passages do not cover the question. */
export function saysNotCovered(text: string): boolean {
  return notCoveredPatterns.some((pattern) => pattern.test(text));
}

const markerPattern = /\[\^?\s*(\d+(?:\s*[,，、\-–]\s*\^?\d+)*)\s*\]|【\s*(\d+)\s*】|［\s*(\d+)\s*］/gu;

function markerNumbers(match: RegExpMatchArray): number[] {
  const body = match[1] ?? match[2] ?? match[3] ?? "";
  const numbers: number[] = [];
  for (const part of body.split(/[,，、]/u)) {
    const [from, to] = part.split(/[-–]/u).map((value) => Number(value.replace(/\^/gu, "").trim()));
    if (!Number.isInteger(from)) continue;
    // [1-3] means passages 1, 2 and 3; a reversed or huge range is not a citation.
    if (to !== undefined && Number.isInteger(to) && to >= from && to - from < 20) for (let n = from; n <= to; n += 1) numbers.push(n);
    else numbers.push(from);
  }
  return numbers;
}

/**
 * Splits text into sentences, each keeping its trailing citation markers and whitespace, so that
 * joining the kept ones restores the original layout.
 */
export function splitAnswerSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  let index = 0;
  const trailing = /^(?:[”’"」』）)]*)(?:\s*(?:\[\^?\s*\d+(?:\s*[,，、\-–]\s*\^?\d+)*\s*\]|【\s*\d+\s*】|［\s*\d+\s*］))*[”’"」』）)]*[ \t]*\n*/u;
  while (index < text.length) {
    const char = text[index];
    let end = -1;
    if (/[。！？!?；;]/u.test(char)) {
      end = index + 1;
    } else if (char === "." && (index + 1 >= text.length || /\s|\[/u.test(text[index + 1]))) {
      // "U.S." and "No." are not sentence ends.
      const word = /([A-Za-z]+)$/u.exec(text.slice(start, index))?.[1] ?? "";
      if (word.length !== 1 && !/^(No|no|Dr|Mr|Ms|Mrs|e\.g|i\.e|etc)$/u.test(word)) end = index + 1;
    } else if (char === "\n") {
      end = index + 1;
    }
    if (end === -1) {
      index += 1;
      continue;
    }
    const rest = trailing.exec(text.slice(end));
    end += rest ? rest[0].length : 0;
    sentences.push(text.slice(start, end));
    start = end;
    index = end;
  }
  if (start < text.length) sentences.push(text.slice(start));
  return sentences;
}

export interface GroundingResult {
  answer: string;
  citations: Citation[];
  warnings: string[];
  /** Kept sentences that cite at least one given passage. */
  citedSentences: number;
}

function describeFigure(figure: Figure): string {
  return figure.raw;
}

function shorten(text: string, length = 60): string {
  const flat = text.replace(/\s+/gu, " ").trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** Figures a passage states: its title, text, indexed text (relative dates resolved) and report date. */
function passageFigures(chunk: Chunk): Figure[] {
  return extractFigures([chunk.title, chunk.text, chunk.indexText, chunk.date ?? ""].join("\n"));
}

function quoteFor(chunk: Chunk, figures: Figure[]): string {
  if (figures.length === 0) return chunk.text;
  const sentences = splitAnswerSentences(chunk.text)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
  const holding = sentences.filter((sentence) => {
    const own = extractFigures(sentence);
    return figures.some((figure) => isFigureGrounded(figure, own));
  });
  return holding.length > 0 ? holding.join("") : chunk.text;
}

/**
 * Applies the checks to `text` written from `passages` (passage n is `passages[n - 1]`) and
 * renumbers the kept citation markers 1..k in order of first use.
 */
export interface FactBinding {
  /** Facts of the passages (src/facts). */
  facts: Fact[];
  /** English names of places (衡阳 → Hengyang), to find a zone named in an English sentence. */
  english: Record<string, string>;
}

/** Where `raw` stands in `text`: its `nth` occurrence not inside a longer number (28 is not in 2028). */
function positionOf(text: string, raw: string, nth: number): number {
  let seen = 0;
  for (let at = text.indexOf(raw); at !== -1; at = text.indexOf(raw, at + 1)) {
    if (/[\d.]/u.test(text[at - 1] ?? "") || /\d/u.test(text[at + raw.length] ?? "")) continue;
    if (seen === nth) return at;
    seen += 1;
  }
  return -1;
}

/**
 * Periods an answer sentence states, Chinese and English forms (2022年, 上半年, H1 2023, in 2022,
 * the first half of 2023, 十三五). Relative words (今年, last year) are skipped: an answer has no
 * "today" to resolve them against, and a guessed year would drop good sentences.
 */
function statedPeriods(text: string): FoundPeriod[] {
  const context = { yearlessWhenBare: true };
  const chinese = parseChinesePeriods(text, context).filter((found) => found.period.kind !== "to-date");
  // "2023" inside 2023年上半年 is the Chinese expression's, not a second period.
  const english = parseEnglishPeriods(text, context).filter((found) => !chinese.some((zh) => found.index < zh.end && zh.index < found.end));
  return [...chinese, ...english].sort((a, b) => a.index - b.index);
}

/**
 * A fact's period agrees with a stated one when it is the same period or lies inside it (a
 * January–June figure stated "in 2023"). "Since 2019" has no end in an answer, so it agrees with a
 * cumulative fact that starts in 2019.
 */
function periodsAgree(fact: Period, stated: Period): boolean {
  // A to-date total ("截至目前累计…") does not say since when, so it is not contradicted.
  if (stated.kind === "since") return fact.kind === "to-date" || (fact.kind === "since" && fact.from === stated.from);
  return samePeriod(fact, stated) || withinPeriod(fact, stated);
}

interface Unbound {
  figure: Figure;
  /** Why the figure is not bound, for the warning. */
  reason: string;
}

/**
 * Binds each figure to who and when. Who: the zone or place named nearest before it in the
 * sentence; a figure said of a zone must be a fact of that zone in a cited passage ("Hengyang …
 * 10.6 billion [1] and Changzhi … 10.56 billion [2]" fails when 10.6 billion is Changzhi's).
 * When: the period stated nearest before or after it ("2023年上半年，… 28个", "28 projects in
 * 2022"); the cited fact it matches must be of that period or inside it. A figure with no stated
 * period, or whose matching facts include one without a resolved period, is not judged on period.
 */
function unboundFigures(body: string, cited: Chunk[], binding: FactBinding): Unbound[] {
  const citedIds = new Set(cited.map((chunk) => chunk.id));
  const facts = binding.facts.filter((fact) => citedIds.has(fact.chunkId));
  if (facts.length === 0) return [];
  // The text extractFigures reads, so figure positions and period spans share offsets.
  const text = chineseNumeralsToDigits(body.normalize("NFKC"));
  const lower = text.toLowerCase();
  const places = [...new Set(binding.facts.map((fact) => fact.place))];
  const mentions = places.flatMap((place) => {
    const names = [place, binding.english[place]].filter((name): name is string => Boolean(name));
    return names.flatMap((name) => {
      const found: { place: string; index: number }[] = [];
      for (let at = lower.indexOf(name.toLowerCase()); at !== -1; at = lower.indexOf(name.toLowerCase(), at + 1)) found.push({ place, index: at });
      return found;
    });
  });
  const periods = statedPeriods(text);
  const factFigures = new Map(facts.map((fact) => [fact, extractFigures(fact.raw)]));
  const occurrences = new Map<string, number>();
  const unbound: Unbound[] = [];
  for (const figure of extractFigures(body)) {
    const nth = occurrences.get(figure.raw) ?? 0;
    occurrences.set(figure.raw, nth + 1);
    if (figure.kind === "date" || figure.yearLike) continue;
    const found = positionOf(text, figure.raw, nth);
    const at = found === -1 ? text.length : found;
    // Digits of a period expression (the 1 and 6 of 1-6月) are when, not how much.
    if (found !== -1 && periods.some((period) => found >= period.index && found < period.end)) continue;

    const owner = mentions.filter((mention) => mention.index < at).sort((a, b) => b.index - a.index)[0];
    const candidates = owner ? facts.filter((fact) => fact.place === owner.place) : facts;
    const matching = candidates.filter((fact) => isFigureGrounded(figure, factFigures.get(fact) ?? []));
    if (owner && matching.length === 0) {
      unbound.push({ figure, reason: `${figure.raw} is not a figure of ${binding.english[owner.place] ?? owner.place} in` });
      continue;
    }
    if (found === -1 || matching.length === 0) continue;
    const before = periods.filter((period) => period.end <= found).at(-1);
    const after = periods.find((period) => period.index >= found + figure.raw.length);
    const stated = [before, after].filter((period): period is FoundPeriod => period !== undefined).map((period) => period.period);
    if (stated.length === 0) continue;
    if (matching.some((fact) => !fact.period || fact.period.yearless)) continue;
    if (matching.some((fact) => stated.some((period) => periodsAgree(fact.period!, period)))) continue;
    const factPeriods = [...new Set(matching.map((fact) => fact.period!.en))].join(", ");
    unbound.push({ figure, reason: `${figure.raw} is stated for ${stated.map((period) => period.en).join(" or ")}, but its fact is for ${factPeriods} in` });
  }
  return unbound;
}

export function groundAnswer(text: string, passages: Chunk[], figuresByPassage: Figure[][] = passages.map(passageFigures), binding?: FactBinding): GroundingResult {
  const warnings: string[] = [];
  const allFigures = figuresByPassage.flat();
  const renumber = new Map<number, number>();
  const figuresCited = new Map<number, Figure[]>();
  const kept: string[] = [];
  let citedSentences = 0;

  for (const sentence of splitAnswerSentences(text)) {
    const cited: number[] = [];
    for (const match of sentence.matchAll(markerPattern)) {
      for (const n of markerNumbers(match)) {
        if (n >= 1 && n <= passages.length) {
          if (!cited.includes(n)) cited.push(n);
        } else {
          warnings.push(`Removed citation [${n}]: no passage ${n} was given to the model.`);
        }
      }
    }
    const body = sentence.replace(markerPattern, "");
    const figures = extractFigures(body);
    const pool = cited.length > 0 ? cited.flatMap((n) => figuresByPassage[n - 1]) : allFigures;
    const unbound = binding ? unboundFigures(body, cited.map((n) => passages[n - 1]!), binding).filter((item) => isFigureGrounded(item.figure, pool)) : [];
    const missing = figures.filter((figure) => !isFigureGrounded(figure, pool));
    if (missing.length > 0 || unbound.length > 0) {
      const where = cited.length > 0 ? `passage ${cited.map((n) => `[${n}]`).join("")}` : "any passage";
      const reasons = [...(missing.length > 0 ? [`${missing.map(describeFigure).join(", ")} is not in`] : []), ...unbound.map((item) => item.reason)];
      warnings.push(`Dropped a sentence because ${reasons.join("; ")} ${where}: "${shorten(body)}"`);
      // Keep the line break so the remaining sentences keep their layout.
      if (/\n$/u.test(sentence) && kept.length > 0 && !/\n$/u.test(kept[kept.length - 1])) kept.push("\n");
      continue;
    }
    if (cited.length > 0 && body.trim().length > 0) citedSentences += 1;
    for (const n of cited) {
      if (!renumber.has(n)) renumber.set(n, renumber.size + 1);
      figuresCited.set(n, [...(figuresCited.get(n) ?? []), ...figures]);
    }
    kept.push(
      sentence.replace(markerPattern, (...args) => {
        const numbers = markerNumbers(args as unknown as RegExpMatchArray).filter((n) => renumber.has(n));
        return [...new Set(numbers)].map((n) => `[${renumber.get(n)}]`).join("");
      }),
    );
  }

  const answer = kept
    .join("")
    .replace(/[ \t]+([。，,.!?！？；;])/gu, "$1")
    .replace(/\n{3,}/gu, "\n\n")
    .trim();

  const citations: Citation[] = [...renumber.entries()].map(([original, n]) => {
    const chunk = passages[original - 1];
    return {
      n,
      source: chunk.source,
      title: chunk.title,
      zone: chunk.zones[0] ?? "",
      date: chunk.date,
      quote: quoteFor(chunk, figuresCited.get(original) ?? []),
      chunkId: chunk.id,
      start: chunk.start,
      end: chunk.end,
    };
  });

  return { answer, citations, warnings, citedSentences };
}
