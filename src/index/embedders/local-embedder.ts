import { z } from "zod";
import { AppError, REBUILD_INDEX_HINT } from "../../core/errors.js";
import { normalise, type Embedder, type EmbedOptions } from "../embedder.js";
import type { Tokenizer } from "../tokenizer.js";

export const LOCAL_EMBEDDER_VERSION = "local-hash-tfidf-v1";

/**
 * Document frequencies are counted in their own hashed table, much wider than the vector, so
 * features sharing a vector slot still keep their own IDF. 2^18 floats ≈ 1 MB of state.
 */
const DF_BUCKETS = 1 << 18;

const stateSchema = z.object({
  version: z.literal(LOCAL_EMBEDDER_VERSION),
  dimensions: z.number().int().positive(),
  docCount: z.number().int().nonnegative(),
  /** base64 of a Uint32Array(DF_BUCKETS). */
  documentFrequencies: z.string(),
});

/** FNV-1a over UTF-16 code units with a seed, so the slot hash and the df hash are independent. */
function hash(text: string, seed: number): number {
  let value = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193);
  }
  // Final avalanche (murmur3 fmix) so short strings spread over all buckets.
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

const cjkRuns = /[\u3400-\u9fff\uf900-\ufaff]+/g;

export interface LocalEmbedderOptions {
  dimensions?: number;
  tokenizer: Tokenizer;
  /** Lengths of CJK character n-grams added as features (default [2]; see scripts/measure-tokenizer.ts). */
  characterNgrams?: number[];
}

/**
 * Offline default embedder: TF-IDF over jieba words plus CJK character bigrams, folded into a
 * fixed number of dimensions with signed feature hashing. Bigrams catch what segmentation
 * misses (高新区 vs 高新技术产业开发区 share 高新; a question's 装修补贴 meets 装修 and 补贴 text).
 * No weights to download, deterministic; 100k chunks fit + embed in about a minute on one core.
 * Measured with scripts/measure-tokenizer.ts on paragraph chunks of corpus/ (18 Chinese dev
 * questions, 120-char chunks, 512 dims): words only MRR 0.84, words + bigrams 0.90, words +
 * bigrams + trigrams 0.81 (trigrams crowd 512 hashed slots; they only pay off at 1024 dims).
 */
export class LocalEmbedder implements Embedder {
  readonly provider = "local" as const;
  readonly dimensions: number;
  readonly id: string;
  readonly dimensionsKnown = true;
  private readonly tokenizer: Tokenizer;
  private readonly characterNgrams: number[];
  private documentFrequencies = new Uint32Array(DF_BUCKETS);
  private docCount = 0;

  constructor(options: LocalEmbedderOptions) {
    this.dimensions = options.dimensions ?? 512;
    this.tokenizer = options.tokenizer;
    this.characterNgrams = options.characterNgrams ?? [2];
    const ngrams = this.characterNgrams.join("");
    // Non-default n-grams make another vector space, so they are part of the id.
    this.id = `${LOCAL_EMBEDDER_VERSION}:${this.dimensions}${ngrams === "2" ? "" : `:g${ngrams}`}`;
  }

  /** Features of a text: words (prefixed "w:") and CJK character n-grams ("2:", "3:"), with counts. */
  features(text: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const word of this.tokenizer(text)) {
      const key = `w:${word}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // Runs of CJK characters; n-grams never cross punctuation, digits or Latin words.
    for (const run of text.normalize("NFKC").match(cjkRuns) ?? []) {
      const characters = Array.from(run);
      for (const n of this.characterNgrams) {
        for (let i = 0; i + n <= characters.length; i++) {
          const key = `${n}:${characters.slice(i, i + n).join("")}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
    }
    return counts;
  }

  fit(texts: string[]): void {
    const frequencies = new Uint32Array(DF_BUCKETS);
    for (const text of texts) {
      for (const feature of this.features(text).keys()) frequencies[hash(feature, 0x9e3779b9) & (DF_BUCKETS - 1)]++;
    }
    this.documentFrequencies = frequencies;
    this.docCount = texts.length;
  }

  state(): unknown {
    const buffer = this.documentFrequencies;
    return {
      version: LOCAL_EMBEDDER_VERSION,
      dimensions: this.dimensions,
      docCount: this.docCount,
      documentFrequencies: Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString("base64"),
    };
  }

  load(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success || parsed.data.dimensions !== this.dimensions) {
      throw new AppError("INDEX_CORRUPT", "The local embedder state in the snapshot is unreadable or for other dimensions.", {
        hint: REBUILD_INDEX_HINT,
        cause: parsed.success ? undefined : parsed.error,
      });
    }
    const bytes = Buffer.from(parsed.data.documentFrequencies, "base64");
    if (bytes.byteLength !== DF_BUCKETS * 4) {
      throw new AppError("INDEX_CORRUPT", "The local embedder state has the wrong size.", {
        hint: REBUILD_INDEX_HINT,
      });
    }
    const frequencies = new Uint32Array(DF_BUCKETS);
    new Uint8Array(frequencies.buffer).set(bytes);
    this.documentFrequencies = frequencies;
    this.docCount = parsed.data.docCount;
  }

  clone(): LocalEmbedder {
    return new LocalEmbedder({ dimensions: this.dimensions, tokenizer: this.tokenizer, characterNgrams: this.characterNgrams });
  }

  /** Synchronous core of `embed`, as a Float32Array. */
  embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const docCount = this.docCount;
    for (const [feature, count] of this.features(text)) {
      const df = docCount > 0 ? this.documentFrequencies[hash(feature, 0x9e3779b9) & (DF_BUCKETS - 1)] : 0;
      // Smoothed IDF; before fitting every feature weighs the same. Unseen features get the
      // highest IDF, as they are the rarest.
      const idf = Math.log((1 + docCount) / (1 + df)) + 1;
      const weight = (1 + Math.log(count)) * idf;
      const slot = hash(feature, 0);
      // The top bit picks the sign, so colliding features cancel on average instead of piling up.
      vector[slot % this.dimensions] += slot & 0x80000000 ? -weight : weight;
    }
    normalise(vector);
    return vector;
  }

  async embed(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    const vectors: number[][] = [];
    for (const text of texts) {
      options.signal?.throwIfAborted();
      vectors.push(Array.from(this.embedOne(text)));
    }
    return vectors;
  }
}
