import { mountChatAdapters } from "./app/chat-adapters.js";
import { createRuntime } from "./app/runtime.js";
import { createApiRoutes } from "./adapters/api/api-routes.js";
import { createAdminRoutes } from "./admin/admin-routes.js";
import { describeJob } from "./admin/reindex-manager.js";
import { startHttpServer } from "./adapters/http/server.js";
import { loadConfig, readEnvironment } from "./core/config.js";
import { isAppError } from "./core/errors.js";
import { createLogger } from "./core/logger.js";
import { parseCommandArgs } from "./adapters/cli/cli-support.js";
import { isClusterWorker, notifyReady, notifySnapshotLive, onSnapshotLiveElsewhere, runPrimary } from "./app/cluster-primary.js";

const serverCommand = {
  usage: "npm start",
  description: [
    "Starts the HTTP server (API, chat adapters, admin API). Settings come from the environment",
    "and .env (see .env.example): PORT, HOST, WORKERS, DATA_DIR, CORPUS_DIR, ADMIN_TOKEN, ...",
    "  --help   show this text",
  ].join("\n"),
  options: {},
  maxPositionals: 0,
} as const;

/** Composition root: reads config, wires the rooms, starts the HTTP server and adapters. */
async function main(): Promise<void> {
  parseCommandArgs(serverCommand);
  const config = loadConfig(readEnvironment());
  const log = createLogger(config.LOG_LEVEL);
  // WORKERS > 1: this process only supervises; the forked workers run the code below.
  if (config.WORKERS > 1 && !isClusterWorker()) return runPrimary({ config, log });
  const runtime = await createRuntime(config, { log, onLive: notifySnapshotLive });
  // Slack `/zone reindex` starts a job in the admin ReindexManager; its outcome is posted back.
  const chat = await mountChatAdapters(runtime, {
    onReindex: async (userId) => {
      const job = runtime.admin.start(`slack:${userId}`);
      return { started: describeJob(job), finished: runtime.admin.wait(job.id).then(describeJob) };
    },
  });
  // --- admin (re-index jobs, rollback, status, CLI snapshot pick-up); see README, Admin actions ---
  const adminRoutes = createAdminRoutes({ manager: runtime.admin, token: config.ADMIN_TOKEN });
  runtime.admin.startWatching(config.SNAPSHOT_POLL_MS);
  if (!config.ADMIN_TOKEN) log.info("Admin API off: set ADMIN_TOKEN to enable POST /admin/reindex, GET /admin/status, POST /admin/rollback.");
  // --- end admin ---
  const routes = [...createApiRoutes(runtime.service), ...chat.routes, ...adminRoutes];
  const server = await startHttpServer({ host: config.HOST, port: config.PORT, routes, maxBodyBytes: config.MAX_BODY_BYTES, log });
  const status = runtime.service.status();
  log.info(`Zone assistant listening on ${server.url} (index ${status.indexVersion}, ${status.chunks} chunks, LLM ${status.llm}).`);
  notifyReady();
  onSnapshotLiveElsewhere(() => void runtime.admin.checkForNewSnapshot());
  log.info(`Chat adapters: ${chat.enabled.length > 0 ? chat.enabled.join(", ") : "none configured (see README)"}.`);
  log.info(`Try: curl -s ${server.url}/api/ask -H 'content-type: application/json' -d '{"question":"长治高新区有哪些招商优惠政策？"}'`);

  const shutdown = async (signal: string) => {
    log.info(`${signal} received, shutting down.`);
    // Requests in flight finish (bounded by SHUTDOWN_TIMEOUT_MS) before the runtime closes.
    await server.close(config.SHUTDOWN_TIMEOUT_MS);
    // Stop a running re-index first: chat listeners may be waiting on it.
    await runtime.admin.close();
    await chat.stop();
    await runtime.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (isAppError(error)) process.stderr.write(`Error [${error.code}]: ${error.message}${error.hint ? `\n${error.hint}` : ""}\n`);
  else process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
