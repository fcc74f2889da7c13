import { describe, expect, it } from "vitest";
import { createDeliveryCore, type DeliveryReply } from "../../src/chat/delivery.js";
import { MemoryStateStore } from "../../src/state/memory-state-store.js";
import { AppError } from "../../src/core/errors.js";
import { silentLogger, type Logger } from "../../src/core/logger.js";
import { createFakeService, sampleAnswer } from "./fake-service.js";

function collect() {
  const replies: DeliveryReply[] = [];
  return { replies, send: async (reply: DeliveryReply) => void replies.push(reply) };
}

const message = (overrides: Partial<{ messageId: string; userId: string; text: string; conversationId: string }> = {}) => ({
  platform: "slack" as const,
  messageId: "Ev1",
  userId: "U1",
  conversationId: "slack:C1:1.0",
  text: "长治高新区上半年GDP是多少？",
  ...overrides,
});

describe("delivery core", () => {
  it("answers once and passes the conversation id to the service", async () => {
    const service = createFakeService();
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger });
    const { replies, send } = collect();
    const ticket = await core.handleIncoming(message(), send);
    expect(ticket.status).toBe("accepted");
    await ticket.done;
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ kind: "answer", conversationId: "slack:C1:1.0", question: "长治高新区上半年GDP是多少？" });
    expect(service.asks).toEqual([{ question: "长治高新区上半年GDP是多少？", conversationId: "slack:C1:1.0" }]);
  });

  it("ignores a retried delivery with the same message id", async () => {
    const service = createFakeService();
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger });
    const { replies, send } = collect();
    // Delivered twice at once, as a platform retry racing the original does.
    const [first, retry] = await Promise.all([core.handleIncoming(message(), send), core.handleIncoming(message(), send)]);
    expect(retry.status).toBe("duplicate");
    await core.idle();
    expect(first.status).toBe("accepted");
    expect(replies).toHaveLength(1);
    expect(service.asks).toHaveLength(1);
    // A different platform may reuse the same id without colliding.
    const other = await core.handleIncoming({ ...message(), platform: "wechat" }, send);
    expect(other.status).toBe("accepted");
    await core.idle();
    expect(replies).toHaveLength(2);
  });

  it("rate-limits per user with one polite notice in the user's language", async () => {
    let clock = 1_000_000;
    const service = createFakeService();
    const core = createDeliveryCore({ service, store: new MemoryStateStore(() => clock), rateLimitPerMinute: 2, log: silentLogger, now: () => clock });
    const { replies, send } = collect();
    const statuses: string[] = [];
    for (const id of ["a", "b", "c", "d"]) statuses.push((await core.handleIncoming(message({ messageId: id, text: "What incentives does Changzhi offer?" }), send)).status);
    expect(statuses).toEqual(["accepted", "accepted", "rate-limited", "rate-limited"]);
    // Another user is not affected.
    expect((await core.handleIncoming(message({ messageId: "e", userId: "U2" }), send)).status).toBe("accepted");
    await core.idle();
    const notices = replies.filter((reply) => reply.kind === "notice");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ reason: "rate-limited", language: "en" });
    expect(notices[0].kind === "notice" && notices[0].text).toMatch(/try again/);
    expect(service.asks).toHaveLength(3);
    clock += 61_000;
    expect((await core.handleIncoming(message({ messageId: "f", text: "再问一次" }), send)).status).toBe("accepted");
    await core.idle();
  });

  it("answers failures with an apology in the user's language and logs the raw error", async () => {
    const logged: string[] = [];
    const log: Logger = { ...silentLogger, error: (text, ...details) => void logged.push([text, ...details.map(String)].join(" ")) };
    const secret = "ECONNREFUSED 10.0.0.7:5432 password=hunter2";
    const service = createFakeService(async () => {
      throw new Error(secret);
    });
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log });
    const { replies, send } = collect();
    core.handleIncoming(message({ messageId: "zh" }), send);
    core.handleIncoming(message({ messageId: "en", text: "What did Changzhi report for GDP?" }), send);
    await core.idle();
    expect(replies).toHaveLength(2);
    for (const reply of replies) {
      expect(reply.kind).toBe("notice");
      expect(JSON.stringify(reply)).not.toContain("hunter2");
      expect(JSON.stringify(reply)).not.toContain("ECONNREFUSED");
    }
    const byLanguage = Object.fromEntries(replies.map((reply) => [reply.kind === "notice" ? reply.language : "", reply]));
    expect(byLanguage.zh).toMatchObject({ reason: "failed" });
    expect(byLanguage.zh.kind === "notice" && byLanguage.zh.text).toMatch(/抱歉/);
    expect(byLanguage.en.kind === "notice" && byLanguage.en.text).toMatch(/Sorry/);
    expect(logged.join("\n")).toContain("ECONNREFUSED");
  });

  it("maps index errors to an 'unavailable' notice", async () => {
    const service = createFakeService(async () => {
      throw new AppError("INDEX_MISSING", "No index in data/index.", { hint: "Run npm run index." });
    });
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger });
    const { replies, send } = collect();
    await (await core.handleIncoming(message(), send)).done;
    expect(replies[0]).toMatchObject({ kind: "notice", reason: "unavailable", language: "zh" });
    expect(JSON.stringify(replies[0])).not.toContain("npm run index");
  });

  it("gives up on a service that never answers, after the timeout", async () => {
    const service = createFakeService(() => new Promise(() => {}));
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger, answerTimeoutMs: 50 });
    const { replies, send } = collect();
    await (await core.handleIncoming(message(), send)).done;
    expect(replies[0]).toMatchObject({ kind: "notice", reason: "failed" });
  });

  it("sends only after onAccepted settles, and not for duplicates", async () => {
    const order: string[] = [];
    const service = createFakeService(async (question) => {
      order.push("ask");
      return sampleAnswer(question);
    });
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger });
    const send = async () => void order.push("send");
    const onAccepted = async () => {
      order.push("placeholder-start");
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push("placeholder-done");
    };
    core.handleIncoming(message(), send, { onAccepted });
    core.handleIncoming(message(), send, { onAccepted });
    await core.idle();
    expect(order.filter((step) => step === "placeholder-start")).toHaveLength(1);
    expect(order.indexOf("send")).toBeGreaterThan(order.indexOf("placeholder-done"));
    expect(order.indexOf("ask")).toBeLessThan(order.indexOf("placeholder-done"));
  });

  it("tells the user to type a question when the text is empty", async () => {
    const service = createFakeService();
    const core = createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger });
    const { replies, send } = collect();
    await (await core.handleIncoming(message({ text: "   " }), send)).done;
    expect(replies[0]).toMatchObject({ kind: "notice", reason: "empty" });
    expect(service.asks).toHaveLength(0);
  });

  it("survives a send that throws", async () => {
    const core = createDeliveryCore({ service: createFakeService(), store: new MemoryStateStore(), rateLimitPerMinute: 10, log: silentLogger });
    await expect((await core.handleIncoming(message(), async () => Promise.reject(new Error("network")))).done).resolves.toBeUndefined();
    expect(core.pending()).toBe(0);
  });

  it("answers, without dedup or a shared window, while the state store is down", async () => {
    const logged: string[] = [];
    const log: Logger = { ...silentLogger, error: (text) => void logged.push(text) };
    const store = new MemoryStateStore();
    const down = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    store.claimDelivery = down;
    store.takeRate = down;
    const core = createDeliveryCore({ service: createFakeService(), store, rateLimitPerMinute: 1, log });
    const { replies, send } = collect();
    expect((await core.handleIncoming(message({ messageId: "x1" }), send)).status).toBe("accepted");
    // The per-process fallback window still limits.
    expect((await core.handleIncoming(message({ messageId: "x2" }), send)).status).toBe("rate-limited");
    await core.idle();
    expect(replies.map((reply) => reply.kind)).toEqual(["answer", "notice"]);
    expect(logged.join("\n")).toMatch(/could not record the delivery[\s\S]*could not check the rate limit/);
  });
});
