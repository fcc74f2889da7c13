import type { DeliveryCore } from "../../chat/delivery.js";
import type { Config } from "../../core/config.js";
import { AppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { HttpPlugin } from "../http/plugin.js";
import { createWeixinCallbackPlugin } from "./weixin-callback.js";
import { decryptFor, verifySignature } from "./wechat-crypto.js";
import { parseWechatXml, sealedReplyXml } from "./wechat-xml.js";
import { createWeixinApi, type FetchLike } from "./weixin-api.js";

/**
 * WeChat Official Account callback at GET/POST /wechat (plaintext, compatible and safe mode) on
 * the shared Weixin callback (./weixin-callback.ts): answers go back passively within
 * WECHAT_REPLY_TIMEOUT_MS, slower ones through the customer-service API.
 */

type WechatConfig = Pick<
  Config,
  "WECHAT_TOKEN" | "WECHAT_APP_ID" | "WECHAT_APP_SECRET" | "WECHAT_AES_KEY" | "WECHAT_API_URL" | "WECHAT_REPLY_TIMEOUT_MS"
>;

export interface WechatRoutesOptions {
  config: WechatConfig;
  delivery: DeliveryCore;
  log: Logger;
  fetch?: FetchLike;
  now?: () => number;
  /** Replay window for callback timestamps (default 300 s; 0 disables). */
  maxSkewSeconds?: number;
}

/** The Official Account's plugin; none when WECHAT_TOKEN is not set. */
export function createWechatPlugin(options: WechatRoutesOptions): HttpPlugin | undefined {
  const { config, log } = options;
  const token = config.WECHAT_TOKEN;
  if (!token) return undefined;
  const now = options.now ?? Date.now;
  const check = () => ({ token, nowMs: now(), maxSkewSeconds: options.maxSkewSeconds ?? 300 });
  const api =
    config.WECHAT_APP_ID && config.WECHAT_APP_SECRET
      ? createWeixinApi({
          platform: "WeChat",
          baseUrl: config.WECHAT_API_URL,
          tokenPath: `/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(config.WECHAT_APP_ID)}&secret=${encodeURIComponent(config.WECHAT_APP_SECRET)}`,
          fetch: options.fetch,
          now,
        })
      : undefined;

  return createWeixinCallbackPlugin({
    platform: "wechat",
    path: "/wechat",
    delivery: options.delivery,
    log,
    now,
    echo: (query) => {
      verifySignature(check(), { signature: query.get("signature"), timestamp: query.get("timestamp"), nonce: query.get("nonce") });
      return query.get("echostr") ?? "";
    },
    open: (query, rawBody) => {
      const timestamp = query.get("timestamp");
      const nonce = query.get("nonce");
      if (query.get("encrypt_type") === "aes") {
        const envelope = parseWechatXml(rawBody);
        const { WECHAT_AES_KEY: aesKey, WECHAT_APP_ID: appId } = config;
        if (!aesKey || !appId) {
          log.warn("wechat: an encrypted message arrived but WECHAT_AES_KEY / WECHAT_APP_ID are not set");
          throw new AppError("UNAUTHORIZED", "Encrypted messages are not configured.");
        }
        verifySignature(check(), { signature: query.get("msg_signature"), timestamp, nonce, encrypt: envelope.Encrypt ?? "" });
        return {
          fields: parseWechatXml(decryptFor(aesKey, envelope.Encrypt ?? "", appId)),
          // Safe mode: the passive reply is sealed like the message was.
          seal: (plain, nowSeconds) => sealedReplyXml(plain, { token, encodingAesKey: aesKey, receiveId: appId, nowSeconds }),
        };
      }
      // Plaintext signatures do not cover the body, so once a key is set only sealed messages are trusted.
      if (config.WECHAT_AES_KEY) {
        log.warn("wechat: refused a plaintext message because WECHAT_AES_KEY is set (choose 安全模式 or 兼容模式 in the console)");
        throw new AppError("UNAUTHORIZED", "Only encrypted messages are accepted.");
      }
      verifySignature(check(), { signature: query.get("signature"), timestamp, nonce });
      return { fields: parseWechatXml(rawBody) };
    },
    messageId: (fields) => fields.MsgId ?? `${fields.FromUserName ?? ""}:${fields.CreateTime ?? ""}`,
    reply: { mode: "passive", timeoutMs: config.WECHAT_REPLY_TIMEOUT_MS },
    send: async (user, messages) => {
      if (!api) {
        log.warn("wechat: an answer was too slow for a passive reply and WECHAT_APP_ID / WECHAT_APP_SECRET are not set, so it was dropped");
        return;
      }
      for (const content of messages) await api.post("/cgi-bin/message/custom/send", { touser: user, msgtype: "text", text: { content } });
    },
  });
}
