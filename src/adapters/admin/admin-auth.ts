import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { StateStore } from "../../state/state-store.js";

/**
 * Who may use the admin routes: `Authorization: Bearer $ADMIN_TOKEN` (curl, scripts) or the
 * console's session cookie (httpOnly, SameSite=Strict, signed, expiring). Browsers add cookies
 * by themselves, so a cookie-authenticated state-changing request must also carry the CSRF token
 * (@fastify/csrf-protection); a bearer token cannot be sent by another site's page.
 */

const SESSION_COOKIE = "zone_admin";

/**
 * Compares fixed-length digests, so neither the token's content nor its length leaks through
 * response timing (timingSafeEqual itself requires equal lengths).
 */
export function secretMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of an `Authorization: Bearer …` header, if one is sent. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec((headers.authorization ?? "").trim());
  return match?.[1]?.trim();
}


/** One admin: a named person (ADMIN_TOKENS) or the single unnamed ADMIN_TOKEN admin (name ""). */
export interface AdminAccount {
  name: string;
  token: string;
}

/** The actor written to the audit log: `admin:<name>` for a named admin, `admin-api` for ADMIN_TOKEN. */
export function adminActor(name: string): string {
  return name ? `admin:${name}` : "admin-api";
}

/** ADMIN_TOKENS (named) plus ADMIN_TOKEN (unnamed), as one list. */
export function adminAccounts(config: { ADMIN_TOKEN?: string; ADMIN_TOKENS?: Array<{ name: string; token: string }> }): AdminAccount[] {
  return [...(config.ADMIN_TOKENS ?? []), ...(config.ADMIN_TOKEN ? [{ name: "", token: config.ADMIN_TOKEN }] : [])];
}

/** The account whose token was presented; every token is compared, so timing says nothing about which. */
export function matchAccount(accounts: readonly AdminAccount[], presented: string): AdminAccount | undefined {
  let found: AdminAccount | undefined;
  for (const account of accounts) if (secretMatches(presented, account.token) && !found) found = account;
  return found;
}

interface AdminSession {
  expires: number;
  /** The admin who signed in ("" for the unnamed ADMIN_TOKEN admin). */
  admin: string;
}

export interface AdminSessions {
  /** Sets the session cookie for `admin` ("" unnamed); returns its expiry (epoch ms). */
  signIn(reply: FastifyReply, admin?: string): number;
  signOut(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The valid session cookie on the request (expiry and who), else undefined. */
  validSession(request: FastifyRequest): Promise<AdminSession | undefined>;
}

/** Where signed-out sessions are shared between processes (the state store). */
export type SessionRevocations = Pick<StateStore, "revokeSession" | "sessionRevoked">;

export function createAdminSessions(options: {
  ttlMs: number;
  now?: () => number;
  /** Force `Secure` on or off; by default the server's COOKIE_SECURE rule for the request decides. */
  secure?: boolean;
  /** The state store: a session signed out in one worker or replica is refused by all of them. */
  revocations?: SessionRevocations;
  onError?: (message: string, error: unknown) => void;
}): AdminSessions {
  const now = options.now ?? Date.now;
  // Signed-out sessions until they would have expired (a copied cookie stops working at sign-out):
  // kept here too, so this process refuses them even while the state store is unreachable.
  const revoked = new Map<string, number>();
  // The store keeps a digest, never a usable cookie value.
  const sessionId = (value: string) => createHash("sha256").update(`zone-admin-session-id\u0000${value}`).digest("hex");
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "strict" as const, signed: true };
  return {
    signIn(reply, admin = "") {
      const expires = now() + options.ttlMs;
      // Signed with the cookie secret, so the name cannot be changed by the browser.
      const value = `${expires}.${randomBytes(16).toString("hex")}${admin ? `.${admin}` : ""}`;
      const secure = options.secure ?? reply.request.secureCookie?.() ?? false;
      void reply.setCookie(SESSION_COOKIE, value, { ...cookieOptions, secure, expires: new Date(expires), maxAge: Math.floor(options.ttlMs / 1000) });
      return expires;
    },
    async signOut(request, reply) {
      const raw = request.cookies[SESSION_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      void reply.clearCookie(SESSION_COOKIE, { path: "/" });
      for (const [value, expires] of revoked) if (expires < now()) revoked.delete(value);
      if (!unsigned?.valid || !unsigned.value) return;
      const expires = Number(unsigned.value.split(".")[0]);
      revoked.set(unsigned.value, expires);
      await options.revocations
        ?.revokeSession(sessionId(unsigned.value), expires)
        .catch((error: unknown) => options.onError?.("state store: the sign-out could not be shared with other processes.", error));
    },
    async validSession(request) {
      const raw = request.cookies[SESSION_COOKIE];
      if (!raw) return undefined;
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value || revoked.has(unsigned.value)) return undefined;
      const [expiresText, , ...name] = unsigned.value.split(".");
      const expires = Number(expiresText);
      if (!Number.isFinite(expires) || expires <= now()) return undefined;
      // Signed out in another worker or replica? With the store unreachable, the local list decides.
      const elsewhere = await options.revocations?.sessionRevoked(sessionId(unsigned.value)).catch((error: unknown) => {
        options.onError?.("state store: signed-out sessions could not be checked.", error);
        return false;
      });
      return elsewhere ? undefined : { expires, admin: name.join(".") };
    },
  };
}
