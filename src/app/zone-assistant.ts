import { selfNamedRule } from "../ingest/policy-rules.js";
import { findPlace } from "../ingest/places-data.js";
import type { Config } from "../core/config.js";
import { AppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { SearchHit, Answer, AnswerInput, AnswerService, Answerer, AskOptions, Language, QuestionRewriter, ServiceStatus, SourceView, Turn } from "../core/types.js";
import { englishZoneName } from "../answer/zone-names.js";
import { assessAnswerability, groupCoverage } from "../answer/coverage.js";
import { composeExtractive } from "../answer/extractive.js";
import { refusal, topicOf } from "../answer/refusal.js";
import type { StateStore } from "../state/state-store.js";
import { detectLanguage, escapeRegExp } from "../core/language.js";
import { extractYears, type AnalyzedQuery } from "../retrieve/analyze-query.js";
import { hybridSearch } from "../retrieve/hybrid-search.js";
import { toSimplified } from "../retrieve/simplified-chinese.js";
import type { Fact } from "../facts/types.js";
import { comparedMetrics, matchMetrics } from "../facts/match-metric.js";
import { questionPeriod, samePeriod, withinPeriod } from "../facts/period.js";
import type { Period } from "../facts/types.js";
import { splitSentences } from "../ingest/sentences.js";
import { attachLead } from "../answer/lead/attach-lead.js";
import { comparisonLead, figureLead, superlativeLead, type Lead, type LeadRequest, type Subject } from "../answer/lead/fact-lead.js";
import { coverageAnswer, coverageOf, entitiesIn, exampleQuestions, helpAnswer } from "../answer/lead/simple-leads.js";
import { correctPlaceNames, editDistance } from "../retrieve/fuzzy-place.js";
import { classifyQuestion, isNonQuestion, type QuestionKind } from "../retrieve/question-kind.js";
import type { LiveIndex } from "./live-index.js";
import { listRules, type RuleListing } from "../ingest/policy-rules.js";
import { originalDocument, viewSource } from "./source-view.js";
import { analyzeWith } from "./corpus-queries.js";
import { answerWithClaims } from "../answer/claims/engine.js";
import { disagreement } from "../answer/llm/claim-agreement.js";
import { detectZones } from "../ingest/zones.js";
import { readCondition, readFrame, zoneKindOf, type Condition, type Frame } from "../answer/claims/frame.js";
import { subjectFit, type EvidenceContext } from "../answer/claims/evidence.js";

const suggestionCache = new WeakMap<LiveIndex, { count: number; examples: Promise<{ zh: string[]; en: string[] }> }>();

/**
 * The core's one entry point: question → standalone question → retrieval → refusal or answer.
 * The live index is read once per request, so a snapshot swap never changes an answer midway.
 */

export interface ZoneAssistantOptions {
  config: Config;
  /** The live index, with the lexicon (glossary, gazetteer, tokenizer) it was loaded with. */
  live: LiveIndex;
  store?: StateStore;
  log: Logger;
  rewriter: QuestionRewriter;
  answerer?: Answerer;
  llmLabel?: string;
}

export class ZoneAssistant implements AnswerService {
  private live: LiveIndex;

  constructor(private readonly options: ZoneAssistantOptions) {
    this.live = options.live;
  }

  /** Counts swaps, so a loader can tell whether another swap happened while it was loading. */
  private swaps = 0;

  /** Makes a new snapshot live; requests already running keep the one they started with. */
  swap(live: LiveIndex): void {
    this.live = live;
    this.swaps++;
  }

  get generation(): number {
    return this.swaps;
  }

  get liveIndex(): LiveIndex {
    return this.live;
  }

  status(): ServiceStatus {
    const manifest = this.live.manifest;
    return {
      indexVersion: manifest.version,
      chunks: manifest.chunkCount,
      articles: manifest.articleCount,
      files: manifest.files.filter((file) => file.status === "indexed").length,
      embedder: manifest.embedder.id,
      llm: this.options.llmLabel ?? "none",
      builtAt: manifest.builtAt,
    };
  }

  facts(filter: { zone?: string; metric?: string; limit?: number }): { total: number; facts: Fact[]; rules: RuleListing[] } {
    const rulesOnly = filter.metric === "rules";
    // A query with a limit (the API's default is 500): the facts are not all held in this process.
    const listed = rulesOnly ? { total: 0, facts: [] } : this.live.facts.list(filter);
    // Policy rules sit beside the figures; a figure metric filter leaves them out.
    const rules = filter.metric && !rulesOnly ? [] : listRules(this.live.search.chunks.ruleChunks(), { zone: filter.zone, limit: filter.limit }, new Date().toISOString().slice(0, 10));
    return { ...listed, rules };
  }

  source(chunkId: string, quote: string): Promise<SourceView> {
    return viewSource(this.live, this.options.config.CORPUS_DIR, chunkId, quote);
  }

  original(chunkId: string): Promise<{ path: string; name: string }> {
    return originalDocument(this.live, this.options.config.CORPUS_DIR, chunkId);
  }

  /**
   * Example questions the live snapshot answers (each candidate is asked once and kept only when
   * it is not refused), computed once per snapshot: they change only when the index does.
   */
  suggestions(count: number): Promise<{ zh: string[]; en: string[] }> {
    const live = this.live;
    const cached = suggestionCache.get(live);
    if (cached && cached.count === count) return cached.examples;
    const vet = async () => {
      const candidates = exampleQuestions({ chunks: live.search.chunks, facts: live.facts, metrics: live.metrics, english: (place) => live.lexicon.places.english(place) }, count * 2);
      const answered = async (questions: string[]) => {
        const kept: string[] = [];
        for (const question of questions) {
          if (kept.length >= count || this.live !== live) break;
          const answer = await this.ask(question).catch(() => undefined);
          if (answer && !answer.refused && answer.citations.length > 0) kept.push(question);
        }
        return kept;
      };
      return { zh: await answered(candidates.zh), en: await answered(candidates.en) };
    };
    const examples = vet();
    suggestionCache.set(live, { count, examples });
    return examples;
  }

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const { config, store } = this.options;
    const text = toSimplified(validateQuestion(question, config.MAX_QUESTION_CHARS));
    const live = this.live;
    // "a", "?", "。", "hello": nothing to look up; a short help reply, marked refused.
    if (isNonQuestion(text)) {
      const help = helpAnswer({ facts: live.facts, metrics: live.metrics, english: (place) => live.lexicon.places.english(place) }, detectLanguage(text), text);
      return { ...help, conversationId: options.conversationId };
    }
    const history = options.conversationId && store ? await this.history(store, options.conversationId) : [];
    const standalone = history.length > 0 ? await this.options.rewriter(text, history, { signal: options.signal }) : text;
    // "Hengyng" → Hengyang: a misspelled pinyin name of a place the index covers, said plainly.
    const names = this.resolveNames(standalone, live);
    if (names.askBack) return { ...names.askBack, conversationId: options.conversationId };
    const query = this.analyze(names.text, text, live);
    // The other reading of an ambiguous pinyin name is not asked about.
    if (names.drop) query.places = query.places.filter((place) => !names.drop!.includes(place));
    // A follow-up that names no place inherits the places of the turn it follows.
    if (query.places.length === 0 && history.length > 0 && standalone !== text) {
      query.places = history[history.length - 1]!.places;
    }

    const answer = await this.answerQuery(query, text, names.text, history, live, options);
    if (names.note) answer.answer = `${names.note} ${answer.answer}`;
    answer.conversationId = options.conversationId;
    if (options.conversationId && store) {
      await store
        .appendTurn(
          options.conversationId,
          { question: text, standaloneQuestion: standalone, answer: answer.answer, places: query.places, at: Date.now() },
          { maxTurns: config.CONVERSATION_MAX_TURNS, maxChars: config.CONVERSATION_MAX_CHARS },
        )
        .catch((error: unknown) => this.options.log.error("state store: could not save the conversation turn; the answer is sent without it", error));
    }
    return answer;
  }

  /** A follow-up without its history is still answered (as a standalone question) when the store is down. */
  private async history(store: StateStore, conversationId: string): Promise<Turn[]> {
    try {
      return await store.getTurns(conversationId);
    } catch (error) {
      this.options.log.error("state store: could not read the conversation; answering without its history", error);
      return [];
    }
  }

  /**
   * Place names of an English question the index may not know as written: a misspelling is
   * corrected to the one close name the index covers; a pinyin name of two places (Suzhou: 苏州,
   * 宿州) is taken as the one the index covers, or asked back when it covers both.
   */
  private resolveNames(question: string, live: LiveIndex): { text: string; note?: string; askBack?: Answer; drop?: string[] } {
    if (detectLanguage(question) !== "en") return { text: question };
    const resolver = live.lexicon.places;
    const covered = [...live.articlePlaces.all];
    const found = resolver.inEnglish(question).places;
    const byName = new Map<string, string[]>();
    for (const place of found) {
      const name = resolver.english(place).toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), place]);
    }
    for (const places of byName.values()) {
      if (places.length < 2) continue;
      const inIndex = places.filter((place) => live.articlePlaces.all.has(place));
      const english = resolver.english(places[0]!);
      if (inIndex.length >= 2) {
        return {
          text: question,
          askBack: { answer: `"${english}" can mean ${inIndex.join(" or ")}, and the reports cover both. Which one do you mean? Ask again with the Chinese name (e.g. ${inIndex[0]}).`, refused: true, mode: "extractive", language: "en", citations: [], warnings: [], standaloneQuestion: question },
        };
      }
      if (inIndex.length === 1) {
        const other = places.filter((place) => place !== inIndex[0]).join(", ");
        return { text: question, drop: places.filter((place) => place !== inIndex[0]), note: `Taking ${english} as ${inIndex[0]} (the reports cover it, not ${other}).` };
      }
    }
    // A real place the reports do not cover, spelled one letter off places they do ("Changzi" = 长子,
    // next to Changzhi 长治 and Changji 昌吉): ask which one was meant rather than answer about either.
    for (const place of found.filter((item) => !live.articlePlaces.all.has(item))) {
      const name = resolver.english(place).toLowerCase().replace(/[^a-z]/g, "");
      const near = covered.filter((other) => editDistance(name, resolver.english(other).toLowerCase().replace(/[^a-z]/g, "")) === 1);
      if (near.length === 0) continue;
      const options = near.map((other) => `${resolver.english(other)} (${other})`).join(" or ");
      return {
        text: question,
        askBack: { answer: `The reports do not cover ${resolver.english(place)} (${place}). Did you mean ${options}? Ask again with that name.`, refused: true, mode: "extractive", language: "en", citations: [], warnings: [], standaloneQuestion: question },
      };
    }
    const { text, corrections, ambiguous } = correctPlaceNames(question, covered.map((place) => ({ place, english: resolver.english(place) })), (word) => resolver.isEnglishPlace(word));
    if (ambiguous.length > 0) {
      const [first] = ambiguous;
      const options = first!.options.map((option) => `${option.english} (${option.place})`).join(" or ");
      return {
        text: question,
        askBack: { answer: `"${first!.written}" is close to ${options}, and the reports cover each. Which one do you mean? Ask again with that name.`, refused: true, mode: "extractive", language: "en", citations: [], warnings: [], standaloneQuestion: question },
      };
    }
    if (corrections.length === 0) return { text: question };
    const note = `Assuming you mean ${corrections.map((item) => `${item.english} (${item.place})`).join(" and ")}.`;
    return { text, note };
  }

  private analyze(standalone: string, original: string, live: LiveIndex): AnalyzedQuery {
    const query = analyzeWith(live, standalone);
    // Answer in the language the user wrote in, even if the rewrite is in another.
    query.language = detectLanguage(original);
    return query;
  }

  private async answerQuery(
    query: AnalyzedQuery,
    question: string,
    standalone: string,
    history: AnswerInput["history"],
    live: LiveIndex,
    options: AskOptions,
  ): Promise<Answer> {
    const { lexicon } = live;
    const english = (place: string) => lexicon.places.english(place);
    const kind = classifyQuestion(standalone, query.places.length).kind;
    if (kind === "coverage") return coverageAnswer({ chunks: live.search.chunks, facts: live.facts, metrics: live.metrics, english }, query.language, standalone);
    if (kind === "help") return helpAnswer({ facts: live.facts, metrics: live.metrics, english }, query.language, standalone);

    const metricMatches = matchMetrics(standalone, live.metrics, query.language);
    const request: LeadRequest = {
      language: query.language,
      subjects: subjectsOf(query, live),
      metrics: kind === "comparison" ? comparedMetrics(standalone, metricMatches, live.metrics, query.language) : metricMatches.map((match) => match.metric),
      matchedCues: Object.fromEntries(metricMatches.map((match) => [match.metric.key, match.matched])),
      period: questionPeriod(standalone, query.language),
      followUp: standalone !== question,
      facts: live.facts,
      english,
      terms: query.groups.map((group) => group.alternatives),
      asksEvent: eventCue.test(standalone),
      asksScope: scopeCue.test(standalone),
      asksNow: /现在|目前|当前|至今|\b(?:now|currently|so far|to date|today)\b/iu.test(standalone),
    };
    if (request.period?.kind === "day") request.asksEvent = true;
    const attach = (answer: Answer, lead: Lead, replaceFirstLine = false) =>
      attachLead(answer, lead, { chunks: live.search.chunks, facts: live.facts, period: request.period, subjects: request.subjects, replaceFirstLine });
    const empty: Answer = { answer: "", refused: false, mode: "extractive", language: query.language, citations: [], warnings: [], standaloneQuestion: standalone };

    // Rankings and comparisons of one metric are lookups over facts, not passages.
    if (kind === "superlative" && request.subjects.length === 0 && request.metrics.length > 0) {
      const zonesInIndex = coverageOf({ chunks: live.search.chunks }).filter((zone) => zone.zone !== zone.place).map((zone) => zone.zone);
      const lead = superlativeLead({ ...request, zonesInIndex, lowest: /\b(?:least|lowest|fewest|smallest)\b|最少|最低|最小/iu.test(standalone) });
      if (lead) return attach(empty, lead);
    }
    if (request.subjects.length >= 2 && request.metrics.length > 0 && (kind === "comparison" || kind === "superlative")) {
      const lead = comparisonLead(request);
      if (lead) return attach(empty, lead);
    }

    // A named place the gazetteer does not know ("Huinan County") is not covered: say so rather than
    // answer from another place's documents.
    if (query.unknownPlaces?.length && query.places.length === 0) return refusal(query.language, query.unknownPlaces.join(", "), standalone);

    const retrieval = await this.retrieve(query, request.subjects.length >= 2 && kind === "comparison", live);
    // A zone asked by name keeps its level: passages about the zone come before those about its city.
    const asked = request.subjects.length === 1 ? request.subjects[0]! : undefined;
    if (asked?.level === "zone") {
      const aboutZone = (hit: SearchHit) => (hit.chunk.zones[0] ?? "") !== asked.place && (hit.chunk.zones[0] ?? "").startsWith(asked.place);
      retrieval.hits = [...retrieval.hits.filter(aboutZone), ...retrieval.hits.filter((hit) => !aboutZone(hit))];
    }
    // English names for the question's places and for the zones of the passages (for "Which zone …?").
    const hitPlaces = retrieval.hits.flatMap((hit) => lexicon.places.inChinese(hit.chunk.zones[0] ?? "").places);
    const placeNames = Object.fromEntries([...query.places, ...hitPlaces].map((place) => [place, lexicon.places.english(place)]));
    const refuse = (subject: string) => refusal(query.language, subject, standalone);

    request.hitRanks = new Map(retrieval.hits.map((hit, rank) => [hit.chunk.id, rank]));
    // One zone's figure: the fact, labelled, for the asked period (or the nearest, said plainly).
    let single = request.subjects.length === 1 && request.metrics.length > 0 && (kind === "figure" || kind === "general" || kind === "comparison" || kind === "superlative")
      ? figureLead(request)
      : undefined;
    // The asked period has no figure: refuse, unless a passage does speak of that period (in words the facts missed).
    // Before the claim strategies: a figure of no stated period is not one of the asked period.
    if (single?.refused) {
      if (!request.period || !periodInPassages(request.period, retrieval.hits, request.metrics.map((metric) => metric.key), live, request.subjects[0])) return { ...empty, answer: single.text, refused: true };
      single = undefined;
    }

    // A yes/no's threshold ("超过一倍", "more than 30%") is what is decided, not a topic the passages must hold.
    if (kind === "yesno") query.groups = withoutCondition(query.groups, readCondition(standalone, query.language));
    // The question read once (after its threshold words left the topic) for the claim strategies and checks.
    const frame = frameOf(standalone, kind, query, request.period, live);
    if (process.env.EXPLAIN_CLAIMS) process.stderr.write(`kind=${kind} places=${query.places.join(",")} zoneNames=${query.zoneNames.join(",")} groups=${query.groups.map((group) => `${group.label}→${group.alternatives.join("/")}`).join(" | ")}\n`);
    const claimContext = evidenceContext(live);
    // Policy items are answered from their rule records (rule-answer.ts), not as report figures.
    // A report with numbered sections ("三、固定资产投资持续负增长") is still a report: only a policy
    // text (with a validity, or a policy's title) is answered from its rules.
    const aboutRules = retrieval.hits.slice(0, 3).some((hit) => hit.chunk.rule !== undefined && (hit.chunk.validity !== undefined || policyTitle.test(hit.chunk.title) || selfNamedRule.test(hit.chunk.text)));
    // A figure of a known metric that the facts file under the subject and period (fact-lead.ts) is
    // such a claim already, checked at ingest; the claim strategies answer the rest.
    const knownFigure = single !== undefined && single.facts.length > 0 && single.facts.every((fact) => fact.metric !== "other" && factAboutSubject(fact, frame, claimContext));
    const groups = query.groups.map((group) => group.alternatives);
    const weights = query.groups.map((group) => group.weight);
    // The passages, with their facts, written into an answer by the configured answerer (a model, or extractive).
    const compose = async (): Promise<Answer> => {
      const hits = query.asksList ? withFollowingPassages(retrieval.hits, live) : retrieval.hits;
      const hitFacts = hits.flatMap((hit) => live.facts.inChunk(hit.chunk.id));
      const input: AnswerInput = {
        question,
        standaloneQuestion: standalone,
        language: query.language,
        places: query.places,
        terms: groups.flat(),
        termGroups: groups,
        termWeights: weights,
        asksFigure: query.asksFigure,
        asksList: query.asksList || kind === "list",
        glossary: lexicon.glossary.entries,
        placeNames,
        hits,
        history,
        facts: [...(single?.facts ?? []), ...hitFacts.filter((fact) => !single?.facts.some((other) => other.id === fact.id))].slice(0, 40),
        metricLabels: Object.fromEntries(live.metrics.metrics.map((metric) => [metric.key, { zh: metric.zh, en: metric.en }])),
      };
      const answerer = this.options.answerer ?? composeExtractive;
      return answerer(input, { signal: options.signal, onToken: options.onToken });
    };
    // Set when a claim was asked for and none could be verified: the answer below then quotes
    // passages under a lead that says so, and claims nothing of its own.
    let unclaimed = false;
    // A policy question that states the asker's case is answered by the tier for that case.
    if (aboutRules && kind !== "comparison" && kind !== "superlative") {
      const tiered = frame.cases.length > 0 ? answerWithClaims(frame, retrieval.hits.slice(0, 8), claimContext, process.env.EXPLAIN_CLAIMS ? (line) => process.stderr.write(`tiers ${line}\n`) : undefined, { tiersOnly: true }) : undefined;
      if (tiered) return tiered;
    }
    // Two subjects each asked about ("A和B各…多少？哪个更多？") are answered side by side by the claim strategies.
    const sideBySide = frame.sides && (kind === "comparison" || kind === "superlative");
    // A list or superlative the reports state ("涉及哪6大产业", "which was the largest project signed there").
    const stated = frame.statement !== undefined && (kind === "superlative" || kind === "list" || kind === "entity");
    if (!aboutRules && !knownFigure && (kind === "yesno" || kind === "figure" || kind === "general" || kind === "entity" || sideBySide || stated)) {
      if (kind !== "entity" || frame.intent === "person" || stated) {
        const claimed = answerWithClaims(frame, withFactPassages(retrieval.hits, frame, live), claimContext, process.env.EXPLAIN_CLAIMS ? (line) => process.stderr.write(`${line}\n`) : undefined);
        // With a model configured the model writes the answer, as for every other question, and the
        // verified claim is what is shown when the model's answer cannot be trusted (its warnings kept).
        if (claimed && !claimed.refused && this.options.answerer && this.options.answerer !== composeExtractive) {
          const written = await compose();
          if (written.refused || written.mode === "extractive") return { ...claimed, warnings: [...claimed.warnings, ...written.warnings] };
          // The model's wording is kept only when it says what was verified (the same figures, the same yes or no).
          const differs = disagreement(written, claimed);
          return differs ? { ...claimed, warnings: [...claimed.warnings, ...written.warnings, `The model's answer was replaced by the verified one: ${differs}.`] } : written;
        }
        if (claimed) return claimed;
        // Who-questions without a titled name fall back to the names the passages give (withEntities).
        unclaimed = frame.intent === "figure" || frame.intent === "yesno";
      }
    }

    if (retrieval.hits.length === 0) {
      if (single) return attach(empty, single);
      const missing = retrieval.unknownPlaces.length > 0 ? retrieval.unknownPlaces : query.places;
      return refuse(describePlaces(query, missing, placeNames) || describeTopic(query));
    }
    const answerability = assessAnswerability(groups, retrieval.hits, { untranslated: query.untranslated.length, weights });
    if (!answerability.answerable) {
      if (single) return attach(empty, single);
      this.options.log.debug(`refusing "${standalone}": coverage ${answerability.coverage.toFixed(2)}`);
      return refuse(describeTopic(query));
    }

    // The question's rarest word decides what it is about (博士 in "新引进的博士有住房补贴吗"):
    // passages that match its common words but not that one do not answer it.
    // English questions reach Chinese through a glossary whose words may not be the corpus's: Chinese only.
    const decisive = query.language === "zh" ? decisiveGroup(query, live) : undefined;
    if (!single && decisive && !retrieval.hits.slice(0, 6).some((hit) => groupCoverage([decisive.alternatives], hit.chunk.indexText).score > 0)) {
      this.options.log.debug(`refusing "${standalone}": decisive word ${decisive.label} absent`);
      return refuse(describeTopic(query));
    }

    const answer = await compose();
    if (answer.refused || answer.mode !== "extractive") return answer;
    if (unclaimed) return quotedOnly(answer);
    if (single) return attach(answer, single, query.language === "en");
    if (kind === "comparison" && request.subjects.length >= 2) return withSides(answer, request.subjects, query.language, english);
    if (kind === "entity" && query.language === "zh") return withEntities(answer);
    return answer;
  }

  /** A comparison of two zones gets passages of each side, not only of the one that ranks first. */
  private async retrieve(query: AnalyzedQuery, perPlace: boolean, live: LiveIndex) {
    const { config } = this.options;
    if (!perPlace) return hybridSearch(live.search, live.articlePlaces, query, { topK: config.RETRIEVE_TOP_K });
    const each = await Promise.all(query.places.map((place) => hybridSearch(live.search, live.articlePlaces, { ...query, places: [place] }, { topK: Math.max(3, Math.ceil(config.RETRIEVE_TOP_K / query.places.length)) })));
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    for (let rank = 0; rank < config.RETRIEVE_TOP_K; rank++) {
      for (const result of each) {
        const hit = result.hits[rank];
        if (hit && !seen.has(hit.chunk.id)) {
          seen.add(hit.chunk.id);
          hits.push(hit);
        }
      }
    }
    return { hits, unknownPlaces: each.flatMap((result) => result.unknownPlaces), scope: each[0]?.scope ?? "none" };
  }
}

