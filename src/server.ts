import { isEntryPoint, parseProcessArgs } from "./adapters/cli/cli-support.js";
import { isClusterWorker, runPrimary } from "./app/cluster-primary.js";
import { loadConfig, readEnvironment } from "./core/config.js";
import { isAppError } from "./core/errors.js";
import { createServerLogger } from "./core/logger.js";

/**
 * The `npm start` entry. It imports only what a cluster supervisor needs: with WORKERS > 1 this
 * process forks the workers and holds no index, so loading the whole product here (about 150 MB of
 * modules, dictionaries and native libraries) would cost memory for nothing. A server process loads
 * the composition root (start-server.ts) when it starts serving.
 */

export const serverCommand = {
  usage: "npm start",
  description: [
    "Starts the HTTP server (chat page, API, admin console, chat adapters, metrics). Settings come from",
    "the environment and .env (see .env.example): PORT, HOST, WORKERS, DATA_DIR, CORPUS_DIR, ADMIN_TOKEN, ...",
    "  --help   show this text",
  ].join("\n"),
  options: {},
  maxPositionals: 0,
} as const;

async function main(): Promise<void> {
  parseProcessArgs(serverCommand);
  const config = loadConfig(readEnvironment());
  const { log, pino } = createServerLogger(config.LOG_LEVEL);
  // WORKERS > 1: this process only supervises; the forked workers run the server below.
  if (config.WORKERS > 1 && !isClusterWorker()) return runPrimary({ config, log });
  const { runServer } = await import("./start-server.js");
  await runServer(config, { log, pino });
}

// Run only as the entry point (`npm start`).
if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    if (isAppError(error)) process.stderr.write(`Error [${error.code}]: ${error.message}${error.hint ? `\n${error.hint}` : ""}\n`);
    else process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
