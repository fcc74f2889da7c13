import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../core/config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { listSnapshots, processAlive, readCurrentVersion, SNAPSHOTS_DIR, snapshotDir, type SnapshotSummary } from "../index/snapshot.js";
import type { Lexicon } from "../app/lexicon.js";
import { loadLiveIndex, type LiveIndex } from "../app/live-index.js";

/** Snapshot bookkeeping for admins: build-time order, rollback target, pruning, stale build dirs, start-up fallback. */

export interface SnapshotInfo {
  version: string;
  builtAt?: string;
  chunks?: number;
  files?: number;
  embedder?: string;
  /** Named by current.json. */
  current: boolean;
  /** False when the manifest is missing or invalid. */
  complete: boolean;
}

function buildTime(snapshot: SnapshotSummary): string {
  // Versions start with the build timestamp, so they order like build times when a manifest is unreadable.
  return snapshot.manifest?.builtAt ?? snapshot.version;
}

/** Snapshots newest build first. */
export async function snapshotsByBuildTime(dataDir: string): Promise<SnapshotSummary[]> {
  const snapshots = await listSnapshots(dataDir);
  return snapshots.sort((a, b) => {
    const byTime = buildTime(b).localeCompare(buildTime(a));
    return byTime !== 0 ? byTime : b.version.localeCompare(a.version);
  });
}

export function describeSnapshot(snapshot: SnapshotSummary): SnapshotInfo {
  const manifest = snapshot.manifest;
  return {
    version: snapshot.version,
    current: snapshot.current,
    complete: manifest !== undefined,
    ...(manifest
      ? {
          builtAt: manifest.builtAt,
          chunks: manifest.chunkCount,
          files: manifest.files.filter((file) => file.status === "indexed").length,
          embedder: manifest.embedder.id,
        }
      : {}),
  };
}

/** The complete snapshots built before `version`, newest first (rollback candidates). */
export async function olderSnapshots(dataDir: string, version: string): Promise<SnapshotSummary[]> {
  const snapshots = await snapshotsByBuildTime(dataDir);
  const position = snapshots.findIndex((snapshot) => snapshot.version === version);
  const older = position === -1 ? snapshots.filter((snapshot) => snapshot.version < version) : snapshots.slice(position + 1);
  return older.filter((snapshot) => snapshot.manifest !== undefined);
}

/**
 * Keeps the newest `keep` snapshots plus every version in `protect` (the live one and the one
 * before it, so a rollback always has somewhere to go). Returns the removed versions.
 */
export async function pruneOldSnapshots(dataDir: string, keep: number, protect: Array<string | undefined>): Promise<string[]> {
  const snapshots = await snapshotsByBuildTime(dataDir);
  const kept = new Set(protect.filter((version): version is string => Boolean(version)));
  const removed: string[] = [];
  let newest = 0;
  for (const snapshot of snapshots) {
    if (snapshot.current || kept.has(snapshot.version)) continue;
    if (newest < keep) {
      newest++;
      continue;
    }
    await rm(snapshotDir(dataDir, snapshot.version), { recursive: true, force: true });
    removed.push(snapshot.version);
  }
  return removed;
}

/**
 * Removes `<version>.tmp-<pid>` build directories whose builder is gone (a `kill -9` mid-build).
 * Directories of a live builder are left alone; they are never loaded either way.
 */
export async function removeStaleBuildDirs(dataDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(path.join(dataDir, SNAPSHOTS_DIR));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = /\.tmp-(\d+)$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && processAlive(pid)) continue;
    await rm(path.join(dataDir, SNAPSHOTS_DIR, name), { recursive: true, force: true }).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

export interface FallbackLoad {
  live: LiveIndex;
  /** Set when current.json's snapshot could not be used and an older one is serving. */
  fallback?: { from?: string; reason: string };
}

/**
 * Loads the snapshot current.json names; when it is unusable, the newest older snapshot that
 * loads. Throws the current snapshot's error when none loads (INDEX_MISSING on a fresh DATA_DIR).
 */
export async function loadLiveIndexWithFallback(config: Config, lexicon: Lexicon, log: Logger): Promise<FallbackLoad> {
  let current: string | undefined;
  let firstError: unknown;
  try {
    current = await readCurrentVersion(config.DATA_DIR);
    return { live: await loadLiveIndex(config, lexicon, current) };
  } catch (error) {
    firstError = error;
    if (isAppError(error) && error.code === "INDEX_MISSING") throw error;
  }
  const reason = isAppError(firstError) ? firstError.fullMessage : String(firstError);
  const candidates = await snapshotsByBuildTime(config.DATA_DIR).catch(() => []);
  for (const candidate of candidates) {
    if (candidate.version === current || !candidate.manifest) continue;
    try {
      const live = await loadLiveIndex(config, lexicon, candidate.version);
      log.warn(`Snapshot ${current ?? "(current.json unreadable)"} cannot be used: ${reason} Serving the previous snapshot ${candidate.version} instead.`);
      return { live, fallback: { from: current, reason } };
    } catch (error) {
      log.warn(`Snapshot ${candidate.version} cannot be used either: ${isAppError(error) ? error.message : String(error)}`);
    }
  }
  if (current === undefined && candidates.length === 0) {
    throw new AppError("INDEX_MISSING", `No index found in ${config.DATA_DIR}.`, { hint: "Build it with `npm run index`.", cause: firstError });
  }
  throw firstError;
}
