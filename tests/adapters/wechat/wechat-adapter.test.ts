import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWechatPlugin } from "../../../src/adapters/wechat/wechat-adapter.js";
import { decryptFor, encryptMessage, sha1Signature } from "../../../src/adapters/wechat/wechat-crypto.js";
import { buildWechatXml, parseWechatXml } from "../../../src/adapters/wechat/wechat-xml.js";
import { createHttpApp, startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import type { DeliveryCore } from "../../../src/chat/delivery.js";
import { loadConfig } from "../../../src/core/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { createTestDelivery, FakeAnswerService, nowSeconds, startMockPlatform, waitFor, type MockPlatform } from "./helpers.js";

const token = "wechat-test-token";
const appId = "wx2c2769f8efd9abc2";
const aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

let server: RunningServer | undefined;
let platform: MockPlatform | undefined;
let delivery: DeliveryCore | undefined;

afterEach(async () => {
  await delivery?.close();
  await server?.close();
  await platform?.close();
  server = platform = delivery = undefined;
});

async function start(service: FakeAnswerService, replyTimeoutMs = 2000, safeMode = false, rateLimitPerMinute = 100) {
  platform = await startMockPlatform();
  const config = loadConfig({
    WECHAT_TOKEN: token,
    WECHAT_APP_ID: appId,
    WECHAT_APP_SECRET: "secret",
    WECHAT_AES_KEY: safeMode ? aesKey : undefined,
    WECHAT_API_URL: platform.url,
    WECHAT_REPLY_TIMEOUT_MS: String(replyTimeoutMs),
  });
  delivery = createTestDelivery(service, rateLimitPerMinute);
  const plugins = [createWechatPlugin({ config, delivery, log: silentLogger })!];
  server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins, maxBodyBytes: 64 * 1024, log: silentLogger });
  return { server, platform, delivery };
}

/** The same routes on the Fastify app without a port, for a test on a fake clock. */
async function startInProcess(service: FakeAnswerService, replyTimeoutMs: number): Promise<FastifyInstance> {
  platform = await startMockPlatform();
  const config = loadConfig({ WECHAT_TOKEN: token, WECHAT_APP_ID: appId, WECHAT_APP_SECRET: "secret", WECHAT_API_URL: platform.url, WECHAT_REPLY_TIMEOUT_MS: String(replyTimeoutMs) });
  delivery = createTestDelivery(service, 100);
  const { app } = await createHttpApp({ plugins: [createWechatPlugin({ config, delivery, log: silentLogger })!], maxBodyBytes: 64 * 1024, log: silentLogger });
  return app;
}

/** A signed plaintext-mode POST through inject; resolves with the reply body. */
async function injectPlain(app: FastifyInstance, body: string): Promise<string> {
  const timestamp = nowSeconds();
  const nonce = "1320562132";
  const query = new URLSearchParams({ signature: sha1Signature(token, timestamp, nonce), timestamp, nonce, openid: "oUser1" });
  return (await app.inject({ method: "POST", url: `/wechat?${query}`, payload: body, headers: { "content-type": "text/xml" } })).body;
}

