import type { Chunk, PolicyRule, RuleClause } from "../core/types.js";
import { isHeadingSentence, markerAt } from "./policy-structure.js";

/**
 * Rule records of a policy item, read at index time: the measure (reward, subsidy, refund …) and,
 * clause by clause, who qualifies, the amount or rate, the cap, the payment schedule and the period.
 * "对在主板上市企业，给予企业300万元奖励；对在新三板挂牌企业，给予企业100万元奖励" is two clauses with
 * one condition and one amount each: an answer quotes the clause asked about, not its neighbour.
 */

const measures: Array<[string, RegExp]> = [
  ["reward", /奖励|奖补|嘉奖/],
  ["subsidy", /补贴|补助|资助|津贴|扶持资金|资金支持/],
  ["refund", /返还|退还|返回|留成/],
  ["loan discount", /贴息|贴现/],
  ["land", /用地|土地|地价|出让金/],
  ["rent", /租金|房租|租赁/],
  ["talent", /人才|博士|硕士|专家|高校毕业生/],
  ["listing", /上市|挂牌/],
  ["tax", /税收|纳税|财政贡献|税金/],
  ["financing", /融资|担保|贷款|基金/],
];

/** The measures a rule record can name, for filters (MCP get_policy_rules). */
export const measureNames = measures.map(([name]) => name);

const money = /\d+(?:\.\d+)?\s*(?:万亿|亿|千万|百万|万)?\s*(?:美元|元)(?:\/(?:亩|人次|人|年|次|间|个|平方米|夜|家|块|张|床)){0,2}/g;
const rate = /\d+(?:\.\d+)?\s*%(?:\s*[—–\-~至到]\s*\d+(?:\.\d+)?\s*%)?/g;
const capPattern = /(?:单[个家项]\S{0,4})?(?:每[年家个项人]\S{0,4})?(?:最高|最多|不超过|上限为?|封顶)[^，。；;]{0,16}?\d+(?:\.\d+)?\s*(?:万亿|亿|千万|百万|万)?\s*(?:元|%)/;
const uncappedPattern = /不设上限|不封顶|上不封顶/;
const schedulePattern =
  /分(?:[两二三四五\d])?(?:期|年|次|个?阶段|批)[^，。；;]{0,20}|(?:\d+%[、和及]){1,}\s*\d+%|第[一二三四五]年[^；。]{0,40}|(?:[一二三四五\d])个阶段|分期拨付|分期兑现|一次性(?:兑现|拨付|兑付)[^，。；;]{0,12}/;
const periodPattern = /连续\s*[\d一二三四五六七八九十]+\s*年|前\s*[\d一二三四五]+\s*年|后\s*[\d一二三四五]+\s*年|[\d一二三四五]+\s*年内|自[^，。；]{1,10}起/;

/** Top-level clauses: split at 。；; outside brackets. Offsets are into `text`. */
export function splitClauses(text: string): Array<{ text: string; start: number; end: number }> {
  const clauses: Array<{ text: string; start: number; end: number }> = [];
  let depth = 0;
  let start = 0;
  const push = (end: number) => {
    let from = start;
    let to = end;
    while (from < to && /\s/.test(text[from]!)) from++;
    while (to > from && /\s/.test(text[to - 1]!)) to--;
    if (to > from) clauses.push({ text: text.slice(from, to), start: from, end: to });
    start = end;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if ("（(〔[".includes(char)) depth++;
    else if ("）)〕]".includes(char)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && "。；;\n".includes(char)) push(index + 1);
  }
  push(text.length);
  return clauses;
}

/** "对在主板上市企业，给予…" → "对在主板上市企业"; "符合…条件的" clauses too. */
function conditionOf(clause: string): string | undefined {
  const leading = /^(?:[^，,。；]{0,12}[，,])?((?:对|凡|经|符合|满足|达到)[^。；]*?)(?:的[，,]|[，,](?=给予|按|参照|一次性|分别|奖励|补贴|每))/.exec(clause);
  if (leading) return leading[1]!.trim();
  const explicit = /(符合|满足|达到)[^，。；]{2,40}(?:条件|标准|要求)/.exec(clause);
  return explicit?.[0];
}

