import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryCore, type DeliveryCore } from "../../../src/chat/delivery.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import { createSlackRoutes, type SlackRoutes } from "../../../src/adapters/slack/slack-adapter.js";
import { signSlackRequest } from "../../helpers/slack-sign.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { Answer, AskOptions } from "../../../src/core/types.js";
import { createFakeService, sampleAnswer } from "../../chat/fake-service.js";
import { startMockSlackApi, type MockSlackApi } from "./mock-slack-api.js";
import { directMessageEvent, feedbackClick, mentionEvent, slashCommand } from "./slack-payloads.js";

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";

let mock: MockSlackApi;
let server: RunningServer;
let slack: SlackRoutes;
let delivery: DeliveryCore;
let store: MemoryStateStore;
let service: ReturnType<typeof createFakeService>;
const reindexCalls: string[] = [];
/** Per-test override of the service's behaviour; reset after each test. */
let behaviour: ((question: string, options?: AskOptions) => Promise<Answer>) | undefined;

beforeAll(async () => {
  mock = await startMockSlackApi();
  service = createFakeService((question, options) => (behaviour ? behaviour(question, options) : Promise.resolve(sampleAnswer(question, options?.conversationId))));
  store = new MemoryStateStore();
  delivery = createDeliveryCore({ service, store, rateLimitPerMinute: 100, log: silentLogger });
  slack = await createSlackRoutes({
    config: {
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_APP_TOKEN: undefined,
      SLACK_ADMIN_USERS: ["U0ADMIN"],
      SLACK_API_URL: `${mock.url}/api/`,
    },
    delivery,
    service,
    store,
    log: silentLogger,
    streamUpdateMs: 0,
    onReindex: async (userId) => {
      reindexCalls.push(userId);
      return { started: "job 42 queued", finished: Promise.resolve("job 42 succeeded (snapshot 2024-05-02 is live)") };
    },
  });
  server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: slack.plugins, maxBodyBytes: 64 * 1024, log: silentLogger });
});

