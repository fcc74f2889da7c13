import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../../core/config.js";

export type ChatModelConfig = Pick<
  Config,
  "LLM_PROVIDER" | "LLM_MODEL" | "LLM_TEMPERATURE" | "LLM_TIMEOUT_MS" | "LLM_MAX_RETRIES" | "OPENAI_BASE_URL" | "OPENAI_API_KEY" | "OLLAMA_BASE_URL"
>;

/** Default model names when LLM_MODEL is unset; any OpenAI-compatible server may ignore them. */
const defaultModels = { openai: "gpt-4o-mini", ollama: "qwen2.5:7b" } as const;

/**
 * The configured chat model, or undefined when LLM_PROVIDER=none (the extractive answerer then
 * answers alone). OpenAI covers every OpenAI-compatible server (DeepSeek, DashScope, Moonshot,
 * vLLM, llama.cpp) through OPENAI_BASE_URL. The provider's LangChain module is imported only here,
 * when it is configured: loaded in every server process it costs ~15 MB of heap for nothing in the
 * default extractive mode.
 */
export async function createChatModel(config: ChatModelConfig): Promise<BaseChatModel | undefined> {
  if (config.LLM_PROVIDER === "openai") {
    const { ChatOpenAI } = await import("@langchain/openai");
    return new ChatOpenAI({
      model: config.LLM_MODEL ?? defaultModels.openai,
      // Local servers accept any key, but the OpenAI client refuses to start without one.
      apiKey: config.OPENAI_API_KEY ?? "not-needed",
      configuration: { baseURL: config.OPENAI_BASE_URL },
      temperature: config.LLM_TEMPERATURE,
      timeout: config.LLM_TIMEOUT_MS,
      maxRetries: config.LLM_MAX_RETRIES,
    });
  }
  if (config.LLM_PROVIDER === "ollama") {
    const { ChatOllama } = await import("@langchain/ollama");
    return new ChatOllama({
      model: config.LLM_MODEL ?? defaultModels.ollama,
      baseUrl: config.OLLAMA_BASE_URL,
      temperature: config.LLM_TEMPERATURE,
      maxRetries: config.LLM_MAX_RETRIES,
    });
  }
  return undefined;
}

/** A short label for status pages: provider and model. */
export function describeChatModel(config: ChatModelConfig): string {
  if (config.LLM_PROVIDER === "none") return "none (extractive answers)";
  return `${config.LLM_PROVIDER}:${config.LLM_MODEL ?? defaultModels[config.LLM_PROVIDER]}`;
}
