import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiPlugin } from "../../../src/adapters/api/api-routes.js";
import { createHttpApp } from "../../../src/adapters/http/server.js";
import { openApiAccess } from "../../../src/adapters/http/access.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { Answer } from "../../../src/core/types.js";
import { createTestRuntime, type TestRuntime } from "../../helpers/temp-runtime.js";

/** The HTTP API over the real runtime and the real Fastify app, driven in process with inject() (no port). */

const maxBodyBytes = 4096;
let test: TestRuntime;
let app: FastifyInstance;

beforeAll(async () => {
  test = await createTestRuntime();
  ({ app } = await createHttpApp({ plugins: [createApiPlugin(test.runtime.service)], access: openApiAccess, maxBodyBytes, log: silentLogger }));
});
afterAll(async () => {
  await app?.close();
  await test?.close();
});

async function postAsk(body: unknown): Promise<{ status: number; json: any }> {
  const response = await app.inject({
    method: "POST",
    url: "/api/ask",
    headers: { "content-type": "application/json" },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, json: response.json() };
}

describe("GET /healthz", () => {
  it("reports the index version and chunk count", async () => {
    const response = await app.inject({ url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("application/json");
    const body = response.json() as { ok: boolean; chunks: number };
    const status = test.runtime.service.status();
    expect(body).toMatchObject({ ok: true, indexVersion: status.indexVersion, chunks: status.chunks });
    expect(body.chunks).toBeGreaterThan(50);
  });
});

describe("GET /api/facts", () => {
  it("lists the live index's facts, filtered by zone and metric", async () => {
    const response = await app.inject({ url: `/api/facts?zone=${encodeURIComponent("衡阳高新区")}&metric=signed_projects` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { total: number; facts: { zone: string; metric: string; raw: string; period?: { from: string; to: string } }[] };
    expect(body.total).toBeGreaterThan(0);
    expect(body.facts.every((fact) => fact.zone === "衡阳高新区" && fact.metric === "signed_projects")).toBe(true);
    expect(body.facts.some((fact) => fact.raw === "28个" && fact.period?.from === "2023-01" && fact.period.to === "2023-06")).toBe(true);
  });

  it("rejects a bad limit with a clear error", async () => {
    const response = await app.inject({ url: "/api/facts?limit=0" });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: { code: string } }).error.code).toBe("REQUEST_INVALID");
  });
});

describe("POST /api/ask", () => {
  it("returns the Answer as JSON with cited sources", async () => {
    const { status, json } = await postAsk({ question: "衡阳高新区2023年1-6月招商引资签约项目多少个？投资总额多少？" });
    expect(status).toBe(200);
    const answer = json as Answer;
    expect(answer).toMatchObject({ refused: false, mode: "extractive", language: "zh" });
    expect(answer.answer).toContain("150.8亿元");
    expect(answer.citations[0]).toMatchObject({ n: 1, source: expect.stringMatching(/^corpus\/004_[0-9a-f]+\.txt$/), zone: expect.stringContaining("衡阳") });
  });

  it("answers an English question in English", async () => {
    const { status, json } = await postAsk({ question: "What incentives does Changzhi High-tech Zone offer investors?" });
    expect(status).toBe(200);
    expect(json.language).toBe("en");
    expect(json.citations.some((citation: { source: string }) => citation.source.startsWith("corpus/002_"))).toBe(true);
  });

  it("refuses a question about a zone the corpus does not cover", async () => {
    const { status, json } = await postAsk({ question: "深圳高新区的土地出让价格是多少？" });
    expect(status).toBe(200);
    expect(json.refused).toBe(true);
    expect(json.citations).toEqual([]);
  });

  it("answers a follow-up in the same conversation", async () => {
    const first = await postAsk({ question: "乐山高新区“科创八条”政策奖补资金兑现了多少？", conversationId: "http-conv-1" });
    expect(first.json.answer).toContain("500多万元");
    const second = await postAsk({ question: "那衡阳呢？", conversationId: "http-conv-1" });
    expect(second.status).toBe(200);
    expect(second.json.conversationId).toBe("http-conv-1");
    expect(second.json.standaloneQuestion).toContain("衡阳");
    expect(second.json.standaloneQuestion).not.toContain("乐山");
    // Without the conversation the same words are not rewritten.
    const alone = await postAsk({ question: "那衡阳呢？" });
    expect(alone.json.standaloneQuestion).toBe("那衡阳呢？");
  });

  it("answers 400 with a clear message for a body that is not JSON", async () => {
    const { status, json } = await postAsk("{question: 长治");
    expect(status).toBe(400);
    expect(json.error.code).toBe("REQUEST_INVALID");
    expect(json.error.message).toMatch(/not valid JSON/);
    expect(json.error.hint).toContain('"question"');
  });

  it("answers 400 when the question is missing or not a string", async () => {
    const missing = await postAsk({ conversationId: "x" });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: "REQUEST_INVALID", message: expect.stringContaining("question") });
    const wrongType = await postAsk({ question: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.message).toContain("question must be a string");
  });

  it("answers 400 QUESTION_EMPTY for an empty question", async () => {
    const { status, json } = await postAsk({ question: "   " });
    expect(status).toBe(400);
    expect(json.error.code).toBe("QUESTION_EMPTY");
    expect(json.error.hint).toBeTruthy();
  });

  it("answers 400 QUESTION_TOO_LONG for a 10,000-character question, naming the limit", async () => {
    // 10,000 Chinese characters are 30 KB of JSON: use a server with the default 64 KB body limit.
    const big = await createHttpApp({ plugins: [createApiPlugin(test.runtime.service)], access: openApiAccess, maxBodyBytes: 64 * 1024, log: silentLogger });
    try {
      const response = await big.app.inject({
        method: "POST",
        url: "/api/ask",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ question: "长".repeat(10_000) }),
      });
      expect(response.statusCode).toBe(400);
      const json = response.json() as { error: { code: string; message: string } };
      expect(json.error.code).toBe("QUESTION_TOO_LONG");
      expect(json.error.message).toContain(`limit is ${test.config.MAX_QUESTION_CHARS}`);
      expect(json.error.message).toContain("10000");
    } finally {
      await big.app.close();
    }
  });

  it("answers 413 for a body over MAX_BODY_BYTES", async () => {
    const { status, json } = await postAsk({ question: "x".repeat(maxBodyBytes * 2) });
    expect(status).toBe(413);
    expect(json.error.code).toBe("REQUEST_TOO_LARGE");
    expect(json.error.message).toContain(String(maxBodyBytes));
  });

  it("answers 413 for an oversized body sent without a content-length (chunked)", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/ask",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      payload: Readable.from(['{"question":"', "y".repeat(maxBodyBytes * 2), '"}']),
    });
    expect(response.statusCode).toBe(413);
  });
});

describe("routing", () => {
  it("answers 404 for an unknown path and 405 for a wrong method", async () => {
    const unknown = await app.inject({ url: "/api/nothing" });
    expect(unknown.statusCode).toBe(404);
    expect((unknown.json() as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const wrongMethod = await app.inject({ url: "/api/ask" });
    expect(wrongMethod.statusCode).toBe(405);
  });
});

describe("the ask body schema", () => {
  it("accepts a question with an optional conversation id and rejects an empty conversation id, naming it", async () => {
    expect((await postAsk({ question: "长治高新区聘请了多少名招商大使？", conversationId: "c1" })).json.conversationId).toBe("c1");
    const empty = await postAsk({ question: "问", conversationId: "" });
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ code: "REQUEST_INVALID", message: expect.stringContaining("conversationId") });
  });
});
