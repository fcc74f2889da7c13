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
  /** Groups that must each be matched in the first paragraph (see `firstParagraph`). */
  lead: z.array(z.array(z.string())).optional(),
  /** Strings that must appear nowhere: a wrong period's, zone's or level's figure. */
  none: z.array(z.string()).optional(),
});

export type EvalItem = z.infer<typeof evalItemSchema>;

/**
 * correct: passes; wrong: a claim that must not be made (a `none` string shown, or a negative
 * answered); abstained: refused, or a first paragraph that claims nothing (quote only);
 * missed: answered with a claim that lacks what was expected.
 */
export type Verdict = "correct" | "abstained" | "wrong" | "missed";

export interface EvalResult {
  id: string;
  verdict: Verdict;
  question: string;
  lang: "zh" | "en";
  type?: string;
  answer: string;
  refused: boolean;
  mode: Answer["mode"];
  citations: Citation[];
  /** Every expected source is cited (negatives: true when refused). */
  citedRight: boolean;
  /** Every `all` and `lead` group is matched and no `none` string shown (negatives: true when refused). */
  answerRight: boolean;
  /** Cited right and answered right. */
  passed: boolean;
  /** Entries of `sources` (each `a|b`) that no citation comes from. */
  missingSources: string[];
  /** `all` groups not matched anywhere in the answer. */
  missingGroups: string[][];
  /** `lead` groups not matched in the first paragraph. */
  missingLead: string[][];
  /** `none` strings the answer shows. */
  forbidden: string[];
  /** The item has `lead` groups (answerable items only). */
  hasLead: boolean;
  /** The item has `none` strings (answerable items only). */
  hasNone: boolean;
  error?: string;
}

function verdictOf(result: Pick<EvalResult, "passed" | "type" | "refused" | "forbidden" | "error">, abstained: boolean): Verdict {
  if (result.passed) return "correct";
  if (result.type === "negative") return "wrong";
  // As the independent scorer counts it: a refusal claims nothing, whatever passage it cites.
  if (result.forbidden.length > 0 && !result.refused) return "wrong";
  if (result.refused || abstained || result.error) return "abstained";
  return "missed";
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
  /** Answerable questions with `lead` groups, and how many matched them all (not refused). */
  leadQuestions: number;
  leadPassed: number;
  correct: number;
  abstained: number;
  wrong: number;
  missed: number;
  /** Answerable questions with `none` strings, and how many showed at least one of them. */
  noneQuestions: number;
  noneViolations: number;
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

/** Entries of `expected` (each `002`, or `a|b` for either) that no citation comes from. */
export function missingSources(expected: string[], citations: Citation[]): string[] {
  const names = citations.map((citation) => citation.source.split("/").pop() ?? citation.source);
  const cited = (stem: string) => names.some((name) => name === stem || name.startsWith(`${stem}_`) || name.startsWith(`${stem}.`));
  return expected.filter((entry) => {
    const stems = entry.split("|").map((stem) => stem.trim()).filter(Boolean);
    return stems.length > 0 && !stems.some(cited);
  });
}

/** `002` matches corpus/002_93385d198ddbd426.txt; `a|b` means either; every entry must be cited. */
export function sourceMatches(expected: string[], citations: Citation[]): boolean {
  return missingSources(expected, citations).length === 0;
}

/**
 * The form both sides are compared in: NFKC (full-width digits and punctuation become ASCII),
 * lower case, no whitespace — so "15.08 billion", "15.08billion" and "１５.０８ Billion" match alike.
 */
export function normalizeForMatch(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, "");
}

/** What a chat user reads first: the text before the first line break, at most 300 characters. */
export function firstParagraph(answer: string): string {
  return answer.trimStart().split(/\r?\n/u, 1)[0]!.slice(0, 300);
}

export function missingGroups(groups: string[][], answer: string): string[][] {
  const haystack = normalizeForMatch(answer);
  return groups.filter((group) => !group.some((expected) => haystack.includes(normalizeForMatch(expected))));
}

/** The `none` strings that appear in the answer. */
export function forbiddenStrings(none: string[], answer: string): string[] {
  const haystack = normalizeForMatch(answer);
  return none.filter((text) => normalizeForMatch(text).length > 0 && haystack.includes(normalizeForMatch(text)));
}

export function scoreItem(item: EvalItem, answer: Answer): EvalResult {
  const negative = item.type === "negative";
  const answerable = !negative && !answer.refused;
  // A refused answerable question misses everything it should have said; a negative is judged only on the refusal.
  const missingSourceList = negative ? [] : answerable ? missingSources(item.sources, answer.citations) : item.sources;
  const missing = negative ? [] : answerable ? missingGroups(item.all, answer.answer) : item.all;
  const missingLead = negative ? [] : answerable ? missingGroups(item.lead ?? [], firstParagraph(answer.answer)) : (item.lead ?? []);
  const forbidden = negative ? [] : forbiddenStrings(item.none ?? [], answer.answer);
  const citedRight = negative ? answer.refused : answerable && missingSourceList.length === 0;
  const answerRight = negative ? answer.refused : answerable && missing.length === 0 && missingLead.length === 0 && forbidden.length === 0;
  const passed = citedRight && answerRight;
  return {
    id: item.id,
    verdict: verdictOf({ passed, type: item.type, refused: answer.refused, forbidden }, answer.abstained === true),
    question: item.q,
    lang: item.lang,
    type: item.type,
    answer: answer.answer,
    refused: answer.refused,
    mode: answer.mode,
    citations: answer.citations,
    citedRight,
    answerRight,
    passed,
    missingSources: missingSourceList,
    missingGroups: missing,
    missingLead,
    forbidden,
    hasLead: !negative && (item.lead?.length ?? 0) > 0,
    hasNone: !negative && (item.none?.length ?? 0) > 0,
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
        verdict: "abstained",
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
        missingSources: item.type === "negative" ? [] : item.sources,
        missingGroups: item.type === "negative" ? [] : item.all,
        missingLead: item.type === "negative" ? [] : (item.lead ?? []),
        forbidden: [],
        hasLead: item.type !== "negative" && (item.lead?.length ?? 0) > 0,
        hasNone: item.type !== "negative" && (item.none?.length ?? 0) > 0,
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
    leadQuestions: count((result) => result.hasLead),
    leadPassed: count((result) => result.hasLead && !result.refused && !result.error && result.missingLead.length === 0),
    noneQuestions: count((result) => result.hasNone),
    noneViolations: count((result) => result.forbidden.length > 0),
    correct: count((result) => result.verdict === "correct"),
    abstained: count((result) => result.verdict === "abstained"),
    wrong: count((result) => result.verdict === "wrong"),
    missed: count((result) => result.verdict === "missed"),
    accuracy: results.length === 0 ? 0 : passed / results.length,
  };
}
