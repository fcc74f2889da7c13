/// <reference lib="dom" />
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, hostileDocument, launchBrowser, startWebServer, type WebServer } from "../../helpers/web-server.js";

/**
 * The chat page and the admin console in a real headless chromium, against the server composed
 * as `npm start` composes it. Each step drives the page as a user would and checks what it shows
 * and what the server stored.
 */

let web: WebServer;
let chromium: { browser: Browser; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  web = await startWebServer({}, { "qinghe-policy.md": hostileDocument });
  chromium = await launchBrowser();
  page = await chromium.browser.newPage();
  // The desktop layout (chat beside the source viewer); tests/adapters/web/chat-page.test.ts covers the phone one.
  await page.setViewport({ width: 1280, height: 800 });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  // Reports CSP violations too: there must be none on our own pages.
  page.on("console", (message) => message.type() === "error" && pageErrors.push(message.text()));
});

afterAll(async () => {
  await chromium?.close();
  await web?.close();
});

const base = () => web.server.url;

async function openChat(): Promise<void> {
  await page.goto(`${base()}/`, { waitUntil: "networkidle0" });
  await page.waitForSelector("#question");
}

/** Asks on the chat page and returns the finished answer's list item index. */
async function ask(question: string): Promise<number> {
  const before = await page.$$eval("li.message.bot", (items) => items.length);
  await page.type("#question", question);
  await page.keyboard.press("Enter");
  await page.waitForFunction((count) => {
    const items = document.querySelectorAll("li.message.bot");
    return items.length > count && !items[items.length - 1]!.classList.contains("pending");
  }, {}, before);
  return before;
}

const answerText = (index: number) => page.$$eval("li.message.bot .answer-text", (items, at) => items[at]!.textContent ?? "", index);
const sourcesText = (index: number) => page.$$eval("li.message.bot", (items, at) => items[at]!.querySelector(".sources")?.textContent ?? "", index);

