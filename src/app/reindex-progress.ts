/**
 * Where a re-index is, as one stage and an overall percentage: shown by the admin console,
 * `GET /admin/status` (lastJob.progress) and the CLI's bar, from the same events.
 * Embedding dominates a build's time, so it gets most of the bar.
 */

export type ReindexStage = "reading" | "chunking" | "embedding" | "indexing" | "gate" | "activation" | "done";

export interface ReindexProgress {
  stage: ReindexStage;
  /** 0–100 over the whole job. */
  percent: number;
  /** Items done / total within the stage (files, chunks), when the stage counts them. */
  done?: number;
  total?: number;
}

const spans: Record<ReindexStage, [number, number]> = {
  reading: [0, 5],
  chunking: [5, 10],
  embedding: [10, 75],
  indexing: [75, 80],
  gate: [80, 95],
  activation: [95, 100],
  done: [100, 100],
};

export function progressAt(stage: ReindexStage, done?: number, total?: number): ReindexProgress {
  const [from, to] = spans[stage];
  const fraction = total && total > 0 && done !== undefined ? Math.min(1, done / total) : 0;
  return {
    stage,
    percent: Math.round(from + (to - from) * fraction),
    ...(done !== undefined && total !== undefined ? { done, total } : {}),
  };
}

export type OnReindexProgress = (progress: ReindexProgress) => void;