/** The curated term group rarest in the corpus, when it is rare enough to be what the question is about. */
function decisiveGroup(query: AnalyzedQuery, live: LiveIndex): AnalyzedQuery["groups"][number] | undefined {
  const bm25 = live.search.snapshot.bm25;
  const limit = Math.max(3, Math.floor(bm25.size * 0.02));
  let rarest: { group: AnalyzedQuery["groups"][number]; df: number } | undefined;
  for (const group of query.groups) {
    if (group.weight !== undefined || group.alternatives.every((term) => term.length < 2 || /^\d/.test(term))) continue;
    // Only words the index holds whole: a segmentation seam ("投产后前五年" → 后前) counts its parts' documents.
    const df = Math.max(0, ...group.alternatives.filter((term) => bm25.hasWord(term)).map((term) => bm25.documentFrequency(term)));
    // A word the corpus never uses is left to the coverage check (it may be phrased otherwise).
    if (df > 0 && (!rarest || df < rarest.df)) rarest = { group, df };
  }
  return rarest && rarest.df <= limit ? rarest.group : undefined;
}

/** A passage states a figure for the asked period: a fact of the asked metric (or an unfiled one) in that period. */
function periodInPassages(period: Period, hits: SearchHit[], metrics: string[], live: LiveIndex, subject?: Subject): boolean {
  return hits.slice(0, 8).some((hit) =>
    splitSentences(hit.chunk.text).some((sentence) =>
      live.facts
        .inSentence(sentence.text)
        .some(
          (fact) =>
            fact.period &&
            (samePeriod(fact.period, period) || withinPeriod(fact.period, period)) &&
            (fact.metric === "other" || metrics.includes(fact.metric)) &&
            // The city's figure does not answer for the zone (nor the other way round).
            !(subject?.level && fact.place === subject.place && fact.level !== subject.level),
        ),
    ),
  );
}

