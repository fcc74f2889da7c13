import type { OpenAIEmbeddings } from "@langchain/openai";
import type { Embedder } from "../embedder.js";
import { RemoteEmbedder } from "./remote-embedder.js";

export interface OpenAIEmbedderOptions {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Used until the first response tells the real length; sent to the API only if `sendDimensions`. */
  dimensions: number;
  /** text-embedding-3 models can shorten vectors; many compatible servers reject the parameter. */
  sendDimensions?: boolean;
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
  /** Injected for tests and proxies. */
  fetch?: typeof fetch;
}

/** Any OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, LM Studio, llama.cpp, …) via LangChain. */
export class OpenAIEmbedder extends RemoteEmbedder implements Embedder {
  readonly provider = "openai" as const;
  readonly model: string;
  readonly id: string;
  /** Made on first use: the LangChain provider module is loaded only when this embedder is (see create-chat-model.ts). */
  private client?: Promise<OpenAIEmbeddings>;
  private readonly options: OpenAIEmbedderOptions;

  constructor(options: OpenAIEmbedderOptions) {
    super(
      options.dimensions,
      `The OpenAI-compatible embeddings endpoint ${options.baseURL} (model ${options.model})`,
      "Check OPENAI_BASE_URL, OPENAI_API_KEY and EMBEDDINGS_MODEL, or set EMBEDDINGS_PROVIDER=local to use the offline embedder.",
    );
    this.model = options.model;
    this.id = `openai:${options.model}`;
    this.options = options;
  }

  private async makeClient(): Promise<OpenAIEmbeddings> {
    const { OpenAIEmbeddings } = await import("@langchain/openai");
    const options = this.options;
    return new OpenAIEmbeddings({
      model: options.model,
      // Compatible servers without auth still need a non-empty key for the OpenAI client.
      apiKey: options.apiKey ?? "not-needed",
      batchSize: options.batchSize ?? 128,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 30000,
      // Plain floats: the SDK otherwise asks for base64, which not every compatible server speaks.
      encodingFormat: "float",
      ...(options.sendDimensions ? { dimensions: options.dimensions } : {}),
      configuration: { baseURL: options.baseURL, ...(options.fetch ? { fetch: options.fetch } : {}) },
    });
  }

  protected async request(texts: string[]): Promise<number[][]> {
    this.client ??= this.makeClient();
    return (await this.client).embedDocuments(texts);
  }
}
