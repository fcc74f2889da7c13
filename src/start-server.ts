import path from "node:path";
import type { Logger as PinoLogger } from "pino";
import { createRuntime, type Runtime } from "./app/runtime.js";
import { withQuestionLog } from "./app/question-log.js";
import { createAdminApi } from "./adapters/admin/admin-routes.js";
import { adminAccounts } from "./adapters/admin/admin-auth.js";
import { createApiPlugin } from "./adapters/api/api-routes.js";
import { createMcpPlugin } from "./adapters/mcp/mcp-routes.js";
import { cookieSecretFor } from "./adapters/http/cookie-secret.js";
import { createMetrics, createMetricsAuthorizer, createMetricsPlugin } from "./adapters/http/metrics.js";
import { openApiPlugin } from "./adapters/http/openapi.js";
import type { HttpPlugin } from "./adapters/http/plugin.js";
import { startHttpServer, type RunningServer } from "./adapters/http/server.js";
import { createSlackRoutes } from "./adapters/slack/slack-adapter.js";
import { createPromptSuggester } from "./app/suggested-prompts.js";
import { createAskLimiter } from "./adapters/web/ask-limits.js";
import { createApiKeyAuthorizer } from "./adapters/web/api-key.js";
import { createWebPlugins, pagesDir, securityHeaders } from "./adapters/web/web-routes.js";
import { createSignInGuard } from "./admin/sign-in-guard.js";
import { createWechatPlugin } from "./adapters/wechat/wechat-adapter.js";
import { createWecomPlugin } from "./adapters/wecom/wecom-adapter.js";
import { describeJob } from "./admin/reindex-manager.js";
import { createDeliveryCore } from "./chat/delivery.js";
import type { Config } from "./core/config.js";
import type { Logger } from "./core/logger.js";
import { notifyReady, notifySnapshotLive, onSnapshotLiveElsewhere } from "./app/cluster-primary.js";


/**
 * Composition root: reads config, wires the rooms, registers every adapter's plugin on the one
 * HTTP server (API, web pages, admin console, chat platforms, metrics) and starts it.
 */

export interface StartedServer {
  url: string;
  runtime: Runtime;
  http: RunningServer;
  /** Names of the chat adapters that are on. */
  chatAdapters: string[];
  /** Stops the server; requests in flight get up to `drainMs` (default 0) to finish first. */
  close(drainMs?: number): Promise<void>;
}

export interface StartServerOptions {
  /** Called when this process made a snapshot live (re-index or rollback); the cluster relays it. */
  onLive?: (version: string) => void;
}

