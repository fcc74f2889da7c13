import { describe, expect, it } from "vitest";
import { disagreement } from "../../../src/answer/llm/claim-agreement.js";
import type { Answer } from "../../../src/core/types.js";

const answer = (text: string, language: Answer["language"] = "zh"): Answer => ({ answer: text, refused: false, mode: "llm", language, citations: [], warnings: [], standaloneQuestion: "" });

describe("the model's answer against the verified claim", () => {
  it("keeps a model answer that states the verified figure in its own words", () => {
    expect(disagreement(answer("衡阳高新区上半年共签约项目28个，总投资约105.63亿元[1]。"), answer("签约项目28个[1]；总投资105.63亿元[1]。\n…"))).toBeUndefined();
    expect(disagreement(answer("Hengyang signed 28 projects worth about RMB 10.563 billion [1].", "en"), answer("28 (28个) [1]; RMB 10.563 billion (105.63亿元) [1].", "en"))).toBeUndefined();
  });

  it("rejects a model answer that gives another figure of the passages", () => {
    expect(disagreement(answer("签约项目46个[1]。"), answer("集中签约项目21个[1]。"))).toMatch(/verified figure 21/u);
  });

  it("rejects a model answer whose yes or no is not the computed one", () => {
    expect(disagreement(answer("Yes, it grew by 21% [1].", "en"), answer("No. 21% (“固定资产投资增长21%”) [1] — not more than 30%.", "en"))).toMatch(/"yes"/u);
    expect(disagreement(answer("兰州新区固定资产投资增长21%[1]。"), answer("不是。固定资产投资增长21%[1]，不符合“超过30%”。"))).toMatch(/did not answer/u);
  });
});
