import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiPlugin } from "../../src/adapters/api/api-routes.js";
import { createAdminApi } from "../../src/adapters/admin/admin-routes.js";
import { openApiAccess } from "../../src/adapters/http/access.js";
import { startHttpServer, type RunningServer } from "../../src/adapters/http/server.js";
import type { ReindexJob } from "../../src/admin/reindex-manager.js";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { silentLogger } from "../../src/core/logger.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";
import { waitFor } from "./mock-embeddings.js";

/**
 * A re-index under load, over a real port: four clients keep asking while the admin API rebuilds
 * and swaps the index. In the integration lane: it is a load test (hundreds of requests competing
 * with a build for the CPU), not a check of one route.
 */

const TOKEN = "test-admin-token-0123456789";
const QUESTIONS = ["长治高新区聘请了多少名招商大使？", "What incentives does Changzhi offer?", "衡阳高新区7月11日的集中签约仪式签约了多少个项目？", "火星开发区的税收政策是什么？"];

describe("re-index under load", () => {
  let workspace: TempWorkspace;
  let runtime: Runtime;
  let server: RunningServer;

  beforeAll(async () => {
    workspace = await createTempWorkspace();
    const config = testConfig(workspace, { ADMIN_TOKEN: TOKEN });
    runtime = await createRuntime(config, { log: silentLogger, memoryState: true });
    const adminApi = createAdminApi({ manager: runtime.admin, token: config.ADMIN_TOKEN });
    const plugins = [createApiPlugin(runtime.service), ...adminApi.plugins];
    const access = { ...openApiAccess, authorizers: { ...openApiAccess.authorizers, admin: adminApi.authorize } };
    server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins, access, maxBodyBytes: 65536, log: silentLogger });
  });
  afterAll(async () => {
    await server?.close();
    await runtime?.close();
    await workspace?.cleanup();
  });

  const admin = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
  const status = async () => (await (await admin("/admin/status")).json()) as { live: { version: string }; lastJob?: ReindexJob; audit: Array<{ actor: string; action: string }> };

  it("keeps answering 4 concurrent clients with zero failures while a re-index runs, then serves the new version", async () => {
    const before = ((await (await fetch(`${server.url}/healthz`)).json()) as { indexVersion: string }).indexVersion;
    let stop = false;
    const failures: string[] = [];
    let answered = 0;
    const versionsSeen = new Set<string>();
    const client = async (offset: number) => {
      // Bounded: at most 400 requests per client even if the job never finishes.
      for (let i = 0; i < 400 && !stop; i++) {
        const question = QUESTIONS[(i + offset) % QUESTIONS.length]!;
        try {
          const response = await fetch(`${server.url}/api/ask`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ question }),
          });
          const body = (await response.json()) as { answer?: unknown; refused?: unknown; citations?: unknown };
          if (response.status !== 200 || typeof body.answer !== "string" || body.answer.length === 0 || typeof body.refused !== "boolean" || !Array.isArray(body.citations)) {
            failures.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
          } else if (!body.refused && body.citations.length === 0) {
            failures.push(`answer without citations: ${question}`);
          }
          answered++;
          const health = (await (await fetch(`${server.url}/healthz`)).json()) as { indexVersion: string };
          versionsSeen.add(health.indexVersion);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = [0, 1, 2, 3].map((offset) => client(offset));
    await waitFor(() => answered >= 8, 30_000, "the first answers");

    const started = await admin("/admin/reindex", { method: "POST" });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    expect(jobId).toMatch(/^job-/);
    const again = await admin("/admin/reindex", { method: "POST" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("INDEX_BUILD_IN_PROGRESS");

    await waitFor(async () => ["succeeded", "refused", "failed"].includes((await status()).lastJob?.state ?? ""), 60_000, "the job to finish");
    const answeredAtSwap = answered;
    await waitFor(() => answered >= answeredAtSwap + 8, 30_000, "answers after the swap");
    stop = true;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    const final = await status();
    expect(final.lastJob).toMatchObject({ id: jobId, state: "succeeded", actor: "admin-api" });
    expect(final.lastJob!.startedAt).toBeTruthy();
    expect(final.lastJob!.finishedAt).toBeTruthy();
    expect(final.lastJob!.files.length).toBeGreaterThan(0);
    expect(final.lastJob!.gate).toMatchObject({ passed: true });
    const after = ((await (await fetch(`${server.url}/healthz`)).json()) as { indexVersion: string }).indexVersion;
    expect(after).toBe(final.lastJob!.version);
    expect(after).not.toBe(before);
    expect(final.live.version).toBe(after);
    expect(versionsSeen).toContain(after);
    expect(final.audit.map((entry) => `${entry.actor} ${entry.action}`)).toEqual(expect.arrayContaining(["admin-api reindex.start", "admin-api reindex.succeeded"]));
  });

});
