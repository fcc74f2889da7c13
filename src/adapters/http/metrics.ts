import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ServiceStatus } from "../../core/types.js";

/**
 * Prometheus metrics for `GET /metrics` (prom-client). Counters are fed by the HTTP server
 * (requests), the question log (answers) and the re-index manager (runs); the live snapshot is
 * read from the service when scraped.
 */
export interface Metrics {
  registry: Registry;
  observeRequest(sample: { route: string; method: string; status: number; seconds: number }): void;
  observeAnswer(sample: { platform: string; mode: string; language: string; refused: boolean; llmFallback: boolean; seconds: number }): void;
  observeReindex(sample: { state: string; seconds?: number }): void;
}

export function createMetrics(status: () => ServiceStatus): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({ name: "http_requests_total", help: "HTTP requests by route, method and status.", labelNames: ["route", "method", "status"], registers });
  const answerSeconds = new Histogram({
    name: "zone_answer_duration_seconds",
    help: "Time to answer a question, by answer mode.",
    labelNames: ["mode"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers,
  });
  const answers = new Counter({ name: "zone_answers_total", help: "Answered questions by platform, language and mode.", labelNames: ["platform", "language", "mode"], registers });
  const refusals = new Counter({ name: "zone_refusals_total", help: "Questions the corpus could not answer.", labelNames: ["language"], registers });
  const fallbacks = new Counter({ name: "zone_llm_fallbacks_total", help: "LLM answers replaced by the extractive answer.", registers });
  const reindexRuns = new Counter({ name: "zone_reindex_runs_total", help: "Re-index jobs by outcome.", labelNames: ["state"], registers });
  const reindexSeconds = new Histogram({ name: "zone_reindex_duration_seconds", help: "Re-index job duration.", buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600], registers });
  new Gauge({
    name: "zone_live_snapshot_info",
    help: "The live index snapshot (value 1, version as label).",
    labelNames: ["version"],
    registers,
    collect() {
      this.reset();
      this.set({ version: status().indexVersion }, 1);
    },
  });
  new Gauge({
    name: "zone_live_chunks",
    help: "Chunks in the live index snapshot.",
    registers,
    collect() {
      this.set(status().chunks);
    },
  });
  return {
    registry,
    observeRequest: ({ route, method, status: code, seconds: _seconds }) => requests.inc({ route, method, status: String(code) }),
    observeAnswer: (sample) => {
      answers.inc({ platform: sample.platform, language: sample.language, mode: sample.mode });
      answerSeconds.observe({ mode: sample.mode }, sample.seconds);
      if (sample.refused) refusals.inc({ language: sample.language });
      if (sample.llmFallback) fallbacks.inc();
    },
    observeReindex: ({ state, seconds }) => {
      reindexRuns.inc({ state });
      if (seconds !== undefined) reindexSeconds.observe(seconds);
    },
  };
}
