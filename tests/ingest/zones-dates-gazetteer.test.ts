import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectReportDate, resolveRelativeDates } from "../../src/ingest/dates.js";
import { createGazetteer, loadGazetteerOverrides } from "../../src/ingest/gazetteer.js";
import { articleZones, detectZones } from "../../src/ingest/zones.js";

describe("detectZones", () => {
  it("finds zones by general patterns, also in made-up text", () => {
    const zones = detectZones("绵阳高新区与苏州工业园区签约。绵阳高新技术产业开发区还与陵川生态文化旅游示范区合作。");
    const byName = Object.fromEntries(zones.map((zone) => [zone.name, zone]));
    expect(byName["绵阳高新区"]).toMatchObject({ place: "绵阳", kind: "高新区", count: 2 });
    expect(byName["苏州工业园区"]).toMatchObject({ place: "苏州", kind: "工业园区" });
    expect(byName["陵川生态文化旅游示范区"]).toMatchObject({ place: "陵川", kind: "示范区" });
  });

  it("avoids false positives", () => {
    const names = detectZones("申建国家级承接产业转移示范区，项目落地高新区，该高新区大理石，巩固安全。").map((zone) => zone.name);
    expect(names).toEqual([]);
  });

  it("reads a one-character county after a verb or preposition (按郧县, 落户沛县), never the verb as its name", () => {
    expect(detectZones("按郧县经济开发区和工业园区的那份政策规定，企业落户郧县经济开发区")).toEqual([expect.objectContaining({ name: "郧县经开区", place: "郧" })]);
    expect(detectZones("凡在郧县经济开发区新建企业").map((zone) => zone.place)).toEqual(["郧"]);
    // A two-character county stays whole.
    expect(detectZones("滨海县经济开发区新签约项目12个").map((zone) => zone.place)).toEqual(["滨海"]);
  });

  it("ranks the title zone first and counts a bare 高新区 for it", () => {
    expect(articleZones("——高新区全力推进招商引资工作纪实", "安康高新区很好，安康高新区。西安高新区也很好。")).toEqual(["安康高新区", "安康", "西安高新区", "西安"]);
    expect(articleZones("西安高新区招商", "安康高新区很好，安康高新区。西安高新区也很好。")[0]).toBe("西安高新区");
  });
});

describe("dates", () => {
  it("detects a header date", () => {
    const raw = readFileSync(new URL("../../corpus/001_c6b11eab57cf676c.txt", import.meta.url), "utf8");
    expect(detectReportDate(raw)).toBe("2020-05-14");
    expect(detectReportDate("今年上半年，签约项目10个。")).toBeUndefined();
    // A policy text's issuing line dates it; a sentence that merely mentions a date does not.
    expect(detectReportDate("绵阳高新区关于支持先进制造业的若干措施\n\n（2024年3月15日 绵阳高新区管委会印发）\n\n第一条 …")).toBe("2024-03-15");
    expect(detectReportDate("2024年3月15日，绵阳高新区举行签约仪式，签约项目12个。")).toBeUndefined();
  });

  it("annotates relative dates and leaves text alone without a report date", () => {
    expect(resolveRelativeDates("今年上半年签约，去年投产，前年立项，明年达产，上半年增长。", "2023-07-01")).toBe(
      "今年上半年〔2023年上半年〕签约，去年〔2022年〕投产，前年〔2021年〕立项，明年〔2024年〕达产，上半年增长。",
    );
    expect(resolveRelativeDates("今年上半年签约", undefined)).toBe("今年上半年签约");
  });
});

describe("gazetteer", () => {
  const overrides = JSON.parse(readFileSync(new URL("../../corpus/gazetteer.json", import.meta.url), "utf8")).places;
  const gazetteer = createGazetteer(overrides);

  it("maps English names to places", () => {
    expect(gazetteer.placesInEnglish("What incentives does Changzhi High-tech Zone offer?")).toEqual(["长治"]);
    expect(gazetteer.placesInEnglish("Xiongan")).toEqual(["雄安"]);
    expect(gazetteer.placesInEnglish("Hengyang")).toEqual(["衡阳"]);
    expect(gazetteer.placesInEnglish("Xi'an and Jing De Zhen")).toEqual(["西安", "景德镇"]);
    expect(gazetteer.placesInEnglish("Zones in Shaanxi and Inner Mongolia")).toEqual(["陕西", "内蒙古"]);
    expect(gazetteer.placesInEnglish("an answer about the he and tai")).toEqual([]);
  });

  it("loads overrides from the corpus folder", async () => {
    expect((await loadGazetteerOverrides("corpus")).find((entry) => entry.zh === "西安")?.en).toContain("Xi'an");
    expect(await loadGazetteerOverrides("/nonexistent")).toEqual([]);
  });

  it("gives English names and learns new places", () => {
    expect(gazetteer.english("长治")).toBe("Changzhi");
    expect(gazetteer.english("陕西")).toBe("Shaanxi");
    gazetteer.addPlaces(["昌吉"]);
    expect(gazetteer.placesInEnglish("Changji High-tech Zone")).toEqual(["昌吉"]);
    expect(gazetteer.placesInText("长治高新区与昌吉合作")).toEqual(["长治", "昌吉"]);
  });
});
