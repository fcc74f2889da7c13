import { describe, expect, it } from "vitest";
import { answerWithClaims } from "../../../src/answer/claims/engine.js";
import { readFrame, type Subject } from "../../../src/answer/claims/frame.js";
import type { Period } from "../../../src/facts/types.js";
import { withoutByline } from "../../../src/ingest/sentences.js";
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
