/**
 * Sliding-window rate limiting. The decision is a pure function of a key's recent hits, so the
 * in-process limiter and the shared state stores (SQLite, PostgreSQL: one window across every
 * replica) decide the same way; the stores only add the atomic read-modify-write around it.
 */
export interface RateDecision {
  allowed: boolean;
  /** True only for the first refusal in a window, so the polite notice is sent once, not per message. */
  firstRefusal: boolean;
  /** Milliseconds until the oldest counted request leaves the window. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string): RateDecision;
}

/** What a store keeps per key: the times of counted hits inside the window, and the last notice. */
export interface RateState {
  hits: number[];
  noticedAt?: number;
}

export interface RateRule {
  limit: number;
  windowMs: number;
  /** Only report whether the key is over its limit; records nothing. */
  peek?: boolean;
}

/** Decides one request at `at` and returns the key's new state (unchanged when peeking). */
export function decideRate(state: RateState | undefined, at: number, rule: RateRule): { decision: RateDecision; state: RateState } {
  const recent = (state?.hits ?? []).filter((time) => at - time < rule.windowMs);
  const noticedAt = state?.noticedAt;
  if (recent.length < rule.limit) {
    if (rule.peek) return { decision: { allowed: true, firstRefusal: false, retryAfterMs: 0 }, state: { hits: recent, noticedAt } };
    return { decision: { allowed: true, firstRefusal: false, retryAfterMs: 0 }, state: { hits: [...recent, at] } };
  }
  const retryAfterMs = Math.max(0, rule.windowMs - (at - recent[0]!));
  const firstRefusal = !rule.peek && (noticedAt === undefined || at - noticedAt >= rule.windowMs);
  return { decision: { allowed: false, firstRefusal, retryAfterMs }, state: { hits: recent, noticedAt: firstRefusal ? at : noticedAt } };
}

/** In-process limiter (the memory store, and the fallback while a shared store is unreachable). */
export function createRateLimiter(options: { perMinute: number; now?: () => number; windowMs?: number }): RateLimiter & {
  decide(key: string, rule: RateRule): RateDecision;
} {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const states = new Map<string, RateState>();
  const decide = (key: string, rule: RateRule): RateDecision => {
    const at = now();
    // Forget users who have been quiet for a window, so the map does not grow with every user ever seen.
    if (states.size > 10_000) prune(at, rule.windowMs);
    const { decision, state } = decideRate(states.get(key), at, rule);
    states.set(key, state);
    return decision;
  };
  return {
    take: (key) => decide(key, { limit: options.perMinute, windowMs }),
    decide,
  };

  function prune(at: number, window: number): void {
    for (const [key, state] of states) if (state.hits.every((time) => at - time >= window)) states.delete(key);
  }
}
