import { detectLanguage } from "../../core/language.js";
import { isAppError } from "../../core/errors.js";
import type { App } from "@slack/bolt";
import { type DeliveryReply } from "../../chat/delivery.js";
import type { Language } from "../../core/types.js";
import { escapeMrkdwn, renderAnswerMessage, renderNotice, slackTextToQuestion, thinkingText } from "./slack-blocks.js";
import type { SlackRoutesOptions } from "./slack-adapter.js";

/**
 * `/zone ask <question>`, `/zone help`, `/zone status`, `/zone reindex` (admins only). Replies go
 * through the command's response_url, which works in every channel and DM without the bot
 * having been invited.
 */
export function registerSlashCommand(app: App, options: SlackRoutesOptions): void {
  app.command("/zone", async ({ command, ack, respond }) => {
    const text = slackTextToQuestion(command.text ?? "");
    const [first = "", ...rest] = text.split(" ");
    const subcommand = first.toLowerCase();
    const language = detectLanguage(text);

    if (subcommand === "" || subcommand === "help") {
      await ack({ response_type: "ephemeral", text: helpText(language) });
      return;
    }
    if (subcommand === "status") {
      await ack({ response_type: "ephemeral", text: statusText(options) });
      return;
    }
    if (subcommand === "reindex") {
      await reindex(options, command.user_id, command.trigger_id, ack, respond);
      return;
    }
    // `/zone <question>` without "ask" is read as a question: friendlier than an error.
    const question = subcommand === "ask" ? rest.join(" ") : text;
    const questionLanguage = detectLanguage(question);
    await ack({ response_type: "ephemeral", text: thinkingText(questionLanguage) });
    const send = async (reply: DeliveryReply) => {
      if (reply.kind === "notice") {
        await respond({ response_type: "ephemeral", ...renderNotice(reply) });
        return;
      }
      // Others in the channel cannot see the slash command, so the answer repeats the question.
      const heading = `<@${command.user_id}> ${questionLanguage === "zh" ? "问" : "asked"}: _${escapeMrkdwn(question)}_`;
      const message = renderAnswerMessage(reply.answer, { conversationId: reply.conversationId, question: reply.question }, heading);
      await respond({ response_type: "in_channel", ...message });
    };
    void options.delivery.handleIncoming(
      {
        platform: "slack",
        // Slash commands are not retried by Slack; trigger_id is unique per invocation.
        messageId: `command:${command.trigger_id}`,
        userId: command.user_id,
        // Successive /zone questions by one user in one channel form a conversation.
        conversationId: `slack:${command.channel_id}:command:${command.user_id}`,
        text: question,
      },
      send,
    );
  });
}

type Ack = (response?: { response_type: "ephemeral"; text: string }) => Promise<void>;
type Respond = (message: { response_type: "ephemeral"; text: string }) => Promise<unknown>;

async function reindex(options: SlackRoutesOptions, userId: string, triggerId: string, ack: Ack, respond: Respond): Promise<void> {
  const now = options.now ?? Date.now;
  const audit = (action: string, detail: string) =>
    options.store.audit({ actor: `slack:${userId}`, action, detail, at: now() }).catch((error: unknown) => options.log.warn(`slack: cannot write the audit entry ${action}`, error));
  if (!options.config.SLACK_ADMIN_USERS.includes(userId)) {
    await audit("reindex.refused", "not in SLACK_ADMIN_USERS");
    await ack({ response_type: "ephemeral", text: "Sorry, only administrators can rebuild the index. 抱歉，只有管理员可以重建索引。" });
    return;
  }
  if (!options.onReindex) {
    await ack({ response_type: "ephemeral", text: "Re-indexing from Slack is not enabled on this server; run `npm run index` on the server instead." });
    return;
  }
  // A replayed request (same trigger_id, on this replica or another) must not start a second build.
  if (!(await claimTrigger(options, triggerId))) {
    await ack({ response_type: "ephemeral", text: "This re-index request was already received; `/zone status` shows the index. 该重建请求已收到。" });
    return;
  }
  await ack({ response_type: "ephemeral", text: "Starting a re-index… 正在重建索引…" });
  try {
    const job = await options.onReindex(userId);
    await audit("reindex", job.started);
    await respond({ response_type: "ephemeral", text: `Re-index started: ${job.started}` });
    // The outcome (live, refused by the quality gate, failed) is posted back when the job ends,
    // without holding this listener open for the whole build (shutdown waits for listeners).
    void job.finished
      .then((outcome) => respond({ response_type: "ephemeral", text: `Re-index finished: ${outcome}` }))
      .catch((error: unknown) => options.log.warn("slack: could not post the re-index outcome", error));
  } catch (error) {
    options.log.error("slack: re-index request failed", error);
    await audit("reindex.failed", error instanceof Error ? error.message : String(error));
    // Admin-facing errors such as "a re-index is already running" are safe and useful to show.
    const known = isAppError(error) && error.status < 500 ? ` ${error.fullMessage}` : " The server log has the details.";
    await respond({ response_type: "ephemeral", text: `The re-index could not be started.${known}` });
  }
}

/** True the first time a slash-command trigger_id is seen by any replica sharing the state store. */
async function claimTrigger(options: SlackRoutesOptions, triggerId: string): Promise<boolean> {
  try {
    return await options.store.claimDelivery("slack", `reindex:${triggerId}`);
  } catch (error) {
    // A re-index is an explicit admin action: start it rather than refuse it when the store is down.
    options.log.warn("slack: cannot record the re-index trigger_id; starting without de-duplication", error);
    return true;
  }
}

function helpText(language: Language): string {
  if (language === "zh") {
    return [
      "*开发区政策助手* — 根据新闻报道和政策文件回答关于高新区、开发区的问题，并注明来源。",
      "• `/zone ask 长治高新区有哪些招商优惠政策？`",
      "• 在频道里 @我 提问，在同一话题（thread）里继续追问",
      "• `/zone status` 查看索引状态",
    ].join("\n");
  }
  return [
    "*Zone policy assistant* — answers questions about Chinese high-tech and development zones from news reports and policy texts, with sources.",
    "• `/zone ask What incentives does the Changzhi High-tech Zone offer?`",
    "• Mention me in a channel and ask follow-ups in the same thread, or send me a direct message",
    "• `/zone status` shows the index version; admins can run `/zone reindex`",
  ].join("\n");
}

function statusText(options: SlackRoutesOptions): string {
  const status = options.service.status();
  return [
    `*Index* ${status.indexVersion} — ${status.chunks} chunks from ${status.articles} articles in ${status.files} files, built ${status.builtAt}`,
    `*Embedder* ${status.embedder} · *LLM* ${status.llm}`,
  ].join("\n");
}
