import { describe, expect, it } from "vitest";
import { answerWithClaims } from "../../../src/answer/claims/engine.js";
import { readFrame, type Subject } from "../../../src/answer/claims/frame.js";
import type { Period } from "../../../src/facts/types.js";
import { withoutByline } from "../../../src/ingest/sentences.js";
import { extractRule } from "../../../src/ingest/policy-rules.js";
import type { SearchHit } from "../../../src/core/types.js";
import { group, hitsDated, plainContext } from "./report-passages.js";

/**
 * The fifth round, over real report sentences: a zone named after "全市…" in a clause of its own is
 * the figure's subject; a measure the question sets apart (产值 / 增加值) is another figure; a titled
 * name followed by 用 is a person; bylines are never quoted.
 */

const hit = hitsDated("2019-11-18");
const lines = (answer: { answer: string } | undefined) => answer?.answer.split("\n") ?? [];
const maanshan: Subject = { place: "马鞍山", zoneName: "马鞍山经开区", kind: "经开", aliases: ["马鞍山经开区"] };
const threeQuarters: Period = { kind: "quarter", from: "2019-01", to: "2019-09", zh: "前三季度", en: "the first three quarters" };
const report = "作为全市经济建设的主战场,前三季度,经开区累计完成规上工业产值324.8亿元,增幅17.3%;规上工业增加值69.6亿元,增幅16.4%;固定资产投资123.1亿元,增幅6%。";
const title = "马鞍山经开区经济“三季报”亮点纷呈";

describe("a zone named after 全市 in a clause of its own", () => {
  it("owns the figure: the city's word sets the scene, it does not name the subject", () => {
    const frame = readFrame({ question: "马鞍山经开区前三季度累计完成规上工业产值多少？", language: "zh", kind: "figure", terms: [group("前三季度"), group("累计"), group("规上"), group("工业产值", "工业产值", "规上工业总产值")], subjects: [maanshan], period: threeQuarters });
    const answer = lines(answerWithClaims(frame, [hit(report, { title, zones: ["马鞍山经开区", "马鞍山"] })], plainContext));
    expect(answer[0]).toContain("324.8亿元");
  });

  it("but 全市 right before the zone word is all the city's zones", () => {
    const citywide = "前三季度,全市开发区累计完成规上工业产值1324.8亿元,增幅12.3%。";
    const frame = readFrame({ question: "马鞍山经开区前三季度累计完成规上工业产值多少？", language: "zh", kind: "figure", terms: [group("前三季度"), group("累计"), group("规上"), group("工业产值")], subjects: [maanshan], period: threeQuarters });
    const answer = answerWithClaims(frame, [hit(citywide, { title, zones: ["马鞍山"] })], plainContext);
    expect(answer?.answer ?? "").not.toMatch(/^[^\n]*1324\.8亿元/u);
  });
});

describe("a measure the question sets apart", () => {
  it("value added is not output: an output question never gets the value-added figure or its growth", () => {
    const valueAdded = "前三季度,经开区规上工业增加值69.6亿元,增幅16.4%;固定资产投资123.1亿元,增幅6%。";
    const frame = readFrame({ question: "马鞍山经开区前三季度规上工业产值多少？增幅多少？", language: "zh", kind: "figure", terms: [group("前三季度"), group("规上"), group("工业产值"), group("增幅")], subjects: [maanshan], period: threeQuarters });
    const answer = answerWithClaims(frame, [hit(valueAdded, { title, zones: ["马鞍山经开区", "马鞍山"] })], plainContext);
    expect(answer?.answer ?? "").not.toMatch(/^[^\n]*(?:69\.6亿元|16\.4%)/u);
  });

  it("and the value-added question still gets its own figure", () => {
    const frame = readFrame({ question: "马鞍山经开区前三季度规上工业增加值多少？", language: "zh", kind: "figure", terms: [group("前三季度"), group("规上"), group("工业增加值", "工业增加值", "增加值")], subjects: [maanshan], period: threeQuarters });
    const answer = lines(answerWithClaims(frame, [hit(report, { title, zones: ["马鞍山经开区", "马鞍山"] })], plainContext));
    expect(answer[0]).toContain("69.6亿元");
    expect(answer[0]).not.toContain("324.8亿元");
  });
});

