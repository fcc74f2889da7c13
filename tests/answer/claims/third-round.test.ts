import { describe, expect, it } from "vitest";
import { answerWithClaims } from "../../../src/answer/claims/engine.js";
import type { EvidenceContext } from "../../../src/answer/claims/evidence.js";
import { englishNumberWords, readCondition, readFrame, type Subject } from "../../../src/answer/claims/frame.js";
import type { Period } from "../../../src/facts/types.js";
import { selfNamedCounty } from "../../../src/ingest/issuing-body.js";
import { detectZones } from "../../../src/ingest/zones.js";
import { group, hitsDated, plainContext } from "./report-passages.js";

/**
 * The third round of the claim engine, over real report sentences: a number the question states is
 * its premise, report verbs measure nothing, a figure's own change goes with it, unread thresholds
 * are never answered by a statement, and zones a question names once are read.
 */

const hit = hitsDated("2022-04-20");
const context = plainContext;
const lead = (answer: { answer: string } | undefined) => answer?.answer.split("\n")[0] ?? "";

describe("a number the question states is its premise", () => {
  const guiyang: Subject = { place: "贵阳", zoneName: "贵阳经开区", kind: "经开" };
  const q1: Period = { kind: "quarter", from: "2022-01", to: "2022-03", zh: "2022年第一季度", en: "Q1 2022" };
  const report = hit("一季度,在该区规上工业22个大类行业中,医药制造业、专用设备制造业等18个行业增加值实现正增长。", { zones: ["贵阳经开区", "贵阳"] });

  it("decides the threshold on the figure asked (18), not on the population the question names (22)", () => {
    const question = "2022年一季度贵阳经开区规上工业22个大类行业中，实现正增长的超过15个了吗？";
    const frame = readFrame({ question, language: "zh", kind: "yesno", terms: [group("规上"), group("工业"), group("行业"), group("增长")], subjects: [guiyang], period: q1 });
    expect(lead(answerWithClaims(frame, [report], context))).toMatch(/^是的。.*18个/u);
  });

  it("says no when the asked figure is under the threshold, though the premise is over it", () => {
    const question = "2022年一季度贵阳经开区规上工业22个大类行业中，实现正增长的超过20个了吗？";
    const frame = readFrame({ question, language: "zh", kind: "yesno", terms: [group("规上"), group("工业"), group("行业"), group("增长")], subjects: [guiyang], period: q1 });
    expect(lead(answerWithClaims(frame, [report], context))).toMatch(/^不是。.*18个/u);
  });
});

describe("report verbs and the figure's own change", () => {
  const chuxiong: Subject = { place: "楚雄", zoneName: "楚雄高新区", kind: "高新" };
  const q1to3: Period = { kind: "quarter", from: "2024-01", to: "2024-09", zh: "2024年前三季度", en: "January–September 2024" };
  const report = hit("1至9月,实现固定资产投资57.29亿元,增长2.7%。限额以上批发业完成销售额37.5亿元,增长0.7%。", { zones: ["楚雄高新区", "楚雄"], date: "2024-10-20" });

  it("answers 完成了多少 with the measure asked, and gives the change said right after the figure", () => {
    const question = "楚雄高新区今年前三季度固定资产投资完成了多少？";
    const frame = readFrame({ question, language: "zh", kind: "figure", terms: [group("今年"), group("前三季度"), group("固定资产投资"), group("完成")], subjects: [chuxiong], period: q1to3 });
    expect(lead(answerWithClaims(frame, [report], context))).toBe("实现固定资产投资57.29亿元，增长2.7%[1]。");
  });

  it("does not repeat the change when the question asks it as a part of its own", () => {
    const question = "楚雄高新区今年前三季度固定资产投资完成了多少？增长多少？";
    const frame = readFrame({ question, language: "zh", kind: "figure", terms: [group("前三季度"), group("固定资产投资"), group("完成"), group("增长")], subjects: [chuxiong], period: q1to3 });
    const text = lead(answerWithClaims(frame, [report], context));
    expect(text).toContain("57.29亿元");
    expect(text.match(/2\.7%/gu)?.length).toBe(1);
  });
});

