import type { Config } from "../core/config.js";
import { AppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { SearchHit, Answer, AnswerInput, AnswerService, Answerer, AskOptions, Language, QuestionRewriter, ServiceStatus } from "../core/types.js";
import { assessAnswerability } from "../answer/coverage.js";
import { composeExtractive } from "../answer/extractive.js";
import { refusal, topicOf } from "../answer/refusal.js";
import type { StateStore } from "../chat/state-store.js";
import { detectLanguage } from "../core/language.js";
import { analyzeQuery, type AnalyzedQuery } from "../retrieve/analyze-query.js";
import { hybridSearch } from "../retrieve/hybrid-search.js";
import { toSimplified } from "../retrieve/simplified-chinese.js";
import type { LiveIndex } from "./live-index.js";

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

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const { config, store } = this.options;
    const text = toSimplified(validateQuestion(question, config.MAX_QUESTION_CHARS));
    const live = this.live;
    const history = options.conversationId && store ? store.getTurns(options.conversationId) : [];
    const standalone = history.length > 0 ? await this.options.rewriter(text, history, { signal: options.signal }) : text;
    const query = this.analyze(standalone, text, live);
    // A follow-up that names no place inherits the places of the turn it follows.
    if (query.places.length === 0 && history.length > 0 && standalone !== text) {
      query.places = history[history.length - 1]!.places;
    }

    const answer = await this.answerQuery(query, text, standalone, history, live, options);
    answer.conversationId = options.conversationId;
    if (options.conversationId && store) {
      store.appendTurn(
        options.conversationId,
        { question: text, standaloneQuestion: standalone, answer: answer.answer, places: query.places, at: Date.now() },
        { maxTurns: config.CONVERSATION_MAX_TURNS, maxChars: config.CONVERSATION_MAX_CHARS },
      );
    }
    return answer;
  }

  private analyze(standalone: string, original: string, live: LiveIndex): AnalyzedQuery {
    const { lexicon } = live;
    const query = analyzeQuery(standalone, {
      glossary: lexicon.glossary,
      places: lexicon.places,
      segment: lexicon.segmenter,
      dictionary: lexicon.dictionary,
      documentFrequency: (term) => live.search.snapshot.bm25.documentFrequency(term),
    });
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
    const { config } = this.options;
    const { lexicon } = live;
    const retrieval = await hybridSearch(live.search, live.articlePlaces, query, { topK: config.RETRIEVE_TOP_K });
    // English names for the question's places and for the zones of the passages (for "Which zone …?").
    const hitPlaces = retrieval.hits.flatMap((hit) => lexicon.places.inChinese(hit.chunk.zones[0] ?? "").places);
    const placeNames = Object.fromEntries([...query.places, ...hitPlaces].map((place) => [place, lexicon.places.english(place)]));
    const refuse = (subject: string) => refusal(query.language, subject, standalone);

    if (retrieval.hits.length === 0) {
      const missing = retrieval.unknownPlaces.length > 0 ? retrieval.unknownPlaces : query.places;
      return refuse(describePlaces(query, missing, placeNames) || describeTopic(query));
    }
    const groups = query.groups.map((group) => group.alternatives);
    const weights = query.groups.map((group) => group.weight);
    const answerability = assessAnswerability(groups, retrieval.hits, { untranslated: query.untranslated.length, weights });
    if (!answerability.answerable) {
      this.options.log.debug(`refusing "${standalone}": coverage ${answerability.coverage.toFixed(2)}`);
      return refuse(describeTopic(query));
    }

    const hits = query.asksList ? withFollowingPassages(retrieval.hits, live) : retrieval.hits;
    const input: AnswerInput = {
      question,
      standaloneQuestion: standalone,
      language: query.language,
      places: query.places,
      terms: groups.flat(),
      termGroups: groups,
      termWeights: weights,
      asksFigure: query.asksFigure,
      placeNames,
      hits,
      history,
    };
    const answerer = this.options.answerer ?? composeExtractive;
    return answerer(input, { signal: options.signal, onToken: options.onToken });
  }
}

/**
 * A list is often announced in one passage and spelled out in the next ones; for list questions
 * the passages that follow the best hit in its article are offered to the composer as well.
 */
function withFollowingPassages(hits: SearchHit[], live: LiveIndex, count = 3): SearchHit[] {
  const top = hits[0];
  if (!top) return hits;
  const article = live.articleChunks.get(top.chunk.articleId) ?? [];
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

