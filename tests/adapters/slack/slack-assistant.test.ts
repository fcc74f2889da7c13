import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import { greeting } from "../../../src/adapters/slack/slack-assistant.js";
import { createSlackRoutes, type SlackRoutes } from "../../../src/adapters/slack/slack-adapter.js";
import { signSlackRequest } from "../../helpers/slack-sign.js";
import { withQuestionLog } from "../../../src/app/question-log.js";
import { promptCandidates } from "../../../src/app/suggested-prompts.js";
import { createDeliveryCore, type DeliveryCore } from "../../../src/chat/delivery.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { Answer, AskOptions } from "../../../src/core/types.js";
import type { Fact } from "../../../src/facts/types.js";
import { createFakeService, sampleAnswer } from "../../chat/fake-service.js";
import { startMockSlackApi, type MockSlackApi } from "./mock-slack-api.js";
import { assistantMessage, assistantThreadStarted, feedbackClick } from "./slack-payloads.js";

const signingSecret = "assistant-signing-secret";
const prompts = [
  { title: "长治高新区 · 地区生产总值", message: "长治高新区地区生产总值是多少？" },
  { title: "Incentives in Changzhi High-tech Zone", message: "What investment incentives does Changzhi High-tech Zone offer?" },
];

let mock: MockSlackApi;
let server: RunningServer;
let slack: SlackRoutes;
let delivery: DeliveryCore;
let store: MemoryStateStore;
let service: ReturnType<typeof createFakeService>;
let behaviour: ((question: string, options?: AskOptions) => Promise<Answer>) | undefined;

beforeAll(async () => {
  mock = await startMockSlackApi();
  service = createFakeService((question, options) => (behaviour ? behaviour(question, options) : Promise.resolve(sampleAnswer(question, options?.conversationId))));
  store = new MemoryStateStore();
  delivery = createDeliveryCore({ service: withQuestionLog({ service, store, log: silentLogger }), store, rateLimitPerMinute: 100, log: silentLogger });
  slack = await createSlackRoutes({
    config: { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_APP_TOKEN: undefined, SLACK_ADMIN_USERS: [], SLACK_API_URL: `${mock.url}/api/`, SLACK_ASSISTANT: true },
    delivery,
    service,
    store,
    log: silentLogger,
    suggestedPrompts: async () => prompts,
  });
  server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: slack.plugins, maxBodyBytes: 64 * 1024, log: silentLogger });
});

afterEach(async () => {
  await settled();
  mock.calls.length = 0;
  service.asks.length = 0;
  behaviour = undefined;
});

afterAll(async () => {
  await slack?.stop();
  await delivery?.close();
  await server?.close();
  await mock?.close();
});

async function post(body: unknown, options: { retryNum?: number; form?: boolean } = {}) {
  const raw = options.form ? new URLSearchParams({ payload: JSON.stringify(body) }).toString() : JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": options.form ? "application/x-www-form-urlencoded" : "application/json",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signSlackRequest(signingSecret, timestamp, raw),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return fetch(`${server.url}/slack/events`, { method: "POST", headers, body: raw });
}

async function settled() {
  await slack.stop();
  await delivery.idle();
}