const policyTitle = /办法|措施|意见|通知|规定|政策|细则|条例|方案|若干|决定|指引|公告|制度/u;

/** A question about one event (a ceremony, a fair, a roadshow) wants that event's figures, not the period's total. */
const eventCue = /仪式|推介会|大会|博览会|丝博会|洽谈会|交流会|座谈会|会上|现场|活动|期间.{0,4}会|\b(?:ceremony|event|roadshow|fair|expo|forum|conference|summit|launch)\b/iu;
/** …and one about a subset ("亿元以上项目", "projects worth over RMB 200 million") wants the subset's figure. */
const scopeCue = /以上|以下|过亿|\b(?:over|above|more than|at least|exceeding)\s+(?:rmb|us\$|\$|¥)?\s*\d|-plus\b/iu;

/** Who a question asks about: each place, with the zone named (衡阳高新区) and the level asked (安康市 = the city). */
function subjectsOf(query: AnalyzedQuery, live: LiveIndex): Subject[] {
  const subjects: Subject[] = [];
  for (const place of query.places) {
    // "四川省级科技计划": the place qualifies a word; it is not who is asked about.
    if (query.places.length > 1 && new RegExp(`${place}(?:省|市|县)?级`).test(query.text) && !new RegExp(`${place}(?!(?:省|市|县)?级)`).test(query.text)) continue;
    let zone = query.zoneNames.find((name) => name.startsWith(place) && name !== place);
    let level: Subject["level"];
    if (query.language === "zh") {
      if (zone) level = "zone";
      else if (query.text.includes(`${place}市`)) level = "city";
      else if (query.text.includes(`${place}县`)) level = "county";
    } else {
      const name = live.lexicon.places.english(place);
      const after = new RegExp(`${escapeRegExp(name)}(?:'s)?\\s+(high[- ]?tech|hi-tech|economic|development|demonstration|industrial|new area|free trade|bonded|city|county)`, "i").exec(query.text)?.[1]?.toLowerCase();
      if (after === "city") level = "city";
      else if (after === "county") level = "county";
      else if (after) level = "zone";
      if (level === "zone") {
        // The zone of that place the facts know best (the English name does not say its Chinese kind).
        zone = live.facts.zones({ places: [place], level: "zone", includeParts: true })[0]?.zone;
      }
    }
    if (zone && live.facts.count({ zones: [zone], includeParts: true }, 1) === 0) zone = undefined;
    subjects.push({ place, zone, level });
  }
  return subjects;
}


