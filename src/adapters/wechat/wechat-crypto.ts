import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../../core/errors.js";

/**
 * WXBizMsgCrypt, the message encryption shared by WeChat Official Accounts (safe mode) and WeCom
 * callbacks. Pure functions; the official algorithm:
 * - signature = sha1(sort([token, timestamp, nonce, encrypt]).join("")) in hex;
 * - AES-256-CBC with key = base64(EncodingAESKey + "="), iv = key[0..16), PKCS#7 padding to a
 *   multiple of 32 bytes (not AES's 16), no OpenSSL padding;
 * - plaintext = random(16) ‖ uint32BE(len(msg)) ‖ msg ‖ receiveId (app id or corp id).
 * Every failure is an opaque UNAUTHORIZED so callers answer 401 without leaking which check failed.
 */

const blockSize = 32;

/** sha1 hex over the sorted, concatenated strings (the `encrypt` part only in safe mode / WeCom). */
export function sha1Signature(token: string, timestamp: string, nonce: string, encrypt?: string): string {
  const parts = encrypt === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, encrypt];
  // Plain code-unit sort, as the official SDKs (Python sort(), PHP SORT_STRING) do.
  parts.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  return createHash("sha1").update(parts.join(""), "utf8").digest("hex");
}

/** Constant-time comparison of an expected hex signature with one received (any case). */
export function signaturesMatch(expected: string, received: string | null | undefined): boolean {
  if (typeof received !== "string") return false;
  const left = Buffer.from(expected.toLowerCase(), "utf8");
  const right = Buffer.from(received.toLowerCase(), "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface SignatureCheck {
  token: string;
  /** Current time in epoch milliseconds (injected so tests pass a fixed clock). */
  nowMs: number;
  /** Refuse timestamps further than this from `nowMs`, against replays; 0 disables the check. */
  maxSkewSeconds: number;
}

/**
 * Verifies a WeChat/WeCom callback signature (and timestamp freshness). Returns nothing; throws
 * UNAUTHORIZED on any mismatch.
 */
export function verifySignature(
  check: SignatureCheck,
  params: { signature: string | null; timestamp: string | null; nonce: string | null; encrypt?: string },
): void {
  const { signature, timestamp, nonce } = params;
  if (!signature || !timestamp || !nonce) throw unauthorized();
  if (check.maxSkewSeconds > 0) {
    const seconds = Number(timestamp);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(check.nowMs / 1000 - seconds) > check.maxSkewSeconds) throw unauthorized();
  }
  if (!signaturesMatch(sha1Signature(check.token, timestamp, nonce, params.encrypt), signature)) throw unauthorized();
}

/** The 32-byte AES key from the 43-character EncodingAESKey shown in the platform console. */
function aesKeyFrom(encodingAesKey: string): Buffer {
  const key = Buffer.from(encodingAesKey + "=", "base64");
  if (encodingAesKey.length !== 43 || key.length !== 32) {
    throw new AppError("CONFIG_INVALID", "The EncodingAESKey must be the 43-character key from the WeChat/WeCom console.", {
      hint: "Copy WECHAT_AES_KEY / WECOM_AES_KEY again from the message server settings.",
    });
  }
  return key;
}

export interface DecryptedMessage {
  message: string;
  /** The app id (Official Account) or corp id (WeCom) the platform sealed into the message. */
  receiveId: string;
}

/** Decrypts a base64 `Encrypt` value; bad base64, padding or length → UNAUTHORIZED. */
export function decryptMessage(encodingAesKey: string, encrypted: string): DecryptedMessage {
  const key = aesKeyFrom(encodingAesKey);
  const cipherBytes = Buffer.from(encrypted, "base64");
  if (cipherBytes.length === 0 || cipherBytes.length % 16 !== 0) throw unauthorized();
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(cipherBytes), decipher.final()]);
  } catch {
    throw unauthorized();
  }
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > blockSize || pad > plain.length) throw unauthorized();
  for (let index = plain.length - pad; index < plain.length; index++) if (plain[index] !== pad) throw unauthorized();
  const content = plain.subarray(16, plain.length - pad);
  if (content.length < 4) throw unauthorized();
  const length = content.readUInt32BE(0);
  if (4 + length > content.length) throw unauthorized();
  return {
    message: content.subarray(4, 4 + length).toString("utf8"),
    receiveId: content.subarray(4 + length).toString("utf8"),
  };
}

/** Encrypts `message` for `receiveId`; `random16` is for known-answer tests (16 bytes). */
export function encryptMessage(encodingAesKey: string, message: string, receiveId: string, random16: Buffer = randomBytes(16)): string {
  if (random16.length !== 16) throw new RangeError("random16 must be 16 bytes");
  const key = aesKeyFrom(encodingAesKey);
  const body = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const unpadded = Buffer.concat([random16, length, body, Buffer.from(receiveId, "utf8")]);
  const pad = blockSize - (unpadded.length % blockSize);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([unpadded, Buffer.alloc(pad, pad)])), cipher.final()]).toString("base64");
}

/** Decrypts and insists the sealed receive id is ours (another app's message → UNAUTHORIZED). */
export function decryptFor(encodingAesKey: string, encrypted: string, expectedReceiveId: string): string {
  const { message, receiveId } = decryptMessage(encodingAesKey, encrypted);
  if (receiveId !== expectedReceiveId) throw unauthorized();
  return message;
}

function unauthorized(): AppError {
  return new AppError("UNAUTHORIZED", "The request signature is not valid.", {
    hint: "Check that the Token, EncodingAESKey and app id / corp id match the platform console.",
  });
}
