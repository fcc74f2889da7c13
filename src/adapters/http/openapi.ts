import { extendZodWithOpenApi, OpenApiGeneratorV3, OpenAPIRegistry, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { auditQuerySchema, questionsQuerySchema, reindexBodySchema, reindexCancelBodySchema, rollbackBodySchema, signInBodySchema } from "../admin/admin-routes.js";
import { askBodySchema, factsQuerySchema } from "../api/api-routes.js";
import { apiSessionBodySchema, feedbackBodySchema, originalQuerySchema, sourceQuerySchema } from "../web/web-routes.js";

/**
 * `GET /api/openapi.json`, generated from the zod schemas the routes validate requests with
 * (imported from the route modules, not restated), plus response shapes for readers.
 */

extendZodWithOpenApi(z);

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }) }).openapi("Error");
const citationSchema = z
  .object({
    n: z.number().int(),
    source: z.string(),
    title: z.string(),
    zone: z.string(),
    date: z.string().optional(),
    quote: z.string(),
    chunkId: z.string(),
    start: z.number().int(),
    end: z.number().int(),
  })
  .openapi("Citation");
const answerSchema = z
  .object({
    answer: z.string(),
    refused: z.boolean(),
    mode: z.enum(["extractive", "llm"]),
    language: z.enum(["zh", "en"]),
    citations: z.array(citationSchema),
    warnings: z.array(z.string()),
    conversationId: z.string().optional(),
    standaloneQuestion: z.string().optional(),
    answerId: z.string().openapi({ description: "Pass to POST /api/feedback." }),
    snapshotVersion: z.string(),
  })
  .openapi("Answer");
const sourceSchema = z
  .object({
    chunkId: z.string(),
    source: z.string(),
    title: z.string(),
    zones: z.array(z.string()),
    date: z.string().optional(),
    dateEstimated: z.boolean(),
    publisher: z.string().optional(),
    text: z.string(),
    highlights: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
  })
  .openapi("Source");
const anyObject = z.record(z.unknown());

const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { "application/json": { schema } } });
const errors = {
  400: json(errorSchema, "Invalid request"),
  401: json(errorSchema, "Missing or wrong credentials"),
};
const adminErrors = {
  ...errors,
  403: json(errorSchema, "Admin API off (no ADMIN_TOKEN) or CSRF token missing/wrong"),
  429: json(errorSchema, "Too many failed admin sign-ins from this address (ADMIN_SIGNIN_FAILURES_PER_MINUTE); Retry-After says when"),
};

const adminSecurity: Array<Record<string, string[]>> = [{ adminBearer: [] }, { adminSession: [] }];

