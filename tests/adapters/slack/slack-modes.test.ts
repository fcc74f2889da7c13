import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { createHttpApp } from "../../../src/adapters/http/server.js";
import { createSlackRoutes, type SlackRoutesOptions } from "../../../src/adapters/slack/slack-adapter.js";
import { createDeliveryCore } from "../../../src/chat/delivery.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import { silentLogger } from "../../../src/core/logger.js";
import { createFakeService } from "../../chat/fake-service.js";
import { startMockSlackApi } from "./mock-slack-api.js";
import { mentionEvent } from "./slack-payloads.js";

function options(config: Partial<SlackRoutesOptions["config"]>, apiUrl = "http://127.0.0.1:9/api/"): SlackRoutesOptions {
  const store = new MemoryStateStore();
  const service = createFakeService();
  return {
    config: { SLACK_SIGNING_SECRET: undefined, SLACK_BOT_TOKEN: undefined, SLACK_APP_TOKEN: undefined, SLACK_ADMIN_USERS: [], SLACK_API_URL: apiUrl, ...config },
    delivery: createDeliveryCore({ service, store, rateLimitPerMinute: 5, log: silentLogger }),
    service,
    store,
    log: silentLogger,
  };
}

describe("Slack modes and settings", () => {
  it("names the missing setting", async () => {
    await expect(createSlackRoutes(options({ SLACK_SIGNING_SECRET: "s" }))).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("SLACK_BOT_TOKEN") });
    await expect(createSlackRoutes(options({ SLACK_BOT_TOKEN: "xoxb-1" }))).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("SLACK_SIGNING_SECRET") });
  });

  it("mounts POST /slack/events in HTTP mode", async () => {
    const slack = await createSlackRoutes(options({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" }));
    const { routes, app } = await createHttpApp({ plugins: slack.plugins, maxBodyBytes: 64 * 1024, log: silentLogger });
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(["POST /slack/events"]);
    await app.close();
    await slack.stop();
  });

  it("connects out through SLACK_API_URL in Socket Mode, mounts no route, and does not block start", async () => {
    const mock = await startMockSlackApi();
    try {
      const slack = await createSlackRoutes(options({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }, `${mock.url}/api`));
      expect(slack.plugins).toEqual([]);
      // The mock refuses apps.connections.open; the client keeps retrying in the background.
      await mock.waitFor((calls) => calls.some((call) => call.method === "apps.connections.open" && call.response !== undefined));
      await slack.stop();
    } finally {
      await mock.close();
    }
  });

  it("answers an event received over a (mock) Socket Mode WebSocket and acknowledges its envelope", async () => {
    // A local stand-in for Slack's Socket Mode endpoint: hello, then one events_api envelope.
    const sockets = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => sockets.once("listening", () => resolve()));
    const socketUrl = `ws://127.0.0.1:${(sockets.address() as AddressInfo).port}/link`;
    const mock = await startMockSlackApi({ socketModeUrl: socketUrl });
    const acks: unknown[] = [];
    const event = mentionEvent({ text: "<@UBOT> 长治高新区上半年地区生产总值多少？", channel: "C0SOCKET" });
    sockets.on("connection", (socket: WebSocket) => {
      socket.on("message", (data) => acks.push(JSON.parse(String(data))));
      socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "mock" }, connection_info: { app_id: "A0001" } }));
      socket.send(JSON.stringify({ envelope_id: "env-1", type: "events_api", accepts_response_payload: false, retry_attempt: 0, retry_reason: "", payload: event }));
    });
    const opts = options({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }, `${mock.url}/api`);
    const slack = await createSlackRoutes(opts);
    try {
      // A placeholder goes into the mention's thread, then is replaced by the (fake service's) cited answer.
      const answered = (call: { method: string; body: Record<string, any> }) =>
        (call.method === "chat.postMessage" || call.method === "chat.update") && call.body.channel === "C0SOCKET" && JSON.stringify(call.body).includes("105.63亿元");
      await mock.waitFor((calls) => calls.some(answered), 15_000);
      const placeholder = mock.callsTo("chat.postMessage").find((call) => call.body.channel === "C0SOCKET")!;
      expect(placeholder.body.thread_ts).toBe(event.event.ts);
      expect(JSON.stringify(mock.calls.find(answered)!.body)).toContain("[1]");
      expect(acks).toContainEqual(expect.objectContaining({ envelope_id: "env-1" }));
      const asked = (opts.service as ReturnType<typeof createFakeService>).asks;
      expect(asked.map((ask) => ask.question)).toEqual(["长治高新区上半年地区生产总值多少？"]);
    } finally {
      await slack.stop();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await mock.close();
    }
  });
});
