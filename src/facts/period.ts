import type { Period, PeriodKind } from "./types.js";

/**
 * Periods in report sentences and in questions: 2023年1-6月, 2023年上半年, 今年上半年 (the report's
 * year), “十三五”期间, 去年以来, 7月11日, H1 2023, the first half of 2023, last year (against today).
 * A period is a month range, so "does this fact answer that question" is a range comparison.
 */

export interface FoundPeriod {
  period: Period;
  /** Offsets of the expression in the text. */
  index: number;
  end: number;
}

export interface PeriodContext {
  /** The year that 今年/本年 (and bare 上半年, 5月) mean: the report's year, or today's for a question. */
  year?: number;
  /** The month "now" is in (for 以来 and 目前): the report's month when known. */
  month?: number;
  /** Questions: a half or month without a year means "any year, the latest" instead of `year`. */
  yearlessWhenBare?: boolean;
}

const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const chineseNumerals: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };
const plans: Record<string, { from: number; ordinal: string }> = {
  十一五: { from: 2006, ordinal: "11th" },
  十二五: { from: 2011, ordinal: "12th" },
  十三五: { from: 2016, ordinal: "13th" },
  十四五: { from: 2021, ordinal: "14th" },
  十五五: { from: 2026, ordinal: "15th" },
};
const relativeYears: Record<string, number> = { 前年: -2, 去年: -1, 上年: -1, 今年: 0, 本年: 0, 当年: 0, 明年: 1 };

const pad = (n: number) => String(n).padStart(2, "0");
const ym = (year: number | undefined, month: number) => `${year ?? "????"}-${pad(month)}`;

function monthRange(year: number | undefined, from: number, to: number, kind: PeriodKind, yearless = false): Period {
  const y = yearless ? undefined : year;
  const zhYear = y !== undefined ? `${y}年` : "";
  const enYear = y !== undefined ? ` ${y}` : "";
  let zh: string;
  let en: string;
  if (kind === "year") {
    zh = `${y}年`;
    en = `${y}`;
  } else if (kind === "half") {
    zh = `${zhYear}${from === 1 ? "上半年" : "下半年"}`;
    en = `${from === 1 ? "January–June" : "July–December"}${enYear}`;
  } else if (kind === "quarter") {
    const q = Math.ceil(from / 3);
    zh = to - from > 2 ? `${zhYear}前三季度` : `${zhYear}第${"一二三四"[q - 1]}季度`;
    en = to - from > 2 ? `January–September${enYear}` : `Q${q}${enYear}`;
  } else if (from === to) {
    zh = `${zhYear}${from}月`;
    en = `${monthNames[from - 1]}${enYear}`;
  } else {
    zh = `${zhYear}${from}-${to}月`;
    en = `${monthNames[from - 1]}–${monthNames[to - 1]}${enYear}`;
  }
  return { kind, from: ym(y, from), to: ym(y, to), zh, en, ...(y === undefined ? { yearless: true } : {}) };
}

/** 2016–2020: a plan's years are the plan (so the question matches facts filed under 十三五). */
function yearRange(from: number, to: number): Period | undefined {
  if (to <= from) return undefined;
  const plan = Object.entries(plans).find(([, item]) => item.from === from && item.from + 4 === to);
  if (plan) return planPeriod(plan[0]);
  return { kind: "range", from: ym(from, 1), to: ym(to, 12), zh: `${from}—${to}年`, en: `${from}–${to}` };
}

export function yearPeriod(year: number): Period {
  return monthRange(year, 1, 12, "year");
}

function planPeriod(name: string): Period {
  const plan = plans[name]!;
  return {
    kind: "plan",
    from: ym(plan.from, 1),
    to: ym(plan.from + 4, 12),
    zh: `“${name}”期间`,
    en: `${plan.from}–${plan.from + 4} (${plan.ordinal} Five-Year Plan)`,
  };
}

