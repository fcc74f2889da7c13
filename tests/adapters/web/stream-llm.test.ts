import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockLlmServer, type MockLlmServer } from "../../answer/llm/mock-llm-server.js";
import { ADMIN_TOKEN, startWebServer, parseSse, type WebServer } from "../../helpers/web-server.js";

/** The streaming ask endpoint with a model that streams (a local OpenAI-compatible mock). */

let mock: MockLlmServer;
let web: WebServer;

beforeAll(async () => {
  mock = await startMockLlmServer();
  web = await startWebServer({ LLM_PROVIDER: "openai", OPENAI_BASE_URL: `${mock.url}/v1`, LLM_MODEL: "mock-model", LLM_TIMEOUT_MS: "3000", LLM_MAX_RETRIES: "0" });
});

afterAll(async () => {
  await web?.close();
  await mock?.close();
});

async function streamAsk(question: string): Promise<Array<{ event: string; data: any }>> {
  const response = await fetch(`${web.server.url}/api/ask/stream`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
  return parseSse(await response.text());
}

describe("POST /api/ask/stream with an LLM", () => {
  it("sends the answer as it is produced, then the checked answer", async () => {
    mock.script([{ kind: "text", text: "长治高新区聘请了10多名招商大使，吸引企业落地[1]。" }]);
    const events = await streamAsk("长治高新区聘请了多少名招商大使？");
    const tokens = events.filter((event) => event.event === "token");
    expect(tokens.length).toBeGreaterThan(1);
    const final = events.at(-1)!;
    expect(final.event).toBe("answer");
    expect(final.data.mode).toBe("llm");
    expect(tokens.map((event) => event.data.text).join("")).toContain("10多名招商大使");
  });

  it("replaces an unchecked streamed answer with the extractive one, and counts the fallback", async () => {
    mock.script([{ kind: "text", text: "长治高新区聘请了99名招商大使[1]。" }]);
    const events = await streamAsk("长治高新区聘请了多少名招商大使？");
    const final = events.at(-1)!;
    expect(final.data.mode).toBe("extractive");
    expect(final.data.answer).not.toContain("99名");
    // The test server has ADMIN_TOKEN set, so metrics need it.
    const metrics = await (await fetch(`${web.server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(metrics).toMatch(/zone_llm_fallbacks_total [1-9]/);
  });
});
