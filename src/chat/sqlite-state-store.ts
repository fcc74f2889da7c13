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
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  platform TEXT NOT NULL,
  message_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (platform, message_id)
);
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
        "INSERT INTO feedback (platform, user, conversation_id, message_id, value, question, at) VALUES (@platform, @user, @conversationId, @messageId, @value, @question, @at)",
      ),
      selectFeedback: db.prepare<[number], FeedbackRow>("SELECT * FROM feedback ORDER BY id DESC LIMIT ?"),
      claim: db.prepare<[string, string, number]>(
        "INSERT INTO deliveries (platform, message_id, at) VALUES (?, ?, ?) ON CONFLICT (platform, message_id) DO NOTHING",
      ),
      pruneDeliveries: db.prepare<[number]>("DELETE FROM deliveries WHERE at < ?"),
      insertAudit: db.prepare("INSERT INTO audit (actor, action, detail, at) VALUES (@actor, @action, @detail, @at)"),
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
    this.statements.insertFeedback.run({ ...feedback, question: feedback.question ?? null });
  }

  listFeedback(limit: number): FeedbackRecord[] {
    return this.statements.selectFeedback.all(limit).map((row) => ({
      platform: row.platform,
      user: row.user,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      value: row.value,
      ...(row.question === null ? {} : { question: row.question }),
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
  at: number;
}
