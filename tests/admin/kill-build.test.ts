import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import { createRuntime } from "../../src/app/runtime.js";
import { reindex } from "../../src/admin/reindex.js";
import { silentLogger } from "../../src/core/logger.js";
import { readCurrentVersion } from "../../src/index/snapshot.js";
import { createTempWorkspace, repoRoot, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";
import { NEW_REPORT } from "./fixtures.js";
import { mockEmbedderEnv, startMockEmbeddings, waitFor, type MockEmbeddings } from "./mock-embeddings.js";

describe("kill -9 during a CLI build", () => {
  let mock: MockEmbeddings;
  let workspace: TempWorkspace;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    mock = await startMockEmbeddings();
    workspace = await createTempWorkspace();
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await mock.close();
    await workspace.cleanup();
  });

  it("leaves the last good snapshot serving; the stale build dir and lock are cleaned up", async () => {
    const env = mockEmbedderEnv(mock);
    const config = testConfig(workspace, env);
    const lexicon = await loadLexicon(config.CORPUS_DIR);
    const good = await reindex(config, lexicon, { log: silentLogger, gate: false });

    // The new report's chunks miss the embedding cache, so the child must call the (now slow) API.
    await writeFile(path.join(workspace.corpusDir, "900_new_report.txt"), NEW_REPORT, "utf8");
    mock.delayMs = 60_000;
    const firstRequest = mock.nextRequest();
    // `node --import tsx` runs the CLI in one process (npx/tsx would put the build in a grandchild SIGKILL cannot reach).
    child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/adapters/cli/index-command.ts")], {
      cwd: repoRoot,
      env: { ...process.env, ...env, CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir, LOG_LEVEL: "silent" },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.once("exit", (_code, signal) => resolve(signal)));
    await Promise.race([firstRequest, new Promise((_, reject) => setTimeout(() => reject(new Error("the child never called the embedder")), 45_000))]);

    const snapshots = path.join(workspace.dataDir, "snapshots");
    const temporary = (await readdir(snapshots)).filter((name) => name.endsWith(`.tmp-${child!.pid}`));
    expect(temporary).toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(workspace.dataDir, "build.lock"), "utf8"))).toMatchObject({ pid: child.pid });

    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    mock.delayMs = 0;
    expect(await readCurrentVersion(workspace.dataDir)).toBe(good.version);

    const restarted = await createRuntime(config, { log: silentLogger, memoryState: true, buildIfMissing: false });
    try {
      expect(restarted.service.status().indexVersion).toBe(good.version);
      expect((await readdir(snapshots)).filter((name) => name.includes(".tmp-"))).toEqual([]);
      const answer = await restarted.service.ask("长治高新区聘请了多少名招商大使？");
      expect(answer.refused).toBe(false);

      // The dead builder's lock does not block the next build.
      const job = await restarted.admin.wait((await restarted.admin.start("tester")).id);
      expect(job.error).toBeUndefined();
      expect(job.state).toBe("succeeded");
      expect(restarted.service.status().indexVersion).toBe(job.version);
      await waitFor(async () => (await readdir(workspace.dataDir)).every((name) => name !== "build.lock"), 5_000, "the lock to be released");
    } finally {
      await restarted.close();
    }
  });
});