describe("people and bylines", () => {
  const jiaxing: Subject = { place: "嘉兴", zoneName: "嘉兴经开区", kind: "经开", aliases: ["嘉兴经开区"] };
  const passage =
    "中新网嘉兴6月20日电(见习记者陈洁实习生饶雨蒙)20日,嘉兴经开区举办了第三届招商大会。嘉兴市委常委、嘉兴经开区党工委书记陈利众用一连串亮眼的数据佐证着嘉兴经开区的飞速跨越。";

  it("a titled name followed by 用 is the person asked", () => {
    const frame = readFrame({ question: "嘉兴经开区举办第三届招商大会时，嘉兴经开区党工委书记是谁？", language: "zh", kind: "entity", terms: [group("第三届"), group("招商"), group("大会"), group("党工委"), group("书记")], subjects: [jiaxing] });
    const answer = lines(answerWithClaims(frame, [hit(passage, { zones: ["嘉兴经开区", "嘉兴"] })], plainContext));
    expect(answer[0]).toMatch(/^陈利众（嘉兴市委常委、嘉兴经开区党工委书记）/u);
  });

  it("a byline is taken out of a quoted sentence, whatever its words", () => {
    expect(withoutByline("中新网嘉兴6月20日电(见习记者陈洁实习生饶雨蒙)经济开发区,是一座城市经济发展的增长极")).toBe("中新网嘉兴6月20日电经济开发区,是一座城市经济发展的增长极");
    expect(withoutByline("本报讯(记者 刘挺 通讯员 张效彬) 日前,记者从马鞍山经开区获悉")).toBe("本报讯 日前,记者从马鞍山经开区获悉");
    // A bracket that is no byline stays.
    expect(withoutByline("规上工业增加值(不含电力)69.6亿元")).toBe("规上工业增加值(不含电力)69.6亿元");
  });
});

describe("the tier for the asker's case in a policy item", () => {
  // 郧县 rules, 第二条: the item's words are in its first clause, each band in a clause of its own.
  const item =
    "第二条凡在郧县经济开发区和工业园区新建符合规划要求和投资强度的生产加工型企业,固定资产投资在500万元以下的统一进驻在建的工业园,其地价由投资商与园区业主自行协商;固定资产投资501万元-2000万元,毛地6万元/亩;固定资产投资2001万元—5000万元,毛地4万元/亩;固定资产投资1亿元—2亿元,毛地3万元/亩;固定资产投资在2亿元至3亿元,毛地2万元/亩。";
  const policyHit = (text: string, title: string): SearchHit => {
    const base = hit(text, { title, zones: ["郧县经开区", "郧"], date: "2009-06" });
    return { ...base, chunk: { ...base.chunk, section: "第二条", rule: extractRule(text) } };
  };
  const yunxian: Subject = { place: "郧", zoneName: "郧县经开区", kind: "经开" };
  const question = "按郧县经济开发区和工业园区的那份招商引资优惠政策规定,一家固定资产投资1.5亿元的生产加工型企业落户郧县经济开发区,毛地价每亩多少钱?";
  const terms = [group("经济开发区"), group("工业园区"), group("招商引资"), group("优惠政策"), group("固定资产投资"), group("生产"), group("加工型"), group("企业"), group("落户"), group("地价"), group("每亩")];

  it("is found in the band's own clause when the item's words are in its first clause (1.5亿元 → 3万元/亩)", () => {
    const frame = readFrame({ question, language: "zh", kind: "figure", terms, subjects: [yunxian] });
    const answer = lines(answerWithClaims(frame, [policyHit(item, "商务局工业园区招商引资优惠政策规定")], plainContext, undefined, { tiersOnly: true }));
    expect(answer[0]).toBe("固定资产投资1亿元—2亿元,毛地3万元/亩[1]。");
  });

  it("takes no bound of the case for the amount given, a note between them included", () => {
    const rule = "第四条固定资产投资额1000万元(人民币,下同)及以上的鼓励类生产性投资项目,项目建成投产后,两年内按企业所得税县级留存部分的同等比例,由县财政补助给企业。";
    const frame = readFrame({ question: "在盘县投资1200万元的生产性项目投产后怎么补助？", language: "zh", kind: "figure", terms: [group("生产性"), group("项目"), group("投产"), group("补助")], subjects: [] });
    const answer = answerWithClaims(frame, [policyHit(rule, "盘县招商引资优惠办法")], plainContext, undefined, { tiersOnly: true });
    expect(answer?.answer ?? "").not.toMatch(/^[^\n]*1000万元\)/u);
  });

  it("leaves a clause that lists several tiers and their rates after them to the rule answer", () => {
    const rule = "对特色农业类项目，固定资产投资1000万元及以上至5000万元、5000万元以上至1亿元、1亿元以上的，参照其年度地方财政贡献的70%、80%和90%给予企业奖励。";
    const frame = readFrame({ question: "柳河县特色农业项目投资1.5亿元，按地方财政贡献的多少比例奖励？", language: "zh", kind: "figure", terms: [group("特色农业"), group("项目"), group("地方财政贡献"), group("奖励")], subjects: [] });
    expect(answerWithClaims(frame, [policyHit(rule, "柳河县关于支持重点产业加快发展的实施意见")], plainContext, undefined, { tiersOnly: true })).toBeUndefined();
  });
});

