import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/logger.js";
import { startServer, type StartedServer } from "../../src/start-server.js";
import { runCliScript } from "../helpers/run-cli.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";
import { ADMIN_TOKEN } from "../helpers/web-server.js";
import { deeplyNestedHtml, docxWithDocumentXml } from "./hostile-files.js";

/**
 * Every attack from issue 17 (items 1–5), run against the server as `npm start` composes it, with
 * Fastify's inject (no socket) unless a real connection is the point. Each asserts the refusal and
 * that nothing was lost: the corpus files, the live snapshot and the question log are unchanged.
 */

const API_KEY = "attack-test-key-0123456789";
const QUESTION = "长治高新区聘请了多少名招商大使？";

interface Started {
  server: StartedServer;
  workspace: TempWorkspace;
  close(): Promise<void>;
}

async function start(env: Record<string, string>, workspace?: TempWorkspace): Promise<Started> {
  const own = workspace ?? (await createTempWorkspace());
  const server = await startServer(testConfig(own, { HOST: "127.0.0.1", PORT: "0", ...env }), { log: silentLogger });
  return {
    server,
    workspace: own,
    close: async () => {
      await server.close();
      if (!workspace) await own.cleanup();
    },
  };
}

const inject = (target: Started, options: InjectOptions) => target.server.http.app.inject(options);
const json = { "content-type": "application/json" };
const setCookies = (response: { headers: Record<string, unknown> }) => [(response.headers["set-cookie"] as string | string[] | undefined) ?? []].flat();
const cookieHeader = (lines: string[]) => lines.map((line) => line.split(";")[0]).join("; ");

async function corpusSnapshot(workspace: TempWorkspace): Promise<Record<string, string>> {
  const names = (await readdir(workspace.corpusDir)).filter((name) => !name.startsWith(".")).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await readFile(path.join(workspace.corpusDir, name))).toString("base64")] as const)));
}

/** Ways to spell a path that a string match would miss and a router might still match. */
export function pathVariants(route: string): string[] {
  const [first, ...rest] = route.slice(1).split("/");
  const head = first!;
  const encodedFirst = `%${head.charCodeAt(0).toString(16)}${head.slice(1)}`;
  const everyLetter = route.replace(/[a-z]/g, (letter) => `%${letter.charCodeAt(0).toString(16)}`);
  return [
    route,
    `/${[encodedFirst, ...rest].join("/")}`, // /%61pi/ask
    everyLetter, // every letter encoded
    `/${[`%25${head.charCodeAt(0).toString(16)}${head.slice(1)}`, ...rest].join("/")}`, // doubled: /%2561pi/ask
    route.toUpperCase(),
    route.replace(/(^|\/)([a-z])/g, (_, slash: string, letter: string) => `${slash}${letter.toUpperCase()}`), // /Api/Ask
    `${route}/`,
    `/${route}`,
    route.replace(/\//g, "%2F").replace(/^%2F/, "/"),
    `${route};x=1`,
    `${route}%20`,
    `/./${route.slice(1)}`,
  ];
}

describe("item 1: access is declared per route and checked on the matched route", () => {
  let target: Started;
  beforeAll(async () => {
    target = await start({ API_KEYS: API_KEY, ADMIN_TOKEN }, undefined);
    await writeFile(path.join(target.workspace.corpusDir, "victim.md"), "# 受害文件\n\n青禾高新区给予奖励10万元。\n");
  });
  afterAll(async () => {
    await target?.close();
  });

  it("every mounted route declares public, apiKey, admin or metrics", () => {
    const routes = target.server.http.routes;
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((route) => !["public", "apiKey", "admin", "metrics"].includes(route.access ?? ""))).toEqual([]);
    // The chat and admin APIs are protected, whatever a URL-prefix rule would have said.
    const access = (method: string, url: string) => routes.find((route) => route.method === method && route.url === url)?.access;
    expect(access("POST", "/api/ask")).toBe("apiKey");
    expect(access("POST", "/api/ask/stream")).toBe("apiKey");
    expect(access("GET", "/api/facts")).toBe("apiKey");
    expect(access("POST", "/admin/reindex")).toBe("admin");
    expect(access("GET", "/metrics")).toBe("metrics");
  });

  it("refuses every spelling of every protected route without credentials, and nothing changes", async () => {
    const before = await corpusSnapshot(target.workspace);
    const live = target.server.runtime.service.status().indexVersion;
    const questionsBefore = (await target.server.runtime.store.listQuestions({ limit: 5000 })).length;
    const protectedRoutes = target.server.http.routes.filter((route) => route.access !== "public");
    expect(protectedRoutes.length).toBeGreaterThan(12);
    const accepted: string[] = [];
    for (const route of protectedRoutes) {
      const concrete = route.url.replace(":name", "victim.md").replace(":chunkId", "x");
      for (const variant of pathVariants(concrete)) {
        const body = route.method === "GET" || route.method === "DELETE" ? undefined : JSON.stringify({ question: QUESTION, gate: false });
        const response = await inject(target, { method: route.method as InjectOptions["method"], url: variant, headers: body ? json : {}, ...(body ? { payload: body } : {}) });
        if (response.statusCode < 400 || response.statusCode >= 500) accepted.push(`${route.method} ${variant} → ${response.statusCode}`);
      }
    }
    expect(accepted).toEqual([]);
    // The decoded spelling reaches the route and is refused by its rule (401), not by luck (404).
    for (const url of ["/%61pi/ask", "/%61pi/ask/stream", "/%61pi/facts"]) {
      const response = await inject(target, { method: url.endsWith("facts") ? "GET" : "POST", url, headers: json, payload: JSON.stringify({ question: QUESTION }) });
      expect(response.statusCode, url).toBe(401);
    }
    expect((await inject(target, { method: "POST", url: "/%61dmin/reindex" })).statusCode).toBe(401);
    expect(await corpusSnapshot(target.workspace)).toEqual(before);
    expect(target.server.runtime.service.status().indexVersion).toBe(live);
    expect(target.server.runtime.admin.lastJob).toBeUndefined();
    expect((await target.server.runtime.store.listQuestions({ limit: 5000 })).length).toBe(questionsBefore);
  });

  it("answers the same routes with the right key", async () => {
    const response = await inject(target, { method: "POST", url: "/%61pi/ask", headers: { ...json, authorization: `Bearer ${API_KEY}` }, payload: JSON.stringify({ question: QUESTION }) });
    expect(response.statusCode).toBe(200);
  });
});

