import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * A local stand-in for the Feishu open platform: the OpenAPI endpoints the bot calls
 * (tenant_access_token, bot info, message reply) and the long-connection gateway — the endpoint
 * discovery POST /callback/ws/endpoint and a WebSocket server speaking the pbbp2 protobuf frames
 * the SDK's WSClient reads and writes (encoded here from the wire format, not with the SDK's code).
 */

interface FeishuCall {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Buffer;
}

export interface MockFeishu {
  url: string;
  calls: FeishuCall[];
  replies(): FeishuCall[];
  /** Frames the SDK sent back over the long connection (acknowledgements, pings). */
  received: Frame[];
  /** Resolves when the SDK has connected its long connection and sent its first ping. */
  connected(): Promise<void>;
  /** Pushes one event (a JSON payload, as Feishu's gateway does) in `parts` fragments. */
  pushEvent(messageId: string, payload: unknown, parts?: number): void;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startMockFeishu(): Promise<MockFeishu> {
  const calls: FeishuCall[] = [];
  const received: Frame[] = [];
  let replyCounter = 0;
  let socket: WebSocket | undefined;
  let onConnect: (() => void) | undefined;
  const connectedPromise = new Promise<void>((resolve) => (onConnect = resolve));
  let seq = 1;

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const text = Buffer.concat(parts).toString("utf8");
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      calls.push({ method: req.method ?? "GET", path, headers: req.headers, body });
      const json = (payload: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (path === "/open-apis/auth/v3/tenant_access_token/internal") {
        json({ code: 0, msg: "ok", tenant_access_token: "t-mock-tenant-token", expire: 7200 });
      } else if (path === "/open-apis/bot/v3/info") {
        json({ code: 0, msg: "ok", bot: { open_id: "ou_bot", app_name: "Zone assistant", activate_status: 2 } });
      } else if (/^\/open-apis\/im\/v1\/messages\/[^/]+\/reply$/.test(path)) {
        if (req.headers.authorization !== "Bearer t-mock-tenant-token") return json({ code: 99991663, msg: "Invalid access token" });
        replyCounter++;
        json({ code: 0, msg: "success", data: { message_id: `om_reply_${replyCounter}`, chat_id: "oc_chat" } });
      } else if (path === "/callback/ws/endpoint") {
        const address = server.address() as AddressInfo;
        json({
          code: 0,
          msg: "ok",
          data: {
            URL: `ws://127.0.0.1:${address.port}/ws?device_id=device-1&service_id=7`,
            ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 },
          },
        });
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 404, msg: "not found" }));
      }
    });
  });
  const wss = new WebSocketServer({ server, path: "/ws" });
  wss.on("connection", (ws) => {
    socket = ws;
    // Ready once the SDK's first ping arrives: it sends it when the socket opens, just before it
    // starts listening for frames (the real gateway, too, pushes nothing before then).
    ws.on("message", (data: Buffer) => {
      received.push(decodeFrame(data));
      onConnect?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    received,
    replies: () => calls.filter((call) => call.path.endsWith("/reply")),
    connected: () => connectedPromise,
    pushEvent(messageId, payload, partsCount = 1) {
      if (!socket) throw new Error("the SDK has not connected");
      const bytes = Buffer.from(JSON.stringify(payload), "utf8");
      const size = Math.ceil(bytes.length / partsCount);
      for (let part = 0; part < partsCount; part++) {
        const frame: Frame = {
          SeqID: seq++,
          LogID: 0,
          service: 7,
          method: 1,
          headers: [
            { key: "type", value: "event" },
            { key: "message_id", value: messageId },
            { key: "sum", value: String(partsCount) },
            { key: "seq", value: String(part) },
            { key: "trace_id", value: `trace-${messageId}` },
          ],
          payload: bytes.subarray(part * size, (part + 1) * size),
        };
        socket.send(encodeFrame(frame));
      }
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`mock Feishu: condition not met in ${timeoutMs} ms; calls: ${calls.map((call) => call.path).join(", ")}`);
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

// --- pbbp2.Frame wire format: 1 SeqID uint64, 2 LogID uint64, 3 service int32, 4 method int32,
// 5 headers (repeated Header{1 key, 2 value}), 6 payloadEncoding, 7 payloadType, 8 payload bytes, 9 LogIDNew.

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 127) {
    bytes.push((rest & 127) | 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function field(number: number, wire: number): Buffer {
  return varint(number * 8 + wire);
}

function lengthDelimited(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([field(number, 2), varint(bytes.length), bytes]);
}

function encodeFrame(frame: Frame): Buffer {
  const parts = [field(1, 0), varint(frame.SeqID), field(2, 0), varint(frame.LogID), field(3, 0), varint(frame.service), field(4, 0), varint(frame.method)];
  for (const header of frame.headers) {
    parts.push(lengthDelimited(5, Buffer.concat([lengthDelimited(1, Buffer.from(header.key)), lengthDelimited(2, Buffer.from(header.value))])));
  }
  if (frame.payload) parts.push(lengthDelimited(8, frame.payload));
  return Buffer.concat(parts);
}

function decodeFrame(data: Buffer): Frame {
  const frame: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  const fields = readFields(data);
  for (const [number, value] of fields) {
    if (number === 1) frame.SeqID = value as number;
    else if (number === 2) frame.LogID = value as number;
    else if (number === 3) frame.service = value as number;
    else if (number === 4) frame.method = value as number;
    else if (number === 5) {
      const header = { key: "", value: "" };
      for (const [inner, innerValue] of readFields(value as Buffer)) {
        if (inner === 1) header.key = (innerValue as Buffer).toString("utf8");
        if (inner === 2) header.value = (innerValue as Buffer).toString("utf8");
      }
      frame.headers.push(header);
    } else if (number === 8) frame.payload = value as Buffer;
  }
  return frame;
}

function readFields(data: Buffer): Array<[number, number | Buffer]> {
  const fields: Array<[number, number | Buffer]> = [];
  let at = 0;
  const readVarint = () => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = data[at++]!;
      result += (byte & 127) * scale;
      if (byte < 128) return result;
      scale *= 128;
    }
  };
  while (at < data.length) {
    const key = readVarint();
    const wire = key & 7;
    const number = Math.floor(key / 8);
    if (wire === 0) fields.push([number, readVarint()]);
    else if (wire === 2) {
      const length = readVarint();
      fields.push([number, data.subarray(at, at + length)]);
      at += length;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return fields;
}
