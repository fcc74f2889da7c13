import { z } from "zod";
import { AppError } from "../../core/errors.js";
import type { AnswerService } from "../../core/types.js";
import { sendJson, type Route } from "../http/routes.js";

/** The HTTP API: translate JSON bodies to `service.ask` and Answers back to JSON. */

export const askBodySchema = z.object({
  question: z.string({ required_error: "question is required", invalid_type_error: "question must be a string" }),
  conversationId: z.string().min(1).max(200).optional(),
});

export function parseAskBody(rawBody: Buffer): z.infer<typeof askBodySchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw new AppError("REQUEST_INVALID", "The request body is not valid JSON.", {
      hint: 'Send {"question": "…", "conversationId": "optional"} with Content-Type: application/json.',
    });
  }
  const result = askBodySchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError("REQUEST_INVALID", `Invalid request body: ${issue.path.join(".") || "body"}: ${issue.message}.`, {
      hint: 'Send {"question": "…", "conversationId": "optional"}.',
    });
  }
  return result.data;
}

export const factsQuerySchema = z.object({
  zone: z.string().max(100).optional(),
  metric: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/**
 * Only JSON bodies: a page on another site can post a plain form (urlencoded, multipart,
 * text/plain) without asking, but not application/json.
 */
export function requireJson(contentType: string | undefined): void {
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Content-Type ${contentType ? `"${contentType}"` : "(none)"} is not accepted here.`, {
      hint: "Send the body as JSON with Content-Type: application/json.",
    });
  }
}

export function createApiRoutes(service: AnswerService): Route[] {
  return [
    {
      method: "GET",
      path: "/healthz",
      access: "public",
      handler: ({ res }) => sendJson(res, 200, { ok: true, ...service.status() }),
    },
    {
      method: "GET",
      path: "/api/facts",
      access: "apiKey",
      // The figures the live index holds as facts: ?zone=衡阳高新区&metric=signed_investment&limit=100
      handler: ({ res, url }) => {
        const params = factsQuerySchema.safeParse(Object.fromEntries(url.searchParams));
        if (!params.success) {
          const issue = params.error.issues[0]!;
          throw new AppError("REQUEST_INVALID", `Invalid query: ${issue.path.join(".")}: ${issue.message}.`, {
            hint: "Use ?zone=<zone name>&metric=<metric key>&limit=<1-5000>.",
          });
        }
        const result = service.facts?.(params.data) ?? { total: 0, facts: [] };
        sendJson(res, 200, result);
      },
    },
    {
      method: "POST",
      path: "/api/ask",
      access: "apiKey",
      limit: "ask",
      handler: async ({ req, res, rawBody }) => {
        requireJson(req.headers["content-type"]);
        const body = parseAskBody(rawBody);
        // API conversations live in their own namespace: a client must not read or extend a Slack
        // thread's or a WeChat user's conversation by guessing its id.
        const conversationId = body.conversationId === undefined ? undefined : `api:${body.conversationId}`;
        const answer = await service.ask(body.question, { conversationId, platform: "api" });
        sendJson(res, 200, { ...answer, conversationId: body.conversationId });
      },
    },
  ];
}
