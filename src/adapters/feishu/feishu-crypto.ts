import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "../../core/errors.js";
import { signaturesMatch } from "../wechat/wechat-crypto.js";

/** Feishu's event and callback JSON, untyped by its SDK: read field by field where used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the platform's payloads are free-form JSON
type FeishuPayload = Record<string, any>;

/**
 * Feishu/Lark HTTP callbacks (events and card actions), checked as Feishu documents them:
 * - X-Lark-Signature = sha256hex(timestamp + nonce + encryptKey + raw body), sent when an
 *   Encrypt Key is set;
 * - the body `{"encrypt": base64(iv ‖ AES-256-CBC(key = sha256(encryptKey), PKCS#7))}`;
 * - the verification token inside the (decrypted) payload: `header.token` (schema 2.0) or `token`.
 * The SDK's own check re-serialises the parsed body instead of hashing the bytes received and never
 * checks the token when encrypted, so these are ours. Every failure is an opaque UNAUTHORIZED.
 */

export interface FeishuKeys {
  encryptKey?: string;
  verificationToken?: string;
  /** Current time in epoch milliseconds (tests pass a fixed clock). */
  nowMs: number;
  /** Refuse timestamps further than this from nowMs (replays); 0 disables. */
  maxSkewSeconds: number;
}

export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey, "utf8").update(rawBody).digest("hex");
}

export function decryptFeishu(encryptKey: string, encrypted: string): string {
  const data = Buffer.from(encrypted, "base64");
  if (data.length < 32 || data.length % 16 !== 0) throw unauthorized();
  const decipher = createDecipheriv("aes-256-cbc", createHash("sha256").update(encryptKey, "utf8").digest(), data.subarray(0, 16));
  try {
    return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString("utf8");
  } catch {
    throw unauthorized();
  }
}

/** The inverse of decryptFeishu, as Feishu encrypts (tests and the bench send what Feishu sends). */
export function encryptFeishu(encryptKey: string, plain: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv("aes-256-cbc", createHash("sha256").update(encryptKey, "utf8").digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

/** Verifies and opens one callback body; returns the plain payload (url_verification, event or card action). */
export function openFeishuCallback(keys: FeishuKeys, rawBody: Buffer, headers: IncomingHttpHeaders): FeishuPayload {
  const envelope = parseObject(rawBody.toString("utf8"));
  if (keys.encryptKey) {
    const timestamp = header(headers, "x-lark-request-timestamp");
    const nonce = header(headers, "x-lark-request-nonce");
    const signature = header(headers, "x-lark-signature");
    // Feishu signs every callback once an Encrypt Key is set, except the url_verification challenge.
    if (timestamp && nonce && signature) {
      if (keys.maxSkewSeconds > 0 && (!/^\d{1,12}$/.test(timestamp) || Math.abs(keys.nowMs / 1000 - Number(timestamp)) > keys.maxSkewSeconds)) throw unauthorized();
      if (!signaturesMatch(feishuSignature(timestamp, nonce, keys.encryptKey, rawBody), signature)) throw unauthorized();
    } else if (!(typeof envelope.encrypt === "string")) {
      throw unauthorized();
    }
  }
  let payload = envelope;
  if (typeof envelope.encrypt === "string") {
    if (!keys.encryptKey) throw unauthorized();
    payload = parseObject(decryptFeishu(keys.encryptKey, envelope.encrypt));
  } else if (keys.encryptKey) {
    // An Encrypt Key is configured: Feishu never sends plain bodies then.
    throw unauthorized();
  }
  const token = (payload.header as { token?: unknown } | undefined)?.token ?? payload.token;
  if (keys.verificationToken && (typeof token !== "string" || !sameText(keys.verificationToken, token))) throw unauthorized();
  return payload;
}

function sameText(expected: string, received: string): boolean {
  const left = Buffer.from(expected, "utf8");
  const right = Buffer.from(received, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function parseObject(text: string): FeishuPayload {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as FeishuPayload;
  } catch {
    // falls through
  }
  throw unauthorized();
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unauthorized(): AppError {
  return new AppError("UNAUTHORIZED", "The Feishu callback could not be verified.", {
    hint: "Check FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN against the app's Events & Callbacks page.",
  });
}
