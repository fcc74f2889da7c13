import { beforeAll, describe, expect, it } from "vitest";
import { loadLexicon, type Lexicon } from "../../src/app/lexicon.js";
import { groupCoverage } from "../../src/answer/coverage.js";
import { analyzeQuery, englishStems } from "../../src/retrieve/analyze-query.js";
import { realCorpusDir } from "../helpers/temp-runtime.js";

/** Mechanisms that let unseen English questions reach Chinese passages. */

let lexicon: Lexicon;
beforeAll(async () => {
  lexicon = await loadLexicon(realCorpusDir);
});

describe("English question analysis", () => {
  it("derives base forms for dictionary look-ups", () => {
    expect(englishStems("arrived")).toEqual(expect.arrayContaining(["arrive"]));
    expect(englishStems("reaching")).toEqual(expect.arrayContaining(["reach"]));
    expect(englishStems("planned")).toEqual(expect.arrayContaining(["plan"]));
    expect(englishStems("subsidies'")).toContain("subsidies");
  });

  it("keeps every place a shared pinyin spelling names (福州 and 抚州 are both Fuzhou)", () => {
    const places = lexicon.places.inEnglish("Which school's teachers led a class in Fuzhou High-tech Zone?").places;
    expect(places).toEqual(expect.arrayContaining(["福州", "抚州"]));
  });

  it("reads a possessive place name as the place", () => {
    expect(lexicon.places.inEnglish("How many companies did Ankang's officials visit?").places).toContain("安康");
  });

  it("treats hyphenated compounds as their words and drops function words", () => {
    const query = analyzeQuery("What did the new-energy-vehicle centre actually propose to Yuncheng?", {
      glossary: lexicon.glossary,
      places: lexicon.places,
      segment: lexicon.segmenter,
      dictionary: lexicon.dictionary,
    });
    expect(query.groups.some((group) => group.alternatives.includes("新能源汽车"))).toBe(true);
    expect(query.groups.map((group) => group.label)).not.toContain("actually");
    expect(query.untranslated).toEqual([]);
  });
});

describe("coverage with dictionary guesses", () => {
  it("counts a found guess fully and a missing guess at 40% of its weight", () => {
    const groups = [["外资"], ["番茄酱"]];
    // Curated term found, guess missing: 1 / (1 + 0.5 × 0.4).
    expect(groupCoverage(groups, "实际利用外资4830万美元", [undefined, 0.5]).score).toBeCloseTo(1 / 1.2, 5);
    // The same miss for a curated term costs its full weight.
    expect(groupCoverage(groups, "实际利用外资4830万美元").score).toBeLessThan(0.6);
  });
});
