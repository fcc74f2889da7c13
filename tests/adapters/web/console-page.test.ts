/// <reference lib="dom" />
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, startWebServer, type WebServer } from "../../helpers/web-server.js";
import { mockEmbedderEnv, startMockEmbeddings, type MockEmbeddings } from "../../admin/mock-embeddings.js";

/**
 * The admin console's features in headless chromium against the composed server (named admins,
 * a local mock embedder so a re-index can be held mid-build): uploads pending before a re-index,
 * every file with state and search, make any kept snapshot live after a from → to confirmation,
 * cancel, a failed build naming its files, the question log's search/dates/paging, the audit
 * view, errors in the page's language, and the phone viewport.
 */

const ALICE = "alice-console-token-0123456789";
const BOB = "bob-console-token-0123456789";

let web: WebServer;
let mock: MockEmbeddings;
let chromium: { browser: Browser; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mock = await startMockEmbeddings();
  web = await startWebServer({ ADMIN_TOKENS: `alice:${ALICE},bob:${BOB}`, ...mockEmbedderEnv(mock), SNAPSHOTS_KEEP: "5" });
  chromium = await launchBrowser();
  page = await chromium.browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && !/Failed to load resource/.test(message.text()) && pageErrors.push(message.text()));
  await page.setViewport({ width: 1280, height: 900 });
  await page.evaluateOnNewDocument(() => localStorage.setItem("lang", localStorage.getItem("lang") ?? "zh"));
});

afterAll(async () => {
  mock.delayMs = 0;
  await chromium?.close();
  await web?.close();
  await mock?.close();
});

const base = () => web.server.url;
const live = () => web.server.runtime.service.status().indexVersion;
const text = (selector: string) => page.$eval(selector, (element) => element.textContent ?? "");

async function signIn(token: string, query = ""): Promise<void> {
  await page.goto(`${base()}/admin${query}`, { waitUntil: "networkidle0" });
  if (await page.$eval("#console", (element) => !(element as HTMLElement).hidden)) return;
  await page.type("#token", token);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("#console:not([hidden])");
  await page.waitForSelector("#files tbody tr[data-state]");
}

async function reindexAndWait(state: string): Promise<void> {
  await page.$eval("#gate", (box) => ((box as HTMLInputElement).checked = false));
  await page.click("#reindex");
  await page.waitForFunction((expected) => document.querySelector(`#outcome .outcome.${expected}`) !== null, { timeout: 60_000 }, state);
}

/** Clicks the button that opens the confirmation, returns its text, and answers it. */
async function confirmWith(open: () => Promise<void>, answer: "ok" | "cancel"): Promise<string> {
  await open();
  await page.waitForSelector("dialog#confirm[open]");
  const shown = await text("#confirm-text");
  await page.click(answer === "ok" ? "#confirm-ok" : "#confirm-cancel");
  await page.waitForFunction(() => !document.querySelector("dialog#confirm")?.hasAttribute("open"));
  return shown;
}

