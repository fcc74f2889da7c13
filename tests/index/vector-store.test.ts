import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cosine, seeded } from "../helpers/random-vectors.js";
import { VectorStore, VECTORS_FILE } from "../../src/index/vector-store.js";
import { AppError } from "../../src/core/errors.js";


const dimensions = 64;
const random = seeded(42);
const points = Array.from({ length: 5000 }, () => Array.from({ length: dimensions }, random));
const queries = Array.from({ length: 50 }, () => Array.from({ length: dimensions }, random));


function bruteForce(query: number[], k: number, filter?: (index: number) => boolean): number[] {
  return points
    .map((point, index) => ({ index, score: cosine(query, point) }))
    .filter((hit) => !filter || filter(hit.index))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((hit) => hit.index);
}

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe("VectorStore", () => {
  const store = VectorStore.create(dimensions, points.length);
  points.forEach((point, index) => store.add(point, index));

  function recall(search: (query: number[]) => number[], truth: (query: number[]) => number[]): number {
    let found = 0;
    let total = 0;
    for (const query of queries) {
      const expected = new Set(truth(query));
      for (const index of search(query)) if (expected.has(index)) found++;
      total += expected.size;
    }
    return found / total;
  }

  it("reaches recall@10 of at least 0.95 against brute force", () => {
    const value = recall((q) => store.search(q, 10).map((hit) => hit.index), (q) => bruteForce(q, 10));
    expect(value).toBeGreaterThanOrEqual(0.95);
  });

  it("returns cosine similarity scores best first", () => {
    const hits = store.search(queries[0], 5);
    expect(hits).toHaveLength(5);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    expect(hits[0].score).toBeCloseTo(cosine(queries[0], points[hits[0].index]), 4);
  });

  it("applies a filter and keeps recall", () => {
    const even = (index: number) => index % 2 === 0;
    const hits = store.search(queries[1], 10, even);
    expect(hits.every((hit) => hit.index % 2 === 0)).toBe(true);
    const value = recall((q) => store.search(q, 10, even).map((hit) => hit.index), (q) => bruteForce(q, 10, even));
    expect(value).toBeGreaterThanOrEqual(0.95);
  });

  it("still finds k neighbours under a very selective filter", () => {
    const rare = (index: number) => index % 500 === 3;
    const hits = store.search(queries[3], 10, rare);
    expect(hits.map((hit) => hit.index).sort((a, b) => a - b)).toEqual(bruteForce(queries[3], 10, rare).sort((a, b) => a - b));
  });

  it("ranks a subset exactly with the int8 codes (recall@10 ≥ 0.95, scores near the true cosine)", () => {
    const subset = points.map((_, index) => index).filter((index) => index % 7 === 1);
    const inSubset = (index: number) => index % 7 === 1;
    const value = recall((q) => store.searchAmong(q, 10, subset).map((hit) => hit.index), (q) => bruteForce(q, 10, inSubset));
    expect(value).toBeGreaterThanOrEqual(0.95);
    const [top] = store.searchAmong(queries[4], 1, subset);
    expect(top.score).toBeCloseTo(cosine(queries[4], points[top.index]), 2);
    expect(store.searchAmong(queries[4], 5, subset).every((hit) => inSubset(hit.index))).toBe(true);
  });

  it("saves and loads the same index, checking the manifest's count and dimensions", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "vectors-"));
    directories.push(directory);
    await store.save(directory);
    const loaded = await VectorStore.load(directory, dimensions, points.length);
    // The loaded index is searched in TypeScript over the mapped file (double arithmetic), the
    // built one by hnswlib (float32): same neighbours, scores equal to float32 precision.
    const fromFile = loaded.search(queries[2], 10);
    const inMemory = store.search(queries[2], 10);
    expect(fromFile.map((hit) => hit.index)).toEqual(inMemory.map((hit) => hit.index));
    fromFile.forEach((hit, i) => expect(hit.score).toBeCloseTo(inMemory[i].score, 6));
    expect(loaded.supportsExactSubset).toBe(true);
    expect(loaded.searchAmong(queries[2], 10, [1, 8, 15, 22, 29, 36])).toEqual(store.searchAmong(queries[2], 10, [1, 8, 15, 22, 29, 36]));
    await expect(VectorStore.load(directory, dimensions, points.length + 1)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
  });

  it("refuses vectors of the wrong length and unreadable files", async () => {
    expect(() => store.search([1, 2, 3], 5)).toThrow(AppError);
    expect(() => store.add([1, 2, 3], 0)).toThrow(/dimensions/);
    const directory = await mkdtemp(path.join(tmpdir(), "vectors-"));
    directories.push(directory);
    await expect(VectorStore.load(directory, dimensions, 1)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(path.join(directory, VECTORS_FILE), "not an index");
    await expect(VectorStore.load(directory, dimensions, 1)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
  });
});
