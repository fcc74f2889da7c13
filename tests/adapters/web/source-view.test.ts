import { describe, expect, it } from "vitest";
import { highlightRanges } from "../../../src/app/source-view.js";

describe("highlightRanges", () => {
  const text = "第一句话。园区给予奖励50万元。第三句话讲别的。园区另给补贴20万元。结尾。";

  it("marks a quote found as a whole", () => {
    const quote = "园区给予奖励50万元。";
    const [range] = highlightRanges(text, quote);
    expect(text.slice(range!.start, range!.end)).toBe(quote);
  });

  it("marks each quoted sentence when the quote joins sentences that are apart in the article", () => {
    const ranges = highlightRanges(text, "园区给予奖励50万元。园区另给补贴20万元。");
    expect(ranges.map((range) => text.slice(range.start, range.end))).toEqual(["园区给予奖励50万元。", "园区另给补贴20万元。"]);
  });

  it("marks nothing for an empty quote or sentences that are not in the article", () => {
    expect(highlightRanges(text, "")).toEqual([]);
    expect(highlightRanges(text, "完全不同的一句话。")).toEqual([]);
  });
});