describe("Slack assistant view", () => {
  it("greets a new thread once (Slack retries included) and suggests prompts drawn from the index", async () => {
    const started = assistantThreadStarted({ threadTs: "1729999327.187299" });
    expect((await post(started)).status).toBe(200);
    expect((await post(started, { retryNum: 1 })).status).toBe(200);
    await settled();
    expect(mock.callsTo("chat.postMessage")).toHaveLength(1);
    expect(mock.callsTo("assistant.threads.setSuggestedPrompts")).toHaveLength(1);
    const [hello] = mock.callsTo("chat.postMessage");
    expect(hello?.body).toMatchObject({ channel: "D0AST001", thread_ts: "1729999327.187299", text: greeting });
    const [suggested] = mock.callsTo("assistant.threads.setSuggestedPrompts");
    expect(suggested?.body).toMatchObject({ channel_id: "D0AST001", thread_ts: "1729999327.187299", prompts });
    expect(service.asks).toHaveLength(0);
  });

  it("titles the thread, shows a status, and streams the answer ending with sources and feedback buttons — once per retried event", async () => {
    const message = assistantMessage({ text: "长治高新区上半年GDP是多少？", threadTs: "1729999327.187299" });
    await post(message);
    await post(message, { retryNum: 1 });
    await settled();
    expect(service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: "slack:D0AST001:1729999327.187299" }]);
    const order = mock.calls.map((call) => call.method).filter((method) => method !== "auth.test");
    // Title and status go out together (in either order) before the answer's stream.
    expect(new Set(order.slice(0, 2))).toEqual(new Set(["assistant.threads.setTitle", "assistant.threads.setStatus"]));
    expect(order.slice(2)).toEqual(["chat.startStream", "chat.stopStream"]);
    expect(mock.callsTo("assistant.threads.setTitle")[0]!.body).toMatchObject({ channel_id: "D0AST001", thread_ts: "1729999327.187299", title: "长治高新区上半年GDP是多少？" });
    expect(mock.callsTo("assistant.threads.setStatus")[0]!.body.status).toBe("正在查找资料…");
    const start = mock.callsTo("chat.startStream")[0]!.body;
    expect(start).toMatchObject({ channel: "D0AST001", thread_ts: "1729999327.187299", recipient_user_id: "U0USER3", recipient_team_id: "T0001" });
    const stop = mock.callsTo("chat.stopStream")[0]!.body;
    expect(stop.ts).toBe(mock.callsTo("chat.startStream")[0]!.response?.ts);
    expect(stop.chunks).toEqual([{ type: "markdown_text", text: sampleAnswer("x").answer }]);
    const blocks = stop.blocks as Array<Record<string, any>>;
    expect(blocks.find((block) => block.type === "context")?.elements.map((element: { text: string }) => element.text)).toEqual([
      "*来源*",
      "[1] 长治高新区经济运行稳中向好 · 长治高新区 · 2023-07-20",
      "[2] 招商引资优惠政策出台 · 长治高新区 · 2023-03-02",
    ]);
    const buttons = blocks.find((block) => block.type === "actions")!.elements as Array<{ action_id: string; value: string }>;
    expect(buttons.map((button) => button.action_id)).toEqual(["feedback_up", "feedback_down"]);

    // 👎 on the streamed answer goes through the feedback path onto the logged answer.
    const answerId = JSON.parse(buttons[1]!.value).a as string;
    const click = feedbackClick({ actionId: "feedback_down", value: buttons[1]!.value, responseUrl: `${mock.url}/response/1`, messageTs: stop.ts, user: "U0USER3" });
    expect((await post(click, { form: true })).status).toBe(200);
    await settled();
    expect((await store.listFeedback(1))[0]).toMatchObject({ platform: "slack", user: "U0USER3", value: "down", conversationId: "slack:D0AST001:1729999327.187299" });
    expect((await store.getQuestion(answerId))?.feedback).toBe("down");
  });

  it("streams an LLM's tokens as they come and shows the checked answer when it differs from the draft", async () => {
    const draft = "长治高新区上半年实现地区生产总值105.63亿元，同比增长6.5%[1]。此外还有一句没有核实的话，足够长以便超过缓冲区的大小。".repeat(10);
    behaviour = async (question, options) => {
      for (let at = 0; at < draft.length; at += 40) options?.onToken?.(draft.slice(at, at + 40));
      return sampleAnswer(question, options?.conversationId);
    };
    await post(assistantMessage({ text: "What was Changzhi's GDP?", threadTs: "1729999400.000001" }));
    await settled();
    expect(mock.callsTo("assistant.threads.setStatus")[0]!.body.status).toBe("is looking that up…");
    const streamed = [...mock.callsTo("chat.startStream"), ...mock.callsTo("chat.appendStream"), ...mock.callsTo("chat.stopStream")]
      .flatMap((call) => (call.body.chunks ?? []) as Array<{ text: string }>)
      .map((chunk) => chunk.text)
      .join("");
    expect(streamed).toBe(draft);
    expect(mock.callsTo("chat.appendStream").length).toBeGreaterThan(0);
    const [update] = mock.callsTo("chat.update");
    expect(update?.body.ts).toBe(mock.callsTo("chat.startStream")[0]!.response?.ts);
    expect(update?.body.text).toBe(sampleAnswer("x").answer);
  });

  it("posts the answer as one message when the workspace refuses streaming", async () => {
    mock.failing.add("chat.startStream");
    try {
      await post(assistantMessage({ text: "长治高新区上半年GDP是多少？", threadTs: "1729999500.000001" }));
      await settled();
    } finally {
      mock.failing.delete("chat.startStream");
    }
    const [posted] = mock.callsTo("chat.postMessage");
    expect(posted?.body).toMatchObject({ channel: "D0AST001", thread_ts: "1729999500.000001", text: sampleAnswer("x").answer });
    expect((posted?.body.blocks as Array<{ type: string }>).map((block) => block.type)).toEqual(["section", "context", "actions"]);
  });

  it("does not answer the bot's own messages in the thread", async () => {
    const own = assistantMessage({ text: "我的回答", threadTs: "1729999327.187299" }) as any;
    own.event.bot_id = "BBOT";
    await post(own);
    await settled();
    expect(service.asks).toHaveLength(0);
  });
});

