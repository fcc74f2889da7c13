import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../core/config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { AuditEntry } from "../state/audit.js";
import type { Lease } from "../state/jobs.js";
import type { StateStore } from "../state/state-store.js";
import { BUILD_LOCK_FILE, processAlive, readCurrentVersion } from "../index/snapshot.js";
import { startRetention } from "../chat/retention.js";
import { acquireBuildLock } from "./build-lock.js";
import { loadLexicon } from "../app/lexicon.js";
import { loadLiveIndex } from "../app/live-index.js";
import type { ZoneAssistant } from "../app/zone-assistant.js";
import { progressAt, type ReindexProgress } from "../app/reindex-progress.js";
import { describeGate, type GateReport, type GateSkipped } from "./quality-gate.js";
import { reindex, rollback, type FileResult } from "./reindex.js";
import { describeSnapshot, rollbackCandidates, snapshotsByBuildTime, type SnapshotInfo, type StartupFallback } from "./snapshot-history.js";
import { readSnapshotEvents, type SnapshotEvent } from "../index/snapshot-log.js";
import { corpusFilesOnDisk, corpusStates, type CorpusListing } from "./corpus-state.js";

/**
 * Re-index jobs inside a running server (HTTP /admin/*, Slack `/zone reindex`): one at a time
 * across every process sharing DATA_DIR and the state store (the build lock is taken before the
 * job is accepted), run in the background, swapped into the live ZoneAssistant when they pass
 * the gate; plus rollback, status (the job state lives in the store, so any replica reports the
 * running or last job), and the poll that picks up snapshots made live elsewhere.
 *
 * API for adapters:
 *   const job = await manager.start("slack:U123");  // throws AppError INDEX_BUILD_IN_PROGRESS (409, details.jobId)
 *   const done = await manager.wait(job.id);        // state succeeded | refused | failed
 *   describeJob(done)                               // one line for a chat reply
 */

type JobState = "queued" | "running" | "succeeded" | "refused" | "failed" | "cancelled";

export interface ReindexJob {
  id: string;
  /** Who asked, e.g. `admin-api`, `slack:U123`, `cli`. */
  actor: string;
  state: JobState;
  gateEnabled: boolean;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Live snapshot when the job started. */
  liveVersionBefore: string;
  /** The snapshot the job built (removed again unless succeeded). */
  version?: string;
  files: FileResult[];
  /** Skipped files by name with the reason (also inside `files`). */
  skipped: Array<{ file: string; reason: string }>;
  removedFiles: string[];
  chunks?: number;
  gate?: GateReport | GateSkipped;
  embeddings?: { cached: number; embedded: number };
  pruned: string[];
  error?: { code: string; message: string; hint?: string; file?: string };
  /** Who cancelled it (state `cancelled`). */
  cancelledBy?: string;
  /** A cancel asked for on another server sharing the state store; the running server acts on it. */
  cancelRequestedBy?: string;
  ms?: number;
  /** Stage and percentage while it runs; `done` at 100 once finished (whatever the outcome). */
  progress: ReindexProgress;
}

export interface AdminStatus {
  live: {
    version: string;
    builtAt: string;
    chunks: number;
    articles: number;
    files: number;
    embedder: string;
    /** Instruction-like sentences flagged at index time, per file (never quoted). */
    flaggedInstructions: { file: string; sentences: { text: string; start: number }[] }[];
  };
  /** What current.json names (differs from `live` only while a CLI snapshot is being picked up, or when it is unusable). */
  currentFile?: string;
  snapshots: SnapshotInfo[];
  /** Every corpus file the live snapshot read: indexed with counts, or skipped with the reason. */
  liveFiles: Array<{ file: string; status: string; articles: number; chunks: number; bytes: number; reason?: string }>;
  lastJob?: ReindexJob;
  running: boolean;
  audit: AuditEntry[];
  /** Set when this process started on a fallback because the live snapshot was unusable. */
  startupFallback?: StartupFallback;
  /** The last activations, rollbacks and fallbacks (snapshot-history.jsonl), newest first. */
  history: SnapshotEvent[];
  /** Where a rollback without a version would go (shown before the admin confirms). */
  rollbackTarget?: string;
}

