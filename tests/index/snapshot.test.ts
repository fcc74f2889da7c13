import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pruneOldSnapshots } from "../../src/admin/snapshot-history.js";
import { afterEach, describe, expect, it } from "vitest";
import type { Chunk } from "../../src/core/types.js";
import type { Embedder } from "../../src/index/embedder.js";
import { LocalEmbedder } from "../../src/index/embedders/local-embedder.js";
import { SearchIndex } from "../../src/index/search-index.js";
import {
  listSnapshots,
  loadSnapshot,
  readCurrentVersion,
  setCurrentVersion,
  snapshotDir,
  withBuildLock,
  writeSnapshot,
  type WriteSnapshotInput,
} from "../../src/index/snapshot.js";
import { createTokenizer } from "../../src/index/tokenizer.js";

const tokenizer = createTokenizer({ userWords: ["长治高新区", "衡阳高新区"] });

function chunk(source: string, ordinal: number, title: string, text: string, zones: string[]): Chunk {
  return {
    id: `${source}#0:${ordinal}`,
    source,
    articleId: `${source}#0`,
    articleIndex: 0,
    ordinal,
    title,
    zones,
    date: "2023-07-20",
    text,
    indexText: `${title}\n${text}`,
    start: ordinal * 100,
    end: ordinal * 100 + text.length,
  };
}

const chunks: Chunk[] = [
  chunk("corpus/a.txt", 0, "长治高新区招商纪实", "长治高新区为近20家企业兑现装修补贴1.5亿元。", ["长治高新区"]),
  chunk("corpus/a.txt", 1, "长治高新区招商纪实", "长治高新区聘请10多名招商大使，拓展招商渠道。", ["长治高新区"]),
  chunk("corpus/b.txt", 0, "衡阳高新区外贸", "衡阳高新区上半年进出口总额增长97.5%。", ["衡阳高新区"]),
  chunk("corpus/b.txt", 1, "衡阳高新区外贸", "7月11日集中签约仪式签约项目10个，总投资78亿元。", ["衡阳高新区"]),
];

const files = [
  { file: "corpus/a.txt", sha256: "a".repeat(64), bytes: 100, status: "indexed" as const, articles: 1, chunks: 2 },
  { file: "corpus/b.txt", sha256: "b".repeat(64), bytes: 90, status: "indexed" as const, articles: 1, chunks: 2 },
  { file: "corpus/c.pdf", sha256: "c".repeat(64), bytes: 5, status: "skipped" as const, reason: "no text", articles: 0, chunks: 0 },
];

function input(embedder: Embedder = new LocalEmbedder({ dimensions: 128, tokenizer }), extra: Partial<WriteSnapshotInput> = {}): WriteSnapshotInput {
  return { chunks, articleCount: 2, files, embedder, tokenizer, ...extra };
}

const directories: string[] = [];
async function tempDir(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "snapshot-"));
  directories.push(directory);
  return directory;
}
afterEach(async () => {
  while (directories.length > 0) await rm(directories.pop()!, { recursive: true, force: true });
});

