import type { Answer, Citation, Language } from "../core/types.js";
import { measureChars, splitMessage, truncateToFit, type Measure } from "./split-message.js";

/**
 * Plain-text rendering of an Answer for platforms without rich blocks (WeChat, WeCom text).
 * Citations become footnotes "[1] title — zone, date (file)" that must fit the platform's limit,
 * so titles are shortened first and whole footnotes dropped (with a "+k more" line) last.
 */

function citationFile(citation: Pick<Citation, "source">): string {
  const parts = citation.source.split(/[\\/]/);
  return parts[parts.length - 1] || citation.source;
}

function formatPlainCitation(citation: Citation, titleLimit = Infinity): string {
  const title = titleLimit === Infinity ? citation.title : truncateToFit(citation.title, titleLimit);
  const place = [citation.zone, citation.date].filter((part) => part && part.length > 0).join(", ");
  return `[${citation.n}] ${title}${place ? ` — ${place}` : ""} (${citationFile(citation)})`;
}

export function sourcesLabel(language: Language): string {
  return language === "zh" ? "来源：" : "Sources:";
}

/**
 * Footnote lines for the answer's citations, at most `limit` in total (by `measure`), including
 * the "来源：/Sources:" header. Returns "" when there are no citations or nothing fits.
 */
export function renderPlainCitations(answer: Pick<Answer, "citations" | "language">, limit: number, measure: Measure = measureChars): string {
  if (answer.citations.length === 0) return "";
  const header = sourcesLabel(answer.language);
  const lines: string[] = [header];
  const size = (candidate: string[]) => measure(candidate.join("\n"));
  for (let index = 0; index < answer.citations.length; index++) {
    const citation = answer.citations[index];
    const remaining = answer.citations.length - index - 1;
    const more = remaining > 0 ? moreLine(remaining, answer.language) : "";
    const fits = (line: string) => size([...lines, line]) <= limit;
    const fitsWithMore = (line: string) => size([...lines, line, ...(more ? [more] : [])]) <= limit;
    const full = formatPlainCitation(citation);
    const short = formatPlainCitation(citation, 16);
    const chosen = [full, short].find((line) => fitsWithMore(line)) ?? [full, short].find((line) => fits(line) && remaining === 0);
    if (chosen === undefined) {
      const dropped = answer.citations.length - index;
      const tail = moreLine(dropped, answer.language);
      if (size([...lines, tail]) <= limit) lines.push(tail);
      break;
    }
    lines.push(chosen);
  }
  if (lines.length === 1) return "";
  return lines.join("\n");
}

function moreLine(count: number, language: Language): string {
  return language === "zh" ? `……另有 ${count} 条来源` : `… and ${count} more source${count === 1 ? "" : "s"}`;
}

/**
 * The whole answer as plain-text messages each within `limit`: the answer text split at safe
 * boundaries, the sources appended to the last message when they fit, else sent as one more message.
 */
export function renderPlainAnswer(answer: Pick<Answer, "answer" | "citations" | "language">, limit: number, measure: Measure = measureChars): string[] {
  const separator = "\n\n";
  const bodyParts = splitMessage(answer.answer, limit, measure);
  const sources = renderPlainCitations(answer, limit, measure);
  if (!sources) return bodyParts;
  const last = bodyParts[bodyParts.length - 1];
  if (last !== undefined && measure(last + separator + sources) <= limit) {
    return [...bodyParts.slice(0, -1), last + separator + sources];
  }
  return [...bodyParts, sources];
}

/**
 * An answer as an assistant or a program reads it (MCP, the LangChain tool): the answer, then each
 * source with its quote, file, offsets and passage id, with no length limit.
 */
export function renderAnswerWithSources(answer: Answer): string {
  if (answer.citations.length === 0) return answer.answer;
  const sources = answer.citations.map(
    (citation) => `[${citation.n}] ${citation.title} (${[citation.zone, citation.date].filter(Boolean).join(", ")}) — ${citation.source} @${citation.start}-${citation.end}, chunk ${citation.chunkId}\n    “${citation.quote}”`,
  );
  return `${answer.answer}\n\n${sourcesLabel(answer.language)}\n${sources.join("\n")}`;
}
