import { z } from "zod";
import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";
import { TopK } from "./top-k.js";
import type { Tokenizer } from "./tokenizer.js";

export interface ScoredIndex {
  index: number;
  score: number;
}

const K1 = 1.2;
const B = 0.75;
/** Document frequencies kept per index (terms asked by answers); cleared when full. */
const FREQUENCY_CACHE_SIZE = 50_000;
/** Snapshots written before the arrays moved to a binary file: arrays as base64 inside JSON. */
const JSON_FORMAT = "bm25-csr-v1";
/** Header in JSON, the four arrays in a separate binary file that each server process maps. */
const MAPPED_FORMAT = "bm25-csr-v2";

const serialisedSchema = z.object({
  format: z.literal(JSON_FORMAT),
  k1: z.number(),
  b: z.number(),
  docCount: z.number().int().nonnegative(),
  averageLength: z.number().nonnegative(),
  terms: z.array(z.string()),
  termOffsets: z.string(),
  postingDocs: z.string(),
  postingFrequencies: z.string(),
  docLengths: z.string(),
});

const arrayRangeSchema = z.object({ byteOffset: z.number().int().nonnegative(), byteLength: z.number().int().nonnegative() });

const headerSchema = z.object({
  format: z.literal(MAPPED_FORMAT),
  k1: z.number(),
  b: z.number(),
  docCount: z.number().int().nonnegative(),
  averageLength: z.number().nonnegative(),
  terms: z.array(z.string()),
  arrays: z.object({
    termOffsets: arrayRangeSchema,
    postingDocs: arrayRangeSchema,
    postingFrequencies: arrayRangeSchema,
    docLengths: arrayRangeSchema,
  }),
});

type ArrayName = keyof z.infer<typeof headerSchema>["arrays"];

/** The BM25 index as written into a snapshot: `header` as JSON, `data` as the binary file it describes. */
export interface SerialisedBm25 {
  header: z.infer<typeof headerSchema>;
  data: Buffer;
}

function indexCorrupt(message: string, cause?: unknown): AppError {
  return new AppError("INDEX_CORRUPT", message, { hint: REBUILD_INDEX_HINT, cause });
}

function encode(array: Uint32Array | Float32Array | Uint16Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
}

function decode<T extends Uint32Array | Float32Array | Uint16Array>(
  text: string,
  make: (buffer: ArrayBuffer, length: number) => T,
  bytesPerElement: number,
): T {
  const bytes = Buffer.from(text, "base64");
  // Copy into a fresh, aligned buffer: Buffer pools may hand out unaligned offsets.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return make(copy, bytes.byteLength / bytesPerElement);
}

/**
 * Term counts of consecutive documents, as a few flat typed arrays (a build thread sends them back
 * by transfer; Bm25Index.fromPartials joins the slices). No token list is kept per document, so a
 * build of a million chunks holds the counts, not the segmented texts.
 */
export interface Bm25Partial {
  /** This slice's terms, numbered in order of first appearance. */
  terms: string[];
  /** Distinct terms of each document. */
  docTermCounts: Uint32Array;
  /** Per document, its distinct terms (slice-local ids, in order of first appearance in it) … */
  termIds: Uint32Array;
  /** … and how often each occurs (capped at 65,535). */
  frequencies: Uint16Array;
  /** Tokens per document. */
  docLengths: Float32Array;
  totalLength: number;
}

export class Bm25Builder {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  private docTermCounts = new Uint32Array(1024);
  private postingTerms = new Uint32Array(16384);
  private postingFrequencies = new Uint16Array(16384);
  private docLengths = new Float32Array(1024);
  private docs = 0;
  private postings = 0;
  private totalLength = 0;
  private readonly counts = new Map<number, number>();

