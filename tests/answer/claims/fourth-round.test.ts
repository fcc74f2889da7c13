import { beforeAll, describe, expect, it } from "vitest";
import { answerWithClaims } from "../../../src/answer/claims/engine.js";
import { readFrame, type Subject } from "../../../src/answer/claims/frame.js";
import { quantitiesIn } from "../../../src/answer/claims/quantities.js";
import { loadLexicon, type Lexicon } from "../../../src/app/lexicon.js";
import { parseEnglishPeriods } from "../../../src/facts/period.js";
import type { Period } from "../../../src/facts/types.js";
import { articleZones, detectZones } from "../../../src/ingest/zones.js";
import { analyzeQuery, type TermGroup } from "../../../src/retrieve/analyze-query.js";
import { classifyQuestion } from "../../../src/retrieve/question-kind.js";
import { realCorpusDir } from "../../helpers/temp-runtime.js";
import { group, hitsDated, plainContext } from "./report-passages.js";

/**
 * The fourth round, over real report sentences: a change after an aside belongs to the head figure,
 * the quote leaves the aside out, a question asking what was expected wants the projection, a report
 * that writes only "经开区" is about the one city it names, and a park named after its zone is no
 * second subject.
 */

const hit = hitsDated("2023-09-20");
const context = plainContext;
const lines = (answer: { answer: string } | undefined) => answer?.answer.split("\n") ?? [];

const aside = "截至8月底,已完成工业总产值36.37亿元,其中,生物医药33亿元、新能源新材料2.16亿元、农副产品0.75亿元等,同比增长9.98%。";
const august: Period = { kind: "month", from: "????-08", to: "????-08", zh: "8月", en: "August", yearless: true };
const yining: Subject = { place: "伊宁" };

describe("a change after an aside closed by 等", () => {
  it("is the head figure's change, not the aside's last item's", () => {
    const growth = quantitiesIn(aside.replace(/。$/u, "")).find((quantity) => quantity.raw.startsWith("9.98"))!;
    expect(growth.governs).toContain("工业总产值");
    expect(growth.follows).toBe(aside.indexOf("36.37"));
  });

  it("without 等 the change stays with the figure right before it", () => {
    const growth = quantitiesIn("完成工业总产值36.37亿元,其中生物医药33亿元,同比增长20%").find((quantity) => quantity.raw.startsWith("20"))!;
    expect(growth.follows).toBe("完成工业总产值36.37亿元,其中生物医药".length);
  });

  it("decides a yes/no on that change, and quotes the head and the change without the aside's figures", () => {
    const question = "截至8月底，伊宁园区工业总产值同比增长超过10%了吗？";
    const frame = readFrame({ question, language: "zh", kind: "yesno", terms: [group("截至"), group("8月"), group("工业总产值"), group("同比增长", "同比增长", "增长")], subjects: [yining], period: august });
    const answer = lines(answerWithClaims(frame, [hit(aside, { zones: ["伊宁"] })], context));
    expect(answer[0]).toMatch(/^不是。.*9\.98%/u);
    expect(answer.join("\n")).not.toContain("33亿元");
  });

  it("quotes two claimed clauses of one sentence without the other figures between them", () => {
    const question = "截至8月底，伊宁园区完成工业总产值多少？同比增长多少？";
    const frame = readFrame({ question, language: "zh", kind: "figure", terms: [group("截至"), group("8月"), group("工业总产值"), group("同比增长", "同比增长", "增长")], subjects: [yining], period: august });
    const answer = lines(answerWithClaims(frame, [hit(aside, { zones: ["伊宁"] })], context));
    expect(answer[0]).toContain("36.37亿元");
    expect(answer[0]).toContain("9.98%");
    expect(answer[1]).toBe("截至8月底,已完成工业总产值36.37亿元…同比增长9.98%[1]。");
  });
});

