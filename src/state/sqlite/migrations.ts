/**
 * Schema versions, applied in order and recorded in `PRAGMA user_version`. Version 1 is the
 * schema before versioning (hence IF NOT EXISTS: old files already have it).
 */
export const sqliteMigrations: string[] = [
  `
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
);`,
  `
ALTER TABLE turns ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
UPDATE turns SET at = COALESCE(json_extract(turn, '$.at'), 0);
CREATE INDEX turns_by_time ON turns (at);
ALTER TABLE audit ADD COLUMN aggregate_key TEXT;
ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX audit_by_key ON audit (aggregate_key);
CREATE INDEX audit_by_time ON audit (at);
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  hits TEXT NOT NULL,
  noticed_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE TABLE questions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  conversation_id TEXT,
  question TEXT NOT NULL,
  language TEXT NOT NULL,
  mode TEXT NOT NULL,
  refused INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  snapshot TEXT NOT NULL
);
CREATE INDEX questions_by_time ON questions (at);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  seq INTEGER NOT NULL,
  job TEXT NOT NULL
);`,
  // 3: the web console's question log (answer id, platform, answer, citations, feedback) and the
  // answer and snapshot a 👍/👎 is about. Older rows keep their id (as text) and get an empty answer.
  `
ALTER TABLE feedback ADD COLUMN answer TEXT;
ALTER TABLE feedback ADD COLUMN snapshot_version TEXT;
CREATE TABLE questions_v3 (
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
INSERT INTO questions_v3 (id, platform, conversation_id, question, answer, language, mode, refused, latency_ms, snapshot_version, citations, at)
  SELECT 'q' || id, CASE WHEN instr(conversation_id, ':') > 1 THEN substr(conversation_id, 1, instr(conversation_id, ':') - 1) ELSE 'unknown' END,
         conversation_id, question, '', language, mode, refused, latency_ms, snapshot, 0, at FROM questions;
DROP TABLE questions;
ALTER TABLE questions_v3 RENAME TO questions;
CREATE INDEX questions_by_time ON questions (at);
CREATE INDEX questions_by_refused ON questions (refused, at);`,
  // 4: admin console sessions signed out, shared by every process (WORKERS > 1).
  `
CREATE TABLE revoked_sessions (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);`,
  // 5: the comment written with a 👍/👎 in the web chat.
  `
ALTER TABLE feedback ADD COLUMN comment TEXT;
ALTER TABLE questions ADD COLUMN feedback_comment TEXT;`,
];
