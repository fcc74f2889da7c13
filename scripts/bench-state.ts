/**
 * State-store write latency, SQLite (embedded default) vs PostgreSQL (STATE_URL=postgres://…):
 * per operation on the answer path (delivery claim, rate window, conversation turn, question
 * log) and the audit write, p50/p95 over sequential calls from one process.
 * PostgreSQL runs only when a database URL is given: BENCH_DATABASE_URL, else TEST_DATABASE_URL
 * (`scripts/with-postgres.sh npm run bench`). Standalone: `npx tsx scripts/bench-state.ts`.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { PostgresStateStore } from "../src/state/postgres/postgres-state-store.js";
import { SqliteStateStore } from "../src/state/sqlite/sqlite-state-store.js";
import type { StateStore } from "../src/state/state-store.js";
import { percentile } from "./bench-load.js";

export interface StateRow {
  store: string;
  operation: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
}

const operations: Array<[string, (store: StateStore, i: number) => Promise<unknown>]> = [
  ["claimDelivery", (store, i) => store.claimDelivery("wechat", `bench-${i}`)],
  ["takeRate", (store, i) => store.takeRate(`wechat:user-${i % 50}`, { limit: 20, windowMs: 60_000 })],
  [
    "appendTurn",
    (store, i) =>
      store.appendTurn(`bench:${i % 100}`, { question: "长治高新区有哪些招商优惠政策？", standaloneQuestion: "长治高新区有哪些招商优惠政策？", answer: "答".repeat(300), places: ["长治"], at: Date.now() }, { maxTurns: 6, maxChars: 4000 }),
  ],
  ["logQuestion", (store) => store.logQuestion({ id: randomUUID(), platform: "bench", at: Date.now(), question: "长治高新区有哪些招商优惠政策？", answer: "答[1]", language: "zh", mode: "extractive", refused: false, latencyMs: 3, snapshotVersion: "bench", citations: 1 })],
  ["audit", (store, i) => store.audit({ actor: "bench", action: "bench.write", detail: `entry ${i}`, at: Date.now() })],
];

async function measure(name: string, store: StateStore, n: number): Promise<StateRow[]> {
  const rows: StateRow[] = [];
  for (const [operation, run] of operations) {
    for (let i = 0; i < 20; i++) await run(store, -1 - i); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await run(store, i);
      samples.push(performance.now() - started);
    }
    rows.push({ store: name, operation, n, p50Ms: Number(percentile(samples, 50).toFixed(3)), p95Ms: Number(percentile(samples, 95).toFixed(3)) });
  }
  return rows;
}

export async function measureStateStores(n = Number(process.env.BENCH_STATE_OPS ?? 1000)): Promise<{ rows: StateRow[]; postgres: string }> {
  const rows: StateRow[] = [];
  const dir = await mkdtemp(path.join(tmpdir(), "bench-state-"));
  const sqlite = SqliteStateStore.open({ dataDir: dir });
  try {
    rows.push(...(await measure("sqlite (WAL)", sqlite, n)));
  } finally {
    await sqlite.close();
    await rm(dir, { recursive: true, force: true });
  }
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) return { rows, postgres: "skipped: set BENCH_DATABASE_URL (or run under scripts/with-postgres.sh)" };
  // A database of its own, dropped afterwards, so the bench never touches real state.
  const name = `zone_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const store = await PostgresStateStore.open({ url: target.toString() });
  try {
    rows.push(...(await measure("postgresql", store, n)));
  } finally {
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return { rows, postgres: `measured on ${target.host}` };
}

export function printStateTable(result: { rows: StateRow[]; postgres: string }, table: (title: string, header: string[], rows: string[][]) => void): void {
  table(
    `State-store write latency, one process, sequential (PostgreSQL ${result.postgres})`,
    ["store", "operation", "n", "p50", "p95"],
    result.rows.map((row) => [row.store, row.operation, String(row.n), `${row.p50Ms.toFixed(3)} ms`, `${row.p95Ms.toFixed(3)} ms`]),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await measureStateStores();
  printStateTable(result, (title, header, rows) => {
    console.log(`\n${title}\n| ${header.join(" | ")} |`);
    rows.forEach((row) => console.log(`| ${row.join(" | ")} |`));
  });
}
