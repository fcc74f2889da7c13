import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { AppError } from "../core/errors.js";
import type { Turn } from "../core/types.js";
import {
  boundTurns,
  DELIVERY_TTL_MS,
  type AuditEntry,
  type ChatPlatform,
  type ConversationLimits,
  type FeedbackRecord,
  type QuestionFilter,
  type QuestionRecord,
  type StateStore,
} from "./state-store.js";

export interface SqliteStateStoreOptions {
  /** Directory holding `state.sqlite` (created when missing). */
  dataDir?: string;
  /** Explicit database file; wins over `dataDir`. */
  file?: string;
  now?: () => number;
}

const schema = `
CREATE TABLE IF NOT EXISTS turns (
  conversation_id TEXT NOT NULL,
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  turn TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation_id, seq);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  platform TEXT NOT NULL,
  user TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  value TEXT NOT NULL CHECK (value IN ('up', 'down')),
  question TEXT,
  answer TEXT,
  snapshot_version TEXT,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  platform TEXT NOT NULL,
  message_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (platform, message_id)
);
CREATE TABLE IF NOT EXISTS questions (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  conversation_id TEXT,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  language TEXT NOT NULL,
  mode TEXT NOT NULL,
  refused INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  snapshot_version TEXT NOT NULL,
  citations INTEGER NOT NULL,
  feedback TEXT CHECK (feedback IN ('up', 'down')),
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_by_time ON questions (at);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
`;

/**
 * StateStore in one SQLite file (WAL, so the HTTP server and a CLI can read it at once).
 * Synchronous by design: better-sqlite3 calls are short and run inside one transaction each,
 * which is what makes `claimDelivery` atomic across concurrent requests in one process and
 * across processes sharing the file.
 */