describe("a question that asks what was expected", () => {
  const report = hit("预计全年实现地区生产总值685亿元,增长8.5%左右;实现规模以上工业产值2220亿元,增长18.7%。", { zones: ["芜湖经开区", "芜湖"], date: "2022-12-20" });
  const wuhu: Subject = { place: "芜湖", zoneName: "芜湖经开区", kind: "经开" };
  const year: Period = { kind: "year", from: "2022-01", to: "2022-12", zh: "2022年", en: "2022" };
  const gdp = group("GDP", "地区生产总值", "GDP");

  it("is given the projection (the quote says 预计)", () => {
    const frame = readFrame({ question: "What full-year GDP did the Wuhu Economic and Technological Development Zone expect for 2022?", language: "en", kind: "figure", terms: [gdp], subjects: [wuhu], period: year });
    expect(frame.asksPlan).toBe(true);
    expect(lines(answerWithClaims(frame, [report], context))[0]).toMatch(/68\.5 billion.*预计/u);
  });

  it("while a question about the result never gets it", () => {
    const frame = readFrame({ question: "What was the GDP of the Wuhu Economic and Technological Development Zone in 2022?", language: "en", kind: "figure", terms: [gdp], subjects: [wuhu], period: year });
    expect(frame.asksPlan).toBe(false);
    expect(lines(answerWithClaims(frame, [report], context))[0] ?? "").not.toMatch(/68\.5 billion/u);
  });
});

describe("a report that writes only 经开区", () => {
  const body = "今年以来,经开区深入贯彻落实党的二十大精神,经济社会保持良好发展势头。经开区实现规模以上工业产值2220亿元。入选企业数占全市50%,有效助力芜湖市在该项工作中实现突破。";

  it("is about the zone of the one city it names with 市", () => {
    expect(articleZones("经开区2022年经济社会发展总体情况", body)).toEqual(["芜湖经开区", "芜湖"]);
  });

  it("is about no city when the only match is inside a word (拆迁安置 is not 迁安)", () => {
    expect(articleZones("高新区召开半年度工作会议", "高新区深入开展拆迁安置攻坚年活动。高新区主要经济指标实现稳健增长。")).toEqual([]);
  });

  it("is about no city when it names two", () => {
    expect(articleZones("经开区工作报告", `${body}与合肥市企业签约。`)).toEqual([]);
  });
});

describe("periods and comparisons read from the question", () => {
  it("reads 'by the end of August' as the month a running total is given for", () => {
    const [found] = parseEnglishPeriods("What had it achieved by the end of August?", { yearlessWhenBare: true });
    expect(found?.period).toMatchObject({ from: "????-08", to: "????-08", zh: "8月" });
    expect(parseEnglishPeriods("as of end-October 2023", {})[0]?.period).toMatchObject({ from: "2023-10", to: "2023-10" });
  });

  it("does not take 同比增长多少 or 比上年增长多少 for a comparison of two places", () => {
    expect(classifyQuestion("截至8月底，霍尔果斯经济开发区伊宁园区完成工业总产值多少？同比增长多少？", 2).kind).toBe("figure");
    expect(classifyQuestion("衡阳和湘潭的工业产值比上年增长多少？", 2).kind).not.toBe("comparison");
    expect(classifyQuestion("衡阳比湘潭的工业产值高多少？", 2).kind).toBe("comparison");
  });
});

describe("a park named with its zone", () => {
  let lexicon: Lexicon;
  beforeAll(async () => {
    lexicon = await loadLexicon(realCorpusDir);
  });
  const analyze = (question: string) => analyzeQuery(question, { glossary: lexicon.glossary, places: lexicon.places, segment: lexicon.segmenter });

  it("is part of that zone, not a second place to compare (zh)", () => {
    expect(analyze("截至8月底，霍尔果斯经济开发区伊宁园区完成工业总产值多少？").places).toEqual(["霍尔果斯"]);
    expect(analyze("伊宁园区工业总产值同比增长超过10%了吗？").places).toEqual(["伊宁"]);
  });

  it("is part of that zone in English too, and 'by the end of' is no topic", () => {
    const query = analyze("How much industrial value added had the Yining Park of the Changzhi High-tech Zone achieved by the end of August?");
    expect(query.places).toEqual(["长治"]);
    expect(query.groups.map((item) => item.label)).not.toContain("end");
  });

  it("keeps the park's place when it is the only place named", () => {
    expect(analyze("How much industrial value added had the Yining Park of the Qarabel Economic Development Zone achieved?").places).toEqual(["伊宁"]);
  });
});

