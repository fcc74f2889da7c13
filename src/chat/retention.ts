import type { Config } from "../core/config.js";
import type { Logger } from "../core/logger.js";
import { DAY_MS } from "../state/common.js";
import type { RetentionCutoffs, StateStore } from "../state/state-store.js";

/** CONVERSATION_TTL_DAYS, QUESTION_LOG_DAYS and AUDIT_DAYS as cutoff times; 0 days keeps that kind forever. */
export function retentionCutoffs(config: Pick<Config, "CONVERSATION_TTL_DAYS" | "QUESTION_LOG_DAYS" | "AUDIT_DAYS">, now: number): RetentionCutoffs {
  const before = (days: number) => (days > 0 ? now - days * DAY_MS : undefined);
  const cutoffs: RetentionCutoffs = {};
  const conversations = before(config.CONVERSATION_TTL_DAYS);
  const questions = before(config.QUESTION_LOG_DAYS);
  const audit = before(config.AUDIT_DAYS);
  if (conversations !== undefined) cutoffs.conversationsBefore = conversations;
  if (questions !== undefined) cutoffs.questionsBefore = questions;
  if (audit !== undefined) cutoffs.auditBefore = audit;
  return cutoffs;
}

/** Prunes once now and then every `intervalMs` (default hourly); the timer does not keep the process alive. Returns the stop function. */
export function startRetention(
  store: StateStore,
  config: Pick<Config, "CONVERSATION_TTL_DAYS" | "QUESTION_LOG_DAYS" | "AUDIT_DAYS">,
  log: Logger,
  options: { intervalMs?: number; now?: () => number } = {},
): () => void {
  const now = options.now ?? Date.now;
  const run = async () => {
    try {
      const counts = await store.prune(retentionCutoffs(config, now()));
      if (counts.conversations + counts.questions + counts.audit > 0) {
        log.info(`Retention: removed ${counts.conversations} conversations, ${counts.questions} logged questions and ${counts.audit} audit entries past their keep time.`);
      }
    } catch (error) {
      log.warn("Retention: pruning the state store failed; it is tried again within the hour.", error);
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.intervalMs ?? 60 * 60 * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
