/// <reference lib="dom" />
import type { Browser, BrowserContext, HTTPRequest, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, startWebServer, type WebServer } from "../../helpers/web-server.js";

/**
 * The chat page's features in headless chromium against the composed server, on a desktop and a
 * phone viewport: example questions, the index date, copy, conversations that survive a reload
 * and agree with the server's, history, stop and retry, errors in the page's language, the 👎
 * comment, and the source viewer (fixed header, Escape, original file, above the input on a phone).
 * Slow or failing answers are made with request interception: the page sees exactly what a slow
 * or failing server would send.
 */

let web: WebServer;
let chromium: { browser: Browser; close(): Promise<void> };
const pageErrors: string[] = [];

beforeAll(async () => {
  web = await startWebServer({});
  chromium = await launchBrowser();
});

afterAll(async () => {
  await chromium?.close();
  await web?.close();
});

const base = () => web.server.url;

/** A fresh browser profile (own localStorage) with a page in `lang`, at `viewport`. */
async function openPage(options: { lang?: "zh" | "en"; phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.browser.createBrowserContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && !/Failed to load resource/.test(message.text()) && pageErrors.push(message.text()));
  await page.setViewport(options.phone ? { width: 390, height: 844, isMobile: true, hasTouch: true } : { width: 1280, height: 800 });
  await page.evaluateOnNewDocument((lang) => localStorage.setItem("lang", lang), options.lang ?? "zh");
  await page.goto(`${base()}/`, { waitUntil: "networkidle0" });
  await page.waitForSelector("#examples button");
  return { context, page };
}

async function ask(page: Page, question: string): Promise<number> {
  const before = await page.$$eval("li.message.bot", (items) => items.length);
  await page.type("#question", question);
  await page.keyboard.press("Enter");
  await waitAnswered(page, before);
  return before;
}

async function waitAnswered(page: Page, index: number): Promise<void> {
  await page.waitForFunction((at) => {
    const item = document.querySelectorAll("li.message.bot")[at];
    return item !== undefined && !item.classList.contains("pending");
  }, {}, index);
}

const text = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent ?? "");
const botText = (page: Page, index: number) => page.$$eval("li.message.bot", (items, at) => items[at]!.textContent ?? "", index);

