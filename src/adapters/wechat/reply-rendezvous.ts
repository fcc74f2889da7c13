/**
 * Meeting point between an answer being computed and the HTTP requests that could carry it back
 * passively. WeChat re-sends an unanswered message (same MsgId) after 5 s, up to three times, and
 * only the request still open can take a passive reply; so the answer goes to exactly one request
 * that is waiting when it is ready, and when none is waiting the caller sends it another way.
 * All decisions happen synchronously, so a timeout and an answer arriving together cannot both win.
 */
export interface ReplyRendezvous<T> {
  /** Starts tracking `key`; false when it is already tracked (a retry of a message in progress). */
  open(key: string): boolean;
  /** Forgets `key` at once (e.g. the message turned out to be a duplicate); its waiters get undefined. */
  discard(key: string): void;
  /**
   * Waits up to `timeoutMs` for the reply to `key`. Resolves with it for one waiting request only;
   * with undefined on timeout, for other waiters, for unknown keys and once the reply was taken.
   */
  wait(key: string, timeoutMs: number): Promise<T | undefined>;
  /**
   * Hands the reply (undefined: there will be none) to one waiting request. Returns true when a
   * request took it (or an earlier call settled `key`), false when the caller must deliver it
   * another way.
   */
  settle(key: string, reply: T | undefined): boolean;
}

interface Entry<T> {
  settled: boolean;
  waiters: Set<(reply: T | undefined) => void>;
}

/** `rememberMs`: how long a settled key keeps swallowing late retries before it is forgotten. */
export function createReplyRendezvous<T>(rememberMs = 60_000): ReplyRendezvous<T> {
  const entries = new Map<string, Entry<T>>();
  return {
    open(key) {
      if (entries.has(key)) return false;
      entries.set(key, { settled: false, waiters: new Set() });
      return true;
    },

    discard(key) {
      const entry = entries.get(key);
      entries.delete(key);
      for (const waiter of entry?.waiters ?? []) waiter(undefined);
    },

    wait(key, timeoutMs) {
      const entry = entries.get(key);
      if (!entry || entry.settled) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const waiter = (reply: T | undefined) => {
          clearTimeout(timer);
          resolve(reply);
        };
        const timer = setTimeout(() => {
          entry.waiters.delete(waiter);
          resolve(undefined);
        }, timeoutMs);
        entry.waiters.add(waiter);
      });
    },

    settle(key, reply) {
      const entry = entries.get(key);
      if (!entry) return false;
      if (entry.settled) return true;
      entry.settled = true;
      const [first, ...rest] = entry.waiters;
      entry.waiters.clear();
      for (const waiter of rest) waiter(undefined);
      setTimeout(() => entries.delete(key), rememberMs).unref();
      if (!first) return false;
      first(reply);
      return true;
    },
  };
}