afterEach(async () => {
  await slack.stop();
  await delivery.idle();
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

interface PostOptions {
  form?: boolean;
  retryNum?: number;
  timestamp?: number;
  secret?: string;
  rawBody?: string;
}

async function post(body: unknown, options: PostOptions = {}) {
  const raw =
    options.rawBody ??
    (options.form
      ? new URLSearchParams(
          (body as Record<string, string>).type === "block_actions" || typeof (body as Record<string, unknown>).actions === "object"
            ? { payload: JSON.stringify(body) }
            : (body as Record<string, string>),
        ).toString()
      : JSON.stringify(body));
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": options.form ? "application/x-www-form-urlencoded" : "application/json",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signSlackRequest(options.secret ?? signingSecret, timestamp, raw),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return fetch(`${server.url}/slack/events`, { method: "POST", headers, body: raw });
}

/** Waits for the whole pipeline: Bolt's processing, then the delivery core's answers. */
async function settled() {
  await slack.stop();
  await delivery.idle();
}

describe("Slack adapter over HTTP", () => {
  it("answers a mention in its thread: placeholder, then chat.update with answer, sources and buttons", async () => {
    const event = mentionEvent({ text: "<@UBOT> 长治高新区上半年GDP是多少？" });
    const response = await post(event);
    expect(response.status).toBe(200);
    await settled();

    expect(service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: `slack:C0CHAN1:${event.event.ts}` }]);
    const posts = mock.callsTo("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toMatchObject({ channel: "C0CHAN1", thread_ts: event.event.ts });
    expect(posts[0].body.text).toContain("正在查找");
    const updates = mock.callsTo("chat.update");
    expect(updates).toHaveLength(1);
    const update = updates[0].body;
    // The placeholder is replaced in place, not followed by a second message.
    expect(update.ts).toBe(posts[0].response?.ts);
    expect(update.channel).toBe("C0CHAN1");
    const blocks = update.blocks as Array<Record<string, any>>;
    expect(blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    expect(blocks[0].text.text).toContain("105.63亿元");
    const context = blocks.find((block) => block.type === "context");
    expect(context?.elements.map((element: { text: string }) => element.text)).toEqual([
      "*来源*",
      "[1] 长治高新区经济运行稳中向好 · 长治高新区 · 2023-07-20",
      "[2] 招商引资优惠政策出台 · 长治高新区 · 2023-03-02",
    ]);
    const actions = blocks.find((block) => block.type === "actions");
    expect(actions?.elements.map((element: { action_id: string }) => element.action_id)).toEqual(["feedback_up", "feedback_down"]);
    expect(mock.callsTo("auth.test").length).toBeLessThanOrEqual(1);
  });

  it("keeps a thread as one conversation for follow-ups", async () => {
    const first = mentionEvent({ text: "<@UBOT> What incentives does Changzhi offer?" });
    await post(first);
    await settled();
    const followUp = mentionEvent({ text: "<@UBOT> and what about rent?", threadTs: first.event.ts });
    await post(followUp);
    await settled();
    expect(service.asks.map((ask) => ask.conversationId)).toEqual([`slack:C0CHAN1:${first.event.ts}`, `slack:C0CHAN1:${first.event.ts}`]);
    expect(mock.callsTo("chat.postMessage").map((call) => call.body.thread_ts)).toEqual([first.event.ts, first.event.ts]);
    expect(mock.callsTo("chat.postMessage")[0].body.text).toContain("Looking that up");
    // The bot identity is looked up once, not before every event.
    expect(mock.callsTo("auth.test").length).toBeLessThanOrEqual(1);
  });

  it("answers a direct message and ignores bot messages and subtypes", async () => {
    await post(directMessageEvent({ text: "长治高新区有哪些优惠政策？" }));
    await post(directMessageEvent({ text: "I am a bot", botId: "B0OTHER" }));
    await post(directMessageEvent({ text: "edited", subtype: "message_changed" }));
    await settled();
    expect(service.asks).toEqual([{ question: "长治高新区有哪些优惠政策？", conversationId: "slack:D0DM0001" }]);
    expect(mock.callsTo("chat.postMessage")[0].body).toMatchObject({ channel: "D0DM0001" });
    expect(mock.callsTo("chat.postMessage")[0].body.thread_ts).toBeUndefined();
    expect(mock.callsTo("chat.update")).toHaveLength(1);
  });

  it("never answers a retried event twice", async () => {
    const event = mentionEvent({ text: "<@UBOT> 园区企业数量？" });
    const [first, retry] = await Promise.all([post(event), post(event, { retryNum: 1 })]);
    const again = await post(event, { retryNum: 2 });
    expect([first.status, retry.status, again.status]).toEqual([200, 200, 200]);
    await settled();
    expect(service.asks).toHaveLength(1);
    expect(mock.callsTo("chat.postMessage")).toHaveLength(1);
    expect(mock.callsTo("chat.update")).toHaveLength(1);
  });

  it("answers url_verification with the challenge", async () => {
    const response = await post({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("refuses a bad signature, a stale timestamp and a missing signature with an empty 401", async () => {
    const event = mentionEvent({ text: "<@UBOT> hi" });
    const bad = await post(event, { secret: "not-the-secret" });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe("");
    const stale = await post(event, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${server.url}/slack/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
    expect(unsigned.status).toBe(401);
    await settled();
    expect(service.asks).toHaveLength(0);
    expect(mock.calls).toHaveLength(0);
  });

  it("answers malformed JSON with 400", async () => {
    const response = await post(undefined, { rawBody: '{"type": "event_callback", ' });
    expect(response.status).toBe(400);
  });

  it("handles /zone help and /zone status in the acknowledgement", async () => {
    const help = await post(slashCommand("help", `${mock.url}/response/help`), { form: true });
    expect(help.status).toBe(200);
    const helpBody = (await help.json()) as { response_type: string; text: string };
    expect(helpBody.response_type).toBe("ephemeral");
    expect(helpBody.text).toContain("/zone ask");
    const status = await post(slashCommand("status", `${mock.url}/response/status`), { form: true });
    const statusBody = (await status.json()) as { text: string };
    expect(statusBody.text).toContain("2024-05-01T10-00-00Z-abc123");
    expect(statusBody.text).toContain("1234 chunks");
  });

  it("answers /zone ask through the response_url", async () => {
    const response = await post(slashCommand("ask 长治高新区上半年GDP是多少？", `${mock.url}/response/ask1`), { form: true });
    expect(response.status).toBe(200);
    await settled();
    expect(service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: "slack:C0CHAN1:command:U0USER1" }]);
    const replies = mock.callsTo("response/ask1");
    expect(replies).toHaveLength(1);
    expect(replies[0].body.response_type).toBe("in_channel");
    expect(JSON.stringify(replies[0].body.blocks)).toContain("105.63亿元");
    expect(JSON.stringify(replies[0].body.blocks)).toContain("[2] 招商引资优惠政策出台");
  });

  it("lets only admins reindex, auditing both", async () => {
    const refused = await post(slashCommand("reindex", `${mock.url}/response/r1`, "U0USER1"), { form: true });
    expect(((await refused.json()) as { text: string }).text).toMatch(/only administrators/);
    const allowed = await post(slashCommand("reindex", `${mock.url}/response/r2`, "U0ADMIN"), { form: true });
    expect(allowed.status).toBe(200);
    await settled();
    expect(reindexCalls).toEqual(["U0ADMIN"]);
    // The outcome is posted when the job ends, after the listener has returned: wait for that call.
    await mock.waitFor(() => mock.callsTo("response/r2").length >= 2);
    expect(mock.callsTo("response/r2").map((call) => call.body.text)).toEqual([
      "Re-index started: job 42 queued",
      "Re-index finished: job 42 succeeded (snapshot 2024-05-02 is live)",
    ]);
    expect((await store.listAudit(10)).map((entry) => [entry.actor, entry.action])).toEqual([
      ["slack:U0ADMIN", "reindex"],
      ["slack:U0USER1", "reindex.refused"],
    ]);
  });

  it("starts one re-index for a replayed /zone reindex (same trigger_id)", async () => {
    const before = reindexCalls.length;
    const command = slashCommand("reindex", `${mock.url}/response/r3`, "U0ADMIN");
    const first = await post(command, { form: true });
    const replay = await post(command, { form: true });
    expect(first.status).toBe(200);
    expect(((await replay.json()) as { text: string }).text).toMatch(/already received/);
    await settled();
    expect(reindexCalls.length - before).toBe(1);
  });

  it("stores a feedback click and acknowledges it", async () => {
    const event = mentionEvent({ text: "<@UBOT> 长治高新区GDP？" });
    await post(event);
    await settled();
    const update = mock.callsTo("chat.update")[0].body;
    const buttons = (update.blocks as Array<Record<string, any>>).find((block) => block.type === "actions")!.elements;
    const down = buttons.find((button: { action_id: string }) => button.action_id === "feedback_down");
    const click = feedbackClick({ actionId: "feedback_down", value: down.value, responseUrl: `${mock.url}/response/fb`, messageTs: update.ts });
    const response = await post(click, { form: true });
    expect(response.status).toBe(200);
    await settled();
    expect((await store.listFeedback(1))[0]).toMatchObject({
      platform: "slack",
      user: "U0USER1",
      conversationId: `slack:C0CHAN1:${event.event.ts}`,
      messageId: update.ts,
      value: "down",
      question: "长治高新区GDP？",
    });
    expect(mock.callsTo("response/fb")[0].body.text).toContain("感谢");
  });

  it("shows streamed partial text, then replaces it with the final answer", async () => {
    behaviour = async (question, options) => {
      // Emit tokens until the mock has seen a partial update (bounded), as an LLM stream would.
      const deadline = Date.now() + 3000;
      let index = 0;
      while (!mock.callsTo("chat.update").length && Date.now() < deadline) {
        options?.onToken?.(index++ === 0 ? "长治高新区" : "上半年");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return sampleAnswer(question, options?.conversationId);
    };
    await post(mentionEvent({ text: "<@UBOT> 长治高新区上半年GDP是多少？" }));
    await settled();
    const updates = mock.callsTo("chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates[0].body.text).toMatch(/^长治高新区(上半年)* …$/);
    expect(updates[0].body.blocks).toBeUndefined();
    const last = updates[updates.length - 1].body;
    expect(JSON.stringify(last.blocks)).toContain("105.63亿元");
    expect(new Set(updates.map((call) => call.body.ts)).size).toBe(1);
  });

  it("replaces the placeholder with an apology when answering fails, without the raw error", async () => {
    behaviour = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:11434");
    };
    await post(mentionEvent({ text: "<@UBOT> What incentives does Changzhi offer?" }));
    await settled();
    const update = mock.callsTo("chat.update")[0].body;
    expect(update.text).toMatch(/^Sorry/);
    expect(JSON.stringify(update)).not.toContain("ECONNREFUSED");
  });
});
