import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempWorkspace, repoRoot, type TempWorkspace } from "../helpers/temp-runtime.js";
import { waitForListening, type SpawnedServer } from "../helpers/server-process.js";

/**
 * `npm start` runs the compiled server (scripts/build.mjs → dist/server.js), not tsx: built here
 * into a throw-away folder inside the repository, started with WORKERS=2 over a temp copy of the
 * corpus, asked a question, and stopped with SIGTERM.
 */

const out = path.join(repoRoot, `dist-test-${randomBytes(4).toString("hex")}`);
let workspace: TempWorkspace;
let server: SpawnedServer;
let url = "";

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(repoRoot, "scripts/build.mjs"), "--out", out], { cwd: repoRoot, stdio: "pipe" });
  workspace = await createTempWorkspace();
  let output = "";
  const child = spawn(process.execPath, [path.join(out, "server.js")], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", WORKERS: "2", CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir, LLM_PROVIDER: "none" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (output += text));
  server = { child, log: () => output };
  url = await waitForListening(server, 240_000);
}, 300_000);

afterAll(async () => {
  if (server?.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
  }
  await workspace?.cleanup();
  rmSync(out, { recursive: true, force: true });
}, 60_000);

describe("the compiled server (npm start)", () => {
  it("copies the data files and pages the code reads beside it", async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  });

  it("answers with citations from a cluster worker, and its supervisor loads no index", async () => {
    const response = await fetch(`${url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "What incentives does Changzhi offer?" }) });
    const body = (await response.json()) as { answer: string; citations: { source: string }[] };
    expect(response.status).toBe(200);
    expect(body.citations.length).toBeGreaterThan(0);
    expect(server.log()).toMatch(/Starting 2 server processes/);
    const workers = execFileSync("pgrep", ["-P", String(server.child.pid), "-f", path.basename(out)], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    expect(workers).toHaveLength(2);
    // The supervisor never imports the product: no jieba or hnswlib native library is mapped in it.
    const maps = (pid: number | string) => readFileSync(`/proc/${pid}/maps`, "utf8");
    expect(maps(workers[0]!)).toMatch(/jieba/);
    expect(maps(server.child.pid!)).not.toMatch(/jieba|hnswlib/);
  });
});