describe("an act the report calls not final", () => {
  const haidong: Subject = { place: "海东", zoneName: "海东工业园区", kind: "工业园" };
  const report = hit("记者从海东工业园区管理委员会获悉,园区已落实“青洽会”意向签约项目7项,意向签约额160亿元。", { zones: ["海东工业园区", "海东"] });
  const signed = group("signed", "签约");

  it("answers no when the question asks for signed contracts and the report says 意向签约", () => {
    const frame = readFrame({ question: "Are the 16 billion yuan of Haidong Industrial Park's fair deals formally signed contracts?", language: "en", kind: "yesno", terms: [group("16"), signed, { ...group("contracts", "合同"), weight: 0.5 }], subjects: [haidong] });
    expect(lines(answerWithClaims(frame, [report], context))[0]).toMatch(/^No\. The report calls it an intention \(意向\)/u);
  });

  it("does not say yes to a plain 'did it sign' either, and never says yes", () => {
    const frame = readFrame({ question: "海东工业园区在青洽会上签约了吗？", language: "zh", kind: "yesno", terms: [group("青洽会"), group("签约")], subjects: [haidong] });
    expect(lines(answerWithClaims(frame, [report], context))[0] ?? "").not.toMatch(/^是的/u);
  });

  it("says yes when the question itself asks about intention deals", () => {
    const frame = readFrame({ question: "海东工业园区在青洽会上有意向签约项目吗？", language: "zh", kind: "yesno", terms: [group("青洽会"), group("意向"), group("签约")], subjects: [haidong] });
    expect(lines(answerWithClaims(frame, [report], context))[0]).toMatch(/^是的/u);
  });
});

describe("first place asked within a province", () => {
  const liuzhou: Subject = { place: "柳州", zoneName: "柳州高新区", kind: "高新" };
  const report = hit("今年第一季度,科技部公布国家高新区评价最新排名,柳州高新区综合排名在169个单位中居第44位,较上年度上升5位,再次名列广西各高新区之首。", { zones: ["柳州高新区", "柳州"] });

  it("is not decided by the national rank, and is stated by 名列广西…之首 (not by 第一季度)", () => {
    const frame = readFrame({ question: "Is Liuzhou Hi-tech Zone the best-ranked high-tech zone in Guangxi?", language: "en", kind: "yesno", terms: [], subjects: [liuzhou], scope: ["广西"] });
    expect(frame.condition).toMatchObject({ unit: "rank", value: 1 });
    expect(lines(answerWithClaims(frame, [report], context))[0]).toMatch(/^Yes\./u);
  });

  it("without a province, first place is decided by the national rank: no", () => {
    const frame = readFrame({ question: "Is Liuzhou Hi-tech Zone ranked first in the national evaluation?", language: "en", kind: "yesno", terms: [group("national", "国家")], subjects: [liuzhou] });
    expect(lines(answerWithClaims(frame, [report], context))[0]).toMatch(/^No\. 44th/u);
  });

  it("a province the report ranks nothing in is not stated", () => {
    const frame = readFrame({ question: "柳州高新区是广东排名第一的高新区吗？", language: "zh", kind: "yesno", terms: [], subjects: [liuzhou], scope: ["广东"] });
    expect(lines(answerWithClaims(frame, [report], context))[0] ?? "").not.toMatch(/^是的/u);
  });
});

