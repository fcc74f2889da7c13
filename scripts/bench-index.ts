/**
 * Index benchmark on synthetic chunks: build time (embed + HNSW + BM25 + write), load time and
 * search latency. Usage: npx tsx scripts/bench-index.ts [chunks=100000] [dimensions=512]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalEmbedder } from "../src/index/embedders/local-embedder.js";
import { SearchIndex } from "../src/index/search-index.js";
import { loadSnapshot, writeSnapshot } from "../src/index/snapshot.js";
import { createTokenizer } from "../src/index/tokenizer.js";
import { makeSyntheticChunks } from "./make-synthetic-corpus.js";

const count = Number(process.argv[2] ?? 100_000);
const dimensions = Number(process.argv[3] ?? 512);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const tokenizer = createTokenizer({ userWords: ["长治高新区", "衡阳高新区", "安康高新区"] });
let started = performance.now();
const chunks = makeSyntheticChunks(count, 7);
console.log(`synthetic chunks: ${count} in ${(performance.now() - started).toFixed(0)} ms`);

const dataDir = await mkdtemp(path.join(tmpdir(), "bench-index-"));
try {
  started = performance.now();
  let lastReport = 0;
  const manifest = await writeSnapshot(dataDir, {
    chunks,
    articleCount: Math.ceil(count / 6),
    files: [],
    embedder: new LocalEmbedder({ dimensions, tokenizer }),
    tokenizer,
    onProgress: (done, total) => {
      if (done - lastReport >= 20_000 || done === total) {
        lastReport = done;
        console.log(`  embedded ${done}/${total} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    },
  });
  const buildMs = performance.now() - started;
  console.log(`build (fit + embed + HNSW + BM25 + write): ${(buildMs / 1000).toFixed(1)} s`);

  started = performance.now();
  const snapshot = await loadSnapshot(dataDir, new LocalEmbedder({ dimensions, tokenizer }), tokenizer, manifest.version);
  console.log(`load: ${(performance.now() - started).toFixed(0)} ms, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  const index = new SearchIndex(snapshot);

  const queries = [
    "长治高新区给企业兑现了多少装修补贴？",
    "衡阳高新区今年上半年进出口总额增长多少",
    "安康高新区实际利用外资多少万美元",
    "哪些园区有人才公寓政策",
    "新能源汽车项目总投资",
    "What incentives does Changzhi offer?",
    "芜湖经开区规上工业增加值",
    "标准化厂房建设面积",
  ];
  const bm25Times: number[] = [];
  const vectorTimes: number[] = [];
  for (let round = 0; round < 25; round++) {
    for (const query of queries) {
      let t = performance.now();
      index.searchBm25(query, 50);
      bm25Times.push(performance.now() - t);
      t = performance.now();
      await index.searchVector(query, 50);
      vectorTimes.push(performance.now() - t);
    }
  }
  const report = (name: string, values: number[]) =>
    console.log(`${name}: p50 ${percentile(values, 50).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms`);
  report("bm25 top-50", bm25Times);
  report("vector top-50 (embed + HNSW)", vectorTimes);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
