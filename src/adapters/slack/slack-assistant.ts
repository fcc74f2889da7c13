import { Assistant, type App, type types } from "@slack/bolt";
import type { DeliveryReply } from "../../chat/delivery.js";
import { truncateToFit } from "../../chat/delivery.js";
import { detectLanguage } from "../../core/language.js";
import type { Logger } from "../../core/logger.js";
import type { SlackRoutesOptions } from "./slack-adapter.js";
import { renderAnswerMessage, renderNotice, slackTextToQuestion } from "./slack-blocks.js";

type WebClient = App["client"];

/**
 * Slack's assistant view (the split pane of "Agents & AI Apps"), with Bolt's Assistant class:
 * a started thread gets a greeting and prompts drawn from what the index covers; a question sets
 * the thread title and a status, and the answer is streamed (chat.startStream / appendStream /
 * stopStream through the Web API client's chatStream): LLM tokens as they come, an extractive
 * answer in one piece; the stream ends with the sources and the 👍/👎 buttons the channel bot
 * uses. The delivery core (de-duplication, rate limits, conversation memory) is the channel bot's.
 */

export const greeting =
  "您好！我可以回答关于中国高新区、开发区的招商政策、优惠措施和经济数据的问题，每个回答都附有来源。\n" +
  "Hi! Ask me about Chinese high-tech and development zones — incentives, policies, reported figures. Every answer cites its sources.";

const fallbackPrompts = [
  { title: "招商优惠政策", message: "长治高新区有哪些招商优惠政策？" },
  { title: "Incentives", message: "What investment incentives does Changzhi High-tech Zone offer?" },
];

/** Bolt's default context store reads and writes message metadata through extra API calls; the answer needs no channel context. */
const noContextStore = { get: async () => ({}), save: async () => undefined };

export function createSlackAssistant(options: SlackRoutesOptions): Assistant {
  const { log } = options;
  return new Assistant({
    threadContextStore: noContextStore,
    threadContextChanged: async () => undefined,
    threadStarted: async ({ event, client, setSuggestedPrompts }) => {
      const { channel_id: channel, thread_ts: threadTs } = event.assistant_thread;
      // A retried thread_started (any worker or replica) greets once.
      const first = await options.store.claimDelivery("slack", `assistant-thread:${channel}:${threadTs}`).catch(() => true);
      if (!first) return;
      await client.chat.postMessage({ channel, thread_ts: threadTs, text: greeting });
      const suggested = await (options.suggestedPrompts?.() ?? Promise.resolve([])).catch((error: unknown) => {
        log.warn("slack: could not build suggested prompts", error);
        return [];
      });
      await setSuggestedPrompts({ title: "试试这些问题 · Try asking", prompts: suggested.length > 0 ? suggested : fallbackPrompts });
    },
    userMessage: async ({ message, client, context, setStatus, setTitle }) => {
      const incoming = message as { subtype?: string; bot_id?: string; user?: string; text?: string; ts: string; thread_ts?: string; channel: string; team?: string };
      if (incoming.subtype || incoming.bot_id || !incoming.user || !incoming.thread_ts) return;
      const text = slackTextToQuestion(incoming.text ?? "");
      const language = detectLanguage(text);
      const stream = answerStream(
        client,
        {
        channel: incoming.channel,
        thread_ts: incoming.thread_ts,
        recipient_user_id: incoming.user,
          recipient_team_id: context.teamId ?? incoming.team ?? context.enterpriseId ?? "",
        },
        log,
      );
      void options.delivery.handleIncoming(
        // The same key as the DM listener: one message never gets two answers.
        { platform: "slack", messageId: `${incoming.channel}:${incoming.ts}`, userId: incoming.user, conversationId: `slack:${incoming.channel}:${incoming.thread_ts}`, text },
        (reply) => stream.finish(reply),
        {
          onAccepted: async () => {
            await Promise.all([setTitle(truncateToFit(text || "…", 100)), setStatus(language === "zh" ? "正在查找资料…" : "is looking that up…")]);
          },
          onToken: (token) => stream.append(token),
        },
      );
    },
  });
}

interface StreamTarget {
  channel: string;
  thread_ts: string;
  recipient_user_id: string;
  recipient_team_id: string;
}

/** One answer message built by Slack's streaming methods; appends run one after another. */
function answerStream(client: WebClient, target: StreamTarget, log: Logger) {
  const streamer = client.chatStream({ ...target, buffer_size: 200 });
  let streamed = "";
  let queue: Promise<unknown> = Promise.resolve();
  let finished = false;
  return {
    append(token: string) {
      if (finished) return;
      streamed += token;
      queue = queue.then(() => streamer.append({ markdown_text: token })).catch(() => undefined);
    },
    async finish(reply: DeliveryReply) {
      finished = true;
      await queue;
      const message =
        reply.kind === "answer"
          ? renderAnswerMessage(reply.answer, { conversationId: reply.conversationId, question: reply.question, answerId: (reply.answer as { answerId?: string }).answerId })
          : renderNotice(reply);
      const body = reply.kind === "answer" ? reply.answer.answer : reply.text;
      // Sources and feedback buttons close the stream; the streamed text is the answer itself.
      const tail = message.blocks.filter((block) => block.type !== "section") as unknown as types.KnownBlock[];
      try {
        if (streamed === "") {
          await streamer.stop({ markdown_text: body, ...(tail.length > 0 ? { blocks: tail } : {}) });
          return;
        }
        const stopped = await streamer.stop(tail.length > 0 ? { blocks: tail } : {});
        // The checked answer differs from the draft the model streamed: the message shows the checked one.
        if (streamed.trim() !== body.trim() && stopped.ts) await client.chat.update({ channel: target.channel, ts: stopped.ts, ...message });
      } catch (error) {
        // Streaming refused (a workspace or token without it): the answer still arrives, as one message.
        log.warn("slack: streaming the answer failed; posting it as one message", error);
        if (streamer.ts) await client.chat.update({ channel: target.channel, ts: streamer.ts, ...message });
        else await client.chat.postMessage({ channel: target.channel, thread_ts: target.thread_ts, ...message });
      }
    },
  };
}
