import { readFile } from "node:fs/promises";
import { z } from "zod";
import { AppError } from "../core/errors.js";
import type { Answer, AnswerService, Citation } from "../core/types.js";

/**
 * Runs an eval file (format: tests/eval/README.md) through an AnswerService and scores it. Used
 * by `npm run eval`, the CI threshold test, the benchmark and the re-index quality gate.
 */

const evalItemSchema = z.object({
  id: z.string(),
  lang: z.enum(["zh", "en"]),
  q: z.string().min(1),
  type: z.enum(["negative", "multi", "followup"]).optional(),
  history: z.array(z.object({ q: z.string().min(1) })).optional(),
  sources: z.array(z.string()),
  all: z.array(z.array(z.string())),
});

export type EvalItem = z.infer<typeof evalItemSchema>;

export interface EvalResult {
  id: string;
  question: string;
  lang: "zh" | "en";
  type?: string;
  answer: string;
  refused: boolean;
  mode: Answer["mode"];
  citations: Citation[];
  /** A cited passage comes from an expected source (negatives: true when refused). */
  citedRight: boolean;
  /** Every group of expected strings is matched (negatives: true when refused). */
  answerRight: boolean;
  /** Cited right and answered right. */
  passed: boolean;
  missingGroups: string[][];
  error?: string;
}

export interface EvalSummary {
  total: number;
  passed: number;
  citedRight: number;
  answerRight: number;
  negatives: number;
  negativesRefused: number;
  /** Non-negative questions wrongly refused. */
  falseRefusals: number;
  english: number;
  englishPassed: number;
  accuracy: number;
}

export async function loadEvalFile(file: string): Promise<EvalItem[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new AppError("EVAL_FILE_INVALID", `Cannot read the eval file ${file}.`, { hint: "Check the path.", cause: error });
  }
  return text
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new AppError("EVAL_FILE_INVALID", `${file}:${number} is not valid JSON.`, { hint: "One JSON object per line.", cause: error });
      }
      const result = evalItemSchema.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        throw new AppError("EVAL_FILE_INVALID", `${file}:${number}: ${issue.path.join(".")}: ${issue.message}.`, {
          hint: "See tests/eval/README.md for the format.",
        });
      }
      return result.data;
    });
}

/** `002` matches corpus/002_93385d198ddbd426.txt; `a|b` means either. */
export function sourceMatches(expected: string[], citations: Citation[]): boolean {
  const stems = expected.flatMap((entry) => entry.split("|")).map((stem) => stem.trim()).filter(Boolean);
  return citations.some((citation) => {
    const name = citation.source.split("/").pop() ?? citation.source;
    return stems.some((stem) => name === stem || name.startsWith(`${stem}_`) || name.startsWith(`${stem}.`));
  });
}

export function missingGroups(groups: string[][], answer: string): string[][] {
  const haystack = answer.toLowerCase();
  return groups.filter((group) => !group.some((expected) => haystack.includes(expected.toLowerCase())));
}

export function scoreItem(item: EvalItem, answer: Answer): EvalResult {
  const negative = item.type === "negative";
  const missing = negative ? [] : missingGroups(item.all, answer.answer);
  const citedRight = negative ? answer.refused : !answer.refused && sourceMatches(item.sources, answer.citations);
  const answerRight = negative ? answer.refused : !answer.refused && missing.length === 0;
  return {
    id: item.id,
    question: item.q,
    lang: item.lang,
    type: item.type,
    answer: answer.answer,
    refused: answer.refused,
    mode: answer.mode,
    citations: answer.citations,
    citedRight,
    answerRight,
    passed: citedRight && answerRight,
    missingGroups: missing,
  };
}

export async function runEval(service: AnswerService, items: EvalItem[], options: { runId?: string } = {}): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  const runId = options.runId ?? `eval-${Date.now().toString(36)}`;
  for (const item of items) {
    // Each item is its own conversation; follow-ups replay their history in it first.
    const conversationId = `${runId}:${item.id}`;
    try {
      for (const turn of item.history ?? []) await service.ask(turn.q, { conversationId });
      results.push(scoreItem(item, await service.ask(item.q, { conversationId })));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({
        id: item.id,
        question: item.q,
        lang: item.lang,
        type: item.type,
        answer: "",
        refused: false,
        mode: "extractive",
        citations: [],
        citedRight: false,
        answerRight: false,
        passed: false,
        missingGroups: item.all,
        error: message,
      });
    }
  }
  return results;
}

export function summarize(results: EvalResult[]): EvalSummary {
  const count = (predicate: (result: EvalResult) => boolean) => results.filter(predicate).length;
  const passed = count((result) => result.passed);
  return {
    total: results.length,
    passed,
    citedRight: count((result) => result.citedRight),
    answerRight: count((result) => result.answerRight),
    negatives: count((result) => result.type === "negative"),
    negativesRefused: count((result) => result.type === "negative" && result.refused),
    falseRefusals: count((result) => result.type !== "negative" && result.refused),
    english: count((result) => result.lang === "en"),
    englishPassed: count((result) => result.lang === "en" && result.passed),
    accuracy: results.length === 0 ? 0 : passed / results.length,
  };
}
