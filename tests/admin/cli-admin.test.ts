import { spawn } from "node:child_process";
import { cp, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { createStateStore } from "../../src/state/factory.js";
import type { Config } from "../../src/core/config.js";
import { silentLogger } from "../../src/core/logger.js";
import { readCurrentVersion } from "../../src/index/snapshot.js";
import { createTempWorkspace, realCorpusDir, repoRoot, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";
import { waitFor } from "./mock-embeddings.js";

/** Runs `npm run index -- <args>` as a child process (one process: node --import tsx). */
function runIndexCommand(workspace: TempWorkspace, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/adapters/cli/index-command.ts"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir, LOG_LEVEL: "silent", EMBEDDINGS_PROVIDER: "local" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (part: Buffer) => (stdout += part.toString("utf8")));
    child.stderr.on("data", (part: Buffer) => (stderr += part.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`index command timed out: ${stderr}`));
    }, 90_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run index: gate, rollback, and a running server picking up the result", () => {
  let workspace: TempWorkspace;
  let config: Config;
  let server: Runtime;

  beforeAll(async () => {
    workspace = await createTempWorkspace();
    config = testConfig(workspace);
    // The "server": SQLite state in DATA_DIR (shared with the CLI), polling current.json.
    server = await createRuntime(config, { log: silentLogger });
    server.admin.startWatching(50);
  });
  afterAll(async () => {
    await server?.close();
    await workspace?.cleanup();
  });

  it("refuses a worse build with exit code 2 and names the questions; the server keeps its snapshot", async () => {
    const live = server.service.status().indexVersion;
    const file = path.join(workspace.corpusDir, "002_93385d198ddbd426.txt");
    await rm(file);
    try {
      const result = await runIndexCommand(workspace, []);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain("REFUSED by the quality gate");
      expect(result.stdout).toMatch(/worse: d02 长治高新区聘请了多少名招商大使？/);
      expect(result.stdout).toMatch(/indexed\s+unchanged\s+corpus\/000_/);
      expect(result.stdout).toMatch(/removed\s+corpus\/002_93385d198ddbd426\.txt/);
    } finally {
      await cp(path.join(realCorpusDir, "002_93385d198ddbd426.txt"), file);
    }
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(live);
    expect(server.service.status().indexVersion).toBe(live);
  });

  it("a CLI build and a CLI rollback are picked up by the running server and audited", async () => {
    const first = server.service.status().indexVersion;
    const built = await runIndexCommand(workspace, []);
    expect(built.code).toBe(0);
    const version = /Snapshot (\S+) is live/.exec(built.stdout)?.[1];
    expect(version).toBeTruthy();
    await waitFor(() => server.service.status().indexVersion === version, 10_000, "the server to switch to the CLI build");

    const rolled = await runIndexCommand(workspace, ["--rollback"]);
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toContain(`snapshot ${first} is live again (was ${version})`);
    expect(await readCurrentVersion(config.DATA_DIR)).toBe(first);
    await waitFor(() => server.service.status().indexVersion === first, 10_000, "the server to follow the rollback");

    const store = await createStateStore(config);
    try {
      const actions = (await store.listAudit(50)).map((entry) => `${entry.actor.split(":")[0]} ${entry.action}`);
      expect(actions).toEqual(expect.arrayContaining(["cli reindex.refused", "cli reindex.succeeded", "cli rollback", "watcher snapshot.switch"]));
    } finally {
      await store.close();
    }
  });
});