export async function startServer(config: Config, logging: { log: Logger; pino?: PinoLogger }, options: StartServerOptions = {}): Promise<StartedServer> {
  const { log } = logging;
  // Start-up (src/app/runtime.ts): the state store from STATE_URL with its migrations, the live
  // snapshot with fallback, or a first build — waiting up to STARTUP_WAIT_SECONDS for another
  // process's build instead of racing it.
  const runtime = await createRuntime(config, { log, onLive: options.onLive });
  const metrics = createMetrics(() => runtime.service.status());
  // Every adapter answers through the logging service: one question log, log line and metric per answer.
  const service = withQuestionLog({ service: runtime.service, store: runtime.store, log, onAnswered: metrics.observeAnswer });
  runtime.admin.onJobFinished((job) =>
    metrics.observeReindex({ state: job.state, ...(job.startedAt && job.finishedAt ? { seconds: (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 } : {}) }),
  );

  // --- chat platforms: each adapter whose settings are present, sharing one delivery core ---
  const delivery = createDeliveryCore({ service, store: runtime.store, rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE, log });
  const chatPlugins: HttpPlugin[] = [];
  const chatAdapters: string[] = [];
  let stopSlack: (() => Promise<void>) | undefined;
  if (config.SLACK_BOT_TOKEN || config.SLACK_SIGNING_SECRET) {
    // Slack `/zone reindex` starts a job in the admin ReindexManager; its outcome is posted back.
    const slack = await createSlackRoutes({
      config,
      delivery,
      service,
      store: runtime.store,
      log,
      suggestedPrompts: createPromptSuggester(runtime.service),
      onReindex: async (userId) => {
        const job = await runtime.admin.start(`slack:${userId}`);
        return { started: describeJob(job), finished: runtime.admin.wait(job.id).then(describeJob) };
      },
    });
    chatPlugins.push(...slack.plugins);
    stopSlack = () => slack.stop();
    chatAdapters.push(config.SLACK_APP_TOKEN ? "slack (socket mode)" : "slack (POST /slack/events)");
  }
  const wechat = createWechatPlugin({ config, delivery, log });
  if (wechat) {
    chatPlugins.push(wechat);
    chatAdapters.push("wechat (/wechat)");
  }
  const wecom = createWecomPlugin({ config, delivery, log });
  if (wecom) {
    chatPlugins.push(wecom);
    chatAdapters.push("wecom (/wecom)");
  }
  const stopChannels: Array<() => Promise<void>> = [];
  if (config.FEISHU_APP_ID) {
    // Loaded only when configured: the Feishu SDK alone is about 70 MB of memory per process.
    const { createFeishuAdapter } = await import("./adapters/feishu/feishu-adapter.js");
    const feishu = createFeishuAdapter({ config, delivery, store: runtime.store, log })!;
    chatPlugins.push(...feishu.plugins);
    stopChannels.push(() => feishu.stop());
    chatAdapters.push(config.FEISHU_CONNECTION === "http" ? "feishu (POST /feishu/events)" : "feishu (long connection)");
  }
  if (config.DINGTALK_CLIENT_ID) {
    const { createDingtalkAdapter } = await import("./adapters/dingtalk/dingtalk-adapter.js");
    const dingtalk = createDingtalkAdapter({ config, delivery, log })!;
    chatPlugins.push(...dingtalk.plugins);
    stopChannels.push(() => dingtalk.stop());
    chatAdapters.push(config.DINGTALK_CONNECTION === "http" ? "dingtalk (POST /dingtalk/events)" : "dingtalk (stream mode)");
  }

  // --- admin (re-index jobs, rollback, status, uploads, question log, CLI snapshot pick-up) ---
  // Wrong secrets are counted per client address (TRUST_PROXY decides what that is), in the state
  // store so every worker and replica counts together; admin and API-key guesses apart.
  const adminSignIns = createSignInGuard({ store: runtime.store, limit: config.ADMIN_SIGNIN_FAILURES_PER_MINUTE, log });
  const apiSignIns = createSignInGuard({ store: runtime.store, limit: config.API_SIGNIN_FAILURES_PER_MINUTE, log, scope: "api" });
  const adminApi = createAdminApi({
    manager: runtime.admin,
    signIns: adminSignIns,
    token: config.ADMIN_TOKEN,
    admins: config.ADMIN_TOKENS,
    corpusDir: config.CORPUS_DIR,
    upload: { maxFileBytes: config.UPLOAD_MAX_BYTES, maxFiles: config.UPLOAD_MAX_FILES },
    questions: runtime.store,
    sessionTtlMs: config.ADMIN_SESSION_HOURS * 3600_000,
  });
  // Snapshot pick-up and retention pruning (CONVERSATION_TTL_DAYS, QUESTION_LOG_DAYS, AUDIT_DAYS:
  // one schedule for every kind of row, see src/chat/retention.ts).
  runtime.admin.startWatching(config.SNAPSHOT_POLL_MS);
  const hasAdmins = adminAccounts(config).length > 0;
  if (!hasAdmins) log.info("Admin API and console off: set ADMIN_TOKENS (name:token,…) or ADMIN_TOKEN to enable /admin.");

  const plugins: HttpPlugin[] = [
    createApiPlugin(service),
    // MCP over Streamable HTTP: the API's key and ask limits (src/adapters/mcp/mcp-routes.ts).
    createMcpPlugin({ ask: (question, options) => service.ask(question, options), assistant: runtime.service }, log),
    ...createWebPlugins({ service, store: runtime.store, log, apiKeys: config.API_KEYS, signIns: apiSignIns }),
    openApiPlugin,
    createMetricsPlugin(metrics),
    ...chatPlugins,
    ...adminApi.plugins,
  ];
  const http = await startHttpServer({
    host: config.HOST,
    port: config.PORT,
    plugins,
    maxBodyBytes: config.MAX_BODY_BYTES,
    log,
    pino: logging.pino,
    // Every worker, replica and restart signs cookies alike (see adapters/http/cookie-secret.ts).
    cookieSecret: await cookieSecretFor({ sessionSecret: config.SESSION_SECRET, adminToken: config.ADMIN_TOKEN, adminTokens: config.ADMIN_TOKENS.map((admin) => admin.token), apiKeys: config.API_KEYS, dataDir: config.DATA_DIR }),
    trustProxy: config.TRUST_PROXY,
    secureCookies: config.COOKIE_SECURE,
    upload: { maxFileBytes: config.UPLOAD_MAX_BYTES, maxFiles: config.UPLOAD_MAX_FILES },
    staticDirs: [{ root: path.join(pagesDir, "assets"), prefix: "/assets/" }],
    headers: securityHeaders,
    // Who may call what is declared on each route; these are the checks behind the declarations.
    access: {
      authorizers: {
        apiKey: createApiKeyAuthorizer(config.API_KEYS, apiSignIns),
        admin: adminApi.authorize,
        metrics: createMetricsAuthorizer({ metricsToken: config.METRICS_TOKEN, adminTokens: adminAccounts(config).map((admin) => admin.token), apiKeys: config.API_KEYS, signIns: adminSignIns }),
      },
      limiters: {
        ask: createAskLimiter({
          store: runtime.store,
          perMinute: config.ASK_RATE_PER_MINUTE,
          maxInFlight: config.ASK_STREAMS_MAX,
          perClientInFlight: config.ASK_STREAMS_PER_CLIENT,
          apiKeys: config.API_KEYS,
          log,
        }),
      },
      allowedOrigins: config.ALLOWED_ORIGINS,
    },
    onResponse: metrics.observeRequest,
  });
  return {
    url: http.url,
    runtime,
    http,
    chatAdapters,
    async close(drainMs = 0) {
      await http.close(drainMs);
      // Stop a running re-index first: chat listeners may be waiting on it.
      await runtime.admin.close();
      await stopSlack?.();
      for (const stop of stopChannels) await stop();
      await delivery.close();
      await runtime.close();
    },
  };
}

/** The server process (WORKERS=1, or one cluster worker): start, announce, drain on SIGTERM/SIGINT. */
export async function runServer(config: Config, logging: { log: Logger; pino?: PinoLogger }): Promise<void> {
  const { log } = logging;
  const server = await startServer(config, logging, { onLive: notifySnapshotLive });
  const status = server.runtime.service.status();
  log.info(`Zone assistant listening on ${server.url} (index ${status.indexVersion}, ${status.chunks} chunks, LLM ${status.llm}).`);
  notifyReady();
  onSnapshotLiveElsewhere(() => void server.runtime.admin.checkForNewSnapshot());
  log.info(`Chat adapters: ${server.chatAdapters.length > 0 ? server.chatAdapters.join(", ") : "none configured (see README)"}.`);
  log.info(`Open ${server.url}/ to chat${adminAccounts(config).length > 0 ? `, ${server.url}/admin to manage the corpus` : ""}.`);
  log.info(`Try: curl -s ${server.url}/api/ask -H 'content-type: application/json' -d '{"question":"长治高新区有哪些招商优惠政策？"}'`);

  const shutdown = async (signal: string) => {
    log.info(`${signal} received, shutting down.`);
    // Requests in flight finish (bounded by SHUTDOWN_TIMEOUT_MS) before the runtime closes.
    await server.close(config.SHUTDOWN_TIMEOUT_MS);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
