import { escapeRegExp } from "../../core/language.js";
import { isPolicyChunk } from "../../ingest/policy-rules.js";
import { otherYearSpan } from "./quantities.js";
import type { Frame } from "./frame.js";
import { metricTerms, type FigureClaim } from "./strategies.js";
import type { TermGroup } from "../../retrieve/analyze-query.js";
import type { Period } from "../../facts/types.js";
import { claimLexicon } from "./lexicon.js";

/**
 * A figure claim is said only when its cited sentence bears it out: the figure is written there,
 * the clause's words are the question's (at least one of the part's terms governs it), the clause
 * is about the asked subject (not another zone, nor the city when a zone was asked), the sentence
 * names no other period, and the figure is a result (not a plan, target, projection or threshold).
 */

export type FigureCheck = "ok" | "key-term-absent" | "period-unknown" | "unit-mismatch" | "figure-absent" | "not-governed" | "other-subject" | "other-period" | "not-a-result" | "threshold" | "weak-evidence";

export function checkFigure(claim: FigureClaim, frame: Frame): FigureCheck {
  const { quantity, sentence } = claim;
  if (!sentence.text.includes(quantity.raw)) return "figure-absent";
  if (quantity.threshold) return "threshold";
  if (quantity.notResult && !frame.asksPlan) return "not-a-result";
  if (claim.subject < 0) return "other-subject";
  if (claim.period < 0) return "other-period";
  // "前两年" asked, "第三年至第五年按…50%" said: another span of a benefit's years.
  if (otherYearSpan(frame.question, `${quantity.topic}${quantity.clause}`)) return "other-period";
  // A period was asked and nothing near the figure names one: its article must name that period
  // elsewhere, or the report's date lie in it (or just after it, when a report sums up the period).
  if (frame.period && claim.period <= 0 && !sentence.articlePeriod && !reportedDuring(sentence.hit.chunk.date, frame.period)) return "period-unknown";
  if (!unitAgrees(claim)) return "unit-mismatch";
  if (metricTerms(claim.part, frame).length > 0 && claim.local === 0) return "not-governed";
  // "排第几位": the position asked is the measure; the subject must be named at it.
  const positionAsked = metricTerms(claim.part, frame).length === 0 && (quantity.unit === "rank" || quantity.unit === "score") && claim.subject > 0;
  // The part's most telling word (航空 in "航空产业主营业务收入") must be in the sentence (or the
  // article's title): a clause of another industry with the same measure is another figure.
  // A position asked ("进入全国百强了吗", "rank first") is checked by the position itself, named for the subject.
  const positionOfSubject = quantity.unit === "rank" && claim.part.asked.includes("rank") && claim.subject > 0;
  const key = positionOfSubject ? undefined : keyTerm(claim, frame);
  // (…or the sentence just before, which sets the scene: "X举行三季度招商项目集中签约仪式。新签约项目30个".)
  if (key && !key.alternatives.some((term) => said(term, sentence.text) || ((said(term, sentence.hit.chunk.title) || said(term, sentence.previous ?? "")) && !otherItemNamed(term, claim, frame)))) return "key-term-absent";
  if (projectsOwnFigure(claim, frame)) return "other-subject";
  if (otherMeasure(claim, frame)) return "key-term-absent";
  // "航空产业主营业务收入": an item the question names (X产业, X行业…) must be the figure's, not another named beside it.
  if (metricTerms(claim.part, frame).some((group) => group.alternatives.every((term) => !said(term, sentence.text) && otherItemNamed(term, claim, frame, group.label)))) return "key-term-absent";
  // A sentence that shares little with the question proves little, whatever figure it has, unless
  // its measure is the question's and its article is the one the question is about.
  if (sentence.coverage < 0.3 && !positionAsked && !(claim.local >= 0.5 && (sentence.articleCoverage >= 0.4 || claim.subject > 0))) return "weak-evidence";
  return "ok";
}

export const verifyFigure = (frame: Frame) => (claim: FigureClaim) => checkFigure(claim, frame) === "ok";

function reportedDuring(date: string | undefined, period: Period): boolean {
  if (!date || period.yearless) return period.yearless === true;
  if (/^\d{4}$/u.test(date)) return period.from.startsWith(date) || period.to.startsWith(date);
  const month = date.slice(0, 7);
  const [year, last] = period.to.split("-").map(Number) as [number, number];
  // A year is summed up months later (annual reports come out in spring); a quarter within weeks.
  const grace = new Date(Date.UTC(year, last - 1 + (period.kind === "year" ? 6 : 3), 1)).toISOString().slice(0, 7);
  return month >= period.from && month < grace;
}

/** A count of enterprises is in 家 or 户, of projects in 个 or 项: a "20条" answers neither. */
function unitAgrees(claim: FigureClaim): boolean {
  if (claim.quantity.unit !== "count") return true;
  const unit = /[个家项户名人条座批套台所款场届位件种类次]$/u.exec(claim.quantity.raw.replace(/[多余]$/u, ""))?.[0];
  if (!unit) return true;
  for (const noun of claimLexicon().countNouns) {
    if (noun.cue.test(claim.part.text)) return noun.units.includes(unit);
  }
  return true;
}

/**
 * The title names the asked item (航空 in a report titled on aviation) but the figure's own sentence
 * names another of the same kind ("电子信息产业…实现主营业务收入764.6亿元"): the figure is that one's.
 */
