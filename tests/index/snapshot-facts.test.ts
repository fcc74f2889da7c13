import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Chunk } from "../../src/core/types.js";
import { MemoryFactStore } from "../../src/facts/fact-store.js";
import { SqliteFactStore } from "../../src/facts/sqlite-fact-store.js";
import type { Fact, MetricDefinition } from "../../src/facts/types.js";
import { LocalEmbedder } from "../../src/index/embedders/local-embedder.js";
import { loadSnapshot, snapshotDir, writeSnapshot } from "../../src/index/snapshot.js";
import { createTokenizer } from "../../src/index/tokenizer.js";
import { extractFacts } from "../../src/facts/extract-facts.js";
import { loadMetricList } from "../../src/facts/metrics.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";

/** Where a snapshot keeps its facts: facts.sqlite, checked at load; facts.json of older builds still loads. */

const tokenizer = createTokenizer({ userWords: ["衡阳高新区"] });
const embedder = () => new LocalEmbedder({ dimensions: 64, tokenizer });
const text = "衡阳高新区上半年签约项目28个，签约投资额150.8亿元。";
const chunk: Chunk = { id: "corpus/b.txt#0:0", source: "corpus/b.txt", articleId: "corpus/b.txt#0", articleIndex: 0, ordinal: 0, title: "衡阳高新区", zones: ["衡阳高新区"], date: "2023-07-20", text, indexText: text, start: 0, end: text.length };
const period = { kind: "half" as const, from: "2023-01", to: "2023-06", zh: "2023年上半年", en: "H1 2023" };
const facts: Fact[] = [
  { id: `${chunk.id}/0/0`, zone: "衡阳高新区", place: "衡阳", level: "zone", period, metric: "signed_projects", label: "签约项目", raw: "28个", value: 28, unit: "个", normalized: 28, normalizedUnit: "count", start: 11, end: 14, sentence: text, source: chunk.source, chunkId: chunk.id, articleId: chunk.articleId, date: "2023-07-20", sentenceStart: 0, sentenceEnd: text.length },
  { id: `${chunk.id}/0/1`, zone: "衡阳高新区", place: "衡阳", level: "zone", period, metric: "signed_investment", label: "签约投资额", raw: "150.8亿元", value: 150.8, unit: "亿元", normalized: 150.8e8, normalizedUnit: "yuan", start: 20, end: 27, sentence: text, source: chunk.source, chunkId: chunk.id, articleId: chunk.articleId, date: "2023-07-20", sentenceStart: 0, sentenceEnd: text.length },
];
const metrics: MetricDefinition[] = [{ key: "signed_projects", zh: "签约项目", en: "signed projects", cues: ["签约项目"], units: ["count"] }];

const directories: string[] = [];
async function build(): Promise<{ dataDir: string; directory: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "snapshot-facts-"));
  directories.push(dataDir);
  const manifest = await writeSnapshot(dataDir, { chunks: [chunk], facts, metrics, articleCount: 1, files: [], embedder: embedder(), tokenizer });
  return { dataDir, directory: snapshotDir(dataDir, manifest.version) };
}
afterEach(async () => {
  while (directories.length > 0) await rm(directories.pop()!, { recursive: true, force: true });
});

