/**
 * npm run bench: speed, memory and retrieval quality, printed as tables.
 * Timings are measured here, never asserted in tests (shared, noisy machines).
 *
 * Options (env): BENCH_SYNTHETIC_CHUNKS (default 100000), BENCH_REPEAT (default 8 asks per question),
 * BENCH_DATABASE_URL (PostgreSQL for the state-store table; TEST_DATABASE_URL is used when unset),
 * BENCH_STATE_OPS (default 1000 writes per operation), BENCH_LOAD_MS (default 5000 per load phase).
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { createApiPlugin } from "../src/adapters/api/api-routes.js";
import { startHttpServer } from "../src/adapters/http/server.js";
import { openApiAccess } from "../src/adapters/http/access.js";
import { evaluateWithSummary } from "../src/app/eval-report.js";
import { buildIndex } from "../src/app/index-builder.js";
import { loadLexicon } from "../src/app/lexicon.js";
import { createRuntime, type Runtime } from "../src/app/runtime.js";
import { loadConfig, type Config } from "../src/core/config.js";
import { createLogger } from "../src/core/logger.js";
import { createEmbedder } from "../src/index/embedders/create-embedder.js";
import { writeSnapshot } from "../src/index/snapshot.js";
import { parseProcessArgs } from "../src/adapters/cli/cli-support.js";
import { chunkStoreHeader, chunkStoreRows, measureChunkStores } from "./bench-chunks.js";
import { measureClusterLoad, measureClusterMemory } from "./bench-cluster.js";
import { measureChannels } from "./bench-channels.js";
import { measureChainOverhead, measureTimeoutFallback } from "./bench-llm.js";
import { measureWeb } from "./bench-web.js";
import { measureLoad } from "./bench-load.js";
import { timeMcpAsks } from "./bench-mcp.js";
import { measurePolicyIngest } from "./bench-policy.js";
import { prepareEvalCorpus } from "../src/app/eval-corpus.js";
import { measureRetrievalQuality } from "./bench-quality.js";
import { factStoreTables, measureFactStores } from "./bench-facts.js";
import { measureStateStores, printStateTable } from "./bench-state.js";
import { measureVectorSearch } from "./bench-vectors.js";
import { makeSyntheticChunks, syntheticArticles } from "./make-synthetic-corpus.js";
import { measureScale, scaleTableHeader, scaleTableRow, syntheticQuestions, timeAsks } from "./bench-scale.js";
import { extractFacts } from "../src/facts/extract-facts.js";
import { loadMetricList, METRICS_FILE } from "../src/facts/metrics.js";

const log = createLogger("warn");
const cores = availableParallelism();
const syntheticCount = Number(process.env.BENCH_SYNTHETIC_CHUNKS ?? 100_000);
const repeat = Number(process.env.BENCH_REPEAT ?? 8);
const evalFile = path.resolve("tests/eval/dev.jsonl");

const mb = () => `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  rows.forEach((row) => console.log(line(row)));
}

async function latencyRows(label: string, runtime: Runtime, questions: string[]): Promise<string[][]> {
  const inProcess = await timeAsks((question) => runtime.service.ask(question), questions, repeat);
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: [createApiPlugin(runtime.service)], access: openApiAccess, maxBodyBytes: 65536, log });
  try {
    const overHttp = await timeAsks(
      async (question) => {
        const response = await fetch(`${server.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      },
      questions,
      repeat,
    );
    // MCP `ask` through the SDK's client over Streamable HTTP (POST /mcp), on this corpus only.
    const mcp = label === "this corpus" ? (await timeMcpAsks(runtime, questions, repeat)).mcp : undefined;
    return [
      [label, "in process", String(inProcess.n), ms(inProcess.p50), ms(inProcess.p95), mb()],
      [label, "HTTP /api/ask", String(overHttp.n), ms(overHttp.p50), ms(overHttp.p95), mb()],
      ...(mcp ? [[label, "MCP ask (Streamable HTTP)", String(mcp.n), ms(mcp.p50), ms(mcp.p95), mb()]] : []),
    ];
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseProcessArgs({
    usage: "npm run bench [-- --chunks N]",
    description: [
      "Speed, memory and retrieval quality, printed as tables (starts servers on 127.0.0.1 only).",
      "Settings (env): BENCH_SYNTHETIC_CHUNKS (default 100000), BENCH_REPEAT (8), BENCH_LOAD_MS (5000).",
      "  --chunks N   only the scale row for N synthetic chunks: build on all cores (time, peak RSS),",
      "               idle serving memory of WORKERS=1 and 2, ask p50/p95 (scripts/bench-scale.ts)",
      "  --help       show this text",
    ].join("\n"),
    options: { chunks: { type: "string" } },
    maxPositionals: 0,
  });
  if (values.chunks !== undefined) {
    const count = Number(values.chunks);
    if (!Number.isInteger(count) || count < 1) throw new Error(`--chunks needs a positive whole number, not ${values.chunks}`);
    const row = await measureScale(count, { repeat });
    table(`Scale: ${count} synthetic chunks (${cores} cores; load average at build end / at the asks)`, scaleTableHeader, [scaleTableRow(row)]);
    return;
  }
  const base = loadConfig({ ...process.env, LOG_LEVEL: "warn", LLM_PROVIDER: "none" });
  const work = await mkdtemp(path.join(tmpdir(), "zone-bench-"));
  const buildRows: string[][] = [];
  const latency: string[][] = [];
  const factRows: string[][] = [];
  try {
    // --- This corpus --------------------------------------------------------------------
    const config: Config = { ...base, DATA_DIR: path.join(work, "corpus-data") };
    const lexicon = await loadLexicon(config.CORPUS_DIR);
    let started = performance.now();
    const report = await buildIndex(config, lexicon, { log });
    buildRows.push(["this corpus", String(report.files.length), String(report.chunks), ms(performance.now() - started), mb()]);
    const runtime = await createRuntime(config, { log, memoryState: true });
    const questions = (await import("../src/app/evaluate.js").then((module) => module.loadEvalFile(evalFile))).map((item) => item.q);
    latency.push(...(await latencyRows("this corpus", runtime, questions)));

    // Chat channels against local platform mocks, answered by this corpus's index.
    const channels = await measureChannels(runtime.service, questions.slice(0, 8), 2);
    const { summary } = await evaluateWithSummary(runtime.service, evalFile);
    const quality = await measureRetrievalQuality(runtime, evalFile);
    await runtime.close();

    // --- Real server processes: WORKERS=1 vs 2 vs two servers (real corpus) ------------------
    // Measured early, while this process (which runs the load generator) is small: later its heap
    // holds the synthetic corpus, and its garbage collection would take CPU from the servers.
    const clusterLoad = await measureClusterLoad({ clients: 32, durationMs: Number(process.env.BENCH_LOAD_MS ?? 5000) });
    // Memory at this corpus's size shows the fixed cost of one server process.
    const clusterMemory = await measureClusterMemory(config.DATA_DIR, config.CORPUS_DIR, report.chunks);

    // --- Policy texts (issue 10): index-time cost of structure and rules, ask latency -----
    const policyCost = await measurePolicyIngest();
    const policyCorpus = await prepareEvalCorpus(config, path.resolve("tests/fixtures/policies"));
    const policyRuntime = await createRuntime(policyCorpus.config, { log, memoryState: true });
    const policyQuestions = (await import("../src/app/evaluate.js").then((module) => module.loadEvalFile(path.resolve("tests/eval/policy.jsonl")))).map((item) => item.q);
    latency.push(...(await latencyRows("policy fixtures", policyRuntime, policyQuestions)));
    await policyRuntime.close();
    await policyCorpus.cleanup();

    // --- Synthetic corpus -----------------------------------------------------------------
    const syntheticConfig: Config = { ...base, DATA_DIR: path.join(work, "synthetic-data"), CORPUS_DIR: path.join(work, "synthetic-corpus") };
    await cp(base.CORPUS_DIR, syntheticConfig.CORPUS_DIR, { recursive: true, filter: (source) => !/\d{3}_.*\.txt$/.test(source) });
    const chunks = makeSyntheticChunks(syntheticCount, 7);
    // Index-time cost of turning every figure into a fact (issue 8), at this many chunks.
    const { articles, chunks: rebased } = syntheticArticles(chunks);
    const metrics = await loadMetricList(path.join(base.CORPUS_DIR, METRICS_FILE));
    const factStarted = performance.now();
    const facts = extractFacts(articles, rebased, { metrics });
    const factMs = performance.now() - factStarted;
    factRows.push([`synthetic ${syntheticCount}`, String(articles.length), String(facts.length), ms(factMs), `${((factMs / syntheticCount) * 1000).toFixed(1)} µs`]);
    factRows.unshift(["this corpus", String(report.articles), String(report.facts), ms(report.factMs), `${((report.factMs / Math.max(1, report.chunks)) * 1000).toFixed(1)} µs`]);
    // Where the facts live: parsed into each process (facts.json) or queried from facts.sqlite.
    const factStores = await measureFactStores(facts, metrics.metrics);
    // The same snapshot built on one thread and on all cores (BUILD_THREADS); the latter is served below.
    for (const threads of [1, cores]) {
      const dataDir = threads === 1 ? path.join(work, "synthetic-one-thread") : syntheticConfig.DATA_DIR;
      started = performance.now();
      await writeSnapshot(dataDir, {
        facts,
        metrics: metrics.metrics,
        chunks,
        articleCount: new Set(chunks.map((chunk) => chunk.articleId)).size,
        files: [],
        embedder: createEmbedder(syntheticConfig, { tokenizer: lexicon.tokenizer }),
        tokenizer: lexicon.tokenizer,
        threads,
      });
      buildRows.push([`synthetic, ${threads} thread${threads === 1 ? "" : "s"}`, "-", String(chunks.length), ms(performance.now() - started), mb()]);
      if (threads === 1) await rm(dataDir, { recursive: true, force: true });
    }
    // Server memory at the synthetic size, before this process maps the same files (PSS would split
    // the shared pages with it, and the servers would look smaller than they are).
    clusterMemory.push(...(await measureClusterMemory(syntheticConfig.DATA_DIR, syntheticConfig.CORPUS_DIR, syntheticCount)));
    const vectorSearch = await measureVectorSearch(syntheticConfig.DATA_DIR, syntheticConfig.CORPUS_DIR);
    const synthetic = await createRuntime(syntheticConfig, { log, memoryState: true, buildIfMissing: false });
    latency.push(...(await latencyRows(`synthetic ${syntheticCount}`, synthetic, syntheticQuestions)));
    await synthetic.close();
    // Chunks in the JS heap (as before) vs chunks.sqlite, each loaded in a fresh process.
    const chunkStores = await measureChunkStores(syntheticConfig.DATA_DIR, syntheticConfig.CORPUS_DIR);


    const chain = await measureChainOverhead(200);
    const timeouts = await measureTimeoutFallback(300);
    const load = await measureLoad({ clients: 4 });
    const state = await measureStateStores();

    table("Index build (local embedder)", ["corpus", "files", "chunks", "build time", "RSS after"], buildRows);
    table("Fact extraction at index time (figures → facts)", ["corpus", "articles", "facts", "time", "per chunk"], factRows);
    factStoreTables(factStores, table);
    table("Ask latency (extractive mode)", ["corpus", "path", "asks", "p50", "p95", "RSS"], latency);
    table(
      "Chat channels: platform event received → reply sent (this corpus; local platform mocks, requests signed/encrypted as the platform sends them)",
      ["channel", "events", "p50", "p95"],
      channels.map((row) => [row.channel, String(row.n), ms(row.p50Ms), ms(row.p95Ms)]),
    );
    table(
      `Policy ingest at index time (${policyCost.textMb.toFixed(2)} MB of policy text, ${policyCost.items} items)`,
      ["step", "per MB", "at 100k item chunks"],
      policyCost.rows.map((row) => [row.step, ms(row.msPerMb), `${(row.msPer100kChunks / 1000).toFixed(2)} s`]),
    );
    table("LLM chain overhead per answer (mock model replying instantly)", ["p50", "p95"], [[ms(chain.p50Ms), ms(chain.p95Ms)]]);
    table(
      "LLM timeout fallback (mock model server that never replies, LLM_TIMEOUT_MS=300)",
      ["provider", "step", "time to fallback", "fell back"],
      timeouts.map((row) => [row.provider, row.step, ms(row.elapsedMs), row.fellBack ? "yes" : "NO"]),
    );
    table(
      "HTTP load: 4 concurrent clients on POST /api/ask, before and during a re-index",
      ["phase", "requests", "failures", "answers/s", "p50", "p99", "re-index"],
      load.map((row) => [
        row.phase,
        String(row.requests),
        String(row.failures),
        row.answersPerSecond.toFixed(1),
        ms(row.p50Ms),
        ms(row.p99Ms),
        row.reindex ? `${row.reindex.state} in ${(row.reindex.ms / 1000).toFixed(1)} s` : "-",
      ]),
    );
    printStateTable(state, table);
    const reference = clusterLoad.find((row) => row.setup.startsWith("2 servers"))?.answersPerSecond ?? 0;
    table(
      `All cores: 32 clients on POST /api/ask, real server processes on the real corpus (${cores} cores; load generator on the same machine)`,
      ["setup", "phase", "requests", "failures", "answers/s", "vs 2 servers", "of bare Node HTTP", "p50", "p99", "cores busy (servers)", "busiest process", "busy processes"],
      clusterLoad.map((row) => [
        row.setup,
        row.phase,
        String(row.requests),
        String(row.failures),
        row.answersPerSecond.toFixed(1),
        reference > 0 ? `${((row.answersPerSecond / reference) * 100).toFixed(0)}%` : "-",
        row.ofBare,
        ms(row.p50Ms),
        ms(row.p99Ms),
        row.coresBusy.toFixed(2),
        row.busiestProcess.toFixed(2),
        String(row.processes),
      ]),
    );
    table(
      "Server memory, idle after warm-up (all processes: supervisor and workers; PSS counts a shared page once, USS is private pages only)",
      ["chunks", "setup", "processes", "RSS total", "PSS total", "PSS vs 1 worker", "USS total", "largest USS"],
      clusterMemory.map((row) => {
        const single = clusterMemory.find((other) => other.chunks === row.chunks && other.setup === "WORKERS=1");
        return [String(row.chunks), row.setup, String(row.processes), `${row.rssMb} MB`, `${row.pssMb} MB`, single ? `${(row.pssMb / single.pssMb).toFixed(2)}×` : "-", `${row.ussMb} MB`, `${row.largestUssMb} MB`];
      }),
    );
    const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
    table(
      `Vector search, ${syntheticCount} synthetic chunks, k 10, same ef and queries (TypeScript over the mapped file is what the server runs)`,
      ["engine", "filter", "queries", "ef", "p50", "p95", "same neighbours as hnswlib"],
      vectorSearch.map((row) => [row.engine, row.filter, String(row.queries), String(row.ef), `${row.p50Us.toFixed(0)} µs`, `${row.p95Us.toFixed(0)} µs`, pct(row.sameAsHnswlib)]),
    );
    table(
      `Retrieval quality on ${path.relative(process.cwd(), evalFile)} (answerable, standalone questions)`,
      ["pipeline", "questions", "hit@1", "hit@5", "answer in top 5"],
      quality.map((row) => [row.pipeline, String(row.questions), pct(row.hitAt1), pct(row.hitAt5), pct(row.answerInTop5)]),
    );
    table(
      "End-to-end eval (extractive answers)",
      ["questions", "passed", "cited right", "answer right", "negatives refused", "wrong refusals", "English passed"],
      [[
        String(summary.total),
        `${summary.passed} (${pct(summary.accuracy)})`,
        String(summary.citedRight),
        String(summary.answerRight),
        `${summary.negativesRefused}/${summary.negatives}`,
        String(summary.falseRefusals),
        `${summary.englishPassed}/${summary.english}`,
      ]],
    );
    table(
      `Where the chunks live, ${syntheticCount} synthetic chunks (one process each: chunks, id and article lookups, place lists; lookups per call)`,
      chunkStoreHeader,
      chunkStoreRows(chunkStores),
    );
    const web = await measureWeb();
    table(
      "Web chat page (headless chromium, cold profile)",
      ["first load of /", "requests", "time to first answer", "answer p50 (next asks)"],
      [[`${web.pageKB.toFixed(1)} KB`, String(web.pageRequests), ms(web.firstAnswerMs), `${ms(web.answerP50Ms)} (${web.asks})`]],
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
