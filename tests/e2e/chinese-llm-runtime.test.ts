import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockLlmServer, type MockLlmServer } from "../answer/llm/mock-llm-server.js";
import { createTestRuntime, type TestRuntime } from "../helpers/temp-runtime.js";

/**
 * The composed runtime with LLM_PROVIDER=qwen (DashScope's native API, mocked on 127.0.0.1): the
 * wiring from settings to the answer chain, end to end. tests/answer/llm/chinese-providers.test.ts covers
 * each provider's details.
 */

let mock: MockLlmServer;
let test: TestRuntime;
beforeAll(async () => {
  mock = await startMockLlmServer();
  test = await createTestRuntime({ LLM_PROVIDER: "qwen", QWEN_API_KEY: "sk-qwen", QWEN_BASE_URL: mock.url, LLM_TIMEOUT_MS: "3000" });
});
afterAll(async () => {
  await test?.close();
  await mock?.close();
});

describe("runtime with Qwen through DashScope", () => {
  it("answers in llm mode with the default model, checked like any provider's answer", async () => {
    expect(test.runtime.service.status().llm).toBe("qwen:qwen-plus");
    mock.script([{ kind: "text", text: "长治高新区聘请了10多名招商大使[1]。" }]);
    const answer = await test.runtime.service.ask("长治高新区聘请了多少名招商大使？");
    expect(answer.mode).toBe("llm");
    expect(answer.citations[0]?.source).toBe("corpus/002_93385d198ddbd426.txt");
    const request = mock.requests.at(-1)!;
    expect(request.path).toBe("/api/v1/services/aigc/text-generation/generation");
    expect(request.body.model).toBe("qwen-plus");
    expect(JSON.stringify(request.body.input.messages)).toContain("招商大使");

    mock.script([{ kind: "text", text: "长治高新区聘请了99名招商大使[1]。" }]);
    const invented = await test.runtime.service.ask("长治高新区聘请了多少名招商大使？");
    expect(invented.mode).toBe("extractive");
    expect(invented.answer).not.toContain("99名");
  });
});