describe("questions read before their words", () => {
  it("a superlative asked to be confirmed is a yes/no", () => {
    expect(classifyQuestion("Did Yuansheng in Ordos High-tech Zone rank first in the city by import and export value?", 1).kind).toBe("yesno");
    expect(classifyQuestion("Is it the largest project signed this year?", 0).kind).toBe("yesno");
    expect(classifyQuestion("Which zone signed the largest project?", 0).kind).toBe("superlative");
  });
});

describe("established English names of places that are not pinyin", () => {
  let lexicon: Lexicon;
  beforeAll(async () => {
    lexicon = await loadLexicon(realCorpusDir);
  });

  it("finds Ordos, Urumqi and Khorgos, and answers with that name", () => {
    expect(lexicon.places.inEnglish("How many cars did Ordos High-tech Zone produce?").places).toEqual(["鄂尔多斯"]);
    expect(lexicon.places.inEnglish("Urumqi ETDZ investment").places).toEqual(["乌鲁木齐"]);
    expect(lexicon.places.inEnglish("the Horgos Economic Development Zone").places).toEqual(["霍尔果斯"]);
    expect(lexicon.places.english("鄂尔多斯")).toBe("Ordos");
    expect(lexicon.places.english("伊宁")).toBe("Yining");
  });
});

describe("a rule that denies what is asked", () => {
  const policy = (text: string, title = "盘县招商引资优惠办法(试行)") => hit(text, { title, zones: ["盘县"], date: "" });

  it("answers no when the thing asked is excluded after it in its clause (…等项目不适用本办法)", () => {
    const frame = readFrame({ question: "在盘县投资一个火力发电项目，能享受这个招商引资优惠办法吗？", language: "zh", kind: "yesno", terms: [group("盘县"), group("火力发电"), group("项目"), group("招商引资"), group("优惠"), group("办法")], subjects: [] });
    const answer = lines(answerWithClaims(frame, [policy("煤炭采掘、洗选、焦化、火力发电及房地产开发、采石场等项目不适用本办法。")], context));
    expect(answer[0]).toMatch(/^不是。.*不适用本办法/u);
  });

  it("answers no when a negation precedes it in its clause (不得作为企业的盈余分配)", () => {
    const frame = readFrame({ question: "砚山县给企业的税收奖励资金可以用于企业的盈余分配吗？", language: "zh", kind: "yesno", terms: [group("税收"), group("奖励"), group("资金"), group("用于"), group("盈余分配")], subjects: [] });
    const answer = lines(answerWithClaims(frame, [policy("以上税收奖励资金只能用于企业的扩大再生产和技术革新改造,不得作为企业的盈余分配或挪作他用。", "砚山县招商引资优惠政策")], context));
    expect(answer[0]).toMatch(/^不是。/u);
  });

  it("reads a question that is itself negated as undecided, never as the wrong way round", () => {
    const frame = readFrame({ question: "火力发电项目不能享受这个招商引资优惠办法吗？", language: "zh", kind: "yesno", terms: [group("火力发电"), group("项目"), group("招商引资"), group("优惠"), group("办法")], subjects: [] });
    const answer = lines(answerWithClaims(frame, [policy("煤炭采掘、火力发电等项目不适用本办法。")], context));
    expect(answer[0] ?? "").not.toMatch(/^(?:是的|不是)/u);
  });

  it("answers yes from the clause that says it, the document's own name held by its title", () => {
    const frame = readFrame({ question: "盘县的高新技术及研发项目优惠期满后，还可以再申请吗？", language: "zh", kind: "yesno", terms: [group("盘县"), group("高新技术"), group("研发"), group("项目"), group("优惠"), group("期满"), group("申请")], subjects: [] });
    expect(lines(answerWithClaims(frame, [policy("高新技术及研发项目,优惠期满后,可再申请。")], context))[0]).toMatch(/^是的。/u);
  });
});

describe("place names read from documents", () => {
  it("a two-character county written bare inside a phrase is no place (投资兴办 is not 资兴)", () => {
    expect(detectZones("鼓励县外投资者来我县投资兴办企业").map((zone) => zone.name)).toEqual([]);
    expect(detectZones("资兴市经开区今年签约项目").map((zone) => zone.place)).toContain("资兴");
  });
});