describe("snapshots", () => {
  it("writes a snapshot, points current.json at it, and loads it back searchable", async () => {
    const dataDir = await tempDir();
    const progress: [number, number][] = [];
    const configured = new LocalEmbedder({ dimensions: 128, tokenizer });
    const manifest = await writeSnapshot(dataDir, input(configured, { batchSize: 3, onProgress: (d, t) => progress.push([d, t]) }));
    expect(manifest.chunkCount).toBe(4);
    expect(manifest.articleCount).toBe(2);
    expect(manifest.embedder).toEqual({ id: "local-hash-tfidf-v1:128", provider: "local", dimensions: 128 });
    expect(manifest.tokenizer.id).toBe(tokenizer.id);
    expect(manifest.files[2]).toMatchObject({ status: "skipped", reason: "no text" });
    expect(progress).toEqual([[0, 4], [3, 4], [4, 4]]);
    expect(await readCurrentVersion(dataDir)).toBe(manifest.version);
    expect((await readdir(snapshotDir(dataDir, manifest.version))).sort()).toEqual(
      ["bm25.json", "chunks.sqlite", "embedder-state.json", "manifest.json", "vectors.hnsw", "vectors.i8"],
    );

    const loaded = await loadSnapshot(dataDir, configured, tokenizer);
    expect(loaded.manifest).toEqual(manifest);
    expect(loaded.chunks.all()).toEqual(chunks);
    expect(loaded.warnings).toEqual([]);
    // The configured instance stays unfitted; the snapshot gets a restored copy.
    expect(loaded.embedder).not.toBe(configured);

    const index = new SearchIndex(loaded);
    expect(index.searchBm25("装修补贴", 2)[0].index).toBe(0);
    const zoneHits = index.searchBm25("长治高新区", 5, (i) => i !== 0).map((hit) => hit.index);
    expect(zoneHits[0]).toBe(1);
    expect(zoneHits).not.toContain(0);
    const vectorHits = await index.searchVector("衡阳进出口增长了多少", 4);
    expect(vectorHits[0].index).toBe(2);
    const filtered = await index.searchVector("衡阳进出口增长了多少", 4, (i) => i < 2);
    expect(filtered.every((hit) => hit.index < 2)).toBe(true);
  });

  it("keeps several snapshots, switches and prunes them", async () => {
    const dataDir = await tempDir();
    const first = await writeSnapshot(dataDir, input(undefined, { version: "v1" }));
    const second = await writeSnapshot(dataDir, input(undefined, { version: "v2", activate: false }));
    expect(await readCurrentVersion(dataDir)).toBe(first.version);
    expect((await listSnapshots(dataDir)).map((s) => [s.version, s.current])).toEqual([["v2", false], ["v1", true]]);
    await setCurrentVersion(dataDir, second.version);
    expect(await readCurrentVersion(dataDir)).toBe("v2");
    await expect(setCurrentVersion(dataDir, "v9")).rejects.toMatchObject({ code: "SNAPSHOT_MISSING" });
    await writeSnapshot(dataDir, input(undefined, { version: "v3", activate: false }));
    // v2 is current, so it is one of the two kept, with the newest other one (v3).
    expect(await pruneOldSnapshots(dataDir, 2, [])).toEqual(["v1"]);
    const loaded = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 128, tokenizer }), tokenizer, "v3");
    expect(loaded.manifest.version).toBe("v3");
    await expect(loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 128, tokenizer }), tokenizer, "v1")).rejects.toMatchObject({
      code: "SNAPSHOT_MISSING",
    });
  });

  it("refuses to load when there is no index", async () => {
    const dataDir = await tempDir();
    await expect(loadSnapshot(dataDir, new LocalEmbedder({ tokenizer }), tokenizer)).rejects.toMatchObject({
      code: "INDEX_MISSING",
      hint: expect.stringContaining("npm run index"),
    });
  });

  it("refuses a snapshot built with other dimensions or another embedder, saying how to fix it", async () => {
    const dataDir = await tempDir();
    await writeSnapshot(dataDir, input());
    await expect(loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 256, tokenizer }), tokenizer)).rejects.toMatchObject({
      code: "INDEX_DIMENSION_MISMATCH",
      hint: expect.stringContaining("EMBEDDINGS_DIMENSIONS=128"),
    });
    const remote = {
      id: "openai:text-embedding-3-small",
      provider: "openai" as const,
      model: "text-embedding-3-small",
      dimensions: 128,
      embed: async (texts: string[]) => texts.map(() => new Array(128).fill(0.1)),
    };
    await expect(loadSnapshot(dataDir, remote, tokenizer)).rejects.toMatchObject({
      code: "INDEX_EMBEDDER_MISMATCH",
      hint: expect.stringMatching(/npm run index.*EMBEDDINGS_PROVIDER=local/),
    });
  });

  it("warns when the tokenizer changed since the build", async () => {
    const dataDir = await tempDir();
    await writeSnapshot(dataDir, input());
    const other = createTokenizer({ userWords: ["安康高新区"] });
    const loaded = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 128, tokenizer: other }), other);
    expect(loaded.warnings[0]).toMatch(/tokenizer/);
  });

  it("refuses a corrupt manifest, a corrupt current.json and missing files", async () => {
    const dataDir = await tempDir();
    const manifest = await writeSnapshot(dataDir, input());
    const embedder = new LocalEmbedder({ dimensions: 128, tokenizer });
    const manifestFile = path.join(snapshotDir(dataDir, manifest.version), "manifest.json");
    const original = await readFile(manifestFile, "utf8");

    await writeFile(manifestFile, "{ not json");
    await expect(loadSnapshot(dataDir, embedder, tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(manifestFile, JSON.stringify({ ...JSON.parse(original), chunkCount: "four" }));
    await expect(loadSnapshot(dataDir, embedder, tokenizer)).rejects.toMatchObject({
      code: "INDEX_CORRUPT",
      message: expect.stringContaining("chunkCount"),
    });
    await writeFile(manifestFile, JSON.stringify({ ...JSON.parse(original), chunkCount: 5 }));
    await expect(loadSnapshot(dataDir, embedder, tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(manifestFile, original);
    await rm(path.join(snapshotDir(dataDir, manifest.version), "bm25.json"));
    await expect(loadSnapshot(dataDir, embedder, tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });

    await writeFile(path.join(dataDir, "current.json"), "[]");
    await expect(loadSnapshot(dataDir, embedder, tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(path.join(dataDir, "current.json"), JSON.stringify({ version: "gone" }));
    await expect(loadSnapshot(dataDir, embedder, tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
  });

  it("reports INDEX_WRITE_FAILED when DATA_DIR cannot be written (a path under a regular file)", async () => {
    const base = await tempDir();
    const file = path.join(base, "not-a-directory");
    await writeFile(file, "x");
    await expect(writeSnapshot(path.join(file, "data"), input())).rejects.toMatchObject({
      code: "INDEX_WRITE_FAILED",
      hint: expect.stringContaining("DATA_DIR"),
    });
  });

  it("leaves the current snapshot untouched and no temporary directory after a failed build", async () => {
    const dataDir = await tempDir();
    const good = await writeSnapshot(dataDir, input());
    const failing = {
      id: "local-hash-tfidf-v1:128",
      provider: "local" as const,
      dimensions: 128,
      embed: async (texts: string[]) => {
        if (texts.length > 0) throw new Error("disk on fire");
        return [];
      },
    };
    await expect(writeSnapshot(dataDir, input(failing))).rejects.toMatchObject({ code: "INDEX_WRITE_FAILED" });
    expect(await readCurrentVersion(dataDir)).toBe(good.version);
    expect(await readdir(path.join(dataDir, "snapshots"))).toEqual([good.version]);
    const loaded = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 128, tokenizer }), tokenizer);
    expect(loaded.manifest.version).toBe(good.version);
  });
});

describe("withBuildLock", () => {
  it("refuses a second build while one runs, and releases the lock afterwards", async () => {
    const dataDir = await tempDir();
    let release!: () => void;
    const first = withBuildLock(dataDir, () => new Promise<string>((resolve) => (release = () => resolve("done"))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(withBuildLock(dataDir, async () => "second")).rejects.toMatchObject({ code: "INDEX_BUILD_IN_PROGRESS" });
    release();
    expect(await first).toBe("done");
    expect(await withBuildLock(dataDir, async () => "third")).toBe("third");
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, "build.lock"), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: "2020-01-01" }));
    expect(await withBuildLock(dataDir, async () => "ok")).toBe("ok");
  });

  it("lets exactly one of two builders take over the same stale lock", async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, "build.lock"), JSON.stringify({ pid: 2 ** 22 + 54321, startedAt: "2020-01-01" }));
    let running = 0;
    let overlapped = false;
    const build = () =>
      withBuildLock(dataDir, async () => {
        running++;
        if (running > 1) overlapped = true;
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        return "built";
      });
    const results = await Promise.allSettled([build(), build()]);
    expect(overlapped).toBe(false);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { code: "INDEX_BUILD_IN_PROGRESS" } });
    expect(await readdir(dataDir)).not.toContain("build.lock");
  });
});
