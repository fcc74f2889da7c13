import { defineConfig } from "vitest/config";

/**
 * Two lanes (README, "Test lanes"): `npm test` runs both projects; `npm run test:unit` runs "unit"
 * only: no child processes, no ports, no database server (tests/helpers/unit-lane-guard.ts refuses
 * them). A test file that needs any of these is listed here, under "integration".
 */
const integration = [
  // child processes (tsx CLIs, server processes, cluster workers, the compiled build)
  "tests/cli/cli-smoke.test.ts",
  "tests/admin/cli-admin.test.ts",
  "tests/admin/kill-build.test.ts",
  "tests/admin/snapshot-fallback.test.ts",
  "tests/e2e/cluster.test.ts",
  "tests/e2e/compiled-start.test.ts",
  "tests/e2e/server-process.test.ts",
  // PostgreSQL
  "tests/chat/state-store.test.ts",
  "tests/e2e/postgres-outage.test.ts",
  "tests/e2e/replicas.test.ts",
  // headless Chromium
  "tests/web/browser.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Index builds are CPU-heavy; two cores on CI machines.
    maxWorkers: 2,
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/**/*.test.ts"], exclude: integration, setupFiles: ["tests/helpers/unit-lane-guard.ts"] },
      },
      { extends: true, test: { name: "integration", include: integration } },
    ],
  },
});
