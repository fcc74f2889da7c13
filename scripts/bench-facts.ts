/**
 * Where the facts live: the in-memory store (facts.json parsed into every process, as before
 * facts.sqlite) against the SQLite store (facts.sqlite queried, pages in the shared OS cache).
 * Each store is loaded in a fresh child process, so its heap and RSS are its own: memory after
 * loading, load time, and the latency of each lookup over a fixed mix of queries.
 *
 * Run alone: npx tsx scripts/bench-facts.ts SNAPSHOT_DIR   (a snapshot directory with facts.json
 * or facts.sqlite; the other file is written next to it in a temporary copy when missing).
 */
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryFactStore, type FactQuery, type FactStore } from "../src/facts/fact-store.js";
import { openSqliteFactStore, writeFactDatabase } from "../src/facts/sqlite-fact-store.js";
import type { Fact, MetricDefinition } from "../src/facts/types.js";
import { percentile } from "./bench-load.js";

export interface FactStoreRow {
  store: "memory (facts.json)" | "sqlite (facts.sqlite)";
  facts: number;
  fileMb: number;
  loadMs: number;
  heapMb: number;
  rssMb: number;
  /** p50/p95 per lookup, in ms. */
  lookups: { name: string; n: number; p50: number; p95: number }[];
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Writes both files for `facts` into a temporary folder and measures each store in its own process. */
export async function measureFactStores(facts: readonly Fact[], metrics: readonly MetricDefinition[]): Promise<{ rows: FactStoreRow[]; sqliteWriteMs: number }> {
  const work = await mkdtemp(path.join(tmpdir(), "bench-facts-"));
  try {
    const json = path.join(work, "facts.json");
    await writeFile(json, JSON.stringify({ metrics, facts }), "utf8");
    const started = performance.now();
    writeFactDatabase(path.join(work, "facts.sqlite"), facts, metrics);
    const sqliteWriteMs = performance.now() - started;
    // The same queries for both stores: drawn from every 997th fact, handed to the child as a file.
    const sample = path.join(work, "sample.json");
    await writeFile(sample, JSON.stringify(facts.filter((_, index) => index % 997 === 0).slice(0, 200)), "utf8");
    return { rows: [await probe("memory", json, sample), await probe("sqlite", path.join(work, "facts.sqlite"), sample)], sqliteWriteMs };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function probe(kind: "memory" | "sqlite", file: string, sample: string): Promise<FactStoreRow> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--probe", kind, file, sample], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`fact store probe (${kind}) exited with ${code}`));
      resolve(JSON.parse(output.trim().split("\n").at(-1)!) as FactStoreRow);
    });
  });
}

const mbOf = (bytes: number) => Math.round(bytes / 1024 / 1024);

function settledMemory(): { heapMb: number; rssMb: number } {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { heapMb: mbOf(usage.heapUsed), rssMb: mbOf(usage.rss) };
}

