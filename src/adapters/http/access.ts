import type { FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../core/errors.js";

/**
 * Who may call a route is part of the route's declaration (Fastify route `config`), read by one
 * hook on the *matched* route. Nothing here looks at the URL string: `/%61pi/ask` matches the
 * `/api/ask` route and so carries that route's `access`, whatever its spelling.
 *
 * - `public`: anyone (pages, health, sign-in endpoints that check their own secret, and the chat
 *   platforms' webhooks, whose adapters verify the platform's signature on the raw body).
 * - `apiKey`: one of API_KEYS when any is set, else anyone.
 * - `admin`: ADMIN_TOKEN as bearer, or the console's session cookie (plus CSRF when changing).
 * - `metrics`: METRICS_TOKEN (or ADMIN_TOKEN) when the server has secrets, else anyone.
 */
type Access = "public" | "apiKey" | "admin" | "metrics";

/** Throws an AppError (401/403/429) to refuse the request; may set headers on the reply. */
export type Authorizer = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Runs after access is granted, e.g. a per-client rate limit; throws an AppError to refuse. */
export type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** What a route declares; stored in Fastify's route config and read back in the hook. */
export interface RoutePolicy {
  access: Access;
  /** The name of a limiter in `AccessOptions.limiters` (e.g. "ask"). */
  limit?: string;
  /** Responses carry personal or secret data: `Cache-Control: no-store` (admin routes always do). */
  noStore?: boolean;
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    limit?: string;
    noStore?: boolean;
  }
}

export interface AccessOptions {
  /** Checks per access kind; a kind with no check is refused (fail closed), except `public`. */
  authorizers?: Partial<Record<Exclude<Access, "public">, Authorizer>>;
  limiters?: Record<string, Limiter>;
  /** Origins besides the request's own that may send state-changing requests (ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
}

const stateChanging = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Whether a browser request comes from another site. Browsers send `Origin` on every POST and on
 * cross-origin requests, and `Sec-Fetch-Site` on all requests; scripts (curl) send neither and are
 * judged by their credentials alone. Pure: the caller passes the request's own origin.
 */
export function isForeignOrigin(headers: { origin?: string; secFetchSite?: string }, ownOrigin: string, allowed: readonly string[] = []): boolean {
  const origin = headers.origin?.trim();
  if (origin !== undefined && origin !== "") {
    if (origin === "null") return true;
    const normalized = origin.replace(/\/+$/, "").toLowerCase();
    return normalized !== ownOrigin.toLowerCase() && !allowed.some((candidate) => candidate.replace(/\/+$/, "").toLowerCase() === normalized);
  }
  return headers.secFetchSite === "cross-site";
}

/** The origin the client reached (scheme and host; behind a trusted proxy, its forwarded values). */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function policyOf(request: FastifyRequest): RoutePolicy | undefined {
  const config = request.routeOptions.config;
  return config?.access ? { access: config.access, limit: config.limit, noStore: config.noStore } : undefined;
}

const undeclared = () =>
  new AppError("FORBIDDEN", "This route declares no access rule, so it is refused.", { hint: "Declare `access` on the route (public, apiKey, admin or metrics)." });

/** The one onRequest hook: origin check, access check, then the route's limiter. */
export function createAccessHook(options: AccessOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // Unmatched requests go to the 404 handler, which answers without touching anything.
    if (request.is404) return;
    const policy = policyOf(request);
    if (!policy) throw undeclared();
    if (policy.access === "admin" || policy.noStore) void reply.header("cache-control", "no-store");
    if (stateChanging.has(request.method)) {
      const headers = { origin: request.headers.origin, secFetchSite: request.headers["sec-fetch-site"] as string | undefined };
      if (isForeignOrigin(headers, ownOrigin(request), options.allowedOrigins)) {
        throw new AppError("FORBIDDEN", "Requests from another site are not accepted here.", { hint: "Use the pages served by this server, or add the origin to ALLOWED_ORIGINS." });
      }
    }
    if (policy.access !== "public") {
      const authorize = options.authorizers?.[policy.access];
      if (!authorize) throw new AppError("FORBIDDEN", "This part of the server is turned off.", { hint: "See README for the setting that turns it on." });
      await authorize(request, reply);
    }
    if (policy.limit) {
      const limiter = options.limiters?.[policy.limit];
      if (!limiter) throw undeclared();
      await limiter(request, reply);
    }
  };
}

/**
 * No API keys and no limits on asks: for benches and tests that mount the API alone. Explicit on
 * purpose — a server given no access options refuses every non-public route.
 */
export const openApiAccess: AccessOptions = {
  authorizers: { apiKey: async () => undefined },
  limiters: { ask: async () => undefined },
};
