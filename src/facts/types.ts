/**
 * Figures as facts: who (zone and level), when (a resolved period), what (a metric of the
 * admin-editable metric list), how much (value, unit, normalised value, qualifier) and where it is
 * said (the sentence, its chunk and offsets). Extracted at index time, stored in the snapshot
 * (facts.sqlite) and looked up when answering. These shapes are shared with the policy-rule work:
 * extend them with optional fields only.
 */

export type ZoneLevel = "zone" | "city" | "county" | "province";

export type PeriodKind = "year" | "half" | "quarter" | "months" | "month" | "day" | "plan" | "since" | "range" | "to-date";

export interface Period {
  kind: PeriodKind;
  /** First month covered, `YYYY-MM`; the year part is `????` when a question names no year ("上半年"). */
  from: string;
  /** Last month covered, `YYYY-MM` (inclusive). */
  to: string;
  /** Chinese label, e.g. 2023年1-6月, “十三五”期间 (2016–2020). */
  zh: string;
  /** English label, e.g. January–June 2023, 2016–2020 (13th Five-Year Plan). */
  en: string;
  /** True for a question period without a year ("上半年"): any year matches, the latest is preferred. */
  yearless?: boolean;
  /** For a day: `YYYY-MM-DD`. */
  day?: string;
}

export type NormalizedUnit = "yuan" | "usd" | "percent" | "m2" | "mu" | "count" | "tonne" | "km" | "other";

export interface FigureValue {
  /** The figure as written, e.g. 150.8亿元, 6836万美元, 97.5%. */
  raw: string;
  /** The number as written, before the multiplier (150.8). */
  value: number;
  /** The unit as written, multiplier included (亿元, 万美元, %, 个). */
  unit: string;
  /** The value in `normalizedUnit` (15080000000 yuan). */
  normalized: number;
  normalizedUnit: NormalizedUnit;
  /** 多/余 after the number ("10多名") means "more than". */
  approximate?: boolean;
  /** Offsets of `raw` inside the sentence. */
  start: number;
  end: number;
}

export interface Fact extends FigureValue {
  /** `${chunkId}/${sentence index}/${figure index}`, stable for one snapshot. */
  id: string;
  /** Canonical zone or place name, e.g. 衡阳高新区, 安康 (the city). */
  zone: string;
  /** The place part (衡阳). */
  place: string;
  level: ZoneLevel;
  /** The resolved period, when the text (or the report date) gives one. */
  period?: Period;
  /** Key from the metric list (signed_projects …), or `other` when no metric's cue is near. */
  metric: string;
  /** The words right before (or after) the figure that name what it counts, e.g. 投资总额. */
  label: string;
  /** 超/近/不低于/累计/同比/最高/以上 … said of the figure. */
  qualifier?: string;
  /** A subset the figure is about ("2亿元以上项目"), so it is not taken for the total. */
  scope?: string;
  /** The figure was said about one event (a signing ceremony on a given day), not a period total. */
  event?: boolean;
  sentence: string;
  source: string;
  chunkId: string;
  articleId: string;
  /** Report date of the article (ISO), for "the latest" and coverage. */
  date?: string;
  /** Offsets [start, end) of the sentence in the original file text. */
  sentenceStart: number;
  sentenceEnd: number;
}

export interface MetricDefinition {
  key: string;
  zh: string;
  en: string;
  /** Words that name the metric in a report sentence, near its figure. */
  cues: string[];
  /** The metric applies only when the sentence also holds one of these (签约 for signed investment). */
  requires?: string[];
  /** English words a question uses for it. */
  enCues?: string[];
  /** Which normalised units the metric's figures have. */
  units: NormalizedUnit[];
}
