import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { afterAll, describe, expect, it } from "vitest";
import { cosine, seeded } from "../helpers/random-vectors.js";
import { HnswGraph } from "../../src/index/hnsw-graph.js";
import { mapFile } from "../../src/index/mapped-file.js";
import { VectorStore, VECTORS_FILE, CODES_FILE } from "../../src/index/vector-store.js";


const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "hnsw-graph-"));
  directories.push(directory);
  return directory;
}


function exact(points: number[][], query: number[], k: number, filter?: (label: number) => boolean): number[] {
  return points
    .map((point, label) => ({ label, score: cosine(query, point) }))
    .filter((hit) => !filter || filter(hit.label))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((hit) => hit.label);
}

/** The same points in hnswlib-node (the reference) and, through its saved file, in HnswGraph. */
async function buildBoth(count: number, dimensions: number, seed: number) {
  const random = seeded(seed);
  const points = Array.from({ length: count }, () => Array.from({ length: dimensions }, random));
  const queries = Array.from({ length: 60 }, () => Array.from({ length: dimensions }, random));
  const reference = new hnswlib.HierarchicalNSW("cosine", dimensions);
  reference.initIndex({ maxElements: count, m: 16, efConstruction: 200, randomSeed: 100 });
  points.forEach((point, label) => reference.addPoint(point, label));
  const file = path.join(await temporaryDirectory(), VECTORS_FILE);
  await reference.writeIndex(file);
  const graph = new HnswGraph(mapFile(file, "test index").buffer, dimensions, count, file);
  return { points, queries, reference, graph };
}

function compare(
  built: Awaited<ReturnType<typeof buildBoth>>,
  k: number,
  ef: number,
  filter?: (label: number) => boolean,
): { overlap: number; oursRecall: number; theirRecall: number } {
  const { points, queries, reference, graph } = built;
  reference.setEf(ef);
  let same = 0;
  let ours = 0;
  let theirs = 0;
  let total = 0;
  for (const query of queries) {
    const expected = reference.searchKnn(query, k, filter);
    const got = graph.searchKnn(query, k, ef, filter);
    expect(got.labels.length).toBe(expected.neighbors.length);
    // Nearest first, and the distance of each returned label agrees with hnswlib's float32 arithmetic.
    for (let i = 1; i < got.distances.length; i++) expect(got.distances[i]).toBeGreaterThanOrEqual(got.distances[i - 1]);
    const theirDistance = new Map(expected.neighbors.map((label, i) => [label, expected.distances[i]]));
    got.labels.forEach((label, i) => {
      if (theirDistance.has(label)) expect(got.distances[i]).toBeCloseTo(theirDistance.get(label)!, 5);
    });
    const truth = new Set(exact(points, query, k, filter));
    const theirSet = new Set(expected.neighbors);
    for (const label of got.labels) {
      if (theirSet.has(label)) same++;
      if (truth.has(label)) ours++;
      if (filter) expect(filter(label)).toBe(true);
    }
    for (const label of expected.neighbors) if (truth.has(label)) theirs++;
    total += truth.size;
  }
  return { overlap: same / total, oursRecall: ours / total, theirRecall: theirs / total };
}

