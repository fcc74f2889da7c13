import { escapeRegExp } from "../core/language.js";
import type { Answer, AnswerInput, Answerer, Citation, SearchHit } from "../core/types.js";
import { isHeadingSentence } from "../ingest/policy-structure.js";
import { splitSentences, withoutByline } from "../ingest/sentences.js";
import { isInstructionLike } from "../ingest/instructions.js";
import { findFigures, type FoundFigure } from "./english-figures.js";
import { groupCoverage } from "./coverage.js";
import { refusal, topicOf } from "./refusal.js";
import { extractYears, listCue } from "../retrieve/analyze-query.js";
import { englishZoneName, pinyinPlace } from "./zone-names.js";
import { composeRuleAnswer, missingRuleTopic } from "./rule-answer.js";
import { entitiesIn } from "./lead/simple-leads.js";
import { figureInEnglish } from "../facts/figures.js";
import { itemInEnglish } from "./glossary-english.js";
import { otherYearSpan, yearSpan } from "./claims/quantities.js";

/**
 * The default answer mode: no model, only sentences quoted from the retrieved passages. It picks
 * the sentences that hold what was asked (the figure, the name, the list), cites each, and for an
 * English question puts an English lead sentence before the Chinese evidence.
 */

const maxPassages = 12;

interface ScoredSentence {
  text: string;
  hitIndex: number;
  position: number;
  score: number;
  covered: Set<number>;
  /** Computed once: the selection rules below ask it many times (some inside a sort). */
  hasFigure: boolean;
}

export const composeExtractive: Answerer = async (input) => composeExtractiveSync(input);

