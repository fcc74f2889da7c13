import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot, type TempWorkspace } from "./temp-runtime.js";

/**
 * `npm start` as a child process on 127.0.0.1 (port chosen by the OS), with only the given
 * settings (nothing leaks in from the developer's shell). One server process (WORKERS=1) unless
 * the test asks for a cluster. `node --import tsx` keeps the server itself as the child, so a
 * cluster's workers are its direct children.
 */

export interface SpawnedServer {
  child: ChildProcess;
  /** Everything the process printed so far. */
  log(): string;
}

export interface ServerProcess extends SpawnedServer {
  url: string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

function spawnServer(env: Record<string, string>): SpawnedServer {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/server.ts")], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", WORKERS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (output += text));
  return { child, log: () => output };
}

/** Spawns the server over a temp workspace without waiting for it (the caller watches the log). */
export function spawnServerProcess(workspace: TempWorkspace, env: Record<string, string>): SpawnedServer {
  return spawnServer({ CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir, ...env });
}

/** Waits for the "listening on" line of a spawned server; rejects if it exits or times out. */
export function waitForListening(server: SpawnedServer, timeoutMs = 120_000): Promise<string> {
  const { child, log } = server;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${log()}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log());
      if (match) {
        cleanup();
        resolve(match[1]!);
      }
    }, 50);
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`server exited with ${code}:\n${log()}`));
    };
    const cleanup = () => {
      clearInterval(poll);
      clearTimeout(timer);
      child.off("exit", onExit);
    };
    child.once("exit", onExit);
  });
}

/** Starts the server with `env` (CORPUS_DIR and DATA_DIR included) and waits until it listens. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  const server = spawnServer(env);
  const { child } = server;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const url = await waitForListening(server, timeoutMs);
  return {
    ...server,
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs` naming `what`. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
