import { randomUUID } from "node:crypto";
import type { QuestionLog } from "../state/question-log.js";
import type { Logger } from "../core/logger.js";
import type { Answer, AnswerService, AskOptions, ServiceStatus } from "../core/types.js";

/**
 * Wraps the AnswerService every adapter uses so each answered question is written once: to the
 * question log (admin review, the corpus's gaps, feedback), to the server log as one line, and to
 * the metrics. The platform is the conversation id's namespace (`slack:…`, `web:…`).
 */

const QUESTION_LOG_MAX_CHARS = 500;
/** Questions in the server log are cut shorter: enough to recognise, not to reproduce. */
const LOG_LINE_QUESTION_CHARS = 80;

interface AnsweredSample {
  platform: string;
  mode: string;
  language: string;
  refused: boolean;
  llmFallback: boolean;
  seconds: number;
}

export interface QuestionLogOptions {
  service: AnswerService;
  store: QuestionLog;
  log: Logger;
  onAnswered?: (sample: AnsweredSample) => void;
  now?: () => number;
}

type LoggedAnswer = Answer & { answerId: string; snapshotVersion: string };

export interface LoggingAnswerService extends AnswerService {
  ask(question: string, options?: AskOptions): Promise<LoggedAnswer>;
}

function platformOf(conversationId: string | undefined, fallback = "http"): string {
  const match = conversationId ? /^([a-z]+):/.exec(conversationId) : null;
  return match ? match[1]! : fallback;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function withQuestionLog(options: QuestionLogOptions): LoggingAnswerService {
  const { service, store, log } = options;
  const now = options.now ?? Date.now;
  return {
    status: (): ServiceStatus => service.status(),
    ...(service.source ? { source: service.source.bind(service) } : {}),
    ...(service.original ? { original: service.original.bind(service) } : {}),
    ...(service.suggestions ? { suggestions: service.suggestions.bind(service) } : {}),
    async ask(question, askOptions = {}) {
      const snapshotVersion = service.status().indexVersion;
      const started = performance.now();
      const answer = await service.ask(question, askOptions);
      const latencyMs = performance.now() - started;
      const platform = askOptions.platform ?? platformOf(askOptions.conversationId);
      const answerId = randomUUID();
      const llmFallback = answer.warnings.some((warning) => warning.startsWith("LLM answer not used"));
      // Written before the answer goes out (feedback on it may follow at once); a failing store is
      // logged and the answer sent anyway.
      await store
        .logQuestion({
          id: answerId,
          platform,
          ...(askOptions.conversationId ? { conversationId: askOptions.conversationId } : {}),
          question: cut(question.trim(), QUESTION_LOG_MAX_CHARS),
          answer: answer.answer,
          language: answer.language,
          mode: answer.mode,
          refused: answer.refused,
          latencyMs,
          snapshotVersion,
          citations: answer.citations.length,
          at: now(),
        })
        .catch((error: unknown) => log.warn("state store: could not write the question log entry", error));
      log.info("answered", {
        event: "answer",
        answerId,
        platform,
        language: answer.language,
        mode: answer.mode,
        refused: answer.refused,
        citations: answer.citations.length,
        latencyMs: Math.round(latencyMs * 10) / 10,
        snapshot: snapshotVersion,
        question: cut(question.trim(), LOG_LINE_QUESTION_CHARS),
      });
      options.onAnswered?.({ platform, mode: answer.mode, language: answer.language, refused: answer.refused, llmFallback, seconds: latencyMs / 1000 });
      return { ...answer, answerId, snapshotVersion };
    },
  };
}
