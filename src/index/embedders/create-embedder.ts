import type { Config } from "../../core/config.js";
import type { Embedder } from "../embedder.js";
import { createTokenizer, type Tokenizer } from "../tokenizer.js";
import { LocalEmbedder } from "./local-embedder.js";
import { OllamaEmbedder } from "./ollama-embedder.js";
import { OpenAIEmbedder } from "./openai-embedder.js";

const defaultEmbeddingModels = {
  openai: "text-embedding-3-small",
  ollama: "nomic-embed-text",
} as const;

type EmbedderConfig = Pick<
  Config,
  "EMBEDDINGS_PROVIDER" | "EMBEDDINGS_MODEL" | "EMBEDDINGS_DIMENSIONS" | "OPENAI_BASE_URL" | "OPENAI_API_KEY" | "OLLAMA_BASE_URL"
>;

/**
 * Picks the embedder the configuration names. The local embedder needs the same tokenizer as
 * BM25 (pass it so the user dictionary of zone names applies to both).
 */
export function createEmbedder(
  config: EmbedderConfig,
  options: { tokenizer?: Tokenizer; fetch?: typeof fetch; maxRetries?: number } = {},
): Embedder {
  switch (config.EMBEDDINGS_PROVIDER) {
    case "openai":
      return new OpenAIEmbedder({
        baseURL: config.OPENAI_BASE_URL,
        apiKey: config.OPENAI_API_KEY,
        model: config.EMBEDDINGS_MODEL ?? defaultEmbeddingModels.openai,
        dimensions: config.EMBEDDINGS_DIMENSIONS,
        fetch: options.fetch,
        maxRetries: options.maxRetries,
      });
    case "ollama":
      return new OllamaEmbedder({
        baseUrl: config.OLLAMA_BASE_URL,
        model: config.EMBEDDINGS_MODEL ?? defaultEmbeddingModels.ollama,
        dimensions: config.EMBEDDINGS_DIMENSIONS,
        fetch: options.fetch,
        maxRetries: options.maxRetries,
      });
    case "local":
      return new LocalEmbedder({
        dimensions: config.EMBEDDINGS_DIMENSIONS,
        tokenizer: options.tokenizer ?? createTokenizer(),
      });
  }
}