  add(tokens: readonly string[]): void {
    const counts = this.counts;
    counts.clear();
    for (const token of tokens) {
      let id = this.termIds.get(token);
      if (id === undefined) {
        id = this.terms.length;
        this.termIds.set(token, id);
        this.terms.push(token);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (this.docs === this.docLengths.length) {
      this.docLengths = grow(this.docLengths, new Float32Array(this.docs * 2));
      this.docTermCounts = grow(this.docTermCounts, new Uint32Array(this.docs * 2));
    }
    if (this.postings + counts.size > this.postingTerms.length) {
      const size = Math.max(this.postingTerms.length * 2, this.postings + counts.size);
      this.postingTerms = grow(this.postingTerms, new Uint32Array(size));
      this.postingFrequencies = grow(this.postingFrequencies, new Uint16Array(size));
    }
    for (const [id, count] of counts) {
      this.postingTerms[this.postings] = id;
      this.postingFrequencies[this.postings] = Math.min(count, 65535);
      this.postings++;
    }
    this.docTermCounts[this.docs] = counts.size;
    this.docLengths[this.docs] = tokens.length;
    this.docs++;
    this.totalLength += tokens.length;
  }

  /** The counts so far, trimmed to size (copies: the builder's arrays are larger). */
  finish(): Bm25Partial {
    return {
      terms: this.terms,
      docTermCounts: this.docTermCounts.slice(0, this.docs),
      termIds: this.postingTerms.slice(0, this.postings),
      frequencies: this.postingFrequencies.slice(0, this.postings),
      docLengths: this.docLengths.slice(0, this.docs),
      totalLength: this.totalLength,
    };
  }
}

function grow<T extends Uint32Array | Uint16Array | Float32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Okapi BM25 over an inverted index stored as compressed-sparse-row typed arrays
 * (term → slice of postingDocs/postingFrequencies). The tokenizer is injected so Chinese text
 * is segmented by jieba rather than split on whitespace.
 */
export class Bm25Index {
  private readonly termIds: Map<string, number>;
  private readonly idf: Float64Array;
  /** Scratch score buffer reused across queries: allocation-free search at 100k documents. */
  private scores: Float64Array;
  private touched: Int32Array;
  private readonly frequencies = new Map<string, number>();
  private norms?: Float64Array;

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly terms: string[],
    private readonly termOffsets: Uint32Array,
    private readonly postingDocs: Uint32Array,
    private readonly postingFrequencies: Uint16Array,
    private readonly docLengths: Float32Array,
    private readonly averageLength: number,
    readonly k1: number,
    readonly b: number,
  ) {
    this.termIds = new Map(terms.map((term, id) => [term, id]));
    const docCount = docLengths.length;
    this.idf = new Float64Array(terms.length);
    for (let id = 0; id < terms.length; id++) {
      const df = termOffsets[id + 1] - termOffsets[id];
      // The "+1" form (Lucene) keeps idf positive even for terms in most documents.
      this.idf[id] = Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
    }
    this.scores = new Float64Array(docCount);
    this.touched = new Int32Array(docCount);
  }

  get size(): number {
    return this.docLengths.length;
  }

  /** Every indexed term (for lookups by another key, such as a Chinese word's pinyin). */
  get vocabulary(): readonly string[] {
    return this.terms;
  }

  /** Is the term one word of the index (not split by the tokenizer into words the index has)? */
  hasWord(term: string): boolean {
    return this.termIds.has(term);
  }

  /** How many documents hold the term (for a term the tokenizer splits, its rarest part). */
  documentFrequency(term: string): number {
    // Asked for the same few hundred terms by every answer (evidence weights): tokenizing them was
    // a few percent of an ask. The index never changes, so a term's count is kept (bounded).
    const known = this.frequencies.get(term);
    if (known !== undefined) return known;
    const tokens = this.tokenizer(term);
    let least = tokens.length === 0 ? 0 : Infinity;
    for (const token of tokens) {
      const id = this.termIds.get(token);
      least = Math.min(least, id === undefined ? 0 : this.termOffsets[id + 1]! - this.termOffsets[id]!);
    }
    if (this.frequencies.size >= FREQUENCY_CACHE_SIZE) this.frequencies.clear();
    this.frequencies.set(term, least);
    return least;
  }

  static build(docs: string[], tokenizer: Tokenizer): Bm25Index {
    const builder = new Bm25Builder();
    for (const doc of docs) builder.add(tokenizer(doc));
    return Bm25Index.fromPartials([builder.finish()], tokenizer);
  }

  /**
   * The index of consecutive slices of the documents, each counted by a Bm25Builder (on a build
   * thread, or here), in document order. Terms are numbered in order of first appearance across
   * the slices and every posting list comes out sorted by document, so the arrays are the same
   * however the documents were sliced.
   */
  static fromPartials(partials: Bm25Partial[], tokenizer: Tokenizer): Bm25Index {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const globalIds = partials.map((partial) =>
      Uint32Array.from(partial.terms, (term) => {
        let id = termIds.get(term);
        if (id === undefined) {
          id = terms.length;
          termIds.set(term, id);
          terms.push(term);
        }
        return id;
      }),
    );
    let docCount = 0;
    let totalPostings = 0;
    let totalLength = 0;
    for (const partial of partials) {
      docCount += partial.docLengths.length;
      totalPostings += partial.termIds.length;
      totalLength += partial.totalLength;
    }
    const termOffsets = new Uint32Array(terms.length + 1);
    partials.forEach((partial, p) => {
      const ids = globalIds[p]!;
      for (let i = 0; i < partial.termIds.length; i++) termOffsets[ids[partial.termIds[i]!]! + 1]++;
    });
    for (let id = 0; id < terms.length; id++) termOffsets[id + 1] += termOffsets[id];
    const cursor = termOffsets.slice(0, terms.length);
    const postingDocs = new Uint32Array(totalPostings);
    const postingFrequencies = new Uint16Array(totalPostings);
    const docLengths = new Float32Array(docCount);
    // Documents are visited in order, so every posting list comes out sorted by document.
    let doc = 0;
    partials.forEach((partial, p) => {
      const ids = globalIds[p]!;
      docLengths.set(partial.docLengths, doc);
      let at = 0;
      for (let d = 0; d < partial.docTermCounts.length; d++, doc++) {
        const end = at + partial.docTermCounts[d]!;
        for (; at < end; at++) {
          const slot = cursor[ids[partial.termIds[at]!]!]++;
          postingDocs[slot] = doc;
          postingFrequencies[slot] = partial.frequencies[at]!;
        }
      }
    });
    const averageLength = docCount === 0 ? 0 : totalLength / docCount;
    return new Bm25Index(tokenizer, terms, termOffsets, postingDocs, postingFrequencies, docLengths, averageLength, K1, B);
  }

  /** Best documents first; `filter` excludes documents by position without touching the index. */
  search(query: string, k: number, filter?: (docIndex: number) => boolean): ScoredIndex[] {
    return this.searchTokens(this.tokenizer(query), k, filter);
  }

  searchTokens(tokens: string[], k: number, filter?: (docIndex: number) => boolean): ScoredIndex[] {
    if (k <= 0 || this.size === 0) return [];
    const queryCounts = new Map<number, number>();
    for (const token of tokens) {
      const id = this.termIds.get(token);
      if (id !== undefined) queryCounts.set(id, (queryCounts.get(id) ?? 0) + 1);
    }
    if (queryCounts.size === 0) return [];
    // Locals rather than fields in the loop (the JIT cannot keep a field's array in a register
    // across the stores into `scores`), and each document's length norm computed once per index.
    const { scores, touched, termOffsets, postingDocs, postingFrequencies } = this;
    const norms = this.lengthNorms();
    const k1Plus1 = this.k1 + 1;
    let touchedCount = 0;
    for (const [id, queryCount] of queryCounts) {
      const weight = this.idf[id] * queryCount;
      const end = termOffsets[id + 1];
      for (let p = termOffsets[id]; p < end; p++) {
        const doc = postingDocs[p];
        // A document the filter refuses is never ranked: skipping it here leaves the others' scores,
        // and the order in which they are first touched, as they were.
        if (filter && !filter(doc)) continue;
        const tf = postingFrequencies[p];
        if (scores[doc] === 0) touched[touchedCount++] = doc;
        scores[doc] += (weight * tf * k1Plus1) / (tf + norms[doc]);
      }
    }
    const top = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i];
      const score = scores[doc];
      scores[doc] = 0;
      if (score > top.threshold) top.push(doc, score);
    }
    return top.sorted();
  }

  /** k1 · (1 − b + b · length / average length) per document, computed at the first search. */
  private lengthNorms(): Float64Array {
    if (this.norms) return this.norms;
    const { k1, b, docLengths } = this;
    const lengthNorm = this.averageLength > 0 ? b / this.averageLength : 0;
    const norms = new Float64Array(docLengths.length);
    for (let doc = 0; doc < docLengths.length; doc++) norms[doc] = k1 * (1 - b + lengthNorm * docLengths[doc]);
    this.norms = norms;
    return norms;
  }

  /**
   * The header and the binary file of the snapshot. Each array starts on an 8-byte boundary, so
   * a loader can view it in place in a mapping (which starts on a page boundary).
   */
  serialise(): SerialisedBm25 {
    const arrays: Record<ArrayName, Uint32Array | Uint16Array | Float32Array> = {
      termOffsets: this.termOffsets,
      postingDocs: this.postingDocs,
      postingFrequencies: this.postingFrequencies,
      docLengths: this.docLengths,
    };
    const ranges = {} as SerialisedBm25["header"]["arrays"];
    const parts: Buffer[] = [];
    let at = 0;
    for (const [name, array] of Object.entries(arrays) as [ArrayName, Uint32Array | Uint16Array | Float32Array][]) {
      const padding = (8 - (at % 8)) % 8;
      if (padding) parts.push(Buffer.alloc(padding));
      at += padding;
      ranges[name] = { byteOffset: at, byteLength: array.byteLength };
      parts.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
      at += array.byteLength;
    }
    return {
      header: {
        format: MAPPED_FORMAT,
        k1: this.k1,
        b: this.b,
        docCount: this.size,
        averageLength: this.averageLength,
        terms: this.terms,
        arrays: ranges,
      },
      data: Buffer.concat(parts, at),
    };
  }

  /** True when `header` (bm25.json) describes arrays in a separate binary file (bm25.bin). */
  static hasBinaryArrays(header: unknown): boolean {
    return typeof header === "object" && header !== null && (header as { format?: unknown }).format === MAPPED_FORMAT;
  }

  /**
   * Views the arrays in place in `data` (a mapped bm25.bin): no copy, so server processes share
   * the postings through the page cache. Only the term map and the idf/score scratch arrays are
   * per process.
   */
  static fromMapped(header: unknown, data: Buffer, tokenizer: Tokenizer): Bm25Index {
    const parsed = headerSchema.safeParse(header);
    if (!parsed.success) throw indexCorrupt("The BM25 index header is not in the expected format.", parsed.error);
    const value = parsed.data;
    const view = <T>(name: ArrayName, bytesPerElement: number, make: (buffer: ArrayBufferLike, byteOffset: number, length: number) => T): T => {
      const { byteOffset, byteLength } = value.arrays[name];
      if (byteOffset + byteLength > data.length || byteLength % bytesPerElement !== 0 || (data.byteOffset + byteOffset) % bytesPerElement !== 0) {
        throw indexCorrupt(`The BM25 index file is inconsistent (${name} lies outside the binary file or is misaligned).`);
      }
      return make(data.buffer, data.byteOffset + byteOffset, byteLength / bytesPerElement);
    };
    return Bm25Index.checked(
      tokenizer,
      value,
      view("termOffsets", 4, (buffer, offset, n) => new Uint32Array(buffer, offset, n)),
      view("postingDocs", 4, (buffer, offset, n) => new Uint32Array(buffer, offset, n)),
      view("postingFrequencies", 2, (buffer, offset, n) => new Uint16Array(buffer, offset, n)),
      view("docLengths", 4, (buffer, offset, n) => new Float32Array(buffer, offset, n)),
    );
  }

  /** Refuses arrays whose lengths disagree, so a search never indexes past them. */
  private static checked(
    tokenizer: Tokenizer,
    value: { terms: string[]; docCount: number; averageLength: number; k1: number; b: number },
    termOffsets: Uint32Array,
    postingDocs: Uint32Array,
    postingFrequencies: Uint16Array,
    docLengths: Float32Array,
  ): Bm25Index {
    if (
      termOffsets.length !== value.terms.length + 1 ||
      docLengths.length !== value.docCount ||
      postingDocs.length !== postingFrequencies.length ||
      termOffsets[value.terms.length] !== postingDocs.length ||
      !termOffsets.every((offset, id) => id === 0 || offset >= termOffsets[id - 1])
    ) {
      throw indexCorrupt("The BM25 index file is inconsistent (array lengths disagree).");
    }
    return new Bm25Index(
      tokenizer,
      value.terms,
      termOffsets,
      postingDocs,
      postingFrequencies,
      docLengths,
      value.averageLength,
      value.k1,
      value.b,
    );
  }

  /** The older single-file form (bm25-csr-v1), kept so tests and tools can write it. */
  toJSON(): unknown {
    return {
      format: JSON_FORMAT,
      k1: this.k1,
      b: this.b,
      docCount: this.size,
      averageLength: this.averageLength,
      terms: this.terms,
      termOffsets: encode(this.termOffsets),
      postingDocs: encode(this.postingDocs),
      postingFrequencies: encode(this.postingFrequencies),
      docLengths: encode(this.docLengths),
    };
  }

  static fromJSON(data: unknown, tokenizer: Tokenizer): Bm25Index {
    const parsed = serialisedSchema.safeParse(data);
    if (!parsed.success) throw indexCorrupt("The BM25 index file is not in the expected format.", parsed.error);
    const value = parsed.data;
    const termOffsets = decode(value.termOffsets, (buffer, n) => new Uint32Array(buffer, 0, n), 4);
    const postingDocs = decode(value.postingDocs, (buffer, n) => new Uint32Array(buffer, 0, n), 4);
    const postingFrequencies = decode(value.postingFrequencies, (buffer, n) => new Uint16Array(buffer, 0, n), 2);
    const docLengths = decode(value.docLengths, (buffer, n) => new Float32Array(buffer, 0, n), 4);
    return Bm25Index.checked(tokenizer, value, termOffsets, postingDocs, postingFrequencies, docLengths);
  }
}
