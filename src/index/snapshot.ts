import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError, isAppError, REBUILD_INDEX_HINT } from "../core/errors.js";
import type { Chunk } from "../core/types.js";
import { MemoryChunkStore, SqliteChunkStore, writeChunkDatabase, type ChunkStore } from "./chunk-store.js";
import type { Fact, MetricDefinition } from "../facts/types.js";
import { MemoryFactStore, type FactStore } from "../facts/fact-store.js";
import { encodeFact, FactDatabaseWriter, openSqliteFactStore, SqliteFactStore } from "../facts/sqlite-fact-store.js";
import { factRowsOf, type FactSource } from "../facts/fact-batches.js";
import { Bm25Index } from "./bm25.js";
import type { Embedder } from "./embedder.js";
import { MANIFEST_FORMAT_VERSION, manifestSchema, type Manifest, type ManifestFile } from "./manifest.js";
import type { NamedTokenizer, Tokenizer } from "./tokenizer.js";
import { appendSnapshotEvent, type SnapshotEvent } from "./snapshot-log.js";
import { VectorStore } from "./vector-store.js";
import { mapFile, takeMappingNotice } from "./mapped-file.js";
import type { LocalEmbedder } from "./embedders/local-embedder.js";
import { canBuildInParallel, startParallelBuild, type ParallelBuild } from "./parallel-build.js";

export const SNAPSHOTS_DIR = "snapshots";
const CURRENT_FILE = "current.json";
export const snapshotFiles = {
  manifest: "manifest.json",
  /** The chunks, one row per position, read through a ChunkStore (src/index/chunk-store.ts). */
  chunkDatabase: "chunks.sqlite",
  /** Snapshots written before chunks.sqlite kept the chunks as one JSON list; they still load. */
  chunks: "chunks.json",
  /** BM25 header (terms, parameters, array ranges); older snapshots hold the arrays here too, in base64. */
  bm25: "bm25.json",
  /** BM25 postings as binary arrays, mapped by every server process (see mapped-file.ts). */
  bm25Arrays: "bm25.bin",
  embedderState: "embedder-state.json",
  /** Figures as facts (src/facts) with their metric list, written when the build extracted them; queried, never loaded whole. */
  factDatabase: "facts.sqlite",
  /** The same as one JSON document, written by builds before facts.sqlite; still loaded (into memory). */
  facts: "facts.json",
} as const;


