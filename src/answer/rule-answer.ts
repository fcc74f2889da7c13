import type { Answer, AnswerInput, Citation, Language, RuleClause, SearchHit, Validity } from "../core/types.js";
import { parseChinesePeriods, questionPeriod } from "../facts/period.js";
import type { Period } from "../facts/types.js";
import { groupCoverage } from "./coverage.js";
import { findFigures } from "./english-figures.js";
import { englishZoneName } from "./zone-names.js";
import { markerAt } from "../ingest/policy-structure.js";
import { isPolicyChunk, readClause } from "../ingest/policy-rules.js";
import { amountVerdict, compareCue, comparisonOpening, sentenceOf, sideAmounts, spanText } from "./rule-comparison.js";
import { amountsInYuan } from "./claims/frame.js";

/**
 * Answers about policy rules, composed from the rule records and validity stored with each policy
 * item at index time: how much, who qualifies, is there a …, what is the cap, how is it paid, until
 * when does it apply. The first paragraph is the direct answer (the asked clause's amount and
 * condition, or yes/no with the rule); the quoted items follow; a policy that has run out says so.
 * Returns undefined when the question is not about a rule or no retrieved passage holds one, so the
 * general composer answers instead.
 */

export type RuleQuestionKind = "validity" | "schedule" | "cap" | "condition" | "amount";

const validityCue =
  /有效期|有效到|到什么时候|何时(?:到期|失效|截止|施行|生效|开始|起)|什么时候(?:开始)?(?:施行|实施|生效|执行|到期|失效|截止)|从什么时候|执行期|政策期限|期限是|哪几年|还有效|是否有效|\bvalid|\bexpir|until when|in force|\bapply until\b|take effect|come into (?:force|effect)|how long (?:does|did|is|was|will)\b.*\b(?:polic|apply|last|stay|valid|run)|when (?:does|did|will) .*\b(?:polic|measure|rule|opinion).*\b(?:start|end|expire|apply|begin|run out)/i;
const scheduleCue =
  /分几|几个阶段|阶段|分期|几年发|每年多少|兑现方式|怎么兑现|如何兑现|一次性|instal+ments?|in stages|paid out|one payment|single payment|lump sum|tranches?|payment schedule|all at once/i;
const capCue = /最高|上限|封顶|最多|\bcap\b|capped|maximum|\bmost\b|upper limit|ceiling|at most/i;
const conditionCue = /条件|门槛|满足|符合|资格|要求|什么样的|哪些企业|谁可以|who qualif|qualif|eligib|condition|requirement|threshold|\bwhich\b|\bwho\b/i;
const amountCue = /多少|几|奖励|补贴|补助|怎么给|how much|what (?:reward|subsid|funding|support|grant)|amount|reward|subsid|\bpay|funding|grant/i;
const yesNoCue = /有没有|有无|是否|有.{0,16}吗|能.{0,16}吗|可以.{0,16}吗|\bis there\b|\bare there\b|^(?:does|do|can|is|are|will)\b/i;
const twoCue = /分别|各是|各自|各为|比较|对比|相比|变化|以前|此前|compare|comparison|\bversus\b|\bvs\b|change|earlier|previous|\bboth\b|\band (?:for|a|an|the)\b/i;
/** Two versions of one rule: the other side comes from another document. */
const acrossDocumentsCue = /变化|以前|此前|之前|原来|旧|新旧|调整|change|changed|earlier|previous|former|older|old one/i;
const stagesCue = /阶段|分期|比例|分几|instal+ments?|in stages|stages|tranches?|paid out/i;
const lumpSumCue = /一次性|全额|one payment|single payment|all at once|lump sum|in one go|whole/i;
const benefitCue = /给予|奖励|补贴|补助|资金支持|返还|扶持|津贴|加分/;

