import { isPolicyChunk } from "../../ingest/policy-rules.js";
import { amountFor } from "../rule-comparison.js";
import type { TermGroup } from "../../retrieve/analyze-query.js";
import { holds, isPeriodTerm, periodRelation, subjectFit, termWeight, type EvidenceContext, type EvidenceSentence } from "./evidence.js";
import { amountsInYuan, englishNumberWords, headNoun, rateAsked, saysLabel, type Condition, type Frame, type FramePart, type Subject } from "./frame.js";
import { claimLexicon, type AskedKind } from "./lexicon.js";
import { meetsCondition, otherYearSpan, type Quantity } from "./quantities.js";
import { escapeRegExp } from "../../core/language.js";
import { parseChinesePeriods } from "../../facts/period.js";
import type { Period } from "../../facts/types.js";

/**
 * Strategies, one per intent: each turns the frame and the evidence into ranked candidate claims
 * holding their evidence. They compute (which figure a clause's words govern, whether it meets the
 * threshold, who the titled name is); verify.ts checks each claim before render.ts says it.
 */

export interface FigureClaim {
  kind: "figure";
  part: FramePart;
  quantity: Quantity;
  sentence: EvidenceSentence;
  score: number;
  /** Share of the part's term weight found in the figure's clause (0..1). */
  local: number;
  /** How the words before the figure relate to the subject: 1 named, 0 unnamed, -1 someone else. */
  subject: number;
  /** The figure's period agrees (1), is unknown (0) or is another one (-1). */
  period: number;
  /** Rarity weight of each of the question's term groups (for the key-term check). */
  rarity: Map<TermGroup, number>;
  /** The weight of a word no indexed passage holds (document frequency 0). */
  unseenWeight: number;
}

export interface VerdictClaim {
  kind: "verdict";
  answer: "yes" | "no";
  /** A threshold decided against a figure, a statement the passage makes in the question's words, or an act it calls not final. */
  basis: "threshold" | "statement" | "tentative";
  /** For "tentative": the word that says the act was not final (意向). */
  qualifier?: string;
  condition?: Condition;
  figure?: FigureClaim;
  sentence: EvidenceSentence;
}

export interface PersonClaim {
  kind: "person";
  name: string;
  title: string;
  sentence: EvidenceSentence;
  score: number;
}

export interface QuoteClaim {
  kind: "quote";
  sentence: EvidenceSentence;
}

export type Claim = FigureClaim | VerdictClaim | PersonClaim | QuoteClaim;

/** Normalised units that answer an asked kind. */
export function unitsFor(kinds: AskedKind[]): Set<string> {
  const table = claimLexicon().unitsOfKind;
  return new Set(kinds.flatMap((kind) => table[kind] ?? []));
}

// Words that carry no topic in the governing phrase of a figure ("实现", "同比增长", "共").
const functionWords = /实现|完成|达到|达|为|是|共有|共计|共|累计|合计|总计|同比|比上年|比去年|较上年|较去年|同期|增长|提高|提升|上升|下降|其中|全年|今年|去年|当年|本年|年度|上半年|下半年|前三季度|季度|月份|以来|截至|已|约|近|超过|超|逾|达|有|新|的|了|和|及|与|等|个|项|家|在|中|上|年|月|日|分别|一|全区|全面/gu;

const zoneWords = /[\u4e00-\u9fa5]{0,8}?(?:经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|经开区|新区|工业园区|产业园|园区)/gu;

function uncoveredChars(text: string, frame: Frame): number {
  // Who is named is the subject check's business, not the measure's.
  let rest = text.replace(zoneWords, " ");
  const covering = [...frame.terms.flatMap((group) => group.alternatives), ...frame.subjects.flatMap((subject) => [subject.zoneName ?? "", subject.place])].filter((term) => term.length > 0).sort((a, b) => b.length - a.length);
  for (const term of covering) rest = rest.split(term).join(" ");
  rest = rest.replace(functionWords, " ");
  return (rest.match(/[\u4e00-\u9fa5]/gu) ?? []).length;
}

function weighted(groups: TermGroup[], context: EvidenceContext, present: (group: TermGroup) => boolean): number {
  const total = groups.reduce((sum, group) => sum + termWeight(group, context), 0);
  if (total === 0) return 0;
  return groups.filter(present).reduce((sum, group) => sum + termWeight(group, context), 0) / total;
}

/**
 * The part's words that say what is measured: not its numbers ("13 zones"), dates ("May 7") or the
 * subject's own name ("rare earth" of 稀土高新区). A figure is governed by the question when these are
 * in its clause.
 */
export function metricTerms(part: FramePart, frame: Frame): TermGroup[] {
  const names = frame.subjects.flatMap((subject) => [subject.zoneName ?? "", subject.place, ...(subject.aliases ?? [])]).filter(Boolean);
  return part.terms.filter(
    (group) =>
      !group.alternatives.every((term) => /^\d/u.test(term) || /^[零一二两三四五六七八九十百千万]+$/u.test(term) || /^(?:元|万元|亿元|美元|万美元|亿美元|%|％|人民币)$/u.test(term) || /^(?:\d+|[一二三四五六七八九十]+)[月日号]$/u.test(term) || isPeriodTerm(term) || questionWord.test(term) || zoneKindWord.test(term) || kindWord.test(term)) &&
      !group.alternatives.some((term) => names.some((name) => name.includes(term))) &&
      // "截至", "开年以来" say when; "7日新引进" segmented as 日新 is a date's tail.
      // "完成了多少", "实现…": a verb that reports a result is no measure ("固定资产投资" is).
      !group.alternatives.every((term) => claimLexicon().reportVerb.test(term)) &&
      !group.alternatives.every((term) => isPeriodTerm(term) || (/^[年月日号]/u.test(term) && new RegExp(`\\d${escapeRegExp(term)}`, "u").test(frame.question))) &&
      // "Investment" of "Xiamen Haicang Taiwanese Investment Zone": a word of the name as the question writes it.
      !frame.subjects.some((subject) => subject.mention && frame.language === "en" && new RegExp(`\\b${escapeRegExp(group.label)}\\b`, "iu").test(subject.mention)),
  );
}

// Question words and the grammar around them ("排第几位" segments as 排第 + 几位): they ask, they do not measure.
const questionWord = /^(?:第几|多少|几|哪|什么|是否|吗|多大|多高|多长|多久|多快|一共|总共|共计|那场|这场|那次|这次|排第|几位|几名|几个|排名|名次|位次|得分|分数|一样|相同|不同|区别|差别|差异|标准)$|^(?:第几|多少|几|哪|什么)/u;
// Change and comparison words say what kind of figure is asked (a rate, a bound), not what is measured.
const kindWord = /^(?:同比)?(?:增长|增速|增幅|增长率|提高|提升|上升|下降|减少|增加)$|^(?:以上|以下|超过|达到|不到|不足)$/u;
const zoneKindWord = /^(?:国家级|省级)?(?:经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|经开区|新区|园区|工业园区?)$/u;