function composeExtractiveSync(input: AnswerInput): Answer {
  // Questions about a policy rule (how much, who qualifies, the cap, the schedule, validity) are
  // answered from the rule records when a retrieved policy item holds one.
  if (missingRuleTopic(input)) return refusal(input.language, topicOf(input.question, input.language), input.standaloneQuestion);
  const ruleAnswer = composeRuleAnswer(input);
  if (ruleAnswer) return ruleAnswer;
  const hits = input.hits.slice(0, maxPassages);
  const years = extractYears(input.standaloneQuestion);
  const scored = hits.flatMap((hit, hitIndex) => scoreSentences(hit, hitIndex, input, years));
  scored.sort((a, b) => b.score - a.score || a.hitIndex - b.hitIndex || a.position - b.position);
  const best = scored[0];
  // Passages with no usable sentence (tables, English fragments) answer nothing: say so.
  if (!best) return refusal(input.language, topicOf(input.question, input.language), input.standaloneQuestion);

  // Many words ask for several sentences, unless a figure is asked: then other sentences' figures only mislead.
  const wantsList = listCue.test(input.question) || (input.termGroups.length >= 4 && !input.asksFigure);
  const limit = wantsList ? 4 : 2;
  const chosen: ScoredSentence[] = [best];
  const covered = new Set(best.covered);
  // The sentences right around the best one usually carry its context ("实行领导包联…" before
  // "…加快推进项目建设"), so they are preferred over similar sentences elsewhere.
  const adjacency = (sentence: ScoredSentence) => {
    if (sentence.hitIndex !== best.hitIndex || Math.abs(sentence.position - best.position) !== 1) return 0;
    // "…推介会在雄安新区成功举办。现场签约项目10个,总投资8.53亿元。": the figure follows the event.
    const continuesWithFigure = sentence.position === best.position + 1 && !best.hasFigure && sentence.hasFigure;
    return continuesWithFigure ? 0.6 : 0.3;
  };
  // For a figure, a neighbour with figures of its own that lacks a word the best sentence holds ("第二产业…"
  // beside "第一产业…") states another measure: it is not quoted beside the answer.
  // (Measured against the best sentence that has a figure: the best one may only name the period or the event.)
  const bestFigure = scored.find((sentence) => sentence.hasFigure);
  const otherMeasure = (candidate: ScoredSentence) =>
    input.asksFigure && !wantsList && bestFigure !== undefined && candidate !== bestFigure && candidate.hasFigure && [...bestFigure.covered].some((group) => !candidate.covered.has(group));
  const rest = scored.slice(1).sort((a, b) => b.score + adjacency(b) - (a.score + adjacency(a)));
  for (const candidate of rest) {
    if (chosen.length >= limit) break;
    if (chosen.some((sentence) => sameSentence(sentence.text, candidate.text))) continue;
    const addsTerms = [...candidate.covered].some((group) => !covered.has(group));
    const strongEnough = candidate.score + adjacency(candidate) >= best.score * (wantsList ? 0.6 : 0.8);
    const sameArticle = hits[candidate.hitIndex]!.chunk.articleId === hits[best.hitIndex]!.chunk.articleId;
    if ((addsTerms && candidate.score >= best.score * 0.5) || (strongEnough && (sameArticle || wantsList) && !otherMeasure(candidate))) {
      chosen.push(candidate);
      candidate.covered.forEach((group) => covered.add(group));
    }
  }
  // A short lead ("出台《…优惠政策实施办法》。", "…措施如下：") names the answer; the next sentence holds it.
  if (best.text.length < 40 || /[：:]$/.test(best.text)) {
    const next = followingSentence(best, scored);
    if (next && !chosen.some((sentence) => sameSentence(sentence.text, next.text)) && !otherMeasure(next)) chosen.push(next);
  }
  // "…推介会成功举行。现场签约…总金额8.19亿元。": when a figure is asked for, a chosen sentence that
  // names the event without a figure brings the sentence that follows it, which usually has one.
  if (input.asksFigure) {
    for (const sentence of [...chosen]) {
      if (sentence.hasFigure) continue;
      const next = followingSentence(sentence, scored);
      if (next && next.hasFigure && !otherMeasure(next) && !chosen.some((other) => sameSentence(other.text, next.text))) chosen.push(next);
    }
  }
  for (const sentence of enumerationItems(best, scored, hits)) {
    if (!chosen.some((other) => sameSentence(other.text, sentence.text))) chosen.push(sentence);
  }
  // The passage holding the best sentence comes first; within a passage, the source's order.
  const passageRank = (sentence: ScoredSentence) => (sentence.hitIndex === best.hitIndex ? -1 : sentence.hitIndex);
  chosen.sort((a, b) => passageRank(a) - passageRank(b) || a.position - b.position);

  const citations: Citation[] = [];
  const numberOf = new Map<number, number>();
  const cited = chosen.map((sentence) => {
    let n = numberOf.get(sentence.hitIndex);
    if (n === undefined) {
      n = citations.length + 1;
      numberOf.set(sentence.hitIndex, n);
      citations.push(toCitation(hits[sentence.hitIndex]!, n));
    }
    citations[n - 1]!.quote = [citations[n - 1]!.quote, sentence.text].filter(Boolean).join("");
    return { ...sentence, n };
  });

  // A Chinese list question is answered first by the sentence that spells the list out, not by
  // one that only names the document ("出台《…办法》").
  if (input.language === "zh" && input.asksList && cited.length > 1 && !listContent(input, cited[0]!.text)) {
    const spelled = cited.findIndex((sentence) => listContent(input, sentence.text));
    if (spelled > 0) cited.unshift(...cited.splice(spelled, 1));
  }
  const body = cited.map((sentence) => `${sentence.text.replace(/[。；;，,]$/, "")}[${sentence.n}]${/[！？!?]$/.test(sentence.text) ? "" : "。"}`).join("\n");
  const answer = input.language === "en" ? `${englishLead(input, cited, citations)}\n${body}` : body;
  return {
    answer,
    refused: false,
    mode: "extractive",
    language: input.language,
    citations,
    warnings: [],
    standaloneQuestion: input.standaloneQuestion,
  };
}

