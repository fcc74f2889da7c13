import type { FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { QuestionLog } from "../../state/question-log.js";
import { AppError, isAppError } from "../../core/errors.js";
import type { ReindexManager } from "../../admin/reindex-manager.js";
import { createSignInGuard, type SignInGuard } from "../../admin/sign-in-guard.js";
import type { Authorizer } from "../http/access.js";
import { adminErrors, anyObject, errorSchema, json, optionalBody } from "../http/openapi.js";
import type { HttpPlugin } from "../http/plugin.js";
import { adminActor, bearerToken, createAdminSessions, matchAccount, type AdminAccount, type AdminSessions } from "./admin-auth.js";
import { deleteDocument, receiveUploads, type UploadLimits } from "./corpus-files.js";
import { questionsCsv } from "./questions-csv.js";


/**
 * HTTP admin API (thin: auth + JSON in/out; the work is in ReindexManager and corpus-files), one
 * plugin per area (session; snapshots and re-index; documents; question log; audit log):
 *   POST   /admin/session     {"token"}         → sign in: session cookie + CSRF token
 *   GET    /admin/session                       → CSRF token and expiry of the current session
 *   DELETE /admin/session                       → sign out
 *   POST   /admin/reindex     {"gate": false}?  → 202 {jobId, job}
 *   POST   /admin/reindex/cancel                → 200 {job} (cancelled); 409 REINDEX_NOT_RUNNING
 *   GET    /admin/status                        → live snapshot, files, snapshots, last job with progress, audit log
 *   POST   /admin/rollback    {"version": "…"}? → 200 {from, to}; 400 when the named snapshot does not exist
 *   GET    /admin/documents                     → every corpus file with its state (indexed, skipped, changed, pending)
 *   POST   /admin/documents   multipart files   → 201 {saved}
 *   DELETE /admin/documents/:name               → 200 {deleted}
 *   GET    /admin/questions   ?q&from&to&refused&feedback&limit&offset&format=csv → question log, a page at a time
 *   GET    /admin/audit       ?q&limit&offset   → audit log (who did what, when), a page at a time
 * Who: ADMIN_TOKENS names one token per person (`admin:<name>` in the audit log); ADMIN_TOKEN is
 * one unnamed admin (`admin-api`).
 * All but sign-in declare `access: "admin"`: `Authorization: Bearer $ADMIN_TOKEN` or the session
 * cookie (plus the `x-csrf-token` header when changing something), checked by `authorize` from the
 * server's one access hook. Without ADMIN_TOKEN set they answer 403. Too many wrong tokens (bearer
 * or console sign-in; a missing one is not counted) from one address answer 429 for the rest of the
 * window, right token or not; each address and window is one audit row. Admin answers are never
 * cached (`Cache-Control: no-store`).
 */

const ADMIN_ACTOR = "admin-api";

/** `2024-03-01` or an ISO time; a day alone means its whole day (UTC) for `to`. */
const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, "dates are YYYY-MM-DD or an ISO time")
  .optional();

const reindexBodySchema = z.object({ gate: z.boolean().optional() }).strict();
/** Snapshot versions are directory names: letters, digits, `-`, `_`, `.` (never a path). */
const rollbackBodySchema = z
  .object({ version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "version must be a snapshot version as listed by GET /admin/status").optional() })
  .strict();
const reindexCancelBodySchema = z.object({}).strict();
const signInBodySchema = z.object({ token: z.string().min(1).max(1000) }).strict();
const questionsQuerySchema = z
  .object({
    refused: z.enum(["true", "false"]).optional(),
    feedback: z.enum(["up", "down"]).optional(),
    q: z.string().max(200).optional(),
    from: dateParam,
    to: dateParam,
    limit: z.coerce.number().int().min(1).max(5000).default(200),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict();
const auditQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

/** Epoch ms of a `from`/`to` parameter; a bare day as `to` includes that whole day. */
function dateBound(value: string | undefined, end: boolean): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(at)) throw new AppError("REQUEST_INVALID", `"${value}" is not a date.`, { hint: "Use YYYY-MM-DD." });
  return value.length === 10 && end ? at + 86_400_000 - 1 : at;
}

