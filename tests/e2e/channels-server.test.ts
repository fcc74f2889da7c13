/// <reference lib="dom" />
import { randomBytes } from "node:crypto";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dingtalkSign } from "../../src/adapters/dingtalk/dingtalk-sign.js";
import { encryptFeishu, feishuSignature } from "../../src/adapters/feishu/feishu-crypto.js";
import { robotMessage, startMockDingtalk, type MockDingtalk } from "../adapters/dingtalk/mock-dingtalk.js";
import { startMockFeishu, type MockFeishu } from "../adapters/feishu/mock-feishu.js";
import { launchBrowser, startWebServer, type WebServer } from "../helpers/web-server.js";

/**
 * Feishu and DingTalk on the server as `npm start` composes it (real index over the corpus, SQLite
 * chat state): signed platform callbacks in, replies at the local platform mocks, a feedback click
 * onto the question log, and the source link opening the cited passage in the web source viewer.
 */

const encryptKey = "e2e-encrypt-key";
const verificationToken = "e2e-verification-token";
const dingSecret = "e2e-dingtalk-secret";
const question = "长治高新区累计为近20家企业兑现了多少装修补贴？";

let web: WebServer;
let feishu: MockFeishu;
let dingtalk: MockDingtalk;

beforeAll(async () => {
  feishu = await startMockFeishu();
  dingtalk = await startMockDingtalk();
  web = await startWebServer({
    FEISHU_APP_ID: "cli_e2e0123456789ab",
    FEISHU_APP_SECRET: "secret",
    FEISHU_CONNECTION: "http",
    FEISHU_ENCRYPT_KEY: encryptKey,
    FEISHU_VERIFICATION_TOKEN: verificationToken,
    FEISHU_DOMAIN: feishu.url,
    DINGTALK_CLIENT_ID: "ding-e2e",
    DINGTALK_CLIENT_SECRET: dingSecret,
    DINGTALK_CONNECTION: "http",
    // Replies go only to DingTalk hosts or the configured gateway's: here the local mock.
    DINGTALK_GATEWAY_URL: dingtalk.gatewayUrl,
    PUBLIC_URL: "https://zones.example.com",
  });
});

afterAll(async () => {
  await web?.close();
  await feishu?.close();
  await dingtalk?.close();
});

async function postFeishu(payload: unknown) {
  const body = JSON.stringify({ encrypt: encryptFeishu(encryptKey, JSON.stringify(payload)) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString("hex");
  return fetch(`${web.server.url}/feishu/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": nonce, "x-lark-signature": feishuSignature(timestamp, nonce, encryptKey, body) },
    body,
  });
}

/** The card's source link whose quote holds `words`. */
function sourceLink(card: { elements: Array<Record<string, any>> }, words: string): string | undefined {
  const text = card.elements.map((element) => element.text?.content ?? "").join("\n");
  return [...text.matchAll(/\]\((https:\/\/zones\.example\.com\/#source=[^)]+)\)/g)]
    .map((match) => match[1]!)
    .find((link) => (new URLSearchParams(new URL(link).hash.slice(1)).get("quote") ?? "").includes(words));
}

const header = (eventType: string) => ({ event_id: `ev_${randomBytes(6).toString("hex")}`, token: verificationToken, create_time: String(Date.now()), event_type: eventType, tenant_key: "tk", app_id: "cli_e2e0123456789ab" });

describe("chat channels on the composed server", () => {
  it("mounts both callbacks", () => {
    expect(web.server.chatAdapters).toEqual(expect.arrayContaining(["feishu (POST /feishu/events)", "dingtalk (POST /dingtalk/events)"]));
  });

  it("answers a Feishu message from the corpus with a card whose source link opens the quoted passage, and stores a 👍 on the logged answer", async () => {
    const response = await postFeishu({
      schema: "2.0",
      header: header("im.message.receive_v1"),
      event: {
        sender: { sender_id: { open_id: "ou_staff" }, sender_type: "user", tenant_key: "tk" },
        message: { message_id: "om_e2e_1", chat_id: "oc_e2e", chat_type: "p2p", message_type: "text", content: JSON.stringify({ text: question }) },
      },
    });
    expect(response.status).toBe(200);
    await feishu.waitFor(() => feishu.replies().length === 1, 20_000);
    const card = JSON.parse(feishu.replies()[0]!.body.content) as { elements: Array<Record<string, any>> };
    const text = card.elements.map((element) => element.text?.content ?? "").join("\n");
    expect(card.elements[0]!.text.content).toContain("1.5亿元");
    expect(text).toContain("**来源**");
    const link = sourceLink(card, "装修补贴");
    expect(link).toBeDefined();
    // The link's chunk and quote are what the source viewer's API serves, with the quote marked.
    const linked = new URLSearchParams(new URL(link!).hash.slice(1));
    const source = await fetch(`${web.server.url}/api/sources/${encodeURIComponent(linked.get("source")!)}?quote=${encodeURIComponent(linked.get("quote")!)}`);
    expect(source.status).toBe(200);
    const view = (await source.json()) as { text: string; highlights: Array<{ start: number; end: number }> };
    expect(view.highlights.length).toBeGreaterThan(0);
    expect(view.highlights.map((range) => view.text.slice(range.start, range.end)).join("")).toContain("装修补贴");

    const up = card.elements.find((element) => element.tag === "action")!.actions[0].value;
    const click = await postFeishu({ schema: "2.0", header: header("card.action.trigger"), event: { operator: { open_id: "ou_staff" }, action: { value: up, tag: "button" }, context: { open_message_id: "om_reply_1", open_chat_id: "oc_e2e" } } });
    expect(await click.json()).toEqual({ toast: { type: "success", content: "感谢您的反馈！" } });
    const logged = await web.server.runtime.store.getQuestion(up.answerId);
    expect(logged).toMatchObject({ platform: "feishu", question, feedback: "up" });
  });

  it("answers a DingTalk outgoing-robot message from the corpus through its sessionWebhook", async () => {
    const timestamp = String(Date.now());
    const response = await fetch(`${web.server.url}/dingtalk/events`, {
      method: "POST",
      headers: { "content-type": "application/json", timestamp, sign: dingtalkSign(dingSecret, timestamp) },
      body: JSON.stringify(robotMessage(dingtalk, { text: question })),
    });
    expect(response.status).toBe(200);
    await dingtalk.waitFor(() => dingtalk.webhookCalls.length === 1, 20_000);
    const markdown = dingtalk.webhookCalls[0]!.body.markdown.text as string;
    expect(markdown.split("\n")[0]).toContain("1.5亿元");
    expect(markdown).toContain("**来源**");
  });

  it("opens a linked source in the web chat's viewer", async () => {
    const chromium: { browser: Browser; close(): Promise<void> } = await launchBrowser();
    try {
      const page = await chromium.browser.newPage();
      const card = JSON.parse(feishu.replies()[0]!.body.content) as { elements: Array<Record<string, any>> };
      const link = sourceLink(card, "装修补贴")!;
      await page.goto(`${web.server.url}/${new URL(link).hash}`, { waitUntil: "networkidle0" });
      await page.waitForSelector("#viewer:not([hidden]) mark");
      expect(await page.$$eval("#viewer-text mark", (marks) => marks.map((mark) => mark.textContent ?? "").join(""))).toContain("装修补贴");
    } finally {
      await chromium.close();
    }
  });
});
