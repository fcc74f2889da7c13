import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { Config } from "../../core/config.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { Answer, AnswerInput, Answerer, Chunk, ComposeOptions, Language } from "../../core/types.js";
import { groundAnswer, noAnswerSentences, saysNotCovered } from "./grounding.js";
import { fillTemplate, type Prompts } from "./prompt-loader.js";
import type { Fact } from "../../facts/types.js";

export interface LlmAnswererOptions {
  config: Pick<Config, "LLM_TIMEOUT_MS">;
  model: BaseChatModel;
  /** The extractive answerer: used whenever the model's answer cannot be trusted or does not come. */
  fallback: Answerer;
  prompts: Prompts;
  log?: Logger;
  /** How many of the best hits the model sees. */
  maxPassages?: number;
  /** Longer passages are cut, to bound prompt size and latency. */
  maxPassageChars?: number;
}

const delimiterTag = /<\s*\/?\s*(passages|question|history|followup|facts)\b[^>]*>/giu;

/**
 * Passages and questions are data: a text that closes our <passages> tag or fakes a "[n]" header
 * could otherwise pass itself off as instructions or as another passage.
 */
export function asData(text: string): string {
  return text.replace(delimiterTag, (tag) => tag.replace(/</gu, "＜").replace(/>/gu, "＞")).replace(/\[(\d+)\]/gu, "［$1］");
}

function formatPassages(chunks: Chunk[], maxChars = 1500): string {
  return chunks
    .map((chunk, index) => {
      const header = [chunk.title || "(untitled)", chunk.zones[0] ?? "", chunk.date ?? ""].map((part) => asData(part).replace(/\s+/gu, " ").trim()).join(" | ");
      const body = chunk.text.length > maxChars ? `${chunk.text.slice(0, maxChars)}…` : chunk.text;
      return `[${index + 1}] ${header}\n${asData(body)}`;
    })
    .join("\n\n");
}

/**
 * The figures of the passages as fact records, each with its passage number: who (zone, level),
 * when (period), what (metric) and how much, so the model states a figure with its zone and period.
 */
export function formatFacts(facts: Fact[], chunks: Chunk[]): string {
  const numberOf = new Map(chunks.map((chunk, index) => [chunk.id, index + 1]));
  const lines = facts
    .filter((fact) => numberOf.has(fact.chunkId))
    .slice(0, 40)
    .map((fact) => `[${numberOf.get(fact.chunkId)}] ${fact.zone} (${fact.level}) | ${fact.period ? `${fact.period.zh} / ${fact.period.en}` : "no period stated"} | ${fact.metric === "other" ? fact.label : fact.metric} | ${fact.qualifier ?? ""}${fact.raw}${fact.event ? " | one event" : ""}${fact.scope ? ` | subset: ${fact.scope}` : ""}`);
  return lines.length > 0 ? lines.join("\n") : "(none)";
}

function buildAnswerMessages(
  prompts: Prompts,
  language: Language,
  question: string,
  chunks: Chunk[],
  maxChars?: number,
  placeNames?: Record<string, string>,
  facts: Fact[] = [],
): BaseMessage[] {
  const template = prompts.answer[language];
  const values = {
    // Tags are neutralised like any data; the [n] passage numbers stay, they are ours.
    facts: formatFacts(facts, chunks).replace(delimiterTag, (tag) => tag.replace(/</gu, "＜").replace(/>/gu, "＞")),
    passages: formatPassages(chunks, maxChars),
    question: asData(question),
    noAnswer: noAnswerSentences[language],
    placeNames: asData(describePlaces(placeNames)),
  };
  return [new SystemMessage(fillTemplate(template.system, values)), new HumanMessage(fillTemplate(template.user, values))];
}

/** Text of a message's content, or undefined when the model sent something that is not text. */
export function contentToText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content.map((part) =>
      typeof part === "string" ? part : part && typeof part === "object" && (part as { type?: unknown }).type === "text" ? String((part as { text?: unknown }).text ?? "") : undefined,
    );
    if (parts.some((part) => part === undefined)) return undefined;
    return parts.join("");
  }
  return undefined;
}

class ModelFailure extends Error {}

/** An English answer may name places in Chinese, but should be mostly Latin script, and the reverse. */
function inLanguage(text: string, language: Language): boolean {
  const chinese = (text.match(/[\u3400-\u9fff]/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/gu) ?? []).length;
  return language === "zh" ? chinese > 0 : latin >= chinese;
}

function describePlaces(placeNames: Record<string, string> | undefined): string {
  const entries = Object.entries(placeNames ?? {});
  return entries.length === 0 ? "(none)" : entries.map(([chinese, english]) => `${chinese} = ${english}`).join("; ");
}

