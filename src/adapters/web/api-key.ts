import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SignInGuard } from "../../admin/sign-in-guard.js";
import { AppError } from "../../core/errors.js";
import { bearerToken, secretMatches } from "../admin/admin-auth.js";
import type { Authorizer } from "../http/access.js";

/**
 * API_KEYS: who may call `access: "apiKey"` routes. A key comes as `Authorization: Bearer <key>`
 * or as the signed cookie POST /api/session sets (holding a digest of the key, not the key).
 */

export const API_KEY_COOKIE = "zone_api";

/** Who is asking, for per-client limits: the API key's digest when one is used, else the address. */
export function clientKey(request: FastifyRequest, keys: readonly string[]): string {
  const presented = bearerToken(request.headers);
  if (presented !== undefined && keys.some((key) => secretMatches(presented, key))) return `key:${keyDigest(presented).slice(0, 32)}`;
  const cookie = request.cookies[API_KEY_COOKIE];
  const unsigned = cookie ? request.unsignCookie(cookie) : undefined;
  if (unsigned?.valid && unsigned.value && keys.length > 0) return `key:${unsigned.value.slice(0, 32)}`;
  return `ip:${request.ip}`;
}

/**
 * The check behind `access: "apiKey"` routes. With API_KEYS set: `Authorization: Bearer <key>` or
 * the signed cookie set by POST /api/session; a wrong bearer key counts as a failed sign-in for
 * the address (API_SIGNIN_FAILURES_PER_MINUTE). Without API_KEYS: open.
 */
export function createApiKeyAuthorizer(keys: readonly string[], signIns?: SignInGuard): Authorizer {
  return async (request, reply) => {
    if (keys.length === 0) return;
    const presented = bearerToken(request.headers);
    if (presented === undefined && carriesKey(request, keys)) return;
    const blockedFor = signIns ? await signIns.blocked(request.ip) : undefined;
    if (presented !== undefined && keys.some((key) => secretMatches(presented, key))) {
      if (blockedFor !== undefined) throw tooManyKeys(reply, blockedFor);
      return;
    }
    if (presented !== undefined && signIns) {
      const decision = await signIns.failed(request.ip, `${request.method} ${request.routeOptions.url ?? "?"}`);
      if (blockedFor !== undefined || !decision.allowed) throw tooManyKeys(reply, blockedFor ?? decision.retryAfterMs);
    }
    throw new AppError("UNAUTHORIZED", "This server needs an API key.", { hint: "Sign in on the chat page, or send `Authorization: Bearer <key>` (one of API_KEYS)." });
  };
}

export function tooManyKeys(reply: FastifyReply, retryAfterMs: number): AppError {
  void reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return new AppError("RATE_LIMITED", "Too many wrong API keys from this address.", { hint: "Wait a minute, then try again with a valid key." });
}

/** The cookie holds a digest of the key, not the key itself. */
export function keyDigest(key: string): string {
  return createHash("sha256").update(`zone-api-key\u0000${key}`).digest("hex");
}

export function carriesKey(request: FastifyRequest, keys: readonly string[]): boolean {
  const bearer = bearerToken(request.headers);
  if (bearer !== undefined && keys.some((key) => secretMatches(bearer, key))) return true;
  const cookie = request.cookies[API_KEY_COOKIE];
  const unsigned = cookie ? request.unsignCookie(cookie) : undefined;
  return unsigned?.valid === true && unsigned.value !== null && keys.some((key) => secretMatches(unsigned.value!, keyDigest(key)));
}
