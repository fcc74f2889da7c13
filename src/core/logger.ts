import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import pinoPretty from "pino-pretty";
import { requestContext } from "./request-context.js";

/** Minimal leveled text logger writing to stderr (the CLI's), so stdout stays clean for CLI output and --json. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel = "info", write: (line: string) => void = (line) => process.stderr.write(line + "\n")): Logger {
  const emit = (at: Exclude<LogLevel, "silent">, message: string, details: unknown[]) => {
    if (order[at] < order[level]) return;
    const extra = details
      .map((detail) => (detail instanceof Error ? `${detail.name}: ${detail.message}` : typeof detail === "string" ? detail : JSON.stringify(detail)))
      .join(" ");
    write(`${new Date().toISOString()} ${at.toUpperCase()} ${message}${extra ? " " + extra : ""}`);
  };
  return {
    debug: (message, ...details) => emit("debug", message, details),
    info: (message, ...details) => emit("info", message, details),
    warn: (message, ...details) => emit("warn", message, details),
    error: (message, ...details) => emit("error", message, details),
  };
}

export const silentLogger: Logger = createLogger("silent");

/**
 * The server's logger: pino JSON lines on stderr, each carrying the id of the HTTP request being
 * handled (from requestContext), readable colour output through pino-pretty when stderr is a
 * terminal. Returns the pino instance (for Fastify's request logs) and the Logger every room uses.
 */
export function createServerLogger(level: LogLevel = "info", options: { pretty?: boolean; destination?: DestinationStream } = {}): { pino: PinoLogger; log: Logger } {
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  // JSON lines are written asynchronously (sonic-boom; lines that pile up under load go out in one
  // write, and pino flushes what is left when the process exits): a synchronous write per line cost
  // about a tenth of a busy server's CPU. The terminal output stays synchronous.
  const destination = options.destination ?? (pretty ? pinoPretty({ destination: 2, sync: true, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }) : pino.destination({ dest: 2, sync: false }));
  const instance = pino(
    {
      level: level === "silent" ? "silent" : level,
      base: undefined,
      // Fastify's request loggers already bind reqId; everything else logged during a request gets it here.
      mixin: (_merge, _level, logger) => {
        const context = requestContext.getStore();
        return context && logger.bindings().reqId === undefined ? { reqId: context.reqId } : {};
      },
      // Never log credentials, whichever object carries them.
      redact: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-csrf-token"]', "password", "token"],
    },
    destination,
  );
  const emit = (at: Exclude<LogLevel, "silent">, message: string, details: unknown[]) => {
    const error = details.find((detail): detail is Error => detail instanceof Error);
    const rest = details.filter((detail) => !(detail instanceof Error));
    const fields = {
      ...(error ? { err: error } : {}),
      ...(rest.length === 1 && typeof rest[0] === "object" && rest[0] !== null && !Array.isArray(rest[0]) ? (rest[0] as object) : rest.length > 0 ? { details: rest } : {}),
    };
    instance[at](fields, message);
  };
  return {
    pino: instance,
    log: {
      debug: (message, ...details) => emit("debug", message, details),
      info: (message, ...details) => emit("info", message, details),
      warn: (message, ...details) => emit("warn", message, details),
      error: (message, ...details) => emit("error", message, details),
    },
  };
}
