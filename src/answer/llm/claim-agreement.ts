import type { Answer } from "../../core/types.js";
import { extractFigures, isFigureGrounded } from "./figures.js";

/**
 * The model's answer checked against the claim the engine computed and verified (answer/claims):
 * the model may phrase it, but must state the verified figures and the same yes or no. A figure
 * that is in the passages but is not the verified one (another period's, another zone's) passes the
 * grounding check; it does not pass this one.
 */
export function disagreement(written: Answer, claimed: Answer): string | undefined {
  const claimLead = claimed.answer.split("\n")[0] ?? "";
  const writtenText = written.answer;
  const verdict = polarity(claimLead);
  if (verdict) {
    const said = polarity(writtenText.split("\n")[0] ?? "");
    if (said && said !== verdict) return `the model answered "${said}" where the reports give "${verdict}"`;
    if (!said) return `the model did not answer "${verdict}"`;
  }
  // The figures the claim states (without its citation markers), each in the model's answer.
  const claimed_ = extractFigures(claimLead.replace(/\[\d+\]/gu, "")).filter((figure) => figure.kind !== "date" && !(figure.kind === "number" && figure.yearLike));
  const writtenFigures = extractFigures(writtenText.replace(/\[\d+\]/gu, ""));
  const missing = claimed_.filter((figure) => !isFigureGrounded(figure, writtenFigures));
  if (missing.length > 0) return `the model's answer leaves out the verified figure ${missing.map((figure) => figure.raw).join(", ")}`;
  return undefined;
}

function polarity(lead: string): "yes" | "no" | undefined {
  if (/^\s*(?:是的|是，|是。|对，|有。)|^\s*yes\b/iu.test(lead)) return "yes";
  if (/^\s*(?:不是|没有|否|不，|未)|^\s*no\b/iu.test(lead)) return "no";
  return undefined;
}
