import { describe, expect, it } from "vitest";
import type { AnswerInput, Chunk, SearchHit } from "../../src/core/types.js";
import { composeRuleAnswer, missingRuleTopic, ruleQuestionKind } from "../../src/answer/rule-answer.js";
import { extractRule, readClause, splitClauses } from "../../src/ingest/policy-rules.js";
import { mergeValidity, parseValidity } from "../../src/ingest/validity.js";
import { selectSenses } from "../../src/retrieve/analyze-query.js";

// Items as they stand in county policy texts (柳河县 实施意见 and 若干意见).
const listing = "第15条鼓励企业挂牌上市。对在主板上市企业，给予企业300万元奖励；对在中小板、创业板、科创板上市企业，给予企业200万元奖励；对在新三板挂牌企业，给予企业100万元奖励。";
const headquarters =
  "第5条对新引进的总部经济项目，自认定当年起，参照其年度地方财政贡献给予企业连续5年奖励，即：年度地方财政贡献1000万元及以上至2000万元、2000万元以上至5000万元、5000万元以上的，分别参照其地方财政贡献的70%、80%和90%给予企业奖励，奖励额度不设上限。";
const growth = "第11条鼓励企业产值稳步增长。对规上工业企业年产值同比增长超过1000万元的，给予企业超出额0.5%的奖励，奖励最高不超过20万元。";
const stages =
  "第21条政策奖励按项目实现建筑物主体封闭、建筑工程通过正式竣工验收和正常运营满6个月后(以企业开出第一张发票为起止时间)3个阶段，分别按应奖励额的30%、30%和40%对企业进行奖励。新建重点产业项目在12个月内全面建成并投产，可在项目启动建设后一次性兑现全额政策奖励。";
const services = "对新增并纳入统计口径的规模以上服务业企业，给予企业10万元奖励(第一年奖励5万元，第二年奖励3万元，第三年奖励2万元)。";

describe("rule records", () => {
  it("splits an item into clauses at top-level 。；, never inside brackets", () => {
    expect(splitClauses(services)).toHaveLength(1);
    expect(splitClauses(listing).map((clause) => clause.text)).toHaveLength(4);
  });

  it("reads amount and condition per clause, the item's title apart", () => {
    const rule = extractRule(listing)!;
    expect(rule.title).toBe("鼓励企业挂牌上市");
    expect(rule.measure).toEqual(expect.arrayContaining(["reward", "listing"]));
    expect(rule.clauses.map((clause) => [clause.condition, clause.amounts])).toEqual([
      ["对在主板上市企业", ["300万元"]],
      ["对在中小板、创业板、科创板上市企业", ["200万元"]],
      ["对在新三板挂牌企业", ["100万元"]],
    ]);
  });

  it("reads caps, no cap, rates and periods", () => {
    const capped = readClause(growth.split("。")[1]!);
    expect(capped.cap).toBe("最高不超过20万元");
    expect(capped.rates).toEqual(["0.5%"]);
    const uncapped = extractRule(headquarters)!.clauses[0]!;
    expect(uncapped.uncapped).toBe(true);
    expect(uncapped.rates).toEqual(["70%", "80%", "90%"]);
    expect(uncapped.period).toBe("自认定当年起");
  });

  it("reads staged payments", () => {
    const [staged, lumpSum] = extractRule(stages)!.clauses;
    expect(staged!.schedule).toBe("3个阶段");
    expect(staged!.rates).toEqual(["30%", "30%", "40%"]);
    expect(lumpSum!.schedule).toMatch(/^一次性兑现/);
    expect(readClause(services).schedule).toMatch(/^第一年奖励5万元/);
  });
});

function chunk(id: number, text: string, section: string, extra: Partial<Chunk> = {}): Chunk {
  return {
    id: `policies/p.txt#0:${id}`,
    source: "policies/p.txt",
    articleId: "policies/p.txt#0",
    articleIndex: 0,
    ordinal: id,
    title: "柳河县关于支持重点产业加快发展的实施意见",
    zones: ["柳河县", "柳河"],
    date: "2023-02-08",
    text,
    section,
    rule: extractRule(text),
    indexText: text,
    start: 0,
    end: text.length,
    ...extra,
  };
}

function input(question: string, groups: string[][], hits: Chunk[], language: "zh" | "en" = "zh"): AnswerInput {
  return {
    question,
    standaloneQuestion: question,
    language,
    places: ["柳河"],
    terms: groups.flat(),
    termGroups: groups,
    asksFigure: true,
    placeNames: { 柳河: "Liuhe" },
    hits: hits.map((item, index): SearchHit => ({ chunk: item, score: 1 / (index + 1) })),
    history: [],
  };
}

