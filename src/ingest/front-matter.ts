import type { CatalogEntry } from "../core/types.js";

/**
 * Front matter of .md/.txt files: a leading block such as
 *
 *   ---
 *   title: 绵阳高新区支持科技企业发展的若干政策
 *   date: 2024-03-01
 *   zone: 绵阳高新区
 *   publisher: 绵阳高新区管委会
 *   ---
 *
 * gives the file's metadata. The block is blanked (every character but newlines becomes a space)
 * rather than cut, so the text keeps its length and chunk offsets still point into the file.
 */

export interface FrontMatter {
  /** Metadata from the block (empty when the file has none). */
  metadata: CatalogEntry;
  /** The text with the block blanked out, same length as the input. */
  text: string;
  /** Lines of the block that could not be used (unknown keys, bad dates), for the build log. */
  problems: string[];
}

const block = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?=\n|$)/;

const keyAliases: Record<string, "title" | "date" | "zones" | "publisher" | "effective" | "expires" | "supersedes"> = {
  effective: "effective",
  生效日期: "effective",
  施行日期: "effective",
  expires: "expires",
  失效日期: "expires",
  有效期至: "expires",
  supersedes: "supersedes",
  废止: "supersedes",
  title: "title",
  标题: "title",
  date: "date",
  published: "date",
  pubdate: "date",
  日期: "date",
  发布日期: "date",
  zone: "zones",
  zones: "zones",
  园区: "zones",
  publisher: "publisher",
  source: "publisher",
  来源: "publisher",
  发布单位: "publisher",
};

function unquote(value: string): string {
  const trimmed = value.trim();
  const quoted = /^(["'])(.*)\1$/.exec(trimmed);
  return (quoted ? quoted[2] : trimmed).trim();
}

/** Splits "[a, b]", "a, b", "a、b" or "a；b" into names. */
function splitList(value: string): string[] {
  return value
    .trim()
    .replace(/^\[|\]$/g, "")
    .split(/[,，、;；]/)
    .map(unquote)
    .filter((item) => item.length > 0);
}

/**
 * Normalises a written date to ISO `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`): accepts 2024-03-01,
 * 2024/3/1, 2024.3.1, 2024年3月1日, and a trailing time or timezone ("2024-03-01T08:00:00+08:00").
 */
export function normalizeDate(value: string): string | undefined {
  const match = /^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?(?:[T\s].*)?$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day] = match;
  if (month === undefined) return year;
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) return undefined;
  const isoMonth = `${year}-${month.padStart(2, "0")}`;
  if (day === undefined) return isoMonth;
  const dayNumber = Number(day);
  if (dayNumber < 1 || dayNumber > 31) return undefined;
  return `${isoMonth}-${day.padStart(2, "0")}`;
}

export function extractFrontMatter(text: string): FrontMatter {
  const found = block.exec(text);
  if (!found) return { metadata: {}, text, problems: [] };
  const metadata: CatalogEntry = {};
  const problems: string[] = [];
  let listKey: "zones" | "supersedes" | undefined;
  let recognised = 0;
  for (const line of found[1].split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    // YAML list items under "zones:".
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (item && listKey) {
      const name = unquote(item[1]);
      if (name) (metadata[listKey] ??= []).push(name);
      continue;
    }
    listKey = undefined;
    const pair = /^\s*([^:：]+?)\s*[:：]\s*(.*)$/.exec(line);
    const key = pair ? keyAliases[pair[1].toLowerCase()] : undefined;
    if (!pair || !key) {
      problems.push(`front matter line not used: "${line.trim()}"`);
      continue;
    }
    recognised++;
    const value = pair[2];
    if (key === "zones" || key === "supersedes") {
      const names = splitList(value);
      if (names.length === 0) listKey = key;
      else metadata[key] = [...(metadata[key] ?? []), ...names];
    } else if (key === "date" || key === "effective" || key === "expires") {
      const date = normalizeDate(unquote(value));
      if (date) metadata[key] = date;
      else problems.push(`front matter ${key} "${unquote(value)}" is not a date (use YYYY-MM-DD)`);
    } else {
      const cleaned = unquote(value);
      if (cleaned) metadata[key] = cleaned;
    }
  }
  // A leading "---" rule followed by prose is not front matter.
  if (recognised === 0) return { metadata: {}, text, problems: [] };
  const blanked = found[0].replace(/[^\n]/g, " ");
  return { metadata, text: blanked + text.slice(found[0].length), problems };
}
