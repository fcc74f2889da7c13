import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { sqliteMigrations } from "../../src/state/sqlite/migrations.js";
import { SqliteStateStore } from "../../src/state/sqlite/sqlite-state-store.js";
import { postgresMigrations } from "../../src/state/postgres/migrations.js";
import { PostgresStateStore } from "../../src/state/postgres/postgres-state-store.js";
import { createStateStore } from "../../src/state/factory.js";
import { MemoryStateStore } from "../../src/state/memory-state-store.js";
import type { StateStore } from "../../src/state/state-store.js";
import type { Turn } from "../../src/core/types.js";
import { freshDatabase, skipPostgres } from "../helpers/postgres.js";

/**
 * One contract for every StateStore: memory, SQLite and PostgreSQL must behave the same.
 * The PostgreSQL run needs TEST_DATABASE_URL (scripts/with-postgres.sh); see tests/helpers/postgres.ts.
 */

const turn = (index: number, size = 10, at = 1000 + index): Turn => ({
  question: `问题${index}`,
  standaloneQuestion: `问题${index}`,
  answer: "答".repeat(size),
  places: ["长治"],
  at,
});

const directories: string[] = [];
const stores: StateStore[] = [];
const databases: Array<() => Promise<void>> = [];
function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "state-store-"));
  directories.push(directory);
  return directory;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
afterAll(async () => {
  for (const drop of databases.splice(0)) await drop();
});

interface Clock {
  now: () => number;
  set: (at: number) => void;
}
function clock(start = 1_000_000): Clock {
  let at = start;
  return { now: () => at, set: (value) => (at = value) };
}

type Factory = (now: () => number) => Promise<StateStore>;
const implementations: Array<[string, Factory, boolean]> = [
  ["memory", async (now) => new MemoryStateStore(now), false],
  ["sqlite", async (now) => SqliteStateStore.open({ dataDir: tempDir(), now }), false],
  [
    "postgres",
    async (now) => {
      const database = await freshDatabase();
      databases.push(database.drop);
      return PostgresStateStore.open({ url: database.url, now });
    },
    skipPostgres,
  ],
];

