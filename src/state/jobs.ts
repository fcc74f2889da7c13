/** Re-index jobs as every replica sees them, and the store's part of the build lock. */

/** A re-index job as stored, so every replica reports the running or last one. */
export interface StoredJob {
  id: string;
  state: string;
  /** The whole job (JSON-serialisable). */
  job: unknown;
}

/** A held lock; release it exactly once. */
export interface Lease {
  release(): Promise<void>;
}

export interface JobStore {
  saveJob(job: StoredJob): Promise<void>;
  /** The most recently queued job. */
  latestJob(): Promise<StoredJob | undefined>;
  /**
   * The store's part of the build lock: PostgreSQL takes an advisory lock (across machines;
   * released by the database if the holder dies); the embedded stores return a lease at once and
   * leave exclusion to DATA_DIR/build.lock. Undefined when another holder has it.
   */
  tryBuildLock(): Promise<Lease | undefined>;
  /** Whether anyone holds the store's build lock; undefined for the embedded stores (DATA_DIR/build.lock tells). */
  buildLockHeld(): Promise<boolean | undefined>;
}

/** The embedded stores' part of the build lock: none; DATA_DIR/build.lock excludes builders on this machine. */
export const fileLockOnly = {
  tryBuildLock: async (): Promise<Lease | undefined> => ({ release: async () => undefined }),
  buildLockHeld: async (): Promise<boolean | undefined> => undefined,
};
