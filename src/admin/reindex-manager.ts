import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../core/config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { AuditEntry, StateStore } from "../chat/state-store.js";
import { BUILD_LOCK_FILE, processAlive, readCurrentVersion } from "../index/snapshot.js";
import { loadLexicon } from "../app/lexicon.js";
import { loadLiveIndex } from "../app/live-index.js";
import type { ZoneAssistant } from "../app/zone-assistant.js";
import { describeGate, type GateReport, type GateSkipped } from "./quality-gate.js";
import { reindex, rollback, type FileResult } from "./reindex.js";
import { describeSnapshot, snapshotsByBuildTime, type SnapshotInfo } from "./snapshot-history.js";

/**
 * Re-index jobs inside a running server (HTTP /admin/*, Slack `/zone reindex`): one at a time,
 * run in the background, swapped into the live ZoneAssistant when they pass the gate; plus
 * rollback, status, and the poll that picks up snapshots made live by the CLI.
 *
 * API for adapters:
 *   const job = manager.start("slack:U123");        // throws AppError INDEX_BUILD_IN_PROGRESS (409)
 *   const done = await manager.wait(job.id);        // state succeeded | refused | failed
 *   describeJob(done)                               // one line for a chat reply
 */

export type JobState = "queued" | "running" | "succeeded" | "refused" | "failed";

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
  error?: { code: string; message: string; hint?: string };
  ms?: number;
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
  lastJob?: ReindexJob;
  running: boolean;
  audit: AuditEntry[];
}

export interface ReindexManagerOptions {
  config: Config;
  service: ZoneAssistant;
  store: StateStore;
  log: Logger;
  now?: () => number;
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
  private watcher?: NodeJS.Timeout;
  private checking?: Promise<boolean>;
  /** A version current.json names that failed to load, so the poll logs it once, not every tick. */
  private refusedVersion?: string;

  constructor(private readonly options: ReindexManagerOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  audit(actor: string, action: string, detail: string): void {
    try {
      this.options.store.audit({ actor, action, detail, at: this.now() });
    } catch (error) {
      this.options.log.warn(`Cannot write the audit entry ${action} by ${actor}.`, error);
    }
  }

  get running(): boolean {
    return this.busy;
  }

  get lastJob(): ReindexJob | undefined {
    return this.last;
  }

  /** Queues a re-index and returns at once; the job runs in the background. */
  start(actor: string, options: { gate?: boolean } = {}): ReindexJob {
    if (this.busy) {
      const running = this.last;
      this.audit(actor, "reindex.rejected", `job ${running?.id ?? "?"} is still ${running?.state ?? "running"}`);
      throw new AppError("INDEX_BUILD_IN_PROGRESS", `A re-index (job ${running?.id ?? "unknown"}) is already ${running?.state ?? "running"}.`, {
        hint: "Wait for it to finish; GET /admin/status shows its progress.",
        details: { jobId: running?.id },
      });
    }
    const holder = this.otherBuilder();
    if (holder !== undefined) {
      this.audit(actor, "reindex.rejected", `a build by process ${holder} holds ${BUILD_LOCK_FILE}`);
      throw new AppError("INDEX_BUILD_IN_PROGRESS", `An index build is already running in another process (${holder}), e.g. \`npm run index\`.`, {
        hint: "Wait for it to finish; this server switches to its snapshot by itself.",
        details: { pid: holder },
      });
    }
    this.busy = true;
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
    };
    this.last = job;
    this.audit(actor, "reindex.start", `job ${job.id}${job.gateEnabled ? "" : " (quality gate disabled)"}`);
    // setImmediate: the caller gets the job id (HTTP 202) before any build work starts.
    const done = new Promise<ReindexJob>((resolve) => setImmediate(() => void this.run(job).then(resolve)));
    this.jobs.set(job.id, { job, done });
    return job;
  }

  /** The pid of another live process holding DATA_DIR/build.lock (the CLI), so HTTP can answer 409 at once. */
  private otherBuilder(): number | undefined {
    let pid: unknown;
    try {
      pid = (JSON.parse(readFileSync(path.join(this.options.config.DATA_DIR, BUILD_LOCK_FILE), "utf8")) as { pid?: unknown }).pid;
    } catch {
      return undefined;
    }
    if (typeof pid !== "number" || pid === process.pid) return undefined;
    // A dead builder's lock is taken over by the job, so only a live one counts.
    return processAlive(pid) ? pid : undefined;
  }

