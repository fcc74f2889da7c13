import type { QuestionRewriter, Turn } from "../core/types.js";
import { detectLanguage } from "../core/language.js";
import type { PlaceResolver } from "../retrieve/places.js";

/**
 * Makes follow-ups standalone without a model. Two shapes cover most chat follow-ups:
 * - a new place with little else ("那衡阳呢？", "那安康市2019年呢？", "What about Hengyang?"):
 *   the previous question with its place (and time, when a new one is given) swapped;
 * - no place at all ("And how much foreign investment did it use?", "那装修补贴呢？"): the
 *   question, with the previous turn's place carried over.
 */

const followUpCue = /^(?:那|那么|还有|另外|再问|and\b|what about\b|how about\b|also\b|then\b)|呢[？?]?$/i;
const pronounCue = /\b(?:it|its|there|they|their|this zone|that zone|the zone)\b|该区|该园区|那里|其/i;
const timePattern = /(?:19|20)\d{2}年(?:上半年|下半年|前三季度|[1-9]\d?(?:-\d{1,2})?月)?|今年(?:上半年|下半年|以来)?|去年|上半年|下半年|“十[三四五]五”(?:期间)?|十[三四五]五(?:期间)?/g;

const englishZoneKind = /\b(?:(?:high[- ]?tech|hi-tech|economic|development|industrial|demonstration)\s+)*(?:zone|district|park|area|city|county)\b|\b(?:in|for|of)\b/gi;

export function isFollowUp(question: string, history: Turn[]): boolean {
  if (history.length === 0) return false;
  const trimmed = question.trim();
  return followUpCue.test(trimmed) || pronounCue.test(trimmed) || (detectLanguage(trimmed) === "zh" ? trimmed.length <= 8 : trimmed.split(/\s+/).length <= 4);
}

/**
 * `places` may be a function so a long-running service always asks the live index's gazetteer
 * (a re-index can bring new places) rather than the one it started with.
 */
export function createRuleRewriter(places: PlaceResolver | (() => PlaceResolver)): QuestionRewriter {
  const resolve = typeof places === "function" ? places : () => places;
  return async (question, history) => rewriteByRules(question, history, resolve());
}

