import { describe, expect, it } from "vitest";
import { Bm25Builder, Bm25Index } from "../../src/index/bm25.js";
import { createTokenizer } from "../../src/index/tokenizer.js";
import { AppError } from "../../src/core/errors.js";

const tokenizer = createTokenizer({ userWords: ["长治高新区", "衡阳高新区"] });

const docs = [
  "长治高新区围绕制造业振兴，签约引进电子信息产业项目。",
  "衡阳高新区上半年进出口总额增长97.5%，外贸持续向好。",
  "长治高新区为近20家企业兑现装修补贴1.5亿元。",
  "安康高新区建成标准化厂房150万平方米。",
  "高新区持续优化营商环境，推动招商引资。",
];

describe("Bm25Index", () => {
  const index = Bm25Index.build(docs, tokenizer);

  it("ranks the document holding the rare query term first", () => {
    const hits = index.search("装修补贴是多少", 3);
    expect(hits[0].index).toBe(2);
    expect(hits[0].score).toBeGreaterThan(0);
    expect(index.search("进出口增长", 5)[0].index).toBe(1);
    expect(index.search("标准化厂房", 5)[0].index).toBe(3);
  });

  it("returns scores best first and at most k hits", () => {
    const hits = index.search("长治高新区 高新区", 2);
    expect(hits.length).toBe(2);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[1].score);
  });

  it("returns nothing for unknown terms or k = 0", () => {
    expect(index.search("完全无关的词汇量子纠缠", 5)).toEqual([]);
    expect(index.search("装修补贴", 0)).toEqual([]);
  });

  it("applies the filter to candidate documents", () => {
    const hits = index.search("长治高新区", 5, (doc) => doc !== 2 && doc !== 0);
    expect(hits.map((hit) => hit.index)).not.toContain(2);
    expect(hits.map((hit) => hit.index)).not.toContain(0);
    expect(hits.length).toBeGreaterThan(0);
  });

  it("ranks the filtered documents exactly as the full ranking does, without the refused ones", () => {
    const allowed = (doc: number) => doc % 2 === 0;
    const mask = Uint8Array.from(docs, (_, doc) => (allowed(doc) ? 1 : 0));
    for (const query of ["长治高新区 高新区", "高新区 招商引资 补贴"]) {
      const all = index.search(query, docs.length);
      expect(index.search(query, 2, allowed)).toEqual(all.filter((hit) => allowed(hit.index)).slice(0, 2));
      expect(index.search(query, 2, mask)).toEqual(all.filter((hit) => allowed(hit.index)).slice(0, 2));
    }
  });

  it("is the same index whether built whole or from counted slices (as the build threads count them)", () => {
    const texts = [...docs, "", "高新区 高新区 高新区", ...docs.map((doc) => doc.slice(3))];
    const whole = Bm25Index.build(texts, tokenizer).serialise();
    for (const cuts of [[0, 4, 9, texts.length], [0, 1, texts.length], [0, texts.length]]) {
      const partials = cuts.slice(1).map((end, i) => {
        const builder = new Bm25Builder();
        for (const text of texts.slice(cuts[i], end)) builder.add(tokenizer(text));
        return builder.finish();
      });
      const joined = Bm25Index.fromPartials(partials, tokenizer).serialise();
      expect(joined.header).toEqual(whole.header);
      expect(joined.data.equals(whole.data)).toBe(true);
    }
  });

  it("gives the same results after a JSON round trip", () => {
    const restored = Bm25Index.fromJSON(JSON.parse(JSON.stringify(index.toJSON())), tokenizer);
    for (const query of ["装修补贴", "长治高新区 招商引资", "97.5%", "厂房"]) {
      expect(restored.search(query, 5)).toEqual(index.search(query, 5));
    }
  });

  it("gives the same results over its binary arrays (header + bm25.bin), aligned for in-place views", () => {
    const { header, data } = index.serialise();
    for (const range of Object.values(header.arrays)) expect(range.byteOffset % 8).toBe(0);
    // Copy into a fresh ArrayBuffer at offset 0, as a mapping (page-aligned) would present it.
    const aligned = Buffer.from(new Uint8Array(data).buffer);
    const restored = Bm25Index.fromMapped(JSON.parse(JSON.stringify(header)), aligned, tokenizer);
    expect(Bm25Index.hasBinaryArrays(header)).toBe(true);
    expect(Bm25Index.hasBinaryArrays(index.toJSON())).toBe(false);
    for (const query of ["装修补贴", "长治高新区 招商引资", "97.5%", "厂房"]) {
      expect(restored.search(query, 5)).toEqual(index.search(query, 5));
    }
    expect(() => Bm25Index.fromMapped(header, aligned.subarray(0, aligned.length - 4), tokenizer)).toThrow(/outside/);
    expect(() => Bm25Index.fromMapped({ ...header, terms: ["x"] }, aligned, tokenizer)).toThrow(/inconsistent/);
    expect(() => Bm25Index.fromMapped({ ...header, format: "bm25-csr-v9" }, aligned, tokenizer)).toThrow(AppError);
  });

  it("refuses malformed serialised data", () => {
    expect(() => Bm25Index.fromJSON({ format: "nope" }, tokenizer)).toThrow(AppError);
    const data = index.toJSON() as Record<string, unknown>;
    expect(() => Bm25Index.fromJSON({ ...data, terms: ["x"] }, tokenizer)).toThrow(/inconsistent/);
  });

  it("matches a brute-force BM25 on a larger corpus", () => {
    const words = ["招商", "引资", "项目", "补贴", "厂房", "外资", "园区", "企业", "人才", "物流"];
    const corpus: string[] = [];
    for (let d = 0; d < 200; d++) {
      const parts: string[] = [];
      for (let w = 0; w < 3 + (d % 7); w++) parts.push(words[(d * 7 + w * w * 3) % words.length]);
      corpus.push(parts.join(" "));
    }
    const split = (text: string) => text.split(" ").filter(Boolean);
    const big = Bm25Index.build(corpus, split);
    const tokenized = corpus.map(split);
    const average = tokenized.reduce((sum, t) => sum + t.length, 0) / tokenized.length;
    const query = ["补贴", "人才"];
    const bruteScores = tokenized.map((tokens, doc) => {
        let score = 0;
        for (const term of query) {
          const df = tokenized.filter((t) => t.includes(term)).length;
          const idf = Math.log(1 + (tokenized.length - df + 0.5) / (df + 0.5));
          const tf = tokens.filter((t) => t === term).length;
          score += (idf * tf * 2.2) / (tf + 1.2 * (1 - 0.75 + (0.75 * tokens.length) / average));
        }
        return { index: doc, score };
      });
    const expected = bruteScores
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, 10);
    const actual = big.search("补贴 人才", 10);
    // Equal scores may order differently at the cut-off, so compare scores rank by rank and
    // check every returned document really has the score reported.
    expect(actual.length).toBe(expected.length);
    actual.forEach((hit, i) => {
      expect(hit.score).toBeCloseTo(expected[i].score, 5);
      expect(bruteScores[hit.index].score).toBeCloseTo(hit.score, 5);
    });
  });
});

