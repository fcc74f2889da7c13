import { afterEach, describe, expect, it } from "vitest";
import { createDingtalkAdapter, type DingtalkAdapter } from "../../../src/adapters/dingtalk/dingtalk-adapter.js";
import { renderDingtalkReply } from "../../../src/adapters/dingtalk/dingtalk-markdown.js";
import { dingtalkSign, verifyDingtalkRequest } from "../../../src/adapters/dingtalk/dingtalk-sign.js";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import { createDeliveryCore, type DeliveryCore } from "../../../src/chat/delivery.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import { loadConfig } from "../../../src/core/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { createFakeService, sampleAnswer } from "../../chat/fake-service.js";
import { robotMessage, startMockDingtalk, type MockDingtalk } from "./mock-dingtalk.js";

const secret = "dingtalk-app-secret";

interface Setup {
  mock: MockDingtalk;
  service: ReturnType<typeof createFakeService>;
  adapters: DingtalkAdapter[];
  deliveries: DeliveryCore[];
  servers: RunningServer[];
}
let setup: Setup | undefined;

afterEach(async () => {
  if (!setup) return;
  for (const adapter of setup.adapters) await adapter.stop();
  for (const delivery of setup.deliveries) await delivery.close();
  for (const server of setup.servers) await server.close();
  await setup.mock.close();
  setup = undefined;
});

async function start(connection: "stream" | "http", replicas = 1): Promise<Setup> {
  const mock = await startMockDingtalk();
  const store = new MemoryStateStore();
  const service = createFakeService();
  const config = loadConfig({ DINGTALK_CLIENT_ID: "dingclient", DINGTALK_CLIENT_SECRET: secret, DINGTALK_CONNECTION: connection, DINGTALK_GATEWAY_URL: mock.gatewayUrl, PUBLIC_URL: "https://zones.example.com/" });
  setup = { mock, service, adapters: [], deliveries: [], servers: [] };
  for (let index = 0; index < replicas; index++) {
    const delivery = createDeliveryCore({ service, store, rateLimitPerMinute: 100, log: silentLogger });
    const adapter = createDingtalkAdapter({ config, delivery, log: silentLogger })!;
    setup.deliveries.push(delivery);
    setup.adapters.push(adapter);
    if (connection === "http") setup.servers.push(await startHttpServer({ host: "127.0.0.1", port: 0, plugins: adapter.plugins, maxBodyBytes: 64 * 1024, log: silentLogger }));
  }
  return setup;
}

async function postSigned(server: RunningServer, body: unknown, options: { timestamp?: number; sign?: string } = {}) {
  const timestamp = String(options.timestamp ?? Date.now());
  return fetch(`${server.url}/dingtalk/events`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", timestamp, sign: options.sign ?? dingtalkSign(secret, timestamp) },
    body: JSON.stringify(body),
  });
}

async function settle(s: Setup) {
  for (const delivery of s.deliveries) await delivery.idle();
}

describe("DingTalk outgoing-robot HTTP callback", () => {
  it("answers a private message once through its sessionWebhook as markdown with linked sources, across retries and replicas", async () => {
    const s = await start("http", 2);
    const message = robotMessage(s.mock, { text: "长治高新区上半年GDP是多少？" });
    expect((await postSigned(s.servers[0]!, message)).status).toBe(200);
    expect((await postSigned(s.servers[1]!, message)).status).toBe(200);
    await settle(s);
    await s.mock.waitFor(() => s.mock.webhookCalls.length >= 1);
    expect(s.mock.webhookCalls).toHaveLength(1);
    expect(s.service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: "dingtalk:cidPrivate456==" }]);
    const { url, body } = s.mock.webhookCalls[0]!;
    expect(url).toBe(new URL(message.sessionWebhook).pathname + new URL(message.sessionWebhook).search);
    expect(body.msgtype).toBe("markdown");
    expect(body.at).toBeUndefined();
    expect(body.markdown.title).toBe("长治高新区上半年GDP是多少？");
    expect(body.markdown.text).toMatch(/^\*\*长治高新区上半年实现地区生产总值105\.63亿元/);
    expect(body.markdown.text).toContain("**来源**");
    expect(body.markdown.text).toContain("\\[1\\] [长治高新区经济运行稳中向好](https://zones.example.com/#source=corpus%2F002_93385d198ddbd426.txt%230%3A0&quote=");
    expect(body.markdown.text).toContain("> 长治高新区上半年实现地区生产总值105.63亿元，同比增长6.5%。");
  });

  it("@-mentions the asker in a group and keeps one conversation per member", async () => {
    const s = await start("http");
    await postSigned(s.servers[0]!, robotMessage(s.mock, { text: "What incentives does Changzhi offer?", group: true, staffId: "staffA" }));
    await postSigned(s.servers[0]!, robotMessage(s.mock, { text: "And Hengyang?", group: true, staffId: "staffA" }));
    await settle(s);
    await s.mock.waitFor(() => s.mock.webhookCalls.length === 2);
    expect(s.service.asks.map((ask) => ask.conversationId)).toEqual(["dingtalk:cidGroup123==:staffA", "dingtalk:cidGroup123==:staffA"]);
    expect(s.mock.webhookCalls[0]!.body.at).toEqual({ atUserIds: ["staffA"] });
    expect(s.mock.webhookCalls[0]!.body.markdown.text).toMatch(/\n\n@staffA$/);
    expect(s.mock.webhookCalls[0]!.body.markdown.text).toContain("**Sources**");
  });

  it("refuses a wrong or stale signature and answers nothing", async () => {
    const s = await start("http");
    const message = robotMessage(s.mock, { text: "长治高新区上半年GDP是多少？" });
    expect((await postSigned(s.servers[0]!, message, { sign: dingtalkSign("other-secret", String(Date.now())) })).status).toBe(401);
    const old = Date.now() - 2 * 3600_000;
    expect((await postSigned(s.servers[0]!, message, { timestamp: old, sign: dingtalkSign(secret, String(old)) })).status).toBe(401);
    await settle(s);
    expect(s.service.asks).toHaveLength(0);
    expect(s.mock.webhookCalls).toHaveLength(0);
  });

  it("never posts to a sessionWebhook outside DingTalk (the sign does not cover the body)", async () => {
    const s = await start("http");
    const forged = { ...robotMessage(s.mock, { text: "长治高新区上半年GDP是多少？" }), sessionWebhook: "http://192.0.2.10/robot/sendBySession?session=x" };
    expect((await postSigned(s.servers[0]!, forged)).status).toBe(200);
    await settle(s);
    expect(s.service.asks).toHaveLength(0);
  });

  it("asks for a typed question when the message is not text", async () => {
    const s = await start("http");
    const picture = { ...robotMessage(s.mock, { text: "" }), msgtype: "picture", content: { downloadCode: "x" } };
    await postSigned(s.servers[0]!, picture);
    await settle(s);
    await s.mock.waitFor(() => s.mock.webhookCalls.length === 1);
    expect(s.mock.webhookCalls[0]!.body.markdown.text).toContain("请直接输入您的问题");
  });
});