export function rewriteByRules(question: string, history: Turn[], resolver: PlaceResolver): string {
  const previous = history[history.length - 1];
  if (!previous || !isFollowUp(question, history)) return question;
  const language = detectLanguage(question);
  const found = language === "zh" ? resolver.inChineseQuestion(question) : resolver.inEnglish(question);
  const previousText = previous.standaloneQuestion;

  if (found.places.length > 0) {
    // English questions name places in English ("What about Hengyang High-tech Zone?"): remove those too.
    const englishNames = language === "en" ? found.places.map((place) => resolver.english(place)) : [];
    const remainder = stripFollowUpWords(removeAll(question, [...found.zoneNames, ...found.places, ...englishNames])).replace(englishZoneKind, "");
    const onlyPlaceAndTime = remainder.replace(timePattern, "").replace(/[\s,，。？?！!市县区]/g, "").length <= 2;
    if (!onlyPlaceAndTime) return question;
    const previousFound = detectLanguage(previousText) === "zh" ? resolver.inChineseQuestion(previousText) : resolver.inEnglish(previousText);
    // "安康市" names the city on purpose: keep its suffix so it is not read as the city's zone.
    const withSuffix = language === "zh" ? question.match(new RegExp(`${found.places[0]}[市县]`))?.[0] : undefined;
    const newPlace = withSuffix ?? found.zoneNames[0] ?? (language === "zh" ? found.places[0]! : resolver.english(found.places[0]!));
    let rewritten = previousText;
    const oldNames = [...previousFound.zoneNames, ...previousFound.places, ...previousFound.places.map((place) => resolver.english(place))]
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
    let replaced = false;
    for (const name of oldNames) {
      if (rewritten.includes(name)) {
        // "那衡阳呢？" after a question about 景德镇高新区 asks about 衡阳高新区: keep the zone kind.
        const oldPlace = previousFound.places.find((place) => name.startsWith(place) && name !== place);
        const newIsBarePlace = language === "zh" && found.places.includes(newPlace);
        const replacement = newIsBarePlace && oldPlace ? newPlace + name.slice(oldPlace.length) : newPlace;
        rewritten = rewritten.split(name).join(replaced ? "" : replacement);
        replaced = true;
      }
    }
    if (!replaced) rewritten = `${newPlace} ${rewritten}`;
    return withTimeOf(question, rewritten);
  }

  // Only a new period ("那2022年呢？", "去年呢？"): the previous question, asked for that period.
  const onlyTime = question.match(timePattern) !== null && stripFollowUpWords(question).replace(timePattern, "").replace(/[\s,，。？?！!的]/g, "").length === 0;
  if (onlyTime) return withTimeOf(question, previousText);

  // "那五星级呢？" after "…对新评定为四星级的酒店奖励多少？": the sibling of a word of the previous question
  // (same length, same ending) takes its place there, and the rest of that question is kept.
  if (language === "zh") {
    const sibling = withSibling(stripFollowUpWords(question).replace(/[\s，,。？?！!]/gu, ""), previousText);
    if (sibling) return sibling;
  } else {
    const sibling = withEnglishSibling(stripFollowUpWords(question), previousText) ?? withEnglishPhrase(stripFollowUpWords(question), previousText);
    if (sibling) return sibling;
  }

  // "那累计完成投资呢？" after "湄潭县工业园区1至5月完成规模以上工业总产值多少？": the earlier question's
  // subject and period, the new measure, and its question word ("湄潭县工业园区1至5月累计完成投资多少？").
  if (language === "zh") {
    const framed = withNewMeasure(stripFollowUpWords(question).replace(/[？?。！!\s]+$/u, ""), previousText, resolver);
    if (framed) return framed;
  }

  if (previous.places.length > 0) {
    const names = previous.places.map((place) => (language === "zh" ? place : resolver.english(place)));
    const body = stripFollowUpWords(question);
    return language === "zh" ? `${names.join("、")}${body}` : `${body} (${names.join(", ")})`;
  }
  return question;
}

/** Puts the period named in `question` into `target`, replacing the period it had. */
function withTimeOf(question: string, target: string): string {
  const newTimes = question.match(timePattern);
  if (!newTimes || newTimes.length === 0) return target;
  const oldTimes = target.match(timePattern);
  return oldTimes && oldTimes.length > 0 ? target.replace(oldTimes[0]!, newTimes[0]!) : `${newTimes[0]}${target}`;
}

function withNewMeasure(body: string, previousText: string, resolver: PlaceResolver): string | undefined {
  if (!/^[\u4e00-\u9fa5]{2,10}$/u.test(body)) return undefined;
  const tail = /(?:是|为|有|达到?)?(?:多少|几)[\u4e00-\u9fa5]{0,3}[？?]?$/u.exec(previousText);
  if (!tail) return undefined;
  const found = resolver.inChineseQuestion(previousText);
  const names = [...found.zoneNames, ...found.places].filter((name) => previousText.includes(name));
  // The subject and its period: up to the end of the last name or period said before the measure.
  let end = 0;
  for (const name of names) end = Math.max(end, previousText.indexOf(name) + name.length);
  for (const match of previousText.matchAll(new RegExp(`${timePattern.source}|(?:\\d{1,2}(?:至|-|—|到)\\d{1,2}月)`, "gu"))) {
    if ((match.index ?? 0) <= end + 1) end = Math.max(end, (match.index ?? 0) + match[0].length);
  }
  if (end === 0 || end >= tail.index) return undefined;
  // The question word without the earlier measure's counter ("多少个" asked of projects is "多少" of an amount).
  return `${previousText.slice(0, end)}${body}${tail[0].replace(/(多少|几)[\u4e00-\u9fa5]{0,3}/u, "多少")}`;
}