/** Length of the longest run of characters the two texts share (Chinese: a shared phrase). */
export function commonRun(a: string, b: string): number {
  let best = 0;
  const previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : 0;
      diagonal = above;
      if (previous[j]! > best) best = previous[j]!;
    }
  }
  return best;
}

/**
 * A word no indexed passage uses ("签下" where the reports say 签约) cannot be held as written: a
 * two-character word is then held by a word sharing its first character ("签约").
 */
function holdsLoosely(text: string, group: TermGroup, loose: Map<TermGroup, RegExp>): boolean {
  return holds(text, group) || (loose.get(group)?.test(text) ?? false);
}

/** For each unseen two-character word of the groups, the pattern of a word sharing its first character. */
function loosePatterns(groups: TermGroup[], context: EvidenceContext): Map<TermGroup, RegExp> {
  const patterns = new Map<TermGroup, RegExp>();
  for (const group of groups) {
    if (!group.alternatives.every((term) => context.documentFrequency(term) === 0)) continue;
    const heads = group.alternatives.filter((term) => /^[\u4e00-\u9fa5]{2}$/u.test(term)).map((term) => term[0]);
    if (heads.length > 0) patterns.set(group, new RegExp(`[${heads.join("")}][\u4e00-\u9fa5]`, "u"));
  }
  return patterns;
}

/** Numbers a question states that are not dates or its threshold: "among the 217 zones", "22个大类行业中". */
function cueNumbers(text: string): string[] {
  // "more than five of the ten projects": number words are numbers.
  const question = englishNumberWords(text);
  return [...question.matchAll(/(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])(?!\s*(?:年|月|日|号|%|％|亿|万|元))/gu)]
    .map((match) => match[1]!)
    .filter((number) => !/^(?:19|20)\d{2}$/u.test(number) && Number(number) > 1);
}

const wholeYearAsked = /全年|全年度|年度总|\bfull[- ]year\b|\bwhole year\b|\bentire year\b|\bannual\b|\bfor the year\b/iu;
const partOfYear = new Set(["half", "quarter", "months", "month"]);

/** Does a sentence name a part of a year (1至5月, 上半年, 前三季度) rather than a whole one? */
function statesPartOfYear(text: string): boolean {
  // (Any year will do for 今年: only the kind of period is read.)
  return parseChinesePeriods(text, { yearlessWhenBare: true, year: 2000 }).some((found) => partOfYear.has(found.period.kind));
}

/** The last period the passage names before a sentence that names none ("今年1至10月,…。…累计完成325.98亿元") is part of a year. */
function lastPeriodIsPart(sentence: EvidenceSentence, evidence: EvidenceSentence[]): boolean {
  // Passages overlap: the copy of the sentence in the passage that starts earliest sees the period set before it.
  return evidence.some((copy) => copy.text === sentence.text && copy.hit.chunk.articleId === sentence.hit.chunk.articleId && partSetBefore(copy));
}

/** Read once per sentence (a sentence has several figures): is the last period named before it in its passage part of a year? */
const partSetBeforeRead = new WeakMap<EvidenceSentence, boolean>();
function partSetBefore(sentence: EvidenceSentence): boolean {
  let known = partSetBeforeRead.get(sentence);
  if (known === undefined) {
    const text = sentence.hit.chunk.text;
    const before = text.slice(0, Math.max(0, text.indexOf(sentence.text)));
    const last = parseChinesePeriods(before, { yearlessWhenBare: true, year: 2000 }).filter((found) => found.period.kind !== "day").pop();
    known = last !== undefined && partOfYear.has(last.period.kind);
    partSetBeforeRead.set(sentence, known);
  }
  return known;
}

/** A report dated inside the asked year, before its last month. */
function datedWithin(date: string | undefined, period: Period): boolean {
  if (!date || date.length < 7) return false;
  return date.slice(0, 7) >= period.from && date.slice(0, 7) < period.to;
}