const validity = parseValidity("第26条本政策自发布之日起施行，暂定三年有效期。", "2023-02-08");
const items = [
  chunk(1, listing, "二、支持范围 › 第15条 鼓励企业挂牌上市", { validity }),
  chunk(2, growth, "二、支持范围 › 第11条 鼓励企业产值稳步增长", { validity }),
  chunk(3, headquarters, "二、支持范围 › (三)总部经济奖励 › 第5条", { validity }),
  chunk(4, "第26条本政策自发布之日起施行，暂定三年有效期。", "五、其他 › 第26条", { validity }),
];
const before = new Date("2024-06-01T00:00:00Z");
const after = new Date("2026-12-01T00:00:00Z");

describe("rule answers", () => {
  it("classifies what a rule question asks", () => {
    expect(ruleQuestionKind("柳河县重点产业政策奖励分几个阶段兑现？")).toBe("schedule");
    expect(ruleQuestionKind("Is there a cap on the headquarters reward?")).toBe("cap");
    expect(ruleQuestionKind("工业类项目需要满足什么条件才能拿到奖励？")).toBe("condition");
    expect(ruleQuestionKind("政策有效期到什么时候？")).toBe("validity");
    expect(ruleQuestionKind("Until when does this policy apply?")).toBe("validity");
    expect(ruleQuestionKind("对新三板挂牌企业奖励多少？")).toBe("amount");
  });

  it("leads with the asked clause, not its neighbour's figure", () => {
    const answer = composeRuleAnswer(input("对在新三板挂牌的企业奖励多少？", [["新三板"], ["挂牌"], ["奖励"]], items), before)!;
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).toContain("100万元");
    expect(lead).not.toContain("300万元");
    expect(lead).not.toContain("200万元");
    expect(answer.citations[0]!.chunkId).toBe(items[0]!.id);
    // The lead names the item; its neighbours' tiers are not quoted beside the answer (the citation keeps the whole item).
    expect(lead).toContain("第15条");
    expect(answer.answer).not.toContain("300万元");
    expect(answer.citations[0]!.quote).toContain("第15条鼓励企业挂牌上市");
  });

  it("answers a cap question with the rule's 'no cap', in English", () => {
    const answer = composeRuleAnswer(input("Is there a cap on Liuhe's headquarters reward?", [["总部", "总部经济"], ["奖励"]], items, "en"), before)!;
    expect(answer.answer.split("\n")[0]).toMatch(/^No, there is no cap \(不设上限\)/);
  });

  it("answers validity from the document's metadata and notes an expired policy", () => {
    const current = composeRuleAnswer(input("这个政策有效期多长？", [["政策"]], items), before)!;
    expect(current.answer.split("\n")[0]).toBe("《柳河县关于支持重点产业加快发展的实施意见》自2023年2月8日起施行，暂定三年有效期，有效至2026年2月7日[1]。");
    const expired = composeRuleAnswer(input("对在主板上市企业奖励多少？", [["主板"], ["上市"], ["奖励"]], items), after)!;
    expect(expired.answer).toContain("注：该政策自2023年2月8日起施行，已于2026年2月7日到期[1]。");
    const english = composeRuleAnswer(input("How much is the main board listing reward?", [["主板"], ["上市"], ["奖励"]], items, "en"), after)!;
    expect(english.answer).toContain("Note: this policy ran 2023–2026 [1].");
  });

  it("finds a rule a document lacks: the decisive word is in no policy item", () => {
    expect(missingRuleTopic(input("柳河县对引进的博士人才给多少安家补贴？", [["博士"], ["人才"], ["安家补贴"]], items))).toBe("博士");
    expect(missingRuleTopic(input("对在主板上市企业奖励多少？", [["主板"], ["上市"], ["奖励"]], items))).toBeUndefined();
  });

  it("looks for a compound rule word sentence by sentence: its parts in different sentences are not the rule", () => {
    const definitions = chunk(5, "第2条本办法所称投资者和引资中介人，是指自然人、法人和其他组织。", "一、总则 › 第2条", { validity });
    expect(missingRuleTopic(input("柳河县给引资中介奖励多少？", [["中介奖励", "引荐奖"], ["奖励"]], [definitions, ...items]))).toBe("中介奖励");
  });

  it("does not refuse for a word of the asker's own case, but does for a word of the clause that asks", () => {
    const groups = [["落户"], ["主板"], ["上市"], ["中小板"], ["创业板"], ["新三板"]];
    expect(missingRuleTopic(input("一家企业落户柳河县，先在新三板挂牌，再到创业板或中小板，最后在主板上市，奖励多少？", groups, items))).toBeUndefined();
    expect(missingRuleTopic(input("一家企业先在新三板挂牌，再到创业板或中小板，最后在主板上市，落户奖励多少？", groups, items))).toBe("落户");
  });

  it("leaves questions no rule item answers to the general composer", () => {
    expect(composeRuleAnswer(input("长治高新区聘请了多少名招商大使？", [["招商大使"]], [{ ...items[0]!, rule: undefined, section: undefined }]), before)).toBeUndefined();
  });
});

