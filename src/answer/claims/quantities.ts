import { findFigureValues, figureInEnglish } from "../../facts/figures.js";
import type { Language } from "../../core/types.js";
import { claimLexicon } from "./lexicon.js";

/**
 * The quantities of one report sentence, each with the words that govern it in its clause:
 * "签约产业项目18个、总投资230亿元" holds 18个 (governed by 签约产业项目) and 230亿元 (总投资).
 * Figures with units come from facts/figures.ts; positions (第三名, 排名第一, 榜首) and scores (88.87分)
 * are read here. A figure followed by 以上/以下 is a threshold, and one after 将/预计/力争… a plan.
 */

export type QuantityUnit = "yuan" | "usd" | "percent" | "m2" | "mu" | "count" | "tonne" | "km" | "other" | "rank" | "score";

export interface Quantity {
  raw: string;
  /** The value in the normalised unit (yuan, percent, position …). */
  value: number;
  unit: QuantityUnit;
  approximate?: boolean;
  start: number;
  end: number;
  /** The words from the clause boundary (or the previous quantity) up to the figure. */
  before: string;
  /** The words after the figure up to the next boundary (the noun of "17个项目"). */
  after: string;
  /**
   * The words that say what the figure measures: `before`, and for a rate said right after another
   * figure ("固定资产投资7.82亿元,同比增长107%") also that figure's words.
   */
  governs: string;
  /** For a rate said right after another figure, that figure's start: the rate is that figure's change. */
  follows?: number;
  /** A percentage said as growth (增长, 增速, 提高 …) or as a share (比重, 占 …); undefined otherwise. */
  rateKind?: "growth" | "share";
  /** The whole clause the figure sits in and where it starts in the sentence. */
  clause: string;
  /** The clauses before the figure's, when they hold no figure ("航空产业实现大幅增长,完成…108亿元"): the topic. */
  topic: string;
  clauseStart: number;
  /** Said as a plan, target or projection (将, 预计, 达产后 …) in its clause. */
  notResult: boolean;
  /** A bound in a description ("5亿元以上项目"), not a reported result. */
  threshold: boolean;
  /** Said of a part of a total: after 其中 in its sentence, or of a bounded group ("2亿元以上项目…22个"). */
  subset: boolean;
  /** Said of another group beside the one the sentence is about ("另有总投资188亿元的11个项目"). */
  beside: boolean;
  /** When the sentence says "A、B、C … 分别 X、Y、Z": the list item this figure belongs to. */
  owner?: string;
  /** When the sentence says "2016年至2018年,分别…A、B、C": the year this figure is of. */
  year?: number;
}

const digits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** "94" → 94, "九十四" → 94, "十" → 10, "一百" → 100, "百" → 100. */
export function chineseNumber(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十百千万]+$/u.test(text)) return undefined;
  let total = 0;
  let section = 0;
  let number = 0;
  for (const char of text) {
    if (char in digits) number = digits[char]!;
    else {
      const unit = units[char]!;
      if (unit === 10000) {
        total += (section + number) * unit;
        section = 0;
      } else section += (number === 0 ? 1 : number) * unit;
      number = 0;
    }
  }
  return total + section + number;
}

// Parentheses stay inside a clause: "实际利用外资(商务部口径)4亿美元" is governed by 实际利用外资.
const boundary = /[，,；;：:。！？!?\n]/u;
const boundaryChars = "，,；;：:。！？!?\n";
// ("位居日照全市第一": the ranking's scope — a place and 全市/全省 — may stand between the verb and the position.)
const rankPattern = /(?:第\s*(\d+|[一二两三四五六七八九十百零]+)\s*(?:名|位)|(?:排名|排|列|居|位列|位居|位于)(?:[\u4e00-\u9fa5]{0,4}?(?:全国|全省|全区|全市|全县|全州))?第?\s*(\d+|[一二两三四五六七八九十百零]+)(?:名|位)?|榜首|首位)/gu;
const scorePattern = /(\d+(?:\.\d+)?)\s*分(?![之钟别期配类])/gu;

