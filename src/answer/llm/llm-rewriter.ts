import { detectLanguage } from "../../core/language.js";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { QuestionRewriter, Turn } from "../../core/types.js";
import { asData, contentToText, withDeadline } from "./llm-answerer.js";
import { fillTemplate, type Prompts } from "./prompt-loader.js";

export interface LlmRewriterOptions {
  model: BaseChatModel;
  prompts: Prompts;
  /** The rule-based rewriter, used on any failure or unusable reply. */
  fallback: QuestionRewriter;
  timeoutMs?: number;
  log?: Logger;
  /** Earlier turns shown to the model; older ones rarely matter for a follow-up. */
  maxTurns?: number;
}

const hasChinese = /[\u3400-\u9fff]/u;


function formatHistory(history: Turn[], maxTurns = 3): string {
  return history
    .slice(-maxTurns)
    .map((turn) => {
      const answer = turn.answer.replace(/\[\d+\]/gu, "").replace(/\s+/gu, " ").trim();
      const short = answer.length > 240 ? `${answer.slice(0, 240)}…` : answer;
      return `Q: ${asData(turn.standaloneQuestion || turn.question)}\nA: ${asData(short)}`;
    })
    .join("\n\n");
}

const labelPrefix = /^(standalone question|rewritten question|question|改写后的完整问题|改写后的问题|完整问题|问题)\s*[:：]\s*/iu;

/** The rewritten question from a model reply, or undefined when the reply is unusable. */
export function cleanRewrite(reply: string, question: string): string | undefined {
  const line = reply
    .split(/\r?\n/u)
    .map((part) => part.trim())
    .find((part) => part.length > 0);
  if (!line) return undefined;
  const cleaned = line
    .replace(labelPrefix, "")
    .replace(/^["'“”‘’「」『』]+|["'“”‘’「」『』]+$/gu, "")
    .trim();
  if (cleaned.length < 2 || cleaned.length > Math.max(300, question.length * 4)) return undefined;
  if (/<\s*\/?\s*(history|followup|passages|question)\b/iu.test(cleaned)) return undefined;
  // A Chinese follow-up must stay Chinese, an English one must stay English.
  if (detectLanguage(question) === "zh" && !hasChinese.test(cleaned)) return undefined;
  if (detectLanguage(question) === "en" && !/[A-Za-z]{2,}/u.test(cleaned)) return undefined;
  return cleaned;
}

/** Rewrites follow-ups with the model, falling back to the rules on failure; a first question is returned as is. */
export function createLlmRewriter(options: LlmRewriterOptions): QuestionRewriter {
  const { model, prompts, fallback } = options;
  const log = options.log ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 10_000;

  return async (question, history, rewriteOptions = {}) => {
    if (history.length === 0) return question;
    const template = prompts.rewrite[detectLanguage(question)];
    const values = { history: formatHistory(history, options.maxTurns), question: asData(question) };
    const messages = [new SystemMessage(fillTemplate(template.system, values)), new HumanMessage(fillTemplate(template.user, values))];
    try {
      const reply = await withDeadline(timeoutMs, rewriteOptions.signal, async (signal) => contentToText((await model.invoke(messages, { signal })).content));
      const rewritten = reply === undefined ? undefined : cleanRewrite(reply, question);
      if (rewritten) return rewritten;
      log.warn("LLM rewrite unusable; using the rule-based rewriter");
    } catch (error) {
      log.warn("LLM rewrite failed; using the rule-based rewriter", error);
    }
    return fallback(question, history, rewriteOptions);
  };
}