describe("HnswGraph over a file written by hnswlib-node", () => {
  let medium: ReturnType<typeof buildBoth> | undefined;
  const mediumIndex = () => (medium ??= buildBoth(3000, 64, 7));

  it("returns hnswlib's neighbours on 3,000 × 64-d points, at several ef", async () => {
    const built = await mediumIndex();
    for (const ef of [10, 40, 128]) {
      const { overlap, oursRecall, theirRecall } = compare(built, 10, ef);
      expect(overlap).toBeGreaterThanOrEqual(0.99);
      expect(oursRecall).toBeGreaterThanOrEqual(theirRecall - 0.005);
    }
    // Low ef makes recall visibly imperfect, so the comparison above is not trivially 1 = 1.
    expect(compare(built, 10, 10).theirRecall).toBeLessThan(compare(built, 10, 128).theirRecall);
  });

  it("returns hnswlib's neighbours on 400 × 512-d points", async () => {
    const built = await buildBoth(400, 512, 11);
    const { overlap, oursRecall, theirRecall } = compare(built, 10, 32);
    expect(overlap).toBeGreaterThanOrEqual(0.99);
    expect(oursRecall).toBeGreaterThanOrEqual(theirRecall - 0.005);
  });

  it("applies filters as hnswlib does: selective, permissive and refusing everything", async () => {
    const built = await mediumIndex();
    const selective = compare(built, 10, 64, (label) => label % 50 === 7);
    expect(selective.overlap).toBeGreaterThanOrEqual(0.98);
    expect(selective.oursRecall).toBeGreaterThanOrEqual(selective.theirRecall - 0.01);
    const permissive = compare(built, 10, 64, () => true);
    expect(permissive.overlap).toBeGreaterThanOrEqual(0.99);
    expect(built.graph.searchKnn(built.queries[0], 10, 64, () => false).labels).toEqual([]);
  });

  it("gives sparse queries (a few non-zero components, like a local-embedder question) the distances of the full loop, to the last bit", async () => {
    const built = await buildBoth(400, 512, 13);
    built.reference.setEf(64);
    const random = seeded(5);
    let same = 0;
    for (let q = 0; q < 20; q++) {
      const query = new Array<number>(512).fill(0);
      for (let j = 0; j < 12 + q; j++) query[Math.floor(random() * 509)] = random() - 0.5;
      if (q % 2 === 0) query[511] = 0.25; // the last component: the fourth sum's last term
      const got = built.graph.searchKnn(query, 10, 64);
      const expected = built.reference.searchKnn(query, 10);
      same += got.labels.filter((label) => expected.neighbors.includes(label)).length;
      // The full four-sum loop HnswGraph runs for dense queries, over the stored (normalised) vectors.
      let norm = 0;
      for (const value of query) norm += value * value;
      norm = Math.sqrt(norm);
      const normalised = Float64Array.from(query, (value) => value / norm);
      got.labels.forEach((label, i) => {
        const stored = built.reference.getPoint(label);
        const sums = [0, 0, 0, 0];
        for (let d = 0; d < 512; d++) sums[d % 4] += normalised[d] * stored[d];
        expect(got.distances[i]).toBe(1 - (sums[0] + sums[1] + sums[2] + sums[3]));
      });
    }
    // hnswlib's float32 arithmetic may order near-equal neighbours otherwise, rarely.
    expect(same / 200).toBeGreaterThanOrEqual(0.97);
  });

  it("returns every element when k exceeds the count", async () => {
    const built = await buildBoth(50, 16, 17);
    const all = built.graph.searchKnn(built.queries[0], 80, 10);
    expect([...all.labels].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(all.labels).toEqual(exact(built.points, built.queries[0], 50));
  });
});

describe("VectorStore loaded from mapped files", () => {
  it("searches like the in-memory hnswlib index it was saved from, with the codes mapped", async () => {
    const random = seeded(23);
    const dimensions = 32;
    const points = Array.from({ length: 1500 }, () => Array.from({ length: dimensions }, random));
    const store = VectorStore.create(dimensions, points.length);
    points.forEach((point, label) => store.add(point, label));
    const directory = await temporaryDirectory();
    await store.save(directory);
    const loaded = await VectorStore.load(directory, dimensions, points.length);
    const query = Array.from({ length: dimensions }, random);
    expect(loaded.search(query, 10).map((hit) => hit.index)).toEqual(store.search(query, 10).map((hit) => hit.index));
    const rare = (index: number) => index % 300 === 5;
    expect(loaded.search(query, 5, rare).map((hit) => hit.index).sort()).toEqual(exact(points, query, 5, rare).sort());
    expect(loaded.search(query, 5000)).toHaveLength(points.length);
    expect(loaded.searchAmong(query, 3, [1, 2, 3, 4])).toEqual(store.searchAmong(query, 3, [1, 2, 3, 4]));
    // A loaded index is saved byte for byte as it was mapped.
    const copy = await temporaryDirectory();
    await loaded.save(copy);
    expect(await readFile(path.join(copy, VECTORS_FILE))).toEqual(await readFile(path.join(directory, VECTORS_FILE)));
    expect(await readFile(path.join(copy, CODES_FILE))).toEqual(await readFile(path.join(directory, CODES_FILE)));
    expect(() => loaded.add(query, 0)).toThrow(/read-only/);
  });

  it("ranks a subset exactly like the full loop and a full sort, ties between equal vectors by position", async () => {
    const random = seeded(31);
    const dimensions = 64;
    const base = Array.from({ length: 300 }, () => Array.from({ length: dimensions }, () => random() - 0.5));
    // Every point three times: equal codes, equal scores; the lower position must come first.
    const points = [...base, ...base, ...base];
    const store = VectorStore.create(dimensions, points.length);
    points.forEach((point, label) => store.add(point, label));
    const { codes, scales } = store as unknown as { codes: Int8Array; scales: Float32Array };
    const labels = Array.from({ length: points.length }, (_, i) => points.length - 1 - i).filter((label) => label % 5 !== 0);
    for (const nonZero of [3, 20, dimensions]) {
      const query = new Array<number>(dimensions).fill(0);
      for (let j = 0; j < nonZero; j++) query[(j * 7) % dimensions] = random() - 0.5;
      let norm = 0;
      for (const value of query) norm += value * value;
      norm = Math.sqrt(norm) || 1;
      const full = labels.map((label) => {
        let dot = 0;
        for (let i = 0; i < dimensions; i++) dot += codes[label * dimensions + i]! * query[i]!;
        return { index: label, score: dot / (scales[label]! * norm) };
      });
      const expected = full.sort((a, b) => b.score - a.score || a.index - b.index);
      for (const k of [1, 7, 40, labels.length + 5]) expect(store.searchAmong(query, k, labels)).toEqual(expected.slice(0, k));
    }
  });

  it("loads a 1-element and an empty index", async () => {
    const one = VectorStore.create(8, 1);
    one.add([1, 0, 0, 0, 0, 0, 0, 0], 0);
    const oneDirectory = await temporaryDirectory();
    await one.save(oneDirectory);
    const loadedOne = await VectorStore.load(oneDirectory, 8, 1);
    expect(loadedOne.search([0.5, 0.5, 0, 0, 0, 0, 0, 0], 3).map((hit) => hit.index)).toEqual([0]);
    expect(loadedOne.search([1, 0, 0, 0, 0, 0, 0, 0], 1)[0].score).toBeCloseTo(1, 5);
    expect(loadedOne.search([1, 0, 0, 0, 0, 0, 0, 0], 1, () => false)).toEqual([]);

    const empty = VectorStore.create(8, 0);
    const emptyDirectory = await temporaryDirectory();
    await empty.save(emptyDirectory);
    const loadedEmpty = await VectorStore.load(emptyDirectory, 8, 0);
    expect(loadedEmpty.size).toBe(0);
    expect(loadedEmpty.search([1, 0, 0, 0, 0, 0, 0, 0], 5)).toEqual([]);
    expect(loadedEmpty.searchAmong([1, 0, 0, 0, 0, 0, 0, 0], 5, [])).toEqual([]);
  });

  it("refuses truncated, damaged, empty and missing files and a dimension mismatch", async () => {
    const random = seeded(29);
    const store = VectorStore.create(16, 200);
    for (let label = 0; label < 200; label++) store.add(Array.from({ length: 16 }, random), label);
    const directory = await temporaryDirectory();
    await store.save(directory);
    const file = path.join(directory, VECTORS_FILE);
    const original = await readFile(file);

    await expect(VectorStore.load(directory, 24, 200)).rejects.toMatchObject({ code: "INDEX_DIMENSION_MISMATCH" });
    await expect(VectorStore.load(directory, 16, 201)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });

    await writeFile(file, original.subarray(0, original.length - 100));
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(file, original.subarray(0, 50));
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    // A neighbour id pointing outside the index (first link of element 0).
    const damaged = Buffer.from(original);
    damaged.writeUInt32LE(1, 96);
    damaged.writeUInt32LE(999_999, 100);
    await writeFile(file, damaged);
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(file, Buffer.concat([original, Buffer.alloc(4)]));
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    await writeFile(file, "");
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT", hint: expect.stringContaining("npm run index") });
    await rm(file);
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });

    await writeFile(file, original);
    await writeFile(path.join(directory, CODES_FILE), Buffer.alloc(10));
    await expect(VectorStore.load(directory, 16, 200)).rejects.toMatchObject({ code: "INDEX_CORRUPT" });
    // Without the codes (an older snapshot) it loads and falls back to filtered graph search.
    await rm(path.join(directory, CODES_FILE));
    expect((await VectorStore.load(directory, 16, 200)).supportsExactSubset).toBe(false);
  });
});

describe("mapFile", () => {
  it("maps with the native module and reads the same bytes without it", async () => {
    const file = path.join(await temporaryDirectory(), "data.bin");
    const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    await writeFile(file, content);
    const mapped = mapFile(file, "test data");
    expect(mapped.mapped).toBe(true);
    expect(Buffer.compare(mapped.buffer, content)).toBe(0);
    const read = mapFile(file, "test data", null);
    expect(read.mapped).toBe(false);
    expect(Buffer.compare(read.buffer, content)).toBe(0);
    expect(read.buffer.byteOffset % 8).toBe(0);
    expect(() => mapFile(path.join(path.dirname(file), "missing.bin"), "test data", null)).toThrow(/cannot be read/);
  });
});
