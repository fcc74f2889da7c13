import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { AppError } from "../core/errors.js";
import { sendJson, type RawRoute as Route, type RouteContext } from "../adapters/http/routes.js";
import type { ReindexManager } from "./reindex-manager.js";

/**
 * HTTP admin API (thin: auth + JSON in/out; the work is in ReindexManager):
 *   POST /admin/reindex   {"gate": false}? → 202 {jobId, job}
 *   GET  /admin/status                     → live snapshot, snapshots, last job, recent audit log
 *   POST /admin/rollback                   → 200 {from, to}
 * All need `Authorization: Bearer $ADMIN_TOKEN`. Without ADMIN_TOKEN set they answer 403.
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

function parseReindexBody(rawBody: Buffer): { gate?: boolean } {
  const text = rawBody.toString("utf8").trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("REQUEST_INVALID", "The request body is not valid JSON.", { hint: 'Send no body, or {"gate": false} to skip the quality gate.' });
  }
  const result = reindexBodySchema.safeParse(parsed);
  if (!result.success) {
    throw new AppError("REQUEST_INVALID", `Invalid request body: ${result.error.issues[0]!.message}.`, { hint: 'Send no body, or {"gate": false}.' });
  }
  return result.data;
}

export interface AdminRoutesOptions {
  manager: ReindexManager;
  /** ADMIN_TOKEN; undefined turns the admin API off (403 with a hint). */
  token?: string;
}

export function createAdminRoutes(options: AdminRoutesOptions): Route[] {
  const { manager, token } = options;
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
      if (!bearerMatches(context.req.headers, token)) {
        manager.audit(ADMIN_ACTOR, "auth.failed", `${context.req.method} ${context.url.pathname} from ${context.req.socket.remoteAddress ?? "?"}`);
        context.res.setHeader("www-authenticate", 'Bearer realm="admin"');
        sendJson(context.res, 401, { error: { code: "UNAUTHORIZED", message: "Missing or wrong admin token." } });
        return;
      }
      await handler(context);
    };

  return [
    {
      method: "POST",
      path: "/admin/reindex",
      handler: guarded(({ res, rawBody }) => {
        const body = parseReindexBody(rawBody);
        const job = manager.start(ADMIN_ACTOR, { gate: body.gate });
        sendJson(res, 202, { jobId: job.id, job, status: "/admin/status" });
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
      handler: guarded(async ({ res }) => sendJson(res, 200, await manager.rollback(ADMIN_ACTOR))),
    },
  ];
}
