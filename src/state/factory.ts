import type { Config } from "../core/config.js";
import { AppError } from "../core/errors.js";
import { MemoryStateStore } from "./memory-state-store.js";
import type { StateStore } from "./state-store.js";

/**
 * Picks the store from config: SQLite in DATA_DIR by default; STATE_URL `memory:` for an
 * in-process store; `sqlite:/path/file.sqlite` for an explicit file; `postgres://…` (or
 * `postgresql://…`) for PostgreSQL shared by replicas on several machines.
 */
export async function createStateStore(
  config: Pick<Config, "DATA_DIR" | "STATE_URL"> & Partial<Pick<Config, "STATE_POOL_SIZE">>,
  options: { onError?: (message: string, error: unknown) => void } = {},
): Promise<StateStore> {
  const url = config.STATE_URL;
  if (url === "memory:" || url === "memory") return new MemoryStateStore();
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) {
    const { PostgresStateStore } = await import("./postgres/postgres-state-store.js");
    return PostgresStateStore.open({ url, max: config.STATE_POOL_SIZE, onError: options.onError });
  }
  const { SqliteStateStore } = await import("./sqlite/sqlite-state-store.js");
  if (url === undefined) return SqliteStateStore.open({ dataDir: config.DATA_DIR });
  if (url.startsWith("sqlite:")) return SqliteStateStore.open({ file: url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "") });
  throw new AppError("CONFIG_INVALID", `STATE_URL "${url.split(":")[0]}:…" is not supported.`, {
    hint: "Leave STATE_URL unset for SQLite in DATA_DIR, or use memory:, sqlite:/path/state.sqlite or postgres://user:password@host:5432/database.",
  });
}