describe("Bm25Index pruning", () => {
  // Long posting lists (Zipf-like word frequencies) so that searches take the MaxScore path, and
  // many repeated documents so that scores tie at the cut-off.
  const vocabulary = Array.from({ length: 300 }, (_, i) => `w${i}`);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.pow(random(), 3) * vocabulary.length))]!;
  const corpus: string[] = [];
  for (let d = 0; d < 20_000; d++) {
    if (d > 10 && random() < 0.3) corpus.push(corpus[Math.floor(random() * d)]!);
    else corpus.push(Array.from({ length: 3 + Math.floor(random() * 18) }, word).join(" "));
  }
  const split = (text: string) => text.split(" ").filter(Boolean);
  const index = Bm25Index.build(corpus, split);
  const tokenized = corpus.map(split);
  const termCounts = tokenized.map((tokens) => {
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    return counts;
  });
  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);

  /** Every document scored the way the index adds its terms, sorted by score, then position. */
  function expected(query: string[], k: number, allowed?: (doc: number) => boolean): { index: number; score: number }[] {
    const counts = new Map<string, number>();
    for (const term of query) if (documentFrequency.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    const total = tokenized.reduce((sum, tokens) => sum + tokens.length, 0);
    const lengthNorm = 0.75 / (total / tokenized.length);
    const scored: { index: number; score: number }[] = [];
    tokenized.forEach((tokens, doc) => {
      if (allowed && !allowed(doc)) return;
      let score = 0;
      let any = false;
      for (const [term, count] of counts) {
        const tf = termCounts[doc]!.get(term) ?? 0;
        if (tf === 0) continue;
        const df = documentFrequency.get(term)!;
        const weight = Math.log(1 + (tokenized.length - df + 0.5) / (df + 0.5)) * count;
        score += (weight * tf * 2.2) / (tf + 1.2 * (1 - 0.75 + lengthNorm * Math.fround(tokens.length)));
        any = true;
      }
      if (any) scored.push({ index: doc, score });
    });
    return scored.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
  }

  it("returns exactly the first k of the full ranking, ties at the cut-off by position, with and without a filter", () => {
    // The common words' lists alone hold more postings than are scored term by term.
    expect(["w0", "w1", "w2"].reduce((sum, term) => sum + documentFrequency.get(term)!, 0)).toBeGreaterThan(20_000);
    const queries = [["w0"], ["w0", "w1", "w2"], ["w5", "w0", "w250", "w0"], ["w3", "w40", "w7", "w1", "w120", "w2", "w9", "w0"], ["w299", "w1"], ["w1", "w1", "w1"]];
    const filters: (((doc: number) => boolean) | undefined)[] = [undefined, (doc) => doc % 3 === 0, (doc) => doc % 97 === 5, (doc) => doc > 19_900];
    for (const query of queries) {
      for (const filter of filters) {
        // The same filter as a mask, a byte per document.
        const mask = filter && Uint8Array.from(corpus, (_, doc) => (filter(doc) ? 1 : 0));
        for (const k of [1, 5, 40, 300]) {
          expect(index.searchTokens(query, k, filter), `${query.join(" ")} k=${k}`).toEqual(expected(query, k, filter));
          if (mask) expect(index.searchTokens(query, k, mask), `${query.join(" ")} k=${k}, mask`).toEqual(expected(query, k, filter));
        }
      }
    }
  });

  it("ranks the same over its binary arrays, and over a file written before the term bounds", () => {
    const { header, data } = index.serialise();
    const restored = Bm25Index.fromMapped(header, Buffer.from(new Uint8Array(data).buffer), split);
    const { termBounds: _, ...older } = header.arrays;
    const withoutBounds = Bm25Index.fromMapped({ ...header, arrays: older }, Buffer.from(new Uint8Array(data).buffer), split);
    for (const query of [["w0", "w1", "w2"], ["w3", "w40", "w7", "w1"]]) {
      expect(restored.searchTokens(query, 40)).toEqual(index.searchTokens(query, 40));
      expect(withoutBounds.searchTokens(query, 40)).toEqual(index.searchTokens(query, 40));
    }
  });
});
