import { describe, expect, it } from "vitest";
import { createTokenizer } from "../../src/index/tokenizer.js";

describe("createTokenizer", () => {
  const tokenize = createTokenizer();

  it("keeps decimal numbers and figures whole", () => {
    const tokens = tokenize("营业收入105.63亿元，同比增长97.5%，利用外资6836万美元，补贴1.5亿");
    expect(tokens).toContain("105.63");
    expect(tokens).toContain("97.5");
    expect(tokens).toContain("6836");
    expect(tokens).toContain("1.5");
    expect(tokens).not.toContain(".");
    expect(tokens).not.toContain("5");
  });

  it("folds full-width digits and thousands separators", () => {
    expect(tokenize("共１２家企业")).toContain("12");
    expect(tokenize("GDP grew to 1,250.5 billion")).toContain("1250.5");
    // A Chinese comma between two figures separates them, it is not a thousands separator.
    const listed = tokenize("分别为100，200家");
    expect(listed).toContain("100");
    expect(listed).toContain("200");
  });

  it("lowercases Latin text and drops English and Chinese stopwords and punctuation", () => {
    const tokens = tokenize("What are the Incentives of the Zone? 园区的政策和服务。");
    expect(tokens).toContain("incentives");
    expect(tokens).toContain("zone");
    for (const dropped of ["the", "of", "what", "are", "的", "和", "?", "。", " "]) expect(tokens).not.toContain(dropped);
    expect(tokens).toContain("政策");
  });

  it("keeps user words whole and also emits their parts, so a city-only question still matches", () => {
    const plain = createTokenizer({ subwords: "none" });
    expect(plain("长治高新区招商引资")).not.toContain("长治高新区");
    const withZones = createTokenizer({ userWords: ["长治高新区"] });
    expect(withZones("长治高新区招商引资")).toEqual(["长治高新区", "长治", "高新", "新区", "高新区", "招商引资"]);
    // Sub-words are found recursively: a question's 外资 meets a passage's 实际利用外资.
    const policy = createTokenizer({ userWords: ["实际利用外资", "利用外资"] });
    expect(policy("实际利用外资4830万美元")).toEqual(expect.arrayContaining(["实际利用外资", "外资", "利用外资", "4830"]));
    // Ordinary words are not split in the default mode.
    expect(withZones("招商引资")).toEqual(["招商引资"]);
    const exact = createTokenizer({ userWords: ["长治高新区"], subwords: "none" });
    expect(exact("长治高新区招商引资")).toEqual(["长治高新区", "招商引资"]);
    const search = createTokenizer({ userWords: ["长治高新区"], subwords: "all" });
    expect(search("招商引资")).toEqual(expect.arrayContaining(["招商", "引资", "招商引资"]));
  });

  it("names its configuration so a snapshot can record it", () => {
    expect(createTokenizer().id).not.toEqual(createTokenizer({ userWords: ["长治高新区"] }).id);
    expect(createTokenizer({ userWords: ["a", "b"] }).id).toEqual(createTokenizer({ userWords: ["b", "a"] }).id);
  });
});

describe("bundled user-word sub-word table", () => {
  it("is what jieba's base dictionary gives for every word of the shipped lexicon (re-run scripts/build-user-word-subwords.ts when it is not)", async () => {
    const { readFile } = await import("node:fs/promises");
    const { USER_WORD_SUBWORDS_FILE } = await import("../../src/index/tokenizer.js");
    const { userWordSubwordTable } = await import("../../scripts/build-user-word-subwords.js");
    const shipped = JSON.parse(await readFile(USER_WORD_SUBWORDS_FILE, "utf8")) as Record<string, string[]>;
    const expected = await userWordSubwordTable(new URL("../../corpus", import.meta.url).pathname);
    expect(Object.keys(shipped).length).toBeGreaterThan(1000);
    expect(shipped).toEqual(expected);
  });

  it("still splits a user word the table lacks (an admin's addition) with the base dictionary", () => {
    const tokens = createTokenizer({ userWords: ["青龙湾生物医药产业园"] })("青龙湾生物医药产业园今年签约");
    expect(tokens).toEqual(expect.arrayContaining(["青龙湾生物医药产业园", "生物", "医药", "产业园"]));
  });
});
