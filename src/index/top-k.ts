/**
 * The k best of (index, score) pairs under the order of a full sort by score (highest first), then
 * index (lowest first): the same k, in the same order, as `sort(...).slice(0, k)`, ties included,
 * whatever order the pairs come in.
 */
export class RankedTopK {
  private readonly indices: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.indices = new Int32Array(Math.max(k, 1));
    this.scores = new Float64Array(Math.max(k, 1));
  }

  /**
   * The score an entry must beat to be kept once k are kept (-Infinity before): one that only
   * equals it is kept when its index is lower than that of the lowest-ranked entry.
   */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  /** True when entry a ranks below entry b (the heap keeps the lowest-ranked entry on top). */
  private below(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
    return scoreA < scoreB || (scoreA === scoreB && indexA > indexB);
  }

  push(index: number, score: number): void {
    if (this.k <= 0) return;
    const { scores, indices } = this;
    if (this.size < this.k) {
      let position = this.size++;
      while (position > 0) {
        const parent = (position - 1) >> 1;
        if (!this.below(score, index, scores[parent]!, indices[parent]!)) break;
        scores[position] = scores[parent]!;
        indices[position] = indices[parent]!;
        position = parent;
      }
      scores[position] = score;
      indices[position] = index;
      return;
    }
    if (!this.below(scores[0]!, indices[0]!, score, index)) return;
    let position = 0;
    for (;;) {
      const left = 2 * position + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.below(scores[right]!, indices[right]!, scores[left]!, indices[left]!) ? right : left;
      if (!this.below(scores[child]!, indices[child]!, score, index)) break;
      scores[position] = scores[child]!;
      indices[position] = indices[child]!;
      position = child;
    }
    scores[position] = score;
    indices[position] = index;
  }

  sorted(): { index: number; score: number }[] {
    const out: { index: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.indices[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}
