import { execFileSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../admin/mock-embeddings.js";
import { spawnServerProcess } from "../helpers/server-process.js";
import { createTempWorkspace, type TempWorkspace } from "../helpers/temp-runtime.js";

/**
 * WORKERS=2 as `npm start` runs it: a supervisor and two server processes on one port, started on
 * an empty DATA_DIR (the first worker builds, the second loads that snapshot), a snapshot made
 * live in one worker reaching the other at once, a killed worker replaced, SIGTERM draining all.
 */

const TOKEN = "cluster-admin-token";
let workspace: TempWorkspace;
let primary: ChildProcess;
let baseUrl: string;
let readLog: () => string = () => "";

/** Process ids of the primary's worker children (tsx also gives it an esbuild child, left out). */
function workerPids(): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(primary.pid), "-f", "src/server.ts"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

const health = async () => (await (await fetch(`${baseUrl}/healthz`)).json()) as { ok: boolean; indexVersion: string };
/** /healthz, retried when a pooled connection to a killed worker resets (at most `attempts` times). */
const healthAfterResets = async (attempts: number): Promise<{ ok: boolean }> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await health();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
};
/** Enough requests that round-robin reaches every worker several times. */
const versionsSeen = async (requests = 12) => new Set(await Promise.all(Array.from({ length: requests }, async () => (await health()).indexVersion)));

beforeAll(async () => {
  workspace = await createTempWorkspace();
  const server = spawnServerProcess(workspace, {
    WORKERS: "2",
    ADMIN_TOKEN: TOKEN,
    LLM_PROVIDER: "none",
    // Long enough that only the primary's relay, not the poll, can switch the other worker in this test.
    SNAPSHOT_POLL_MS: "600000",
    SHUTDOWN_TIMEOUT_MS: "10000",
  });
  primary = server.child;
  readLog = server.log;
  await waitFor(() => (readLog().match(/listening on http:\/\/127\.0\.0\.1:\d+/g) ?? []).length >= 2 || primary.exitCode !== null, 280_000, "two workers listening");
  expect(primary.exitCode, readLog()).toBeNull();
  baseUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(readLog())![1]!;
}, 300_000);

afterAll(async () => {
  const pids = primary ? workerPids() : [];
  if (primary && primary.exitCode === null) primary.kill("SIGKILL");
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await workspace?.cleanup();
});

describe("WORKERS=2", () => {
  it("runs two server processes on one port; the index was built once", async () => {
    expect(workerPids()).toHaveLength(2);
    const urls = new Set((readLog().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/g) ?? []).map((line) => line.slice("listening on ".length)));
    expect(urls.size).toBe(1);
    expect(readLog().match(/building it from/g)).toHaveLength(1);
    expect((await versionsSeen()).size).toBe(1);
    const response = await fetch(`${baseUrl}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "长治高新区聘请了多少名招商大使？" }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { answer: string }).answer).toContain("招商大使");
  });

  it("a snapshot made live in one worker is served by every worker", async () => {
    const before = (await health()).indexVersion;
    const started = await fetch(`${baseUrl}/admin/reindex`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: '{"gate": false}' });
    expect(started.status).toBe(202);
    // The job ran in whichever worker took the request; the other one switches on the primary's relay.
    await waitFor(async () => {
      const seen = await versionsSeen();
      return seen.size === 1 && !seen.has(before);
    }, 90_000, "both workers on the new snapshot");
  }, 120_000);

  it("replaces a worker that dies, and keeps answering meanwhile", async () => {
    const [victim] = workerPids();
    process.kill(victim!, "SIGKILL");
    // Kept-alive connections to the killed worker reset (the client's pool may hold several); each
    // reset drops one of them, and a new connection goes to the surviving worker.
    const answered = await healthAfterResets(5);
    expect(answered.ok).toBe(true);
    await waitFor(() => {
      const pids = workerPids();
      return pids.length === 2 && !pids.includes(victim!);
    }, 60_000, "a replacement worker");
    // A new worker loads tsx, jieba and the index: slow on a busy machine, hence the long bound.
    expect(readLog()).toMatch(new RegExp(`Worker ${victim} exited \\(SIGKILL\\)`));
    await waitFor(() => (readLog().match(/listening on http/g) ?? []).length >= 3, 150_000, "the replacement listening");
    expect((await versionsSeen()).size).toBe(1);
  }, 240_000);

  it("SIGTERM drains: a request in flight is answered, then every process exits 0", async () => {
    const pids = workerPids();
    const inFlight = fetch(`${baseUrl}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "衡阳高新区上半年进出口总额增长多少？" }) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = new Promise<number | null>((resolve) => primary.once("exit", (code) => resolve(code)));
    primary.kill("SIGTERM");
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await exited).toBe(0);
    expect(readLog()).toMatch(/SIGTERM received: draining 2 worker/);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