describe("DingTalk Stream mode (dingtalk-stream's DWClient against a local gateway)", () => {
  it("opens the connection with the app's credentials, acknowledges each push, and answers a redelivered message once", async () => {
    const s = await start("stream");
    await s.mock.connected();
    expect(s.mock.gatewayRequests[0]).toMatchObject({ clientId: "dingclient", clientSecret: secret, subscriptions: expect.arrayContaining([{ type: "CALLBACK", topic: "/v1.0/im/bot/messages/get" }]) });
    const message = robotMessage(s.mock, { text: "长治高新区上半年GDP是多少？" });
    s.mock.pushRobotMessage("stream-1", message);
    await s.mock.waitFor(() => s.mock.webhookCalls.length === 1);
    // Redelivered by the gateway under a new stream id: acknowledged, not answered again.
    s.mock.pushRobotMessage("stream-2", message);
    await s.mock.waitFor(() => s.mock.received.length === 2);
    await settle(s);
    expect(s.mock.webhookCalls).toHaveLength(1);
    expect(s.service.asks).toHaveLength(1);
    expect(s.mock.received.map((frame) => [frame.code, frame.headers.messageId])).toEqual([
      [200, "stream-1"],
      [200, "stream-2"],
    ]);
    expect(s.mock.webhookCalls[0]!.body.markdown.text).toContain("105.63亿元");
  });
});

describe("DingTalk settings", () => {
  it("names what is missing or wrong", () => {
    const create = (env: Record<string, string>) => () => createDingtalkAdapter({ config: loadConfig(env), delivery: undefined as unknown as DeliveryCore, log: silentLogger });
    expect(create({ DINGTALK_CLIENT_ID: "ding" })).toThrow(/DINGTALK_CLIENT_SECRET/);
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: "ding", DINGTALK_CONNECTION: "websocket" })).toThrow(/DINGTALK_CONNECTION/);
    expect(createDingtalkAdapter({ config: loadConfig({}), delivery: undefined as unknown as DeliveryCore, log: silentLogger })).toBeUndefined();
  });
});

describe("DingTalk pure parts", () => {
  it("checks the sign against a fixed clock", () => {
    const nowMs = 1_700_000_000_000;
    const timestamp = String(nowMs - 1000);
    expect(verifyDingtalkRequest({ appSecret: secret, nowMs }, { timestamp, sign: dingtalkSign(secret, timestamp) })).toBe(true);
    expect(verifyDingtalkRequest({ appSecret: secret, nowMs }, { timestamp, sign: dingtalkSign(secret, String(nowMs)) })).toBe(false);
    expect(verifyDingtalkRequest({ appSecret: secret, nowMs }, { timestamp })).toBe(false);
  });

  it("renders without links when PUBLIC_URL is not set", () => {
    const rendered = renderDingtalkReply({ kind: "answer", answer: sampleAnswer("长治？"), question: "长治？", conversationId: "c" });
    expect(rendered.markdown.text).toContain("\\[2\\] 招商引资优惠政策出台 · 长治高新区 · 2023-03-02");
    expect(rendered.markdown.text).not.toContain("](");
  });
});
