import { describe, expect, it } from "vitest";
import type { Article } from "../../src/core/types.js";
import { chunkArticle } from "../../src/ingest/chunk-article.js";
import { cleanText } from "../../src/ingest/clean-text.js";
import { normalizeText, mapRange } from "../../src/ingest/normalize-text.js";
import { chineseNumber, isHeadingSentence, isNumberedHeading, markerAt, parsePolicyStructure } from "../../src/ingest/policy-structure.js";

// Shaped like county 若干意见 texts: 一、 › （一） › 1. › （1）, an unnumbered heading, a wrapped line.
const opinion = [
  "关于促进文化旅游产业高质量发展的若干意见",
  "为加快文化旅游产业发展，结合我县实际，提出如下意见。",
  "一、总体要求",
  "坚持生态优先、绿色发展，到2025年全县旅游综合收入突破50亿元。",
  "二、支持范围",
  "（一）固定资产投资支持",
  "1.对新建旅游项目固定资产投资超过5000万元的，按投资额的3%给予补助，",
  "单个项目最高不超过300万元。",
  "2.对新评定的国家4A级旅游景区，一次性奖励100万元。",
  "（1）对新评定的省级旅游度假区，奖励50万元；",
  "（2）对新评定的五星级乡村旅游点，奖励20万元。",
  "（二）人才培育",
  "3.对引进的旅游管理博士，每人每月补贴3000元，连续补贴3年。",
  "保障措施",
  "三、附则",
  "本意见自2024年3月1日起施行，有效期三年。",
].join("\n");

describe("numbering markers", () => {
  it("reads every kind of marker and its number", () => {
    expect(markerAt("三、扩大分布式光伏发电应用规模")).toMatchObject({ kind: "cn", number: 3 });
    expect(markerAt("（十二）支持企业上市")).toMatchObject({ kind: "cn-paren", number: 12 });
    expect(markerAt("12.鼓励企业引进人才")).toMatchObject({ kind: "digit", text: "12.", number: 12 });
    expect(markerAt("（3）对新评定的…")).toMatchObject({ kind: "digit-paren", number: 3 });
    expect(markerAt("第二十三条 附则")).toMatchObject({ kind: "article", number: 23 });
    expect(markerAt("第二款 …")).toMatchObject({ kind: "clause", number: 2 });
    expect(markerAt("第一章 总则")).toMatchObject({ kind: "chapter", number: 1 });
    expect(markerAt("②给予补贴")).toMatchObject({ kind: "circled", number: 2 });
  });

  it("does not take figures or years for markers", () => {
    expect(markerAt("1.5亿元用于园区建设")).toBeUndefined();
    expect(markerAt("2023年全区签约项目28个")).toBeUndefined();
    expect(markerAt("一是健全招商政策")).toBeUndefined();
  });

  it("converts Chinese numerals", () => {
    expect(chineseNumber("十")).toBe(10);
    expect(chineseNumber("二十三")).toBe(23);
    expect(chineseNumber("一百零五")).toBe(105);
  });

  it("tells headings from items", () => {
    expect(isNumberedHeading("三、扩大分布式光伏发电应用规模")).toBe(true);
    expect(isNumberedHeading("5.花卉基地建设")).toBe(true);
    expect(isNumberedHeading("1.对新建旅游项目固定资产投资超过5000万元的，按投资额的3%给予补助，")).toBe(false);
    expect(isHeadingSentence("第五条 上市奖励。")).toBe(true);
    expect(isHeadingSentence("第五条 对在境内主板上市的企业，分阶段给予总额600万元的奖励。")).toBe(false);
  });
});

describe("parsePolicyStructure", () => {
  it("nests 一、/（一）/1./（1） and gives each item its heading path", () => {
    const { text } = cleanText(opinion);
    const structure = parsePolicyStructure(text);
    const units = structure.units.map((unit) => ({ path: unit.path.join(" › "), text: text.slice(unit.start, unit.end) }));
    expect(units).toContainEqual({
      path: "二、支持范围 › （一）固定资产投资支持 › 1.",
      text: "1.对新建旅游项目固定资产投资超过5000万元的，按投资额的3%给予补助，单个项目最高不超过300万元。",
    });
    expect(units).toContainEqual({ path: "二、支持范围 › （一）固定资产投资支持 › 2. › （2）", text: "（2）对新评定的五星级乡村旅游点，奖励20万元。" });
    expect(units).toContainEqual({ path: "二、支持范围 › （二）人才培育 › 3.", text: "3.对引进的旅游管理博士，每人每月补贴3000元，连续补贴3年。" });
    expect(units.find((unit) => unit.text.startsWith("本意见"))?.path).toBe("三、附则");
    // Headings are paths, never units of their own.
    expect(units.some((unit) => /^(二、支持范围|（二）人才培育|保障措施)$/.test(unit.text))).toBe(false);
  });

  it("reads 第X条 texts, with 第 1 0 条 cleaned to 第10条", () => {
    const raw = "第九条 厂房租金补贴。对租用标准化厂房的企业，前三年按实际租金的50%给予补贴。\n第 1 0 条 上市奖励。对在境内主板上市的企业，分阶段给予总额600万元的奖励。\n第十一条 本办法自印发之日起施行。";
    const { text } = cleanText(raw);
    expect(text).toContain("第10条");
    const units = parsePolicyStructure(text).units.map((unit) => unit.path.join(" › "));
    expect(units).toEqual(["第九条 厂房租金补贴", "第10条 上市奖励", "第十一条"]);
  });

  it("never glues a heading to the next numbered item", () => {
    const { text } = cleanText("（四）加强对人才的培育\n12.鼓励企业引进博士，每人补贴5万元。");
    expect(text).toBe("（四）加强对人才的培育\n12.鼓励企业引进博士，每人补贴5万元。");
  });
});

describe("chunking a numbered policy by items", () => {
  it("puts each item in its own chunk with its section, so neighbours' figures stay apart", () => {
    const { text, offsets } = cleanText(opinion);
    const article: Article = { id: "p#0", source: "p.txt", index: 0, title: "若干意见", zones: [], text, offsets };
    const chunks = chunkArticle(article);
    const item = chunks.find((chunk) => chunk.text.includes("4A级"))!;
    expect(item.text).not.toContain("5000万元");
    expect(item.text).not.toContain("省级旅游度假区");
    expect(item.section).toBe("二、支持范围 › （一）固定资产投资支持 › 2.");
    expect(item.indexText).toContain("固定资产投资支持");
    expect(opinion.slice(item.start, item.end)).toBe(item.text);
  });
});

describe("normalizeText", () => {
  it("maps Kangxi radicals, compatibility ideographs and full-width digits, keeping offsets", () => {
    const input = "云岭⾼新区数据中⼼项⽬自２０２４年3月1日起施行，㈠第⑴项";
    const normalized = normalizeText(input);
    expect(normalized.text).toBe("云岭高新区数据中心项目自2024年3月1日起施行，(一)第(1)项");
    // Chinese punctuation is kept.
    expect(normalized.text).toContain("，");
    const at = normalized.text.indexOf("数据中心");
    expect(mapRange(normalized, input, at, at + 4)).toEqual({ start: input.indexOf("数据中⼼"), end: input.indexOf("数据中⼼") + 4 });
  });

  it("maps an astral compatibility ideograph to one character and back to both code units", () => {
    const input = "甲\u{2F800}乙";
    const normalized = normalizeText(input);
    expect(normalized.text).toBe(`甲${"\u{2F800}".normalize("NFKC")}乙`);
    expect(mapRange(normalized, input, 1, 2)).toEqual({ start: 1, end: 3 });
  });
});
