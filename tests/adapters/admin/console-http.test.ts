import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/core/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { startServer } from "../../../src/start-server.js";
import { createTempWorkspace, testConfig } from "../../helpers/temp-runtime.js";
import { ADMIN_TOKEN, startWebServer, type WebServer } from "../../helpers/web-server.js";
import { mockEmbedderEnv, startMockEmbeddings, type MockEmbeddings } from "../../admin/mock-embeddings.js";

/**
 * The console's server side over real HTTP against the composed server: named admins (who is in
 * every audit row), corpus files with their state before a re-index, the question log's search,
 * dates and paging, the audit view, and cancelling a running re-index.
 */

const ALICE = "alice-token-0123456789abcdef";
const BOB = "bob-token-0123456789abcdef";

let web: WebServer;
let mock: MockEmbeddings;
const url = (route: string) => `${web.server.url}${route}`;
const as = (token: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
const json = async <T = any>(response: Response): Promise<T> => (await response.json()) as T;

beforeAll(async () => {
  mock = await startMockEmbeddings();
  web = await startWebServer({ ADMIN_TOKENS: `alice:${ALICE},bob:${BOB}`, ...mockEmbedderEnv(mock), SNAPSHOTS_KEEP: "5" });
});

afterAll(async () => {
  await web?.close();
  await mock?.close();
});

describe("ADMIN_TOKENS: one token per person", () => {
  it("is parsed as name:token pairs, and a malformed or repeated entry stops start-up naming the variable", () => {
    expect(loadConfig({ ADMIN_TOKENS: "alice:a1, bob:b:2" }).ADMIN_TOKENS).toEqual([
      { name: "alice", token: "a1" },
      { name: "bob", token: "b:2" },
    ]);
    expect(loadConfig({}).ADMIN_TOKENS).toEqual([]);
    expect(() => loadConfig({ ADMIN_TOKENS: "alice-without-token" })).toThrow(/ADMIN_TOKENS/);
    expect(() => loadConfig({ ADMIN_TOKENS: "a b:x" })).toThrow(/ADMIN_TOKENS/);
    expect(() => loadConfig({ ADMIN_TOKENS: "alice:x,alice:y" })).toThrow(/ADMIN_TOKENS.*twice/);
    expect(() => loadConfig({ ADMIN_TOKENS: "alice:x,bob:x" })).toThrow(/ADMIN_TOKENS.*twice/);
  });

  it("names the admin in the audit row of a bearer request, a console session and its actions; ADMIN_TOKEN stays admin-api", async () => {
    const form = new FormData();
    form.append("files", new Blob(["白沙高新区对新落户企业给予一次性奖励20万元。\n"]), "baisha-alice.md");
    expect((await fetch(url("/admin/documents"), as(ALICE, { method: "POST", body: form }))).status).toBe(201);

    // Bob signs in on the console: the session says who, and his delete is his.
    const signIn = await fetch(url("/admin/session"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: BOB }) });
    expect(signIn.status).toBe(200);
    const session = await json(signIn);
    expect(session.admin).toBe("bob");
    const cookie = signIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
    expect(await json(await fetch(url("/admin/session"), { headers: { cookie } }))).toMatchObject({ admin: "bob" });
    const deleted = await fetch(url("/admin/documents/baisha-alice.md"), { method: "DELETE", headers: { cookie, "x-csrf-token": session.csrfToken, origin: web.server.url } });
    expect(deleted.status).toBe(200);

    // The unnamed ADMIN_TOKEN keeps working, as admin-api.
    expect((await fetch(url("/admin/status"), as(ADMIN_TOKEN))).status).toBe(200);
    const { audit } = await json<{ audit: Array<{ actor: string; action: string; detail: string }> }>(await fetch(url("/admin/audit?limit=20"), as(ADMIN_TOKEN)));
    expect(audit.find((row) => row.action === "documents.upload" && row.detail.includes("baisha-alice.md"))?.actor).toBe("admin:alice");
    expect(audit.find((row) => row.action === "auth.signin")?.actor).toBe("admin:bob");
    expect(audit.find((row) => row.action === "documents.delete" && row.detail === "baisha-alice.md")?.actor).toBe("admin:bob");
    // A wrong token is still refused.
    expect((await fetch(url("/admin/status"), as("alice-token-wrong"))).status).toBe(401);
  });
});