export interface WriteSnapshotInput {
  chunks: Chunk[];
  /** Facts extracted from the chunks' articles; stored as facts.sqlite when given. */
  facts?: Fact[];
  /**
   * Or the articles to extract them from during the build (on its threads when it runs on threads),
   * batch by batch: the facts are never all held at once. Not together with `facts`.
   */
  factSource?: FactSource;
  /** The metric list the facts were filed under (stored with them, so labels match the build). */
  metrics?: MetricDefinition[];
  articleCount: number;
  files: ManifestFile[];
  embedder: Embedder;
  /** The tokenizer BM25 is built with; its `id` goes into the manifest unless `tokenizerId` is given. */
  tokenizer: Tokenizer | NamedTokenizer;
  tokenizerId?: string;
  /** When the whole build (ingest included) started, for `buildMs`; defaults to the call time. */
  startedAt?: number;
  /** Defaults to a timestamp plus random suffix. */
  version?: string;
  /** Point current.json at the new snapshot once written (default true). */
  activate?: boolean;
  /** Who builds, for the snapshot log when `activate` is on. */
  actor?: string;
  batchSize?: number;
  /** Worker threads for a local-embedder build (fit, embed, BM25 counts, HNSW shards); 1 = this thread only. */
  threads?: number;
  /** Most vectors per HNSW shard (default MAX_SHARD_VECTORS); tests set a small one to get several shards. */
  vectorShardSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface LoadedSnapshot {
  manifest: Manifest;
  chunks: ChunkStore;
  bm25: Bm25Index;
  vectors: VectorStore;
  /** The configured embedder with the snapshot's fitted state restored (a copy when it can clone). */
  embedder: Embedder;
  /** Non-fatal differences, e.g. a tokenizer whose user dictionary changed since the build. */
  warnings: string[];
  /** The figures of the corpus as facts (empty for a snapshot built before facts existed). */
  facts: FactStore;
  metrics: MetricDefinition[];
}

const currentSchema = z.object({ version: z.string().min(1) });

function snapshotsRoot(dataDir: string): string {
  return path.join(dataDir, SNAPSHOTS_DIR);
}

export function snapshotDir(dataDir: string, version: string): string {
  return path.join(snapshotsRoot(dataDir), version);
}

/** Sortable, unique build id, e.g. 20240612T101500123Z-3f9a1c. */
function newVersion(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

/** Writes via a temporary file and rename, so readers never see a half-written file. */
async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

export async function readCurrentVersion(dataDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, CURRENT_FILE), "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return undefined;
    throw new AppError("INDEX_CORRUPT", `Cannot read ${path.join(dataDir, CURRENT_FILE)}.`, { hint: REBUILD_INDEX_HINT, cause: error });
  }
  let parsed: z.SafeParseReturnType<unknown, { version: string }>;
  try {
    parsed = currentSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new AppError("INDEX_CORRUPT", `${path.join(dataDir, CURRENT_FILE)} is not valid JSON.`, { hint: REBUILD_INDEX_HINT, cause: error });
  }
  if (!parsed.success) {
    throw new AppError("INDEX_CORRUPT", `${path.join(dataDir, CURRENT_FILE)} does not name a snapshot version.`, {
      hint: REBUILD_INDEX_HINT,
    });
  }
  return parsed.data.version;
}

export interface ActivationRecord {
  action?: SnapshotEvent["action"];
  /** Who made the change, e.g. `admin-api`, `slack:U123`, `cli:alice`, `startup`. */
  actor?: string;
  reason?: string;
}

/**
 * Points current.json at `version` atomically (the snapshot must already be complete), then
 * records the change in the snapshot log. current.json moves first: a crash in between leaves a
 * live snapshot missing from the log (a fallback target lost), never a logged one that was not
 * live. Returns false when the log could not be written (the activation stands).
 */
export async function setCurrentVersion(dataDir: string, version: string, record: ActivationRecord = {}): Promise<boolean> {
  try {
    await stat(path.join(snapshotDir(dataDir, version), snapshotFiles.manifest));
  } catch (error) {
    throw new AppError("SNAPSHOT_MISSING", `There is no complete snapshot named ${version}.`, {
      hint: "List the snapshots with the admin status command and pick an existing version.",
      cause: error,
    });
  }
  const from = await readCurrentVersion(dataDir).catch(() => undefined);
  try {
    await writeFileAtomic(path.join(dataDir, CURRENT_FILE), `${JSON.stringify({ version })}\n`);
  } catch (error) {
    throw new AppError("INDEX_WRITE_FAILED", `Cannot write ${path.join(dataDir, CURRENT_FILE)}.`, {
      hint: "Check that DATA_DIR is a writable directory.",
      cause: error,
    });
  }
  try {
    await appendSnapshotEvent(dataDir, {
      at: new Date().toISOString(),
      action: record.action ?? "activate",
      version,
      ...(from && from !== version ? { from } : {}),
      actor: record.actor ?? `process:${process.pid}`,
      ...(record.reason ? { reason: record.reason } : {}),
    });
    return true;
  } catch {
    return false;
  }
}

export interface SnapshotSummary {
  version: string;
  current: boolean;
  manifest?: Manifest;
}

