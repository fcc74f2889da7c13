import { describe, expect, it } from "vitest";
import { correctPlaceNames, editDistance } from "../../src/retrieve/fuzzy-place.js";

const places = [
  { place: "衡阳", english: "Hengyang" },
  { place: "长治", english: "Changzhi" },
  { place: "乐山", english: "Leshan" },
  { place: "景德镇", english: "Jingdezhen" },
];
const noPlace = () => false;

describe("pinyin fuzzy matching", () => {
  it("counts a dropped, changed or swapped letter as one edit", () => {
    expect(editDistance("hengyng", "hengyang")).toBe(1);
    expect(editDistance("changzih", "changzhi")).toBe(1);
    expect(editDistance("leshna", "leshan")).toBe(1);
    expect(editDistance("jingdezen", "jingdezhen")).toBe(1);
  });

  it("corrects a misspelled zone name to the one close place the index covers", () => {
    const result = correctPlaceNames("How many projects did Hengyng High-tech Zone sign?", places, noPlace);
    expect(result.text).toBe("How many projects did Hengyang High-tech Zone sign?");
    expect(result.corrections).toEqual([{ written: "Hengyng", place: "衡阳", english: "Hengyang" }]);
    expect(correctPlaceNames("What does Leshna High-tech Zone offer?", places, noPlace).corrections[0]?.place).toBe("乐山");
  });

  it("leaves ordinary words, known places and far-off names alone", () => {
    expect(correctPlaceNames("Which zones do you cover?", places, noPlace).corrections).toEqual([]);
    expect(correctPlaceNames("What about Shenzhen?", places, (word) => word === "Shenzhen").corrections).toEqual([]);
    expect(correctPlaceNames("What about Hangzhou?", places, noPlace).corrections).toEqual([]);
  });

  it("does not guess between two equally close places", () => {
    const twins = [
      { place: "甲", english: "Anbang" },
      { place: "乙", english: "Ankang" },
    ];
    expect(correctPlaceNames("What about Anang?", twins, noPlace).corrections).toEqual([]);
  });
});

describe("a name one letter from two covered places", () => {
  it("is not guessed: both are offered", () => {
    const places = [{ place: "长治", english: "Changzhi" }, { place: "昌吉", english: "Changji" }];
    const result = correctPlaceNames("What incentives does Changzi offer?", places, () => false);
    expect(result.corrections).toEqual([]);
    expect(result.ambiguous[0]!.options.map((option) => option.place).sort()).toEqual(["昌吉", "长治"]);
  });
});