describe("chat page, desktop", () => {
  it("offers example questions from the live index and answers one when clicked; says when the index was updated", async () => {
    const { context, page } = await openPage();
    const examples = await page.$$eval("#examples button", (buttons) => buttons.map((button) => button.textContent ?? ""));
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.every((question) => /[\u4e00-\u9fff]/.test(question))).toBe(true);
    const builtAt = web.server.runtime.service.status().builtAt;
    expect(await page.$eval("#index-updated", (time) => (time as HTMLTimeElement).dateTime)).toBe(builtAt);
    expect(await text(page, "#index-updated")).toContain("资料更新于");
    await page.click("#examples button");
    await waitAnswered(page, 0);
    expect(await page.$$eval("li.message.user", (items) => items[0]!.textContent)).toBe(examples[0]);
    expect(await page.$$eval("li.message.bot .cite", (links) => links.length)).toBeGreaterThan(0);
    expect(await page.$eval("li.message.bot", (item) => item.classList.contains("refused"))).toBe(false);
    expect(await page.$eval("#intro", (intro) => (intro as HTMLElement).hidden)).toBe(true);
    // In English the examples are English.
    await page.click("#language");
    await page.click("#new-conversation");
    await page.waitForFunction(() => /^[\x20-\x7e–]+$/.test(document.querySelector("#examples button")?.textContent ?? ""));
    expect(await text(page, "#index-updated")).toContain("Documents updated");
    await context.close();
  });

  it("copies an answer with its sources", async () => {
    const { context, page } = await openPage();
    await context.overridePermissions(base(), ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
    const index = await ask(page, "长治高新区聘请了多少名招商大使？");
    await page.$$eval("li.message.bot", (items, at) => (items[at]!.querySelector(".copy") as HTMLButtonElement).click(), index);
    await page.waitForFunction(() => document.querySelector(".feedback-status")?.textContent === "已复制");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("招商大使");
    expect(copied).toContain("[1]");
    expect(copied).toMatch(/来源:\n\[1\] .+ — corpus\/002_/);
    await context.close();
  });

  it("after a reload shows the conversation the server continues, and a new conversation starts empty on both sides", async () => {
    const { context, page } = await openPage();
    await ask(page, "乐山高新区“科创八条”政策奖补资金兑现了多少？");
    await page.reload({ waitUntil: "networkidle0" });
    // The screen shows what the server remembers…
    expect(await page.$$eval("li.message.user", (items) => items.map((item) => item.textContent))).toEqual(["乐山高新区“科创八条”政策奖补资金兑现了多少？"]);
    expect(await botText(page, 0)).toMatch(/\d/);
    const id = await page.evaluate(() => localStorage.getItem("zone.currentConversation"));
    expect((await web.server.runtime.store.getTurns(`web:${id}`)).map((turn) => turn.question)).toEqual(["乐山高新区“科创八条”政策奖补资金兑现了多少？"]);
    // …so a follow-up continues what the user sees.
    const followUp = await ask(page, "那衡阳呢？");
    expect(await page.$$eval("li.message.bot .standalone", (items) => items.at(-1)?.textContent ?? "")).toContain("衡阳");
    expect(await web.server.runtime.store.getTurns(`web:${id}`)).toHaveLength(2);
    expect(followUp).toBe(1);
    // A new conversation, then a reload: empty screen, and the same words are not a follow-up.
    await page.click("#new-conversation");
    await page.reload({ waitUntil: "networkidle0" });
    expect(await page.$$eval("li.message", (items) => items.length)).toBe(0);
    await ask(page, "那衡阳呢？");
    expect(await page.$$eval("li.message.bot .standalone", (items) => items.length)).toBe(0);
    await context.close();
  });

  it("lists past conversations and continues the one picked", async () => {
    const { context, page } = await openPage();
    await ask(page, "乐山高新区“科创八条”政策奖补资金兑现了多少？");
    await page.click("#new-conversation");
    await ask(page, "长治高新区聘请了多少名招商大使？");
    await page.click("#history-toggle");
    const titles = await page.$$eval("#history-list .history-title", (items) => items.map((item) => item.textContent));
    expect(titles).toEqual(["长治高新区聘请了多少名招商大使？", "乐山高新区“科创八条”政策奖补资金兑现了多少？"]);
    await page.$$eval("#history-list .open-conversation", (buttons) => (buttons[1] as HTMLButtonElement).click());
    expect(await page.$$eval("li.message.user", (items) => items.map((item) => item.textContent))).toEqual(["乐山高新区“科创八条”政策奖补资金兑现了多少？"]);
    await ask(page, "那衡阳呢？");
    expect(await page.$$eval("li.message.bot .standalone", (items) => items.at(-1)?.textContent ?? "")).toContain("衡阳");
    // Deleting a conversation removes it from the list.
    await page.$$eval("#history-list .delete-conversation", (buttons) => (buttons[1] as HTMLButtonElement).click());
    expect(await page.$$eval("#history-list .history-title", (items) => items.map((item) => item.textContent))).toEqual(["乐山高新区“科创八条”政策奖补资金兑现了多少？"]);
    await context.close();
  });

  it("shows a working state with Stop; a stopped answer can be retried", async () => {
    const { context, page } = await openPage();
    // The server holds the answer until released: what a slow model looks like to the page.
    const held: HTTPRequest[] = [];
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (request.url().endsWith("/api/ask/stream") && held.length === 0) held.push(request);
      else void request.continue();
    });
    await page.type("#question", "长治高新区聘请了多少名招商大使？");
    await page.keyboard.press("Enter");
    await page.waitForSelector("li.message.bot.pending");
    expect(await text(page, "li.message.bot.pending")).toContain("正在查找");
    expect(await page.$eval("li.message.bot.pending", (item) => item.getAttribute("aria-busy"))).toBe("true");
    expect(await page.$eval("#stop", (button) => (button as HTMLElement).hidden)).toBe(false);
    expect(await page.$eval("#send", (button) => (button as HTMLElement).hidden)).toBe(true);
    await page.click("#stop");
    await page.waitForSelector("li.message.bot.stopped");
    expect(await botText(page, 0)).toContain("已停止");
    expect(await botText(page, 0)).not.toContain("正在查找");
    expect(await page.$eval("#send", (button) => (button as HTMLElement).hidden)).toBe(false);
    await page.click("li.message.bot .retry");
    await waitAnswered(page, 0);
    expect(await botText(page, 0)).toContain("招商大使");
    expect(await page.$$eval("li.message", (items) => items.length)).toBe(2);
    await context.close();
  });

  it("shows server errors in the page's language with Retry, never a working state left behind", async () => {
    const { context, page } = await openPage();
    let failWith: { status: number; body: unknown; headers?: Record<string, string> } | undefined = { status: 500, body: { error: { code: "INTERNAL", message: "Something exploded in English" } } };
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (request.url().endsWith("/api/ask/stream") && failWith) {
        void request.respond({ status: failWith.status, contentType: "application/json", headers: failWith.headers ?? {}, body: JSON.stringify(failWith.body) });
      } else void request.continue();
    });
    await page.type("#question", "长治高新区聘请了多少名招商大使？");
    await page.keyboard.press("Enter");
    await page.waitForSelector("li.message.bot.failed");
    const shown = await botText(page, 0);
    expect(shown).toContain("服务器出错");
    expect(shown).not.toContain("English");
    expect(shown).not.toContain("正在查找");
    // A limit: the wait the server asks for, in Chinese.
    failWith = { status: 429, body: { error: { code: "RATE_LIMITED", message: "Too many" } }, headers: { "retry-after": "7" } };
    await page.click("li.message.bot .retry");
    await page.waitForFunction(() => (document.querySelector("li.message.bot.failed")?.textContent ?? "").includes("7 秒"));
    failWith = undefined;
    await page.click("li.message.bot .retry");
    await waitAnswered(page, 0);
    expect(await botText(page, 0)).toContain("招商大使");
    // The same failure on the English page is English.
    await page.click("#language");
    failWith = { status: 500, body: { error: { code: "INTERNAL", message: "x" } } };
    await ask(page, "What incentives does Changzhi offer?");
    expect(await botText(page, 1)).toContain("The server failed to produce an answer");
    await context.close();
  });

  it("writes a comment with 👎 and stores it with the feedback", async () => {
    const { context, page } = await openPage();
    const index = await ask(page, "衡阳高新区2023年1-6月招商引资签约项目多少个？");
    const answerId = await page.$$eval("li.message.bot", (items, at) => (items[at] as HTMLElement).dataset.answerId ?? "", index);
    await page.click("li.message.bot .vote.down");
    await page.waitForSelector("li.message.bot .comment:not([hidden]) textarea");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("comment-text"))).toBe(true);
    await page.type("li.message.bot .comment textarea", "没有给出签约金额");
    await page.click("li.message.bot .send-comment");
    await page.waitForFunction(() => document.querySelector(".feedback-status")?.textContent === "已记录反馈，谢谢！");
    expect(await web.server.runtime.store.getQuestion(answerId)).toMatchObject({ feedback: "down", feedbackComment: "没有给出签约金额" });
    expect(await page.$eval("li.message.bot .comment", (form) => (form as HTMLElement).hidden)).toBe(true);
    await context.close();
  });

  it("keeps the source viewer's header and Close in view while its text scrolls; Escape closes it; the original opens and downloads", async () => {
    const { context, page } = await openPage();
    await ask(page, "长治高新区聘请了多少名招商大使？");
    await page.click("li.message.bot .cite");
    await page.waitForSelector("#viewer:not([hidden]) mark");
    await page.$eval(".viewer-body", (body) => body.scrollTo(0, body.scrollHeight));
    const closeBox = await page.$eval("#viewer-close", (button) => {
      const box = button.getBoundingClientRect();
      return { top: box.top, bottom: box.bottom, hit: document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === button };
    });
    expect(closeBox.hit).toBe(true);
    expect(closeBox.top).toBeGreaterThanOrEqual(0);
    expect(await page.$eval(".viewer-body", (body) => body.scrollTop)).toBeGreaterThan(0);
    const href = await page.$eval("#viewer-links .open-original", (link) => (link as HTMLAnchorElement).href);
    const original = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
    }, href);
    expect(original.status).toBe(200);
    expect(original.type).toContain("text/plain");
    expect(original.text).toContain("招商大使");
    expect(await page.$eval("#viewer-links .download-original", (link) => link.hasAttribute("download") && (link as HTMLAnchorElement).href.endsWith("?download=1"))).toBe(true);
    await page.keyboard.press("Escape");
    expect(await page.$eval("#viewer", (viewer) => (viewer as HTMLElement).hidden)).toBe(true);
    await context.close();
  });
});

