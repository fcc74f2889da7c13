import type { Config } from "../core/config.js";
import { AppError } from "../core/errors.js";
import type { Turn } from "../core/types.js";
import { createRateLimiter, type RateDecision, type RateRule } from "./rate-limit.js";

/**
 * Durable state shared by every chat platform and every replica: conversation turns (for
 * follow-ups), 👍/👎 feedback, de-duplication of platform deliveries (Slack retries, WeChat
 * re-pushes), rate-limit windows, the question log, the admin audit log, re-index job state and
 * the build lock. Asynchronous because the shared store (PostgreSQL) is; the embedded stores
 * (memory, SQLite) answer at once. Callers on the answer path treat a failing store as a
 * degraded service (log, answer anyway), never as a reason not to answer.
 */

export type ChatPlatform = "slack" | "wechat" | "wecom" | "feishu" | "dingtalk" | "http" | "cli" | (string & {});

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
  /** What the user wrote with a 👎 (or 👍). */
  comment?: string;
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
  /** How many events an aggregated row stands for (e.g. failed sign-ins from one address in one window). */
  count?: number;
}

/** A re-index job as stored, so every replica reports the running or last one. */
export interface StoredJob {
  id: string;
  state: string;
  /** The whole job (JSON-serialisable). */
  job: unknown;
}

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

/** A held lock; release it exactly once. */
export interface Lease {
  release(): Promise<void>;
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

export interface AuditFilter {
  offset?: number;
  /** Words the actor, action or detail contains (case-insensitive). */
  search?: string;
}

/** Case-insensitive substring, the same in every store (SQL LIKE with its wildcards escaped). */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
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

export interface StateStore extends QuestionLog {
  /** `memory`, `sqlite` or `postgres`, for logs and status. */
  readonly kind: string;
  /** Turns of a conversation, oldest first; empty for an unknown conversation. */
  getTurns(conversationId: string): Promise<Turn[]>;
  /** Appends a turn and trims the conversation to `limits` in the same step. */
  appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): Promise<void>;
  recordFeedback(feedback: FeedbackRecord): Promise<void>;
  /** Feedback, newest first (for admins and tests). */
  listFeedback(limit: number): Promise<FeedbackRecord[]>;
  /**
   * True the first time a (platform, messageId) pair is claimed, false for every later claim —
   * atomically, so two concurrent retries cannot both answer.
   */
  claimDelivery(platform: ChatPlatform, messageId: string): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  /**
   * Adds one event to the audit row named `key` (created with `entry` the first time; later
   * events raise its count and update its detail and time), so a flood is one row, not thousands.
   */
  auditAggregate(key: string, entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first. */
  listAudit(limit: number, filter?: AuditFilter): Promise<AuditEntry[]>;
  /** One sliding window per key, shared by every process using this store. */
  takeRate(key: string, rule: RateRule): Promise<RateDecision>;
  saveJob(job: StoredJob): Promise<void>;
  /** The most recently queued job. */
  latestJob(): Promise<StoredJob | undefined>;
  /**
   * The store's part of the build lock: PostgreSQL takes an advisory lock (across machines;
   * released by the database if the holder dies); the embedded stores return a lease at once and
   * leave exclusion to DATA_DIR/build.lock. Undefined when another holder has it.
   */
  tryBuildLock(): Promise<Lease | undefined>;
  /** Whether anyone holds the store's build lock; undefined for the embedded stores (DATA_DIR/build.lock tells). */
  buildLockHeld(): Promise<boolean | undefined>;
  /**
   * Marks an admin console session signed out until it would have expired, for every process
   * sharing this store (WORKERS > 1, replicas): a copied cookie stops working everywhere.
   * `sessionId` is a digest of the cookie value, never the value itself.
   */
  revokeSession(sessionId: string, expiresAt: number): Promise<void>;
  /** Whether the session was signed out (rows past their expiry are ignored and pruned). */
  sessionRevoked(sessionId: string): Promise<boolean>;
  /** Deletes conversations, questions and audit rows older than the cutoffs. */
  prune(cutoffs: RetentionCutoffs): Promise<PruneCounts>;
  close(): Promise<void>;
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

/** The embedded stores' part of the build lock: none; DATA_DIR/build.lock excludes builders on this machine. */
export const fileLockOnly = {
  tryBuildLock: async (): Promise<Lease | undefined> => ({ release: async () => undefined }),
  buildLockHeld: async (): Promise<boolean | undefined> => undefined,
};

/** Milliseconds in a day, for the *_DAYS retention settings. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** In-process store for tests, one-shot CLI questions and the quality gate. */
export class MemoryStateStore implements StateStore {
  readonly kind = "memory";
  private readonly conversations = new Map<string, Turn[]>();
  private readonly feedback: FeedbackRecord[] = [];
  private readonly deliveries = new Map<string, number>();
  private auditLog: Array<AuditEntry & { key?: string }> = [];
  private questions: QuestionRecord[] = [];
  private readonly jobs = new Map<string, StoredJob>();
  private readonly revokedSessions = new Map<string, number>();
  private readonly limiter;

  constructor(private readonly now: () => number = Date.now) {
    this.limiter = createRateLimiter({ perMinute: 1, now });
  }

  async getTurns(conversationId: string): Promise<Turn[]> {
    return (this.conversations.get(conversationId) ?? []).map((turn) => ({ ...turn, places: [...turn.places] }));
  }

  async appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): Promise<void> {
    const turns = [...(this.conversations.get(conversationId) ?? []), { ...turn, places: [...turn.places] }];
    // Re-inserted so the map stays ordered by last activity.
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, boundTurns(turns, limits));
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    this.feedback.push({ ...feedback });
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    return this.feedback.slice(-limit).reverse();
  }

