import { describe, expect, it } from "vitest";
import { romanizedLookup } from "../../src/retrieve/romanized-terms.js";

describe("indexed Chinese words looked up by their pinyin", () => {
  const lookup = romanizedLookup(() => ["专精特新", "户口", "高新区", "奖励", "special"]);

  it("finds the word a question writes in pinyin, whatever its case", () => {
    expect(lookup("zhuanjingtexin")).toEqual(["专精特新"]);
    expect(lookup("ZhuanJingTeXin")).toEqual(["专精特新"]);
    expect(lookup("gaoxinqu")).toEqual(["高新区"]);
  });

  it("does not look up short words (too often English) or words no indexed term is written as", () => {
    expect(lookup("hukou")).toEqual([]);
    expect(lookup("sophisticated")).toEqual([]);
  });
});
