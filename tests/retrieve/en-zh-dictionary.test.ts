import { describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import { analyzeQuery } from "../../src/retrieve/analyze-query.js";
import { loadEnglishDictionary } from "../../src/retrieve/en-zh-dictionary.js";
import { realCorpusDir } from "../helpers/temp-runtime.js";

describe("English → Chinese dictionary (CC-CEDICT derived)", () => {
  it("knows common business words and single-sense elements", () => {
    const dictionary = loadEnglishDictionary();
    expect(dictionary.lookup("wage")).toContain("工资");
    expect(dictionary.lookup("ketchup")).toContain("番茄酱");
    expect(dictionary.lookup("lithium")).toEqual(["锂"]);
    expect(dictionary.lookup("qwertyuiop")).toBeUndefined();
  });

  it("fills in English words the glossary lacks, as weaker term groups", async () => {
    const lexicon = await loadLexicon(realCorpusDir);
    const deps = { glossary: lexicon.glossary, places: lexicon.places, segment: lexicon.segmenter };
    const question = "How much ketchup will the Changji tomato project produce?";
    const without = analyzeQuery(question, deps);
    expect(without.untranslated).toContain("ketchup");
    const withDictionary = analyzeQuery(question, { ...deps, dictionary: lexicon.dictionary });
    expect(withDictionary.untranslated).not.toContain("ketchup");
    const ketchup = withDictionary.groups.find((group) => group.label === "ketchup");
    expect(ketchup?.alternatives).toContain("番茄酱");
    expect(ketchup?.weight).toBeLessThan(1);
    expect(withDictionary.searchText).toContain("番茄酱");
    // Curated glossary terms keep their full weight.
    expect(withDictionary.groups.find((group) => group.label === "project")?.weight).toBeUndefined();
  });
});
