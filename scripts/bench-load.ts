/**
 * Sustained HTTP load, before and during a re-index: N concurrent clients POST /api/ask in a loop
 * for a fixed duration against a real server (runtime + API routes on 127.0.0.1, port 0) over a
 * temp copy of the corpus. Rows for `npm run bench` (scripts/bench.ts imports measureLoad).
 *
 *   import { measureLoad } from "./bench-load.js";
 *   const rows = await measureLoad({ clients: 4, durationMs: 5000 });
 *   // [{ phase: "steady", clients, requests, failures, answersPerSecond, p50Ms, p99Ms }, { phase: "during re-index", … }]
 *
 * Run alone: npx tsx scripts/bench-load.ts
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiPlugin } from "../src/adapters/api/api-routes.js";
import { startHttpServer } from "../src/adapters/http/server.js";
import { openApiAccess } from "../src/adapters/http/access.js";
import { createRuntime } from "../src/app/runtime.js";
import { loadConfig } from "../src/core/config.js";
import { createLogger } from "../src/core/logger.js";

export interface LoadOptions {
  /** Concurrent clients (default 4). */
  clients?: number;
  /** Length of each phase in ms (default 5000). */
  durationMs?: number;
  corpusDir?: string;
  questions?: string[];
  /** Extra settings (e.g. EMBEDDINGS_PROVIDER); CORPUS_DIR/DATA_DIR are temp copies. */
  env?: Record<string, string>;
}

export interface LoadRow {
  phase: "steady" | "during re-index";
  clients: number;
  durationMs: number;
  requests: number;
  failures: number;
  answersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** For the re-index phase: how the job ended and how long it took. */
  reindex?: { state: string; ms: number };
}

const defaultQuestions = [
  "长治高新区聘请了多少名招商大使？",
  "What incentives does Changzhi offer?",
  "衡阳高新区7月11日的集中签约仪式签约了多少个项目？",
  "安康高新区实际利用外资多少万美元",
  "火星开发区的税收政策是什么？",
];

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** `clients` loops POSTing /api/ask until `until()`; with several URLs the clients are split among them. */
/**
 * `clients` concurrent clients, each sending its next question when the last answer arrived, over
 * keep-alive connections (node:http with one socket per client): a lean load generator, so the
 * bare-HTTP reference measures the server and not the client (fetch costs several times more per request).
 */
export async function hammer(target: string | string[], clients: number, questions: string[], until: () => boolean): Promise<{ latencies: number[]; failures: number; ms: number }> {
  const urls = (Array.isArray(target) ? target : [target]).map((url) => new URL(url));
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const post = (url: URL, body: string, forwardedFor: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: "/api/ask",
          method: "POST",
          agent,
          // Each client its own address for the per-client limits (honoured only with TRUST_PROXY).
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-forwarded-for": forwardedFor },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const url = urls[client % urls.length]!;
      for (let i = client; !until(); i++) {
        const question = questions[i % questions.length]!;
        const at = performance.now();
        try {
          const { status, text } = await post(url, JSON.stringify({ question }), `10.0.${client >> 8}.${client & 255}`);
          const body = JSON.parse(text) as { answer?: unknown };
          if (status !== 200 || typeof body.answer !== "string") failures++;
          else latencies.push(performance.now() - at);
        } catch {
          failures++;
        }
      }
    }),
  );
  agent.destroy();
  return { latencies, failures, ms: performance.now() - started };
}

function row(phase: LoadRow["phase"], clients: number, result: { latencies: number[]; failures: number; ms: number }): LoadRow {
  return {
    phase,
    clients,
    durationMs: Math.round(result.ms),
    requests: result.latencies.length + result.failures,
    failures: result.failures,
    answersPerSecond: Number(((result.latencies.length / result.ms) * 1000).toFixed(1)),
    p50Ms: Number(percentile(result.latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(result.latencies, 99).toFixed(1)),
  };
}

export async function measureLoad(options: LoadOptions = {}): Promise<LoadRow[]> {
  const clients = options.clients ?? 4;
  const durationMs = options.durationMs ?? 5000;
  const questions = options.questions ?? defaultQuestions;
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const root = await mkdtemp(path.join(tmpdir(), "zone-bench-load-"));
  const corpusDir = path.join(root, "corpus");
  await cp(options.corpusDir ?? path.join(repoRoot, "corpus"), corpusDir, { recursive: true });
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: "silent",
    EVAL_GATE_FILE: path.join(repoRoot, "tests/eval/dev.jsonl"),
    PROMPTS_DIR: path.join(repoRoot, "prompts"),
    ...options.env,
    CORPUS_DIR: corpusDir,
    DATA_DIR: path.join(root, "data"),
    STATE_URL: "memory:",
  });
  const log = createLogger("silent");
  const runtime = await createRuntime(config, { log, memoryState: true });
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: [createApiPlugin(runtime.service)], access: openApiAccess, maxBodyBytes: config.MAX_BODY_BYTES, log });
  try {
    // Warm-up: jieba, JIT, first embeddings.
    await hammer(server.url, 1, questions, (() => {
      let left = questions.length;
      return () => left-- <= 0;
    })());

    let deadline = performance.now() + durationMs;
    const steady = row("steady", clients, await hammer(server.url, clients, questions, () => performance.now() > deadline));

    // During a re-index: the phase lasts at least durationMs and until the job has finished.
    const job = await runtime.admin.start("bench");
    let finished = false;
    const done = runtime.admin.wait(job.id).then((result) => {
      finished = true;
      return result;
    });
    deadline = performance.now() + durationMs;
    const during = row("during re-index", clients, await hammer(server.url, clients, questions, () => finished && performance.now() > deadline));
    const result = await done;
    during.reindex = { state: result.state, ms: result.ms ?? 0 };
    return [steady, during];
  } finally {
    await server.close();
    await runtime.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await measureLoad({ clients: Number(process.env.BENCH_CLIENTS ?? 4), durationMs: Number(process.env.BENCH_LOAD_MS ?? 5000) });
  console.table(rows.map(({ reindex, ...rest }) => ({ ...rest, reindex: reindex ? `${reindex.state} in ${reindex.ms} ms` : "" })));
}