describe("item 3: sign-in and sessions", () => {
  let target: Started;
  beforeAll(async () => {
    target = await start({ API_KEYS: API_KEY, ADMIN_TOKEN, ADMIN_SIGNIN_FAILURES_PER_MINUTE: "3", API_SIGNIN_FAILURES_PER_MINUTE: "3" });
  });
  afterAll(async () => {
    await target?.close();
  });

  const adminSignIn = (token: string, remoteAddress = "10.0.0.1", headers: Record<string, string> = {}) =>
    inject(target, { method: "POST", url: "/admin/session", remoteAddress, headers: { ...json, ...headers }, payload: JSON.stringify({ token }) });

  it("checking the session while signed out is not a failed sign-in", async () => {
    for (let load = 0; load < 20; load++) expect((await inject(target, { method: "GET", url: "/admin/session", remoteAddress: "10.0.0.1" })).statusCode).toBe(401);
    const signedIn = await adminSignIn(ADMIN_TOKEN);
    expect(signedIn.statusCode).toBe(200);
    expect((await target.server.runtime.store.listAudit(50)).filter((entry) => entry.action === "auth.failed")).toEqual([]);
  });

  it("limits wrong admin tokens per address; without TRUST_PROXY a forged X-Forwarded-For does not get a fresh counter", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) statuses.push((await adminSignIn(`wrong-${attempt}`, "10.0.0.2", { "x-forwarded-for": `192.0.2.${attempt}` })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const blocked = await adminSignIn(ADMIN_TOKEN, "10.0.0.2");
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await adminSignIn(ADMIN_TOKEN, "10.0.0.3")).statusCode).toBe(200);
  });

  it("limits API-key sign-in (POST /api/session) and wrong bearer keys per address", async () => {
    const wrong = (remoteAddress: string) => inject(target, { method: "POST", url: "/api/session", remoteAddress, headers: json, payload: JSON.stringify({ key: "guess" }) });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) statuses.push((await wrong("10.0.1.1")).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const right = await inject(target, { method: "POST", url: "/api/session", remoteAddress: "10.0.1.1", headers: json, payload: JSON.stringify({ key: API_KEY }) });
    expect(right.statusCode).toBe(429);
    expect(setCookies(right).some((line) => line.startsWith("zone_api="))).toBe(false);
    const bearer = (remoteAddress: string, key: string) =>
      inject(target, { method: "POST", url: "/api/ask", remoteAddress, headers: { ...json, authorization: `Bearer ${key}` }, payload: JSON.stringify({ question: QUESTION }) });
    const asks: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) asks.push((await bearer("10.0.1.2", `guess-${attempt}`)).statusCode);
    expect(asks).toEqual([401, 401, 401, 429]);
  });

  it("refuses a foreign Origin on state-changing requests even with a valid cookie and CSRF token", async () => {
    const signedIn = await adminSignIn(ADMIN_TOKEN, "10.0.2.1");
    const cookie = cookieHeader(setCookies(signedIn));
    const { csrfToken } = signedIn.json() as { csrfToken: string };
    const before = await corpusSnapshot(target.workspace);
    const name = Object.keys(before)[0]!;
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1.evil.example"]) {
      const response = await inject(target, { method: "DELETE", url: `/admin/documents/${encodeURIComponent(name)}`, remoteAddress: "10.0.2.1", headers: { cookie, "x-csrf-token": csrfToken, origin } });
      expect(response.statusCode, origin).toBe(403);
    }
    const crossSite = await inject(target, { method: "POST", url: "/admin/reindex", remoteAddress: "10.0.2.1", headers: { cookie, "x-csrf-token": csrfToken, "sec-fetch-site": "cross-site" } });
    expect(crossSite.statusCode).toBe(403);
    // Sign-in itself (login CSRF) and the API are covered too.
    expect((await adminSignIn(ADMIN_TOKEN, "10.0.2.1", { origin: "https://evil.example" })).statusCode).toBe(403);
    expect(await corpusSnapshot(target.workspace)).toEqual(before);
    expect(target.server.runtime.admin.lastJob).toBeUndefined();
    // The server's own origin is accepted.
    const own = await inject(target, { method: "GET", url: "/admin/status", remoteAddress: "10.0.2.1", headers: { cookie, origin: "http://localhost:80" } });
    expect(own.statusCode).toBe(200);
  });

  it("marks admin JSON no-store, and cookies Secure when asked to or over HTTPS", async () => {
    const status = await inject(target, { method: "GET", url: "/admin/status", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(status.headers["cache-control"]).toBe("no-store");
    expect((await inject(target, { method: "GET", url: "/admin/session" })).headers["cache-control"]).toBe("no-store");
    const plain = await adminSignIn(ADMIN_TOKEN, "10.0.3.1");
    expect(setCookies(plain).every((line) => !/;\s*Secure/i.test(line))).toBe(true);
  });
});

