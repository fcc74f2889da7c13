import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { QuestionLog } from "../../chat/state-store.js";
import { AppError, isAppError } from "../../core/errors.js";
import type { ReindexManager } from "../../admin/reindex-manager.js";
import { createSignInGuard, type SignInGuard } from "../../admin/sign-in-guard.js";
import type { Authorizer } from "../http/access.js";
import type { FrameworkRoute } from "../http/routes.js";
import { parseWith } from "../http/validate.js";
import { bearerToken, createAdminSessions, secretMatches, type AdminSessions } from "./admin-auth.js";
import { deleteDocument, listDocuments, receiveUploads, type UploadLimits } from "./corpus-files.js";
import { questionsCsv } from "./questions-csv.js";


/**
 * HTTP admin API (thin: auth + JSON in/out; the work is in ReindexManager and corpus-files):
 *   POST   /admin/session     {"token"}         → sign in: session cookie + CSRF token
 *   GET    /admin/session                       → CSRF token and expiry of the current session
 *   DELETE /admin/session                       → sign out
 *   POST   /admin/reindex     {"gate": false}?  → 202 {jobId, job}
 *   GET    /admin/status                        → live snapshot, files, snapshots, last job with progress, audit log
 *   POST   /admin/rollback    {"version": "…"}? → 200 {from, to}; 400 when the named snapshot does not exist
 *   GET    /admin/documents                     → files in CORPUS_DIR
 *   POST   /admin/documents   multipart files   → 201 {saved}
 *   DELETE /admin/documents/:name               → 200 {deleted}
 *   GET    /admin/questions   ?refused&feedback&limit&format=csv → question log
 * All but sign-in declare `access: "admin"`: `Authorization: Bearer $ADMIN_TOKEN` or the session
 * cookie (plus the `x-csrf-token` header when changing something), checked by `authorize` from the
 * server's one access hook. Without ADMIN_TOKEN set they answer 403. Too many wrong tokens (bearer
 * or console sign-in; a missing one is not counted) from one address answer 429 for the rest of the
 * window, right token or not; each address and window is one audit row. Admin answers are never
 * cached (`Cache-Control: no-store`).
 */

const ADMIN_ACTOR = "admin-api";

export const reindexBodySchema = z.object({ gate: z.boolean().optional() }).strict();
/** Snapshot versions are directory names: letters, digits, `-`, `_`, `.` (never a path). */
export const rollbackBodySchema = z
  .object({ version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "version must be a snapshot version as listed by GET /admin/status").optional() })
  .strict();
