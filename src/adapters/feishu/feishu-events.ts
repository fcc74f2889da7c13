import * as lark from "@larksuiteoapi/node-sdk";
import { z } from "zod";
import type { Logger } from "../../core/logger.js";

/**
 * The Feishu event shapes the bot reads (after the SDK's dispatcher has flattened schema 2.0's
 * header and event), validated at the edge, and the small translations around them.
 */

export const messageEventSchema = z.object({
  sender: z.object({ sender_id: z.object({ open_id: z.string().optional() }).optional(), sender_type: z.string().optional() }).optional(),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().optional(),
    chat_id: z.string().min(1),
    chat_type: z.string().optional(),
    message_type: z.string().optional(),
    content: z.string().optional(),
    mentions: z.array(z.object({ key: z.string(), id: z.object({ open_id: z.string().optional() }).optional() })).optional(),
  }),
});

export const cardActionEventSchema = z.object({
  operator: z.object({ open_id: z.string().optional() }).optional(),
  action: z.object({ value: z.unknown() }).optional(),
  context: z.object({ open_message_id: z.string().optional() }).optional(),
});

/** `{"text":"@_user_1 长治…"}` → the question, mentions removed. */
export function questionText(content: string | undefined, mentions: Array<{ key: string }> = []): string {
  let text: string;
  try {
    const parsed = JSON.parse(content ?? "{}") as { text?: unknown };
    text = typeof parsed.text === "string" ? parsed.text : "";
  } catch {
    return "";
  }
  for (const mention of mentions) text = text.split(mention.key).join(" ");
  return text.replace(/@_all|@_user_\d+/g, " ").replace(/\s+/g, " ").trim();
}

/** FEISHU_DOMAIN → the SDK's domain. */
export function domainOf(setting: string): string | lark.Domain {
  if (setting === "feishu") return lark.Domain.Feishu;
  if (setting === "lark") return lark.Domain.Lark;
  return setting.replace(/\/+$/, "");
}

/** The SDK's logger interface onto ours (its info lines are debug here: one per connection step). */
export function sdkLogger(log: Logger) {
  const text = (parts: unknown[]) => parts.map((part) => (typeof part === "string" ? part : part instanceof Error ? part.message : JSON.stringify(part))).join(" ");
  return {
    error: (...parts: unknown[]) => log.error(`feishu: ${text(parts)}`),
    warn: (...parts: unknown[]) => log.warn(`feishu: ${text(parts)}`),
    info: (...parts: unknown[]) => log.debug(`feishu: ${text(parts)}`),
    debug: (...parts: unknown[]) => log.debug(`feishu: ${text(parts)}`),
    trace: (...parts: unknown[]) => log.debug(`feishu: ${text(parts)}`),
  };
}