describe("thresholds in words", () => {
  it("reads English number words as the threshold", () => {
    expect(englishNumberWords("was retail sales growth above one percent?")).toBe("was retail sales growth above 1 percent?");
    expect(readCondition("Was its retail sales growth above one percent?", "en")).toMatchObject({ op: "above", value: 1, unit: "percent" });
  });

  it("never answers an unread threshold (more than half) with a sentence that names the measure", () => {
    const baotou: Subject = { place: "包头", zoneName: "包头稀土高新区", kind: "高新" };
    const report = hit("5月7日,稀土高新区集中签约项目21个,其中现场签约项目14个。", { zones: ["稀土高新区", "包头"], date: "2022-05-08" });
    const frame = readFrame({ question: "Of the 21 projects Baotou rare earth zone signed, were more than half signed on site?", language: "en", kind: "yesno", terms: [group("signed", "签约"), group("on site", "现场"), group("project", "项目")], subjects: [baotou] });
    expect(lead(answerWithClaims(frame, [report], context))).not.toMatch(/^Yes/u);
  });
});

describe("zones a question names once", () => {
  it("reads a zone whose place no list knows, in a question only", () => {
    expect(detectZones("2023年碧江高新区签约项目多少个？", { question: true }).map((zone) => zone.name)).toEqual(["碧江高新区"]);
    expect(detectZones("2023年碧江高新区签约项目多少个？").map((zone) => zone.name)).toEqual([]);
    expect(detectZones("小蓝经开区2015年主营业务收入达到多少？", { question: true }).map((zone) => zone.name)).toEqual(["小蓝经开区"]);
  });

  it("does not take grammar or a known city before the zone for its name", () => {
    expect(detectZones("哪些企业落地高新区？", { question: true })).toEqual([]);
    expect(detectZones("2020年共有多少家开发区申报", { question: true })).toEqual([]);
    expect(detectZones("包头稀土高新区截至4月30日", { question: true }).map((zone) => zone.place)).toEqual(["包头"]);
  });

  it("keeps a one-character county's name whole after a preposition (在陇县)", () => {
    const text = "陇县招商优惠政策\n凡在陇县辖区投资、注册的企业,享受本政策。县委、县政府决定,我县对引资项目给予奖励。";
    expect(selfNamedCounty(text)).toMatchObject({ name: "陇县" });
  });
});

describe("the subject named last before a figure owns it", () => {
  it("gives 东侨经开区 its ranking though the sentence opens with the province's zones", () => {
    const dongqiao: Subject = { place: "东侨", zoneName: "东侨经开区", kind: "经开" };
    const report = hit("评价结果显示,福建省10家国家级经开区有7家综合排名位次提升,其中东侨经开区综合排名再次进入全国前三十,位列第22位(东部第20位),比上年提升4位。", { zones: ["福建"], date: "2022-03-01" });
    const frame = readFrame({ question: "东侨经开区综合排名全国第几？", language: "zh", kind: "figure", terms: [group("综合排名"), group("全国")], subjects: [dongqiao] });
    expect(lead(answerWithClaims(frame, [report], context))).toBe("位列第22位[1]。");
  });
});

describe("periods and goals", () => {
  const baicheng: Subject = { place: "白城", zoneName: "白城经开区", kind: "经开" };
  const xiaolan: Subject = { place: "小蓝", zoneName: "小蓝经开区", kind: "经开" };
  const year = (y: number): Period => ({ kind: "year", from: `${y}-01`, to: `${y}-12`, zh: `${y}年`, en: `${y}` });
  const quarterReport = hit("今年一季度,全区地区生产总值完成9.09亿元,增长15%。", { zones: ["白城经开区", "白城"], date: "2015-05-01" });
  const quarterContext: EvidenceContext = { ...context, factsIn: (sentence) => (sentence.includes("9.09亿元") ? [{ raw: "9.09亿元", period: { kind: "quarter", from: "2015-01", to: "2015-03", zh: "2015年第一季度", en: "Q1 2015" } }] : []) };

  it("does not give a quarter's total for the whole year asked", () => {
    const frame = readFrame({ question: "白城经济开发区2015年全年的地区生产总值是多少？", language: "zh", kind: "figure", terms: [group("全年"), group("地区生产总值", "地区生产总值", "生产总值")], subjects: [baicheng], period: year(2015) });
    expect(lead(answerWithClaims(frame, [quarterReport], quarterContext))).not.toContain("9.09");
  });

  it("refuses a year the passages do not report, and never states a goal as the figure", () => {
    const report = hit("2015年,小蓝经开区工业总产值、主营业务收入双双突破1000亿元,分别达1014.51亿元、1001.2亿元。力争在“十三五”时期,实现开发区每平方公里主营业务收入突破100亿元的“2331”目标。", { zones: ["小蓝经开区", "小蓝"], date: "2016-01-10" });
    const periodContext: EvidenceContext = { ...context, factsIn: (sentence) => (sentence.includes("1014.51") ? [{ raw: "1014.51亿元", period: year(2015) }, { raw: "1000亿元", period: year(2015) }] : []) };
    const frame = readFrame({ question: "小蓝经开区2016年工业总产值是多少？", language: "zh", kind: "figure", terms: [group("工业总产值", "工业总产值", "工业产值")], subjects: [xiaolan], period: year(2016) });
    const answer = answerWithClaims(frame, [report], periodContext);
    expect(answer?.refused).toBe(true);
    expect(answer?.answer ?? "").not.toMatch(/100亿元|1014\.51/u);
  });
});

