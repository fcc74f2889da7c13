import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalEmbedder } from "../../src/index/embedders/local-embedder.js";
import { PARALLEL_MIN_TEXTS } from "../../src/index/parallel-build.js";
import { loadSnapshot, snapshotDir, writeSnapshot } from "../../src/index/snapshot.js";
import { createTokenizer } from "../../src/index/tokenizer.js";
import { makeSyntheticChunks } from "../../scripts/make-synthetic-corpus.js";

/** A build spread over worker threads must write the very same index as a one-thread build. */

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("parallel local build", () => {
  it("writes the same embedder state, BM25 index and vectors with 2 threads as with 1", async () => {
    const tokenizer = createTokenizer({ userWords: ["长治高新区", "衡阳高新区"] });
    const chunks = makeSyntheticChunks(PARALLEL_MIN_TEXTS + 500, 11);
    const build = async (threads: number) => {
      const dataDir = await mkdtemp(path.join(tmpdir(), "parallel-build-"));
      dirs.push(dataDir);
      await writeSnapshot(dataDir, { chunks, articleCount: 1, files: [], embedder: new LocalEmbedder({ dimensions: 64, tokenizer }), tokenizer, version: "v1", threads });
      return dataDir;
    };
    const [one, two] = [await build(1), await build(2)];
    for (const file of ["embedder-state.json", "bm25.json", "vectors.hnsw", "vectors.i8", "chunks.sqlite"]) {
      const a = await readFile(path.join(snapshotDir(one, "v1"), file));
      const b = await readFile(path.join(snapshotDir(two, "v1"), file));
      expect(b.equals(a), file).toBe(true);
    }
    const loaded = await loadSnapshot(two, new LocalEmbedder({ dimensions: 64, tokenizer }), tokenizer, "v1");
    expect(loaded.bm25.size).toBe(chunks.length);
    expect(loaded.bm25.search("长治高新区 装修补贴", 3).length).toBeGreaterThan(0);
  });
});
