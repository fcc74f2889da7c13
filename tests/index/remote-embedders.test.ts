import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/core/config.js";
import { createEmbedder } from "../../src/index/embedders/create-embedder.js";
import { OllamaEmbedder } from "../../src/index/embedders/ollama-embedder.js";
import { OpenAIEmbedder } from "../../src/index/embedders/openai-embedder.js";

interface Received {
  method: string;
  url: string;
  authorization?: string;
  body: { model?: string; input?: string | string[]; encoding_format?: string };
}

const DIMENSIONS = 6;

/** Deterministic vector from the text, so the tests can check order and content. */
function vectorFor(text: string): number[] {
  return Array.from({ length: DIMENSIONS }, (_, i) => ((text.length + i) % 7) / 7 + (text.charCodeAt(0) % 5) / 100);
}

let server: Server;
let baseUrl: string;
let received: Received[] = [];
/** Lets a test make the mock fail. */
let failWith: number | undefined;

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse((await readBody(request)) || "{}") as Received["body"];
    received.push({ method: request.method ?? "", url: request.url ?? "", authorization: request.headers.authorization, body });
    if (failWith) return send(response, failWith, { error: { message: "mock failure" } });
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ""];
    if (request.method === "POST" && request.url === "/v1/embeddings") {
      return send(response, 200, {
        object: "list",
        model: body.model,
        data: inputs.map((text, index) => ({ object: "embedding", index, embedding: vectorFor(text) })),
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    }
    if (request.method === "POST" && request.url === "/api/embed") {
      return send(response, 200, { model: body.model, embeddings: inputs.map(vectorFor) });
    }
    send(response, 404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  failWith = undefined;
});

describe("OpenAIEmbedder", () => {
  it("posts batches to /v1/embeddings and learns the dimensions from the response", async () => {
    const embedder = new OpenAIEmbedder({ baseURL: `${baseUrl}/v1`, apiKey: "sk-test", model: "bge-m3", dimensions: 512, batchSize: 2 });
    expect(embedder.dimensionsKnown).toBe(false);
    const texts = ["长治高新区", "装修补贴1.5亿元", "衡阳"];
    const vectors = await embedder.embed(texts);
    expect(vectors).toEqual(texts.map(vectorFor));
    expect(embedder.dimensions).toBe(DIMENSIONS);
    expect(embedder.dimensionsKnown).toBe(true);
    expect(embedder.id).toBe("openai:bge-m3");
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.method === "POST" && r.url === "/v1/embeddings")).toBe(true);
    expect(received[0].authorization).toBe("Bearer sk-test");
    expect(received[0].body).toMatchObject({ model: "bge-m3", input: ["长治高新区", "装修补贴1.5亿元"], encoding_format: "float" });
    expect(received[1].body.input).toEqual(["衡阳"]);
  });

  it("turns an HTTP failure into EMBEDDER_FAILED with a hint", async () => {
    failWith = 401;
    const embedder = new OpenAIEmbedder({ baseURL: `${baseUrl}/v1`, model: "m", dimensions: 8, maxRetries: 0 });
    await expect(embedder.embed(["x"])).rejects.toMatchObject({
      code: "EMBEDDER_FAILED",
      hint: expect.stringContaining("OPENAI_BASE_URL"),
    });
  });

  it("is what createEmbedder builds for EMBEDDINGS_PROVIDER=openai", async () => {
    const embedder = createEmbedder(
      loadConfig({ EMBEDDINGS_PROVIDER: "openai", OPENAI_BASE_URL: `${baseUrl}/v1`, OPENAI_API_KEY: "k", EMBEDDINGS_MODEL: "e5" }),
    );
    expect(embedder.provider).toBe("openai");
    await embedder.embed(["a"]);
    expect(received[0].body.model).toBe("e5");
  });
});

describe("OllamaEmbedder", () => {
  it("posts to /api/embed and validates the vectors", async () => {
    const embedder = new OllamaEmbedder({ baseUrl, model: "nomic-embed-text", dimensions: 768 });
    const vectors = await embedder.embed(["安康", "外资6836万美元"]);
    expect(vectors).toEqual(["安康", "外资6836万美元"].map(vectorFor));
    expect(embedder.dimensions).toBe(DIMENSIONS);
    expect(embedder.id).toBe("ollama:nomic-embed-text");
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", url: "/api/embed", body: { model: "nomic-embed-text", input: ["安康", "外资6836万美元"] } });
  });

  it("turns a server error into EMBEDDER_FAILED naming ollama pull", async () => {
    failWith = 500;
    const embedder = createEmbedder(
      loadConfig({ EMBEDDINGS_PROVIDER: "ollama", OLLAMA_BASE_URL: baseUrl, EMBEDDINGS_MODEL: "bge-m3" }),
      { maxRetries: 0 },
    ) as OllamaEmbedder;
    expect(embedder).toBeInstanceOf(OllamaEmbedder);
    await expect(embedder.embed(["x"])).rejects.toMatchObject({
      code: "EMBEDDER_FAILED",
      hint: expect.stringContaining("ollama pull bge-m3"),
    });
  });

  it("fails with EMBEDDER_FAILED when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const embedder = new OllamaEmbedder({ baseUrl: `http://127.0.0.1:${port}`, model: "m", dimensions: 4, maxRetries: 0 });
    await expect(embedder.embed(["x"])).rejects.toMatchObject({ code: "EMBEDDER_FAILED" });
  });
});