export function ruleQuestionKind(question: string): RuleQuestionKind | undefined {
  if (validityCue.test(question)) return "validity";
  if (scheduleCue.test(question)) return "schedule";
  if (capCue.test(question)) return "cap";
  if (conditionCue.test(question)) return "condition";
  if (amountCue.test(question) || yesNoCue.test(question)) return "amount";
  return undefined;
}

interface Candidate {
  hit: SearchHit;
  hitIndex: number;
  clause: RuleClause;
  score: number;
  coverage: number;
  covered: Set<number>;
}

const maxHits = 8;

function isoToday(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function zhDate(date: string): string {
  const [year, month, day] = date.split("-");
  return `${year}年${month ? `${Number(month)}月` : ""}${day ? `${Number(day)}日` : ""}`;
}

/** The label of an item: the last heading of its path ("第15条 鼓励企业挂牌上市", "6.冰雪项目建设"). */
function itemLabel(hit: SearchHit): string {
  const path = hit.chunk.section?.split(" › ") ?? [];
  return path[path.length - 1] ?? "";
}

function yearFit(hit: SearchHit, years: string[]): number {
  if (years.length === 0) return 0;
  const own = `${hit.chunk.title} ${hit.chunk.date ?? ""} ${hit.chunk.validity?.effective ?? ""}`;
  return years.some((year) => own.includes(year)) ? 0.3 : -0.3;
}

function kindFit(kind: RuleQuestionKind, clause: RuleClause, question: string): number {
  const hasFigure = clause.amounts.length > 0 || clause.rates.length > 0;
  const benefit = benefitCue.test(clause.text) ? 0.15 : 0;
  switch (kind) {
    case "cap":
      return clause.cap || clause.uncapped ? 0.35 : hasFigure ? 0 : -0.2;
    case "schedule": {
      if (!clause.schedule) return -0.1;
      const staged = clause.rates.length >= 2 || /阶段|分期|第[一二三]年/.test(clause.text);
      // A schedule that names its shares (30%、30%、40%) answers "in stages" better than "分期拨付" alone.
      return 0.35 + (stagesCue.test(question) && staged ? 0.45 + (clause.rates.length >= 2 ? 0.25 : 0) : 0) + (lumpSumCue.test(question) && /一次性|全额/.test(clause.text) ? 0.3 : 0);
    }
    case "condition":
      return (clause.condition ? 0.15 : 0) + (hasFigure ? 0.1 : -0.1) + benefit;
    default:
      return (hasFigure ? 0.2 : -0.25) + benefit;
  }
}

function candidates(input: AnswerInput, kind: RuleQuestionKind, years: string[]): Candidate[] {
  const figures = (input.standaloneQuestion.match(/\d+(?:\.\d+)?\s*(?:万|亿)?元?/g) ?? []).filter((figure) => /万|亿|元/.test(figure));
  const found: Candidate[] = [];
  input.hits.slice(0, maxHits).forEach((hit, hitIndex) => {
    const rule = hit.chunk.rule;
    if (!rule) return;
    const context = `${hit.chunk.title} ${hit.chunk.section ?? ""} ${rule.title ?? ""}`;
    for (const clause of rule.clauses) {
      const whole = groupCoverage(input.termGroups, `${context} ${clause.text}`, input.termWeights);
      const local = groupCoverage(input.termGroups, clause.text, input.termWeights);
      let score = whole.score * 0.6 + local.score * 0.6 + 0.3 / (hitIndex + 1) + kindFit(kind, clause, input.standaloneQuestion) + yearFit(hit, years);
      if (figures.some((figure) => clause.text.includes(figure.replace(/\s+/g, "")))) score += 0.3;
      found.push({ hit, hitIndex, clause, score, coverage: whole.score, covered: whole.covered });
    }
  });
  return found.sort((a, b) => b.score - a.score);
}

/**
 * The question's word that the fewest retrieved rule clauses hold (专精特新 among 企业, 奖励, 新): the one that
 * tells the asked rule from its neighbours. None when every word is common to most clauses.
 */
function rarestGroup(input: AnswerInput): string[] | undefined {
  const texts = input.hits.slice(0, maxHits).flatMap((hit) => (hit.chunk.rule ? hit.chunk.rule.clauses.map((clause) => `${hit.chunk.rule!.title ?? ""}${clause.text}`) : []));
  if (texts.length < 3) return undefined;
  const ranked = input.termGroups
    .map((group, index) => ({ group, weight: input.termWeights?.[index], held: texts.filter((text) => group.some((term) => term.length >= 2 && text.includes(term))).length }))
    // A dictionary guess may name the wrong sense ("listed" → 上市 for "listed as"): only curated words decide.
    .filter((item) => item.weight === undefined && item.held > 0 && item.held <= texts.length / 4)
    .sort((a, b) => a.held - b.held || Math.max(...b.group.map((term) => term.length)) - Math.max(...a.group.map((term) => term.length)));
  return ranked[0]?.group;
}

/** Does the chosen clause (or its rule's title) hold the question's rarest curated word? */
function rarestHeld(input: AnswerInput, candidate: Candidate): boolean {
  const rarest = rarestGroup(input);
  return rarest !== undefined && rarest.some((term) => `${candidate.hit.chunk.rule?.title ?? ""}${candidate.clause.text}`.includes(term));
}

/** The clauses that answer: the best, and for two-sided questions the other side. */
function choose(question: string, ranked: Candidate[]): Candidate[] {
  const best = ranked[0]!;
  if (compareCue.test(question)) {
    // The other side: another item (not a tier of the best one's sentence) holding words the best lacks.
    const own = sentenceOf(best.hit, best.clause);
    const fresh = (candidate: Candidate) => [...candidate.covered].filter((group) => !best.covered.has(group)).length;
    const other = ranked
      .slice(1)
      .filter((candidate) => !(candidate.hit.chunk.id === best.hit.chunk.id && own.some((clause) => clause.start === candidate.clause.start)))
      .filter((candidate) => fresh(candidate) > 0 && candidate.score >= best.score * 0.5)
      .sort((a, b) => fresh(b) - fresh(a) || b.score - a.score)[0];
    if (other) return [best, other];
  }
  if (!twoCue.test(question)) return [best];
  const rest = ranked.slice(1).filter((candidate) => candidate.clause.text !== best.clause.text);
  const otherDocument = rest.find(
    (candidate) => candidate.hit.chunk.source !== best.hit.chunk.source && candidate.coverage >= best.coverage * 0.8 && candidate.score >= best.score * 0.6,
  );
  if (acrossDocumentsCue.test(question) && otherDocument) return [best, otherDocument];
  const addsTerms = rest.find(
    (candidate) =>
      candidate.hit.chunk.articleId === best.hit.chunk.articleId &&
      [...candidate.covered].some((group) => !best.covered.has(group)) &&
      candidate.score >= best.score * 0.6,
  );
  if (addsTerms) return [best, addsTerms];
  return otherDocument ? [best, otherDocument] : [best];
}

/** "第3条固定资产投资…" → "固定资产投资…": the label already names the item. */
function withoutMarker(text: string): string {
  const marker = markerAt(text);
  return marker ? text.slice(marker.text.length).trimStart() : text;
}

function trimEnd(text: string): string {
  return text.replace(/[。；;，,\s]+$/u, "");
}

interface Cited {
  citations: Citation[];
  numberOf(hit: SearchHit): number;
}

function citationsFor(): Cited {
  const citations: Citation[] = [];
  const numbers = new Map<string, number>();
  return {
    citations,
    numberOf(hit) {
      let n = numbers.get(hit.chunk.id);
      if (n === undefined) {
        n = citations.length + 1;
        numbers.set(hit.chunk.id, n);
        const chunk = hit.chunk;
        citations.push({ n, source: chunk.source, title: chunk.title, zone: chunk.zones[0] ?? "", date: chunk.date, quote: chunk.text, chunkId: chunk.id, start: chunk.start, end: chunk.end });
      }
      return n;
    },
  };
}

function englishPlace(input: AnswerInput, hit: SearchHit): string {
  const zone = hit.chunk.zones[0];
  if (!zone) return "";
  return englishZoneName(zone, (place) => input.placeNames[place] ?? place);
}

/** "RMB 1 million (100万元); 30%, 30% and 40%; no cap (不设上限)" for an English lead. */
function englishSummary(clause: RuleClause): string {
  const parts: string[] = [];
  const figures = [...new Set(findFigures(clause.text).map((figure) => figure.english))];
  if (figures.length > 0) parts.push(figures.slice(0, 6).join("; "));
  if (clause.uncapped) parts.push("no cap (不设上限)");
  else if (clause.cap) parts.push(`capped: ${clause.cap}`);
  if (clause.schedule && !/^\d/.test(clause.schedule)) parts.push(`paid: ${clause.schedule}`);
  return parts.join("; ");
}

/** "该政策2023年2月8日起施行，暂定三年有效期，已于2026年2月7日到期" when a policy has run out or been replaced. */
function expiryNote(validity: Validity | undefined, today: string, language: AnswerInput["language"], n: number): string | undefined {
  if (!validity) return undefined;
  const replaced = validity.supersededBy?.length ? validity.supersededBy : undefined;
  const expired = validity.expires !== undefined && validity.expires < today;
  if (!expired && !replaced) return undefined;
  if (language === "en") {
    const ran = validity.effective && validity.expires ? `this policy ran ${validity.effective.slice(0, 4)}–${validity.expires.slice(0, 4)}` : validity.expires ? `this policy expired on ${validity.expires}` : "";
    const by = replaced ? `${ran ? "; " : ""}it was replaced by ${replaced.map((title) => `《${title}》`).join(", ")}` : "";
    return `Note: ${ran}${by} [${n}].`;
  }
  const ran = expired ? `该政策${validity.effective ? `自${zhDate(validity.effective)}起施行，` : ""}已于${zhDate(validity.expires!)}到期` : "";
  const by = replaced ? `${ran ? "，" : ""}已被${replaced.map((title) => `《${title}》`).join("、")}取代` : "";
  return `注：${ran}${by}[${n}]。`;
}

function validityAnswer(input: AnswerInput, today: string): Answer | undefined {
  const years = input.standaloneQuestion.match(/(?:19|20)\d{2}/g) ?? [];
  const scored = input.hits
    .slice(0, maxHits)
    .map((hit, hitIndex) => ({ hit, hitIndex }))
    .filter(({ hit }) => hit.chunk.validity && (hit.chunk.validity.effective || hit.chunk.validity.expires || hit.chunk.validity.termYears || hit.chunk.validity.effectiveFromIssue))
    .map(({ hit, hitIndex }) => {
      const states = hit.chunk.validity!.statements?.some((statement) => hit.chunk.text.includes(statement)) ? 0.3 : 0;
      const title = groupCoverage(input.termGroups, `${hit.chunk.title} ${hit.chunk.text}`, input.termWeights).score;
      return { hit, score: title + states + 0.3 / (hitIndex + 1) + yearFit(hit, years) };
    })
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return undefined;
  // Cite the passage that states the validity when it was retrieved; else the document's best passage.
  const articleHits = scored.filter((item) => item.hit.chunk.articleId === best.hit.chunk.articleId).map((item) => item.hit);
  const validity = best.hit.chunk.validity!;
  const stating = articleHits.find((hit) => validity.statements?.some((statement) => hit.chunk.text.includes(statement))) ?? best.hit;
  const cited = citationsFor();
  const n = cited.numberOf(stating);
  const expired = validity.expires !== undefined && validity.expires < today;
  const title = stating.chunk.title;
  let lead: string;
  if (input.language === "en") {
    const place = englishPlace(input, stating);
    const parts: string[] = [];
    if (validity.effective) parts.push(`in force from ${validity.effective}`);
    // "自发布之日起执行" in an undated text: from its issue, whose date the text does not give.
    else if (validity.effectiveFromIssue) parts.push(`in force from the date it was issued (the text gives no date)`);
    if (validity.termYears) parts.push(`for ${validity.termYears} years (${validity.term ?? `${validity.termYears}年`})`);
    if (validity.expires) parts.push(`until ${validity.expires}`);
    const ran = expired && validity.effective ? ` It ran ${validity.effective.slice(0, 4)}–${validity.expires!.slice(0, 4)} and has expired.` : "";
    lead = `${place ? `${place}: ` : ""}《${title}》 is ${parts.join(", ")} [${n}].${ran}`;
  } else {
    const parts: string[] = [];
    if (validity.effective) parts.push(`自${zhDate(validity.effective)}起施行`);
    else if (validity.effectiveFromIssue) parts.push("自发布之日起施行（文本未写明发布日期）");
    if (validity.term) parts.push(validity.term);
    if (validity.expires) parts.push(`${expired ? "有效期至" : "有效至"}${zhDate(validity.expires)}`);
    lead = `《${title}》${parts.join("，")}[${n}]${expired ? "，现已到期" : ""}。`;
  }
  const stated = (validity.statements ?? []).filter((statement) => stating.chunk.text.includes(statement));
  const evidence = stated.map((statement) => `${trimEnd(statement)}[${n}]。`);
  if (validity.supersedes?.length) {
    evidence.push(input.language === "en" ? `It replaces ${validity.supersedes.map((name) => `《${name}》`).join(", ")} [${n}].` : `同时废止${validity.supersedes.map((name) => `《${name}》`).join("、")}[${n}]。`);
  }
  if (validity.supersededBy?.length) {
    evidence.push(expiryNote({ supersededBy: validity.supersededBy }, today, input.language, n)!);
  }
  // The citation quotes the sentences that state the validity, when the cited passage holds them.
  cited.citations[0]!.quote = stated.length > 0 ? stated.join("") : stating.chunk.text;
  return answerOf(input, [lead, ...evidence].join("\n"), cited.citations);
}

/**
 * A validity question about a policy whose indexed text states no date or term (a stored first part, an
 * undated rule): said so, citing the document, and marked refused — no term is guessed from another clause.
 */
function validityNotStated(input: AnswerInput): Answer | undefined {
  const top = input.hits[0];
  if (!top || !isPolicyChunk(top.chunk)) return undefined;
  const cited = citationsFor();
  const n = cited.numberOf(top);
  const title = top.chunk.title;
  const answer =
    input.language === "en"
      ? `The indexed text of 《${title}》 states no effective date, term or expiry [${n}], so I can't say how long it is valid. An admin can add the full text or the notice that issued it.`
      : `已收录的《${title}》文本中没有写明施行日期、有效期或废止时间[${n}]，无法据实回答有效期。可请管理员补充全文或印发通知。`;
  return { ...answerOf(input, answer, cited.citations), refused: true };
}

function statesOtherPeriod(question: string, language: Language, text: string): boolean {
  const asked = questionPeriod(question, language);
  if (!asked || asked.kind === "day") return false;
  const said = parseChinesePeriods(text, { yearlessWhenBare: true }).map((found) => found.period).filter((period) => period.kind !== "day" && period.kind !== "to-date");
  const months = (period: Period) => `${period.from.slice(5)}-${period.to.slice(5)}`;
  return said.length > 0 && !said.some((period) => months(period) === months(asked));
}

function answerOf(input: AnswerInput, answer: string, citations: Citation[]): Answer {
  return { answer, refused: false, mode: "extractive", language: input.language, citations, warnings: [], standaloneQuestion: input.standaloneQuestion };
}

/**
 * The rule answer, or undefined. `today` (ISO) decides whether a policy has expired; callers pass the
 * clock so tests can fix it.
 */
export function composeRuleAnswer(input: AnswerInput, now: Date = new Date()): Answer | undefined {
  const question = input.standaloneQuestion;
  const kind = ruleQuestionKind(question);
  if (!kind) return undefined;
  const today = isoToday(now);
  if (kind === "validity") return validityAnswer(input, today) ?? validityNotStated(input);
  const years = question.match(/(?:19|20)\d{2}/g) ?? [];
  const ranked = candidates(input, kind, years);
  const best = ranked[0];
  // Only when a rule item is among the best passages and covers most of what was asked.
  if (!best || best.hitIndex > 3 || best.coverage < 0.5) return undefined;
  // A report laid out in items ("四、工业经济：1-7月,…") states its own period: one that is not the period
  // asked (2021年1-6月) is no answer, whatever the item's words.
  if (statesOtherPeriod(question, input.language, best.clause.text)) return undefined;
  const chosen = choose(question, ranked);
  // Two items set side by side are each said whole, with all their tiers.
  const comparing = chosen.length === 2 && compareCue.test(question);
  const textOf = (candidate: Candidate) => (comparing ? spanText(candidate.hit, sentenceOf(candidate.hit, candidate.clause)) : candidate.clause.text);
  const cited = citationsFor();
  // "Does Liuhe reward …? How much?": the first question is a yes/no, the second asks the amount.
  const asking = question.split(/[?？]/u)[0] ?? question;
  const yesNo = yesNoCue.test(asking) && !/多少|几|哪|什么|怎么|如何|how much|^(?:what|which|who|how)\b/i.test(asking);
  const askedYuan = amountsInYuan(asking, input.language);
  const leadParts: string[] = [];
  for (const candidate of chosen) {
    const n = cited.numberOf(candidate.hit);
    const label = itemLabel(candidate.hit);
    const where = `《${candidate.hit.chunk.title}》${label ? label : ""}`;
    if (input.language === "en") {
      const place = englishPlace(input, candidate.hit);
      const text = textOf(candidate);
      const summary = englishSummary(comparing ? readClause(text) : candidate.clause);
      const quote = text.length <= 140 ? ` “${trimEnd(withoutMarker(text))}”` : "";
      leadParts.push(`${place ? `${place}, ` : ""}${where}: ${summary ? `${summary}.` : ""}${quote} [${n}].`);
    } else {
      leadParts.push(`${where}：${trimEnd(withoutMarker(textOf(candidate)))}[${n}]。`);
    }
  }
  const first = chosen[0]!.clause;
  let opening = "";
  const sides = comparing ? sideAmounts(input.termGroups, [textOf(chosen[0]!), textOf(chosen[1]!)], question) : undefined;
  const compared = sides ? comparisonOpening(sides, input.language) : undefined;
  if (comparing) {
    opening = compared ? `${compared}${input.language === "en" ? " " : ""}` : "";
  } else if (kind === "cap" && yesNo) {
    opening = first.uncapped ? (input.language === "en" ? "No, there is no cap (不设上限). " : "不设上限。") : first.cap ? (input.language === "en" ? "Yes. " : "有。") : "";
  } else if (yesNo && askedYuan.length > 0) {
    // "能拿100万元奖励吗？": the asked amount is decided against the rule's own amount for what was named.
    opening = amountVerdict(askedYuan[0]!, first.text, input.termGroups.flat(), input.language) ?? "";
  } else if (yesNo && (groupCoverage(input.termGroups, first.text, input.termWeights).score >= 0.8 || (rarestHeld(input, chosen[0]!) && groupCoverage(input.termGroups, first.text, input.termWeights).score >= 0.5))) {
    // Yes only when the rule's own clause says what was asked (not its heading or a neighbour's words).
    opening = input.language === "en" ? "Yes. " : "是的。";
  }
  const lead = `${opening}${leadParts.join(input.language === "en" ? " " : "")}`;
  // The clauses the answer rests on follow, when the lead did not quote them whole; the source viewer
  // shows the whole item. (The item's other tiers beside the answer read as part of it.)
  const evidence = chosen
    .filter((candidate, index, all) => all.findIndex((other) => other.clause.text === candidate.clause.text) === index)
    .filter((candidate) => !lead.includes(trimEnd(withoutMarker(candidate.clause.text))))
    .map((candidate) => `${trimEnd(candidate.clause.text).replace(/\n+/g, "")}[${cited.numberOf(candidate.hit)}]。`);
  const notes = chosen
    .filter((candidate, index, all) => all.findIndex((other) => other.hit.chunk.articleId === candidate.hit.chunk.articleId) === index)
    .map((candidate) => expiryNote(candidate.hit.chunk.validity, today, input.language, cited.numberOf(candidate.hit)))
    .filter((note): note is string => note !== undefined);
  return answerOf(input, [lead, ...evidence, ...notes].join("\n"), cited.citations);
}

/** Measure words every policy item uses: finding them proves nothing about the rule asked. */
const genericRuleWords = new Set(
  "奖励 奖补 补贴 补助 支持 扶持 政策 企业 公司 项目 资金 给予 优惠 措施 投资 发展 建设 多少 最高 条件 标准 上限 一次性 全额 分期 阶段 比例 兑现 拨付 发放 金额 额度 申报 申请 认定 评定 新 引进".split(" "),
);

/**
 * A rule question whose decisive word (上市, 博士, 租金 …) no retrieved policy item holds: the policy
 * has no such rule, and an answer from another measure would mislead. Returns that word's label.
 * Only curated terms count (dictionary guesses may just be worded differently in the text).
 */
export function missingRuleTopic(input: AnswerInput): string | undefined {
  // A validity question asks about the document itself: its term is stated, or said not to be, by validityAnswer.
  const kind = ruleQuestionKind(input.standaloneQuestion);
  if (!kind || kind === "validity") return undefined;
  const top = input.hits.slice(0, 6);
  if (top.length === 0 || top.filter((hit) => isPolicyChunk(hit.chunk)).length < Math.ceil(top.length / 2)) return undefined;
  // Looked for sentence by sentence: a compound's parts (中介奖励) found far apart in six passages
  // (中介人 … 奖励) are not the rule asked.
  const sentences = top.flatMap((hit) => [`${hit.chunk.title} ${hit.chunk.section ?? ""}`, ...hit.chunk.text.split(/[。；;！!？?\n]/u)]);
  const checked = input.termGroups.filter((group, index) => input.termWeights?.[index] === undefined && !group.every((term) => genericRuleWords.has(term) || term.length < 2 || /^\d/.test(term)));
  const missing = checked.filter((group) => !sentences.some((sentence) => groupCoverage([group], sentence).score > 0));
  if (process.env.EXPLAIN_CLAIMS && missing.length > 0) process.stderr.write(`missingRuleTopic ${missing.map((group) => group.join("/")).join(", ")} of ${checked.length}\n`);
  // A word missing from the clause that asks ("…国家级科技企业孵化器奖励多少") is what the rule would be
  // about: refused. A word of the asker's own case ("…项目落户羊山新区，…按多少比例扶持") says how they
  // put it, not that the rule is absent: refused only when a third of the words are missing.
  const asking = askingClause(input.standaloneQuestion);
  const askedMissing = missing.find((group) => group.some((term) => asking.includes(term)));
  if (askedMissing) return askedMissing[0];
  return missing.length > 0 && missing.length * 3 >= checked.length ? missing[0]![0] : undefined;
}

/** The clause of a question that holds its question word (多少, 哪, 吗, how, what …), else the whole question. */
function askingClause(question: string): string {
  const clauses = question.split(/[，,；;。？?！!]/u).filter((clause) => clause.trim().length > 0);
  return [...clauses].reverse().find((clause) => /多少|几|哪|什么|怎么|怎样|如何|是否|吗|呢|谁|\b(?:how|what|which|who|when|whether|does|do|is|are|can)\b/iu.test(clause)) ?? question;
}