function sincePeriod(year: number, context: PeriodContext): Period {
  const endYear = context.year ?? year;
  const endMonth = context.month ?? 12;
  return {
    kind: "since",
    from: ym(year, 1),
    to: ym(endYear, endMonth),
    zh: `${year}年以来`,
    en: `since ${year}`,
  };
}

function subPeriod(year: number | undefined, suffix: string, yearless: boolean): Period | undefined {
  if (!suffix) return year !== undefined ? yearPeriod(year) : undefined;
  if (suffix === "上半年") return monthRange(year, 1, 6, "half", yearless);
  if (suffix === "下半年") return monthRange(year, 7, 12, "half", yearless);
  if (suffix === "前三季度") return monthRange(year, 1, 9, "quarter", yearless);
  const quarter = /^第?([一二三四1-4])季度$/.exec(suffix);
  if (quarter) {
    const q = chineseNumerals[quarter[1]!] ?? Number(quarter[1]);
    return monthRange(year, q * 3 - 2, q * 3, "quarter", yearless);
  }
  const months = /^(\d{1,2})(?:月?\s*[-—–至到~]\s*(\d{1,2}))?月(?:份)?$/.exec(suffix);
  if (months) {
    const from = Number(months[1]);
    const to = months[2] ? Number(months[2]) : from;
    if (from < 1 || to > 12 || to < from) return undefined;
    if (from === 1 && to === 6) return { ...monthRange(year, 1, 6, "months", yearless) };
    return monthRange(year, from, to, from === to ? "month" : "months", yearless);
  }
  return undefined;
}

const suffixPattern = "(上半年|下半年|前三季度|第?[一二三四1-4]季度|\\d{1,2}(?:月?\\s*[-—–至到~]\\s*\\d{1,2})?月份?)?";
const chinesePattern = new RegExp(
  [
    // 2016—2020年, 2016年至2020年
    `((?:19|20)\\d{2})\\s*年?\\s*[-—–~至到]\\s*((?:19|20)\\d{2})\\s*年`,
    // 2023年1-6月, 2023年上半年, 2019年
    `((?:19|20)\\d{2})\\s*年${suffixPattern}(以来)?`,
    // 今年上半年, 去年以来
    `(前年|去年|上年|今年|本年|当年|明年)${suffixPattern}(以来)?`,
    // “十三五”期间
    `[“"]?(十[一二三四五]五)[”"]?(?:期间|时期|以来|末)?`,
    // 7月11日 (a day), 5月24-26日
    `(\\d{1,2})月(\\d{1,2})(?:[-—–]\\d{1,2})?日`,
    // bare 上半年, 1-6月, 一季度
    `${suffixPattern.replace(/\)\?$/, ")")}`,
    // 截至目前, 目前, 至今
    `(截至目前|截止目前|目前|至今)`,
  ].join("|"),
  "gu",
);

