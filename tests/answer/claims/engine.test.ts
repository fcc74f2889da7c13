import { describe, expect, it } from "vitest";
import { answerWithClaims } from "../../../src/answer/claims/engine.js";
import type { EvidenceContext } from "../../../src/answer/claims/evidence.js";
import { readFrame, type Subject } from "../../../src/answer/claims/frame.js";
import { excerpt } from "../../../src/answer/claims/render.js";
import { gatherEvidence } from "../../../src/answer/claims/evidence.js";
import type { Chunk, SearchHit } from "../../../src/core/types.js";
import type { Period } from "../../../src/facts/types.js";
import { detectZones } from "../../../src/ingest/zones.js";
import type { TermGroup } from "../../../src/retrieve/analyze-query.js";

/**
 * The claim engine over hand-written passages: what it claims, what it refuses to claim, and the
 * evidence it quotes. The passages are real report sentences; the context is the real zone
 * detection with a flat document frequency.
 */

function hit(text: string, { title = "报道", zones = ["兰州新区", "兰州"], date = "2022-11-01", id = "r.txt#0:0" }: Partial<Pick<Chunk, "title" | "zones" | "date" | "id">> = {}): SearchHit {
  const chunk: Chunk = { id, source: "news/r.txt", articleId: id.split(":")[0]!, articleIndex: 0, ordinal: 0, title, zones, date, text, indexText: text, start: 0, end: text.length };
  return { chunk, score: 1 };
}

const context: EvidenceContext = {
  documentFrequency: (term) => (term === "签下" ? 0 : 1),
  documents: 10,
  zoneMentions: (text) => detectZones(text),
  placesIn: (text) => detectZones(text).map((zone) => zone.place),
};

const group = (label: string, ...alternatives: string[]): TermGroup => ({ label, alternatives: alternatives.length > 0 ? alternatives : [label] });
const lanzhou: Subject = { place: "兰州", zoneName: "兰州新区", kind: "新区" };
const q1to3: Period = { kind: "quarter", from: "2022-01", to: "2022-09", zh: "2022年前三季度", en: "January–September 2022" };
const lanzhouReport = hit("今年前三季度,兰州新区GDP增长13%。具体来看,规上工业增加值增长19.4%,固定资产投资增长21%、工业固定资产投资增长65.2%,一般预算收入增长29.5%。");

describe("yes/no decided from the evidence", () => {
  it("says no when the figure the question's words govern is below the threshold, not the larger figure of a narrower measure", () => {
    const frame = readFrame({ question: "兰州新区前三季度固定资产投资增长超过30%了吗？", language: "zh", kind: "yesno", terms: [group("固定资产投资"), group("增长")], subjects: [lanzhou], period: q1to3 });
    const answer = answerWithClaims(frame, [lanzhouReport], context)!;
    const lead = answer.answer.split("\n")[0]!;
    expect(lead.startsWith("不是。")).toBe(true);
    expect(lead).toContain("21%");
    expect(answer.answer).not.toContain("65.2%");
    expect(answer.refused).toBe(false);
  });

  it("says yes when the figure meets it, in English too", () => {
    const frame = readFrame({ question: "Did Lanzhou New Area's industrial fixed-asset investment grow by more than 60%?", language: "en", kind: "yesno", terms: [group("industrial fixed asset investment", "工业固定资产投资"), group("grow", "增长")], subjects: [lanzhou], period: q1to3 });
    const lead = answerWithClaims(frame, [lanzhouReport], context)!.answer.split("\n")[0]!;
    expect(lead.startsWith("Yes.")).toBe(true);
    expect(lead).toContain("65.2%");
  });

  it("refuses to say yes or no when nothing about the subject speaks of what is asked", () => {
    const frame = readFrame({ question: "兰州新区实际利用外资超过1亿美元了吗？", language: "zh", kind: "yesno", terms: [group("实际利用外资", "外资")], subjects: [lanzhou], period: q1to3 });
    const answer = answerWithClaims(frame, [lanzhouReport], context)!;
    expect(answer.refused).toBe(true);
    expect(answer.answer).not.toMatch(/^是的|^不是/u);
  });
});

