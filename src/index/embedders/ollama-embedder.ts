import { OllamaEmbeddings } from "@langchain/ollama";
import type { Embedder } from "../embedder.js";
import { RemoteEmbedder } from "./remote-embedder.js";

export interface OllamaEmbedderOptions {
  baseUrl: string;
  model: string;
  /** Used until the first response tells the real length. */
  dimensions: number;
  maxRetries?: number;
  fetch?: typeof fetch;
}

/** A local Ollama server (POST /api/embed) via LangChain's OllamaEmbeddings. */
export class OllamaEmbedder extends RemoteEmbedder implements Embedder {
  readonly provider = "ollama" as const;
  readonly model: string;
  readonly id: string;
  private readonly client: OllamaEmbeddings;

  constructor(options: OllamaEmbedderOptions) {
    super(
      options.dimensions,
      `The Ollama server at ${options.baseUrl} (model ${options.model})`,
      `Start Ollama and pull the model (\`ollama pull ${options.model}\`), check OLLAMA_BASE_URL, or set EMBEDDINGS_PROVIDER=local.`,
    );
    this.model = options.model;
    this.id = `ollama:${options.model}`;
    this.client = new OllamaEmbeddings({
      model: options.model,
      baseUrl: options.baseUrl,
      maxRetries: options.maxRetries ?? 2,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  protected request(texts: string[]): Promise<number[][]> {
    return this.client.embedDocuments(texts);
  }
}
