import * as lark from "@larksuiteoapi/node-sdk";
import { feedbackThanks, recordChatFeedback } from "../../chat/chat-feedback.js";
import type { DeliveryCore, DeliveryReply } from "../../chat/delivery.js";
import type { StateStore } from "../../state/state-store.js";
import type { Config } from "../../core/config.js";
import { AppError, isAppError } from "../../core/errors.js";
import { detectLanguage } from "../../core/language.js";
import type { Logger } from "../../core/logger.js";
import { keepRawBody, rawBodyOf, type HttpPlugin } from "../http/plugin.js";
import { readFeedbackValue, renderAnswerCard, renderNoticeCard, type FeishuCard } from "./feishu-card.js";
import { openFeishuCallback } from "./feishu-crypto.js";
import { cardActionEventSchema, domainOf, messageEventSchema, questionText, sdkLogger } from "./feishu-events.js";

/** Feishu's event and callback JSON, untyped by its SDK: read field by field where used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the platform's payloads are free-form JSON
type FeishuPayload = Record<string, any>;

/**
 * Feishu / Lark bot. Events arrive by the SDK's long connection (WSClient: no public address) or
 * at POST /feishu/events (verified and decrypted here); both feed the SDK's EventDispatcher, whose
 * handlers only translate: a message (private chat, or a group message that mentions the bot)
 * goes to the delivery core — de-duplicated by message id across workers and replicas — and the
 * reply goes back as an interactive card in the message's thread; a 👍/👎 click is recorded
 * through the shared feedback path.
 */

type FeishuConfig = Pick<
  Config,
  "FEISHU_APP_ID" | "FEISHU_APP_SECRET" | "FEISHU_ENCRYPT_KEY" | "FEISHU_VERIFICATION_TOKEN" | "FEISHU_CONNECTION" | "FEISHU_DOMAIN" | "PUBLIC_URL"
>;

export interface FeishuOptions {
  config: FeishuConfig;
  delivery: DeliveryCore;
  store: StateStore;
  log: Logger;
  now?: () => number;
  /** Replay window for signed callbacks (default 300 s; 0 disables). */
  maxSkewSeconds?: number;
}

export interface FeishuAdapter {
  /** POST /feishu/events in HTTP mode; none with the long connection. */
  /** POST /feishu/events; none over the long connection. */
  plugins: HttpPlugin[];
  /** The SDK's dispatcher both transports feed (tests drive the long-connection path through a local server). */
  dispatcher: lark.EventDispatcher;
  stop(): Promise<void>;
}