/** Every period expression in a Chinese text, in order. */
export function parseChinesePeriods(text: string, context: PeriodContext = {}): FoundPeriod[] {
  const found: FoundPeriod[] = [];
  let lastExplicitYear: number | undefined;
  for (const match of text.matchAll(chinesePattern)) {
    const index = match.index ?? 0;
    const end = index + match[0].length;
    let period: Period | undefined;
    const [, rangeFrom, rangeTo, absYear, absSuffix, absSince, relWord, relSuffix, relSince, plan, dayMonth, day, bareSuffix, toDate] = match;
    if (rangeFrom && rangeTo) {
      period = yearRange(Number(rangeFrom), Number(rangeTo));
      if (!period) continue;
      lastExplicitYear = Number(rangeTo);
    } else if (absYear) {
      const year = Number(absYear);
      lastExplicitYear = year;
      period = absSince ? sincePeriod(year, context) : subPeriod(year, absSuffix ?? "", false);
    } else if (relWord) {
      if (context.year === undefined) continue;
      const year = context.year + relativeYears[relWord]!;
      lastExplicitYear = year;
      period = relSince ? sincePeriod(year, context) : subPeriod(year, relSuffix ?? "", false);
    } else if (plan) {
      period = plans[plan] ? planPeriod(plan) : undefined;
    } else if (dayMonth && day) {
      // A question's "7月11日" names no year: any year's 11 July, like a bare 上半年.
      const year = lastExplicitYear ?? (context.yearlessWhenBare ? undefined : context.year);
      const month = Number(dayMonth);
      if (month < 1 || month > 12) continue;
      if (year === undefined && !context.yearlessWhenBare) continue;
      const label = match[0];
      period = {
        kind: "day",
        from: ym(year, month),
        to: ym(year, month),
        zh: `${year !== undefined ? `${year}年` : ""}${label}`,
        en: `${monthNames[month - 1]} ${Number(day)}${year !== undefined ? `, ${year}` : ""}`,
        day: `${year ?? "????"}-${pad(month)}-${pad(Number(day))}`,
        ...(year === undefined ? { yearless: true } : {}),
      };
    } else if (bareSuffix) {
      // "年" right before means it belongs to a year expression we did not match (e.g. 二〇二三年).
      if (/年$/.test(text.slice(0, index))) continue;
      const yearless = context.yearlessWhenBare === true;
      if (!yearless && context.year === undefined) continue;
      period = subPeriod(lastExplicitYear ?? context.year, bareSuffix, yearless && lastExplicitYear === undefined);
    } else if (toDate) {
      if (context.year === undefined) continue;
      period = { kind: "to-date", from: ym(context.year, context.month ?? 12), to: ym(context.year, context.month ?? 12), zh: `截至${context.year}年${context.month ? `${context.month}月` : ""}`, en: `as of ${context.month ? `${monthNames[context.month - 1]} ` : ""}${context.year}` };
    }
    if (period) found.push({ period, index, end });
  }
  return found;
}

const englishMonth = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const englishPattern = new RegExp(
  [
    `\\b((?:19|20)\\d{2})\\s*(?:-|–|—|to|through)\\s*((?:19|20)\\d{2})\\b`,
    `\\b(?:h([12])|(first|second) half(?: of)?|([1-4])q|q([1-4])|(first|second|third|fourth) quarter(?: of)?|first three quarters(?: of)?)\\s*(?:of\\s+|,\\s*)?((?:19|20)\\d{2})?`,
    `\\b${englishMonth}\\s*(?:[-–—]|to|through)\\s*${englishMonth}\\s*(?:of\\s+)?((?:19|20)\\d{2})?`,
    `\\b(?:(13th|14th|12th|thirteenth|fourteenth|twelfth) five[- ]year plan(?: period)?)`,
    `\\b(since (?:last year|this year|((?:19|20)\\d{2})))`,
    `\\b(last year|this year|the year before last)\\b`,
    `\\b(?:in |during |for )?((?:19|20)\\d{2})\\b`,
  ].join("|"),
  "gi",
);
const monthIndex = (name: string) => ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].indexOf(name.slice(0, 3).toLowerCase()) + 1;
const planWords: Record<string, string> = { "12th": "十二五", twelfth: "十二五", "13th": "十三五", thirteenth: "十三五", "14th": "十四五", fourteenth: "十四五" };

