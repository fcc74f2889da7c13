import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkArticle } from "../../src/ingest/chunk-article.js";
import { splitSentences } from "../../src/ingest/sentences.js";
import { splitArticles } from "../../src/ingest/split-articles.js";

const names = ["000_5dff4d3d4cfa75e8.txt", "001_c6b11eab57cf676c.txt", "002_93385d198ddbd426.txt", "003_dbbbb966098c3fd9.txt", "004_01366610fb89b663.txt"];

describe("splitSentences", () => {
  it("never splits numbers with units and splits on Chinese sentence ends", () => {
    const spans = splitSentences("总投资105.63亿元。到位外资6836万美元，增速97.5%！2023年1-6月签约；完");
    expect(spans.map((span) => span.text)).toEqual(["总投资105.63亿元。", "到位外资6836万美元，增速97.5%！", "2023年1-6月签约；", "完"]);
  });
});

describe("chunkArticle", () => {
  it("keeps every number with its unit intact in some chunk", () => {
    for (const name of names) {
      const raw = readFileSync(new URL(`../../corpus/${name}`, import.meta.url), "utf8");
      const articles = splitArticles(raw, { source: `corpus/${name}`, date: "2023-07" });
      const chunks = articles.flatMap((article) => chunkArticle(article));
      const joined = chunks.map((chunk) => chunk.text.replace(/\s/g, ""));
      const numbers = raw.replace(/[ \t]/g, "").match(/\d+(\.\d+)?(亿|万)?(元|美元|%)/g) ?? [];
      for (const number of numbers) {
        expect(joined.some((text) => text.includes(number)), `${name}: ${number}`).toBe(true);
      }
      for (const chunk of chunks) {
        expect(chunk.indexText.startsWith(chunk.title)).toBe(true);
        expect(chunk.end).toBeGreaterThan(chunk.start);
      }
    }
  });

  it("resolves relative dates in indexText and respects the size budget", () => {
    const text = "今年上半年，长治高新区新签约项目15个。".repeat(30);
    const chunks = chunkArticle(
      { id: "x#0", source: "x", index: 0, title: "标题", zones: ["长治高新区"], date: "2023-08", text, offsets: [...text].map((_, index) => index) },
      { maxChars: 100 },
    );
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(100);
    expect(chunks[0].indexText).toContain("今年上半年〔2023年上半年〕");
    // One sentence of overlap between neighbours.
    const lastOfFirst = splitSentences(chunks[0].text).at(-1)!.text;
    expect(chunks[1].text.startsWith(lastOfFirst)).toBe(true);
  });
});
