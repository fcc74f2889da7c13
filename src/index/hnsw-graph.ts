import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";

/**
 * Read-only HNSW search over an index file saved by hnswlib (hnswlib-node's `writeIndex`), in
 * place: the graph and its float vectors stay in the (memory-mapped) file, so every server
 * process reads the same physical pages instead of holding its own copy in native memory, which
 * is what hnswlib's `readIndex` does.
 *
 * The layout and the search follow hnswlib's hnswalg.h (saveIndex/loadIndex, searchKnn,
 * searchBaseLayerST) as bundled in hnswlib-node 3.0.0:
 *   header: offsetLevel0_, max_elements_, cur_element_count, size_data_per_element_,
 *           label_offset_, offsetData_ (size_t each), maxlevel_ (int32), enterpoint_node_ (uint32),
 *           maxM_, maxM0_, M_ (size_t), mult_ (double), ef_construction_ (size_t) — 96 bytes;
 *   level 0: cur_element_count × size_data_per_element_ bytes; per element a uint32 whose low
 *           16 bits are the link count (byte 2 holds the delete mark), maxM0_ uint32 neighbour
 *           ids, the float32 vector at offsetData_, the size_t label at label_offset_;
 *   upper levels: per element a uint32 byte size, then that many bytes: one list of
 *           (uint32 count + maxM_ ids) per level above 0.
 * Space "cosine" in hnswlib-node: vectors are normalised when added, distance = 1 − dot.
 */

const HEADER_BYTES = 96;

export interface KnnResult {
  labels: number[];
  /** Cosine distance (1 − dot of the normalised vectors), nearest first. */
  distances: number[];
}

function corrupt(file: string, problem: string): AppError {
  return new AppError("INDEX_CORRUPT", `The vector index ${file} cannot be read: it is damaged or not an hnswlib index (${problem}).`, { hint: REBUILD_INDEX_HINT });
}

/** Binary heap over parallel typed arrays (distance, id): no object per entry, grown by doubling. */
class Heap {
  distances: Float64Array;
  ids: Uint32Array;
  size = 0;

  /** `max`: largest distance on top (the result set); otherwise smallest (the candidate queue). */
  constructor(private readonly max: boolean, capacity = 64) {
    this.distances = new Float64Array(capacity);
    this.ids = new Uint32Array(capacity);
  }

  private above(a: number, b: number): boolean {
    return this.max ? a > b : a < b;
  }

  push(distance: number, id: number): void {
    if (this.size === this.distances.length) {
      const distances = new Float64Array(this.size * 2);
      distances.set(this.distances);
      const ids = new Uint32Array(this.size * 2);
      ids.set(this.ids);
      this.distances = distances;
      this.ids = ids;
    }
    let position = this.size++;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.above(distance, this.distances[parent])) break;
      this.distances[position] = this.distances[parent];
      this.ids[position] = this.ids[parent];
      position = parent;
    }
    this.distances[position] = distance;
    this.ids[position] = id;
  }

  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const distance = this.distances[last];
    const id = this.ids[last];
    let position = 0;
    for (;;) {
      const left = 2 * position + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.above(this.distances[right], this.distances[left]) ? right : left;
      if (!this.above(this.distances[child], distance)) break;
      this.distances[position] = this.distances[child];
      this.ids[position] = this.ids[child];
      position = child;
    }
    this.distances[position] = distance;
    this.ids[position] = id;
  }
}

export class HnswGraph {
  readonly count: number;
  private readonly words: Uint32Array;
  private readonly floats: Float32Array;
  private readonly bytes: Uint8Array;
  /** All offsets below are in 4-byte words from the start of the file. */
  private readonly elementWords: number;
  private readonly dataWord: number;
  private readonly labelWord: number;
  private readonly linksPerLevelWords: number;
  private readonly maxLevel: number;
  private readonly entryPoint: number;
  /** Where each element's upper-level link lists start (0: the element lives on level 0 only). */
  private readonly upperLinks: Uint32Array;
  private readonly deletedCount: number;
  /** Per-process scratch, reused by every query (searches are synchronous, so never shared). */
  private visited: Uint32Array;
  private visitTag = 0;
  private readonly query: Float64Array;
  /** The query's non-zero components, grouped by running sum (prepareQuery); used when `sparse`. */
  private readonly positions: Int32Array;
  private readonly groupEnds = new Int32Array(4);
  private sparse = false;
  private readonly results = new Heap(true);
  private readonly candidates = new Heap(false);