describe("figures claimed only when verified", () => {
  it("answers each part of a two-part question from the clause that governs it, and quotes only those clauses", () => {
    const report = hit("据了解,本次活动签约产业项目18个、总投资230亿元,基础设施项目18个、协议投资1250亿元,23家金融机构意向授信1160亿元。", { zones: ["高竹新区"], date: "2021-03-31" });
    const frame = readFrame({ question: "高竹新区签约产业项目多少个？总投资多少？", language: "zh", kind: "figure", terms: [group("签约"), group("产业项目", "产业项目", "项目"), group("总投资")], subjects: [] });
    const answer = answerWithClaims(frame, [report], context)!;
    const [lead, ...evidence] = answer.answer.split("\n");
    expect(lead).toMatch(/签约产业项目18个\[1\]；总投资230亿元\[1\]。$/u);
    expect(evidence.join("\n")).not.toContain("1250亿元");
    expect(answer.citations).toHaveLength(1);
  });

  it("never states a projection as a result", () => {
    const report = hit("项目全部投产达产后,产值将超200亿元。", { zones: ["衡阳高新区", "衡阳"], date: "2023-07-20" });
    const frame = readFrame({ question: "衡阳高新区产值多少？", language: "zh", kind: "figure", terms: [group("产值")], subjects: [{ place: "衡阳", zoneName: "衡阳高新区", kind: "高新" }] });
    const answer = answerWithClaims(frame, [report], context);
    expect(answer?.answer ?? "").not.toMatch(/^产值将超200亿元/u);
  });

  it("does not give another zone's figure, even in the same sentence", () => {
    const report = hit("1~2月份,全市工业园区共签约落地项目11个。其中,银川经济技术开发区共签约5个项目,总投资80亿元。银川高新技术产业开发区共签约2个项目,总投资6.32亿元。", { zones: ["银川工业园区", "银川"], date: "2022-03-30" });
    const frame = readFrame({ question: "银川高新区1-2月签约多少个项目？", language: "zh", kind: "figure", terms: [group("签约"), group("项目")], subjects: [{ place: "银川", zoneName: "银川高新区", kind: "高新" }] });
    const lead = answerWithClaims(frame, [report], context)!.answer.split("\n")[0]!;
    expect(lead).toContain("2个");
    expect(lead).not.toContain("5个");
    expect(lead).not.toContain("11个");
  });

  it("refuses when the subject's passages never speak of the measure", () => {
    const report = hit("据统计,一季度贵阳经开区规模以上工业增加值同比增长16.1%。", { zones: ["贵阳经开区", "贵阳"], date: "2022-04-29" });
    const frame = readFrame({ question: "贵阳经开区一季度实际利用外资是多少？", language: "zh", kind: "figure", terms: [group("实际利用外资", "实际利用外资", "外资")], subjects: [{ place: "贵阳", zoneName: "贵阳经开区", kind: "经开" }] });
    expect(answerWithClaims(frame, [report], context)!.refused).toBe(true);
  });
});

describe("who, by the post asked", () => {
  it("names the person whose post the question asks, with the post", () => {
    const report = hit("5月25日上午,高新区举行重点项目集中开工动员会。区党工委副书记、管委会主任蔡军宣布开工令,区党工委副书记、党群工作部部长党锋主持开工仪式。", { zones: ["渭南高新区", "渭南"], date: "2023-05-25" });
    const frame = readFrame({ question: "渭南高新区开工动员会上谁宣布开工令？", language: "zh", kind: "entity", terms: [group("开工"), group("宣布")], subjects: [{ place: "渭南", zoneName: "渭南高新区", kind: "高新" }] });
    expect(answerWithClaims(frame, [report], context)!.answer.split("\n")[0]).toBe("蔡军（区党工委副书记、管委会主任）[1]。");
    const english = readFrame({ question: "Who announced the start of construction at Weinan High-tech Zone?", language: "en", kind: "entity", terms: [group("announced", "宣布")], subjects: [{ place: "渭南", kind: "高新" }] });
    expect(answerWithClaims(english, [report], context)!.answer).toMatch(/^Cai Jun \(蔡军\)/u);
  });
});

