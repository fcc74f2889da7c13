import { AppError } from "../core/errors.js";
import type { Lease } from "../state/jobs.js";
import type { StateStore } from "../state/state-store.js";
import { acquireBuildLockFile } from "../index/snapshot.js";

/**
 * The one build lock, in two layers: the state store's (a PostgreSQL advisory lock, shared by
 * every machine; a no-op for the embedded stores) and DATA_DIR/build.lock (every process on this
 * machine, including a CLI without a shared store). Throws INDEX_BUILD_IN_PROGRESS when held.
 */
export async function acquireBuildLock(dataDir: string, store: StateStore | undefined): Promise<Lease> {
  let shared: Lease | undefined;
  try {
    shared = store ? await store.tryBuildLock() : { release: async () => undefined };
  } catch (error) {
    // Building without the shared lock could race a builder on another machine: refuse instead.
    throw new AppError("STATE_STORE_FAILED", `The state database cannot be reached to take the build lock: ${error instanceof Error ? error.message : String(error)}.`, {
      hint: "Check that PostgreSQL (STATE_URL) is up, then try again; the live snapshot keeps serving.",
      cause: error,
    });
  }
  if (!shared) {
    throw new AppError("INDEX_BUILD_IN_PROGRESS", "An index build is already running on a server sharing this state database.", {
      hint: "Wait for it to finish; every server switches to its snapshot by itself (GET /admin/status shows the job).",
    });
  }
  let releaseFile: () => Promise<void>;
  try {
    releaseFile = await acquireBuildLockFile(dataDir, { takeOver: store?.kind === "postgres" });
  } catch (error) {
    await shared.release();
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await releaseFile();
      await shared.release();
    },
  };
}

/** Runs `work` holding both layers of the build lock. */
export async function withSharedBuildLock<T>(dataDir: string, store: StateStore | undefined, work: () => Promise<T>): Promise<T> {
  const lease = await acquireBuildLock(dataDir, store);
  try {
    return await work();
  } finally {
    await lease.release();
  }
}