describe("corpus files with their state", () => {
  it("lists an upload as pending, an edited file as changed, a deleted one as removed, the rest indexed, before any re-index", async () => {
    const before = await json(await fetch(url("/admin/documents"), as(ALICE)));
    expect(before.liveVersion).toBe(web.server.runtime.service.status().indexVersion);
    const indexed = before.documents.filter((file: { state: string }) => file.state === "indexed");
    expect(indexed.length).toBeGreaterThanOrEqual(3);
    expect(indexed[0]).toMatchObject({ bytes: expect.any(Number), modifiedAt: expect.stringMatching(/^\d{4}-/), chunks: expect.any(Number) });
    const [edited, gone] = indexed.slice(0, 2).map((file: { name: string }) => file.name);

    const form = new FormData();
    form.append("files", new Blob(["红石高新区对研发投入给予补贴。\n"]), "hongshi-new.md");
    expect((await fetch(url("/admin/documents"), as(ALICE, { method: "POST", body: form }))).status).toBe(201);
    const editedPath = path.join(web.workspace.corpusDir, edited);
    await writeFile(editedPath, `${await readFile(editedPath, "utf8")}\n补充一句。\n`, "utf8");
    const goneText = await readFile(path.join(web.workspace.corpusDir, gone), "utf8");
    await rm(path.join(web.workspace.corpusDir, gone));

    try {
      const after = await json(await fetch(url("/admin/documents"), as(ALICE)));
      const state = (name: string) => after.documents.find((file: { name: string }) => file.name === name)?.state;
      expect(state("hongshi-new.md")).toBe("pending");
      expect(state(edited)).toBe("changed");
      expect(state(gone)).toBeUndefined();
      expect(after.removed).toContain(gone);
      expect(after.documents.some((file: { name: string }) => /catalog|glossary|metrics|gazetteer/.test(file.name))).toBe(false);
    } finally {
      await writeFile(path.join(web.workspace.corpusDir, gone), goneText, "utf8");
      await rm(path.join(web.workspace.corpusDir, "hongshi-new.md"));
      await writeFile(editedPath, (await readFile(editedPath, "utf8")).replace(/\n补充一句。\n$/, ""), "utf8");
    }
  });
});

describe("question log: search, dates, paging", () => {
  it("finds by words, limits by date, and pages with hasMore", async () => {
    const questions = ["长治高新区聘请了多少名招商大使？", "衡阳高新区2023年1-6月招商引资签约项目多少个？", "What incentives does Changzhi offer?"];
    for (const question of questions) {
      const response = await fetch(url("/api/ask"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
      expect(response.status).toBe(200);
    }
    const page = (query: string) => fetch(url(`/admin/questions?${query}`), as(BOB)).then((response) => json(response));
    const found = await page(`q=${encodeURIComponent("招商大使")}`);
    expect(found.questions.map((record: { question: string }) => record.question)).toEqual([questions[0]]);
    // Case-insensitive, and LIKE wildcards are taken literally.
    expect((await page("q=CHANGZHI")).questions.some((record: { question: string }) => record.question === questions[2])).toBe(true);
    expect((await page(`q=${encodeURIComponent("%")}`)).questions).toEqual([]);

    const today = new Date().toISOString().slice(0, 10);
    expect((await page(`from=${today}&to=${today}`)).questions.length).toBeGreaterThanOrEqual(3);
    expect((await page("to=2020-01-01")).questions).toEqual([]);

    const first = await page("limit=2");
    expect(first.questions).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const second = await page("limit=2&offset=2");
    expect(second.questions[0].id).not.toBe(first.questions[1].id);
    expect(first.questions.map((record: { id: string }) => record.id)).not.toContain(second.questions[0].id);
    const last = await page("limit=2&offset=2&q=" + encodeURIComponent("高新区"));
    expect(last.hasMore).toBe(false);

    const bad = await fetch(url("/admin/questions?from=yesterday"), as(BOB));
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe("REQUEST_INVALID");
  });

  it("stores the comment written with a 👎 and shows it in the log", async () => {
    const answer = await json(await fetch(url("/api/ask"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "乐山高新区“科创八条”政策奖补资金兑现了多少？" }) }));
    const sent = await fetch(url("/api/feedback"), {
      method: "POST",
      headers: { "content-type": "application/json", origin: web.server.url },
      body: JSON.stringify({ answerId: answer.answerId, value: "down", comment: "数字对，但缺少年份" }),
    });
    expect(sent.status).toBe(200);
    const log = await json(await fetch(url(`/admin/questions?feedback=down&q=${encodeURIComponent("缺少年份")}`), as(BOB)));
    expect(log.questions).toHaveLength(1);
    expect(log.questions[0]).toMatchObject({ id: answer.answerId, feedback: "down", feedbackComment: "数字对，但缺少年份" });
    expect((await web.server.runtime.store.listFeedback(3)).find((entry) => entry.messageId === answer.answerId)?.comment).toBe("数字对，但缺少年份");
    // The CSV export has it too, with the same filters.
    const csv = await (await fetch(url(`/admin/questions?format=csv&feedback=down&q=${encodeURIComponent("缺少年份")}`), as(BOB))).text();
    expect(csv.trim().split("\r\n")).toHaveLength(2);
    expect(csv).toMatch(/,数字对，但缺少年份\r\n$/);
  });
});

