/**
 * Per-key sliding-window limiter (in memory: one process serves all chat platforms, and a
 * restart forgiving everyone is acceptable for a politeness limit).
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

export function createRateLimiter(options: { perMinute: number; now?: () => number; windowMs?: number }): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const hits = new Map<string, number[]>();
  const noticed = new Map<string, number>();
  return {
    take(key) {
      const at = now();
      // Forget users who have been quiet for a window, so the map does not grow with every user ever seen.
      if (hits.size > 10_000) prune(at);
      const recent = (hits.get(key) ?? []).filter((time) => at - time < windowMs);
      if (recent.length < options.perMinute) {
        recent.push(at);
        hits.set(key, recent);
        noticed.delete(key);
        return { allowed: true, firstRefusal: false, retryAfterMs: 0 };
      }
      hits.set(key, recent);
      const lastNotice = noticed.get(key);
      const firstRefusal = lastNotice === undefined || at - lastNotice >= windowMs;
      if (firstRefusal) noticed.set(key, at);
      return { allowed: false, firstRefusal, retryAfterMs: Math.max(0, windowMs - (at - recent[0])) };
    },
  };

  function prune(at: number): void {
    for (const [key, times] of hits) if (times.every((time) => at - time >= windowMs)) hits.delete(key);
  }
}
