import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { silentLogger } from "../../src/core/logger.js";
import { startServer, type StartedServer } from "../../src/start-server.js";
import { createTempWorkspace, testConfig, type TempWorkspace } from "./temp-runtime.js";

/**
 * The whole server as `npm start` composes it (startServer), over a temp copy of the corpus,
 * plus a headless Debian chromium driven by puppeteer-core, for the web page tests and the
 * web benchmark.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ADMIN_TOKEN = "web-test-admin-token-0123456789";

/** A document whose text carries markup: the pages must show it as text and run none of it. */
export const hostileDocument = `---
title: 青禾高新区企业落户奖励办法<script>window.__xss = "title"</script>
date: 2024-05-01
zone: 青禾高新区
---

青禾高新区对新落户的研发企业给予一次性落户奖励80万元<script>window.__xss = "script"</script>。
青禾高新区对年度研发投入超过500万元的企业再奖励30万元<img src=x onerror="window.__xss='img'">。
`;

export interface WebServer {
  server: StartedServer;
  workspace: TempWorkspace;
  close(): Promise<void>;
}

export async function startWebServer(env: Record<string, string> = {}, extraDocuments: Record<string, string> = {}): Promise<WebServer> {
  const workspace = await createTempWorkspace();
  for (const [name, text] of Object.entries(extraDocuments)) await writeFile(path.join(workspace.corpusDir, name), text, "utf8");
  const config = testConfig(workspace, { HOST: "127.0.0.1", PORT: "0", ADMIN_TOKEN, ...env });
  const server = await startServer(config, { log: silentLogger });
  return {
    server,
    workspace,
    close: async () => {
      await server.close();
      await workspace.cleanup();
    },
  };
}

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(tmpdir(), "zone-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless=new",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The events of a finished Server-Sent Events body, data parsed as JSON. */
export function parseSse(text: string): Array<{ event: string; data: any }> {
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) }));
}
