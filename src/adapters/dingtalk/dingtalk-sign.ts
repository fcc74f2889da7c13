import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * DingTalk's outgoing-robot callback signature: headers `timestamp` (epoch ms) and
 * `sign` = base64(HMAC-SHA256(appSecret, timestamp + "\n" + appSecret)). DingTalk treats a
 * timestamp more than an hour away as invalid; so do we. Pure, with an injected clock.
 */
export function dingtalkSign(appSecret: string, timestamp: string): string {
  return createHmac("sha256", appSecret).update(`${timestamp}\n${appSecret}`, "utf8").digest("base64");
}

export function verifyDingtalkRequest(check: { appSecret: string; nowMs: number; maxSkewMs?: number }, headers: IncomingHttpHeaders): boolean {
  const timestamp = single(headers.timestamp);
  const sign = single(headers.sign);
  if (!timestamp || !sign || !/^\d{1,15}$/.test(timestamp)) return false;
  if (Math.abs(check.nowMs - Number(timestamp)) > (check.maxSkewMs ?? 3_600_000)) return false;
  const expected = Buffer.from(dingtalkSign(check.appSecret, timestamp), "utf8");
  const received = Buffer.from(sign, "utf8");
  return expected.length === received.length && timingSafeEqual(expected, received);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
