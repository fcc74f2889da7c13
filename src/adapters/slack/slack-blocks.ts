import type { DeliveryReply } from "../../chat/delivery.js";
import { splitMessage, truncateToFit } from "../../chat/delivery.js";
import type { Answer, Citation, Language } from "../../core/types.js";

/**
 * Answer → Block Kit. Pure, so the Slack layout is tested without Slack. Limits that matter:
 * 3000 characters per section text, 10 elements per context block, 50 blocks per message,
 * 2000 characters per button value.
 */

export const FEEDBACK_UP_ACTION = "feedback_up";
export const FEEDBACK_DOWN_ACTION = "feedback_down";
export const SECTION_LIMIT = 3000;
const MAX_ANSWER_SECTIONS = 40;

type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  /** Notification and screen-reader fallback. */
  text: string;
  blocks: SlackBlock[];
}

/** What a feedback button carries back to us when clicked. */
export interface FeedbackValue {
  conversationId: string;
  question: string;
  /** The question-log id of the answer, when it was logged (ties the vote to the logged answer). */
  answerId?: string;
}

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack message text → the plain question: mentions removed, links reduced to their label. */
export function slackTextToQuestion(text: string): string {
  return text
    .replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, " ")
    .replace(/<(?:https?|mailto):[^|>]*\|([^>]*)>/g, "$1")
    .replace(/<((?:https?|mailto):[^>]*)>/g, "$1")
    .replace(/<[#!][^|>]*\|?([^>]*)>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

function formatSlackCitation(citation: Citation): string {
  const parts = [citation.title, citation.zone, citation.date].filter((part): part is string => Boolean(part && part.trim()));
  return `[${citation.n}] ${parts.join(" · ")}`;
}

export function thinkingText(language: Language): string {
  return language === "zh" ? "正在查找资料… :hourglass_flowing_sand:" : "Looking that up… :hourglass_flowing_sand:";
}

export function renderAnswerMessage(answer: Answer, feedback: FeedbackValue, heading?: string): SlackMessage {
  const blocks: SlackBlock[] = [];
  if (heading) blocks.push(section(truncateToFit(heading, SECTION_LIMIT)));
  const sections = splitMessage(escapeMrkdwn(answer.answer), SECTION_LIMIT);
  const shown = sections.slice(0, MAX_ANSWER_SECTIONS);
  if (sections.length > shown.length) shown[shown.length - 1] = truncateToFit(shown[shown.length - 1] + " …", SECTION_LIMIT);
  for (const text of shown) blocks.push(section(text));
  if (answer.citations.length > 0) {
    const label = answer.language === "zh" ? "*来源*" : "*Sources*";
    const lines = answer.citations.map((citation) => escapeMrkdwn(formatSlackCitation(citation)));
    // One context element per source, at most 10 per block: a long list becomes several blocks.
    for (let start = 0; start < lines.length; start += 9) {
      const chunk = lines.slice(start, start + 9).map((line) => ({ type: "mrkdwn", text: truncateToFit(line, 300) }));
      blocks.push({ type: "context", elements: start === 0 ? [{ type: "mrkdwn", text: label }, ...chunk] : chunk });
    }
  }
  blocks.push(feedbackActions(feedback, answer.language));
  return { text: truncateToFit(answer.answer, 3000), blocks };
}

export function renderNotice(reply: Extract<DeliveryReply, { kind: "notice" }>): SlackMessage {
  return { text: reply.text, blocks: [section(escapeMrkdwn(reply.text))] };
}

export function encodeFeedbackValue(value: FeedbackValue): string {
  const question = truncateToFit(value.question, 500);
  return JSON.stringify({ c: value.conversationId, q: question, ...(value.answerId ? { a: value.answerId } : {}) });
}

export function decodeFeedbackValue(raw: string | undefined): FeedbackValue | undefined {
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { c?: unknown; q?: unknown; a?: unknown };
    if (typeof parsed.c !== "string") return undefined;
    return { conversationId: parsed.c, question: typeof parsed.q === "string" ? parsed.q : "", ...(typeof parsed.a === "string" ? { answerId: parsed.a } : {}) };
  } catch {
    return undefined;
  }
}

function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function feedbackActions(feedback: FeedbackValue, language: Language): SlackBlock {
  const value = encodeFeedbackValue(feedback);
  return {
    type: "actions",
    block_id: "feedback",
    elements: [
      { type: "button", action_id: FEEDBACK_UP_ACTION, text: { type: "plain_text", text: language === "zh" ? "👍 有帮助" : "👍 Helpful", emoji: true }, value },
      { type: "button", action_id: FEEDBACK_DOWN_ACTION, text: { type: "plain_text", text: language === "zh" ? "👎 没帮助" : "👎 Not helpful", emoji: true }, value },
    ],
  };
}
