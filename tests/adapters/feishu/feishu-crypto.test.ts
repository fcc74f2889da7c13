import { AESCipher } from "@larksuiteoapi/node-sdk";
import { describe, expect, it } from "vitest";
import { decryptFeishu, encryptFeishu, feishuSignature, openFeishuCallback } from "../../../src/adapters/feishu/feishu-crypto.js";

const nowMs = 1_700_000_000_000;
const timestamp = String(nowMs / 1000);
const keys = { encryptKey: "encrypt-key", verificationToken: "token-1", nowMs, maxSkewSeconds: 300 };

function signed(body: string, options: { timestamp?: string; key?: string } = {}) {
  const at = options.timestamp ?? timestamp;
  return { "x-lark-request-timestamp": at, "x-lark-request-nonce": "nonce-1", "x-lark-signature": feishuSignature(at, "nonce-1", options.key ?? keys.encryptKey, body) };
}

describe("Feishu callback crypto", () => {
  it("decrypts Feishu's published example and interoperates with the SDK's AESCipher", () => {
    expect(decryptFeishu("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")).toBe("hello world");
    expect(new AESCipher("encrypt-key").decrypt(encryptFeishu("encrypt-key", "长治高新区 ✓"))).toBe("长治高新区 ✓");
  });

  it("checks the signature over the bytes received (Feishu's own spacing), not a re-serialisation", () => {
    const inner = JSON.stringify({ schema: "2.0", header: { token: "token-1", event_type: "im.message.receive_v1" }, event: {} });
    const body = `{ "encrypt" :  "${encryptFeishu(keys.encryptKey, inner)}" }`;
    expect(openFeishuCallback(keys, Buffer.from(body), signed(body))).toMatchObject({ header: { event_type: "im.message.receive_v1" } });
  });

  it("refuses a stale timestamp, a wrong key, a wrong token and a plain body", () => {
    const encrypted = (payload: unknown) => JSON.stringify({ encrypt: encryptFeishu(keys.encryptKey, JSON.stringify(payload)) });
    const good = encrypted({ schema: "2.0", header: { token: "token-1" }, event: {} });
    const stale = String(nowMs / 1000 - 301);
    expect(() => openFeishuCallback(keys, Buffer.from(good), signed(good, { timestamp: stale }))).toThrow(/could not be verified/);
    expect(() => openFeishuCallback(keys, Buffer.from(good), signed(good, { key: "other" }))).toThrow(/could not be verified/);
    const wrongToken = encrypted({ schema: "2.0", header: { token: "token-2" }, event: {} });
    expect(() => openFeishuCallback(keys, Buffer.from(wrongToken), signed(wrongToken))).toThrow(/could not be verified/);
    const plain = JSON.stringify({ schema: "2.0", header: { token: "token-1" }, event: {} });
    expect(() => openFeishuCallback(keys, Buffer.from(plain), signed(plain))).toThrow(/could not be verified/);
    expect(() => openFeishuCallback(keys, Buffer.from("not json"), {})).toThrow(/could not be verified/);
  });

  it("without an Encrypt Key, takes plain bodies carrying the verification token", () => {
    const tokenOnly = { verificationToken: "token-1", nowMs, maxSkewSeconds: 300 };
    const challenge = JSON.stringify({ challenge: "c-1", token: "token-1", type: "url_verification" });
    expect(openFeishuCallback(tokenOnly, Buffer.from(challenge), {})).toMatchObject({ challenge: "c-1" });
    expect(() => openFeishuCallback(tokenOnly, Buffer.from(challenge.replace("token-1", "token-x")), {})).toThrow(/could not be verified/);
  });
});

describe("Feishu card text", () => {
  it("escapes what lark_md would read as tags or emphasis", async () => {
    const { escapeLarkMd } = await import("../../../src/adapters/feishu/feishu-card.js");
    expect(escapeLarkMd("<at id=all></at> 增长*30%*~")).toBe("&#60;at id=all&#62;&#60;/at&#62; 增长&#42;30%&#42;&#126;");
  });
});
