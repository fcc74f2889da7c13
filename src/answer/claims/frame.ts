import type { Language } from "../../core/types.js";
import type { Period } from "../../facts/types.js";
import type { TermGroup } from "../../retrieve/analyze-query.js";
import { claimLexicon, type AskedKind } from "./lexicon.js";
import { chineseNumber } from "./quantities.js";
import { statementAsk, type StatementAsk } from "./statements.js";

/**
 * The question read once into a typed value: what it asks (one part per asked figure: "多少个项目？
 * 总投资多少？" is two), about whom, for which period, and under which condition a yes/no is decided
 * ("more than 30%", "超过一倍", "top 50"). Strategies work from this value only; the words that signal
 * each field live in data/lexicon.json.
 */

export type Intent = "figure" | "yesno" | "person" | "other";

export interface FramePart {
  /** The words of the question this part covers (its clause). */
  text: string;
  /** What kind of figure answers it, most specific first; empty when the part names none. */
  asked: AskedKind[];
  /** The question's term groups that occur in this part. */
  terms: TermGroup[];
  /** A percentage asked as growth ("增长多少", "grow") or as a share ("占比", "share"). */
  rate?: "growth" | "share";
  /** The noun after the last 的 of its words ("累计签约项目的计划总投资" → 计划总投资): what is measured. */
  head?: string;
}

export type ConditionOp = "above" | "below" | "atMost" | "equals";

export interface Condition {
  op: ConditionOp;
  value: number;
  /** The normalised unit the threshold is in: percent, count, yuan, usd, rank (a position). */
  unit: "percent" | "count" | "yuan" | "usd" | "rank" | "score" | "area" | "any";
  /** The words of the question that state it, e.g. "more than 30%", "超过一倍". */
  text: string;
}

export interface Subject {
  place: string;
  /** The zone as written in a Chinese question (银川经济技术开发区). */
  zoneName?: string;
  /** The zone kind asked ("高新", "经开", "新区", "工业园"), when the question names one. */
  kind?: string;
  level?: "zone" | "city" | "county" | "province";
  /** Names the subject's documents use for it (稀土高新区 for 包头): their words name, they do not measure. */
  aliases?: string[];
  /** The subject as the question writes it ("大冶湖高新区", "Wuxi High-tech Zone"), when it names two or more. */
  mention?: string;
  /** The question's words about this subject only (from its name to the next subject's), when it names two or more. */
  segment?: string;
  /** The period the question gives this subject ("…in November 2020 with … on February 5, 2024"). */
  period?: Period;
}

export interface Frame {
  question: string;
  /** Provinces named as where the subject lies ("广西" in "the best-ranked zone in Guangxi"): a rank asked is taken there. */
  scope?: string[];
  language: Language;
  intent: Intent;
  parts: FramePart[];
  /** Every term group of the question (parts' and context's). */
  terms: TermGroup[];
  subjects: Subject[];
  period?: Period;
  condition?: Condition;
  /** The question asks about a plan, target or expectation: such figures are then results. */
  asksPlan: boolean;
  /** Amounts that describe the asker's case ("larger than 500 mu", "20家以上民宿"): they pick a tier of a rule. */
  cases: number[];
  /** The asker's amounts in yuan ("4000万元", "40 million yuan" → 40,000,000), to place them in a policy's tiers. */
  caseYuan: number[];
  /** "哪个更多", "which was larger": the figures of two subjects are compared, the larger (or smaller) named. */
  compare?: { direction: "more" | "less"; text: string };
  /** Two or more subjects each asked about in their own words ("A和B各签约多少个项目"): answered side by side. */
  sides: boolean;
  /** A list or a superlative the reports state ("涉及哪6大产业", "which was the largest project"). */
  statement?: StatementAsk;
}

export interface FrameInput {
  question: string;
  language: Language;
  /** The question kind of question-kind.ts (yesno, entity, figure …). */
  kind: string;
  terms: TermGroup[];
  subjects: Subject[];
  period?: Period;
  /** The period a piece of the question names, for each subject's own period. */
  periodOf?: (text: string) => Period | undefined;
  /** The names each subject may be written with in the question (zone name, place, English name). */
  names?: string[][];
  /** Provinces the question names beside its subject's own city: where a ranking asked is taken. */
  scope?: string[];
}

