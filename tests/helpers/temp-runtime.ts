import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { loadConfig, type Config } from "../../src/core/config.js";
import { silentLogger } from "../../src/core/logger.js";

/**
 * Shared set-up for tests that need the real corpus and a real index: a temp copy of corpus/
 * (the folder keeps the name `corpus`, so citations read `corpus/00x_….txt`) and a temp
 * DATA_DIR, so tests never touch ./data and never race each other on one index.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const realCorpusDir = path.join(repoRoot, "corpus");
export const devEvalFile = path.join(repoRoot, "tests/eval/dev.jsonl");

export interface TempWorkspace {
  root: string;
  corpusDir: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A temp folder with `corpus/` (a copy of the real corpus unless `empty`) and a `data/` path. */
export async function createTempWorkspace(options: { empty?: boolean } = {}): Promise<TempWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), "zone-test-"));
  const corpusDir = path.join(root, "corpus");
  const dataDir = path.join(root, "data");
  if (!options.empty) await cp(realCorpusDir, corpusDir, { recursive: true });
  return { root, corpusDir, dataDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function testConfig(workspace: TempWorkspace, env: Record<string, string> = {}): Config {
  return loadConfig({ CORPUS_DIR: workspace.corpusDir, DATA_DIR: workspace.dataDir, LOG_LEVEL: "silent", PROMPTS_DIR: path.join(repoRoot, "prompts"), ...env });
}

export interface TestRuntime {
  runtime: Runtime;
  workspace: TempWorkspace;
  config: Config;
  close(): Promise<void>;
}

/** Builds the index over a temp copy of the corpus (about 2 s) and returns the live runtime. */
export async function createTestRuntime(env: Record<string, string> = {}, prepare?: (workspace: TempWorkspace) => Promise<void>): Promise<TestRuntime> {
  const workspace = await createTempWorkspace();
  await prepare?.(workspace);
  const config = testConfig(workspace, env);
  const runtime = await createRuntime(config, { log: silentLogger, memoryState: true });
  return {
    runtime,
    workspace,
    config,
    close: async () => {
      await runtime.close();
      await workspace.cleanup();
    },
  };
}