describe("evidence excerpts", () => {
  it("keep the context before the claimed clause when it holds no figure, and cut other figures after it", () => {
    const frame = readFrame({ question: "总投资多少？", language: "zh", kind: "figure", terms: [group("总投资")], subjects: [] });
    const [sentence] = gatherEvidence(frame, [hit("高新区此次集中开工项目6个,总投资3.56亿元,其中产业项目3个,总投资2.6亿元。")], context);
    const claimed = sentence!.quantities.filter((quantity) => quantity.raw === "6个" || quantity.raw === "3.56亿元");
    const text = excerpt(sentence!, claimed);
    expect(text).toBe("高新区此次集中开工项目6个,总投资3.56亿元…");
  });
});

describe("the tier of a rule for the asker's case", () => {
  it("answers with the tier whose lower bound is the stated case, not the tier that ends there", () => {
    const rule = hit("对医药企业投资新建GAP中药材种植基地面积在100亩及以上至500亩的，给予企业100元/亩奖励；对新建面积在500亩以上的，给予企业200元/亩奖励。", { zones: ["柳河县", "柳河"], date: "2023-02-08", title: "关于支持重点产业加快发展的实施意见" });
    const frame = readFrame({ question: "How much does Liuhe pay per mu for a new GAP herb base larger than 500 mu?", language: "en", kind: "figure", terms: [group("herb", "中药材"), group("base", "基地")], subjects: [{ place: "柳河" }] });
    expect(frame.cases).toEqual([500]);
    const lead = answerWithClaims(frame, [rule], context, undefined, { tiersOnly: true })!.answer.split("\n")[0]!;
    expect(lead).toContain("200元");
    expect(lead).not.toContain("100元/亩");
  });

  it("takes the amount the tier gives, not its other bounds", () => {
    const rule = hit("对一个行政村发展标准化民宿达20家以上、床位100张以上，总投入在1000万元以上且被认定的，给予投资方奖励100万元。", { zones: ["柳河县", "柳河"], date: "2019-01-01", title: "柳河县加快旅游业发展的若干意见" });
    const frame = readFrame({ question: "柳河县一个村发展20家民宿奖励多少？", language: "zh", kind: "figure", terms: [group("民宿")], subjects: [{ place: "柳河" }] });
    const lead = answerWithClaims(frame, [rule], context, undefined, { tiersOnly: true })!.answer.split("\n")[0]!;
    expect(lead).toMatch(/给予投资方奖励100万元\[1\]。$/u);
  });
});

describe("two subjects side by side", () => {
  const binzhou = hit("12月28日,滨州高新区招商引资项目集中签约仪式举行。本次仪式一举签下总投资112.95亿元的35个项目。", { zones: ["滨州高新区", "滨州"], date: "2023-12-29", id: "b.txt#0:0" });
  const daye = hit("12月27日,大冶湖高新区四季度招商引资项目集中签约仪式举行,现场签约项目23个,总投资72亿元。", { zones: ["大冶湖高新区", "大冶"], date: "2023-12-28", id: "d.txt#0:0" });
  const subjects: Subject[] = [{ place: "滨州", zoneName: "滨州高新区", kind: "高新" }, { place: "大冶", kind: "高新" }];
  const names = [["滨州高新区", "滨州"], ["大冶"]];
  const terms = [group("签约", "签约", "签下"), group("项目"), group("总投资")];

  it("answers each subject from its own passages and names the larger, computed from both figures", () => {
    const question = "滨州高新区和大冶湖高新区各签约多少个项目、总投资多少？哪个总投资更高？";
    const frame = readFrame({ question, language: "zh", kind: "comparison", terms, subjects, names });
    expect(frame.sides).toBe(true);
    expect(frame.compare).toMatchObject({ direction: "more" });
    const lead = answerWithClaims(frame, [daye, binzhou], context)!.answer.split("\n")[0]!;
    expect(lead.startsWith("滨州高新区更高")).toBe(true);
    expect(lead).toContain("112.95亿元");
    expect(lead).toContain("72亿元");
    expect(lead).toContain("23个");
  });

  it("names the smaller when the smaller is asked, and the other side wins with the figures swapped", () => {
    const question = "滨州高新区和大冶湖高新区签约项目的总投资，哪个更少？";
    const frame = readFrame({ question, language: "zh", kind: "comparison", terms, subjects, names });
    const lead = answerWithClaims(frame, [binzhou, daye], context)!.answer.split("\n")[0]!;
    expect(lead).toMatch(/^大冶湖高新区更少/u);
  });

  it("does not compare when one side has no figure, and says which is missing", () => {
    const question = "滨州高新区和大冶湖高新区各签约多少个项目、总投资多少？哪个总投资更高？";
    const frame = readFrame({ question, language: "zh", kind: "comparison", terms, subjects, names });
    const answer = answerWithClaims(frame, [binzhou, hit("大冶湖高新区举行招商引资项目集中签约仪式。", { zones: ["大冶湖高新区", "大冶"], id: "e.txt#0:0" })], context)!;
    expect(answer.answer).not.toMatch(/更高/u);
    expect(answer.answer).toContain("无法比较");
  });

  it("keeps a zone and its own city as one subject ('Jinpu New Area in Dalian', '大连金普新区')", () => {
    const frame = readFrame({ question: "How many projects did Jinpu New Area in Dalian sign?", language: "en", kind: "figure", terms: [group("projects", "项目")], subjects: [{ place: "金普" }, { place: "大连" }], names: [["Jinpu"], ["Dalian"]] });
    expect(frame.sides).toBe(false);
  });
});