describe.each(implementations)("%s state store (contract)", (_name, make, skip) => {
  const open = async (time: Clock = clock()) => {
    const store = await make(time.now);
    stores.push(store);
    return store;
  };

  it.skipIf(skip)("keeps conversations bounded by turns and characters", async () => {
    const store = await open();
    for (let index = 0; index < 10; index++) await store.appendTurn("c1", turn(index), { maxTurns: 3, maxChars: 10_000 });
    expect((await store.getTurns("c1")).map((entry) => entry.question)).toEqual(["问题7", "问题8", "问题9"]);
    await store.appendTurn("c2", turn(0, 50), { maxTurns: 6, maxChars: 120 });
    await store.appendTurn("c2", turn(1, 50), { maxTurns: 6, maxChars: 120 });
    await store.appendTurn("c2", turn(2, 50), { maxTurns: 6, maxChars: 120 });
    expect((await store.getTurns("c2")).map((entry) => entry.question)).toEqual(["问题1", "问题2"]);
    // The newest turn survives even when it alone is over the character limit.
    await store.appendTurn("c3", turn(0, 500), { maxTurns: 6, maxChars: 100 });
    expect(await store.getTurns("c3")).toHaveLength(1);
    expect(await store.getTurns("unknown")).toEqual([]);
    expect((await store.getTurns("c1"))[0]).toEqual(turn(7));
  });

  it.skipIf(skip)("remembers signed-out admin sessions until they would have expired", async () => {
    const time = clock();
    const store = await open(time);
    expect(await store.sessionRevoked("s1")).toBe(false);
    await store.revokeSession("s1", time.now() + 60_000);
    expect(await store.sessionRevoked("s1")).toBe(true);
    expect(await store.sessionRevoked("s2")).toBe(false);
    time.set(time.now() + 60_001);
    expect(await store.sessionRevoked("s1")).toBe(false);
    // Pruned on the next sign-out; signing out again is harmless.
    await store.revokeSession("s2", time.now() + 1000);
    await store.revokeSession("s2", time.now() + 1000);
    expect(await store.sessionRevoked("s2")).toBe(true);
  });

  it.skipIf(skip)("claims a delivery only once, also when claims race", async () => {
    const store = await open();
    expect(await store.claimDelivery("slack", "Ev1")).toBe(true);
    expect(await store.claimDelivery("slack", "Ev1")).toBe(false);
    expect(await store.claimDelivery("wechat", "Ev1")).toBe(true);
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimDelivery("wechat", "Msg42")));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it.skipIf(skip)("records feedback and audit entries, newest first", async () => {
    const store = await open();
    await store.recordFeedback({ platform: "slack", user: "U1", conversationId: "c", messageId: "1.2", value: "up", question: "问", at: 1 });
    await store.recordFeedback({ platform: "slack", user: "U2", conversationId: "c", messageId: "1.2", value: "down", at: 2 });
    expect(await store.listFeedback(10)).toEqual([
      { platform: "slack", user: "U2", conversationId: "c", messageId: "1.2", value: "down", at: 2 },
      { platform: "slack", user: "U1", conversationId: "c", messageId: "1.2", value: "up", question: "问", at: 1 },
    ]);
    await store.audit({ actor: "slack:U1", action: "reindex", detail: "job 1", at: 5 });
    await store.audit({ actor: "slack:U9", action: "reindex.refused", detail: "", at: 6 });
    expect(await store.listAudit(1)).toEqual([{ actor: "slack:U9", action: "reindex.refused", detail: "", at: 6 }]);
  });

  it.skipIf(skip)("aggregates a flood of events into one audit row per key", async () => {
    const store = await open();
    await store.audit({ actor: "admin-api", action: "reindex.start", detail: "job 1", at: 10 });
    for (let index = 0; index < 50; index++) {
      await store.auditAggregate("auth.failed:10.0.0.1:0", { actor: "admin-api", action: "auth.failed", detail: `${index + 1} failed`, at: 20 + index });
    }
    await store.auditAggregate("auth.failed:10.0.0.2:0", { actor: "admin-api", action: "auth.failed", detail: "1 failed", at: 100 });
    const audit = await store.listAudit(10);
    expect(audit).toEqual([
      { actor: "admin-api", action: "auth.failed", detail: "1 failed", at: 100 },
      { actor: "admin-api", action: "auth.failed", detail: "50 failed", at: 69, count: 50 },
      { actor: "admin-api", action: "reindex.start", detail: "job 1", at: 10 },
    ]);
  });

  it.skipIf(skip)("keeps one sliding rate window per key and sends the notice once per window", async () => {
    const time = clock(0);
    const store = await open(time);
    const rule = { limit: 2, windowMs: 60_000 };
    const take = () => store.takeRate("wechat:U1", rule);
    expect((await take()).allowed).toBe(true);
    time.set(1000);
    expect((await take()).allowed).toBe(true);
    const refused = await take();
    expect(refused).toMatchObject({ allowed: false, firstRefusal: true });
    expect(refused.retryAfterMs).toBe(59_000);
    expect(await take()).toMatchObject({ allowed: false, firstRefusal: false });
    expect(await store.takeRate("wechat:U2", rule)).toMatchObject({ allowed: true });
    expect(await store.takeRate("wechat:U1", { ...rule, peek: true })).toMatchObject({ allowed: false, firstRefusal: false });
    time.set(60_000);
    // The first hit left the window; the second is still in it.
    expect((await take()).allowed).toBe(true);
    expect((await take()).allowed).toBe(false);
  });

  it.skipIf(skip)("counts concurrent hits on one key exactly", async () => {
    const store = await open(clock(5000));
    const decisions = await Promise.all(Array.from({ length: 12 }, () => store.takeRate("burst", { limit: 5, windowMs: 60_000 })));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
    expect(decisions.filter((decision) => decision.firstRefusal)).toHaveLength(1);
  });

  const question = { platform: "http", question: "长治高新区有哪些招商优惠政策？", answer: "答[1]", language: "zh", mode: "extractive", refused: false, latencyMs: 12, snapshotVersion: "v1", citations: 1 };

  it.skipIf(skip)("logs questions, newest first", async () => {
    const store = await open();
    await store.logQuestion({ ...question, id: "q1", at: 5, conversationId: "api:1" });
    await store.logQuestion({ ...question, id: "q2", at: 6, question: "What about Mars?", answer: "", language: "en", mode: "extractive", refused: true, citations: 0 });
    expect(await store.listQuestions({ limit: 5 })).toEqual([
      { ...question, id: "q2", at: 6, question: "What about Mars?", answer: "", language: "en", mode: "extractive", refused: true, citations: 0 },
      { ...question, id: "q1", at: 5, conversationId: "api:1" },
    ]);
    expect(await store.listQuestions({ limit: 1 })).toHaveLength(1);
  });

  it.skipIf(skip)("keeps a question log with feedback and filters", async () => {
    const store = await open();
    await store.logQuestion({ ...question, id: "a1", refused: false, at: 100 });
    await store.logQuestion({ ...question, id: "a2", refused: true, conversationId: "web:x", citations: 0, at: 200 });
    await store.logQuestion({ ...question, id: "a3", refused: false, latencyMs: 3.6, at: 300 });
    expect(await store.setQuestionFeedback("a3", "down")).toBe(true);
    expect(await store.setQuestionFeedback("nope", "up")).toBe(false);
    expect((await store.listQuestions({ limit: 10 })).map((record) => record.id)).toEqual(["a3", "a2", "a1"]);
    expect(await store.listQuestions({ limit: 10, refused: true })).toEqual([{ ...question, id: "a2", refused: true, conversationId: "web:x", citations: 0, at: 200 }]);
    expect((await store.listQuestions({ limit: 10, refused: false })).map((record) => record.id)).toEqual(["a3", "a1"]);
    expect((await store.listQuestions({ limit: 10, feedback: "down" })).map((record) => record.id)).toEqual(["a3"]);
    expect(await store.getQuestion("a3")).toEqual({ ...question, id: "a3", refused: false, latencyMs: 4, feedback: "down", at: 300 });
    expect(await store.getQuestion("nope")).toBeUndefined();
  });

  it.skipIf(skip)("searches, dates and pages the question log and the audit log; keeps a feedback comment", async () => {
    const store = await open();
    await store.logQuestion({ ...question, id: "b1", question: "长治高新区招商大使多少名？", answer: "100名[1]", at: 1000 });
    await store.logQuestion({ ...question, id: "b2", question: "What incentives does Changzhi offer?", answer: "Rent subsidy 50%_off", at: 2000 });
    await store.logQuestion({ ...question, id: "b3", question: "衡阳高新区签约项目？", answer: "28个", at: 3000 });
    expect(await store.setQuestionFeedback("b3", "down", "缺少年份")).toBe(true);
    const ids = async (filter: Parameters<typeof store.listQuestions>[0]) => (await store.listQuestions(filter)).map((record) => record.id);
    expect(await ids({ limit: 10, search: "招商大使" })).toEqual(["b1"]);
    expect(await ids({ limit: 10, search: "CHANGZHI" })).toEqual(["b2"]);
    // The answer and the comment are searched too; LIKE wildcards are literal.
    expect(await ids({ limit: 10, search: "50%_off" })).toEqual(["b2"]);
    expect(await ids({ limit: 10, search: "%" })).toEqual(["b2"]);
    expect(await ids({ limit: 10, search: "缺少" })).toEqual(["b3"]);
    expect(await ids({ limit: 10, from: 1500, to: 3000 })).toEqual(["b3", "b2"]);
    expect(await ids({ limit: 1, offset: 1 })).toEqual(["b2"]);
    expect(await ids({ limit: 5, offset: 2 })).toEqual(["b1"]);
    expect((await store.getQuestion("b3"))?.feedbackComment).toBe("缺少年份");
    expect(await store.setQuestionFeedback("b3", "up")).toBe(true);
    expect((await store.getQuestion("b3"))?.feedbackComment).toBeUndefined();
    await store.recordFeedback({ platform: "web", user: "ip", conversationId: "c", messageId: "b3", value: "down", comment: "缺少年份", at: 4 });
    expect((await store.listFeedback(1))[0]?.comment).toBe("缺少年份");

    await store.audit({ actor: "admin:alice", action: "documents.upload", detail: "a.md", at: 10 });
    await store.audit({ actor: "admin:bob", action: "rollback", detail: "from v1 to v2", at: 20 });
    await store.audit({ actor: "admin:bob", action: "documents.delete", detail: "a.md", at: 30 });
    expect((await store.listAudit(10, { search: "ADMIN:BOB" })).map((row) => row.action)).toEqual(["documents.delete", "rollback"]);
    expect((await store.listAudit(10, { search: "a.md" })).map((row) => row.actor)).toEqual(["admin:bob", "admin:alice"]);
    expect((await store.listAudit(1, { offset: 1 })).map((row) => row.action)).toEqual(["rollback"]);
  });

  it.skipIf(skip)("stores the answer and snapshot version with feedback", async () => {
    const store = await open();
    await store.recordFeedback({ platform: "http", user: "web", conversationId: "c", messageId: "a1", value: "up", question: "问", answer: "答", snapshotVersion: "v9", at: 1 });
    await store.recordFeedback({ platform: "slack", user: "U1", conversationId: "slack:C1", messageId: "1.5", value: "down", at: 2 });
    expect(await store.listFeedback(5)).toEqual([
      { platform: "slack", user: "U1", conversationId: "slack:C1", messageId: "1.5", value: "down", at: 2 },
      { platform: "http", user: "web", conversationId: "c", messageId: "a1", value: "up", question: "问", answer: "答", snapshotVersion: "v9", at: 1 },
    ]);
  });

  it.skipIf(skip)("stores jobs so another process sees the latest one", async () => {
    const store = await open();
    expect(await store.latestJob()).toBeUndefined();
    await store.saveJob({ id: "job-1", state: "running", job: { id: "job-1", files: [{ file: "a.md" }] } });
    await store.saveJob({ id: "job-2", state: "queued", job: { id: "job-2" } });
    await store.saveJob({ id: "job-2", state: "succeeded", job: { id: "job-2", version: "v9" } });
    expect(await store.latestJob()).toEqual({ id: "job-2", state: "succeeded", job: { id: "job-2", version: "v9" } });
  });

  it.skipIf(skip)("prunes conversations, questions and audit rows older than the cutoffs", async () => {
    const store = await open();
    const limits = { maxTurns: 6, maxChars: 10_000 };
    await store.appendTurn("old", turn(1, 10, 100), limits);
    await store.appendTurn("active", turn(1, 10, 100), limits);
    await store.appendTurn("active", turn(2, 10, 5000), limits);
    await store.logQuestion({ ...question, id: "old", at: 100 });
    await store.logQuestion({ ...question, id: "new", at: 5000 });
    await store.audit({ actor: "a", action: "x", detail: "", at: 100 });
    await store.audit({ actor: "a", action: "y", detail: "", at: 5000 });
    expect(await store.prune({ conversationsBefore: 1000, questionsBefore: 1000, auditBefore: 1000 })).toEqual({ conversations: 1, questions: 1, audit: 1 });
    expect(await store.getTurns("old")).toEqual([]);
    // A conversation still in use keeps all its turns, old ones included.
    expect(await store.getTurns("active")).toHaveLength(2);
    expect((await store.listQuestions({ limit: 10 })).map((row) => row.id)).toEqual(["new"]);
    expect((await store.listAudit(10)).map((row) => row.action)).toEqual(["y"]);
    expect(await store.prune({})).toEqual({ conversations: 0, questions: 0, audit: 0 });
  });

  it.skipIf(skip)("hands out a build lease", async () => {
    const store = await open();
    const lease = await store.tryBuildLock();
    expect(lease).toBeDefined();
    await lease!.release();
    await lease!.release();
  });
});

