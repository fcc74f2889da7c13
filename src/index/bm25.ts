import { z } from "zod";
import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";
import { RankedTopK } from "./top-k.js";
import type { Tokenizer } from "./tokenizer.js";

export interface ScoredIndex {
  index: number;
  score: number;
}

/**
 * Which documents a search may return: a function of the position, or a mask with a byte per
 * document, 1 for those allowed (read in the loops themselves, without a call per posting).
 */
export type DocumentFilter = ((docIndex: number) => boolean) | Uint8Array;

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
    /** Each term's largest tf part (see Bm25Index.termBound); files written before it have none. */
    termBounds: arrayRangeSchema.optional(),
  }),
});

type ArrayName = keyof z.infer<typeof headerSchema>["arrays"];

/** Up to this many postings in all, a question's terms are scored term by term (no pruning to gain). */
const TERM_AT_A_TIME_POSTINGS = 20_000;
/** Bounds are rounded up by this factor: scores are sums in another order, a few ulps apart. */
const BOUND_MARGIN = 1 + 1e-9;
const NO_DOC = 0xffffffff;

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
  /** Per term, its bound (NaN until known); see termBound. */
  private readonly termBounds: Float64Array;

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
    termBounds?: Float64Array,
  ) {
    this.termIds = new Map(terms.map((term, id) => [term, id]));
    this.termBounds = termBounds ?? new Float64Array(terms.length).fill(Number.NaN);
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
    const index = new Bm25Index(tokenizer, terms, termOffsets, postingDocs, postingFrequencies, docLengths, averageLength, K1, B);
    // Every term's bound now, so that bm25.bin carries them and a server never scans a list for one.
    for (let id = 0; id < terms.length; id++) index.termBound(id);
    return index;
  }

  /** Best documents first; `filter` excludes documents by position without touching the index. */
  search(query: string, k: number, filter?: DocumentFilter): ScoredIndex[] {
    return this.searchTokens(this.tokenizer(query), k, filter);
  }

  /**
   * The k best documents by score, ties broken by the lower position: the first k of every
   * matching document sorted that way, whichever of the two loops below runs. Short posting lists
   * are scored term by term; longer ones document by document with MaxScore pruning (Turtle &
   * Flood): once k documents are kept, a term whose best possible contribution (its idf times the
   * largest tf part any of its documents reaches, `termBounds`) cannot lift a document past the
   * k-th score on its own only confirms documents the other terms bring, by skipping ahead in its
   * list, and a document is dropped as soon as what it has plus what its remaining terms could
   * add stays at or below that score. A kept document's score is added up term by term in the
   * question's order, as the term-by-term loop adds it, so both give the same scores bit for bit.
   */
  searchTokens(tokens: string[], k: number, filter?: DocumentFilter): ScoredIndex[] {
    if (k <= 0 || this.size === 0) return [];
    const queryCounts = new Map<number, number>();
    for (const token of tokens) {
      const id = this.termIds.get(token);
      if (id !== undefined) queryCounts.set(id, (queryCounts.get(id) ?? 0) + 1);
    }
    if (queryCounts.size === 0) return [];
    const ids = [...queryCounts.keys()];
    const weights = ids.map((id) => this.idf[id]! * queryCounts.get(id)!);
    let postings = 0;
    for (const id of ids) postings += this.termOffsets[id + 1]! - this.termOffsets[id]!;
    return postings <= TERM_AT_A_TIME_POSTINGS ? this.scoreTermAtATime(ids, weights, k, filter) : this.scoreMaxScore(ids, weights, k, filter);
  }

  /** Every posting of every term added into a score per document, then the k best kept. */
  private scoreTermAtATime(ids: number[], weights: number[], k: number, filter?: DocumentFilter): ScoredIndex[] {
    // Locals rather than fields in the loop (the JIT cannot keep a field's array in a register
    // across the stores into `scores`), and each document's length norm computed once per index.
    const { scores, touched, termOffsets, postingDocs, postingFrequencies } = this;
    const norms = this.lengthNorms();
    const k1Plus1 = this.k1 + 1;
    const mask = filter instanceof Uint8Array ? filter : undefined;
    const test = typeof filter === "function" ? filter : undefined;
    let touchedCount = 0;
    for (let t = 0; t < ids.length; t++) {
      const id = ids[t]!;
      const weight = weights[t]!;
      const end = termOffsets[id + 1];
      for (let p = termOffsets[id]; p < end; p++) {
        const doc = postingDocs[p];
        // A document the filter refuses is never ranked: skipping it here leaves the others' scores as they were.
        if (mask ? mask[doc] !== 1 : test && !test(doc)) continue;
        const tf = postingFrequencies[p];
        if (scores[doc] === 0) touched[touchedCount++] = doc;
        scores[doc] += (weight * tf * k1Plus1) / (tf + norms[doc]);
      }
    }
    const top = new RankedTopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i];
      const score = scores[doc];
      scores[doc] = 0;
      if (score >= top.threshold) top.push(doc, score);
    }
    return top.sorted();
  }

  /**
   * Document at a time over the terms' posting lists, with MaxScore pruning (see searchTokens).
   * The lists that bring candidates skip the documents the filter refuses in a tight loop of their
   * own, so only allowed documents are merged and scored.
   */
  private scoreMaxScore(ids: number[], weights: number[], k: number, filter?: DocumentFilter): ScoredIndex[] {
    const { termOffsets, postingDocs, postingFrequencies } = this;
    const norms = this.lengthNorms();
    const k1Plus1 = this.k1 + 1;
    const n = ids.length;
    const mask = filter instanceof Uint8Array ? filter : undefined;
    const test = typeof filter === "function" ? filter : undefined;
    // The terms by bound, smallest first (s = 0 … n-1), with their position in the question (term).
    const bound = (t: number) => weights[t]! * this.termBound(ids[t]!) * BOUND_MARGIN; // rounded up: compared with sums added in another order
    const byBound = Array.from({ length: n }, (_, t) => ({ t, bound: bound(t) })).sort((a, b) => a.bound - b.bound || a.t - b.t);
    const term = Int32Array.from(byBound, (entry) => entry.t);
    const weight = Float64Array.from(byBound, (entry) => weights[entry.t]!);
    const cursor = Int32Array.from(byBound, (entry) => termOffsets[ids[entry.t]!]!);
    const ends = Int32Array.from(byBound, (entry) => termOffsets[ids[entry.t]! + 1]!);
    // below[s]: what the terms 0 … s can add at most together.
    const below = new Float64Array(n);
    for (let s = 0, sum = 0; s < n; s++) below[s] = sum += byBound[s]!.bound;
    // The next allowed posting at or after `from` in list s.
    const allowedFrom = (s: number, from: number): number => {
      const end = ends[s]!;
      let at = from;
      if (mask) while (at < end && mask[postingDocs[at]!] !== 1) at++;
      else if (test) while (at < end && !test(postingDocs[at]!)) at++;
      return at;
    };
    for (let s = 0; s < n; s++) cursor[s] = allowedFrom(s, cursor[s]!);
    // Terms essential … n-1 bring the candidates; 0 … essential-1 cannot lift a document past the k-th score alone.
    let essential = 0;
    const contributions = new Float64Array(n);
    const matched = new Int32Array(n);
    const top = new RankedTopK(k);
    let threshold = -Infinity;
    let doc = NO_DOC;
    for (let s = 0; s < n; s++) if (cursor[s]! < ends[s]! && postingDocs[cursor[s]!]! < doc) doc = postingDocs[cursor[s]!]!;
    while (doc !== NO_DOC) {
      // The essential terms at this document, each moved on to its next allowed posting, and the next candidate.
      let partial = 0;
      let count = 0;
      let next = NO_DOC;
      for (let s = essential; s < n; s++) {
        let at = cursor[s]!;
        if (at < ends[s]! && postingDocs[at] === doc) {
          const tf = postingFrequencies[at]!;
          const contribution = (weight[s]! * tf * k1Plus1) / (tf + norms[doc]!);
          contributions[term[s]!] = contribution;
          matched[count++] = term[s]!;
          partial += contribution;
          at = allowedFrom(s, at + 1);
          cursor[s] = at;
        }
        if (at < ends[s]! && postingDocs[at]! < next) next = postingDocs[at]!;
      }
      // The other terms from the largest bound down, while the document can still pass the k-th score.
      // (Each adds its posting as the loop above does, written out again on purpose: a shared helper measured
      // about 10 % slower in ask p50 at 100k chunks, `npm run bench -- --chunks 100000`, three runs each.)
      let kept = true;
      for (let s = essential - 1; s >= 0; s--) {
        if (partial + below[s]! <= threshold) {
          kept = false;
          break;
        }
        const at = seek(postingDocs, cursor[s]!, ends[s]!, doc);
        cursor[s] = at;
        if (at < ends[s]! && postingDocs[at] === doc) {
          const tf = postingFrequencies[at]!;
          const contribution = (weight[s]! * tf * k1Plus1) / (tf + norms[doc]!);
          contributions[term[s]!] = contribution;
          matched[count++] = term[s]!;
          partial += contribution;
        }
      }
      if (kept) {
        // In the question's order, as scoreTermAtATime adds them.
        if (count > 1) sortSmall(matched, count);
        let score = 0;
        for (let i = 0; i < count; i++) score += contributions[matched[i]!]!;
        if (score > threshold) {
          top.push(doc, score);
          if (top.threshold > threshold) {
            threshold = top.threshold;
            while (essential < n && below[essential]! <= threshold) essential++;
            // A term that left the essential ones no longer brings candidates: the next one comes from the others.
            next = NO_DOC;
            for (let s = essential; s < n; s++) if (cursor[s]! < ends[s]! && postingDocs[cursor[s]!]! < next) next = postingDocs[cursor[s]!]!;
          }
        }
      }
      doc = next;
    }
    return top.sorted();
  }

  /**
   * The largest tf part, tf·(k1 + 1) / (tf + norm), any document of the term reaches: times the
   * term's weight, the most it adds to a score. Written by the build (bm25.bin); for an index
   * read from an older file, computed at a term's first search and kept.
   */
  private termBound(id: number): number {
    const known = this.termBounds[id]!;
    if (!Number.isNaN(known)) return known;
    const bound = listBound(this.termOffsets[id]!, this.termOffsets[id + 1]!, this.postingDocs, this.postingFrequencies, this.lengthNorms(), this.k1);
    this.termBounds[id] = bound;
    return bound;
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
    for (let id = 0; id < this.terms.length; id++) this.termBound(id);
    const arrays: Record<ArrayName, Uint32Array | Uint16Array | Float32Array | Float64Array> = {
      termOffsets: this.termOffsets,
      postingDocs: this.postingDocs,
      postingFrequencies: this.postingFrequencies,
      docLengths: this.docLengths,
      termBounds: this.termBounds,
    };
    const ranges = {} as SerialisedBm25["header"]["arrays"];
    const parts: Buffer[] = [];
    let at = 0;
    for (const [name, array] of Object.entries(arrays) as [ArrayName, Uint32Array | Uint16Array | Float32Array | Float64Array][]) {
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
      const { byteOffset, byteLength } = value.arrays[name]!;
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
      value.arrays.termBounds ? view("termBounds", 8, (buffer, offset, n) => new Float64Array(buffer, offset, n)) : undefined,
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
    termBounds?: Float64Array,
  ): Bm25Index {
    if (
      termOffsets.length !== value.terms.length + 1 ||
      (termBounds !== undefined && termBounds.length !== value.terms.length) ||
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
      termBounds,
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

/** The largest tf·(k1 + 1) / (tf + norm) of the postings [start, end). */
function listBound(start: number, end: number, docs: Uint32Array, frequencies: Uint16Array, norms: Float64Array, k1: number): number {
  const k1Plus1 = k1 + 1;
  let bound = 0;
  for (let p = start; p < end; p++) {
    const tf = frequencies[p]!;
    const part = (tf * k1Plus1) / (tf + norms[docs[p]!]!);
    if (part > bound) bound = part;
  }
  return bound;
}

/** The first position in [from, end) whose document is at least `doc` (end when none): gallop, then halve. */
function seek(docs: Uint32Array, from: number, end: number, doc: number): number {
  if (from >= end || docs[from]! >= doc) return from;
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < end && docs[high]! < doc) {
    low = high;
    step *= 2;
    high = from + step;
  }
  if (high > end) high = end;
  // docs[low] < doc, and docs[high] >= doc or high = end.
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (docs[middle]! < doc) low = middle;
    else high = middle;
  }
  return high;
}

/** Sorts the first `count` entries of `values` ascending (a handful: insertion sort). */
function sortSmall(values: Int32Array, count: number): void {
  for (let i = 1; i < count; i++) {
    const value = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > value) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = value;
  }
}