export interface AdminRoutesOptions {
  manager: ReindexManager;
  /** ADMIN_TOKEN: one unnamed admin. With neither it nor `admins`, the admin API is off (403 with a hint). */
  token?: string;
  /** ADMIN_TOKENS: one token per named person. */
  admins?: AdminAccount[];
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
  plugins: HttpPlugin[];
  /** The check behind every route that declares `access: "admin"` (pass to the server's access options). */
  authorize: Authorizer;
}

export function createAdminApi(options: AdminRoutesOptions): AdminApi {
  const { manager } = options;
  const accounts: AdminAccount[] = [...(options.admins ?? []), ...(options.token ? [{ name: "", token: options.token }] : [])];
  const configured = new Set(accounts.map((account) => account.name));
  // Who made each request (set by `authorize`), for the audit log.
  const actors = new WeakMap<FastifyRequest, string>();
  const actorOf = (request: FastifyRequest) => actors.get(request) ?? ADMIN_ACTOR;
  // Signed-out sessions are shared through the state store, so every worker and replica refuses them.
  const sessions =
    options.sessions ??
    createAdminSessions({ ttlMs: options.sessionTtlMs ?? 8 * 3600_000, revocations: manager.store, onError: (message, error) => manager.log.error(message, error) });
  const upload = options.upload ?? { maxFileBytes: 20 * 1024 * 1024, maxFiles: 20 };

  const adminOff = () =>
    new AppError("FORBIDDEN", "The admin API is turned off on this server.", {
      hint: "Set ADMIN_TOKENS (name:token,…) or ADMIN_TOKEN to a long random secret and restart, then send it as `Authorization: Bearer <token>`.",
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
    if (accounts.length === 0) throw adminOff();
    const presented = bearerToken(request.headers);
    if (presented !== undefined) {
      const blockedFor = await signIns.blocked(request.ip);
      const account = matchAccount(accounts, presented);
      if (!account) throw await refuse(request, reply, blockedFor);
      // Blocked addresses are refused even with the right token: a brute-force run must learn nothing until the window ends.
      if (blockedFor !== undefined) throw tooMany(reply, blockedFor);
      actors.set(request, adminActor(account.name));
      // A bearer token cannot be sent by another site's page, so no CSRF token is needed.
      return;
    }
    // No credential, or a session that expired or was signed out: not a guess at the token, so not
    // counted (a signed-out console checks GET /admin/session on every load). A session of an admin
    // no longer configured is refused too.
    const session = await sessions.validSession(request);
    if (session === undefined || !configured.has(session.admin)) throw unauthorized(reply);
    actors.set(request, adminActor(session.admin));
    // Browsers add cookies by themselves: a cookie-authenticated change must also carry the CSRF token.
    if (request.method !== "GET" && request.method !== "HEAD") await checkCsrf(request, reply);
  };
  const corpusDir = () => {
    if (!options.corpusDir) throw new AppError("NOT_FOUND", "Document management is not mounted on this server.");
    return options.corpusDir;
  };
  const questionLog = () => {
    if (!options.questions) throw new AppError("NOT_FOUND", "The question log is not mounted on this server.");
    return options.questions;
  };
  const admin = { access: "admin" } as const;

  const session: HttpPlugin = async function adminSession(plugin) {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.post(
      "/admin/session",
      {
        // Checks the token itself (and counts wrong ones); public so a signed-out browser can reach it.
        config: { access: "public", noStore: true, hint: 'Send {"token": "<your admin token>"} as application/json.' },
        // The admin API is off before anything about the body is judged.
        preValidation: async () => {
          if (accounts.length === 0) throw adminOff();
        },
        schema: {
          summary: "Admin sign-in with a token of ADMIN_TOKENS or ADMIN_TOKEN: session cookie (httpOnly, SameSite=Strict, expiring) and CSRF token",
          body: signInBodySchema,
          response: {
            200: json(z.object({ signedIn: z.boolean(), admin: z.string(), expiresAt: z.string(), csrfToken: z.string() }), "Signed in (admin: the name from ADMIN_TOKENS, empty for ADMIN_TOKEN)"),
            ...adminErrors,
          },
        },
      },
      async (request, reply) => {
        const blockedFor = await signIns.blocked(request.ip);
        const account = matchAccount(accounts, request.body.token);
        if (!account) throw await refuse(request, reply, blockedFor);
        if (blockedFor !== undefined) throw tooMany(reply, blockedFor);
        const expiresAt = sessions.signIn(reply, account.name);
        await manager.audit(adminActor(account.name), "auth.signin", `console session from ${request.ip}`);
        return { signedIn: true, admin: account.name, expiresAt: new Date(expiresAt).toISOString(), csrfToken: reply.generateCsrf({ secure: request.secureCookie() }) };
      },
    );
    scope.get("/admin/session", { config: admin, schema: { summary: "Current admin session and a CSRF token", response: { 200: json(anyObject, "Session"), ...adminErrors } } }, async (request, reply) => {
      const session = await sessions.validSession(request);
      const name = session?.admin ?? actorOf(request).replace(/^admin:|^admin-api$/, "");
      return {
        signedIn: true,
        admin: name,
        ...(session ? { expiresAt: new Date(session.expires).toISOString() } : {}),
        csrfToken: reply.generateCsrf({ secure: request.secureCookie() }),
      };
    });
    scope.delete("/admin/session", { config: admin, schema: { summary: "Admin sign-out (needs x-csrf-token)", response: { 200: json(anyObject, "Signed out"), ...adminErrors } } }, async (request, reply) => {
      await sessions.signOut(request, reply);
      await manager.audit(actorOf(request), "auth.signout", `console session from ${request.ip}`);
      return { signedIn: false };
    });
  };

  const snapshots: HttpPlugin = async function adminSnapshots(plugin) {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.post(
      "/admin/reindex",
      {
        config: { ...admin, hint: 'Send no body, or {"gate": false} to skip the quality gate.' },
        schema: {
          summary: "Start a re-index job",
          [optionalBody]: true,
          body: reindexBodySchema,
          response: { 202: json(anyObject, "Job queued"), 409: json(errorSchema, "A build is running"), ...adminErrors },
        },
      },
      async (request, reply) => {
        try {
          const job = await manager.start(actorOf(request), { gate: request.body.gate });
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
    );
    scope.post(
      "/admin/reindex/cancel",
      {
        config: { ...admin, hint: "Send no body." },
        schema: {
          summary: "Cancel the running re-index (the live snapshot keeps serving)",
          [optionalBody]: true,
          body: reindexCancelBodySchema,
          response: { 200: json(anyObject, "{ job } — cancelled, or the cancel request when it runs on another server"), 409: json(errorSchema, "No re-index is running"), ...adminErrors },
        },
      },
      async (request) => ({ job: await manager.cancel(actorOf(request)) }),
    );
    scope.get(
      "/admin/status",
      { config: admin, schema: { summary: "Live snapshot, files, snapshots, last job with progress, snapshot history, start-up fallback, audit log", response: { 200: json(anyObject, "Status"), ...adminErrors } } },
      () => manager.status(),
    );
    scope.post(
      "/admin/rollback",
      {
        config: { ...admin, hint: 'Send no body to go back to the previous snapshot, or {"version": "<a version from GET /admin/status>"}.' },
        schema: {
          summary: "Make the previous live snapshot (no body) or a named one live again; 400 when the named snapshot does not exist",
          [optionalBody]: true,
          body: rollbackBodySchema,
          response: { 200: json(z.object({ from: z.string(), to: z.string() }), "Rolled back"), 409: json(errorSchema, "A build is running"), ...adminErrors },
        },
      },
      (request) => manager.rollback(actorOf(request), request.body),
    );
  };

  const documents: HttpPlugin = async function adminDocuments(plugin) {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.get(
      "/admin/documents",
      {
        config: admin,
        schema: {
          summary: "Every document in CORPUS_DIR with its state against the live snapshot (indexed, skipped with reason, changed, pending), size and date",
          response: { 200: json(anyObject, "Documents"), ...adminErrors },
        },
      },
      async () => {
        corpusDir();
        return manager.documents();
      },
    );
    scope.post(
      "/admin/documents",
      {
        config: admin,
        // Multipart routes get no body limit from MAX_BODY_BYTES (the multipart limits apply).
        bodyLimit: Number.MAX_SAFE_INTEGER,
        schema: {
          summary: "Upload documents (.txt .md .html .docx .pdf), several at once",
          // Documentation only: @fastify/multipart streams the files to the handler.
          consumes: ["multipart/form-data"],
          body: { type: "object", properties: { files: { type: "array", items: { type: "string", format: "binary" } } } },
          response: { 201: json(anyObject, "Saved"), 413: json(errorSchema, "File too large"), 415: json(errorSchema, "Not multipart"), ...adminErrors },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) {
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Uploads must be multipart/form-data.", { hint: "Send the files as form fields of type file." });
        }
        const saved = await receiveUploads(corpusDir(), request.files(), upload);
        await manager.audit(actorOf(request), "documents.upload", saved.map((file) => `${file.name} (${file.bytes} bytes${file.replaced ? ", replaced" : ""})`).join(", "));
        void reply.code(201);
        return { saved, next: "POST /admin/reindex to make them searchable" };
      },
    );
    scope.delete(
      "/admin/documents/:name",
      {
        config: admin,
        schema: {
          summary: "Delete a document from CORPUS_DIR",
          params: z.object({ name: z.string() }),
          response: { 200: json(anyObject, "Deleted"), 404: json(errorSchema, "No such document"), ...adminErrors },
        },
      },
      async (request) => {
        const name = request.params.name;
        await deleteDocument(corpusDir(), name);
        await manager.audit(actorOf(request), "documents.delete", name);
        return { deleted: name, next: "POST /admin/reindex to drop it from the index" };
      },
    );
  };

  const questions: HttpPlugin = async function adminQuestions(plugin) {
    plugin.withTypeProvider<ZodTypeProvider>().get(
      "/admin/questions",
      {
        config: { ...admin, hint: "Use ?q=words, ?from=2024-01-01, ?to=2024-12-31, ?refused=true, ?feedback=down, ?limit=200, ?offset=0, ?format=csv." },
        schema: {
          summary: "Question log, newest first (filters: q, from, to, refused, feedback; paging: limit, offset); CSV with format=csv",
          querystring: questionsQuerySchema,
          response: {
            200: { description: "Questions (JSON) or CSV", content: { "application/json": { schema: anyObject }, "text/csv": { schema: { type: "string" } } } },
            ...adminErrors,
          },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const from = dateBound(query.from, false);
        const to = dateBound(query.to, true);
        // One more than asked, to know whether another page follows.
        const records = await questionLog().listQuestions({
          limit: query.limit + 1,
          offset: query.offset,
          ...(query.refused ? { refused: query.refused === "true" } : {}),
          ...(query.feedback ? { feedback: query.feedback } : {}),
          ...(query.q?.trim() ? { search: query.q.trim() } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        });
        const page = records.slice(0, query.limit);
        if (query.format === "csv") {
          void reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="questions.csv"');
          return questionsCsv(page);
        }
        return { questions: page, offset: query.offset, limit: query.limit, hasMore: records.length > query.limit };
      },
    );
  };

  const audit: HttpPlugin = async function adminAudit(plugin) {
    plugin.withTypeProvider<ZodTypeProvider>().get(
      "/admin/audit",
      {
        config: { ...admin, hint: "Use ?q=words, ?limit=50, ?offset=0." },
        schema: {
          summary: "Audit log (who did what, when), newest first; search with q, page with limit and offset",
          querystring: auditQuerySchema,
          response: { 200: json(anyObject, "{ audit, offset, limit, hasMore }"), ...adminErrors },
        },
      },
      async (request) => {
        const query = request.query;
        const rows = await manager.store.listAudit(query.limit + 1, { offset: query.offset, ...(query.q?.trim() ? { search: query.q.trim() } : {}) });
        return { audit: rows.slice(0, query.limit), offset: query.offset, limit: query.limit, hasMore: rows.length > query.limit };
      },
    );
  };

  return { plugins: [session, snapshots, documents, questions, audit], authorize };
}

function checkCsrf(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // @fastify/csrf-protection's check: the `x-csrf-token` header against the signed `_csrf` cookie.
  return new Promise((resolve, reject) => request.server.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())));
}
