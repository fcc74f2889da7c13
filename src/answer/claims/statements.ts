import type { Language } from "../../core/types.js";
import { subjectFit, type EvidenceContext, type EvidenceSentence } from "./evidence.js";
import type { Frame } from "./frame.js";
import { claimLexicon } from "./lexicon.js";
import { chineseNumber } from "./quantities.js";

/**
 * Questions answered by what a report says rather than by a figure computed: "涉及哪6大产业？" (a
 * list the report gives), "Which was the largest project signed?" (the report names it so). The
 * claim is the report's own clause, quoted; nothing is labelled or ranked by us.
 */

export type StatementAsk = { kind: "list"; count?: number; noun?: string } | { kind: "superlative"; says: string[] };

export interface StatementClaim {
  kind: "statement";
  sentence: EvidenceSentence;
  /** The words of the sentence that answer (the enumeration, or the clause naming the superlative). */
  clause: string;
}

const englishCounts: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

/** What kind of statement the question asks for, if it asks for one. */
export function statementAsk(question: string, language: Language): StatementAsk | undefined {
  const lexicon = claimLexicon();
  const which = language === "zh" ? /哪|什么|谁/u : /\b(?:which|what|who)\b/iu;
  if (which.test(question)) {
    const superlative = lexicon.superlative[language].find((entry) => entry.cue.test(question));
    // "the largest investment project": a superlative of what the question names, not "最多的园区" across zones.
    if (superlative) return { kind: "superlative", says: superlative.says };
  }
  for (const pattern of lexicon.listAsk[language]) {
    const match = pattern.exec(question);
    if (!match) continue;
    const written = match[1];
    const count = written ? (language === "en" ? englishCounts[written.toLowerCase()] ?? Number(written) : chineseNumber(written)) : undefined;
    const noun = language === "zh" ? match[2] : undefined;
    // "有哪些招商优惠政策" asks for measures described at length, not a list of named items: only a
    // number asked, or a class of named things (产业, 企业, 项目 …), is answered by an enumeration.
    if (count === undefined && !(noun && itemClass.test(noun)) && language === "zh") continue;
    return { kind: "list", ...(count && Number.isFinite(count) ? { count } : {}), ...(noun ? { noun } : {}) };
  }
  return undefined;
}

const itemClass = /^(?:产业|行业|领域|企业|公司|项目|园区|城市|国家|地区|部门|单位|机构|平台|板块|品牌)$/u;

const enumeration = /(?:[^，,。；;：:、“”]{2,16}、)+[^，,。；;：:、“”]{2,16}/gu;

/** The sentence that says what was asked: the best-covered one about the subject and period that holds it. */
export function statementStrategy(frame: Frame, ask: StatementAsk, evidence: EvidenceSentence[], context: EvidenceContext): StatementClaim | undefined {
  let best: (StatementClaim & { score: number }) | undefined;
  for (const sentence of evidence) {
    // A sentence of the article the question is about may say it in few of the question's words.
    if ((sentence.coverage < 0.25 && !(sentence.articleCoverage >= 0.4 && sentence.coverage >= 0.1)) || sentence.periodFit < 0) continue;
    if (subjectFit(sentence.text, frame.subjects, context, frame.question, sentence.hit.chunk.zones) < 0) continue;
    const found = ask.kind === "superlative" ? superlativeClause(sentence.text, ask.says) : listClause(sentence.text, ask);
    if (!found) continue;
    // "与哪些企业签约": a list of the asked noun that holds none of the question's other words ("…企业培育、企业数增长…")
    // is another list of that noun.
    if (ask.kind === "list" && ask.noun && ![...sentence.present].some((group) => !group.alternatives.includes(ask.noun!) && !group.alternatives.some((term) => ask.noun!.includes(term)))) continue;
    const score = sentence.coverage + found.fit - 0.02 * Math.min(sentence.hitRank, 10);
    if (!best || score > best.score) best = { kind: "statement", sentence, clause: found.clause, score };
  }
  return best;
}

/** The clauses from the one before the superlative word to its own ("欣旺达…总投资120亿元,是本次签约投资额最大的…项目"). */
function superlativeClause(text: string, says: string[]): { clause: string; fit: number } | undefined {
  const at = Math.min(...says.map((word) => text.indexOf(word)).filter((index) => index >= 0));
  if (!Number.isFinite(at)) return undefined;
  const clauses = text.split(/(?<=[，,；;])/u);
  let offset = 0;
  for (let index = 0; index < clauses.length; index++) {
    const end = offset + clauses[index]!.length;
    if (at < end) {
      const start = index > 0 ? offset - clauses[index - 1]!.length : 0;
      return { clause: text.slice(start, end).replace(/[，,；;。]$/u, ""), fit: 0.5 };
    }
    offset = end;
  }
  return undefined;
}

/** An enumeration ("装备制造、新能源、…") of the asked noun, with the asked number of items when one is given. */
function listClause(text: string, ask: Extract<StatementAsk, { kind: "list" }>): { clause: string; fit: number } | undefined {
  let best: { clause: string; fit: number } | undefined;
  for (const match of text.matchAll(enumeration)) {
    const items = match[0].split("、");
    const after = text.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + match[0].length + 8);
    const countSaid = ask.count !== undefined && new RegExp(`^[^，,。]{0,3}?(?:${ask.count}|${"零一二三四五六七八九十".charAt(ask.count) || "-"})(?:大|个|类|项|家|种|条)`, "u").test(after);
    if (ask.count !== undefined && items.length !== ask.count && !countSaid) continue;
    const nounNear = ask.noun !== undefined && (after.includes(ask.noun) || match[0].includes(ask.noun));
    const fit = (countSaid || items.length === ask.count ? 0.6 : 0) + (nounNear ? 0.4 : 0);
    if (ask.count === undefined && !nounNear) continue;
    // The clause holding the enumeration, from its clause start.
    const start = Math.max(text.lastIndexOf("，", match.index ?? 0), text.lastIndexOf(",", match.index ?? 0)) + 1;
    const endMatch = /[，,；;。]/u.exec(text.slice((match.index ?? 0) + match[0].length));
    const end = endMatch ? (match.index ?? 0) + match[0].length + endMatch.index : text.length;
    const clause = text.slice(start, end);
    if (!best || fit > best.fit) best = { clause, fit };
  }
  return best;
}
