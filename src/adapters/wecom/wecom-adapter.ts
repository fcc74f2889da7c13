import type { DeliveryCore } from "../../chat/delivery.js";
import type { Config } from "../../core/config.js";
import type { Logger } from "../../core/logger.js";
import type { HttpPlugin } from "../http/plugin.js";
import { createWeixinCallbackPlugin } from "../wechat/weixin-callback.js";
import { decryptFor, verifySignature } from "../wechat/wechat-crypto.js";
import { parseWechatXml } from "../wechat/wechat-xml.js";
import { createWeixinApi, type FetchLike } from "../wechat/weixin-api.js";

/**
 * WeCom (企业微信) self-built app callback at GET/POST /wecom on the shared Weixin callback
 * (../wechat/weixin-callback.ts). Callbacks are always encrypted (WXBizMsgCrypt with the corp id as
 * receive id); every message is acknowledged at once and answered through message/send.
 */

type WecomConfig = Pick<
  Config,
  "WECOM_CORP_ID" | "WECOM_AGENT_ID" | "WECOM_SECRET" | "WECOM_TOKEN" | "WECOM_AES_KEY" | "WECOM_API_URL"
>;

export interface WecomRoutesOptions {
  config: WecomConfig;
  delivery: DeliveryCore;
  log: Logger;
  fetch?: FetchLike;
  now?: () => number;
  /** Replay window for callback timestamps (default 300 s; 0 disables). */
  maxSkewSeconds?: number;
}

/** The WeCom app's plugin; none until WECOM_TOKEN, WECOM_AES_KEY and WECOM_CORP_ID are all set. */
export function createWecomPlugin(options: WecomRoutesOptions): HttpPlugin | undefined {
  const { config, log } = options;
  const { WECOM_TOKEN: token, WECOM_AES_KEY: aesKey, WECOM_CORP_ID: corpId } = config;
  if (!token || !aesKey || !corpId) return undefined;
  const now = options.now ?? Date.now;
  const check = () => ({ token, nowMs: now(), maxSkewSeconds: options.maxSkewSeconds ?? 300 });
  const api =
    config.WECOM_SECRET && config.WECOM_AGENT_ID
      ? createWeixinApi({
          platform: "WeCom",
          baseUrl: config.WECOM_API_URL,
          tokenPath: `/cgi-bin/gettoken?corpid=${encodeURIComponent(corpId)}&corpsecret=${encodeURIComponent(config.WECOM_SECRET)}`,
          fetch: options.fetch,
          now,
        })
      : undefined;
  if (!api) log.warn("wecom: WECOM_SECRET / WECOM_AGENT_ID are not set, so answers cannot be sent");

  const signed = (query: URLSearchParams, encrypt: string) => {
    verifySignature(check(), { signature: query.get("msg_signature"), timestamp: query.get("timestamp"), nonce: query.get("nonce"), encrypt });
    return decryptFor(aesKey, encrypt, corpId);
  };

  return createWeixinCallbackPlugin({
    platform: "wecom",
    path: "/wecom",
    delivery: options.delivery,
    log,
    now,
    // The echo is sealed too: the decrypted text proves the server holds the key.
    echo: (query) => signed(query, query.get("echostr") ?? ""),
    open: (query, rawBody) => ({ fields: parseWechatXml(signed(query, parseWechatXml(rawBody).Encrypt ?? "")) }),
    messageId: (fields) => fields.MsgId ?? `${fields.FromUserName ?? ""}:${fields.CreateTime ?? ""}:${fields.Event ?? fields.MsgType ?? ""}`,
    reply: { mode: "active" },
    send: async (user, messages) => {
      if (!api) return;
      for (const content of messages) {
        await api.post("/cgi-bin/message/send", { touser: user, msgtype: "text", agentid: Number(config.WECOM_AGENT_ID), text: { content } });
      }
    },
  });
}
