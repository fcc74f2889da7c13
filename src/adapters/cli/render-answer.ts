import type { Answer } from "../../core/types.js";

/** Plain-text rendering for terminals: the answer, then numbered sources with their quotes. */
export function renderAnswerText(answer: Answer): string {
  const lines = [answer.answer];
  if (answer.citations.length > 0) {
    lines.push("", answer.language === "en" ? "Sources:" : "来源：");
    for (const citation of answer.citations) {
      const meta = [citation.zone, citation.date].filter(Boolean).join(", ");
      lines.push(`[${citation.n}] ${citation.title}${meta ? ` (${meta})` : ""} — ${citation.source}`);
      lines.push(`    “${citation.quote}”`);
    }
  }
  if (answer.warnings.length > 0) {
    lines.push("", answer.language === "en" ? "Notes:" : "说明：");
    answer.warnings.forEach((warning) => lines.push(`- ${warning}`));
  }
  return lines.join("\n");
}