describe("dictionary sense selection", () => {
  const counts: Record<string, number> = { 交通: 12, 运输: 0, 应用: 3, 申报: 9 };
  const documentFrequency = (term: string) => counts[term] ?? 0;

  it("prefers the senses the live index uses, most used first", () => {
    expect(selectSenses(["运输", "交通"], documentFrequency)).toEqual(["交通"]);
    expect(selectSenses(["应用", "申报"], documentFrequency)).toEqual(["申报", "应用"]);
  });

  it("keeps every sense when the index uses none, or when there is no index", () => {
    expect(selectSenses(["差距", "缺口"], documentFrequency)).toEqual(["差距", "缺口"]);
    expect(selectSenses(["运输", "交通"])).toEqual(["运输", "交通"]);
  });
});

describe("validity a text does not date", () => {
  const undated = [chunk(1, listing, "二、支持范围 › 第15条 鼓励企业挂牌上市", { date: "" }), chunk(2, growth, "二、支持范围 › 第11条 鼓励企业产值稳步增长", { date: "" })];

  it("says the indexed text states no term, cites the document, and is marked refused", () => {
    const answer = composeRuleAnswer(input("这个政策有效期是几年？", [["政策"]], undated), before)!;
    expect(answer.refused).toBe(true);
    expect(answer.answer).toContain("没有写明施行日期、有效期或废止时间");
    expect(answer.citations).toHaveLength(1);
  });

  it("gives 'from the date it was issued' when the text says so without a date, inserting no date", () => {
    const fromIssue = mergeValidity(parseValidity("本办法自发布之日起执行。"), undefined);
    expect(fromIssue).toMatchObject({ effectiveFromIssue: true });
    const items = undated.map((item) => ({ ...item, validity: fromIssue }));
    const answer = composeRuleAnswer(input("Until when does this policy apply?", [["政策"]], items, "en"), before)!;
    expect(answer.answer.split("\n")[0]).toMatch(/in force from the date it was issued \(the text gives no date\)/u);
    expect(answer.answer).not.toMatch(/20\d\d/u);
  });
});

describe("a yes/no followed by 'how much'", () => {
  it("opens with yes when the clause holds the question's telling word, and gives the amount", () => {
    const answer = composeRuleAnswer(input("Does Liuhe reward companies on the New Third Board? How much?", [["新三板"], ["奖励"], ["企业", "公司"]], items, "en"), before)!;
    expect(answer.answer.split("\n")[0]).toMatch(/^Yes\. .*100万元/u);
  });

  it("does not open with yes when the clause lacks it", () => {
    const answer = composeRuleAnswer(input("Does Liuhe reward companies on the Beijing exchange? How much?", [["北交所"], ["奖励"], ["企业", "公司"]], items, "en"), before);
    expect(answer?.answer.split("\n")[0] ?? "").not.toMatch(/^Yes/u);
  });
});

describe("a benefit's duration and a policy's term", () => {
  it("are told apart (补贴期限为三年 is how long a subsidy is paid)", () => {
    expect(parseValidity("规模以上先进制造业在新区租赁生产性用房给予10元/平方米/月的补贴,补贴期限为三年。").termYears).toBeUndefined();
    expect(parseValidity("本办法自发布之日起施行,有效期为三年。").termYears).toBe(3);
  });

  it("a text that calls itself a rule or is laid out in articles is a policy passage, whatever its title", async () => {
    const { isPolicyChunk } = await import("../../src/ingest/policy-rules.js");
    expect(isPolicyChunk({ title: "", text: "第五条凡本办法所鼓励的投资项目,按10元/平方米包干收取报建收费。" })).toBe(true);
    expect(isPolicyChunk({ title: "县招商引资优惠规章制度", text: "对新引进的项目给予奖励。" })).toBe(true);
    expect(isPolicyChunk({ title: "高新区上半年经济运行情况", text: "上半年,高新区实现规上工业总产值120亿元。" })).toBe(false);
  });
});

