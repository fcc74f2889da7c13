import { raceAbort } from "../../core/abort.js";
import { AppError } from "../../core/errors.js";
import type { EmbedOptions } from "../embedder.js";


/**
 * Shared bookkeeping for remote embedders: learns the vector length from the first response,
 * validates every response's shape, and turns any failure into EMBEDDER_FAILED with a hint.
 */
export abstract class RemoteEmbedder {
  private learnedDimensions?: number;

  protected constructor(
    private readonly fallbackDimensions: number,
    private readonly describe: string,
    private readonly hint: string,
  ) {}

  get dimensions(): number {
    return this.learnedDimensions ?? this.fallbackDimensions;
  }

  get dimensionsKnown(): boolean {
    return this.learnedDimensions !== undefined;
  }

  protected abstract request(texts: string[]): Promise<number[][]>;

  async embed(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    if (texts.length === 0) return [];
    let vectors: number[][];
    try {
      vectors = await raceAbort(this.request(texts), options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError("EMBEDDER_FAILED", `${this.describe} failed: ${reason}`, { hint: this.hint, cause: error });
    }
    if (!Array.isArray(vectors) || vectors.length !== texts.length) {
      throw new AppError(
        "EMBEDDER_FAILED",
        `${this.describe} returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${texts.length} texts.`,
        { hint: this.hint },
      );
    }
    const length = this.learnedDimensions ?? vectors[0]?.length;
    for (const vector of vectors) {
      if (!Array.isArray(vector) || vector.length === 0 || vector.length !== length || !vector.every(Number.isFinite)) {
        throw new AppError("EMBEDDER_FAILED", `${this.describe} returned a malformed or inconsistent vector.`, {
          hint: this.hint,
        });
      }
    }
    this.learnedDimensions = length;
    return vectors;
  }
}
