/**
 * Where a snapshot's chunks live, measured: per-process memory and lookup times for the chunks
 * kept in the JS heap (chunks.json parsed, with the id and article maps, as before issue 11's
 * chunk store) and for chunks.sqlite read through SqliteChunkStore. Each store is loaded in a
 * fresh child process (node --expose-gc), so one measurement cannot inflate the other.
 *
 * Run alone: npx tsx scripts/bench-chunks.ts DATA_DIR CORPUS_DIR   (a snapshot with chunks.sqlite)
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadLexicon } from "../src/app/lexicon.js";
import type { Chunk } from "../src/core/types.js";
import { MemoryChunkStore, SqliteChunkStore, type ChunkStore } from "../src/index/chunk-store.js";
import { readCurrentVersion, snapshotDir, snapshotFiles } from "../src/index/snapshot.js";
import { zoneKindSurfaces } from "../src/ingest/zones.js";
import { computeArticlePlaces } from "../src/retrieve/places.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface ChunkStoreFigures {
  store: string;
  chunks: number;
  heapMb: number;
  rssMb: number;
  anonymousMb: number;
  getUs: number;
  byIdUs: number;
  ofArticleUs: number;
  mentioningMs: number;
  coverageMs: number;
}

/**
 * Anonymous resident memory (heap, malloc), from /proc: what each worker holds for itself. RSS
 * also counts the memory-mapped chunks.sqlite pages, which are page cache shared by every process.
 */
function anonymousBytes(): number {
  try {
    const rollup = readFileSync("/proc/self/smaps_rollup", "utf8");
    return Number(/^Anonymous:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return process.memoryUsage().rss;
  }
}

function settle(): NodeJS.MemoryUsage & { anonymous: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  return { ...process.memoryUsage(), anonymous: anonymousBytes() };
}

function perCall(times: number, run: (i: number) => void): number {
  const started = performance.now();
  for (let i = 0; i < times; i++) run(i);
  return (performance.now() - started) / times;
}

/** In its own function, as the snapshot loader does: the file's text must not stay alive in this frame. */
async function readChunks(file: string): Promise<Chunk[]> {
  return JSON.parse(await readFile(file, "utf8")) as Chunk[];
}

/** In the child: load one way, keep what a live index keeps, measure. */
async function child(kind: "heap" | "sqlite", file: string, count: number, corpusDir: string): Promise<ChunkStoreFigures> {
  const lexicon = await loadLexicon(corpusDir);
  const before = settle();
  let store: ChunkStore;
  if (kind === "sqlite") store = SqliteChunkStore.open(file, count);
  else {
    store = new MemoryChunkStore(await readChunks(file));
    // What the live index built before the store: a map by id and the chunks of every article.
    store.byId("");
    store.ofArticle("");
  }
  const places = computeArticlePlaces(store, lexicon.places);
  const zones = store.zoneNames(3);
  // Lookups as answers make them: random positions (retrieval hits), ids (fact citations), articles.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const ids: string[] = [];
  const getUs = perCall(20_000, () => {
    const chunk = store.get(Math.floor(random() * count))!;
    if (ids.length < 2000) ids.push(chunk.id);
  }) * 1000;
  const byIdUs = perCall(ids.length, (i) => store.byId(ids[i]!)) * 1000;
  const articleIds = ids.map((id) => id.replace(/:\d+$/, ""));
  const ofArticleUs = perCall(articleIds.length, (i) => store.ofArticle(articleIds[i]!)) * 1000;
  // The zone filter's fallback for a place no article is about: a scan of every text.
  const mentioningMs = perCall(3, () => store.positionsMentioning(["深圳", "不在资料里的地名"], zoneKindSurfaces));
  const coverageMs = perCall(3, () => store.articles());
  const after = settle();
  if (places.all.size === 0 || zones.length === 0) throw new Error("the snapshot has no places: not a corpus to measure");
  return {
    store: kind === "sqlite" ? "chunks.sqlite (SqliteChunkStore)" : "chunks.json in the JS heap (as before)",
    chunks: count,
    heapMb: (after.heapUsed - before.heapUsed) / 1e6,
    rssMb: (after.rss - before.rss) / 1e6,
    anonymousMb: (after.anonymous - before.anonymous) / 1e6,
    getUs,
    byIdUs,
    ofArticleUs,
    mentioningMs,
    coverageMs,
  };
}

function runChild(kind: "heap" | "sqlite", file: string, count: number, corpusDir: string): ChunkStoreFigures {
  const output = execFileSync(
    process.execPath,
    ["--expose-gc", "--max-old-space-size=8192", "--import", "tsx", path.join(repoRoot, "scripts/bench-chunks.ts"), "--child", kind, file, String(count), corpusDir],
    { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, LOG_LEVEL: "warn" } },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!) as ChunkStoreFigures;
}

/** Both stores over the live snapshot of `dataDir` (it must have chunks.sqlite). */
export async function measureChunkStores(dataDir: string, corpusDir: string): Promise<ChunkStoreFigures[]> {
  const version = await readCurrentVersion(dataDir);
  if (!version) throw new Error(`no snapshot in ${dataDir}`);
  const database = path.join(snapshotDir(dataDir, version), snapshotFiles.chunkDatabase);
  const manifest = JSON.parse(await readFile(path.join(snapshotDir(dataDir, version), snapshotFiles.manifest), "utf8")) as { chunkCount: number };
  const work = await mkdtemp(path.join(tmpdir(), "bench-chunks-"));
  try {
    // The format snapshots had before chunks.sqlite, written from the same chunks.
    const store = SqliteChunkStore.open(database, manifest.chunkCount);
    const legacy = path.join(work, snapshotFiles.chunks);
    await writeFile(legacy, JSON.stringify(store.all()));
    store.close();
    return [runChild("heap", legacy, manifest.chunkCount, corpusDir), runChild("sqlite", database, manifest.chunkCount, corpusDir)];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function chunkStoreRows(figures: ChunkStoreFigures[]): string[][] {
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  return figures.map((row) => [
    row.store,
    String(row.chunks),
    mb(row.heapMb),
    `${((row.heapMb * 1e6) / row.chunks).toFixed(0)} B`,
    mb(row.rssMb),
    mb(row.anonymousMb),
    `${row.getUs.toFixed(1)} µs`,
    `${row.byIdUs.toFixed(1)} µs`,
    `${row.ofArticleUs.toFixed(1)} µs`,
    `${row.mentioningMs.toFixed(0)} ms`,
    `${row.coverageMs.toFixed(0)} ms`,
  ]);
}

export const chunkStoreHeader = ["chunks kept in", "chunks", "heap", "heap per chunk", "RSS", "anonymous RSS", "get", "byId", "ofArticle", "mentioning scan", "coverage"];

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const [, kind, file, count, corpusDir] = argv;
  child(kind as "heap" | "sqlite", file!, Number(count), corpusDir!).then(
    (figures) => console.log(JSON.stringify(figures)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dataDir, corpusDir] = argv;
  if (!dataDir || !corpusDir) {
    console.error("Usage: npx tsx scripts/bench-chunks.ts DATA_DIR CORPUS_DIR");
    process.exit(2);
  }
  measureChunkStores(dataDir, corpusDir).then((figures) => {
    const rows = chunkStoreRows(figures);
    console.log(chunkStoreHeader.join(" | "));
    for (const row of rows) console.log(row.join(" | "));
  });
}