describe("a yes/no about a rule sentence that names an amount", () => {
  const rule = "对新认定的制造业单项冠军企业(产品)、专精特新企业、专精特新“小巨人”,分别给予国家级50万元、省级30万元的一次性奖励。";
  const terms = [group("新认定"), group("国家级"), group("专精特新"), group("小巨人"), group("奖励")];
  const ask = (question: string) => lines(answerWithClaims(readFrame({ question, language: "zh", kind: "yesno", terms, subjects: [] }), [hit(rule, { title: "工业发展类政策简编" })], plainContext))[0] ?? "";

  it("is decided against the amount the sentence gives for what was named", () => {
    expect(ask("新认定的国家级专精特新“小巨人”企业能拿100万元奖励吗？")).toMatch(/^不是/u);
    expect(ask("新认定的国家级专精特新“小巨人”企业能拿50万元奖励吗？")).toMatch(/^是的/u);
  });
});

describe("a whole year asked", () => {
  const kunming: Subject = { place: "昆明", kind: "经开", aliases: ["昆明经开区"] };
  const terms = [group("industrial output", "规上工业总产值", "工业总产值", "规模以上工业产值")];
  const passage = "今年1至10月,昆明经开区主要经济指标完成情况良好,经济平稳增长。其中,规模以上固定资产投资累计完成投资142.4亿元,同比增长11.21%;规模以上工业总产值累计完成325.98亿元,增长16.5%。";

  it("with no year: a figure under a part of the year set earlier in the passage is not the year's", () => {
    const frame = readFrame({ question: "What was Kunming ETDZ's industrial output for the full year?", language: "en", kind: "general", terms, subjects: [kunming] });
    expect(frame.intent).toBe("figure");
    const answer = answerWithClaims(frame, [hit(passage, { zones: ["昆明经开区", "昆明"], date: "2020-11-20" })], plainContext);
    expect(answer?.answer ?? "").not.toMatch(/^[^\n]*325\.98/u);
  });

  it("with a year: '全年…' in a report dated inside that year is another year's result", () => {
    const year: Period = { kind: "year", from: "2019-01", to: "2019-12", zh: "2019年", en: "2019" };
    const liaoyuan: Subject = { place: "辽源", zoneName: "辽源经开区", kind: "经开" };
    const summary = "全年地区生产总值完成113.4亿元,增长5.5%;规模以上工业总产值完成167.57亿元,增长5.6%。";
    const frame = readFrame({ question: "辽源经济开发区2019年地区生产总值是多少？", language: "zh", kind: "figure", terms: [group("地区生产总值")], subjects: [liaoyuan], period: year });
    const early = answerWithClaims(frame, [hit(summary, { zones: ["辽源经开区", "辽源"], date: "2019-02-18" })], plainContext);
    expect(early?.answer ?? "").not.toMatch(/^[^\n]*113\.4亿元/u);
    // The same sentence in a report dated after the year is out is that year's.
    const late = lines(answerWithClaims(frame, [hit(summary, { zones: ["辽源经开区", "辽源"], date: "2020-01-20" })], plainContext));
    expect(late[0]).toContain("113.4亿元");
  });
});

