import { describe, expect, it } from "vitest";
import { assessAnswerability, groupCoverage, groupWeight } from "../../src/answer/coverage.js";
import type { Chunk, SearchHit } from "../../src/core/types.js";

function hit(articleId: string, text: string, ordinal = 0): SearchHit {
  const chunk: Chunk = {
    id: `${articleId}:${ordinal}`,
    source: "corpus/test.txt",
    articleId,
    articleIndex: 0,
    ordinal,
    title: "测试文章",
    zones: ["长治高新区"],
    text,
    indexText: text,
    start: 0,
    end: text.length,
  };
  return { chunk, score: 1 };
}

describe("groupWeight", () => {
  it("weighs specific long terms above short ones and generic words lowest", () => {
    expect(groupWeight(["装修补贴", "装修"])).toBe(1.2);
    expect(groupWeight(["外资"])).toBe(1);
    expect(groupWeight(["钒"])).toBe(0.5);
    expect(groupWeight(["企业", "项目"])).toBe(0.35);
  });
});

describe("groupCoverage", () => {
  it("is 1 when every group has an alternative in the text", () => {
    const result = groupCoverage([["装修补贴", "装修"], ["兑现"]], "累计为近20家企业兑现装修补贴1.5亿元");
    expect(result.score).toBe(1);
    expect([...result.covered]).toEqual([0, 1]);
  });

  it("counts any alternative of a group", () => {
    const result = groupCoverage([["到位外资", "外资", "实际利用外资"]], "“十三五”期间实际利用外资6836万美元");
    expect(result.score).toBe(1);
  });

  it("weighs the missing groups: a missing specific term costs more than a generic one", () => {
    const missingSpecific = groupCoverage([["招商大使"], ["企业"]], "企业数量持续增长");
    const missingGeneric = groupCoverage([["招商大使"], ["企业"]], "聘请招商大使");
    expect(missingSpecific.score).toBeCloseTo(0.35 / 1.55, 6);
    expect(missingGeneric.score).toBeCloseTo(1.2 / 1.55, 6);
    expect([...missingGeneric.covered]).toEqual([0]);
  });

  it("gives partial credit, but no 'covered' mark, to a compound whose parts appear apart", () => {
    const result = groupCoverage([["出口退税资金池"]], "设立出口企业退税周转资金，形成资金池");
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThan(1);
    expect(result.covered.size).toBe(0);
  });

  it("is 0 with no groups or no match", () => {
    expect(groupCoverage([], "任何文本").score).toBe(0);
    expect(groupCoverage([["人才引进补贴"]], "签约项目28个").score).toBe(0);
  });
});

describe("assessAnswerability", () => {
  it("refuses when there are no hits", () => {
    expect(assessAnswerability([["外资"]], [])).toEqual({ answerable: false, coverage: 0 });
  });

  it("answers when one article holds what was asked", () => {
    const result = assessAnswerability([["招商大使"], ["聘请"]], [hit("a#0", "长治高新区聘请10多名招商大使")]);
    expect(result.answerable).toBe(true);
    expect(result.coverage).toBe(1);
  });

  it("refuses when the passages are about another topic of the same zone", () => {
    const result = assessAnswerability([["人才引进补贴"], ["工资"]], [hit("a#0", "长治高新区聘请10多名招商大使"), hit("a#0", "签约项目24个", 1)]);
    expect(result.answerable).toBe(false);
  });

  it("does not stitch the terms of one question from two unrelated articles", () => {
    const groups = [["平均工资"], ["装修补贴"]];
    const split = assessAnswerability(groups, [hit("a#0", "平均工资增长"), hit("b#0", "兑现装修补贴")]);
    expect(split.coverage).toBeCloseTo(0.5, 6);
    const together = assessAnswerability(groups, [hit("a#0", "平均工资增长"), hit("a#0", "兑现装修补贴", 1)]);
    expect(together.coverage).toBe(1);
    expect(together.answerable).toBe(true);
  });

  it("raises the bar for each English word the glossary could not translate", () => {
    const groups = [["签约"], ["外资"]];
    const hits = [hit("a#0", "签约项目10个")];
    expect(assessAnswerability(groups, hits).answerable).toBe(true);
    expect(assessAnswerability(groups, hits, { untranslated: 1 }).answerable).toBe(false);
  });

  it("with no content terms, answers only if nothing was left untranslated", () => {
    const hits = [hit("a#0", "长治高新区简介")];
    expect(assessAnswerability([], hits, { untranslated: 0 }).answerable).toBe(true);
    expect(assessAnswerability([], hits, { untranslated: 2 }).answerable).toBe(false);
  });
});
