import type { DeliveryCore } from "../../chat/delivery.js";
import type { Config } from "../../core/config.js";
import type { Logger } from "../../core/logger.js";
import { sendText, type Route, type RouteContext } from "../http/routes.js";
import { decryptFor, verifySignature } from "../wechat/wechat-crypto.js";
import { renderReplyMessages, textOnlyNotice, welcomeText } from "../wechat/wechat-text.js";
import { parseWechatXml, type WechatFields } from "../wechat/wechat-xml.js";
import { createWeixinApi, type FetchLike } from "../wechat/weixin-api.js";

/**
 * WeCom (企业微信) self-built app callback at GET/POST /wecom. Callbacks are always encrypted
 * (WXBizMsgCrypt with the corp id as receive id). Every message is acknowledged with an empty 200
 * at once and answered through message/send, so WeCom never retries for lack of a reply; retries
 * that still happen carry the same MsgId and are dropped by the delivery core.
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

/** Routes for the WeCom app; none until WECOM_TOKEN, WECOM_AES_KEY and WECOM_CORP_ID are all set. */
export function createWecomRoutes(options: WecomRoutesOptions): Route[] {
  const { config, delivery, log } = options;
  const { WECOM_TOKEN: token, WECOM_AES_KEY: aesKey, WECOM_CORP_ID: corpId } = config;
  if (!token || !aesKey || !corpId) return [];
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
  // Events and non-text messages bypass the delivery core, so they need their own retry guard.
  const recentNotices = new Set<string>();

  const signed = (url: URL, encrypt: string) => {
    const query = url.searchParams;
    verifySignature(check(), { signature: query.get("msg_signature"), timestamp: query.get("timestamp"), nonce: query.get("nonce"), encrypt });
    return decryptFor(aesKey, encrypt, corpId);
  };

  const verifyUrl = ({ res, url }: RouteContext) => {
    sendText(res, 200, signed(url, url.searchParams.get("echostr") ?? ""));
  };

  const receive = ({ res, url, rawBody }: RouteContext) => {
    const envelope = parseWechatXml(rawBody);
    const fields = parseWechatXml(signed(url, envelope.Encrypt ?? ""));
    sendText(res, 200, "");
    const user = fields.FromUserName ?? "";
    const messageId = fields.MsgId ?? `${user}:${fields.CreateTime ?? ""}:${fields.Event ?? fields.MsgType ?? ""}`;
    if (fields.MsgType === "text") {
      void delivery.handleIncoming(
        { platform: "wecom", messageId, userId: user, conversationId: `wecom:${user}`, text: fields.Content ?? "" },
        (reply) => send(user, renderReplyMessages(reply)),
      );
      return;
    }
    const notice = noticeFor(fields);
    if (notice === undefined || recentNotices.has(messageId)) return;
    if (recentNotices.size >= 1000) recentNotices.clear();
    recentNotices.add(messageId);
    send(user, [notice]).catch((error: unknown) => log.error(`wecom: sending a notice to ${user} failed`, error));
  };

  async function send(user: string, messages: string[]): Promise<void> {
    if (!api) return;
    for (const content of messages) {
      await api.post("/cgi-bin/message/send", { touser: user, msgtype: "text", agentid: Number(config.WECOM_AGENT_ID), text: { content } });
    }
  }

  return [
    { method: "GET", path: "/wecom", access: "public", handler: verifyUrl },
    { method: "POST", path: "/wecom", access: "public", handler: receive },
  ];
}

function noticeFor(fields: WechatFields): string | undefined {
  if (fields.MsgType === "event") return fields.Event === "subscribe" ? welcomeText() : undefined;
  return textOnlyNotice("zh");
}
