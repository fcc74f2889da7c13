import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import { reindex } from "../../src/admin/reindex.js";
import { silentLogger } from "../../src/core/logger.js";
import { readCurrentVersion } from "../../src/index/snapshot.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";

/** README, "Prune": SNAPSHOTS_KEEP snapshots in total, the live one and the rollback target always among them. */

const workspaces: TempWorkspace[] = [];
afterAll(async () => {
  await Promise.all(workspaces.map((workspace) => workspace.cleanup()));
});

async function buildTimes(keep: string, builds: number): Promise<{ left: string[]; versions: string[]; current?: string }> {
  const workspace = await createTempWorkspace();
  workspaces.push(workspace);
  const config = testConfig(workspace, { SNAPSHOTS_KEEP: keep });
  const lexicon = await loadLexicon(config.CORPUS_DIR);
  const versions: string[] = [];
  for (let i = 0; i < builds; i++) versions.push((await reindex(config, lexicon, { log: silentLogger, gate: false })).version);
  const left = (await readdir(path.join(config.DATA_DIR, "snapshots"))).sort();
  return { left, versions, current: await readCurrentVersion(config.DATA_DIR) };
}

describe("SNAPSHOTS_KEEP", () => {
  it("6 builds with SNAPSHOTS_KEEP=3 leave the 3 newest snapshots", async () => {
    const { left, versions, current } = await buildTimes("3", 6);
    expect(left).toEqual(versions.slice(-3).sort());
    expect(current).toBe(versions.at(-1));
  });

  it("SNAPSHOTS_KEEP=1 still leaves the live one and the rollback target (2)", async () => {
    const { left, versions } = await buildTimes("1", 4);
    expect(left).toEqual(versions.slice(-2).sort());
  });
});
