import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatModel, describeChatModel } from "../../../src/answer/llm/create-chat-model.js";
import { createLlmAnswerer } from "../../../src/answer/llm/llm-answerer.js";
import { loadPrompts } from "../../../src/answer/llm/prompt-loader.js";
import { loadConfig } from "../../../src/core/config.js";
import type { Answerer } from "../../../src/core/types.js";
import { fakeExtractive, input, passages } from "./fixtures.js";
import { startMockLlmServer, type MockLlmServer, type MockRequest } from "./mock-llm-server.js";

/**
 * Qwen (DashScope), DeepSeek, Zhipu and Moonshot through their LangChain integrations, each
 * against a local mock of its HTTP API on 127.0.0.1, through the one answer chain (the same
 * grounding and fallback as the OpenAI-compatible path).
 */

const prompts = loadPrompts(path.resolve("prompts"));
const ZHIPU_ID = "mock-id";
const ZHIPU_SECRET = "mock-secret";

interface ProviderCase {
  provider: "qwen" | "deepseek" | "zhipu" | "moonshot";
  settings: (url: string) => Record<string, string>;
  path: string;
  /** The chat messages of a recorded request, in the provider's body shape. */
  messages: (request: MockRequest) => { role: string; content: string }[];
  /** Checks the Authorization header. */
  auth: (header: string) => void;
  /** What the chain's streaming call sends. */
  streamRequest: (request: MockRequest) => boolean;
  /** ChatMoonshot (community 1.1.29) has no token stream: `.stream()` makes a plain request and yields the whole answer once. */
  streamsTokens: boolean;
  /**
   * The reason users see. Only the OpenAI-based client reads the HTTP status; the community classes
   * parse any body as a reply (DashScope's and Zhipu's error bodies become an error with the
   * upstream message, which goes to the log; Moonshot's is read as a reply without choices).
   */
  errorReason: (status: number) => string;
}

function base64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

const bearer = (key: string) => (header: string) => expect(header).toBe(`Bearer ${key}`);

const cases: ProviderCase[] = [
  {
    provider: "qwen",
    settings: (url) => ({ QWEN_API_KEY: "sk-qwen", QWEN_BASE_URL: url }),
    path: "/api/v1/services/aigc/text-generation/generation",
    messages: (request) => request.body.input.messages,
    auth: bearer("sk-qwen"),
    streamRequest: (request) => request.headers["x-dashscope-sse"] === "enable" && request.body.parameters.incremental_output === true,
    streamsTokens: true,
    errorReason: () => "the model call failed",
  },
  {
    provider: "deepseek",
    settings: (url) => ({ DEEPSEEK_API_KEY: "sk-deepseek", DEEPSEEK_BASE_URL: url }),
    path: "/chat/completions",
    messages: (request) => request.body.messages,
    auth: bearer("sk-deepseek"),
    streamRequest: (request) => request.body.stream === true,
    streamsTokens: true,
    errorReason: (status) => `the model server answered HTTP ${status}`,
  },
  {
    provider: "zhipu",
    settings: (url) => ({ ZHIPU_API_KEY: `${ZHIPU_ID}.${ZHIPU_SECRET}`, ZHIPU_BASE_URL: `${url}/api/paas/v4` }),
    path: "/api/paas/v4/chat/completions",
    messages: (request) => request.body.messages,
    // Zhipu wants a JWT signed with the key's secret (HS256), naming the key's id.
    auth: (header) => {
      const token = header.replace(/^Bearer /u, "");
      const [head, payload, signature] = token.split(".");
      expect(JSON.parse(Buffer.from(head!, "base64url").toString())).toMatchObject({ alg: "HS256", sign_type: "SIGN" });
      expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({ api_key: ZHIPU_ID });
      expect(signature).toBe(createHmac("sha256", ZHIPU_SECRET).update(`${head}.${payload}`).digest("base64url"));
      expect(token).not.toContain(ZHIPU_SECRET);
      expect(base64url(ZHIPU_SECRET)).not.toBe(signature);
    },
    streamRequest: (request) => request.body.stream === true,
    streamsTokens: true,
    errorReason: () => "the model call failed",
  },
  {
    provider: "moonshot",
    settings: (url) => ({ MOONSHOT_API_KEY: "sk-moonshot", MOONSHOT_BASE_URL: `${url}/v1` }),
    path: "/v1/chat/completions",
    messages: (request) => request.body.messages,
    auth: bearer("sk-moonshot"),
    streamRequest: (request) => request.body.stream === false,
    streamsTokens: false,
    errorReason: () => "the model server sent a malformed reply",
  },
];