/**
 * Passages quoted under a lead that claims nothing: the English lead the composer writes from a
 * sentence's figures would label them with words of our own, so it gives way to a plain note.
 */
function quotedOnly(answer: Answer): Answer {
  const lines = answer.answer.split("\n");
  if (answer.language === "en") {
    // The lead claims nothing: to channels and the question log this is no answer (refused), passages kept.
    const lead = "The reports do not state this figure directly; the closest passages are quoted below.";
    return { ...answer, answer: [lead, ...lines.slice(1)].join("\n"), abstained: true, refused: true };
  }
  // A Chinese extractive answer is quotes already (no lead of its own).
  return { ...answer, abstained: true };
}

/** A fact's figure is said of the asked subject, not of the province or another zone named before it. */
function factAboutSubject(fact: Fact, frame: Frame, context: EvidenceContext): boolean {
  const at = fact.sentence.indexOf(fact.raw);
  return subjectFit(fact.sentence.slice(0, Math.max(at, 0)), frame.subjects, context, frame.question) >= 0;
}

/** "今年以来到4月底…（2022年）": a relative period takes the year the question states elsewhere. */
function withQuestionYear(period: Period | undefined, question: string): Period | undefined {
  const years = extractYears(question);
  if (!period || period.yearless || years.length !== 1 || period.from.startsWith(years[0]!) || period.to.startsWith(years[0]!)) return period;
  if (period.from.slice(0, 4) !== period.to.slice(0, 4)) return period;
  const year = years[0]!;
  return { ...period, from: `${year}${period.from.slice(4)}`, to: `${year}${period.to.slice(4)}`, zh: period.zh.replace(/^\d{4}/u, year), en: period.en.replace(/\d{4}/u, year), ...(period.day ? { day: `${year}${period.day.slice(4)}` } : {}) };
}

