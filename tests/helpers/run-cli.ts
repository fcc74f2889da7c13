import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { runCommand, type CliCommand } from "../../src/adapters/cli/cli-support.js";
import { repoRoot } from "./temp-runtime.js";

/** runCliScript: runs a CLI entry point with tsx as a child process (the smoke runs) and collects its output and exit code. */

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();
const tsxBin = path.join(repoRoot, "node_modules/.bin/tsx");

export function runCliScript(script: string, args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsxBin, [path.join(repoRoot, script), ...args], {
      cwd: repoRoot,
      // Only what the CLI needs: no settings leak in from the developer's shell (.env, LLM keys).
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", LLM_PROVIDER: "none", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not finish within ${timeoutMs} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** For afterAll: stops any child a failed test left behind. */
export function killRunningClis(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/**
 * Runs a CLI command in this process, as its entry point would (runCommand prints errors and
 * returns the exit code), with only the given environment: nothing leaks in from the developer's shell.
 */
export async function runCliCommand(command: CliCommand, args: string[], env: Record<string, string>): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io = {
    env: { LOG_LEVEL: "warn", LLM_PROVIDER: "none", ...env },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const code = await runCommand(command, args, io);
  return { code, stdout, stderr };
}
