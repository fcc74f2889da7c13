import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEvalReport } from "../../src/app/eval-report.js";
import { loadEvalFile, runEval, summarize, type EvalResult, type EvalSummary } from "../../src/app/evaluate.js";
import { verdictRegressions } from "../helpers/expected-verdicts.js";
import { createTestRuntime, devEvalFile, type TestRuntime } from "../helpers/temp-runtime.js";

/** The quality gate of issue 2 §8, run in CI: the dev eval over a freshly built index. */

let test: TestRuntime;
let results: EvalResult[];
let summary: EvalSummary;

beforeAll(async () => {
  test = await createTestRuntime();
  results = await runEval(test.runtime.service, await loadEvalFile(devEvalFile));
  summary = summarize(results);
});
afterAll(async () => {
  await test?.close();
});

describe("dev eval (tests/eval/dev.jsonl)", () => {
  it("answers at least 90% right and cited from the right file", () => {
    expect(summary.total).toBeGreaterThanOrEqual(20);
    expect(summary.accuracy, formatEvalReport(results, summary)).toBeGreaterThanOrEqual(0.9);
  });

  it("refuses every negative question", () => {
    const wrong = results.filter((result) => result.type === "negative" && !result.refused).map((result) => `${result.id}: ${result.answer.slice(0, 120)}`);
    expect(summary.negatives).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it("passes every English question", () => {
    const failed = results.filter((result) => result.lang === "en" && !result.passed).map((result) => `${result.id}: missing ${JSON.stringify(result.missingGroups)}; ${result.answer.slice(0, 200)}`);
    expect(summary.english).toBeGreaterThan(0);
    expect(failed).toEqual([]);
  });

  it("holds every question's verdict against tests/eval/expected-verdicts.json, by name", () => {
    expect(verdictRegressions("dev", results)).toEqual({ lost: [], newlyWrong: [], unknown: [] });
  });

  it("raises no errors", () => {
    expect(results.filter((result) => result.error).map((result) => `${result.id}: ${result.error}`)).toEqual([]);
  });
});

describe("held-out eval (tests/eval/heldout.jsonl)", () => {
  let heldout: EvalResult[];
  beforeAll(async () => {
    heldout = await runEval(test.runtime.service, await loadEvalFile(devEvalFile.replace("dev.jsonl", "heldout.jsonl")));
  });

  it("answers at least 90% right, refusing every negative", () => {
    const heldoutSummary = summarize(heldout);
    expect(heldoutSummary.total).toBeGreaterThanOrEqual(40);
    expect(heldoutSummary.accuracy, formatEvalReport(heldout, heldoutSummary)).toBeGreaterThanOrEqual(0.9);
    expect(heldoutSummary.negativesRefused).toBe(heldoutSummary.negatives);
  });

  it("holds every question's verdict against tests/eval/expected-verdicts.json, by name", () => {
    expect(verdictRegressions("heldout", heldout)).toEqual({ lost: [], newlyWrong: [], unknown: [] });
  });
});
