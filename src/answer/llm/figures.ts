/**
 * Figures (amounts, percentages, counts, years, dates) found in Chinese or English text,
 * normalised so that an answer's "10.563 billion yuan" can be checked against a passage's
 * "105.63亿元". Pure functions: the grounding check of the LLM chain rests on them, so they are
 * unit-tested on their own.
 */

type Currency = "CNY" | "USD";

export interface NumberFigure {
  kind: "number" | "percent";
  /** The text as it appeared. */
  raw: string;
  /** Absolute value after applying 万/亿/million/billion. */
  value: number;
  /** Half a unit of the last written digit, in absolute terms: how far rounding may have moved it. */
  tolerance: number;
  /** Significant digits written; a one-digit figure ("2 billion") must match exactly. */
  significantDigits: number;
  currency?: Currency;
  /** A four-digit integer without unit that reads as a year (2023, 2023年). */
  yearLike: boolean;
}

interface DateFigure {
  kind: "date";
  raw: string;
  year?: number;
  month?: number;
  day?: number;
}

export type Figure = NumberFigure | DateFigure;

const chineseMultipliers: Record<string, number> = { 万亿: 1e12, 亿: 1e8, 千万: 1e7, 百万: 1e6, 万: 1e4, 千: 1e3 };
const englishMultipliers: Record<string, number> = {
  trillion: 1e12,
  "hundred million": 1e8,
  billion: 1e9,
  bn: 1e9,
  million: 1e6,
  mln: 1e6,
  mn: 1e6,
  "ten thousand": 1e4,
  thousand: 1e3,
};

const monthNames: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
  july: 7, jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9, october: 10, oct: 10,
  november: 11, nov: 11, december: 12, dec: 12,
};
const monthPattern = Object.keys(monthNames)
  .sort((a, b) => b.length - a.length)
  .join("|");

const chineseDigits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/**
 * Turns small Chinese numerals into digits (十多名 → 10多名, 二十四个 → 24个, 两家 → 2家) so that
 * a passage written in characters still grounds an answer written in digits. Only runs followed
 * by a measure word are converted, so words such as 一带一路 or 统一 are left alone.
 */
export function chineseNumeralsToDigits(text: string): string {
  return text.replace(/([零〇一二两三四五六七八九十百千]+)(?=(?:多|余)?(?:个|名|家|项|人|位|次|批|所|座|条|户|年|月|日|天|亿|万|倍|届|场|款|类|支|佳|强|大|台|套|栋|幢|平方米|亩|公里|公顷))/gu, (run) => {
    const value = parseChineseInteger(run);
    return value === undefined ? run : String(value);
  });
}

function parseChineseInteger(run: string): number | undefined {
  let total = 0;
  let current = 0;
  const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  for (const char of run) {
    if (char in chineseDigits) {
      current = chineseDigits[char];
    } else if (char in units) {
      total += (current === 0 ? 1 : current) * units[char];
      current = 0;
    } else {
      return undefined;
    }
  }
  // 一二三 (digit after digit) is not a number word; refuse rather than misread it.
  if (!/[十百千]/u.test(run) && [...run].length > 1) return undefined;
  return total + current;
}

interface Span {
  start: number;
  end: number;
}

function blank(text: string, spans: Span[]): string {
  let result = text;
  for (const span of spans) result = result.slice(0, span.start) + " ".repeat(span.end - span.start) + result.slice(span.end);
  return result;
}

