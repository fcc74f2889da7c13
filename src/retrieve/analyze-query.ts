import { zoneKindSurfaces } from "../ingest/zones.js";
import { detectLanguage, escapeRegExp } from "../core/language.js";
import type { Language } from "../core/types.js";
import { normalizeEnglish, type Glossary } from "./glossary.js";
import type { EnglishDictionary } from "./en-zh-dictionary.js";
import type { PlaceResolver } from "./places.js";

/**
 * Turns a question (Chinese or English) into what retrieval and answering need: its language,
 * the places it names, and Chinese term groups. English questions are mapped to Chinese through
 * the gazetteer (places) and the glossary (policy terms), so no LLM is needed to search.
 */

export interface TermGroup {
  /** Where the group came from: a Chinese word of the question, or an English phrase. */
  label: string;
  /** Chinese alternatives; the group is covered when a passage holds any of them. */
  alternatives: string[];
  /** Set for dictionary guesses, which count less than curated glossary terms. */
  weight?: number;
  /** A real word of the question (a dictionary word) that no indexed passage holds: the topic is not in the corpus. */
  unseen?: true;
}

export interface AnalyzedQuery {
  text: string;
  language: Language;
  /** Places named in the question (canonical Chinese, e.g. 长治). */
  places: string[];
  /** Zone names as written, e.g. 长治高新区, 陵川示范区. */
  zoneNames: string[];
  /** Content terms that a passage must hold to answer the question. */
  groups: TermGroup[];
  /** English content words with no glossary entry (the corpus is Chinese, so they cannot match). */
  untranslated: string[];
  /** Years named in the question, e.g. 2019. */
  years: string[];
  /** True when the question asks for a figure (多少, how many, rate …). */
  asksFigure: boolean;
  /** True when the question asks for several things (分别, 哪些, what measures …). */
  asksList: boolean;

  /** Chinese text used for BM25 and the vector query. */
  searchText: string;
  /** English place names the gazetteer does not know ("Huinan County"): the index cannot cover them. */
  unknownPlaces?: string[];
}

type Segmenter = (text: string) => string[];

const chineseQuestionWords = new Set(
  (
    "多少 几 几个 哪些 哪个 哪里 什么 怎么 怎样 如何 是否 是 的 了 吗 呢 啊 吧 有 有没有 在 和 与 及 或 对 为 把 被 从 向 到 " +
    "请问 请 介绍 一下 告诉 我 你 我们 关于 情况 方面 具体 主要 分别 指 进行 获得 得到 哪 谁 何 为何 为什么 多 了解 目前 现在 " +
    "高新区 经开区 开发区 示范区 新区 园区 市 县 区 省 该 其 它 他们 这 那 那么 这个 那个 呢 还 还有 以及 共 共计 " +
    // Words that say what kind of answer is wanted (a condition, a requirement), not its topic.
    "条件 需要 满足 要求 符合 什么样 拿到 可以 能 能否 才能 获得 享受 给予 怎么 给 发 分几 几年 每年 多长 多久 时候 什么时候 哪几年 开始 门槛 每个 各是 各 分别是 各为 多高 " +
    // How a question asks (an amount, which item, a comparison, a condition), never what it is about.
    "是不是 有没有 能不能 会不会 可不可以 是否 多少钱 多少个 多少家 多少项 多大 多快 哪种 哪类 哪一类 哪一条 哪条 哪一项 哪项 能领 能拿 可领 可拿 如果 假如 若 更高 更多 更大 更少 更低 哪个 一样 一样吗 相同 是否相同 分段 计算 怎么算 文件 一共 总共 得了 排第 几位 那场 这场"
  ).split(" "),
);

