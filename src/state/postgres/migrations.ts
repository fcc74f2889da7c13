/** Applied in order once each, recorded in schema_migrations; never edit one that has shipped, add a new one. */
export const postgresMigrations: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: "chat state, audit, rate limits, question log, jobs",
    sql: `
CREATE TABLE turns (
  seq BIGSERIAL PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  turn JSONB NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX turns_by_conversation ON turns (conversation_id, seq);
CREATE INDEX turns_by_time ON turns (at);
CREATE TABLE feedback (
  id BIGSERIAL PRIMARY KEY,
  platform TEXT NOT NULL,
  "user" TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  value TEXT NOT NULL CHECK (value IN ('up', 'down')),
  question TEXT,
  at BIGINT NOT NULL
);
CREATE TABLE deliveries (
  platform TEXT NOT NULL,
  message_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (platform, message_id)
);
CREATE INDEX deliveries_by_time ON deliveries (at);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  at BIGINT NOT NULL,
  aggregate_key TEXT UNIQUE,
  count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_by_time ON audit (at);
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  hits JSONB NOT NULL,
  noticed_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE TABLE questions (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  conversation_id TEXT,
  question TEXT NOT NULL,
  language TEXT NOT NULL,
  mode TEXT NOT NULL,
  refused BOOLEAN NOT NULL,
  latency_ms INTEGER NOT NULL,
  snapshot TEXT NOT NULL
);
CREATE INDEX questions_by_time ON questions (at);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  seq BIGSERIAL,
  state TEXT NOT NULL,
  job JSONB NOT NULL
);`,
  },
  {
    version: 2,
    name: "web console question log (answer id, platform, answer, citations, feedback) and feedback's answer and snapshot",
    // Older rows keep their numeric id as text and get an empty answer: nothing is dropped.
    sql: `
ALTER TABLE feedback ADD COLUMN answer TEXT, ADD COLUMN snapshot_version TEXT;
ALTER TABLE questions ALTER COLUMN id DROP DEFAULT, ALTER COLUMN id TYPE TEXT USING 'q' || id::text;
DROP SEQUENCE IF EXISTS questions_id_seq;
ALTER TABLE questions RENAME COLUMN snapshot TO snapshot_version;
ALTER TABLE questions
  ADD COLUMN platform TEXT,
  ADD COLUMN answer TEXT NOT NULL DEFAULT '',
  ADD COLUMN citations INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN feedback TEXT CHECK (feedback IN ('up', 'down'));
UPDATE questions SET platform = COALESCE(NULLIF(split_part(conversation_id, ':', 1), conversation_id), 'unknown');
ALTER TABLE questions ALTER COLUMN platform SET NOT NULL;
CREATE INDEX questions_by_refused ON questions (refused, at);`,
  },
  {
    version: 3,
    name: "admin console sessions signed out, shared by every replica",
    sql: `
CREATE TABLE revoked_sessions (
  id TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);`,
  },
  {
    version: 4,
    name: "the comment written with a web chat 👍/👎",
    sql: `
ALTER TABLE feedback ADD COLUMN comment TEXT;
ALTER TABLE questions ADD COLUMN feedback_comment TEXT;`,
  },
];