function withSibling(word: string, previousText: string): string | undefined {
  if (!/^[\u4e00-\u9fa5]{2,6}$/u.test(word) || previousText.includes(word)) return undefined;
  const shared = Math.ceil(word.length / 2);
  const ending = word.slice(-shared);
  for (let at = previousText.indexOf(ending); at >= 0; at = previousText.indexOf(ending, at + 1)) {
    const start = at + shared - word.length;
    if (start < 0) continue;
    const old = previousText.slice(start, start + word.length);
    if (/^[\u4e00-\u9fa5]+$/u.test(old) && old !== word) return `${previousText.slice(0, start)}${word}${previousText.slice(start + word.length)}`;
  }
  return undefined;
}

/**
 * "And the primary industry?" after "What value added did the secondary industry of … achieve?": the phrase
 * of the previous question with the same head word ("secondary industry", "electronic information industry")
 * gives way to it. The phrase runs back from the head over plain words, up to the question's grammar.
 */
function withEnglishSibling(body: string, previousText: string): string | undefined {
  const words = body.replace(/[?？.!,]/gu, "").trim().split(/\s+/u).filter((word) => !/^(?:the|a|an)$/iu.test(word));
  // A phrase opening with a preposition ("in the second year") replaces a phrase, not a noun (withEnglishPhrase).
  if (words.length < 2 || words.length > 4 || prepositions.test(words[0]!) || !words.every((word) => /^[a-z][a-z-]*$/iu.test(word))) return undefined;
  const head = words[words.length - 1]!.toLowerCase();
  const tokens = [...previousText.matchAll(/[A-Za-z][A-Za-z'’-]*/gu)];
  const at = tokens.findIndex((token) => token[0].toLowerCase() === head);
  if (at <= 0) return undefined;
  let first = at;
  while (first > 0 && !englishGrammar.test(tokens[first - 1]![0]) && !/['’]/u.test(tokens[first - 1]![0]) && !/^[A-Z]/u.test(tokens[first - 1]![0])) first--;
  if (first === at) return undefined;
  const from = tokens[first]!.index!;
  const to = tokens[at]!.index! + tokens[at]![0].length;
  if (previousText.slice(from, to).toLowerCase() === words.join(" ").toLowerCase()) return undefined;
  return `${previousText.slice(0, from)}${words.join(" ")}${previousText.slice(to)}`;
}

const prepositions = /^(?:in|from|for|during|after|over|by|within|at|under|above|below|between)$/iu;

/**
 * "And from the third to the fifth year?" after "What does Panxian give … in its first two years of production?":
 * the previous question's phrase that opens with a preposition and ends in the same head word (year/years)
 * gives way to the new one; the rest of that question is kept.
 */
function withEnglishPhrase(body: string, previousText: string): string | undefined {
  const words = body.replace(/[?？.!,]/gu, "").trim().split(/\s+/u);
  if (words.length < 2 || words.length > 8 || !prepositions.test(words[0]!) || !words.every((word) => /^[a-z0-9][a-z0-9-]*$/iu.test(word))) return undefined;
  const head = words[words.length - 1]!.toLowerCase().replace(/s$/u, "");
  const tokens = [...previousText.matchAll(/[A-Za-z0-9][A-Za-z0-9'’-]*/gu)];
  const at = tokens.findIndex((token) => token[0].toLowerCase().replace(/s$/u, "") === head);
  if (at <= 0) return undefined;
  let first = at - 1;
  while (first >= 0 && at - first <= 5 && !prepositions.test(tokens[first]![0])) first--;
  if (first < 0 || at - first > 5) return undefined;
  const from = tokens[first]!.index!;
  const to = tokens[at]!.index! + tokens[at]![0].length;
  return `${previousText.slice(0, from)}${words.join(" ")}${previousText.slice(to)}`;
}

const englishGrammar = /^(?:what|which|who|how|did|does|do|is|was|were|are|has|have|had|the|a|an|of|in|for|and|or|to|by|on|at|its|their|much|many)$/iu;

function removeAll(text: string, names: string[]): string {
  return names.sort((a, b) => b.length - a.length).reduce((rest, name) => rest.split(name).join(" "), text);
}

function stripFollowUpWords(text: string): string {
  return text
    .replace(/^(?:那么|那|还有|另外|再问一下|and|what about|how about|also|then)[\s,，]*/i, "")
    .replace(/呢(?=[？?]?$)/, "")
    .trim();
}