  async revokeSession(sessionId: string, expiresAt: number): Promise<void> {
    const now = this.now();
    for (const [id, expires] of this.revokedSessions) if (expires <= now) this.revokedSessions.delete(id);
    this.revokedSessions.set(sessionId, expiresAt);
  }

  async sessionRevoked(sessionId: string): Promise<boolean> {
    const expires = this.revokedSessions.get(sessionId);
    return expires !== undefined && expires > this.now();
  }

  async claimDelivery(platform: ChatPlatform, messageId: string): Promise<boolean> {
    const key = `${platform}\u0000${messageId}`;
    const now = this.now();
    const seen = this.deliveries.get(key);
    if (seen !== undefined && now - seen < DELIVERY_TTL_MS) return false;
    this.deliveries.set(key, now);
    if (this.deliveries.size > 10_000) this.pruneDeliveries(now);
    return true;
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.auditLog.push({ ...entry });
  }

  async auditAggregate(key: string, entry: AuditEntry): Promise<void> {
    const index = this.auditLog.findIndex((row) => row.key === key);
    const previous = index === -1 ? undefined : this.auditLog.splice(index, 1)[0];
    this.auditLog.push({ ...entry, key, count: (previous?.count ?? 0) + 1 });
  }

  async listAudit(limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const search = filter.search?.toLowerCase();
    const offset = filter.offset ?? 0;
    return [...this.auditLog]
      .reverse()
      .filter((entry) => !search || `${entry.actor}\u0000${entry.action}\u0000${entry.detail}`.toLowerCase().includes(search))
      .slice(offset, offset + limit)
      .map(({ key: _key, count, ...entry }) => (count !== undefined && count > 1 ? { ...entry, count } : entry));
  }

  async takeRate(key: string, rule: RateRule): Promise<RateDecision> {
    return this.limiter.decide(key, rule);
  }

  async logQuestion(record: QuestionRecord): Promise<void> {
    // Whole milliseconds, as the database stores keep them.
    this.questions.push({ ...record, latencyMs: Math.round(record.latencyMs) });
    // Memory is not a log archive: keep the newest entries only.
    if (this.questions.length > 10_000) this.questions.splice(0, this.questions.length - 10_000);
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    const found = this.questions.find((record) => record.id === id);
    return found && { ...found };
  }