export interface ReindexManagerOptions {
  config: Config;
  service: ZoneAssistant;
  store: StateStore;
  log: Logger;
  now?: () => number;
  startupFallback?: StartupFallback;
  /** A job or rollback here made `version` live (not called for snapshots picked up from current.json). */
  onLive?: (version: string) => void;
}

export interface RollbackResult {
  from: string;
  to: string;
}

export class ReindexManager {
  private readonly jobs = new Map<string, { job: ReindexJob; done: Promise<ReindexJob> }>();
  private last?: ReindexJob;
  private busy = false;
  private readonly abort = new AbortController();
  /** The running job's own stop switch (cancel), tied to `abort` (shutdown). */
  private jobAbort?: { id: string; controller: AbortController; by?: string };
  private watcher?: NodeJS.Timeout;
  private stopRetention?: () => void;
  private checking?: Promise<boolean>;
  /** A version current.json names that failed to load, so the poll logs it once, not every tick. */
  private refusedVersion?: string;

  private readonly finishedListeners: Array<(job: ReindexJob) => void> = [];
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReindexManagerOptions) {}

  /** Called with every finished job (metrics). */
  onJobFinished(listener: (job: ReindexJob) => void): void {
    this.finishedListeners.push(listener);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  get store(): StateStore {
    return this.options.store;
  }

  get config(): Config {
    return this.options.config;
  }

  get log(): Logger {
    return this.options.log;
  }

  /** Writes an audit entry; a failing store is logged, never thrown (the action itself went ahead). */
  async audit(actor: string, action: string, detail: string): Promise<void> {
    try {
      await this.options.store.audit({ actor, action, detail, at: this.now() });
    } catch (error) {
      this.options.log.warn(`Cannot write the audit entry ${action} by ${actor}.`, error);
    }
  }

  /** Saves the job where every replica can read it. */
  private async persist(job: ReindexJob): Promise<void> {
    // One save at a time, in order: a progress save still in flight must not land after the final state.
    const snapshot = JSON.parse(JSON.stringify(job)) as ReindexJob;
    this.saving = this.saving.then(async () => {
      try {
        // A cancel written by another server must survive this save, and stops the job here.
        if (this.jobAbort?.id === snapshot.id && snapshot.state === "running") await this.pickUpCancel();
        if (this.jobAbort?.id === snapshot.id && this.jobAbort.by) snapshot.cancelRequestedBy = this.jobAbort.by;
        await this.options.store.saveJob({ id: snapshot.id, state: snapshot.state, job: snapshot });
      } catch (error) {
        this.options.log.warn(`Cannot save the state of re-index job ${snapshot.id}; other servers will not see it.`, error);
      }
    });
    await this.saving;
  }

  /**
   * The job the state store says is queued or running (possibly on another server). `waitMs`:
   * a server that just took the lock saves its job a moment later, so look again briefly.
   */
  private async sharedActiveJob(waitMs = 0): Promise<ReindexJob | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const stored = await this.options.store.latestJob().catch(() => undefined);
      if (stored && (stored.state === "queued" || stored.state === "running")) return stored.job as ReindexJob;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The store's lock (PostgreSQL), else DATA_DIR/build.lock held by a live process on this machine. */
  private async buildLockHeldAnywhere(): Promise<boolean> {
    const held = await this.options.store.buildLockHeld().catch(() => undefined);
    if (held !== undefined) return held;
    try {
      const { pid } = JSON.parse(await readFile(path.join(this.options.config.DATA_DIR, BUILD_LOCK_FILE), "utf8")) as { pid?: unknown };
      return typeof pid === "number" && processAlive(pid);
    } catch {
      return false;
    }
  }

  private inProgress(actor: string, running: ReindexJob | undefined, cause?: unknown): AppError {
    const where = running ? `job ${running.id} is still ${running.state}` : "another process (e.g. `npm run index`) holds the build lock";
    void this.audit(actor, "reindex.rejected", where);
    return new AppError("INDEX_BUILD_IN_PROGRESS", running ? `A re-index (job ${running.id}) is already ${running.state}.` : "An index build is already running in another process.", {
      hint: "Wait for it to finish; GET /admin/status shows its progress, and every server switches to its snapshot by itself.",
      details: { jobId: running?.id },
      cause,
    });
  }

  get running(): boolean {
    return this.busy;
  }

  get lastJob(): ReindexJob | undefined {
    return this.last;
  }

  /**
   * Takes the build lock and queues a re-index; the job runs in the background. When a build is
   * already running here or on any server sharing the lock, throws INDEX_BUILD_IN_PROGRESS naming
   * the running job's id (details.jobId), so two requests at once make one build.
   */
  async start(actor: string, options: { gate?: boolean } = {}): Promise<ReindexJob> {
    if (this.busy) throw this.inProgress(actor, this.last);
    // Reserved before the first await, so two requests to this server cannot both get past here.
    this.busy = true;
    let lease: Lease;
    try {
      lease = await acquireBuildLock(this.options.config.DATA_DIR, this.options.store);
    } catch (error) {
      this.busy = false;
      if (isAppError(error) && error.code === "INDEX_BUILD_IN_PROGRESS") throw this.inProgress(actor, await this.sharedActiveJob(1000), error);
      throw error;
    }
    // Holding the lock, any job still marked active was left by a server that stopped mid-build.
    const orphan = await this.sharedActiveJob();
    if (orphan) {
      await this.persist({ ...orphan, state: "failed", finishedAt: new Date(this.now()).toISOString(), error: INTERRUPTED });
    }
    const job: ReindexJob = {
      id: `job-${new Date(this.now()).toISOString().replace(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`,
      actor,
      state: "queued",
      gateEnabled: options.gate !== false,
      queuedAt: new Date(this.now()).toISOString(),
      liveVersionBefore: this.options.service.liveIndex.manifest.version,
      files: [],
      skipped: [],
      removedFiles: [],
      pruned: [],
      progress: progressAt("reading"),
    };
    this.last = job;
    await this.persist(job);
    await this.audit(actor, "reindex.start", `job ${job.id}${job.gateEnabled ? "" : " (quality gate disabled)"}`);
    // setImmediate: the caller gets the job id (HTTP 202) before any build work starts.
    const done = new Promise<ReindexJob>((resolve) => setImmediate(() => void this.run(job, lease).then(resolve)));
    this.jobs.set(job.id, { job, done });
    return job;
  }

  /** Resolves when the job (default: the last one) has finished. */
  async wait(id?: string): Promise<ReindexJob> {
    const entry = id ? this.jobs.get(id) : this.last ? this.jobs.get(this.last.id) : undefined;
    if (!entry) throw new AppError("NOT_FOUND", `There is no re-index job ${id ?? ""}.`, { hint: "GET /admin/status lists the last job." });
    return entry.done;
  }

  private async run(job: ReindexJob, lease: Lease): Promise<ReindexJob> {
    const { config, service, log } = this.options;
    job.state = "running";
    job.startedAt = new Date(this.now()).toISOString();
    await this.persist(job);
    const controller = new AbortController();
    const stop = () => controller.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener("abort", stop, { once: true });
    this.jobAbort = { id: job.id, controller };
    const cancelPoll = setInterval(() => void this.pickUpCancel(), 1000);
    cancelPoll.unref();
    // What was read before a failure: a failed build still names the files it skipped and where it stopped.
    const read: Array<{ file: string; status: string; reason?: string }> = [];
    try {
      // Glossary and gazetteer edits take effect with the build: the new lexicon goes live with it.
      const lexicon = await loadLexicon(config.CORPUS_DIR);
      const outcome = await reindex(config, lexicon, {
        log,
        gate: job.gateEnabled,
        live: service.liveIndex,
        signal: controller.signal,
        lockHeld: true,
        onFile: (report) => read.push(report),
        onStage: (progress) => {
          const stageChanged = job.progress?.stage !== progress.stage;
          job.progress = progress;
          // Other servers sharing the state store see the stage (the percentage within it only here).
          if (stageChanged) void this.persist(job);
        },
        onActivate: (candidate) => service.swap(candidate),
        actor: job.actor,
      });
      job.version = outcome.version;
      job.files = outcome.files;
      job.skipped = outcome.files.filter((file) => file.status !== "indexed").map((file) => ({ file: file.file, reason: file.reason ?? "skipped" }));
      job.removedFiles = outcome.removedFiles;
      job.chunks = outcome.chunks;
      job.gate = outcome.gate;
      job.embeddings = outcome.embeddings;
      job.pruned = outcome.pruned;
      job.ms = outcome.ms;
      job.state = outcome.state;
    } catch (error) {
      const cancelledBy = this.jobAbort?.by;
      const appError = isAppError(error) ? error : undefined;
      job.skipped = read.filter((file) => file.status !== "indexed").map((file) => ({ file: file.file, reason: file.reason ?? "skipped" }));
      if (cancelledBy !== undefined && controller.signal.aborted && !this.abort.signal.aborted) {
        job.state = "cancelled";
        job.cancelledBy = cancelledBy;
        job.error = { code: "REINDEX_CANCELLED", message: `Cancelled by ${cancelledBy}; snapshot ${job.liveVersionBefore} keeps serving.` };
        log.info(`Re-index job ${job.id} cancelled by ${cancelledBy}; snapshot ${job.liveVersionBefore} keeps serving.`);
      } else {
        job.state = "failed";
        const file = typeof appError?.details?.file === "string" ? appError.details.file : undefined;
        job.error = {
          code: appError?.code ?? "INTERNAL",
          message: appError?.message ?? (error instanceof Error ? error.message : String(error)),
          ...(appError?.hint ? { hint: appError.hint } : {}),
          ...(file ? { file } : {}),
        };
        log.error(`Re-index job ${job.id} failed; snapshot ${job.liveVersionBefore} keeps serving.`, error);
      }
    } finally {
      clearInterval(cancelPoll);
      this.abort.signal.removeEventListener("abort", stop);
    }
    job.finishedAt = new Date(this.now()).toISOString();
    job.progress = progressAt("done");
    // Saved before the lock is released, so no replica sees a free lock next to a job still "running".
    await this.persist(job);
    this.jobAbort = undefined;
    await lease.release().catch((error: unknown) => log.warn("Releasing the build lock failed.", error));
    this.busy = false;
    for (const listener of this.finishedListeners) {
      try {
        listener(job);
      } catch (error) {
        log.warn("A re-index listener failed.", error);
      }
    }
    await this.audit(job.actor, `reindex.${job.state}`, describeJob(job));
    // WORKERS > 1: the supervisor tells the other workers to switch now (the poll is the fallback).
    if (job.state === "succeeded" && job.version) this.options.onLive?.(job.version);
    if (job.state === "succeeded") log.info(describeJob(job));
    else if (job.state === "refused") log.warn(describeJob(job));
    return job;
  }

  /**
   * Makes `request.version` live (it must be a complete snapshot on disk other than the live one:
   * REQUEST_INVALID, 400, otherwise), or without it the snapshot before the live one, and swaps it in.
   */
  async rollback(actor: string, request: { version?: string } = {}): Promise<RollbackResult> {
    const { config, service, log } = this.options;
    if (this.busy) {
      throw new AppError("INDEX_BUILD_IN_PROGRESS", "A re-index is running; roll back after it finishes.", { hint: "GET /admin/status shows its progress." });
    }
    this.busy = true;
    let lease: Lease | undefined;
    try {
      const from = service.liveIndex.manifest.version;
      if (request.version !== undefined) checkRollbackTarget(await snapshotsByBuildTime(config.DATA_DIR).catch(() => []), from, request.version);
      lease = await acquireBuildLock(config.DATA_DIR, this.options.store);
      const outcome = await rollback(config, await loadLexicon(config.CORPUS_DIR), { log, from, to: request.version, lockHeld: true, actor });
      service.swap(outcome.live);
      this.options.onLive?.(outcome.to);
      await this.audit(actor, "rollback", `from ${outcome.from} to ${outcome.to}`);
      log.info(`Rolled back from snapshot ${outcome.from} to ${outcome.to} (by ${actor}).`);
      return { from: outcome.from, to: outcome.to };
    } catch (error) {
      await this.audit(actor, "rollback.failed", isAppError(error) ? error.message : String(error));
      throw error;
    } finally {
      await lease?.release();
      this.busy = false;
    }
  }

  /**
   * Stops the re-index running on this server: its temporary snapshot is removed, the job ends
   * `cancelled`, the live snapshot keeps serving. REINDEX_NOT_RUNNING when none runs here.
   */
  async cancel(actor: string): Promise<ReindexJob> {
    const running = this.jobAbort;
    const job = running && this.jobs.get(running.id);
    if (!running || !job) {
      // Running on another worker or replica: ask it through the state store (it checks every second).
      const elsewhere = (await this.buildLockHeldAnywhere()) ? await this.sharedActiveJob() : undefined;
      if (!elsewhere) throw new AppError("REINDEX_NOT_RUNNING", "No re-index is running.", { hint: "GET /admin/status shows the last job." });
      const requested = { ...elsewhere, cancelRequestedBy: actor };
      await this.options.store.saveJob({ id: requested.id, state: requested.state, job: requested });
      await this.audit(actor, "reindex.cancel", `job ${elsewhere.id} (running on another server)`);
      return requested;
    }
    running.by = actor;
    running.controller.abort(new AppError("REINDEX_CANCELLED", `Re-index cancelled by ${actor}.`));
    await this.audit(actor, "reindex.cancel", `job ${running.id}`);
    return job.done;
  }

  /** Acts on a cancel another server wrote into the state store for the job running here. */
  private async pickUpCancel(): Promise<void> {
    const running = this.jobAbort;
    if (!running || running.by) return;
    const stored = await this.options.store.latestJob().catch(() => undefined);
    // The job row can be overwritten by this server's own progress save; the audit row cannot.
    const audited = async () =>
      (await this.options.store.listAudit(5, { search: `job ${running.id}` }).catch(() => [])).find((row) => row.action === "reindex.cancel")?.actor;
    const by = (stored?.id === running.id ? (stored.job as ReindexJob).cancelRequestedBy : undefined) ?? (await audited());
    if (by && !running.by) {
      running.by = by;
      running.controller.abort(new AppError("REINDEX_CANCELLED", `Re-index cancelled by ${by}.`));
    }
  }

  /** Every corpus file with its state against the live snapshot (indexed, skipped, changed, pending). */
  async documents(): Promise<CorpusListing & { liveVersion: string; builtAt: string }> {
    const manifest = this.options.service.liveIndex.manifest;
    const last = this.last ?? ((await this.options.store.latestJob().catch(() => undefined))?.job as ReindexJob | undefined);
    // Only a build newer than the live snapshot says something the snapshot does not.
    const lastSkipped = last && last.state !== "succeeded" && last.liveVersionBefore === manifest.version ? last.skipped : [];
    const listing = corpusStates(await corpusFilesOnDisk(this.options.config.CORPUS_DIR), manifest.files, lastSkipped);
    return { ...listing, liveVersion: manifest.version, builtAt: manifest.builtAt };
  }

  async status(): Promise<AdminStatus> {
    const { config, service, store } = this.options;
    const manifest = service.liveIndex.manifest;
    // Read with the manifest: a build that finishes during the awaits below must still count as
    // running here, or this answer would pair a finished job with the snapshot live before it and a
    // page that stops polling on it would keep showing the old snapshot.
    const busyWithManifest = this.busy;
    // The store's job is the latest of any server; this server's own copy is used when the store is unreachable.
    const stored = await store.latestJob().catch(() => undefined);
    let lastJob = stored?.id === this.last?.id ? this.last : ((stored?.job as ReindexJob | undefined) ?? this.last);
    const runningHere = this.busy && lastJob?.id === this.last?.id;
    if (lastJob && (lastJob.state === "queued" || lastJob.state === "running") && !runningHere && !(await this.buildLockHeldAnywhere())) {
      // Nobody holds the build lock, so the server that ran this job stopped before it finished.
      lastJob = { ...lastJob, state: "failed", error: INTERRUPTED };
    }
    const onDisk = await snapshotsByBuildTime(config.DATA_DIR).catch(() => []);
    const snapshots = onDisk.map(describeSnapshot);
    const complete = new Set(onDisk.filter((snapshot) => snapshot.manifest).map((snapshot) => snapshot.version));
    const rollbackTarget = (await rollbackCandidates(config.DATA_DIR, manifest.version).catch(() => [])).find((version) => complete.has(version));
    return {
      live: {
        version: manifest.version,
        builtAt: manifest.builtAt,
        chunks: manifest.chunkCount,
        articles: manifest.articleCount,
        files: manifest.files.filter((file) => file.status === "indexed").length,
        embedder: manifest.embedder.id,
        // Sentences that give orders to an assistant, per file: flagged at index time, never quoted.
        flaggedInstructions: manifest.files.filter((file) => file.instructions?.length).map((file) => ({ file: file.file, sentences: file.instructions! })),
      },
      currentFile: await readCurrentVersion(config.DATA_DIR).catch(() => undefined),
      snapshots,
      liveFiles: manifest.files.map(({ file, status, articles, chunks, bytes, reason }) => ({ file, status, articles, chunks, bytes, ...(reason ? { reason } : {}) })),
      ...(lastJob ? { lastJob } : {}),
      running: busyWithManifest || this.busy || lastJob?.state === "queued" || lastJob?.state === "running",
      audit: await store.listAudit(20).catch(() => []),
      ...(this.options.startupFallback ? { startupFallback: this.options.startupFallback } : {}),
      history: (await readSnapshotEvents(config.DATA_DIR).catch(() => [])).slice(-20).reverse(),
      ...(rollbackTarget ? { rollbackTarget } : {}),
    };
  }

  /**
   * Swaps in the snapshot current.json names when another process (the CLI) made it live.
   * A snapshot that does not load is refused with a logged reason; the live one keeps serving.
   * Returns true when it swapped.
   */
  checkForNewSnapshot(): Promise<boolean> {
    // One check at a time: a slow load must not be started again by the next tick.
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<boolean> {
    const { config, service, log } = this.options;
    if (this.busy) return false;
    let version: string | undefined;
    try {
      version = await readCurrentVersion(config.DATA_DIR);
    } catch (error) {
      if (this.refusedVersion !== "current.json") log.error(`Ignoring ${config.DATA_DIR}/current.json: ${isAppError(error) ? error.message : String(error)}`);
      this.refusedVersion = "current.json";
      return false;
    }
    if (!version || version === service.liveIndex.manifest.version || version === this.refusedVersion) return false;
    try {
      const generation = service.generation;
      const live = await loadLiveIndex(config, await loadLexicon(config.CORPUS_DIR), version);
      // A job or rollback in this process may have run (and swapped) while the snapshot loaded.
      if (this.busy || service.generation !== generation) return false;
      const before = service.liveIndex.manifest.version;
      service.swap(live);
      this.refusedVersion = undefined;
      log.info(`Switched from snapshot ${before} to ${version}, made live outside this server (npm run index, another server or another worker).`);
      await this.audit("watcher", "snapshot.switch", `from ${before} to ${version}`);
      return true;
    } catch (error) {
      this.refusedVersion = version;
      const reason = isAppError(error) ? error.fullMessage : String(error);
      log.error(`Refusing snapshot ${version} named by current.json: ${reason} Snapshot ${service.liveIndex.manifest.version} keeps serving.`);
      await this.audit("watcher", "snapshot.refused", `${version}: ${isAppError(error) ? error.message : String(error)}`);
      return false;
    }
  }

  /**
   * Polls current.json every `intervalMs` (SNAPSHOT_POLL_MS) and prunes the state store by the
   * retention settings (now and hourly); the timers do not keep the process alive.
   */
  startWatching(intervalMs: number = this.options.config.SNAPSHOT_POLL_MS): void {
    if (this.watcher) return;
    this.watcher = setInterval(() => void this.checkForNewSnapshot(), intervalMs);
    this.watcher.unref();
    this.stopRetention = startRetention(this.options.store, this.options.config, this.options.log, { now: this.options.now });
  }

  /** Stops the poll, aborts a running build (its temporary directory is removed) and waits for it. */
  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
    this.stopRetention?.();
    this.abort.abort(new AppError("INDEX_WRITE_FAILED", "The server is shutting down; the re-index was stopped."));
    const pending = [...this.jobs.values()].map((entry) => entry.done);
    await Promise.allSettled([...pending, this.checking]);
  }
}

