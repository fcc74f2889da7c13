import type { z } from "zod";
import { AppError } from "../../core/errors.js";

/** Validates a request part with its zod schema; the first problem becomes a 400 naming the field. */
export function parseWith<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, hint: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError("REQUEST_INVALID", `Invalid request: ${issue.path.join(".") || "body"}: ${issue.message}.`, { hint });
  }
  return result.data;
}
