import { readFileSync } from "node:fs";
import path from "node:path";
import type { EvalResult, Verdict } from "../../src/app/evaluate.js";
import { repoRoot } from "./temp-runtime.js";

/**
 * Every eval set CI runs is held question by question against tests/eval/expected-verdicts.json
 * (written by `npm run eval:verdicts`): a question that was correct must stay correct, none may turn
 * into a wrong claim, and the set's questions must be the ones the file knows. An intended change
 * regenerates the file in the same commit.
 */

function expectedVerdicts(): Record<string, Record<string, Verdict>> {
  return JSON.parse(readFileSync(path.join(repoRoot, "tests/eval/expected-verdicts.json"), "utf8")) as Record<string, Record<string, Verdict>>;
}

export interface VerdictRegressions {
  /** Correct before, not now: `id is now missed: first line`. */
  lost: string[];
  /** Wrong now, not before. */
  newlyWrong: string[];
  /** Questions the expectation file does not know, or knows but the set no longer has. */
  unknown: string[];
}

export function verdictRegressions(set: string, results: EvalResult[], expected = expectedVerdicts()): VerdictRegressions {
  const held = expected[set] ?? {};
  const ids = new Set(results.map((result) => result.id));
  return {
    lost: results.filter((result) => held[result.id] === "correct" && result.verdict !== "correct").map((result) => `${result.id} is now ${result.verdict}: ${result.answer.split("\n")[0]}`),
    newlyWrong: results.filter((result) => result.verdict === "wrong" && held[result.id] !== "wrong").map((result) => `${result.id}: ${result.answer.split("\n")[0]}`),
    unknown: [...results.filter((result) => !(result.id in held)).map((result) => `${result.id} (not in the file)`), ...Object.keys(held).filter((id) => !ids.has(id)).map((id) => `${id} (not in the set)`)],
  };
}