describe("admin console (desktop, Chinese)", () => {
  it("names the admin who signed in", async () => {
    await signIn(ALICE);
    expect(await text("#who")).toBe("已登录：alice");
  });

  it("shows an upload as pending before the re-index and indexed after; searches the file list", async () => {
    const file = path.join(web.workspace.root, "碧水高新区人才政策.md");
    await writeFile(file, "---\ntitle: 碧水高新区人才政策\nzone: 碧水高新区\n---\n\n碧水高新区对引进的博士给予一次性安家补贴30万元。\n", "utf8");
    await (await page.$("input#upload-files"))!.uploadFile(file);
    await page.click("#upload-form button[type=submit]");
    await page.waitForSelector('#files tr[data-name="碧水高新区人才政策.md"][data-state="pending"]');
    expect(await text('#files tr[data-name="碧水高新区人才政策.md"] .state')).toBe("待重建");
    await page.type("#file-search", "碧水");
    expect(await page.$$eval("#files tbody tr", (rows) => rows.map((row) => (row as HTMLElement).dataset.name))).toEqual(["碧水高新区人才政策.md"]);
    await page.$eval("#file-search", (input) => ((input as HTMLInputElement).value = ""));
    await page.$eval("#file-search", (input) => input.dispatchEvent(new Event("input")));
    expect((await page.$$("#files tbody tr")).length).toBeGreaterThan(2);
    // Each row has its modification date.
    expect(await text('#files tr[data-name="碧水高新区人才政策.md"] td:nth-child(3)')).toMatch(/\d{4}/);

    await reindexAndWait("succeeded");
    await page.waitForSelector('#files tr[data-name="碧水高新区人才政策.md"][data-state="indexed"]');
    expect(await text("#outcome .gate")).toBe("质量门：本次未启用");
  });

  it("refuses a bad upload in Chinese, naming the file, saving nothing", async () => {
    const bad = path.join(web.workspace.root, "setup.exe");
    await writeFile(bad, "MZ", "utf8");
    await (await page.$("input#upload-files"))!.uploadFile(bad);
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => (document.getElementById("upload-result")?.textContent ?? "").includes("上传被拒绝"));
    const shown = await text("#upload-result");
    expect(shown).toContain("setup.exe");
    expect(shown).toContain("没有保存");
    expect(shown).not.toMatch(/supported|document type/);
    expect(await readdir(web.workspace.corpusDir)).not.toContain("setup.exe");
  });

  it("makes any kept snapshot live after a from → to confirmation, including the one rolled back from, and shows the new live one", async () => {
    const newer = live();
    // The page converges on the server's live snapshot (a slow earlier status answer must not win).
    await page.waitForFunction((version) => document.getElementById("live")?.dataset.version === version, {}, newer);
    const older = await page.$$eval("#snapshots li", (items, current) => items.map((item) => (item as HTMLElement).dataset.version).find((version) => version !== current)!, newer);
    // "Roll back" says where it goes before it goes (the snapshot live before this one); Cancel changes nothing.
    const target = ((await (await fetch(`${base()}/admin/status`, { headers: { authorization: `Bearer ${ALICE}` } })).json()) as { rollbackTarget: string }).rollbackTarget;
    expect(target).toBe(older);
    expect(await confirmWith(() => page.click("#rollback"), "cancel")).toBe(`将当前快照从 ${newer} 切换到 ${older}？`);
    expect(live()).toBe(newer);
    const cancelled = await confirmWith(() => page.click(`#snapshots li[data-version="${older}"] .make-live`), "cancel");
    expect(cancelled).toBe(`将当前快照从 ${newer} 切换到 ${older}？`);
    expect(live()).toBe(newer);

    await confirmWith(() => page.click(`#snapshots li[data-version="${older}"] .make-live`), "ok");
    await page.waitForFunction((version) => document.getElementById("live")?.dataset.version === version, {}, older);
    expect(live()).toBe(older);
    expect(await text("#snapshot-result")).toBe(`已切换：${newer} → ${older}。当前快照为 ${older}。`);
    expect(await page.$eval(`#snapshots li[data-version="${older}"]`, (item) => item.classList.contains("live"))).toBe(true);

    // The snapshot rolled back from can be made live again.
    await confirmWith(() => page.click(`#snapshots li[data-version="${newer}"] .make-live`), "ok");
    await page.waitForFunction((version) => document.getElementById("live")?.dataset.version === version, {}, newer);
    expect(live()).toBe(newer);
  });

  it("cancels a running re-index; the live snapshot keeps serving and the page says who cancelled", async () => {
    const before = live();
    await writeFile(path.join(web.workspace.corpusDir, "cancel-me.md"), "青山高新区对新落户企业给予一次性奖励30万元。\n", "utf8");
    mock.delayMs = 600_000;
    const embedding = mock.nextRequest();
    await page.$eval("#gate", (box) => ((box as HTMLInputElement).checked = false));
    await page.click("#reindex");
    await embedding;
    await page.waitForSelector("#cancel-reindex:not([hidden])");
    expect(await page.$eval("#reindex", (button) => (button as HTMLButtonElement).disabled)).toBe(true);
    await page.click("#cancel-reindex");
    await page.waitForSelector("#outcome .outcome.cancelled");
    mock.delayMs = 0;
    expect(await text("#outcome")).toContain("重建已取消，当前快照继续服务");
    expect(await text("#outcome")).toContain("由 admin:alice 取消");
    expect(await page.$eval("#cancel-reindex", (button) => (button as HTMLElement).hidden)).toBe(true);
    expect(live()).toBe(before);
  });

  it("names the files at fault when a build fails, in Chinese", async () => {
    const aside = path.join(web.workspace.root, "aside");
    await mkdir(aside);
    const documents = (await readdir(web.workspace.corpusDir)).filter((name) => /\.(txt|md)$/.test(name));
    for (const name of documents) await rename(path.join(web.workspace.corpusDir, name), path.join(aside, name));
    await writeFile(path.join(web.workspace.corpusDir, "broken.pdf"), "this is not a pdf", "utf8");
    try {
      await reindexAndWait("failed");
      expect(await text("#outcome .job-error")).toBe("语料目录中没有可读的文档，构建未进行。");
      expect(await text("#outcome .skipped-files")).toContain("broken.pdf: 不是可读的 PDF");
      // The file list says so too, before anything is fixed.
      await page.waitForSelector('#files tr[data-name="broken.pdf"][data-state="skipped"]');
      expect(await text('#files tr[data-name="broken.pdf"] .state')).toContain("不是可读的 PDF");
    } finally {
      for (const name of documents) await rename(path.join(aside, name), path.join(web.workspace.corpusDir, name));
    }
  });

  it("searches the question log by words and dates, pages it, and shows 👎 comments", async () => {
    const asked: string[] = [];
    for (const question of ["长治高新区聘请了多少名招商大使？", "衡阳高新区2023年1-6月招商引资签约项目多少个？", "乐山高新区“科创八条”政策奖补资金兑现了多少？"]) {
      const answer = (await (await fetch(`${base()}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) })).json()) as { answerId: string };
      asked.push(answer.answerId);
    }
    await fetch(`${base()}/api/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ answerId: asked[1], value: "down", comment: "缺少签约金额" }) });
    await signIn(ALICE, "?pageSize=2");
    const rows = () => page.$$eval("#questions tbody tr", (items) => items.map((row) => row.querySelector(".question")?.textContent ?? row.textContent ?? ""));
    await page.waitForFunction(() => document.querySelectorAll("#questions tbody tr .question").length === 2);
    const first = await rows();
    expect(await page.$eval("#questions-pager .next", (button) => (button as HTMLButtonElement).disabled)).toBe(false);
    await page.click("#questions-pager .next");
    await page.waitForFunction(() => document.querySelector("#questions-pager .page")?.textContent === "第 2 页");
    const second = await rows();
    expect(second.some((question) => first.includes(question))).toBe(false);

    await page.type("#question-search", "招商大使");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll("#questions tbody tr .question").length === 1);
    expect(await rows()).toEqual(["长治高新区聘请了多少名招商大使？"]);
    expect(await page.$eval("#csv", (link) => (link as HTMLAnchorElement).href)).toContain(`q=${encodeURIComponent("招商大使")}`);

    await page.$eval("#question-search", (input) => ((input as HTMLInputElement).value = ""));
    await page.$eval("#question-to", (input) => {
      (input as HTMLInputElement).value = "2020-01-01";
      input.dispatchEvent(new Event("change"));
    });
    await page.waitForFunction(() => document.querySelector("#questions tbody td.hint")?.textContent === "没有记录");
    await page.$eval("#question-to", (input) => {
      (input as HTMLInputElement).value = "";
      input.dispatchEvent(new Event("change"));
    });
    await page.click('input[name="filter"][value="down"]');
    await page.waitForFunction(() => (document.querySelector("#questions tbody .feedback-comment")?.textContent ?? "") === "缺少签约金额");
  });

  it("shows who did what in the audit view, searchable", async () => {
    await page.waitForFunction(() => document.querySelectorAll("#audit tbody tr .actor").length > 0);
    await page.type("#audit-search", "rollback");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#audit tbody tr .action")).every((cell) => cell.textContent === "rollback"));
    const actors = await page.$$eval("#audit tbody tr .actor", (cells) => cells.map((cell) => cell.textContent));
    expect(actors.length).toBeGreaterThanOrEqual(2);
    expect(new Set(actors)).toEqual(new Set(["admin:alice"]));
  });

  it("speaks English after switching, server errors included", async () => {
    await page.click("#language");
    expect(await text("#who")).toBe("Signed in: alice");
    const bad = path.join(web.workspace.root, "notes.exe");
    await writeFile(bad, "x", "utf8");
    await (await page.$("input#upload-files"))!.uploadFile(bad);
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => (document.getElementById("upload-result")?.textContent ?? "").startsWith("Upload refused (notes.exe)"));
    await page.click("#language");
  });
});

describe("admin console on a phone (390×844)", () => {
  it("fits the screen: no sideways page scroll, tables scroll in their cards, the confirmation is in view", async () => {
    const phone = await chromium.browser.createBrowserContext();
    const small = await phone.newPage();
    small.on("pageerror", (error) => pageErrors.push(String(error)));
    await small.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    await small.goto(`${base()}/admin`, { waitUntil: "networkidle0" });
    await small.type("#token", BOB);
    await small.tap("#sign-in button[type=submit]");
    await small.waitForSelector("#files tbody tr[data-state]");
    expect(await small.$eval("#who", (who) => who.textContent)).toMatch(/bob/);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await small.$eval("#questions", (table) => table.closest(".table-wrap")!.scrollWidth > 390)).toBe(true);
    await small.tap("#snapshots li:not(.live) .make-live");
    await small.waitForSelector("dialog#confirm[open]");
    const box = await small.$eval("dialog#confirm", (dialog) => dialog.getBoundingClientRect().toJSON() as DOMRect);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(390);
    expect(box.bottom).toBeLessThanOrEqual(844);
    await small.tap("#confirm-cancel");
    await phone.close();
  });

  it("ran without script errors or CSP violations", () => {
    expect(pageErrors).toEqual([]);
  });
});