/** The question read once for the claim strategies (answer/claims/frame.ts). */
function frameOf(question: string, kind: QuestionKind, query: AnalyzedQuery, period: Period | undefined, live: LiveIndex): Frame {
  // "河北省商务厅对全省开发区进行综合评价，承德双滦经济开发区排第几？": a province named beside a place
  // of its own is where the subject lies (or who ranks it), not a second subject.
  const places = query.places.filter((place) => findPlace(place)?.kind !== "省" || !query.places.some((other) => other !== place && findPlace(other)?.province === place));
  const scope = query.places.filter((place) => !places.includes(place));
  const subjects = places.map((place) => {
    const zoneName = query.zoneNames.find((name) => name.includes(place) && name !== place);
    // An English question names the kind right after the place ("Suzhou Industrial Park"), maybe after other zones' kinds.
    const english = query.language === "en" ? question.slice(Math.max(0, question.toLowerCase().indexOf(live.lexicon.places.english(place).toLowerCase()))).slice(0, 80) : "";
    return { place, zoneName, kind: zoneKindOf(zoneName ?? english) };
  });
  const names = subjects.map((subject) => [subject.zoneName ?? "", subject.place, query.language === "en" ? live.lexicon.places.english(subject.place) : ""]);
  const periodOf = (text: string) => withQuestionYear(questionPeriod(text, query.language), question);
  return readFrame({ question, language: query.language, kind, terms: query.groups, subjects, period: withQuestionYear(period, question), names, periodOf, scope });
}

