import { loadConfig, readEnvironment, type Config } from "../../core/config.js";
import { isAppError } from "../../core/errors.js";
import { createLogger, type Logger } from "../../core/logger.js";

/** Shared start-up and error reporting for the CLI commands: one place that prints errors. */

export function cliSetup(): { config: Config; log: Logger } {
  const config = loadConfig(readEnvironment());
  return { config, log: createLogger(config.LOG_LEVEL) };
}

export function runCli(main: () => Promise<number | void>): void {
  main()
    .then((code) => {
      process.exitCode = typeof code === "number" ? code : 0;
    })
    .catch((error: unknown) => {
      if (isAppError(error)) {
        process.stderr.write(`Error [${error.code}]: ${error.message}${error.hint ? `\n${error.hint}` : ""}\n`);
      } else {
        process.stderr.write(`Unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      }
      process.exitCode = 1;
    });
}

/** Tiny flag parser: `--name value`, `--flag`, and positional words. */
export function parseArgs(argv: string[], valueFlags: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--")) {
      const name = arg.slice(2);
      if (valueFlags.includes(name)) {
        const value = argv[i + 1];
        if (value === undefined) throw new Error(`--${name} needs a value`);
        flags[name] = value;
        i++;
      } else flags[name] = true;
    } else positional.push(arg);
  }
  return { flags, positional };
}
