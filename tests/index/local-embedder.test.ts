import { describe, expect, it } from "vitest";
import { LocalEmbedder } from "../../src/index/embedders/local-embedder.js";
import { createEmbedder } from "../../src/index/embedders/create-embedder.js";
import { createTokenizer } from "../../src/index/tokenizer.js";
import { loadConfig } from "../../src/core/config.js";
import { AppError } from "../../src/core/errors.js";

const tokenizer = createTokenizer();
const corpus = [
  "长治高新区为近20家企业兑现装修补贴1.5亿元，帮助企业降低成本。",
  "衡阳高新区上半年进出口总额增长97.5%，外贸持续向好。",
  "安康高新区建成标准化厂房150万平方米及配套基础设施。",
  "安康市新设外商投资企业9家，实际利用外资6836万美元。",
  "今天天气晴朗，适合户外运动和郊游。",
];

const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0);

describe("LocalEmbedder", () => {
  it("is deterministic and returns unit vectors of the configured length", async () => {
    const a = new LocalEmbedder({ dimensions: 256, tokenizer });
    const b = new LocalEmbedder({ dimensions: 256, tokenizer });
    a.fit(corpus);
    b.fit(corpus);
    const [first] = await a.embed([corpus[0]]);
    const [second] = await b.embed([corpus[0]]);
    expect(first).toEqual(second);
    expect(first.length).toBe(256);
    expect(Math.sqrt(dot(first, first))).toBeCloseTo(1, 5);
    expect(a.id).toBe("local-hash-tfidf-v1:256");
  });

  it("puts a paraphrased question closer to its passage than to unrelated ones", async () => {
    const embedder = new LocalEmbedder({ dimensions: 512, tokenizer });
    embedder.fit(corpus);
    const vectors = await embedder.embed(corpus);
    const [question] = await embedder.embed(["长治高新区给企业兑现了多少装修补贴？"]);
    const similarities = vectors.map((vector) => dot(question, vector));
    const best = similarities.indexOf(Math.max(...similarities));
    expect(best).toBe(0);
    expect(similarities[0]).toBeGreaterThan(similarities[4] + 0.2);
    const [trade] = await embedder.embed(["衡阳进出口增长率"]);
    const tradeSimilarities = vectors.map((vector) => dot(trade, vector));
    expect(tradeSimilarities.indexOf(Math.max(...tradeSimilarities))).toBe(1);
  });

  it("restores fitted IDF state in a clone and refuses foreign state", async () => {
    const fitted = new LocalEmbedder({ dimensions: 128, tokenizer });
    fitted.fit(corpus);
    const restored = fitted.clone();
    const [before] = await restored.embed([corpus[2]]);
    restored.load(JSON.parse(JSON.stringify(fitted.state())));
    const [after] = await restored.embed([corpus[2]]);
    const [expected] = await fitted.embed([corpus[2]]);
    expect(after).toEqual(expected);
    expect(before).not.toEqual(expected);
    expect(() => new LocalEmbedder({ dimensions: 64, tokenizer }).load(fitted.state())).toThrow(AppError);
    expect(() => restored.load({ version: "other" })).toThrow(AppError);
  });

  it("honours an aborted signal", async () => {
    const embedder = new LocalEmbedder({ tokenizer });
    await expect(embedder.embed(["x"], { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it("is what createEmbedder returns by default", () => {
    const embedder = createEmbedder(loadConfig({}), { tokenizer });
    expect(embedder.provider).toBe("local");
    expect(embedder.dimensions).toBe(512);
    expect(embedder.id).toBe("local-hash-tfidf-v1:512");
  });
});

describe("HashedFeatures", () => {
  it("fits and embeds texts hashed once exactly as fit and embedOne do", async () => {
    const { HashedFeatures } = await import("../../src/index/embedders/local-embedder.js");
    // A count too large to pack (16,384 or more) is kept aside and still counted right.
    const texts = [...corpus, "高新".repeat(17_000), "", "Hengyang 高新区 2023 97.5%"];
    for (const dimensions of [64, 512]) {
      const plain = new LocalEmbedder({ dimensions, tokenizer });
      plain.fit(texts);
      const hashed = new HashedFeatures(dimensions);
      const once = new LocalEmbedder({ dimensions, tokenizer });
      for (const text of texts) once.hashInto(hashed, text);
      once.fitHashed(hashed);
      expect(once.state()).toEqual(plain.state());
      texts.forEach((text, i) => expect(Array.from(once.embedHashed(hashed, i))).toEqual(Array.from(plain.embedOne(text))));
    }
    expect(HashedFeatures.fits(32_768)).toBe(false);
  });
});
