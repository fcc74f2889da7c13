import type { Language } from "../../core/types.js";
import type { Period } from "../../facts/types.js";
import type { TermGroup } from "../../retrieve/analyze-query.js";
import { claimLexicon, type AskedKind } from "./lexicon.js";
import { chineseNumber } from "./quantities.js";

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
}

export interface Frame {
  question: string;
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
}

export interface FrameInput {
  question: string;
  language: Language;
  /** The question kind of question-kind.ts (yesno, entity, figure …). */
  kind: string;
  terms: TermGroup[];
  subjects: Subject[];
  period?: Period;
}

// A question that itself asks about a plan or what a project will do once running wants those figures.
const planCue = /计划|目标|预计|力争|规划|达产|投产后|建成后|建成以后|投产以后|\b(?:plan(?:ned)?|target(?:ed)?|expected|projected|aim(?:s|ed)?|goal|will|once (?:completed|running|in operation)|full capacity)\b/iu;

export function readFrame(input: FrameInput): Frame {
  const { question, language } = input;
  const parts = splitParts(question, language, input.terms);
  // "What was the GDP of …?": a figure is asked though no clause names its kind.
  // "What was the GDP of X in 2023?" (kind "general"): a measure of a subject for a period is a figure.
  const measureOf = input.kind === "general" && input.period !== undefined && (language === "en" ? /^\s*what (?:was|is|were|are) (?:the|its|their) [^?]{1,60}\bof\b/iu.test(question) : /是多少|有多少|多少/u.test(question));
  if (parts.length === 0 && (input.kind === "figure" || measureOf)) parts.push({ text: question, asked: ["any"], terms: input.terms, rate: rateAsked(question) });
  const condition = input.kind === "yesno" ? readCondition(question, language) : undefined;
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
    subjects: input.subjects,
    period: input.period,
    condition,
    asksPlan: planCue.test(question),
    cases: casesIn(question, language),
  };
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
  const pieces = language === "zh" ? question.split(/[？?；;，,、。！!]/u) : question.split(/\?|;|,\s*(?:and\s+)?(?=(?:what|how|which|who|when|where|and)\b)|\s+and\s+(?=(?:what|how|which|who|when|where)\b)/iu);
  const parts: FramePart[] = [];
  let context = "";
  for (const piece of pieces.map((text) => text.trim()).filter(Boolean)) {
    const asked = askedIn(piece, language);
    if (asked.length === 0) {
      context = `${context} ${piece}`.trim();
      continue;
    }
    parts.push({ text: piece, asked, terms: termsIn(piece, terms, language), rate: rateAsked(piece) });
    context = "";
  }
  // Trailing context ("…多少个项目，在哪里举行") belongs to the last part.
  if (context && parts.length > 0) {
    const last = parts[parts.length - 1]!;
    last.terms = [...last.terms, ...termsIn(context, terms, language).filter((term) => !last.terms.includes(term))];
  }
  return parts;
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
  // "how much did it grow": growth wins over the money words of the same clause.
  if (language === "en" && kinds.includes("percent") && (/\bhow much\b[^?]*\b(?:gr[eo]w|improve|increase|rise|rose)/iu.test(text) || /\bby how much\b/iu.test(text))) return ["percent"];
  return kinds.length > 0 ? kinds.filter((kind) => kind !== "any" || kinds.length === 1) : kinds;
}

function termsIn(piece: string, terms: TermGroup[], language: Language): TermGroup[] {
  const lower = piece.toLowerCase();
  return terms.filter((group) => (language === "zh" ? piece.includes(group.label) || group.alternatives.some((term) => piece.includes(term)) : lower.includes(group.label.toLowerCase())));
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
  for (const op of ["above", "below"] as const) {
    const pattern = language === "zh"
      ? new RegExp(`(?:${cues[op].source})\\s*${numberText}${unitText}`, "iu")
      : new RegExp(`\\b(?:${cues[op].source})\\s+(?:rmb|us\\$|\\$|¥)?\\s*(\\d[\\d,]*(?:\\.\\d+)?)${unitText}`, "iu");
    const match = pattern.exec(question);
    if (!match) continue;
    const value = chineseNumber(match[1]!.replace(/,/g, ""));
    if (value === undefined) continue;
    return { op, ...conditionValue(value, match[2], question, language), text: match[0] };
  }
  // "Did it grow?", "增长了吗": growth above zero is the condition.
  if (language === "en" ? /\b(?:grow|grew|grown|increase[ds]?|rise|rose)\b/iu.test(question) && !/\bhow\b/iu.test(question) : /(?:增长|增加|上升)(?:了)?吗|是否(?:实现)?(?:正)?增长|有没有增长|正增长/u.test(question)) {
    if (!cues.first.test(question) && !top) return { op: "above", value: 0, unit: "percent", text: language === "zh" ? "增长" : "growth" };
  }
  const first = cues.first.exec(question);
  if (first && (language === "en" ? /\brank|\bplace|\bposition|\bcome\b|\bcame\b/iu.test(question) : true)) return { op: "equals", value: 1, unit: "rank", text: first[0] };
  return undefined;
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