/** Lets the in-process request run (I/O callbacks, not the fake clock) until `condition` holds. */
async function settleUntil(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

/** A text message as WeChat sends it (MsgId is a bare 64-bit number, not CDATA). */
function textXml(content: string, msgId = "6054768590064713728", from = "oUser1"): string {
  return (
    `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>` +
    `<MsgId>${msgId}</MsgId></xml>`
  );
}

/** Signs a plaintext-mode POST exactly as WeChat does. */
async function postPlain(body: string, options: { signature?: string; timestamp?: string } = {}) {
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = "1320562132";
  const signature = options.signature ?? sha1Signature(token, timestamp, nonce);
  const query = new URLSearchParams({ signature, timestamp, nonce, openid: "oUser1" });
  return fetch(`${server!.url}/wechat?${query}`, { method: "POST", body, headers: { "content-type": "text/xml" } });
}

/** Encrypts and signs a safe-mode POST exactly as WeChat does. */
async function postSafe(innerXml: string, receiveId = appId) {
  const timestamp = nowSeconds();
  const nonce = "98765";
  const encrypt = encryptMessage(aesKey, innerXml, receiveId);
  const query = new URLSearchParams({
    signature: sha1Signature(token, timestamp, nonce),
    timestamp,
    nonce,
    openid: "oUser1",
    encrypt_type: "aes",
    msg_signature: sha1Signature(token, timestamp, nonce, encrypt),
  });
  const body = buildWechatXml({ ToUserName: "gh_account", Encrypt: encrypt });
  return fetch(`${server!.url}/wechat?${query}`, { method: "POST", body });
}

describe("WeChat Official Account adapter", () => {
  it("answers URL verification with echostr, and 401 for a forged signature", async () => {
    await start(new FakeAnswerService());
    const timestamp = nowSeconds();
    const good = new URLSearchParams({ signature: sha1Signature(token, timestamp, "77"), timestamp, nonce: "77", echostr: "echo-123" });
    const response = await fetch(`${server!.url}/wechat?${good}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("echo-123");
    good.set("signature", sha1Signature("wrong-token", timestamp, "77"));
    expect((await fetch(`${server!.url}/wechat?${good}`)).status).toBe(401);
  });

  it("replies passively in plaintext mode with the answer and its footnotes", async () => {
    const service = new FakeAnswerService();
    await start(service);
    const response = await postPlain(textXml("长治高新区有哪些优惠政策？"));
    expect(response.status).toBe(200);
    const reply = parseWechatXml(await response.text());
    expect(reply).toMatchObject({ ToUserName: "oUser1", FromUserName: "gh_account", MsgType: "text" });
    expect(reply.Content).toContain("105.63亿元");
    expect(reply.Content).toContain("来源：\n[1] 长治高新区招商引资政策解读 — 长治高新区, 2023-07-01 (002_93385d198ddbd426.txt)");
    expect(service.questions).toEqual([{ question: "长治高新区有哪些优惠政策？", conversationId: "wechat:oUser1" }]);
    expect(platform!.sends()).toHaveLength(0);
  });

  it("sends the rate-limit notice as the passive reply, not through the customer-service API", async () => {
    const service = new FakeAnswerService();
    await start(service, 2000, false, 1);
    const first = parseWechatXml(await (await postPlain(textXml("长治高新区有哪些优惠政策？", "9001"))).text());
    expect(first.Content).toContain("105.63亿元");
    const limited = parseWechatXml(await (await postPlain(textXml("再问一个问题", "9002"))).text());
    expect(limited.Content).toMatch(/提问有点频繁/);
    // Only one notice per window; a further message gets WeChat's empty acknowledgement.
    expect(await (await postPlain(textXml("再问一个问题", "9003"))).text()).toBe("success");
    expect(service.questions).toHaveLength(1);
    expect(platform!.sends()).toHaveLength(0);
  });

  it("refuses forged signatures, stale timestamps and malformed XML", async () => {
    const service = new FakeAnswerService();
    await start(service);
    expect((await postPlain(textXml("hi"), { signature: "0".repeat(40) })).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await postPlain(textXml("hi"), { timestamp: stale })).status).toBe(401);
    expect((await postPlain("<xml><Content>oops</xml>")).status).toBe(400);
    expect(service.questions).toHaveLength(0);
  });

  it("in safe mode decrypts, answers with an encrypted reply whose msg_signature verifies", async () => {
    await start(new FakeAnswerService(), 2000, true);
    const response = await postSafe(textXml("长治有哪些优惠？", "7000000000000000001"));
    expect(response.status).toBe(200);
    const sealed = parseWechatXml(await response.text());
    expect(sealed.MsgSignature).toBe(sha1Signature(token, sealed.TimeStamp, sealed.Nonce, sealed.Encrypt));
    const inner = parseWechatXml(decryptFor(aesKey, sealed.Encrypt, appId));
    expect(inner.ToUserName).toBe("oUser1");
    expect(inner.Content).toContain("105.63亿元");
    expect(inner.Content).toContain("[1] 长治高新区招商引资政策解读");
  });

  it("refuses a safe-mode message sealed for another app id, and plaintext once a key is set", async () => {
    const service = new FakeAnswerService();
    await start(service, 2000, true);
    expect((await postSafe(textXml("hi", "7000000000000000002"), "wxSOMEOTHERAPP00")).status).toBe(401);
    expect((await postPlain(textXml("hi", "7000000000000000009"))).status).toBe(401);
    expect(service.questions).toHaveLength(0);
  });

  it("when the answer is slow, replies success and sends it through the customer-service API", async () => {
    const service = new FakeAnswerService(400);
    await start(service, 100);
    const response = await postPlain(textXml("慢问题", "7000000000000000003"));
    expect(await response.text()).toBe("success");
    await waitFor(() => platform!.sends().length === 1);
    const [send] = platform!.sends();
    expect(send.path).toBe("/cgi-bin/message/custom/send");
    expect(send.query.access_token).toBe("token-1");
    expect(send.body).toMatchObject({ touser: "oUser1", msgtype: "text" });
    expect((send.body as { text: { content: string } }).text.content).toContain("105.63亿元");
    const tokenCall = platform!.calls.find((call) => call.path === "/cgi-bin/token");
    expect(tokenCall?.query).toMatchObject({ grant_type: "client_credential", appid: appId, secret: "secret" });
  });

  it("gives one answer for three retries of a MsgId: a retry still waiting gets it passively", async () => {
    // On a fake clock, in process (inject): the answer (750 ms) misses the first request's window
    // (500 ms) and lands inside the retry's, sent at 520 ms as WeChat re-sends after its own timeout.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const service = new FakeAnswerService(750);
      const app = await startInProcess(service, 500);
      const body = textXml("重试的问题", "7000000000000000004");
      const first = injectPlain(app, body);
      await settleUntil(() => service.questions.length === 1); // its window and the answer are on the clock
      await vi.advanceTimersByTimeAsync(520);
      expect(await first).toBe("success");
      const timers = vi.getTimerCount();
      const second = injectPlain(app, body);
      await settleUntil(() => vi.getTimerCount() > timers); // the retry waits for the answer
      await vi.advanceTimersByTimeAsync(230);
      const secondText = await second;
      const third = await injectPlain(app, body);
      expect(parseWechatXml(secondText).Content).toContain("105.63亿元");
      expect(third).toBe("success");
      await delivery!.idle();
      expect(service.questions).toHaveLength(1);
      expect(platform!.sends()).toHaveLength(0);
      await app.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives one answer when retries arrive together, and none after it was delivered", async () => {
    const service = new FakeAnswerService(100);
    await start(service, 2000);
    const body = textXml("并发重试", "7000000000000000005");
    const texts = await Promise.all([postPlain(body), postPlain(body), postPlain(body)].map(async (response) => (await response).text()));
    expect(texts.filter((text) => text.includes("105.63亿元"))).toHaveLength(1);
    expect(texts.filter((text) => text === "success")).toHaveLength(2);
    expect(await (await postPlain(body)).text()).toBe("success");
    expect(service.questions).toHaveLength(1);
    expect(platform!.sends()).toHaveLength(0);
  });

  it("welcomes new followers and explains that only text is understood", async () => {
    const service = new FakeAnswerService();
    await start(service);
    const subscribe = buildWechatXml({ ToUserName: "gh_account", FromUserName: "oNew", CreateTime: 1, MsgType: "event", Event: "subscribe" });
    const welcome = parseWechatXml(await (await postPlain(subscribe)).text());
    expect(welcome.ToUserName).toBe("oNew");
    expect(welcome.Content).toContain("您可以这样问");
    const image = buildWechatXml({ ToUserName: "gh_account", FromUserName: "oUser1", CreateTime: 1, MsgType: "image", PicUrl: "http://x/y.png", MsgId: "7000000000000000006" });
    expect(parseWechatXml(await (await postPlain(image)).text()).Content).toContain("只能理解文字消息");
    expect(service.questions).toHaveLength(0);
  });

  it("splits long slow answers within 2048 bytes and refreshes an expired access token", async () => {
    const service = new FakeAnswerService(300, "长治高新区持续优化营商环境，落实各项惠企政策。".repeat(120));
    await start(service, 50);
    platform!.expireTokenFor(1);
    expect(await (await postPlain(textXml("长问题", "7000000000000000007"))).text()).toBe("success");
    await delivery!.idle();
    const sends = platform!.sends().filter((call) => (call.body as { text?: unknown }).text);
    const delivered = sends.slice(1); // the first attempt was refused with 40001 and retried
    expect(platform!.tokenFetches()).toBe(2);
    expect(delivered.length).toBeGreaterThan(1);
    for (const call of delivered) expect(Buffer.byteLength((call.body as { text: { content: string } }).text.content)).toBeLessThanOrEqual(2048);
    expect((delivered.at(-1)!.body as { text: { content: string } }).text.content).toContain("[1] 长治高新区招商引资政策解读");
  });

  it("trims a long answer to one passive reply with a note and its sources", async () => {
    await start(new FakeAnswerService(0, "长治高新区持续优化营商环境，落实各项惠企政策。".repeat(120)));
    const reply = parseWechatXml(await (await postPlain(textXml("长问题", "7000000000000000008"))).text());
    expect(Buffer.byteLength(reply.Content)).toBeLessThanOrEqual(2048);
    expect(reply.Content).toContain("已截断");
    expect(reply.Content).toContain("[1] 长治高新区");
  });
});