export const signInBodySchema = z.object({ token: z.string().min(1).max(1000) }).strict();
export const questionsQuerySchema = z
  .object({
    refused: z.enum(["true", "false"]).optional(),
    feedback: z.enum(["up", "down"]).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(200),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict();

export interface AdminRoutesOptions {
  manager: ReindexManager;
  /** ADMIN_TOKEN; undefined turns the admin API off (403 with a hint). */
  token?: string;
  /** Where uploads go and deletes apply (CORPUS_DIR); without it the document routes answer 404. */
  corpusDir?: string;
  upload?: UploadLimits;
  questions?: QuestionLog;
  /** Console session lifetime (ADMIN_SESSION_HOURS). */
  sessionTtlMs?: number;
  sessions?: AdminSessions;
  /** Default: failed sign-ins counted in the manager's state store, ADMIN_SIGNIN_FAILURES_PER_MINUTE per address. */
  signIns?: SignInGuard;
}

export interface AdminApi {
  routes: FrameworkRoute[];
  /** The check behind every route that declares `access: "admin"` (pass to the server's access options). */
  authorize: Authorizer;
}

export function createAdminApi(options: AdminRoutesOptions): AdminApi {
  const { manager, token } = options;
  // Signed-out sessions are shared through the state store, so every worker and replica refuses them.
  const sessions =
    options.sessions ??
    createAdminSessions({ ttlMs: options.sessionTtlMs ?? 8 * 3600_000, revocations: manager.store, onError: (message, error) => manager.log.error(message, error) });
  const upload = options.upload ?? { maxFileBytes: 20 * 1024 * 1024, maxFiles: 20 };

  const adminOff = () =>
    new AppError("FORBIDDEN", "The admin API is turned off on this server.", {
      hint: "Set ADMIN_TOKEN to a long random secret and restart, then send it as `Authorization: Bearer <token>`.",
    });
  const signIns =
    options.signIns ?? createSignInGuard({ store: manager.store, limit: manager.config.ADMIN_SIGNIN_FAILURES_PER_MINUTE, log: manager.log });
  const tooMany = (reply: FastifyReply, retryAfterMs: number) => {
    void reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    return new AppError("RATE_LIMITED", "Too many failed admin sign-ins from this address.", { hint: "Wait a minute, then send the right ADMIN_TOKEN." });
  };
  const unauthorized = (reply: FastifyReply) => {
    void reply.header("www-authenticate", 'Bearer realm="admin"');
    return new AppError("UNAUTHORIZED", "Missing or wrong admin token.", { hint: "Sign in on /admin, or send `Authorization: Bearer <ADMIN_TOKEN>`." });
  };
  /** A wrong token: counted (and audited into the window's one row) even while blocked, so the row shows the flood's size. */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, blockedFor: number | undefined) => {
    const decision = await signIns.failed(request.ip, `${request.method} ${request.routeOptions.url ?? "?"}`);
    if (blockedFor !== undefined || !decision.allowed) return tooMany(reply, blockedFor ?? decision.retryAfterMs);
    return unauthorized(reply);
  };
  const authorize: Authorizer = async (request, reply) => {
    if (!token) throw adminOff();
    const presented = bearerToken(request.headers);
    if (presented !== undefined) {
      const blockedFor = await signIns.blocked(request.ip);
      if (!secretMatches(presented, token)) throw await refuse(request, reply, blockedFor);
      // Blocked addresses are refused even with the right token: a brute-force run must learn nothing until the window ends.
      if (blockedFor !== undefined) throw tooMany(reply, blockedFor);
      // A bearer token cannot be sent by another site's page, so no CSRF token is needed.
      return;
    }
    // No credential, or a session that expired or was signed out: not a guess at the token, so not
    // counted (a signed-out console checks GET /admin/session on every load).
    if ((await sessions.validSession(request)) === undefined) throw unauthorized(reply);
    // Browsers add cookies by themselves: a cookie-authenticated change must also carry the CSRF token.
    if (request.method !== "GET" && request.method !== "HEAD") await checkCsrf(request, reply);
  };
  const admin = (route: Omit<FrameworkRoute, "access">): FrameworkRoute => ({ ...route, access: "admin" });
  const corpusDir = () => {
    if (!options.corpusDir) throw new AppError("NOT_FOUND", "Document management is not mounted on this server.");
    return options.corpusDir;
  };
  const questionLog = () => {
    if (!options.questions) throw new AppError("NOT_FOUND", "The question log is not mounted on this server.");
    return options.questions;
  };

  const routes: FrameworkRoute[] = [
    {
      method: "POST",
      path: "/admin/session",
      // Checks the token itself (and counts wrong ones); public so a signed-out browser can reach it.
      access: "public",
      noStore: true,
      reply: async (request, reply) => {
        if (!token) throw adminOff();
        const body = parseWith(signInBodySchema, request.body, 'Send {"token": "<ADMIN_TOKEN>"} as application/json.');
        const blockedFor = await signIns.blocked(request.ip);
        if (!secretMatches(body.token, token)) throw await refuse(request, reply, blockedFor);
        if (blockedFor !== undefined) throw tooMany(reply, blockedFor);
        const expiresAt = sessions.signIn(reply);
        await manager.audit(ADMIN_ACTOR, "auth.signin", `console session from ${request.ip}`);
        return { signedIn: true, expiresAt: new Date(expiresAt).toISOString(), csrfToken: reply.generateCsrf({ secure: request.secureCookie() }) };
      },
    },
    admin(
      {
        method: "GET",
        path: "/admin/session",
        reply: async (request, reply) => {
          const expires = await sessions.validSession(request);
          return { signedIn: true, ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}), csrfToken: reply.generateCsrf({ secure: request.secureCookie() }) };
        },
      },
    ),
    admin(
      {
        method: "DELETE",
        path: "/admin/session",
        reply: async (request, reply) => {
          await sessions.signOut(request, reply);
          return { signedIn: false };
        },
      },
    ),
    admin(
      {
        method: "POST",
        path: "/admin/reindex",
        reply: async (request, reply) => {
          const body = parseWith(reindexBodySchema, request.body, 'Send no body, or {"gate": false} to skip the quality gate.');
          try {
            const job = await manager.start(ADMIN_ACTOR, { gate: body.gate });
            void reply.code(202);
            return { jobId: job.id, job, status: "/admin/status" };
          } catch (error) {
            // The running job's id (on whichever server runs it), so the caller can follow that build.
            if (isAppError(error) && error.code === "INDEX_BUILD_IN_PROGRESS") {
              void reply.code(409);
              return { ...error.toJSON(), jobId: error.details?.jobId };
            }
            throw error;
          }
        },
      },
    ),
    admin({ method: "GET", path: "/admin/status", reply: () => manager.status() }),
    admin(
      {
        method: "POST",
        path: "/admin/rollback",
        reply: (request) =>
          manager.rollback(
            ADMIN_ACTOR,
            parseWith(rollbackBodySchema, request.body, 'Send no body to go back to the previous snapshot, or {"version": "<a version from GET /admin/status>"}.'),
          ),
      },
    ),
    admin({ method: "GET", path: "/admin/documents", reply: async () => ({ documents: await listDocuments(corpusDir()) }) }),
    admin(
      {
        method: "POST",
        path: "/admin/documents",
        multipart: true,
        reply: async (request, reply) => {
          if (!request.isMultipart()) {
            throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Uploads must be multipart/form-data.", { hint: "Send the files as form fields of type file." });
          }
          const saved = await receiveUploads(corpusDir(), request.files(), upload);
          await manager.audit(ADMIN_ACTOR, "documents.upload", saved.map((file) => `${file.name} (${file.bytes} bytes${file.replaced ? ", replaced" : ""})`).join(", "));
          void reply.code(201);
          return { saved, next: "POST /admin/reindex to make them searchable" };
        },
      },
    ),
    admin(
      {
        method: "DELETE",
        path: "/admin/documents/:name",
        reply: async (request) => {
          const name = (request.params as { name: string }).name;
          await deleteDocument(corpusDir(), name);
          await manager.audit(ADMIN_ACTOR, "documents.delete", name);
          return { deleted: name, next: "POST /admin/reindex to drop it from the index" };
        },
      },
    ),
    admin(
      {
        method: "GET",
        path: "/admin/questions",
        reply: async (request, reply) => {
          const query = parseWith(questionsQuerySchema, request.query, "Use ?refused=true, ?feedback=down, ?limit=200, ?format=csv.");
          const records = await questionLog().listQuestions({
            limit: query.limit,
            ...(query.refused ? { refused: query.refused === "true" } : {}),
            ...(query.feedback ? { feedback: query.feedback } : {}),
          });
          if (query.format === "csv") {
            void reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="questions.csv"');
            return questionsCsv(records);
          }
          return { questions: records };
        },
      },
    ),
  ];
  return { routes, authorize };
}

function checkCsrf(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // @fastify/csrf-protection's check: the `x-csrf-token` header against the signed `_csrf` cookie.
  return new Promise((resolve, reject) => request.server.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())));
}
