import pg from "pg";
import { AppError } from "../../core/errors.js";
import type { Turn } from "../../core/types.js";
import { decideRate, type RateDecision, type RateRule, type RateState } from "../../chat/rate-limit.js";
import { auditFromRow, feedbackFromRow } from "../rows.js";
import { postgresMigrations } from "./migrations.js";
import type { AuditEntry, AuditFilter } from "../audit.js";
import { likePattern, type ChatPlatform } from "../common.js";
import { boundTurns, type ConversationLimits } from "../conversations.js";
import { DELIVERY_TTL_MS } from "../deliveries.js";
import type { Lease, StoredJob } from "../jobs.js";
import type { FeedbackRecord, QuestionFilter, QuestionRecord } from "../question-log.js";
import type { PruneCounts, RetentionCutoffs, StateStore } from "../state-store.js";

/**
 * StateStore in PostgreSQL (STATE_URL=postgres://…), shared by replicas on several machines.
 * Atomicity lives in the database: a primary key makes a platform message claimable once across
 * every replica, rate windows are read and written under a row lock, and the build lock is a
 * session advisory lock that PostgreSQL itself releases when its holder dies.
 */

export interface PostgresStateStoreOptions {
  url: string;
  now?: () => number;
  /** Connection-level errors (the server went away); the pool reconnects on the next query. */
  onError?: (message: string, error: unknown) => void;
  /** Pool size (default 10). */
  max?: number;
}

/** Advisory lock keys (any fixed 64-bit numbers unique to this product). */
const BUILD_LOCK_KEY = "7302511001";
const MIGRATION_LOCK_KEY = "7302511002";