describe("a measure no passage names", () => {
  const rule = "固定资产投资规模在500万元以上的企业,分别按缴纳地方税收总额(剔除上解部份后)的40%、30%、20%给予奖励。";
  const listing: TermGroup = { label: "上市", alternatives: ["上市", "挂牌上市"], unseen: true };

  it("gets no figure from a policy's other rules (a listing reward asked of a policy that has none)", () => {
    const frame = readFrame({ question: "砚山县对企业上市给予多少奖励？", language: "zh", kind: "figure", terms: [group("企业"), listing, group("奖励")], subjects: [] });
    const answer = lines(answerWithClaims(frame, [hit(rule, { title: "砚山县招商引资优惠政策(试行)", zones: ["砚山县"], date: "" })], context));
    expect(answer[0] ?? "").not.toMatch(/%/u);
  });

  it("while the same words in a report, which words things its own way, are not insisted on", () => {
    const frame = readFrame({ question: "砚山县对企业上市给予多少奖励？", language: "zh", kind: "figure", terms: [group("企业"), listing, group("奖励")], subjects: [] });
    const answer = lines(answerWithClaims(frame, [hit(rule, { title: "砚山县招商引资工作综述", zones: ["砚山县"], date: "" })], context));
    expect(answer[0] ?? "").toMatch(/%/u);
  });
});