/** Candidate figures for one part, best first. */
export function rankFigures(frame: Frame, part: FramePart, evidence: EvidenceSentence[], context: EvidenceContext): FigureClaim[] {
  const units = unitsFor(part.asked);
  const candidates: FigureClaim[] = [];
  const measured = metricTerms(part, frame);
  const rarity = new Map(frame.terms.map((group) => [group, termWeight(group, context)]));
  const unseenWeight = termWeight({ label: "", alternatives: [] }, context) - 1e-9;
  // Once per part, not per figure: the loose patterns of unseen words and the question's own numbers.
  const loose = loosePatterns(measured, context);
  const cues = cueNumbers(frame.question);
  const numbers = cues.map((number) => new RegExp(`(?<![\\d.])${number.replace(".", "\\.")}(?![\\d.])`, "u"));
  // The question's own numbers, but its threshold: a figure equal to one is the question's premise
  // ("22个大类行业中，实现正增长的超过15个了吗" asks about 18, not 22), never its answer.
  const premises = new Set(cues.map(Number).filter((value) => value !== frame.condition?.value));
  // (…asked with a year, or with none: "for the full year", "January to December".)
  const wholeYear = wholeYearAsked.test(frame.question) && (!frame.period || frame.period.kind === "year" || (frame.period.from.endsWith("-01") && frame.period.to.endsWith("-12")));
  const eventDay = frame.period?.kind === "day" && !/累计|以来|截至|截止|到目前|今年|so far|to date|cumulative|since|as of|\bby\s+(?:\d|[a-z]+\s+\d|the end|end\b)|\b(?:that|this) year\b/iu.test(frame.question);
  for (const sentence of evidence) {
    for (const quantity of sentence.quantities) {
      if (!units.has(quantity.unit)) continue;
      if (quantity.unit === "count" && premises.has(quantity.value)) continue;
      const window = `${quantity.governs}${quantity.raw}${quantity.after}`;
      // No measure words ("排第几位"): a position or score asked is matched by its kind itself.
      // …also when the only words for it are the dictionary's guesses ("ranked" → 队伍/级别).
      const kindIsMeasure = (quantity.unit === "rank" || quantity.unit === "score") && units.has(quantity.unit) && part.asked[0] === (quantity.unit === "rank" ? "rank" : "score") && measured.every((group) => (group.weight ?? 1) < 1);
      // An area asked ("how large is its site", "占地多少") is answered by an area whatever words name it.
      const areaAsked = part.asked[0] === "area" && (quantity.unit === "mu" || quantity.unit === "m2");
      const local = areaAsked || (kindIsMeasure && measured.length > 0) ? 1 : measured.length > 0 ? weighted(measured, context, (group) => holdsLoosely(quantity.clause, group, loose) || holds(window, group) || holds(quantity.topic, group)) : kindIsMeasure ? 1 : sentence.coverage;
      const near = measured.length > 0 ? weighted(measured, context, (group) => holds(window, group)) : 0;
      const prefix = quantity.owner ?? sentence.text.slice(0, quantity.start);
      let subject = subjectFit(prefix, frame.subjects, context, frame.question, sentence.hit.chunk.zones, quantity.owner ?? sentence.text.slice(quantity.clauseStart, quantity.start));
      // "A、B…分别X、Y": a figure owned by a name that is not the subject is someone else's.
      if (quantity.owner && frame.subjects.length > 0 && subject < 1) subject = -1;
      // Words of the governing phrase the question does not have ("科技信息服务业" when 科技服务业 is asked).
      const extra = Math.min(uncoveredChars(quantity.governs.replace(/\d+(?:\.\d+)?\s*(?:万亿|亿|万|千)?(?:元|美元|%|个|家|项)?/gu, ""), frame), 8);
      // The period the ingest resolved for this very figure, else what the sentence (or the one before) says.
      const resolved = frame.period ? sentence.figurePeriods.get(quantity.raw) : undefined;
      let period = frame.period && resolved ? periodRelation(resolved, frame.period) : sentence.periodFit;
      // "2015年全年的地区生产总值": a quarter's or a half's total is not the whole year's.
      if (wholeYear && (resolved ? partOfYear.has(resolved.kind) : statesPartOfYear(sentence.text) || (period < 1 && lastPeriodIsPart(sentence, evidence)))) period = -1;
      // "全年地区生产总值完成113.4亿元" in a report dated February 2019 is 2018's: a year's result is not known
      // before the year is out, so a report dated within the asked year gives another year's (or a plan).
      if (frame.period?.kind === "year" && !frame.period.yearless && /全年|全年度/u.test(`${quantity.topic}${quantity.governs}`) && !/(?:19|20)\d{2}/u.test(sentence.text) && datedWithin(sentence.hit.chunk.date, frame.period)) period = -1;
      // "2016年至2018年,分别…": the figure's own year, read from the sentence's order.
      if (frame.period && quantity.year !== undefined) period = frame.period.from.startsWith(String(quantity.year)) && frame.period.to.startsWith(String(quantity.year)) ? 1 : -1;
      // An event's day asked ("signed on May 7"): a running total ("今年已累计签约项目46个") is not that day's.
      if (eventDay && /累计|以来|年初至今/u.test(`${quantity.topic}${quantity.governs}`)) period = -1;
      // "较2023年末净增11152户": the period after 较/比 is the base of a change, not the figure's own.
      if (period < 0 && /(?:较|比|相比|同比|与)[^，,；;]{0,12}(?:年|月|季度|年末|年底|年初|同期)/u.test(quantity.before)) period = 0;
      // "2023年,…102个,比去年多34个,涉及项目总投资777.28亿元": the ingest took 去年 (a comparison's base)
      // for the figures after it; the sentence's own period stands.
      if (period < 0 && resolved && sentence.periodFit === 1 && /(?:较|比|相比)(?:去年|上年|上一年|前一年|同期)/u.test(sentence.text.slice(0, quantity.start))) period = 1;
      // The question's own phrase written before the figure ("工业投资…同比增长" for 190%, not "固定资产投资…" for 107%);
      // zone names are the subject check's business, not the measure's.
      const phrase = Math.max(0, Math.min(commonRun(part.text.replace(zoneWords, ""), quantity.governs.replace(zoneWords, "").replace(/[\s，,、；;：:()（）“”"]/gu, "")), 10) - 2);
      // "…的计划总投资": the figure the question's head noun governs, not another of the same clause.
      const headed = part.head !== undefined && quantity.governs.includes(part.head) ? 1 : 0;
      // "among the 217 national zones": a number of the question said before the figure names its population.
      const clauseBefore = quantity.clause.slice(0, Math.max(0, quantity.start - quantity.clauseStart));
      const counted = numbers.some((number) => number.test(clauseBefore)) ? 1 : 0;
      let score = 0.5 * headed + 0.4 * counted + 0.6 * sentence.coverage + 1.2 * local + 0.6 * near + 0.1 * phrase - 0.06 * extra + 0.35 * subject + 0.6 * period - 0.02 * Math.min(sentence.hitRank, 10);
      // "其中…", "2亿元以上项目签约数22个": a part of the total, unless the question asks for that part.
      if (quantity.subset && uncoveredChars(subsetWords(sentence.text, quantity), frame) > 0) score -= 0.4;
      // "另有总投资188亿元的11个项目": a group beside the one asked about, unless the question asks for it.
      if (quantity.beside && !/另|此外|other|besides|additional/iu.test(frame.question)) score -= 0.6;
      // Growth asked, a share given (or the other way round): another measure.
      if (part.rate && quantity.rateKind && quantity.rateKind !== part.rate) score -= 1;
      if (quantity.notResult && !frame.asksPlan) score -= 1;
      if (quantity.threshold) score -= 2;
      candidates.push({ kind: "figure", part, quantity, sentence, score, local, subject, period, rarity, unseenWeight });
    }
  }
  return candidates.sort((a, b) => b.score - a.score);
}

/** The words that make a figure a part of a total: from 其中 (or the clause start) to the figure. */
function subsetWords(sentence: string, quantity: Quantity): string {
  const at = sentence.lastIndexOf("其中", quantity.start);
  return at >= 0 ? sentence.slice(at + 2, quantity.start) : quantity.before;
}

/** One figure per part; later parts prefer the sentence of the earlier ones ("…多少个？总投资多少？"). */
export function figureStrategy(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext, verify: (claim: FigureClaim) => boolean): FigureClaim[] {
  const chosen: FigureClaim[] = [];
  for (const part of frame.parts) {
    if (part.asked.length === 0 || part.asked.includes("person")) continue;
    const ranked = rankFigures(frame, part, evidence, context)
      // "…实现规上工业总产值多少？同比增长多少？": the rate asked next is the change of the figure just given.
      .map((claim) => ({ ...claim, score: claim.score + (chosen.some((other) => other.sentence === claim.sentence && claim.quantity.follows === other.quantity.start) ? 1 : 0) }))
      .map((claim) => ({ ...claim, score: claim.score + (chosen.some((other) => other.sentence === claim.sentence) ? 0.5 : chosen.some((other) => other.sentence.hit === claim.sentence.hit && claim.sentence.position === other.sentence.position + 1) ? 0.2 : 0) }))
      .sort((a, b) => b.score - a.score)
      // The same figure of the same sentence (in two overlapping passages) answers one part only.
      .filter((claim) => !chosen.some((other) => other.sentence.text === claim.sentence.text && other.quantity.start === claim.quantity.start));
    // "…, and for how much?": a part without words of its own is read in the sentence of the part before.
    const own = metricTerms(part, frame).length > 0 || chosen.length === 0;
    // With no kind asked ("…的总投资，各是多少"), the head noun is what is measured: a verified figure it
    // governs rules out the others ("新引进…项目27个" is not the 总投资).
    const head = part.head;
    const headed = head !== undefined && part.asked.length === 1 && part.asked[0] === "any" && ranked.some((claim) => claim.quantity.governs.includes(head) && verify(claim));
    const best = own ? ranked.find((claim) => (!headed || claim.quantity.governs.includes(head!)) && verify(claim)) : ranked.find((claim) => chosen.some((other) => other.sentence === claim.sentence) && verify({ ...claim, sentence: { ...claim.sentence, coverage: Math.max(claim.sentence.coverage, 0.3) } }));
    if (best) chosen.push(best);
    // "产值和净利润分别是多少": two measures joined in one part, each answered by the figure it governs.
    if (best) for (const claim of joinedMeasures(frame, part, best, ranked, verify)) chosen.push(claim);
  }
  return chosen;
}

function joinedMeasures(frame: Frame, part: FramePart, best: FigureClaim, ranked: FigureClaim[], verify: (claim: FigureClaim) => boolean): FigureClaim[] {
  const zh = frame.language === "zh";
  if (!(zh ? /分别|各(?:是|为|有|自)|各多少/u : /\brespectively\b|\beach\b|\bboth\b|\band\b/iu).test(part.text)) return [];
  const joined = (group: TermGroup) =>
    zh
      ? group.alternatives.some((term) => new RegExp(`${escapeRegExp(term)}[和与及、]|[和与及、]${escapeRegExp(term)}`, "u").test(part.text))
      : new RegExp(`\\b${escapeRegExp(group.label)}\\s+and\\b|\\band\\s+(?:the\\s+|its\\s+)?${escapeRegExp(group.label)}\\b`, "iu").test(part.text);
  const found: FigureClaim[] = [];
  for (const group of metricTerms(part, frame).filter(joined)) {
    if (holds(best.quantity.governs, group) || found.some((claim) => holds(claim.quantity.governs, group))) continue;
    const other = ranked.find((claim) => claim !== best && holds(claim.quantity.governs, group) && verify(claim));
    if (other) found.push(other);
  }
  return found;
}

/** The figure kinds a yes/no's condition is decided on. */
export function conditionAsked(frame: Frame): AskedKind[] {
  return frame.condition ? conditionKinds[frame.condition.unit] : [];
}

const conditionKinds: Record<Condition["unit"], AskedKind[]> = {
  percent: ["percent"],
  count: ["count"],
  yuan: ["amount"],
  usd: ["amount"],
  rank: ["rank"],
  score: ["score"],
  area: ["area"],
  any: ["count", "amount", "percent"],
};

/**
 * Yes or no, computed: the figure the question's words govern, compared with its threshold; or,
 * without a threshold, a sentence that states what was asked (its terms, about the subject, not
 * negated). Anything else is undecided, and said so.
 */
export function yesNoStrategy(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext, verify: (claim: FigureClaim) => boolean): VerdictClaim | undefined {
  const condition = frame.condition;
  if (condition) {
    const terms = frame.terms.filter((group) => !group.alternatives.some((term) => condition.text.includes(term)) && !condition.text.toLowerCase().includes(group.label.toLowerCase()));
    const part: FramePart = { text: frame.question, asked: conditionKinds[condition.unit], terms, rate: rateAsked(frame.question) };
    const scoped = { ...frame, terms: terms.length > 0 ? terms : frame.terms };
    // A rank asked within a province ("best-ranked in Guangxi") is not decided by a national rank: the clause must say where.
    const inScope = (claim: FigureClaim) => condition.unit !== "rank" || !frame.scope || withinScope(claim.quantity.clause, frame.scope);
    const verified = rankFigures(scoped, part, evidence, context).filter((claim) => claim.local > 0 && inScope(claim) && verify(claim));
    // An exact figure ("1001.2亿元") decides what a bound of it ("突破1000亿元") may leave open.
    const figure = verified.slice(0, 3).find((claim) => figureBound(claim.quantity) === undefined) ?? verified[0];
    if (figure) {
      const tentative = tentativeQualifier(figure.quantity.clause, frame);
      if (tentative) return tentative.firm ? { kind: "verdict", answer: "no", basis: "tentative", qualifier: tentative.qualifier, figure, sentence: figure.sentence } : undefined;
      const meets = meetsCondition(figure.quantity, condition);
      // "突破1000亿元" only says more than 1000亿: it can say yes to "above 500亿", never no to "above 2000亿"
      // (and "近/不到 X" never says yes to "below X" … or no to it either, read the same way round).
      const bound = figureBound(figure.quantity);
      if ((bound === "lower" && !meets && condition.op === "above") || (bound === "upper" && !meets && condition.op === "below")) return undefined;
      return { kind: "verdict", answer: meets ? "yes" : "no", basis: "threshold", condition, figure, sentence: figure.sentence };
    }
    if (condition.unit !== "rank") return undefined;
  }
  return statementVerdict(frame, evidence, context);
}

function statementVerdict(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext): VerdictClaim | undefined {
  // "柳州高新区是广西排名第一的高新区吗？" names nothing but the subject and the ranking: the sentence saying that ranking of the subject states it.
  if (frame.terms.length === 0) {
    const first = evidence.filter((sentence) => sentence.periodFit >= 0 && firstPlaceOfSubject(sentence.text, frame, context)).sort((a, b) => a.hitRank - b.hitRank)[0];
    return first ? { kind: "verdict", answer: "yes", basis: "statement", sentence: first } : undefined;
  }
  // A threshold the frame could not read ("above half"): a sentence naming the measure does not
  // decide it, whichever way its figure goes.
  if (!frame.condition && unreadThreshold(frame)) return undefined;
  const negation = claimLexicon().negation.zh;
  const weights = frame.terms.map((group) => termWeight(group, context));
  // The rarest word some passage holds: a dictionary guess no document uses ("evaluation" → 考评 where the text says 评价) decides nothing.
  const seen = weights.map((weight, index) => (frame.terms[index]!.alternatives.some((term) => context.documentFrequency(term) > 0) ? weight : -1));
  // Words that name the document ("按德州市招商引资激励办法，…") are held by its title, not by the clause that answers.
  const rarestFor = (title: string): TermGroup => {
    const own = seen.map((weight, index) => (holds(title, frame.terms[index]!) || (frame.terms[index]!.weight ?? 1) < 1 ? -1 : weight));
    const best = Math.max(...own) >= 0 ? own : Math.max(...seen) >= 0 ? seen : weights;
    return frame.terms[best.indexOf(Math.max(...best))]!;
  };
  const best = evidence
    // Every curated word of the question is in the sentence (a dictionary guess may be phrased otherwise).
    // Every telling curated word of the question is in the sentence; a common one ("企业") may be named otherwise.
    .filter((sentence) => sentence.coverage >= 0.6 && sentence.present.has(rarestFor(sentence.hit.chunk.title)) && sentence.periodFit >= 0 && frame.terms.every((group, index) => (group.weight ?? 1) < 1 || sentence.present.has(group) || holds(sentence.hit.chunk.title, group) || weights[index]! < 0.5 * Math.max(...weights)))
    // A ranking asked ("rank first", "百强") is stated only by a sentence that says that very ranking.
    // (First place is said many ways: "拔得头筹", "位居第一", "榜首".)
    .filter((sentence) => !frame.condition || sentence.text.includes(frame.condition.text) || firstPlaceOfSubject(sentence.text, frame, context))
    .filter((sentence) => subjectFit(sentence.text, frame.subjects, context, frame.question) >= 0)
    .sort((a, b) => b.coverage - a.coverage || a.hitRank - b.hitRank)[0];
  if (!best) return undefined;
  // "不得作为企业的盈余分配", "火力发电…等项目不适用本办法": the sentence that says most of what was asked denies a
  // word of the question in its clause (a negation before it, an exclusion after it): the answer is no —
  // unless the question is itself negated, when yes and no would be read the wrong way round.
  const denied = frame.terms.some((group) => best.present.has(group) && (group.weight ?? 1) >= 1 && (deniedIn(best.text, group, negation) || excludedAfter(best.text, group)));
  if (denied) return negation.test(frame.question.replace(/不断|不仅|不少|不止|不同|不但|不论|不管|无论|不超过|不低于|不少于|不高于/gu, "")) ? undefined : { kind: "verdict", answer: "no", basis: "statement", sentence: best };
  // "意向签约额160亿元" asked as signed contracts: the report says the act was not final.
  const tentative = tentativeQualifier(best.text, frame);
  if (tentative) return tentative.firm ? { kind: "verdict", answer: "no", basis: "tentative", qualifier: tentative.qualifier, sentence: best } : undefined;
  // "能拿100万元奖励吗？": the sentence says the rule, but the amount asked is decided against the one it gives
  // for what was named ("国家级50万元、省级30万元" → no); undecided when it cannot be told which is meant.
  const askedYuan = amountsInYuan(frame.question, frame.language);
  if (askedYuan.length > 0) {
    const stated = amountFor(best.text, frame.terms.flatMap((group) => group.alternatives));
    return stated && stated.unit === "元" ? { kind: "verdict", answer: stated.value === askedYuan[0] ? "yes" : "no", basis: "statement", sentence: best } : undefined;
  }
  return { kind: "verdict", answer: "yes", basis: "statement", sentence: best };
}

/** Is the figure only a bound ("突破1000亿元", "超过300家", "1000多亿" → lower; "近10亿", "不到5%" → upper)? */
function figureBound(quantity: Quantity): "lower" | "upper" | undefined {
  if (/(?:突破|超过|超|逾|多于|高于|大于|过)$/u.test(quantity.before) || /^(?:多|余|以上)/u.test(quantity.after)) return "lower";
  if (/(?:近|接近|不到|不足|将近|低于|少于)$/u.test(quantity.before) || /^以下/u.test(quantity.after)) return "upper";
  return undefined;
}

/**
 * The word right before one of the question's words in the text that makes the act not final
 * ("意向签约"), unless the question names such an act itself; `firm` when the question asks for the
 * final act ("formally signed contracts", "正式签约").
 */
function tentativeQualifier(text: string, frame: Frame): { qualifier: string; firm: boolean } | undefined {
  const { qualifiers, firm, named } = claimLexicon().tentative;
  if (named.zh.test(frame.question) || (frame.language === "en" && named.en.test(frame.question))) return undefined;
  for (const group of frame.terms) {
    for (const term of group.alternatives) {
      if (term.length < 2) continue;
      for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
        const qualifier = Object.keys(qualifiers).find((word) => text.slice(0, at).endsWith(word));
        if (qualifier) return { qualifier, firm: firm[frame.language].test(frame.question) };
      }
    }
  }
  return undefined;
}

/** Is the group's first occurrence followed, in its clause, by a word that excludes it ("…等项目不适用本办法")? */
function excludedAfter(text: string, group: TermGroup): boolean {
  const at = Math.min(...group.alternatives.map((term) => text.indexOf(term)).filter((index) => index >= 0));
  if (!Number.isFinite(at)) return false;
  const rest = /^[^，,；;。：:]*/u.exec(text.slice(at))![0];
  return claimLexicon().exclusion.test(rest);
}

/** Is the group's first occurrence in the text denied by a negation earlier in its clause? */
function deniedIn(text: string, group: TermGroup, negation: RegExp): boolean {
  const at = Math.min(...group.alternatives.map((term) => text.indexOf(term)).filter((index) => index >= 0));
  if (!Number.isFinite(at)) return false;
  const clauseStart = Math.max(...["，", ",", "；", ";", "。", "：", ":"].map((mark) => text.lastIndexOf(mark, at - 1))) + 1;
  // (不断, 不仅, 不少 … are not denials.)
  return negation.test(text.slice(Math.max(clauseStart, at - 12), at).replace(/不断|不仅|不少|不止|不久|不同|不但|不论|不管|无论/gu, ""));
}

/** First place asked, and said of the subject in other words ("…高新区管委会以总分91.9分拔得头筹"), where the question asks it. */
function firstPlaceOfSubject(text: string, frame: Frame, context: EvidenceContext): boolean {
  if (frame.condition?.unit !== "rank" || frame.condition.value !== 1) return false;
  const first = claimLexicon().condition.zh.first;
  // Every place the words occur ("今年第一季度…名列广西各高新区之首": the first is a quarter).
  for (const cue of text.matchAll(new RegExp(first.source, "gu"))) {
    if (/^第一(?:季度|批|次|个|期|阶段|书记|责任)/u.test(text.slice(cue.index))) continue;
    if (subjectFit(text.slice(0, cue.index), frame.subjects, context, frame.question) !== 1) continue;
    const clauseStart = Math.max(...["，", ",", "；", ";", "。"].map((mark) => text.lastIndexOf(mark, cue.index - 1))) + 1;
    if (!frame.scope || withinScope(text.slice(clauseStart, cue.index + cue[0].length), frame.scope)) return true;
  }
  return false;
}

/** Does a clause say it ranks within one of the provinces asked ("名列广西各高新区之首", "在全省…位列第3位")? */
function withinScope(clause: string, scope: string[]): boolean {
  return /全省|省内|本省|全区各|自治区内/u.test(clause) || scope.some((province) => clause.includes(province));
}

/** A comparison word followed by a number or an amount word: a threshold, read or not. */
function unreadThreshold(frame: Frame): boolean {
  const cues = claimLexicon().condition[frame.language];
  const question = frame.language === "en" ? englishNumberWords(frame.question) : frame.question;
  const amount = frame.language === "en" ? "\\s+(?:the\\s+)?(?:\\d|half|a\\s+(?:third|quarter|half)|twice|double)" : "\\s*(?:\\d|[零一二两三四五六七八九十百千万半])";
  return new RegExp(`(?:${cues.above.source}|${cues.below.source})${amount}`, "iu").test(question);
}

const nameChars = "[\\u4e00-\\u9fa5]{2,3}?";

/** Who did what: a titled name (市委书记刘志仁) in the sentence that holds the question's action. */
export function personStrategy(frame: Frame, evidence: EvidenceSentence[], context: EvidenceContext): PersonClaim | undefined {
  const lexicon = claimLexicon();
  const pattern = new RegExp(`(${lexicon.personTitles.join("|")})(${nameChars})(?=${lexicon.personVerbs.map((verb) => verb.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gu");
  const candidates: PersonClaim[] = [];
  // "局长是谁", "who heads its management committee": the asked post must be the name's post.
  const askedTitles = frame.language === "zh" ? lexicon.personTitles.filter((title) => frame.question.includes(title)) : englishTitles(frame.question);
  for (const sentence of evidence) {
    // A sentence of the best passage's article may name the person without the question's words.
    if (sentence.coverage < (sentence.hit.chunk.articleId === evidence[0]?.hit.chunk.articleId ? 0.05 : 0.15)) continue;
    // Who did it at the asked event: a report of another year names another event's people.
    if (frame.period && (sentence.periodFit < 0 || (sentence.year !== undefined && !frame.period.yearless && (sentence.year < Number(frame.period.from.slice(0, 4)) || sentence.year > Number(frame.period.to.slice(0, 4)) + 1)))) continue;
    for (const match of sentence.text.matchAll(pattern)) {
      const name = match[2]!;
      if (/^(?:副|兼|和|及|等|一行|代表)/u.test(name)) continue;
      // "…管理委员会获悉": a post's word inside a longer one (委员会) is no post, and 从/在/获悉 are no name.
      if (/^(?:会|从|在|将|对|是|向|获|称)|获悉|表示/u.test(name)) continue;
      const at = (match.index ?? 0) + match[0].length;
      // The action the question asks about is said right after the name ("刘志仁宣布项目开工").
      const following = sentence.text.slice(at, at + 16);
      const actionNear = frame.terms.filter((group) => holds(following, group)).length;
      const titleStart = Math.max(...["，", ",", "。", "(", "（"].map((mark) => sentence.text.lastIndexOf(mark, match.index ?? 0))) + 1;
      const title = sentence.text.slice(titleStart, (match.index ?? 0) + match[1]!.length).replace(/^[^\u4e00-\u9fa5]+/u, "");
      if (askedTitles.length > 0 && !askedTitles.some((asked) => title.endsWith(asked) || title.includes(`${asked}、`))) continue;
      // "大宁县委书记" is another place's secretary: the post must be of the subject (or of no one named).
      if (subjectFit(title, frame.subjects, context, frame.question) < 0 || otherPlaceNamed(title, frame, context)) continue;
      candidates.push({ kind: "person", name, title, sentence, score: sentence.coverage + 0.5 * actionNear - 0.02 * Math.min(sentence.hitRank, 10) });
    }
  }
  return candidates.sort((a, b) => b.score - a.score)[0] ?? (askedTitles.length === 0 ? untitledPerson(frame, evidence) : undefined);
}

/** Verbs a report says of a person, right after the name, when it gives no post ("张凤林出席会议并讲话"). */
const untitledVerbs = /^(?:出席|指出|要求|强调|讲话|主持|表示|介绍|宣布)/u;

/**
 * "张凤林出席会议并讲话。…张凤林指出…张凤林要求…": a report that names its speaker without a post. A
 * three-character name said at a sentence's start before a person's verb, at least twice in the article,
 * is a person; the sentence that holds most of the question's words names them.
 */
function untitledPerson(frame: Frame, evidence: EvidenceSentence[]): PersonClaim | undefined {
  const said = new Map<string, EvidenceSentence[]>();
  for (const sentence of evidence) {
    const match = /^[\s“"]*([\u4e00-\u9fa5]{3})(?=[\u4e00-\u9fa5]{2})/u.exec(sentence.text);
    if (!match || !untitledVerbs.test(sentence.text.slice((match.index ?? 0) + match[0].length))) continue;
    const name = match[1]!;
    // Not a body or a thing ("管委会", "开发区", "会议上"): those end in these characters.
    if (/[会区局委部府司厂市县省院处办组队上中下里内外们]$/u.test(name)) continue;
    const key = `${sentence.hit.chunk.articleId}:${name}`;
    if (!said.get(key)?.some((other) => other.text === sentence.text)) said.set(key, [...(said.get(key) ?? []), sentence]);
  }
  const found = [...said.entries()]
    .filter(([, sentences]) => sentences.length >= 2)
    .flatMap(([key, sentences]) => {
      const best = sentences.filter((sentence) => sentence.periodFit >= 0).sort((a, b) => b.coverage - a.coverage)[0];
      return best && best.coverage >= 0.1 ? [{ name: key.slice(key.lastIndexOf(":") + 1), sentence: best }] : [];
    })
    .sort((a, b) => b.sentence.coverage - a.sentence.coverage)[0];
  if (process.env.EXPLAIN_CLAIMS) process.stderr.write(`untitled ${[...said.keys()].join(",")} → ${found?.name ?? "none"}\n`);
  return found ? { kind: "person", name: found.name, title: "", sentence: found.sentence, score: found.sentence.coverage } : undefined;
}

/** Posts an English question asks for, in the Chinese the reports use. */
function englishTitles(question: string): string[] {
  const table: [RegExp, string[]][] = [
    [/\bmayor\b/iu, ["市长"]],
    [/\b(?:party )?secretary\b/iu, ["书记"]],
    [/\b(?:director|head(?:s|ed)?|chief)\b/iu, ["主任", "局长", "厅长", "负责人"]],
    [/\bchair(?:man|woman|person)?\b/iu, ["董事长", "主席"]],
    [/\bgeneral manager\b|\bceo\b|\bpresident\b/iu, ["总经理", "总裁"]],
    [/\breporter\b|\bcorrespondent\b|\bjournalist\b/iu, ["记者", "通讯员"]],
  ];
  return table.filter(([pattern]) => pattern.test(question)).flatMap(([, titles]) => titles);
}

/** A post's words name a place that is not the subject's ("大宁县委…" when 临汾经济开发区 is asked). */
function otherPlaceNamed(title: string, frame: Frame, context: EvidenceContext): boolean {
  if (frame.subjects.length === 0) return false;
  const places = context.placesIn(title);
  return places.length > 0 && !places.some((place) => frame.subjects.some((subject) => subject.place === place || (subject.aliases ?? []).some((alias) => alias.includes(place))));
}

export interface TierClaim {
  kind: "tier";
  /** The rule's clause for the asker's case ("对新建面积在500亩以上的，给予企业200元/亩奖励"). */
  clause: string;
  quantity: Quantity;
  sentence: EvidenceSentence;
}

/**
 * The tier of a rule that applies to the asker's case: the clause whose lower bound is the case's
 * number ("500亩以上" for "larger than 500 mu"), not the tier it ends ("100亩及以上至500亩"), and the
 * amount that clause gives (not its other bounds, "总投入在1000万元以上").
 */
export function tierStrategy(frame: Frame, evidence: EvidenceSentence[]): TierClaim | undefined {
  if (frame.cases.length === 0 && frame.caseYuan.length === 0) return undefined;
  // "more than 150 million yuan?": an amount a yes/no is decided against is its threshold, not the asker's case.
  if (frame.condition) return undefined;
  const candidates: (TierClaim & { score: number; severalTiers: boolean })[] = [];
  // (Curated words only, when there are any: an English question's dictionary guesses — "net" → 球网 — say nothing of the rule.)
  const curated = frame.terms.filter((group) => group.weight === undefined);
  const counted = curated.length > 0 ? curated : frame.terms;
  for (const sentence of evidence) {
    let offset = 0;
    for (const clause of sentence.text.split(/(?<=[；;。])/u)) {
      const start = offset;
      offset += clause.length;
      const lowerBound = frame.cases.some((value) => new RegExp(`(?<![至到\\d.-])${String(value).replace(".", "\\.")}\\s*[^\\d，,；;。]{0,4}?(?:及以上|以上|或以上)`, "u").test(clause));
      // "首期完成固定资产投资额5亿元~10亿元(含10亿元)": a band that holds the asker's amount (7亿元).
      const bands = [...clause.matchAll(/(\d+(?:\.\d+)?)\s*(亿元|万元|元|亩|平方米)?\s*[~～至到—-]\s*(\d+(?:\.\d+)?)\s*(亿元|万元|元|亩|平方米)/gu)];
      // (An amount asked in yuan — "30 million yuan" — is set against a band written in 万元 or 亿元.)
      const inBand = bands.some((band) =>
        band[2] === undefined || band[2] === band[4]
          ? frame.cases.some((value) => value > Number(band[1]) && value <= Number(band[3])) ||
            (band[4] !== undefined && bandScale[band[4]] !== undefined && frame.caseYuan.some((value) => value / bandScale[band[4]!]! >= Number(band[1]) && value / bandScale[band[4]!]! <= Number(band[3])))
          : false,
      );
      // "3000万元以上5000万元以下的,补贴60%": an open or closed tier in money that holds the asker's amount (4000万元).
      const tier = yuanTier(clause);
      const inTier = tier !== undefined && frame.caseYuan.some((value) => value >= tier.from && (tier.to === undefined || value < tier.to));
      if (!lowerBound && !inBand && !inTier) continue;
      // "1000万元及以上至5000万元、5000万元以上至1亿元、1亿元以上的，…70%、80%和90%": several tiers in one
      // clause, their amounts listed after them — which goes with which is the rule answer's to say.
      const severalTiers = (clause.match(/以上/gu) ?? []).length >= 2 && sentence.quantities.filter((quantity) => quantity.start >= start && quantity.end <= offset && quantity.unit === "percent").length >= 2;
      if (otherYearSpan(frame.question, clause)) continue;
      const bandSpans = bands.map((band) => [start + (band.index ?? 0), start + (band.index ?? 0) + band[0].length] as const);
      // The amount given, not a bound of the case ("1000万元(人民币,下同)以上", "不低于200万元").
      const amount = sentence.quantities.find((quantity) => quantity.start >= start && quantity.end <= offset && (quantity.unit === "yuan" || quantity.unit === "percent") && !quantity.threshold && !bandSpans.some(([from, to]) => quantity.start >= from && quantity.end <= to) && !/^\s*(?:[(（][^()（）]{0,12}[)）])?\s*(?:及以上|以上|以下|以内|\))/u.test(sentence.text.slice(quantity.end, quantity.end + 18)) && !/(?:[(（]含|不低于|不少于|不超过|不高于|达到|超过|低于|高于)$/u.test(sentence.text.slice(Math.max(0, quantity.start - 3), quantity.start)));
      if (!amount) continue;
      // A tier is often its own sentence after "；": the item's words are in the sentence before it.
      const inContext = `${sentence.previous ?? ""}${sentence.text}`;
      const share = (text: string) => (counted.length === 0 ? 1 : counted.filter((group) => holds(text, group)).length / counted.length);
      // …and in a policy, the item (第二条, its title and headings) the tier belongs to says the rest.
      const chunk = sentence.hit.chunk;
      const context = isPolicyChunk(chunk) ? (share(inContext) + share(`${chunk.title} ${chunk.section ?? ""} ${chunk.text}`)) / 2 : share(inContext);
      // Of the tiers that hold the amount, the highest floor is the one that applies ("5000万元以上" over "3000万元以上").
      // A rule of another place's document is not the asked place's.
      const zones = sentence.hit.chunk.zones;
      const own = frame.subjects.length === 0 || zones.length === 0 ? 0 : frame.subjects.some((subject) => zones.some((zone) => zone === subject.place || zone.startsWith(subject.place))) ? 0 : -0.3;
      candidates.push({ kind: "tier", clause: clause.replace(/[；;。]$/u, ""), quantity: amount, sentence, severalTiers, score: context + own - 0.02 * Math.min(sentence.hitRank, 10) + (inTier ? 1e-12 * tier!.from : 0) });
    }
  }
  const best = candidates.sort((a, b) => b.score - a.score)[0];
  // The best clause lists several tiers and their amounts after them ("…70%、80%和90%"): which goes with
  // which is the rule answer's to say, and no lesser clause answers instead.
  if (!best || best.severalTiers || best.score < 0.3) return undefined;
  return { kind: best.kind, clause: best.clause, quantity: best.quantity, sentence: best.sentence };
}

/** Yuan per unit of a band written in money ("2001万元—5000万元"). */
const bandScale: Record<string, number> = { 亿元: 1e8, 万元: 1e4, 元: 1 };

/** A clause's money tier: "2000 万元以上 3000 万元以下" → from 2e7 to 3e7; "5000万元以上" → from 5e7, open. */
function yuanTier(clause: string): { from: number; to?: number } | undefined {
  const scale: Record<string, number> = { 亿: 1e8, 万: 1e4 };
  const money = (value: string, unit: string | undefined) => Number(value) * (scale[unit ?? ""] ?? 1);
  // ("1000万元(人民币,下同)及以上": a note between the amount and its bound.)
  const floor = /(\d+(?:\.\d+)?)\s*(亿|万)?元?\s*(?:[(（][^()（）]{0,12}[)）])?\s*(?:及以上|以上)/u.exec(clause);
  if (!floor || !floor[0].includes("元")) return undefined;
  const ceiling = /(\d+(?:\.\d+)?)\s*(亿|万)?元?\s*(?:以下|以内|\(不含\)|（不含）)/u.exec(clause.slice(floor.index + floor[0].length));
  return { from: money(floor[1]!, floor[2]), ...(ceiling ? { to: money(ceiling[1]!, ceiling[2]) } : {}) };
}

/** One subject of a question that names two or more, with its own reading of the question and its figures. */
export interface Side {
  subject: Subject;
  frame: Frame;
  claims: FigureClaim[];
}

/**
 * "A和B各签约多少个项目", "Compare A's total investment with B's": each subject answered on its own —
 * from passages about it, with its own period and the question's words that are not another
 * subject's alone ("计划总投资" asked of 包头 is not asked of 珠海).
 */
export function sidesStrategy(frame: Frame, evidenceFor: (frame: Frame) => EvidenceSentence[], context: EvidenceContext, verifyFor: (frame: Frame) => (claim: FigureClaim) => boolean): Side[] {
  const sides: Side[] = [];
  for (const subject of frame.subjects.filter((item) => item.segment !== undefined)) {
    const own = sideFrame(frame, subject);
    // Coverage is of this side's words: the other side's words are not missing from its passages.
    const about = evidenceFor(own).filter((sentence) => aboutSubject(sentence, subject));
    const verify = verifyFor(own);
    // Another side's very figure (a sentence naming both) is not this side's unless its own name owns it.
    const claims = figureStrategy(own, about, context, (claim) => verify(claim) && !sides.some((side) => side.claims.some((other) => other.sentence.text === claim.sentence.text && other.quantity.start === claim.quantity.start)));
    sides.push({ subject, frame: own, claims });
  }
  return sides;
}

function sideFrame(frame: Frame, subject: Subject): Frame {
  const others = frame.subjects.filter((other) => other !== subject && other.segment !== undefined);
  const inText = (text: string, group: TermGroup) => (frame.language === "zh" ? holds(text, group) : saysLabel(text, group.label));
  const ownWords = (subject.segment ?? "").slice((subject.mention ?? "").length);
  const single = { ...frame, subjects: [subject] };
  const ownMeasure = metricTerms({ text: ownWords, asked: [], terms: frame.terms }, single).some((group) => inText(ownWords, group));
  // Words only another subject's segment holds measure that subject's figure, when this one has words of its own.
  const foreign = (group: TermGroup) => ownMeasure && !inText(subject.segment ?? "", group) && others.some((other) => inText(other.segment ?? "", group));
  const keep = (groups: TermGroup[]) => groups.filter((group) => !foreign(group));
  return {
    ...single,
    terms: keep(frame.terms),
    parts: frame.parts.map((part) => ({ ...part, terms: keep(part.terms), head: (frame.language === "zh" ? headNoun(ownWords) : undefined) ?? part.head })),
    period: subject.period ?? (others.some((other) => other.period) ? undefined : frame.period),
    sides: false,
    compare: undefined,
  };
}

/** A sentence about the subject: of a passage filed under it, or naming it. */
function aboutSubject(sentence: EvidenceSentence, subject: Subject): boolean {
  const names = [subject.place, subject.zoneName, ...(subject.aliases ?? [])].filter((name): name is string => Boolean(name));
  return sentence.hit.chunk.zones.some((zone) => names.some((name) => zone.includes(name))) || names.some((name) => sentence.text.includes(name));
}

export interface Comparison {
  /** Index of the compared part in each side's frame. */
  part: number;
  winner?: Side;
  loser?: Side;
  /** Both figures are the same. */
  tie?: boolean;
}

/**
 * The part a comparison asks about (the one sharing words with "哪个总投资更高", else the first asking
 * an amount) and, when every side has a figure for it in one unit, which side is larger or smaller.
 */
export function compareSides(frame: Frame, sides: Side[]): Comparison | undefined {
  const compare = frame.compare;
  if (!compare || sides.length !== 2) return undefined;
  const overlap = frame.parts.map((part) => part.terms.filter((group) => holds(compare.text, group) || saysLabel(compare.text, group.label)).length);
  const best = Math.max(...overlap);
  let part = best > 0 ? overlap.indexOf(best) : frame.parts.findIndex((item) => item.asked.includes("amount"));
  if (part < 0) part = frame.parts.length - 1;
  const figures = sides.map((side) => side.claims.find((claim) => claim.part === side.frame.parts[part]));
  if (figures.some((figure) => !figure) || figures[0]!.quantity.unit !== figures[1]!.quantity.unit) return { part };
  const [a, b] = figures.map((figure) => figure!.quantity.value) as [number, number];
  if (a === b) return { part, tie: true };
  const firstWins = compare.direction === "more" ? a > b : a < b;
  return { part, winner: firstWins ? sides[0] : sides[1], loser: firstWins ? sides[1] : sides[0] };
}