/** Period expressions in an English question. */
const englishDay = /\b(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?|(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)(?:,?\s+((?:19|20)\d{2}))?\b/giu;

/** "May 7, 2022", "7 May 2022", "May 7": one day (a question's day without a year is any year's). */
function englishDays(text: string, context: PeriodContext): FoundPeriod[] {
  const found: FoundPeriod[] = [];
  for (const match of text.matchAll(englishDay)) {
    const monthWord = (match[1] ?? match[4])!;
    const day = Number(match[2] ?? match[3]);
    const month = monthIndex(monthWord.slice(0, 3));
    if (month < 1 || day < 1 || day > 31) continue;
    const year = match[5] ? Number(match[5]) : context.yearlessWhenBare ? undefined : context.year;
    if (year === undefined && !context.yearlessWhenBare) continue;
    const index = match.index ?? 0;
    found.push({
      period: {
        kind: "day",
        from: ym(year, month),
        to: ym(year, month),
        zh: `${year !== undefined ? `${year}年` : ""}${month}月${day}日`,
        en: `${monthNames[month - 1]} ${day}${year !== undefined ? `, ${year}` : ""}`,
        day: `${year ?? "????"}-${pad(month)}-${pad(day)}`,
        ...(year === undefined ? { yearless: true } : {}),
      },
      index,
      end: index + match[0].length,
    });
  }
  return found;
}

const countWords: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11 };

/** "the first seven months of 2024", "first 5 months": January to that month. */
function firstMonths(text: string, context: PeriodContext): FoundPeriod[] {
  const found: FoundPeriod[] = [];
  for (const match of text.matchAll(/\bfirst (two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) months(?:\s+of\s+|,?\s*)?((?:19|20)\d{2})?/giu)) {
    const count = countWords[match[1]!.toLowerCase()] ?? Number(match[1]);
    if (!(count >= 1 && count <= 12)) continue;
    const year = match[2] ? Number(match[2]) : context.yearlessWhenBare ? undefined : context.year;
    if (year === undefined && !context.yearlessWhenBare) continue;
    const index = match.index ?? 0;
    found.push({ period: monthRange(year, 1, count, "months", year === undefined), index, end: index + match[0].length });
  }
  return found;
}

/** "by the end of August", "as of end-October 2023": the month a running total is given for (as 截至8月底 reads). */
function endOfMonth(text: string, context: PeriodContext): FoundPeriod[] {
  const found: FoundPeriod[] = [];
  const months = monthNames.join("|");
  for (const match of text.matchAll(new RegExp(`\\b(?:(?:by|as of|at|until|through|to|up to) )?(?:the )?end(?: of|-) ?(${months})(?:,? ((?:19|20)\\d{2}))?`, "giu"))) {
    const month = monthNames.findIndex((name) => name.toLowerCase() === match[1]!.toLowerCase()) + 1;
    const year = match[2] ? Number(match[2]) : context.yearlessWhenBare ? undefined : context.year;
    if (year === undefined && !context.yearlessWhenBare) continue;
    const index = match.index ?? 0;
    found.push({ period: monthRange(year, month, month, "month", year === undefined), index, end: index + match[0].length });
  }
  return found;
}

export function parseEnglishPeriods(text: string, context: PeriodContext = {}): FoundPeriod[] {
  const found: FoundPeriod[] = [...englishDays(text, context), ...firstMonths(text, context), ...endOfMonth(text, context)];
  for (const match of text.matchAll(englishPattern)) {
    const index = match.index ?? 0;
    const end = index + match[0].length;
    // The year of "May 7, 2022" is part of the day already found.
    if (found.some((day) => index >= day.index && end <= day.end)) continue;
    const [, yearFrom, yearTo, h, halfWord, qa, qb, quarterWord, partYear, m1, m2, rangeYear, planWord, since, sinceYear, relative, plainYear] = match;
    const yearless = context.yearlessWhenBare === true;
    let period: Period | undefined;
    if (yearFrom && yearTo) {
      period = yearRange(Number(yearFrom), Number(yearTo));
    } else if (h || halfWord || qa || qb || quarterWord || /first three quarters/i.test(match[0])) {
      const year = partYear ? Number(partYear) : context.year;
      const noYear = !partYear && (yearless || year === undefined);
      if (!partYear && !yearless && year === undefined) continue;
      if (h || halfWord) {
        const first = h === "1" || /first/i.test(halfWord ?? "");
        period = monthRange(year, first ? 1 : 7, first ? 6 : 12, "half", noYear);
      } else if (/first three quarters/i.test(match[0])) period = monthRange(year, 1, 9, "quarter", noYear);
      else {
        const q = Number(qa ?? qb ?? 0) || ["first", "second", "third", "fourth"].indexOf((quarterWord ?? "").toLowerCase()) + 1;
        period = monthRange(year, q * 3 - 2, q * 3, "quarter", noYear);
      }
    } else if (m1 && m2) {
      const year = rangeYear ? Number(rangeYear) : context.year;
      const noYear = !rangeYear && (yearless || year === undefined);
      const from = monthIndex(m1);
      const to = monthIndex(m2);
      if (from < 1 || to < from) continue;
      period = monthRange(year, from, to, "months", noYear);
    } else if (planWord) {
      period = planPeriod(planWords[planWord.toLowerCase()]!);
    } else if (since) {
      const year = sinceYear ? Number(sinceYear) : context.year !== undefined ? context.year - (/last/i.test(since) ? 1 : 0) : undefined;
      if (year === undefined) continue;
      period = sincePeriod(year, context);
    } else if (relative) {
      if (context.year === undefined) continue;
      const offset = /before last/i.test(relative) ? -2 : /last/i.test(relative) ? -1 : 0;
      period = yearPeriod(context.year + offset);
    } else if (plainYear) {
      period = yearPeriod(Number(plainYear));
    }
    if (period) found.push({ period, index, end });
  }
  return found;
}