const englishStopwords = new Set(
  (
    "what which who whom whose when where why how much many did do does is are was were be been being the a an of in on at to " +
    "for from by with and or its it it's their they them this that these those there here as about into than then so such " +
    "i me my we our you your he she his her please tell give list show any some all each per can could would should will " +
    "has have had get got offer offered offers provide provided provides zone high-tech high tech hi-tech development " +
    "economic district city county province region park industrial chinese china number amount total year years " +
    "also up out what's during since between over under more most less least first last new " +
    // Common verbs and adverbs: a question's grammar, not its topic.
    "take took taken make made use used using want wanted plan need needed help helped work worked start started " +
    "already once still just only fully now currently recently ever yet very much really how's there's " +
    "happen happened go going come came give given keep kept put set say said report reported according " +
    "other another same different way ways thing things kind kinds part parts lot lots " +
    // Adverbs, prepositions and connectives: they shape an English question but name no topic,
    // and a dictionary would turn them into Chinese words no passage needs to hold.
    "actually across elsewhere above after again against along among around because before behind below beside besides " +
    "beyond both but despite down either enough even every except far further however instead itself later like near " +
    "neither never nor off often onto outside perhaps rather soon than though through throughout thus till together too " +
    "toward towards unless until upon usually via well whether while within without would exactly roughly approximately " +
    "specifically particular particularly especially overall main mainly mostly almost nearly respectively each every " +
    "able again always anything something everything nothing someone anyone everyone whom whose which where when why " +
    "per able likely mean means meant aim aimed does doing done include included including includes high tech hi " +
    "try trying tried attempt attempting attempted seek seeking sought " +
    // Question words about conditions and requirements shape the kind of answer, not its topic.
    "condition conditions need needs require required requires requirement requirements qualify qualifies qualified eligible eligibility who " +
    // How an answer is paid or how long it holds is the question's kind (rule-answer.ts), not its topic.
    "pay pays paid paying payment payments apply applies applied bring bringing brings whose gets getting receive"
  ).split(" "),
);

export const listCue = /分别|哪些|有哪些|包括|什么措施|举措|怎么|怎样|如何|措施|\bwhat (?:are|were|does|do|did)\b|\bwhat (?:measures|steps|actions|policies|incentives|services)\b|\bwhich (?:measures|steps|policies|areas|fields|sectors|industries)\b|\blist\b|\bhow (?:does|do|did)\b/i;

/** A dictionary guess counts half as much as a curated glossary term when judging coverage. */
const dictionaryWeight = 0.5;

const zoneKindTerms = new Set([...zoneKindSurfaces, "工业园"]);

const figureCue = /多少|几[个家项名次亿万]|几|比例|增速|增长率|达成率|规模|总额|总投资|how many|how much|what (?:was|is|were|are) the (?:rate|growth|share|total|amount|number|value)|rate|percentage|amount|total|figure|number of|\bvalue\b|\bworth\b|\bhow long\b|\bwhen\b/i;


export function extractYears(text: string): string[] {
  return [...new Set((text.match(/(?:19|20)\d{2}(?=年|\b|[^\d])/g) ?? []))];
}

export interface AnalyzeDependencies {
  glossary: Glossary;
  places: PlaceResolver;
  segment: Segmenter;
  /** Broad English → Chinese word list for words the glossary lacks (see en-zh-dictionary.ts). */
  dictionary?: EnglishDictionary;
  /** Documents of the live index holding a Chinese term: picks the dictionary sense the corpus uses. */
  documentFrequency?: (term: string) => number;
  /** Indexed Chinese words written in pinyin ("zhuanjingtexin" → 专精特新), for words no dictionary knows. */
  romanized?: (word: string) => string[];
}

/**
 * Among a dictionary word's Chinese senses, those the live index uses, most used first ("transport"
 * → 交通 where the corpus says 交通, not 运输); all of them when the index uses none.
 */
export function selectSenses(senses: string[], documentFrequency?: (term: string) => number): string[] {
  if (!documentFrequency || senses.length < 2) return senses;
  const counted = senses.map((sense, order) => ({ sense, order, count: documentFrequency(sense) }));
  const used = counted.filter((item) => item.count > 0).sort((a, b) => b.count - a.count || a.order - b.order);
  return used.length > 0 ? used.map((item) => item.sense) : senses;
}

