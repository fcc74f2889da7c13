/**
 * Chat channels: time from a platform event received to the reply sent, per channel, against the
 * local platform mocks the tests use (Feishu OpenAPI + long-connection gateway, DingTalk Stream
 * gateway + sessionWebhook, Slack Web API), with every request signed/encrypted as the platform
 * does. The clock starts when the event leaves the mock platform and stops when the reply reaches
 * it, so it covers verification, decryption, de-duplication, rate limit, answering and rendering.
 * Standalone: `npx tsx scripts/bench-channels.ts` (instant answers: the adapters' own overhead).
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createDingtalkAdapter } from "../src/adapters/dingtalk/dingtalk-adapter.js";
import { dingtalkSign } from "../src/adapters/dingtalk/dingtalk-sign.js";
import { createFeishuAdapter } from "../src/adapters/feishu/feishu-adapter.js";
import { encryptFeishu, feishuSignature } from "../src/adapters/feishu/feishu-crypto.js";
import { startHttpServer, type RunningServer } from "../src/adapters/http/server.js";
import { createSlackRoutes } from "../src/adapters/slack/slack-adapter.js";
import { signSlackRequest } from "../tests/helpers/slack-sign.js";
import { createDeliveryCore } from "../src/chat/delivery.js";
import { MemoryStateStore } from "../src/state/memory-state-store.js";
import { loadConfig } from "../src/core/config.js";
import { silentLogger } from "../src/core/logger.js";
import type { AnswerService } from "../src/core/types.js";
import { createFakeService } from "../tests/chat/fake-service.js";
import { robotMessage, startMockDingtalk } from "../tests/adapters/dingtalk/mock-dingtalk.js";
import { startMockFeishu } from "../tests/adapters/feishu/mock-feishu.js";
import { startMockSlackApi } from "../tests/adapters/slack/mock-slack-api.js";
import { assistantMessage, mentionEvent } from "../tests/adapters/slack/slack-payloads.js";
import { percentile } from "./bench-load.js";

export interface ChannelRow {
  channel: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
}

interface Channel {
  name: string;
  /** Sends event number `index` carrying `question`; resolves when the platform has received the reply. */
  ask(question: string, index: number): Promise<void>;
  close(): Promise<void>;
}

const appId = "cli_a1b2c3d4e5f60718";
const encryptKey = "bench-encrypt-key";
const token = "bench-verification-token";
const dingSecret = "bench-dingtalk-secret";
const slackSecret = "bench-slack-secret";

/** Polls every millisecond until the reply count passes `before`. */
async function until(count: () => number, before: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (count() <= before) {
    if (performance.now() > deadline) throw new Error("no reply within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function feishuEvent(question: string, index: number) {
  return {
    schema: "2.0",
    header: { event_id: `bench_ev_${index}_${randomBytes(4).toString("hex")}`, token, create_time: String(Date.now()), event_type: "im.message.receive_v1", tenant_key: "tk", app_id: appId },
    event: {
      sender: { sender_id: { open_id: `ou_${index}` }, sender_type: "user", tenant_key: "tk" },
      message: { message_id: `om_bench_${index}_${randomBytes(4).toString("hex")}`, chat_id: `oc_bench_${index}`, chat_type: "p2p", message_type: "text", content: JSON.stringify({ text: question }) },
    },
  };
}

async function feishuChannel(service: AnswerService, connection: "http" | "websocket"): Promise<Channel> {
  const mock = await startMockFeishu();
  const store = new MemoryStateStore();
  const delivery = createDeliveryCore({ service, store, rateLimitPerMinute: 1_000_000, log: silentLogger });
  const config = loadConfig({ FEISHU_APP_ID: appId, FEISHU_APP_SECRET: "s", FEISHU_ENCRYPT_KEY: encryptKey, FEISHU_VERIFICATION_TOKEN: token, FEISHU_CONNECTION: connection, FEISHU_DOMAIN: mock.url });
  const adapter = createFeishuAdapter({ config, delivery, store, log: silentLogger })!;
  let server: RunningServer | undefined;
  if (connection === "http") server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: adapter.plugins, maxBodyBytes: 65536, log: silentLogger });
  else await mock.connected();
  return {
    name: connection === "http" ? "Feishu, HTTP callback (signed, encrypted)" : "Feishu, long connection (pbbp2 over WebSocket)",
    async ask(question, index) {
      const before = mock.replies().length;
      const event = feishuEvent(question, index);
      if (server) {
        const body = JSON.stringify({ encrypt: encryptFeishu(encryptKey, JSON.stringify(event)) });
        const timestamp = String(Math.floor(Date.now() / 1000));
        const nonce = randomBytes(8).toString("hex");
        const response = await fetch(`${server.url}/feishu/events`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": nonce, "x-lark-signature": feishuSignature(timestamp, nonce, encryptKey, body) },
          body,
        });
        if (!response.ok) throw new Error(`Feishu callback: HTTP ${response.status}`);
      } else mock.pushEvent(`frame_${index}`, event);
      await until(() => mock.replies().length, before);
    },
    async close() {
      await adapter.stop();
      await delivery.close();
      await server?.close();
      await mock.close();
    },
  };
}

