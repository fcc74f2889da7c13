import type { Route } from "../adapters/http/routes.js";
import { createSlackRoutes, type ReindexTicket } from "../adapters/slack/slack-adapter.js";
import { createWechatRoutes } from "../adapters/wechat/wechat-adapter.js";
import { createWecomRoutes } from "../adapters/wecom/wecom-adapter.js";
import { createDeliveryCore } from "../chat/delivery.js";
import type { Runtime } from "./runtime.js";

/**
 * Mounts every chat adapter whose settings are present, all sharing one delivery core (ack at
 * once, answer asynchronously, de-duplicate, rate-limit, apologise on failure).
 */

export interface ChatAdapters {
  routes: Route[];
  /** Names of the adapters that are on, for the start-up log. */
  enabled: string[];
  stop(): Promise<void>;
}

export async function mountChatAdapters(runtime: Runtime, options: { onReindex?: (userId: string) => Promise<ReindexTicket> } = {}): Promise<ChatAdapters> {
  const { config, service, store, log } = runtime;
  const delivery = createDeliveryCore({ service, store, rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE, log });
  const routes: Route[] = [];
  const enabled: string[] = [];
  let stopSlack: (() => Promise<void>) | undefined;

  if (config.SLACK_BOT_TOKEN || config.SLACK_SIGNING_SECRET) {
    const slack = await createSlackRoutes({ config, delivery, service, store, log, onReindex: options.onReindex });
    routes.push(...slack.routes);
    stopSlack = () => slack.stop();
    enabled.push(config.SLACK_APP_TOKEN ? "slack (socket mode)" : "slack (POST /slack/events)");
  }
  const wechat = createWechatRoutes({ config, delivery, log });
  if (wechat.length > 0) enabled.push("wechat (/wechat)");
  const wecom = createWecomRoutes({ config, delivery, log });
  if (wecom.length > 0) enabled.push("wecom (/wecom)");
  routes.push(...wechat, ...wecom);

  return {
    routes,
    enabled,
    async stop() {
      await stopSlack?.();
      await delivery.close();
    },
  };
}
