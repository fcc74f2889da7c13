import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import { loadLiveIndex } from "../../src/app/live-index.js";
import { CachedEmbedder, EmbeddingCache } from "../../src/admin/embedding-cache.js";
import { reindex } from "../../src/admin/reindex.js";
import { silentLogger } from "../../src/core/logger.js";
import { createEmbedder } from "../../src/index/embedders/create-embedder.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";
import { NEW_REPORT } from "./fixtures.js";
import { mockEmbedderEnv, startMockEmbeddings, type MockEmbeddings } from "./mock-embeddings.js";



describe("incremental builds with the embedding cache (OpenAI-compatible embedder)", () => {
  let mock: MockEmbeddings;
  let workspace: TempWorkspace;

  beforeAll(async () => {
    mock = await startMockEmbeddings();
    workspace = await createTempWorkspace();
  });
  afterAll(async () => {
    await mock.close();
    await workspace.cleanup();
  });

  it("second build after adding one report embeds only that report's chunks", async () => {
    const config = testConfig(workspace, mockEmbedderEnv(mock));
    const lexicon = await loadLexicon(config.CORPUS_DIR);

    const first = await reindex(config, lexicon, { log: silentLogger, gate: false });
    expect(first.state).toBe("succeeded");
    expect(first.embeddings).toEqual({ cached: 0, embedded: first.chunks });
    expect(mock.texts.length).toBe(first.chunks);

    await writeFile(path.join(workspace.corpusDir, "900_new_report.txt"), NEW_REPORT, "utf8");
    mock.reset();
    const second = await reindex(config, lexicon, { log: silentLogger });
    expect(second.state).toBe("succeeded");
    const added = second.files.find((file) => file.file.endsWith("900_new_report.txt"));
    expect(added).toMatchObject({ status: "indexed", change: "added" });
    expect(added!.chunks).toBeGreaterThan(0);
    expect(second.files.filter((file) => file.change === "unchanged")).toHaveLength(first.files.length);
    // Only the new report's chunks went to the API (the gate's query embeddings are questions, not chunks).
    expect(second.embeddings).toEqual({ cached: first.chunks, embedded: added!.chunks });
    const embeddedChunkTexts = mock.texts.filter((text) => text.includes("青川"));
    expect(embeddedChunkTexts.length).toBe(added!.chunks);

    // The new snapshot answers with the new report.
    const live = await loadLiveIndex(config, lexicon);
    expect(live.manifest.version).toBe(second.version);
    expect(live.manifest.chunkCount).toBe(first.chunks + added!.chunks);
  });

  it("CachedEmbedder sends only misses to the inner embedder and learns dimensions from the cache", async () => {
    const config = testConfig(workspace, mockEmbedderEnv(mock));
    const cache = EmbeddingCache.open({ dataDir: path.join(workspace.root, "cache-unit") });
    try {
      const first = new CachedEmbedder(createEmbedder(config), cache);
      mock.reset();
      const a = await first.embed(["甲乙丙", "丁戊己"]);
      expect(mock.texts).toEqual(["甲乙丙", "丁戊己"]);
      const second = new CachedEmbedder(createEmbedder(config), cache);
      expect(second.dimensionsKnown).toBe(false);
      mock.reset();
      const b = await second.embed(["丁戊己", "庚辛壬", "甲乙丙"]);
      expect(mock.texts).toEqual(["庚辛壬"]);
      expect(second.stats).toEqual({ hits: 2, misses: 1 });
      expect(b[0]![3]).toBeCloseTo(a[1]![3]!, 5);
      expect(b[2]![7]).toBeCloseTo(a[0]![7]!, 5);
      const third = new CachedEmbedder(createEmbedder(config), cache);
      mock.reset();
      await third.embed(["甲乙丙"]);
      expect(mock.requests).toBe(0);
      expect(third.dimensions).toBe(a[0]!.length);
      expect(third.dimensionsKnown).toBe(true);
    } finally {
      cache.close();
    }
  });
});
