/**
 * Renders Chinese figures for English readers while keeping the original, so an investor can
 * check it against the quoted passage: 6836万美元 → "US$68.36 million (6836万美元)".
 */

const figurePattern =
  /(\d+(?:\.\d+)?)\s*(多|余)?\s*(万亿|亿|千万|百万|万)?\s*(美元|元|人民币|平方米|平方公里|㎡|公里|亩|吨|%|个工作日|个月|个|家|项|名|人|户|次|倍|条|对|座|栋|批|套|台|所|支|款|场|届|天)?/gu;

export interface FoundFigure {
  raw: string;
  index: number;
  english: string;
}

export function findFigures(text: string): FoundFigure[] {
  const found: FoundFigure[] = [];
  for (const match of text.matchAll(figurePattern)) {
    const [raw, digits, approx, multiplier, unit] = match;
    // A bare number (a year, a date, an ordinal) is context, not the figure asked for.
    if (!multiplier && !unit) continue;
    found.push({ raw: raw.trim(), index: match.index ?? 0, english: toEnglish(Number(digits), approx, multiplier, unit, raw.trim()) });
  }
  return found;
}

const scale: Record<string, number> = { 万亿: 1e12, 亿: 1e8, 千万: 1e7, 百万: 1e6, 万: 1e4 };
const units: Record<string, string> = {
  元: "yuan",
  人民币: "yuan",
  平方米: "square metres",
  "㎡": "square metres",
  平方公里: "square km",
  亩: "mu",
  个: "",
  家: "companies",
  项: "items",
  名: "people",
  人: "people",
  户: "households",
  次: "times",
  倍: "times",
  条: "items",
  对: "pairs",
  座: "",
  栋: "buildings",
  批: "batches",
  套: "sets",
  台: "units",
  所: "",
  支: "",
  款: "products",
  场: "events",
  届: "editions",
  天: "days",
  个工作日: "working days",
  个月: "months",
  公里: "km",
  吨: "tonnes",
};

function toEnglish(value: number, approx: string | undefined, multiplier: string | undefined, unit: string | undefined, raw: string): string {
  const more = approx ? "more than " : "";
  if (unit === "%") return `${more}${value}%`;
  const absolute = multiplier ? value * scale[multiplier]! : value;
  const amount = humanize(absolute);
  if (unit === "美元") return `${more}US$${amount} (${raw})`;
  const word = unit ? units[unit] ?? "" : "";
  const text = `${more}${amount}${word ? " " + word : ""}`;
  return multiplier || unit === "元" ? `${text} (${raw})` : text;
}

function humanize(value: number): string {
  const round = (number: number) => String(Number(number.toFixed(4)));
  if (value >= 1e9) return `${round(value / 1e9)} billion`;
  if (value >= 1e6) return `${round(value / 1e6)} million`;
  if (value >= 1e4 && Number.isInteger(value)) return value.toLocaleString("en-US");
  return round(value);
}
