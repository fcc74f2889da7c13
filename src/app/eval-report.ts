import type { AnswerService } from "../core/types.js";
import { loadEvalFile, runEval, summarize, type EvalResult, type EvalSummary } from "./evaluate.js";

/** Human-readable eval report: one line per question, then the summary. */
export function formatEvalReport(results: EvalResult[], summary: EvalSummary): string {
  const lines = results.map((result) => {
    const status = result.passed ? "PASS" : result.verdict === "wrong" ? "WRONG" : result.verdict === "abstained" ? "ABST" : "FAIL";
    const why: string[] = [];
    if (!result.passed) {
      if (result.error) why.push(`error: ${result.error}`);
      else if (result.type === "negative") why.push("should have refused");
      else if (result.refused) why.push("refused");
      else {
        const groups = (list: string[][]) => list.map((group) => group.join("|")).join(", ");
        if (result.missingSources.length > 0) {
          why.push(`missing source ${result.missingSources.join(", ")} (cited ${result.citations.map((citation) => citation.source).join(", ") || "nothing"})`);
        }
        if (result.missingGroups.length > 0) why.push(`all group missing: ${groups(result.missingGroups)}`);
        if (result.missingLead.length > 0) why.push(`lead group missing from the first paragraph: ${groups(result.missingLead)}`);
      }
      if (result.forbidden.length > 0) why.push(`forbidden string shown: ${result.forbidden.join(", ")}`);
    }
    return `${status} ${result.id.padEnd(6)} [${result.lang}${result.type ? "/" + result.type : ""}] ${result.question}${why.length ? `  — ${why.join("; ")}` : ""}`;
  });
  const percent = (part: number, whole: number) => (whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(1)}%`);
  const answerable = summary.total - summary.negatives;
  lines.push(
    "",
    `Questions:        ${summary.total}`,
    `Verdicts:         ${summary.correct} correct / ${summary.abstained} abstained / ${summary.wrong} wrong / ${summary.missed} missed (of ${summary.total})`,
    `Passed:           ${summary.passed} (${percent(summary.passed, summary.total)})`,
    `Cited right:      ${summary.citedRight} (${percent(summary.citedRight, summary.total)})`,
    `Answer right:     ${summary.answerRight} (${percent(summary.answerRight, summary.total)})`,
    `Refusals:         ${summary.negativesRefused}/${summary.negatives} negatives refused; ${summary.falseRefusals}/${answerable} answerable wrongly refused`,
    `English:          ${summary.englishPassed}/${summary.english} passed`,
    `Lead:             ${summary.leadPassed}/${summary.leadQuestions} first paragraphs hold the direct answer (${percent(summary.leadPassed, summary.leadQuestions)})`,
    `Forbidden:        ${summary.noneViolations}/${summary.noneQuestions} answers show a wrong-period/zone/level string`,
  );
  return lines.join("\n");
}

export async function evaluateWithSummary(service: AnswerService, file: string): Promise<{ results: EvalResult[]; summary: EvalSummary; table: string }> {
  const results = await runEval(service, await loadEvalFile(file));
  const summary = summarize(results);
  return { results, summary, table: formatEvalReport(results, summary) };
}