describe("promptCandidates", () => {
  const fact = (zone: string, place: string, metric: string): Fact =>
    ({ zone, place, level: "zone", metric, label: "", sentence: "", source: "", chunkId: "", articleId: "", sentenceStart: 0, sentenceEnd: 0, value: 1, unit: "yuan", raw: "1" }) as unknown as Fact;
  const names = { english: (place: string) => ({ 长治: "Changzhi", 衡阳: "Hengyang" })[place] ?? place, metric: (key: string) => ({ gdp: "地区生产总值", tax: "税收" })[key] };

  it("asks about the most reported zones and measures, in Chinese and English", () => {
    const facts = [fact("长治高新区", "长治", "gdp"), fact("长治高新区", "长治", "gdp"), fact("长治高新区", "长治", "tax"), fact("衡阳高新区", "衡阳", "tax"), fact("衡阳市", "衡阳", "gdp")];
    (facts[4] as { level: string }).level = "city";
    const candidates = promptCandidates(facts, [], names);
    expect(candidates.map((candidate) => candidate.message)).toEqual([
      "长治高新区地区生产总值是多少？",
      "What investment incentives does Changzhi High-tech Zone offer?",
      "长治高新区税收是多少？",
      "What investment incentives does Hengyang High-tech Zone offer?",
      "衡阳高新区税收是多少？",
    ]);
  });

  it("suggests nothing when the index covers nothing", () => {
    expect(promptCandidates([], [], names)).toEqual([]);
  });
});

describe("Slack app manifest", () => {
  it("enables the assistant view with the scopes and events the adapter needs", async () => {
    const { readFile } = await import("node:fs/promises");
    const manifest = await readFile(new URL("../../../slack-app-manifest.yaml", import.meta.url), "utf8");
    const listed = (section: string) => {
      const lines = manifest.split("\n");
      const start = lines.findIndex((line) => line.trim() === `${section}:`);
      const items: string[] = [];
      for (const line of lines.slice(start + 1)) {
        const item = /^\s+- (\S+)$/.exec(line);
        if (!item) break;
        items.push(item[1]!);
      }
      return items;
    };
    expect(manifest).toMatch(/^ {2}assistant_view:\n {4}assistant_description: \S/m);
    expect(listed("bot")).toEqual(expect.arrayContaining(["assistant:write", "chat:write", "im:history", "app_mentions:read", "commands"]));
    expect(listed("bot_events")).toEqual(expect.arrayContaining(["assistant_thread_started", "assistant_thread_context_changed", "message.im", "app_mention"]));
  });
});