function withoutCondition(groups: AnalyzedQuery["groups"], condition: Condition | undefined): AnalyzedQuery["groups"] {
  if (!condition) return groups;
  const text = condition.text.toLowerCase();
  return groups.filter((group) => !text.includes(group.label.toLowerCase()) && !group.alternatives.some((term) => text.includes(term)));
}

function evidenceContext(live: LiveIndex): EvidenceContext {
  const bm25 = live.search.snapshot.bm25;
  const places = live.lexicon.places;
  return {
    documentFrequency: (term) => bm25.documentFrequency(term),
    documents: bm25.size,
    zoneMentions: (text) => detectZones(text),
    placesIn: (text) => places.inChinese(text).places,
    factsIn: (sentence) => live.facts.inSentence(sentence),
  };
}

/**
 * The passages retrieval ranked, the rest of the best one's article, then those where the facts put
 * the subject's figures that share the question's words: a figure stated in a passage the search
 * ranked low is still found.
 */
const maxFactScan = 2000;

function withFactPassages(hits: SearchHit[], frame: Frame, live: LiveIndex, topK = 8, extra = 6): SearchHit[] {
  const ranked = hits.slice(0, topK);
  const seen = new Set(ranked.map((hit) => hit.chunk.id));
  // The rest of the best passage's article: a report states its figures over several passages.
  const top = ranked[0];
  if (top) {
    for (const chunk of live.search.chunks.ofArticle(top.chunk.articleId).slice(0, 12)) {
      if (seen.has(chunk.id)) continue;
      seen.add(chunk.id);
      ranked.push({ chunk, score: 0 });
    }
  }
  if (frame.subjects.length !== 1 || frame.terms.length === 0) return ranked;
  // A place with very many facts (a national corpus) is left to retrieval: reading them all per ask
  // would cost more than it finds.
  const query = { places: [frame.subjects[0]!.place], includeParts: true };
  if (live.facts.count(query, maxFactScan + 1) > maxFactScan) return ranked;
  const scored = new Map<string, number>();
  for (const fact of live.facts.candidates(query)) {
    if (seen.has(fact.chunkId)) continue;
    const shared = frame.terms.filter((group) => group.alternatives.some((term) => fact.sentence.includes(term))).length;
    if (shared >= Math.min(2, frame.terms.length)) scored.set(fact.chunkId, Math.max(scored.get(fact.chunkId) ?? 0, shared));
  }
  const added = [...scored.entries()].sort((a, b) => b[1] - a[1]).slice(0, extra);
  const chunks = added.map(([id]) => live.search.chunks.byId(id)).filter((chunk): chunk is NonNullable<typeof chunk> => chunk !== undefined);
  return [...ranked, ...chunks.map((chunk) => ({ chunk, score: 0 }))];
}

