import type { QuestionRecord } from "../../state/question-log.js";

/** The question log as CSV (RFC 4180 quoting) for spreadsheets. */

const columns: Array<[string, (record: QuestionRecord) => string]> = [
  ["time", (record) => new Date(record.at).toISOString()],
  ["platform", (record) => record.platform],
  ["language", (record) => record.language],
  ["mode", (record) => record.mode],
  ["refused", (record) => String(record.refused)],
  ["latency_ms", (record) => String(Math.round(record.latencyMs))],
  ["feedback", (record) => record.feedback ?? ""],
  ["snapshot", (record) => record.snapshotVersion],
  ["citations", (record) => String(record.citations)],
  ["question", (record) => record.question],
  ["answer", (record) => record.answer],
  ["feedback_comment", (record) => record.feedbackComment ?? ""],
];

function cell(value: string): string {
  // A cell starting with = + - @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function questionsCsv(records: QuestionRecord[]): string {
  const lines = [columns.map(([name]) => name).join(","), ...records.map((record) => columns.map(([, get]) => cell(get(record))).join(","))];
  // A BOM lets Excel read the Chinese text as UTF-8.
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