function extractDates(text: string): { figures: DateFigure[]; spans: Span[] } {
  const figures: DateFigure[] = [];
  const spans: Span[] = [];
  type Parts = Omit<DateFigure, "kind" | "raw">;
  const patterns: { regex: RegExp; read: (match: RegExpExecArray) => Parts | Parts[] }[] = [
    // 2023年1-6月 states its first and last month, so "January–June 2023" is grounded by it.
    { regex: /(\d{4})\s*年\s*(\d{1,2})\s*月?\s*[-—–~至到]\s*(\d{1,2})\s*月/gu, read: (m) => (+m[2] < +m[3] ? [{ year: +m[1], month: +m[2] }, { year: +m[1], month: +m[3] }] : []) },
    { regex: /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/gu, read: (m) => ({ year: +m[1], month: +m[2], day: +m[3] }) },
    { regex: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/gu, read: (m) => ({ year: +m[1], month: +m[2], day: +m[3] }) },
    { regex: /(\d{4})\s*年\s*(\d{1,2})\s*月/gu, read: (m) => ({ year: +m[1], month: +m[2] }) },
    { regex: /(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/gu, read: (m) => ({ month: +m[1], day: +m[2] }) },
    {
      regex: new RegExp(`\\b(${monthPattern})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, "giu"),
      read: (m) => ({ month: monthNames[m[1].toLowerCase()], day: +m[2], year: m[3] ? +m[3] : undefined }),
    },
    {
      regex: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${monthPattern})\\.?(?:,?\\s+(\\d{4}))?\\b`, "giu"),
      read: (m) => ({ month: monthNames[m[2].toLowerCase()], day: +m[1], year: m[3] ? +m[3] : undefined }),
    },
    {
      regex: new RegExp(`\\b(${monthPattern})\\.?,?\\s+(\\d{4})\\b`, "giu"),
      read: (m) => ({ month: monthNames[m[1].toLowerCase()], year: +m[2] }),
    },
  ];
  let working = text;
  for (const { regex, read } of patterns) {
    for (const match of working.matchAll(regex)) {
      const found = read(match as RegExpExecArray);
      const all = Array.isArray(found) ? found : [found];
      if (all.length === 0 || all.some((parts) => (parts.month !== undefined && (parts.month < 1 || parts.month > 12)) || (parts.day !== undefined && (parts.day < 1 || parts.day > 31)))) continue;
      const span = { start: match.index ?? 0, end: (match.index ?? 0) + match[0].length };
      for (const parts of all) figures.push({ kind: "date", raw: match[0], ...parts });
      spans.push(span);
    }
    working = blank(working, spans);
  }
  return { figures, spans };
}

const numberPattern = new RegExp(
  [
    // optional currency prefix: $68.36 million, US$ 5 million, RMB 10 billion, ¥3亿
    String.raw`(?<prefix>US\$|\$|USD|RMB|CNY|¥|￥)?\s*`,
    String.raw`(?<![\w.])(?<mantissa>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`,
    String.raw`(?<ordinal>st|nd|rd|th)?`,
    String.raw`\s*(?<approx>多|余|来)?\s*`,
    String.raw`(?<zhMultiplier>万亿|千万|百万|亿|万|千)?`,
    String.raw`\s*(?<enMultiplier>(?:hundred million|ten thousand|trillion|billion|million|thousand|bn|mln|mn)\b)?`,
    String.raw`\s*(?<unit>%|％|个百分点|百分点|percentage points?|per ?cent\b|美元|US dollars?\b|U\.S\. dollars?\b|USD\b|dollars?\b|人民币|元|yuan\b|RMB\b|CNY\b)?`,
  ].join(""),
  "giu",
);

function currencyOf(token: string | undefined): Currency | undefined {
  if (!token) return undefined;
  const lowered = token.toLowerCase();
  if (lowered.includes("$") || lowered.includes("美元") || lowered.includes("dollar") || lowered === "usd") return "USD";
  return "CNY";
}

function countSignificantDigits(mantissa: string): number {
  const digits = mantissa.replace(/[,.]/gu, "").replace(/^0+/u, "");
  if (!mantissa.includes(".")) return digits.replace(/0+$/u, "").length || 1;
  return digits.length || 1;
}

function extractNumbers(text: string): NumberFigure[] {
  const figures: NumberFigure[] = [];
  for (const match of text.matchAll(numberPattern)) {
    const groups = match.groups ?? {};
    const mantissaText = groups.mantissa;
    if (!mantissaText) continue;
    const startOfNumber = (match.index ?? 0) + match[0].indexOf(mantissaText);
    const before = text.slice(Math.max(0, startOfNumber - 1), startOfNumber);
    const matchEnd = (match.index ?? 0) + match[0].trimEnd().length;
    const after = text.slice(matchEnd, matchEnd + 1);
    // Ordinals (14th) and model codes (5G, H1) are labels, not quantities.
    if (groups.ordinal) continue;
    if (/[A-Za-z]/u.test(before) && !groups.prefix) continue;
    if (/^[A-Za-z]/u.test(after) && !groups.unit && !groups.enMultiplier) continue;
    const mantissa = Number(mantissaText.replace(/,/gu, ""));
    if (!Number.isFinite(mantissa)) continue;
    const zh = groups.zhMultiplier ? chineseMultipliers[groups.zhMultiplier] : 1;
    const en = groups.enMultiplier ? englishMultipliers[groups.enMultiplier.toLowerCase()] : 1;
    const multiplier = zh * en;
    const decimals = mantissaText.includes(".") ? mantissaText.split(".")[1].length : 0;
    const unit = groups.unit ?? "";
    const isPercent = /%|％|百分点|percent|per cent/iu.test(unit);
    const currency = isPercent ? undefined : currencyOf(groups.prefix) ?? currencyOf(unit || undefined);
    const yearLike =
      !isPercent && multiplier === 1 && !currency && decimals === 0 && /^\d{4}$/u.test(mantissaText) && mantissa >= 1900 && mantissa <= 2100;
    figures.push({
      kind: isPercent ? "percent" : "number",
      raw: match[0].trim(),
      value: mantissa * multiplier,
      tolerance: 0.5 * 10 ** -decimals * multiplier,
      significantDigits: countSignificantDigits(mantissaText),
      currency,
      yearLike,
    });
  }
  return figures;
}

/** Every figure in `text`, dates first; numbers inside a date are not counted twice. */
export function extractFigures(text: string): Figure[] {
  const normalised = chineseNumeralsToDigits(text.normalize("NFKC"));
  const { figures: dates, spans } = extractDates(normalised);
  const numbers = extractNumbers(blank(normalised, spans));
  return [...dates, ...numbers];
}

function numbersMatch(answer: NumberFigure, passage: NumberFigure): boolean {
  if ((answer.kind === "percent") !== (passage.kind === "percent")) return false;
  if (answer.currency && passage.currency && answer.currency !== passage.currency) return false;
  const difference = Math.abs(answer.value - passage.value);
  if (difference <= 1e-9 * Math.max(1, Math.abs(passage.value))) return true;
  // "10.56 billion" may round "105.63亿"; a one-digit figure ("2 billion") must be exact.
  return answer.significantDigits >= 2 && difference <= answer.tolerance * (1 + 1e-9);
}

function yearsIn(figures: Figure[]): Set<number> {
  const years = new Set<number>();
  for (const figure of figures) {
    if (figure.kind === "date" && figure.year !== undefined) years.add(figure.year);
    if (figure.kind === "number" && figure.yearLike) years.add(figure.value);
  }
  return years;
}

/** True when `figure` (from an answer) is stated by one of `passageFigures`. */
export function isFigureGrounded(figure: Figure, passageFigures: Figure[]): boolean {
  if (figure.kind === "date") {
    const years = yearsIn(passageFigures);
    return passageFigures.some((candidate) => {
      if (candidate.kind !== "date") return false;
      if (figure.month !== undefined && candidate.month !== figure.month) return false;
      if (figure.day !== undefined && candidate.day !== figure.day) return false;
      if (figure.month === undefined && figure.day === undefined) return candidate.year === figure.year;
      if (figure.year === undefined || candidate.year === figure.year) return true;
      // 7月11日 in a report of 2023 grounds "July 11, 2023".
      return candidate.year === undefined && years.has(figure.year);
    });
  }
  if (figure.yearLike && yearsIn(passageFigures).has(figure.value)) return true;
  return passageFigures.some((candidate) => candidate.kind !== "date" && numbersMatch(figure, candidate));
}

/** The figures of `answerText` that none of `passageFigures` states. */
export function ungroundedFigures(answerText: string, passageFigures: Figure[]): Figure[] {
  return extractFigures(answerText).filter((figure) => !isFigureGrounded(figure, passageFigures));
}
