import { describe, expect, it } from "vitest";
import { reciprocalRankFusion } from "../../src/retrieve/fusion.js";

describe("reciprocalRankFusion", () => {
  it("sums weight / (k + rank) over the lists a document appears in", () => {
    const fused = reciprocalRankFusion(
      [
        { ids: [7, 3, 5], weight: 1 },
        { ids: [3, 9], weight: 0.5 },
      ],
      10,
    );
    const byId = new Map(fused.map((result) => [result.id, result]));
    expect(byId.get(3)!.score).toBeCloseTo(1 / 12 + 0.5 / 11, 12);
    expect(byId.get(7)!.score).toBeCloseTo(1 / 11, 12);
    expect(byId.get(9)!.score).toBeCloseTo(0.5 / 12, 12);
    expect(fused.map((result) => result.id)).toEqual([3, 7, 5, 9]);
  });

  it("records 1-based ranks per input list, undefined where absent", () => {
    const fused = reciprocalRankFusion([
      { ids: [1, 2], weight: 1 },
      { ids: [2, 4], weight: 1 },
    ]);
    const byId = new Map(fused.map((result) => [result.id, result.ranks]));
    expect(byId.get(1)).toEqual([1, undefined]);
    expect(byId.get(2)).toEqual([2, 1]);
    expect(byId.get(4)).toEqual([undefined, 2]);
  });

  it("lets a heavier list win when two documents are each first in one list", () => {
    const lexicalFirst = reciprocalRankFusion([
      { ids: [10], weight: 1 },
      { ids: [20], weight: 0.8 },
    ]);
    expect(lexicalFirst.map((result) => result.id)).toEqual([10, 20]);
    const denseFirst = reciprocalRankFusion([
      { ids: [10], weight: 0.8 },
      { ids: [20], weight: 1 },
    ]);
    expect(denseFirst.map((result) => result.id)).toEqual([20, 10]);
  });

  it("breaks exact ties by the lower document index, so results are deterministic", () => {
    const fused = reciprocalRankFusion([
      { ids: [8, 2], weight: 1 },
      { ids: [2, 8], weight: 1 },
    ]);
    expect(fused[0]!.score).toBeCloseTo(fused[1]!.score, 12);
    expect(fused.map((result) => result.id)).toEqual([2, 8]);
  });

  it("ignores a list with weight 0 for ordering and returns nothing for empty input", () => {
    const fused = reciprocalRankFusion([
      { ids: [5, 6], weight: 1 },
      { ids: [6, 5], weight: 0 },
    ]);
    expect(fused.map((result) => result.id)).toEqual([5, 6]);
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([{ ids: [], weight: 1 }])).toEqual([]);
  });
});
