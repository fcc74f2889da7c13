import type { FastifyError, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, isAppError } from "../../core/errors.js";

/**
 * Every HTTP error leaves the server as the product's coded JSON body (`{ error: { code, message,
 * hint } }`): framework errors (body limit, media type, CSRF) and route-schema validation errors
 * are translated here, in one place, for the server's error handler and for hijacked routes.
 */

declare module "fastify" {
  interface FastifyContextConfig {
    /** What a valid request looks like, for the REQUEST_INVALID hint (schema errors, broken JSON). */
    hint?: string;
  }
}

const parts: Record<string, string> = { body: "request body", querystring: "query", params: "path", headers: "headers" };

function tooLarge(limit: number): AppError {
  return new AppError("REQUEST_TOO_LARGE", `The request body is larger than ${limit} bytes.`, {
    hint: "Send a shorter request.",
  });
}

/** Maps framework and validation errors into the product's coded error family. */
function toAppError(error: FastifyError | Error, maxBodyBytes: number, request?: FastifyRequest): AppError | undefined {
  if (isAppError(error)) return error;
  const hint = request?.routeOptions.config?.hint;
  if (hasZodFastifySchemaValidationErrors(error)) {
    // The route's zod schema refused the request: the first problem names the field.
    const issue = error.validation[0]!.params.issue;
    const part = parts[(error as FastifyError).validationContext ?? "body"] ?? "request";
    return new AppError("REQUEST_INVALID", `Invalid ${part}: ${issue.path.join(".") || "body"}: ${issue.message}.`, { hint });
  }
  const code = (error as FastifyError).code;
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE" || code === "FST_REQ_FILE_TOO_LARGE" || code === "FST_PARTS_LIMIT" || code === "FST_FILES_LIMIT")
    return code === "FST_ERR_CTP_BODY_TOO_LARGE" ? tooLarge(maxBodyBytes) : new AppError("REQUEST_TOO_LARGE", error.message, { hint: "Upload fewer or smaller files." });
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || code === "FST_INVALID_MULTIPART_CONTENT_TYPE")
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "This content type is not accepted here.", { hint: "Send application/json (or multipart/form-data for uploads)." });
  if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || code === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return new AppError("REQUEST_INVALID", "The request body is not valid JSON.", { hint: hint ?? "Send a JSON object." });
  if (code?.startsWith("FST_CSRF")) return new AppError("FORBIDDEN", "Missing or wrong CSRF token.", { hint: "Reload the admin page and try again." });
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new AppError("REQUEST_INVALID", error.message);
  return undefined;
}

/** The JSON error body: client errors say what went wrong; server errors keep details in the log. */
export function errorBody(error: unknown, maxBodyBytes: number, request?: FastifyRequest): { status: number; body: unknown } {
  const appError = error instanceof Error ? toAppError(error, maxBodyBytes, request) : undefined;
  if (appError && appError.status < 500) return { status: appError.status, body: appError.toJSON() };
  return {
    status: appError?.status ?? 500,
    body: {
      error: {
        code: appError?.code ?? "INTERNAL",
        // Server-side messages can carry upstream details (an embedder's error, its URL): they go
        // to the log; the client gets the code and the hint.
        message: appError ? `The server could not handle the request (${appError.code}).` : "Something went wrong while handling the request.",
        hint: appError ? appError.hint : "Try again; if it keeps failing, check the server log.",
      },
    },
  };
}
