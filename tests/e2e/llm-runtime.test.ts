import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockLlmServer, type MockLlmServer } from "../answer/llm/mock-llm-server.js";
import { createTestRuntime, type TestRuntime } from "../helpers/temp-runtime.js";

/**
 * The composed runtime with LLM_PROVIDER=openai: the real corpus and retrieval, LangChain over
 * HTTP to a local OpenAI-compatible mock. Checks the wiring end to end, not the chain's details
 * (tests/answer/llm covers those).
 */

let mock: MockLlmServer;
let test: TestRuntime;
beforeAll(async () => {
  mock = await startMockLlmServer();
  test = await createTestRuntime({
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: `${mock.url}/v1`,
    LLM_MODEL: "mock-model",
    LLM_TIMEOUT_MS: "3000",
    LLM_MAX_RETRIES: "0",
  });
});
afterAll(async () => {
  await test?.close();
  await mock?.close();
});

describe("runtime with an OpenAI-compatible model", () => {
  it("answers in llm mode from the retrieved passages, with the passages in the prompt", async () => {
    mock.script([{ kind: "text", text: "长治高新区聘请了10多名招商大使[1]。" }]);
    const answer = await test.runtime.service.ask("长治高新区聘请了多少名招商大使？");
    expect(answer.mode).toBe("llm");
    expect(answer.answer).toContain("10多名招商大使");
    expect(answer.citations[0]?.source).toBe("corpus/002_93385d198ddbd426.txt");
    const prompt = JSON.stringify(mock.requests.at(-1)?.body);
    expect(prompt).toContain("招商大使");
    expect(prompt).toContain("mock-model");
    expect(test.runtime.service.status().llm).toBe("openai:mock-model");
  });

  it("falls back to the extractive answer when the model invents a figure", async () => {
    mock.script([{ kind: "text", text: "长治高新区聘请了99名招商大使[1]。" }]);
    const answer = await test.runtime.service.ask("长治高新区聘请了多少名招商大使？");
    expect(answer.mode).toBe("extractive");
    expect(answer.answer).not.toContain("99名");
    expect(answer.answer).toContain("招商大使");
    // The fallback is the verified claim: its first paragraph holds the passage's figure.
    expect(answer.answer.split("\n")[0]).toContain("10多名");
    expect(answer.warnings.join(" ")).toMatch(/99/);
  });

  it("falls back to the extractive answer when the model server fails", async () => {
    mock.script([{ kind: "status", status: 500, body: "boom" }]);
    const answer = await test.runtime.service.ask("长治高新区聘请了多少名招商大使？");
    expect(answer.mode).toBe("extractive");
    expect(answer.refused).toBe(false);
    expect(answer.answer).not.toContain("boom");
    expect(answer.warnings.length).toBeGreaterThan(0);
  });

  it("still refuses without calling the model when the corpus does not cover the zone", async () => {
    const before = mock.requests.length;
    const answer = await test.runtime.service.ask("杭州高新区的人才引进补贴是多少？");
    expect(answer.refused).toBe(true);
    expect(mock.requests.length).toBe(before);
  });
});