describe("the years of a benefit", () => {
  it("are read as spans counted from the benefit's start", async () => {
    const { yearSpan, otherYearSpan } = await import("../../../src/answer/claims/quantities.js");
    expect(yearSpan("前两年县财政按什么比例补助")).toEqual([1, 2]);
    expect(yearSpan("两年内按企业所得税县级留存部分的同等比例")).toEqual([1, 2]);
    expect(yearSpan("第三年至第五年按50%")).toEqual([3, 5]);
    expect(yearSpan("第一年奖励5万元")).toEqual([1, 1]);
    expect(yearSpan("2023年上半年")).toBeUndefined();
    expect(otherYearSpan("前两年按什么比例补助？", "第三年至第五年按企业所得税县级留存部分的50%")).toBe(true);
    expect(otherYearSpan("第四年按什么比例补助？", "第三年至第五年按企业所得税县级留存部分的50%")).toBe(false);
  });

  it("keep a figure of other years from answering (前两年 asked, 第三年至第五年 said)", () => {
    const text = "固定资产投资额1000万元(人民币,下同)及以上的鼓励类生产性投资项目,项目建成投产后,两年内按企业所得税县级留存部分的同等比例,由县财政补助给企业;第三年至第五年按企业所得税县级留存部分的50%,由县财政补助给企业。";
    const frame = readFrame({ question: "项目建成投产后，前两年县财政按什么比例补助企业所得税县级留存部分？", language: "zh", kind: "figure", terms: [group("前两年"), group("比例"), group("补助"), group("所得税"), group("留存")], subjects: [] });
    const lead = lines(answerWithClaims(frame, [hit(text, { title: "盘县招商引资优惠办法(试行)", date: "" })], context))[0] ?? "";
    expect(lead).not.toContain("50%");
    // "1000万元(人民币,下同)及以上" is a threshold, bracket or not.
    expect(lead).not.toMatch(/^[^。]*1000万元\[/u);
  });
});

describe("running totals of another month", () => {
  it("are other figures (1-7月 is not the 1-6月 figure), while wider periods only do not confirm", async () => {
    const { periodRelation } = await import("../../../src/answer/claims/evidence.js");
    const h1: Period = { kind: "half", from: "2021-01", to: "2021-06", zh: "2021年上半年", en: "H1 2021" };
    expect(periodRelation({ kind: "months", from: "2021-01", to: "2021-07", zh: "2021年1-7月", en: "" }, h1)).toBe(-1);
    expect(periodRelation({ kind: "months", from: "2021-01", to: "2021-06", zh: "2021年1-6月", en: "" }, h1)).toBe(1);
    expect(periodRelation({ kind: "year", from: "2021-01", to: "2021-12", zh: "2021年", en: "" }, h1)).toBe(0);
    expect(periodRelation({ kind: "month", from: "2021-04", to: "2021-04", zh: "2021年4月", en: "" }, h1)).toBe(1);
  });

  it("leave a question about the first half unanswered by the January–July total", () => {
    const h1: Period = { kind: "half", from: "2021-01", to: "2021-06", zh: "2021年上半年", en: "H1 2021" };
    const frame = readFrame({ question: "湘西高新区2021年1-6月的工业总产值是多少？", language: "zh", kind: "figure", terms: [group("1-6月"), group("工业总产值")], subjects: [{ place: "湘西", zoneName: "湘西高新区", kind: "高新" }], period: h1 });
    const answer = lines(answerWithClaims(frame, [hit("1-7月,全区实现工业总产值72亿元,同比增长41%。", { zones: ["湘西高新区", "湘西"], date: "2021-08-10" })], context));
    expect(answer[0] ?? "").not.toContain("72亿元");
  });
});

describe("English measure words written with a hyphen", () => {
  it("still name the measure of the part ('fixed-asset investment' is the glossary's 'fixed asset investment')", () => {
    const half: Period = { kind: "half", from: "????-01", to: "????-06", zh: "上半年", en: "January–June", yearless: true };
    const frame = readFrame({ question: "What was the fixed-asset investment of Ya'an Economic Development Zone in the first half of the year?", language: "en", kind: "general", terms: [group("fixed asset investment", "固定资产投资"), group("first half of the year", "上半年", "1-6月")], subjects: [{ place: "雅安", kind: "经开" }], period: half });
    expect(frame.parts[0]?.terms.map((item) => item.label)).toContain("fixed asset investment");
    const answer = lines(answerWithClaims(frame, [hit("上半年,新增规上工业产值近10亿元。", { zones: ["雅安经开区", "雅安"] })], context));
    expect(answer[0] ?? "").not.toContain("10亿元");
  });
});

describe("bounds, measures listed with 分别, and items named in English", () => {
  const xiaolan: Subject = { place: "小蓝", zoneName: "小蓝经开区", kind: "经开" };
  const year2015: Period = { kind: "year", from: "2015-01", to: "2015-12", zh: "2015年", en: "2015" };
  const report = "2015年,小蓝经开区工业总产值、主营业务收入双双突破1000亿元,分别达1014.51亿元、1001.2亿元,同比分别增长16.29%和12.64%。";
  const revenue = group("main business revenue", "主营业务收入");

  it("gives each measure of a 分别 list its own figure and change", () => {
    const found = quantitiesIn(report.replace(/。$/u, ""));
    const at = (raw: string) => found.find((quantity) => quantity.raw.startsWith(raw));
    const [output, income, outputGrowth, incomeGrowth] = [at("1014.51"), at("1001.2"), at("16.29"), at("12.64")];
    expect(output!.governs).toContain("工业总产值");
    expect(income!.governs).toContain("主营业务收入");
    expect(outputGrowth!.follows).toBe(output!.start);
    expect(incomeGrowth!.follows).toBe(income!.start);
  });

  it("decides 'reach 200 billion' on the exact figure, not on the bound 突破1000亿元", () => {
    const frame = readFrame({ question: "Did Xiaolan ETDZ's main business revenue reach 200 billion yuan in 2015?", language: "en", kind: "yesno", terms: [revenue], subjects: [xiaolan], period: year2015 });
    expect(frame.condition).toMatchObject({ op: "above", value: 200_000_000_000 });
    expect(lines(answerWithClaims(frame, [hit(report, { zones: ["小蓝经开区", "小蓝"], date: "2016-01-20" })], context))[0]).toMatch(/^No\. RMB 100\.12 billion/u);
  });

  it("leaves a bound that cannot decide undecided ('突破1000亿元' against 'more than 2000亿')", () => {
    const frame = readFrame({ question: "2015年小蓝经开区主营业务收入超过2000亿元了吗？", language: "zh", kind: "yesno", terms: [group("主营业务收入")], subjects: [xiaolan], period: year2015 });
    const answer = lines(answerWithClaims(frame, [hit("2015年,小蓝经开区主营业务收入突破1000亿元。", { zones: ["小蓝经开区", "小蓝"], date: "2016-01-20" })], context));
    expect(answer[0] ?? "").not.toMatch(/^(?:是的|不是)/u);
  });

  it("does not give another industry's figure for 'the aviation industry'", () => {
    const nanchang: Subject = { place: "南昌", zoneName: "南昌高新区", kind: "高新" };
    const year2019: Period = { kind: "year", from: "2019-01", to: "2019-12", zh: "2019年", en: "2019" };
    const text = "2019年,南昌高新区电子信息产业呈爆发式增长,实现主营业务收入764.6亿元。航空产业实现大幅增长,完成主营业务收入108亿元。";
    const frame = readFrame({ question: "Did Nanchang High-tech Zone's aviation industry earn more than 20 billion yuan of main business revenue in 2019?", language: "en", kind: "yesno", terms: [{ ...group("aviation", "航空", "飞机"), weight: 0.5 }, revenue, group("industry", "产业")], subjects: [nanchang], period: year2019 });
    expect(lines(answerWithClaims(frame, [hit(text, { zones: ["南昌高新区", "南昌"], date: "2020-01-20" })], context))[0]).toMatch(/^No\. RMB 10\.8 billion/u);
  });
});

describe("who reported it", () => {
  const report = hit("本报海东讯(记者赵睿) 7月21日,记者从海东工业园区管理委员会获悉,园区已落实“青洽会”意向签约项目7项。", { zones: ["海东工业园区", "海东"] });
  const haidong: Subject = { place: "海东", zoneName: "海东工业园区", kind: "工业园" };

  it("is the name after 记者 in the byline, and 委员会获悉 is no post and no name", () => {
    const zh = readFrame({ question: "报道海东工业园区青洽会签约的记者是谁？", language: "zh", kind: "entity", terms: [group("报道"), group("青洽会"), group("签约"), group("记者")], subjects: [haidong] });
    expect(lines(answerWithClaims(zh, [report], context))[0]).toBe("赵睿（记者）[1]。");
    const en = readFrame({ question: "Who is the reporter of the Haidong Industrial Park report on the fair deals?", language: "en", kind: "entity", terms: [group("report", "报道"), group("deals", "签约")], subjects: [haidong] });
    expect(lines(answerWithClaims(en, [report], context))[0]).toMatch(/^Zhao Rui \(赵睿\), 记者/u);
  });
});

describe("a list of the asked noun", () => {
  it("that holds none of the question's other words is another list (…企业培育、企业数增长… for 与哪些企业签约)", async () => {
    const { statementAsk, statementStrategy } = await import("../../../src/answer/claims/statements.js");
    const question = "柳东新区今年年初先后与哪些企业签约？";
    const frame = readFrame({ question, language: "zh", kind: "list", terms: [group("柳东"), group("今年年初"), group("企业"), group("签约")], subjects: [] });
    const ask = statementAsk(question, "zh")!;
    const other = hit("评价结果显示,柳州高新区在龙头型科技企业培育、企业数增长、企业海外拓展能力等方面具有优势。", { zones: ["柳州高新区"] });
    const { gatherEvidence } = await import("../../../src/answer/claims/evidence.js");
    expect(statementStrategy(frame, ask, gatherEvidence(frame, [other], context), context)).toBeUndefined();
    const signed = hit("今年年初柳东新区先后与一阳科技、合肥国轩、中软国际等企业签约。", { zones: ["柳东新区"], id: "s.txt#0:0" });
    expect(statementStrategy(frame, ask, gatherEvidence(frame, [signed], context), context)?.clause).toContain("合肥国轩");
  });
});

describe("the tier of a policy that holds the asker's amount", () => {
  const rule = "一次性补贴县留成部分:固定资产投资在 2000 万元以上 3000 万元以下的,补贴 42%;固定资产投资 3000 万元以上 5000 万元以下的,补贴60%;固定资产投资 5000 万元以上,且每亩土地的固定资产投资在100 万元以上的,补贴 80%。";
  const policy = hit(rule, { title: "县招商引资优惠规章制度", zones: [], date: "" });
  const terms = [group("固定资产投资"), group("补贴"), group("留成")];

  it("is the tier whose floor and ceiling hold it (4000万元 → 60%), in Chinese and in English", () => {
    for (const question of ["固定资产投资4000万元的企业，县留成部分补贴多少？", "A company with 40 million yuan of fixed-asset investment: what share of the county-retained part is subsidised?"]) {
      const language = /[a-z]{4}/u.test(question) ? "en" : "zh";
      const frame = readFrame({ question, language, kind: "figure", terms, subjects: [] });
      expect(frame.caseYuan).toEqual([40_000_000]);
      expect(lines(answerWithClaims(frame, [policy], context, undefined, { tiersOnly: true }))[0]).toContain("60%");
    }
  });

  it("is the highest floor below an amount above every ceiling (6000万元 → 80%), and no tier for 1000万元", () => {
    const high = readFrame({ question: "固定资产投资6000万元的企业，县留成部分补贴多少？", language: "zh", kind: "figure", terms, subjects: [] });
    expect(lines(answerWithClaims(high, [policy], context, undefined, { tiersOnly: true }))[0]).toContain("80%");
    const low = readFrame({ question: "固定资产投资1000万元的企业，县留成部分补贴多少？", language: "zh", kind: "figure", terms, subjects: [] });
    expect(answerWithClaims(low, [policy], context, undefined, { tiersOnly: true })).toBeUndefined();
  });
});

describe("how a question asks a figure", () => {
  it("'What was X's fiscal revenue in 2015?' asks a figure, and 'What rank did it take for growth?' a position", () => {
    const year: Period = { kind: "year", from: "2015-01", to: "2015-12", zh: "2015年", en: "2015" };
    const possessive = readFrame({ question: "What was Zhangjiajie Economic Development Zone's fiscal revenue in 2015?", language: "en", kind: "general", terms: [group("fiscal revenue", "财政收入")], subjects: [], period: year });
    expect(possessive.intent).toBe("figure");
    const rank = readFrame({ question: "What rank did Liaocheng High-tech Zone take in the city for industrial output growth in 2016?", language: "en", kind: "figure", terms: [group("industrial output", "工业产值"), group("growth", "增长")], subjects: [] });
    expect(rank.parts.map((part) => part.asked)).toEqual([["rank"]]);
    expect(readFrame({ question: "聊城高新区工业产值增速在全市排第几？", language: "zh", kind: "figure", terms: [group("工业产值"), group("增速")], subjects: [] }).parts[0]?.asked).toEqual(["rank"]);
  });

  it("a plan for another year is no figure of the asked year: refused, not quoted", () => {
    const year: Period = { kind: "year", from: "2015-01", to: "2015-12", zh: "2015年", en: "2015" };
    const frame = readFrame({ question: "What was Zhangjiajie Economic Development Zone's fiscal revenue in 2015?", language: "en", kind: "general", terms: [group("fiscal revenue", "财政收入", "财政总收入")], subjects: [{ place: "张家界", kind: "经开" }], period: year });
    const answer = answerWithClaims(frame, [hit("2016年,开发区将实现“五个突破”,即产值突破30个亿、财政总收入突破2个亿。", { zones: ["张家界经开区", "张家界"], date: "2016-02-26" })], context);
    expect(answer?.refused).toBe(true);
  });
});
