import type { DeliveryCore, DeliveryReply } from "../../chat/delivery.js";
import type { Config } from "../../core/config.js";
import { AppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { sendText, type Route, type RouteContext } from "../http/routes.js";
import { createReplyRendezvous } from "./reply-rendezvous.js";
import { decryptFor, verifySignature } from "./wechat-crypto.js";
import { renderReplyMessages, renderSingleReply, textOnlyNotice, welcomeText } from "./wechat-text.js";
import { parseWechatXml, sealedReplyXml, textReplyXml, type WechatFields } from "./wechat-xml.js";
import { createWeixinApi, type FetchLike } from "./weixin-api.js";

/**
 * WeChat Official Account callback at GET/POST /wechat (plaintext, compatible and safe mode).
 * WeChat waits 5 s for a reply and re-sends the same MsgId up to three times, so an answer ready
 * within WECHAT_REPLY_TIMEOUT_MS goes back passively (to whichever request of that MsgId is still
 * waiting), and a slower one through the customer-service API — never both, never twice.
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

/** Routes for the Official Account; none when WECHAT_TOKEN is not set. */
export function createWechatRoutes(options: WechatRoutesOptions): Route[] {
  const { config, delivery, log } = options;
  const token = config.WECHAT_TOKEN;
  if (!token) return [];
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
  // Late retries of a finished MsgId are remembered for a minute here; the state store covers longer.
  const rendezvous = createReplyRendezvous<DeliveryReply>();

  const verifyUrl = ({ res, url }: RouteContext) => {
    const query = url.searchParams;
    verifySignature(check(), { signature: query.get("signature"), timestamp: query.get("timestamp"), nonce: query.get("nonce") });
    sendText(res, 200, query.get("echostr") ?? "");
  };

  const receive = async ({ res, url, rawBody }: RouteContext) => {
    const query = url.searchParams;
    const timestamp = query.get("timestamp");
    const nonce = query.get("nonce");
    const safeMode = query.get("encrypt_type") === "aes";
    let fields: WechatFields;
    if (safeMode) {
      const envelope = parseWechatXml(rawBody);
      const { WECHAT_AES_KEY: aesKey, WECHAT_APP_ID: appId } = config;
      if (!aesKey || !appId) {
        log.warn("wechat: an encrypted message arrived but WECHAT_AES_KEY / WECHAT_APP_ID are not set");
        throw new AppError("UNAUTHORIZED", "Encrypted messages are not configured.");
      }
      verifySignature(check(), { signature: query.get("msg_signature"), timestamp, nonce, encrypt: envelope.Encrypt ?? "" });
      fields = parseWechatXml(decryptFor(aesKey, envelope.Encrypt ?? "", appId));
    } else {
      // Plaintext signatures do not cover the body, so once a key is set only sealed messages are trusted.
      if (config.WECHAT_AES_KEY) {
        log.warn("wechat: refused a plaintext message because WECHAT_AES_KEY is set (choose 安全模式 or 兼容模式 in the console)");
        throw new AppError("UNAUTHORIZED", "Only encrypted messages are accepted.");
      }
      verifySignature(check(), { signature: query.get("signature"), timestamp, nonce });
      fields = parseWechatXml(rawBody);
    }

    const reply = (content: string | undefined) => {
      if (content === undefined || content.length === 0) return sendText(res, 200, "success");
      const nowSeconds = Math.floor(now() / 1000);
      const plain = textReplyXml(fields, content, nowSeconds);
      const body =
        safeMode && config.WECHAT_AES_KEY && config.WECHAT_APP_ID
          ? sealedReplyXml(plain, { token, encodingAesKey: config.WECHAT_AES_KEY, receiveId: config.WECHAT_APP_ID, nowSeconds })
          : plain;
      sendText(res, 200, body, "application/xml; charset=utf-8");
    };

    if (fields.MsgType === "text") return reply(await answerText(fields));
    if (fields.MsgType === "event") return reply(fields.Event === "subscribe" ? welcomeText() : undefined);
    return reply(textOnlyNotice("zh"));
  };

  /** Resolves with the passive reply text, or undefined to answer `success` (answer comes later or already came). */
  async function answerText(fields: WechatFields): Promise<string | undefined> {
    const user = fields.FromUserName ?? "";
    const messageId = fields.MsgId ?? `${user}:${fields.CreateTime ?? ""}`;
    if (!rendezvous.open(messageId)) {
      // A re-push of a message this process is answering: wait for the answer too.
      const answer = await rendezvous.wait(messageId, config.WECHAT_REPLY_TIMEOUT_MS);
      return answer && renderSingleReply(answer);
    }
    // Wait first, then admit: whatever the core sends within the window — the answer or a
    // rate-limit notice sent at once — finds this request waiting and becomes the passive reply.
    const waiting = rendezvous.wait(messageId, config.WECHAT_REPLY_TIMEOUT_MS);
    const ticket = await delivery.handleIncoming(
      { platform: "wechat", messageId, userId: user, conversationId: `wechat:${user}`, text: fields.Content ?? "" },
      async (answer) => {
        if (!rendezvous.settle(messageId, answer)) await sendLater(user, answer);
      },
    );
    if (ticket.status === "duplicate") {
      // Claimed by another replica (or earlier): that one replies.
      rendezvous.discard(messageId);
      return undefined;
    }
    // A rate-limited message may never get a reply: release its waiters when the core is done.
    void ticket.done.finally(() => rendezvous.settle(messageId, undefined));
    const answer = await waiting;
    return answer && renderSingleReply(answer);
  }

  /** The answer missed every passive reply: send it through the customer-service API. */
  async function sendLater(user: string, answer: DeliveryReply): Promise<void> {
    if (!api) {
      log.warn("wechat: an answer was too slow for a passive reply and WECHAT_APP_ID / WECHAT_APP_SECRET are not set, so it was dropped");
      return;
    }
    for (const content of renderReplyMessages(answer)) {
      await api.post("/cgi-bin/message/custom/send", { touser: user, msgtype: "text", text: { content } });
    }
  }

  return [
    { method: "GET", path: "/wechat", access: "public", handler: verifyUrl },
    { method: "POST", path: "/wechat", access: "public", handler: receive },
  ];
}
