import { readFile } from "node:fs/promises";
import { z } from "zod";
import { AppError } from "../core/errors.js";
import type { MetricDefinition } from "./types.js";

/**
 * The metric list (CORPUS_DIR/metrics.json), kept as data beside glossary.json so admins can add a
 * metric or a cue: validated when read, live with the next re-index (facts are extracted then).
 */

export const METRICS_FILE = "metrics.json";

const unitSchema = z.enum(["yuan", "usd", "percent", "m2", "mu", "count", "tonne", "km", "other"]);
const metricSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, "keys are snake_case ASCII, e.g. signed_projects"),
  zh: z.string().min(1),
  en: z.string().min(1),
  cues: z.array(z.string().min(1)).min(1),
  requires: z.array(z.string().min(1)).optional(),
  enCues: z.array(z.string().min(1)).optional(),
  units: z.array(unitSchema).min(1),
});
const metricsFileSchema = z.object({ about: z.string().optional(), metrics: z.array(metricSchema) }).superRefine((file, context) => {
  const seen = new Set<string>();
  file.metrics.forEach((metric, index) => {
    if (seen.has(metric.key)) context.addIssue({ code: z.ZodIssueCode.custom, path: ["metrics", index, "key"], message: `duplicate key ${metric.key}` });
    seen.add(metric.key);
  });
});

export interface MetricList {
  metrics: MetricDefinition[];
  byKey(key: string): MetricDefinition | undefined;
}

export function createMetricList(metrics: MetricDefinition[]): MetricList {
  const index = new Map(metrics.map((metric) => [metric.key, metric]));
  return { metrics, byKey: (key) => index.get(key) };
}

export function parseMetricList(json: unknown, origin = METRICS_FILE): MetricList {
  const result = metricsFileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError("CONFIG_INVALID", `The metric list ${origin} has a wrong shape: ${issue.path.join(".")} ${issue.message}.`, {
      hint: 'Each metric needs "key" (snake_case), "zh", "en", "cues" (Chinese words) and "units" (yuan, usd, percent, m2, mu, count, tonne, km, other); see README, section Figures as facts.',
    });
  }
  return createMetricList(result.data.metrics);
}

/** A corpus without metrics.json still gets facts, all under `other`. */
export async function loadMetricList(file: string): Promise<MetricList> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return createMetricList([]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError("CONFIG_INVALID", `The metric list ${file} is not valid JSON.`, {
      hint: "Fix the JSON syntax (see README, section Figures as facts); the previous index stays in use.",
      cause: error,
    });
  }
  return parseMetricList(parsed, file);
}
