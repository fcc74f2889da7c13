import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { AppError, isAppError } from "../core/errors.js";
import { sendJson, type Route, type RouteContext } from "../adapters/http/routes.js";
import type { ReindexManager } from "./reindex-manager.js";
import { createSignInGuard, type SignInGuard } from "./sign-in-guard.js";

/**
 * HTTP admin API (thin: auth + JSON in/out; the work is in ReindexManager):
 *   POST /admin/reindex   {"gate": false}? → 202 {jobId, job}
 *   GET  /admin/status                     → live snapshot, snapshots, last job, recent audit log
 *   POST /admin/rollback  {"version": "…"}? → 200 {from, to}; 400 when the named snapshot does not exist
 * All need `Authorization: Bearer $ADMIN_TOKEN`. Without ADMIN_TOKEN set they answer 403. Too
 * many failed sign-ins from one address answer 429 for the rest of the window.
 */

export const ADMIN_ACTOR = "admin-api";

/**
 * Compares fixed-length digests, so neither the token's content nor its length leaks through
 * response timing (timingSafeEqual itself requires equal lengths).
 */
export function bearerMatches(headers: IncomingHttpHeaders, token: string): boolean {
  const header = headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = createHash("sha256").update(match?.[1] ?? "").digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

const reindexBodySchema = z
  .object({ gate: z.boolean().optional() })
  .strict();

/** Snapshot versions are directory names: letters, digits, `-`, `_`, `.` (never a path). */
const rollbackBodySchema = z
  .object({ version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "version must be a snapshot version as listed by GET /admin/status").optional() })
  .strict();

/** An optional JSON body checked against `schema`; no body is `{}`. */
export function parseOptionalBody<T>(rawBody: Buffer, schema: z.ZodType<T, z.ZodTypeDef, unknown>, hint: string): T | Record<string, never> {
  const text = rawBody.toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("REQUEST_INVALID", "The request body is not valid JSON.", { hint });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError("REQUEST_INVALID", `Invalid request body: ${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}.`, { hint });
  }
  return result.data;
}

const parseReindexBody = (rawBody: Buffer): { gate?: boolean } =>
  parseOptionalBody(rawBody, reindexBodySchema, 'Send no body, or {"gate": false} to skip the quality gate.');

export const parseRollbackBody = (rawBody: Buffer): { version?: string } =>
  parseOptionalBody(rawBody, rollbackBodySchema, 'Send no body to go back to the previous snapshot, or {"version": "<a version from GET /admin/status>"}.');

export interface AdminRoutesOptions {
  manager: ReindexManager;
  /** ADMIN_TOKEN; undefined turns the admin API off (403 with a hint). */
  token?: string;
  /** Default: failed sign-ins counted in the manager's state store, ADMIN_SIGNIN_FAILURES_PER_MINUTE per address. */
  signIns?: SignInGuard;
}

export function createAdminRoutes(options: AdminRoutesOptions): Route[] {
  const { manager, token } = options;
  const signIns =
    options.signIns ??
    createSignInGuard({ store: manager.store, limit: manager.config.ADMIN_SIGNIN_FAILURES_PER_MINUTE, log: manager.log });
  const tooMany = (context: RouteContext, retryAfterMs: number) => {
    context.res.setHeader("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    sendJson(context.res, 429, {
      error: { code: "RATE_LIMITED", message: "Too many failed admin sign-ins from this address.", hint: "Wait a minute, then send the right ADMIN_TOKEN." },
    });
  };
  const guarded =
    (handler: (context: RouteContext) => Promise<void> | void) =>
    async (context: RouteContext): Promise<void> => {
      if (!token) {
        sendJson(context.res, 403, {
          error: {
            code: "ADMIN_DISABLED",
            message: "The admin API is turned off on this server.",
            hint: "Set ADMIN_TOKEN to a long random secret and restart, then send it as `Authorization: Bearer <token>`.",
          },
        });
        return;
      }
      const address = context.req.socket.remoteAddress ?? "unknown";
      const blockedFor = await signIns.blocked(address);
      if (!bearerMatches(context.req.headers, token)) {
        // Counted (and audited into the window's one row) even while blocked, so the row shows the flood's size.
        const decision = await signIns.failed(address, `${context.req.method} ${context.url.pathname}`);
        if (blockedFor !== undefined || !decision.allowed) return tooMany(context, blockedFor ?? decision.retryAfterMs);
        context.res.setHeader("www-authenticate", 'Bearer realm="admin"');
        sendJson(context.res, 401, { error: { code: "UNAUTHORIZED", message: "Missing or wrong admin token." } });
        return;
      }
      // Blocked addresses are refused even with the right token: a brute-force run must learn nothing until the window ends.
      if (blockedFor !== undefined) return tooMany(context, blockedFor);
      await handler(context);
    };

  return [
    {
      method: "POST",
      path: "/admin/reindex",
      handler: guarded(async ({ res, rawBody }) => {
        const body = parseReindexBody(rawBody);
        try {
          const job = await manager.start(ADMIN_ACTOR, { gate: body.gate });
          sendJson(res, 202, { jobId: job.id, job, status: "/admin/status" });
        } catch (error) {
          // The running job's id (on whichever server runs it), so the caller can follow that build.
          if (isAppError(error) && error.code === "INDEX_BUILD_IN_PROGRESS") sendJson(res, 409, { ...error.toJSON(), jobId: error.details?.jobId });
          else throw error;
        }
      }),
    },
    {
      method: "GET",
      path: "/admin/status",
      handler: guarded(async ({ res }) => sendJson(res, 200, await manager.status())),
    },
    {
      method: "POST",
      path: "/admin/rollback",
      handler: guarded(async ({ res, rawBody }) => sendJson(res, 200, await manager.rollback(ADMIN_ACTOR, parseRollbackBody(rawBody)))),
    },
  ];
}
