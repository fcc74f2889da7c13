/**
 * All cores (WORKERS): HTTP throughput and memory of real server processes (`node dist/server.js`,
 * as `npm start` runs it after compiling), side by side in one run:
 *   - 1 worker (WORKERS=1),
 *   - WORKERS=2 (node:cluster, one port),
 *   - reference: two independent single-worker servers on two ports, the load split between them.
 *   - reference: a bare Node HTTP server (node:http, a fixed JSON answer, no framework, no index),
 *     the ceiling one process on this machine reaches with the same load generator; every row
 *     says what share of it that setup answers (`ofBare`).
 * Each gets `clients` concurrent clients on POST /api/ask for `durationMs`; then WORKERS=2 again
 * during a re-index (0 failures expected). CPU per server process comes from /proc/<pid>/stat, so
 * the table shows whether more than one core was busy. Memory: RSS and PSS (shared pages split
 * between the processes that map them) of all server processes, idle after a warm-up, on a
 * snapshot of `memoryChunks` synthetic chunks. Load goes to 127.0.0.1 only, bounded in time.
 *
 * Run alone: npx tsx scripts/bench-cluster.ts   (env BENCH_CLUSTER_CHUNKS, BENCH_CLIENTS, BENCH_LOAD_MS)
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hammer as hammerQuestions, percentile } from "./bench-load.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_TOKEN = "bench-cluster-token";
/**
 * The per-client ask limits (ASK_RATE_PER_MINUTE …) lifted so they never refuse, and each bench
 * client its own address (X-Forwarded-For, TRUST_PROXY), as 32 people would be: one address for
 * all would make the per-address window hold every request of the last minute.
 */
const unlimited = { ASK_RATE_PER_MINUTE: "100000000", ASK_STREAMS_MAX: "100000", ASK_STREAMS_PER_CLIENT: "100000", TRUST_PROXY: "true" };

const questions = [
  "长治高新区聘请了多少名招商大使？",
  "What incentives does Changzhi offer?",
  "衡阳高新区7月11日的集中签约仪式签约了多少个项目？",
  "安康高新区实际利用外资多少万美元",
  "火星开发区的税收政策是什么？",
];

interface ServerGroup {
  label: string;
  urls: string[];
  /** Top-level processes we started (a cluster primary, or single servers). */
  children: ChildProcess[];
  log: () => string;
}

export interface ClusterLoadRow {
  setup: string;
  phase: string;
  requests: number;
  failures: number;
  answersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers per second as a share of the bare Node HTTP server's, same load generator, same run. */
  ofBare: string;
  /** CPU-seconds per wall-second of all server processes together, and of the busiest one. */
  coresBusy: number;
  busiestProcess: number;
  processes: number;
}

export interface ClusterMemoryRow {
  setup: string;
  chunks: number;
  processes: number;
  rssMb: number;
  pssMb: number;
  /** Private pages of all processes: what each process holds for itself. */
  ussMb: number;
  /** The largest private share of one process (a worker). */
  largestUssMb: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** All descendants of `pid` (workers, tsx's esbuild helpers), and `pid` itself. */
function processTree(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return [pid, ...children.flatMap(processTree)];
}

function serverPids(group: ServerGroup): number[] {
  return group.children.flatMap((child) => (child.pid ? processTree(child.pid) : []));
}

async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** RSS, PSS (shared pages split between the processes mapping them) and USS (private pages only), in MB. */
async function memoryOf(pid: number): Promise<{ rss: number; pss: number; uss: number }> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
    return { rss: kb("Rss") / 1024, pss: kb("Pss") / 1024, uss: (kb("Private_Clean") + kb("Private_Dirty")) / 1024 };
  } catch {
    return { rss: 0, pss: 0, uss: 0 };
  }
}

let built = false;

/** `npm start` runs the compiled server: build dist/ once per bench run (scripts/build.mjs). */
function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(repoRoot, "scripts/build.mjs")], { cwd: repoRoot, stdio: "inherit" });
  built = true;
}