function scoreSentences(hit: SearchHit, hitIndex: number, input: AnswerInput, years: string[]): ScoredSentence[] {
  const sentences = splitSentences(hit.chunk.text);
  const askedSpan = yearSpan(input.standaloneQuestion);
  return sentences
    .map((sentence, index) => {
      // A clause after "；" inherits the time of the clause before it ("2019年…；…利用外资4830万美元").
      const previous = sentences[index - 1];
      const continues = previous !== undefined && /[；;]\s*$/.test(previous.text);
      return { ...sentence, context: continues ? previous.text + sentence.text : sentence.text };
    })
    // Headings ("三、扩大…", "第五条 上市奖励。") name an item; orders addressed to an assistant inside a
    // document are flagged at index time: neither is ever quoted as an answer.
    .filter((sentence) => /[\u4e00-\u9fff]/.test(sentence.text) && sentence.text.trim().length >= 6 && !isHeadingSentence(sentence.text) && !isInstructionLike(sentence.text))
    .map((sentence, position) => {
      const text = withoutByline(sentence.text.trim());
      const coverage = groupCoverage(input.termGroups, text, input.termWeights);
      let score = coverage.score;
      const hasFigure = findFigures(text).length > 0;
      if (input.asksFigure) score += hasFigure ? 0.35 : -0.2;
      if (input.places.some((place) => text.includes(place))) score += 0.1;
      if (years.some((year) => sentence.context.includes(year))) score += 0.15;
      // "from the third to the fifth year": a clause for other years of a benefit ("两年内…") answers another question.
      if (askedSpan) {
        const said = yearSpan(text);
        if (said) score += otherYearSpan(input.standaloneQuestion, text) ? -0.4 : said[0] === askedSpan[0] && said[1] === askedSpan[1] ? 0.3 : 0;
      }
      // Earlier retrieval ranks are more likely to be on topic.
      score += 0.25 / (hitIndex + 1);
      // A heading-like fragment rarely answers anything.
      if (text.length < 15) score -= 0.2;
      return { text, hitIndex, position, score, covered: coverage.covered, hasFigure };
    });
}

function toCitation(hit: SearchHit, n: number): Citation {
  const chunk = hit.chunk;
  return {
    n,
    source: chunk.source,
    title: chunk.title,
    zone: chunk.zones[0] ?? "",
    date: chunk.date,
    // Filled with the quoted sentences as they are chosen.
    quote: "",
    chunkId: chunk.id,
    start: chunk.start,
    end: chunk.end,
  };
}

/**
 * The first paragraph of an English answer: the zone in English, then what was asked, taken from
 * the best sentence: its figures labelled by their facts (metric and period), the names it gives
 * (who/which), the date, or the items of its list; only when none applies, the sentence itself.
 */
