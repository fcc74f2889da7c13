import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { AppError } from "../../core/errors.js";
import type { Turn } from "../../core/types.js";
import { decideRate, type RateDecision, type RateRule, type RateState } from "../../chat/rate-limit.js";
import type { AuditEntry, AuditFilter } from "../audit.js";
import { auditFromRow, feedbackFromRow } from "../rows.js";
import { sqliteMigrations } from "./migrations.js";
import { likePattern, type ChatPlatform } from "../common.js";
import { boundTurns, type ConversationLimits } from "../conversations.js";
import { DELIVERY_TTL_MS } from "../deliveries.js";
import { fileLockOnly, type StoredJob } from "../jobs.js";
import type { FeedbackRecord, QuestionFilter, QuestionRecord } from "../question-log.js";
import type { PruneCounts, RetentionCutoffs, StateStore } from "../state-store.js";

export interface SqliteStateStoreOptions {
  /** Directory holding `state.sqlite` (created when missing). */
  dataDir?: string;
  /** Explicit database file; wins over `dataDir`. */
  file?: string;
  now?: () => number;
}

/**
 * StateStore in one SQLite file in WAL mode, so several processes on one machine (the CLI, a
 * second server on the same DATA_DIR) read and write it safely. better-sqlite3 is synchronous:
 * each method is one short statement or one IMMEDIATE transaction, which is what makes claims
 * and rate windows atomic across processes sharing the file.
 */