describe("figures of another item, another project, another period's base", () => {
  it("does not take another industry's figure because the article's title names the asked one", () => {
    const report = hit("2019年,南昌高新区电子信息产业呈爆发式增长,实现主营业务收入764.6亿元。航空产业实现大幅增长,完成主营业务收入108亿元。", { title: "南昌高新区航空产业加速起飞", zones: ["南昌高新区", "南昌"], date: "2020-01-10" });
    const frame = readFrame({ question: "2019年南昌高新区航空产业主营业务收入超过200亿元了吗？", language: "zh", kind: "yesno", terms: [group("航空"), group("产业"), group("主营业务"), group("收入")], subjects: [{ place: "南昌", zoneName: "南昌高新区", kind: "高新" }], period: { kind: "year", from: "2019-01", to: "2019-12", zh: "2019年", en: "2019" } });
    const lead = answerWithClaims(frame, [report], { ...context, documentFrequency: (term) => (term === "主营业务" ? 1 : 2) })!.answer.split("\n")[0]!;
    expect(lead).toMatch(/^不是/u);
    expect(lead).toContain("108亿元");
  });

  it("does not give one project's investment as a zone's total over months", () => {
    const report = hit("河北高速集团·高新区电子科技产业园项目位于石家庄高新区黄山大街以西,总投资约16.2亿元。", { zones: ["石家庄高新区", "石家庄"], date: "2024-08-10" });
    const period: Period = { kind: "range", from: "2024-01", to: "2024-07", zh: "2024年1-7月", en: "January–July 2024" };
    const frame = readFrame({ question: "石家庄高新区2024年1-7月签约项目总投资多少？", language: "zh", kind: "figure", terms: [group("签约"), group("项目"), group("总投资")], subjects: [{ place: "石家庄", zoneName: "石家庄高新区", kind: "高新" }], period });
    const answer = answerWithClaims(frame, [report], context);
    expect(answer?.answer ?? "").not.toMatch(/^[^\n]*16\.2亿元/u);
    // Asked about that project, the same figure is its answer.
    const named = readFrame({ question: "河北高速集团电子科技产业园项目总投资多少？", language: "zh", kind: "figure", terms: [group("河北高速集团"), group("电子科技"), group("产业园"), group("项目"), group("总投资")], subjects: [{ place: "石家庄", zoneName: "石家庄高新区", kind: "高新" }] });
    expect(answerWithClaims(named, [report], context)!.answer.split("\n")[0]).toContain("16.2亿元");
  });

  it("reads 比去年 as a comparison's base, not the period of the figures after it", () => {
    const report = hit("2023年,湘潭高新区已铺排重大建设项目102个,比去年多34个,涉及项目总投资777.28亿元。", { zones: ["湘潭高新区", "湘潭"], date: "2023-04-20" });
    const lastYear: Period = { kind: "year", from: "2022-01", to: "2022-12", zh: "2022年", en: "2022" };
    const frame = readFrame({ question: "2023年湘潭高新区铺排的重大建设项目涉及总投资多少？", language: "zh", kind: "figure", terms: [group("重大"), group("建设项目"), group("总投资")], subjects: [{ place: "湘潭", zoneName: "湘潭高新区", kind: "高新" }], period: { kind: "year", from: "2023-01", to: "2023-12", zh: "2023年", en: "2023" } });
    const lead = answerWithClaims(frame, [report], { ...context, factsIn: () => [{ raw: "777.28亿元", period: lastYear }] })!.answer.split("\n")[0]!;
    expect(lead).toContain("777.28亿元");
  });
});

