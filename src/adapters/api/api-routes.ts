import type { FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../core/errors.js";
import type { AnswerService } from "../../core/types.js";
import { answerSchema, anyObject, errors, errorSchema, json } from "../http/openapi.js";
import type { HttpPlugin } from "../http/plugin.js";

/** The HTTP API: translate JSON bodies to `service.ask` and Answers back to JSON. */

export const askBodySchema = z.object({
  question: z.string({ required_error: "question is required", invalid_type_error: "question must be a string" }),
  conversationId: z.string().min(1).max(200).optional(),
});
export const askHint = 'Send {"question": "…", "conversationId": "optional"} with Content-Type: application/json.';

const factsQuerySchema = z.object({
  zone: z.string().max(100).optional(),
  metric: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/**
 * Only JSON bodies (a preValidation hook, so it answers before the body schema): a page on another
 * site can post a plain form (urlencoded, multipart, text/plain) without asking, but not application/json.
 */
export async function requireJson(request: FastifyRequest): Promise<void> {
  const contentType = request.headers["content-type"];
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Content-Type ${contentType ? `"${contentType}"` : "(none)"} is not accepted here.`, {
      hint: "Send the body as JSON with Content-Type: application/json.",
    });
  }
}

export function createApiPlugin(service: AnswerService): HttpPlugin {
  return async function api(plugin) {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.get(
      "/healthz",
      { config: { access: "public" }, schema: { summary: "Live index status", response: { 200: json(anyObject, "ok, index version, chunks …") } } },
      async () => ({ ok: true, ...service.status() }),
    );
    scope.get(
      "/api/facts",
      {
        config: { access: "apiKey", hint: "Use ?zone=<zone name>&metric=<metric key>&limit=<1-5000>." },
        schema: {
          summary: "Figures the live index holds as facts, and policy rule records",
          description: "Filter with ?zone=衡阳高新区&metric=signed_investment&limit=100; metric=rules lists rule records only.",
          querystring: factsQuerySchema,
          response: { 200: json(anyObject, "{ total, facts, rules }"), ...errors },
        },
      },
      async (request) => service.facts?.(request.query) ?? { total: 0, facts: [] },
    );
    scope.post(
      "/api/ask",
      {
        config: { access: "apiKey", limit: "ask", hint: askHint },
        preValidation: requireJson,
        schema: {
          summary: "Ask a question (JSON answer)",
          body: askBodySchema,
          response: { 200: json(answerSchema, "The answer with citations"), ...errors, 413: json(errorSchema, "Body too large"), 415: json(errorSchema, "Not application/json") },
        },
      },
      async (request) => {
        const body = request.body;
        // API conversations live in their own namespace: a client must not read or extend a Slack
        // thread's or a WeChat user's conversation by guessing its id.
        const conversationId = body.conversationId === undefined ? undefined : `api:${body.conversationId}`;
        const answer = await service.ask(body.question, { conversationId, platform: "api" });
        return { ...answer, conversationId: body.conversationId };
      },
    );
  };
}