describe("groups, events and first place", () => {
  const baicheng: Subject = { place: "白城", zoneName: "白城经开区", kind: "经开" };
  const april: Period = { kind: "month", from: "2015-04", to: "2015-04", zh: "2015年4月", en: "April 2015" };

  it("reads an amount right after a count of projects as that group's amount", () => {
    const report = hit("截止到4月末,经开区签约、协议、意向项目累计23个,协议资金额285.75亿元。其中,签约项目11个,引资额32.24亿元。协议项目2个,引资额0.6亿元。", { zones: ["白城经开区", "白城"], date: "2015-05-05" });
    const frame = readFrame({ question: "截至2015年4月末，白城经济开发区已签约项目的引资额超过100亿元了吗？", language: "zh", kind: "yesno", terms: [group("签约项目", "签约项目", "签约"), group("引资")], subjects: [baicheng], period: april });
    expect(lead(answerWithClaims(frame, [report], context))).toBe("不是。引资额32.24亿元[1]，不符合“超过100亿元”。");
  });

  it("says yes to first place said in other words, of the subject only", () => {
    const torch: Subject = { place: "厦门", zoneName: "厦门火炬高新区", kind: "高新" };
    const q3: Period = { kind: "quarter", from: "2020-07", to: "2020-09", zh: "2020年第三季度", en: "Q3 2020" };
    const frame = readFrame({ question: "2020年第三季度竞赛中，厦门火炬高新区管委会是不是拿了第一？", language: "zh", kind: "yesno", terms: [group("竞赛"), group("管委会")], subjects: [torch], period: q3 });
    const won = hit("第三季度竞赛活动成绩单出炉,厦门火炬高新区管委会以总分91.9分拔得头筹。", { zones: ["厦门火炬高新区", "厦门"], date: "2020-10-31" });
    const other = hit("第三季度竞赛活动成绩单出炉,湖里区以总分92分拔得头筹,厦门火炬高新区管委会位列第二。", { zones: ["厦门火炬高新区", "厦门"], date: "2020-10-31" });
    expect(lead(answerWithClaims(frame, [won], context))).toMatch(/^是的。/u);
    expect(lead(answerWithClaims(frame, [other], context))).not.toMatch(/^是的。/u);
  });

  it("does not give a running total for the day of an event", () => {
    const baotou: Subject = { place: "包头", zoneName: "稀土高新区", kind: "高新" };
    const day: Period = { kind: "day", from: "2022-05", to: "2022-05", day: "2022-05-07", zh: "2022年5月7日", en: "7 May 2022" };
    const report = hit("5月7日,稀土高新区集中签约项目21个,签约协议总投资额为176.25亿元。稀土高新区今年已累计签约项目46个,计划总投资404.77亿元。", { zones: ["稀土高新区", "包头"], date: "2022-05-08" });
    const frame = readFrame({ question: "稀土高新区5月7日签约项目的总投资是多少？", language: "zh", kind: "figure", terms: [group("签约项目", "签约项目", "签约"), group("总投资")], subjects: [baotou], period: day });
    expect(lead(answerWithClaims(frame, [report], context))).toContain("176.25亿元");
  });
});