/** Reads one clause. */
export function readClause(text: string, start = 0, end = start + text.length): RuleClause {
  const clause: RuleClause = { text, start, end, amounts: [], rates: [] };
  clause.amounts = [...text.matchAll(money)].map((match) => match[0].replace(/\s+/g, ""));
  clause.rates = [...text.matchAll(rate)].map((match) => match[0].replace(/\s+/g, ""));
  const marker = markerAt(text);
  const condition = conditionOf(marker ? text.slice(marker.text.length).trimStart() : text);
  if (condition) clause.condition = condition;
  if (uncappedPattern.test(text)) clause.uncapped = true;
  const cap = capPattern.exec(text);
  if (cap) clause.cap = cap[0];
  const schedule = schedulePattern.exec(text);
  if (schedule) clause.schedule = schedule[0];
  const period = periodPattern.exec(text);
  if (period) clause.period = period[0];
  return clause;
}

/** The rule record of one policy item (a chunk with a section), or undefined when it states no measure. */
export function extractRule(text: string): PolicyRule | undefined {
  const clauses = splitClauses(text)
    // "第15条鼓励企业挂牌上市。" names the item; it is its title, not a clause.
    .filter((clause) => !isHeadingSentence(clause.text))
    .map((clause) => readClause(clause.text, clause.start, clause.end));
  const title = splitClauses(text).find((clause) => isHeadingSentence(clause.text))?.text;
  const measure = measures.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
  const useful = clauses.some((clause) => clause.amounts.length > 0 || clause.rates.length > 0 || clause.uncapped || clause.cap);
  if (!useful && measure.length === 0) return undefined;
  const rule: PolicyRule = { measure, clauses };
  if (title) {
    const marker = markerAt(title);
    rule.title = (marker ? title.slice(marker.text.length) : title).replace(/[。；;：:]$/, "").trim();
  }
  return rule;
}

/** One clause of a policy item as listed by `npm run facts` and GET /api/facts. */
export interface RuleListing extends Omit<RuleClause, "start" | "end"> {
  zone: string;
  document: string;
  section: string;
  measure: string[];
  /** When the document applies, and whether it has run out (against `today`). */
  effective?: string;
  expires?: string;
  expired?: boolean;
  source: string;
  chunkId: string;
}

/** The rule records of the indexed policy items, filtered by zone or place. */
export function listRules(chunks: readonly Chunk[], filter: { zone?: string; limit?: number }, today: string): RuleListing[] {
  const zone = filter.zone?.trim();
  const listed: RuleListing[] = [];
  for (const chunk of chunks) {
    if (!chunk.rule) continue;
    if (zone && !chunk.zones.some((name) => name === zone || name.startsWith(zone))) continue;
    for (const clause of chunk.rule.clauses) {
      if (clause.amounts.length === 0 && clause.rates.length === 0 && !clause.cap && !clause.uncapped && !clause.schedule) continue;
      const { start: _start, end: _end, ...fields } = clause;
      listed.push({
        zone: chunk.zones[0] ?? "",
        document: chunk.title,
        section: chunk.section ?? "",
        measure: chunk.rule.measure,
        ...fields,
        ...(chunk.validity?.effective ? { effective: chunk.validity.effective } : {}),
        ...(chunk.validity?.expires ? { expires: chunk.validity.expires, expired: chunk.validity.expires < today } : {}),
        source: chunk.source,
        chunkId: chunk.id,
      });
      if (filter.limit !== undefined && listed.length >= filter.limit) return listed;
    }
  }
  return listed;
}

const policyTitle = /(?:政策|办法|意见|措施|规定|细则|条例|通知|制度)(?:\(试行\)|（试行）)?$/u;
/** A text that speaks of itself as a rule ("本办法…"). */
export const selfNamedRule = /本(?:办法|政策|规定|意见|细则|制度|条例|措施)/u;
/** …or is laid out in articles ("第五条…"). */
const articleMarker = /第[一二三四五六七八九十百\d]{1,4}条/u;

/** A passage of a policy text (a numbered item, a rule, a document titled as a policy, or one that calls itself one), not of a report. */
export function isPolicyChunk(chunk: Pick<Chunk, "rule" | "section" | "title" | "text">): boolean {
  return chunk.rule !== undefined || chunk.section !== undefined || policyTitle.test(chunk.title) || selfNamedRule.test(chunk.text) || articleMarker.test(chunk.text);
}
