import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../../core/config.js";

export type ChatModelConfig = Pick<
  Config,
  | "LLM_PROVIDER"
  | "LLM_MODEL"
  | "LLM_TEMPERATURE"
  | "LLM_TIMEOUT_MS"
  | "LLM_MAX_RETRIES"
  | "OPENAI_BASE_URL"
  | "OPENAI_API_KEY"
  | "OLLAMA_BASE_URL"
  | "QWEN_API_KEY"
  | "QWEN_BASE_URL"
  | "DEEPSEEK_API_KEY"
  | "DEEPSEEK_BASE_URL"
  | "ZHIPU_API_KEY"
  | "ZHIPU_BASE_URL"
  | "MOONSHOT_API_KEY"
  | "MOONSHOT_BASE_URL"
>;

/** Default model names when LLM_MODEL is unset; any OpenAI-compatible server may ignore them. */
const defaultModels = {
  openai: "gpt-4o-mini",
  ollama: "qwen2.5:7b",
  qwen: "qwen-plus",
  deepseek: "deepseek-chat",
  zhipu: "glm-4-flash",
  moonshot: "moonshot-v1-8k",
} as const;

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/u, "")}${path}`;
}

/**
 * The configured chat model, or undefined when LLM_PROVIDER=none (the extractive answerer then
 * answers alone). OpenAI covers every OpenAI-compatible server (vLLM, llama.cpp, or a provider's
 * compatible mode) through OPENAI_BASE_URL; Qwen, DeepSeek, Zhipu and Moonshot use their LangChain
 * integrations. Every model goes through the same answer chain and checks (llm-answerer.ts). The
 * provider's LangChain module is imported only here, when it is configured: loaded in every server
 * process it costs ~15 MB of heap for nothing in the default extractive mode.
 */
export async function createChatModel(config: ChatModelConfig): Promise<BaseChatModel | undefined> {
  const provider = config.LLM_PROVIDER;
  if (provider === "none") return undefined;
  const model = config.LLM_MODEL ?? defaultModels[provider];
  const common = { model, temperature: config.LLM_TEMPERATURE, maxRetries: config.LLM_MAX_RETRIES };
  switch (provider) {
    case "openai": {
      const { ChatOpenAI } = await import("@langchain/openai");
      return new ChatOpenAI({
        ...common,
        // Local servers accept any key, but the OpenAI client refuses to start without one.
        apiKey: config.OPENAI_API_KEY ?? "not-needed",
        configuration: { baseURL: config.OPENAI_BASE_URL },
        timeout: config.LLM_TIMEOUT_MS,
      });
    }
    case "ollama": {
      const { ChatOllama } = await import("@langchain/ollama");
      return new ChatOllama({ ...common, baseUrl: config.OLLAMA_BASE_URL });
    }
    case "deepseek": {
      const { ChatDeepSeek } = await import("@langchain/deepseek");
      return new ChatDeepSeek({ ...common, apiKey: config.DEEPSEEK_API_KEY, configuration: { baseURL: config.DEEPSEEK_BASE_URL }, timeout: config.LLM_TIMEOUT_MS });
    }
    case "qwen": {
      // DashScope's native API (not its OpenAI-compatible mode); `apiUrl` replaces the region's default host.
      const { ChatAlibabaTongyi } = await import("@langchain/community/chat_models/alibaba_tongyi");
      return new ChatAlibabaTongyi({ ...common, alibabaApiKey: config.QWEN_API_KEY, apiUrl: endpoint(config.QWEN_BASE_URL, "/api/v1/services/aigc/text-generation/generation") });
    }
    case "zhipu": {
      const { ChatZhipuAI } = await import("@langchain/community/chat_models/zhipuai");
      const chat = new ChatZhipuAI({ ...common, zhipuAIApiKey: config.ZHIPU_API_KEY });
      // The class fixes its endpoint in the constructor but reads the public field on every call.
      chat.apiUrl = endpoint(config.ZHIPU_BASE_URL, "/chat/completions");
      return chat;
    }
    case "moonshot": {
      const { ChatMoonshot } = await import("@langchain/community/chat_models/moonshot");
      const chat = new ChatMoonshot({ ...common, apiKey: config.MOONSHOT_API_KEY });
      chat.apiUrl = endpoint(config.MOONSHOT_BASE_URL, "/chat/completions");
      return chat;
    }
  }
}

/** A short label for status pages: provider and model. */
export function describeChatModel(config: ChatModelConfig): string {
  if (config.LLM_PROVIDER === "none") return "none (extractive answers)";
  return `${config.LLM_PROVIDER}:${config.LLM_MODEL ?? defaultModels[config.LLM_PROVIDER]}`;
}
