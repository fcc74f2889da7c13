import cluster, { type Worker } from "node:cluster";
import type { Config } from "../core/config.js";
import type { Logger } from "../core/logger.js";

/**
 * WORKERS > 1: this process becomes a small supervisor that holds no index. It forks the server
 * processes (node:cluster: they share one listening port, connections are spread round-robin),
 * restarts a worker that dies, relays "a new snapshot is live" so every worker switches at once
 * (the current.json poll is the fallback), and on SIGTERM/SIGINT lets every worker drain.
 * Workers share state through the state store (SQLite in WAL mode on one machine).
 *
 * The first worker starts alone: on an empty DATA_DIR it builds the index, and the others start
 * once it is listening, so they load that snapshot instead of queueing for the build lock.
 */

/** Messages between the primary and the workers. */
type ClusterMessage = { type: "ready" } | { type: "snapshot-live"; version: string } | { type: "check-snapshot"; version: string };

const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that exits sooner than this after starting counts as a crash loop: back off. */
const STABLE_AFTER_MS = 10_000;

export interface PrimaryOptions {
  config: Pick<Config, "WORKERS" | "SHUTDOWN_TIMEOUT_MS">;
  log: Logger;
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: tell the primary this worker listens (a no-op outside a cluster). */
export function notifyReady(): void {
  if (cluster.isWorker) process.send?.({ type: "ready" } satisfies ClusterMessage);
}

/** In a worker: a snapshot went live here; the primary tells the other workers to switch now. */
export function notifySnapshotLive(version: string): void {
  if (cluster.isWorker) process.send?.({ type: "snapshot-live", version } satisfies ClusterMessage);
}

/** In a worker: run `check` when another worker made a snapshot live. */
export function onSnapshotLiveElsewhere(check: (version: string) => void): void {
  if (!cluster.isWorker) return;
  process.on("message", (message: ClusterMessage) => {
    if (message?.type === "check-snapshot") check(message.version);
  });
}

export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { config, log } = options;
  const wanted = config.WORKERS;
  let stopping = false;
  let restartDelay = RESTART_DELAY_MS;
  const startedAt = new Map<Worker, number>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    worker.on("message", (message: ClusterMessage) => {
      if (message?.type !== "snapshot-live") return;
      for (const other of Object.values(cluster.workers ?? {})) {
        if (other && other !== worker) other.send({ type: "check-snapshot", version: message.version } satisfies ClusterMessage);
      }
    });
    return worker;
  };

  const ready = (worker: Worker) =>
    new Promise<boolean>((resolve) => {
      const onMessage = (message: ClusterMessage) => {
        if (message?.type !== "ready") return;
        worker.off("exit", onExit);
        resolve(true);
      };
      const onExit = () => {
        worker.off("message", onMessage);
        resolve(false);
      };
      worker.on("message", onMessage);
      worker.once("exit", onExit);
    });

  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) return;
    restartDelay = lived > STABLE_AFTER_MS ? RESTART_DELAY_MS : Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
    log.error(`Worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) after ${Math.round(lived / 1000)} s; starting a new one in ${restartDelay} ms.`);
    setTimeout(() => {
      if (!stopping) fork();
    }, restartDelay).unref();
  });

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => Boolean(worker));
    log.info(`${signal} received: draining ${workers.length} worker(s).`);
    // Each worker stops accepting, finishes its requests and exits (see server.ts shutdown).
    for (const worker of workers) worker.process.kill("SIGTERM");
    const deadline = setTimeout(() => {
      log.warn(`Workers still running after ${config.SHUTDOWN_TIMEOUT_MS} ms; stopping them.`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    const check = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    };
    cluster.on("exit", check);
    check();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  log.info(`Starting ${wanted} server processes (WORKERS=${wanted}); primary ${process.pid} holds no index.`);
  const first = fork();
  if (!(await ready(first))) {
    // A start-up error (bad settings, unusable index) would only repeat: stop with it, as one process would.
    if (!stopping) log.error("The first worker exited before it could serve (its error is above); stopping.");
    stopping = true;
    process.exit(1);
  }
  for (let i = 1; i < wanted && !stopping; i++) fork();
}