describe("sqlite state store on disk", () => {
  it("survives close and reopen", async () => {
    const dataDir = join(tempDir(), "nested", "data");
    const first = SqliteStateStore.open({ dataDir });
    await first.appendTurn("slack:C1:1.0", turn(1), { maxTurns: 6, maxChars: 4000 });
    await first.claimDelivery("slack", "Ev9");
    await first.recordFeedback({ platform: "slack", user: "U1", conversationId: "slack:C1:1.0", messageId: "1.5", value: "up", at: 9 });
    await first.audit({ actor: "admin", action: "reindex", detail: "x", at: 10 });
    await first.close();
    expect(existsSync(join(dataDir, "state.sqlite"))).toBe(true);

    const second = SqliteStateStore.open({ dataDir });
    stores.push(second);
    expect(await second.getTurns("slack:C1:1.0")).toEqual([turn(1)]);
    expect(await second.claimDelivery("slack", "Ev9")).toBe(false);
    expect(await second.listFeedback(5)).toHaveLength(1);
    expect((await second.listAudit(5))[0].action).toBe("reindex");
  });

  it("is atomic across two connections to the same file", async () => {
    const dataDir = tempDir();
    const one = SqliteStateStore.open({ dataDir });
    const two = SqliteStateStore.open({ dataDir });
    stores.push(one, two);
    expect([await one.claimDelivery("slack", "E"), await two.claimDelivery("slack", "E")]).toEqual([true, false]);
    const rule = { limit: 3, windowMs: 60_000 };
    const decisions = [];
    for (let index = 0; index < 4; index++) decisions.push((await (index % 2 ? one : two).takeRate("u", rule)).allowed);
    expect(decisions).toEqual([true, true, true, false]);
  });

  it("upgrades a state file written before schema versions, keeping its rows", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, "state.sqlite");
    const legacy = new Database(file);
    legacy.exec(`CREATE TABLE turns (conversation_id TEXT NOT NULL, seq INTEGER PRIMARY KEY AUTOINCREMENT, turn TEXT NOT NULL);
      CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL, at INTEGER NOT NULL);`);
    legacy.prepare("INSERT INTO turns (conversation_id, turn) VALUES (?, ?)").run("c", JSON.stringify(turn(1, 10, 50)));
    legacy.prepare("INSERT INTO audit (actor, action, detail, at) VALUES ('a', 'rollback', 'd', 7)").run();
    legacy.close();
    const store = SqliteStateStore.open({ file });
    stores.push(store);
    expect(await store.getTurns("c")).toEqual([turn(1, 10, 50)]);
    expect(await store.listAudit(5)).toEqual([{ actor: "a", action: "rollback", detail: "d", at: 7 }]);
    // The backfilled turn time drives the TTL.
    expect((await store.prune({ conversationsBefore: 100 })).conversations).toBe(1);
    // Opening again finds nothing to migrate.
    stores.push(SqliteStateStore.open({ file }));
  });

  it("upgrades a version-2 question log to the web console's columns, keeping its rows", async () => {
    const file = join(tempDir(), "state.sqlite");
    const old = new Database(file);
    for (const migration of sqliteMigrations.slice(0, 2)) old.exec(migration);
    old.pragma("user_version = 2");
    old.prepare("INSERT INTO questions (at, conversation_id, question, language, mode, refused, latency_ms, snapshot) VALUES (5, 'slack:C1:1.0', '问', 'zh', 'extractive', 1, 7, 'v1')").run();
    old.prepare("INSERT INTO feedback (platform, user, conversation_id, message_id, value, at) VALUES ('slack', 'U1', 'c', 'm', 'up', 6)").run();
    old.close();
    const store = SqliteStateStore.open({ file });
    stores.push(store);
    expect(await store.listQuestions({ limit: 5, refused: true })).toEqual([
      { id: "q1", platform: "slack", conversationId: "slack:C1:1.0", question: "问", answer: "", language: "zh", mode: "extractive", refused: true, latencyMs: 7, snapshotVersion: "v1", citations: 0, at: 5 },
    ]);
    expect(await store.setQuestionFeedback("q1", "down")).toBe(true);
    expect((await store.listFeedback(5))[0]).toMatchObject({ platform: "slack", value: "up" });
  });

  it("is the default from config", async () => {
    const dataDir = tempDir();
    const store = await createStateStore({ DATA_DIR: dataDir, STATE_URL: undefined });
    stores.push(store);
    expect(store).toBeInstanceOf(SqliteStateStore);
    expect(existsSync(join(dataDir, "state.sqlite"))).toBe(true);
    const memory = await createStateStore({ DATA_DIR: dataDir, STATE_URL: "memory:" });
    expect(memory).toBeInstanceOf(MemoryStateStore);
    await expect(createStateStore({ DATA_DIR: dataDir, STATE_URL: "mysql://x" })).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    // An unreachable PostgreSQL is a clear start-up error, not a hang or a crash.
    await expect(createStateStore({ DATA_DIR: dataDir, STATE_URL: "postgres://nobody:secret@127.0.0.1:1/none" })).rejects.toMatchObject({
      code: "STATE_STORE_FAILED",
      message: expect.not.stringContaining("secret"),
    });
  });
});

