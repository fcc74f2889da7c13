import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from "node:util";
import { loadConfig, readEnvironment, type Config } from "../../core/config.js";
import { isAppError } from "../../core/errors.js";
import { createLogger, type Logger } from "../../core/logger.js";

/**
 * Shared start-up and error reporting for the CLI commands: one place that prints errors. Each
 * command is a function of its arguments and an `io` (environment, stdout, stderr), so tests run it
 * in process; the file runs it against the real process only when it is the entry point.
 */

export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: CliOutput;
  stderr: CliOutput;
}

/** A command: parses `argv`, does its work and returns the exit code (errors are printed by runCommand). */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

export function cliSetup(env: Record<string, string | undefined>): { config: Config; log: Logger } {
  const config = loadConfig(env);
  return { config, log: createLogger(config.LOG_LEVEL) };
}

/** Raised by parseCommandArgs after it printed usage: the command stops with this exit code. */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Runs a command and turns what it throws into the printed error and exit code 1 (2 for usage). */
export async function runCommand(command: CliCommand, argv: string[], io: CliIo): Promise<number> {
  try {
    return await command(argv, io);
  } catch (error) {
    if (error instanceof CommandExit) return error.exitCode;
    if (isAppError(error)) {
      io.stderr.write(`Error [${error.code}]: ${error.message}${error.hint ? `\n${error.hint}` : ""}\n`);
    } else {
      io.stderr.write(`Unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
    return 1;
  }
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1] ? realpathSync(process.argv[1]) : "";
  return entry === realpathSync(fileURLToPath(moduleUrl));
}

/** Runs `command` against the real process (argv, .env and environment, stdout/stderr) when `moduleUrl` is the entry point. */
export function runCliEntry(moduleUrl: string, command: CliCommand): void {
  if (!isEntryPoint(moduleUrl)) return;
  void runCommand(command, process.argv.slice(2), { env: readEnvironment(), stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
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

/** What the arguments mean: parsed values, or the exit code and text to print instead of running. */
export type ArgsCheck<O extends ParseArgsOptionsConfig> =
  | { ok: true; parsed: ParsedCommand<O> }
  | { ok: false; exitCode: 0 | 2; stdout: string; stderr: string };

/**
 * Strict argument parsing (node:util parseArgs): an unknown flag, a missing value or a wrong
 * number of positionals means usage and exit code 2 before anything runs, so a typo such as
 * `--rollbak` never falls through to the default action. `--help` means usage and exit 0.
 */
export function checkCommandArgs<O extends ParseArgsOptionsConfig>(spec: CommandSpec<O>, argv: string[]): ArgsCheck<O> {
  if (argv.includes("--help") || argv.includes("-h")) return { ok: false, exitCode: 0, stdout: commandHelp(spec), stderr: "" };
  let parsed: ParsedCommand<O>;
  try {
    parsed = nodeParseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: true }) as ParsedCommand<O>;
  } catch (error) {
    return { ok: false, exitCode: 2, stdout: "", stderr: `Error [CLI_USAGE]: ${error instanceof Error ? error.message : String(error)}\n\n${commandHelp(spec)}` };
  }
  const count = parsed.positionals.length;
  if ((spec.maxPositionals !== undefined && count > spec.maxPositionals) || count < (spec.minPositionals ?? 0)) {
    const problem = count < (spec.minPositionals ?? 0) ? "missing argument" : `unexpected argument '${parsed.positionals[spec.maxPositionals ?? 0]}'`;
    return { ok: false, exitCode: 2, stdout: "", stderr: `Error [CLI_USAGE]: ${problem}.\n\n${commandHelp(spec)}` };
  }
  return { ok: true, parsed };
}

/** checkCommandArgs, printing usage and stopping the command (CommandExit) when it must not run. */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  argv: string[],
  io: Pick<CliIo, "stdout" | "stderr"> = { stdout: process.stdout, stderr: process.stderr },
): ParsedCommand<O> {
  const check = checkCommandArgs(spec, argv);
  if (check.ok) return check.parsed;
  if (check.stdout) io.stdout.write(check.stdout);
  if (check.stderr) io.stderr.write(check.stderr);
  throw new CommandExit(check.exitCode);
}

/** For entry points that are not CliCommands (the server, the bench): parse process.argv, exiting on --help or a usage error. */
export function parseProcessArgs<O extends ParseArgsOptionsConfig>(spec: CommandSpec<O>): ParsedCommand<O> {
  const check = checkCommandArgs(spec, process.argv.slice(2));
  if (check.ok) return check.parsed;
  process.stdout.write(check.stdout);
  process.stderr.write(check.stderr);
  return process.exit(check.exitCode);
}
