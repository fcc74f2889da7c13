import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for an OpenAI-compatible server (POST …/chat/completions, JSON or SSE: OpenAI,
 * DeepSeek, Zhipu, Moonshot), for Ollama (POST /api/chat, JSON or NDJSON) and for DashScope's native
 * API (POST /api/v1/services/aigc/text-generation/generation, JSON or SSE). It records requests
 * (path, headers, body) and plays scripted replies.
 */

type MockReply =
  | { kind: "text"; text: string }
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** Never answers, to exercise timeouts. */
  | { kind: "hang" }
  /** Sends this body as is with status 200. */
  | { kind: "raw"; body: string; contentType?: string };

export interface MockRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface MockLlmServer {
  /** Base URL without path, e.g. http://127.0.0.1:12345 */
  url: string;
  requests: MockRequest[];
  /** Replies played in order; the last one repeats. */
  script(replies: MockReply[]): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    request.on("error", reject);
  });
}

/** Splits text in a few pieces, cutting through words, as real streams do. */
function pieces(text: string, size = 7): string[] {
  const result: string[] = [];
  for (let index = 0; index < text.length; index += size) result.push(text.slice(index, index + size));
  return result;
}

function sendOpenAi(response: ServerResponse, body: any, text: string): void {
  const base = { id: "chatcmpl-mock", created: 1700000000, model: body.model ?? "mock" };
  if (body.stream) {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const piece of pieces(text)) {
      const chunk = { ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: piece }, finish_reason: null }] };
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    }
    const last = { ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };
    response.write(`data: ${JSON.stringify(last)}\n\n`);
    response.end("data: [DONE]\n\n");
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      ...base,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    }),
  );
}

/** DashScope's native shape: `output.text`, SSE events with `data:` lines when X-DashScope-SSE is on. */
function sendDashScope(response: ServerResponse, body: any, streaming: boolean, text: string): void {
  const usage = { input_tokens: 10, output_tokens: 10, total_tokens: 20 };
  if (streaming) {
    response.writeHead(200, { "content-type": "text/event-stream;charset=UTF-8" });
    const parts = body.parameters?.incremental_output ? pieces(text) : [text];
    parts.forEach((piece, index) => {
      const data = { output: { text: piece, finish_reason: index === parts.length - 1 ? "stop" : "null" }, usage, request_id: "mock-request" };
      response.write(`id:${index + 1}\nevent:result\n:HTTP_STATUS/200\ndata:${JSON.stringify(data)}\n\n`);
    });
    response.end();
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ output: { text, finish_reason: "stop" }, usage, request_id: "mock-request" }));
}

function sendOllama(response: ServerResponse, body: any, text: string): void {
  const base = { model: body.model ?? "mock", created_at: "2024-01-01T00:00:00Z" };
  const done = { ...base, message: { role: "assistant", content: "" }, done: true, done_reason: "stop", total_duration: 1, load_duration: 1, prompt_eval_count: 10, prompt_eval_duration: 1, eval_count: 10, eval_duration: 1 };
  if (body.stream === false) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ...done, message: { role: "assistant", content: text } }));
    return;
  }
  response.writeHead(200, { "content-type": "application/x-ndjson" });
  for (const piece of pieces(text)) response.write(JSON.stringify({ ...base, message: { role: "assistant", content: piece }, done: false }) + "\n");
  response.end(JSON.stringify(done) + "\n");
}

export async function startMockLlmServer(): Promise<MockLlmServer> {
  let replies: MockReply[] = [{ kind: "text", text: "" }];
  let played = 0;
  const requests: MockRequest[] = [];

  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = { unparsed: raw };
    }
    const path = request.url ?? "";
    requests.push({ path, headers: request.headers, body });
    const isOpenAi = request.method === "POST" && path.endsWith("/chat/completions");
    const isOllama = request.method === "POST" && path === "/api/chat";
    const isDashScope = request.method === "POST" && path.endsWith("/services/aigc/text-generation/generation");
    if (!isOpenAi && !isOllama && !isDashScope) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "not found" }));
      return;
    }
    const reply = replies[Math.min(played, replies.length - 1)];
    played += 1;
    if (reply.kind === "hang") return;
    if (reply.kind === "status") {
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      // Each API's own error body: DashScope's top-level code, the others' error object (Zhipu's carries a code).
      const error = isDashScope ? { code: "InvalidApiKey", message: `mock status ${reply.status}`, request_id: "mock-request" } : { error: { message: `mock status ${reply.status}`, type: "mock", code: String(reply.status) } };
      response.end(reply.body ?? JSON.stringify(error));
      return;
    }
    if (reply.kind === "raw") {
      response.writeHead(200, { "content-type": reply.contentType ?? "application/json" });
      response.end(reply.body);
      return;
    }
    if (isOpenAi) sendOpenAi(response, body, reply.text);
    else if (isDashScope) sendDashScope(response, body, request.headers["x-dashscope-sse"] === "enable", reply.text);
    else sendOllama(response, body, reply.text);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(next) {
      replies = next;
      played = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