describe("item 3: cookies survive a restart and work on every worker; Secure behind a proxy", () => {
  it("an API-key cookie from one process is accepted by the next one (no ADMIN_TOKEN)", async () => {
    const workspace = await createTempWorkspace();
    try {
      const first = await start({ API_KEYS: API_KEY }, workspace);
      const signedIn = await inject(first, { method: "POST", url: "/api/session", headers: json, payload: JSON.stringify({ key: API_KEY }) });
      await first.close();
      expect(signedIn.statusCode).toBe(200);
      const cookie = cookieHeader(setCookies(signedIn));
      const second = await start({ API_KEYS: API_KEY }, workspace);
      try {
        const asked = await inject(second, { method: "POST", url: "/api/ask", headers: { ...json, cookie }, payload: JSON.stringify({ question: QUESTION }) });
        expect(asked.statusCode).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await workspace.cleanup();
    }
  });

  it("TRUST_PROXY: forwarded https gives Secure cookies and forwarded addresses their own counters", async () => {
    const target = await start({ ADMIN_TOKEN, TRUST_PROXY: "true", ADMIN_SIGNIN_FAILURES_PER_MINUTE: "2" });
    try {
      const signIn = (token: string, forwardedFor: string) =>
        inject(target, { method: "POST", url: "/admin/session", headers: { ...json, "x-forwarded-for": forwardedFor, "x-forwarded-proto": "https" }, payload: JSON.stringify({ token }) });
      const ok = await signIn(ADMIN_TOKEN, "198.51.100.1");
      expect(setCookies(ok).filter((line) => /^(zone_admin|_csrf)=/.test(line)).every((line) => /;\s*Secure/i.test(line))).toBe(true);
      for (let attempt = 0; attempt < 3; attempt++) await signIn("wrong", "198.51.100.2");
      expect((await signIn(ADMIN_TOKEN, "198.51.100.2")).statusCode).toBe(429);
      expect((await signIn(ADMIN_TOKEN, "198.51.100.3")).statusCode).toBe(200);
    } finally {
      await target.close();
    }
  });
});

describe("item 4: limits on asks", () => {
  let target: Started;
  beforeAll(async () => {
    target = await start({ ASK_RATE_PER_MINUTE: "3", ASK_STREAMS_PER_CLIENT: "1" });
  });
  afterAll(async () => {
    await target?.close();
  });

  it("refuses the fourth ask in a minute from one client with 429 and retry-after, and does not log it", async () => {
    const ask = (remoteAddress: string) => inject(target, { method: "POST", url: "/api/ask", remoteAddress, headers: json, payload: JSON.stringify({ question: QUESTION }) });
    const before = (await target.server.runtime.store.listQuestions({ limit: 5000 })).length;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await ask("10.1.0.1")).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await ask("10.1.0.1");
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect((refused.json() as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    const stream = await inject(target, { method: "POST", url: "/api/ask/stream", remoteAddress: "10.1.0.1", headers: json, payload: JSON.stringify({ question: QUESTION }) });
    expect(stream.statusCode).toBe(429);
    expect((await ask("10.1.0.2")).statusCode).toBe(200);
    expect((await target.server.runtime.store.listQuestions({ limit: 5000 })).length).toBe(before + 4);
  });

  it("caps concurrent streams per client over a real connection", async () => {
    const url = `${target.server.url}/api/ask/stream`;
    // A request whose body never ends holds its slot (taken before the body is read).
    const held = new AbortController();
    let pull!: () => void;
    const pulled = new Promise<void>((resolve) => (pull = resolve));
    const endless = new ReadableStream({
      pull() {
        pull();
        return new Promise(() => undefined);
      },
    });
    const holding = fetch(url, { method: "POST", headers: json, body: endless, signal: held.signal, duplex: "half" } as RequestInit).catch(() => undefined);
    await pulled;
    let second: Response | undefined;
    // The first request is on the server once it reads; poll a bounded number of times for it.
    for (let attempt = 0; attempt < 50; attempt++) {
      second = await fetch(url, { method: "POST", headers: json, body: JSON.stringify({ question: QUESTION }) });
      if (second.status === 429) break;
      await second.text();
    }
    expect(second!.status).toBe(429);
    expect(Number(second!.headers.get("retry-after"))).toBeGreaterThan(0);
    held.abort();
    await holding;
  });
});

describe("item 5: metrics and configuration files", () => {
  it("keeps /metrics behind METRICS_TOKEN (or ADMIN_TOKEN) once the server has secrets", async () => {
    const keysOnly = await start({ API_KEYS: API_KEY });
    try {
      expect((await inject(keysOnly, { method: "GET", url: "/metrics" })).statusCode).toBe(403);
      expect((await inject(keysOnly, { method: "GET", url: "/%6detrics" })).statusCode).toBe(403);
    } finally {
      await keysOnly.close();
    }
    const withToken = await start({ API_KEYS: API_KEY, METRICS_TOKEN: "metrics-token-0123456789" });
    try {
      expect((await inject(withToken, { method: "GET", url: "/metrics" })).statusCode).toBe(401);
      expect((await inject(withToken, { method: "GET", url: "/metrics", headers: { authorization: `Bearer ${API_KEY}` } })).statusCode).toBe(401);
      const scraped = await inject(withToken, { method: "GET", url: "/metrics", headers: { authorization: "Bearer metrics-token-0123456789" } });
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toContain("http_requests_total");
    } finally {
      await withToken.close();
    }
  });

  it("never lists or deletes catalog, glossary, gazetteer or metrics as documents", async () => {
    const target = await start({ ADMIN_TOKEN });
    try {
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      for (const name of ["catalog.json", "glossary.json", "gazetteer.json", "metrics.json"]) {
        const file = path.join(target.workspace.corpusDir, name);
        if (!existsSync(file)) await writeFile(file, "{}\n");
      }
      const before = await corpusSnapshot(target.workspace);
      const listed = (await inject(target, { method: "GET", url: "/admin/documents", headers: auth })).json() as { documents: Array<{ name: string }> };
      expect(listed.documents.map((doc) => doc.name).filter((name) => name.endsWith(".json"))).toEqual([]);
      for (const url of ["metrics.json", "METRICS.JSON", "metrics%2Ejson", "catalog.json", "glossary.json", "gazetteer.json", "Catalog.json"].map((name) => `/admin/documents/${name}`)) {
        const response = await inject(target, { method: "DELETE", url, headers: auth });
        expect([400, 404], url).toContain(response.statusCode);
      }
      expect(await corpusSnapshot(target.workspace)).toEqual(before);
    } finally {
      await target.close();
    }
  });
});

describe("item 2: hostile files", () => {
  let target: Started;
  const bombName = "zone-report-bomb.docx";
  beforeAll(async () => {
    target = await start({ ADMIN_TOKEN, DOCUMENT_MAX_BYTES: String(1024 * 1024) });
    const corpus = target.workspace.corpusDir;
    await writeFile(path.join(corpus, bombName), docxWithDocumentXml(120 * 1024 * 1024));
    await writeFile(path.join(corpus, "lying-bomb.docx"), docxWithDocumentXml(120 * 1024 * 1024, { declaredSize: 4096 }));
    await writeFile(path.join(corpus, "nested.html"), deeplyNestedHtml(5000));
    await writeFile(path.join(corpus, "too-large.txt"), "青禾高新区给予奖励。\n".repeat(60_000));
  });
  afterAll(async () => {
    await target?.close();
  });

  it("a re-index skips each by name with its code while the server keeps answering; the console lists and deletes them", async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const started = await inject(target, { method: "POST", url: "/admin/reindex", headers: { ...auth, ...json }, payload: JSON.stringify({ gate: false }) });
    expect(started.statusCode).toBe(202);
    expect((await inject(target, { method: "GET", url: "/healthz" })).statusCode).toBe(200);
    const job = await target.server.runtime.admin.wait((started.json() as { jobId: string }).jobId);
    expect(job.state).toBe("succeeded");
    const reasons = Object.fromEntries(job.skipped.map((file) => [file.file.split("/").pop(), file.reason]));
    expect(reasons[bombName]).toMatch(/DOCUMENT_UNSAFE: it unpacks to 120 MB/);
    expect(reasons["lying-bomb.docx"]).toMatch(/DOCUMENT_UNSAFE: .*more than declared/);
    expect(reasons["nested.html"]).toMatch(/DOCUMENT_UNSAFE: its elements are nested \d+ deep/);
    expect(reasons["too-large.txt"]).toMatch(/DOCUMENT_TOO_LARGE/);
    // Still serving, from the new snapshot, with every real document in it.
    const asked = await inject(target, { method: "POST", url: "/api/ask", headers: json, payload: JSON.stringify({ question: QUESTION }) });
    expect(asked.statusCode).toBe(200);
    expect(target.server.runtime.service.status().indexVersion).toBe(job.version);
    const status = (await inject(target, { method: "GET", url: "/admin/status", headers: auth })).json() as { liveFiles: Array<{ file: string; status: string }> };
    expect(status.liveFiles.filter((file) => file.status === "indexed").length).toBeGreaterThanOrEqual(5);
    const listed = (await inject(target, { method: "GET", url: "/admin/documents", headers: auth })).json() as { documents: Array<{ name: string }> };
    expect(listed.documents.map((doc) => doc.name)).toContain(bombName);
    const deleted = await inject(target, { method: "DELETE", url: `/admin/documents/${bombName}`, headers: auth });
    expect(deleted.statusCode).toBe(200);
    expect(existsSync(path.join(target.workspace.corpusDir, bombName))).toBe(false);
  });

  it("`npm run index` names the refused file and its code", async () => {
    const result = await runCliScript("src/adapters/cli/index-command.ts", ["--no-gate"], {
      CORPUS_DIR: target.workspace.corpusDir,
      DATA_DIR: target.workspace.dataDir,
      STATE_URL: "memory:",
      DOCUMENT_MAX_BYTES: String(1024 * 1024),
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/lying-bomb\.docx.*DOCUMENT_UNSAFE/);
    expect(result.stdout + result.stderr).toMatch(/too-large\.txt.*DOCUMENT_TOO_LARGE/);
  });
});
