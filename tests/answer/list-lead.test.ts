import { describe, expect, it } from "vitest";
import { listItems } from "../../src/answer/extractive.js";
import { englishForItem, itemInEnglish } from "../../src/answer/glossary-english.js";

describe("list items of a sentence", () => {
  it("takes the short 、-items after the list's opener and before 等", () => {
    expect(listItems("从奖励类、补贴类、扶持类三大方面明确项目奖励、招商中介奖励、房租补贴等13条具体政策，同一企业、同一项目最多可享受1亿元政策补贴")).toEqual(["项目奖励", "招商中介奖励", "房租补贴"]);
    expect(listItems("高新区制定出台了土地供应、厂房租赁、财政奖补、融资支持、人才公寓、员工生活保障等一系列招商引资优惠政策")).toEqual(["土地供应", "厂房租赁", "财政奖补", "融资支持", "人才公寓", "员工生活保障"]);
  });

  it("finds no list in a sentence of clauses or of two items", () => {
    expect(listItems("出台《长治高新区招商引资优惠政策实施办法》。")).toBeUndefined();
    expect(listItems("引进企业、项目，推动发展")).toBeUndefined();
  });
});

describe("list items in English", () => {
  const entries = [
    { en: ["rent subsidy"], zh: ["房租补贴"] },
    { en: ["project"], zh: ["项目"] },
    { en: ["reward"], zh: ["奖励"] },
    { en: ["public rental housing"], zh: ["公租房", "人才公寓"] },
    { en: ["talent apartment"], zh: ["人才公寓"] },
  ];

  it("uses the glossary's whole term, else terms that cover the item entirely, else none", () => {
    expect(englishForItem("房租补贴", entries)).toBe("rent subsidy");
    expect(englishForItem("项目奖励", entries)).toBe("project reward");
    expect(englishForItem("招商中介奖励", entries)).toBeUndefined();
    // The entry that leads with a term translates it, not one that lists it as a variant.
    expect(englishForItem("人才公寓", entries)).toBe("talent apartment");
  });

  it("keeps the Chinese beside the English, or alone", () => {
    expect(itemInEnglish("房租补贴", entries)).toBe("rent subsidy (房租补贴)");
    expect(itemInEnglish("招商中介奖励", entries)).toBe("招商中介奖励");
  });
});