describe("two items set side by side", () => {
  // 柳河县 实施意见 第17条 (tiers by area) and 若干意见 (tiers by area, graded scenic areas).
  const herbs = "第17条种植基地建设奖励补助。对医药企业投资新建GAP中药材种植基地面积在100亩及以上至500亩的，给予企业100元/亩奖励；对新建面积在500亩以上的，给予企业200元/亩奖励。";
  const flowers = "5.对新发展100—500亩（含500亩）的观赏花卉基地，连续种植3年以上的，一次性奖励100元/亩；对新发展500亩以上，连续种植3年以上的，一次性奖励150元/亩。";
  const brands = "第10条鼓励企业品牌建设。对牵头制定并新获批国际标准、国家标准、行业标准的，当年分别给予企业100万元、50万元和30万元奖励；对年度新获认定中国驰名商标的，当年给予企业50万元奖励；对年度新获得中国质量奖的，当年给予企业50万元奖励。";
  const scenic = "9.A级景区创建。对新评定为国家3A、4A、5A级的旅游景区，一次性分别给予10万元、50万元、100万元奖励。";
  const sideItems = [chunk(11, herbs, "二、支持范围 › 第17条"), chunk(12, flowers, "五、农业 › 5."), chunk(13, brands, "二、支持范围 › 第10条"), chunk(14, scenic, "九、旅游 › 9.")];

  it("quotes each item with all its tiers and says the amounts differ, computed from both", () => {
    const answer = composeRuleAnswer(input("中药材种植基地和观赏花卉基地的每亩奖励标准一样吗？", [["中药材"], ["观赏花卉"], ["基地"], ["奖励"]], sideItems), before)!;
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).toMatch(/^金额不同：中药材100元\/亩、200元\/亩，观赏花卉100元\/亩、150元\/亩。/);
    // Each side whole: the 500亩以上 tier of each item is quoted with it.
    expect(lead).toContain("对新建面积在500亩以上的，给予企业200元/亩奖励");
    expect(lead).toContain("一次性奖励150元/亩");
    expect(lead).not.toContain("是的");
  });

  it("takes a side's amount from a 分别 list by the item its word names, and says which is higher", () => {
    const answer = composeRuleAnswer(input("Which earns the bigger reward: a scenic area newly rated national 5A, or a China Well-known Trademark?", [["5A"], ["景区", "旅游景区"], ["国家级", "国家"], ["驰名商标", "中国驰名商标"], ["奖励"]], sideItems, "en"), before)!;
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).toMatch(/^5A gets more: 1 million yuan \(100万元\), against 500,000 yuan \(50万元\) for 中国驰名商标\./);
    // Another rule of the trademark's sentence (中国质量奖) is no part of its side.
    expect(lead).not.toContain("质量奖");
  });

  it("claims no winner when a side's amount cannot be told (no word touches an item of its 分别 list)", () => {
    const answer = composeRuleAnswer(input("旅游景区和中国驰名商标的奖励哪个更高？", [["旅游景区"], ["驰名商标"], ["奖励"]], sideItems), before)!;
    const lead = answer.answer.split("\n")[0]!;
    expect(lead).not.toMatch(/更高：/);
    expect(lead).toMatch(/^金额不同：/);
  });
});

describe("a yes/no that names an amount", () => {
  const honours = chunk(21, "第12条鼓励企业专精特新发展。对新认定的制造业单项冠军企业(产品)、专精特新企业、专精特新“小巨人”，分别给予国家级50万元、省级30万元的一次性奖励。", "二、支持范围 › 第12条");
  const groups = [["专精特新"], ["小巨人"], ["国家级"], ["奖励"]];

  it("says no, with the rule's amount for what was named, when the asked amount is not it", () => {
    const answer = composeRuleAnswer(input("新认定的国家级专精特新“小巨人”企业能拿100万元奖励吗？", groups, [honours]), before)!;
    expect(answer.answer).toMatch(/^不是：规定为50万元。/u);
  });

  it("says yes only when the amount is the rule's own", () => {
    expect(composeRuleAnswer(input("新认定的国家级专精特新“小巨人”企业能拿50万元奖励吗？", groups, [honours]), before)!.answer).toMatch(/^是的。/u);
    // The provincial level's amount asked at the national level is no yes.
    expect(composeRuleAnswer(input("新认定的国家级专精特新“小巨人”企业能拿30万元奖励吗？", groups, [honours]), before)!.answer).toMatch(/^不是：规定为50万元。/u);
  });

  it("a question listing tiers ('分哪几档？每档多少？') is no comparison", () => {
    const tiers = chunk(22, "第二条固定资产投资501万元-2000万元,毛地6万元/亩;固定资产投资2001万元—5000万元,毛地4万元/亩。", "第二条");
    const answer = composeRuleAnswer(input("毛地价按固定资产投资分哪几档？每档每亩多少？", [["毛地"], ["固定资产投资"], ["每亩"]], [tiers, honours]), before)!;
    expect(answer.answer).not.toMatch(/更高|金额不同|金额相同/u);
  });
});