export function quantitiesIn(sentence: string): Quantity[] {
  const lexicon = claimLexicon();
  const found: Omit<Quantity, "before" | "after" | "governs" | "follows" | "rateKind" | "clause" | "topic" | "clauseStart" | "notResult" | "threshold" | "subset" | "beside">[] = [];
  for (const figure of findFigureValues(sentence)) {
    // "第94位" is a position, read below, not 94 of something.
    if (sentence[figure.start - 1] === "第") continue;
    // "57个工作日", "3天": a count of days all the same.
    const unit = figure.normalizedUnit === "other" && /(?:工作日|天|日)$/u.test(figure.raw) ? "count" : figure.normalizedUnit;
    found.push({ raw: figure.raw, value: figure.normalized, unit, approximate: figure.approximate, start: figure.start, end: figure.end });
  }
  for (const match of sentence.matchAll(rankPattern)) {
    const text = match[1] ?? match[2];
    const value = text ? chineseNumber(text) : 1;
    // "第一季度", "第三批", "第一方阵": an ordinal that is not a position in a ranking.
    const next = sentence.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + match[0].length + 2);
    if (value === undefined || (!/[名位]$/u.test(match[0]) && /^[季批次期届阶产年个家条方梯]/u.test(next))) continue;
    // "排名五连进" is a run of rises, not a position: without 第 or 名/位 a number must end the phrase.
    if (match[0] !== "榜首" && match[0] !== "首位" && !/第/u.test(match[0]) && !/[名位]$/u.test(match[0]) && /^[\u4e00-\u9fa5]/u.test(next)) continue;
    const start = match.index ?? 0;
    if (found.some((item) => start < item.end && item.start < start + match[0].length)) continue;
    found.push({ raw: match[0], value, unit: "rank", start, end: start + match[0].length });
  }
  // "奖励标准为投资额的1.2‰": a rate in per mille, kept as the percentage it is.
  for (const match of sentence.matchAll(/(\d+(?:\.\d+)?)\s*‰/gu)) {
    const start = match.index ?? 0;
    if (found.some((item) => start < item.end && item.start < start + match[0].length)) continue;
    found.push({ raw: match[0], value: Number(match[1]) / 10, unit: "percent", start, end: start + match[0].length });
  }
  const extra = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(多|余)?\\s*(${lexicon.extraCountUnits.join("|")})`, "gu");
  for (const match of sentence.matchAll(extra)) {
    const start = match.index ?? 0;
    if (/[\d.]/u.test(sentence[start - 1] ?? "") || found.some((item) => start < item.end && item.start < start + match[0].length)) continue;
    const unit = match[3]!;
    const scale = unit.startsWith("万") ? 1e4 : unit.startsWith("亿") ? 1e8 : 1;
    const measure = /吨/u.test(unit) ? "tonne" : "count";
    found.push({ raw: match[0], value: Number(match[1]) * scale, unit: measure, approximate: match[2] ? true : undefined, start, end: start + match[0].length });
  }
  for (const match of sentence.matchAll(scorePattern)) {
    const start = match.index ?? 0;
    if (found.some((item) => start < item.end && item.start < start + match[0].length)) continue;
    found.push({ raw: match[0], value: Number(match[1]), unit: "score", start, end: start + match[0].length });
  }
  found.sort((a, b) => a.start - b.start);
  // "综合排名分别为67位和89位": a number of 位 in a ranking's clause is a position; "提升64位" is a move.
  for (const item of found) {
    if (item.unit !== "count" || !/\d位$/u.test(item.raw)) continue;
    const clauseHead = sentence.slice(Math.max(0, ...[...boundaryChars].map((char) => sentence.lastIndexOf(char, item.start - 1) + 1)), item.start);
    if (/排名|排位|位列|名次|位次|排在/u.test(clauseHead) && !/(?:提升|上升|前进|下降|跃升|提高|后退|下滑|前移|晋升)[^，,；;]{0,3}$/u.test(sentence.slice(Math.max(0, item.start - 6), item.start))) item.unit = "rank";
  }
  const quantities = found.map((item, index): Quantity => {
    let clauseStart = item.start;
    while (clauseStart > 0 && !boundary.test(sentence[clauseStart - 1]!)) clauseStart--;
    let clauseEnd = item.end;
    while (clauseEnd < sentence.length && !boundary.test(sentence[clauseEnd]!)) clauseEnd++;
    // "工业总产值36.37亿元,其中,生物医药33亿元…等,同比增长9.98%": after an aside closed by 等, a bare change is
    // the head figure's, not the aside's last item's.
    const asideAt = sentence.lastIndexOf("其中", clauseStart);
    const headOfAside = asideAt >= 0 && /等[,，、]?$/u.test(sentence.slice(0, clauseStart)) ? found.filter((other) => other.end <= asideAt).pop() : undefined;
    const previous = headOfAside ?? found[index - 1];
    const from = Math.max(clauseStart, previous && previous.end <= item.start ? previous.end : 0);
    const before = sentence.slice(from, item.start).replace(/^[、和及与]/u, "");
    const following = found[index + 1];
    // The words after a figure up to the next item of a "、" list: "21%、工业固定资产投资…" is not about 21%.
    const after = /^[^、(（]*/u.exec(sentence.slice(item.end, Math.min(clauseEnd, following ? following.start : clauseEnd, item.end + 8)))![0];
    const clause = sentence.slice(clauseStart, clauseEnd);
    const lead = sentence.slice(clauseStart, item.start);
    const growthOnly = /^[,，、\s]*(?:同比|比上年|比去年|较上年|较去年|较)?(?:分别)?(?:增长|增速|增幅|提高|提升|上升|下降|减少|增加)(?:了|为|达到?)?$/u.test(before);
    const governs = growthOnly && previous ? `${sentence.slice(Math.max(headOfAside ? 0 : clauseStart - 40, 0, previous.start - 30), previous.start).split(/[，,；;。]/u).pop() ?? ""}${before}` : before;
    const rateKind = item.unit !== "percent" ? undefined : /增长|增速|增幅|提高|提升|上升|下降|减少|增加|翻/u.test(before) ? "growth" : /比重|占比|占|份额|比例/u.test(before) ? "share" : undefined;
    // "固定资产投资下降10.9%": a fall is a negative change, so "did it grow?" is answered no.
    const falls = item.unit === "percent" && /(?:下降|减少|回落|降低|负增长|下滑|收窄)(?:了|为|达)?$/u.test(before);
    // The clauses before this one, when they hold no figure, say what it is about ("…成功申请到“天府科创贷”,涉及金额2000万元").
    const previousClauseStart = clauseStart > 1 ? Math.max(...[...boundaryChars].map((char) => sentence.lastIndexOf(char, clauseStart - 2))) + 1 : 0;
    const inPrevious = found.filter((other) => other.start >= previousClauseStart && other.start < clauseStart);
    // "签约项目11个,引资额32.24亿元": an amount right after a count of things is that group's amount.
    const countBefore = inPrevious.length === 1 && inPrevious[0]!.unit === "count" && item.unit !== "count" && item.unit !== "percent";
    const topic = clauseStart === 0 ? "" : !found.some((other) => other.start < clauseStart) ? sentence.slice(0, clauseStart) : inPrevious.length === 0 || countBefore ? sentence.slice(previousClauseStart, clauseStart) : "";
    return {
      ...item,
      topic,
      value: falls ? -item.value : item.value,
      before,
      after,
      governs,
      follows: growthOnly && previous ? previous.start : undefined,
      rateKind,
      clause,
      clauseStart,
      // A plan said in the clause, a strong one ("力争…") anywhere before it in the sentence, or a
      // figure named as the goal right after it ("…突破100亿元的“2331”目标"): not a result.
      notResult: lexicon.notResult.zh.test(lead) || /力争|争取|有望|预计/u.test(sentence.slice(0, item.start)) || /^[^。；;，,、]{0,10}目标/u.test(sentence.slice(item.end, item.end + 16)),
      subset: false,
      beside: false,
      // "1000万元(人民币,下同)及以上": a bracketed aside does not hide the threshold after it.
      threshold: lexicon.thresholdAfter.test(sentence.slice(item.end).replace(/^[(（][^)）]{0,16}[)）]/u, "").slice(0, 8)),
    };
  });
  quantities.forEach((quantity, index) => {
    const previous = quantities[index - 1];
    const boundedGroup = previous !== undefined && previous.threshold && previous.clauseStart === quantity.clauseStart;
    quantity.beside = /另有|另外还有|此外还有/u.test(sentence.slice(quantity.clauseStart, quantity.start));
    quantity.subset = boundedGroup || /其中/u.test(sentence.slice(0, quantity.start)) || quantity.beside;
  });
  assignOwners(sentence, quantities);
  return quantities;
}

/** A name in a "分别" list that is a measure (总产值, 主营业务收入, 增加值, 税收 …), not a zone or a place. */
const measureName = /(?:值|额|收入|投资|税收|利润|总量|数量|产量|规模|增速|比重|营收)$/u;

/**
 * "苏州工业园区、昆山经开区、南京经开区…分别列第三名、第七名、第八名": the i-th figure after 分别 belongs
 * to the i-th name before it. Figures so assigned carry their owner, so one zone is never given
 * another's figure.
 */
function assignOwners(sentence: string, quantities: Quantity[]): void {
  const marker = claimLexicon().respectively.zh;
  const match = marker.exec(sentence);
  if (!match) return;
  const at = match.index;
  const after = quantities.filter((quantity) => quantity.start > at);
  // The names: the enumeration (、) closest before 分别, within its clause run.
  const head = sentence.slice(0, at);
  const clauseStart = Math.max(head.lastIndexOf("。"), head.lastIndexOf("；"), head.lastIndexOf(";")) + 1;
  const segment = head.slice(clauseStart);
  // "2016年至2018年,分别完成国内生产总值236.3亿元、314.5亿元、365亿元": one figure per year, in order.
  const range = [...segment.matchAll(/((?:19|20)\d{2})年?(?:至|到|—|-|~|～)((?:19|20)\d{2})年/gu)].pop();
  if (range) {
    const first = Number(range[1]);
    const span = Number(range[2]) - first + 1;
    const amounts = after.filter((quantity) => quantity.unit !== "percent");
    if (span >= 2 && span <= 10 && amounts.length === span) amounts.forEach((quantity, index) => (quantity.year = first + index));
    return;
  }
  // "A、B、C…分别", or two names joined by 和/与/及 ("龙岩经开区和厦门海沧台商投资区…分别为67位和89位").
  const listMatch = [...segment.matchAll(/[^，,：:、]+(?:、[^，,：:、]+)+/gu)].pop() ?? [...segment.matchAll(/[^，,：:、和与及]+[和与及][^，,：:、和与及]+/gu)].pop();
  if (!listMatch) return;
  // The last name runs into the verb ("南京经开区跻身…榜单"): each name ends at its zone word, when it has one.
  const items = listMatch[0].split(/[、和与及]/u);
  const names = items.map((name) => /^.*(?:开发区|高新区|经开区|新区|园区|工业园|产业园|投资区|示范区|保税区)/u.exec(name.trim())?.[0] ?? name.trim());
  if (names.length < 2) return;
  // "小蓝经开区工业总产值、主营业务收入双双突破1000亿元,分别达…": the items are measures of one zone.
  const measures = items.map((item) => item.trim().replace(/^.*(?:开发区|高新区|经开区|新区|园区|工业园|产业园|投资区|示范区|保税区)/u, "").replace(/(?:双双|均|都|同比|共|突破|达到?|实现|完成|分别).*$/u, ""));
  const ofMeasures = measures.every((measure) => measure.length >= 2 && measureName.test(measure));
  const byUnit = new Map<string, Quantity[]>();
  // Grouped by unit and measure word: "67位和89位" are the names' figures, "共107家" is not.
  for (const quantity of after) {
    const key = `${quantity.unit}:${/[\u4e00-\u9fa5%％]$/u.exec(quantity.raw)?.[0] ?? ""}`;
    byUnit.set(key, [...(byUnit.get(key) ?? []), quantity]);
  }
  for (const list of byUnit.values()) {
    // "A和B…分别为67位和89位,提升64位和13位": two lists in the names' order.
    if (list.length % names.length !== 0) continue;
    list.forEach((quantity, index) => {
      const name = names[index % names.length]!;
      // "工业总产值、主营业务收入双双突破1000亿元,分别达1014.51亿元、1001.2亿元": measures, not owners — each
      // figure is governed by its own measure's words.
      if (ofMeasures) {
        const measure = measures[index % measures.length]!;
        quantity.governs = `${measure}${quantity.before}`;
        // "同比分别增长16.29%和12.64%": the i-th change is the i-th measure's figure's change.
        const figures = [...byUnit.values()].find((other) => other !== list && other.length === list.length && other[0]!.unit !== "percent");
        if (quantity.unit === "percent" && figures) quantity.follows = figures[index]!.start;
        return;
      }
      quantity.owner = name;
      // What the figures measure is said before the names ("跻身“实际使用外资”单项十强榜单"): the whole sentence governs them.
      quantity.clause = sentence;
    });
  }
}

/** A quantity in the asker's language: "RMB 17.625 billion (176.25亿元)", "3rd (第三名)". */
export function quantityText(quantity: Quantity, language: Language): string {
  if (language === "zh") return quantity.raw;
  if (quantity.unit === "rank") return `${ordinal(quantity.value)} (${quantity.raw})`;
  if (quantity.unit === "score") return `${quantity.value} points (${quantity.raw})`;
  return figureInEnglish({ raw: quantity.raw, normalized: quantity.value, normalizedUnit: quantity.unit, approximate: quantity.approximate, unit: "" });
}

function ordinal(value: number): string {
  const tens = value % 100;
  if (tens >= 11 && tens <= 13) return `${value}th`;
  return `${value}${({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[value % 10] ?? "th"}`;
}

/** Does the figure satisfy the condition? (positions: a smaller number is better). */
export function meetsCondition(quantity: Pick<Quantity, "value" | "unit">, condition: { op: string; value: number }): boolean {
  switch (condition.op) {
    case "above":
      return quantity.value > condition.value;
    case "below":
      return quantity.value < condition.value;
    case "atMost":
      return quantity.value <= condition.value;
    default:
      return quantity.value === condition.value;
  }
}

/**
 * The years of a benefit a text names, counted from its start: 前两年 / 头两年 / 两年内 → 1–2, 第三年至第五年 /
 * 第3-5年 → 3–5, 第一年 → 1. Calendar years (2023年) are periods, not these.
 */
const englishOrdinals: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10 };
const englishCardinals: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

/** "from the third to the fifth year" → [3, 5], "first two years" → [1, 2], "in the second year" → [2, 2]. */
function englishYearSpan(text: string): [number, number] | undefined {
  const ordinal = "(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)";
  const range = new RegExp(`\\b${ordinal}\\s+(?:year\\s+)?(?:to|through|until|-)\\s+(?:the\\s+)?${ordinal}\\s+years?\\b`, "iu").exec(text);
  if (range) return [englishOrdinals[range[1]!.toLowerCase()]!, englishOrdinals[range[2]!.toLowerCase()]!];
  const years = /\byears?\s+(\d{1,2})\s*(?:-|–|to|through)\s*(\d{1,2})\b/iu.exec(text);
  if (years) return [Number(years[1]), Number(years[2])];
  const first = /\bfirst\s+(two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+years\b/iu.exec(text);
  if (first) return [1, englishCardinals[first[1]!.toLowerCase()] ?? Number(first[1])];
  const single = new RegExp(`\\b${ordinal}\\s+year\\b`, "iu").exec(text);
  if (single) return [englishOrdinals[single[1]!.toLowerCase()]!, englishOrdinals[single[1]!.toLowerCase()]!];
  return undefined;
}

export function yearSpan(text: string): [number, number] | undefined {
  return chineseYearSpan(text) ?? englishYearSpan(text);
}

function chineseYearSpan(text: string): [number, number] | undefined {
  const n = (written: string) => chineseNumber(written) ?? Number.NaN;
  const range = /第([一二两三四五六七八九十\d]{1,2})(?:年)?(?:至|到|-|—|~)第?([一二两三四五六七八九十\d]{1,2})年/u.exec(text);
  if (range) return [n(range[1]!), n(range[2]!)];
  const first = /(?:前|头)([一二两三四五六七八九十\d]{1,2})年|(?<![\d年第])([一二两三四五六七八九十\d]{1,2})年内/u.exec(text);
  if (first) return [1, n(first[1] ?? first[2]!)];
  const single = /第([一二两三四五六七八九十\d]{1,2})年/u.exec(text);
  if (single) return [n(single[1]!), n(single[1]!)];
  return undefined;
}

/** Do the question and the figure's clause name benefit years that do not meet? */
export function otherYearSpan(question: string, clause: string): boolean {
  const asked = yearSpan(question);
  const said = asked ? yearSpan(clause) : undefined;
  return asked !== undefined && said !== undefined && Number.isFinite(said[0]) && Number.isFinite(asked[0]) && (said[1] < asked[0] || said[0] > asked[1]);
}
