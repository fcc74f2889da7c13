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
      handler: ({ res }) => sendJson(res, 200, { ok: true, ...service.status() }),
    },
    {
      method: "POST",
      path: "/api/ask",
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
