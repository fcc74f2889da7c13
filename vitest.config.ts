import { defineConfig } from "vitest/config";

/**
 * Two lanes (README, "Test lanes"): `npm test` runs both projects; `npm run test:unit` runs "unit"
 * only: no child processes, no ports, no database server (tests/helpers/unit-lane-guard.ts refuses
 * them). A test file that needs any of these is listed here, under "integration".
 */
const integration = [
  // child processes (tsx CLIs, server processes, cluster workers, the compiled build)
  "tests/adapters/cli/cli-smoke.test.ts",
  "tests/admin/cli-admin.test.ts",
  "tests/admin/kill-build.test.ts",
  "tests/admin/snapshot-fallback.test.ts",
  "tests/e2e/cluster.test.ts",
  "tests/e2e/compiled-start.test.ts",
  "tests/e2e/server-process.test.ts",
  // PostgreSQL
  "tests/state/state-store.test.ts",
  "tests/e2e/postgres-outage.test.ts",
  "tests/e2e/replicas.test.ts",
  // headless Chromium
  "tests/adapters/web/browser.test.ts",
  // the real network: platform requests as the platforms send them (signed HTTP, XML, WebSockets),
  // providers called over HTTP against local mock servers, the whole server on a port
  "tests/adapters/slack/slack-adapter.test.ts",
  "tests/adapters/slack/slack-modes.test.ts",
  "tests/adapters/slack/slack-real-service.test.ts",
  "tests/adapters/wechat/wechat-adapter.test.ts",
  "tests/adapters/wecom/wecom-adapter.test.ts",
  "tests/answer/llm/llm-answerer.test.ts",
  "tests/answer/llm/llm-rewriter.test.ts",
  "tests/e2e/llm-runtime.test.ts",
  "tests/index/remote-embedders.test.ts",
  "tests/admin/incremental-build.test.ts",
  "tests/index/mapped-file-fallback.test.ts",
  "tests/security/attacks.test.ts",
  "tests/adapters/web/web-http.test.ts",
  "tests/adapters/web/stream-llm.test.ts",
  "tests/adapters/web/sessions-logging.test.ts",
  // chat platforms, MCP, LLM providers and the console: signed callbacks, WebSockets and mock APIs on
  // ports, the MCP stdio server as a child process, headless Chromium for the pages
  "tests/adapters/feishu/feishu-adapter.test.ts",
  "tests/adapters/dingtalk/dingtalk-adapter.test.ts",
  "tests/adapters/slack/slack-assistant.test.ts",
  "tests/e2e/channels-server.test.ts",
  "tests/adapters/mcp/mcp.test.ts",
  "tests/answer/llm/chinese-providers.test.ts",
  "tests/e2e/chinese-llm-runtime.test.ts",
  "tests/adapters/admin/console-http.test.ts",
  "tests/adapters/web/chat-page.test.ts",
  "tests/adapters/web/console-page.test.ts",
  // load and scale: many requests during a rebuild, a build of 4,500 chunks twice (tens of CPU seconds)
  "tests/admin/reindex-under-load.test.ts",
  "tests/index/parallel-build.test.ts",
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
        test: { name: "unit", include: ["tests/**/*.test.ts"], exclude: integration, setupFiles: ["tests/helpers/unit-lane-guard.ts"], isolate: false },
      },
      { extends: true, test: { name: "integration", include: integration } },
    ],
  },
});