export function readFrame(input: FrameInput): Frame {
  const { question, language } = input;
  const parts = splitParts(question, language, input.terms);
  // "What was the GDP of …?": a figure is asked though no clause names its kind.
  // "What was the GDP of X in 2023?" (kind "general"): a measure of a subject for a period is a figure.
  const measureOf = input.kind === "general" && (input.period !== undefined || /\b(?:full|whole|entire)[- ]year\b|\bannual\b/iu.test(question)) && (language === "en" ? /^\s*what (?:was|is|were|are) (?:(?:the|its|their) [^?]{1,60}\bof\b|[^?]{2,80}['’]s [a-z][^?]{1,60})/iu.test(question) : /是多少|有多少|多少/u.test(question));
  if (parts.length === 0 && (input.kind === "figure" || measureOf)) parts.push({ text: question, asked: ["any"], terms: input.terms, rate: rateAsked(question) });
  // "Baotou rare earth zone: cumulative signed projects and planned investment for 2022?": measures
  // named without a question word are asked all the same, one part per measure noun.
  if (parts.length === 0 && input.kind === "general" && input.period !== undefined) parts.push(...measureNounParts(question, language, input.terms));
  const condition = input.kind === "yesno" ? readCondition(question, language) : undefined;
  const compare = input.kind !== "yesno" ? readCompare(question, language) : undefined;
  const subjects = input.names ? placeSubjects(question, input.subjects, input.names, language, input.periodOf) : input.subjects;
  const sides = subjects.filter((subject) => subject.segment !== undefined).length >= 2;
  // "Compare the total investment of A with that of B. Which was larger?": the comparison asks a figure.
  if (parts.length === 0 && compare && sides) {
    // "…签约项目的总投资，哪个更少？": the head noun says what is compared.
    const head = language === "zh" ? headNoun(question) : undefined;
    parts.push({ text: question, asked: head ? ["any"] : ["amount", "count", "percent"], terms: input.terms, rate: rateAsked(question), ...(head ? { head } : {}) });
  }
  // A yes/no's threshold kind comes from the question as a whole ("grow by more than 25%" asks growth).
  if (condition) parts.forEach((part) => (part.rate ??= rateAsked(question)));
  let intent: Intent = "other";
  if (input.kind === "yesno") intent = "yesno";
  else if (parts.some((part) => part.asked.includes("person"))) intent = "person";
  else if (parts.some((part) => part.asked.length > 0)) intent = "figure";
  return {
    question,
    language,
    intent,
    parts,
    terms: input.terms,
    subjects,
    period: input.period,
    condition,
    asksPlan: claimLexicon().asksPlan.test(question),
    ...(input.scope && input.scope.length > 0 ? { scope: input.scope } : {}),
    cases: casesIn(question, language),
    caseYuan: amountsInYuan(question, language),
    compare: sides ? compare : undefined,
    sides,
    statement: input.kind === "yesno" || sides ? undefined : statementAsk(question, language),
  };
}

/** "哪个总投资更高", "Which was larger?": the comparison the question asks for, if any. */
export function readCompare(question: string, language: Language): Frame["compare"] {
  const cues = claimLexicon().compare;
  for (const direction of ["less", "more"] as const) {
    const match = cues[direction][language].exec(question);
    if (match) return { direction, text: match[0] };
  }
  return undefined;
}

const zoneSuffix = /^[\u4e00-\u9fa5]{0,8}?(?:经济技术开发区|高新技术产业开发区|经济开发区|台商投资区|开发区|高新区|经开区|新区|工业园区|产业园|园区|综合保税区|保税区|试验区|示范区)/u;

/**
 * Where each subject is named in a question that names two or more apart ("滨州高新区和大冶湖高新区…",
 * "Compare … Wuxi High-tech Zone … with … Jingmen High-tech Zone"): its mention, the words up to the
 * next subject's name, and the period those words give. Names written together ("江苏苏州工业园区")
 * are one subject, and get no segments.
 */
export function placeSubjects(question: string, subjects: Subject[], names: string[][], language: Language, periodOf?: (text: string) => Period | undefined): Subject[] {
  const lower = question.toLowerCase();
  const found = subjects.map((subject, index) => {
    const positions = (names[index] ?? []).filter((name) => name.length > 0).map((name) => ({ at: lower.indexOf(name.toLowerCase()), name })).filter((item) => item.at >= 0);
    return positions.sort((a, b) => a.at - b.at)[0];
  });
  const order = subjects.map((_, index) => index).filter((index) => found[index]).sort((a, b) => found[a]!.at - found[b]!.at);
  if (order.length < 2) return subjects;
  // Each name must stand apart, joined to the next by "和", "or", "with" …: "Jinpu New Area in Dalian",
  // "大连金普新区" name one subject twice.
  for (let k = 1; k < order.length; k++) {
    const previous = found[order[k - 1]!]!;
    const gap = question.slice(previous.at + previous.name.length, found[order[k]!]!.at);
    if (!(language === "zh" ? /[和与及、跟同或比]|还是|对比|相比/u : /\b(?:and|or|with|versus|vs\.?|than|compared|against)\b/iu).test(gap)) return subjects;
  }
  const prefix = question.slice(0, found[order[0]!]!.at);
  const shared = periodOf?.(prefix);
  const result = subjects.map((subject) => ({ ...subject }));
  order.forEach((index, k) => {
    const at = found[index]!.at;
    const next = k + 1 < order.length ? found[order[k + 1]!]!.at : question.length;
    let segment = question.slice(at, next);
    // The last subject's words end with its clause: what follows ("，各是多少？哪个更多？") is asked of all.
    if (k === order.length - 1) segment = (language === "zh" ? segment.split(/[？?；;]|[，,。](?=[^，,。]*(?:多少|几|哪|谁|吗))/u) : segment.split(/[?;]|\.\s|,\s*(?=(?:and\s+)?(?:which|what|how|who)\b)/iu))[0] ?? segment;
    const written = question.slice(at);
    const mention = language === "zh" ? zoneSuffix.exec(written)?.[0] ?? found[index]!.name : /^[A-Z][A-Za-z-]*(?:\s+(?:[A-Z][A-Za-z-]*|ETDZ))*/u.exec(written)?.[0] ?? found[index]!.name;
    // A day without a year ("截至4月30日") narrows nothing the shared period ("2022年开年以来") has not said.
    const own = periodOf?.(segment.slice(found[index]!.name.length));
    result[index] = { ...result[index]!, mention, segment, period: own && !own.yearless ? own : shared ?? own };
  });
  return result;
}

/** Zone kind named by a zone name or an English question: the part of a name that tells two zones of one city apart. */
export function zoneKindOf(text: string): string | undefined {
  if (/高新|high[- ]?tech|hi-tech/iu.test(text)) return "高新";
  if (/经开|经济技术|经济开发|economic(?: and technological)? development|\betdz\b/iu.test(text)) return "经开";
  if (/新区|new area|new district/iu.test(text)) return "新区";
  if (/工业园|产业园|industrial park/iu.test(text)) return "工业园";
  if (/保税|综合保税|bonded/iu.test(text)) return "保税";
  if (/自贸|free trade/iu.test(text)) return "自贸";
  return undefined;
}

/**
 * A question's clauses, each with the figure kinds it asks; clauses that ask nothing are context
 * for the next one ("在…考评中，南昌高新区得了多少分、排名第几？" is two parts).
 */
export function splitParts(question: string, language: Language, terms: TermGroup[]): FramePart[] {
  const pieces = language === "zh" ? question.split(/[？?；;，,、。！!]/u) : question.split(/\?|;|,\s*(?:and\s+)?(?=(?:what|how|which|who|when|where|and)\b)|\s+and\s+(?=(?:what|how|which|who|when|where)\b)|(?<=\b(?:how many|number of)\b[^?;]{0,80}?)\s+and\s+(?=(?:the\s+|its\s+|their\s+)?(?:total|combined|overall)?\s*(?:investment|value|amount|worth)\b)/iu);
  const parts: FramePart[] = [];
  let context = "";
  for (const piece of pieces.map((text) => text.trim()).filter(Boolean)) {
    const asked = askedIn(piece, language);
    if (asked.length === 0) {
      context = `${context} ${piece}`.trim();
      continue;
    }
    // "包头…的计划总投资，和珠海…的总投资，各是多少？": a part with no words of its own asks about its context.
    const own = termsIn(piece, terms, language);
    // (A position or score asked, "排第几位", is measured by its kind: the context is the ranking's name.)
    const inContext = own.length === 0 && context && asked.length === 1 && asked[0] === "any" ? termsIn(context, terms, language) : [];
    const head = language === "zh" ? headNoun(inContext.length > 0 ? `${context}，${piece}` : piece) : undefined;
    parts.push({ text: piece, asked, terms: [...own, ...inContext], rate: rateAsked(piece) ?? (inContext.length > 0 ? rateAsked(context) : undefined), ...(head ? { head } : {}) });
    context = "";
  }
  // Trailing context ("…多少个项目，在哪里举行") belongs to the last part.
  if (context && parts.length > 0) {
    const last = parts[parts.length - 1]!;
    last.terms = [...last.terms, ...termsIn(context, terms, language).filter((term) => !last.terms.includes(term))];
  }
  return parts;
}

const questionWords = { zh: /多少|几|哪|什么|谁|吗|是否|怎么|如何|为何|为什么/u, en: /\b(?:what|how|which|who|whom|when|where|why|is|are|was|were|did|does|do|can|could|has|have|had)\b/iu };
const measureNouns: { kind: AskedKind; zh: RegExp; en: RegExp }[] = [
  { kind: "count", zh: /项目|企业|家数|个数/u, en: /\b(?:projects?|companies|firms|enterprises)\b/iu },
  { kind: "amount", zh: /投资|产值|收入|营收|税收|金额|总额|销售额|进出口|出口额|进口额|增加值/u, en: /\b(?:investment|output|revenue|income|value|sales|exports?|imports?|tax(?:es)?)\b/iu },
  { kind: "percent", zh: /增速|增幅|增长率|比重|占比/u, en: /\b(?:growth|rate|share)\b/iu },
];

/** A question naming measures without asking ("…: signed projects and planned investment?"): a part per measure noun. */
function measureNounParts(question: string, language: Language, terms: TermGroup[]): FramePart[] {
  if (questionWords[language].test(question)) return [];
  const body = question.replace(/^[^:：]*[:：]/u, "");
  const pieces = body.split(language === "zh" ? /和|及|与|、|，|,/u : /\band\b|,|;/iu).map((piece) => piece.trim()).filter(Boolean);
  const parts: FramePart[] = [];
  for (const piece of pieces) {
    const noun = measureNouns.find((entry) => entry[language].test(piece));
    if (!noun) continue;
    parts.push({ text: piece, asked: [noun.kind], terms: termsIn(piece, terms, language), rate: rateAsked(piece) });
  }
  return parts;
}

/** "X的Y是多少": Y, the noun the question measures (the last 的-phrase before the question words). */
export function headNoun(text: string): string | undefined {
  const found = [...text.matchAll(/的([\u4e00-\u9fa5]{2,8}?)(?=是|为|有|各|达|共|分别|多少|几|[，,？?。；;\s]|$)/gu)];
  return found[found.length - 1]?.[1];
}

export function rateAsked(text: string): FramePart["rate"] {
  if (/比重|占比|份额|比例|\bshare\b|\bproportion\b|\bpercentage of\b/iu.test(text)) return "share";
  if (/增长|增速|增幅|提高|上升|下降|翻番|翻一番|一倍|\bgr[eo]w|\bincrease|\brise\b|\brose\b|\bdecline|\bdouble/iu.test(text)) return "growth";
  return undefined;
}

/** The kinds one clause asks for, in the order the lexicon prefers when several cues meet. */
export function askedIn(text: string, language: Language): AskedKind[] {
  const lexicon = claimLexicon();
  const found = (kind: AskedKind) => lexicon.asked[kind][language].test(text);
  const order: AskedKind[] = language === "zh"
    ? ["person", "rank", "score", "area", "percent", "count", "amount", "any"]
    : ["person", "rank", "score", "count", "area", "percent", "amount", "any"];
  const kinds = order.filter(found);
  if (language === "en" && kinds.includes("count")) return ["count", ...kinds.filter((kind) => kind !== "count" && kind !== "amount" && kind !== "any")];
  // "What rank did it take for output growth?", "增速排第几": the position is asked, the rate is what it ranks by.
  if (language === "en" ? /\b(?:what|which) (?:rank|ranking|place|position)\b/iu.test(text) : /排第几|第几名|第几位|排名第几|排在第几/u.test(text)) return ["rank"];
  // "how much did it grow": growth wins over the money words of the same clause.
  if (language === "en" && kinds.includes("percent") && (/\bhow much\b[^?]*\b(?:gr[eo]w|improve|increase|rise|rose)/iu.test(text) || /\bby how much\b/iu.test(text))) return ["percent"];
  return kinds.length > 0 ? kinds.filter((kind) => kind !== "any" || kinds.length === 1) : kinds;
}

/** Does English text hold a group's label? "fixed-asset investment" is the glossary's "fixed asset investment": hyphens and spaces are one. */
export function saysLabel(text: string, label: string): boolean {
  const plain = (value: string) => value.toLowerCase().replace(/[-‐–—]+/gu, " ").replace(/\s+/gu, " ");
  return plain(text).includes(plain(label));
}

function termsIn(piece: string, terms: TermGroup[], language: Language): TermGroup[] {
  return terms.filter((group) => (language === "zh" ? piece.includes(group.label) || group.alternatives.some((term) => piece.includes(term)) : saysLabel(piece, group.label)));
}

const numberText = "(\\d+(?:\\.\\d+)?|[零一二两三四五六七八九十百千万]+)";

/** The threshold a yes/no question is decided against, when it states one. */
export function readCondition(question: string, language: Language): Condition | undefined {
  const cues = claimLexicon().condition[language];
  const double = cues.double.exec(question);
  if (double) return { op: "above", value: 100, unit: "percent", text: double[0] };
  const top = new RegExp(cues.topN.source, "iu").exec(question);
  if (top) {
    const digits = top.slice(1).find((group) => group !== undefined);
    const value = digits ? chineseNumber(digits) : /百强/u.test(top[0]) ? 100 : undefined;
    if (value) return { op: "atMost", value, unit: "rank", text: top[0] };
  }
  const unitText = language === "zh" ? "(%|％|倍|个|家|项|户|名|位|亿美元|万美元|美元|亿元|万元|亿|万|元|分|平方公里|平方米|万平方米|亩)?" : "\\s*(%|percent|per cent|billion|million|projects?|companies|firms|enterprises|points|square kilomet(?:re|er)s?|km2|km²|square met(?:re|er)s?|mu)?";
  // "above one percent": English number words are read as the digits they stand for.
  const asked = language === "en" ? englishNumberWords(question) : question;
  for (const op of ["above", "below"] as const) {
    const pattern = language === "zh"
      ? new RegExp(`(?:${cues[op].source})\\s*${numberText}${unitText}`, "iu")
      : new RegExp(`\\b(?:${cues[op].source})\\s+(?:rmb|us\\$|\\$|¥)?\\s*(\\d[\\d,]*(?:\\.\\d+)?)${unitText}`, "iu");
    const match = pattern.exec(asked);
    if (!match) continue;
    const value = chineseNumber(match[1]!.replace(/,/g, ""));
    if (value === undefined) continue;
    // "more than 15 of them", "15 of the 22 sectors": a count of things, whatever grew.
    const ofThem = language === "en" && !match[2] && /^\s*(?:of\s+(?:them|these|those|the|its|their)\b)/iu.test(asked.slice((match.index ?? 0) + match[0].length));
    return { op, ...(ofThem ? { value, unit: "count" as const } : conditionValue(value, match[2], asked, language)), text: match[0] };
  }
  // "Did it grow?", "增长了吗": growth above zero is the condition.
  if (language === "en" ? /\b(?:grow|grew|grown|increase[ds]?|rise|rose)\b/iu.test(question) && !/\bhow\b/iu.test(question) : /(?:增长|增加|上升)(?:了)?吗|是否(?:实现)?(?:正)?增长|有没有增长|正增长/u.test(question)) {
    if (!cues.first.test(question) && !top) return { op: "above", value: 0, unit: "percent", text: language === "zh" ? "增长" : "growth" };
  }
  const first = cues.first.exec(question);
  if (first && (language === "en" ? /\brank|\bplace|\bposition|\bcome\b|\bcame\b/iu.test(question) : true)) return { op: "equals", value: 1, unit: "rank", text: first[0] };
  return undefined;
}

const smallNumbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"];
const tens: Record<string, number> = { thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100 };

/** "one percent" → "1 percent", "fifty projects" → "50 projects" (whole words only). */
export function englishNumberWords(text: string): string {
  return text.replace(/\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b/giu, (word) => {
    const lower = word.toLowerCase();
    return String(tens[lower] ?? smallNumbers.indexOf(lower));
  });
}

function conditionValue(value: number, unit: string | undefined, question: string, language: Language): Pick<Condition, "value" | "unit"> {
  const text = (unit ?? "").toLowerCase();
  if (/^(?:%|％|percent|per cent)$/u.test(text)) return { value, unit: "percent" };
  if (text === "倍") return { value: value * 100, unit: "percent" };
  if (/美元/u.test(text)) return { value: value * (text.startsWith("亿") ? 1e8 : text.startsWith("万") ? 1e4 : 1), unit: "usd" };
  if (/^(?:亿元|亿|万元|万|元)$/u.test(text)) return { value: value * (text.startsWith("亿") ? 1e8 : text.startsWith("万") ? 1e4 : 1), unit: "yuan" };
  if (text === "billion" || text === "million") {
    const scaled = value * (text === "billion" ? 1e9 : 1e6);
    return { value: scaled, unit: /us\$|\$|dollar/iu.test(question) && !/rmb|yuan/iu.test(question) ? "usd" : "yuan" };
  }
  if (text === "分" || text === "points") return { value, unit: "score" };
  if (/平方公里|square kilomet|km/u.test(text)) return { value: value * 1e6, unit: "area" };
  if (/平方米|square met/u.test(text)) return { value: value * (text.startsWith("万") ? 1e4 : 1), unit: "area" };
  if (text === "亩" || text === "mu") return { value, unit: "area" };
  if (text) return { value, unit: "count" };
  // A bare number after "more than": growth questions mean percent, others a count.
  if (language === "en" ? /\bgr[eo]w|\bincrease|\brise|\brose/iu.test(question) : /增长|增速|增幅/u.test(question)) return { value, unit: "percent" };
  return { value, unit: "any" };
}

/**
 * The numbers that describe the asker's own case: "a base larger than 500 mu", "20 or more
 * homestays", "新建面积800亩的". Years, dates and the threshold of a yes/no are not cases.
 */
/** Amounts of money the question states, in yuan. */
export function amountsInYuan(question: string, language: Language): number[] {
  const pattern = language === "zh" ? /(\d+(?:\.\d+)?)\s*(亿|万)?元/gu : /(\d+(?:\.\d+)?)\s*(billion|million)?\s*(?:yuan|rmb)\b|\brmb\s*(\d+(?:\.\d+)?)\s*(billion|million)?/giu;
  const scale: Record<string, number> = { 亿: 1e8, 万: 1e4, billion: 1e9, million: 1e6 };
  return [...question.matchAll(pattern)].map((match) => Number(match[1] ?? match[3]) * (scale[(match[2] ?? match[4] ?? "").toLowerCase()] ?? 1)).filter((value) => value > 0);
}

export function casesIn(question: string, language: Language): number[] {
  const pattern = language === "zh" ? /(\d+(?:\.\d+)?)\s*(?:万元|亿元|元|亩|家|个|人|张|间|名|平方米|万平方米|吨|户)/gu : /(\d+(?:\.\d+)?)\s*(?:or more\s+)?(?:[a-z-]+\s+){0,2}?(?:mu|homestays?|companies|firms|projects|people|beds|rooms|employees|households|square met(?:re|er)s|tonnes|million|billion|yuan)\b/giu;
  const found: number[] = [];
  for (const match of question.matchAll(pattern)) {
    const before = question.slice(Math.max(0, (match.index ?? 0) - 2), match.index ?? 0);
    if (/[年月日第]$/u.test(before)) continue;
    found.push(Number(match[1]));
  }
  return found;
}
