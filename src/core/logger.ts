/** Minimal leveled logger writing to stderr, so stdout stays clean for CLI output and --json. */
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
