import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import { createSlackRoutes, type SlackRoutes } from "../../../src/adapters/slack/slack-adapter.js";
import { signSlackRequest } from "../../helpers/slack-sign.js";
import { createRuntime, type Runtime } from "../../../src/app/runtime.js";
import { createDeliveryCore, type DeliveryCore } from "../../../src/chat/delivery.js";
import { loadConfig } from "../../../src/core/config.js";
import { silentLogger } from "../../../src/core/logger.js";
import { startMockSlackApi, type MockSlackApi } from "./mock-slack-api.js";
import { mentionEvent, slashCommand } from "./slack-payloads.js";

/**
 * End to end with the real answer service over the real corpus (index built into a temporary
 * DATA_DIR, chat state in SQLite), Bolt, our HTTP server and a mock Slack Web API.
 */
const signingSecret = "real-service-secret";
let dataDir: string;
let runtime: Runtime;
let delivery: DeliveryCore;
let slack: SlackRoutes;
let server: RunningServer;
let mock: MockSlackApi;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "slack-e2e-"));
  mock = await startMockSlackApi();
  const config = loadConfig({ DATA_DIR: dataDir, CORPUS_DIR: "./corpus", LOG_LEVEL: "silent", SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: "xoxb-e2e", SLACK_API_URL: `${mock.url}/api/` });
  runtime = await createRuntime(config, { log: silentLogger });
  delivery = createDeliveryCore({ service: runtime.service, store: runtime.store, rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE, log: silentLogger });
  slack = await createSlackRoutes({ config, delivery, service: runtime.service, store: runtime.store, log: silentLogger });
  server = await startHttpServer({ host: "127.0.0.1", port: 0, plugins: slack.plugins, maxBodyBytes: config.MAX_BODY_BYTES, log: silentLogger });
});

afterAll(async () => {
  await slack?.stop();
  await delivery?.close();
  await server?.close();
  await runtime?.close();
  await mock?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function post(body: unknown, form = false) {
  const raw = form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(`${server.url}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signSlackRequest(signingSecret, timestamp, raw),
    },
    body: raw,
  });
}

async function settled() {
  await slack.stop();
  await delivery.idle();
}

describe("Slack with the real answer service", () => {
  it("answers a mention with cited sources and remembers the thread for a follow-up", async () => {
    const first = mentionEvent({ text: "<@UBOT> 长治高新区有哪些招商优惠政策？", channel: "C0E2E" });
    expect((await post(first)).status).toBe(200);
    await settled();
    const update = mock.callsTo("chat.update").at(-1)!.body;
    const blocks = update.blocks as Array<Record<string, any>>;
    expect(blocks.filter((block) => block.type === "section").length).toBeGreaterThan(0);
    const sources = blocks.find((block) => block.type === "context");
    expect(sources?.elements[1].text).toMatch(/^\[1\] /);

    const followUp = mentionEvent({ text: "<@UBOT> 房租补贴呢？", channel: "C0E2E", threadTs: first.event.ts });
    await post(followUp);
    await settled();
    expect(mock.callsTo("chat.update")).toHaveLength(2);
    expect(await runtime.store.getTurns(`slack:C0E2E:${first.event.ts}`)).toHaveLength(2);
  });

  it("reports the live index in /zone status", async () => {
    const response = await post(slashCommand("status", `${mock.url}/response/status`), true);
    const body = (await response.json()) as { text: string };
    expect(body.text).toContain(runtime.service.status().indexVersion);
  });
});
