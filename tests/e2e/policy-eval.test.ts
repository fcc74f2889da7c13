import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEvalReport } from "../../src/app/eval-report.js";
import { prepareEvalCorpus, type EvalCorpus } from "../../src/app/eval-corpus.js";
import { loadEvalFile, runEval, summarize, type EvalResult } from "../../src/app/evaluate.js";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { silentLogger } from "../../src/core/logger.js";
import { verdictRegressions } from "../helpers/expected-verdicts.js";
import { createTempWorkspace, repoRoot, testConfig, type TempWorkspace } from "../helpers/temp-runtime.js";

/**
 * Issue 10's quality gate in CI: the policy question set (tests/eval/policy.jsonl) answered over an
 * index of the real policy fixtures (tests/fixtures/policies: txt, HTML, Chromium PDF, DOCX), built
 * in a temporary DATA_DIR, with the product's glossary and gazetteer.
 */

let workspace: TempWorkspace;
let scratch: EvalCorpus;
let runtime: Runtime;
let results: EvalResult[];

beforeAll(async () => {
  workspace = await createTempWorkspace();
  scratch = await prepareEvalCorpus(testConfig(workspace), path.join(repoRoot, "tests/fixtures/policies"));
  runtime = await createRuntime(scratch.config, { log: silentLogger, memoryState: true });
  results = await runEval(runtime.service, await loadEvalFile(path.join(repoRoot, "tests/eval/policy.jsonl")));
});
afterAll(async () => {
  await runtime?.close();
  await scratch?.cleanup();
  await workspace?.cleanup();
});

describe("policy eval (tests/eval/policy.jsonl over tests/fixtures/policies)", () => {
  it("passes at least 85%, leads included, with no forbidden figure shown", () => {
    const summary = summarize(results);
    expect(summary.total).toBeGreaterThanOrEqual(30);
    expect(summary.accuracy, formatEvalReport(results, summary)).toBeGreaterThanOrEqual(0.85);
  });

  it("holds every question's verdict against tests/eval/expected-verdicts.json, by name", () => {
    expect(verdictRegressions("policy", results)).toEqual({ lost: [], newlyWrong: [], unknown: [] });
  });

  it("refuses every negative and raises no errors", () => {
    expect(results.filter((result) => result.type === "negative" && !result.refused).map((result) => result.id)).toEqual([]);
    expect(results.filter((result) => result.error).map((result) => `${result.id}: ${result.error}`)).toEqual([]);
  });

  it("lists the policy items' rule records beside the facts (npm run facts, GET /api/facts)", () => {
    const listed = runtime.service.facts?.({ zone: "柳河县", metric: "rules" });
    const neeq = listed?.rules?.find((rule) => rule.condition === "对在新三板挂牌企业");
    expect(neeq).toMatchObject({ amounts: ["100万元"], zone: "柳河县" });
    expect(neeq?.section).toContain("鼓励企业挂牌上市");
    expect(listed?.rules?.some((rule) => rule.uncapped)).toBe(true);
    expect(listed?.facts).toEqual([]);
    // A figure metric filter lists figures only.
    expect(runtime.service.facts?.({ metric: "signed_investment" }).rules).toEqual([]);
  });
});