/** The period a question asks about: the most specific one it names. Relative words count from `today`. */
export function questionPeriod(question: string, language: "zh" | "en", today: Date = new Date()): Period | undefined {
  const context: PeriodContext = { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, yearlessWhenBare: true };
  const found = language === "zh" ? parseChinesePeriods(question, context).filter((item) => item.period.kind !== "to-date") : parseEnglishPeriods(question, context);
  if (found.length === 0) return undefined;
  // "2023年上半年" is one expression; with several, the narrowest is what is asked.
  return found.map((item) => item.period).sort((a, b) => span(a) - span(b))[0];
}

/** Months covered (yearless periods count their months). */
export function span(period: Period): number {
  const [fy, fm] = period.from.split("-");
  const [ty, tm] = period.to.split("-");
  const years = fy === "????" || ty === "????" ? 0 : Number(ty) - Number(fy);
  return years * 12 + Number(tm) - Number(fm) + 1;
}

/** A fact's period answers an asked period exactly (same months; a yearless question takes any year). */
export function samePeriod(fact: Period, asked: Period): boolean {
  if (asked.kind === "day" && asked.day) return fact.kind === "day" && fact.day !== undefined && (asked.yearless ? fact.day.slice(5) === asked.day.slice(5) : fact.day === asked.day);
  if (asked.yearless) return fact.from.slice(5) === asked.from.slice(5) && fact.to.slice(5) === asked.to.slice(5) && fact.from.slice(0, 4) === fact.to.slice(0, 4);
  return fact.from === asked.from && fact.to === asked.to;
}

/** The fact's period lies inside the asked one (a day inside the half year it was asked about). */
export function withinPeriod(fact: Period, asked: Period): boolean {
  if (asked.yearless) {
    if (fact.from.slice(0, 4) !== fact.to.slice(0, 4)) return false;
    return fact.from.slice(5) >= asked.from.slice(5) && fact.to.slice(5) <= asked.to.slice(5);
  }
  return fact.from >= asked.from && fact.to <= asked.to;
}

/** Distance in months between two periods' ends (for "the nearest period the corpus has"). */
export function periodDistance(a: Period, b: Period): number {
  const months = (value: string) => {
    const [y, m] = value.split("-");
    return y === "????" ? Number(m) : Number(y) * 12 + Number(m);
  };
  if (a.yearless || b.yearless) return Math.abs(Number(a.to.slice(5)) - Number(b.to.slice(5))) + Math.abs(span(a) - span(b));
  return Math.abs(months(a.to) - months(b.to)) + Math.abs(span(a) - span(b));
}