describe("chat page", () => {
  it("answers a Chinese question with citation links and sources", async () => {
    await openChat();
    const index = await ask("长治高新区聘请了多少名招商大使？");
    expect(await answerText(index)).toContain("招商大使");
    expect(await page.$$eval("li.message.bot .cite", (links) => links.map((link) => link.textContent))).toContain("[1]");
    expect(await sourcesText(index)).toContain("长治");
  });

  it("opens the cited article with the quoted sentence highlighted", async () => {
    await page.click("li.message.bot .cite");
    await page.waitForSelector("#viewer:not([hidden]) mark");
    const marked = await page.$eval("#viewer-text mark", (mark) => mark.textContent ?? "");
    expect(marked).toContain("招商大使");
    expect(await page.$eval("#viewer-title", (title) => title.textContent)).toContain("长治");
    expect(await page.$eval("#viewer-meta", (meta) => meta.textContent)).toMatch(/corpus\/002_/);
    // Scrolled into view: the mark is inside the viewer's visible box.
    const visible = await page.$eval("#viewer-text mark", (mark) => {
      const box = mark.getBoundingClientRect();
      const viewer = document.getElementById("viewer")!.getBoundingClientRect();
      return box.top >= viewer.top - 1 && box.top <= viewer.bottom;
    });
    expect(visible).toBe(true);
  });

  it("answers a follow-up within the same conversation", async () => {
    await ask("乐山高新区“科创八条”政策奖补资金兑现了多少？");
    const followUp = await ask("那衡阳呢？");
    const understood = await page.$$eval("li.message.bot", (items, at) => items[at]!.querySelector(".standalone")?.textContent ?? "", followUp);
    expect(understood).toContain("衡阳");
    expect(understood).not.toContain("乐山");
    expect(understood.length).toBeGreaterThan("那衡阳呢？".length + 3);
    // A new conversation forgets the context: the same words are then taken as they are.
    await page.click("#new-conversation");
    expect(await page.$$eval("li.message", (items) => items.length)).toBe(0);
    const alone = await ask("那衡阳呢？");
    expect(await page.$$eval("li.message.bot", (items, at) => items[at]!.querySelector(".standalone")?.textContent ?? "", alone)).toBe("");
  });

  it("answers an English question in English with citations", async () => {
    const index = await ask("What incentives does Changzhi High-tech Zone offer investors?");
    const text = await answerText(index);
    expect(text).toMatch(/[A-Za-z]{4,}/);
    expect(text).toContain("[1]");
    expect(await sourcesText(index)).toContain("长治");
  });

  it("stores 👍 with the question, the answer and the snapshot version", async () => {
    const question = "衡阳高新区2023年1-6月招商引资签约项目多少个？";
    const index = await ask(question);
    const answerId = await page.$$eval("li.message.bot", (items, at) => (items[at] as HTMLElement).dataset.answerId ?? "", index);
    await page.$$eval("li.message.bot", (items, at) => (items[at]!.querySelector(".vote.up") as HTMLButtonElement).click(), index);
    await page.waitForFunction((at) => (document.querySelectorAll("li.message.bot .feedback-status")[at]?.textContent ?? "") !== "", {}, index);
    const store = web.server.runtime.store;
    expect(await store.getQuestion(answerId)).toMatchObject({ question, feedback: "up", platform: "web" });
    const feedback = (await store.listFeedback(5)).find((entry) => entry.messageId === answerId);
    expect(feedback).toMatchObject({ value: "up", question, snapshotVersion: web.server.runtime.service.status().indexVersion });
    expect(feedback!.answer).toContain("[1]");
  });

  it("shows corpus markup as text and runs none of it", async () => {
    await openChat();
    // The reload restored the conversation so far; this one starts fresh.
    await page.click("#new-conversation");
    const index = await ask("青禾高新区对新落户的研发企业给予多少落户奖励？");
    expect(await answerText(index)).toContain("80万元");
    await page.click("li.message.bot .cite");
    await page.waitForSelector("#viewer:not([hidden]) mark");
    const shown = await page.$eval("#viewer-text", (text) => text.textContent ?? "");
    expect(shown).toContain("<script>");
    expect(shown).toContain("onerror");
    expect(await page.$$eval("#messages script, #messages img, #viewer script, #viewer img", (found) => found.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  });

  it("loaded without script errors or CSP violations", () => {
    expect(pageErrors).toEqual([]);
  });
});

describe("admin console", () => {
  it("refuses a wrong token", async () => {
    await page.goto(`${base()}/admin`, { waitUntil: "networkidle0" });
    await page.type("#token", "not-the-token");
    await page.click("#sign-in button[type=submit]");
    await page.waitForFunction(() => (document.getElementById("sign-in-error")?.textContent ?? "") !== "");
    expect(await page.$eval("#console", (element) => (element as HTMLElement).hidden)).toBe(true);
    expect((await web.server.runtime.store.listAudit(5)).some((entry) => entry.action === "auth.failed")).toBe(true);
  });

  it("signs in with an httpOnly, SameSite=Strict, expiring session cookie", async () => {
    await page.$eval("#token", (input) => ((input as HTMLInputElement).value = ""));
    await page.type("#token", ADMIN_TOKEN);
    await page.click("#sign-in button[type=submit]");
    await page.waitForSelector("#console:not([hidden])");
    await page.waitForFunction(() => (document.querySelector("#files tbody")?.children.length ?? 0) > 0);
    const cookie = (await page.cookies()).find((candidate) => candidate.name === "zone_admin");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(cookie!.expires * 1000).toBeGreaterThan(Date.now());
    expect(await page.$eval("#files", (table) => table.textContent)).toContain("qinghe-policy.md");
  });

  it("uploads a policy, re-indexes with live progress to done, and answers from it", async () => {
    const file = path.join(web.workspace.root, "绿川高新区数字经济扶持办法.md");
    await writeFile(file, "---\ntitle: 绿川高新区数字经济扶持办法\ndate: 2024-03-01\nzone: 绿川高新区\n---\n\n绿川高新区对新认定的数字经济企业给予一次性奖励65万元。\n绿川高新区对数字经济企业租用办公用房给予三年租金补贴。\n", "utf8");
    const input = (await page.$("input#upload-files"))!;
    await input.uploadFile(file);
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => (document.getElementById("upload-result")?.textContent ?? "").includes("绿川"));

    // Record every stage the progress bar shows while the job runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStages: string[] }).seenStages = seen;
      const bar = document.getElementById("progress")!;
      new MutationObserver(() => {
        const stage = bar.dataset.stage;
        if (stage && seen[seen.length - 1] !== stage) seen.push(stage);
      }).observe(bar, { attributes: true, attributeFilter: ["data-stage"] });
    });
    await page.$eval("#gate", (box) => ((box as HTMLInputElement).checked = false));
    await page.click("#reindex");
    await page.waitForFunction(() => document.querySelector("#outcome .outcome") !== null, { timeout: 60_000 });
    expect(await page.$eval("#outcome .outcome", (outcome) => outcome.className)).toContain("succeeded");
    expect(await page.$eval("#progress", (bar) => (bar as HTMLElement).dataset.stage)).toBe("done");
    expect(await page.$eval("#progress-text", (text) => text.textContent)).toContain("100%");
    const seen = await page.evaluate(() => (window as unknown as { seenStages: string[] }).seenStages);
    expect(seen[seen.length - 1]).toBe("done");
    // Listed as indexed once the job is done (it was pending between the upload and the re-index).
    await page.waitForSelector('#files tr[data-name="绿川高新区数字经济扶持办法.md"][data-state="indexed"]');

    await openChat();
    const index = await ask("绿川高新区对新认定的数字经济企业奖励多少？");
    expect(await answerText(index)).toContain("65万元");
    expect(await sourcesText(index)).toContain("绿川");
  });

  it("shows the question log with the refused filter, and signs out", async () => {
    await page.goto(`${base()}/admin`, { waitUntil: "networkidle0" });
    await page.waitForSelector("#console:not([hidden])");
    await page.waitForFunction(() => (document.querySelector("#questions tbody")?.children.length ?? 0) > 0);
    expect(await page.$eval("#questions", (table) => table.textContent)).toContain("绿川高新区");
    await page.click('input[name="filter"][value="down"]');
    // Only the "nothing to show" row is left.
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#questions tbody tr")).every((row) => row.querySelector("td.hint") !== null));
    await page.click("#sign-out");
    await page.waitForSelector("#sign-in:not([hidden])");
    expect((await page.cookies()).some((cookie) => cookie.name === "zone_admin")).toBe(false);
    const status = await page.evaluate(async () => (await fetch("/admin/status")).status);
    expect(status).toBe(401);
  });
});
