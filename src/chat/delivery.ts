import { raceAbort } from "../core/abort.js";
import { isAppError, type ErrorCode } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Answer, AnswerService, Language } from "../core/types.js";
import { detectLanguage } from "../core/language.js";
import { createRateLimiter, type RateLimiter } from "./rate-limit.js";
import type { ChatPlatform } from "../state/common.js";
import type { StateStore } from "../state/state-store.js";

export { measureUtf8Bytes, splitMessage, truncateToFit } from "./split-message.js";
export { renderPlainAnswer, renderPlainCitations, sourcesLabel } from "./render-plain.js";

/**
 * The delivery core shared by every chat adapter (Slack, WeChat, WeCom, Feishu, DingTalk). An adapter acknowledges
 * the platform at once, then hands the message here; this decides everything a platform must not:
 * de-duplication of platform retries, per-user rate limits, calling the AnswerService with a
 * deadline, and turning failures into a polite notice in the user's language (raw error text is
 * logged, never sent). The adapter only renders the reply (Block Kit, plain text, XML).
 */

interface IncomingChatMessage {
  platform: ChatPlatform;
  /**
   * The platform's id for this delivery, stable across retries (Slack event_id, WeChat MsgId).
   * Used for de-duplication, so a retried delivery never yields a second answer.
   */
  messageId: string;
  userId: string;
  /** One conversation per thread/chat, e.g. `slack:C123:1700000000.000100`. */
  conversationId: string;
  /** The question, already stripped of platform markup such as `<@BOT>` mentions. */
  text: string;
}

type NoticeReason = "rate-limited" | "empty" | "too-long" | "unavailable" | "failed";

export type DeliveryReply =
  | { kind: "answer"; answer: Answer; question: string; conversationId: string }
  | { kind: "notice"; reason: NoticeReason; text: string; language: Language };

type SendReply = (reply: DeliveryReply) => Promise<void>;

interface HandleOptions {
  /**
   * Runs once the message is accepted (not a duplicate, not rate-limited), in parallel with the
   * answering — e.g. post a "thinking…" placeholder. `send` is called only after it settles.
   */
  onAccepted?: () => Promise<unknown> | unknown;
  /** Partial answer text while an LLM streams. */
  onToken?: (token: string) => void;
}

type TicketStatus = "accepted" | "duplicate" | "rate-limited";

interface DeliveryTicket {
  /** Known before any answering starts, so an adapter can skip its placeholder for duplicates. */
  status: TicketStatus;
  /** Settles when the reply has been sent (or failed to send; failures are logged, never thrown). */
  done: Promise<void>;
}

export interface DeliveryCoreOptions {
  service: AnswerService;
  /** De-duplication and rate windows live here, so they hold across every replica sharing it. */
  store: StateStore;
  rateLimitPerMinute: number;
  log: Logger;
  now?: () => number;
  /** Give up on one answer after this long (default 60 s); the user gets an apology. */
  answerTimeoutMs?: number;
}

export interface DeliveryCore {
  /** Claims the message and takes a rate-limit slot (both in the shared store), then answers in the background. */
  handleIncoming(message: IncomingChatMessage, send: SendReply, options?: HandleOptions): Promise<DeliveryTicket>;
  /** Resolves when no message is being answered (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Number of messages being answered right now. */
  pending(): number;
  /** Aborts answers in flight (their users get an apology) and waits for them. */
  close(): Promise<void>;
}

