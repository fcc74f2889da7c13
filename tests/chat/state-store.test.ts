import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStateStore } from "../../src/chat/sqlite-state-store.js";
import { createStateStore, MemoryStateStore, type StateStore } from "../../src/chat/state-store.js";
import type { Turn } from "../../src/core/types.js";

const turn = (index: number, size = 10): Turn => ({
  question: `问题${index}`,
  standaloneQuestion: `问题${index}`,
  answer: "答".repeat(size),
  places: ["长治"],
  at: 1000 + index,
});

const directories: string[] = [];
const stores: StateStore[] = [];
function tempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "state-store-"));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const implementations: Array<[string, () => StateStore]> = [
  ["memory", () => new MemoryStateStore()],
  ["sqlite", () => SqliteStateStore.open({ dataDir: tempDir() })],
];

describe.each(implementations)("%s state store", (_name, make) => {
  const open = () => {
    const store = make();
    stores.push(store);
    return store;
  };

  it("keeps conversations bounded by turns and characters", () => {
    const store = open();
    for (let index = 0; index < 10; index++) store.appendTurn("c1", turn(index), { maxTurns: 3, maxChars: 10_000 });
    expect(store.getTurns("c1").map((entry) => entry.question)).toEqual(["问题7", "问题8", "问题9"]);
    store.appendTurn("c2", turn(0, 50), { maxTurns: 6, maxChars: 120 });
    store.appendTurn("c2", turn(1, 50), { maxTurns: 6, maxChars: 120 });
    store.appendTurn("c2", turn(2, 50), { maxTurns: 6, maxChars: 120 });
    expect(store.getTurns("c2").map((entry) => entry.question)).toEqual(["问题1", "问题2"]);
    // The newest turn survives even when it alone is over the character limit.
    store.appendTurn("c3", turn(0, 500), { maxTurns: 6, maxChars: 100 });
    expect(store.getTurns("c3")).toHaveLength(1);
    expect(store.getTurns("unknown")).toEqual([]);
    expect(store.getTurns("c1")[0]).toEqual(turn(7));
  });

  it("claims a delivery only once", () => {
    const store = open();
    expect(store.claimDelivery("slack", "Ev1")).toBe(true);
    expect(store.claimDelivery("slack", "Ev1")).toBe(false);
    expect(store.claimDelivery("wechat", "Ev1")).toBe(true);
  });

  it("records feedback and audit entries, newest first", () => {
    const store = open();
    store.recordFeedback({ platform: "slack", user: "U1", conversationId: "c", messageId: "1.2", value: "up", question: "问", at: 1 });
    store.recordFeedback({ platform: "slack", user: "U2", conversationId: "c", messageId: "1.2", value: "down", at: 2 });
    expect(store.listFeedback(10)).toEqual([
      { platform: "slack", user: "U2", conversationId: "c", messageId: "1.2", value: "down", at: 2 },
      { platform: "slack", user: "U1", conversationId: "c", messageId: "1.2", value: "up", question: "问", at: 1 },
    ]);
    store.audit({ actor: "slack:U1", action: "reindex", detail: "job 1", at: 5 });
    store.audit({ actor: "slack:U9", action: "reindex.refused", detail: "", at: 6 });
    expect(store.listAudit(1)).toEqual([{ actor: "slack:U9", action: "reindex.refused", detail: "", at: 6 }]);
  });

  it("keeps a question log with feedback, filters and retention", () => {
    const store = open();
    const base = { platform: "http", question: "问", answer: "答[1]", language: "zh", mode: "extractive", latencyMs: 3, snapshotVersion: "v1", citations: 1 };
    store.logQuestion({ ...base, id: "a1", refused: false, at: 100 });
    store.logQuestion({ ...base, id: "a2", refused: true, conversationId: "web:x", citations: 0, at: 200 });
    store.logQuestion({ ...base, id: "a3", refused: false, at: 300 });
    expect(store.setQuestionFeedback("a3", "down")).toBe(true);
    expect(store.setQuestionFeedback("nope", "up")).toBe(false);
    expect(store.listQuestions({ limit: 10 }).map((record) => record.id)).toEqual(["a3", "a2", "a1"]);
    expect(store.listQuestions({ limit: 10, refused: true })).toEqual([{ ...base, id: "a2", refused: true, conversationId: "web:x", citations: 0, at: 200 }]);
    expect(store.listQuestions({ limit: 10, feedback: "down" }).map((record) => record.id)).toEqual(["a3"]);
    expect(store.getQuestion("a3")?.feedback).toBe("down");
    expect(store.pruneQuestions(250)).toBe(2);
    expect(store.listQuestions({ limit: 10 }).map((record) => record.id)).toEqual(["a3"]);
  });

  it("stores the answer and snapshot version with feedback", () => {
    const store = open();
    store.recordFeedback({ platform: "http", user: "web", conversationId: "c", messageId: "a1", value: "up", question: "问", answer: "答", snapshotVersion: "v9", at: 1 });
    expect(store.listFeedback(1)[0]).toMatchObject({ question: "问", answer: "答", snapshotVersion: "v9" });
  });
});

describe("sqlite state store on disk", () => {
  it("survives close and reopen", () => {
    const dataDir = join(tempDir(), "nested", "data");
    const first = SqliteStateStore.open({ dataDir });
    first.appendTurn("slack:C1:1.0", turn(1), { maxTurns: 6, maxChars: 4000 });
    first.claimDelivery("slack", "Ev9");
    first.recordFeedback({ platform: "slack", user: "U1", conversationId: "slack:C1:1.0", messageId: "1.5", value: "up", at: 9 });
    first.audit({ actor: "admin", action: "reindex", detail: "x", at: 10 });
    first.close();
    expect(existsSync(join(dataDir, "state.sqlite"))).toBe(true);

    const second = SqliteStateStore.open({ dataDir });
    stores.push(second);
    expect(second.getTurns("slack:C1:1.0")).toEqual([turn(1)]);
    expect(second.claimDelivery("slack", "Ev9")).toBe(false);
    expect(second.listFeedback(5)).toHaveLength(1);
    expect(second.listAudit(5)[0].action).toBe("reindex");
  });

  it("is atomic across two connections to the same file", () => {
    const dataDir = tempDir();
    const one = SqliteStateStore.open({ dataDir });
    const two = SqliteStateStore.open({ dataDir });
    stores.push(one, two);
    expect([one.claimDelivery("slack", "E"), two.claimDelivery("slack", "E")]).toEqual([true, false]);
  });

  it("is the default from config", async () => {
    const dataDir = tempDir();
    const store = await createStateStore({ DATA_DIR: dataDir, STATE_URL: undefined });
    stores.push(store);
    expect(store).toBeInstanceOf(SqliteStateStore);
    expect(existsSync(join(dataDir, "state.sqlite"))).toBe(true);
    const memory = await createStateStore({ DATA_DIR: dataDir, STATE_URL: "memory:" });
    expect(memory).toBeInstanceOf(MemoryStateStore);
    await expect(createStateStore({ DATA_DIR: dataDir, STATE_URL: "postgres://x" })).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