describe("snapshot facts", () => {
  it("writes facts.sqlite with the count in the manifest, and loads it as a queried store", async () => {
    const { dataDir, directory } = await build();
    expect(await readdir(directory)).toContain("facts.sqlite");
    expect(await readdir(directory)).not.toContain("facts.json");
    const loaded = await loadSnapshot(dataDir, embedder(), tokenizer);
    expect(loaded.manifest.factCount).toBe(2);
    expect(loaded.facts).toBeInstanceOf(SqliteFactStore);
    expect(loaded.facts.size).toBe(2);
    expect(loaded.metrics).toEqual(metrics);
    expect(loaded.facts.inChunk(chunk.id)).toEqual(facts);
    expect(loaded.facts.find({ zones: ["衡阳高新区"], metrics: ["signed_investment"], period }).map((match) => match.fact.raw)).toEqual(["150.8亿元"]);
  });

  it("refuses a corrupt, truncated or miscounted facts.sqlite with INDEX_CORRUPT and a hint to rebuild", async () => {
    const { dataDir, directory } = await build();
    const file = path.join(directory, "facts.sqlite");
    const original = await readFile(file);

    await writeFile(file, "this is not a database, it only has a .sqlite name");
    await expect(loadSnapshot(dataDir, embedder(), tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT", message: expect.stringContaining("facts.sqlite"), hint: expect.stringContaining("npm run index") });

    await writeFile(file, original);
    await truncate(file, 2048);
    await expect(loadSnapshot(dataDir, embedder(), tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });

    // A readable file that lost a row: its own count, and the manifest's, disagree with it.
    await writeFile(file, original);
    const db = new Database(file);
    db.prepare("DELETE FROM facts WHERE id = 1").run();
    db.close();
    await expect(loadSnapshot(dataDir, embedder(), tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT", message: expect.stringContaining("1") });
    const edited = new Database(file);
    edited.prepare("UPDATE meta SET value = '1' WHERE key = 'count'").run();
    edited.close();
    await expect(loadSnapshot(dataDir, embedder(), tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT", message: expect.stringContaining("manifest") });

    await writeFile(file, original);
    await expect(loadSnapshot(dataDir, embedder(), tokenizer)).resolves.toMatchObject({ manifest: { factCount: 2 } });
  });

  it("still loads a snapshot written before facts.sqlite (facts.json, no factCount), into memory", async () => {
    const { dataDir, directory } = await build();
    await rm(path.join(directory, "facts.sqlite"));
    await writeFile(path.join(directory, "facts.json"), JSON.stringify({ metrics, facts }));
    const manifestFile = path.join(directory, "manifest.json");
    const { factCount: _dropped, ...older } = JSON.parse(await readFile(manifestFile, "utf8")) as { factCount?: number };
    await writeFile(manifestFile, JSON.stringify(older));
    const loaded = await loadSnapshot(dataDir, embedder(), tokenizer);
    expect(loaded.facts).toBeInstanceOf(MemoryFactStore);
    expect(loaded.facts.inSentence(text)).toEqual(facts);
    expect(loaded.metrics).toEqual(metrics);

    await writeFile(path.join(directory, "facts.json"), JSON.stringify({ metrics, facts: [{ broken: true }] }));
    await expect(loadSnapshot(dataDir, embedder(), tokenizer)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    // A snapshot with no facts at all (built before they existed) loads with an empty store.
    await rm(path.join(directory, "facts.json"));
    expect((await loadSnapshot(dataDir, embedder(), tokenizer)).facts.size).toBe(0);
  });

  it("writes the same facts.sqlite from facts extracted during the build (a factSource, batch by batch) as from the facts given whole", async () => {
    const corpus = await readCorpus("corpus");
    const metricList = await loadMetricList(path.resolve("corpus/metrics.json"));
    const whole = extractFacts(corpus.articles, corpus.chunks, { metrics: metricList });
    expect(whole.length).toBeGreaterThan(100);
    const files: Buffer[] = [];
    let reported: { facts: number; extractMs: number } | undefined;
    for (const form of ["whole", "batches"]) {
      const dataDir = await mkdtemp(path.join(tmpdir(), "snapshot-facts-"));
      directories.push(dataDir);
      // Three articles a batch, each with its chunks (what the index builder hands over).
      const batches = function* () {
        for (let start = 0; start < corpus.articles.length; start += 3) {
          const articles = corpus.articles.slice(start, start + 3);
          yield { articles, chunks: corpus.chunks.filter((item) => articles.some((article) => article.id === item.articleId)) };
        }
      };
      const manifest = await writeSnapshot(dataDir, {
        chunks: corpus.chunks,
        ...(form === "whole" ? { facts: whole, metrics: metricList.metrics } : { factSource: { metrics: metricList.metrics, batches: batches(), onDone: (figures) => (reported = figures) } }),
        articleCount: corpus.articles.length,
        files: [],
        embedder: embedder(),
        tokenizer,
        version: "v1",
      });
      expect(manifest.factCount).toBe(whole.length);
      files.push(await readFile(path.join(snapshotDir(dataDir, "v1"), "facts.sqlite")));
    }
    expect(files[1]!.equals(files[0]!)).toBe(true);
    expect(reported?.facts).toBe(whole.length);
  });
});
