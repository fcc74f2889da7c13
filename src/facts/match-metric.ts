import type { MetricList } from "./metrics.js";
import type { MetricDefinition } from "./types.js";

/**
 * Which metrics a question asks about: its Chinese words against the metric cues, its English
 * words against the English cues. Longer matches win, so 实际利用外资 picks foreign capital used and
 * not a generic 投资; a question can ask for two (签约项目 and 总投资).
 */

export interface MetricMatch {
  metric: MetricDefinition;
  /** The words of the question that named it. */
  matched: string;
  index: number;
}

export function matchMetrics(question: string, metrics: MetricList, language: "zh" | "en"): MetricMatch[] {
  const text = language === "en" ? ` ${question.toLowerCase().replace(/[^a-z0-9&\s-]/g, " ").replace(/\s+/g, " ")} ` : question;
  const found: MetricMatch[] = [];
  for (const metric of metrics.metrics) {
    const cues = language === "en" ? [...(metric.enCues ?? []), metric.en.toLowerCase()] : [...metric.cues, metric.zh];
    for (const cue of cues) {
      const needle = language === "en" ? ` ${cue.toLowerCase()} ` : cue;
      const alt = language === "en" ? ` ${cue.toLowerCase()}s ` : undefined;
      let index = text.indexOf(needle);
      if (index === -1 && alt) index = text.indexOf(alt);
      if (index === -1) continue;
      found.push({ metric, matched: cue, index });
    }
  }
  // Longest first; a metric whose words sit inside a longer match of another is dropped (投资 in 实际利用外资).
  found.sort((a, b) => b.matched.length - a.matched.length);
  const kept: MetricMatch[] = [];
  for (const match of found) {
    if (kept.some((other) => other.metric.key === match.metric.key)) continue;
    const inside = kept.some((other) => match.index >= other.index && match.index + match.matched.length <= other.index + other.matched.length + (language === "en" ? 1 : 0));
    if (!inside) kept.push(match);
  }
  // "signed projects" says more than "projects": the narrower metric replaces the broader one.
  const narrowest = kept.filter((match) => !kept.some((other) => other !== match && other.metric.key.endsWith(`_${match.metric.key}`)));
  return narrowest.sort((a, b) => a.index - b.index);
}
