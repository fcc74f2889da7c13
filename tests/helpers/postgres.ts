import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * PostgreSQL for tests. TEST_DATABASE_URL (set by scripts/with-postgres.sh, which .ci/run uses)
 * names a server; each test gets its own fresh database on it, so test files running in
 * parallel never see each other's rows. Without TEST_DATABASE_URL the PostgreSQL tests are
 * skipped with a printed reason — except in CI (CI=true), where they must run and fail instead.
 */

const databaseUrl = process.env.TEST_DATABASE_URL;
const inCi = process.env.CI === "true";

export const skipPostgres = databaseUrl === undefined && !inCi;
if (skipPostgres) {
  console.warn("Skipping PostgreSQL tests: TEST_DATABASE_URL is not set (run them with `scripts/with-postgres.sh npx vitest run …`).");
}

/** The URL of the test server; throws in CI when it is missing. */
function requireDatabaseUrl(): string {
  if (databaseUrl === undefined) throw new Error("TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI (.ci/run starts a cluster with scripts/with-postgres.sh).");
  return databaseUrl;
}

/** Creates an empty database on the test server; `drop` removes it (after every client disconnected). */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = requireDatabaseUrl();
  const name = `zone_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

const script = path.resolve("scripts/with-postgres.sh");

/** A private cluster this test may stop and start (fault tests), on `port`. */
export function privateCluster(port: number): { url: string; stop: () => void; resume: () => void; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "zone-pg-private-"));
  const url = execFileSync(script, ["start", dir, String(port)], { encoding: "utf8" }).trim().split("\n").pop()!;
  return {
    url,
    stop: () => execFileSync(script, ["stop", dir]),
    resume: () => execFileSync(script, ["resume", dir]),
    remove: () => {
      execFileSync(script, ["stop", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
