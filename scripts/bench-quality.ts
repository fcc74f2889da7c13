/**
 * Retrieval quality on an eval file, side by side: this product's pipeline (cleaning, article
 * split, sentence chunks, jieba BM25 + HNSW, zone filter, EN→ZH glossary) against a naive
 * LangChain pipeline (RecursiveCharacterTextSplitter + HNSWLib + the same local embedder),
 * measured in the same run on the same questions.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import { Embeddings } from "@langchain/core/embeddings";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { Runtime } from "../src/app/runtime.js";
import { loadEvalFile, missingGroups, type EvalItem } from "../src/app/evaluate.js";
import { LocalEmbedder } from "../src/index/embedders/local-embedder.js";
import { analyzeQuery } from "../src/retrieve/analyze-query.js";
import { hybridSearch } from "../src/retrieve/hybrid-search.js";

export interface QualityRow {
  pipeline: string;
  questions: number;
  hitAt1: number;
  hitAt5: number;
  answerInTop5: number;
}

/** LangChain's Embeddings interface over the project's local embedder. */
class LocalLangChainEmbeddings extends Embeddings {
  constructor(private readonly embedder: LocalEmbedder) {
    super({});
  }
  embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedder.embed(texts);
  }
  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedder.embed([text]);
    return vector!;
  }
}

function stemMatches(expected: string[], source: string): boolean {
  const name = path.basename(source);
  return expected.flatMap((entry) => entry.split("|")).some((stem) => name.startsWith(`${stem}_`) || name.startsWith(`${stem}.`));
}

function score(pipeline: string, items: EvalItem[], retrieved: { source: string; text: string }[][]): QualityRow {
  let hitAt1 = 0;
  let hitAt5 = 0;
  let answerInTop5 = 0;
  items.forEach((item, index) => {
    const top = retrieved[index]!.slice(0, 5);
    if (top[0] && stemMatches(item.sources, top[0].source)) hitAt1++;
    if (top.some((hit) => stemMatches(item.sources, hit.source))) hitAt5++;
    if (missingGroups(item.all, top.map((hit) => hit.text).join("\n")).length === 0) answerInTop5++;
  });
  const n = items.length;
  return { pipeline, questions: n, hitAt1: hitAt1 / n, hitAt5: hitAt5 / n, answerInTop5: answerInTop5 / n };
}

export async function measureRetrievalQuality(runtime: Runtime, evalFile: string): Promise<QualityRow[]> {
  // Retrieval quality is about answerable, standalone questions; refusals and follow-ups are scored by the eval.
  const items = (await loadEvalFile(evalFile)).filter((item) => item.type !== "negative" && item.type !== "followup");
  const { lexicon } = runtime;
  const live = runtime.service.liveIndex;

  const ours: { source: string; text: string }[][] = [];
  for (const item of items) {
    const query = analyzeQuery(item.q, { glossary: lexicon.glossary, places: lexicon.places, segment: lexicon.segmenter, dictionary: lexicon.dictionary });
    const result = await hybridSearch(live.search, live.articlePlaces, query, { topK: 5 });
    ours.push(result.hits.map((hit) => ({ source: hit.chunk.source, text: hit.chunk.text })));
  }

  const corpusDir = runtime.config.CORPUS_DIR;
  const files = (await readdir(corpusDir)).filter((name) => /\.(txt|md)$/.test(name)).sort();
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 300, chunkOverlap: 50 });
  const documents: Document[] = [];
  for (const file of files) {
    const text = await readFile(path.join(corpusDir, file), "utf8");
    documents.push(...(await splitter.createDocuments([text], [{ source: `corpus/${file}` }])));
  }
  const embedder = new LocalEmbedder({ dimensions: runtime.config.EMBEDDINGS_DIMENSIONS, tokenizer: lexicon.tokenizer });
  embedder.fit(documents.map((document) => document.pageContent));
  const store = await HNSWLib.fromDocuments(documents, new LocalLangChainEmbeddings(embedder));
  const naive: { source: string; text: string }[][] = [];
  for (const item of items) {
    const found = await store.similaritySearch(item.q, 5);
    naive.push(found.map((document) => ({ source: String(document.metadata.source), text: document.pageContent })));
  }

  return [score("this product (hybrid, zone-aware, EN→ZH)", items, ours), score("naive LangChain (splitter + HNSWLib)", items, naive)];
}
