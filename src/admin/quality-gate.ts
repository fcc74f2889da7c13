import { stat } from "node:fs/promises";
import type { Config } from "../core/config.js";
import { silentLogger } from "../core/logger.js";
import { composeExtractive } from "../answer/extractive.js";
import { createRuleRewriter } from "../chat/rule-rewriter.js";
import { MemoryStateStore } from "../state/memory-state-store.js";
import { loadEvalFile, runEval, summarize, type EvalResult, type EvalSummary } from "../app/evaluate.js";
import type { Lexicon } from "../app/lexicon.js";
import type { LiveIndex } from "../app/live-index.js";
import { ZoneAssistant } from "../app/zone-assistant.js";

/**
 * The re-index quality gate: the eval file is answered on the live snapshot and on the
 * candidate, and the candidate may go live only if it passes at least as many questions.
 *
 * Both sides are answered extractively with the rule rewriter, whatever LLM is configured: the
 * gate judges the *index* (what retrieval finds), deterministically and without API costs, and
 * an LLM's run-to-run variation would make it refuse good builds at random.
 */

interface GateQuestion {
  id: string;
  question: string;
  /** Passed on the live snapshot. */
  livePassed: boolean;
  candidatePassed: boolean;
  liveAnswer: string;
  candidateAnswer: string;
}

export interface GateReport {
  file: string;
  live: EvalSummary;
  candidate: EvalSummary;
  /** Questions that passed on the live snapshot and fail on the candidate. */
  worse: GateQuestion[];
  /** Questions that fail on the live snapshot and pass on the candidate. */
  better: GateQuestion[];
  passed: boolean;
}

export interface GateSkipped {
  skipped: string;
}

/** A ZoneAssistant answering over `live` with a throw-away conversation store. */
function gateAssistant(config: Config, lexicon: Lexicon, live: LiveIndex): ZoneAssistant {
  return new ZoneAssistant({
    config,
    live,
    store: new MemoryStateStore(),
    log: silentLogger,
    rewriter: createRuleRewriter(lexicon.places),
    answerer: composeExtractive,
  });
}

/** True when the gate file exists; a missing file skips the gate (with the reason in the report). */
export async function gateFileExists(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

function compareRuns(file: string, live: EvalResult[], candidate: EvalResult[]): GateReport {
  const byId = new Map(candidate.map((result) => [result.id, result]));
  const worse: GateQuestion[] = [];
  const better: GateQuestion[] = [];
  for (const before of live) {
    const after = byId.get(before.id);
    if (!after || before.passed === after.passed) continue;
    const entry: GateQuestion = {
      id: before.id,
      question: before.question,
      livePassed: before.passed,
      candidatePassed: after.passed,
      liveAnswer: before.answer,
      candidateAnswer: after.answer,
    };
    (before.passed ? worse : better).push(entry);
  }
  const liveSummary = summarize(live);
  const candidateSummary = summarize(candidate);
  return { file, live: liveSummary, candidate: candidateSummary, worse, better, passed: candidateSummary.passed >= liveSummary.passed };
}

export async function runQualityGate(config: Config, lexicon: Lexicon, live: LiveIndex, candidate: LiveIndex): Promise<GateReport> {
  const file = config.EVAL_GATE_FILE;
  const items = await loadEvalFile(file);
  const liveResults = await runEval(gateAssistant(config, lexicon, live), items, { runId: "gate-live" });
  const candidateResults = await runEval(gateAssistant(config, lexicon, candidate), items, { runId: "gate-candidate" });
  return compareRuns(file, liveResults, candidateResults);
}

/** One line for logs, CLI output, Slack and the audit log. */
export function describeGate(gate: GateReport | GateSkipped | undefined): string {
  if (!gate) return "quality gate not run";
  if ("skipped" in gate) return `quality gate skipped (${gate.skipped})`;
  const scores = `${gate.candidate.passed}/${gate.candidate.total} passed vs ${gate.live.passed}/${gate.live.total} on the live snapshot`;
  const worse = gate.worse.length > 0 ? `; worse: ${gate.worse.map((question) => `${question.id} (${question.question})`).join(", ")}` : "";
  return `quality gate ${gate.passed ? "passed" : "FAILED"}: ${scores}${worse}`;
}
