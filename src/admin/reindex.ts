import { rm } from "node:fs/promises";
import type { Config } from "../core/config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { FileReport } from "../ingest/read-corpus.js";
import { createEmbedder } from "../index/embedders/create-embedder.js";
import type { Manifest } from "../index/manifest.js";
import { readCurrentVersion, setCurrentVersion, snapshotDir } from "../index/snapshot.js";
import type { StateStore } from "../state/state-store.js";
import { withSharedBuildLock } from "./build-lock.js";
import { buildIndex } from "../app/index-builder.js";
import type { Lexicon } from "../app/lexicon.js";
import { loadLiveIndex, type LiveIndex } from "../app/live-index.js";
import { withEmbeddingCache } from "./embedding-cache.js";
import { gateFileExists, runQualityGate, type GateReport, type GateSkipped } from "./quality-gate.js";
import { pruneOldSnapshots, removeStaleBuildDirs, rollbackCandidates } from "./snapshot-history.js";
import { progressAt, type OnReindexProgress } from "../app/reindex-progress.js";

/**
 * One re-index, shared by the CLI, the HTTP admin routes, Slack and first start-up:
 * build a new snapshot without activating it → load it (a snapshot that does not load never
 * goes live) → quality gate against the live snapshot → activate (current.json) → prune.
 * A build that fails or is refused leaves no snapshot directory behind and the live one serving.
 * Everything runs under DATA_DIR/build.lock, so CLI and server builds never overlap.
 */

type FileChange = "added" | "changed" | "unchanged";

export interface FileResult {
  file: string;
  status: FileReport["status"];
  /** Why a file was skipped (by name: `corpus/x.pdf: no text layer`). */
  reason?: string;
  articles: number;
  chunks: number;
  /** Compared with the live snapshot's manifest (by sha256). */
  change: FileChange;
  /** Instruction-like sentences flagged in the file (never quoted). */
  instructions?: { text: string; start: number }[];
}

/** How a build or rollback is kept exclusive (see build-lock.ts). */
export interface LockOptions {
  /** The caller already holds the build lock (the server's ReindexManager takes it when a job is queued). */
  lockHeld?: boolean;
  /** Take the state store's lock too (PostgreSQL: across machines); without it only DATA_DIR/build.lock. */
  store?: StateStore;
}

function exclusive<T>(config: Config, options: LockOptions, work: () => Promise<T>): Promise<T> {
  return options.lockHeld ? work() : withSharedBuildLock(config.DATA_DIR, options.store, work);
}

export interface ReindexOptions extends LockOptions {
  log: Logger;
  /** Run the quality gate when a live snapshot exists (default true). */
  gate?: boolean;
  /**
   * The snapshot serving now, to gate against. The server passes its in-memory one; without
   * it, the snapshot current.json names is loaded (the CLI), and if that fails there is nothing
   * to protect, so the gate is skipped with the reason.
   */
  live?: LiveIndex;
  onFile?: (report: FileReport) => void;
  onProgress?: (done: number, total: number) => void;
  /** Stage and overall percentage, from reading the corpus to activation. */
  onStage?: OnReindexProgress;
  signal?: AbortSignal;
  /** Called once the candidate passed and is about to become live, so the caller can swap at once. */
  onActivate?: (candidate: LiveIndex) => void;
  /** Who asked (snapshot log), e.g. `cli:alice`, `slack:U123`; default `process:<pid>`. */
  actor?: string;
}

export interface ReindexOutcome {
  state: "succeeded" | "refused";
  /** The new snapshot (removed again when refused). */
  version: string;
  /** The snapshot that was live before. */
  previousVersion?: string;
  manifest: Manifest;
  files: FileResult[];
  /** Files in the live snapshot that are gone from the corpus. */
  removedFiles: string[];
  articles: number;
  chunks: number;
  gate: GateReport | GateSkipped;
  /** Chunks answered from the embedding cache vs sent to the embedder (remote embedders only). */
  embeddings?: { cached: number; embedded: number };
  pruned: string[];
  /** The loaded candidate (the new live index when succeeded). */
  candidate: LiveIndex;
  ms: number;
}

function fileResults(files: FileReport[], before: Manifest | undefined): { files: FileResult[]; removed: string[] } {
  const previous = new Map((before?.files ?? []).map((file) => [file.file, file.sha256]));
  const results = files.map((file): FileResult => {
    const sha = previous.get(file.file);
    return {
      file: file.file,
      status: file.status,
      ...(file.reason ? { reason: file.reason } : {}),
      articles: file.articles,
      chunks: file.chunks,
      ...(file.instructions?.length ? { instructions: file.instructions } : {}),
      change: sha === undefined ? "added" : sha === file.sha256 ? "unchanged" : "changed",
    };
  });
  const present = new Set(files.map((file) => file.file));
  return { files: results, removed: [...previous.keys()].filter((file) => !present.has(file)) };
}

async function currentLive(config: Config, lexicon: Lexicon, log: Logger): Promise<{ live?: LiveIndex; reason?: string }> {
  let version: string | undefined;
  try {
    version = await readCurrentVersion(config.DATA_DIR);
    if (!version) return { reason: "no live snapshot yet" };
    return { live: await loadLiveIndex(config, lexicon, version) };
  } catch (error) {
    const message = isAppError(error) ? error.message : String(error);
    log.warn(`The live snapshot ${version ?? ""} cannot be loaded to gate against (${message}); the new build is not compared.`);
    return { reason: `live snapshot ${version ?? ""} cannot be loaded: ${message}` };
  }
}

