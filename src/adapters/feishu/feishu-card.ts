import { feedbackLabels, sourceViewerLink, splitLead } from "../../chat/chat-feedback.js";
import type { DeliveryReply } from "../../chat/delivery.js";
import { sourcesLabel, truncateToFit } from "../../chat/delivery.js";
import type { Answer, Language } from "../../core/types.js";

/**
 * Answer → Feishu/Lark interactive card (message card JSON 1.0). Pure, so the layout is tested
 * without Feishu: the lead in bold, the quoted evidence, the sources (linked to the web source
 * viewer when PUBLIC_URL is set) with a short quote each, and 👍/👎 buttons whose value comes back
 * in the card.action.trigger callback. A card's content may be 30 KB, so long parts are cut.
 */

export type FeishuCard = Record<string, unknown>;

/** What a feedback button carries back (kept short: it is echoed in every callback). */
export interface FeishuFeedbackValue {
  /** "up" | "down" */
  vote: string;
  conversationId: string;
  question: string;
  answerId?: string;
}

/** Characters (up to 3 bytes each in UTF-8): lead and evidence stay well inside the 30 KB card limit. */
const LEAD_LIMIT = 1500;
const TEXT_LIMIT = 4000;
const QUOTE_LIMIT = 160;

/** lark_md reads < > as tags (<at>, <font>) and * ~ as emphasis; Feishu's documented escapes are numeric entities. */
export function escapeLarkMd(text: string): string {
  return text.replace(/</g, "&#60;").replace(/>/g, "&#62;").replace(/\*/g, "&#42;").replace(/~/g, "&#126;");
}

export function renderAnswerCard(answer: Answer & { answerId?: string }, feedback: { conversationId: string; question: string }, publicUrl?: string): FeishuCard {
  const { lead, rest } = splitLead(answer.answer);
  const elements: Array<Record<string, unknown>> = [markdown(`**${escapeLarkMd(truncateToFit(lead, LEAD_LIMIT))}**`)];
  if (rest) elements.push(markdown(escapeLarkMd(truncateToFit(rest, TEXT_LIMIT))));
  if (answer.citations.length > 0) {
    elements.push({ tag: "hr" });
    const lines = answer.citations.slice(0, 10).map((citation) => {
      const title = escapeLarkMd(truncateToFit(citation.title || citation.source, 60)).replace(/[[\]]/g, "");
      const link = sourceViewerLink(publicUrl, citation);
      const place = [citation.zone, citation.date].filter((part) => part && part.length > 0).map((part) => escapeLarkMd(part!)).join(" · ");
      const quote = escapeLarkMd(truncateToFit(citation.quote.replace(/\s+/g, " "), QUOTE_LIMIT));
      return `[${citation.n}] ${link ? `[${title}](${link})` : title}${place ? ` · ${place}` : ""}\n“${quote}”`;
    });
    elements.push(markdown(`**${sourcesLabel(answer.language).replace(/[：:]$/, "")}**\n${lines.join("\n")}`));
  }
  elements.push(feedbackActions({ conversationId: feedback.conversationId, question: truncateToFit(feedback.question, 300), ...(answer.answerId ? { answerId: answer.answerId } : {}) }, answer.language));
  return { config: { wide_screen_mode: true }, elements };
}

export function renderNoticeCard(reply: Extract<DeliveryReply, { kind: "notice" }>): FeishuCard {
  return { config: { wide_screen_mode: true }, elements: [markdown(escapeLarkMd(reply.text))] };
}

/** Reads a clicked button's value; undefined when it is not one of ours. */
export function readFeedbackValue(value: unknown): FeishuFeedbackValue | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if ((record.vote !== "up" && record.vote !== "down") || typeof record.conversationId !== "string") return undefined;
  return {
    vote: record.vote,
    conversationId: record.conversationId,
    question: typeof record.question === "string" ? record.question : "",
    ...(typeof record.answerId === "string" ? { answerId: record.answerId } : {}),
  };
}

function markdown(content: string): Record<string, unknown> {
  return { tag: "div", text: { tag: "lark_md", content } };
}

function feedbackActions(value: Omit<FeishuFeedbackValue, "vote">, language: Language): Record<string, unknown> {
  const labels = feedbackLabels(language);
  return {
    tag: "action",
    actions: [
      { tag: "button", text: { tag: "plain_text", content: labels.up }, type: "default", value: { vote: "up", ...value } },
      { tag: "button", text: { tag: "plain_text", content: labels.down }, type: "default", value: { vote: "down", ...value } },
    ],
  };
}
