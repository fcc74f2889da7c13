import type { ChatPlatform } from "./common.js";

/** One answered question, for the admin question log (what was asked, what the corpus could not answer). */
export interface QuestionRecord {
  /** Answer id handed to the client, so feedback can point at it. */
  id: string;
  platform: ChatPlatform;
  conversationId?: string;
  /** Kept truncated (QUESTION_LOG_MAX_CHARS): the log is for review, not an archive. */
  question: string;
  answer: string;
  language: string;
  mode: string;
  refused: boolean;
  latencyMs: number;
  snapshotVersion: string;
  citations: number;
  feedback?: "up" | "down";
  /** What the user wrote with the feedback (the comment box under 👎). */
  feedbackComment?: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface QuestionFilter {
  limit: number;
  /** Rows to skip (paging), newest first. */
  offset?: number;
  refused?: boolean;
  feedback?: "up" | "down";
  /** Words the question or the answer contains (case-insensitive). */
  search?: string;
  /** Epoch ms bounds on the time asked, both inclusive. */
  from?: number;
  to?: number;
}

export interface FeedbackRecord {
  platform: ChatPlatform;
  user: string;
  conversationId: string;
  /** The platform message the feedback is about (e.g. Slack `ts` of the answer). */
  messageId: string;
  value: "up" | "down";
  question?: string;
  /** The answer the feedback is about, and the snapshot that produced it (web chat). */
  answer?: string;
  snapshotVersion?: string;
  /** What the user wrote with a 👎 (or 👍). */
  comment?: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * The question log with its feedback: written once per answer by the answer-service wrapper
 * (src/app/question-log.ts), read by the admin console, its feedback set by the web chat.
 * Asynchronous like the rest of the store; pruned by `prune` (QUESTION_LOG_DAYS).
 */
export interface QuestionLog {
  logQuestion(record: QuestionRecord): Promise<void>;
  getQuestion(id: string): Promise<QuestionRecord | undefined>;
  /** Newest first. */
  listQuestions(filter: QuestionFilter): Promise<QuestionRecord[]>;
  /** Sets the feedback (and the user's comment) on a logged answer; false when the id is unknown (or already pruned). */
  setQuestionFeedback(id: string, value: "up" | "down", comment?: string): Promise<boolean>;
}

/** 👍/👎 clicks from every platform, with what they were about. */
export interface FeedbackStore {
  recordFeedback(feedback: FeedbackRecord): Promise<void>;
  /** Feedback, newest first (for admins and tests). */
  listFeedback(limit: number): Promise<FeedbackRecord[]>;
}
