import { describe, expect, it } from "vitest";
import { composeExtractive } from "../../src/answer/extractive.js";
import type { AnswerInput, Chunk, SearchHit } from "../../src/core/types.js";

/** The extractive fallback quotes what answers the figure asked, not the other measures beside it. */

function hit(text: string, id: string): SearchHit {
  const chunk: Chunk = { id, source: "news/r.txt", articleId: "news/r.txt#0", articleIndex: 0, ordinal: 0, title: "潍坊高新区经济运行情况", zones: ["潍坊高新区", "潍坊"], date: "2021-02-01", text, indexText: text, start: 0, end: text.length };
  return { chunk, score: 1 };
}

function input(question: string, termGroups: string[][], hits: SearchHit[]): AnswerInput {
  return { question, standaloneQuestion: question, language: "zh", places: ["潍坊"], terms: termGroups.flat(), termGroups, asksFigure: true, placeNames: { 潍坊: "Weifang" }, hits, history: [] };
}

const report = "2020年,高新区实现地区生产总值543.62亿元,按可比价计算同比增长7.3%。其中,第一产业实现增加值0.19亿元;第二产业实现增加值359.84亿元,增长8.6%。";

describe("quotes for a figure", () => {
  it("leave out a neighbour that states another measure (第二产业 beside the 第一产业 asked)", async () => {
    const answer = await composeExtractive(input("潍坊高新区第一产业增加值是多少？", [["第一产业"], ["增加值"]], [hit(report, "r#0:0")]));
    expect(answer.answer).toContain("0.19亿元");
    expect(answer.answer).not.toContain("359.84亿元");
  });

  it("many words in a figure question do not make it a list of four sentences", async () => {
    const other = "今年1至10月,昆明经开区主要经济指标完成情况良好,经济平稳增长。其中,规模以上固定资产投资累计完成投资142.4亿元,同比增长11.21%。限额以上社会消费品零售总额累计完成101亿元,增长14.2%。规模以上工业总产值累计完成325.98亿元,增长16.5%。";
    const groups = [["今年"], ["1至10月"], ["规模以上"], ["工业总产值"], ["累计"], ["增长"]];
    const answer = await composeExtractive(input("昆明经开区今年1至10月规模以上工业总产值累计完成多少？增长多少？", groups, [hit(other, "k#0:0")]));
    expect(answer.answer).toContain("325.98亿元");
    expect(answer.answer).not.toContain("101亿元");
    // The sentence naming the period leads; the figure that follows it is another measure's (固定资产投资).
    expect(answer.answer).not.toContain("142.4亿元");
  });
});

describe("an English lead for a figure no metric files", () => {
  it("labels it with its own clause, as the text says it, not with the characters before it", async () => {
    const rule = "5.对引资新建的国家鼓励类产业的企业,经税务机关报批,按15%的税率征收企业所得税,同时可享受国家其它鼓励政策。";
    const question = "At what rate is corporate income tax levied on enterprises in nationally encouraged industries?";
    const answer = await composeExtractive({ ...input(question, [["企业所得税"], ["税率"], ["鼓励类"]], [hit(rule, "l#0:0")]), language: "en", places: [] });
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).toContain("“按15%的税率征收企业所得税”: 15%");
    expect(lead).not.toMatch(/“按”/);
  });
});

describe("benefit years asked", () => {
  it("lead with the clause for the asked years, not the one for the first years", async () => {
    const rule = "第四条固定资产投资额1000万元及以上的鼓励类生产性投资项目,项目建成投产后,两年内按企业所得税县级留存部分的同等比例,由县财政补助给企业;第三年至第五年按企业所得税县级留存部分的50%,由县财政补助给企业。";
    const groups = [["企业所得税"], ["补助"], ["项目"]];
    const english = await composeExtractive({ ...input("What does the county give a productive project from the third to the fifth year of production?", groups, [hit(rule, "p#0:0")]), language: "en", places: [] });
    const lead = english.answer.split("\n")[0]!;
    expect(lead).toContain("第三年至第五年按企业所得税县级留存部分的50%");
    expect(lead).not.toContain("两年内");
  });
});