describe("general public budget revenue and total fiscal revenue", () => {
  it("are different measures: the total is not given for the budget revenue asked", () => {
    const yanji: Subject = { place: "延吉", zoneName: "延吉高新区", kind: "高新" };
    const year: Period = { kind: "year", from: "2024-01", to: "2024-12", zh: "2024年", en: "2024" };
    const passage = "2024年,延吉高新区完成规模以上工业总产值214.9亿元,同比增长6.3%;完成全口径财政收入84.44亿元,同比增长6.0%。";
    const frame = readFrame({ question: "How much general public budget revenue did Yanji High-tech Zone collect in 2024?", language: "en", kind: "figure", terms: [group("general public budget revenue", "财政收入", "一般公共预算收入", "一般预算收入")], subjects: [yanji], period: year });
    const answer = answerWithClaims(frame, [hit(passage, { zones: ["延吉高新区", "延吉"], date: "2025-03-13" })], plainContext);
    expect(answer?.answer ?? "").not.toMatch(/^[^\n]*84\.44/u);
  });
});

describe("an amount asked in yuan against bands written in 万元", () => {
  it("finds the band that holds it (30 million yuan → 2001万元—5000万元)", () => {
    const rule = "固定资产投资501万元-2000万元,毛地6万元/亩;固定资产投资2001万元—5000万元,毛地4万元/亩;固定资产投资5001万元—1亿元,毛地3.5万元/亩。";
    const base = hit(rule, { title: "工业园区招商引资优惠政策规定" });
    const policy = { ...base, chunk: { ...base.chunk, section: "第二条", rule: extractRule(rule) } };
    const frame = readFrame({ question: "What land price per mu applies to a manufacturer that invests 30 million yuan in fixed assets?", language: "en", kind: "figure", terms: [group("land price", "地价", "毛地"), group("fixed asset", "固定资产投资")], subjects: [] });
    expect(frame.caseYuan).toEqual([30_000_000]);
    expect(answerWithClaims(frame, [policy], plainContext, undefined, { tiersOnly: true })?.answer.split("\n")[0]).toContain("毛地4万元/亩");
  });
});

describe("a position with its ranking's scope between the verb and the number", () => {
  it("is read whole (位居日照全市第一, 居全市第二), and an ordinal of another kind is not", async () => {
    const { quantitiesIn } = await import("../../../src/answer/claims/quantities.js");
    const ranks = (text: string) => quantitiesIn(text).filter((quantity) => quantity.unit === "rank").map((quantity) => [quantity.raw, quantity.value]);
    expect(ranks("实现一般公共预算收入14.02亿元,同比增长34.5%,位居日照全市第一")).toEqual([["位居日照全市第一", 1]]);
    expect(ranks("外贸、加贸均居全市第二")).toEqual([["居全市第二", 2]]);
    expect(ranks("位居全省第一方阵的第三批")).toEqual([]);
  });
});

