/// <reference lib="dom" />
/**
 * Web page figures in a real headless chromium: bytes transferred for `/` on a first load (cold
 * profile, so nothing cached), and the time from pressing Enter to the rendered answer.
 * Standalone: `npx tsx scripts/bench-web.ts [--shots DIR]` also saves screenshots to DIR.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { ADMIN_TOKEN, hostileDocument, launchBrowser, startWebServer } from "../tests/helpers/web-server.js";

export interface WebFigures {
  pageRequests: number;
  pageKB: number;
  firstAnswerMs: number;
  answerP50Ms: number;
  asks: number;
}

export async function measureWeb(options: { shotsDir?: string } = {}): Promise<WebFigures> {
  const web = await startWebServer({}, { "qinghe-policy.md": hostileDocument });
  const chromium = await launchBrowser();
  try {
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    let bytes = 0;
    let requests = 0;
    cdp.on("Network.loadingFinished", (event) => {
      bytes += event.encodedDataLength;
      requests++;
    });
    await page.goto(`${web.server.url}/`, { waitUntil: "networkidle0" });
    const pageKB = bytes / 1024;
    const pageRequests = requests;

    const ask = async (question: string): Promise<number> => {
      const before = await page.$$eval("li.message.bot", (items) => items.length);
      await page.type("#question", question);
      const started = performance.now();
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        (count) => {
          const items = document.querySelectorAll("li.message.bot");
          return items.length > count && !items[items.length - 1]!.classList.contains("pending");
        },
        {},
        before,
      );
      return performance.now() - started;
    };
    const firstAnswerMs = await ask("长治高新区聘请了多少名招商大使？");
    if (options.shotsDir) {
      await page.click("li.message.bot .cite");
      await page.waitForSelector("#viewer:not([hidden]) mark");
      await page.screenshot({ path: path.join(options.shotsDir, "chat-zh-viewer.png") });
    }
    const questions = [
      "衡阳高新区2023年1-6月招商引资签约项目多少个？投资总额多少？",
      "What incentives does Changzhi High-tech Zone offer investors?",
      "安康高新区“最多跑一次”达成率是多少？",
      "那衡阳呢？",
      "深圳高新区的土地出让价格是多少？",
    ];
    const samples: number[] = [];
    for (const question of questions) samples.push(await ask(question));
    if (options.shotsDir) {
      await page.screenshot({ path: path.join(options.shotsDir, "chat-en-followup.png") });
      await page.click("#new-conversation");
      await ask("青禾高新区对新落户的研发企业给予多少落户奖励？");
      await page.click("li.message.bot .cite");
      await page.waitForSelector("#viewer:not([hidden]) mark");
      await page.screenshot({ path: path.join(options.shotsDir, "chat-markup-as-text.png") });
      await page.click("#language");
      await page.screenshot({ path: path.join(options.shotsDir, "chat-language-switched.png") });

      await page.goto(`${web.server.url}/admin`, { waitUntil: "networkidle0" });
      await page.type("#token", ADMIN_TOKEN);
      await page.click("#sign-in button[type=submit]");
      await page.waitForSelector("#console:not([hidden])");
      const file = path.join(web.workspace.root, "绿川高新区数字经济扶持办法.md");
      await writeFile(file, "---\ntitle: 绿川高新区数字经济扶持办法\ndate: 2024-03-01\nzone: 绿川高新区\n---\n\n绿川高新区对新认定的数字经济企业给予一次性奖励65万元。\n", "utf8");
      await (await page.$("input#upload-files"))!.uploadFile(file);
      await page.click("#upload-form button[type=submit]");
      await page.waitForFunction(() => (document.getElementById("upload-result")?.textContent ?? "").includes("绿川"));
      await page.click("#reindex");
      await page.waitForFunction(() => document.querySelector("#outcome .outcome") !== null, { timeout: 120_000 });
      await page.goto(`${web.server.url}/admin`, { waitUntil: "networkidle0" });
      await page.waitForSelector("#console:not([hidden])");
      await page.waitForFunction(() => (document.querySelector("#questions tbody")?.children.length ?? 0) > 0);
      await page.screenshot({ path: path.join(options.shotsDir, "admin-after-reindex.png"), fullPage: true });
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return { pageRequests, pageKB, firstAnswerMs, answerP50Ms: sorted[Math.floor(sorted.length / 2)]!, asks: samples.length };
  } finally {
    await chromium.close();
    await web.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--shots");
  const shotsDir = at > 0 ? process.argv[at + 1] : undefined;
  if (shotsDir) await mkdir(shotsDir, { recursive: true });
  const figures = await measureWeb({ shotsDir });
  console.log("\nWeb chat page (headless chromium, cold profile)");
  console.log("| first load of / | requests | time to first answer | answer p50 (next asks) |");
  console.log("|---|---|---|---|");
  console.log(`| ${figures.pageKB.toFixed(1)} KB | ${figures.pageRequests} | ${figures.firstAnswerMs.toFixed(0)} ms | ${figures.answerP50Ms.toFixed(0)} ms (${figures.asks}) |`);
  if (shotsDir) console.log(`Screenshots in ${shotsDir}`);
}
