import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { QuestionLog, StateStore } from "../../chat/state-store.js";
import { AppError, isAppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { AnswerService } from "../../core/types.js";
import type { SignInGuard } from "../../admin/sign-in-guard.js";
import { bearerToken, secretMatches } from "../admin/admin-auth.js";
import type { Authorizer } from "../http/access.js";
import { askBodySchema, requireJson } from "../api/api-routes.js";
import type { FrameworkRoute } from "../http/routes.js";
import { parseWith } from "../http/validate.js";

/**
 * The web chat's endpoints and pages:
 *   GET  /, /admin                   the pages (static HTML; scripts and styles under /assets/)
 *   POST /api/ask/stream             the answer as Server-Sent Events (token … answer)
 *   GET  /api/sources/:chunkId       the cited article with the quoted sentences' ranges
 *   GET  /api/overview               when the index was built, example questions from what it covers
 *   GET  /api/original/:chunkId      the original corpus file of a citation (?download=1 to save it)
 *   POST /api/feedback               👍/👎 (with an optional comment) on an answer, stored with question, answer and snapshot
 *   POST /api/session, DELETE …      sign in with one of API_KEYS (cookie) / sign out
 * Each declares its access (see ../http/access.ts); the API_KEYS check is `createApiKeyAuthorizer`.
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

export const feedbackBodySchema = z
  .object({ answerId: z.string().min(1).max(100), value: z.enum(["up", "down"]), comment: z.string().max(2000).optional() })
  .strict();
export const originalQuerySchema = z.object({ download: z.enum(["0", "1"]).optional() }).strict();

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
export const apiSessionBodySchema = z.object({ key: z.string().min(1).max(1000) }).strict();
export const sourceQuerySchema = z.object({ quote: z.string().max(5000).optional() }).strict();

const API_KEY_COOKIE = "zone_api";

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

function tooManyKeys(reply: FastifyReply, retryAfterMs: number): AppError {
  void reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return new AppError("RATE_LIMITED", "Too many wrong API keys from this address.", { hint: "Wait a minute, then try again with a valid key." });
}

export interface WebRoutesOptions {
  service: AnswerService;
  store: Pick<StateStore, "recordFeedback"> & Pick<QuestionLog, "getQuestion" | "setQuestionFeedback">;
  log: Logger;
  apiKeys?: string[];
  /** Failed API-key sign-ins per address (POST /api/session); unlimited when omitted. */
  signIns?: SignInGuard;
}

