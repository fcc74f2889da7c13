import type { Frame } from "./frame.js";
import { metricTerms, type FigureClaim } from "./strategies.js";

/**
 * A figure claim is said only when its cited sentence bears it out: the figure is written there,
 * the clause's words are the question's (at least one of the part's terms governs it), the clause
 * is about the asked subject (not another zone, nor the city when a zone was asked), the sentence
 * names no other period, and the figure is a result (not a plan, target, projection or threshold).
 */

export type FigureCheck = "ok" | "figure-absent" | "not-governed" | "other-subject" | "other-period" | "not-a-result" | "threshold" | "weak-evidence";

export function checkFigure(claim: FigureClaim, frame: Frame): FigureCheck {
  const { quantity, sentence } = claim;
  if (!sentence.text.includes(quantity.raw)) return "figure-absent";
  if (quantity.threshold) return "threshold";
  if (quantity.notResult && !frame.asksPlan) return "not-a-result";
  if (claim.subject < 0) return "other-subject";
  if (claim.period < 0) return "other-period";
  if (metricTerms(claim.part, frame).length > 0 && claim.local === 0) return "not-governed";
  // A sentence that shares little with the question proves little, whatever figure it has, unless
  // its measure is the question's and its article is the one the question is about.
  if (sentence.coverage < 0.3 && !(claim.local >= 0.5 && sentence.articleCoverage >= 0.5)) return "weak-evidence";
  return "ok";
}

export const verifyFigure = (frame: Frame) => (claim: FigureClaim) => checkFigure(claim, frame) === "ok";
