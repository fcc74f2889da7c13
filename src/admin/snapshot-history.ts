import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../core/config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { listSnapshots, processAlive, readCurrentVersion, setCurrentVersion, SNAPSHOTS_DIR, snapshotDir, type SnapshotSummary } from "../index/snapshot.js";
import { previousLiveVersions, readSnapshotEvents, SNAPSHOT_LOG_FILE } from "../index/snapshot-log.js";
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
async function olderSnapshots(dataDir: string, version: string): Promise<SnapshotSummary[]> {
  const snapshots = await snapshotsByBuildTime(dataDir);
  const position = snapshots.findIndex((snapshot) => snapshot.version === version);
  const older = position === -1 ? snapshots.filter((snapshot) => snapshot.version < version) : snapshots.slice(position + 1);
  return older.filter((snapshot) => snapshot.manifest !== undefined);
}

/**
 * Leaves at most `keep` (SNAPSHOTS_KEEP) snapshots in total: first the live one and every version
 * in `protect` (the rollback target), then the newest others until `keep` is reached. When `keep`
 * is smaller than the protected set, the protected set is what stays. Returns the removed versions.
 */
export async function pruneOldSnapshots(dataDir: string, keep: number, protect: Array<string | undefined>): Promise<string[]> {
  const snapshots = await snapshotsByBuildTime(dataDir);
  const kept = new Set(protect.filter((version): version is string => Boolean(version)));
  for (const snapshot of snapshots) if (snapshot.current) kept.add(snapshot.version);
  let total = snapshots.filter((snapshot) => kept.has(snapshot.version)).length;
  const removed: string[] = [];
  for (const snapshot of snapshots) {
    if (kept.has(snapshot.version)) continue;
    if (total < keep) {
      total++;
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

export interface StartupFallback {
  /** What current.json named (undefined when current.json itself was unreadable). */
  from?: string;
  /** The snapshot served instead; current.json now names it. */
  to: string;
  reason: string;
  at: string;
}

export interface FallbackLoad {
  live: LiveIndex;
  /** Set when current.json's snapshot could not be used and a previously live one is serving. */
  fallback?: StartupFallback;
}

/**
 * Loads the snapshot current.json names. When it is unusable, goes back to the most recent
 * snapshot that was live before it and was not rolled back away from (snapshot-history.jsonl),
 * and points current.json at it (logged as a fallback), so current.json and what is served agree.
 * A snapshot that never went live is never a candidate. Throws the current snapshot's error when
 * no candidate loads (INDEX_MISSING on a fresh DATA_DIR), so the caller can rebuild.
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
  const events = await readSnapshotEvents(config.DATA_DIR);
  const candidates = previousLiveVersions(events, current);
  if (candidates.length === 0) log.warn(`Snapshot ${current ?? "(current.json unreadable)"} cannot be used: ${reason} No earlier live snapshot is recorded in ${SNAPSHOT_LOG_FILE}.`);
  for (const candidate of candidates) {
    let live: LiveIndex;
    try {
      live = await loadLiveIndex(config, lexicon, candidate);
    } catch (error) {
      log.warn(`Previously live snapshot ${candidate} cannot be used either: ${isAppError(error) ? error.message : String(error)}`);
      continue;
    }
    const recorded = await setCurrentVersion(config.DATA_DIR, candidate, { action: "fallback", actor: "startup", reason });
    if (!recorded) log.warn(`Could not record the fallback in ${SNAPSHOT_LOG_FILE}.`);
    log.warn(
      `Snapshot ${current ?? "(current.json unreadable)"} cannot be used: ${reason} Serving the previous snapshot ${candidate} instead (the last one live before it); current.json now names ${candidate}.`,
    );
    return { live, fallback: { from: current, to: candidate, reason, at: new Date().toISOString() } };
  }
  const anySnapshot = (await snapshotsByBuildTime(config.DATA_DIR).catch(() => [])).length > 0;
  if (current === undefined && !anySnapshot) {
    throw new AppError("INDEX_MISSING", `No index found in ${config.DATA_DIR}.`, { hint: "Build it with `npm run index`.", cause: firstError });
  }
  throw firstError;
}

/**
 * Rollback targets for `from`, best first: the snapshots live before it (snapshot log, see
 * previousLiveVersions). A DATA_DIR written before the log existed has none recorded; then the
 * complete snapshots built before `from` are offered, as rollback did before.
 */
export async function rollbackCandidates(dataDir: string, from: string): Promise<string[]> {
  const events = await readSnapshotEvents(dataDir);
  if (events.length > 0) return previousLiveVersions(events, from);
  return (await olderSnapshots(dataDir, from)).map((snapshot) => snapshot.version);
}