describe("audit view", () => {
  it("searches and pages the audit log", async () => {
    const all = await json(await fetch(url("/admin/audit?limit=2"), as(ALICE)));
    expect(all.audit).toHaveLength(2);
    expect(all.hasMore).toBe(true);
    const next = await json(await fetch(url("/admin/audit?limit=2&offset=2"), as(ALICE)));
    expect(next.audit[0]).not.toEqual(all.audit[1]);
    const bobs = await json(await fetch(url("/admin/audit?q=admin:bob"), as(ALICE)));
    expect(bobs.audit.length).toBeGreaterThanOrEqual(2);
    expect(bobs.audit.every((row: { actor: string }) => row.actor === "admin:bob")).toBe(true);
    expect((await fetch(url("/admin/audit?limit=0"), as(ALICE))).status).toBe(400);
    expect((await fetch(url("/admin/audit"))).status).toBe(401);
  });
});

describe("cancel a running re-index", () => {
  it("answers 409 when none runs", async () => {
    const response = await fetch(url("/admin/reindex/cancel"), as(ALICE, { method: "POST" }));
    expect(response.status).toBe(409);
    expect((await json(response)).error.code).toBe("REINDEX_NOT_RUNNING");
  });

  it("stops the build mid-embedding, keeps the live snapshot, and says who cancelled", async () => {
    const live = web.server.runtime.service.status().indexVersion;
    // A changed file makes the build embed again; the mock embedder then holds its answer.
    await writeFile(path.join(web.workspace.corpusDir, "cancel-me.md"), "青山高新区对新落户企业给予一次性奖励30万元。\n", "utf8");
    mock.delayMs = 600_000;
    const embedding = mock.nextRequest();
    const started = await fetch(url("/admin/reindex"), as(ALICE, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ gate: false }) }));
    expect(started.status).toBe(202);
    const { jobId } = await json(started);
    await embedding;
    const cancelled = await fetch(url("/admin/reindex/cancel"), as(BOB, { method: "POST" }));
    mock.delayMs = 0;
    expect(cancelled.status).toBe(200);
    const { job } = await json(cancelled);
    expect(job).toMatchObject({ id: jobId, state: "cancelled", cancelledBy: "admin:bob", error: { code: "REINDEX_CANCELLED" } });
    expect(web.server.runtime.service.status().indexVersion).toBe(live);
    const status = await json(await fetch(url("/admin/status"), as(ALICE)));
    expect(status).toMatchObject({ running: false, live: { version: live }, lastJob: { id: jobId, state: "cancelled" } });
    expect(status.snapshots.map((snapshot: { version: string }) => snapshot.version)).not.toContain(job.version ?? "none");
    const { audit } = await json(await fetch(url("/admin/audit?q=reindex"), as(ALICE)));
    expect(audit.find((row: { action: string }) => row.action === "reindex.cancel")?.actor).toBe("admin:bob");
    expect(audit.find((row: { action: string }) => row.action === "reindex.cancelled")?.actor).toBe("admin:alice");
    await rm(path.join(web.workspace.corpusDir, "cancel-me.md"));
  });
});