describe("chat page with API_KEYS", () => {
  it("asks for the key first, then loads the examples and answers; a reload keeps both the sign-in and the conversation", async () => {
    const keyed = await startWebServer({ API_KEYS: "chat-key-0123456789" });
    const context = await chromium.browser.createBrowserContext();
    try {
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
      await page.setViewport({ width: 1280, height: 800 });
      await page.evaluateOnNewDocument(() => localStorage.setItem("lang", "zh"));
      await page.goto(`${keyed.server.url}/`, { waitUntil: "networkidle0" });
      await page.waitForSelector("#key-form:not([hidden])");
      expect(await page.$$("#examples button")).toHaveLength(0);
      await page.type("#api-key", "wrong-key");
      await page.click("#key-form button[type=submit]");
      await page.waitForFunction(() => document.getElementById("key-error")?.textContent === "密钥无效");
      await page.$eval("#api-key", (input) => ((input as HTMLInputElement).value = ""));
      await page.type("#api-key", "chat-key-0123456789");
      await page.click("#key-form button[type=submit]");
      await page.waitForSelector("#examples button");
      expect(await page.$eval("#key-form", (form) => (form as HTMLElement).hidden)).toBe(true);
      await page.click("#examples button");
      await waitAnswered(page, 0);
      expect(await page.$$eval("li.message.bot .cite", (links) => links.length)).toBeGreaterThan(0);
      await page.reload({ waitUntil: "networkidle0" });
      expect(await page.$eval("#key-form", (form) => (form as HTMLElement).hidden)).toBe(true);
      expect(await page.$$eval("li.message.user", (items) => items.length)).toBe(1);
    } finally {
      await context.close();
      await keyed.close();
    }
  });
});