export class PostgresStateStore implements StateStore {
  readonly kind = "postgres";
  private claimsSincePrune = 0;
  private ratesSincePrune = 0;
  private readonly leases = new Set<Lease>();
  private closed?: Promise<void>;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  /** Connects, applies missing migrations (idempotent; serialised by an advisory lock across replicas) and returns the store. */
  static async open(options: PostgresStateStoreOptions): Promise<PostgresStateStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      query_timeout: 10_000,
    });
    // Without a listener an idle client's error (database restarted) would crash the process.
    pool.on("error", (error) => options.onError?.("PostgreSQL connection lost; reconnecting on the next query", error));
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new AppError("STATE_STORE_FAILED", `Could not open the PostgreSQL state database (${redact(options.url)}): ${error instanceof Error ? error.message : String(error)}.`, {
        cause: error,
        hint: "Check STATE_URL (postgres://user:password@host:5432/database), that PostgreSQL is running and that the user may create tables.",
      });
    }
    const store = new PostgresStateStore(pool, options.now ?? Date.now);
    await store.pool.query("DELETE FROM deliveries WHERE at < $1", [store.now() - DELIVERY_TTL_MS]);
    return store;
  }

  async getTurns(conversationId: string): Promise<Turn[]> {
    const { rows } = await this.pool.query<{ turn: Turn }>("SELECT turn FROM turns WHERE conversation_id = $1 ORDER BY seq", [conversationId]);
    return rows.map((row) => row.turn);
  }

  async appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): Promise<void> {
    await this.transaction(async (client) => {
      // Serialises appends to one conversation across replicas, so trimming sees every turn.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`turns:${conversationId}`]);
      await client.query("INSERT INTO turns (conversation_id, turn, at) VALUES ($1, $2, $3)", [conversationId, JSON.stringify(turn), turn.at]);
      const { rows } = await client.query<{ seq: string; turn: Turn }>("SELECT seq, turn FROM turns WHERE conversation_id = $1 ORDER BY seq", [conversationId]);
      const kept = boundTurns(
        rows.map((row) => row.turn),
        limits,
      );
      const firstKept = rows[rows.length - kept.length];
      if (firstKept && rows.length > kept.length) await client.query("DELETE FROM turns WHERE conversation_id = $1 AND seq < $2", [conversationId, firstKept.seq]);
    });
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO feedback (platform, "user", conversation_id, message_id, value, question, answer, snapshot_version, at, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [
        feedback.platform,
        feedback.user,
        feedback.conversationId,
        feedback.messageId,
        feedback.value,
        feedback.question ?? null,
        feedback.answer ?? null,
        feedback.snapshotVersion ?? null,
        feedback.at,
        feedback.comment ?? null,
      ],
    );
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    const { rows } = await this.pool.query('SELECT platform, "user", conversation_id, message_id, value, question, answer, snapshot_version, comment, at FROM feedback ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map(feedbackFromRow);
  }

  async claimDelivery(platform: ChatPlatform, messageId: string): Promise<boolean> {
    if (++this.claimsSincePrune >= 1000) {
      this.claimsSincePrune = 0;
      await this.pool.query("DELETE FROM deliveries WHERE at < $1", [this.now() - DELIVERY_TTL_MS]);
    }
    // The primary key decides: across every replica exactly one INSERT creates the row.
    const result = await this.pool.query("INSERT INTO deliveries (platform, message_id, at) VALUES ($1, $2, $3) ON CONFLICT (platform, message_id) DO NOTHING", [
      platform,
      messageId,
      this.now(),
    ]);
    return result.rowCount === 1;
  }

  async revokeSession(sessionId: string, expiresAt: number): Promise<void> {
    // Sign-outs are rare: prune the expired ones here.
    await this.pool.query("DELETE FROM revoked_sessions WHERE expires_at <= $1", [this.now()]);
    await this.pool.query("INSERT INTO revoked_sessions (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at", [
      sessionId,
      expiresAt,
    ]);
  }

  async sessionRevoked(sessionId: string): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM revoked_sessions WHERE id = $1 AND expires_at > $2", [sessionId, this.now()]);
    return rows.length > 0;
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.pool.query("INSERT INTO audit (actor, action, detail, at) VALUES ($1, $2, $3, $4)", [entry.actor, entry.action, entry.detail, entry.at]);
  }

  async auditAggregate(key: string, entry: AuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit (actor, action, detail, at, aggregate_key, count) VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (aggregate_key) DO UPDATE SET detail = EXCLUDED.detail, at = EXCLUDED.at, count = audit.count + 1`,
      [entry.actor, entry.action, entry.detail, entry.at, key],
    );
  }

  async listAudit(limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query(
      "SELECT actor, action, detail, at, count FROM audit WHERE ($1::text IS NULL OR lower(actor || ' ' || action || ' ' || detail) LIKE $1 ESCAPE '\\') ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3",
      [filter.search ? likePattern(filter.search) : null, limit, filter.offset ?? 0],
    );
    return rows.map(auditFromRow);
  }

  async takeRate(key: string, rule: RateRule): Promise<RateDecision> {
    const at = this.now();
    if (rule.peek) {
      const { rows } = await this.pool.query<{ hits: number[]; noticed_at: string | null }>("SELECT hits, noticed_at FROM rate_limits WHERE key = $1", [key]);
      return decideRate(rows[0] && rateState(rows[0]), at, rule).decision;
    }
    if (++this.ratesSincePrune >= 1000) {
      this.ratesSincePrune = 0;
      await this.pool.query("DELETE FROM rate_limits WHERE updated_at < $1", [at - rule.windowMs]);
    }
    return this.transaction(async (client) => {
      await client.query("INSERT INTO rate_limits (key, hits, updated_at) VALUES ($1, '[]', $2) ON CONFLICT (key) DO NOTHING", [key, at]);
      // The row lock makes read-decide-write one step for every replica counting this key.
      const { rows } = await client.query<{ hits: number[]; noticed_at: string | null }>("SELECT hits, noticed_at FROM rate_limits WHERE key = $1 FOR UPDATE", [key]);
      const { decision, state } = decideRate(rows[0] && rateState(rows[0]), at, rule);
      await client.query("UPDATE rate_limits SET hits = $2, noticed_at = $3, updated_at = $4 WHERE key = $1", [key, JSON.stringify(state.hits), state.noticedAt ?? null, at]);
      return decision;
    });
  }

  async logQuestion(record: QuestionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO questions (id, platform, conversation_id, question, answer, language, mode, refused, latency_ms, snapshot_version, citations, feedback, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        record.id,
        record.platform,
        record.conversationId ?? null,
        record.question,
        record.answer,
        record.language,
        record.mode,
        record.refused,
        Math.round(record.latencyMs),
        record.snapshotVersion,
        record.citations,
        record.feedback ?? null,
        record.at,
      ],
    );
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    const { rows } = await this.pool.query("SELECT * FROM questions WHERE id = $1", [id]);
    return rows[0] && questionFromRow(rows[0]);
  }

  async listQuestions(filter: QuestionFilter): Promise<QuestionRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM questions WHERE ($1::boolean IS NULL OR refused = $1) AND ($2::text IS NULL OR feedback = $2)
         AND ($3::bigint IS NULL OR at >= $3) AND ($4::bigint IS NULL OR at <= $4)
         AND ($5::text IS NULL OR lower(question || ' ' || answer || ' ' || COALESCE(feedback_comment, '')) LIKE $5 ESCAPE '\\')
       ORDER BY at DESC, id DESC LIMIT $6 OFFSET $7`,
      [filter.refused ?? null, filter.feedback ?? null, filter.from ?? null, filter.to ?? null, filter.search ? likePattern(filter.search) : null, filter.limit, filter.offset ?? 0],
    );
    return rows.map(questionFromRow);
  }

  async setQuestionFeedback(id: string, value: "up" | "down", comment?: string): Promise<boolean> {
    const result = await this.pool.query("UPDATE questions SET feedback = $2, feedback_comment = $3 WHERE id = $1", [id, value, comment || null]);
    return result.rowCount === 1;
  }

  async saveJob(job: StoredJob): Promise<void> {
    await this.pool.query("INSERT INTO jobs (id, state, job) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, job = EXCLUDED.job", [
      job.id,
      job.state,
      JSON.stringify(job.job),
    ]);
  }

  async latestJob(): Promise<StoredJob | undefined> {
    const { rows } = await this.pool.query<{ id: string; state: string; job: unknown }>("SELECT id, state, job FROM jobs ORDER BY seq DESC LIMIT 1");
    return rows[0] && { id: rows[0].id, state: rows[0].state, job: rows[0].job };
  }

  async tryBuildLock(): Promise<Lease | undefined> {
    // A session lock lives as long as its connection: this client is held for the whole build.
    const client = await this.pool.connect();
    const onLost = () => undefined; // a dropped connection frees the lock; the build itself goes on (DATA_DIR/build.lock still guards this machine)
    client.on("error", onLost);
    let locked = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [BUILD_LOCK_KEY]);
      locked = rows[0]?.locked === true;
    } finally {
      if (!locked) {
        client.off("error", onLost);
        client.release();
      }
    }
    if (!locked) return undefined;
    let released = false;
    const lease: Lease = {
      release: async () => {
        if (released) return;
        released = true;
        this.leases.delete(lease);
        try {
          await client.query("SELECT pg_advisory_unlock($1)", [BUILD_LOCK_KEY]);
          client.release();
        } catch (error) {
          // Destroying the connection releases the lock too.
          client.release(error instanceof Error ? error : true);
        } finally {
          client.off("error", onLost);
        }
      },
    };
    this.leases.add(lease);
    return lease;
  }

  async buildLockHeld(): Promise<boolean> {
    // A bigint advisory key shows in pg_locks split into classid (high 32 bits) and objid (low 32 bits).
    const { rows } = await this.pool.query<{ held: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint) AS held",
      [BUILD_LOCK_KEY],
    );
    return rows[0]?.held === true;
  }

  async prune(cutoffs: RetentionCutoffs): Promise<PruneCounts> {
    const counts: PruneCounts = { conversations: 0, questions: 0, audit: 0 };
    if (cutoffs.conversationsBefore !== undefined) {
      const { rows } = await this.pool.query<{ n: string }>(
        `WITH old AS (SELECT conversation_id FROM turns GROUP BY conversation_id HAVING MAX(at) < $1),
              gone AS (DELETE FROM turns WHERE conversation_id IN (SELECT conversation_id FROM old) RETURNING 1)
         SELECT (SELECT COUNT(*) FROM old) AS n`,
        [cutoffs.conversationsBefore],
      );
      counts.conversations = Number(rows[0]?.n ?? 0);
    }
    if (cutoffs.questionsBefore !== undefined) counts.questions = (await this.pool.query("DELETE FROM questions WHERE at < $1", [cutoffs.questionsBefore])).rowCount ?? 0;
    if (cutoffs.auditBefore !== undefined) counts.audit = (await this.pool.query("DELETE FROM audit WHERE at < $1", [cutoffs.auditBefore])).rowCount ?? 0;
    await this.pool.query("DELETE FROM jobs WHERE seq <= (SELECT MAX(seq) - 50 FROM jobs)");
    return counts;
  }

  /** Releases held leases (a build still holding one is being aborted anyway) and ends the pool; safe to call twice. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.allSettled([...this.leases].map((lease) => lease.release()));
      await this.pool.end();
    })();
    return this.closed;
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }
}

function rateState(row: { hits: number[]; noticed_at: string | null }): RateState {
  return { hits: row.hits.map(Number), noticedAt: row.noticed_at === null ? undefined : Number(row.noticed_at) };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Replicas starting together: one applies the migrations, the others wait here and then find them applied.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
      const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
      const applied = new Set(rows.map((row) => row.version));
      for (const migration of postgresMigrations) {
        if (applied.has(migration.version)) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

function questionFromRow(row: Record<string, unknown>): QuestionRecord {
  return {
    id: String(row.id),
    platform: String(row.platform),
    ...(row.conversation_id === null ? {} : { conversationId: String(row.conversation_id) }),
    question: String(row.question),
    answer: String(row.answer),
    language: String(row.language),
    mode: String(row.mode),
    refused: row.refused === true,
    latencyMs: Number(row.latency_ms),
    snapshotVersion: String(row.snapshot_version),
    citations: Number(row.citations),
    ...(row.feedback === null ? {} : { feedback: row.feedback as "up" | "down" }),
    ...(typeof row.feedback_comment === "string" && row.feedback_comment ? { feedbackComment: row.feedback_comment } : {}),
    at: Number(row.at),
  };
}