function otherItemNamed(term: string, claim: FigureClaim, frame: Frame, label?: string): boolean {
  const at = frame.question.indexOf(term);
  // "the aviation industry": an English question names the item by the group's label, the head after it.
  const englishHead = at < 0 && label && frame.language === "en" ? new RegExp(`\\b${escapeRegExp(label)}\\s+(industry|industries|sector|sectors|enterprises|companies)\\b`, "iu").exec(frame.question)?.[1] : undefined;
  if (at < 0 && !englishHead) return false;
  const head = englishHead ? (/^(?:enterprises|companies)$/iu.test(englishHead) ? "企业" : "产业") : /^[\u4e00-\u9fa5]{2}/u.exec(frame.question.slice(at + term.length))?.[0];
  // (Not 项目: "招商项目" and "新签约项目" name the same projects from two sides, not two kinds.)
  if (!head || !/^(?:产业|行业|领域|企业|园区|板块|集群)$/u.test(head)) return false;
  const before = claim.sentence.text.slice(0, claim.quantity.start);
  if (before.includes(`${term}${head}`)) return false;
  // Another item shares no character with the asked one ("新型建筑材料项目" is 新型建材's own name written out).
  return [...before.matchAll(new RegExp(`([\u4e00-\u9fa5]{2,6})${head}`, "gu"))].some((match) => ![...term].some((char) => match[1]!.includes(char)));
}

/**
 * A named project's own investment ("X项目位于…,总投资约16.2亿元") does not answer for a zone's total
 * over a period, unless the question names that project.
 */
function projectsOwnFigure(claim: FigureClaim, frame: Frame): boolean {
  if (!frame.period || frame.period.kind === "day" || frame.intent === "yesno") return false;
  const subject = /^([^，,。；;]{4,40}?项目)(?:位于|由|是|地处|坐落|选址|总投资|计划总投资|占地|,|，)/u.exec(claim.sentence.text);
  if (!subject || claim.quantity.start < subject[1]!.length) return false;
  // "…等重点项目16个": a count of projects is a total, not one project.
  if (/\d+个/u.test(claim.sentence.text.slice(0, claim.quantity.start))) return false;
  const name = subject[1]!.replace(/项目$/u, "");
  return !frame.terms.some((group) => group.alternatives.some((term) => term.length >= 2 && name.includes(term) && !/高新|开发|园区|新区|经开/u.test(term)));
}

/**
 * The figure's own words name a measure the question sets apart from the one it asks (工业产值 asked,
 * "规上工业增加值69.6亿元" said; 实际使用外资 asked, 合同外资 said): another figure, whatever words they share.
 */
function otherMeasure(claim: FigureClaim, frame: Frame): boolean {
  // The whole question: "产值多少？增幅多少？" asks the growth of the output.
  const asked = `${frame.language === "zh" ? frame.question : ""} ${frame.terms.flatMap((group) => group.alternatives).join(" ")}`;
  const governing = claim.quantity.governs;
  return claimLexicon().distinctMeasures.some((pair) =>
    pair.some((own, index) => {
      const other = pair[1 - index]!;
      return asked.includes(own) && !asked.includes(other) && governing.includes(other) && !governing.includes(own);
    }),
  );
}

/** The rarest curated measure word of the claim's part (dictionary guesses are too loose to insist on). */
function keyTerm(claim: FigureClaim, frame: Frame): TermGroup | undefined {
  // A real word of the measure that no passage holds ("上市" asked of a policy without a listing reward): a
  // policy has no such rule, and no figure of its other rules answers it. (A report words things its own way
  // — 落户 for 签约 —, so there this decides nothing.)
  const chunk = claim.sentence.hit.chunk;
  const absent = isPolicyChunk(chunk) ? metricTerms(claim.part, frame).find((group) => group.unseen) : undefined;
  if (absent) return absent;
  // A word the corpus never uses ("签下" for 签约) cannot be insisted on: no passage could hold it.
  // (An event's verb — 开工, 签约 — says which event the figure belongs to: the report of a ground-breaking gives
  // the project's investment in a sentence of its own, so it is insisted on only where the sentence names
  // another event: "签约项目15个,总投资232亿元" is not what 开工 projects are worth.)
  const eventVerbs = claimLexicon().eventVerbs;
  const otherEvent = (group: TermGroup) => [...eventVerbs].some((verb) => claim.sentence.text.includes(verb) && !group.alternatives.some((term) => term.includes(verb) || verb.includes(term)));
  const measured = metricTerms(claim.part, frame).filter((group) => (!group.alternatives.every((term) => eventVerbs.has(term)) || otherEvent(group)) && group.weight === undefined && group.alternatives.some((term) => term.length >= 2) && (claim.rarity.get(group) ?? 0) < claim.unseenWeight);
  if (measured.length < 2) return undefined;
  return [...measured].sort((a, b) => (claim.rarity.get(b) ?? 0) - (claim.rarity.get(a) ?? 0))[0];
}

/** A word is said when written whole, or, for a long compound the segmenter made ("产值同比增长"), by its head and tail. */
function said(term: string, text: string): boolean {
  if (text.includes(term)) return true;
  return term.length >= 5 && text.includes(term.slice(0, 2)) && text.includes(term.slice(-2));
}
