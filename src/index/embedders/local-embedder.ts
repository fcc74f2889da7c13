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

  /**
   * `fit` over texts whose features were hashed once into `hashed` (a build thread segments each
   * text once for fitting, embedding and BM25): the same document frequencies.
   */
  fitHashed(hashed: HashedFeatures): void {
    const frequencies = new Uint32Array(DF_BUCKETS);
    hashed.forEachBucket((bucket) => frequencies[bucket]++);
    this.documentFrequencies = frequencies;
    this.docCount = hashed.length;
  }

  /** The features of `text` added to `hashed` (see HashedFeatures). */
  hashInto(hashed: HashedFeatures, text: string): void {
    hashed.add(this.features(text));
  }

  /** `embedOne` of the text hashed at `index` of `hashed`: the same vector, bit for bit. */
  embedHashed(hashed: HashedFeatures, index: number): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const docCount = this.docCount;
    hashed.forEachFeature(index, (bucket, slot, negative, count) => {
      const df = docCount > 0 ? this.documentFrequencies[bucket] : 0;
      const idf = Math.log((1 + docCount) / (1 + df)) + 1;
      const weight = (1 + Math.log(count)) * idf;
      vector[slot] += negative ? -weight : weight;
    });
    normalise(vector);
    return vector;
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

/**
 * The features of many texts, each hashed once, in the order `features` gives them (the order
 * embedOne adds them in): per feature its document-frequency bucket and count packed in one word,
 * and its vector slot with the sign as one 16-bit number; ~6 bytes a feature instead of a
 * segmentation per pass. Only for vectors of at most 32,767 dimensions (see `fits`).
 */
export class HashedFeatures {
  private packed = new Uint32Array(1 << 16);
  private slots = new Int16Array(1 << 16);
  private ends = new Uint32Array(1024);
  /** Counts of 16,384 or more, by feature position (their packed count is 0). */
  private readonly largeCounts = new Map<number, number>();
  private features = 0;
  private texts = 0;

  constructor(private readonly dimensions: number) {
    if (!HashedFeatures.fits(dimensions)) throw new Error(`HashedFeatures holds vector slots of at most 32,767 dimensions, not ${dimensions}`);
  }

  static fits(dimensions: number): boolean {
    return dimensions <= 32_767;
  }

  get length(): number {
    return this.texts;
  }

  add(features: Map<string, number>): void {
    if (this.features + features.size > this.packed.length) {
      const size = Math.max(this.packed.length * 2, this.features + features.size);
      const packed = new Uint32Array(size);
      packed.set(this.packed);
      this.packed = packed;
      const slots = new Int16Array(size);
      slots.set(this.slots);
      this.slots = slots;
    }
    const { dimensions } = this;
    for (const [feature, count] of features) {
      const slot = hash(feature, 0);
      const small = count < 1 << 14;
      if (!small) this.largeCounts.set(this.features, count);
      this.packed[this.features] = (hash(feature, 0x9e3779b9) & (DF_BUCKETS - 1)) | (small ? count << 18 : 0);
      // slot + 1, negated for the negative sign, so that slot 0 keeps its sign.
      this.slots[this.features] = slot & 0x80000000 ? -((slot % dimensions) + 1) : (slot % dimensions) + 1;
      this.features++;
    }
    if (this.texts === this.ends.length) {
      const ends = new Uint32Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.ends[this.texts++] = this.features;
  }

  forEachBucket(visit: (bucket: number) => void): void {
    for (let i = 0; i < this.features; i++) visit(this.packed[i]! & (DF_BUCKETS - 1));
  }

  forEachFeature(index: number, visit: (bucket: number, slot: number, negative: boolean, count: number) => void): void {
    const end = this.ends[index]!;
    for (let i = index === 0 ? 0 : this.ends[index - 1]!; i < end; i++) {
      const word = this.packed[i]!;
      const slot = this.slots[i]!;
      visit(word & (DF_BUCKETS - 1), Math.abs(slot) - 1, slot < 0, word >>> 18 || this.largeCounts.get(i)!);
    }
  }
}
