import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe("snapshots without the native mmap module (other platforms)", () => {
  it("read the index files into memory, answer the same, and warn once per process", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "mmap-fallback-"));
    directories.push(work);
    // Makes the module unloadable in the child, as on a platform where it did not build.
    const block = path.join(work, "block-mmap.cjs");
    await writeFile(
      block,
      `const Module = require("node:module");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === "@riaskov/mmap-io") throw new Error("no build for this platform");
  return load.call(this, request, ...rest);
};`,
    );
    const script = path.join(work, "load.mts");
    const source = (file: string) => JSON.stringify(path.join(root, "src/index", file));
    await writeFile(
      script,
      `import { writeSnapshot, loadSnapshot } from ${source("snapshot.ts")};
import { LocalEmbedder } from ${source("embedders/local-embedder.ts")};
import { createTokenizer } from ${source("tokenizer.ts")};
const tokenizer = createTokenizer({ userWords: ["长治高新区"] });
const texts = ["长治高新区为近20家企业兑现装修补贴1.5亿元。", "衡阳高新区上半年进出口总额增长97.5%。", "签约项目10个，总投资78亿元。"];
const chunks = texts.map((text, i) => ({ id: "a#0:" + i, source: "a.txt", articleId: "a#0", articleIndex: 0, ordinal: i, title: "t", zones: [], date: "2023-07-20", text, indexText: text, start: 0, end: text.length }));
const dataDir = process.argv[2];
await writeSnapshot(dataDir, { chunks, articleCount: 1, files: [], embedder: new LocalEmbedder({ dimensions: 32, tokenizer }), tokenizer });
const first = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 32, tokenizer }), tokenizer);
const second = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions: 32, tokenizer }), tokenizer);
const [query] = await first.embedder.embed(["进出口总额增长"]);
console.log(JSON.stringify({
  first: first.warnings,
  second: second.warnings,
  bm25: first.bm25.search("装修补贴", 1).map((hit) => hit.index),
  vectors: first.vectors.search(query, 1).map((hit) => hit.index),
  exact: first.vectors.searchAmong(query, 1, [0, 1, 2]).map((hit) => hit.index),
}));
`,
    );
    const { stdout } = await run(process.execPath, ["--require", block, "--import", "tsx", script, path.join(work, "data")], { cwd: root, timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.first).toEqual([expect.stringContaining("Memory-mapping is unavailable (no build for this platform)")]);
    expect(result.second).toEqual([]);
    expect(result.bm25).toEqual([0]);
    expect(result.vectors).toEqual([1]);
    expect(result.exact).toEqual([1]);
  }, 150_000);
});
