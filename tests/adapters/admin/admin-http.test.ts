import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiPlugin } from "../../../src/adapters/api/api-routes.js";
import { createAdminApi } from "../../../src/adapters/admin/admin-routes.js";
import { openApiAccess } from "../../../src/adapters/http/access.js";
import { createSignInGuard } from "../../../src/admin/sign-in-guard.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import type { ReindexJob } from "../../../src/admin/reindex-manager.js";
import { createRuntime, type Runtime } from "../../../src/app/runtime.js";
import { silentLogger } from "../../../src/core/logger.js";
import { startInjectServer, type InjectServer } from "../../helpers/inject-server.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "../../helpers/temp-runtime.js";

const TOKEN = "test-admin-token-0123456789";

describe("HTTP admin API", () => {
  let workspace: TempWorkspace;
  let runtime: Runtime;
  let server: InjectServer;
  let disabled: InjectServer;

  beforeAll(async () => {
    workspace = await createTempWorkspace();
    const config = testConfig(workspace, { ADMIN_TOKEN: TOKEN });
    runtime = await createRuntime(config, { log: silentLogger, memoryState: true });
    const adminApi = createAdminApi({ manager: runtime.admin, token: config.ADMIN_TOKEN });
    const plugins = [createApiPlugin(runtime.service), ...adminApi.plugins];
    const access = { ...openApiAccess, authorizers: { ...openApiAccess.authorizers, admin: adminApi.authorize } };
    server = await startInjectServer({ plugins, access, maxBodyBytes: 65536, log: silentLogger });
    const off = createAdminApi({ manager: runtime.admin, token: undefined });
    disabled = await startInjectServer({
      plugins: off.plugins,
      access: { authorizers: { admin: off.authorize } },
      maxBodyBytes: 65536,
      log: silentLogger,
    });
  });
  afterAll(async () => {
    await server?.close();
    await disabled?.close();
    await runtime?.close();
    await workspace?.cleanup();
  });

  // `null` sends no Authorization header (undefined would pick the default token).
  const admin = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    server.fetch(path, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) } });
  const status = async () => (await (await admin("/admin/status")).json()) as { live: { version: string }; lastJob?: ReindexJob; snapshots: Array<{ version: string }>; audit: Array<{ actor: string; action: string }> };

  it("answers 401 without or with a wrong token, and 403 with a hint when ADMIN_TOKEN is unset", async () => {
    for (const [path, method] of [
      ["/admin/reindex", "POST"],
      ["/admin/status", "GET"],
      ["/admin/rollback", "POST"],
    ] as const) {
      expect((await admin(path, { method }, null)).status).toBe(401);
      expect((await admin(path, { method }, "wrong")).status).toBe(401);
      expect((await admin(path, { method }, `${TOKEN}x`)).status).toBe(401);
      const off = await disabled.fetch(path, { method, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(off.status).toBe(403);
      expect(((await off.json()) as { error: { hint: string } }).error.hint).toContain("ADMIN_TOKEN");
    }
    expect(runtime.admin.lastJob).toBeUndefined();
    expect((await runtime.store.listAudit(10)).some((entry) => entry.action === "auth.failed")).toBe(true);
  });

  it("reports skipped files by name with the reason", async () => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${workspace.corpusDir}/empty-report.txt`, "   \n");
    const started = await admin("/admin/reindex", { method: "POST", body: JSON.stringify({ gate: false }), headers: { "content-type": "application/json" } });
    expect(started.status).toBe(202);
    const job = await runtime.admin.wait(((await started.json()) as { jobId: string }).jobId);
    expect(job.state).toBe("succeeded");
    expect(job.gateEnabled).toBe(false);
    const body = await status();
    expect(body.lastJob!.skipped).toEqual([expect.objectContaining({ file: "corpus/empty-report.txt", reason: expect.stringContaining("empty") })]);
  });

  it("rolls back over HTTP", async () => {
    const before = (await status()).live.version;
    const response = await admin("/admin/rollback", { method: "POST" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { from: string; to: string };
    expect(body.from).toBe(before);
    expect(body.to).not.toBe(before);
    expect(runtime.service.status().indexVersion).toBe(body.to);
    expect((await status()).audit.some((entry) => entry.actor === "admin-api" && entry.action === "rollback")).toBe(true);
  });

  it("validates the rollback body: a named snapshot must exist, junk and paths are refused", async () => {
    const live = (await status()).live.version;
    const post = (body: string) => admin("/admin/rollback", { method: "POST", body, headers: { "content-type": "application/json" } });
    for (const [body, message] of [
      ['{"version":"../../etc"}', /version must be a snapshot version/],
      ['{"version":"2020-01-01T00-00-00Z-nothere"}', /no snapshot "2020-01-01T00-00-00Z-nothere"/],
      ['{"version":' + JSON.stringify(live) + "}", /already live/],
      ['{"to":"x"}', /Unrecognized key/],
      ["not json", /not valid JSON/],
    ] as const) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("REQUEST_INVALID");
      expect(error.message).toMatch(message);
    }
    // Nothing moved.
    expect(runtime.service.status().indexVersion).toBe(live);
    // A named, existing snapshot goes live.
    const target = (await status()).snapshots.find((snapshot) => snapshot.version !== live)!.version;
    const response = await post(JSON.stringify({ version: target }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ from: live, to: target });
    expect(runtime.service.status().indexVersion).toBe(target);
  });

  it("rate-limits failed sign-ins per address and audits them as one row per window", async () => {
    const store = new MemoryStateStore();
    const adminApi = createAdminApi({ manager: runtime.admin, token: TOKEN, signIns: createSignInGuard({ store, limit: 3, log: silentLogger }) });
    const guarded = await startInjectServer({
      plugins: adminApi.plugins,
      access: { authorizers: { admin: adminApi.authorize } },
      maxBodyBytes: 65536,
      log: silentLogger,
    });
    try {
      const call = (token: string) => guarded.fetch(`/admin/status`, { headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 25; attempt++) statuses.push((await call(`wrong-${attempt}`)).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
      // Blocked for the window, even with the right token.
      const blocked = await call(TOKEN);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      const audit = await store.listAudit(10);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: "auth.failed", count: 25, detail: expect.stringContaining("127.0.0.1") });
    } finally {
      await guarded.close();
    }
  });

  it("counts wrong console sign-ins too, and refuses the right one while the address is blocked", async () => {
    const store = new MemoryStateStore();
    const adminApi = createAdminApi({ manager: runtime.admin, token: TOKEN, signIns: createSignInGuard({ store, limit: 2, log: silentLogger }) });
    const guarded = await startInjectServer({
      plugins: adminApi.plugins,
      access: { authorizers: { admin: adminApi.authorize } },
      maxBodyBytes: 65536,
      log: silentLogger,
      cookieSecret: "test-secret",
    });
    try {
      const signIn = (token: string) =>
        guarded.fetch(`/admin/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
      expect((await signIn(TOKEN)).status).toBe(200);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) statuses.push((await signIn(`wrong-${attempt}`)).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
      const blocked = await signIn(TOKEN);
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get("set-cookie")).toBeNull();
      expect(await store.listAudit(10)).toEqual([expect.objectContaining({ action: "auth.failed", count: 4 })]);
    } finally {
      await guarded.close();
    }
  });
});