export async function reindex(config: Config, lexicon: Lexicon, options: ReindexOptions): Promise<ReindexOutcome> {
  const { log } = options;
  const startedAt = Date.now();
  return exclusive(config, options, async () => {
    const stale = await removeStaleBuildDirs(config.DATA_DIR);
    if (stale.length > 0) log.info(`Removed unfinished build directories left by a stopped build: ${stale.join(", ")}.`);

    const { live, reason: noLiveReason } = options.live ? { live: options.live, reason: undefined } : await currentLive(config, lexicon, log);
    const cache = withEmbeddingCache(createEmbedder(config, { tokenizer: lexicon.tokenizer }), config.DATA_DIR, log);
    let report;
    try {
      report = await buildIndex(config, lexicon, {
        log,
        activate: false,
        embedder: cache.embedder,
        onFile: options.onFile,
        onProgress: options.onProgress,
        onStage: options.onStage,
        signal: options.signal,
      });
    } finally {
      cache.close();
    }
    const version = report.manifest.version;
    const discard = () => rm(snapshotDir(config.DATA_DIR, version), { recursive: true, force: true }).catch(() => undefined);

    let candidate: LiveIndex;
    let gate: GateReport | GateSkipped;
    try {
      candidate = await loadLiveIndex(config, lexicon, version);
      options.signal?.throwIfAborted();
      if (options.gate === false) gate = { skipped: "disabled for this build (--no-gate)" };
      else if (!live) gate = { skipped: noLiveReason ?? "no live snapshot to compare with" };
      else if (!(await gateFileExists(config.EVAL_GATE_FILE))) gate = { skipped: `EVAL_GATE_FILE ${config.EVAL_GATE_FILE} does not exist` };
      else {
        options.onStage?.(progressAt("gate"));
        gate = await runQualityGate(config, lexicon, live, candidate);
      }
    } catch (error) {
      await discard();
      throw error;
    }

    const changes = fileResults(report.files, live?.manifest);
    const outcome: Omit<ReindexOutcome, "state" | "pruned"> = {
      version,
      previousVersion: live?.manifest.version,
      manifest: report.manifest,
      files: changes.files,
      removedFiles: changes.removed,
      articles: report.articles,
      chunks: report.chunks,
      gate,
      ...(cache.stats ? { embeddings: { cached: cache.stats.hits, embedded: cache.stats.misses } } : {}),
      candidate,
      ms: 0,
    };
    if ("passed" in gate && !gate.passed) {
      await discard();
      return { ...outcome, state: "refused", pruned: [], ms: Date.now() - startedAt };
    }

    try {
      options.signal?.throwIfAborted();
      options.onStage?.(progressAt("activation"));
      const recorded = await setCurrentVersion(config.DATA_DIR, version, { action: "activate", actor: options.actor });
      if (!recorded) log.warn(`Snapshot ${version} is live, but the snapshot history could not be written (a later start-up fallback will not know it).`);
    } catch (error) {
      await discard();
      throw error;
    }
    options.onActivate?.(candidate);
    let pruned: string[] = [];
    try {
      pruned = await pruneOldSnapshots(config.DATA_DIR, config.SNAPSHOTS_KEEP, [version, live?.manifest.version]);
    } catch (error) {
      // The new snapshot is live; a leftover old one only costs disk space.
      log.warn("Pruning old snapshots failed.", error);
    }
    return { ...outcome, state: "succeeded", pruned, ms: Date.now() - startedAt };
  });
}

export interface RollbackOutcome {
  from: string;
  to: string;
  live: LiveIndex;
}

/**
 * Makes `to` current, or without it the snapshot that was live before `from` (default: current.json's),
 * skipping any that was rolled back away from or never went live (snapshot-history.jsonl), after
 * checking that it loads; without `to`, an unloadable older snapshot is passed over for the next one.
 */
export async function rollback(
  config: Config,
  lexicon: Lexicon,
  options: LockOptions & { log: Logger; from?: string; to?: string; actor?: string },
): Promise<RollbackOutcome> {
  return exclusive(config, options, async () => {
    const from = options.from ?? (await readCurrentVersion(config.DATA_DIR));
    if (!from) {
      throw new AppError("SNAPSHOT_MISSING", `There is no live snapshot in ${config.DATA_DIR} to roll back from.`, {
        hint: "Build one with `npm run index`.",
      });
    }
    if (options.to !== undefined) {
      const live = await loadLiveIndex(config, lexicon, options.to);
      const recorded = await setCurrentVersion(config.DATA_DIR, options.to, { action: "rollback", actor: options.actor });
      if (!recorded) options.log.warn("The rollback is done, but the snapshot history could not be written.");
      return { from, to: options.to, live };
    }
    const problems: string[] = [];
    for (const older of await rollbackCandidates(config.DATA_DIR, from)) {
      try {
        const live = await loadLiveIndex(config, lexicon, older);
        const recorded = await setCurrentVersion(config.DATA_DIR, older, { action: "rollback", actor: options.actor });
        if (!recorded) options.log.warn("The rollback is done, but the snapshot history could not be written.");
        return { from, to: older, live };
      } catch (error) {
        if (isAppError(error) && error.code === "INDEX_WRITE_FAILED") throw error;
        problems.push(`${older}: ${isAppError(error) ? error.message : String(error)}`);
        options.log.warn(`Cannot roll back to snapshot ${older}.`, error);
      }
    }
    throw new AppError("SNAPSHOT_MISSING", `There is no usable snapshot older than ${from} to roll back to${problems.length > 0 ? ` (${problems.join("; ")})` : ""}.`, {
      hint: `Old snapshots are pruned to SNAPSHOTS_KEEP=${config.SNAPSHOTS_KEEP}; rebuild with \`npm run index\` instead.`,
    });
  });
}
