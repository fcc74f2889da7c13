import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Who may use the admin routes: `Authorization: Bearer $ADMIN_TOKEN` (curl, scripts) or the
 * console's session cookie (httpOnly, SameSite=Strict, signed, expiring). Browsers add cookies
 * by themselves, so a cookie-authenticated state-changing request must also carry the CSRF token
 * (@fastify/csrf-protection); a bearer token cannot be sent by another site's page.
 */

export const SESSION_COOKIE = "zone_admin";

/**
 * Compares fixed-length digests, so neither the token's content nor its length leaks through
 * response timing (timingSafeEqual itself requires equal lengths).
 */
export function secretMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerMatches(headers: IncomingHttpHeaders, token: string): boolean {
  const header = headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return secretMatches(match?.[1] ?? "", token) && match !== null;
}

/** The cookie-signing secret derived from ADMIN_TOKEN, so every worker and restart agrees. */
export function cookieSecretFor(adminToken: string | undefined): string | undefined {
  return adminToken ? createHash("sha256").update(`zone-admin-session\u0000${adminToken}`).digest("hex") : undefined;
}

export interface AdminSessions {
  /** Sets the session cookie; returns its expiry (epoch ms). */
  signIn(reply: FastifyReply): number;
  signOut(request: FastifyRequest, reply: FastifyReply): void;
  /** Expiry of a valid session cookie on the request, else undefined. */
  validSession(request: FastifyRequest): number | undefined;
}

export function createAdminSessions(options: { ttlMs: number; now?: () => number; secure?: boolean }): AdminSessions {
  const now = options.now ?? Date.now;
  // Signed-out sessions until they would have expired (a copied cookie stops working at sign-out).
  const revoked = new Map<string, number>();
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "strict" as const, signed: true, secure: options.secure ?? false };
  return {
    signIn(reply) {
      const expires = now() + options.ttlMs;
      const value = `${expires}.${randomBytes(16).toString("hex")}`;
      void reply.setCookie(SESSION_COOKIE, value, { ...cookieOptions, expires: new Date(expires), maxAge: Math.floor(options.ttlMs / 1000) });
      return expires;
    },
    signOut(request, reply) {
      const raw = request.cookies[SESSION_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      if (unsigned?.valid && unsigned.value) revoked.set(unsigned.value, Number(unsigned.value.split(".")[0]));
      for (const [value, expires] of revoked) if (expires < now()) revoked.delete(value);
      void reply.clearCookie(SESSION_COOKIE, { path: "/" });
    },
    validSession(request) {
      const raw = request.cookies[SESSION_COOKIE];
      if (!raw) return undefined;
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value || revoked.has(unsigned.value)) return undefined;
      const expires = Number(unsigned.value.split(".")[0]);
      return Number.isFinite(expires) && expires > now() ? expires : undefined;
    },
  };
}

/** Requests that proved themselves with the bearer token (not CSRF-able: a page cannot set that header cross-site). */
export const bearerRequests = new WeakSet<FastifyRequest>();

/**
 * preHandler: @fastify/csrf-protection's check (the `x-csrf-token` header against the signed
 * `_csrf` cookie) for every cookie-authenticated request; it answers 403 itself on failure.
 */
export function csrfUnlessBearer(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
  if (bearerRequests.has(request)) return done();
  request.server.csrfProtection(request, reply, done);
}
