import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkArticle } from "../../src/ingest/chunk-article.js";
import { splitArticles } from "../../src/ingest/split-articles.js";

const load = (name: string) => readFileSync(new URL(`../../corpus/${name}`, import.meta.url), "utf8");
const file002 = "002_93385d198ddbd426.txt";
const file004 = "004_01366610fb89b663.txt";

describe("splitArticles", () => {
  it("splits the markdown page 002 into its articles with subtitles in titles", () => {
    const articles = splitArticles(load(file002), { source: `corpus/${file002}` });
    expect(articles.length).toBeGreaterThanOrEqual(6);
    expect(articles[0].title).toContain("——长治高新技术产业开发区招商引资纪实");
    expect(articles[0].zones[0]).toBe("长治高新区");
    expect(articles.map((article) => article.zones[0])).toEqual(
      expect.arrayContaining(["高平经开区", "陵川生态文化旅游示范区", "五台现代农业产业示范区", "运城经开区"]),
    );
    // Sections ("### 招商引资，怎么招？") stay inside the first article.
    expect(articles[0].text).toContain("招商引资，怎么招？");
    expect(articles[0].text).not.toContain("高平经济技术开发区与安徽申焰");
  });

  it("splits page 004 into seven articles and never mixes them", () => {
    const raw = load(file004);
    const articles = splitArticles(raw, { source: `corpus/${file004}`, date: "2023-07" });
    expect(articles).toHaveLength(7);
    const leaders = articles.map((article) => article.zones[0]);
    expect(leaders).toEqual(["衡阳高新区", "乐山高新区", "无锡高新区", "济南高新区", "石嘴山高新区", "抚州高新区", "景德镇高新区"]);
    expect(articles[0].text).toContain("向衡阳高新区10个相关部门");
    expect(articles[0].text).not.toContain("陈敏");
    const chunks = articles.flatMap((article) => chunkArticle(article));
    for (const chunk of chunks) {
      expect(chunk.text.includes("乐山") && chunk.text.includes("衡阳")).toBe(false);
    }
  });

  it("maps every article character back to the raw text", () => {
    for (const name of ["000_5dff4d3d4cfa75e8.txt", "003_dbbbb966098c3fd9.txt", file004, file002]) {
      const raw = load(name);
      for (const article of splitArticles(raw, { source: name })) {
        expect(article.offsets).toHaveLength(article.text.length);
        for (let index = 0; index < article.text.length; index++) {
          const char = article.text[index];
          if (char === "\n" || char === " ") continue;
          expect([raw[article.offsets[index]], raw[article.offsets[index]].normalize("NFKC")]).toContain(char);
        }
        for (const chunk of chunkArticle(article)) {
          // Every 20-character window of a chunk line is found in the raw slice without whitespace.
          const slice = raw.slice(chunk.start, chunk.end).replace(/\s/g, "");
          for (const line of chunk.text.split("\n")) {
            const compact = line.replace(/\s/g, "");
            const segments = compact.length <= 20 ? [compact] : [compact.slice(0, 20), compact.slice(-20)];
            for (const segment of segments) expect(slice).toContain(segment);
          }
        }
      }
    }
  });
});
