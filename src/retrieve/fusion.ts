/**
 * Weighted reciprocal-rank fusion. Ranks, not raw scores, are fused because BM25 scores and
 * cosine similarities live on different scales.
 */

export interface RankedList {
  /** Document indexes, best first. */
  ids: number[];
  weight: number;
}

export interface FusedResult {
  id: number;
  score: number;
  /** 1-based rank in each input list (undefined when absent), in input order. */
  ranks: (number | undefined)[];
}

export function reciprocalRankFusion(lists: RankedList[], k = 60): FusedResult[] {
  const fused = new Map<number, FusedResult>();
  lists.forEach((list, listIndex) => {
    list.ids.forEach((id, position) => {
      let entry = fused.get(id);
      if (!entry) {
        entry = { id, score: 0, ranks: lists.map(() => undefined) };
        fused.set(id, entry);
      }
      entry.score += list.weight / (k + position + 1);
      entry.ranks[listIndex] = position + 1;
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || a.id - b.id);
}