/** Complete snapshots, newest first (temporary build directories are left out). */
export async function listSnapshots(dataDir: string): Promise<SnapshotSummary[]> {
  let names: string[];
  try {
    names = await readdir(snapshotsRoot(dataDir));
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
  const current = await readCurrentVersion(dataDir).catch(() => undefined);
  const summaries: SnapshotSummary[] = [];
  for (const name of names) {
    if (name.includes(".tmp-")) continue;
    let manifest: Manifest | undefined;
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(await readFile(path.join(snapshotDir(dataDir, name), snapshotFiles.manifest), "utf8")));
      manifest = parsed.success ? parsed.data : undefined;
    } catch {
      manifest = undefined;
    }
    summaries.push({ version: name, current: name === current, manifest });
  }
  return summaries.sort((a, b) => (a.version < b.version ? 1 : a.version > b.version ? -1 : 0));
}

/**
 * Builds BM25 and vectors for `chunks` and writes a complete snapshot: everything goes into
 * snapshots/<version>.tmp-<pid>, which is renamed into place only when complete, and
 * current.json moves last. A failure leaves the current snapshot untouched.
 */
export async function writeSnapshot(dataDir: string, input: WriteSnapshotInput): Promise<Manifest> {
  const startedAt = input.startedAt ?? Date.now();
  const now = input.now ?? (() => new Date());
  const version = input.version ?? newVersion(now());
  const finalDir = snapshotDir(dataDir, version);
  const temporaryDir = `${finalDir}.tmp-${process.pid}`;
  const { chunks } = input;
  const texts = chunks.map((chunk) => chunk.indexText);
  if (input.facts && input.factSource) throw new Error("writeSnapshot takes facts or a factSource, not both");

  try {
    await mkdir(temporaryDir, { recursive: true });
  } catch (error) {
    throw new AppError("INDEX_WRITE_FAILED", `Cannot create the snapshot directory under ${dataDir}.`, {
      hint: "Check that DATA_DIR points to a writable directory.",
      cause: error,
    });
  }

  let parallel: ParallelBuild | undefined;
  let facts: FactDatabaseWriter | undefined;
  let chunksWritten: Promise<void> | undefined;
  try {
    const embedder = input.embedder.clone ? input.embedder.clone() : input.embedder;
    const threads = input.threads ?? 1;
    const { factSource } = input;
    // SQLite rather than JSON: a server worker queries the facts instead of holding them (see sqlite-fact-store.ts).
    if (input.facts || factSource) facts = new FactDatabaseWriter(path.join(temporaryDir, snapshotFiles.factDatabase), factSource?.metrics ?? input.metrics ?? []);
    if (input.facts) facts!.add(input.facts.map(encodeFact));
    let extractMs = 0;
    let bm25: Bm25Index;
    let vectors: VectorStore | undefined;
    let dimensions: number;
    let shards: number[];
    input.onProgress?.(0, texts.length);
    if (canBuildInParallel(embedder, input.tokenizer, threads, texts.length)) {
      // The chunks are written while the threads segment and embed (this thread is free meanwhile,
      // but for the fact rows), the BM25 counts merged and written while the HNSW shards grow.
      chunksWritten = writeChunkDatabase(path.join(temporaryDir, snapshotFiles.chunkDatabase), chunks, { signal: input.signal });
      chunksWritten.catch(() => undefined);
      parallel = await startParallelBuild(texts, embedder as LocalEmbedder, input.tokenizer, {
        threads,
        directory: temporaryDir,
        shardSize: input.vectorShardSize,
        signal: input.signal,
        onProgress: input.onProgress,
        facts: factSource && {
          metrics: factSource.metrics,
          batches: factSource.batches,
          onRows: (rows, ms) => {
            facts!.add(rows);
            extractMs += ms;
          },
        },
      });
      bm25 = Bm25Index.fromPartials(parallel.bm25, input.tokenizer);
      parallel.bm25 = [];
      dimensions = embedder.dimensions;
      shards = parallel.shards;
    } else {
      embedder.fit?.(texts);
      // Small batches with a yield between them keep a server answering while it re-indexes.
      const batchSize = input.batchSize ?? 64;
      for (let start = 0; start < texts.length; start += batchSize) {
        input.signal?.throwIfAborted();
        const batch = texts.slice(start, start + batchSize);
        const embedded = await embedder.embed(batch, { signal: input.signal });
        // Remote embedders only know their length after the first response.
        vectors ??= VectorStore.create(embedded[0]?.length ?? embedder.dimensions, texts.length, { shardSize: input.vectorShardSize });
        for (let i = 0; i < embedded.length; i++) vectors.add(embedded[i], start + i);
        input.onProgress?.(Math.min(start + batch.length, texts.length), texts.length);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      vectors ??= VectorStore.create(embedder.dimensions, 0);
      bm25 = Bm25Index.build(texts, input.tokenizer);
      dimensions = vectors.dimensions;
      shards = vectors.shardSizes;
      chunksWritten = writeChunkDatabase(path.join(temporaryDir, snapshotFiles.chunkDatabase), chunks, { signal: input.signal });
      if (factSource) {
        for (const batch of factSource.batches) {
          input.signal?.throwIfAborted();
          const { rows, ms } = factRowsOf(batch, factSource.metrics);
          facts!.add(rows);
          extractMs += ms;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    }
    const tokenizerId = input.tokenizerId ?? ("id" in input.tokenizer ? input.tokenizer.id : "custom");

    await chunksWritten;
    const serialisedBm25 = bm25.serialise();
    await writeFile(path.join(temporaryDir, snapshotFiles.bm25Arrays), serialisedBm25.data);
    await writeFile(path.join(temporaryDir, snapshotFiles.bm25), JSON.stringify(serialisedBm25.header), "utf8");
    if (embedder.state) {
      await writeFile(path.join(temporaryDir, snapshotFiles.embedderState), JSON.stringify(embedder.state()), "utf8");
    }
    await parallel?.factsWritten;
    const factCount = facts?.finish();
    facts = undefined;
    if (factCount !== undefined) factSource?.onDone?.({ facts: factCount, extractMs });
    if (parallel) {
      await parallel.vectorsWritten;
      // The threads are done: stopped before the snapshot is announced, as they always were.
      await parallel.cancel();
    } else await vectors!.save(temporaryDir);

    const manifest: Manifest = manifestSchema.parse({
      formatVersion: MANIFEST_FORMAT_VERSION,
      version,
      builtAt: now().toISOString(),
      embedder: {
        id: embedder.id,
        provider: embedder.provider,
        ...(embedder.model ? { model: embedder.model } : {}),
        dimensions,
      },
      tokenizer: { id: tokenizerId },
      chunkCount: chunks.length,
      ...(factCount !== undefined ? { factCount } : {}),
      articleCount: input.articleCount,
      ...(shards.length > 1 ? { vectorShards: shards } : {}),
      files: input.files,
      buildMs: Date.now() - startedAt,
    });
    // The manifest is written last inside the directory: its presence marks a complete snapshot.
    await writeFile(path.join(temporaryDir, snapshotFiles.manifest), `${JSON.stringify(manifest, null, 2)}\n`, "utf8");
    await rm(finalDir, { recursive: true, force: true });
    await rename(temporaryDir, finalDir);
    if (input.activate ?? true) await setCurrentVersion(dataDir, version, { actor: input.actor });
    return manifest;
  } catch (error) {
    facts?.abort();
    await chunksWritten?.catch(() => undefined);
    await parallel?.cancel();
    await parallel?.vectorsWritten.catch(() => undefined);
    await parallel?.factsWritten.catch(() => undefined);
    await rm(temporaryDir, { recursive: true, force: true }).catch(() => undefined);
    if (isAppError(error) || input.signal?.aborted) throw error;
    throw new AppError("INDEX_WRITE_FAILED", `Writing snapshot ${version} under ${dataDir} failed.`, {
      hint: "Check free disk space and that DATA_DIR is writable; the previous index stays in use.",
      cause: error,
    });
  }
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new AppError("INDEX_CORRUPT", `The index is incomplete: ${what} (${file}) cannot be read.`, {
      hint: REBUILD_INDEX_HINT,
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError("INDEX_CORRUPT", `The index is damaged: ${what} (${file}) is not valid JSON.`, {
      hint: REBUILD_INDEX_HINT,
      cause: error,
    });
  }
}

function describeEmbedder(embedder: { provider: string; model?: string; dimensions: number }): string {
  return `${embedder.provider}${embedder.model ? ` model ${embedder.model}` : ""}, ${embedder.dimensions} dimensions`;
}

function restoreSettingsHint(manifest: Manifest): string {
  const settings = [`EMBEDDINGS_PROVIDER=${manifest.embedder.provider}`];
  if (manifest.embedder.model) settings.push(`EMBEDDINGS_MODEL=${manifest.embedder.model}`);
  settings.push(`EMBEDDINGS_DIMENSIONS=${manifest.embedder.dimensions}`);
  return `Run \`npm run index\` to rebuild the index with the configured embedder, or set ${settings.join(" ")} back to use the existing index.`;
}

/** Refuses a snapshot built by another embedder: its vectors live in a different space. */
function checkEmbedderCompatibility(manifest: Manifest, embedder: Embedder): void {
  const built = manifest.embedder;
  const sameModel = built.provider === embedder.provider && (built.model ?? "") === (embedder.model ?? "");
  const dimensionsKnown = embedder.dimensionsKnown !== false;
  if (sameModel && dimensionsKnown && built.dimensions !== embedder.dimensions) {
    throw new AppError(
      "INDEX_DIMENSION_MISMATCH",
      `The index has ${built.dimensions}-dimensional vectors but the configured embedder makes ${embedder.dimensions}.`,
      { hint: restoreSettingsHint(manifest), details: { index: built, configured: embedder.id } },
    );
  }
  if (built.id !== embedder.id) {
    throw new AppError(
      "INDEX_EMBEDDER_MISMATCH",
      `The index was built with ${built.id} (${describeEmbedder(built)}) but the configured embedder is ${embedder.id}.`,
      { hint: restoreSettingsHint(manifest), details: { index: built, configured: embedder.id } },
    );
  }
}

/**
 * Loads and validates a snapshot (the current one unless `version` is given). Every way it can
 * be unusable is refused here with a coded error, rather than failing at query time.
 */
export async function loadSnapshot(
  dataDir: string,
  embedder: Embedder,
  tokenizer: Tokenizer | NamedTokenizer,
  version?: string,
): Promise<LoadedSnapshot> {
  const chosen = version ?? (await readCurrentVersion(dataDir));
  if (!chosen) {
    throw new AppError("INDEX_MISSING", `No index found in ${dataDir}.`, {
      hint: "Build it with `npm run index` (it reads CORPUS_DIR and writes DATA_DIR).",
    });
  }
  const directory = snapshotDir(dataDir, chosen);
  try {
    await stat(directory);
  } catch (error) {
    if (version !== undefined) {
      throw new AppError("SNAPSHOT_MISSING", `There is no snapshot named ${version} in ${dataDir}.`, {
        hint: "Pick one of the listed snapshot versions.",
        cause: error,
      });
    }
    throw new AppError("INDEX_CORRUPT", `current.json names snapshot ${chosen}, but ${directory} does not exist.`, {
      hint: REBUILD_INDEX_HINT,
      cause: error,
    });
  }

  const parsedManifest = manifestSchema.safeParse(await readJson(path.join(directory, snapshotFiles.manifest), "the manifest"));
  if (!parsedManifest.success) {
    const problems = parsedManifest.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new AppError("INDEX_CORRUPT", `The index manifest of snapshot ${chosen} is invalid (${problems}).`, {
      hint: REBUILD_INDEX_HINT,
    });
  }
  const manifest = parsedManifest.data;
  checkEmbedderCompatibility(manifest, embedder);

  const warnings: string[] = [];
  if ("id" in tokenizer && typeof tokenizer.id === "string" && tokenizer.id !== manifest.tokenizer.id) {
    warnings.push(
      `The index was built with tokenizer ${manifest.tokenizer.id} but ${tokenizer.id} is configured (the user dictionary changed?); run \`npm run index\` for best keyword matching.`,
    );
  }

  const bm25Header = await readJson(path.join(directory, snapshotFiles.bm25), "the BM25 index");
  const bm25 = Bm25Index.hasBinaryArrays(bm25Header)
    ? Bm25Index.fromMapped(bm25Header, mapFile(path.join(directory, snapshotFiles.bm25Arrays), "the BM25 postings").buffer, tokenizer)
    : Bm25Index.fromJSON(bm25Header, tokenizer);
  if (bm25.size !== manifest.chunkCount) {
    throw new AppError("INDEX_CORRUPT", `The BM25 index of snapshot ${chosen} covers ${bm25.size} chunks, not ${manifest.chunkCount}.`, {
      hint: REBUILD_INDEX_HINT,
    });
  }
  const vectors = await VectorStore.load(directory, manifest.embedder.dimensions, manifest.chunkCount, { shards: manifest.vectorShards });
  const mappingNotice = takeMappingNotice();
  if (mappingNotice) warnings.push(mappingNotice);

  const restored = embedder.clone ? embedder.clone() : embedder;
  if (restored.load) {
    restored.load(await readJson(path.join(directory, snapshotFiles.embedderState), "the embedder state"));
  }
  const { facts, metrics } = await loadFacts(directory, chosen, manifest);
  // Last, so that no later failure leaves the chunk database open; a failure here closes the fact database.
  let chunks: ChunkStore;
  try {
    chunks = await loadChunks(directory, chosen, manifest.chunkCount);
  } catch (error) {
    if (facts instanceof SqliteFactStore) facts.close();
    throw error;
  }
  return { manifest, chunks, bm25, vectors, embedder: restored, warnings, facts, metrics };
}

/** chunks.sqlite (read-only, shared through the page cache), or chunks.json in an older snapshot. */
async function loadChunks(directory: string, version: string, chunkCount: number): Promise<ChunkStore> {
  const database = path.join(directory, snapshotFiles.chunkDatabase);
  const exists = await stat(database).then(() => true, () => false);
  if (exists) return SqliteChunkStore.open(database, chunkCount);
  const chunks = await readJson(path.join(directory, snapshotFiles.chunks), "the chunk list");
  if (
    !Array.isArray(chunks) ||
    chunks.length !== chunkCount ||
    !chunks.every((chunk: unknown) => typeof chunk === "object" && chunk !== null && typeof (chunk as Chunk).id === "string" && typeof (chunk as Chunk).text === "string")
  ) {
    throw new AppError("INDEX_CORRUPT", `The chunk list of snapshot ${version} does not match its manifest.`, { hint: REBUILD_INDEX_HINT });
  }
  return new MemoryChunkStore(chunks as Chunk[]);
}

/**
 * Facts are optional (snapshots built before they existed have none). facts.sqlite is opened
 * read-only and checked against the manifest's count; a snapshot written before facts.sqlite
 * has facts.json, which is loaded into memory as before.
 */
async function loadFacts(directory: string, version: string, manifest: Manifest): Promise<{ facts: FactStore; metrics: MetricDefinition[] }> {
  const database = path.join(directory, snapshotFiles.factDatabase);
  if (await exists(database)) {
    let opened: ReturnType<typeof openSqliteFactStore>;
    try {
      opened = openSqliteFactStore(database);
    } catch (error) {
      throw new AppError("INDEX_CORRUPT", `The fact database of snapshot ${version} (${database}) cannot be read: ${error instanceof Error ? error.message : String(error)}.`, {
        hint: REBUILD_INDEX_HINT,
        cause: error,
      });
    }
    if (manifest.factCount !== undefined && opened.count !== manifest.factCount) {
      opened.store.close();
      throw new AppError("INDEX_CORRUPT", `The fact database of snapshot ${version} holds ${opened.count} facts, not ${manifest.factCount} as its manifest says.`, { hint: REBUILD_INDEX_HINT });
    }
    return { facts: opened.store, metrics: opened.metrics };
  }
  const file = path.join(directory, snapshotFiles.facts);
  if (!(await exists(file))) {
    // Built without facts (before they existed, or by a tool that writes chunks only): answers fall back to passages.
    return { facts: new MemoryFactStore([]), metrics: [] };
  }
  const stored = (await readJson(file, "the fact list")) as { facts?: unknown; metrics?: unknown } | null;
  const facts = stored?.facts;
  const metrics = stored?.metrics;
  if (!Array.isArray(metrics) || !Array.isArray(facts) || !facts.every((fact: unknown) => typeof fact === "object" && fact !== null && typeof (fact as Fact).metric === "string" && typeof (fact as Fact).normalized === "number")) {
    throw new AppError("INDEX_CORRUPT", `The fact list of snapshot ${version} is damaged.`, { hint: REBUILD_INDEX_HINT });
  }
  return { facts: new MemoryFactStore(facts as Fact[]), metrics: metrics as MetricDefinition[] };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export const BUILD_LOCK_FILE = "build.lock";

/** True while process `pid` exists (on this machine); used to tell live build locks from stale ones. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

/**
 * Moves a dead builder's lock out of the way. Two processes may both find the same stale lock;
 * the rename is atomic, and whoever moved a lock that is not the stale one they read (another
 * process already took over and wrote its own) puts it back and reports the build as running.
 */
async function setStaleLockAside(lockFile: string, staleText: string): Promise<boolean> {
  const aside = `${lockFile}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    return errorCode(error) === "ENOENT"; // already moved by someone else: just try to take it
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved !== staleText) {
    await rename(aside, lockFile).catch(() => undefined);
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

/**
 * Runs `build` while holding DATA_DIR/build.lock, so a CLI re-index and an admin-triggered
 * re-index in the server cannot write at the same time. A lock left by a dead process is taken over.
 */
export async function withBuildLock<T>(dataDir: string, build: () => Promise<T>): Promise<T> {
  const release = await acquireBuildLockFile(dataDir);
  try {
    return await build();
  } finally {
    await release();
  }
}

/**
 * Takes DATA_DIR/build.lock and returns its release. `takeOver`: the caller already holds the
 * authoritative lock (PostgreSQL's, across machines), so any lock file found is stale — its pid
 * may belong to another machine, where this one cannot check it.
 */
export async function acquireBuildLockFile(dataDir: string, options: { takeOver?: boolean } = {}): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, BUILD_LOCK_FILE);
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new AppError("INDEX_WRITE_FAILED", `Cannot create DATA_DIR ${dataDir}.`, {
      hint: "Check that DATA_DIR points to a writable directory.",
      cause: error,
    });
  }
  const content = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lockFile, content, { encoding: "utf8", flag: "wx" });
      break;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") {
        throw new AppError("INDEX_WRITE_FAILED", `Cannot create ${lockFile}.`, {
          hint: "Check that DATA_DIR points to a writable directory.",
          cause: error,
        });
      }
      let holder: { pid?: unknown; startedAt?: unknown } = {};
      const held = await readFile(lockFile, "utf8").catch(() => "");
      try {
        holder = JSON.parse(held) as typeof holder;
      } catch {
        holder = {};
      }
      const pid = typeof holder.pid === "number" ? holder.pid : undefined;
      if (attempt < 3 && (options.takeOver || pid === undefined || !processAlive(pid))) {
        if (await setStaleLockAside(lockFile, held)) continue;
      }
      throw new AppError("INDEX_BUILD_IN_PROGRESS", `An index build is already running (process ${pid ?? "unknown"}).`, {
        hint: `Wait for it to finish, or remove ${lockFile} if that process is gone.`,
        details: { pid, startedAt: holder.startedAt },
      });
    }
  }
  return async () => {
    await rm(lockFile, { force: true }).catch(() => undefined);
  };
}
