import { pinyin } from "pinyin-pro";
import type { Answer, Citation, Language } from "../../core/types.js";
import type { EvidenceSentence } from "./evidence.js";
import type { StatementClaim } from "./statements.js";
import type { Frame, FramePart } from "./frame.js";
import { claimLexicon } from "./lexicon.js";
import { quantitiesIn, quantityText, type Quantity } from "./quantities.js";
import type { Comparison, FigureClaim, PersonClaim, Side, TierClaim, VerdictClaim } from "./strategies.js";

/**
 * The only place that writes words for claims, in Chinese or English. A figure is shown with the
 * words that govern it in its source ("签约协议总投资额为176.25亿元"), never with a label of our own;
 * the sentences the claims rest on are quoted below the first paragraph, and nothing else is.
 */

class Citer {
  readonly citations: Citation[] = [];
  private readonly quoted: EvidenceSentence[] = [];
  /** Per quoted sentence, the clauses the claims rest on (figure offsets); none = the whole sentence. */
  private readonly spans = new Map<EvidenceSentence, Quantity[]>();
  /** Per quoted sentence, an explicit part to quote (a person's clause), when a claim names one. */
  private readonly parts = new Map<EvidenceSentence, string>();

  /** Cites the sentence, quoting only `part` of it (a clause of it, said as it is). */
  citePart(sentence: EvidenceSentence, part: string): number {
    this.parts.set(sentence, part);
    return this.cite(sentence);
  }

  /** Cites the sentence; with a quantity, only the clauses holding the claimed figures are quoted. */
  cite(sentence: EvidenceSentence, quantity?: Quantity): number {
    if (quantity) this.spans.set(sentence, [...(this.spans.get(sentence) ?? []), quantity]);
    else if (!this.spans.has(sentence)) this.spans.set(sentence, []);
    const chunk = sentence.hit.chunk;
    let citation = this.citations.find((item) => item.chunkId === chunk.id);
    if (!citation) {
      citation = { n: this.citations.length + 1, source: chunk.source, title: chunk.title, zone: chunk.zones[0] ?? "", date: chunk.date, quote: "", chunkId: chunk.id, start: chunk.start, end: chunk.end };
      this.citations.push(citation);
    }
    if (!this.quoted.some((other) => other.hit.chunk.id === chunk.id && other.position === sentence.position)) {
      this.quoted.push(sentence);
      citation.quote = `${citation.quote}${sentence.text}`;
    }
    return citation.n;
  }

  evidence(): string[] {
    return this.quoted.map((sentence) => {
      const text = this.parts.get(sentence) ?? excerpt(sentence, this.spans.get(sentence) ?? []);
      return `${text.replace(/[。；;，,]$/u, "")}[${this.cite(sentence)}]${/[！？!?…]$/u.test(text) ? "" : "。"}`;
    });
  }
}

/**
 * The part of a sentence a claim rests on: from its first claimed clause (or the sentence start,
 * when only figure-free context comes before) to its last claimed clause, so that the other figures
 * of a long sentence (another project's investment, another year) are not shown beside the answer.
 */
export function excerpt(sentence: EvidenceSentence, claimed: Quantity[]): string {
  const text = sentence.text;
  if (claimed.length === 0 || claimed.some((quantity) => quantity.owner !== undefined)) return text;
  const first = Math.min(...claimed.map((quantity) => quantity.clauseStart));
  // A clause may list several figures with "、" ("固定资产投资增长21%、工业固定资产投资增长65.2%"): it ends at the claimed one's.
  const last = Math.max(...claimed.map((quantity) => quantity.end + (/^[^、]*/u.exec(quantity.after)?.[0].length ?? 0)));
  const contextFree = !sentence.quantities.some((quantity) => quantity.start < first);
  const start = contextFree ? 0 : first;
  const end = sentence.quantities.some((quantity) => quantity.start >= last) ? last : text.length;
  // Between two claimed clauses, clauses with other figures only ("其中,生物医药33亿元…等") are left out too.
  const claimedStarts = new Set(claimed.map((quantity) => quantity.start));
  let body = "";
  let cursor = start;
  for (const quantity of [...claimed].sort((a, b) => a.start - b.start)) {
    if (quantity.start < cursor) continue;
    const from = Math.max(cursor, quantity.clauseStart);
    const skipped = sentence.quantities.some((other) => other.start >= cursor && other.start < from && !claimedStarts.has(other.start));
    body += skipped ? "…" : text.slice(cursor, from);
    cursor = Math.min(end, Math.max(from, quantity.end + (/^[^、]*/u.exec(quantity.after)?.[0].length ?? 0)));
    body += text.slice(from, cursor);
  }
  body += text.slice(cursor, end);
  return `${start > 0 ? "…" : ""}${body}${end < text.length ? "…" : ""}`;
}

