import { detectLanguage } from "../../core/language.js";
import { App, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from "@slack/bolt";
import { type DeliveryCore } from "../../chat/delivery.js";
import type { StateStore } from "../../state/state-store.js";
import type { Config } from "../../core/config.js";
import { AppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { AnswerService } from "../../core/types.js";
import type { HttpPlugin } from "../http/plugin.js";
import { decodeFeedbackValue, FEEDBACK_DOWN_ACTION, FEEDBACK_UP_ACTION } from "./slack-blocks.js";
import { recordChatFeedback } from "../../chat/chat-feedback.js";
import type { SuggestedPrompt } from "../../app/suggested-prompts.js";
import { createSlackAssistant } from "./slack-assistant.js";
import { answerInSlack } from "./slack-conversation.js";
import { registerSlashCommand } from "./slack-command.js";
import { SlackRouteReceiver } from "./slack-receiver.js";

/**
 * Slack adapter: translates mentions, DMs, /zone and button clicks into delivery-core calls and
 * Answers into Block Kit. Decides nothing itself — de-duplication, rate limits and failure
 * wording live in the delivery core.
 */
/** A started re-index: its description now, and its outcome when the job ends. */
interface ReindexTicket {
  started: string;
  finished: Promise<string>;
}

export interface SlackRoutesOptions {
  config: Pick<Config, "SLACK_SIGNING_SECRET" | "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN" | "SLACK_ADMIN_USERS" | "SLACK_API_URL"> & Partial<Pick<Config, "SLACK_ASSISTANT">>;
  delivery: DeliveryCore;
  service: AnswerService;
  store: StateStore;
  log: Logger;
  /** Starts a re-index for an admin; returns a description of the job for the reply. */
  onReindex?: (userId: string) => Promise<ReindexTicket>;
  now?: () => number;
  /** Prompts the assistant view suggests when a thread starts (from what the index covers). */
  suggestedPrompts?: () => Promise<SuggestedPrompt[]>;
  /** Least time between partial-answer updates while an LLM streams (default 1500 ms; Slack allows about one chat.update per second). */
  streamUpdateMs?: number;
}

export interface SlackRoutes {
  /** POST /slack/events; none in Socket Mode. */
  plugins: HttpPlugin[];
  app: App;
  /** Waits for Slack requests being processed (HTTP) or disconnects (Socket Mode). */
  stop(): Promise<void>;
}

export async function createSlackRoutes(options: SlackRoutesOptions): Promise<SlackRoutes> {
  const { config, log } = options;
  if (!config.SLACK_BOT_TOKEN) throw missing("SLACK_BOT_TOKEN");
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !config.SLACK_SIGNING_SECRET) throw missing("SLACK_SIGNING_SECRET");
  const receiver = socketMode ? undefined : new SlackRouteReceiver({ signingSecret: config.SLACK_SIGNING_SECRET!, log, now: options.now });
  const botToken = config.SLACK_BOT_TOKEN;
  // Bolt's token mode either calls auth.test in the constructor (a wrong token becomes an unhandled
  // rejection) or before every event (latency inside Slack's 3 s). Ask once, lazily, and retry after a failure.
  let identity: Promise<{ botUserId?: string; botId?: string; teamId?: string }> | undefined;
  const authorize = async () => {
    identity ??= app.client.auth.test({ token: botToken }).then(
      (result) => ({ botUserId: result.user_id, botId: result.bot_id, teamId: result.team_id }),
      (error: unknown) => {
        identity = undefined;
        throw error;
      },
    );
    return { botToken, ...(await identity) };
  };
  const clientOptions = { slackApiUrl: withTrailingSlash(config.SLACK_API_URL), retryConfig: { retries: 2, maxTimeout: 2000 } };
  const logger = boltLogger(log);
  const app: App = new App({
    authorize,
    ...(receiver
      ? { receiver }
      : {
          socketMode: true,
          // Built here rather than by Bolt so apps.connections.open also honours SLACK_API_URL.
          receiver: new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN!, logger, installerOptions: { clientOptions } }),
        }),
    logger,
    clientOptions,
  });
  app.error(async (error) => log.error("slack: a listener failed", error));
  // Before the message listener: threaded DMs belong to the assistant view when it is on.
  if (config.SLACK_ASSISTANT !== false) app.assistant(createSlackAssistant(options));

  app.event("app_mention", async ({ event, client }) => {
    if (event.bot_id || event.subtype) return;
    const threadTs = event.thread_ts ?? event.ts;
    answerInSlack(options, client, {
      channel: event.channel,
      ts: event.ts,
      threadTs,
      userId: event.user ?? "unknown",
      conversationId: `slack:${event.channel}:${threadTs}`,
      text: event.text,
    });
  });

  app.event("message", async ({ event, client }) => {
    const message = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; ts: string; thread_ts?: string; channel: string };
    if (message.channel_type !== "im" || message.subtype || message.bot_id || !message.user) return;
    answerInSlack(options, client, {
      channel: message.channel,
      ts: message.ts,
      threadTs: message.thread_ts,
      userId: message.user,
      // A DM is one ongoing conversation; a thread inside the DM is its own.
      conversationId: message.thread_ts ? `slack:${message.channel}:${message.thread_ts}` : `slack:${message.channel}`,
      text: message.text ?? "",
    });
  });

  app.action(new RegExp(`^(${FEEDBACK_UP_ACTION}|${FEEDBACK_DOWN_ACTION})$`), async ({ ack, body, action, respond }) => {
    await ack();
    const clicked = action as { action_id: string; value?: string };
    const message = body as { user: { id: string }; message?: { ts: string }; container?: { message_ts?: string } };
    const value = decodeFeedbackValue(clicked.value);
    const up = clicked.action_id === FEEDBACK_UP_ACTION;
    await recordChatFeedback(options.store, {
      platform: "slack",
      user: message.user.id,
      answerId: value?.answerId,
      conversationId: value?.conversationId ?? "unknown",
      messageId: message.message?.ts ?? message.container?.message_ts ?? "unknown",
      value: up ? "up" : "down",
      question: value?.question || undefined,
      at: (options.now ?? Date.now)(),
    });
    const language = detectLanguage(value?.question ?? "");
    const thanks = language === "zh" ? "感谢您的反馈！" : "Thanks for the feedback!";
    await respond({ response_type: "ephemeral", replace_original: false, text: thanks }).catch((error: unknown) => log.warn("slack: could not thank for feedback", error));
  });

  registerSlashCommand(app, options);

  // Not awaited: the Socket Mode client retries a failed connection forever, and an unreachable
  // Slack must not keep the HTTP API and the other chat platforms from starting.
  if (socketMode) app.start().catch((error: unknown) => log.error("slack: Socket Mode could not connect", error));
  return {
    plugins: receiver ? [receiver.plugin()] : [],
    app,
    stop: async () => {
      if (receiver) await receiver.idle();
      else await app.stop();
    },
  };
}

function missing(variable: string): AppError {
  return new AppError("CONFIG_INVALID", `Slack is enabled but ${variable} is not set.`, {
    hint: `Set ${variable} (see the Slack section of the README), or unset the Slack variables to run without Slack.`,
  });
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((part) => (typeof part === "string" ? part : part instanceof Error ? part.message : JSON.stringify(part))).join(" ");
  return {
    debug: (...parts) => log.debug(`slack: ${text(parts)}`),
    info: (...parts) => log.info(`slack: ${text(parts)}`),
    warn: (...parts) => log.warn(`slack: ${text(parts)}`),
    error: (...parts) => log.error(`slack: ${text(parts)}`),
    setLevel: (next) => void (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}