  /**
   * `buffer` must be 4-byte aligned (a mapping is page-aligned). `dimensions` and `count` come
   * from the manifest and are checked against the file, as is every neighbour id, so a search
   * never reads outside the file.
   */
  constructor(buffer: Buffer, readonly dimensions: number, expectedCount: number, file: string) {
    if (buffer.byteOffset % 8 !== 0) throw new Error("HnswGraph needs an 8-byte aligned buffer.");
    if (buffer.length < HEADER_BYTES) throw corrupt(file, `${buffer.length} bytes, shorter than the header`);
    const size = (at: number) => {
      const value = buffer.readBigUInt64LE(at);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(file, `header field at byte ${at} out of range`);
      return Number(value);
    };
    const offsetLevel0 = size(0);
    const count = size(16);
    const bytesPerElement = size(24);
    const labelOffset = size(32);
    const dataOffset = size(40);
    const maxLevel = buffer.readInt32LE(48);
    const entryPoint = buffer.readUInt32LE(52);
    const maxM = size(56);
    const maxM0 = size(64);
    if (offsetLevel0 !== 0 || dataOffset !== maxM0 * 4 + 4 || bytesPerElement !== labelOffset + 8 || labelOffset < dataOffset || labelOffset % 4 !== 0 || maxM === 0 || maxM0 > 0xffff) {
      throw corrupt(file, "inconsistent header");
    }
    const fileDimensions = (labelOffset - dataOffset) / 4;
    if (fileDimensions !== dimensions) {
      throw new AppError(
        "INDEX_DIMENSION_MISMATCH",
        `The vector index ${file} holds ${fileDimensions}-dimensional vectors; the manifest says ${dimensions}.`,
        { hint: REBUILD_INDEX_HINT },
      );
    }
    if (count !== expectedCount) throw corrupt(file, `it holds ${count} vectors; the manifest says ${expectedCount}`);
    if (count > 0 && (entryPoint >= count || maxLevel < 0 || maxLevel > 64)) throw corrupt(file, "bad entry point");
    const level0End = HEADER_BYTES + count * bytesPerElement;
    if (buffer.length < level0End + 4 * count) throw corrupt(file, "truncated");

    this.count = count;
    this.words = new Uint32Array(buffer.buffer, buffer.byteOffset, Math.floor(buffer.length / 4));
    this.floats = new Float32Array(buffer.buffer, buffer.byteOffset, this.words.length);
    this.bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    this.elementWords = bytesPerElement / 4;
    this.dataWord = dataOffset / 4;
    this.labelWord = labelOffset / 4;
    this.linksPerLevelWords = maxM + 1;
    this.maxLevel = count > 0 ? maxLevel : 0;
    this.entryPoint = entryPoint;

    // Walk the upper-level lists once: their offsets (4 bytes per element) are all this process keeps.
    this.upperLinks = new Uint32Array(count);
    const levelBytes = this.linksPerLevelWords * 4;
    let at = level0End;
    for (let id = 0; id < count; id++) {
      if (at + 4 > buffer.length) throw corrupt(file, "truncated");
      const listBytes = buffer.readUInt32LE(at);
      at += 4;
      if (listBytes === 0) continue;
      if (listBytes % levelBytes !== 0 || listBytes / levelBytes > this.maxLevel) throw corrupt(file, `bad link list size at element ${id}`);
      this.upperLinks[id] = at / 4;
      at += listBytes;
    }
    if (at !== buffer.length) throw corrupt(file, at > buffer.length ? "truncated" : "trailing bytes");

    let deleted = 0;
    for (let id = 0; id < count; id++) {
      const base = HEADER_BYTES / 4 + id * this.elementWords;
      if (this.bytes[base * 4 + 2] & 1) deleted++;
      if (this.words[base + this.labelWord + 1] !== 0) throw corrupt(file, `label out of range at element ${id}`);
      this.checkLinks(base, file, maxM0);
      const upper = this.upperLinks[id];
      if (upper !== 0) {
        const levels = this.bytesOfUpper(id) / levelBytes;
        for (let level = 0; level < levels; level++) this.checkLinks(upper + level * this.linksPerLevelWords, file, maxM);
      }
    }
    this.deletedCount = deleted;
    this.visited = new Uint32Array(count);
    this.query = new Float64Array(dimensions);
    this.positions = new Int32Array(dimensions);
  }

