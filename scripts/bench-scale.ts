/**
 * `npm run bench -- --chunks N`: one row of the scale table (issue 19) for a synthetic corpus of N
 * chunks, as the 100k bench makes it: build time on all cores and the build's peak RSS, idle
 * serving memory of WORKERS=1 and WORKERS=2 (PSS, compiled servers), and ask p50/p95 in process
 * and over HTTP.
 *
 * The build runs in a child process, so its peak RSS (getrusage's maxrss) is the build's own and
 * not this process's; the child is given a large V8 heap because at 1M chunks the chunk texts and
 * 5M facts alone pass Node's default heap limit.
 *
 * Keep the work directory for another run: BENCH_SCALE_DIR=/path (reuses a complete build there).
 * BENCH_SYNTHETIC_CITIES=8: a corpus about 8 of the 28 cities, as many chunks per city at 300,000
 * chunks as the whole corpus has at 1M (per-city costs of a larger corpus, without building it).
 */
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiPlugin } from "../src/adapters/api/api-routes.js";
import { openApiAccess } from "../src/adapters/http/access.js";
import { startHttpServer } from "../src/adapters/http/server.js";
import { loadLexicon } from "../src/app/lexicon.js";
import { createRuntime, type Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/core/config.js";
import { createLogger } from "../src/core/logger.js";
import { loadMetricList, METRICS_FILE } from "../src/facts/metrics.js";
import { createEmbedder } from "../src/index/embedders/create-embedder.js";
import { readCurrentVersion, writeSnapshot } from "../src/index/snapshot.js";
import { measureClusterMemory } from "./bench-cluster.js";
import { percentile } from "./bench-load.js";
import { makeSyntheticChunks, syntheticFactBatches } from "./make-synthetic-corpus.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const syntheticQuestions = [
  "长治高新区给企业兑现了多少装修补贴？",
  "衡阳高新区今年上半年进出口总额增长多少",
  "安康高新区实际利用外资多少万美元",
  "哪些园区有人才公寓政策",
  "新能源汽车项目总投资多少",
  "What incentives does Changzhi offer?",
  "标准化厂房建设面积多少",
  "How much foreign investment did Hengyang High-tech Zone use?",
];

export async function timeAsks(ask: (question: string) => Promise<unknown>, questions: string[], times: number): Promise<{ p50: number; p95: number; n: number }> {
  for (const question of questions.slice(0, 3)) await ask(question); // warm-up (jieba, JIT)
  const samples: number[] = [];
  for (let round = 0; round < times; round++) {
    for (const question of questions) {
      const started = performance.now();
      await ask(question);
      samples.push(performance.now() - started);
    }
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length };
}

