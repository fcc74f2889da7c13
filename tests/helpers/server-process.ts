import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot, type TempWorkspace } from "./temp-runtime.js";

/**
 * `npm start` as a child process on 127.0.0.1 (port chosen by the OS) over a temp workspace, with
 * only the given settings (nothing leaks in from the developer's shell). `node --import tsx` keeps
 * the server itself as the child, so a cluster's workers are its direct children.
 */
export function spawnServerProcess(workspace: TempWorkspace, env: Record<string, string>): { child: ChildProcess; log: () => string } {
  let log = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/server.ts")], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      CORPUS_DIR: workspace.corpusDir,
      DATA_DIR: workspace.dataDir,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (log += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (log += text));
  return { child, log: () => log };
}