export class SqliteStateStore implements StateStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly statements;
  private readonly appendTransaction;
  private claimsSincePrune = 0;

  private constructor(db: Database.Database, now: () => number) {
    this.db = db;
    this.now = now;
    this.statements = {
      selectTurns: db.prepare<[string], { seq: number; turn: string }>("SELECT seq, turn FROM turns WHERE conversation_id = ? ORDER BY seq"),
      insertTurn: db.prepare<[string, string]>("INSERT INTO turns (conversation_id, turn) VALUES (?, ?)"),
      deleteTurnsBefore: db.prepare<[string, number]>("DELETE FROM turns WHERE conversation_id = ? AND seq < ?"),
      insertFeedback: db.prepare(
        "INSERT INTO feedback (platform, user, conversation_id, message_id, value, question, answer, snapshot_version, at) VALUES (@platform, @user, @conversationId, @messageId, @value, @question, @answer, @snapshotVersion, @at)",
      ),
      selectFeedback: db.prepare<[number], FeedbackRow>("SELECT * FROM feedback ORDER BY id DESC LIMIT ?"),
      claim: db.prepare<[string, string, number]>(
        "INSERT INTO deliveries (platform, message_id, at) VALUES (?, ?, ?) ON CONFLICT (platform, message_id) DO NOTHING",
      ),
      pruneDeliveries: db.prepare<[number]>("DELETE FROM deliveries WHERE at < ?"),
      insertAudit: db.prepare("INSERT INTO audit (actor, action, detail, at) VALUES (@actor, @action, @detail, @at)"),
      insertQuestion: db.prepare(
        `INSERT INTO questions (id, platform, conversation_id, question, answer, language, mode, refused, latency_ms, snapshot_version, citations, feedback, at)
         VALUES (@id, @platform, @conversationId, @question, @answer, @language, @mode, @refused, @latencyMs, @snapshotVersion, @citations, @feedback, @at)`,
      ),
      selectQuestion: db.prepare<[string], QuestionRow>("SELECT * FROM questions WHERE id = ?"),
      selectQuestions: db.prepare<[{ refused: number | null; feedback: string | null; limit: number }], QuestionRow>(
        "SELECT * FROM questions WHERE (@refused IS NULL OR refused = @refused) AND (@feedback IS NULL OR feedback = @feedback) ORDER BY at DESC, rowid DESC LIMIT @limit",
      ),
      updateQuestionFeedback: db.prepare<[string, string]>("UPDATE questions SET feedback = ? WHERE id = ?"),
      pruneQuestions: db.prepare<[number]>("DELETE FROM questions WHERE at < ?"),
      selectAudit: db.prepare<[number], AuditEntry>("SELECT actor, action, detail, at FROM audit ORDER BY id DESC LIMIT ?"),
    };
    this.appendTransaction = db.transaction((conversationId: string, turn: Turn, limits: ConversationLimits) => {
      this.statements.insertTurn.run(conversationId, JSON.stringify(turn));
      const rows = this.statements.selectTurns.all(conversationId);
      const kept = boundTurns(
        rows.map((row) => JSON.parse(row.turn) as Turn),
        limits,
      );
      const firstKept = rows[rows.length - kept.length];
      if (firstKept) this.statements.deleteTurnsBefore.run(conversationId, firstKept.seq);
    });
    // Old delivery ids are useless once platforms stop retrying; prune at open so the table stays small.
    this.statements.pruneDeliveries.run(this.now() - DELIVERY_TTL_MS);
  }

  /** Opens (creating when missing) `file`, or `dataDir/state.sqlite`. */
  static open(options: SqliteStateStoreOptions): SqliteStateStore {
    const file = options.file ?? join(options.dataDir ?? "./data", "state.sqlite");
    try {
      mkdirSync(dirname(file), { recursive: true });
      const db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma("busy_timeout = 5000");
      db.exec(schema);
      // Databases made before the web console lack the feedback's answer and snapshot columns.
      const feedbackColumns = new Set((db.prepare("PRAGMA table_info(feedback)").all() as Array<{ name: string }>).map((column) => column.name));
      if (!feedbackColumns.has("answer")) db.exec("ALTER TABLE feedback ADD COLUMN answer TEXT");
      if (!feedbackColumns.has("snapshot_version")) db.exec("ALTER TABLE feedback ADD COLUMN snapshot_version TEXT");
      return new SqliteStateStore(db, options.now ?? Date.now);
    } catch (error) {
      throw new AppError("STATE_STORE_FAILED", `Could not open the chat state database ${file}.`, {
        cause: error,
        hint: "Check that DATA_DIR is writable, or set STATE_URL=memory: to keep chat state in memory.",
      });
    }
  }

  getTurns(conversationId: string): Turn[] {
    return this.statements.selectTurns.all(conversationId).map((row) => JSON.parse(row.turn) as Turn);
  }

  appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): void {
    this.appendTransaction(conversationId, turn, limits);
  }

  recordFeedback(feedback: FeedbackRecord): void {
    this.statements.insertFeedback.run({
      platform: feedback.platform,
      user: feedback.user,
      conversationId: feedback.conversationId,
      messageId: feedback.messageId,
      value: feedback.value,
      question: feedback.question ?? null,
      answer: feedback.answer ?? null,
      snapshotVersion: feedback.snapshotVersion ?? null,
      at: feedback.at,
    });
  }

  logQuestion(record: QuestionRecord): void {
    this.statements.insertQuestion.run({
      ...record,
      conversationId: record.conversationId ?? null,
      refused: record.refused ? 1 : 0,
      latencyMs: Math.round(record.latencyMs),
      feedback: record.feedback ?? null,
    });
  }

  getQuestion(id: string): QuestionRecord | undefined {
    const row = this.statements.selectQuestion.get(id);
    return row && questionFromRow(row);
  }

  listQuestions(filter: QuestionFilter): QuestionRecord[] {
    const refused = filter.refused === undefined ? null : filter.refused ? 1 : 0;
    return this.statements.selectQuestions.all({ refused, feedback: filter.feedback ?? null, limit: filter.limit }).map(questionFromRow);
  }

  setQuestionFeedback(id: string, value: "up" | "down"): boolean {
    return this.statements.updateQuestionFeedback.run(value, id).changes === 1;
  }

  pruneQuestions(before: number): number {
    return this.statements.pruneQuestions.run(before).changes;
  }

  listFeedback(limit: number): FeedbackRecord[] {
    return this.statements.selectFeedback.all(limit).map((row) => ({
      platform: row.platform,
      user: row.user,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      value: row.value,
      ...(row.question === null ? {} : { question: row.question }),
      ...(row.answer === null ? {} : { answer: row.answer }),
      ...(row.snapshot_version === null ? {} : { snapshotVersion: row.snapshot_version }),
      at: row.at,
    }));
  }

  claimDelivery(platform: ChatPlatform, messageId: string): boolean {
    // A long-running server prunes as it goes, not only at open.
    if (++this.claimsSincePrune >= 1000) {
      this.claimsSincePrune = 0;
      this.statements.pruneDeliveries.run(this.now() - DELIVERY_TTL_MS);
    }
    // INSERT … ON CONFLICT DO NOTHING is a single atomic statement: exactly one claimant sees a change.
    return this.statements.claim.run(platform, messageId, this.now()).changes === 1;
  }

  audit(entry: AuditEntry): void {
    this.statements.insertAudit.run(entry);
  }

  listAudit(limit: number): AuditEntry[] {
    return this.statements.selectAudit.all(limit).map((row) => ({ ...row }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
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
    at: row.at,
  };
}
