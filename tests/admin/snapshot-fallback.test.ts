import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import { createRuntime } from "../../src/app/runtime.js";
import { reindex, rollback } from "../../src/admin/reindex.js";
import type { Config } from "../../src/core/config.js";
import { createLogger, silentLogger } from "../../src/core/logger.js";
import { readCurrentVersion, snapshotDir } from "../../src/index/snapshot.js";
import { previousLiveVersions, readSnapshotEvents, type SnapshotEvent } from "../../src/index/snapshot-log.js";
import { createTempWorkspace, repoRoot, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";
import { waitFor } from "./mock-embeddings.js";

const QUESTION = "长治高新区聘请了多少名招商大使？";

function event(action: SnapshotEvent["action"], version: string, from?: string): SnapshotEvent {
  return { at: "2026-01-01T00:00:00.000Z", action, version, actor: "test", ...(from ? { from } : {}) };
}

describe("previousLiveVersions", () => {
  it("lists snapshots that were live, most recent first, without the current one", () => {
    const events = [event("activate", "a"), event("activate", "b", "a"), event("activate", "c", "b")];
    expect(previousLiveVersions(events, "c")).toEqual(["b", "a"]);
  });

  it("leaves out a snapshot rolled back or fallen back away from", () => {
    const events = [event("activate", "a"), event("activate", "b", "a"), event("rollback", "a", "b"), event("activate", "c", "a"), event("fallback", "a", "c")];
    expect(previousLiveVersions(events, "a")).toEqual([]);
    expect(previousLiveVersions(events, "d")).toEqual(["a"]);
  });

  it("counts a snapshot again once it is made live again after a rollback", () => {
    const events = [event("activate", "a"), event("activate", "b", "a"), event("rollback", "a", "b"), event("activate", "b", "a"), event("activate", "c", "b")];
    expect(previousLiveVersions(events, "c")).toEqual(["b", "a"]);
  });

  it("never names a snapshot that is not in the log (one that never went live)", () => {
    expect(previousLiveVersions([], "x")).toEqual([]);
  });
});

const corrupt = (config: Config, version: string) => writeFile(path.join(snapshotDir(config.DATA_DIR, version), "chunks.sqlite"), "[");

describe("start-up fallback after faults", () => {
  const workspaces: TempWorkspace[] = [];
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    child = undefined;
  });
  afterAll(async () => {
    await Promise.all(workspaces.map((workspace) => workspace.cleanup()));
  });

  it("kill -9 during the quality gate, then the live snapshot corrupt: the previous live one is served, never the unfinished candidate", async () => {
    const workspace = await createTempWorkspace();
    workspaces.push(workspace);
    // A long gate file (the dev questions many times over) keeps the child inside the gate long enough to be killed there.
    const gateFile = path.join(workspace.root, "gate.jsonl");
    const dev = await readFile(path.join(repoRoot, "tests/eval/dev.jsonl"), "utf8");
    await writeFile(gateFile, dev.trimEnd().concat("\n").repeat(200));
    const config = testConfig(workspace, { EVAL_GATE_FILE: gateFile, SNAPSHOTS_KEEP: "10" });
    const lexicon = await loadLexicon(config.CORPUS_DIR);
    const first = await reindex(config, lexicon, { log: silentLogger, gate: false, actor: "test" });
    const second = await reindex(config, lexicon, { log: silentLogger, gate: false, actor: "test" });
    const before = new Set(await readdir(path.join(config.DATA_DIR, "snapshots")));

    child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/adapters/cli/index-command.ts")], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CORPUS_DIR: config.CORPUS_DIR, DATA_DIR: config.DATA_DIR, EVAL_GATE_FILE: gateFile, LOG_LEVEL: "silent", LLM_PROVIDER: "none" },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.once("exit", (_code, signal) => resolve(signal)));
    // The candidate is complete (renamed from .tmp-, manifest inside) once the build is done and the gate runs.
    let candidate: string | undefined;
    await waitFor(
      async () => {
        const names = await readdir(path.join(config.DATA_DIR, "snapshots"));
        candidate = names.find((name) => !before.has(name) && !name.includes(".tmp-"));
        return candidate !== undefined && (await stat(path.join(snapshotDir(config.DATA_DIR, candidate), "manifest.json")).then(() => true, () => false));
      },
      60_000,
      "the candidate snapshot to be complete",
    );
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(second.version);

    await corrupt(config, second.version);
    const lines: string[] = [];
    const restarted = await createRuntime(config, { log: createLogger("info", (line) => lines.push(line)), memoryState: true, buildIfMissing: false });
    try {
      expect(restarted.service.status().indexVersion).toBe(first.version);
      expect(restarted.service.status().indexVersion).not.toBe(candidate);
      expect(await readCurrentVersion(config.DATA_DIR)).toBe(first.version);
      expect(lines.join("\n")).toContain(`Serving the previous snapshot ${first.version} instead`);
      const status = await restarted.admin.status();
      expect(status.startupFallback).toMatchObject({ from: second.version, to: first.version });
      expect(status.startupFallback?.reason).toMatch(/chunk database|chunk list|not valid JSON/);
      expect(status.history[0]).toMatchObject({ action: "fallback", version: first.version, from: second.version, actor: "startup" });
      expect(status.live.version).toBe(status.currentFile);
      expect((await restarted.service.ask(QUESTION)).refused).toBe(false);
    } finally {
      await restarted.close();
    }
  });

  it("rollback away from a snapshot, then the rollback target corrupt: never the rolled-back one", async () => {
    const workspace = await createTempWorkspace();
    workspaces.push(workspace);
    const config = testConfig(workspace, { SNAPSHOTS_KEEP: "10" });
    const lexicon = await loadLexicon(config.CORPUS_DIR);
    const a = await reindex(config, lexicon, { log: silentLogger, gate: false, actor: "test" });
    const b = await reindex(config, lexicon, { log: silentLogger, gate: false, actor: "test" });
    const c = await reindex(config, lexicon, { log: silentLogger, gate: false, actor: "test" });
    const back = await rollback(config, lexicon, { log: silentLogger, actor: "admin-x" });
    expect(back).toMatchObject({ from: c.version, to: b.version });
    const events = await readSnapshotEvents(config.DATA_DIR);
    expect(events.at(-1)).toMatchObject({ action: "rollback", version: b.version, from: c.version, actor: "admin-x" });
    expect(events.map((entry) => entry.action)).toEqual(["activate", "activate", "activate", "rollback"]);

    await corrupt(config, b.version);
    const restarted = await createRuntime(config, { log: silentLogger, memoryState: true, buildIfMissing: false });
    try {
      // c is newer and loads, but it was rolled back away from: a is the last good live one.
      expect(restarted.service.status().indexVersion).toBe(a.version);
      expect(await readCurrentVersion(config.DATA_DIR)).toBe(a.version);
    } finally {
      await restarted.close();
    }

    // With a corrupt too, nothing that was live is left: start-up refuses rather than serving c.
    await corrupt(config, a.version);
    await expect(createRuntime(config, { log: silentLogger, memoryState: true, buildIfMissing: false })).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(a.version);
  });
});
