import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../core/config.js";
import { AppError, isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { StateStore } from "../state/state-store.js";
import type { BuildOptions } from "../app/index-builder.js";
import type { Lexicon } from "../app/lexicon.js";
import { loadLiveIndex, type LiveIndex } from "../app/live-index.js";
import { reindex } from "./reindex.js";

/**
 * A server starting with no usable snapshot builds one — unless another process (a replica
 * started at the same time, on this machine or another, or `npm run index`) holds the build
 * lock: then it waits, bounded by STARTUP_WAIT_SECONDS, and serves the snapshot that process
 * makes live. If that builder stops without one, this process takes the lock and builds.
 */
export async function buildOrWaitForIndex(
  config: Config,
  lexicon: Lexicon,
  options: {
    log: Logger;
    store?: StateStore;
    onProgress?: BuildOptions["onProgress"];
    pollMs?: number;
    /** The wait's clock; tests pass one that advances when it sleeps. */
    clock?: { now(): number; sleep(ms: number): Promise<unknown> };
  },
): Promise<LiveIndex> {
  const { log } = options;
  const clock = options.clock ?? { now: Date.now, sleep };
  const waitMs = config.STARTUP_WAIT_SECONDS * 1000;
  const deadline = clock.now() + waitMs;
  let waiting = false;
  for (;;) {
    if (waiting) {
      const live = await loadLiveIndex(config, lexicon).catch(() => undefined);
      if (live) {
        log.info(`Snapshot ${live.manifest.version}, built by another process, is live; serving it.`);
        return live;
      }
    }
    try {
      const report = await reindex(config, lexicon, { log, gate: false, onProgress: options.onProgress, store: options.store, actor: "startup" });
      log.info(`Index ${report.version} built: ${report.files.length} files, ${report.articles} articles, ${report.chunks} chunks in ${report.ms} ms.`);
      return report.candidate;
    } catch (error) {
      if (!isAppError(error) || error.code !== "INDEX_BUILD_IN_PROGRESS") throw error;
    }
    if (!waiting) {
      log.info(`Another process is building the index in ${config.DATA_DIR}; waiting up to ${config.STARTUP_WAIT_SECONDS} s for it (STARTUP_WAIT_SECONDS).`);
      waiting = true;
    }
    if (clock.now() >= deadline) {
      throw new AppError("INDEX_BUILD_IN_PROGRESS", `Waited ${config.STARTUP_WAIT_SECONDS} s for another process to build the first index; none went live.`, {
        hint: "Check that process's log (or DATA_DIR/build.lock), or raise STARTUP_WAIT_SECONDS.",
      });
    }
    await clock.sleep(options.pollMs ?? 1000);
  }
}
