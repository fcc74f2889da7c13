import type { MetricList } from "./metrics.js";
import type { MetricDefinition, NormalizedUnit } from "./types.js";

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

/** The unit a question wants: 多少家 a count, 多少钱 an amount, 比例 a percentage. */
function askedUnits(question: string, language: "zh" | "en"): NormalizedUnit[] | undefined {
  // Two questions in one ("多少个，总投资多少？", "how many …, and what …") may want two units.
  const asks = question.match(language === "zh" ? /多少|几[个家项名次]/gu : /\bhow (?:many|much)\b|\bwhat\b|\bwhich\b/gi) ?? [];
  if (asks.length > 1) return undefined;
  if (language === "zh") {
    if (/多少(?:个|家|项|名|人|户|次|条|座|栋|批|套|台|所|款|场|届|位|件|种|类|对)|几(?:个|家|项|名|人|户|次|条|座|批|套|台|所|款|场|届|位|件|种|类|对)/u.test(question)) return ["count"];
    if (/百分之|比例|比率|[率速幅]是?多少|占比|%/u.test(question)) return ["percent"];
    if (/多少(?:钱|元|万元|亿元|资金|美元)|金额|多少亿|多少万/u.test(question)) return ["yuan", "usd"];
    return undefined;
  }
  if (/\bhow many\b/i.test(question)) return ["count"];
  if (/\bhow much\b/i.test(question)) return ["yuan", "usd", "percent", "m2", "mu", "tonne", "km", "other"];
  if (/\b(?:percentage|percent|share|rate|proportion)\b|%/i.test(question)) return ["percent"];
  return undefined;
}

export function matchMetrics(question: string, metrics: MetricList, language: "zh" | "en"): MetricMatch[] {
  const text = language === "en" ? ` ${question.toLowerCase().replace(/[^a-z0-9&\s-]/g, " ").replace(/\s+/g, " ")} ` : question;
  const found: MetricMatch[] = [];
  const units = askedUnits(question, language);
  for (const metric of metrics.metrics) {
    // A question for a count is not about a rate, whatever words it shares with one (增长到多少家).
    if (units && !metric.units.some((unit) => units.includes(unit))) continue;
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
  // "expected to complete industrial investment": a lone verb cue ("complete") names no measure of its own
  // beside a measure named in several words; it only says the measure was reported.
  if (language === "en" && kept.some((match) => match.matched.includes(" "))) {
    for (let i = kept.length - 1; i >= 0; i--) if (/^(?:complete|completed|achieve|achieved|reach|reached)$/u.test(kept[i]!.matched)) kept.splice(i, 1);
  }
  // "signed projects" says more than "projects": the narrower metric replaces the broader one.
  for (let i = kept.length - 1; i >= 0; i--) {
    if (kept.some((other) => other !== kept[i] && other.metric.key.endsWith(`_${kept[i]!.metric.key}`))) kept.splice(i, 1);
  }
  // Chinese noun phrases end in their head: in "重大项目的投资完成率" the rate is asked, not the projects.
  if (language === "zh") {
    kept.sort((a, b) => a.index - b.index);
    for (let i = kept.length - 2; i >= 0; i--) {
      const current = kept[i]!;
      const next = kept[i + 1]!;
      const gap = text.slice(current.index + current.matched.length, next.index);
      if (next.index >= current.index + current.matched.length && /^的?$/u.test(gap)) kept.splice(i, 1);
    }
  }
  return kept.sort((a, b) => a.index - b.index);
}

const englishComparative = /\b(?:more|higher|larger|bigger|greater|less|lower|fewer|smaller)\b/;

/**
 * The metric a comparison weighs, first: in English, what follows the comparative ("signed more
 * investment" weighs investment, not the projects the verb names). When that metric is a broad one
 * and another matched word narrows it (signed + investment), the narrower metric of both keys
 * (`signed_investment` from `signed_projects` and `project_investment`) is taken when the list has it.
 */
export function comparedMetrics(question: string, matches: MetricMatch[], metrics: MetricList, language: "zh" | "en"): MetricDefinition[] {
  const all = matches.map((match) => match.metric);
  if (language !== "en" || matches.length === 0) return all;
  const text = ` ${question.toLowerCase().replace(/[^a-z0-9&\s-]/g, " ").replace(/\s+/g, " ")} `;
  const at = englishComparative.exec(text)?.index;
  const compared = (at !== undefined ? matches.find((match) => match.index >= at) : undefined) ?? matches[0]!;
  const head = compared.metric.key.split("_").pop()!;
  // The narrowing word may belong to a metric the asked unit ruled out ("how much … signed" drops
  // the count of signed projects), so every metric's cues are looked for in the question.
  const named = (metric: MetricDefinition) => (metric.enCues ?? []).some((cue) => text.includes(` ${cue.toLowerCase()} `));
  const narrowed = metrics.metrics
    .filter((metric) => metric.key !== compared.metric.key && metric.key.endsWith(`_${head}`) && metric.key.split("_").length === 2)
    .find((metric) => {
      const prefix = metric.key.split("_")[0]!;
      // Another metric of that prefix with another head ("signed" of signed_projects) names the narrowing.
      return metrics.metrics.some((other) => other.key.startsWith(`${prefix}_`) && !other.key.endsWith(`_${head}`) && named(other));
    });
  const first = narrowed ?? compared.metric;
  return [first, ...all.filter((metric) => metric.key !== first.key)];
}
