import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, hostileDocument, startWebServer, parseSse, type WebServer } from "../../helpers/web-server.js";

/**
 * The new HTTP endpoints over real HTTP against the composed server: streaming ask, sources,
 * feedback, admin session + CSRF, uploads and deletes, question log, metrics, OpenAPI, security headers.
 */

let web: WebServer;
const url = (route: string) => `${web.server.url}${route}`;
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  web = await startWebServer({ UPLOAD_MAX_BYTES: "2000", UPLOAD_MAX_FILES: "3" }, { "qinghe-policy.md": hostileDocument });
});

afterAll(async () => {
  await web?.close();
});

const postJson = (route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url(route), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

async function streamAsk(question: string, conversationId?: string): Promise<Array<{ event: string; data: any }>> {
  const response = await postJson("/api/ask/stream", { question, conversationId });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  return parseSse(await response.text());
}

describe("chat endpoints", () => {
  it("streams an answer as Server-Sent Events, with an answer id for feedback", async () => {
    const events = await streamAsk("长治高新区聘请了多少名招商大使？", "s1");
    const answer = events.find((event) => event.event === "answer")!.data;
    expect(answer.answer).toContain("招商大使");
    expect(answer.answerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.conversationId).toBe("s1");
    expect(await web.server.runtime.store.getQuestion(answer.answerId)).toMatchObject({ platform: "web", refused: false, conversationId: "web:s1" });
  });

  it("sends errors as an error event with the coded body", async () => {
    const events = await streamAsk("   ");
    expect(events).toEqual([{ event: "error", data: { error: expect.objectContaining({ code: "QUESTION_EMPTY" }) } }]);
  });

  it("refuses bodies that are not application/json with 415 on /api/ask and /api/ask/stream", async () => {
    for (const route of ["/api/ask", "/api/ask/stream"]) {
      for (const [type, body] of [
        ["application/x-www-form-urlencoded", "question=x"],
        ["text/plain", '{"question":"x"}'],
      ] as const) {
        const response = await fetch(url(route), { method: "POST", headers: { "content-type": type }, body });
        expect(response.status, `${route} ${type}`).toBe(415);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      }
    }
  });

  it("returns the cited article with the quoted sentences' ranges", async () => {
    const answer = (await (await postJson("/api/ask", { question: "长治高新区聘请了多少名招商大使？" })).json()) as any;
    const citation = answer.citations[0];
    const response = await fetch(url(`/api/sources/${encodeURIComponent(citation.chunkId)}?quote=${encodeURIComponent(citation.quote)}`));
    expect(response.status).toBe(200);
    const source = (await response.json()) as any;
    expect(source).toMatchObject({ source: citation.source, title: citation.title, dateEstimated: expect.any(Boolean) });
    expect(source.highlights.length).toBeGreaterThan(0);
    const marked = source.highlights.map((range: { start: number; end: number }) => source.text.slice(range.start, range.end)).join("");
    expect(marked).toContain("招商大使");
    const unknown = await fetch(url(`/api/sources/${encodeURIComponent("corpus/none.txt#0:0")}`));
    expect(unknown.status).toBe(404);
  });

  it("stores feedback on a known answer and refuses unknown ids and values", async () => {
    const answer = (await (await postJson("/api/ask", { question: "衡阳高新区2023年1-6月招商引资签约项目多少个？" })).json()) as any;
    const down = await postJson("/api/feedback", { answerId: answer.answerId, value: "down" });
    expect(down.status).toBe(200);
    expect((await web.server.runtime.store.getQuestion(answer.answerId))?.feedback).toBe("down");
    expect((await web.server.runtime.store.listFeedback(1))[0]).toMatchObject({ value: "down", answer: answer.answer, snapshotVersion: answer.snapshotVersion });
    expect((await postJson("/api/feedback", { answerId: "nope", value: "up" })).status).toBe(404);
    expect((await postJson("/api/feedback", { answerId: answer.answerId, value: "meh" })).status).toBe(400);
  });

  it("serves the pages with a CSP that allows no inline script", async () => {
    for (const route of ["/", "/admin"]) {
      const response = await fetch(url(route));
      expect(response.status).toBe(200);
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      const html = await response.text();
      // Scripts only by src; no inline handlers.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/);
    }
    expect((await fetch(url("/assets/chat.js"))).headers.get("content-type")).toContain("javascript");
  });
});

/** Signs in like the console: returns the cookie header and the CSRF token. */
async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string[] }> {
  const response = await postJson("/admin/session", { token: ADMIN_TOKEN });
  expect(response.status).toBe(200);
  const setCookie = response.headers.getSetCookie();
  const cookie = setCookie.map((line) => line.split(";")[0]).join("; ");
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken, setCookie };
}