export function createDeliveryCore(options: DeliveryCoreOptions): DeliveryCore {
  const { service, store, log } = options;
  const now = options.now ?? Date.now;
  // Used only while the store cannot be reached: a per-process window beats no limit at all.
  const fallbackLimiter: RateLimiter = createRateLimiter({ perMinute: options.rateLimitPerMinute, now });
  const timeoutMs = options.answerTimeoutMs ?? 60_000;
  const inFlight = new Set<Promise<void>>();
  const controllers = new Set<AbortController>();

  const track = (work: Promise<void>): Promise<void> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  };

  const safeSend = async (send: SendReply, reply: DeliveryReply, message: IncomingChatMessage) => {
    try {
      await send(reply);
    } catch (error) {
      log.error(`delivery: sending the ${reply.kind} to ${message.platform} user ${message.userId} failed`, error);
    }
  };

  const claim = async (message: IncomingChatMessage): Promise<boolean> => {
    try {
      return await store.claimDelivery(message.platform, message.messageId);
    } catch (error) {
      // Answering twice is better than never answering because the state store hiccuped.
      log.error("delivery: state store could not record the delivery; answering anyway", error);
      return true;
    }
  };

  const takeRate = async (key: string) => {
    try {
      return await store.takeRate(key, { limit: options.rateLimitPerMinute, windowMs: RATE_WINDOW_MS });
    } catch (error) {
      log.error("delivery: state store could not check the rate limit; using this process's own window", error);
      return fallbackLimiter.take(key);
    }
  };

  return {
    handleIncoming(message, send, handleOptions = {}) {
      const ticket = admit(message, send, handleOptions);
      // Tracked from the start, so idle() and close() also wait for messages still being admitted.
      track(ticket.then((admitted) => admitted.done).catch(() => undefined));
      return ticket;
    },

    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    pending: () => inFlight.size,

    async close() {
      for (const controller of controllers) controller.abort(new Error("shutting down"));
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };

  async function admit(message: IncomingChatMessage, send: SendReply, handleOptions: HandleOptions): Promise<DeliveryTicket> {
    if (!(await claim(message))) {
      log.debug(`delivery: duplicate ${message.platform} message ${message.messageId} ignored`);
      return { status: "duplicate", done: Promise.resolve() };
    }
    const language = detectLanguage(message.text);
    const decision = await takeRate(`${message.platform}:${message.userId}`);
    if (!decision.allowed) {
      log.info(`delivery: ${message.platform} user ${message.userId} is rate-limited`);
      const done = decision.firstRefusal
        ? track(safeSend(send, notice("rate-limited", language, Math.ceil(decision.retryAfterMs / 1000)), message))
        : Promise.resolve();
      return { status: "rate-limited", done };
    }
    const work = (async () => {
      const accepted = Promise.resolve()
        .then(() => handleOptions.onAccepted?.())
        .catch((error: unknown) => log.warn("delivery: the adapter's onAccepted step failed", error));
      const reply = await answer(message, language, handleOptions);
      await accepted;
      await safeSend(send, reply, message);
    })();
    return { status: "accepted", done: track(work) };
  }

  async function answer(message: IncomingChatMessage, language: Language, handleOptions: HandleOptions): Promise<DeliveryReply> {
    const question = message.text.trim();
    if (question.length === 0) return notice("empty", language);
    const controller = new AbortController();
    controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`answer timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const result = await raceAbort(
        service.ask(question, { conversationId: message.conversationId, signal: controller.signal, onToken: handleOptions.onToken }),
        controller.signal,
      );
      return { kind: "answer", answer: result, question, conversationId: message.conversationId };
    } catch (error) {
      const code: ErrorCode | undefined = isAppError(error) ? error.code : undefined;
      log.error(`delivery: answering ${message.platform} message ${message.messageId} failed${code ? ` (${code})` : ""}`, error);
      return notice(reasonFor(code), language);
    } finally {
      clearTimeout(timer);
      controllers.delete(controller);
    }
  }
}


/** The rate limit is per minute (RATE_LIMIT_PER_MINUTE). */
const RATE_WINDOW_MS = 60_000;

function reasonFor(code: ErrorCode | undefined): NoticeReason {
  switch (code) {
    case "QUESTION_EMPTY":
      return "empty";
    case "QUESTION_TOO_LONG":
      return "too-long";
    case "RATE_LIMITED":
      return "rate-limited";
    case "INDEX_MISSING":
    case "INDEX_CORRUPT":
    case "INDEX_BUILD_IN_PROGRESS":
    case "INDEX_DIMENSION_MISMATCH":
    case "INDEX_EMBEDDER_MISMATCH":
      return "unavailable";
    default:
      return "failed";
  }
}

const noticeTexts: Record<NoticeReason, Record<Language, (seconds?: number) => string>> = {
  "rate-limited": {
    zh: (seconds) => `您的提问有点频繁，请${seconds ? `约 ${seconds} 秒后` : "稍后"}再试。`,
    en: (seconds) => `You're asking faster than I can keep up with — please try again in ${seconds ? `about ${seconds} seconds` : "a moment"}.`,
  },
  empty: {
    zh: () => "请直接输入您的问题，例如：“长治高新区有哪些招商优惠政策？”",
    en: () => 'Please type your question, for example: "What investment incentives does the Changzhi High-tech Zone offer?"',
  },
  "too-long": {
    zh: () => "您的问题太长了，请精简后再问。",
    en: () => "Your question is too long — please shorten it and ask again.",
  },
  unavailable: {
    zh: () => "抱歉，知识库正在更新，暂时无法回答，请稍后再试。",
    en: () => "Sorry, the knowledge base is being updated and can't answer right now. Please try again shortly.",
  },
  failed: {
    zh: () => "抱歉，回答您的问题时出了点问题，请稍后再试。",
    en: () => "Sorry, something went wrong while answering your question. Please try again in a moment.",
  },
};

/** A polite notice in the user's language (exported so adapters word their own notices the same way). */
function notice(reason: NoticeReason, language: Language, retryAfterSeconds?: number): DeliveryReply {
  return { kind: "notice", reason, language, text: noticeTexts[reason][language](retryAfterSeconds) };
}
