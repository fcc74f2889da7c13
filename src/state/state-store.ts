import type { AuditLog } from "./audit.js";
import type { ConversationStore } from "./conversations.js";
import type { DeliveryClaims } from "./deliveries.js";
import type { JobStore } from "./jobs.js";
import type { FeedbackStore, QuestionLog } from "./question-log.js";
import type { RateWindows } from "./rates.js";
import type { SessionRevocations } from "./sessions.js";

/**
 * Durable state shared by every chat platform and every replica: conversation turns (for
 * follow-ups), 👍/👎 feedback, de-duplication of platform deliveries (Slack retries, WeChat
 * re-pushes), rate-limit windows, the question log, the admin audit log, re-index job state and
 * the build lock — one interface per role in this folder (conversations, deliveries, rates,
 * sessions, audit, jobs, question log), composed here; the factory is ./factory.ts. Asynchronous
 * because the shared store (PostgreSQL) is; the embedded stores (memory, SQLite) answer at once. Callers on the answer path treat a failing store as a
 * degraded service (log, answer anyway), never as a reason not to answer.
 */

/** Rows older than these times (epoch ms) are removed by `prune`. */
export interface RetentionCutoffs {
  conversationsBefore?: number;
  questionsBefore?: number;
  auditBefore?: number;
}

export interface PruneCounts {
  conversations: number;
  questions: number;
  audit: number;
}

export interface StateStore extends ConversationStore, FeedbackStore, QuestionLog, DeliveryClaims, RateWindows, SessionRevocations, AuditLog, JobStore {
  /** `memory`, `sqlite` or `postgres`, for logs and status. */
  readonly kind: string;
  /** Deletes conversations, questions and audit rows older than the cutoffs. */
  prune(cutoffs: RetentionCutoffs): Promise<PruneCounts>;
  close(): Promise<void>;
}