  private bytesOfUpper(id: number): number {
    return this.words[this.upperLinks[id] - 1];
  }

  private checkLinks(listWord: number, file: string, limit: number): void {
    const links = this.words[listWord] & 0xffff;
    if (links > limit) throw corrupt(file, "bad link count");
    for (let j = 1; j <= links; j++) if (this.words[listWord + j] >= this.count) throw corrupt(file, "neighbour id out of range");
  }

  private elementWord(id: number): number {
    return HEADER_BYTES / 4 + id * this.elementWords;
  }

  label(id: number): number {
    return this.words[this.elementWord(id) + this.labelWord];
  }

  private distance(id: number): number {
    const { floats, query, dimensions } = this;
    const start = this.elementWord(id) + this.dataWord;
    // Four running sums: independent additions the JIT can overlap (the hot loop of every search).
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    if (this.sparse) {
      // Only the query's non-zero components (see prepareQuery), each added to the sum the full
      // loop below adds it to, in the same order: the same distance to the last bit.
      const { positions, groupEnds } = this;
      let t = 0;
      for (const end = groupEnds[0]!; t < end; t++) a += query[positions[t]!]! * floats[start + positions[t]!]!;
      for (const end = groupEnds[1]!; t < end; t++) b += query[positions[t]!]! * floats[start + positions[t]!]!;
      for (const end = groupEnds[2]!; t < end; t++) c += query[positions[t]!]! * floats[start + positions[t]!]!;
      for (const end = groupEnds[3]!; t < end; t++) d += query[positions[t]!]! * floats[start + positions[t]!]!;
      return 1 - (a + b + c + d);
    }
    let i = 0;
    for (; i + 3 < dimensions; i += 4) {
      a += query[i] * floats[start + i];
      b += query[i + 1] * floats[start + i + 1];
      c += query[i + 2] * floats[start + i + 2];
      d += query[i + 3] * floats[start + i + 3];
    }
    for (; i < dimensions; i++) a += query[i] * floats[start + i];
    return 1 - (a + b + c + d);
  }

  /**
   * Normalises the query into `query` and lists its non-zero components by the running sum the
   * full loop of `distance` adds them to (i mod 4; the tail past the last multiple of 4 goes to the
   * first sum), each group in increasing order. A local-embedder question has a few dozen non-zero
   * components of 512: skipping the zero products (which leave a sum unchanged) makes a distance
   * several times cheaper. Dense queries (remote embedders) keep the full loop.
   */
  private prepareQuery(vector: ArrayLike<number>): void {
    const { dimensions } = this;
    // hnswlib-node normalises the query (as float32) before searching a cosine index.
    let norm = 0;
    for (let i = 0; i < dimensions; i++) norm += vector[i] * vector[i];
    norm = Math.sqrt(norm);
    let nonZero = 0;
    for (let i = 0; i < dimensions; i++) {
      this.query[i] = norm > 0 ? vector[i] / norm : vector[i];
      if (this.query[i] !== 0) nonZero++;
    }
    this.sparse = nonZero * 3 < dimensions;
    if (!this.sparse) return;
    const mainEnd = dimensions - (dimensions % 4);
    let t = 0;
    for (let group = 0; group < 4; group++) {
      for (let i = group; i < mainEnd; i += 4) if (this.query[i] !== 0) this.positions[t++] = i;
      if (group === 0) for (let i = mainEnd; i < dimensions; i++) if (this.query[i] !== 0) this.positions[t++] = i;
      this.groupEnds[group] = t;
    }
  }