/** The names a who/which question asks for, before the sentence that names them. */
function withEntities(answer: Answer): Answer {
  const first = answer.answer.split("\n")[0] ?? "";
  let names = entitiesIn(first);
  let marker = /\[(\d+)\]/.exec(first)?.[0] ?? "";
  // An interview names its subject in the title ("——访…局长张世波"), not in the sentences.
  if (names.length === 0) {
    const titled = answer.citations.find((citation) => entitiesIn(citation.title).length > 0);
    if (titled) {
      names = entitiesIn(titled.title);
      marker = `[${titled.n}]`;
    }
  }
  if (names.length === 0) return answer;
  return { ...answer, answer: `${names.join("、")}${marker}。\n${answer.answer}` };
}

/** One line per side of a comparison that no single metric decides: each zone's best sentence. */
function withSides(answer: Answer, subjects: Subject[], language: Language, english: (place: string) => string): Answer {
  const lines = answer.answer.split("\n");
  const body = language === "en" ? lines.slice(1) : lines;
  const sides = subjects.map((subject) => {
    const citation = answer.citations.find((item) => item.zone.startsWith(subject.place) || item.zone === subject.zone);
    const name = language === "zh" ? subject.zone ?? subject.place : englishZoneName(subject.zone ?? subject.place, english, subject.place);
    return citation ? `${name} [${citation.n}]` : language === "zh" ? `${name}（资料中未找到相关内容）` : `${name} (nothing on this in the reports)`;
  });
  const lead = language === "zh" ? `${sides.join("；")}：各自的做法见下文引用。` : `${sides.join("; ")}: each side's measures are quoted below.`;
  return { ...answer, answer: [lead, ...body].join("\n") };
}

