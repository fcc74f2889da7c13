import { describe, expect, it } from "vitest";
import { createSlackRoutes, type SlackRoutesOptions } from "../../src/adapters/slack/slack-adapter.js";
import { createDeliveryCore } from "../../src/chat/delivery.js";
import { MemoryStateStore } from "../../src/chat/state-store.js";
import { silentLogger } from "../../src/core/logger.js";
import { createFakeService } from "../chat/fake-service.js";
import { startMockSlackApi } from "./mock-slack-api.js";

function options(config: Partial<SlackRoutesOptions["config"]>, apiUrl = "http://127.0.0.1:9/api/"): SlackRoutesOptions {
  const store = new MemoryStateStore();
  const service = createFakeService();
  return {
    config: { SLACK_SIGNING_SECRET: undefined, SLACK_BOT_TOKEN: undefined, SLACK_APP_TOKEN: undefined, SLACK_ADMIN_USERS: [], SLACK_API_URL: apiUrl, ...config },
    delivery: createDeliveryCore({ service, store, rateLimitPerMinute: 5, log: silentLogger }),
    service,
    store,
    log: silentLogger,
  };
}

describe("Slack modes and settings", () => {
  it("names the missing setting", async () => {
    await expect(createSlackRoutes(options({ SLACK_SIGNING_SECRET: "s" }))).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("SLACK_BOT_TOKEN") });
    await expect(createSlackRoutes(options({ SLACK_BOT_TOKEN: "xoxb-1" }))).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("SLACK_SIGNING_SECRET") });
  });

  it("mounts POST /slack/events in HTTP mode", async () => {
    const slack = await createSlackRoutes(options({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" }));
    expect(slack.routes.map((route) => `${route.method} ${route.path}`)).toEqual(["POST /slack/events"]);
    await slack.stop();
  });

  it("connects out through SLACK_API_URL in Socket Mode, mounts no route, and does not block start", async () => {
    const mock = await startMockSlackApi();
    try {
      const slack = await createSlackRoutes(options({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }, `${mock.url}/api`));
      expect(slack.routes).toEqual([]);
      // The mock refuses apps.connections.open; the client keeps retrying in the background.
      await mock.waitFor((calls) => calls.some((call) => call.method === "apps.connections.open" && call.response !== undefined));
      await slack.stop();
    } finally {
      await mock.close();
    }
  });
});
