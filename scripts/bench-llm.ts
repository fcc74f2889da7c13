import path from "node:path";
import { pathToFileURL } from "node:url";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { createChatModel } from "../src/answer/llm/create-chat-model.js";
import { createLlmAnswerer } from "../src/answer/llm/llm-answerer.js";
import { createLlmRewriter } from "../src/answer/llm/llm-rewriter.js";
import { loadConfig } from "../src/core/config.js";
import { startMockLlmServer } from "../tests/answer/llm/mock-llm-server.js";
import { loadPrompts } from "../src/answer/llm/prompt-loader.js";
import type { Answerer, AnswerInput, Chunk } from "../src/core/types.js";

/**
 * The LLM chain's own cost per answer (prompt building, citation and figure checks, citation
 * building) with a model that replies instantly in process, so model and network time are excluded.
 */

function syntheticChunk(index: number): Chunk {
  const text =
    `第${index + 1}篇报道：今年上半年，示范高新区实际到位资金${100 + index}.63亿元，同比增长${10 + index}.5%。` +
    `7月${10 + index}日，示范高新区举行集中签约仪式，签约项目${20 + index}个，总投资${70 + index}亿元。` +
    "“十三五”期间，示范高新区实际利用外资6836万美元，聘请了十多名招商顾问。".repeat(3);
  return {
    id: `corpus/bench_${index}.txt#0:0`,
    source: `corpus/bench_${index}.txt`,
    articleId: `corpus/bench_${index}.txt#0`,
    articleIndex: 0,
    ordinal: 0,
    title: `示范高新区报道${index + 1}`,
    zones: ["示范高新区"],
    date: "2023-07-20",
    text,
    indexText: text,
    start: 0,
    end: text.length,
  };
}

const replies = [
  "示范高新区上半年实际到位资金100.63亿元，同比增长10.5%[1]。7月11日签约项目21个，总投资71亿元[2]。“十三五”期间实际利用外资6836万美元[1]。",
  "Shifan High-tech Zone received 10.063 billion yuan in the first half of the year [1]. It used 68.36 million US dollars of foreign capital [1]. Total investment reached 999 billion yuan [2].",
];

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function benchInput(): AnswerInput {
  return {
    question: "示范高新区实际到位资金多少？",
    standaloneQuestion: "示范高新区实际到位资金多少？",
    language: "zh",
    places: ["示范"],
    terms: ["实际到位资金"],
    termGroups: [["实际到位资金"]],
    asksFigure: true,
    placeNames: {},
    hits: [],
    history: [],
  };
}

export async function measureChainOverhead(iterations = 200): Promise<{ p50Ms: number; p95Ms: number }> {
  const prompts = loadPrompts(path.resolve("prompts"));
  const model = new FakeListChatModel({ responses: replies });
  const fallback: Answerer = async (input) => ({ answer: "", refused: true, mode: "extractive", language: input.language, citations: [], warnings: [] });
  const answer = createLlmAnswerer({ config: { LLM_TIMEOUT_MS: 10_000 }, model, fallback, prompts });
  const hits = Array.from({ length: 8 }, (_, index) => ({ chunk: syntheticChunk(index), score: 1 / (index + 1) }));
  const input: AnswerInput = { ...benchInput(), hits };
  for (let warm = 0; warm < 10; warm += 1) await answer(input);
  const timings: number[] = [];
  for (let run = 0; run < iterations; run += 1) {
    const started = performance.now();
    await answer(input);
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return { p50Ms: round(percentile(timings, 0.5)), p95Ms: round(percentile(timings, 0.95)) };
}

export interface TimeoutFallbackRow {
  provider: string;
  step: "answer" | "rewrite";
  timeoutMs: number;
  elapsedMs: number;
  fellBack: boolean;
}

/**
 * How long an answer or a follow-up rewrite takes when the model server accepts the request and
 * never replies: the configured timeout plus what aborting costs. Measured against a local mock
 * server on 127.0.0.1 (the same one the tests use), for every provider.
 */
export async function measureTimeoutFallback(timeoutMs = 300): Promise<TimeoutFallbackRow[]> {
  const mock = await startMockLlmServer();
  const rows: TimeoutFallbackRow[] = [];
  try {
    mock.script([{ kind: "hang" }]);
    const prompts = loadPrompts(path.resolve("prompts"));
    for (const provider of ["openai", "ollama", "qwen", "deepseek", "zhipu", "moonshot"] as const) {
      const config = loadConfig({
        LLM_PROVIDER: provider,
        LLM_MODEL: "mock-model",
        OPENAI_BASE_URL: `${mock.url}/v1`,
        OLLAMA_BASE_URL: mock.url,
        QWEN_API_KEY: "mock",
        QWEN_BASE_URL: mock.url,
        DEEPSEEK_API_KEY: "mock",
        DEEPSEEK_BASE_URL: mock.url,
        ZHIPU_API_KEY: "mock.secret",
        ZHIPU_BASE_URL: mock.url,
        MOONSHOT_API_KEY: "mock",
        MOONSHOT_BASE_URL: mock.url,
        LLM_TIMEOUT_MS: String(timeoutMs),
        LLM_MAX_RETRIES: "0",
      });
      const model = (await createChatModel(config))!;
      const fallback: Answerer = async (input) => ({ answer: "fallback", refused: false, mode: "extractive", language: input.language, citations: [], warnings: [] });
      const answerer = createLlmAnswerer({ config, model, fallback, prompts });
      const hits = Array.from({ length: 4 }, (_, index) => ({ chunk: syntheticChunk(index), score: 1 / (index + 1) }));
      let started = performance.now();
      const answer = await answerer({ ...benchInput(), hits });
      rows.push({ provider, step: "answer", timeoutMs, elapsedMs: performance.now() - started, fellBack: answer.mode === "extractive" });
      const rewriter = createLlmRewriter({ model, prompts, fallback: async (question) => `RULES: ${question}`, timeoutMs });
      const history = [{ question: "示范高新区实际到位资金多少？", standaloneQuestion: "示范高新区实际到位资金多少？", answer: "100.63亿元[1]。", places: ["示范"], at: 1 }];
      started = performance.now();
      const rewritten = await rewriter("那衡阳呢？", history);
      rows.push({ provider, step: "rewrite", timeoutMs, elapsedMs: performance.now() - started, fellBack: rewritten.startsWith("RULES: ") });
    }
  } finally {
    await mock.close();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const iterations = Number(process.argv[2] ?? 200);
  console.log(JSON.stringify({ llmChainOverhead: await measureChainOverhead(iterations) }));
}
