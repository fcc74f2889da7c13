import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createApiPlugin } from "../src/adapters/api/api-routes.js";
import { openApiAccess } from "../src/adapters/http/access.js";
import { startHttpServer } from "../src/adapters/http/server.js";
import { createMcpPlugin } from "../src/adapters/mcp/mcp-routes.js";
import { loadEvalFile } from "../src/app/evaluate.js";
import { createRuntime, type Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/core/config.js";
import { createLogger } from "../src/core/logger.js";
import { percentile } from "./bench-load.js";

/**
 * MCP `ask` over Streamable HTTP (the SDK's client, one connection, a tool call per question)
 * beside POST /api/ask on the same server: what the MCP layer adds per answer.
 * `npx tsx scripts/bench-mcp.ts [repeat]` alone; `npm run bench` adds its row to the latency table.
 */

export interface McpTiming {
  api: { p50: number; p95: number; n: number };
  mcp: { p50: number; p95: number; n: number };
}

async function time(call: (question: string) => Promise<void>, questions: string[], repeat: number): Promise<{ p50: number; p95: number; n: number }> {
  for (const question of questions.slice(0, 3)) await call(question);
  const samples: number[] = [];
  for (let round = 0; round < repeat; round++) {
    for (const question of questions) {
      const started = performance.now();
      await call(question);
      samples.push(performance.now() - started);
    }
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length };
}

export async function timeMcpAsks(runtime: Runtime, questions: string[], repeat: number): Promise<McpTiming> {
  const service = runtime.service;
  const log = createLogger("warn");
  const plugins = [createApiPlugin(service), createMcpPlugin({ ask: (question, options) => service.ask(question, options), assistant: service }, log)];
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins, access: openApiAccess, maxBodyBytes: 65536, log });
  const client = new Client({ name: "bench", version: "1.0.0" });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    const api = await time(
      async (question) => {
        const response = await fetch(`${server.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await response.json();
      },
      questions,
      repeat,
    );
    const mcp = await time(
      async (question) => {
        const result = await client.callTool({ name: "ask", arguments: { question } });
        if (result.isError) throw new Error(`MCP ask failed: ${JSON.stringify(result.content)}`);
      },
      questions,
      repeat,
    );
    return { api, mcp };
  } finally {
    await client.close();
    await server.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repeat = Number(process.argv[2] ?? 3);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const work = await mkdtemp(path.join(tmpdir(), "zone-bench-mcp-"));
  try {
    const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", LLM_PROVIDER: "none", DATA_DIR: path.join(work, "data") });
    const runtime = await createRuntime(config, { log: createLogger("warn"), memoryState: true });
    const questions = (await loadEvalFile(path.join(root, "tests/eval/dev.jsonl"))).map((item) => item.q);
    const { api, mcp } = await timeMcpAsks(runtime, questions, repeat);
    console.log("path                          asks   p50       p95");
    console.log(`HTTP /api/ask                 ${String(api.n).padEnd(6)} ${api.p50.toFixed(1).padStart(6)} ms ${api.p95.toFixed(1).padStart(6)} ms`);
    console.log(`MCP ask (Streamable HTTP)     ${String(mcp.n).padEnd(6)} ${mcp.p50.toFixed(1).padStart(6)} ms ${mcp.p95.toFixed(1).padStart(6)} ms`);
    await runtime.close();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
