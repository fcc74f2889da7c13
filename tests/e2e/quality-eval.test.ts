import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEvalReport } from "../../src/app/eval-report.js";
import { loadEvalFile, runEval, summarize, type EvalResult } from "../../src/app/evaluate.js";
import { verdictRegressions } from "../helpers/expected-verdicts.js";
import { createTestRuntime, devEvalFile, type TestRuntime } from "../helpers/temp-runtime.js";

/**
 * Issue 8's quality set in CI: first paragraphs that answer (lead), no wrong-period or wrong-zone
 * figure anywhere (none), every question kind in both languages, over a freshly built index. The
 * overall rate is the floor; each question is also held by name (npm run eval:verdicts).
 */

let test: TestRuntime;
let results: EvalResult[];

beforeAll(async () => {
  test = await createTestRuntime();
  results = await runEval(test.runtime.service, await loadEvalFile(devEvalFile.replace("dev.jsonl", "quality.jsonl")));
});
afterAll(async () => {
  await test?.close();
});

describe("quality eval (tests/eval/quality.jsonl)", () => {
  it("passes at least 85% of the questions, lead and none checks included", () => {
    const summary = summarize(results);
    expect(summary.total).toBeGreaterThanOrEqual(60);
    expect(summary.accuracy, formatEvalReport(results, summary)).toBeGreaterThanOrEqual(0.85);
  });

  it("holds every question's verdict against tests/eval/expected-verdicts.json, by name", () => {
    expect(verdictRegressions("quality", results)).toEqual({ lost: [], newlyWrong: [], unknown: [] });
  });

  it("raises no errors", () => {
    expect(results.filter((result) => result.error).map((result) => `${result.id}: ${result.error}`)).toEqual([]);
  });
});