function answerOf(frame: Frame, lead: string, citer: Citer, abstained = false): Answer {
  return {
    answer: [lead, ...citer.evidence()].join("\n"),
    refused: false,
    abstained,
    mode: "extractive",
    language: frame.language,
    citations: citer.citations,
    warnings: [],
    standaloneQuestion: frame.question,
  };
}

/** The figure with the words that govern it: "集中签约项目21个", "共有17个项目". */
export function governedPhrase(quantity: Quantity): string {
  const before = quantity.before.replace(/^[(（\s]+/u, "").replace(/^(?:其中|据统计|据了解|据悉|同时|并且|并|且|另外|此外|而|的)/u, "").trim();
  const noun = (quantity.unit === "count" || quantity.unit === "rank") && before.length < 4 ? /^[\u4e00-\u9fa5]{0,6}/u.exec(quantity.after)?.[0] ?? "" : "";
  return `${before}${quantity.raw}${noun}`;
}

function figureText(claim: FigureClaim, language: Language, n: number, change?: Quantity): string {
  const phrase = governedPhrase(claim.quantity);
  const said = change ? `${change.before.replace(/^[,，、\s]+/u, "")}${change.raw}` : "";
  if (language === "zh") return `${phrase}${change ? `，${said}` : ""}[${n}]`;
  const delta = change ? `, ${change.value < 0 ? "down" : "up"} ${Math.abs(change.value)}% (“${said}”)` : "";
  return `${quantityText(claim.quantity, language)} (“${phrase}”)${delta} [${n}]`;
}

/**
 * The figure's own change, said right after it ("实现固定资产投资57.29亿元,增长2.7%"): part of
 * the figure, given with it unless another part of the answer already states that rate.
 */
function ownChange(claim: FigureClaim, claims: FigureClaim[]): Quantity | undefined {
  if (claim.quantity.unit === "percent") return undefined;
  const change = claim.sentence.quantities.find((quantity) => quantity.follows === claim.quantity.start && quantity.rateKind === "growth");
  if (!change || claims.some((other) => other.sentence.text === claim.sentence.text && other.quantity.start === change.start)) return undefined;
  return change;
}

export function renderFigures(frame: Frame, claims: FigureClaim[], unanswered: FramePart[] = []): Answer {
  const citer = new Citer();
  const parts = claims.map((claim) => figureText(claim, frame.language, citer.cite(claim.sentence, claim.quantity), ownChange(claim, claims)));
  const missing = unanswered.map((part) => (frame.language === "zh" ? `资料未给出“${part.text}”的数字` : `the reports give no figure for "${part.text}"`));
  const lead = frame.language === "zh" ? `${[...parts, ...missing].join("；")}。` : `${[...parts, ...missing].join("; ")}.`;
  return answerOf(frame, lead, citer);
}

export function renderVerdict(frame: Frame, claim: VerdictClaim): Answer {
  const citer = new Citer();
  const n = citer.cite(claim.sentence, claim.figure?.quantity);
  const zh = frame.language === "zh";
  if (claim.basis === "tentative") {
    const quote = excerpt(claim.sentence, claim.figure ? [claim.figure.quantity] : []).replace(/[。；;，,]$/u, "");
    const gloss = claimLexicon().tentative.qualifiers[claim.qualifier ?? ""] ?? claim.qualifier;
    return answerOf(frame, zh ? `不是。报道说的是“${claim.qualifier}”：${quote}[${n}]。` : `No. The report calls it ${gloss} (${claim.qualifier}), not final: “${quote}” [${n}].`, citer);
  }
  if (claim.basis === "statement" || !claim.figure || !claim.condition) {
    const quote = claim.sentence.text.replace(/[。；;，,]$/u, "");
    if (claim.answer === "no") return answerOf(frame, zh ? `不是。${quote}[${n}]。` : `No. The text says otherwise: “${quote}” [${n}].`, citer);
    return answerOf(frame, zh ? `是的。${quote}[${n}]。` : `Yes. The report says so: “${quote}” [${n}].`, citer);
  }
  const yes = claim.answer === "yes";
  const figure = figureText(claim.figure, frame.language, n);
  // (A sentence's first word is capitalised — "More than 10 (10多名)" —, and the condition is said without the question's spacing.)
  const condition = claim.condition.text.trim();
  const lead = zh ? `${yes ? "是的" : "不是"}。${figure}${yes ? `，符合“${condition}”` : `，不符合“${condition}”`}。` : `${yes ? "Yes" : "No"}. ${figure.charAt(0).toUpperCase()}${figure.slice(1)}${yes ? ` — that is ${condition}` : ` — not ${condition}`}.`;
  return answerOf(frame, lead, citer);
}

/** "刘志仁（市委书记）" / "Liu Zhiren (刘志仁), 市委书记". */
export function renderPerson(frame: Frame, claim: PersonClaim): Answer {
  const citer = new Citer();
  // Only the clause that names the person ("…经开区党工委第一书记李建华宣布开工"): the other people of a
  // long list of attendees are not part of the answer.
  const n = citer.citePart(claim.sentence, personClause(claim.sentence.text, claim.name));
  // (A report may name its speaker without a post: then none is said.)
  if (frame.language === "zh") return answerOf(frame, `${claim.name}${claim.title ? `（${claim.title}）` : ""}[${n}]。`, citer);
  return answerOf(frame, `${nameInPinyin(claim.name)} (${claim.name})${claim.title ? `, ${claim.title}` : ""} [${n}].`, citer);
}

/** The clause of a sentence that holds a name, marked "…" where the sentence goes on. */
function personClause(text: string, name: string): string {
  const at = text.indexOf(name);
  if (at < 0) return text;
  const boundary = /[，,；;。]/u;
  let start = at;
  while (start > 0 && !boundary.test(text[start - 1]!)) start--;
  let end = at + name.length;
  while (end < text.length && !boundary.test(text[end]!)) end++;
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/** A yes/no the evidence neither confirms nor refutes: said plainly, with the closest passage. */
export function renderUndecided(frame: Frame, closest: EvidenceSentence | undefined): Answer {
  const citer = new Citer();
  if (!closest) {
    const lead = frame.language === "zh" ? "资料中没有能判断是或否的内容。" : "The reports do not say enough to answer yes or no.";
    return { ...answerOf(frame, lead, citer, true), refused: true };
  }
  const n = citer.cite(closest);
  const lead = frame.language === "zh"
    ? `资料没有直接说明这一点，无法判断是或否；最相关的内容见引用[${n}]。`
    : `The reports do not settle this either way; the closest passage is quoted below [${n}].`;
  // Nothing is claimed: marked refused, so channels and the question log treat it as no answer,
  // with the closest passage still cited for the reader to judge.
  return { ...answerOf(frame, lead, citer, true), refused: true };
}

export function nameInPinyin(name: string): string {
  const syllables = pinyin(name, { toneType: "none", type: "array" }) as string[];
  const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  if (syllables.length < 2) return cap(syllables.join(""));
  return `${cap(syllables[0]!)} ${cap(syllables.slice(1).join(""))}`;
}

/** "对新建面积在500亩以上的，给予企业200元/亩奖励[1]。" / "RMB 200 (200元) — “…” [1]." */
export function renderTier(frame: Frame, claim: TierClaim): Answer {
  const citer = new Citer();
  const n = citer.cite(claim.sentence);
  const clause = claim.clause.replace(/^[\s，,]+/u, "");
  const lead = frame.language === "zh" ? `${clause}[${n}]。` : `${quantityText(claim.quantity, "en")} — “${clause}” [${n}].`;
  return answerOf(frame, lead, citer);
}

/**
 * Two or more subjects side by side: the comparison's result first when one was computed ("滨州高新区
 * 总投资更高：…[1]；大冶湖高新区…[2]"), then each side's figures, and what a side lacks named.
 */
export function renderSides(frame: Frame, sides: Side[], comparison: Comparison | undefined): Answer {
  const citer = new Citer();
  const zh = frame.language === "zh";
  const name = (side: Side) => side.subject.mention ?? side.subject.zoneName ?? side.subject.place;
  const figure = (claim: FigureClaim) => figureText(claim, frame.language, citer.cite(claim.sentence, claim.quantity));
  const comparedOf = (side: Side) => (comparison ? side.claims.find((claim) => claim.part === side.frame.parts[comparison.part]) : undefined);
  const sentences: string[] = [];
  if (comparison?.winner && comparison.loser) {
    const word = zh ? /更[多高大少低小快慢强]/u.exec(frame.compare?.text ?? "")?.[0] ?? (frame.compare?.direction === "less" ? "更少" : "更多") : /\b(?:larger|bigger|higher|greater|more|smaller|lower|fewer|less|faster|slower)\b/iu.exec(frame.compare?.text ?? "")?.[0]?.toLowerCase() ?? (frame.compare?.direction === "less" ? "smaller" : "larger");
    const win = figure(comparedOf(comparison.winner)!);
    const lose = figure(comparedOf(comparison.loser)!);
    sentences.push(zh ? `${name(comparison.winner)}${word}：${win}；${name(comparison.loser)}${lose}。` : `${name(comparison.winner)}: ${word} — ${win}, against ${lose} for ${name(comparison.loser)}.`);
  } else if (comparison?.tie) {
    const [a, b] = sides.map((side) => figure(comparedOf(side)!));
    sentences.push(zh ? `两者相同：${name(sides[0]!)}${a}；${name(sides[1]!)}${b}。` : `The same for both: ${a} for ${name(sides[0]!)}, ${b} for ${name(sides[1]!)}.`);
  }
  const compared = new Set([comparison?.winner, comparison?.loser, ...(comparison?.tie ? sides : [])].flatMap((side) => (side ? [comparedOf(side)] : [])));
  const lines = sides.map((side) => {
    const rest = side.claims.filter((claim) => !compared.has(claim)).map(figure);
    const asked = side.frame.parts.filter((part) => part.asked.length > 0 && !part.asked.includes("person"));
    const missing = asked.filter((part) => !side.claims.some((claim) => claim.part === part));
    if (rest.length === 0 && missing.length === 0) return "";
    const gap = missing.length > 0 ? (zh ? `资料未给出“${missing.map((part) => part.text).join("、")}”的数字` : `the reports give no figure for "${missing.map((part) => part.text).join("; ")}"`) : "";
    return zh ? `${name(side)}：${[...rest, gap].filter(Boolean).join("，")}` : `${name(side)}: ${[...rest, gap].filter(Boolean).join("; ")}`;
  }).filter(Boolean);
  if (lines.length > 0) sentences.push(zh ? `${lines.join("；")}。` : `${lines.join(". ")}.`);
  if (frame.compare && !comparison?.winner && !comparison?.tie) sentences.push(zh ? "两边的数字不全或单位不同，无法比较。" : "The figures of both sides are not all reported in one unit, so they cannot be compared.");
  const abstained = sides.every((side) => side.claims.length === 0);
  return answerOf(frame, sentences.join(zh ? "" : " "), citer, abstained);
}

/** The report's own clause, quoted: "…6大产业[1]。" / "The report says: “…” [1]." */
export function renderStatement(frame: Frame, claim: StatementClaim): Answer {
  const citer = new Citer();
  const n = citer.cite(claim.sentence);
  // The figures of the quoted clause in English ("RMB 12 billion (120亿元)").
  const figures = quantitiesIn(claim.clause).filter((quantity) => quantity.unit === "yuan" || quantity.unit === "usd").map((quantity) => quantityText(quantity, "en"));
  const lead = frame.language === "zh" ? `${claim.clause}[${n}]。` : `The report says: “${claim.clause}” [${n}]${figures.length > 0 ? ` (${figures.join("; ")})` : ""}.`;
  return answerOf(frame, lead, citer);
}