function englishLead(input: AnswerInput, cited: { text: string; n: number; score: number }[], citations: Citation[]): string {
  const best = [...cited].sort((a, b) => b.score - a.score)[0]!;
  const citation = citations.find((item) => item.n === best.n);
  const english = (place: string) => input.placeNames[place] ?? pinyinPlace(place);
  const zoneName = citation?.zone ? englishZoneName(citation.zone, english) : input.places.map(english).join(", ");
  const subject = zoneName || "The reports";
  const marker = `[${best.n}]`;
  const question = input.standaloneQuestion;
  if (/\bwho\b|\bwhose\b|\bwhich (?:[a-z-]+\s+){0,2}(?:compan|firm|enterprise|person|official|project|bank|universit|institut)|\bwhat (?:company|companies|firm|project)\b|\bname\b/i.test(question)) {
    // The names may sit in a quoted sentence other than the best-scoring one.
    for (const sentence of [...cited].sort((a, b) => b.score - a.score)) {
      const names = entitiesIn(sentence.text);
      if (names.length > 0) return `${subject}: ${names.join(", ")} [${sentence.n}].`;
    }
  }
  if (/\bwhen\b|\bwhat date\b|\bwhich day\b|\bon what day\b/i.test(question)) {
    const date = best.text.match(/(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日/);
    if (date) return `${subject}: ${monthNames[Number(date[2]) - 1]} ${Number(date[3])}${date[1] ? `, ${date[1]}` : ""} (${date[0]}) ${marker}.`;
  }
  if (input.asksList && !input.asksFigure) {
    const lead = listLead(input, cited, subject);
    if (lead) return lead;
  }
  if (input.asksFigure) {
    const labelled = labelledFigures(input, best.text);
    if (labelled.length > 0) return `${subject}: ${labelled.join("; ")} ${marker}.`;
  }
  // Whole list items only (listItems), never a run cut at a fixed length inside a word or a figure.
  const items = listItems(best.text)?.join("、");
  if (items) return `${subject} ${marker}: ${items}.`;
  // Not asked for a figure: the sentence as the report says it, with no labels of ours on its figures
  // (a label read from a clause we did not check, "新区实现地区生产总值", would be a claim).
  const clause = best.text.length > 140 ? `${best.text.slice(0, 140)}…` : best.text;
  return `${subject} ${marker}: ${clause}`;
}

/**
 * "What incentives does X offer?": the quoted sentence that spells the list out (its figures filed
 * under a metric, or a run of 、-separated items) is said in English: its labelled figures (how many
 * measures, the cap) and the items it names, cited. A sentence that only names a document is passed
 * over for one that says what is in it.
 */
function listLead(input: AnswerInput, cited: { text: string; n: number; score: number }[], subject: string): string | undefined {
  // Only sentences near the best one's score: an enumeration in a passage that answers less well is another list.
  const top = Math.max(...cited.map((sentence) => sentence.score));
  const candidates = cited
    .filter((sentence) => sentence.score >= top - 0.1)
    .map((sentence, order) => {
      const labelled = labelledFigures(input, sentence.text, true);
      const items = listItems(sentence.text);
      return { sentence, order, labelled, items, weight: (labelled.length > 0 ? 2 : 0) + (items ? 1 : 0) };
    })
    .filter((candidate) => candidate.weight > 0)
    .sort((a, b) => b.weight - a.weight || b.sentence.score - a.sentence.score || a.order - b.order);
  const best = candidates[0];
  if (!best) return undefined;
  const marker = `[${best.sentence.n}]`;
  const items = best.items ? `${best.labelled.length > 0 ? "including " : ""}${best.items.map((item) => itemInEnglish(item, input.glossary)).join(", ")}` : "";
  const figures = best.labelled.join("; ");
  return `${subject} ${marker}: the reports list ${[figures, items].filter(Boolean).join("; ")}.`;
}

/** The sentence gives a list's items or a figure the metric list files (how many measures, a cap). */
function listContent(input: AnswerInput, sentence: string): boolean {
  return listItems(sentence) !== undefined || (input.facts ?? []).some((fact) => fact.metric !== "other" && sameSentence(fact.sentence, sentence));
}

/** A verb or linking word after which a list begins ("明确项目奖励、…", "制定出台了土地供应、…"). */
const listOpener = /^.*(?:明确|包括|包含|涵盖|出台|推出|设立|实施|提供|制定|落实|围绕|聚焦|以|了|有|在)/u;

/**
 * The items of the longest 、-list of a sentence, each short (a name, not a clause): the first item
 * loses the words before the list's opener, the last the "等…" after it; a clause-long item ends a list.
 */
export function listItems(sentence: string): string[] | undefined {
  let best: string[] = [];
  for (const clause of sentence.split(/[，,。；;：:！？!?]/u)) {
    const parts = clause.split("、");
    if (parts.length < 3) continue;
    let run: string[] = [];
    const close = () => {
      if (run.length > best.length) best = run;
      run = [];
    };
    parts.forEach((part, index) => {
      let item = part.trim();
      if (index < parts.length - 1 && item.length > 8) {
        // A long item closes the list before it and may open the next one with its tail.
        close();
        const tail = item.replace(listOpener, "");
        if (tail !== item && tail.length > 0 && tail.length <= 8) run.push(tail);
        return;
      }
      if (index === 0) item = item.replace(listOpener, "") || item;
      if (index === parts.length - 1) item = item.replace(/(?:等|及其他|以及).*$/u, "");
      if (item.length === 0 || item.length > 8) return close();
      run.push(item);
    });
    close();
  }
  return best.length >= 3 ? best.map((item) => item.replace(/^[“"「]|[”"」]$/gu, "")) : undefined;
}

const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The sentence's figures with the metric (and period) their facts give them, those nearest an asked term first. */
function labelledFigures(input: AnswerInput, sentence: string, filedOnly = false): string[] {
  const terms = input.termGroups.flat().filter((term) => term.length >= 2);
  const facts = (input.facts ?? []).filter((fact) => sameSentence(fact.sentence, sentence));
  const ordered = figuresNearTerms(sentence, terms);
  const labelled: string[] = [];
  // Figures no metric files, under the clause that holds them: its own words are their only label.
  const byClause = new Map<string, string[]>();
  for (const figure of ordered.slice(0, 3)) {
    const fact = facts.find((item) => item.raw === figure.raw || figure.raw.startsWith(item.raw));
    const metric = fact && fact.metric !== "other" ? input.metricLabels?.[fact.metric]?.en : undefined;
    if (fact && metric) {
      labelled.push(`${metric}${fact.period ? ` (${fact.period.en})` : ""}: ${figureInEnglish(fact)}`);
      continue;
    }
    // A list's lead names only figures the metric list can label; "“、同一项目”: 1亿" tells a reader nothing.
    if (filedOnly) continue;
    const clause = clauseAround(sentence, figure.index, figure.raw.length);
    const english = fact ? `${figureInEnglish(fact)}${fact.period ? ` (${fact.period.en})` : ""}` : figure.english;
    byClause.set(clause, [...(byClause.get(clause) ?? []), english]);
  }
  for (const [clause, figures] of byClause) labelled.push(`“${clause}”: ${figures.join(", ")}`);
  return labelled;
}

/**
 * The clause that holds an unfiled figure, as the text says it ("按15%的税率征收企业所得税"): its own words
 * are its only label (eight characters cut before it, "“按”: 15%", named nothing).
 */
function clauseAround(sentence: string, index: number, length: number): string {
  const before = sentence.slice(0, index);
  const start = Math.max(before.search(/[^，,；;：:。]*$/u), index - 30);
  const after = sentence.slice(index + length).search(/[，,；;：:。]/u);
  const end = after === -1 ? sentence.length : index + length + after;
  return sentence.slice(start, Math.min(end, index + length + 30)).trim();
}

/** The sentence after `sentence` in the source; chunks overlap by a sentence, so look in every copy. */
function followingSentence(sentence: ScoredSentence, scored: ScoredSentence[]): ScoredSentence | undefined {
  return scored
    .filter((copy) => sameSentence(copy.text, sentence.text))
    .map((copy) => scored.find((other) => other.hitIndex === copy.hitIndex && other.position === copy.position + 1))
    .find((next) => next !== undefined);
}

/**
 * The figures of a sentence, those closest after an asked term first: in "年产番茄丁4万吨、番茄酱1.2万吨"
 * a question about 番茄酱 wants 1.2万吨. Figures with no asked term nearby keep their order.
 */
function figuresNearTerms(text: string, terms: string[]): FoundFigure[] {
  const positions = terms.flatMap((term) => {
    const found: number[] = [];
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) found.push(at + term.length);
    return found;
  });
  if (positions.length === 0) return findFigures(text);
  const distance = (figure: FoundFigure) =>
    Math.min(...positions.map((end) => (figure.index >= end ? figure.index - end : (end - figure.index) * 3)));
  return findFigures(text)
    .map((figure, order) => ({ figure, order, distance: distance(figure) }))
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .map((item) => item.figure);
}