describe("chat page, phone (390×844)", () => {
  it("fits the screen, answers an example, and opens the source viewer above the input with Close in reach", async () => {
    const { context, page } = await openPage({ phone: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const input = await page.$eval("#question", (element) => element.getBoundingClientRect().bottom);
    expect(input).toBeLessThanOrEqual(844);
    await page.click("#examples button");
    await waitAnswered(page, 0);
    await page.click("li.message.bot .cite");
    await page.waitForSelector("#viewer:not([hidden]) mark");
    const covered = await page.evaluate(() => {
      const question = document.getElementById("question")!.getBoundingClientRect();
      const atInput = document.elementFromPoint(question.left + question.width / 2, question.top + question.height / 2);
      const close = document.getElementById("viewer-close")!;
      const box = close.getBoundingClientRect();
      return { inputHidden: document.getElementById("viewer")!.contains(atInput), closeHit: document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === close, width: document.getElementById("viewer")!.getBoundingClientRect().width };
    });
    expect(covered).toEqual({ inputHidden: true, closeHit: true, width: 390 });
    await page.tap("#viewer-close");
    expect(await page.$eval("#viewer", (viewer) => (viewer as HTMLElement).hidden)).toBe(true);
    // History is a full-screen sheet with its own Close.
    await page.tap("#history-toggle");
    expect(await page.$eval("#history", (panel) => panel.getBoundingClientRect().width)).toBe(390);
    await page.tap("#history-list .open-conversation");
    expect(await page.$eval("#history", (panel) => (panel as HTMLElement).hidden)).toBe(true);
    expect(await page.$$eval("li.message.bot", (items) => items.length)).toBe(1);
    await context.close();
  });

  it("ran without script errors or CSP violations", () => {
    expect(pageErrors).toEqual([]);
  });
});
