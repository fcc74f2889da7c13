import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import { z } from "zod";
import type { QuestionLog } from "../../chat/state-store.js";
import { AppError } from "../../core/errors.js";
import type { ReindexManager } from "../../admin/reindex-manager.js";
import type { FrameworkRoute } from "../http/routes.js";
import { parseWith } from "../http/validate.js";
import { bearerMatches, bearerRequests, createAdminSessions, csrfUnlessBearer, secretMatches, type AdminSessions } from "./admin-auth.js";
import { deleteDocument, listDocuments, receiveUploads, type UploadLimits } from "./corpus-files.js";
import { questionsCsv } from "./questions-csv.js";

export { bearerMatches } from "./admin-auth.js";

/**
 * HTTP admin API (thin: auth + JSON in/out; the work is in ReindexManager and corpus-files):
 *   POST   /admin/session     {"token"}         → sign in: session cookie + CSRF token
 *   GET    /admin/session                       → CSRF token and expiry of the current session
 *   DELETE /admin/session                       → sign out
 *   POST   /admin/reindex     {"gate": false}?  → 202 {jobId, job}
 *   GET    /admin/status                        → live snapshot, files, snapshots, last job with progress, audit log
 *   POST   /admin/rollback                      → 200 {from, to}
 *   GET    /admin/documents                     → files in CORPUS_DIR
 *   POST   /admin/documents   multipart files   → 201 {saved}
 *   DELETE /admin/documents/:name               → 200 {deleted}
 *   GET    /admin/questions   ?refused&feedback&limit&format=csv → question log
 * All but sign-in need `Authorization: Bearer $ADMIN_TOKEN` or the session cookie (plus the
 * `x-csrf-token` header when changing something). Without ADMIN_TOKEN set they answer 403.
 */

export const ADMIN_ACTOR = "admin-api";

export const reindexBodySchema = z.object({ gate: z.boolean().optional() }).strict();
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
}

export function createAdminRoutes(options: AdminRoutesOptions): FrameworkRoute[] {
  const { manager, token } = options;
  const sessions = options.sessions ?? createAdminSessions({ ttlMs: options.sessionTtlMs ?? 8 * 3600_000 });
  const upload = options.upload ?? { maxFileBytes: 20 * 1024 * 1024, maxFiles: 20 };

  const adminOff = () =>
    new AppError("FORBIDDEN", "The admin API is turned off on this server.", {
      hint: "Set ADMIN_TOKEN to a long random secret and restart, then send it as `Authorization: Bearer <token>`.",
    });
  const refuse = (request: FastifyRequest, reply: FastifyReply) => {
    manager.audit(ADMIN_ACTOR, "auth.failed", `${request.method} ${request.url.split("?")[0]} from ${request.ip}`);
    void reply.header("www-authenticate", 'Bearer realm="admin"');
    return new AppError("UNAUTHORIZED", "Missing or wrong admin token.", { hint: "Sign in on /admin, or send `Authorization: Bearer <ADMIN_TOKEN>`." });
  };
  const requireAdmin: preHandlerHookHandler = async (request, reply) => {
    if (!token) throw adminOff();
    if (bearerMatches(request.headers, token)) {
      bearerRequests.add(request);
      return;
    }
    if (sessions.validSession(request) !== undefined) return;
    throw refuse(request, reply);
  };
  const guarded = (route: Omit<FrameworkRoute, "preHandler">, changes: boolean): FrameworkRoute => ({
    ...route,
    preHandler: changes ? [requireAdmin, csrfUnlessBearer] : [requireAdmin],
  });
  const corpusDir = () => {
    if (!options.corpusDir) throw new AppError("NOT_FOUND", "Document management is not mounted on this server.");
    return options.corpusDir;
  };
  const questionLog = () => {
    if (!options.questions) throw new AppError("NOT_FOUND", "The question log is not mounted on this server.");
    return options.questions;
  };

  return [
    {
      method: "POST",
      path: "/admin/session",
      reply: async (request, reply) => {
        if (!token) throw adminOff();
        const body = parseWith(signInBodySchema, request.body, 'Send {"token": "<ADMIN_TOKEN>"} as application/json.');
        if (!secretMatches(body.token, token)) throw refuse(request, reply);
        const expiresAt = sessions.signIn(reply);
        manager.audit(ADMIN_ACTOR, "auth.signin", `console session from ${request.ip}`);
        return { signedIn: true, expiresAt: new Date(expiresAt).toISOString(), csrfToken: reply.generateCsrf() };
      },
    },
    guarded(
      {
        method: "GET",
        path: "/admin/session",
        reply: async (request, reply) => {
          const expires = sessions.validSession(request);
          return { signedIn: true, ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}), csrfToken: reply.generateCsrf() };
        },
      },
      false,
    ),
    guarded(
      {
        method: "DELETE",
        path: "/admin/session",
        reply: async (request, reply) => {
          sessions.signOut(request, reply);
          return { signedIn: false };
        },
      },
      true,
    ),
    guarded(
      {
        method: "POST",
        path: "/admin/reindex",
        reply: async (request, reply) => {
          const body = parseWith(reindexBodySchema, request.body, 'Send no body, or {"gate": false} to skip the quality gate.');
          const job = manager.start(ADMIN_ACTOR, { gate: body.gate });
          void reply.code(202);
          return { jobId: job.id, job, status: "/admin/status" };
        },
      },
      true,
    ),
    guarded({ method: "GET", path: "/admin/status", reply: () => manager.status() }, false),
    guarded({ method: "POST", path: "/admin/rollback", reply: () => manager.rollback(ADMIN_ACTOR) }, true),
    guarded({ method: "GET", path: "/admin/documents", reply: async () => ({ documents: await listDocuments(corpusDir()) }) }, false),
    guarded(
      {
        method: "POST",
        path: "/admin/documents",
        multipart: true,
        reply: async (request, reply) => {
          if (!request.isMultipart()) {
            throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Uploads must be multipart/form-data.", { hint: "Send the files as form fields of type file." });
          }
          const saved = await receiveUploads(corpusDir(), request.files(), upload);
          manager.audit(ADMIN_ACTOR, "documents.upload", saved.map((file) => `${file.name} (${file.bytes} bytes${file.replaced ? ", replaced" : ""})`).join(", "));
          void reply.code(201);
          return { saved, next: "POST /admin/reindex to make them searchable" };
        },
      },
      true,
    ),
    guarded(
      {
        method: "DELETE",
        path: "/admin/documents/:name",
        reply: async (request) => {
          const name = (request.params as { name: string }).name;
          await deleteDocument(corpusDir(), name);
          manager.audit(ADMIN_ACTOR, "documents.delete", name);
          return { deleted: name, next: "POST /admin/reindex to drop it from the index" };
        },
      },
      true,
    ),
    guarded(
      {
        method: "GET",
        path: "/admin/questions",
        reply: async (request, reply) => {
          const query = parseWith(questionsQuerySchema, request.query, "Use ?refused=true, ?feedback=down, ?limit=200, ?format=csv.");
          const records = questionLog().listQuestions({
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
      false,
    ),
  ];
}
