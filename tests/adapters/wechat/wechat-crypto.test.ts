import { createCipheriv, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptFor, decryptMessage, encryptMessage, sha1Signature, verifySignature } from "../../../src/adapters/wechat/wechat-crypto.js";
import { isAppError } from "../../../src/core/errors.js";

// Tencent's published WXBizMsgCrypt sample (Official Account, safe mode): an independent known answer.
const official = {
  token: "spamtest",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  appId: "wx2c2769f8efd9abc2",
  timestamp: "1409735669",
  nonce: "1320562132",
  msgSignature: "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
  encrypt:
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=",
};

const key = Buffer.from(official.encodingAesKey + "=", "base64");

/** Encrypts exactly as the WeChat servers do, written out with node:crypto (not the code under test). */
function handEncrypt(message: string, receiveId: string, random: Buffer, padOverride?: (length: number) => Buffer): string {
  const body = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(receiveId)]);
  const amount = 32 - (plain.length % 32);
  const padding = padOverride ? padOverride(amount) : Buffer.alloc(amount, amount);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, padding])), cipher.final()]).toString("base64");
}

function expectUnauthorized(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(isAppError(error) && error.code).toBe("UNAUTHORIZED");
    return;
  }
  throw new Error("expected UNAUTHORIZED");
}

describe("WXBizMsgCrypt", () => {
  it("decrypts Tencent's published sample and reproduces its msg_signature", () => {
    const { message, receiveId } = decryptMessage(official.encodingAesKey, official.encrypt);
    expect(receiveId).toBe(official.appId);
    expect(message).toContain("<Content><![CDATA[abcdteT]]></Content>");
    expect(message).toContain("<MsgId>6054768590064713728</MsgId>");
    expect(sha1Signature(official.token, official.timestamp, official.nonce, official.encrypt)).toBe(official.msgSignature);
  });

  it("matches a ciphertext built by hand, byte for byte, including 32-byte padding", () => {
    const random = Buffer.from("0123456789abcdef");
    const message = "<xml><Content><![CDATA[长治高新区有哪些优惠？]]></Content></xml>";
    const expected = handEncrypt(message, official.appId, random);
    expect(encryptMessage(official.encodingAesKey, message, official.appId, random)).toBe(expected);
    expect(decryptMessage(official.encodingAesKey, expected)).toEqual({ message, receiveId: official.appId });
    // A plaintext of 16+4+n+18 bytes padded to 32, not 16: ciphertext length is a multiple of 32.
    expect(Buffer.from(expected, "base64").length % 32).toBe(0);
  });

  it("pads a block-aligned plaintext with a full 32-byte block", () => {
    const receiveId = "ww1234567890abcd";
    // random(16) + length(4) + message + receiveId(16) = 64 bytes exactly, so PKCS#7 adds 32 more.
    const message = "x".repeat(64 - 16 - 4 - receiveId.length);
    const sealed = encryptMessage(official.encodingAesKey, message, receiveId, Buffer.alloc(16, 7));
    expect(Buffer.from(sealed, "base64").length).toBe(96);
    expect(decryptMessage(official.encodingAesKey, sealed).message).toBe(message);
  });

  it("refuses bad padding, truncated ciphertext and a foreign receive id", () => {
    const random = Buffer.alloc(16, 1);
    const zeroPad = handEncrypt("hello", official.appId, random, (amount) => Buffer.alloc(amount, 0));
    expectUnauthorized(() => decryptMessage(official.encodingAesKey, zeroPad));
    const mixedPad = handEncrypt("hello", official.appId, random, (amount) => Buffer.concat([Buffer.alloc(amount - 1, 1), Buffer.from([amount])]));
    expectUnauthorized(() => decryptMessage(official.encodingAesKey, mixedPad));
    expectUnauthorized(() => decryptMessage(official.encodingAesKey, official.encrypt.slice(0, 20)));
    expectUnauthorized(() => decryptFor(official.encodingAesKey, handEncrypt("hello", "wxOTHERAPP", random), official.appId));
    expect(decryptFor(official.encodingAesKey, handEncrypt("hello", official.appId, random), official.appId)).toBe("hello");
  });

  it("signs the sorted parts with sha1, like the platform", () => {
    const parts = ["tok", "1700000000", "42"].sort().join("");
    expect(sha1Signature("tok", "1700000000", "42")).toBe(createHash("sha1").update(parts).digest("hex"));
  });

  it("verifies signatures against an injected clock", () => {
    const token = "tok";
    const timestamp = "1700000000";
    const signature = sha1Signature(token, timestamp, "n1");
    const at = (seconds: number) => ({ token, nowMs: seconds * 1000, maxSkewSeconds: 300 });
    expect(() => verifySignature(at(1700000100), { signature, timestamp, nonce: "n1" })).not.toThrow();
    expectUnauthorized(() => verifySignature(at(1700000000 + 301), { signature, timestamp, nonce: "n1" }));
    expectUnauthorized(() => verifySignature(at(1700000000), { signature, timestamp, nonce: "n2" }));
    expectUnauthorized(() => verifySignature(at(1700000000), { signature: null, timestamp, nonce: "n1" }));
    expect(() => verifySignature({ token, nowMs: 0, maxSkewSeconds: 0 }, { signature: signature.toUpperCase(), timestamp, nonce: "n1" })).not.toThrow();
  });
});
