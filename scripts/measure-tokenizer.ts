/**
 * Compares tokenizer variants for BM25 on the corpus with crude paragraph chunks: for each
 * Chinese dev question, the rank of the first chunk from the expected file that holds an
 * expected answer string. Informs the `subwords` default in src/index/tokenizer.ts.
 * Usage: npx tsx scripts/measure-tokenizer.ts
 */
import { readFileSync, readdirSync } from "node:fs";
import { Bm25Index } from "../src/index/bm25.js";
import { createTokenizer, type Tokenizer } from "../src/index/tokenizer.js";

const cjk = /^[\u3400-\u9fff]+$/;
function withBigrams(base: Tokenizer): Tokenizer {
  return (text) => {
    const out: string[] = [];
    for (const token of base(text)) {
      out.push(token);
      if (token.length > 2 && cjk.test(token)) for (let i = 0; i + 2 <= token.length; i++) out.push(token.slice(i, i + 2));
    }
    return out;
  };
}

const chunks: { file: string; text: string }[] = [];
for (const name of readdirSync("corpus").filter((n) => n.endsWith(".txt"))) {
  const paragraphs = readFileSync(`corpus/${name}`, "utf8").split(/\n\s*\n/).map((p) => p.replace(/\s+/g, "")).filter(Boolean);
  let current = "";
  for (const paragraph of paragraphs) {
    if (current.length + paragraph.length > Number(process.env.CHUNK_CHARS ?? 350) && current) {
      chunks.push({ file: name.slice(0, 3), text: current });
      current = "";
    }
    current += paragraph;
  }
  if (current) chunks.push({ file: name.slice(0, 3), text: current });
}

const questions = readFileSync("tests/eval/dev.jsonl", "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { q: string; lang: string; sources: string[]; all: string[][]; type?: string })
  .filter((q) => q.lang === "zh" && q.sources.length > 0 && q.all.length > 0 && !q.type);

const userWords = ["长治高新区", "衡阳高新区", "安康高新区", "无锡高新区", "乐山高新区", "景德镇高新区"];
const variants: Record<string, Tokenizer> = {
  exact: createTokenizer({ subwords: "none" }),
  "exact+zones": createTokenizer({ subwords: "none", userWords }),
  "exact+zones+bigrams": withBigrams(createTokenizer({ subwords: "none", userWords })),
  "user-sub+zones": createTokenizer({ subwords: "user", userWords }),
  "search+zones": createTokenizer({ subwords: "all", userWords }),
  "search+zones+bigrams": withBigrams(createTokenizer({ subwords: "all", userWords })),
};

console.log(`${chunks.length} chunks, ${questions.length} questions`);
for (const [name, tokenizer] of Object.entries(variants)) {
  const index = Bm25Index.build(chunks.map((c) => c.text), tokenizer);
  let reciprocal = 0;
  let at1 = 0;
  let at5 = 0;
  for (const question of questions) {
    const relevant = (i: number) =>
      question.sources.some((s) => s.split("|").includes(chunks[i].file)) &&
      question.all[0].some((answer) => chunks[i].text.includes(answer));
    const hits = index.search(question.q, 20);
    const rank = hits.findIndex((hit) => relevant(hit.index));
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    if (rank === 0) at1++;
    if (rank >= 0 && rank < 5) at5++;
  }
  console.log(`${name.padEnd(22)} MRR ${(reciprocal / questions.length).toFixed(3)}  hit@1 ${at1}/${questions.length}  hit@5 ${at5}/${questions.length}`);
}

// Vector ranking with the local embedder, by character n-gram setting.
const { LocalEmbedder } = await import("../src/index/embedders/local-embedder.js");
for (const characterNgrams of [[], [2], [2, 3]]) {
  for (const dimensions of [256, 512, 1024]) {
    const embedder = new LocalEmbedder({ dimensions, tokenizer: createTokenizer({ userWords }), characterNgrams });
    embedder.fit(chunks.map((c) => c.text));
    const vectors = await embedder.embed(chunks.map((c) => c.text));
    let reciprocal = 0;
    let at1 = 0;
    let at5 = 0;
    for (const question of questions) {
      const relevant = (i: number) =>
        question.sources.some((s) => s.split("|").includes(chunks[i].file)) &&
        question.all[0].some((answer) => chunks[i].text.includes(answer));
      const [q] = await embedder.embed([question.q]);
      const ranked = vectors
        .map((v, i) => ({ i, s: v.reduce((sum, x, d) => sum + x * q[d], 0) }))
        .sort((a, b) => b.s - a.s);
      const rank = ranked.findIndex((hit) => relevant(hit.i));
      if (rank >= 0 && rank < 20) reciprocal += 1 / (rank + 1);
      if (rank === 0) at1++;
      if (rank >= 0 && rank < 5) at5++;
    }
    console.log(
      `embedder ngrams=[${characterNgrams}] dims=${dimensions}`.padEnd(36),
      `MRR ${(reciprocal / questions.length).toFixed(3)}  hit@1 ${at1}/${questions.length}  hit@5 ${at5}/${questions.length}`,
    );
  }
}