describe("admin session and CSRF", () => {
  it("sets an httpOnly, SameSite=Strict, expiring session cookie", async () => {
    const { setCookie } = await signIn();
    const session = setCookie.find((line) => line.startsWith("zone_admin="))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Max-Age=28800/);
    expect(session).toMatch(/Expires=/);
    expect(setCookie.find((line) => line.startsWith("_csrf="))).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/i);
  });

  it("refuses a wrong token and a forged cookie", async () => {
    expect((await postJson("/admin/session", { token: "wrong" })).status).toBe(401);
    expect((await fetch(url("/admin/status"), { headers: { cookie: "zone_admin=9999999999999.abc" } })).status).toBe(401);
  });

  it("needs the CSRF token for every state-changing request made with the cookie", async () => {
    const { cookie, csrf } = await signIn();
    expect((await fetch(url("/admin/status"), { headers: { cookie } })).status).toBe(200);
    for (const [method, route] of [
      ["POST", "/admin/reindex"],
      ["POST", "/admin/rollback"],
      ["DELETE", "/admin/documents/qinghe-policy.md"],
      ["POST", "/admin/documents"],
      ["DELETE", "/admin/session"],
    ]) {
      const missing = await fetch(url(route!), { method, headers: { cookie } });
      expect(missing.status, `${method} ${route} without token`).toBe(403);
      const wrong = await fetch(url(route!), { method, headers: { cookie, "x-csrf-token": "forged" } });
      expect(wrong.status, `${method} ${route} with a wrong token`).toBe(403);
    }
    expect(existsSync(path.join(web.workspace.corpusDir, "qinghe-policy.md"))).toBe(true);
    // Bearer requests (scripts) need no CSRF token: another site's page cannot send that header.
    const started = await fetch(url("/admin/reindex"), { method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify({ gate: false }) });
    expect(started.status).toBe(202);
    await web.server.runtime.admin.wait();
    const out = await fetch(url("/admin/session"), { method: "DELETE", headers: { cookie, "x-csrf-token": csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((line) => /^zone_admin=;/.test(line))).toBe(true);
    // The signed-out cookie no longer works, even if a copy was kept.
    expect((await fetch(url("/admin/status"), { headers: { cookie } })).status).toBe(401);
  });

  it("reports the job's stages and percentage in GET /admin/status", async () => {
    const stages: string[] = [];
    const started = await fetch(url("/admin/reindex"), { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ gate: true }) });
    expect(started.status).toBe(202);
    for (let tries = 0; tries < 400; tries++) {
      const status = (await (await fetch(url("/admin/status"), { headers: bearer })).json()) as any;
      const stage = status.lastJob.progress.stage;
      if (stages[stages.length - 1] !== stage) stages.push(stage);
      expect(status.lastJob.progress.percent).toBeGreaterThanOrEqual(0);
      if (!status.running) {
        expect(status.lastJob.progress).toEqual({ stage: "done", percent: 100 });
        expect(status.liveFiles.find((file: any) => file.file.endsWith("qinghe-policy.md"))).toMatchObject({ status: "indexed", articles: 1 });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stages[stages.length - 1]).toBe("done");
    // Stages only move forward.
    const order = ["reading", "chunking", "embedding", "indexing", "gate", "activation", "done"];
    expect(stages.map((stage) => order.indexOf(stage))).toEqual([...stages.map((stage) => order.indexOf(stage))].sort((a, b) => a - b));
  });
});

