import { writeFile, rm, mkdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildOrWaitForIndex } from "../../src/admin/first-build.js";
import { loadLexicon } from "../../src/app/lexicon.js";
import { retentionCutoffs, startRetention } from "../../src/chat/retention.js";
import { DAY_MS } from "../../src/state/common.js";
import { MemoryStateStore } from "../../src/state/memory-state-store.js";
import type { Logger } from "../../src/core/logger.js";
import { silentLogger } from "../../src/core/logger.js";
import { BUILD_LOCK_FILE, readCurrentVersion } from "../../src/index/snapshot.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";

let workspace: TempWorkspace | undefined;
afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

/** A clock that moves only when the code under test sleeps, plus what to do at a given time. */
function virtualClock(at: { ms: number; run: () => Promise<unknown> }[] = []) {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      const due = at.filter((event) => event.ms <= now);
      at.splice(0, at.length, ...at.filter((event) => event.ms > now));
      for (const event of due) await event.run();
    },
  };
}

function recordingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: { ...silentLogger, info: (text) => void lines.push(text) } };
}

describe("start-up with no snapshot while another process builds", () => {
  it("waits (bounded, with a log line) and gives up with a clear error when nothing goes live", async () => {
    workspace = await createTempWorkspace();
    const config = testConfig(workspace, { STARTUP_WAIT_SECONDS: "1" });
    await mkdir(config.DATA_DIR, { recursive: true });
    // A live process (this worker's parent) holds the build lock, as a replica building would.
    await writeFile(path.join(config.DATA_DIR, BUILD_LOCK_FILE), JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString() }));
    const { log, lines } = recordingLog();
    const clock = virtualClock();
    await expect(buildOrWaitForIndex(config, await loadLexicon(config.CORPUS_DIR), { log, pollMs: 100, clock })).rejects.toMatchObject({
      code: "INDEX_BUILD_IN_PROGRESS",
      message: expect.stringContaining("Waited 1 s"),
    });
    expect(lines.filter((line) => /waiting up to 1 s/.test(line))).toHaveLength(1);
    expect(clock.now()).toBe(1000); // polled every 100 ms until the second was up
  });

  it("builds itself when the other builder stops without a snapshot", async () => {
    workspace = await createTempWorkspace();
    const config = testConfig(workspace, { STARTUP_WAIT_SECONDS: "60" });
    await mkdir(config.DATA_DIR, { recursive: true });
    const lock = path.join(config.DATA_DIR, BUILD_LOCK_FILE);
    await writeFile(lock, JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString() }));
    const { log, lines } = recordingLog();
    // The other builder stops half a second in.
    const clock = virtualClock([{ ms: 500, run: () => rm(lock, { force: true }) }]);
    const live = await buildOrWaitForIndex(config, await loadLexicon(config.CORPUS_DIR), { log, pollMs: 100, clock });
    expect(clock.now()).toBe(500);
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(live.manifest.version);
    expect(lines.join("\n")).toMatch(/waiting up to 60 s[\s\S]*Index \S+ built/);
  });
});

describe("retention", () => {
  it("turns the *_DAYS settings into cutoffs; 0 keeps forever", () => {
    const now = 100 * DAY_MS;
    expect(retentionCutoffs({ CONVERSATION_TTL_DAYS: 30, QUESTION_LOG_DAYS: 0, AUDIT_DAYS: 365 }, now)).toEqual({
      conversationsBefore: 70 * DAY_MS,
      auditBefore: now - 365 * DAY_MS,
    });
  });

  it("prunes at start: an idle conversation and old log rows go, recent ones stay", async () => {
    const now = 400 * DAY_MS;
    const store = new MemoryStateStore(() => now);
    const turn = (at: number) => ({ question: "q", standaloneQuestion: "q", answer: "a", places: [], at });
    await store.appendTurn("idle", turn(now - 31 * DAY_MS), { maxTurns: 6, maxChars: 1000 });
    await store.appendTurn("recent", turn(now - DAY_MS), { maxTurns: 6, maxChars: 1000 });
    await store.audit({ actor: "a", action: "old", detail: "", at: now - 366 * DAY_MS });
    await store.audit({ actor: "a", action: "new", detail: "", at: now - DAY_MS });
    const { log, lines } = recordingLog();
    const stop = startRetention(store, { CONVERSATION_TTL_DAYS: 30, QUESTION_LOG_DAYS: 90, AUDIT_DAYS: 365 }, log, { now: () => now });
    stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.getTurns("idle")).toEqual([]);
    expect(await store.getTurns("recent")).toHaveLength(1);
    expect((await store.listAudit(10)).map((entry) => entry.action)).toEqual(["new"]);
    expect(lines.join("\n")).toMatch(/removed 1 conversations, 0 logged questions and 1 audit entries/);
  });
});
