import { beforeAll, describe, expect, it } from "vitest";
import { loadLexicon, type Lexicon } from "../../src/app/lexicon.js";
import { detectLanguage } from "../../src/core/language.js";
import { analyzeQuery, extractYears, type AnalyzedQuery } from "../../src/retrieve/analyze-query.js";
import { realCorpusDir } from "../helpers/temp-runtime.js";

let lexicon: Lexicon;
let analyze: (question: string) => AnalyzedQuery;

beforeAll(async () => {
  lexicon = await loadLexicon(realCorpusDir);
  analyze = (question) => analyzeQuery(question, { glossary: lexicon.glossary, places: lexicon.places, segment: lexicon.segmenter });
});

const alternatives = (query: AnalyzedQuery) => query.groups.flatMap((group) => group.alternatives);

describe("detectLanguage", () => {
  it("tells Chinese from English, and Chinese wins when a Chinese question holds a few Latin words", () => {
    expect(detectLanguage("长治高新区有哪些招商优惠政策？")).toBe("zh");
    expect(detectLanguage("What incentives does Changzhi offer?")).toBe("en");
    expect(detectLanguage("长治高新区的GDP是多少？")).toBe("zh");
    expect(detectLanguage("12345")).toBe("zh");
  });
});

describe("extractYears", () => {
  it("finds four-digit years, with or without 年, once each", () => {
    expect(extractYears("2019年安康市新设外商投资企业多少家？2019年呢")).toEqual(["2019"]);
    expect(extractYears("growth in 2022 and 2023?")).toEqual(["2022", "2023"]);
    expect(extractYears("投资150.8亿元，签约28个")).toEqual([]);
  });
});

describe("analyzeQuery (Chinese)", () => {
  it("finds the place and zone name, and keeps them out of the content terms", () => {
    const query = analyze("衡阳高新区今年上半年到位外资多少？");
    expect(query.language).toBe("zh");
    expect(query.places).toEqual(["衡阳"]);
    expect(query.zoneNames).toContain("衡阳高新区");
    const labels = query.groups.map((group) => group.label);
    expect(labels).not.toContain("衡阳");
    expect(labels).not.toContain("高新区");
    expect(query.asksFigure).toBe(true);
    expect(query.searchText).toContain("衡阳高新区");
  });

  it("widens a Chinese term to glossary synonyms sharing its stem (到位外资 ↔ 外资)", () => {
    const query = analyze("衡阳高新区今年上半年到位外资多少？");
    const group = query.groups.find((candidate) => candidate.alternatives.includes("外资"));
    expect(group).toBeDefined();
  });

  it("drops years and single characters from the content terms but reports the year", () => {
    const query = analyze("2019年安康市新设外商投资企业多少家？");
    expect(query.places).toEqual(["安康"]);
    expect(query.years).toEqual(["2019"]);
    for (const group of query.groups) {
      expect(group.label).not.toMatch(/^(?:2019年?|家|年)$/);
    }
    expect(alternatives(query)).toContain("外商投资企业");
  });

  it("marks list questions", () => {
    expect(analyze("安康高新区营商环境的“加减乘除”组合拳分别指什么？").asksList).toBe(true);
    expect(analyze("长治高新区聘请了多少名招商大使？").asksList).toBe(false);
  });

  it("finds no place in a question about a topic only", () => {
    const query = analyze("哪个园区设立了出口退税资金池？");
    expect(query.places).toEqual([]);
    expect(query.groups.length).toBeGreaterThan(0);
  });
});

describe("analyzeQuery (English)", () => {
  it("maps the place through the gazetteer and policy words through the glossary", () => {
    const query = analyze("What incentives does Changzhi offer?");
    expect(query.language).toBe("en");
    expect(query.places).toEqual(["长治"]);
    expect(query.groups).toHaveLength(1);
    expect(query.groups[0]!.alternatives).toEqual(expect.arrayContaining(["优惠政策", "奖励", "补贴"]));
    // "does" is a stopword, not an untranslated content word (nor "doe" after plural folding).
    expect(query.untranslated).toEqual([]);
    // The search text is Chinese, so BM25 over Chinese tokens can match it.
    expect(query.searchText).toMatch(/长治/);
    expect(query.searchText).toMatch(/优惠政策/);
    expect(query.searchText).not.toMatch(/incentive/i);
  });

  it("keeps the longest glossary phrase and the year", () => {
    const query = analyze("How much foreign investment did Ankang use in 2019?");
    expect(query.places).toEqual(["安康"]);
    expect(query.years).toEqual(["2019"]);
    expect(query.groups.map((group) => group.label)).toEqual(["foreign investment"]);
    expect(query.groups[0]!.alternatives).toContain("外资");
    expect(query.asksFigure).toBe(true);
  });

  it("reports content words the glossary cannot translate", () => {
    const query = analyze("How many giraffes live in Hengyang High-tech Zone?");
    expect(query.places).toEqual(["衡阳"]);
    expect(query.untranslated.some((word) => /^giraffes?$/.test(word))).toBe(true);
    // Place names and stopwords are never reported as untranslated.
    expect(query.untranslated).not.toContain("hengyang");
    expect(query.untranslated).not.toContain("many");
  });

  it("keeps grade codes as Chinese text writes them (5A, 5G), but not a half-year period (H1)", () => {
    const labels = analyze("What reward does Changzhi give a scenic area rated national 5A in H1 2023?").groups.map((group) => group.label);
    expect(labels).toContain("5A");
    expect(labels).not.toContain("H1");
  });

  it("recognises several places", () => {
    const query = analyze("Compare the incentives of Changzhi and Hengyang");
    expect(query.places).toEqual(expect.arrayContaining(["长治", "衡阳"]));
  });
});

describe("analyzeQuery: words no document uses", () => {
  it("weighs a segmentation seam (投产后前五年 → 后前) as a guess, but a real word the corpus lacks (上市) in full", () => {
    const used = new Set(["投产", "五年", "企业", "所得税", "奖励", "陇县"]);
    const query = analyzeQuery("在陇县投产后前五年企业所得税怎么奖励？企业上市呢？", {
      glossary: lexicon.glossary,
      places: lexicon.places,
      segment: lexicon.segmenter,
      dictionary: lexicon.dictionary,
      documentFrequency: (term) => (used.has(term) ? 1 : 0),
    });
    const weight = (label: string) => query.groups.find((group) => group.label === label)?.weight;
    expect(query.groups.some((group) => group.label === "后前")).toBe(true);
    expect(weight("后前")).toBeLessThan(1);
    expect(weight("上市")).toBeUndefined();
    expect(weight("所得税")).toBeUndefined();
  });
});
