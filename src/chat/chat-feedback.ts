import type { Citation, Language } from "../core/types.js";
import type { ChatPlatform } from "../state/common.js";
import type { StateStore } from "../state/state-store.js";

/**
 * What every chat adapter's 👍/👎 button does, in one place: the vote goes onto the answer's
 * question-log row (as the web chat's POST /api/feedback does, so admins see it beside the
 * question) and into the feedback list.
 */
export interface ChatFeedback {
  platform: ChatPlatform;
  user: string;
  /** The question-log id the answer carried (absent when the answer was not logged). */
  answerId?: string;
  conversationId: string;
  /** The platform's id of the answer message. */
  messageId: string;
  value: "up" | "down";
  question?: string;
  at: number;
}

export async function recordChatFeedback(store: StateStore, feedback: ChatFeedback): Promise<void> {
  const logged = feedback.answerId ? await store.getQuestion(feedback.answerId) : undefined;
  if (logged) await store.setQuestionFeedback(logged.id, feedback.value);
  await store.recordFeedback({
    platform: feedback.platform,
    user: feedback.user,
    conversationId: feedback.conversationId,
    messageId: feedback.messageId,
    value: feedback.value,
    question: feedback.question ?? logged?.question,
    ...(logged ? { answer: logged.answer, snapshotVersion: logged.snapshotVersion } : {}),
    at: feedback.at,
  });
}

export function feedbackThanks(language: Language): string {
  return language === "zh" ? "感谢您的反馈！" : "Thanks for the feedback!";
}

export function feedbackLabels(language: Language): { up: string; down: string } {
  return language === "zh" ? { up: "👍 有帮助", down: "👎 没帮助" } : { up: "👍 Helpful", down: "👎 Not helpful" };
}

/**
 * A link that opens the cited passage in the web chat's source viewer (PUBLIC_URL/#source=…),
 * or undefined when the server has no public address configured.
 */
export function sourceViewerLink(publicUrl: string | undefined, citation: Pick<Citation, "chunkId" | "quote">): string | undefined {
  if (!publicUrl) return undefined;
  const base = publicUrl.replace(/\/+$/, "");
  const quote = citation.quote.length > 300 ? citation.quote.slice(0, 300) : citation.quote;
  return `${base}/#source=${encodeURIComponent(citation.chunkId)}&quote=${encodeURIComponent(quote)}`;
}

/** The answer's first paragraph (the direct answer) and the rest (quoted evidence). */
export function splitLead(text: string): { lead: string; rest: string } {
  const trimmed = text.trim();
  const at = trimmed.indexOf("\n\n");
  if (at < 0) return { lead: trimmed, rest: "" };
  return { lead: trimmed.slice(0, at).trim(), rest: trimmed.slice(at + 2).trim() };
}
