import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * A local stand-in for DingTalk: the Stream gateway (POST /v1.0/gateway/connections/open hands out
 * a WebSocket endpoint and ticket; the socket speaks Stream mode's JSON frames), and the
 * sessionWebhook robot messages are answered through (POST /robot/sendBySession).
 */

interface WebhookCall {
  url: string;
  body: any;
}

export interface MockDingtalk {
  url: string;
  gatewayUrl: string;
  gatewayRequests: any[];
  webhookCalls: WebhookCall[];
  /** Frames the client sent back (acknowledgements). */
  received: any[];
  connected(): Promise<void>;
  /** Pushes a robot message as a CALLBACK frame, as DingTalk's Stream gateway does. */
  pushRobotMessage(streamMessageId: string, message: unknown): void;
  sessionWebhook(session: string): string;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startMockDingtalk(): Promise<MockDingtalk> {
  const gatewayRequests: any[] = [];
  const webhookCalls: WebhookCall[] = [];
  const received: any[] = [];
  let socket: WebSocket | undefined;
  let onConnect: (() => void) | undefined;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = parts.length > 0 ? JSON.parse(Buffer.concat(parts).toString("utf8")) : undefined;
      const json = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname === "/v1.0/gateway/connections/open") {
        gatewayRequests.push(body);
        const address = server.address() as AddressInfo;
        json(200, { endpoint: `ws://127.0.0.1:${address.port}/connect`, ticket: "ticket-123" });
      } else if (url.pathname === "/robot/sendBySession") {
        webhookCalls.push({ url: req.url ?? "", body });
        json(200, { errcode: 0, errmsg: "ok" });
      } else json(404, { errcode: 404, errmsg: "not found" });
    });
  });
  const wss = new WebSocketServer({ server, path: "/connect" });
  wss.on("connection", (ws, request) => {
    if (new URL(request.url ?? "/", "http://localhost").searchParams.get("ticket") !== "ticket-123") {
      ws.close(4001, "bad ticket");
      return;
    }
    socket = ws;
    ws.on("message", (data: Buffer) => received.push(JSON.parse(data.toString("utf8"))));
    ws.send(JSON.stringify({ specVersion: "1.0", type: "SYSTEM", headers: { topic: "CONNECTED", messageId: "sys-1", contentType: "application/json", time: String(Date.now()) }, data: "{}" }));
    onConnect?.();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    gatewayUrl: `${base}/v1.0/gateway/connections/open`,
    gatewayRequests,
    webhookCalls,
    received,
    connected: () => connected,
    pushRobotMessage(streamMessageId, message) {
      if (!socket) throw new Error("the client has not connected");
      socket.send(
        JSON.stringify({
          specVersion: "1.0",
          type: "CALLBACK",
          headers: { appId: "app-1", connectionId: "conn-1", contentType: "application/json", messageId: streamMessageId, time: String(Date.now()), topic: "/v1.0/im/bot/messages/get" },
          data: JSON.stringify(message),
        }),
      );
    },
    sessionWebhook: (session) => `${base}/robot/sendBySession?session=${session}`,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`mock DingTalk: condition not met in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let counter = 0;

/** A robot message as DingTalk sends it (Stream `data` / outgoing-robot body). */
export function robotMessage(mock: MockDingtalk, options: { text: string; group?: boolean; msgId?: string; staffId?: string }) {
  counter++;
  return {
    conversationId: options.group ? "cidGroup123==" : "cidPrivate456==",
    atUsers: options.group ? [{ dingtalkId: "$:LWCP_v1:$bot" }] : [],
    chatbotCorpId: "dingcorp",
    chatbotUserId: "$:LWCP_v1:$bot",
    msgId: options.msgId ?? `msg${counter}`,
    senderNick: "张三",
    isAdmin: false,
    senderStaffId: options.staffId ?? "staff001",
    sessionWebhookExpiredTime: Date.now() + 3600_000,
    createAt: Date.now(),
    senderCorpId: "dingcorp",
    conversationType: options.group ? "2" : "1",
    senderId: "$:LWCP_v1:$sender",
    ...(options.group ? { conversationTitle: "招商群", isInAtList: true } : {}),
    sessionWebhook: mock.sessionWebhook(`s${counter}`),
    text: { content: ` ${options.text}` },
    robotCode: "dingrobot",
    msgtype: "text",
  };
}
