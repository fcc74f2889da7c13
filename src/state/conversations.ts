import type { Turn } from "../core/types.js";

/** Conversation memory: the turns a follow-up is rewritten against, per conversation id. */

export interface ConversationLimits {
  /** Keep at most this many most-recent turns. */
  maxTurns: number;
  /** Keep the most-recent turns whose question+answer fit in this many characters (the newest turn is always kept). */
  maxChars: number;
}

export interface ConversationStore {
  /** Turns of a conversation, oldest first; empty for an unknown conversation. */
  getTurns(conversationId: string): Promise<Turn[]>;
  /** Appends a turn and trims the conversation to `limits` in the same step. */
  appendTurn(conversationId: string, turn: Turn, limits: ConversationLimits): Promise<void>;
}

/** Trims turns (oldest first) to the limits; the newest turn always survives so a follow-up has context. */
export function boundTurns(turns: Turn[], limits: ConversationLimits): Turn[] {
  const maxTurns = Math.max(1, limits.maxTurns);
  let kept = turns.slice(-maxTurns);
  let chars = kept.reduce((sum, turn) => sum + turnChars(turn), 0);
  while (kept.length > 1 && chars > limits.maxChars) {
    chars -= turnChars(kept[0]);
    kept = kept.slice(1);
  }
  return kept;
}

function turnChars(turn: Turn): number {
  return turn.question.length + turn.answer.length;
}
