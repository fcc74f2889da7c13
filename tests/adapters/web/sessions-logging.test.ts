import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createAdminApi } from "../../../src/adapters/admin/admin-routes.js";
import { createAdminSessions } from "../../../src/adapters/admin/admin-auth.js";
import { createSignInGuard } from "../../../src/admin/sign-in-guard.js";
import { startHttpServer } from "../../../src/adapters/http/server.js";
import { createServerLogger, silentLogger } from "../../../src/core/logger.js";
import { requestContext } from "../../../src/core/request-context.js";
import { withQuestionLog } from "../../../src/app/question-log.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import type { ReindexManager } from "../../../src/admin/reindex-manager.js";
import type { Answer, AnswerService } from "../../../src/core/types.js";

describe("admin console session", () => {
  it("stops working when it expires", async () => {
    let now = 1_000_000;
    const audited: string[] = [];
    const manager = { audit: (_actor: string, action: string) => audited.push(action), status: async () => ({ ok: true }) } as unknown as ReindexManager;
    const sessions = createAdminSessions({ ttlMs: 60_000, now: () => now });
    // Failed sign-ins are audited by the sign-in guard (one aggregated row per address and window).
    const guardStore = new MemoryStateStore();
    const adminApi = createAdminApi({ manager, token: "tok", sessions, signIns: createSignInGuard({ store: guardStore, limit: 10, log: silentLogger }) });
    const server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      plugins: adminApi.plugins,
      access: { authorizers: { admin: adminApi.authorize } },
      maxBodyBytes: 4096,
      log: silentLogger,
      cookieSecret: "test-secret",
    });
    try {
      const signIn = await fetch(`${server.url}/admin/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "tok" }) });
      const cookie = signIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
      expect((await fetch(`${server.url}/admin/status`, { headers: { cookie } })).status).toBe(200);
      now += 61_000;
      expect((await fetch(`${server.url}/admin/status`, { headers: { cookie } })).status).toBe(401);
      // An expired session is not a guess at the token: refused, not counted as a failed sign-in.
      expect((await guardStore.listAudit(5)).map((entry) => entry.action)).not.toContain("auth.failed");
    } finally {
      await server.close();
    }
  });
});

describe("admin console sign-out across processes", () => {
  it("a session signed out on one server is refused by another sharing the state store", async () => {
    const store = new MemoryStateStore();
    const manager = { audit: async () => undefined, status: async () => ({ ok: true }) } as unknown as ReindexManager;
    // Two workers: the same ADMIN_TOKEN (so the same cookie secret) and one state store.
    const start = () => {
      const adminApi = createAdminApi({
        manager,
        token: "tok",
        sessions: createAdminSessions({ ttlMs: 60_000, revocations: store }),
        signIns: createSignInGuard({ store, limit: 10, log: silentLogger }),
      });
      return startHttpServer({
        host: "127.0.0.1",
        port: 0,
        plugins: adminApi.plugins,
        access: { authorizers: { admin: adminApi.authorize } },
        maxBodyBytes: 4096,
        log: silentLogger,
        cookieSecret: "shared-secret",
      });
    };
    const [a, b] = await Promise.all([start(), start()]);
    try {
      const signIn = await fetch(`${a.url}/admin/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "tok" }) });
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      const cookie = signIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
      expect((await fetch(`${b.url}/admin/status`, { headers: { cookie } })).status).toBe(200);
      const out = await fetch(`${a.url}/admin/session`, { method: "DELETE", headers: { cookie, "x-csrf-token": csrfToken } });
      expect(out.status).toBe(200);
      // The copied cookie no longer works anywhere, not only on the server that signed it out.
      expect((await fetch(`${a.url}/admin/status`, { headers: { cookie } })).status).toBe(401);
      expect((await fetch(`${b.url}/admin/status`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("server log", () => {
  it("writes one JSON line per answered question with the request id and a truncated question", async () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const { log } = createServerLogger("info", { destination });
    const answer: Answer = { answer: "答[1]", refused: false, mode: "extractive", language: "zh", citations: [], warnings: [] };
    const service: AnswerService = { ask: async () => answer, status: () => ({ indexVersion: "v1", chunks: 1, articles: 1, files: 1, embedder: "e", llm: "none", builtAt: "" }) };
    const logged = withQuestionLog({ service, store: new MemoryStateStore(), log });
    const question = "长".repeat(300);
    await requestContext.run({ reqId: "req-42" }, () => logged.ask(question, { platform: "web" }));
    const entries = lines.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const answered = entries.filter((entry) => entry.msg === "answered");
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({ reqId: "req-42", event: "answer", platform: "web", refused: false, snapshot: "v1", level: 30 });
    expect((answered[0]!.question as string).length).toBeLessThan(100);
  });
});