  async listQuestions(filter: QuestionFilter): Promise<QuestionRecord[]> {
    const search = filter.search?.toLowerCase();
    const offset = filter.offset ?? 0;
    return [...this.questions]
      .reverse()
      .filter(
        (record) =>
          (filter.refused === undefined || record.refused === filter.refused) &&
          (filter.feedback === undefined || record.feedback === filter.feedback) &&
          (filter.from === undefined || record.at >= filter.from) &&
          (filter.to === undefined || record.at <= filter.to) &&
          (!search || `${record.question}\u0000${record.answer}\u0000${record.feedbackComment ?? ""}`.toLowerCase().includes(search)),
      )
      .slice(offset, offset + filter.limit)
      .map((record) => ({ ...record }));
  }

  async setQuestionFeedback(id: string, value: "up" | "down", comment?: string): Promise<boolean> {
    const found = this.questions.find((record) => record.id === id);
    if (found) {
      found.feedback = value;
      if (comment) found.feedbackComment = comment;
      else delete found.feedbackComment;
    }
    return found !== undefined;
  }

  async saveJob(job: StoredJob): Promise<void> {
    this.jobs.delete(job.id);
    this.jobs.set(job.id, structuredClone(job));
  }

  async latestJob(): Promise<StoredJob | undefined> {
    const last = [...this.jobs.values()].at(-1);
    return last && structuredClone(last);
  }

  readonly tryBuildLock = fileLockOnly.tryBuildLock;
  readonly buildLockHeld = fileLockOnly.buildLockHeld;

  async prune(cutoffs: RetentionCutoffs): Promise<PruneCounts> {
    const counts: PruneCounts = { conversations: 0, questions: 0, audit: 0 };
    if (cutoffs.conversationsBefore !== undefined) {
      for (const [id, turns] of this.conversations) {
        if ((turns.at(-1)?.at ?? 0) < cutoffs.conversationsBefore) {
          this.conversations.delete(id);
          counts.conversations++;
        }
      }
    }
    if (cutoffs.questionsBefore !== undefined) {
      const before = this.questions.length;
      this.questions = this.questions.filter((entry) => entry.at >= cutoffs.questionsBefore!);
      counts.questions = before - this.questions.length;
    }
    if (cutoffs.auditBefore !== undefined) {
      const before = this.auditLog.length;
      this.auditLog = this.auditLog.filter((entry) => entry.at >= cutoffs.auditBefore!);
      counts.audit = before - this.auditLog.length;
    }
    return counts;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  private pruneDeliveries(now: number): void {
    for (const [key, at] of this.deliveries) if (now - at >= DELIVERY_TTL_MS) this.deliveries.delete(key);
  }
}

/**
 * Picks the store from config: SQLite in DATA_DIR by default; STATE_URL `memory:` for an
 * in-process store; `sqlite:/path/file.sqlite` for an explicit file; `postgres://…` (or
 * `postgresql://…`) for PostgreSQL shared by replicas on several machines.
 */
export async function createStateStore(
  config: Pick<Config, "DATA_DIR" | "STATE_URL"> & Partial<Pick<Config, "STATE_POOL_SIZE">>,
  options: { onError?: (message: string, error: unknown) => void } = {},
): Promise<StateStore> {
  const url = config.STATE_URL;
  if (url === "memory:" || url === "memory") return new MemoryStateStore();
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) {
    const { PostgresStateStore } = await import("./postgres-state-store.js");
    return PostgresStateStore.open({ url, max: config.STATE_POOL_SIZE, onError: options.onError });
  }
  const { SqliteStateStore } = await import("./sqlite-state-store.js");
  if (url === undefined) return SqliteStateStore.open({ dataDir: config.DATA_DIR });
  if (url.startsWith("sqlite:")) return SqliteStateStore.open({ file: url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "") });
  throw new AppError("CONFIG_INVALID", `STATE_URL "${url.split(":")[0]}:…" is not supported.`, {
    hint: "Leave STATE_URL unset for SQLite in DATA_DIR, or use memory:, sqlite:/path/state.sqlite or postgres://user:password@host:5432/database.",
  });
}
