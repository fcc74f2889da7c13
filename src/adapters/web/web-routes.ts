import { createReadStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { FeedbackStore, QuestionLog } from "../../state/question-log.js";
import { AppError, isAppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { AnswerService } from "../../core/types.js";
import type { SignInGuard } from "../../admin/sign-in-guard.js";
import { secretMatches } from "../admin/admin-auth.js";
import { askBodySchema, askHint, requireJson } from "../api/api-routes.js";
import { anyObject, errors, errorSchema, json, other, sourceSchema } from "../http/openapi.js";
import type { HttpPlugin } from "../http/plugin.js";
import { API_KEY_COOKIE, carriesKey, keyDigest, tooManyKeys } from "./api-key.js";

/**
 * The web chat's endpoints and pages, one plugin per area:
 *   pages     GET  /, /admin                   the pages (static HTML; scripts and styles under /assets/)
 *   ask       POST /api/ask/stream             the answer as Server-Sent Events (token … answer)
 *   sources   GET  /api/sources/:chunkId       the cited article with the quoted sentences' ranges
 *             GET  /api/overview               when the index was built, example questions from what it covers
 *             GET  /api/original/:chunkId      the original corpus file of a citation (?download=1 to save it)
 *   feedback  POST /api/feedback               👍/👎 (with an optional comment) on an answer, stored with question, answer and snapshot
 *   session   POST /api/session, DELETE …      sign in with one of API_KEYS (cookie) / sign out
 * Each declares its access (see ../http/access.ts); the API_KEYS check is `createApiKeyAuthorizer` (./api-key.ts).
 */

export const pagesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "pages");

/** Every page and asset is local; no inline script or style, no other origin. */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join("; ");

export const securityHeaders: Record<string, string> = {
  "content-security-policy": contentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const feedbackBodySchema = z
  .object({ answerId: z.string().min(1).max(100), value: z.enum(["up", "down"]), comment: z.string().max(2000).optional() })
  .strict();
const originalQuerySchema = z.object({ download: z.enum(["0", "1"]).optional() }).strict();

/** How an original corpus file is served: only types a browser shows safely; the rest are downloaded. */
const originalTypes: Record<string, string> = {
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".markdown": "text/plain; charset=utf-8",
  // Shown as its source text: a corpus page's scripts must never run on this origin.
  ".html": "text/plain; charset=utf-8",
  ".htm": "text/plain; charset=utf-8",
  ".pdf": "application/pdf",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};
const apiSessionBodySchema = z.object({ key: z.string().min(1).max(1000) }).strict();
const sourceQuerySchema = z.object({ quote: z.string().max(5000).optional() }).strict();

export interface WebRoutesOptions {
  service: AnswerService;
  store: Pick<FeedbackStore, "recordFeedback"> & Pick<QuestionLog, "getQuestion" | "setQuestionFeedback">;
  log: Logger;
  apiKeys?: string[];
  /** Failed API-key sign-ins per address (POST /api/session); unlimited when omitted. */
  signIns?: SignInGuard;
}

function sse(reply: FastifyReply, event: string, data: unknown): void {
  reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

const chunkIdParams = z.object({ chunkId: z.string().describe("Citation chunkId, URL-encoded") });

export function createWebPlugins(options: WebRoutesOptions): HttpPlugin[] {
  const { service, store, log } = options;
  const apiKeys = options.apiKeys ?? [];

  const pages: HttpPlugin = async function webPages(scope) {
    scope.get("/", { config: { access: "public" } }, (_request, reply) => reply.type("text/html; charset=utf-8").sendFile("index.html", pagesDir));
    scope.get("/admin", { config: { access: "public" } }, (_request, reply) => reply.type("text/html; charset=utf-8").sendFile("admin.html", pagesDir));
  };

  const ask: HttpPlugin = async function webAsk(plugin) {
    plugin.withTypeProvider<ZodTypeProvider>().post(
      "/api/ask/stream",
      {
        config: { access: "apiKey", limit: "ask", hint: askHint },
        preValidation: requireJson,
        schema: {
          summary: "Ask a question; the answer as Server-Sent Events",
          description: "Events: `token` ({text}) while an LLM writes, then `answer` (the Answer object) or `error` ({error}). Extractive answers arrive as one `answer` event.",
          body: askBodySchema,
          response: { 200: other("text/event-stream", "text/event-stream"), ...errors, 415: json(errorSchema, "Not application/json") },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const controller = new AbortController();
        // A closed tab stops the LLM call instead of paying for an answer nobody reads. (The
        // request's own "close" fires once its body is read, so watch the response.)
        reply.raw.once("close", () => {
          if (!reply.raw.writableEnded) controller.abort();
        });
        reply.hijack();
        reply.raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
        try {
          const answer = await service.ask(body.question, {
            conversationId: body.conversationId === undefined ? undefined : `web:${body.conversationId}`,
            platform: "web",
            signal: controller.signal,
            onToken: (token) => sse(reply, "token", { text: token }),
          });
          sse(reply, "answer", { ...answer, conversationId: body.conversationId });
        } catch (error) {
          // The stream has started, so errors travel as an event, with the same coded body as JSON errors.
          if (!isAppError(error) || error.status >= 500) log.error("web ask failed", error);
          const safe = isAppError(error) && error.status < 500 ? error.toJSON() : { error: { code: "INTERNAL", message: "The answer could not be produced.", hint: "Try again; if it keeps failing, check the server log." } };
          sse(reply, "error", safe);
        }
        reply.raw.end();
      },
    );
  };

  const sources: HttpPlugin = async function webSources(plugin) {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.get(
      "/api/sources/:chunkId",
      {
        config: { access: "apiKey", hint: "Use ?quote=<quoted text>." },
        schema: {
          summary: "The article a citation points into, with the quoted sentences' ranges",
          params: chunkIdParams,
          querystring: sourceQuerySchema,
          response: { 200: json(sourceSchema, "Article text and highlight ranges"), 404: json(errorSchema, "Unknown passage") },
        },
      },
      async (request) => {
        if (!service.source) throw new AppError("NOT_FOUND", "Source viewing is not available on this server.");
        return service.source(request.params.chunkId, request.query.quote ?? "");
      },
    );
    scope.get(
      "/api/overview",
      {
        config: { access: "apiKey" },
        schema: {
          summary: "When the live index was built, and example questions (zh, en) drawn from what it covers",
          response: { 200: json(anyObject, "{ indexVersion, builtAt, files, articles, examples: { zh, en } }"), ...errors },
        },
      },
      async () => {
        const status = service.status();
        return {
          indexVersion: status.indexVersion,
          builtAt: status.builtAt,
          files: status.files,
          articles: status.articles,
          examples: (await service.suggestions?.(4)) ?? { zh: [], en: [] },
        };
      },
    );
    scope.get(
      "/api/original/:chunkId",
      {
        config: { access: "apiKey", hint: "Use ?download=1 to save the file." },
        schema: {
          summary: "The original corpus file a citation comes from (inline for text and PDF, ?download=1 to save)",
          params: chunkIdParams,
          querystring: originalQuerySchema,
          response: { 200: other("application/octet-stream", "The file", { type: "string", format: "binary" }), 404: json(errorSchema, "Unknown passage or file gone"), ...errors },
        },
      },
      async (request, reply) => {
        if (!service.original) throw new AppError("NOT_FOUND", "Original documents are not available on this server.");
        const original = await service.original(request.params.chunkId);
        const type = originalTypes[path.extname(original.name).toLowerCase()];
        const disposition = request.query.download === "1" || !type || type.startsWith("application/vnd") ? "attachment" : "inline";
        const asciiName = original.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
        void reply
          .type(type ?? "application/octet-stream")
          .header("content-disposition", `${disposition}; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(original.name)}`);
        // Opened in its own tab, a text file runs nothing and reaches nothing (the browser's PDF viewer needs no sandbox: the page CSP applies).
        if (type !== "application/pdf") void reply.header("content-security-policy", "sandbox; default-src 'none'");
        return reply.send(createReadStream(original.path));
      },
    );
  };

  const feedback: HttpPlugin = async function webFeedback(plugin) {
    plugin.withTypeProvider<ZodTypeProvider>().post(
      "/api/feedback",
      {
        config: { access: "apiKey", hint: 'Send {"answerId": "<from the answer>", "value": "up" | "down", "comment": "optional"}.' },
        preValidation: requireJson,
        schema: {
          summary: "👍/👎 on an answer, with an optional comment",
          body: feedbackBodySchema,
          response: { 200: json(anyObject, "Stored"), 404: json(errorSchema, "Unknown answer"), ...errors },
        },
      },
      async (request) => {
        const body = request.body;
        const record = await store.getQuestion(body.answerId);
        if (!record) throw new AppError("NOT_FOUND", "That answer is unknown (or older than the question log keeps).", { hint: "Give feedback on a recent answer." });
        const comment = body.comment?.trim() || undefined;
        await store.setQuestionFeedback(body.answerId, body.value, comment);
        await store.recordFeedback({
          platform: record.platform,
          user: request.ip,
          conversationId: record.conversationId ?? "",
          messageId: record.id,
          value: body.value,
          question: record.question,
          answer: record.answer,
          snapshotVersion: record.snapshotVersion,
          ...(comment ? { comment } : {}),
          at: Date.now(),
        });
        return { ok: true, answerId: body.answerId, value: body.value, ...(comment ? { comment } : {}) };
      },
    );
  };

  const session: HttpPlugin = async function apiKeySession(plugin) {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.get(
      "/api/session",
      {
        config: { access: "public", noStore: true },
        schema: { summary: "Whether an API key is required and present", response: { 200: json(z.object({ required: z.boolean(), signedIn: z.boolean() }), "State") } },
      },
      async (request) => ({ required: apiKeys.length > 0, signedIn: apiKeys.length === 0 || carriesKey(request, apiKeys) }),
    );
    scope.post(
      "/api/session",
      {
        // Checks the key itself: wrong keys count per address, like admin sign-ins.
        config: { access: "public", noStore: true, hint: 'Send {"key": "<one of API_KEYS>"}.' },
        preValidation: requireJson,
        schema: { summary: "Sign in with one of API_KEYS (sets an httpOnly cookie)", body: apiSessionBodySchema, response: { 200: json(anyObject, "Signed in"), ...errors } },
      },
      async (request, reply) => {
        const blockedFor = options.signIns ? await options.signIns.blocked(request.ip) : undefined;
        if (!apiKeys.some((key) => secretMatches(request.body.key, key))) {
          const decision = await options.signIns?.failed(request.ip, "POST /api/session");
          if (blockedFor !== undefined || (decision && !decision.allowed)) throw tooManyKeys(reply, blockedFor ?? decision!.retryAfterMs);
          throw new AppError("UNAUTHORIZED", "That key is not valid.", { hint: "Ask the administrator for a key." });
        }
        if (blockedFor !== undefined) throw tooManyKeys(reply, blockedFor);
        void reply.setCookie(API_KEY_COOKIE, keyDigest(request.body.key), { path: "/api/", httpOnly: true, sameSite: "strict", signed: true, secure: request.secureCookie(), maxAge: 30 * 86400 });
        return { signedIn: true };
      },
    );
    scope.delete("/api/session", { config: { access: "public" }, schema: { summary: "Sign out (API key cookie)", response: { 200: json(anyObject, "Signed out") } } }, async (_request, reply) => {
      void reply.clearCookie(API_KEY_COOKIE, { path: "/api/" });
      return { signedIn: false };
    });
  };

  return [pages, ask, sources, feedback, session];
}
