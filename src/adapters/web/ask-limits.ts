import type { FastifyReply, FastifyRequest } from "fastify";
import type { StateStore } from "../../state/state-store.js";
import { AppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { Limiter } from "../http/access.js";
import { clientKey } from "./api-key.js";

/**
 * The limiter behind routes that declare `limit: "ask"` (/api/ask, /api/ask/stream): a sliding
 * window of questions per client in the shared state store (ASK_RATE_PER_MINUTE, one window across
 * workers and replicas), and a cap on asks being answered at once, per process (ASK_STREAMS_MAX)
 * and per client (ASK_STREAMS_PER_CLIENT). Refusals are 429 with `retry-after`; the chat page
 * shows them in its own language from the code.
 */

export interface AskLimitOptions {
  store: Pick<StateStore, "takeRate">;
  perMinute: number;
  maxInFlight: number;
  perClientInFlight: number;
  apiKeys: readonly string[];
  log: Logger;
}

/** Pure counter of asks in flight, overall and per client. */
export function createSlots(limits: { total: number; perClient: number }) {
  let total = 0;
  const byClient = new Map<string, number>();
  return {
    /** A release function, or undefined when the client or the process is at its cap. */
    tryAcquire(client: string): (() => void) | undefined {
      const mine = byClient.get(client) ?? 0;
      if (total >= limits.total || mine >= limits.perClient) return undefined;
      total++;
      byClient.set(client, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        const left = (byClient.get(client) ?? 1) - 1;
        if (left > 0) byClient.set(client, left);
        else byClient.delete(client);
      };
    },
    get inFlight() {
      return total;
    },
  };
}

function refuse(reply: FastifyReply, seconds: number, message: string): AppError {
  void reply.header("retry-after", String(Math.max(1, Math.ceil(seconds))));
  return new AppError("RATE_LIMITED", message, { hint: `Wait ${Math.max(1, Math.ceil(seconds))} s and ask again.` });
}

export function createAskLimiter(options: AskLimitOptions): Limiter {
  const slots = createSlots({ total: options.maxInFlight, perClient: options.perClientInFlight });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const client = clientKey(request, options.apiKeys);
    const release = slots.tryAcquire(client);
    if (!release) throw refuse(reply, 2, "Too many questions are being answered at once.");
    // Freed when the response ends or the client goes away, whichever comes first.
    reply.raw.once("close", release);
    try {
      const decision = await options.store.takeRate(`ask:${client}`, { limit: options.perMinute, windowMs: 60_000 });
      if (!decision.allowed) throw refuse(reply, decision.retryAfterMs / 1000, "Too many questions from this client in the last minute.");
    } catch (error) {
      if (error instanceof AppError) {
        release();
        throw error;
      }
      // The concurrency cap still holds; only the per-minute window is off while the store is down.
      options.log.error("ask limits: the state store could not count a question", error);
    }
  };
}