describe("two measures joined in one question part", () => {
  const passage = "作为湛江大工业的主战场,东海岛喜讯不断:湛江钢铁1-11月实现产值354.71亿元、净利润38.86亿元;中科炼化项目1-11月完成投资85亿元。";
  const months: Period = { kind: "months", from: "????-01", to: "????-11", zh: "1-11月", en: "January–November", yearless: true };

  it("are each answered by the figure they govern (产值和净利润分别是多少)", () => {
    const frame = readFrame({ question: "湛江钢铁1-11月的产值和净利润分别是多少？", language: "zh", kind: "figure", terms: [group("钢铁"), group("产值", "产值", "总产值"), group("净利润")], subjects: [{ place: "湛江" }], period: months });
    const lead = lines(answerWithClaims(frame, [hit(passage, { zones: ["湛江"], date: "2018-12-20" })], plainContext))[0] ?? "";
    expect(lead).toContain("354.71亿元");
    expect(lead).toContain("38.86亿元");
    expect(lead).not.toContain("85亿元");
  });

  it("but one measure asked gets one figure", () => {
    const frame = readFrame({ question: "湛江钢铁1-11月的产值是多少？", language: "zh", kind: "figure", terms: [group("钢铁"), group("产值", "产值", "总产值")], subjects: [{ place: "湛江" }], period: months });
    const lead = lines(answerWithClaims(frame, [hit(passage, { zones: ["湛江"], date: "2018-12-20" })], plainContext))[0] ?? "";
    expect(lead).toContain("354.71亿元");
    expect(lead).not.toContain("38.86亿元");
  });
});

describe("a speaker the report names without a post", () => {
  const liaoyuan: Subject = { place: "辽源", zoneName: "辽源经开区", kind: "经开" };
  const year: Period = { kind: "year", from: "2018-01", to: "2018-12", zh: "2018年", en: "2018" };
  const frame = readFrame({ question: "辽源经济开发区2018年度工作总结大会上，是谁讲话并对工作提出要求的？", language: "zh", kind: "entity", terms: [group("年度"), group("工作"), group("总结"), group("大会"), group("讲话"), group("提出")], subjects: [liaoyuan], period: year });

  it("is the name said twice or more at a sentence's start before a person's verb", () => {
    const report = "2月15日上午,辽源经济开发区召开2018年度工作总结大会。张凤林出席会议并讲话。张凤林指出,2018年开发区工作取得新成效。张凤林要求,作好各项工作。";
    expect(lines(answerWithClaims(frame, [hit(report, { zones: ["辽源经开区", "辽源"], date: "2019-02-18" })], plainContext))[0]).toBe("张凤林[1]。");
  });

  it("but a name said once, or a body's name, is not taken for one", () => {
    const once = "2月15日上午,辽源经济开发区召开2018年度工作总结大会。张凤林出席会议并讲话。管委会指出,2018年开发区工作取得新成效。管委会要求,作好各项工作。";
    expect(answerWithClaims(frame, [hit(once, { zones: ["辽源经开区", "辽源"], date: "2019-02-18" })], plainContext)?.answer ?? "").not.toMatch(/^(?:张凤林|管委会)\[/u);
  });
});

describe("an English verdict on a threshold", () => {
  it("opens its sentence with a capital and says the condition without stray spacing", () => {
    const frame = readFrame({ question: "Did Changzhi High-tech Zone hire more than 100 investment ambassadors?", language: "en", kind: "yesno", terms: [group("investment ambassadors", "招商大使")], subjects: [{ place: "长治", zoneName: "长治高新区", kind: "高新" }] });
    const lead = lines(answerWithClaims(frame, [hit("长治高新区聘请10多名长治籍在东部发达地区的企业家担任招商大使。", { zones: ["长治高新区", "长治"], date: "2023-08-01" })], plainContext))[0] ?? "";
    expect(lead).toMatch(/^No\. More than 10 \(10多名\)/u);
    expect(lead).toMatch(/ — not more than 100\.$/u);
  });
});