describe("uploads and documents", () => {
  const upload = (files: Array<[string, string]>) => {
    const form = new FormData();
    for (const [name, content] of files) form.append("files", new Blob([content]), name);
    return fetch(url("/admin/documents"), { method: "POST", headers: bearer, body: form });
  };
  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
  const corpusNames = async () => (await readdir(web.workspace.corpusDir)).sort();

  it("saves several documents at once, atomically, into CORPUS_DIR", async () => {
    const response = await upload([
      ["policy-a.md", "# 甲\n\n绿川高新区给予奖励10万元。"],
      ["政策 b.txt", "绿川高新区给予补贴20万元。"],
    ]);
    expect(response.status).toBe(201);
    expect(((await response.json()) as any).saved.map((file: { name: string }) => file.name)).toEqual(["policy-a.md", "政策 b.txt"]);
    expect(await readFile(path.join(web.workspace.corpusDir, "政策 b.txt"), "utf8")).toBe("绿川高新区给予补贴20万元。");
    expect((await corpusNames()).some((name) => name.endsWith(".tmp"))).toBe(false);
    const listed = (await (await fetch(url("/admin/documents"), { headers: bearer })).json()) as any;
    expect(listed.documents.map((doc: { name: string }) => doc.name)).toEqual(expect.arrayContaining(["policy-a.md", "政策 b.txt"]));
  });

  it("refuses empty, too large, wrong-type and path names, saving nothing", async () => {
    const before = await corpusNames();
    const empty = await upload([["empty.md", ""]]);
    expect(empty.status).toBe(400);
    expect(await errorCode(empty)).toBe("UPLOAD_INVALID");
    const big = await upload([["big.txt", "长".repeat(1000)]]);
    expect(big.status).toBe(413);
    const exe = await upload([["tool.exe", "MZ"]]);
    expect(exe.status).toBe(400);
    for (const name of ["../escape.md", "..\\escape.md", "sub/escape.md", ".hidden.md", "catalog.json"]) {
      const response = await upload([[name, "text"]]);
      expect(response.status, name).toBe(400);
    }
    // One bad file in a batch: the good one is not saved either.
    const mixed = await upload([["good.md", "好"], ["bad.exe", "MZ"]]);
    expect(mixed.status).toBe(400);
    expect((await upload([["1.md", "a"], ["2.md", "b"], ["3.md", "c"], ["4.md", "d"]])).status).toBe(413);
    const notMultipart = await fetch(url("/admin/documents"), { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: "{}" });
    expect(notMultipart.status).toBe(415);
    expect(await corpusNames()).toEqual(before);
    expect(existsSync(path.join(web.workspace.root, "escape.md"))).toBe(false);
  });

  it("deletes a document and refuses names outside the corpus", async () => {
    expect((await fetch(url("/admin/documents/policy-a.md"), { method: "DELETE", headers: bearer })).status).toBe(200);
    expect(existsSync(path.join(web.workspace.corpusDir, "policy-a.md"))).toBe(false);
    expect((await fetch(url("/admin/documents/policy-a.md"), { method: "DELETE", headers: bearer })).status).toBe(404);
    expect((await fetch(url(`/admin/documents/${encodeURIComponent("../data")}`), { method: "DELETE", headers: bearer })).status).toBe(400);
    expect((await fetch(url("/admin/documents/catalog.json"), { method: "DELETE", headers: bearer })).status).toBe(400);
  });
});

describe("question log", () => {
  it("filters refused questions and 👎, and exports CSV", async () => {
    await postJson("/api/ask", { question: "深圳高新区的土地出让价格是多少？" });
    await postJson("/api/ask", { question: "=HYPERLINK(\"x\") 长治高新区聘请了多少名招商大使？" });
    const refused = (await (await fetch(url("/admin/questions?refused=true"), { headers: bearer })).json()) as any;
    expect(refused.questions.length).toBeGreaterThan(0);
    expect(refused.questions.every((record: { refused: boolean }) => record.refused)).toBe(true);
    expect(refused.questions.map((record: { question: string }) => record.question)).toContain("深圳高新区的土地出让价格是多少？");
    const down = (await (await fetch(url("/admin/questions?feedback=down"), { headers: bearer })).json()) as any;
    expect(down.questions.every((record: { feedback: string }) => record.feedback === "down")).toBe(true);
    const csv = await fetch(url("/admin/questions?format=csv"), { headers: bearer });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A BOM first, so spreadsheet programs read UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.split("\r\n")[0]).toBe("time,platform,language,mode,refused,latency_ms,feedback,snapshot,citations,question,answer,feedback_comment");
    expect(text).toContain("深圳高新区的土地出让价格是多少？");
    // A formula is kept as text.
    expect(text).toContain(`"'=HYPERLINK(""x"") 长治高新区`);
    expect((await fetch(url("/admin/questions?limit=0"), { headers: bearer })).status).toBe(400);
    expect((await fetch(url("/admin/questions"))).status).toBe(401);
  });
});

