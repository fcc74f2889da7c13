import { afterEach, describe, expect, it } from "vitest";
import { createWecomPlugin } from "../../../src/adapters/wecom/wecom-adapter.js";
import { encryptMessage, sha1Signature } from "../../../src/adapters/wechat/wechat-crypto.js";
import { buildWechatXml } from "../../../src/adapters/wechat/wechat-xml.js";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import type { DeliveryCore } from "../../../src/chat/delivery.js";
import { loadConfig } from "../../../src/core/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { createTestDelivery, FakeAnswerService, nowSeconds, startMockPlatform, waitFor, type MockPlatform } from "../wechat/helpers.js";

const token = "wecom-test-token";
const corpId = "ww1234567890abcdef";
const aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

let server: RunningServer | undefined;
let platform: MockPlatform | undefined;
let delivery: DeliveryCore | undefined;

afterEach(async () => {
  await delivery?.close();
  await server?.close();
  await platform?.close();
  server = platform = delivery = undefined;
});

async function start(service: FakeAnswerService) {
  platform = await startMockPlatform();
  const config = loadConfig({
    WECOM_CORP_ID: corpId,
    WECOM_AGENT_ID: "1000002",
    WECOM_SECRET: "corp-secret",
    WECOM_TOKEN: token,
    WECOM_AES_KEY: aesKey,
    WECOM_API_URL: platform.url,
  });
  delivery = createTestDelivery(service);
  const plugins = [createWecomPlugin({ config, delivery, log: silentLogger })!];
  server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins, maxBodyBytes: 64 * 1024, log: silentLogger });
}

function signedQuery(encrypt: string, extra: Record<string, string> = {}, signToken = token): URLSearchParams {
  const timestamp = nowSeconds();
  const nonce = "1372623149";
  return new URLSearchParams({ msg_signature: sha1Signature(signToken, timestamp, nonce, encrypt), timestamp, nonce, ...extra });
}

/** A callback exactly as WeCom sends it: encrypted inner XML in an envelope with ToUserName and AgentID. */
async function postMessage(inner: string, options: { receiveId?: string; signToken?: string } = {}) {
  const encrypt = encryptMessage(aesKey, inner, options.receiveId ?? corpId);
  const body = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;
  return fetch(`${server!.url}/wecom?${signedQuery(encrypt, {}, options.signToken)}`, { method: "POST", body });
}

function textXml(content: string, msgId: string, from = "zhangsan"): string {
  return (
    `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>` +
    `<MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`
  );
}

describe("WeCom adapter", () => {
  it("verifies the callback URL by decrypting echostr", async () => {
    await start(new FakeAnswerService());
    const echostr = encryptMessage(aesKey, "1616140317555161061", corpId);
    const response = await fetch(`${server!.url}/wecom?${signedQuery(echostr, { echostr })}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("1616140317555161061");
    const forged = signedQuery(echostr, { echostr }, "not-the-token");
    expect((await fetch(`${server!.url}/wecom?${forged}`)).status).toBe(401);
  });

  it("acknowledges at once and answers through message/send with the agent id", async () => {
    const service = new FakeAnswerService(50);
    await start(service);
    const response = await postMessage(textXml("长治高新区有哪些优惠政策？", "1234567890123456789"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    await waitFor(() => platform!.sends().length === 1);
    const [send] = platform!.sends();
    expect(send.path).toBe("/cgi-bin/message/send");
    expect(send.query.access_token).toBe("token-1");
    expect(send.body).toMatchObject({ touser: "zhangsan", msgtype: "text", agentid: 1000002 });
    const content = (send.body as { text: { content: string } }).text.content;
    expect(content).toContain("105.63亿元");
    expect(content).toContain("[1] 长治高新区招商引资政策解读");
    expect(platform!.calls.find((call) => call.path === "/cgi-bin/gettoken")?.query).toEqual({ corpid: corpId, corpsecret: "corp-secret" });
    expect(service.questions).toEqual([{ question: "长治高新区有哪些优惠政策？", conversationId: "wecom:zhangsan" }]);
  });

  it("answers a retried MsgId once and reuses the cached token", async () => {
    const service = new FakeAnswerService(20);
    await start(service);
    const inner = textXml("重复消息", "1234567890123456790");
    await Promise.all([postMessage(inner), postMessage(inner), postMessage(inner)]);
    await delivery!.idle();
    await postMessage(textXml("第二个问题", "1234567890123456791"));
    await delivery!.idle();
    expect(service.questions.map((entry) => entry.question)).toEqual(["重复消息", "第二个问题"]);
    expect(platform!.sends()).toHaveLength(2);
    expect(platform!.tokenFetches()).toBe(1);
  });

  it("refuses a message sealed for another corp id, a forged signature and malformed XML", async () => {
    const service = new FakeAnswerService();
    await start(service);
    expect((await postMessage(textXml("hi", "1"), { receiveId: "wwSOMEOTHERCORP" })).status).toBe(401);
    expect((await postMessage(textXml("hi", "2"), { signToken: "forged" })).status).toBe(401);
    expect((await fetch(`${server!.url}/wecom?${signedQuery("x")}`, { method: "POST", body: "<xml><Encrypt>" })).status).toBe(400);
    expect(service.questions).toHaveLength(0);
    expect(platform!.sends()).toHaveLength(0);
  });

  it("welcomes a new member and explains that only text is understood", async () => {
    const service = new FakeAnswerService();
    await start(service);
    await postMessage(buildWechatXml({ ToUserName: corpId, FromUserName: "lisi", CreateTime: 1, MsgType: "event", Event: "subscribe", AgentID: 1000002 }));
    await postMessage(buildWechatXml({ ToUserName: corpId, FromUserName: "lisi", CreateTime: 2, MsgType: "image", MsgId: "55", AgentID: 1000002 }));
    await waitFor(() => platform!.sends().length === 2);
    const contents = platform!.sends().map((call) => (call.body as { text: { content: string } }).text.content);
    expect(contents.some((content) => content.includes("您可以这样问"))).toBe(true);
    expect(contents.some((content) => content.includes("只能理解文字消息"))).toBe(true);
    expect(service.questions).toHaveLength(0);
  });
});