  /** Resolves when the job (default: the last one) has finished. */
  async wait(id?: string): Promise<ReindexJob> {
    const entry = id ? this.jobs.get(id) : this.last ? this.jobs.get(this.last.id) : undefined;
    if (!entry) throw new AppError("NOT_FOUND", `There is no re-index job ${id ?? ""}.`, { hint: "GET /admin/status lists the last job." });
    return entry.done;
  }

  private async run(job: ReindexJob): Promise<ReindexJob> {
    const { config, service, log } = this.options;
    job.state = "running";
    job.startedAt = new Date(this.now()).toISOString();
    try {
      // Glossary and gazetteer edits take effect with the build: the new lexicon goes live with it.
      const lexicon = await loadLexicon(config.CORPUS_DIR);
      const outcome = await reindex(config, lexicon, {
        log,
        gate: job.gateEnabled,
        live: service.liveIndex,
        signal: this.abort.signal,
        onActivate: (candidate) => service.swap(candidate),
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
      job.state = "failed";
      const appError = isAppError(error) ? error : undefined;
      job.error = {
        code: appError?.code ?? "INTERNAL",
        message: appError?.message ?? (error instanceof Error ? error.message : String(error)),
        ...(appError?.hint ? { hint: appError.hint } : {}),
      };
      log.error(`Re-index job ${job.id} failed; snapshot ${job.liveVersionBefore} keeps serving.`, error);
    } finally {
      job.finishedAt = new Date(this.now()).toISOString();
      this.busy = false;
    }
    this.audit(job.actor, `reindex.${job.state}`, describeJob(job));
    if (job.state === "succeeded") log.info(describeJob(job));
    else if (job.state === "refused") log.warn(describeJob(job));
    return job;
  }

  /** Goes back to the snapshot built before the live one and swaps it in. */
  async rollback(actor: string): Promise<RollbackResult> {
    const { config, service, log } = this.options;
    if (this.busy) {
      throw new AppError("INDEX_BUILD_IN_PROGRESS", "A re-index is running; roll back after it finishes.", { hint: "GET /admin/status shows its progress." });
    }
    this.busy = true;
    try {
      const outcome = await rollback(config, await loadLexicon(config.CORPUS_DIR), { log, from: service.liveIndex.manifest.version });
      service.swap(outcome.live);
      this.audit(actor, "rollback", `from ${outcome.from} to ${outcome.to}`);
      log.info(`Rolled back from snapshot ${outcome.from} to ${outcome.to} (by ${actor}).`);
      return { from: outcome.from, to: outcome.to };
    } catch (error) {
      this.audit(actor, "rollback.failed", isAppError(error) ? error.message : String(error));
      throw error;
    } finally {
      this.busy = false;
    }
  }

  async status(): Promise<AdminStatus> {
    const { config, service, store } = this.options;
    const manifest = service.liveIndex.manifest;
    const snapshots = (await snapshotsByBuildTime(config.DATA_DIR).catch(() => [])).map(describeSnapshot);
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
      ...(this.last ? { lastJob: this.last } : {}),
      running: this.busy,
      audit: (() => {
        try {
          return store.listAudit(20);
        } catch {
          return [];
        }
      })(),
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
      log.info(`Switched from snapshot ${before} to ${version}, made live outside this server (npm run index).`);
      this.audit("watcher", "snapshot.switch", `from ${before} to ${version}`);
      return true;
    } catch (error) {
      this.refusedVersion = version;
      const reason = isAppError(error) ? error.fullMessage : String(error);
      log.error(`Refusing snapshot ${version} named by current.json: ${reason} Snapshot ${service.liveIndex.manifest.version} keeps serving.`);
      this.audit("watcher", "snapshot.refused", `${version}: ${isAppError(error) ? error.message : String(error)}`);
      return false;
    }
  }

  /** Polls current.json every `intervalMs` (SNAPSHOT_POLL_MS); the timer does not keep the process alive. */
  startWatching(intervalMs: number = this.options.config.SNAPSHOT_POLL_MS): void {
    if (this.watcher) return;
    this.watcher = setInterval(() => void this.checkForNewSnapshot(), intervalMs);
    this.watcher.unref();
  }

  /** Stops the poll, aborts a running build (its temporary directory is removed) and waits for it. */
  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
    this.abort.abort(new AppError("INDEX_WRITE_FAILED", "The server is shutting down; the re-index was stopped."));
    const pending = [...this.jobs.values()].map((entry) => entry.done);
    await Promise.allSettled([...pending, this.checking]);
  }
}

/** One line describing a job, for chat replies, logs and the audit log. */
export function describeJob(job: ReindexJob): string {
  switch (job.state) {
    case "queued":
    case "running":
      return `Re-index job ${job.id} is ${job.state} (live snapshot ${job.liveVersionBefore}).`;
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