describe("operations", () => {
  it("exposes Prometheus metrics to the admin token (the server has secrets)", async () => {
    expect((await fetch(url("/metrics"))).status).toBe(401);
    const response = await fetch(url("/metrics"), { headers: bearer });
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const version = web.server.runtime.service.status().indexVersion;
    expect(text).toMatch(/http_requests_total\{route="\/api\/ask",method="POST",status="200"\} \d+/);
    expect(text).toMatch(/http_requests_total\{route="\/api\/ask",method="POST",status="415"\} \d+/);
    expect(text).toMatch(/zone_answer_duration_seconds_count\{mode="extractive"\} [1-9]/);
    expect(text).toMatch(/zone_refusals_total\{language="zh"\} [1-9]/);
    expect(text).toContain(`zone_live_snapshot_info{version="${version}"} 1`);
    expect(text).toMatch(new RegExp(`zone_live_chunks ${web.server.runtime.service.status().chunks}\\b`));
    expect(text).toMatch(/zone_reindex_runs_total\{state="succeeded"\} [1-9]/);
    expect(text).toMatch(/zone_reindex_duration_seconds_count [1-9]/);
    expect(text).toContain("zone_llm_fallbacks_total 0");
  });

  it("serves a valid OpenAPI document covering every API and admin route", async () => {
    const document = (await (await fetch(url("/api/openapi.json"))).json()) as { paths: Record<string, Record<string, unknown>> };
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const documented = new Set(Object.entries(document.paths).flatMap(([route, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`)));
    const served = web.server.http.routes
      .filter((route) => /^\/(api\/|admin\/|healthz|metrics)/.test(route.url))
      .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, "{$1}")}`);
    expect(served.length).toBeGreaterThan(15);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
    // The request schemas are the validating ones: the ask body requires `question`.
    const ask = document.paths["/api/ask"]!.post as any;
    expect(ask.requestBody.content["application/json"].schema.required).toContain("question");
  });

  it("puts a request id on every response", async () => {
    const response = await fetch(url("/healthz"), { headers: { "x-request-id": "trace-123" } });
    expect(response.headers.get("x-request-id")).toBe("trace-123");
    expect((await fetch(url("/healthz"))).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("API_KEYS", () => {
  let keyed: WebServer;
  beforeAll(async () => {
    keyed = await startWebServer({ API_KEYS: "key-one, key-two" });
  });
  afterAll(async () => {
    await keyed?.close();
  });

  it("requires a key (bearer or the sign-in cookie) on /api/*", async () => {
    const ask = (headers: Record<string, string>) =>
      fetch(`${keyed.server.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ question: "长治高新区聘请了多少名招商大使？" }) });
    expect((await ask({})).status).toBe(401);
    expect((await ask({ authorization: "Bearer wrong" })).status).toBe(401);
    expect((await ask({ authorization: "Bearer key-two" })).status).toBe(200);
    const session = await fetch(`${keyed.server.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: "key-one" }) });
    expect(session.status).toBe(200);
    const setCookie = session.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect((await ask({ cookie: setCookie.split(";")[0]! })).status).toBe(200);
    expect(((await (await fetch(`${keyed.server.url}/api/session`)).json()) as { required: boolean }).required).toBe(true);
    // The pages and the API description stay reachable, so a user can sign in.
    expect((await fetch(`${keyed.server.url}/`)).status).toBe(200);
    expect((await fetch(`${keyed.server.url}/api/openapi.json`)).status).toBe(200);
  });
});
