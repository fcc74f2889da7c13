import { describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/app/lexicon.js";
import { analyzeQuery } from "../../src/retrieve/analyze-query.js";
import { realCorpusDir } from "../helpers/temp-runtime.js";

describe("English place names no gazetteer knows", () => {
  it("are reported, so a question about them is refused instead of answered from another place", async () => {
    const lexicon = await loadLexicon(realCorpusDir);
    const analyze = (question: string) =>
      analyzeQuery(question, { glossary: lexicon.glossary, places: lexicon.places, segment: lexicon.segmenter, dictionary: lexicon.dictionary });
    expect(analyze("What rent subsidy does Huinan County offer investors?").unknownPlaces).toEqual(["Huinan County"]);
    expect(analyze("Which County offers a rent subsidy?").unknownPlaces).toBeUndefined();
    expect(analyze("What does Changzhi High-tech Zone offer?").unknownPlaces).toBeUndefined();
    // Once the index names the county (an issuing body, a declared zone), it is a known place.
    lexicon.gazetteer.addPlaces(["柳河"]);
    expect(analyze("What rent subsidy does Liuhe County offer investors?").unknownPlaces).toBeUndefined();
  });
});