export function createFeishuAdapter(options: FeishuOptions): FeishuAdapter | undefined {
  const { config, delivery, log } = options;
  if (!config.FEISHU_APP_ID) return undefined;
  if (!config.FEISHU_APP_SECRET) throw missing("FEISHU_APP_SECRET");
  const http = config.FEISHU_CONNECTION === "http";
  if (http && !config.FEISHU_VERIFICATION_TOKEN && !config.FEISHU_ENCRYPT_KEY) throw missing("FEISHU_ENCRYPT_KEY (or FEISHU_VERIFICATION_TOKEN)");
  // The SDK's long connection refuses other ids with only a log line; say so at start instead.
  if (!http && !/^cli_[0-9a-fA-F]{16}$/.test(config.FEISHU_APP_ID)) {
    throw new AppError("CONFIG_INVALID", `FEISHU_APP_ID "${config.FEISHU_APP_ID}" is not a Feishu app id (cli_ followed by 16 hex digits).`, {
      hint: "Copy the App ID from the app's Credentials & Basic Info page (凭证与基础信息).",
    });
  }
  const now = options.now ?? Date.now;
  const logger = sdkLogger(log);
  const domain = domainOf(config.FEISHU_DOMAIN);
  const client = new lark.Client({ appId: config.FEISHU_APP_ID, appSecret: config.FEISHU_APP_SECRET, domain, logger, loggerLevel: lark.LoggerLevel.warn });
  // Only a mention of this bot counts in a group; asked once, again after a failure.
  let botOpenId: Promise<string | undefined> | undefined;
  const ownOpenId = () =>
    (botOpenId ??= client
      .request<{ bot?: { open_id?: string } }>({ method: "GET", url: "/open-apis/bot/v3/info" })
      .then((info) => info.bot?.open_id)
      .catch((error: unknown) => {
        botOpenId = undefined;
        log.warn("feishu: could not read the bot's own id; answering any mention", error);
        return undefined;
      }));
  // Asked now, so the first group message does not wait for it inside Feishu's 3-second window.
  void ownOpenId();

  const dispatcher = new lark.EventDispatcher({ logger, loggerLevel: lark.LoggerLevel.warn }).register({
    "im.message.receive_v1": async (data: unknown) => {
      const parsed = messageEventSchema.safeParse(data);
      if (!parsed.success) return log.warn("feishu: a message event was not understood");
      const event = parsed.data;
      const message = event.message;
      if (event.sender?.sender_type !== "user") return;
      const group = message.chat_type !== "p2p";
      if (group) {
        const mentioned = message.mentions ?? [];
        const own = await ownOpenId();
        if (!mentioned.some((mention) => own === undefined || mention.id?.open_id === own)) return;
      }
      const threadRoot = message.root_id || (group ? message.message_id : undefined);
      const conversationId = threadRoot ? `feishu:${message.chat_id}:${threadRoot}` : `feishu:${message.chat_id}`;
      const text = message.message_type === "text" ? questionText(message.content, message.mentions) : "";
      await delivery.handleIncoming(
        { platform: "feishu", messageId: message.message_id, userId: event.sender?.sender_id?.open_id ?? "unknown", conversationId, text },
        (reply) => send(message.message_id, Boolean(threadRoot), cardFor(reply)),
      );
    },
    "card.action.trigger": async (data: unknown) => {
      const parsed = cardActionEventSchema.safeParse(data);
      const event = parsed.success ? parsed.data : {};
      const value = readFeedbackValue(event.action?.value);
      if (!value) return {};
      await recordChatFeedback(options.store, {
        platform: "feishu",
        user: event.operator?.open_id ?? "unknown",
        answerId: value.answerId,
        conversationId: value.conversationId,
        messageId: event.context?.open_message_id ?? "unknown",
        value: value.vote === "up" ? "up" : "down",
        question: value.question,
        at: now(),
      });
      return { toast: { type: "success", content: feedbackThanks(detectLanguage(value.question)) } };
    },
  });

  const cardFor = (reply: DeliveryReply): FeishuCard =>
    reply.kind === "answer" ? renderAnswerCard(reply.answer, { conversationId: reply.conversationId, question: reply.question }, config.PUBLIC_URL) : renderNoticeCard(reply);

  async function send(messageId: string, inThread: boolean, card: FeishuCard): Promise<void> {
    const result = await client.im.message.reply({
      path: { message_id: messageId },
      data: { msg_type: "interactive", content: JSON.stringify(card), reply_in_thread: inThread },
    });
    if (result.code !== undefined && result.code !== 0) throw new Error(`Feishu refused the reply: ${result.code} ${result.msg ?? ""}`);
  }

  if (!http) {
    const socket = new lark.WSClient({
      appId: config.FEISHU_APP_ID,
      appSecret: config.FEISHU_APP_SECRET,
      domain,
      logger,
      loggerLevel: lark.LoggerLevel.warn,
      onError: (error) => log.error("feishu: the long connection gave up", error),
    });
    // Not awaited: an unreachable Feishu must not keep the server from starting; the SDK reconnects.
    socket.start({ eventDispatcher: dispatcher }).catch((error: unknown) => log.error("feishu: the long connection could not start", error));
    return { plugins: [], dispatcher, stop: async () => socket.close({ force: true }) };
  }

  const feishu: HttpPlugin = async function feishuEvents(scope) {
    // The signature covers the exact body bytes.
    keepRawBody(scope);
    // Public: every callback is verified (signature, encryption, token) on the raw body.
    scope.post("/feishu/events", { config: { access: "public" } }, async (request, reply) => {
      let payload: FeishuPayload;
      try {
        payload = openFeishuCallback(
          { encryptKey: config.FEISHU_ENCRYPT_KEY, verificationToken: config.FEISHU_VERIFICATION_TOKEN, nowMs: now(), maxSkewSeconds: options.maxSkewSeconds ?? 300 },
          rawBodyOf(request),
          request.headers,
        );
      } catch (error) {
        if (!isAppError(error) || error.code !== "UNAUTHORIZED") throw error;
        log.warn("feishu: a callback failed verification (signature, encryption or token)");
        return reply.code(401).type("text/plain; charset=utf-8").send("");
      }
      if (payload.type === "url_verification") return { challenge: payload.challenge };
      const result: unknown = await dispatcher.invoke(payload, { needCheck: false });
      return typeof result === "object" && result !== null ? result : {};
    });
  };
  return { plugins: [feishu], dispatcher, stop: async () => undefined };
}

function missing(variable: string): AppError {
  return new AppError("CONFIG_INVALID", `Feishu is enabled (FEISHU_APP_ID is set) but ${variable} is not set.`, {
    hint: "See the Feishu / Lark section of the README, or unset FEISHU_APP_ID to run without Feishu.",
  });
}
