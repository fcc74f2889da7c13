import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/core/config.js";
import { createChatModel } from "../../../src/answer/llm/create-chat-model.js";
import { cleanRewrite, createLlmRewriter } from "../../../src/answer/llm/llm-rewriter.js";
import { loadPrompts } from "../../../src/answer/llm/prompt-loader.js";
import type { QuestionRewriter, Turn } from "../../../src/core/types.js";
import { startMockLlmServer, type MockLlmServer } from "./mock-llm-server.js";

const prompts = loadPrompts(path.resolve("prompts"));
const ruleBased: QuestionRewriter = async (question) => `RULES: ${question}`;

const zhHistory: Turn[] = [
  { question: "清河高新区上半年实际到位资金多少？", standaloneQuestion: "清河高新区上半年实际到位资金多少？", answer: "清河高新区上半年实际到位资金105.63亿元[1]。", places: ["清河"], at: 1 },
];
const enHistory: Turn[] = [
  { question: "What incentives does Baishan offer?", standaloneQuestion: "What incentives does Baishan Economic Development Zone offer?", answer: "It offers factory subsidies [1].", places: ["白山"], at: 1 },
];

for (const provider of ["openai", "ollama"] as const) {
  describe(`LLM rewriter over ${provider}`, () => {
    let mock: MockLlmServer;
    let rewrite: QuestionRewriter;
    let impatientRewrite: QuestionRewriter;
    beforeAll(async () => {
      mock = await startMockLlmServer();
      const config = loadConfig({ LLM_PROVIDER: provider, OPENAI_BASE_URL: `${mock.url}/v1`, OLLAMA_BASE_URL: mock.url, LLM_MAX_RETRIES: "0" });
      rewrite = createLlmRewriter({ model: (await createChatModel(config))!, prompts, fallback: ruleBased, timeoutMs: 5000 });
      impatientRewrite = createLlmRewriter({ model: (await createChatModel(config))!, prompts, fallback: ruleBased, timeoutMs: 300 });
    });
    afterAll(async () => {
      await mock.close();
    });

    it("rewrites a Chinese follow-up using the history it sent", async () => {
      mock.script([{ kind: "text", text: "衡阳高新区上半年实际到位资金多少？" }]);
      expect(await rewrite("那衡阳呢？", zhHistory)).toBe("衡阳高新区上半年实际到位资金多少？");
      const sent = JSON.stringify(mock.requests[0].body.messages);
      expect(sent).toContain("清河高新区上半年实际到位资金多少？");
      expect(sent).toContain("那衡阳呢？");
      expect(sent).not.toContain("[1]");
    });

    it("rewrites an English follow-up and strips a label and quotes", async () => {
      mock.script([{ kind: "text", text: 'Standalone question: "How much foreign investment did Baishan Economic Development Zone use?"\nExplanation: …' }]);
      expect(await rewrite("And how much foreign investment did it use?", enHistory)).toBe("How much foreign investment did Baishan Economic Development Zone use?");
    });

    it("does not call the model for a first question", async () => {
      mock.script([{ kind: "text", text: "unused" }]);
      expect(await rewrite("清河高新区签约了多少个项目？", [])).toBe("清河高新区签约了多少个项目？");
      expect(mock.requests).toHaveLength(0);
    });

    it("falls back to the rules on an error, a timeout or garbage", async () => {
      mock.script([{ kind: "status", status: 500 }]);
      expect(await rewrite("那衡阳呢？", zhHistory)).toBe("RULES: 那衡阳呢？");
      // The time to fall back is a bench figure (`npm run bench`, LLM timeout fallback), not asserted here.
      mock.script([{ kind: "hang" }]);
      expect(await impatientRewrite("那衡阳呢？", zhHistory)).toBe("RULES: 那衡阳呢？");
      mock.script([{ kind: "text", text: "" }]);
      expect(await rewrite("那衡阳呢？", zhHistory)).toBe("RULES: 那衡阳呢？");
      mock.script([{ kind: "text", text: "Hengyang?" }]);
      expect(await rewrite("那衡阳呢？", zhHistory)).toBe("RULES: 那衡阳呢？");
    });
  });
}

describe("cleanRewrite", () => {
  it("refuses replies that are empty, too long or in the wrong language", () => {
    expect(cleanRewrite("\n\n", "那衡阳呢？")).toBeUndefined();
    expect(cleanRewrite("衡".repeat(400), "那衡阳呢？")).toBeUndefined();
    expect(cleanRewrite("衡阳高新区的情况如何？", "And Hengyang?")).toBeUndefined();
    expect(cleanRewrite("改写后的完整问题：衡阳高新区签约了多少个项目？", "那衡阳呢？")).toBe("衡阳高新区签约了多少个项目？");
  });
});
