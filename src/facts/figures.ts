import type { FigureValue, NormalizedUnit } from "./types.js";

/**
 * Figures with their units, as numbers an answer can compare: 150.8亿元 → 15 080 000 000 yuan,
 * 6836万美元 → 68 360 000 US$, 97.5% → 97.5 percent, 150万平方米 → 1 500 000 m².
 * A bare number (a year, a date, an ordinal) is not a figure.
 */

const figurePattern =
  /(\d+(?:,\d{3})*(?:\.\d+)?)\s*(多|余)?\s*(万亿|亿|千万|百万|万|千)?\s*(美元|元|人民币|平方米|平方公里|㎡|万㎡|公里|亩|吨|%|％|个工作日|个|家|项|名|人|户|次|倍|条|座|栋|批|套|台|所|款|场|届|天|位|件|种|类|年)?(多|余)?/gu;

const scale: Record<string, number> = { 万亿: 1e12, 亿: 1e8, 千万: 1e7, 百万: 1e6, 万: 1e4, 千: 1e3 };

const countUnits = new Set(["个", "家", "项", "名", "人", "户", "次", "条", "座", "栋", "批", "套", "台", "所", "款", "场", "届", "位", "件", "种", "类"]);

function normalizedUnitOf(unit: string | undefined): NormalizedUnit {
  if (!unit) return "count";
  if (unit === "美元") return "usd";
  if (unit === "元" || unit === "人民币") return "yuan";
  if (unit === "%" || unit === "％") return "percent";
  if (unit === "平方米" || unit === "㎡" || unit === "平方公里") return "m2";
  if (unit === "亩") return "mu";
  if (unit === "吨") return "tonne";
  if (unit === "公里") return "km";
  if (countUnits.has(unit)) return "count";
  return "other";
}

export function findFigureValues(text: string): FigureValue[] {
  const found: FigureValue[] = [];
  for (const match of text.matchAll(figurePattern)) {
    const [matched, digits, approxBefore, multiplier, matchedUnit, approxAfter] = match;
    // "5000万项目": 项 there begins 项目, it is not the unit.
    const unitIsWord = matchedUnit !== undefined && /^[项个]目|^人民|^次[性]|^家[庭]/u.test(text.slice((match.index ?? 0) + matched.length - matchedUnit.length - (approxAfter?.length ?? 0)));
    const unit = unitIsWord ? undefined : matchedUnit;
    const whole = unitIsWord ? matched.slice(0, matched.length - matchedUnit.length - (approxAfter?.length ?? 0)) : matched;
    // A bare number, a year (2023年) or a span of days/years is context, not a figure.
    if (!multiplier && !unit) continue;
    if (unit === "年") continue;
    const index = match.index ?? 0;
    const before = text.slice(Math.max(0, index - 1), index);
    // Part of a date or a range ("1-6月", "5月24-26日", "第3"), or of a larger token (ABC123).
    if (/[-—–~\dA-Za-z.]/.test(before)) continue;
    if (/^[月日号]/.test(text.slice(index + whole.length))) continue;
    const value = Number(digits!.replace(/,/g, ""));
    if (!Number.isFinite(value)) continue;
    const raw = whole.trim();
    const normalizedUnit = normalizedUnitOf(unit);
    let normalized = value * (multiplier ? scale[multiplier]! : 1);
    if (unit === "平方公里") normalized *= 1e6;
    // 150.8 × 1e8 is 15080000000.000002 in floating point: keep the digits that were written.
    normalized = Number(normalized.toPrecision(12));
    found.push({
      raw,
      value,
      unit: `${multiplier ?? ""}${unit ?? ""}`,
      normalized,
      normalizedUnit,
      ...(approxBefore || approxAfter ? { approximate: true } : {}),
      start: index,
      end: index + raw.length,
    });
  }
  return found;
}


/** English rendering with the original kept for checking: "RMB 15.08 billion (150.8亿元)". */
export function figureInEnglish(figure: Pick<FigureValue, "raw" | "normalized" | "normalizedUnit" | "approximate" | "unit">): string {
  const more = figure.approximate ? "more than " : "";
  const amount = humanize(figure.normalized);
  switch (figure.normalizedUnit) {
    case "percent":
      return `${more}${figure.normalized}%`;
    case "yuan":
      return `${more}RMB ${amount} (${figure.raw})`;
    case "usd":
      return `${more}US$${amount} (${figure.raw})`;
    case "m2":
      return `${more}${amount} m² (${figure.raw})`;
    case "mu":
      return `${more}${amount} mu (${figure.raw})`;
    case "tonne":
      return `${more}${amount} tonnes (${figure.raw})`;
    case "km":
      return `${more}${amount} km (${figure.raw})`;
    default:
      // The Chinese figure stays beside the number so it can be checked against the quote (15 (15个)).
      return figure.raw && figure.raw !== amount ? `${more}${amount} (${figure.raw})` : `${more}${amount}`;
  }
}

export function humanize(value: number): string {
  const round = (number: number) => String(Number(number.toFixed(3)));
  if (Math.abs(value) >= 1e9) return `${round(value / 1e9)} billion`;
  if (Math.abs(value) >= 1e6) return `${round(value / 1e6)} million`;
  if (Math.abs(value) >= 1e4 && Number.isInteger(value)) return value.toLocaleString("en-US");
  return round(value);
}