for (const providerCase of cases) {
  const { provider } = providerCase;
  describe(`LLM answerer over ${provider} (LangChain integration, local mock)`, () => {
    let mock: MockLlmServer;
    const makeAnswerer = (settings: Record<string, string> = {}): Answerer => async (request, options) => {
      const config = loadConfig({ LLM_PROVIDER: provider, LLM_MODEL: "mock-model", LLM_TIMEOUT_MS: "8000", LLM_MAX_RETRIES: "0", ...providerCase.settings(mock.url), ...settings });
      const model = await createChatModel(config);
      if (!model) throw new Error("model expected");
      return createLlmAnswerer({ config, model, fallback: fakeExtractive, prompts })(request, options);
    };

    beforeAll(async () => {
      mock = await startMockLlmServer();
    });
    afterAll(async () => {
      await mock.close();
    });

    it("sends the key, the model and the passages, and returns a grounded, renumbered answer", async () => {
      mock.script([{ kind: "text", text: "白山经开区“十三五”期间实际利用外资6836万美元[2]。清河高新区上半年实际到位资金105.63亿元[1]。" }]);
      const answer = await makeAnswerer()(input("实际利用外资多少？", "zh"));
      expect(mock.requests).toHaveLength(1);
      const [request] = mock.requests;
      expect(request!.path).toBe(providerCase.path);
      providerCase.auth(String(request!.headers.authorization));
      expect(request!.body.model).toBe("mock-model");
      const messages = providerCase.messages(request!);
      expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
      expect(messages.map((message) => message.content).join("\n")).toContain("[1] 清河高新区招商引资成效显著 | 清河高新区 | 2023-07-20");
      expect(messages[1]!.content).toContain("实际利用外资多少？");
      expect(answer.mode).toBe("llm");
      expect(answer.warnings).toEqual([]);
      expect(answer.answer).toBe("白山经开区“十三五”期间实际利用外资6836万美元[1]。清河高新区上半年实际到位资金105.63亿元[2]。");
      expect(answer.citations.map((citation) => citation.chunkId)).toEqual([passages[1]!.id, passages[0]!.id]);
    });

    it("streams tokens to onToken when the chain streams, and checks the final text", async () => {
      const reply = "清河高新区签约项目18个[1]。总投资达到999亿元[1]。";
      mock.script([{ kind: "text", text: reply }]);
      const tokens: string[] = [];
      const answer = await makeAnswerer()(input("签约情况？", "zh"), { onToken: (token) => tokens.push(token) });
      expect(providerCase.streamRequest(mock.requests[0]!)).toBe(true);
      expect(tokens.join("")).toBe(reply);
      if (providerCase.streamsTokens) expect(tokens.length).toBeGreaterThan(1);
      else expect(tokens).toEqual([reply]);
      // The invented figure is dropped by the same grounding as every provider's.
      expect(answer.mode).toBe("llm");
      expect(answer.answer).toBe("清河高新区签约项目18个[1]。");
      expect(answer.warnings.join(" ")).toContain("999亿元");
    });

    it("falls back to the extractive answer on an error status", async () => {
      for (const status of [401, 500]) {
        mock.script([{ kind: "status", status }]);
        const answer = await makeAnswerer()(input("签约了多少个项目？", "zh"));
        expect(answer.mode).toBe("extractive");
        expect(answer.answer).toMatch(/^EXTRACTIVE/u);
        expect(answer.warnings).toEqual([`LLM answer not used: ${providerCase.errorReason(status)}.`]);
        // Upstream error text stays in the log, never in what users see.
        expect(answer.warnings.join(" ")).not.toContain("mock status");
      }
    });

    it("falls back when the provider does not answer in time", async () => {
      mock.script([{ kind: "hang" }]);
      const answer = await makeAnswerer({ LLM_TIMEOUT_MS: "300" })(input("签约了多少个项目？", "zh"));
      expect(answer.mode).toBe("extractive");
      expect(answer.warnings.join(" ")).toContain("within 300 ms");
    });

    it("falls back when nothing in the answer is grounded, and streamed answers too", async () => {
      mock.script([{ kind: "text", text: "总投资达到999亿元[1]。" }]);
      const answer = await makeAnswerer()(input("总投资多少？", "zh"));
      expect(answer.mode).toBe("extractive");
      expect(answer.warnings.join(" ")).toMatch(/LLM answer not used.*999亿元/su);
      mock.script([{ kind: "text", text: "The passages do not answer this question." }]);
      const streamed = await makeAnswerer()(input("What is the tax rate?", "en"), { onToken: () => undefined });
      expect(streamed.mode).toBe("extractive");
      expect(streamed.warnings.join(" ")).toContain("do not answer");
    });
  });
}

describe("Chinese provider settings", () => {
  it("names the missing key at start", () => {
    for (const [provider, variable] of [["qwen", "QWEN_API_KEY"], ["deepseek", "DEEPSEEK_API_KEY"], ["zhipu", "ZHIPU_API_KEY"], ["moonshot", "MOONSHOT_API_KEY"]] as const) {
      expect(() => loadConfig({ LLM_PROVIDER: provider })).toThrow(new RegExp(`${variable} is required when LLM_PROVIDER=${provider}`, "u"));
    }
    expect(() => loadConfig({ LLM_PROVIDER: "zhipu", ZHIPU_API_KEY: "no-secret-part" })).toThrow(/ZHIPU_API_KEY must look like `id.secret`/u);
    expect(() => loadConfig({ LLM_PROVIDER: "deepseek", DEEPSEEK_API_KEY: "k", DEEPSEEK_BASE_URL: "not a url" })).toThrow(/DEEPSEEK_BASE_URL/u);
  });

  it("uses each provider's default model unless LLM_MODEL is set", () => {
    expect(describeChatModel(loadConfig({ LLM_PROVIDER: "qwen", QWEN_API_KEY: "k" }))).toBe("qwen:qwen-plus");
    expect(describeChatModel(loadConfig({ LLM_PROVIDER: "deepseek", DEEPSEEK_API_KEY: "k" }))).toBe("deepseek:deepseek-chat");
    expect(describeChatModel(loadConfig({ LLM_PROVIDER: "zhipu", ZHIPU_API_KEY: "a.b" }))).toBe("zhipu:glm-4-flash");
    expect(describeChatModel(loadConfig({ LLM_PROVIDER: "moonshot", MOONSHOT_API_KEY: "k", LLM_MODEL: "kimi-k2" }))).toBe("moonshot:kimi-k2");
  });
});
