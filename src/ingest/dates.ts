/**
 * Report dates and relative dates. A report says "今年上半年" meaning the year it was published, so
 * the indexed text gets the absolute period added ("今年上半年〔2023年上半年〕") and a question that
 * names 2023 still finds it. The cited text itself is never changed.
 */

const fullDate = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/;

function pad(value: string): string {
  return value.padStart(2, "0");
}

/**
 * The report date of a file: a line holding only a date ("2020年5月14日", optionally with a weekday)
 * among the first lines, as in newspaper page headers, or a policy text's issuing line
 * ("（2024年3月15日 XX管委会印发）"). Returns ISO `YYYY-MM-DD`.
 */
export function detectReportDate(raw: string, headerLines = 40): string | undefined {
  const lines = raw.split(/\r?\n/).filter((line) => line.trim() !== "").slice(0, headerLines);
  // Web reports put a source line under the title: "2022-05-08 内蒙古日报", "2023/2/7 来源：广西日报".
  for (const line of lines.slice(0, 4)) {
    const source = /^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?=$|[\s(（\u4e00-\u9fa5])/u.exec(line);
    if (!source || line.trim().length > 80) continue;
    const [, year, month, day] = source;
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) continue;
    return `${year}-${pad(month!)}-${pad(day!)}`;
  }
  // A source line with year and month ("2023-11（页面未载日期…）").
  for (const line of lines.slice(1, 3)) {
    const month = /^\s*((?:19|20)\d{2})[-/.年](\d{1,2})月?\s*(?:[(（]|$)/u.exec(line);
    if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12 && line.trim().length <= 80) return `${month[1]}-${pad(month[2]!)}`;
  }
  // A source line with the year alone ("2024年（页面未载日期…）"): the year is still the report's.
  for (const line of lines.slice(1, 3)) {
    const yearOnly = /^\s*((?:19|20)\d{2})年?\s*(?:[(（]|$)/u.exec(line);
    if (yearOnly && line.trim().length <= 80) return yearOnly[1];
  }
  for (const line of lines) {
    const trimmed = line.trim();
    const match = fullDate.exec(trimmed);
    if (!match) continue;
    const rest = trimmed.replace(match[0], "").replace(/星期[一二三四五六日天]|周[一二三四五六日天]|[\s,，()（）]/g, "");
    const dateOnly = rest === "" && trimmed.length <= 24;
    // Policy texts end their header with an issuing line: "（2024年3月15日 绵阳高新区管委会印发）".
    const issuingLine = trimmed.length <= 60 && /(?:印发|发布|公布)[)）]?$/.test(trimmed);
    if (!dateOnly && !issuingLine) continue;
    const [, year, month, day] = match;
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) continue;
    return `${year}-${pad(month)}-${pad(day)}`;
  }
  return undefined;
}

/** Year of an ISO-like date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`). */
export function yearOf(date: string | undefined): number | undefined {
  const match = /^(\d{4})/.exec(date ?? "");
  return match ? Number(match[1]) : undefined;
}

const relativeYears: Record<string, number> = { 前年: -2, 去年: -1, 今年: 0, 本年: 0, 明年: 1 };

// The period after the relative year is carried into the annotation: 今年5月24-26日 → 〔2023年5月24-26日〕.
const relativePattern =
  /(前年|去年|今年|本年|明年)(上半年|下半年|前三季度|[一二三四]季度|第[一二三四]季度|年初|年底|年末|同期|\d{1,2}(?:-\d{1,2})?月(?:份)?(?:\d{1,2}(?:-\d{1,2})?日)?)?(?!〔)/g;

/**
 * Annotated copy of `text` for indexing. When the report date is unknown, the text is returned
 * unchanged (guessing a year would put wrong figures under a period).
 */
export function resolveRelativeDates(text: string, reportDate: string | undefined): string {
  const year = yearOf(reportDate);
  if (year === undefined) return text;
  return text.replace(relativePattern, (whole: string, relative: string, period: string | undefined) => {
    const absolute = `${year + relativeYears[relative]}年${period ?? ""}`;
    return `${whole}〔${absolute}〕`;
  });
}