describe.skipIf(skipPostgres)("postgres state store across replicas", () => {
  it("upgrades a version-1 question log to the web console's columns, keeping its rows", async () => {
    const database = await freshDatabase();
    databases.push(database.drop);
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(postgresMigrations[0]!.sql);
    await client.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    await client.query("INSERT INTO schema_migrations (version, name) VALUES (1, 'v1')");
    await client.query("INSERT INTO questions (at, conversation_id, question, language, mode, refused, latency_ms, snapshot) VALUES (5, 'wechat:o1', '问', 'zh', 'extractive', true, 7, 'v1')");
    await client.end();
    const store = await PostgresStateStore.open({ url: database.url });
    stores.push(store);
    const [row] = await store.listQuestions({ limit: 5 });
    expect(row).toEqual({ id: row!.id, platform: "wechat", conversationId: "wechat:o1", question: "问", answer: "", language: "zh", mode: "extractive", refused: true, latencyMs: 7, snapshotVersion: "v1", citations: 0, at: 5 });
    expect(await store.setQuestionFeedback(row!.id, "down")).toBe(true);
    await store.logQuestion({ id: "new", platform: "web", question: "q", answer: "a", language: "en", mode: "llm", refused: false, latencyMs: 1, snapshotVersion: "v2", citations: 2, at: 9 });
    expect((await store.listQuestions({ limit: 5, feedback: "down" })).map((entry) => entry.id)).toEqual([row!.id]);
  });

  it("applies migrations once, idempotently, when replicas open it together", async () => {
    const database = await freshDatabase();
    databases.push(database.drop);
    const opened = await Promise.all([1, 2, 3].map(() => PostgresStateStore.open({ url: database.url })));
    stores.push(...opened);
    const [one, two] = opened;
    expect([await one!.claimDelivery("slack", "E"), await two!.claimDelivery("slack", "E")]).toEqual([true, false]);
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query("SELECT version FROM schema_migrations");
    await client.end();
    expect(rows.map((row) => row.version).sort()).toEqual(postgresMigrations.map((migration) => migration.version));
  });

  it("gives the build lock to one holder at a time, across connections", async () => {
    const database = await freshDatabase();
    databases.push(database.drop);
    const one = await PostgresStateStore.open({ url: database.url });
    const two = await PostgresStateStore.open({ url: database.url });
    stores.push(one, two);
    expect(await two.buildLockHeld()).toBe(false);
    const lease = await one.tryBuildLock();
    expect(lease).toBeDefined();
    expect(await two.buildLockHeld()).toBe(true);
    expect(await two.tryBuildLock()).toBeUndefined();
    expect(await one.tryBuildLock()).toBeUndefined();
    await lease!.release();
    expect(await two.buildLockHeld()).toBe(false);
    const next = await two.tryBuildLock();
    expect(next).toBeDefined();
    // Closing the holder's pool (its process dying) frees the lock too.
    await two.close();
    stores.splice(stores.indexOf(two), 1);
    const after = await one.tryBuildLock();
    expect(after).toBeDefined();
    await after!.release();
  });

  it("opens at most STATE_POOL_SIZE connections per process, however many writes run at once", async () => {
    const database = await freshDatabase();
    databases.push(database.drop);
    const store = await createStateStore({ DATA_DIR: "unused", STATE_URL: database.url, STATE_POOL_SIZE: 2 });
    stores.push(store as PostgresStateStore);
    const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => store.claimDelivery("wechat", `pool-${i % 20}`)));
    expect(claims.filter(Boolean)).toHaveLength(20);
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    await client.end();
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].n).toBeLessThanOrEqual(2);
  });
});
