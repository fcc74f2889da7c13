import { describe, expect, it } from "vitest";
import { englishZoneName } from "../../src/answer/zone-names.js";

const names: Record<string, string> = { 长治: "Changzhi", 安康: "Ankang", 陵川: "Lingchuan", 衡阳: "Hengyang" };
const english = (place: string) => names[place] ?? place;

describe("englishZoneName", () => {
  it("translates the place and the zone kind, keeping the Chinese name", () => {
    expect(englishZoneName("长治高新区", english)).toBe("Changzhi High-tech Zone (长治高新区)");
    expect(englishZoneName("陵川示范区", english)).toBe("Lingchuan Demonstration Zone (陵川示范区)");
    expect(englishZoneName("衡阳经济技术开发区", english)).toBe("Hengyang Economic and Technological Development Zone (衡阳经济技术开发区)");
  });

  it("prefers the longest kind suffix (高新技术产业开发区 over 开发区)", () => {
    expect(englishZoneName("安康高新技术产业开发区", english)).toBe("Ankang High-tech Industrial Development Zone (安康高新技术产业开发区)");
  });

  it("handles cities and bare places", () => {
    expect(englishZoneName("安康市", english)).toBe("Ankang City (安康市)");
    expect(englishZoneName("长治", english)).toBe("Changzhi (长治)");
  });

  it("uses an explicit place when given, and leaves English names alone", () => {
    expect(englishZoneName("长治高新区", english, "长治")).toBe("Changzhi High-tech Zone (长治高新区)");
    expect(englishZoneName("Ankang", english)).toBe("Ankang");
  });
});

describe("places no gazetteer names in English", () => {
  it("are given in pinyin", async () => {
    const { pinyinPlace, englishZoneName } = await import("../../src/answer/zone-names.js");
    expect(pinyinPlace("盘")).toBe("Pan");
    expect(englishZoneName("盘县", pinyinPlace)).toBe("Pan County (盘县)");
  });
});
