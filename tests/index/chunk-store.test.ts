import { mkdtemp, open, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import type { Chunk } from "../../src/core/types.js";
import { MemoryChunkStore, SqliteChunkStore, writeChunkDatabase, type ArticleGroup, type ChunkStore } from "../../src/index/chunk-store.js";
import { LocalEmbedder } from "../../src/index/embedders/local-embedder.js";
import { loadSnapshot, snapshotDir, writeSnapshot } from "../../src/index/snapshot.js";
import { createTokenizer } from "../../src/index/tokenizer.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";
import { computeArticlePlaces } from "../../src/retrieve/places.js";

/**
 * One contract, two implementations: every method of the in-memory store and of the SQLite store
 * must give what a plain scan over the Chunk[] gives, on the real corpus and on the policy
 * fixtures (which carry rule chunks).
 */

const directories: string[] = [];
async function tempDir(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "chunk-store-"));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  while (directories.length > 0) await rm(directories.pop()!, { recursive: true, force: true });
});

/** What every store must answer, computed by scanning the array. */
const expected = {
  ofArticle(chunks: Chunk[], articleId: string): Chunk[] {
    return chunks.filter((chunk) => chunk.articleId === articleId).sort((a, b) => a.ordinal - b.ordinal);
  },
  articles(chunks: Chunk[]) {
    const ids = [...new Set(chunks.map((chunk) => chunk.articleId))];
    return ids.map((articleId) => {
      const ofArticle = expected.ofArticle(chunks, articleId);
      const first = ofArticle[0]!;
      return { articleId, source: first.source, title: first.title, zones: first.zones, ...(first.date !== undefined ? { date: first.date } : {}), chunkCount: ofArticle.length };
    });
  },
  groups(chunks: Chunk[]): ArticleGroup[] {
    const ids = [...new Set(chunks.map((chunk) => chunk.articleId))];
    return ids.map((articleId) => {
      const positions = chunks.flatMap((chunk, position) => (chunk.articleId === articleId ? [position] : []));
      return { articleId, positions, chunks: positions.map((position) => ({ title: chunks[position]!.title, zones: chunks[position]!.zones, text: chunks[position]!.text })) };
    });
  },
};

const corpora = [
  { name: "the real corpus", directory: path.resolve("corpus"), needles: [["长治"], ["衡阳", "安康高新区"], ["装修补贴"], ["这段文字不在资料里"]] },
  { name: "the policy fixtures", directory: path.resolve("tests/fixtures/policies"), needles: [["柳河"], ["沙湾", "临港"], ["补贴", "奖励"], ["没有的词"]] },
];

describe.each(corpora)("chunk stores over $name", ({ directory, needles }) => {
  let chunks: Chunk[];
  const stores: Array<{ kind: string; store: ChunkStore }> = [];

  beforeAll(async () => {
    chunks = (await readCorpus(directory)).chunks;
    const file = path.join(await tempDir(), "chunks.sqlite");
    await writeChunkDatabase(file, chunks, { batchSize: 7 });
    // A small cache, so that the tests also read chunks that were evicted and decoded again.
    stores.push({ kind: "memory", store: new MemoryChunkStore(chunks) }, { kind: "sqlite", store: SqliteChunkStore.open(file, chunks.length, { cacheSize: 5 }) });
  });
  afterAll(() => stores.forEach(({ store }) => store.close()));

  it("has chunks to test with", () => {
    expect(chunks.length).toBeGreaterThan(20);
    expect(new Set(chunks.map((chunk) => chunk.articleId)).size).toBeGreaterThan(3);
  });

  it.each(["memory", "sqlite"])("%s: get, byId and all give back the chunks as written", (kind) => {
    const { store } = stores.find((entry) => entry.kind === kind)!;
    expect(store.count).toBe(chunks.length);
    chunks.forEach((chunk, position) => expect(store.get(position)).toEqual(chunk));
    // Twice round, so that cached and freshly decoded chunks are both compared.
    chunks.forEach((chunk, position) => expect(JSON.stringify(store.get(position))).toBe(JSON.stringify(chunk)));
    expect(store.get(-1)).toBeUndefined();
    expect(store.get(chunks.length)).toBeUndefined();
    expect(store.get(1.5)).toBeUndefined();
    for (const chunk of chunks) expect(store.byId(chunk.id)).toEqual(chunk);
    expect(store.byId("corpus/none.txt#0:0")).toBeUndefined();
    expect(store.all()).toEqual(chunks);
  });

  it.each(["memory", "sqlite"])("%s: articles in reading order, with their summaries", (kind) => {
    const { store } = stores.find((entry) => entry.kind === kind)!;
    for (const articleId of new Set(chunks.map((chunk) => chunk.articleId))) {
      expect(store.ofArticle(articleId)).toEqual(expected.ofArticle(chunks, articleId));
    }
    expect(store.ofArticle("corpus/none.txt#0")).toEqual([]);
    expect(store.articles()).toEqual(expected.articles(chunks));
    const groups: ArticleGroup[] = [];
    store.forEachArticle((group) => groups.push(group));
    expect(groups).toEqual(expected.groups(chunks));
  });

  it.each(["memory", "sqlite"])("%s: rule chunks, zone names and passages mentioning a place", (kind) => {
    const { store } = stores.find((entry) => entry.kind === kind)!;
    expect(store.ruleChunks()).toEqual(chunks.filter((chunk) => Boolean(chunk.rule)));
    expect(store.zoneNames(3)).toEqual([...new Set(chunks.flatMap((chunk) => chunk.zones.slice(0, 3)))]);
    expect(store.zoneNames(1)).toEqual([...new Set(chunks.flatMap((chunk) => chunk.zones.slice(0, 1)))]);
    for (const list of needles) {
      const scanned = chunks.flatMap((chunk, position) => (list.some((needle) => chunk.text.includes(needle)) ? [position] : []));
      expect(store.positionsMentioning(list)).toEqual(scanned);
      const kinds = ["高新区", "县", "市"];
      const followed = chunks.flatMap((chunk, position) => (list.some((place) => kinds.some((kind) => chunk.text.includes(place + kind))) ? [position] : []));
      expect(store.positionsMentioning(list, kinds)).toEqual(followed);
    }
    expect(store.positionsMentioning([])).toEqual([]);
  });

  it("computes the same article places from either store", async () => {
    const { places } = await loadLexicon(path.resolve("corpus"));
    const [memory, sqlite] = stores.map(({ store }) => computeArticlePlaces(store, places));
    expect(memory!.all.size).toBeGreaterThan(0);
    expect([...sqlite!.all]).toEqual([...memory!.all]);
    expect([...sqlite!.chunksByPlace.entries()].map(([place, list]) => [place, [...list]])).toEqual(
      [...memory!.chunksByPlace.entries()].map(([place, list]) => [place, [...list]]),
    );
    for (const list of memory!.chunksByPlace.values()) expect([...list]).toEqual([...list].sort((a, b) => a - b));
  });

  it("has rule chunks in the policy fixtures only where policies are", () => {
    const rules = chunks.filter((chunk) => Boolean(chunk.rule)).length;
    if (directory.endsWith("policies")) expect(rules).toBeGreaterThan(0);
    expect(stores[1]!.store.ruleChunks()).toHaveLength(rules);
  });
});

