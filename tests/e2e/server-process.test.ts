import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { createTempWorkspace, type TempWorkspace } from "../helpers/temp-runtime.js";

/**
 * The composition root as `npm start` runs it: a real process building its index on first run,
 * serving the API, the admin routes and a chat adapter on one port, and stopping on SIGTERM.
 */

let workspace: TempWorkspace;
let server: ServerProcess;
let child: ChildProcess;
let baseUrl: string;
let readLog: () => string = () => "";

beforeAll(async () => {
  workspace = await createTempWorkspace();
  server = await startServerProcess(
    {
      CORPUS_DIR: workspace.corpusDir,
      DATA_DIR: workspace.dataDir,
      ADMIN_TOKEN: "test-admin-token",
      WECHAT_TOKEN: "wechat-token",
      SNAPSHOT_POLL_MS: "200",
      // One process: this test follows one server's jobs; tests/e2e/cluster.test.ts covers WORKERS > 1.
      WORKERS: "1",
    },
    90_000,
  );
  child = server.child;
  baseUrl = server.url;
  readLog = server.log;
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await workspace?.cleanup();
});

const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl}${route}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("npm start (src/server.ts) as a process", () => {
  it("built its index on first run and reports it", async () => {
    expect(readLog()).toMatch(/building it from/);
    const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { ok: boolean; chunks: number; files: number };
    expect(health).toMatchObject({ ok: true, files: 5 });
    expect(health.chunks).toBeGreaterThan(100);
  });

  it("answers on /api/ask with citations", async () => {
    const response = await post("/api/ask", { question: "长治高新区聘请了多少名招商大使？" });
    const answer = (await response.json()) as { answer: string; citations: { source: string }[] };
    expect(response.status).toBe(200);
    expect(answer.answer).toContain("招商大使");
    expect(answer.citations[0]?.source).toMatch(/^corpus\/002_/);
  });

  it("mounts the admin routes behind the token and runs a re-index job", async () => {
    expect((await post("/admin/reindex", {})).status).toBe(401);
    const started = await post("/admin/reindex", { gate: false }, { authorization: "Bearer test-admin-token" });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    let state = "";
    for (let tries = 0; tries < 200 && !["succeeded", "refused", "failed"].includes(state); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const status = (await (await fetch(`${baseUrl}/admin/status`, { headers: { authorization: "Bearer test-admin-token" } })).json()) as {
        lastJob?: { id: string; state: string };
      };
      if (status.lastJob?.id === jobId) state = status.lastJob.state;
    }
    expect(state).toBe("succeeded");
  });

  it("mounts the WeChat adapter when its token is set (a bad signature gets 401)", async () => {
    const response = await fetch(`${baseUrl}/wechat?signature=bad&timestamp=1&nonce=2&echostr=x`);
    expect(response.status).toBe(401);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 15_000))]);
    expect(code).toBe(0);
  });
});
