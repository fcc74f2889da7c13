import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGlossary, loadGlossary, normalizeEnglish } from "../../src/retrieve/glossary.js";
import { loadLexicon } from "../../src/app/lexicon.js";

describe("normalizeEnglish", () => {
  it("folds case, punctuation and simple plurals", () => {
    expect(normalizeEnglish("Incentives, Subsidies & Policies!")).toBe("incentive subsidy & policy");
    // Words ending in -ss / -us are not plurals.
    expect(normalizeEnglish("business bonus")).toBe("business bonus");
    // Hyphenated compounds read as the words they join, so "new-energy-vehicle" meets "new energy vehicle".
    expect(normalizeEnglish("Foreign-Capital")).toBe("foreign capital");
    expect(normalizeEnglish("new-energy-vehicle")).toBe(normalizeEnglish("new energy vehicles"));
    // Possessives name the thing itself.
    expect(normalizeEnglish("the zone's companies' loans")).toBe("the zone company loan");
  });
});

describe("createGlossary().lookup", () => {
  const glossary = createGlossary([
    { en: ["investment"], zh: ["投资"] },
    { en: ["foreign investment", "foreign capital"], zh: ["外资", "利用外资"] },
    { en: ["actually utilized foreign investment"], zh: ["实际利用外资"] },
    { en: ["subsidy"], zh: ["补贴"] },
  ]);

  it("prefers the longest phrase and does not match its parts again", () => {
    const matches = glossary.lookup("How much actually utilized foreign investment?");
    expect(matches).toEqual([{ phrase: "actually utilized foreign investment", zh: ["实际利用外资"] }]);
    expect(glossary.lookup("foreign investment")).toEqual([{ phrase: "foreign investment", zh: ["外资", "利用外资"] }]);
  });

  it("matches plurals and any case", () => {
    expect(glossary.lookup("SUBSIDIES and Investments").map((match) => match.phrase)).toEqual(["subsidy", "investment"]);
  });

  it("matches on whole words only", () => {
    expect(glossary.lookup("subsidyless reinvestment")).toEqual([]);
  });

  it("lists every Chinese term once, for the tokenizer dictionary", () => {
    expect(glossary.chineseTerms().sort()).toEqual(["利用外资", "外资", "实际利用外资", "投资", "补贴"].sort());
  });
});

describe("loadGlossary", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "glossary-test-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("ships the report vocabulary with the product, for a corpus folder with no glossary of its own (incentive → 优惠政策, lithium iron phosphate → 磷酸铁锂)", async () => {
    const bare = path.join(dir, "bare-corpus");
    await mkdir(bare, { recursive: true });
    const { glossary } = await loadLexicon(bare);
    expect(glossary.lookup("incentives")[0]!.zh).toContain("优惠政策");
    expect(glossary.lookup("signed projects")[0]!.zh).toContain("签约项目");
    expect(glossary.lookup("lithium iron phosphate")[0]!.zh).toContain("磷酸铁锂");
  });

  it("picks up an entry an admin added to the file, both directly and through loadLexicon(CORPUS_DIR)", async () => {
    const corpusDir = path.join(dir, "admin-corpus");
    await mkdir(corpusDir, { recursive: true });
    await writeFile(
      path.join(corpusDir, "glossary.json"),
      JSON.stringify({ terms: [{ en: ["vanadium nitrogen alloy"], zh: ["钒氮合金"] }, { en: ["widget subsidy"], zh: ["小部件补贴"] }] }),
    );
    const glossary = await loadGlossary(path.join(corpusDir, "glossary.json"));
    expect(glossary.lookup("Vanadium Nitrogen Alloys")).toEqual([{ phrase: "vanadium nitrogen alloy", zh: ["钒氮合金"] }]);
    const lexicon = await loadLexicon(corpusDir);
    expect(lexicon.glossary.lookup("widget subsidies")[0]!.zh).toEqual(["小部件补贴"]);
  });

  it("refuses a file that is not JSON with CONFIG_INVALID naming the file", async () => {
    const file = path.join(dir, "broken.json");
    await writeFile(file, "{ terms: [");
    await expect(loadGlossary(file)).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining(file) });
  });

  it("refuses a file of the wrong shape with CONFIG_INVALID and a hint", async () => {
    const file = path.join(dir, "shape.json");
    await writeFile(file, JSON.stringify({ terms: [{ en: "incentive", zh: ["奖励"] }] }));
    await expect(loadGlossary(file)).rejects.toMatchObject({ code: "CONFIG_INVALID", hint: expect.stringContaining('"en" and "zh"') });
  });

  it("treats a missing glossary as empty (Chinese questions still work)", async () => {
    const glossary = await loadGlossary(path.join(dir, "absent.json"));
    expect(glossary.entries).toEqual([]);
    expect(glossary.lookup("incentives")).toEqual([]);
  });
});