describe("chunks.sqlite in a snapshot", () => {
  const tokenizer = createTokenizer({ userWords: ["长治高新区", "衡阳高新区"] });
  let chunks: Chunk[];
  beforeAll(async () => {
    chunks = (await readCorpus(path.resolve("corpus"))).chunks.slice(0, 40);
  });
  const opened: ChunkStore[] = [];
  afterEach(() => opened.splice(0).forEach((store) => store.close()));

  async function build(): Promise<{ dataDir: string; file: string; version: string }> {
    const dataDir = await tempDir();
    const manifest = await writeSnapshot(dataDir, {
      chunks,
      articleCount: new Set(chunks.map((chunk) => chunk.articleId)).size,
      files: [],
      embedder: new LocalEmbedder({ dimensions: 32, tokenizer }),
      tokenizer,
    });
    return { dataDir, version: manifest.version, file: path.join(snapshotDir(dataDir, manifest.version), "chunks.sqlite") };
  }
  const load = async (dataDir: string) => {
    const loaded = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 32, tokenizer }), tokenizer);
    opened.push(loaded.chunks);
    return loaded;
  };

  it("is written by writeSnapshot and loaded as a SQLite store", async () => {
    const { dataDir } = await build();
    const loaded = await load(dataDir);
    expect(loaded.chunks).toBeInstanceOf(SqliteChunkStore);
    expect(loaded.chunks.all()).toEqual(chunks);
  });

  it.each([
    ["truncated to half", async (file: string) => truncate(file, Math.floor((await stat(file)).size / 2))],
    ["not a database", (file: string) => writeFile(file, "[")],
    ["with an overwritten header", async (file: string) => {
      const handle = await open(file, "r+");
      await handle.write(Buffer.alloc(100, 0x41), 0, 100, 0);
      await handle.close();
    }],
    ["with an overwritten page", async (file: string) => {
      const handle = await open(file, "r+");
      await handle.write(Buffer.alloc(8192, 0x7f), 0, 8192, 8192);
      await handle.close();
    }],
    ["missing", (file: string) => rm(file)],
  ])("refuses a chunk database %s with INDEX_CORRUPT and the rebuild hint", async (_what, damage) => {
    const { dataDir, file } = await build();
    await damage(file);
    await expect(load(dataDir)).rejects.toMatchObject({ code: "INDEX_CORRUPT", hint: expect.stringContaining("npm run index") });
  });

  it("refuses a chunk database whose count differs from the manifest", async () => {
    const { dataDir, file } = await build();
    await writeChunkDatabase(file, chunks.slice(1));
    await expect(load(dataDir)).rejects.toMatchObject({ code: "INDEX_CORRUPT", message: expect.stringContaining(`not the ${chunks.length}`) });
  });

  it("still loads a snapshot written before chunks.sqlite (chunks.json), and refuses a damaged one", async () => {
    const { dataDir, file } = await build();
    await rm(file);
    const legacy = path.join(path.dirname(file), "chunks.json");
    await writeFile(legacy, JSON.stringify(chunks));
    const loaded = await load(dataDir);
    expect(loaded.chunks).toBeInstanceOf(MemoryChunkStore);
    expect(loaded.chunks.all()).toEqual(chunks);
    expect(loaded.chunks.byId(chunks[3]!.id)).toEqual(chunks[3]);
    await writeFile(legacy, (await readFile(legacy, "utf8")).slice(0, 100));
    await expect(load(dataDir)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
  });
});