/** The child: load one store, settle, then time each lookup over queries drawn from the facts themselves. */
async function runProbe(kind: "memory" | "sqlite", file: string, sampleFile: string): Promise<void> {
  const sample = JSON.parse(await readFile(sampleFile, "utf8")) as Fact[];
  const before = settledMemory();
  const started = performance.now();
  let store: FactStore;
  if (kind === "memory") {
    const stored = JSON.parse(await readFile(file, "utf8")) as { facts: Fact[] };
    store = new MemoryFactStore(stored.facts);
  } else {
    store = openSqliteFactStore(file).store;
  }
  const loadMs = performance.now() - started;
  const after = settledMemory();
  const lookups: FactStoreRow["lookups"] = [];
  const time = (name: string, run: (fact: Fact) => unknown) => {
    if (sample[0]) run(sample[0]); // warm-up: JIT, prepared statement
    const samples: number[] = [];
    for (const fact of sample) {
      const t = performance.now();
      run(fact);
      samples.push(performance.now() - t);
    }
    lookups.push({ name, n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) });
  };
  const subject = (fact: Fact): FactQuery => ({ places: [fact.place], zones: [fact.zone], metrics: [fact.metric], period: fact.period, includeParts: true });
  time("inChunk", (fact) => store.inChunk(fact.chunkId));
  time("inSentence", (fact) => store.inSentence(fact.sentence));
  time("find (zone, metric, period)", (fact) => store.find({ ...subject(fact), level: "zone" }));
  time("nearest (zone, metric, 1990)", (fact) => store.nearest({ ...subject(fact), period: { kind: "year", from: "1990-01", to: "1990-12", zh: "", en: "" } }));
  time("highestPerZone (metric, period: every zone)", (fact) => store.highestPerZone({ metrics: [fact.metric], period: fact.period, level: "zone" }));
  time("zones (place)", (fact) => store.zones({ places: [fact.place], level: "zone", includeParts: true }));
  time("count (zone)", (fact) => store.count({ zones: [fact.zone], includeParts: true }));
  time("list (zone, limit 500)", (fact) => store.list({ zone: fact.zone, limit: 500 }));
  const end = process.memoryUsage();
  const row: FactStoreRow = {
    store: kind === "memory" ? "memory (facts.json)" : "sqlite (facts.sqlite)",
    facts: store.size,
    fileMb: mbOf((await stat(file)).size),
    loadMs,
    heapMb: after.heapMb - before.heapMb,
    rssMb: Math.max(after.rssMb, mbOf(end.rss)) - before.rssMb,
    lookups,
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

export function factStoreTables(result: { rows: FactStoreRow[]; sqliteWriteMs: number }, table: (title: string, header: string[], rows: string[][]) => void): void {
  const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
  table(
    `Facts per server process (${result.rows[0]?.facts ?? 0} facts; facts.sqlite written in ${ms(result.sqliteWriteMs)})`,
    ["store", "file", "load", "heap after load", "RSS growth (after load and lookups)"],
    result.rows.map((row) => [row.store, `${row.fileMb} MB`, ms(row.loadMs), `${row.heapMb} MB`, `${row.rssMb} MB`]),
  );
  const names = result.rows[0]?.lookups.map((lookup) => lookup.name) ?? [];
  table(
    "FactStore lookup latency (p50 / p95 over facts sampled from the store)",
    ["lookup", ...result.rows.map((row) => row.store)],
    names.map((name) => [name, ...result.rows.map((row) => {
      const lookup = row.lookups.find((each) => each.name === name)!;
      return `${ms(lookup.p50)} / ${ms(lookup.p95)}`;
    })]),
  );
}

if (process.argv[2] === "--probe") {
  await runProbe(process.argv[3] as "memory" | "sqlite", process.argv[4]!, process.argv[5]!);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // Alone, over an existing snapshot: whichever facts file it has gives the facts for both.
  const snapshot = process.argv[2];
  if (!snapshot) throw new Error("usage: npx tsx scripts/bench-facts.ts SNAPSHOT_DIR");
  let facts: Fact[];
  let metrics: MetricDefinition[];
  try {
    ({ facts, metrics } = JSON.parse(await readFile(path.join(snapshot, "facts.json"), "utf8")) as { facts: Fact[]; metrics: MetricDefinition[] });
  } catch {
    const work = await mkdtemp(path.join(tmpdir(), "bench-facts-read-"));
    await copyFile(path.join(snapshot, "facts.sqlite"), path.join(work, "facts.sqlite"));
    const opened = openSqliteFactStore(path.join(work, "facts.sqlite"));
    facts = opened.store.list({}).facts;
    metrics = opened.metrics;
    opened.store.close();
    await rm(work, { recursive: true, force: true });
  }
  const result = await measureFactStores(facts, metrics);
  // Let the fact array go before the tables are printed (hundreds of MB at 100k chunks).
  // eslint-disable-next-line no-useless-assignment
  facts = [];
  factStoreTables(result, (title, header, rows) => {
    console.log(`\n${title}\n${header.join(" | ")}`);
    for (const row of rows) console.log(row.join(" | "));
  });
}
