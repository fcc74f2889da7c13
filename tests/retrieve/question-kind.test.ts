import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyQuestion, isNonQuestion } from "../../src/retrieve/question-kind.js";
import { comparedMetrics, matchMetrics } from "../../src/facts/match-metric.js";
import { loadMetricList } from "../../src/facts/metrics.js";

describe("question kinds", () => {
  it.each([
    ["a", 0, "help"],
    ["?", 0, "help"],
    ["。", 0, "help"],
    ["hello", 0, "help"],
    ["Which zones do you cover?", 0, "coverage"],
    ["你能回答哪些园区的问题？", 0, "coverage"],
    ["Compare Ankang and Changzhi incentives", 2, "comparison"],
    ["安康高新区和长治高新区哪个签约投资更多？", 2, "comparison"],
    ["Which zone signed the most investment in the first half of 2023?", 0, "superlative"],
    ["哪个高新区上半年签约项目最多？", 0, "superlative"],
    // A cap asked ("最多多少", "the most a project can get") is a figure of one rule, not a ranking.
    ["按这份政策，投资8000万元的制造业项目投产后怎么补助？最多多少？", 0, "figure"],
    ["What is the most a new manufacturing project can get if it invests 40 million yuan?", 0, "general"],
    ["Does Changzhi High-tech Zone offer a renovation subsidy?", 1, "yesno"],
    ["长治高新区有装修补贴吗？", 1, "yesno"],
    ["Who leads Hengyang High-tech Zone's management committee?", 1, "entity"],
    ["衡阳高新区与哪家公司达成了代理招商协议？", 1, "entity"],
    ["How many projects did Hengyang sign in H1 2023?", 1, "figure"],
    ["衡阳高新区上半年签约多少项目？", 1, "figure"],
    ["安康高新区优化营商环境有哪些措施？", 1, "list"],
    // A comparative asked as a choice between two named places, the choice word anywhere.
    ["Which signed more projects in the first half of 2023, Changzhi or Hengyang?", 2, "comparison"],
    ["Did Hengyang or Changzhi attract more signed investment in H1 2023?", 2, "comparison"],
    ["Who signed more investment, Changzhi or Hengyang, in January-June 2023?", 2, "comparison"],
    ["衡阳高新区和长治高新区上半年哪个签约投资额多？", 2, "comparison"],
    ["长治高新区比衡阳高新区上半年新签约项目多还是少？", 2, "comparison"],
    // Two places without a comparative are not compared; one place with one is not either.
    ["Did Hengyang and Changzhi both sign projects in 2023?", 2, "yesno"],
    ["Did Hengyang sign more projects in 2023?", 1, "yesno"],
    ["What incentives does Changzhi offer investors?", 1, "list"],
    ["What preferential policies does Ankang High-tech Zone offer to attract investors?", 1, "list"],
  ] as const)("%s → %s", (question, places, kind) => {
    expect(classifyQuestion(question, places).kind).toBe(kind);
  });

  it("a real question is never a non-question", () => {
    expect(isNonQuestion("GDP?")).toBe(false);
    expect(isNonQuestion("外资")).toBe(false);
    expect(isNonQuestion("ok")).toBe(true);
  });
});

describe("metric matching", () => {
  it("finds the metric a question asks about, the longest cue first", async () => {
    const metrics = await loadMetricList(path.resolve("corpus/metrics.json"));
    expect(matchMetrics("安康高新区“十三五”期间实际利用外资多少？", metrics, "zh").map((match) => match.metric.key)).toEqual(["foreign_capital_used"]);
    expect(matchMetrics("衡阳高新区上半年签约项目多少个，总投资多少？", metrics, "zh").map((match) => match.metric.key)).toEqual(["signed_projects", "signed_investment"]);
    expect(matchMetrics("How much foreign capital did Hengyang use in H1 2023?", metrics, "en").map((match) => match.metric.key)).toContain("foreign_capital_used");
    expect(matchMetrics("What was the import and export growth rate?", metrics, "en")[0]!.metric.key).toBe("import_export_growth");
  });

  it("takes a lone verb (complete) for no measure beside one named in several words", async () => {
    const metrics = await loadMetricList(path.resolve("corpus/metrics.json"));
    expect(matchMetrics("How much industrial investment was Wuxi expected to complete in H1 2023?", metrics, "en").map((match) => match.metric.key)).toEqual(["industrial_investment"]);
    expect(matchMetrics("How much investment did the major projects complete?", metrics, "en").map((match) => match.metric.key)).toContain("completed_investment");
  });
});

describe("the metric a comparison weighs", () => {
  it("is what follows the comparative, narrowed by the verb's metric when the list has both", async () => {
    const metrics = await loadMetricList(path.resolve("corpus/metrics.json"));
    const weighed = (question: string) => comparedMetrics(question, matchMetrics(question, metrics, "en"), metrics, "en")[0]!.key;
    expect(weighed("Who signed more investment, Changzhi or Hengyang, in January-June 2023?")).toBe("signed_investment");
    expect(weighed("Which signed more projects in the first half of 2023, Changzhi or Hengyang?")).toBe("signed_projects");
    // Already the narrow metric: it stays; a unit that rules out the count still narrows by its word.
    expect(weighed("Did Hengyang or Changzhi attract more signed investment in H1 2023?")).toBe("signed_investment");
    expect(weighed("Hengyang vs Changzhi: how much investment was signed in the first half of 2023?")).toBe("signed_investment");
    expect(weighed("Compare the industrial investment of Wuxi and Jinan")).toBe("industrial_investment");
    // Chinese keeps the order of matchMetrics (the noun phrase's head is already the asked metric).
    const zh = "衡阳高新区和长治高新区上半年哪个签约投资额多？";
    expect(comparedMetrics(zh, matchMetrics(zh, metrics, "zh"), metrics, "zh").map((metric) => metric.key)).toEqual(matchMetrics(zh, metrics, "zh").map((match) => match.metric.key));
  });
});
