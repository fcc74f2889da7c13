import type { AuditEntry } from "./audit.js";
import type { FeedbackRecord } from "./question-log.js";

/** Row → record for the tables both SQL stores share the shape of. */

/** A feedback row of either store (PostgreSQL returns BIGINT times as strings). */
export function feedbackFromRow(row: {
  platform: string;
  user: string;
  conversation_id: string;
  message_id: string;
  value: FeedbackRecord["value"];
  question: string | null;
  answer: string | null;
  snapshot_version: string | null;
  comment?: string | null;
  at: number | string;
}): FeedbackRecord {
  return {
    platform: row.platform,
    user: row.user,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    value: row.value,
    ...(row.question === null ? {} : { question: row.question }),
    ...(row.answer === null ? {} : { answer: row.answer }),
    ...(row.snapshot_version === null ? {} : { snapshotVersion: row.snapshot_version }),
    ...(row.comment ? { comment: row.comment } : {}),
    at: Number(row.at),
  };
}

export function auditFromRow(row: { actor: string; action: string; detail: string; at: number | string; count?: number | null }): AuditEntry {
  return {
    actor: row.actor,
    action: row.action,
    detail: row.detail,
    at: Number(row.at),
    ...(row.count !== undefined && row.count !== null && Number(row.count) > 1 ? { count: Number(row.count) } : {}),
  };
}
