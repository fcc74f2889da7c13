import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local OpenAI-compatible /v1/embeddings endpoint that counts what it is asked to embed and
 * can be slowed down (to kill a build mid-way). Vectors are deterministic from the text: a
 * bag of hashed character bigrams, so similar texts get similar vectors and retrieval still works.
 */

const MOCK_DIMENSIONS = 64;

function mockVector(text: string): number[] {
  const vector = new Array<number>(MOCK_DIMENSIONS).fill(0);
  for (let i = 0; i + 1 < text.length; i++) {
    const slot = createHash("md5").update(text.slice(i, i + 2)).digest().readUInt16LE(0) % MOCK_DIMENSIONS;
    vector[slot] += 1;
  }
  vector[0] += 0.001;
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return vector.map((value) => value / norm);
}

export interface MockEmbeddings {
  url: string;
  /** Number of POST /v1/embeddings requests. */
  requests: number;
  /** Every text embedded, in order. */
  texts: string[];
  /** Milliseconds to wait before each answer. */
  delayMs: number;
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startMockEmbeddings(): Promise<MockEmbeddings> {
  let waiters: Array<() => void> = [];
  /** Releases delayed answers on close, so no timer outlives the test. */
  const pending = new Set<() => void>();
  const state = {
    requests: 0,
    texts: [] as string[],
    delayMs: 0,
  };
  const server: Server = createServer(async (request, response) => {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    if (request.method !== "POST" || request.url !== "/v1/embeddings") {
      response.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as { model: string; input: string | string[] };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    state.requests++;
    state.texts.push(...inputs);
    const current = waiters;
    waiters = [];
    current.forEach((resolve) => resolve());
    if (state.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, state.delayMs);
        pending.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (response.destroyed) return;
    const text = JSON.stringify({
      object: "list",
      model: body.model,
      data: inputs.map((input, index) => ({ object: "embedding", index, embedding: mockVector(input) })),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    get texts() {
      return state.texts;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    nextRequest: () => new Promise<void>((resolve) => waiters.push(resolve)),
    reset() {
      state.requests = 0;
      state.texts = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        pending.forEach((release) => release());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Env that points the embedder at the mock. */
export function mockEmbedderEnv(mock: MockEmbeddings): Record<string, string> {
  return { EMBEDDINGS_PROVIDER: "openai", OPENAI_BASE_URL: mock.url, OPENAI_API_KEY: "test", EMBEDDINGS_MODEL: "mock-embed", EMBEDDINGS_DIMENSIONS: String(MOCK_DIMENSIONS) };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
