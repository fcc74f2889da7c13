/** Keeps the k best (highest score) candidates with a binary min-heap: O(n log k), no full sort. */
export class TopK {
  private readonly indices: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.indices = new Int32Array(Math.max(k, 1));
    this.scores = new Float64Array(Math.max(k, 1));
  }

  /** Lowest score currently kept, or -Infinity while the heap is not full. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }

  push(index: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let position = this.size++;
      while (position > 0) {
        const parent = (position - 1) >> 1;
        if (this.scores[parent] <= score) break;
        this.scores[position] = this.scores[parent];
        this.indices[position] = this.indices[parent];
        position = parent;
      }
      this.scores[position] = score;
      this.indices[position] = index;
      return;
    }
    if (score <= this.scores[0]) return;
    let position = 0;
    for (;;) {
      const left = 2 * position + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.scores[position] = this.scores[child];
      this.indices[position] = this.indices[child];
      position = child;
    }
    this.scores[position] = score;
    this.indices[position] = index;
  }

  /** Best first; ties broken by lower index so results are deterministic. */
  sorted(): { index: number; score: number }[] {
    const out: { index: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.indices[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}