describe("what the report states: a list asked, a superlative asked", () => {
  const baotou = hit("5月7日,包头稀土高新区招商引资重大项目集中签约仪式举行。据了解,本次签约项目涉及装备制造、新能源、稀土新材料及应用、服务业、大数据、节能环保6大产业。", { zones: ["稀土高新区", "包头"], date: "2022-05-08" });
  const zhuhai = hit("当天,欣旺达、兴森快捷等10个项目代表签订合作框架协议。其中,欣旺达动力电池项目总投资120亿元,是本次签约投资额最大的招商引资项目。", { zones: ["珠海经开区", "珠海"], date: "2022-05-08" });

  it("quotes the enumeration with the asked number of items", () => {
    const frame = readFrame({ question: "包头稀土高新区集中签约的项目涉及哪6大产业？", language: "zh", kind: "general", terms: [group("集中"), group("签约"), group("项目"), group("产业")], subjects: [{ place: "包头" }] });
    expect(frame.statement).toEqual({ kind: "list", count: 6, noun: "产业" });
    const lead = answerWithClaims(frame, [baotou], context)!.answer.split("\n")[0]!;
    expect(lead).toContain("装备制造、新能源、稀土新材料及应用、服务业、大数据、节能环保");
  });

  it("does not offer a list of another length as the asked one", () => {
    const frame = readFrame({ question: "包头稀土高新区集中签约的项目涉及哪4大产业？", language: "zh", kind: "general", terms: [group("集中"), group("签约"), group("项目"), group("产业")], subjects: [{ place: "包头" }] });
    expect(answerWithClaims(frame, [baotou], context)).toBeUndefined();
  });

  it("quotes the clause naming the largest, with the figure in English", () => {
    const frame = readFrame({ question: "Which was the largest investment project signed at the Zhuhai conference?", language: "en", kind: "superlative", terms: [group("investment", "投资"), group("project", "项目"), group("signed", "签约", "签订")], subjects: [{ place: "珠海" }] });
    const lead = answerWithClaims(frame, [zhuhai], context)!.answer.split("\n")[0]!;
    expect(lead).toContain("欣旺达动力电池项目总投资120亿元");
    expect(lead).toContain("RMB 12 billion");
  });
});

describe("rankings written as 位, and other zones of the asked kind", () => {
  it("reads 分别为67位和89位 after 综合排名 as positions, 提升64位 as a move, and decides 进入全国前50 from the subject's own", () => {
    const report = hit("龙岩经开区和厦门海沧台商投资区综合排名分别为67位和89位,提升64位和13位。", { zones: ["龙岩经开区", "龙岩"], date: "2022-02-10" });
    const frame = readFrame({ question: "龙岩经开区综合排名进入全国前50了吗？", language: "zh", kind: "yesno", terms: [group("综合排名")], subjects: [{ place: "龙岩", zoneName: "龙岩经开区", kind: "经开" }] });
    expect(frame.condition).toMatchObject({ op: "atMost", value: 50, unit: "rank" });
    const lead = answerWithClaims(frame, [report], context)!.answer.split("\n")[0]!;
    expect(lead).toMatch(/^不是/u);
    expect(lead).toContain("67位");
    expect(lead).not.toContain("89位");
  });

  it("does not take another zone's position because it is of the asked kind", () => {
    const report = hit("钦州港经开区在全国217家国家级经开区中排名第94位,广西—东盟经开区排名152位。", { zones: ["钦州港经开区", "钦州"], date: "2023-03-01" });
    const frame = readFrame({ question: "钦州港经开区进入全国百强了吗？", language: "zh", kind: "yesno", terms: [group("进入"), group("全国")], subjects: [{ place: "钦州", zoneName: "钦州港经开区", kind: "经开" }] });
    const lead = answerWithClaims(frame, [report], context)!.answer.split("\n")[0]!;
    expect(lead).toMatch(/^是的/u);
    expect(lead).not.toContain("152位");
  });
});