async function dingtalkChannel(service: AnswerService, connection: "http" | "stream"): Promise<Channel> {
  const mock = await startMockDingtalk();
  const store = new MemoryStateStore();
  const delivery = createDeliveryCore({ service, store, rateLimitPerMinute: 1_000_000, log: silentLogger });
  const config = loadConfig({ DINGTALK_CLIENT_ID: "bench", DINGTALK_CLIENT_SECRET: dingSecret, DINGTALK_CONNECTION: connection, DINGTALK_GATEWAY_URL: mock.gatewayUrl });
  const adapter = createDingtalkAdapter({ config, delivery, log: silentLogger })!;
  let server: RunningServer | undefined;
  if (connection === "http") server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: adapter.plugins, maxBodyBytes: 65536, log: silentLogger });
  else await mock.connected();
  return {
    name: connection === "http" ? "DingTalk, outgoing robot (signed HTTP)" : "DingTalk, Stream mode (WebSocket)",
    async ask(question, index) {
      const before = mock.webhookCalls.length;
      const message = { ...robotMessage(mock, { text: question }), conversationId: `cidBench${index}`, msgId: `bench${index}_${randomBytes(4).toString("hex")}` };
      if (server) {
        const timestamp = String(Date.now());
        const response = await fetch(`${server.url}/dingtalk/events`, { method: "POST", headers: { "content-type": "application/json", timestamp, sign: dingtalkSign(dingSecret, timestamp) }, body: JSON.stringify(message) });
        if (!response.ok) throw new Error(`DingTalk callback: HTTP ${response.status}`);
      } else mock.pushRobotMessage(`stream_${index}`, message);
      await until(() => mock.webhookCalls.length, before);
    },
    async close() {
      await adapter.stop();
      await delivery.close();
      await server?.close();
      await mock.close();
    },
  };
}

async function slackChannel(service: AnswerService, view: "assistant" | "mention"): Promise<Channel> {
  const mock = await startMockSlackApi();
  const store = new MemoryStateStore();
  const delivery = createDeliveryCore({ service, store, rateLimitPerMinute: 1_000_000, log: silentLogger });
  const slack = await createSlackRoutes({
    config: { SLACK_SIGNING_SECRET: slackSecret, SLACK_BOT_TOKEN: "xoxb-bench", SLACK_APP_TOKEN: undefined, SLACK_ADMIN_USERS: [], SLACK_API_URL: `${mock.url}/api/`, SLACK_ASSISTANT: true },
    delivery,
    service,
    store,
    log: silentLogger,
  });
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: slack.plugins, maxBodyBytes: 65536, log: silentLogger });
  const done = view === "assistant" ? "chat.stopStream" : "chat.update";
  return {
    name: view === "assistant" ? "Slack assistant view (streamed)" : "Slack mention (placeholder, then update)",
    async ask(question, index) {
      const before = mock.callsTo(done).length;
      const event = view === "assistant" ? assistantMessage({ text: question, threadTs: `1700001000.${String(index).padStart(6, "0")}` }) : mentionEvent({ text: `<@UBOT> ${question}` });
      const raw = JSON.stringify(event);
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(`${server.url}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-slack-request-timestamp": String(timestamp), "x-slack-signature": signSlackRequest(slackSecret, timestamp, raw) },
        body: raw,
      });
      if (!response.ok) throw new Error(`Slack: HTTP ${response.status}`);
      await until(() => mock.callsTo(done).length, before);
    },
    async close() {
      await slack.stop();
      await delivery.close();
      await server.close();
      await mock.close();
    },
  };
}

/** Sequential asks per channel (`rounds` × the questions), after a short warm-up. */
export async function measureChannels(service: AnswerService, questions: string[], rounds = 3): Promise<ChannelRow[]> {
  const rows: ChannelRow[] = [];
  const factories = [
    () => feishuChannel(service, "http"),
    () => feishuChannel(service, "websocket"),
    () => dingtalkChannel(service, "http"),
    () => dingtalkChannel(service, "stream"),
    () => slackChannel(service, "assistant"),
    () => slackChannel(service, "mention"),
  ];
  let index = 0;
  for (const factory of factories) {
    const channel = await factory();
    try {
      for (const question of questions.slice(0, 3)) await channel.ask(question, index++);
      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const question of questions) {
          const started = performance.now();
          await channel.ask(question, index++);
          samples.push(performance.now() - started);
        }
      }
      rows.push({ channel: channel.name, n: samples.length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) });
    } finally {
      await channel.close();
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const questions = ["长治高新区上半年GDP是多少？", "What incentives does Changzhi offer?", "衡阳高新区进出口增长多少？", "安康高新区有哪些人才政策？"];
  const rows = await measureChannels(createFakeService(), questions, 25);
  console.log("\nChat channels: event received → reply sent, instant answers (adapter overhead)");
  console.log("| channel | events | p50 | p95 |\n| --- | --- | --- | --- |");
  for (const row of rows) console.log(`| ${row.channel} | ${row.n} | ${row.p50Ms.toFixed(1)} ms | ${row.p95Ms.toFixed(1)} ms |`);
}