  private isDeleted(id: number): boolean {
    return (this.bytes[this.elementWord(id) * 4 + 2] & 1) !== 0;
  }

  /** Starts a new visit generation; the marker array is cleared only when the counter wraps. */
  private nextVisitTag(): number {
    if (this.visitTag === 0xffffffff) {
      this.visited.fill(0);
      this.visitTag = 0;
    }
    return ++this.visitTag;
  }

  /**
   * hnswlib's searchKnn: greedy descent through the upper levels, then the ef-bounded best-first
   * search on level 0. Nodes the filter refuses are still expanded (they keep the graph
   * connected) but never enter the results, as in hnswlib.
   */
  searchKnn(vector: ArrayLike<number>, k: number, ef: number, filter?: (label: number) => boolean): KnnResult {
    if (this.count === 0 || k <= 0) return { labels: [], distances: [] };
    this.prepareQuery(vector);

    let current = this.entryPoint;
    let currentDistance = this.distance(current);
    for (let level = this.maxLevel; level > 0; level--) {
      let changed = true;
      while (changed) {
        changed = false;
        const upper = this.upperLinks[current];
        // An element's lists cover levels 1..its own level; the greedy path only meets elements on `level`.
        if (upper === 0) break;
        const list = upper + (level - 1) * this.linksPerLevelWords;
        const links = this.words[list] & 0xffff;
        for (let j = 1; j <= links; j++) {
          const candidate = this.words[list + j];
          const d = this.distance(candidate);
          if (d < currentDistance) {
            currentDistance = d;
            current = candidate;
            changed = true;
          }
        }
      }
    }

    this.searchBaseLayer(current, Math.max(ef, k), filter);
    const results = this.results;
    while (results.size > k) results.pop();
    const labels = new Array<number>(results.size);
    const distances = new Array<number>(results.size);
    for (let i = results.size - 1; i >= 0; i--) {
      labels[i] = this.label(results.ids[0]);
      distances[i] = results.distances[0];
      results.pop();
    }
    return { labels, distances };
  }

  private searchBaseLayer(entry: number, ef: number, filter?: (label: number) => boolean): void {
    const { results, candidates, visited, words } = this;
    results.size = 0;
    candidates.size = 0;
    const tag = this.nextVisitTag();
    const bareBone = this.deletedCount === 0 && !filter;
    const allowed = (id: number) => !this.isDeleted(id) && (!filter || filter(this.label(id)));

    let lowerBound: number;
    if (bareBone || allowed(entry)) {
      const d = this.distance(entry);
      lowerBound = d;
      results.push(d, entry);
      candidates.push(d, entry);
    } else {
      lowerBound = Number.MAX_VALUE;
      candidates.push(lowerBound, entry);
    }
    visited[entry] = tag;

    while (candidates.size > 0) {
      const candidateDistance = candidates.distances[0];
      const stop = bareBone ? candidateDistance > lowerBound : candidateDistance > lowerBound && results.size === ef;
      if (stop) break;
      const node = candidates.ids[0];
      candidates.pop();
      const list = this.elementWord(node);
      const links = words[list] & 0xffff;
      for (let j = 1; j <= links; j++) {
        const candidate = words[list + j];
        if (visited[candidate] === tag) continue;
        visited[candidate] = tag;
        const d = this.distance(candidate);
        if (results.size < ef || lowerBound > d) {
          candidates.push(d, candidate);
          if (bareBone || allowed(candidate)) results.push(d, candidate);
          while (results.size > ef) results.pop();
          if (results.size > 0) lowerBound = results.distances[0];
        }
      }
    }
  }
}