export function analyzeQuery(question: string, deps: AnalyzeDependencies): AnalyzedQuery {
  const text = question.trim();
  const language = detectLanguage(text);
  const found = language === "zh" ? deps.places.inChineseQuestion(text) : deps.places.inEnglish(text);
  const places = found.places;
  const years = extractYears(text);
  const groups: TermGroup[] = [];
  const untranslated: string[] = [];
  const placeWords = new Set([...places, ...found.zoneNames]);

  if (language === "zh") {
    // Strip zone names first so their parts (长治, 高新区) do not count as content terms.
    let rest = text;
    for (const name of [...found.zoneNames, ...places].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(" ");
    // "柳河县建民宿": the 县 of a stripped place name is no content word ("县建").
    rest = rest.replace(/(^|\s)[县市区](?=[\u4e00-\u9fff])/g, "$1 ");
    // "GDP", "R&D" in a Chinese question name a measure too: kept, with the glossary's Chinese for them.
    for (const latin of rest.match(/[A-Za-z][A-Za-z&]+/gu) ?? []) {
      const found = deps.glossary.lookup(latin)[0];
      if (!groups.some((group) => group.label === latin)) groups.push({ label: latin, alternatives: [...new Set([latin, ...(found?.zh ?? [])])] });
    }
    for (const word of deps.segment(rest)) {
      if (!/[\u4e00-\u9fff]/.test(word) || chineseQuestionWords.has(word) || placeWords.has(word)) continue;
      if (/^(?:19|20)\d{2}年?$/.test(word)) continue;
      // Single characters (年, 个, 家 …) match nearly every passage; they carry no topic.
      if (word.length === 1 && !/[钒硒锂茶煤铜铝钢]/.test(word)) continue;
      if (groups.some((group) => group.label === word)) continue;
      const alternatives = chineseSynonyms(word, deps.glossary);
      // A word no document uses and no dictionary knows ("投产后前五年" segmented with 后前 across two
      // words) is a guess at a seam, not a topic: it helps ranking, it decides nothing (no refusal rests on it).
      const seam = deps.documentFrequency !== undefined && deps.dictionary !== undefined && alternatives.every((term) => deps.documentFrequency!(term) === 0) && !deps.dictionary.isChineseWord(word) && !deps.glossary.lookup(word).length;
      const unseen = !seam && deps.documentFrequency !== undefined && deps.dictionary !== undefined && alternatives.every((term) => deps.documentFrequency!(term) === 0) && deps.dictionary.isChineseWord(word);
      groups.push({ label: word, alternatives, ...(seam ? { weight: dictionaryWeight } : {}), ...(unseen ? { unseen: true as const } : {}) });
    }
  } else {
    // "by the end of August" is a period (the period check reads it), not the topic "end".
    const withoutPlaces = stripPlaceNames(text, places.map((place) => deps.places.english(place))).replace(
      /\b(?:(?:by|as of|at|until|through|up to) )?(?:the )?end(?: of|-) ?(?=(?:january|february|march|april|may|june|july|august|september|october|november|december|the year|last year|this year)\b)/giu,
      " ",
    )
      // "for the full year" is a period too (the claims check it), not the topic "full".
      .replace(/\b(?:for |in |over )?(?:the )?(?:full|whole|entire)[- ](?=year\b)/giu, " ");
    const matches = deps.glossary.lookup(withoutPlaces);
    // Zone-kind words (high-tech zone → 高新区) name the kind of place, not the topic: like 高新区
    // in Chinese questions they must not count as content terms.
    for (const match of matches) if (!match.zh.every((term) => zoneKindTerms.has(term))) groups.push({ label: match.phrase, alternatives: match.zh });
    // Figures in an English question ("the 143 major projects") appear verbatim in Chinese text.
    for (const number of withoutPlaces.match(/\b\d+(?:\.\d+)?\b/g) ?? []) {
      if (!years.includes(number) && !groups.some((group) => group.label === number)) groups.push({ label: number, alternatives: [number] });
    }
    // Grade codes ("a national 5A scenic area", "5G") are written the same way in Chinese text.
    for (const code of withoutPlaces.match(/\b\d[A-Z]{1,3}\b/g) ?? []) {
      if (!groups.some((group) => group.label === code)) groups.push({ label: code, alternatives: [code] });
    }
    const covered = new Set(matches.flatMap((match) => match.phrase.split(" ")));
    const leftover: { word: string; position: number }[] = [];
    (normalizeEnglish(withoutPlaces).match(/[a-z][a-z\-']+/g) ?? []).forEach((word, position) => {
      const base = word.replace(/'s$/, "");
      // Plural folding turns stopwords into non-words ("does" → "doe", "this" → "thi"): check the unfolded form too.
      if (englishStopwords.has(base) || englishStopwords.has(`${base}s`) || covered.has(base) || base.length < 3) return;
      if (deps.places.isEnglishPlace(base)) return;
      leftover.push({ word: base, position });
    });
    // Words the glossary lacks: the broad dictionary's guesses (two-word phrases first) join the
    // search with less weight; only words it does not know either stay untranslated.
    for (let i = 0; i < leftover.length; i++) {
      const current = leftover[i]!;
      const next = leftover[i + 1];
      const pair = next && next.position === current.position + 1 ? `${current.word} ${next.word}` : undefined;
      const pairFound = pair ? deps.dictionary?.lookup(pair) : undefined;
      const pairZh = pairFound ? selectSenses(pairFound, deps.documentFrequency) : undefined;
      if (pair && pairZh) {
        groups.push({ label: pair, alternatives: pairZh, weight: dictionaryWeight });
        i++;
        continue;
      }
      const stems = englishStems(current.word);
      const fromGlossary = stems.map((stem) => deps.glossary.lookup(stem)[0]).find((match) => match !== undefined);
      if (fromGlossary) {
        groups.push({ label: current.word, alternatives: fromGlossary.zh });
        continue;
      }
      const zh = stems.map((stem) => deps.dictionary?.lookup(stem)).find((found) => found !== undefined);
      const romanized = zh ? undefined : deps.romanized?.(current.word);
      if (zh) groups.push({ label: current.word, alternatives: selectSenses(zh, deps.documentFrequency), weight: dictionaryWeight });
      // A capitalised one ("Jinwan", "Gaozhu") is a name: it helps find the passages, it does not say what is measured.
      else if (romanized && romanized.length > 0) groups.push({ label: current.word, alternatives: romanized, ...(new RegExp(`\\b${current.word.charAt(0).toUpperCase()}${current.word.slice(1)}`, "u").test(text) ? { weight: dictionaryWeight } : {}) });
      else untranslated.push(current.word);
    }
  }

  const unknownPlaces = language === "en" && places.length === 0 ? unknownEnglishPlaces(text, deps) : [];
  const searchParts = language === "zh" ? [text] : [...found.zoneNames, ...places, ...groups.flatMap((group) => group.alternatives), ...years];
  return {
    text,
    language,
    places,
    zoneNames: found.zoneNames,
    groups,
    untranslated,
    years,
    asksFigure: figureCue.test(text),
    asksList: listCue.test(text),
    searchText: searchParts.join(" "),
    ...(unknownPlaces.length > 0 ? { unknownPlaces } : {}),
  };
}

/**
 * "Huinan County", "Jiutai District": a capitalised name before County/District/Prefecture that the
 * gazetteer does not know. Question words and glossary terms ("Which County …") do not count; zone
 * names are left to retrieval, which may still resolve a misspelling.
 */
function unknownEnglishPlaces(text: string, deps: AnalyzeDependencies): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)(?:'s)?\s+(?:County|District|Prefecture)\b/g)) {
    const name = match[1]!;
    const words = name.toLowerCase().split(/[ -]/);
    if (words.some((word) => englishStopwords.has(word) || deps.glossary.lookup(word).length > 0)) continue;
    if (deps.places.isEnglishPlace(name)) continue;
    // "Longxian County" where the indexed documents write 陇县: the corpus knows it, though no list does.
    if ((deps.romanized?.(name.replace(/[ -]/g, "")) ?? []).length > 0) continue;
    found.push(`${name}${match[0].slice(name.length).replace(/^'s/, "")}`.trim());
  }
  return found;
}

/**
 * A Chinese question word that the glossary lists with near-synonyms is satisfied by those that
 * share a two-character stem with it (到位外资 ↔ 实际利用外资 ↔ 外资), not by every entry term.
 */
function chineseSynonyms(word: string, glossary: Glossary): string[] {
  const stems = new Set<string>();
  for (let i = 0; i + 2 <= word.length; i++) stems.add(word.slice(i, i + 2));
  const related = glossary.entries
    .filter((entry) => entry.zh.includes(word))
    .flatMap((entry) => entry.zh)
    .filter((term) => term.length >= 2 && [...stems].some((stem) => term.includes(stem)));
  return [...new Set([word, ...related])];
}

/** The word and its likely base forms: arrived → arrive, arriv; reaching → reach, reache; quickly → quick. */
export function englishStems(word: string): string[] {
  const stems = [word];
  const add = (stem: string) => {
    if (stem.length >= 3 && !stems.includes(stem)) stems.push(stem);
  };
  if (word.endsWith("ied")) add(word.slice(0, -3) + "y");
  if (word.endsWith("ed")) {
    add(word.slice(0, -1));
    add(word.slice(0, -2));
    if (/(.)\1ed$/.test(word)) add(word.slice(0, -3));
  }
  if (word.endsWith("ing")) {
    add(word.slice(0, -3));
    add(word.slice(0, -3) + "e");
    if (/(.)\1ing$/.test(word)) add(word.slice(0, -4));
  }
  if (word.endsWith("ly")) add(word.slice(0, -2));
  if (word.endsWith("'")) add(word.slice(0, -1));
  return stems;
}

function stripPlaceNames(text: string, englishNames: string[]): string {
  let rest = text;
  for (const name of englishNames) rest = rest.replace(new RegExp(escapeRegExp(name), "gi"), " ");
  return rest;
}

