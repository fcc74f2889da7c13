import { randomBytes } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { AppError } from "../../core/errors.js";
import { encryptMessage, sha1Signature } from "./wechat-crypto.js";

/**
 * The XML envelope shared by WeChat Official Accounts and WeCom callbacks: a flat `<xml>` element
 * whose children are text or CDATA. Values stay strings (MsgId is a 64-bit integer that a JS
 * number would round, which would break de-duplication).
 */

export type WechatFields = Record<string, string>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  trimValues: true,
});

/** Parses the flat `<xml>` envelope; anything else (or a DOCTYPE, to rule out entity tricks) → REQUEST_INVALID. */
export function parseWechatXml(raw: Buffer | string): WechatFields {
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw invalid("DOCTYPE is not allowed");
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : "malformed XML");
  }
  const root = (parsed as { xml?: unknown } | undefined)?.xml;
  if (root === null || typeof root !== "object" || Array.isArray(root)) throw invalid("missing <xml> root");
  const fields: WechatFields = {};
  for (const [name, value] of Object.entries(root as Record<string, unknown>)) {
    // Nested elements (e.g. ScanCodeInfo) are not needed for text answers; keep scalars only.
    if (typeof value === "string") fields[name] = value;
    else if (typeof value === "number" || typeof value === "boolean") fields[name] = String(value);
  }
  return fields;
}

function invalid(reason: string): AppError {
  return new AppError("REQUEST_INVALID", "The message body is not valid WeChat XML.", { details: { reason } });
}

function cdata(value: string): string {
  // "]]>" would close the section early; split it across two sections as the XML spec allows.
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** Builds a flat `<xml>` with CDATA strings and bare numbers, as the platforms send them. */
export function buildWechatXml(fields: Record<string, string | number>): string {
  const children = Object.entries(fields).map(([name, value]) =>
    typeof value === "number" ? `<${name}>${value}</${name}>` : `<${name}>${cdata(value)}</${name}>`,
  );
  return `<xml>${children.join("")}</xml>`;
}

/** Passive text reply: to the sender, from the account that received the message. */
export function textReplyXml(incoming: WechatFields, content: string, nowSeconds: number): string {
  return buildWechatXml({
    ToUserName: incoming.FromUserName ?? "",
    FromUserName: incoming.ToUserName ?? "",
    CreateTime: nowSeconds,
    MsgType: "text",
    Content: content,
  });
}

export interface SealOptions {
  token: string;
  encodingAesKey: string;
  receiveId: string;
  nowSeconds: number;
  nonce?: string;
  random16?: Buffer;
}

/** Wraps a reply for safe mode: Encrypt + MsgSignature over token/timestamp/nonce/Encrypt. */
export function sealedReplyXml(plainXml: string, options: SealOptions): string {
  const encrypt = encryptMessage(options.encodingAesKey, plainXml, options.receiveId, options.random16);
  const timestamp = String(options.nowSeconds);
  const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
  return buildWechatXml({
    Encrypt: encrypt,
    MsgSignature: sha1Signature(options.token, timestamp, nonce, encrypt),
    TimeStamp: options.nowSeconds,
    Nonce: nonce,
  });
}
