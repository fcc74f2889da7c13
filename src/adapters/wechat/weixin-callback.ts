import type { DeliveryCore, DeliveryReply } from "../../chat/delivery.js";
import type { Logger } from "../../core/logger.js";
import { keepRawBody, rawBodyOf, type HttpPlugin } from "../http/plugin.js";
import { createReplyRendezvous } from "./reply-rendezvous.js";
import { renderReplyMessages, renderSingleReply, textOnlyNotice, welcomeText } from "./wechat-text.js";
import { textReplyXml, type WechatFields } from "./wechat-xml.js";

/**
 * The callback both Weixin platforms share (WeChat Official Accounts at /wechat, WeCom apps at
 * /wecom): GET checks the signature and echoes, POST checks the signature of the XML envelope,
 * opens it (decrypting when sealed) and answers the message. What differs — how a message is
 * signed and sealed, how it is answered, which API sends later messages — is the channel's:
 *
 * - `passive` (WeChat): WeChat waits 5 s for a reply and re-sends the same MsgId up to three
 *   times, so an answer ready within `timeoutMs` goes back in the HTTP response (to whichever
 *   request of that MsgId is still waiting), and a slower one through `send` — never both, never twice.
 * - `active` (WeCom): every message is acknowledged with an empty 200 at once and answered through
 *   `send`, so the platform never retries for lack of a reply; retries that still happen carry the
 *   same MsgId and are dropped by the delivery core.
 */
export interface WeixinChannel {
  platform: "wechat" | "wecom";
  path: string;
  delivery: DeliveryCore;
  log: Logger;
  now: () => number;
  /** GET: checks the signature (throws UNAUTHORIZED) and returns the text to echo. */
  echo(query: URLSearchParams): string;
  /** POST: checks the signature (throws UNAUTHORIZED) and opens the envelope; `seal` wraps a passive reply like the message came. */
  open(query: URLSearchParams, rawBody: Buffer): { fields: WechatFields; seal?: (plainXml: string, nowSeconds: number) => string };
  /** The id retries of one message share. */
  messageId(fields: WechatFields): string;
  reply: { mode: "passive"; timeoutMs: number } | { mode: "active" };
  /** Sends text messages to a user through the platform's API (after the HTTP response). */
  send(user: string, messages: string[]): Promise<void>;
}

/** What a message that is not a question gets: a welcome on subscribe, a notice for non-text. */
function noticeFor(fields: WechatFields): string | undefined {
  if (fields.MsgType === "event") return fields.Event === "subscribe" ? welcomeText() : undefined;
  return textOnlyNotice("zh");
}

export function createWeixinCallbackPlugin(channel: WeixinChannel): HttpPlugin {
  const { platform, delivery, log } = channel;
  // Late retries of a finished MsgId are remembered for a minute here; the state store covers longer.
  const rendezvous = createReplyRendezvous<DeliveryReply>();
  // Events and non-text messages bypass the delivery core, so they need their own retry guard.
  const recentNotices = new Set<string>();

  const incoming = (fields: WechatFields, messageId: string) => {
    const user = fields.FromUserName ?? "";
    return { platform, messageId, userId: user, conversationId: `${platform}:${user}`, text: fields.Content ?? "" };
  };

  /** Passive: resolves with the reply text, or undefined to answer `success` (answer comes later or already came). */
  async function passiveAnswer(fields: WechatFields, timeoutMs: number): Promise<string | undefined> {
    const user = fields.FromUserName ?? "";
    const messageId = channel.messageId(fields);
    if (!rendezvous.open(messageId)) {
      // A re-push of a message this process is answering: wait for the answer too.
      const answer = await rendezvous.wait(messageId, timeoutMs);
      return answer && renderSingleReply(answer);
    }
    // Wait first, then admit: whatever the core sends within the window — the answer or a
    // rate-limit notice sent at once — finds this request waiting and becomes the passive reply.
    const waiting = rendezvous.wait(messageId, timeoutMs);
    const ticket = await delivery.handleIncoming(incoming(fields, messageId), async (answer) => {
      // The answer missed every passive reply: it goes through the API.
      if (!rendezvous.settle(messageId, answer)) await channel.send(user, renderReplyMessages(answer));
    });
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

  /** Active: the HTTP response is already sent; the answer or notice goes through the API. */
  function activeAnswer(fields: WechatFields): void {
    const user = fields.FromUserName ?? "";
    const messageId = channel.messageId(fields);
    if (fields.MsgType === "text") {
      void delivery.handleIncoming(incoming(fields, messageId), (reply) => channel.send(user, renderReplyMessages(reply)));
      return;
    }
    const notice = noticeFor(fields);
    if (notice === undefined || recentNotices.has(messageId)) return;
    if (recentNotices.size >= 1000) recentNotices.clear();
    recentNotices.add(messageId);
    channel.send(user, [notice]).catch((error: unknown) => log.error(`${platform}: sending a notice to ${user} failed`, error));
  }

  return async function weixinCallback(scope) {
    // The signature covers the exact bytes of the envelope.
    keepRawBody(scope);
    const queryOf = (url: string) => new URL(url, "http://localhost").searchParams;
    // Public: the signature check on every request is the access rule.
    scope.get(channel.path, { config: { access: "public" } }, async (request, reply) => reply.type("text/plain; charset=utf-8").send(channel.echo(queryOf(request.url))));
    scope.post(channel.path, { config: { access: "public" } }, async (request, reply) => {
      const { fields, seal } = channel.open(queryOf(request.url), rawBodyOf(request));
      if (channel.reply.mode === "active") {
        await reply.type("text/plain; charset=utf-8").send("");
        activeAnswer(fields);
        return;
      }
      const content = fields.MsgType === "text" ? await passiveAnswer(fields, channel.reply.timeoutMs) : noticeFor(fields);
      if (content === undefined || content.length === 0) return reply.type("text/plain; charset=utf-8").send("success");
      const nowSeconds = Math.floor(channel.now() / 1000);
      const plain = textReplyXml(fields, content, nowSeconds);
      return reply.type("application/xml; charset=utf-8").send(seal ? seal(plain, nowSeconds) : plain);
    });
  };
}
