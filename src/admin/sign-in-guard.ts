import type { Logger } from "../core/logger.js";
import type { RateDecision } from "../chat/rate-limit.js";
import type { StateStore } from "../state/state-store.js";

/**
 * Failed admin sign-ins, per client address and in the shared state store (so every replica
 * counts them together): after `limit` failures in a window the address is refused (429) until
 * the window moves on, correct token or not, and the audit log gets one row per address and
 * window whose count grows — a flood of bad tokens cannot bury the other audit entries.
 * Only a wrong secret counts: a request with no credential (a signed-out page checking its
 * session) or with an expired session cookie is not an attempt to guess one.
 */

export interface SignInGuard {
  /** Retry-after in ms when `address` is over its limit, else undefined. */
  blocked(address: string): Promise<number | undefined>;
  /** Counts and audits one failed sign-in; the decision says whether the address is now over its limit. */
  failed(address: string, what: string): Promise<RateDecision>;
}

export interface SignInGuardOptions {
  store: StateStore;
  /** Failed sign-ins allowed per address and window (ADMIN_SIGNIN_FAILURES_PER_MINUTE). */
  limit: number;
  windowMs?: number;
  log: Logger;
  now?: () => number;
  /** What is being signed in to, so admin and API-key failures keep separate counters (default "admin"). */
  scope?: "admin" | "api";
}

const SIGN_IN_ACTOR = "admin-api";

export function createSignInGuard(options: SignInGuardOptions): SignInGuard {
  const { store, limit, log } = options;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const scope = options.scope ?? "admin";
  const key = (address: string) => `${scope}-sign-in:${address}`;
  return {
    async blocked(address) {
      try {
        const decision = await store.takeRate(key(address), { limit, windowMs, peek: true });
        return decision.allowed ? undefined : decision.retryAfterMs;
      } catch (error) {
        // The token check still guards the routes; only the brute-force brake is off meanwhile.
        log.error("admin: state store could not check failed sign-ins", error);
        return undefined;
      }
    },
    async failed(address, what) {
      const at = now();
      const window = Math.floor(at / windowMs);
      const since = new Date(window * windowMs).toISOString();
      await store
        .auditAggregate(`${scope === "admin" ? "auth" : "api-auth"}.failed:${address}:${window}`, {
          actor: SIGN_IN_ACTOR,
          action: scope === "admin" ? "auth.failed" : "api-auth.failed",
          detail: `failed ${scope === "admin" ? "admin" : "API-key"} sign-ins from ${address} in the window from ${since} (last: ${what})`,
          at,
        })
        .catch((error: unknown) => log.warn("admin: cannot audit a failed sign-in", error));
      try {
        return await store.takeRate(key(address), { limit, windowMs });
      } catch (error) {
        log.error("admin: state store could not count a failed sign-in", error);
        return { allowed: true, firstRefusal: false, retryAfterMs: 0 };
      }
    },
  };
}