function sse(reply: FastifyReply, event: string, data: unknown): void {
  reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function createWebRoutes(options: WebRoutesOptions): FrameworkRoute[] {
  const { service, store, log } = options;
  const apiKeys = options.apiKeys ?? [];
  return [
    { method: "GET", path: "/", access: "public", reply: (_request, reply) => reply.type("text/html; charset=utf-8").sendFile("index.html", pagesDir) },
    { method: "GET", path: "/admin", access: "public", reply: (_request, reply) => reply.type("text/html; charset=utf-8").sendFile("admin.html", pagesDir) },
    {
      method: "POST",
      path: "/api/ask/stream",
      access: "apiKey",
      limit: "ask",
      reply: async (request, reply) => {
        requireJson(request.headers["content-type"]);
        const body = parseWith(askBodySchema, request.body, 'Send {"question": "…", "conversationId": "optional"}.');
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
    },
    {
      method: "GET",
      path: "/api/sources/:chunkId",
      access: "apiKey",
      reply: async (request) => {
        if (!service.source) throw new AppError("NOT_FOUND", "Source viewing is not available on this server.");
        const { quote } = parseWith(sourceQuerySchema, request.query, "Use ?quote=<quoted text>.");
        return service.source((request.params as { chunkId: string }).chunkId, quote ?? "");
      },
    },
    {
      method: "GET",
      path: "/api/overview",
      access: "apiKey",
      reply: async () => {
        const status = service.status();
        return {
          indexVersion: status.indexVersion,
          builtAt: status.builtAt,
          files: status.files,
          articles: status.articles,
          examples: (await service.suggestions?.(4)) ?? { zh: [], en: [] },
        };
      },
    },
    {
      method: "GET",
      path: "/api/original/:chunkId",
      access: "apiKey",
      reply: async (request, reply) => {
        if (!service.original) throw new AppError("NOT_FOUND", "Original documents are not available on this server.");
        const { download } = parseWith(originalQuerySchema, request.query, "Use ?download=1 to save the file.");
        const original = await service.original((request.params as { chunkId: string }).chunkId);
        const type = originalTypes[path.extname(original.name).toLowerCase()];
        const disposition = download === "1" || !type || type.startsWith("application/vnd") ? "attachment" : "inline";
        const asciiName = original.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
        void reply
          .type(type ?? "application/octet-stream")
          .header("content-disposition", `${disposition}; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(original.name)}`);
        // Opened in its own tab, a text file runs nothing and reaches nothing (the browser's PDF viewer needs no sandbox: the page CSP applies).
        if (type !== "application/pdf") void reply.header("content-security-policy", "sandbox; default-src 'none'");
        return reply.send(createReadStream(original.path));
      },
    },
    {
      method: "POST",
      path: "/api/feedback",
      access: "apiKey",
      reply: async (request) => {
        requireJson(request.headers["content-type"]);
        const body = parseWith(feedbackBodySchema, request.body, 'Send {"answerId": "<from the answer>", "value": "up" | "down", "comment": "optional"}.');
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
    },
    {
      method: "GET",
      path: "/api/session",
      access: "public",
      noStore: true,
      reply: async (request) => ({ required: apiKeys.length > 0, signedIn: apiKeys.length === 0 || carriesKey(request, apiKeys) }),
    },
    {
      method: "POST",
      path: "/api/session",
      // Checks the key itself: wrong keys count per address, like admin sign-ins.
      access: "public",
      noStore: true,
      reply: async (request, reply) => {
        requireJson(request.headers["content-type"]);
        const body = parseWith(apiSessionBodySchema, request.body, 'Send {"key": "<one of API_KEYS>"}.');
        const blockedFor = options.signIns ? await options.signIns.blocked(request.ip) : undefined;
        if (!apiKeys.some((key) => secretMatches(body.key, key))) {
          const decision = await options.signIns?.failed(request.ip, "POST /api/session");
          if (blockedFor !== undefined || (decision && !decision.allowed)) throw tooManyKeys(reply, blockedFor ?? decision!.retryAfterMs);
          throw new AppError("UNAUTHORIZED", "That key is not valid.", { hint: "Ask the administrator for a key." });
        }
        if (blockedFor !== undefined) throw tooManyKeys(reply, blockedFor);
        void reply.setCookie(API_KEY_COOKIE, keyDigest(body.key), { path: "/api/", httpOnly: true, sameSite: "strict", signed: true, secure: request.secureCookie(), maxAge: 30 * 86400 });
        return { signedIn: true };
      },
    },
    {
      method: "DELETE",
      path: "/api/session",
      access: "public",
      reply: async (_request, reply) => {
        void reply.clearCookie(API_KEY_COOKIE, { path: "/api/" });
        return { signedIn: false };
      },
    },
  ];
}

/** The cookie holds a digest of the key, not the key itself. */
function keyDigest(key: string): string {
  return createHash("sha256").update(`zone-api-key\u0000${key}`).digest("hex");
}

function carriesKey(request: FastifyRequest, keys: readonly string[]): boolean {
  const bearer = bearerToken(request.headers);
  if (bearer !== undefined && keys.some((key) => secretMatches(bearer, key))) return true;
  const cookie = request.cookies[API_KEY_COOKIE];
  const unsigned = cookie ? request.unsignCookie(cookie) : undefined;
  return unsigned?.valid === true && unsigned.value !== null && keys.some((key) => secretMatches(unsigned.value!, keyDigest(key)));
}