/**
 * A sentence that announces a list in quotes ("加、减、乘、除"组合拳, “五好”园区 …) is only the
 * heading of the answer; the items are spelled out in the sentences that open with each of them
 * ("服务做"加法"…", "审批做"减法"…"). Those are added so a list question gets the whole list.
 */
function enumerationItems(best: ScoredSentence, scored: ScoredSentence[], hits: SearchHit[]): ScoredSentence[] {
  const match = best.text.match(/["“「]([^"”「」]{1,12}(?:、[^"”「」]{1,12}){1,7})["”」]/);
  if (!match) return [];
  const items = match[1]!.split("、").map((item) => item.trim()).filter(Boolean);
  const articleId = hits[best.hitIndex]!.chunk.articleId;
  const sameArticle = scored.filter((sentence) => sentence !== best && hits[sentence.hitIndex]!.chunk.articleId === articleId);
  const found: ScoredSentence[] = [];
  for (const item of items) {
    const opener = sameArticle.find((sentence) => {
      const head = sentence.text.slice(0, 16);
      return new RegExp(`["“「][^"”」]{0,3}${escapeRegExp(item)}`).test(head);
    });
    if (opener && !found.some((sentence) => sameSentence(sentence.text, opener.text))) found.push(opener);
  }
  return found;
}


/** Overlapping chunks repeat a sentence, sometimes with different trailing punctuation. */
function sameSentence(a: string, b: string): boolean {
  const bare = (text: string) => text.replace(/[。！？!?；;，,\s]+$/u, "");
  return bare(a) === bare(b);
}