const INTERRUPTED = { code: "INTERRUPTED", message: "The server running this job stopped before it finished." };

/** Throws REQUEST_INVALID (400) unless `version` names a complete snapshot other than the live one. */
function checkRollbackTarget(snapshots: Array<{ version: string; manifest?: unknown }>, live: string, version: string): void {
  const listed = "GET /admin/status lists the snapshots on disk.";
  const found = snapshots.find((snapshot) => snapshot.version === version);
  if (!found) throw new AppError("REQUEST_INVALID", `There is no snapshot "${version}" to roll back to.`, { hint: listed });
  if (!found.manifest) throw new AppError("REQUEST_INVALID", `Snapshot "${version}" is incomplete (no valid manifest) and cannot go live.`, { hint: listed });
  if (version === live) throw new AppError("REQUEST_INVALID", `Snapshot "${version}" is already live.`, { hint: listed });
}

/** One line describing a job, for chat replies, logs and the audit log. */
export function describeJob(job: ReindexJob): string {
  switch (job.state) {
    case "queued":
    case "running":
      return `Re-index job ${job.id} is ${job.state} (live snapshot ${job.liveVersionBefore}).`;
    case "cancelled":
      return `Re-index job ${job.id} was cancelled by ${job.cancelledBy ?? "an admin"}. Snapshot ${job.liveVersionBefore} keeps serving.`;
    case "failed":
      return `Re-index job ${job.id} failed: ${job.error?.message ?? "unknown error"} Snapshot ${job.liveVersionBefore} keeps serving.`;
    case "refused": {
      return `Re-index job ${job.id} built ${job.version} but it was not made live: ${describeGate(job.gate)}. Snapshot ${job.liveVersionBefore} keeps serving.`;
    }
    case "succeeded": {
      const skipped = job.skipped.length > 0 ? ` Skipped: ${job.skipped.map((file) => `${file.file} (${file.reason})`).join("; ")}.` : "";
      const indexed = job.files.filter((file) => file.status === "indexed").length;
      return `Re-index job ${job.id}: snapshot ${job.version} is live (${indexed} files, ${job.chunks ?? 0} chunks; ${describeGate(job.gate)}).${skipped}`;
    }
  }
}
