import { describe, expect, it } from "vitest";
import { extractFrontMatter, normalizeDate } from "../../src/ingest/front-matter.js";

describe("extractFrontMatter", () => {
  const file = "---\ntitle: 长治高新区促进数字经济发展办法\ndate: 2024-03-01\nzone: 长治高新区\npublisher: \"长治高新区管委会\"\n---\n正文第一段。\n";

  it("reads title, date, zone and publisher and blanks the block in place", () => {
    const { metadata, text, problems } = extractFrontMatter(file);
    expect(metadata).toEqual({ title: "长治高新区促进数字经济发展办法", date: "2024-03-01", zones: ["长治高新区"], publisher: "长治高新区管委会" });
    expect(problems).toEqual([]);
    // Same length and same body position, so offsets computed on `text` point into the file.
    expect(text).toHaveLength(file.length);
    expect(text.indexOf("正文第一段")).toBe(file.indexOf("正文第一段"));
    expect(text).not.toContain("title");
    expect(text.split("\n").length).toBe(file.split("\n").length);
  });

  it("accepts zone lists in several spellings and Chinese keys", () => {
    expect(extractFrontMatter("---\nzones: [绵阳高新区, 绵阳]\n---\n正文").metadata.zones).toEqual(["绵阳高新区", "绵阳"]);
    expect(extractFrontMatter("---\n园区：安康高新区、安康\n日期：2023年7月\n---\n正文").metadata).toEqual({ zones: ["安康高新区", "安康"], date: "2023-07" });
    expect(extractFrontMatter("---\nzones:\n  - 衡阳高新区\n  - 衡阳\ntitle: 标题\n---\n正文").metadata).toEqual({ zones: ["衡阳高新区", "衡阳"], title: "标题" });
  });

  it("reports unusable lines and bad dates instead of guessing", () => {
    const { metadata, problems } = extractFrontMatter("---\ntitle: 标题\ndate: last spring\nauthor: 某人\n---\n正文");
    expect(metadata).toEqual({ title: "标题" });
    expect(problems.join(" ")).toMatch(/last spring/);
    expect(problems.join(" ")).toMatch(/author/);
  });

  it("leaves text without front matter (or a leading rule before prose) untouched", () => {
    expect(extractFrontMatter("正文\n---\ntitle: x\n---\n")).toMatchObject({ metadata: {}, text: "正文\n---\ntitle: x\n---\n" });
    const rule = "---\n这是一段普通的正文，不是元数据。\n---\n后文";
    expect(extractFrontMatter(rule)).toMatchObject({ metadata: {}, text: rule });
  });
});

describe("normalizeDate", () => {
  it("normalises common written dates to ISO", () => {
    expect(normalizeDate("2024-03-01")).toBe("2024-03-01");
    expect(normalizeDate("2024/3/1")).toBe("2024-03-01");
    expect(normalizeDate("2024.3.1")).toBe("2024-03-01");
    expect(normalizeDate("2024年3月1日")).toBe("2024-03-01");
    expect(normalizeDate("2024年3月")).toBe("2024-03");
    expect(normalizeDate("2024")).toBe("2024");
    expect(normalizeDate("2024-03-05T09:30:00+08:00")).toBe("2024-03-05");
    expect(normalizeDate("2024-03-05 09:30:00")).toBe("2024-03-05");
  });

  it("refuses what is not a date", () => {
    expect(normalizeDate("March 2024")).toBeUndefined();
    expect(normalizeDate("2024-13-01")).toBeUndefined();
    expect(normalizeDate("")).toBeUndefined();
  });
});
