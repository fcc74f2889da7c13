import { cp, readdir, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { reindex } from "../../src/admin/reindex.js";
import { describeJob } from "../../src/admin/reindex-manager.js";
import { pruneOldSnapshots, snapshotsByBuildTime } from "../../src/admin/snapshot-history.js";
import type { Config } from "../../src/core/config.js";
import { isAppError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { readCurrentVersion, snapshotDir } from "../../src/index/snapshot.js";
import { readSnapshotEvents } from "../../src/index/snapshot-log.js";
import { createTempWorkspace, realCorpusDir, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";

const QUESTION = "长治高新区聘请了多少名招商大使？";

describe("ReindexManager: gate, swap, failures, rollback, CLI pick-up, start-up fallback", () => {
  let workspace: TempWorkspace;
  let config: Config;
  let runtime: Runtime;
  const lines: string[] = [];
  const log = createLogger("info", (line) => lines.push(line));

  beforeAll(async () => {
    workspace = await createTempWorkspace();
    config = testConfig(workspace, { SNAPSHOTS_KEEP: "2" });
    runtime = await createRuntime(config, { log, memoryState: true });
  });
  afterAll(async () => {
    await runtime?.close();
    await workspace?.cleanup();
  });

  const version = () => runtime.service.status().indexVersion;
  const auditActions = async () => (await runtime.store.listAudit(100)).map((entry) => `${entry.actor} ${entry.action}`);

  it("runs one job at a time and swaps in a candidate that passes the gate", async () => {
    const before = version();
    const job = await runtime.admin.start("tester");
    expect(job.state).toBe("queued");
    let second: unknown;
    try {
      await runtime.admin.start("tester-2");
    } catch (error) {
      second = error;
    }
    expect(isAppError(second) && second.code === "INDEX_BUILD_IN_PROGRESS" && second.status === 409).toBe(true);

    const done = await runtime.admin.wait(job.id);
    expect(done.state).toBe("succeeded");
    expect(done.version).not.toBe(before);
    expect(version()).toBe(done.version);
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(done.version);
    expect(done.gate && "passed" in done.gate && done.gate.passed).toBe(true);
    expect(done.files.every((file) => file.change === "unchanged")).toBe(true);
    expect(describeJob(done)).toContain("is live");
    expect(await auditActions()).toEqual(expect.arrayContaining(["tester reindex.start", "tester reindex.succeeded", "tester-2 reindex.rejected"]));
    const answer = await runtime.service.ask(QUESTION);
    expect(answer.refused).toBe(false);
  });

  it("never reports a finished build beside the snapshot live before it, when the build ends while status is read", async () => {
    const store = runtime.store;
    const latestJob = store.latestJob.bind(store);
    const job = await runtime.admin.start("tester");
    // The status read (its first store call, made synchronously) waits on the store until the build
    // is over, as on a busy server; the build's own store calls go through at once.
    let armed = true;
    store.latestJob = async () => {
      if (armed) {
        armed = false;
        await runtime.admin.wait(job.id);
      }
      return latestJob();
    };
    let status;
    try {
      status = await runtime.admin.status();
    } finally {
      store.latestJob = latestJob;
    }
    expect(status.lastJob?.state).toBe("succeeded");
    // Either it still says running (the page polls again) or it shows the new live snapshot.
    expect(status.running || status.live.version === status.lastJob?.version).toBe(true);
    expect((await runtime.admin.status()).live.version).toBe(job.version ?? (await runtime.admin.wait(job.id)).version);
  });

  it("refuses a candidate that scores lower and names the questions that got worse", async () => {
    const before = version();
    const removed = path.join(workspace.corpusDir, "002_93385d198ddbd426.txt");
    await rm(removed);
    try {
      const done = await runtime.admin.wait((await runtime.admin.start("tester")).id);
      expect(done.state).toBe("refused");
      expect(version()).toBe(before);
      expect(await readCurrentVersion(config.DATA_DIR)).toBe(before);
      expect(await stat(snapshotDir(config.DATA_DIR, done.version!)).catch(() => undefined)).toBeUndefined();
      const gate = done.gate!;
      expect("worse" in gate).toBe(true);
      if (!("worse" in gate)) return;
      expect(gate.passed).toBe(false);
      expect(gate.candidate.passed).toBeLessThan(gate.live.passed);
      // d02 asks about 长治's investment ambassadors, which only file 002 reports.
      const worse = gate.worse.find((question) => question.id === "d02");
      expect(worse?.question).toBe(QUESTION);
      expect(describeJob(done)).toContain("d02");
      expect(await auditActions()).toContain("tester reindex.refused");
      expect((await runtime.store.listAudit(1))[0]!.detail).toContain("d02");
    } finally {
      await cp(path.join(realCorpusDir, "002_93385d198ddbd426.txt"), removed);
    }
  });

  it("fails cleanly on a write error: job failed with the message, live snapshot untouched", async () => {
    const before = version();
    const snapshots = path.join(config.DATA_DIR, "snapshots");
    await rename(snapshots, `${snapshots}.moved`);
    await writeFile(snapshots, "not a directory");
    let done;
    try {
      done = await runtime.admin.wait((await runtime.admin.start("tester")).id);
    } finally {
      await rm(snapshots, { force: true });
      await rename(`${snapshots}.moved`, snapshots);
    }
    expect(done.state).toBe("failed");
    expect(done.error?.code).toBe("INDEX_WRITE_FAILED");
    expect(done.error?.message).toMatch(/snapshot/i);
    expect(version()).toBe(before);
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(before);
    expect((await runtime.service.ask(QUESTION)).refused).toBe(false);
    expect(await auditActions()).toContain("tester reindex.failed");
    // Nothing half-written is left behind.
    expect((await readdir(snapshots)).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });

  it("reports a job left running by a server that died as failed (interrupted), not as running", async () => {
    const orphan = { ...(await runtime.admin.status()).lastJob!, id: "job-orphan", state: "running" as const, finishedAt: undefined };
    await runtime.store.saveJob({ id: orphan.id, state: orphan.state, job: orphan });
    const status = await runtime.admin.status();
    expect(status.running).toBe(false);
    expect(status.lastJob).toMatchObject({ id: "job-orphan", state: "failed", error: { code: "INTERRUPTED" } });
    // The next build records it as failed for good.
    const done = await runtime.admin.wait((await runtime.admin.start("tester", { gate: false })).id);
    expect(done.state).toBe("succeeded");
    expect((await runtime.admin.status()).lastJob?.id).toBe(done.id);
  });

  it("answers 409 at once while another process (the CLI) holds the build lock", async () => {
    const lock = path.join(config.DATA_DIR, "build.lock");
    // The parent of this test worker is alive and is not this process: it stands in for `npm run index`.
    await writeFile(lock, JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString() }));
    try {
      let refused: unknown;
      try {
        await runtime.admin.start("tester");
      } catch (error) {
        refused = error;
      }
      expect(isAppError(refused) && refused.code === "INDEX_BUILD_IN_PROGRESS").toBe(true);
      expect(runtime.admin.running).toBe(false);
    } finally {
      await rm(lock, { force: true });
    }
  });

  it("rolls back to the snapshot that was live before the live one, and records it", async () => {
    const live = version();
    // The first two tests' jobs and the interrupted-job test's build replaced the snapshot built at
    // start-up; refused and failed builds never went live.
    const events = await readSnapshotEvents(config.DATA_DIR);
    expect(events.map((entry) => `${entry.action} ${entry.actor}`)).toEqual(["activate startup", "activate tester", "activate tester", "activate tester"]);
    expect(events.at(-1)!.version).toBe(live);
    const expected = events.at(-2)!.version;
    const result = await runtime.admin.rollback("tester");
    expect((await readSnapshotEvents(config.DATA_DIR)).at(-1)).toMatchObject({ action: "rollback", version: expected, from: live, actor: "tester" });
    expect(result).toEqual({ from: live, to: expected });
    expect(version()).toBe(expected);
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(expected);
    expect(await auditActions()).toContain("tester rollback");
  });

  it("picks up a snapshot made live by another process, and refuses a corrupt one", async () => {
    const outside = await reindex(config, runtime.lexicon, { log, gate: false });
    expect(outside.state).toBe("succeeded");
    expect(await runtime.admin.checkForNewSnapshot()).toBe(true);
    expect(version()).toBe(outside.version);
    expect(await auditActions()).toContain("watcher snapshot.switch");

    // A corrupt manifest.
    const broken = await reindex(config, runtime.lexicon, { log, gate: false });
    await writeFile(path.join(snapshotDir(config.DATA_DIR, broken.version), "manifest.json"), '{"formatVersion": 1, "version": ');
    lines.length = 0;
    expect(await runtime.admin.checkForNewSnapshot()).toBe(false);
    expect(version()).toBe(outside.version);
    expect(lines.join("\n")).toMatch(new RegExp(`Refusing snapshot ${broken.version}.*not valid JSON.*${outside.version} keeps serving`));
    // Logged once, not on every poll.
    lines.length = 0;
    expect(await runtime.admin.checkForNewSnapshot()).toBe(false);
    expect(lines.filter((line) => line.includes("Refusing"))).toEqual([]);

    // A truncated vectors file.
    const truncated = await reindex(config, runtime.lexicon, { log, gate: false });
    await truncate(path.join(snapshotDir(config.DATA_DIR, truncated.version), "vectors.hnsw"), 1000);
    lines.length = 0;
    expect(await runtime.admin.checkForNewSnapshot()).toBe(false);
    expect(version()).toBe(outside.version);
    expect(lines.join("\n")).toMatch(/Refusing snapshot .*vector index .* cannot be read/);
    expect((await runtime.service.ask(QUESTION)).refused).toBe(false);
  });

  it("at start-up falls back to the snapshot live before the current one when that is corrupt", async () => {
    const good = await reindex(config, runtime.lexicon, { log, gate: false });
    const bad = await reindex(config, runtime.lexicon, { log, gate: false });
    await writeFile(path.join(snapshotDir(config.DATA_DIR, bad.version), "chunks.sqlite"), "[");
    lines.length = 0;
    const restarted = await createRuntime(config, { log, memoryState: true, buildIfMissing: false });
    try {
      expect(restarted.service.status().indexVersion).toBe(good.version);
      expect(await readCurrentVersion(config.DATA_DIR)).toBe(good.version);
      expect(lines.join("\n")).toContain(`Serving the previous snapshot ${good.version} instead`);
      expect((await restarted.service.ask(QUESTION)).refused).toBe(false);
    } finally {
      await restarted.close();
    }
  });

  it("rebuilds at start-up when no snapshot loads", async () => {
    for (const snapshot of await snapshotsByBuildTime(config.DATA_DIR)) {
      await writeFile(path.join(snapshotDir(config.DATA_DIR, snapshot.version), "chunks.sqlite"), "[");
    }
    const restarted = await createRuntime(config, { log, memoryState: true });
    try {
      const serving = restarted.service.status().indexVersion;
      expect(await readCurrentVersion(config.DATA_DIR)).toBe(serving);
      expect(restarted.service.liveIndex.search.chunks.count).toBeGreaterThan(0);
      expect(restarted.service.liveIndex.search.chunks.get(0)?.text).toBeTruthy();
      expect((await restarted.service.ask(QUESTION)).refused).toBe(false);
    } finally {
      await restarted.close();
    }
  });
});

describe("pruneOldSnapshots", () => {
  it("keeps SNAPSHOTS_KEEP snapshots in total, always including the live and previous ones", async () => {
    const workspace = await createTempWorkspace({ empty: true });
    try {
      const versions = ["20240101T000000000Z-a", "20240102T000000000Z-b", "20240103T000000000Z-c", "20240104T000000000Z-d", "20240105T000000000Z-e"];
      for (const version of versions) {
        const dir = snapshotDir(workspace.dataDir, version);
        await cp(realCorpusDir, path.join(dir, "x"), { recursive: true });
      }
      await writeFile(path.join(workspace.dataDir, "current.json"), JSON.stringify({ version: versions[1] }));
      // Manifests are missing here, so build-time order falls back to the version's timestamp.
      const removed = await pruneOldSnapshots(workspace.dataDir, 3, [versions[1], versions[0]]);
      expect(removed.sort()).toEqual([versions[2], versions[3]]);
      const left = (await readdir(path.join(workspace.dataDir, "snapshots"))).sort();
      expect(left).toEqual([versions[0], versions[1], versions[4]]);
      // Fewer than the protected two is not possible: KEEP=1 leaves the live one and the rollback target.
      expect(await pruneOldSnapshots(workspace.dataDir, 1, [versions[1], versions[0]])).toEqual([versions[4]]);
    } finally {
      await workspace.cleanup();
    }
  });
});
