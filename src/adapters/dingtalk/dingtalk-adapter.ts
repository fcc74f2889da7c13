import { TOPIC_ROBOT, type DWClientDownStream } from "dingtalk-stream";
import { z } from "zod";
import type { DeliveryCore } from "../../chat/delivery.js";
import type { Config } from "../../core/config.js";
import { AppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { keepRawBody, rawBodyOf, type HttpPlugin } from "../http/plugin.js";
import { renderDingtalkReply, type DingtalkMarkdown } from "./dingtalk-markdown.js";
import { verifyDingtalkRequest } from "./dingtalk-sign.js";
import { GatewayClient } from "./gateway-client.js";

/**
 * DingTalk robot. Messages arrive by Stream mode (dingtalk-stream's DWClient: no public address)
 * or at POST /dingtalk/events (the outgoing robot, `timestamp` + `sign` checked). Both carry the
 * same robot message; a private message or a group @ goes to the delivery core (de-duplicated by
 * msgId in the shared store) and the answer goes back as markdown through the message's
 * sessionWebhook, @-ing the asker in groups.
 */

type DingtalkConfig = Pick<Config, "DINGTALK_CLIENT_ID" | "DINGTALK_CLIENT_SECRET" | "DINGTALK_CONNECTION" | "DINGTALK_GATEWAY_URL" | "PUBLIC_URL">;

export interface DingtalkOptions {
  config: DingtalkConfig;
  delivery: DeliveryCore;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface DingtalkAdapter {
  /** POST /dingtalk/events; none in Stream mode. */
  plugins: HttpPlugin[];
  stop(): Promise<void>;
}

/** The robot message DingTalk sends (Stream `data` and the outgoing-robot body alike). */
const robotMessageSchema = z.object({
  msgId: z.string().min(1),
  conversationId: z.string().min(1),
  /** "1" private chat, "2" group. */
  conversationType: z.string(),
  senderId: z.string().optional(),
  senderStaffId: z.string().optional(),
  sessionWebhook: z.string().url(),
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional(),
});


export function createDingtalkAdapter(options: DingtalkOptions): DingtalkAdapter | undefined {
  const { config, delivery, log } = options;
  if (!config.DINGTALK_CLIENT_ID) return undefined;
  if (!config.DINGTALK_CLIENT_SECRET) {
    throw new AppError("CONFIG_INVALID", "DingTalk is enabled (DINGTALK_CLIENT_ID is set) but DINGTALK_CLIENT_SECRET is not set.", {
      hint: "Copy the Client Secret (AppSecret) from the app's Credentials page, or unset DINGTALK_CLIENT_ID to run without DingTalk.",
    });
  }
  const secret = config.DINGTALK_CLIENT_SECRET;
  const fetchImpl = options.fetch ?? fetch;
  const gatewayHost = new URL(config.DINGTALK_GATEWAY_URL).hostname;
  const trustedWebhook = (webhook: string) => {
    const { hostname } = new URL(webhook);
    return hostname === "dingtalk.com" || hostname.endsWith(".dingtalk.com") || hostname === gatewayHost;
  };
  const now = options.now ?? Date.now;

  const receive = async (raw: unknown): Promise<void> => {
    const parsed = robotMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn(`dingtalk: a robot message was not understood (${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")})`);
      return;
    }
    const message = parsed.data;
    // The outgoing robot's sign covers the timestamp, not the body: answers go only to DingTalk's own
    // hosts (or the configured gateway's), never to an address a forged body names.
    if (!trustedWebhook(message.sessionWebhook)) {
      log.warn(`dingtalk: ignored a message whose sessionWebhook is not on a DingTalk host (${new URL(message.sessionWebhook).host})`);
      return;
    }
    const user = message.senderStaffId || message.senderId || "unknown";
    const group = message.conversationType === "2";
    await delivery.handleIncoming(
      {
        platform: "dingtalk",
        messageId: message.msgId,
        userId: user,
        // Group chats have no threads: each member keeps their own conversation with the robot.
        conversationId: group ? `dingtalk:${message.conversationId}:${user}` : `dingtalk:${message.conversationId}`,
        text: message.msgtype === "text" ? (message.text?.content ?? "").trim() : "",
      },
      (reply) => send(message.sessionWebhook, renderDingtalkReply(reply, config.PUBLIC_URL, group ? message.senderStaffId : undefined)),
    );
  };

  async function send(webhook: string, body: DingtalkMarkdown): Promise<void> {
    const response = await fetchImpl(webhook, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    const result = (await response.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
    if (!response.ok || (result.errcode !== undefined && result.errcode !== 0)) {
      throw new Error(`DingTalk refused the reply: HTTP ${response.status} ${result.errcode ?? ""} ${result.errmsg ?? ""}`);
    }
  }

  if (config.DINGTALK_CONNECTION === "stream") {
    const client = new GatewayClient(config.DINGTALK_GATEWAY_URL, { clientId: config.DINGTALK_CLIENT_ID, clientSecret: secret });
    client.registerCallbackListener(TOPIC_ROBOT, (downstream: DWClientDownStream) => {
      // Acknowledged at once, or DingTalk redelivers after 60 s; a redelivery is dropped by msgId anyway.
      client.socketCallBackResponse(downstream.headers.messageId, { ok: true });
      let data: unknown;
      try {
        data = JSON.parse(downstream.data);
      } catch {
        log.warn("dingtalk: a Stream message was not JSON");
        return;
      }
      receive(data).catch((error: unknown) => log.error("dingtalk: handling a Stream message failed", error));
    });
    // Not awaited: the client reconnects by itself, and an unreachable DingTalk must not stop the server.
    void client.connect();
    return { plugins: [], stop: async () => client.disconnect() };
  }

  const dingtalk: HttpPlugin = async function dingtalkEvents(scope) {
    // Any content type reaches the handler, which answers a body that is not JSON itself.
    keepRawBody(scope);
    // Public: the handler checks DingTalk's signature headers.
    scope.post("/dingtalk/events", { config: { access: "public" } }, async (request, reply) => {
      if (!verifyDingtalkRequest({ appSecret: secret, nowMs: now() }, request.headers)) {
        log.warn("dingtalk: a callback failed the signature check");
        return reply.code(401).type("text/plain; charset=utf-8").send("");
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBodyOf(request).toString("utf8"));
      } catch {
        return reply.code(400).send({ error: { code: "REQUEST_INVALID", message: "The DingTalk callback body is not JSON." } });
      }
      // The answer goes through sessionWebhook; the callback itself is answered at once.
      await receive(body);
      return {};
    });
  };
  return { plugins: [dingtalk], stop: async () => undefined };
}