export async function timeHttpAsks(runtime: Runtime, questions: string[], times: number): Promise<{ p50: number; p95: number; n: number }> {
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: [createApiPlugin(runtime.service)], access: openApiAccess, maxBodyBytes: 65536, log: createLogger("warn") });
  try {
    return await timeAsks(
      async (question) => {
        const response = await fetch(`${server.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      },
      questions,
      times,
    );
  } finally {
    await server.close();
  }
}

interface BuildFigures {
  chunks: number;
  /** Cities the synthetic articles are about, when fewer than all (BENCH_SYNTHETIC_CITIES). */
  cities?: number;
  threads: number;
  factCount: number;
  /** Time spent extracting facts, summed over the batches (on the build threads, inside buildMs). */
  factMs: number;
  buildMs: number;
  peakRssMb: number;
  /** CPU time of the whole child (all threads): on a shared machine the wall time says little alone. */
  cpuSeconds?: number;
  loadAverage: string;
}

/** BENCH_SYNTHETIC_CITIES=8: the synthetic corpus about 8 cities only (see makeSyntheticChunks). */
const syntheticCities = () => (process.env.BENCH_SYNTHETIC_CITIES ? Number(process.env.BENCH_SYNTHETIC_CITIES) : undefined);

const load = () => loadavg().map((value) => value.toFixed(1)).join(" ");

/** In the child: synthetic chunks and the snapshot written on `threads` threads, facts extracted during the build. */
async function childBuild(count: number, dataDir: string, corpusDir: string, threads: number): Promise<BuildFigures> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", LLM_PROVIDER: "none", DATA_DIR: dataDir, CORPUS_DIR: corpusDir });
  const lexicon = await loadLexicon(corpusDir);
  const chunks = makeSyntheticChunks(count, 7, { cities: syntheticCities() });
  const metrics = await loadMetricList(path.join(corpusDir, METRICS_FILE));
  const started = performance.now();
  let reported = 0;
  let facts = { facts: 0, extractMs: 0 };
  await writeSnapshot(dataDir, {
    factSource: { metrics: metrics.metrics, batches: syntheticFactBatches(chunks), onDone: (figures) => (facts = figures) },
    chunks,
    articleCount: Math.ceil(count / 6),
    files: [],
    embedder: createEmbedder(config, { tokenizer: lexicon.tokenizer }),
    tokenizer: lexicon.tokenizer,
    threads,
    onProgress: (done, total) => {
      if (process.env.BENCH_SCALE_PROGRESS && (done - reported >= total / 20 || done === total)) {
        reported = done;
        console.error(`  ${done}/${total} at ${((performance.now() - started) / 1000).toFixed(0)} s (load ${load()})`);
      }
    },
  });
  const buildMs = performance.now() - started;
  const usage = process.resourceUsage();
  return { chunks: count, ...(syntheticCities() ? { cities: syntheticCities() } : {}), threads, factCount: facts.facts, factMs: facts.extractMs, buildMs, peakRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, loadAverage: load() };
}

export interface ScaleRow {
  build: BuildFigures;
  memory: { workers1PssMb: number; workers2PssMb: number; workers2RssMb: number };
  inProcess: { p50: number; p95: number; n: number };
  overHttp: { p50: number; p95: number; n: number };
  loadAverage: string;
}

export async function measureScale(count: number, options: { repeat?: number } = {}): Promise<ScaleRow> {
  const keep = process.env.BENCH_SCALE_DIR;
  const work = keep ?? (await mkdtemp(path.join(tmpdir(), "zone-bench-scale-")));
  const corpusDir = path.join(work, "corpus");
  const dataDir = path.join(work, "data");
  const figuresFile = path.join(work, "build.json");
  try {
    let build: BuildFigures | undefined;
    if (keep && (await readCurrentVersion(dataDir).catch(() => undefined))) {
      build = JSON.parse(await readFile(figuresFile, "utf8")) as BuildFigures;
      if (build.chunks !== count || build.cities !== syntheticCities()) throw new Error(`${work} holds a build of ${build.chunks} chunks${build.cities ? ` about ${build.cities} cities` : ""}, not this one`);
    } else {
      await mkdir(work, { recursive: true });
      // The corpus's lexicon and metric list, without its articles: the chunks are all synthetic.
      await cp(path.join(repoRoot, "corpus"), corpusDir, { recursive: true, filter: (source) => !/\d{3}_.*\.txt$/.test(source) });
      const output = execFileSync(
        process.execPath,
        ["--max-old-space-size=16384", "--import", "tsx", path.join(repoRoot, "scripts/bench-scale.ts"), "--child-build", String(count), dataDir, corpusDir, String(availableParallelism())],
        { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "warn" } },
      );
      build = JSON.parse(output.trim().split("\n").at(-1)!) as BuildFigures;
      await writeFile(figuresFile, JSON.stringify(build));
    }
    console.error(`built ${count} chunks: ${JSON.stringify(build)}`);
    // Servers first, before this process maps the same files (PSS would split shared pages with it).
    const memory = await measureClusterMemory(dataDir, corpusDir, count);
    console.error(`serving memory: ${JSON.stringify(memory)} (load ${load()})`);
    const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", LLM_PROVIDER: "none", DATA_DIR: dataDir, CORPUS_DIR: corpusDir });
    const runtime = await createRuntime(config, { log: createLogger("warn"), memoryState: true, buildIfMissing: false });
    try {
      const repeat = options.repeat ?? 8;
      const inProcess = await timeAsks((question) => runtime.service.ask(question), syntheticQuestions, repeat);
      const overHttp = await timeHttpAsks(runtime, syntheticQuestions, repeat);
      const byWorkers = (workers: number) => memory.find((row) => row.setup === `WORKERS=${workers}`);
      return {
        build,
        memory: { workers1PssMb: byWorkers(1)?.pssMb ?? 0, workers2PssMb: byWorkers(2)?.pssMb ?? 0, workers2RssMb: byWorkers(2)?.rssMb ?? 0 },
        inProcess,
        overHttp,
        loadAverage: load(),
      };
    } finally {
      await runtime.close();
    }
  } finally {
    if (!keep) await rm(work, { recursive: true, force: true });
  }
}

export function scaleTableRow(row: ScaleRow): string[] {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const gb = (mb: number) => `${(mb / 1024).toFixed(2)} GB`;
  return [
    String(row.build.chunks),
    `${(row.build.buildMs / 1000).toFixed(0)} s (${row.build.threads} threads${row.build.cpuSeconds ? `; child ${row.build.cpuSeconds.toFixed(0)} CPU-s` : ""})`,
    `${(row.build.factMs / 1000).toFixed(0)} s in the build (${row.build.factCount} facts)`,
    gb(row.build.peakRssMb),
    `${gb(row.memory.workers1PssMb)} / ${gb(row.memory.workers2PssMb)}`,
    `${ms(row.inProcess.p50)} / ${ms(row.inProcess.p95)} (${row.inProcess.n})`,
    `${ms(row.overHttp.p50)} / ${ms(row.overHttp.p95)}`,
    `${row.build.loadAverage} / ${row.loadAverage}`,
  ];
}

export const scaleTableHeader = [
  "chunks",
  "index build (all cores)",
  "fact extraction (on the build threads)",
  "build peak RSS",
  "idle serving PSS, WORKERS=1 / 2",
  "ask p50 / p95 in process (asks)",
  "ask p50 / p95 over HTTP",
  "load avg (build / asks)",
];

const argv = process.argv.slice(2);
if (argv[0] === "--child-build") {
  const [, count, dataDir, corpusDir, threads] = argv;
  childBuild(Number(count), dataDir!, corpusDir!, Number(threads)).then(
    (figures) => console.log(JSON.stringify(figures)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
