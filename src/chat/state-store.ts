import type { Config } from "../core/config.js";
import { AppError } from "../core/errors.js";
import type { Turn } from "../core/types.js";

/**
 * Durable chat state shared by every chat platform: conversation turns (for follow-ups),
 * 👍/👎 feedback, de-duplication of platform deliveries (Slack retries, WeChat re-pushes) and an
 * admin audit log. The interface is synchronous because the default store (better-sqlite3) is;
 * callers in the delivery core never hold it across an await.
 */

export type ChatPlatform = "slack" | "wechat" | "wecom" | "http" | "cli" | (string & {});

export interface ConversationLimits {
  /** Keep at most this many most-recent turns. */
  maxTurns: number;
  /** Keep the most-recent turns whose question+answer fit in this many characters (the newest turn is always kept). */
  maxChars: number;
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
  /** Epoch milliseconds. */
  at: number;
}

export interface AuditEntry {
  /** Who did it, e.g. `slack:U123` or `admin-api`. */
  actor: string;
  /** What, e.g. `reindex`, `reindex.refused`. */
  action: string;
  detail: string;
  /** Epoch milliseconds. */
  at: number;
}

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
  /** Epoch milliseconds. */
  at: number;
}

export interface QuestionFilter {
  limit: number;
  refused?: boolean;
  feedback?: "up" | "down";
}

/**
 * The question log with its feedback, kept apart from the chat state so another store
 * (PostgreSQL) can implement it on its own: four methods, no transactions across them.
 */
export interface QuestionLog {
  logQuestion(record: QuestionRecord): void;
  getQuestion(id: string): QuestionRecord | undefined;
  /** Newest first. */
  listQuestions(filter: QuestionFilter): QuestionRecord[];
  /** Sets the feedback on a logged answer; false when the id is unknown (or already pruned). */
  setQuestionFeedback(id: string, value: "up" | "down"): boolean;
  /** Deletes records older than `before` (epoch ms); returns how many. */
  pruneQuestions(before: number): number;
}

export interface StateStore extends QuestionLog {
  /** Turns of a conversation, oldest first; empty for an unknown conversation. */
  getTurns(conversationId: string): Turn[];
  /** Appends a turn and trims the conversation to `limits` in the same step. */
  appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): void;
  recordFeedback(feedback: FeedbackRecord): void;
  /** Feedback, newest first (for admins and tests). */
  listFeedback(limit: number): FeedbackRecord[];
  /**
   * True the first time a (platform, messageId) pair is claimed, false for every later claim —
   * atomically, so two concurrent retries cannot both answer.
   */
  claimDelivery(platform: ChatPlatform, messageId: string): boolean;
  audit(entry: AuditEntry): void;
  /** Audit entries, newest first. */
  listAudit(limit: number): AuditEntry[];
  close(): void;
}

/** Trims turns (oldest first) to the limits; the newest turn always survives so a follow-up has context. */
export function boundTurns(turns: Turn[], limits: ConversationLimits): Turn[] {
  const maxTurns = Math.max(1, limits.maxTurns);
  let kept = turns.slice(-maxTurns);
  let chars = kept.reduce((sum, turn) => sum + turnChars(turn), 0);
  while (kept.length > 1 && chars > limits.maxChars) {
    chars -= turnChars(kept[0]);
    kept = kept.slice(1);
  }
  return kept;
}

function turnChars(turn: Turn): number {
  return turn.question.length + turn.answer.length;
}

/** Deliveries are remembered this long; platforms retry within minutes, so a day is ample. */
export const DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;

/** In-process store for tests and for running without a writable DATA_DIR. */
export class MemoryStateStore implements StateStore {
  private readonly conversations = new Map<string, Turn[]>();
  private readonly feedback: FeedbackRecord[] = [];
  private readonly deliveries = new Map<string, number>();
  private readonly auditLog: AuditEntry[] = [];
  private readonly questions: QuestionRecord[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  getTurns(conversationId: string): Turn[] {
    return (this.conversations.get(conversationId) ?? []).map((turn) => ({ ...turn, places: [...turn.places] }));
  }

  appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): void {
    const turns = [...(this.conversations.get(conversationId) ?? []), { ...turn, places: [...turn.places] }];
    this.conversations.set(conversationId, boundTurns(turns, limits));
  }

  recordFeedback(feedback: FeedbackRecord): void {
    this.feedback.push({ ...feedback });
  }

  listFeedback(limit: number): FeedbackRecord[] {
    return this.feedback.slice(-limit).reverse();
  }

  claimDelivery(platform: ChatPlatform, messageId: string): boolean {
    const key = `${platform}\u0000${messageId}`;
    const now = this.now();
    const seen = this.deliveries.get(key);
    if (seen !== undefined && now - seen < DELIVERY_TTL_MS) return false;
    this.deliveries.set(key, now);
    if (this.deliveries.size > 10_000) this.prune(now);
    return true;
  }

  audit(entry: AuditEntry): void {
    this.auditLog.push({ ...entry });
  }

  listAudit(limit: number): AuditEntry[] {
    return this.auditLog.slice(-limit).reverse();
  }

  logQuestion(record: QuestionRecord): void {
    this.questions.push({ ...record });
  }

  getQuestion(id: string): QuestionRecord | undefined {
    const found = this.questions.find((record) => record.id === id);
    return found && { ...found };
  }

  listQuestions(filter: QuestionFilter): QuestionRecord[] {
    return this.questions
      .filter((record) => (filter.refused === undefined || record.refused === filter.refused) && (filter.feedback === undefined || record.feedback === filter.feedback))
      .slice(-filter.limit)
      .reverse()
      .map((record) => ({ ...record }));
  }

  setQuestionFeedback(id: string, value: "up" | "down"): boolean {
    const found = this.questions.find((record) => record.id === id);
    if (found) found.feedback = value;
    return found !== undefined;
  }

  pruneQuestions(before: number): number {
    const kept = this.questions.filter((record) => record.at >= before);
    const removed = this.questions.length - kept.length;
    this.questions.splice(0, this.questions.length, ...kept);
    return removed;
  }

  close(): void {
    // Nothing to release.
  }

  private prune(now: number): void {
    for (const [key, at] of this.deliveries) if (now - at >= DELIVERY_TTL_MS) this.deliveries.delete(key);
  }
}

/**
 * Picks the store from config: SQLite in DATA_DIR by default; STATE_URL `memory:` for an
 * in-process store; `sqlite:/path/file.sqlite` for an explicit file.
 */
export async function createStateStore(config: Pick<Config, "DATA_DIR" | "STATE_URL">): Promise<StateStore> {
  const url = config.STATE_URL;
  if (url === "memory:" || url === "memory") return new MemoryStateStore();
  const { SqliteStateStore } = await import("./sqlite-state-store.js");
  if (url === undefined) return SqliteStateStore.open({ dataDir: config.DATA_DIR });
  if (url.startsWith("sqlite:")) return SqliteStateStore.open({ file: url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "") });
  throw new AppError("CONFIG_INVALID", `STATE_URL "${url.split(":")[0]}:…" is not supported.`, {
    hint: "Leave STATE_URL unset for SQLite in DATA_DIR, or use memory: or sqlite:/path/state.sqlite.",
  });
}
