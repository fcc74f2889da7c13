import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createFeishuAdapter, type FeishuAdapter } from "../../../src/adapters/feishu/feishu-adapter.js";
import { questionText } from "../../../src/adapters/feishu/feishu-events.js";
import { encryptFeishu, feishuSignature } from "../../../src/adapters/feishu/feishu-crypto.js";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import { withQuestionLog } from "../../../src/app/question-log.js";
import { createDeliveryCore, type DeliveryCore } from "../../../src/chat/delivery.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import { loadConfig } from "../../../src/core/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { createFakeService } from "../../chat/fake-service.js";
import { startMockFeishu, type MockFeishu } from "./mock-feishu.js";

const encryptKey = "test-encrypt-key-0123456789";
const verificationToken = "v-token-abcdef";
const appId = "cli_a1b2c3d4e5f60718";

interface Setup {
  mock: MockFeishu;
  store: MemoryStateStore;
  service: ReturnType<typeof createFakeService>;
  adapters: FeishuAdapter[];
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

/** `replicas` servers share one state store, as workers and replicas share STATE_URL. */
async function start(connection: "http" | "websocket", replicas = 1): Promise<Setup> {
  const mock = await startMockFeishu();
  const store = new MemoryStateStore();
  const service = createFakeService();
  const config = loadConfig({
    FEISHU_APP_ID: appId,
    FEISHU_APP_SECRET: "secret",
    FEISHU_ENCRYPT_KEY: encryptKey,
    FEISHU_VERIFICATION_TOKEN: verificationToken,
    FEISHU_CONNECTION: connection,
    FEISHU_DOMAIN: mock.url,
    PUBLIC_URL: "https://zones.example.com",
  });
  setup = { mock, store, service, adapters: [], deliveries: [], servers: [] };
  for (let index = 0; index < replicas; index++) {
    const delivery = createDeliveryCore({ service: withQuestionLog({ service, store, log: silentLogger }), store, rateLimitPerMinute: 100, log: silentLogger });
    const adapter = createFeishuAdapter({ config, delivery, store, log: silentLogger })!;
    setup.deliveries.push(delivery);
    setup.adapters.push(adapter);
    if (connection === "http") setup.servers.push(await startHttpServer({ host: "127.0.0.1", port: 0, plugins: adapter.plugins, maxBodyBytes: 64 * 1024, log: silentLogger }));
  }
  return setup;
}

let eventCounter = 0;

function messageEvent(options: { text: string; chatType?: "p2p" | "group"; messageId?: string; rootId?: string; mentionBot?: boolean; mentionOther?: boolean; eventId?: string }) {
  eventCounter++;
  const mentions = [
    ...(options.mentionBot ? [{ key: "@_user_1", id: { open_id: "ou_bot", union_id: "on_bot" }, name: "Zone assistant", tenant_key: "tk" }] : []),
    ...(options.mentionOther ? [{ key: "@_user_2", id: { open_id: "ou_someone", union_id: "on_x" }, name: "Someone", tenant_key: "tk" }] : []),
  ];
  const prefix = mentions.map((mention) => `${mention.key} `).join("");
  return {
    schema: "2.0",
    header: { event_id: options.eventId ?? `ev_${eventCounter}`, token: verificationToken, create_time: String(Date.now()), event_type: "im.message.receive_v1", tenant_key: "tk", app_id: appId },
    event: {
      sender: { sender_id: { open_id: "ou_user1", user_id: "u1", union_id: "on_user1" }, sender_type: "user", tenant_key: "tk" },
      message: {
        message_id: options.messageId ?? `om_${eventCounter}`,
        ...(options.rootId ? { root_id: options.rootId, parent_id: options.rootId } : {}),
        create_time: String(Date.now()),
        chat_id: options.chatType === "group" ? "oc_group" : "oc_p2p",
        chat_type: options.chatType ?? "p2p",
        message_type: "text",
        content: JSON.stringify({ text: `${prefix}${options.text}` }),
        ...(mentions.length > 0 ? { mentions } : {}),
      },
    },
  };
}

function cardAction(value: unknown, messageId = "om_reply_1") {
  eventCounter++;
  return {
    schema: "2.0",
    header: { event_id: `ev_card_${eventCounter}`, token: verificationToken, create_time: String(Date.now()), event_type: "card.action.trigger", tenant_key: "tk", app_id: appId },
    event: {
      operator: { tenant_key: "tk", user_id: "u1", open_id: "ou_user1" },
      token: "c-card-token",
      action: { value, tag: "button" },
      host: "im_message",
      context: { open_message_id: messageId, open_chat_id: "oc_p2p" },
    },
  };
}

/** Exactly as Feishu sends with an Encrypt Key set: encrypted body, signed headers. */
async function postSigned(server: RunningServer, payload: unknown, options: { key?: string; tamper?: boolean } = {}) {
  const body = JSON.stringify({ encrypt: encryptFeishu(options.key ?? encryptKey, JSON.stringify(payload)) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString("hex");
  const signature = feishuSignature(timestamp, nonce, encryptKey, options.tamper ? body + " " : body);
  return fetch(`${server.url}/feishu/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": nonce, "x-lark-signature": signature },
    body,
  });
}

async function settle(s: Setup) {
  for (const delivery of s.deliveries) await delivery.idle();
}

function card(call: { body: any }) {
  expect(call.body.msg_type).toBe("interactive");
  return JSON.parse(call.body.content) as { elements: Array<Record<string, any>> };
}

function cardText(parsed: { elements: Array<Record<string, any>> }): string {
  return parsed.elements.map((element) => element.text?.content ?? "").join("\n");
}

describe("Feishu HTTP callback", () => {
  it("answers the encrypted url_verification challenge, and refuses a wrong signature or key", async () => {
    const s = await start("http");
    const challenge = { challenge: "ajls384kdjx98XX", token: verificationToken, type: "url_verification" };
    // Feishu sends the challenge encrypted and unsigned.
    const response = await fetch(`${s.servers[0]!.url}/feishu/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ encrypt: encryptFeishu(encryptKey, JSON.stringify(challenge)) }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: "ajls384kdjx98XX" });

    expect((await postSigned(s.servers[0]!, messageEvent({ text: "长治高新区GDP多少？" }), { tamper: true })).status).toBe(401);
    expect((await postSigned(s.servers[0]!, messageEvent({ text: "长治高新区GDP多少？" }), { key: "another-key" })).status).toBe(401);
    const wrongToken = messageEvent({ text: "长治高新区GDP多少？" });
    wrongToken.header.token = "not-the-token";
    expect((await postSigned(s.servers[0]!, wrongToken)).status).toBe(401);
    // A plain body while an Encrypt Key is configured is refused too.
    const plain = await fetch(`${s.servers[0]!.url}/feishu/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(messageEvent({ text: "x" })) });
    expect(plain.status).toBe(401);
    await settle(s);
    expect(s.service.asks).toHaveLength(0);
    expect(s.mock.replies()).toHaveLength(0);
  });

  it("answers a private message with one card (lead, quotes, linked sources, feedback buttons), once per retried event across replicas", async () => {
    const s = await start("http", 2);
    const event = messageEvent({ text: "长治高新区上半年GDP是多少？" });
    expect((await postSigned(s.servers[0]!, event)).status).toBe(200);
    // Feishu retries the same event (new timestamp and nonce); it lands on the other replica too.
    expect((await postSigned(s.servers[0]!, event)).status).toBe(200);
    expect((await postSigned(s.servers[1]!, event)).status).toBe(200);
    await settle(s);
    await s.mock.waitFor(() => s.mock.replies().length >= 1);
    expect(s.service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: "feishu:oc_p2p" }]);
    const replies = s.mock.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.path).toBe(`/open-apis/im/v1/messages/${event.event.message.message_id}/reply`);
    expect(replies[0]!.headers.authorization).toBe("Bearer t-mock-tenant-token");
    expect(replies[0]!.body.reply_in_thread).toBe(false);
    const parsed = card(replies[0]!);
    const text = cardText(parsed);
    expect(parsed.elements[0]!.text.content).toMatch(/^\*\*长治高新区上半年实现地区生产总值105\.63亿元/);
    expect(text).toContain("来源");
    expect(text).toContain("[1] [长治高新区经济运行稳中向好](https://zones.example.com/#source=corpus%2F002_93385d198ddbd426.txt%230%3A0&quote=");
    expect(text).toContain("“长治高新区上半年实现地区生产总值105.63亿元，同比增长6.5%。”");
    const actions = parsed.elements.find((element) => element.tag === "action")!;
    expect(actions.actions.map((button: any) => [button.text.content, button.value.vote])).toEqual([
      ["👍 有帮助", "up"],
      ["👎 没帮助", "down"],
    ]);
    expect(actions.actions[0].value).toMatchObject({ conversationId: "feishu:oc_p2p", question: "长治高新区上半年GDP是多少？", answerId: expect.any(String) });
  });

  it("answers in groups only when the bot is mentioned, in the message's thread, and keeps the thread as one conversation", async () => {
    const s = await start("http");
    const server = s.servers[0]!;
    await postSigned(server, messageEvent({ text: "大家好", chatType: "group" }));
    await postSigned(server, messageEvent({ text: "请看一下", chatType: "group", mentionOther: true }));
    await settle(s);
    expect(s.service.asks).toHaveLength(0);

    const first = messageEvent({ text: "What incentives does Changzhi offer?", chatType: "group", mentionBot: true, messageId: "om_root" });
    await postSigned(server, first);
    await settle(s);
    await s.mock.waitFor(() => s.mock.replies().length === 1);
    const followUp = messageEvent({ text: "And Hengyang?", chatType: "group", mentionBot: true, rootId: "om_root" });
    await postSigned(server, followUp);
    await settle(s);
    await s.mock.waitFor(() => s.mock.replies().length === 2);
    expect(s.service.asks).toEqual([
      { question: "What incentives does Changzhi offer?", conversationId: "feishu:oc_group:om_root" },
      { question: "And Hengyang?", conversationId: "feishu:oc_group:om_root" },
    ]);
    expect(s.mock.replies().map((call) => [call.path, call.body.reply_in_thread])).toEqual([
      ["/open-apis/im/v1/messages/om_root/reply", true],
      [`/open-apis/im/v1/messages/${followUp.event.message.message_id}/reply`, true],
    ]);
    // English question → English card.
    expect(cardText(card(s.mock.replies()[0]!))).toContain("Sources");
  });

  it("records a 👍/👎 click through the feedback path and answers with a toast", async () => {
    const s = await start("http");
    await postSigned(s.servers[0]!, messageEvent({ text: "长治高新区上半年GDP是多少？" }));
    await settle(s);
    await s.mock.waitFor(() => s.mock.replies().length === 1);
    const down = card(s.mock.replies()[0]!).elements.find((element) => element.tag === "action")!.actions[1].value;
    const response = await postSigned(s.servers[0]!, cardAction(down));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ toast: { type: "success", content: "感谢您的反馈！" } });
    const [feedback] = await s.store.listFeedback(5);
    expect(feedback).toMatchObject({ platform: "feishu", user: "ou_user1", value: "down", conversationId: "feishu:oc_p2p", messageId: "om_reply_1", question: "长治高新区上半年GDP是多少？" });
    const logged = await s.store.getQuestion(down.answerId);
    expect(logged?.feedback).toBe("down");
  });

  it("replies to a non-text message with a request for a typed question", async () => {
    const s = await start("http");
    const event = messageEvent({ text: "" });
    (event.event.message as any).message_type = "image";
    (event.event.message as any).content = JSON.stringify({ image_key: "img_v2_x" });
    await postSigned(s.servers[0]!, event);
    await settle(s);
    await s.mock.waitFor(() => s.mock.replies().length === 1);
    expect(cardText(card(s.mock.replies()[0]!))).toContain("请直接输入您的问题");
    expect(s.service.asks).toHaveLength(0);
  });
});

describe("Feishu long connection (WSClient against a local gateway speaking pbbp2 frames)", () => {
  it("answers an event pushed in fragments once, acknowledges it, and takes feedback over the same connection", async () => {
    const s = await start("websocket");
    await s.mock.connected();
    const event = messageEvent({ text: "长治高新区上半年GDP是多少？" });
    s.mock.pushEvent("frame-1", event, 2);
    await s.mock.waitFor(() => s.mock.replies().length === 1);
    // The gateway redelivers the same event (no acknowledgement seen in time): still one answer.
    s.mock.pushEvent("frame-2", event);
    await s.mock.waitFor(() => s.mock.received.filter((frame) => frame.method === 1).length === 2);
    await settle(s);
    expect(s.mock.replies()).toHaveLength(1);
    expect(s.service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: "feishu:oc_p2p" }]);
    const acks = s.mock.received.filter((frame) => frame.method === 1);
    expect(acks.map((frame) => frame.headers.find((header) => header.key === "message_id")?.value)).toEqual(["frame-1", "frame-2"]);
    expect(JSON.parse(acks[0]!.payload!.toString("utf8"))).toMatchObject({ code: 200 });
    // The gateway asked for the endpoint with the app's credentials.
    expect(s.mock.calls.find((call) => call.path === "/callback/ws/endpoint")?.body).toEqual({ AppID: appId, AppSecret: "secret" });

    const up = card(s.mock.replies()[0]!).elements.find((element) => element.tag === "action")!.actions[0].value;
    s.mock.pushEvent("frame-3", cardAction(up));
    await s.mock.waitFor(() => s.mock.received.filter((frame) => frame.method === 1).length === 3);
    const ack = JSON.parse(s.mock.received.filter((frame) => frame.method === 1)[2]!.payload!.toString("utf8")) as { code: number; data: string };
    expect(ack.code).toBe(200);
    expect(JSON.parse(Buffer.from(ack.data, "base64").toString("utf8"))).toEqual({ toast: { type: "success", content: "感谢您的反馈！" } });
    expect((await s.store.listFeedback(5))[0]).toMatchObject({ platform: "feishu", value: "up" });
  });
});

describe("Feishu settings", () => {
  it("names what is missing or wrong", () => {
    const base = { FEISHU_APP_ID: appId, FEISHU_APP_SECRET: "s" };
    const create = (env: Record<string, string>) => () =>
      createFeishuAdapter({ config: loadConfig(env), delivery: undefined as unknown as DeliveryCore, store: new MemoryStateStore(), log: silentLogger });
    expect(create({ FEISHU_APP_ID: appId })).toThrow(/FEISHU_APP_SECRET/);
    expect(create({ ...base, FEISHU_APP_ID: "my-app" })).toThrow(/FEISHU_APP_ID "my-app" is not a Feishu app id/);
    expect(create({ ...base, FEISHU_CONNECTION: "http" })).toThrow(/FEISHU_ENCRYPT_KEY/);
    expect(() => loadConfig({ ...base, FEISHU_CONNECTION: "webhook" })).toThrow(/FEISHU_CONNECTION/);
    expect(createFeishuAdapter({ config: loadConfig({}), delivery: undefined as unknown as DeliveryCore, store: new MemoryStateStore(), log: silentLogger })).toBeUndefined();
  });
});

describe("questionText", () => {
  it("removes mention keys and reads only text content", () => {
    expect(questionText(JSON.stringify({ text: "@_user_1 长治 高新区？" }), [{ key: "@_user_1" }])).toBe("长治 高新区？");
    expect(questionText("not json")).toBe("");
  });
});