/**
 * A list is often announced in one passage and spelled out in the next ones; for list questions
 * the passages that follow the best hit in its article are offered to the composer as well.
 */
function withFollowingPassages(hits: SearchHit[], live: LiveIndex, count = 3): SearchHit[] {
  const top = hits[0];
  if (!top) return hits;
  const article = live.search.chunks.ofArticle(top.chunk.articleId);
  const seen = new Set(hits.map((hit) => hit.chunk.id));
  const following = article.filter((chunk) => chunk.ordinal > top.chunk.ordinal && !seen.has(chunk.id)).slice(0, count);
  return [...hits, ...following.map((chunk) => ({ chunk, score: 0 }))];
}

export function validateQuestion(question: unknown, maxChars: number): string {
  const text = typeof question === "string" ? question.trim() : "";
  if (text.length === 0) {
    throw new AppError("QUESTION_EMPTY", "The question is empty.", {
      hint: "Ask about a zone's policies, incentives or results, e.g. 长治高新区有哪些招商优惠政策？",
    });
  }
  if (text.length > maxChars) {
    throw new AppError("QUESTION_TOO_LONG", `The question is ${text.length} characters long; the limit is ${maxChars}.`, {
      hint: "Shorten the question to its essentials and ask again.",
      details: { length: text.length, limit: maxChars },
    });
  }
  return text;
}

function describePlaces(query: AnalyzedQuery, places: string[], names: Record<string, string>): string {
  if (places.length === 0) return "";
  if (query.language === "en") return [...new Set(places.map((place) => names[place] ?? place))].join(", ");
  const zoneNames = query.zoneNames.filter((zone) => places.some((place) => zone.includes(place)));
  return (zoneNames.length > 0 ? zoneNames : places).join("、");
}

function describeTopic(query: AnalyzedQuery): string {
  return topicOf(query.text, query.language);
}