/** Runs `work` under the caller's signal and a deadline; rejects as soon as either fires, even if the library does not. */
export async function withDeadline<T>(timeoutMs: number, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ModelFailure(deadline.aborted ? `the model did not answer within ${timeoutMs} ms` : "the request was cancelled"));
    if (combined.aborted) onAbort();
    else combined.addEventListener("abort", onAbort, { once: true });
  });
  const running = work(combined);
  running.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } finally {
    if (onAbort) combined.removeEventListener("abort", onAbort);
  }
}

/**
 * A short reason for the warning list. Raw provider messages go to the log only: warnings may reach
 * chat users, who should not see stack traces or upstream error bodies.
 */
function describeError(error: unknown): string {
  if (error instanceof ModelFailure) return error.message;
  const status = (error as { status?: unknown } | undefined)?.status ?? (error as { status_code?: unknown } | undefined)?.status_code;
  if (typeof status === "number") return `the model server answered HTTP ${status}`;
  if (error instanceof SyntaxError || /json|stream|undefined|null/iu.test(error instanceof Error ? error.message : "")) return "the model server sent a malformed reply";
  return "the model call failed";
}

/**
 * The LLM answer chain: prompt with the top passages, call the model (streaming when the caller
 * wants tokens), check citations and figures, and fall back to the extractive answer whenever the
 * result cannot be trusted. It never throws.
 */
export function createLlmAnswerer(options: LlmAnswererOptions): Answerer {
  const { config, model, fallback, prompts } = options;
  const log = options.log ?? silentLogger;
  const maxPassages = options.maxPassages ?? 6;

  return async (input: AnswerInput, compose: ComposeOptions = {}): Promise<Answer> => {
    const { language } = input;

    const fallBack = async (reason: string): Promise<Answer> => {
      log.warn(`LLM answer replaced by the extractive answer: ${reason}`);
      try {
        const answer = await fallback(input, { signal: compose.signal });
        return { ...answer, mode: "extractive", warnings: [...answer.warnings, `LLM answer not used: ${reason}.`] };
      } catch (error) {
        log.error("extractive fallback failed", error);
        return {
          answer: language === "zh" ? "抱歉，暂时无法回答这个问题，请稍后再试。" : "Sorry, I cannot answer this question right now. Please try again later.",
          refused: true,
          mode: "extractive",
          language,
          citations: [],
          warnings: [`LLM answer not used: ${reason}.`, "The extractive answer failed too."],
          standaloneQuestion: input.standaloneQuestion,
        };
      }
    };

    const passages = input.hits.slice(0, maxPassages).map((hit) => hit.chunk);
    if (passages.length === 0) return fallBack("no passages were retrieved");

    const messages = buildAnswerMessages(prompts, language, input.standaloneQuestion || input.question, passages, options.maxPassageChars, input.placeNames, input.facts);

    let text: string | undefined;
    try {
      text = await withDeadline(config.LLM_TIMEOUT_MS, compose.signal, async (signal) => {
        if (compose.onToken) {
          let whole = "";
          const stream = await model.stream(messages, { signal });
          for await (const chunk of stream) {
            const piece = contentToText(chunk.content);
            if (piece === undefined) throw new ModelFailure("the model streamed something that is not text");
            if (piece.length > 0) {
              whole += piece;
              compose.onToken?.(piece);
            }
          }
          return whole;
        }
        const message = await model.invoke(messages, { signal });
        return contentToText(message.content);
      });
    } catch (error) {
      log.warn("LLM call failed", error instanceof Error ? error : JSON.stringify(error));
      return fallBack(describeError(error));
    }

    if (text === undefined) return fallBack("the model replied with something that is not text");
    const trimmed = text.trim();
    if (trimmed.length === 0) return fallBack("the model replied with an empty answer");
    if (trimmed.includes(noAnswerSentences[language]) || trimmed.includes(noAnswerSentences[language === "zh" ? "en" : "zh"])) {
      return fallBack("the model said the passages do not answer the question");
    }

    // Figures are bound to who and when: a figure said of a zone must be a fact of that zone in a cited passage.
    const grounded = groundAnswer(trimmed, passages, undefined, input.facts && input.facts.length > 0 ? { facts: input.facts, english: input.placeNames } : undefined);
    for (const warning of grounded.warnings) log.warn(warning);
    if (grounded.citedSentences === 0) {
      const reason = saysNotCovered(trimmed)
        ? "the model said the passages do not answer the question"
        : grounded.warnings.length > 0
          ? `no cited sentence passed the checks (${grounded.warnings.join(" ")})`
          : "the answer cited no passage";
      return fallBack(reason);
    }

    if (!inLanguage(grounded.answer, language)) return fallBack(`the model did not answer in ${language === "zh" ? "Chinese" : "English"}`);

    return {
      answer: grounded.answer,
      refused: false,
      mode: "llm",
      language,
      citations: grounded.citations,
      warnings: grounded.warnings,
      standaloneQuestion: input.standaloneQuestion,
    };
  };
}
