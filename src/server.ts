import { mountChatAdapters } from "./app/chat-adapters.js";
import { createRuntime } from "./app/runtime.js";
import { createApiRoutes } from "./adapters/api/api-routes.js";
import { startHttpServer } from "./adapters/http/server.js";
import { loadConfig } from "./core/config.js";
import { isAppError } from "./core/errors.js";
import { createLogger } from "./core/logger.js";

/** Composition root: reads config, wires the rooms, starts the HTTP server and adapters. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  const runtime = await createRuntime(config, { log });
  const chat = await mountChatAdapters(runtime);
  const routes = [...createApiRoutes(runtime.service), ...chat.routes];
  const server = await startHttpServer({ host: config.HOST, port: config.PORT, routes, maxBodyBytes: config.MAX_BODY_BYTES, log });
  const status = runtime.service.status();
  log.info(`Zone assistant listening on ${server.url} (index ${status.indexVersion}, ${status.chunks} chunks, LLM ${status.llm}).`);
  log.info(`Chat adapters: ${chat.enabled.length > 0 ? chat.enabled.join(", ") : "none configured (see README)"}.`);
  log.info(`Try: curl -s ${server.url}/api/ask -H 'content-type: application/json' -d '{"question":"长治高新区有哪些招商优惠政策？"}'`);

  const shutdown = async (signal: string) => {
    log.info(`${signal} received, shutting down.`);
    await server.close();
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
