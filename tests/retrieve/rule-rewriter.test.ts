import { beforeAll, describe, expect, it } from "vitest";
import { loadLexicon, type Lexicon } from "../../src/app/lexicon.js";
import { createRuleRewriter, isFollowUp, rewriteByRules } from "../../src/chat/rule-rewriter.js";
import type { Turn } from "../../src/core/types.js";
import { realCorpusDir } from "../helpers/temp-runtime.js";

let lexicon: Lexicon;
beforeAll(async () => {
  lexicon = await loadLexicon(realCorpusDir);
});

function turn(question: string, places: string[]): Turn {
  return { question, standaloneQuestion: question, answer: "…", places, at: 0 };
}

const rewrite = (question: string, history: Turn[]) => rewriteByRules(question, history, lexicon.places);

describe("rule rewriter", () => {
  it("puts a sibling word in the place of its kin in the earlier question (那五星级呢？ after 四星级)", () => {
    expect(rewrite("那五星级呢？", [turn("柳河县对新评定为四星级的酒店奖励多少？", ["柳河"])])).toBe("柳河县对新评定为五星级的酒店奖励多少？");
    expect(rewrite("那装修补贴呢？", [turn("柳河县民宿的房租补贴是多少？", ["柳河"])])).toBe("柳河县民宿的装修补贴是多少？");
    // No kin of the same length and ending: the place is carried over instead.
    expect(rewrite("那人才公寓呢？", [turn("柳河县对新评定为四星级的酒店奖励多少？", ["柳河"])])).toContain("人才公寓");
  });

  it("puts an English phrase in the place of its kin with the same head word (And the primary industry?)", () => {
    const previous = [turn("What value added did the secondary industry of Changzhi High-tech Zone achieve in 2020?", ["长治"])];
    expect(rewrite("And the primary industry?", previous)).toBe("What value added did the primary industry of Changzhi High-tech Zone achieve in 2020?");
    expect(rewrite("And the biopharmaceutical industry?", [turn("What output did Changzhi High-tech Zone's electronic information industry achieve in January–May 2017?", ["长治"])])).toBe(
      "What output did Changzhi High-tech Zone's biopharmaceutical industry achieve in January–May 2017?",
    );
    // No phrase with that head: the place is carried over instead, the earlier wording is not bent.
    expect(rewrite("And the export volume?", previous)).not.toContain("value added");
  });

  it("puts an English prepositional phrase in the place of the earlier one with the same head word (And from the third to the fifth year?)", () => {
    const previous = [turn("What does Changzhi give an eligible productive project in its first two years of production?", ["长治"])];
    expect(rewrite("And from the third to the fifth year?", previous)).toBe("What does Changzhi give an eligible productive project from the third to the fifth year of production?");
    expect(rewrite("And in the second year?", [turn("What rent subsidy does Changzhi give a new incubator in its first year?", ["长治"])])).toBe("What rent subsidy does Changzhi give a new incubator in the second year?");
    // No earlier phrase ending in that head: not bent.
    expect(rewrite("And in the second phase?", previous)).not.toContain("second phase of production");
  });

  it("asks a new measure of the earlier question's subject and period, with its question word (那累计完成投资呢？)", () => {
    expect(rewrite("那累计完成投资呢？", [turn("长治高新区1至5月完成规模以上工业总产值多少？", ["长治"])])).toBe("长治高新区1至5月累计完成投资多少？");
    // The earlier measure's counter does not follow the new one.
    expect(rewrite("那固定资产投资呢？", [turn("长治高新区2023年上半年签约项目多少个？", ["长治"])])).toBe("长治高新区2023年上半年固定资产投资多少？");
  });

  it("swaps the place for 那衡阳呢？ and keeps the rest of the earlier question", () => {
    const result = rewrite("那衡阳呢？", [turn("长治高新区聘请了多少名招商大使？", ["长治"])]);
    expect(result).toContain("衡阳");
    expect(result).toContain("招商大使");
    expect(result).not.toContain("长治");
    expect(result).not.toContain("那");
  });

  it("swaps place and period for 那安康市2019年呢？", () => {
    const result = rewrite("那安康市2019年呢？", [turn("衡阳高新区今年上半年到位外资多少？", ["衡阳"])]);
    expect(result).toContain("安康");
    expect(result).toContain("2019年");
    expect(result).toContain("到位外资");
    expect(result).not.toContain("衡阳");
    expect(result).not.toContain("今年上半年");
  });

  it("keeps the zone kind when only the city changes, and the city when the user says 市", () => {
    expect(rewrite("那衡阳呢？", [turn("景德镇高新区的主导产业是什么？", ["景德镇"])])).toBe("衡阳高新区的主导产业是什么？");
    expect(rewrite("那安康市2019年呢？", [turn("衡阳高新区今年上半年到位外资多少？", ["衡阳"])])).toBe("安康市2019年到位外资多少？");
  });

  it("asks the earlier question for a new period when only the period changes", () => {
    expect(rewrite("那2022年呢？", [turn("长治高新区2023年签约了多少个项目？", ["长治"])])).toBe("长治高新区2022年签约了多少个项目？");
    expect(rewrite("去年呢？", [turn("衡阳高新区今年上半年到位外资多少？", ["衡阳"])])).toBe("衡阳高新区去年到位外资多少？");
  });

  it("carries the earlier place into an English follow-up that names none", () => {
    const result = rewrite("And how much foreign investment did it use?", [turn("What did Ankang sign at its Xiongan promotion event in March 2019?", ["安康"])]);
    expect(result).toMatch(/foreign investment/i);
    expect(result).toContain("Ankang");
    expect(result).not.toMatch(/^and\b/i);
  });

  it("carries the earlier place into a Chinese follow-up about a new topic (那装修补贴呢？)", () => {
    const result = rewrite("那装修补贴呢？", [turn("长治高新区聘请了多少名招商大使？", ["长治"])]);
    expect(result).toContain("长治");
    expect(result).toContain("装修补贴");
    expect(result).not.toContain("呢");
  });

  it("swaps the place in an English follow-up (What about Hengyang High-tech Zone?)", () => {
    const previous = turn("What was Wuxi High-tech Zone's import and export growth rate?", ["无锡"]);
    expect(rewrite("What about Hengyang?", [previous])).toBe("What was Hengyang High-tech Zone's import and export growth rate?");
    expect(rewrite("What about Hengyang High-tech Zone?", [previous])).toBe("What was Hengyang High-tech Zone's import and export growth rate?");
  });

  it("leaves a complete new question alone", () => {
    const question = "乐山高新区企业获得四川省级科技计划项目立项支持多少项？";
    expect(rewrite(question, [turn("长治高新区聘请了多少名招商大使？", ["长治"])])).toBe(question);
    expect(isFollowUp(question, [turn("长治高新区聘请了多少名招商大使？", ["长治"])])).toBe(false);
  });

  it("never rewrites a first turn", async () => {
    expect(isFollowUp("那衡阳呢？", [])).toBe(false);
    const rewriter = createRuleRewriter(lexicon.places);
    await expect(rewriter("那衡阳呢？", [])).resolves.toBe("那衡阳呢？");
  });

  it("rewrites from the latest turn of a longer history", () => {
    const history = [turn("长治高新区聘请了多少名招商大使？", ["长治"]), turn("衡阳高新区今年上半年到位外资多少？", ["衡阳"])];
    const result = rewrite("那安康呢？", history);
    expect(result).toContain("到位外资");
    expect(result).not.toContain("招商大使");
  });
});