export class SqliteStateStore implements StateStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly statements;
  private readonly appendTransaction;
  private readonly rateTransaction;
  private claimsSincePrune = 0;
  private ratesSincePrune = 0;

  private constructor(db: Database.Database, now: () => number) {
    this.db = db;
    this.now = now;
    this.statements = {
      selectTurns: db.prepare<[string], { seq: number; turn: string }>("SELECT seq, turn FROM turns WHERE conversation_id = ? ORDER BY seq"),
      insertTurn: db.prepare<[string, string, number]>("INSERT INTO turns (conversation_id, turn, at) VALUES (?, ?, ?)"),
      deleteTurnsBefore: db.prepare<[string, number]>("DELETE FROM turns WHERE conversation_id = ? AND seq < ?"),
      insertFeedback: db.prepare(
        "INSERT INTO feedback (platform, user, conversation_id, message_id, value, question, answer, snapshot_version, comment, at) VALUES (@platform, @user, @conversationId, @messageId, @value, @question, @answer, @snapshotVersion, @comment, @at)",
      ),
      selectFeedback: db.prepare<[number], FeedbackRow>("SELECT * FROM feedback ORDER BY id DESC LIMIT ?"),
      claim: db.prepare<[string, string, number]>(
        "INSERT INTO deliveries (platform, message_id, at) VALUES (?, ?, ?) ON CONFLICT (platform, message_id) DO NOTHING",
      ),
      pruneDeliveries: db.prepare<[number]>("DELETE FROM deliveries WHERE at < ?"),
      insertAudit: db.prepare("INSERT INTO audit (actor, action, detail, at) VALUES (@actor, @action, @detail, @at)"),
      upsertAudit: db.prepare(
        `INSERT INTO audit (actor, action, detail, at, aggregate_key, count) VALUES (@actor, @action, @detail, @at, @key, 1)
         ON CONFLICT (aggregate_key) DO UPDATE SET detail = excluded.detail, at = excluded.at, count = audit.count + 1`,
      ),
      // By time first: an aggregated row moves up each time it is updated.
      selectAudit: db.prepare<[{ search: string | null; limit: number; offset: number }], AuditEntry>(
        "SELECT actor, action, detail, at, count FROM audit WHERE (@search IS NULL OR lower(actor || ' ' || action || ' ' || detail) LIKE @search ESCAPE '\\') ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset",
      ),
      selectRate: db.prepare<[string], { hits: string; noticed_at: number | null }>("SELECT hits, noticed_at FROM rate_limits WHERE key = ?"),
      upsertRate: db.prepare<[string, string, number | null, number]>(
        "INSERT INTO rate_limits (key, hits, noticed_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET hits = excluded.hits, noticed_at = excluded.noticed_at, updated_at = excluded.updated_at",
      ),
      pruneRates: db.prepare<[number]>("DELETE FROM rate_limits WHERE updated_at < ?"),
      insertQuestion: db.prepare(
        `INSERT INTO questions (id, platform, conversation_id, question, answer, language, mode, refused, latency_ms, snapshot_version, citations, feedback, at)
         VALUES (@id, @platform, @conversationId, @question, @answer, @language, @mode, @refused, @latencyMs, @snapshotVersion, @citations, @feedback, @at)`,
      ),
      selectQuestion: db.prepare<[string], QuestionRow>("SELECT * FROM questions WHERE id = ?"),
      selectQuestions: db.prepare<
        [{ refused: number | null; feedback: string | null; search: string | null; from: number | null; to: number | null; limit: number; offset: number }],
        QuestionRow
      >(
        `SELECT * FROM questions WHERE (@refused IS NULL OR refused = @refused) AND (@feedback IS NULL OR feedback = @feedback)
           AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at <= @to)
           AND (@search IS NULL OR lower(question || ' ' || answer || ' ' || COALESCE(feedback_comment, '')) LIKE @search ESCAPE '\\')
         ORDER BY at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
      ),
      updateQuestionFeedback: db.prepare<[string, string | null, string]>("UPDATE questions SET feedback = ?, feedback_comment = ? WHERE id = ?"),
      upsertJob: db.prepare<[string, string, string]>(
        "INSERT INTO jobs (id, state, seq, job) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs), ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, job = excluded.job",
      ),
      latestJob: db.prepare<[], { id: string; state: string; job: string }>("SELECT id, state, job FROM jobs ORDER BY seq DESC LIMIT 1"),
      pruneJobs: db.prepare("DELETE FROM jobs WHERE seq <= (SELECT MAX(seq) - 50 FROM jobs)"),
      pruneConversations: db.prepare<[number]>(
        "DELETE FROM turns WHERE conversation_id IN (SELECT conversation_id FROM turns GROUP BY conversation_id HAVING MAX(at) < ?)",
      ),
      countConversations: db.prepare<[number], { n: number }>(
        "SELECT COUNT(*) AS n FROM (SELECT conversation_id FROM turns GROUP BY conversation_id HAVING MAX(at) < ?)",
      ),
      pruneQuestions: db.prepare<[number]>("DELETE FROM questions WHERE at < ?"),
      pruneAudit: db.prepare<[number]>("DELETE FROM audit WHERE at < ?"),
      revokeSession: db.prepare<[string, number]>(
        "INSERT INTO revoked_sessions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at",
      ),
      sessionRevoked: db.prepare<[string, number], { n: number }>("SELECT COUNT(*) AS n FROM revoked_sessions WHERE id = ? AND expires_at > ?"),
      pruneRevokedSessions: db.prepare<[number]>("DELETE FROM revoked_sessions WHERE expires_at <= ?"),
    };
    this.appendTransaction = db.transaction((conversationId: string, turn: Turn, limits: ConversationLimits) => {
      this.statements.insertTurn.run(conversationId, JSON.stringify(turn), turn.at);
      const rows = this.statements.selectTurns.all(conversationId);
      const kept = boundTurns(
        rows.map((row) => JSON.parse(row.turn) as Turn),
        limits,
      );
      const firstKept = rows[rows.length - kept.length];
      if (firstKept) this.statements.deleteTurnsBefore.run(conversationId, firstKept.seq);
    });
    this.rateTransaction = db.transaction((key: string, rule: RateRule, at: number): RateDecision => {
      const row = this.statements.selectRate.get(key);
      const previous: RateState | undefined = row ? { hits: JSON.parse(row.hits) as number[], noticedAt: row.noticed_at ?? undefined } : undefined;
      const { decision, state } = decideRate(previous, at, rule);
      if (!rule.peek) this.statements.upsertRate.run(key, JSON.stringify(state.hits), state.noticedAt ?? null, at);
      return decision;
    });
    // Old delivery ids are useless once platforms stop retrying; prune at open so the table stays small.
    this.statements.pruneDeliveries.run(this.now() - DELIVERY_TTL_MS);
  }

  /** Opens (creating when missing) `file`, or `dataDir/state.sqlite`, and brings its schema up to date. */
  static open(options: SqliteStateStoreOptions): SqliteStateStore {
    const file = options.file ?? join(options.dataDir ?? "./data", "state.sqlite");
    try {
      mkdirSync(dirname(file), { recursive: true });
      const db = new Database(file);
      db.pragma("journal_mode = WAL");
      // With WAL, NORMAL syncs at checkpoints instead of every commit: the file cannot be corrupted, a
      // power cut may lose the last commits (question-log rows, rate windows). FULL cost an fsync on the
      // event loop per answered question (two with the ask rate window).
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      migrate(db);
      return new SqliteStateStore(db, options.now ?? Date.now);
    } catch (error) {
      throw new AppError("STATE_STORE_FAILED", `Could not open the chat state database ${file}.`, {
        cause: error,
        hint: "Check that DATA_DIR is writable, or set STATE_URL=memory: to keep chat state in memory.",
      });
    }
  }

  async getTurns(conversationId: string): Promise<Turn[]> {
    return this.statements.selectTurns.all(conversationId).map((row) => JSON.parse(row.turn) as Turn);
  }

  async appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): Promise<void> {
    this.appendTransaction.immediate(conversationId, turn, limits);
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    this.statements.insertFeedback.run({
      platform: feedback.platform,
      user: feedback.user,
      conversationId: feedback.conversationId,
      messageId: feedback.messageId,
      value: feedback.value,
      question: feedback.question ?? null,
      answer: feedback.answer ?? null,
      snapshotVersion: feedback.snapshotVersion ?? null,
      comment: feedback.comment ?? null,
      at: feedback.at,
    });
  }

  async logQuestion(record: QuestionRecord): Promise<void> {
    this.statements.insertQuestion.run({
      ...record,
      conversationId: record.conversationId ?? null,
      refused: record.refused ? 1 : 0,
      latencyMs: Math.round(record.latencyMs),
      feedback: record.feedback ?? null,
    });
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    const row = this.statements.selectQuestion.get(id);
    return row && questionFromRow(row);
  }

  async listQuestions(filter: QuestionFilter): Promise<QuestionRecord[]> {
    const refused = filter.refused === undefined ? null : filter.refused ? 1 : 0;
    return this.statements.selectQuestions
      .all({
        refused,
        feedback: filter.feedback ?? null,
        search: filter.search ? likePattern(filter.search) : null,
        from: filter.from ?? null,
        to: filter.to ?? null,
        limit: filter.limit,
        offset: filter.offset ?? 0,
      })
      .map(questionFromRow);
  }

  async setQuestionFeedback(id: string, value: "up" | "down", comment?: string): Promise<boolean> {
    return this.statements.updateQuestionFeedback.run(value, comment || null, id).changes === 1;
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    return this.statements.selectFeedback.all(limit).map(feedbackFromRow);
  }

  async claimDelivery(platform: ChatPlatform, messageId: string): Promise<boolean> {
    // A long-running server prunes as it goes, not only at open.
    if (++this.claimsSincePrune >= 1000) {
      this.claimsSincePrune = 0;
      this.statements.pruneDeliveries.run(this.now() - DELIVERY_TTL_MS);
    }
    // INSERT … ON CONFLICT DO NOTHING is a single atomic statement: exactly one claimant sees a change.
    return this.statements.claim.run(platform, messageId, this.now()).changes === 1;
  }

  async revokeSession(sessionId: string, expiresAt: number): Promise<void> {
    // Sign-outs are rare: prune the expired ones here.
    this.statements.pruneRevokedSessions.run(this.now());
    this.statements.revokeSession.run(sessionId, expiresAt);
  }

  async sessionRevoked(sessionId: string): Promise<boolean> {
    return (this.statements.sessionRevoked.get(sessionId, this.now())?.n ?? 0) > 0;
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.statements.insertAudit.run({ actor: entry.actor, action: entry.action, detail: entry.detail, at: entry.at });
  }

  async auditAggregate(key: string, entry: AuditEntry): Promise<void> {
    this.statements.upsertAudit.run({ actor: entry.actor, action: entry.action, detail: entry.detail, at: entry.at, key });
  }

  async listAudit(limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return this.statements.selectAudit.all({ search: filter.search ? likePattern(filter.search) : null, limit, offset: filter.offset ?? 0 }).map(auditFromRow);
  }

  async takeRate(key: string, rule: RateRule): Promise<RateDecision> {
    const at = this.now();
    if (++this.ratesSincePrune >= 1000) {
      this.ratesSincePrune = 0;
      this.statements.pruneRates.run(at - rule.windowMs);
    }
    return this.rateTransaction.immediate(key, rule, at);
  }

  async saveJob(job: StoredJob): Promise<void> {
    this.statements.upsertJob.run(job.id, job.state, JSON.stringify(job.job));
    this.statements.pruneJobs.run();
  }

  async latestJob(): Promise<StoredJob | undefined> {
    const row = this.statements.latestJob.get();
    return row && { id: row.id, state: row.state, job: JSON.parse(row.job) as unknown };
  }

  // One machine: DATA_DIR/build.lock does the excluding.
  readonly tryBuildLock = fileLockOnly.tryBuildLock;
  readonly buildLockHeld = fileLockOnly.buildLockHeld;

  async prune(cutoffs: RetentionCutoffs): Promise<PruneCounts> {
    const counts: PruneCounts = { conversations: 0, questions: 0, audit: 0 };
    const run = this.db.transaction(() => {
      if (cutoffs.conversationsBefore !== undefined) {
        counts.conversations = this.statements.countConversations.get(cutoffs.conversationsBefore)?.n ?? 0;
        this.statements.pruneConversations.run(cutoffs.conversationsBefore);
      }
      if (cutoffs.questionsBefore !== undefined) counts.questions = this.statements.pruneQuestions.run(cutoffs.questionsBefore).changes;
      if (cutoffs.auditBefore !== undefined) counts.audit = this.statements.pruneAudit.run(cutoffs.auditBefore).changes;
    });
    run.immediate();
    return counts;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Applies the migrations this file lacks, in one IMMEDIATE transaction, so two processes opening it at once cannot both apply one. */
function migrate(db: Database.Database): void {
  const apply = db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    for (let index = version; index < sqliteMigrations.length; index++) db.exec(sqliteMigrations[index]!);
    if (version < sqliteMigrations.length) db.pragma(`user_version = ${sqliteMigrations.length}`);
  });
  apply.immediate();
}

interface FeedbackRow {
  platform: string;
  user: string;
  conversation_id: string;
  message_id: string;
  value: "up" | "down";
  question: string | null;
  answer: string | null;
  snapshot_version: string | null;
  comment: string | null;
  at: number;
}

interface QuestionRow {
  id: string;
  platform: string;
  conversation_id: string | null;
  question: string;
  answer: string;
  language: string;
  mode: string;
  refused: number;
  latency_ms: number;
  snapshot_version: string;
  citations: number;
  feedback: "up" | "down" | null;
  feedback_comment: string | null;
  at: number;
}

function questionFromRow(row: QuestionRow): QuestionRecord {
  return {
    id: row.id,
    platform: row.platform,
    ...(row.conversation_id === null ? {} : { conversationId: row.conversation_id }),
    question: row.question,
    answer: row.answer,
    language: row.language,
    mode: row.mode,
    refused: row.refused === 1,
    latencyMs: row.latency_ms,
    snapshotVersion: row.snapshot_version,
    citations: row.citations,
    ...(row.feedback === null ? {} : { feedback: row.feedback }),
    ...(row.feedback_comment ? { feedbackComment: row.feedback_comment } : {}),
    at: row.at,
  };
}
