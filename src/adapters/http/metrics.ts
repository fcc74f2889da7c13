import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SignInGuard } from "../../admin/sign-in-guard.js";
import { AppError } from "../../core/errors.js";
import type { ServiceStatus } from "../../core/types.js";
import { bearerToken, secretMatches } from "../admin/admin-auth.js";
import type { Authorizer } from "./access.js";
import { other } from "./openapi.js";
import type { HttpPlugin } from "./plugin.js";

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

/**
 * The check behind `access: "metrics"` (GET /metrics): `Authorization: Bearer $METRICS_TOKEN`
 * (or ADMIN_TOKEN). A server with no secrets at all (a local install) serves metrics openly; one
 * with API_KEYS or ADMIN_TOKEN does not leak them. Wrong tokens count as failed admin sign-ins.
 */
export function createMetricsAuthorizer(options: {
  metricsToken?: string;
  adminToken?: string;
  /** Every admin's token (ADMIN_TOKENS and ADMIN_TOKEN). */
  adminTokens?: readonly string[];
  apiKeys: readonly string[];
  signIns?: SignInGuard;
}): Authorizer {
  const accepted = [options.metricsToken, options.adminToken, ...(options.adminTokens ?? [])].filter((token): token is string => Boolean(token));
  const open = accepted.length === 0 && options.apiKeys.length === 0;
  return async (request, reply) => {
    if (open) return;
    if (accepted.length === 0) {
      throw new AppError("FORBIDDEN", "Metrics are not served on this server.", { hint: "Set METRICS_TOKEN and send it as `Authorization: Bearer <token>`." });
    }
    const presented = bearerToken(request.headers);
    const blockedFor = presented !== undefined && options.signIns ? await options.signIns.blocked(request.ip) : undefined;
    if (presented !== undefined && accepted.some((token) => secretMatches(presented, token))) {
      if (blockedFor === undefined) return;
    } else if (presented !== undefined && options.signIns) {
      await options.signIns.failed(request.ip, "GET /metrics");
    }
    if (blockedFor !== undefined) void reply.header("retry-after", String(Math.max(1, Math.ceil(blockedFor / 1000))));
    void reply.header("www-authenticate", 'Bearer realm="metrics"');
    throw blockedFor !== undefined
      ? new AppError("RATE_LIMITED", "Too many wrong tokens from this address.", { hint: "Wait a minute." })
      : new AppError("UNAUTHORIZED", "Metrics need a token.", { hint: "Send `Authorization: Bearer <METRICS_TOKEN>`." });
  };
}

/** `GET /metrics` for Prometheus (access `metrics`: METRICS_TOKEN, see createMetricsAuthorizer). */
export function createMetricsPlugin(metrics: Metrics): HttpPlugin {
  return async function metricsRoute(scope) {
    scope.get(
      "/metrics",
      { config: { access: "metrics" }, schema: { summary: "Prometheus metrics", response: { 200: other("text/plain", "text/plain exposition format") } } },
      async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
}
