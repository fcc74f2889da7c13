import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Slack request signing (v0): HMAC-SHA256 of `v0:${timestamp}:${rawBody}` with the signing
 * secret. A pure function with an injected clock, so tests pass a fixed time instead of mocking
 * Date. Returns only a boolean: the caller answers an opaque 401, telling an attacker nothing.
 */

/** Slack's own limit: requests older (or newer) than five minutes may be replays. */
const SLACK_SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export interface SlackSignatureOptions {
  signingSecret: string;
  nowMs: number;
}

export function verifySlackSignature(options: SlackSignatureOptions, rawBody: Buffer | string, headers: IncomingHttpHeaders): boolean {
  const signature = single(headers["x-slack-signature"]);
  const timestampText = single(headers["x-slack-request-timestamp"]);
  if (!signature || !timestampText || !/^\d{1,12}$/.test(timestampText)) return false;
  const timestampMs = Number(timestampText) * 1000;
  if (Math.abs(options.nowMs - timestampMs) > SLACK_SIGNATURE_MAX_AGE_MS) return false;
  const expected = signSlackRequest(options.signingSecret, timestampText, rawBody);
  const given = Buffer.from(signature, "utf8");
  const wanted = Buffer.from(expected, "utf8");
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The `x-slack-signature` value Slack would send (also used by tests to sign requests). */
export function signSlackRequest(signingSecret: string, timestamp: string | number, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