/** The bare reference: node:http reading the body and answering one fixed JSON object. */
const BARE_SERVER = `
const http = require("node:http");
const body = JSON.stringify({ answer: "ok", refused: false, citations: [] });
http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => { res.writeHead(200, { "content-type": "application/json" }); res.end(body); });
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("Zone assistant listening on (bare)"));
`;

async function startServers(label: string, env: Record<string, string>, ports: number[], workers: number, bare = false): Promise<ServerGroup> {
  let text = "";
  if (!bare) buildOnce();
  const children = ports.map((port) => {
    // BENCH_CPU_PROF=DIR: each server process writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROF && !bare ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, bare ? ["-e", BARE_SERVER] : [...profile, path.join(repoRoot, "dist/server.js")], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, HOST: "127.0.0.1", PORT: String(port), WORKERS: String(workers), LOG_LEVEL: "info", ADMIN_TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    return child;
  });
  const expected = ports.length * workers;
  const deadline = Date.now() + 30 * 60_000;
  while ((text.match(/Zone assistant listening on/g) ?? []).length < expected) {
    if (children.some((child) => child.exitCode !== null)) throw new Error(`${label}: a server exited:\n${text}`);
    if (Date.now() > deadline) throw new Error(`${label}: servers did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { label, urls: ports.map((port) => `http://127.0.0.1:${port}`), children, log: () => text };
}

async function stopServers(group: ServerGroup): Promise<void> {
  await Promise.all(
    group.children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
}

const hammer = (urls: string[], clients: number, until: () => boolean) => hammerQuestions(urls, clients, questions, until);

async function loadRow(group: ServerGroup, phase: string, clients: number, until: () => boolean): Promise<ClusterLoadRow> {
  const pids = serverPids(group);
  const before = await Promise.all(pids.map(cpuSeconds));
  const result = await hammer(group.urls, clients, until);
  const after = await Promise.all(pids.map(cpuSeconds));
  const wall = result.ms / 1000;
  const perProcess = pids.map((_, i) => (after[i]! - before[i]!) / wall);
  return {
    setup: group.label,
    phase,
    requests: result.latencies.length + result.failures,
    failures: result.failures,
    answersPerSecond: Number(((result.latencies.length / result.ms) * 1000).toFixed(1)),
    ofBare: "",
    p50Ms: Number(percentile(result.latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(result.latencies, 99).toFixed(1)),
    coresBusy: Number(perProcess.reduce((sum, value) => sum + value, 0).toFixed(2)),
    busiestProcess: Number(Math.max(0, ...perProcess).toFixed(2)),
    processes: perProcess.filter((value) => value > 0.05).length,
  };
}

async function warmUp(group: ServerGroup): Promise<void> {
  let left = 40;
  await hammer(group.urls, 4, () => left-- <= 0);
}

async function indexVersions(group: ServerGroup): Promise<Set<string>> {
  const seen = await Promise.all(
    Array.from({ length: 8 }, async () => ((await (await fetch(`${group.urls[0]}/healthz`)).json()) as { indexVersion: string }).indexVersion),
  );
  return new Set(seen);
}

export async function measureClusterLoad(options: { clients?: number; durationMs?: number } = {}): Promise<ClusterLoadRow[]> {
  const clients = options.clients ?? 32;
  const durationMs = options.durationMs ?? 5000;
  const root = await mkdtemp(path.join(tmpdir(), "zone-bench-cluster-"));
  const corpusDir = path.join(root, "corpus");
  await cp(path.join(repoRoot, "corpus"), corpusDir, { recursive: true });
  const env = { CORPUS_DIR: corpusDir, DATA_DIR: path.join(root, "data"), LLM_PROVIDER: "none", SNAPSHOT_POLL_MS: "1000", RATE_LIMIT_PER_MINUTE: "1000000", ...unlimited };
  const rows: ClusterLoadRow[] = [];
  try {
    // The first start builds the index; every setup then serves that same snapshot.
    // BENCH_SETUPS=bare,1 (labels' first words) runs only those, e.g. for a CPU profile of one worker.
    const only = process.env.BENCH_SETUPS?.split(",");
    const setups: Array<[string, number, number]> = (
      [
        ["bare Node HTTP (reference)", 1, 1],
        ["1 worker", 1, 1],
        ["WORKERS=2", 2, 1],
        ["2 servers, 2 ports (reference)", 1, 2],
      ] as Array<[string, number, number]>
    ).filter(([label]) => !only || only.some((word) => label.toLowerCase().startsWith(word.toLowerCase())));
    for (const [label, workers, servers] of setups) {
      const ports = await Promise.all(Array.from({ length: servers }, freePort));
      const group = await startServers(label, env, ports, workers, label.startsWith("bare"));
      try {
        await warmUp(group);
        const deadline = performance.now() + durationMs;
        rows.push(await loadRow(group, "steady", clients, () => performance.now() > deadline));
        if (label === "WORKERS=2" && !process.env.BENCH_CPU_PROF) {
          // During a re-index in one worker: the phase lasts until both workers serve the new snapshot.
          const before = await indexVersions(group);
          const started = await fetch(`${group.urls[0]}/admin/reindex`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: '{"gate": false}' });
          if (started.status !== 202) throw new Error(`re-index not started: HTTP ${started.status}`);
          let switched = false;
          const watch = (async () => {
            while (!switched) {
              const seen = await indexVersions(group).catch(() => before);
              switched = seen.size === 1 && ![...seen].some((version) => before.has(version));
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          })();
          const minimum = performance.now() + durationMs;
          const phaseDeadline = performance.now() + 10 * 60_000;
          rows.push(await loadRow(group, "during re-index", clients, () => (switched && performance.now() > minimum) || performance.now() > phaseDeadline));
          switched = true;
          await watch;
        }
      } finally {
        await stopServers(group);
      }
    }
    const bare = rows.find((row) => row.setup.startsWith("bare"))?.answersPerSecond;
    for (const row of rows) row.ofBare = bare ? `${((row.answersPerSecond / bare) * 100).toFixed(1)} %` : "–";
    return rows;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Idle memory of WORKERS=1 and WORKERS=2 over one snapshot directory (e.g. 100k synthetic chunks):
 * all processes of the server, after a warm-up of a few questions per worker.
 */
export async function measureClusterMemory(dataDir: string, corpusDir: string, chunks: number): Promise<ClusterMemoryRow[]> {
  const rows: ClusterMemoryRow[] = [];
  const env = { CORPUS_DIR: corpusDir, DATA_DIR: dataDir, LLM_PROVIDER: "none", RATE_LIMIT_PER_MINUTE: "1000000", ...unlimited };
  for (const workers of [1, 2]) {
    const group = await startServers(`WORKERS=${workers}`, env, [await freePort()], workers);
    try {
      await warmUp(group);
      const pids = serverPids(group);
      const memory = await Promise.all(pids.map(memoryOf));
      rows.push({
        setup: group.label,
        chunks,
        processes: pids.length,
        rssMb: Math.round(memory.reduce((sum, entry) => sum + entry.rss, 0)),
        pssMb: Math.round(memory.reduce((sum, entry) => sum + entry.pss, 0)),
        ussMb: Math.round(memory.reduce((sum, entry) => sum + entry.uss, 0)),
        largestUssMb: Math.round(Math.max(0, ...memory.map((entry) => entry.uss))),
      });
    } finally {
      await stopServers(group);
    }
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const load = await measureClusterLoad({ clients: Number(process.env.BENCH_CLIENTS ?? 32), durationMs: Number(process.env.BENCH_LOAD_MS ?? 5000) });
  console.table(load);
  if (process.env.BENCH_CLUSTER_DATA_DIR) {
    console.table(await measureClusterMemory(process.env.BENCH_CLUSTER_DATA_DIR, process.env.BENCH_CLUSTER_CORPUS_DIR ?? path.join(repoRoot, "corpus"), Number(process.env.BENCH_CLUSTER_CHUNKS ?? 0)));
  }
}