describe("one figure per year, said in order", () => {
  it("reads 2016年至2018年,分别…A、B、C as each year's figure", async () => {
    const { quantitiesIn } = await import("../../../src/answer/claims/quantities.js");
    const found = quantitiesIn("2016年至2018年,分别完成国内生产总值236.3亿元、314.5亿元、365亿元,预计年均增长24.5%。");
    expect(found.filter((quantity) => quantity.unit === "yuan").map((quantity) => [quantity.raw, quantity.year])).toEqual([
      ["236.3亿元", 2016],
      ["314.5亿元", 2017],
      ["365亿元", 2018],
    ]);
  });

  it("asks an amount in English by 'what capital did … add up to'", () => {
    const frame = readFrame({ question: "By the end of April 2015, what contracted capital did the signed projects of Baicheng Economic Development Zone add up to?", language: "en", kind: "general", terms: [group("capital", "资金")], subjects: [] });
    expect(frame.intent).toBe("figure");
    expect(frame.parts[0]?.asked).toContain("amount");
  });
});

describe("tiers given as bands", () => {
  it("answers the asker's amount with the band that holds it, rate in per mille", () => {
    const rules = hit("1.对于成功引进的制造业投资项目,首期完成固定资产投资额1亿元~5亿元(含5亿元)且资金到期为12个月内的制造业项目,奖励标准为投资额的1‰;首期完成固定资产投资额5亿元~10亿元(含10亿元)且资金到期为18个月内的制造业项目,奖励标准为投资额的1.2‰;首期完成固定资产投资额10亿元以上且资金到期为24个月内的制造业项目,奖励标准为投资额的1.5‰。", { zones: ["新乡高新区", "新乡"], date: "2020-01-01" });
    const xinxiang: Subject = { place: "新乡", zoneName: "新乡高新区", kind: "高新" };
    const frame = readFrame({ question: "新乡高新区一个制造业项目首期完成固定资产投资7亿元，资金在18个月内到期，奖励标准是多少？", language: "zh", kind: "figure", terms: [group("制造业"), group("固定资产投资"), group("奖励")], subjects: [xinxiang] });
    const text = lead(answerWithClaims(frame, [rules], context));
    expect(text).toContain("1.2‰");
    expect(text).not.toContain("1.5‰");
  });
});

describe("denials and number words in yes/no", () => {
  it("does not say yes when the question's word is denied in its clause (不得作为…盈余分配)", () => {
    const yanshan: Subject = { place: "砚山" };
    const rule = hit("以上税收奖励资金只能用于企业的扩大再生产和技术革新改造,不得作为企业的盈余分配或挪作他用。", { zones: ["砚山"], date: "2011-01-01" });
    const frame = readFrame({ question: "砚山县给企业的税收奖励资金可以用于企业的盈余分配吗？", language: "zh", kind: "yesno", terms: [group("税收"), group("奖励资金"), group("盈余分配")], subjects: [yanshan] });
    expect(lead(answerWithClaims(frame, [rule], context))).not.toMatch(/^是的/u);
  });

  it("takes 'the ten projects' as the premise, not as the count asked", () => {
    const zhumadian: Subject = { place: "驻马店" };
    const report = hit("9月5日,驻马店开发区共签约亿元以上项目10个,其中10亿元以上项目4个。", { zones: ["驻马店"], date: "2020-09-06" });
    const frame = readFrame({ question: "Were more than five of the ten projects the Zhumadian development zone signed worth over 1 billion yuan each?", language: "en", kind: "yesno", terms: [group("project", "项目"), group("signed", "签约")], subjects: [zhumadian] });
    expect(lead(answerWithClaims(frame, [report], context))).not.toMatch(/^Yes/u);
  });
});

describe("who: only the clause that names the person is quoted", () => {
  it("leaves the other attendees of a long sentence out of the evidence", () => {
    const zhengdong: Subject = { place: "郑东", zoneName: "郑东新区", kind: "新区" };
    const report = hit("郑州市副市长陈耀宗出席活动,郑东新区党工委书记孙建功致辞,各企业代表参加签约。", { zones: ["郑东新区", "郑州"], date: "2024-12-20" });
    const frame = readFrame({ question: "郑东新区举行签约仪式时，郑东新区党工委书记是谁？", language: "zh", kind: "entity", terms: [group("签约仪式", "签约仪式", "签约"), group("党工委")], subjects: [zhengdong] });
    const answer = answerWithClaims(frame, [report], context)!;
    expect(lead(answer)).toMatch(/^孙建功（/u);
    expect(answer.answer).not.toContain("陈耀宗");
  });
});
