import type { OllamaEmbeddings } from "@langchain/ollama";
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
  /** Made on first use: the LangChain provider module is loaded only when this embedder is (see create-chat-model.ts). */
  private client?: Promise<OllamaEmbeddings>;
  private readonly options: OllamaEmbedderOptions;

  constructor(options: OllamaEmbedderOptions) {
    super(
      options.dimensions,
      `The Ollama server at ${options.baseUrl} (model ${options.model})`,
      `Start Ollama and pull the model (\`ollama pull ${options.model}\`), check OLLAMA_BASE_URL, or set EMBEDDINGS_PROVIDER=local.`,
    );
    this.model = options.model;
    this.id = `ollama:${options.model}`;
    this.options = options;
  }

  private async makeClient(): Promise<OllamaEmbeddings> {
    const { OllamaEmbeddings } = await import("@langchain/ollama");
    const options = this.options;
    return new OllamaEmbeddings({
      model: options.model,
      baseUrl: options.baseUrl,
      maxRetries: options.maxRetries ?? 2,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  protected async request(texts: string[]): Promise<number[][]> {
    this.client ??= this.makeClient();
    return (await this.client).embedDocuments(texts);
  }
}