describe("chat page endpoints: overview and original documents", () => {
  it("says when the index was built and offers example questions about what it covers", async () => {
    const overview = await json(await fetch(url("/api/overview")));
    expect(overview.builtAt).toBe(web.server.runtime.service.status().builtAt);
    expect(overview.examples.zh.length).toBeGreaterThanOrEqual(1);
    expect(overview.examples.en.length).toBeGreaterThanOrEqual(1);
    // Every example names a zone of the live snapshot, and is answered from it with citations.
    const coverage = await json(await fetch(url("/api/ask"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "你们覆盖哪些园区？" }) }));
    for (const question of overview.examples.zh) expect(coverage.answer).toContain(/^(.+?(?:高新区|开发区|新区|区|市|县))/.exec(question)![1]);
    // No place asked about twice under two names (安康 beside 安康高新区).
    const places = overview.examples.zh.map((question: string) => /^(.+?)有哪些招商优惠政策/.exec(question)?.[1]).filter(Boolean) as string[];
    for (const place of places) expect(places.filter((other) => other !== place && (other.includes(place) || place.includes(other)))).toEqual([]);
    for (const question of [...overview.examples.zh, ...overview.examples.en]) {
      const answered = await json(await fetch(url("/api/ask"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) }));
      expect(answered.refused, question).toBe(false);
      expect(answered.citations.length).toBeGreaterThan(0);
    }
  });

  it("serves a citation's original file inline or as a download, and only files of the live index", async () => {
    const answer = await json(await fetch(url("/api/ask"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "长治高新区聘请了多少名招商大使？" }) }));
    const citation = answer.citations[0];
    const opened = await fetch(url(`/api/original/${encodeURIComponent(citation.chunkId)}`));
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-type")).toContain("text/plain");
    expect(opened.headers.get("content-disposition")).toMatch(/^inline;/);
    expect(opened.headers.get("content-security-policy")).toContain("sandbox");
    const original = await readFile(path.join(web.workspace.corpusDir, citation.source.split("/").slice(1).join("/")), "utf8");
    expect(await opened.text()).toBe(original);
    const downloaded = await fetch(url(`/api/original/${encodeURIComponent(citation.chunkId)}?download=1`));
    expect(downloaded.headers.get("content-disposition")).toMatch(/^attachment; filename="[^"]+\.txt"/);
    await downloaded.arrayBuffer();
    for (const bad of ["corpus%2F..%2F..%2Fetc%2Fpasswd%230%3A0", "nope", encodeURIComponent("corpus/catalog.json#0:0")]) {
      const response = await fetch(url(`/api/original/${bad}`));
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe("NOT_FOUND");
    }
  });
});

describe("cancel from another server sharing DATA_DIR and the state store", () => {
  it("reaches the build running on the other server, which stops it", async () => {
    const workspace = await createTempWorkspace();
    const slow = await startMockEmbeddings();
    const env = { HOST: "127.0.0.1", PORT: "0", ADMIN_TOKENS: `alice:${ALICE},bob:${BOB}`, ...mockEmbedderEnv(slow), SNAPSHOT_POLL_MS: "60000" };
    const a = await startServer(testConfig(workspace, env), { log: silentLogger });
    const b = await startServer(testConfig(workspace, env), { log: silentLogger });
    try {
      const live = a.runtime.service.status().indexVersion;
      await writeFile(path.join(workspace.corpusDir, "cancel-elsewhere.md"), "青山高新区对新落户企业给予一次性奖励30万元。\n", "utf8");
      slow.delayMs = 600_000;
      const embedding = slow.nextRequest();
      const started = await fetch(`${a.url}/admin/reindex`, as(ALICE, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ gate: false }) }));
      const { jobId } = await json(started);
      await embedding;
      // Server B does not run it: it asks A through the state store.
      const asked = await fetch(`${b.url}/admin/reindex/cancel`, as(BOB, { method: "POST" }));
      expect(asked.status).toBe(200);
      expect((await json(asked)).job).toMatchObject({ id: jobId, cancelRequestedBy: "admin:bob" });
      const done = await a.runtime.admin.wait(jobId);
      slow.delayMs = 0;
      expect(done).toMatchObject({ state: "cancelled", cancelledBy: "admin:bob" });
      expect(a.runtime.service.status().indexVersion).toBe(live);
      const status = await json(await fetch(`${b.url}/admin/status`, as(BOB)));
      expect(status.lastJob).toMatchObject({ id: jobId, state: "cancelled" });
    } finally {
      slow.delayMs = 0;
      await b.close();
      await a.close();
      await slow.close();
      await workspace.cleanup();
    }
  });
});
