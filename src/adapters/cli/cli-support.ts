import { parseArgs as nodeParseArgs, type ParseArgsConfig } from "node:util";
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

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** e.g. `npm run ask -- "QUESTION" [--json]` */
  usage: string;
  /** What the command does and what each option means (printed by --help). */
  description: string;
  options: O;
  /** Allowed positional arguments: none, or how many at most (undefined: any number). */
  maxPositionals?: number;
  minPositionals?: number;
}

export type ParsedCommand<O extends ParseArgsOptionsConfig> = { values: { [K in keyof O]?: O[K]["type"] extends "string" ? string : boolean }; positionals: string[] };

export function commandHelp(spec: CommandSpec<ParseArgsOptionsConfig>): string {
  return `Usage: ${spec.usage}\n\n${spec.description}\n`;
}

/**
 * Strict argument parsing (node:util parseArgs): an unknown flag, a missing value or a wrong
 * number of positionals prints usage and exits 2 before anything runs, so a typo such as
 * `--rollbak` never falls through to the default action. `--help` prints usage and exits 0.
 */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  argv: string[] = process.argv.slice(2),
  exit: (code: number) => never = (code) => process.exit(code),
): ParsedCommand<O> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(commandHelp(spec));
    return exit(0);
  }
  let parsed: ParsedCommand<O>;
  try {
    parsed = nodeParseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: true }) as ParsedCommand<O>;
  } catch (error) {
    process.stderr.write(`Error [CLI_USAGE]: ${error instanceof Error ? error.message : String(error)}\n\n${commandHelp(spec)}`);
    return exit(2);
  }
  const count = parsed.positionals.length;
  if ((spec.maxPositionals !== undefined && count > spec.maxPositionals) || count < (spec.minPositionals ?? 0)) {
    const problem = count < (spec.minPositionals ?? 0) ? "missing argument" : `unexpected argument '${parsed.positionals[spec.maxPositionals ?? 0]}'`;
    process.stderr.write(`Error [CLI_USAGE]: ${problem}.\n\n${commandHelp(spec)}`);
    return exit(2);
  }
  return parsed;
}