const routes: RouteConfig[] = [
  { method: "get", path: "/healthz", summary: "Live index status", responses: { 200: json(anyObject, "ok, index version, chunks …") } },
  {
    method: "post",
    path: "/api/ask",
    summary: "Ask a question (JSON answer)",
    request: { body: { content: { "application/json": { schema: askBodySchema } } } },
    responses: { 200: json(answerSchema, "The answer with citations"), ...errors, 413: json(errorSchema, "Body too large"), 415: json(errorSchema, "Not application/json") },
  },
  {
    method: "post",
    path: "/api/ask/stream",
    summary: "Ask a question; the answer as Server-Sent Events",
    description: "Events: `token` ({text}) while an LLM writes, then `answer` (the Answer object) or `error` ({error}). Extractive answers arrive as one `answer` event.",
    request: { body: { content: { "application/json": { schema: askBodySchema } } } },
    responses: { 200: { description: "text/event-stream", content: { "text/event-stream": { schema: z.string() } } }, ...errors, 415: json(errorSchema, "Not application/json") },
  },
  {
    method: "get",
    path: "/api/sources/{chunkId}",
    summary: "The article a citation points into, with the quoted sentences' ranges",
    request: { params: z.object({ chunkId: z.string().openapi({ description: "Citation chunkId, URL-encoded" }) }), query: sourceQuerySchema },
    responses: { 200: json(sourceSchema, "Article text and highlight ranges"), 404: json(errorSchema, "Unknown passage") },
  },
  {
    method: "get",
    path: "/api/facts",
    summary: "Figures the live index holds as facts, and policy rule records",
    description: "Filter with ?zone=衡阳高新区&metric=signed_investment&limit=100; metric=rules lists rule records only.",
    request: { query: factsQuerySchema },
    responses: { 200: json(anyObject, "{ total, facts, rules }"), ...errors },
  },
  {
    method: "get",
    path: "/api/overview",
    summary: "When the live index was built, and example questions (zh, en) drawn from what it covers",
    responses: { 200: json(anyObject, "{ indexVersion, builtAt, files, articles, examples: { zh, en } }"), ...errors },
  },
  {
    method: "get",
    path: "/api/original/{chunkId}",
    summary: "The original corpus file a citation comes from (inline for text and PDF, ?download=1 to save)",
    request: { params: z.object({ chunkId: z.string().openapi({ description: "Citation chunkId, URL-encoded" }) }), query: originalQuerySchema },
    responses: { 200: { description: "The file", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } }, 404: json(errorSchema, "Unknown passage or file gone"), ...errors },
  },
  {
    method: "post",
    path: "/api/feedback",
    summary: "👍/👎 on an answer, with an optional comment",
    request: { body: { content: { "application/json": { schema: feedbackBodySchema } } } },
    responses: { 200: json(anyObject, "Stored"), 404: json(errorSchema, "Unknown answer"), ...errors },
  },
  { method: "get", path: "/api/session", summary: "Whether an API key is required and present", responses: { 200: json(z.object({ required: z.boolean(), signedIn: z.boolean() }), "State") } },
  {
    method: "post",
    path: "/api/session",
    summary: "Sign in with one of API_KEYS (sets an httpOnly cookie)",
    request: { body: { content: { "application/json": { schema: apiSessionBodySchema } } } },
    responses: { 200: json(anyObject, "Signed in"), ...errors },
  },
  { method: "delete", path: "/api/session", summary: "Sign out (API key cookie)", responses: { 200: json(anyObject, "Signed out") } },
  { method: "get", path: "/api/openapi.json", summary: "This document", responses: { 200: json(anyObject, "OpenAPI 3 document") } },
  { method: "get", path: "/metrics", summary: "Prometheus metrics", responses: { 200: { description: "text/plain exposition format", content: { "text/plain": { schema: z.string() } } } } },
  {
    method: "post",
    path: "/admin/session",
    summary: "Admin sign-in with a token of ADMIN_TOKENS or ADMIN_TOKEN: session cookie (httpOnly, SameSite=Strict, expiring) and CSRF token",
    request: { body: { content: { "application/json": { schema: signInBodySchema } } } },
    responses: { 200: json(z.object({ signedIn: z.boolean(), admin: z.string(), expiresAt: z.string(), csrfToken: z.string() }), "Signed in (admin: the name from ADMIN_TOKENS, empty for ADMIN_TOKEN)"), ...adminErrors },
  },
  { method: "get", path: "/admin/session", summary: "Current admin session and a CSRF token", security: adminSecurity, responses: { 200: json(anyObject, "Session"), ...adminErrors } },
  { method: "delete", path: "/admin/session", summary: "Admin sign-out (needs x-csrf-token)", security: adminSecurity, responses: { 200: json(anyObject, "Signed out"), ...adminErrors } },
  {
    method: "post",
    path: "/admin/reindex",
    summary: "Start a re-index job",
    security: adminSecurity,
    request: { body: { required: false, content: { "application/json": { schema: reindexBodySchema } } } },
    responses: { 202: json(anyObject, "Job queued"), 409: json(errorSchema, "A build is running"), ...adminErrors },
  },
  {
    method: "post",
    path: "/admin/reindex/cancel",
    summary: "Cancel the running re-index (the live snapshot keeps serving)",
    security: adminSecurity,
    request: { body: { required: false, content: { "application/json": { schema: reindexCancelBodySchema } } } },
    responses: { 200: json(anyObject, "{ job } — cancelled, or the cancel request when it runs on another server"), 409: json(errorSchema, "No re-index is running"), ...adminErrors },
  },
  {
    method: "get",
    path: "/admin/audit",
    summary: "Audit log (who did what, when), newest first; search with q, page with limit and offset",
    security: adminSecurity,
    request: { query: auditQuerySchema },
    responses: { 200: json(anyObject, "{ audit, offset, limit, hasMore }"), ...adminErrors },
  },
  { method: "get", path: "/admin/status", summary: "Live snapshot, files, snapshots, last job with progress, snapshot history, start-up fallback, audit log", security: adminSecurity, responses: { 200: json(anyObject, "Status"), ...adminErrors } },
  {
    method: "post",
    path: "/admin/rollback",
    summary: "Make the previous live snapshot (no body) or a named one live again; 400 when the named snapshot does not exist",
    security: adminSecurity,
    request: { body: { required: false, content: { "application/json": { schema: rollbackBodySchema } } } },
    responses: { 200: json(z.object({ from: z.string(), to: z.string() }), "Rolled back"), 409: json(errorSchema, "A build is running"), ...adminErrors },
  },
  { method: "get", path: "/admin/documents", summary: "Every document in CORPUS_DIR with its state against the live snapshot (indexed, skipped with reason, changed, pending), size and date", security: adminSecurity, responses: { 200: json(anyObject, "Documents"), ...adminErrors } },
  {
    method: "post",
    path: "/admin/documents",
    summary: "Upload documents (.txt .md .html .docx .pdf), several at once",
    security: adminSecurity,
    request: { body: { content: { "multipart/form-data": { schema: z.object({ files: z.array(z.string().openapi({ format: "binary" })) }) } } } },
    responses: { 201: json(anyObject, "Saved"), 413: json(errorSchema, "File too large"), 415: json(errorSchema, "Not multipart"), ...adminErrors },
  },
  {
    method: "delete",
    path: "/admin/documents/{name}",
    summary: "Delete a document from CORPUS_DIR",
    security: adminSecurity,
    request: { params: z.object({ name: z.string() }) },
    responses: { 200: json(anyObject, "Deleted"), 404: json(errorSchema, "No such document"), ...adminErrors },
  },
  {
    method: "get",
    path: "/admin/questions",
    summary: "Question log, newest first (filters: q, from, to, refused, feedback; paging: limit, offset); CSV with format=csv",
    security: adminSecurity,
    request: { query: questionsQuerySchema },
    responses: { 200: { description: "Questions (JSON) or CSV", content: { "application/json": { schema: anyObject }, "text/csv": { schema: z.string() } } }, ...adminErrors },
  },
];

export function createOpenApiDocument(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "adminBearer", { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" });
  registry.registerComponent("securitySchemes", "adminSession", { type: "apiKey", in: "cookie", name: "zone_admin", description: "Console session; state-changing requests also need the x-csrf-token header" });
  for (const route of routes) registry.registerPath({ ...route, tags: [route.path.startsWith("/admin") ? "admin" : route.path.startsWith("/api") ? "api" : "operations"] });
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: { title: "Zone-policy assistant", version: "1", description: "HTTP API, web chat and admin console endpoints." },
  }) as unknown as Record<string, unknown>;
}
