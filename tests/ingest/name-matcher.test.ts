import { describe, expect, it } from "vitest";
import { NameMatcher } from "../../src/ingest/name-matcher.js";

describe("NameMatcher", () => {
  it("returns the longest name starting at a position, and nothing elsewhere", () => {
    const matcher = new NameMatcher(["安康", "安康市", "长治", "景德镇"]);
    expect(matcher.matchAt("去安康市招商", 1)).toBe("安康市");
    expect(matcher.matchAt("景德镇高新区", 0)).toBe("景德镇");
    expect(matcher.matchAt("景德镇高新区", 1)).toBeUndefined();
    expect(matcher.matchAt("abc", 5)).toBeUndefined();
  });

  it("learns names added later", () => {
    const matcher = new NameMatcher(["绵阳"]);
    expect(matcher.matchAt("绵阳高新区", 0)).toBe("绵阳");
    matcher.add("绵阳高新");
    expect(matcher.matchAt("绵阳高新区", 0)).toBe("绵阳高新");
  });
});
