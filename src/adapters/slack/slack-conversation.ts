import { detectLanguage } from "../../core/language.js";
import type { App } from "@slack/bolt";
import { truncateToFit, type DeliveryReply } from "../../chat/delivery.js";
import type { SlackRoutesOptions } from "./slack-adapter.js";
import { escapeMrkdwn, renderAnswerMessage, renderNotice, slackTextToQuestion, thinkingText } from "./slack-blocks.js";

type WebClient = App["client"];

export interface SlackQuestion {
  channel: string;
  ts: string;
  /** Reply in this thread; undefined for a top-level DM reply. */
  threadTs?: string;
  userId: string;
  conversationId: string;
  /** Raw Slack text (mentions and links still in Slack markup). */
  text: string;
}

/**
 * Mention or DM → one answer in place: a "looking that up…" placeholder at once, partial text
 * while an LLM streams (throttled), then chat.update with the final Block Kit answer.
 */
export function answerInSlack(options: SlackRoutesOptions, client: WebClient, question: SlackQuestion): void {
  const { log } = options;
  const now = options.now ?? Date.now;
  const streamUpdateMs = options.streamUpdateMs ?? 1500;
  const text = slackTextToQuestion(question.text);
  const thread = question.threadTs ? { thread_ts: question.threadTs } : {};
  let placeholderTs: string | undefined;
  let partial = "";
  let lastUpdate = 0;
  let finished = false;
  // Updates go out one after another, so a slow partial update can never land after the final answer.
  let updates: Promise<unknown> = Promise.resolve();

  const onToken = (token: string) => {
    partial += token;
    if (finished || !placeholderTs || now() - lastUpdate < streamUpdateMs) return;
    lastUpdate = now();
    const ts = placeholderTs;
    const shown = truncateToFit(escapeMrkdwn(partial), 2900) + " …";
    updates = updates
      .then(() => (finished ? undefined : client.chat.update({ channel: question.channel, ts, text: shown })))
      .catch((error: unknown) => log.warn("slack: a partial answer update failed", error));
  };

  const send = async (reply: DeliveryReply) => {
    finished = true;
    await updates;
    const message =
      reply.kind === "answer" ? renderAnswerMessage(reply.answer, { conversationId: reply.conversationId, question: reply.question }) : renderNotice(reply);
    if (placeholderTs) await client.chat.update({ channel: question.channel, ts: placeholderTs, ...message });
    else await client.chat.postMessage({ channel: question.channel, ...thread, ...message });
  };

  void options.delivery.handleIncoming(
    // Keyed by the message itself (not event_id): a retry carries the same message, and Slack can
    // deliver one message both as app_mention and message.im — both must yield one answer.
    { platform: "slack", messageId: `${question.channel}:${question.ts}`, userId: question.userId, conversationId: question.conversationId, text },
    send,
    {
      onAccepted: async () => {
        const posted = await client.chat.postMessage({ channel: question.channel, ...thread, text: thinkingText(detectLanguage(text)) });
        placeholderTs = posted.ts;
      },
      onToken,
    },
  );
}
