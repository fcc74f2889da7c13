import { describe, expect, it } from "vitest";
import { measureUtf8Bytes, renderPlainAnswer, renderPlainCitations, splitMessage } from "../../src/chat/delivery.js";
import { detectLanguage } from "../../src/core/language.js";
import { sampleAnswer } from "./fake-service.js";

const figures = ["105.63亿元", "6836万美元", "97.5%", "1,234.5万元", "3.2倍"];

describe("splitMessage", () => {
  it("returns short text unchanged", () => {
    expect(splitMessage("短消息。", 100)).toEqual(["短消息。"]);
  });

  it("prefers paragraph, then sentence boundaries", () => {
    const text = "第一段第一句。第一段第二句。\n\n第二段第一句。第二段第二句。";
    expect(splitMessage(text, 16)).toEqual(["第一段第一句。第一段第二句。", "第二段第一句。第二段第二句。"]);
    expect(splitMessage("第一句话在这里。第二句话在这里。第三句话在这里。", 17)).toEqual(["第一句话在这里。第二句话在这里。", "第三句话在这里。"]);
  });

  it("never cuts inside a number with its unit, at any limit", () => {
    const text = figures.map((figure, index) => `指标${index}达到${figure}，同比增长${index + 1}.5%`).join("；") + "。";
    for (let limit = 12; limit <= 40; limit++) {
      const pieces = splitMessage(text, limit);
      for (const piece of pieces) expect([...piece].length).toBeLessThanOrEqual(limit);
      const joined = pieces.join("");
      expect(joined).toBe(text.replace(/\s+/g, ""));
      for (const figure of figures) expect(pieces.some((piece) => piece.includes(figure))).toBe(true);
    }
  });

  it("does not cut a number even without any punctuation nearby", () => {
    const text = "园区实现营业收入105.63亿元同比增长百分之十二点三较去年明显加快";
    for (let limit = 8; limit < text.length; limit++) {
      const pieces = splitMessage(text, limit);
      expect(pieces.some((piece) => piece.includes("105.63亿元"))).toBe(true);
    }
  });

  it("limits by UTF-8 bytes when asked", () => {
    const text = "长治高新区上半年实现地区生产总值105.63亿元。".repeat(20);
    const pieces = splitMessage(text, 200, measureUtf8Bytes);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(200);
    expect(pieces.join("")).toBe(text);
  });

  it("splits English at sentence ends, keeping decimals", () => {
    const text = "GDP reached 105.63 billion yuan. Growth was 6.5% year on year. Exports rose 3.2 times.";
    const pieces = splitMessage(text, 40);
    expect(pieces).toEqual(["GDP reached 105.63 billion yuan.", "Growth was 6.5% year on year.", "Exports rose 3.2 times."]);
  });
});

describe("plain rendering", () => {
  it("renders footnotes with title, zone, date and file", () => {
    const text = renderPlainCitations(sampleAnswer("问"), 1000);
    expect(text.split("\n")).toEqual([
      "来源：",
      "[1] 长治高新区经济运行稳中向好 — 长治高新区, 2023-07-20 (002_93385d198ddbd426.txt)",
      "[2] 招商引资优惠政策出台 — 长治高新区, 2023-03-02 (017_aa01.txt)",
    ]);
  });

  it("fits footnotes into a byte limit, saying how many were left out", () => {
    const answer = sampleAnswer("What GDP?");
    answer.language = "en";
    const full = renderPlainCitations(answer, 10_000, measureUtf8Bytes);
    const limited = renderPlainCitations(answer, Buffer.byteLength(full) - 40, measureUtf8Bytes);
    expect(Buffer.byteLength(limited)).toBeLessThanOrEqual(Buffer.byteLength(full) - 40);
    expect(limited).toContain("[1]");
    expect(limited.startsWith("Sources:")).toBe(true);
    expect(renderPlainCitations(answer, 5)).toBe("");
  });

  it("renders the whole answer in messages within the limit", () => {
    const answer = sampleAnswer("问", undefined, "长治高新区上半年实现地区生产总值105.63亿元。".repeat(30));
    const messages = renderPlainAnswer(answer, 600, measureUtf8Bytes);
    for (const text of messages) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
    expect(messages[messages.length - 1]).toContain("[2]");
    expect(messages.join("")).toContain("105.63亿元");
  });
});

describe("detectLanguage", () => {
  it("treats English with a Chinese place name as English", () => {
    expect(detectLanguage("What incentives does 长治 offer?")).toBe("en");
    expect(detectLanguage("长治高新区有哪些优惠政策？")).toBe("zh");
    expect(detectLanguage("长治高新区GDP")).toBe("zh");
  });
});
