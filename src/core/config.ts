import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { z } from "zod";
import { AppError } from "./errors.js";

/**
 * Every setting the product reads, parsed once at start. Defaults make `npm start` work on a
 * fresh machine with no keys and no services. Keep .env.example and README in step with this.
 */

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/**
 * TRUST_PROXY: unset or "false" trusts no proxy (the socket address is the client); "true" trusts
 * every hop; a number trusts that many hops; anything else is a comma-separated list of proxy
 * addresses or CIDR ranges (Fastify's trustProxy).
 */
const trustProxy = z
  .string()
  .optional()
  .transform((value): boolean | number | string => {
    const given = (value ?? "").trim();
    if (given === "" || given === "false") return false;
    if (given === "true") return true;
    if (/^\d+$/.test(given)) return Number(given);
    return given;
  });

/**
 * ADMIN_TOKENS: one token per person, `alice:token1,bob:token2`, so sessions and audit rows say who.
 * Names are letters, digits and `._@-`; a token is everything after the first `:`.
 */
const adminTokens = z
  .string()
  .optional()
  .transform((value, context) => {
    const admins: Array<{ name: string; token: string }> = [];
    for (const item of (value ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
      const colon = item.indexOf(":");
      const name = colon > 0 ? item.slice(0, colon).trim() : "";
      const token = colon > 0 ? item.slice(colon + 1).trim() : "";
      if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name) || token === "") {
        context.addIssue({ code: z.ZodIssueCode.custom, message: `"${item.slice(0, 20)}…" is not name:token (e.g. ADMIN_TOKENS=alice:$(openssl rand -hex 32),bob:…)` });
        return z.NEVER;
      }
      if (admins.some((admin) => admin.name === name || admin.token === token)) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: `admin "${name}" or its token is listed twice; give every person their own token` });
        return z.NEVER;
      }
      admins.push({ name, token });
    }
    return admins;
  });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A process or thread count; unset or empty means one per core. */
const bytes = (fallback: number) => z.coerce.number().int().min(1024).default(fallback);
const countOrCores = () =>
  z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).max(256).default(availableParallelism()));

export const configSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Whose X-Forwarded-For/-Proto to believe (client address for limits, https for cookies). */
  TRUST_PROXY: trustProxy,
  /** `Secure` on cookies: auto (when the request came over HTTPS), true, false. */
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  /** Signs cookies; unset: derived from ADMIN_TOKEN and API_KEYS, else a random secret kept in DATA_DIR. */
  SESSION_SECRET: optionalString,
  /** Origins besides the server's own that may send state-changing requests (a proxy that rewrites Host). */
  ALLOWED_ORIGINS: csv,
  /** Server processes sharing PORT (node:cluster); 1 runs a single process without a supervisor. */
  WORKERS: countOrCores(),
  /** Worker threads an index build with the local embedder uses (fit, embed, BM25 segmentation). */
  BUILD_THREADS: countOrCores(),
  /** How long SIGTERM waits for requests in flight (and workers) to finish before stopping them. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(15_000),
  CORPUS_DIR: z.string().default("./corpus"),
  DATA_DIR: z.string().default("./data"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),

  EMBEDDINGS_PROVIDER: z.enum(["local", "openai", "ollama"]).default("local"),
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_DIMENSIONS: positiveInt(512),
  OPENAI_BASE_URL: z.string().url().default("https://api.openai.com/v1"),
  OPENAI_API_KEY: optionalString,
  OLLAMA_BASE_URL: z.string().url().default("http://127.0.0.1:11434"),

  LLM_PROVIDER: z.enum(["none", "openai", "ollama", "qwen", "deepseek", "zhipu", "moonshot"]).default("none"),
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_MS: positiveInt(20000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  PROMPTS_DIR: z.string().default("./prompts"),
  /** Chinese providers (LLM_PROVIDER=qwen|deepseek|zhipu|moonshot): each its own key and API address. */
  QWEN_API_KEY: optionalString,
  /** DashScope's native API (the region's host); the generation path is appended. */
  QWEN_BASE_URL: z.string().url().default("https://dashscope.aliyuncs.com"),
  DEEPSEEK_API_KEY: optionalString,
  DEEPSEEK_BASE_URL: z.string().url().default("https://api.deepseek.com"),
  /** Zhipu keys are `id.secret`: the client signs a short-lived token with the secret. */
  ZHIPU_API_KEY: optionalString,
  ZHIPU_BASE_URL: z.string().url().default("https://open.bigmodel.cn/api/paas/v4"),
  MOONSHOT_API_KEY: optionalString,
  MOONSHOT_BASE_URL: z.string().url().default("https://api.moonshot.cn/v1"),

  MAX_QUESTION_CHARS: positiveInt(1000),
  RETRIEVE_TOP_K: positiveInt(8),
  CONVERSATION_MAX_TURNS: positiveInt(6),
  CONVERSATION_MAX_CHARS: positiveInt(4000),
  RATE_LIMIT_PER_MINUTE: positiveInt(20),
  MAX_BODY_BYTES: positiveInt(64 * 1024),

  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_ADMIN_USERS: csv,
  SLACK_API_URL: z.string().url().default("https://slack.com/api/"),
  /** Slack's assistant view (split pane): greeting, suggested prompts, status, streamed answers. */
  SLACK_ASSISTANT: z.enum(["true", "false"]).default("true").transform((value) => value === "true"),

  /** Where users reach this server (https://zones.example.com): chat answers link their sources to its source viewer. */
  PUBLIC_URL: z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().url().optional()),

  FEISHU_APP_ID: optionalString,
  FEISHU_APP_SECRET: optionalString,
  FEISHU_ENCRYPT_KEY: optionalString,
  FEISHU_VERIFICATION_TOKEN: optionalString,
  /** websocket: the SDK's long connection (no public address needed); http: callbacks at POST /feishu/events. */
  FEISHU_CONNECTION: z.enum(["websocket", "http"]).default("websocket"),
  /** feishu (open.feishu.cn), lark (open.larksuite.com) or a base URL. */
  FEISHU_DOMAIN: z.string().default("feishu").refine((value) => value === "feishu" || value === "lark" || /^https?:\/\/[^\s]+$/.test(value), "feishu, lark or an http(s) URL"),

  /** DingTalk app's Client ID (AppKey) and Client Secret (AppSecret). */
  DINGTALK_CLIENT_ID: optionalString,
  DINGTALK_CLIENT_SECRET: optionalString,
  /** stream: the dingtalk-stream long connection (no public address needed); http: the outgoing robot at POST /dingtalk/events. */
  DINGTALK_CONNECTION: z.enum(["stream", "http"]).default("stream"),
  DINGTALK_GATEWAY_URL: z.string().url().default("https://api.dingtalk.com/v1.0/gateway/connections/open"),

  WECHAT_TOKEN: optionalString,
  WECHAT_APP_ID: optionalString,
  WECHAT_APP_SECRET: optionalString,
  WECHAT_AES_KEY: optionalString,
  WECHAT_API_URL: z.string().url().default("https://api.weixin.qq.com"),
  WECHAT_REPLY_TIMEOUT_MS: positiveInt(4000),

  WECOM_CORP_ID: optionalString,
  WECOM_AGENT_ID: optionalString,
  WECOM_SECRET: optionalString,
  WECOM_TOKEN: optionalString,
  WECOM_AES_KEY: optionalString,
  WECOM_API_URL: z.string().url().default("https://qyapi.weixin.qq.com"),

  ADMIN_TOKEN: optionalString,
  /** Named admins, `alice:token1,bob:token2`: sessions and the audit log name the person. */
  ADMIN_TOKENS: adminTokens,
  /** Lifetime of an admin console session (hours). */
  ADMIN_SESSION_HOURS: positiveInt(8),
  /** Optional comma-separated keys; when set, /api/* and the chat page need one. */
  API_KEYS: csv,
  UPLOAD_MAX_BYTES: positiveInt(20 * 1024 * 1024),
  UPLOAD_MAX_FILES: positiveInt(20),
  EVAL_GATE_FILE: z.string().default("./tests/eval/dev.jsonl"),
  SNAPSHOTS_KEEP: positiveInt(3),
  SNAPSHOT_POLL_MS: positiveInt(2000),
  STATE_URL: optionalString,
  /**
   * PostgreSQL connections per server process (STATE_URL=postgres://…). Every worker and replica
   * has its own pool, so the database sees WORKERS × replicas × this many at most.
   */
  STATE_POOL_SIZE: positiveInt(10),
  /** Retention in days; 0 keeps rows forever. Pruned at start and hourly by every server. */
  CONVERSATION_TTL_DAYS: z.coerce.number().int().min(0).default(30),
  QUESTION_LOG_DAYS: z.coerce.number().int().min(0).default(90),
  AUDIT_DAYS: z.coerce.number().int().min(0).default(365),
  ADMIN_SIGNIN_FAILURES_PER_MINUTE: positiveInt(10),
  /** Wrong API keys (POST /api/session, bearer) allowed per address and minute. */
  API_SIGNIN_FAILURES_PER_MINUTE: positiveInt(10),
  /** Questions per client (API key, else address) and minute on /api/ask and /api/ask/stream. */
  ASK_RATE_PER_MINUTE: positiveInt(30),
  /** Asks answered at once by one server process, and by one client. */
  ASK_STREAMS_MAX: positiveInt(64),
  ASK_STREAMS_PER_CLIENT: positiveInt(4),
  /** Bearer token for GET /metrics; unset: ADMIN_TOKEN when the server has secrets, open when it has none. */
  METRICS_TOKEN: optionalString,
  /** Corpus files larger than this are skipped at index time (DOCUMENT_TOO_LARGE). */
  DOCUMENT_MAX_BYTES: bytes(20 * 1024 * 1024),
  /** What a .docx may unpack to (declared and actual sizes), against zip bombs (DOCUMENT_UNSAFE). */
  DOCUMENT_MAX_UNPACKED_BYTES: bytes(64 * 1024 * 1024),
  /** Limits of the worker that parses .docx/.pdf/.html files (DOCUMENT_PARSE_LIMIT). */
  DOCUMENT_PARSE_TIMEOUT_MS: positiveInt(60_000),
  DOCUMENT_PARSE_MEMORY_MB: positiveInt(512),
  /** How long a server starting with no snapshot waits for another process's first build. */
  STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).default(900),
});

export type Config = z.infer<typeof configSchema>;

/** Parses settings from an env-like record; names the variable that is wrong. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new AppError("CONFIG_INVALID", `Invalid configuration: ${problems}.`, {
      hint: "Fix these variables in your environment or .env file (see .env.example).",
    });
  }
  checkProviderKeys(result.data);
  return result.data;
}

const providerKeys = { qwen: "QWEN_API_KEY", deepseek: "DEEPSEEK_API_KEY", zhipu: "ZHIPU_API_KEY", moonshot: "MOONSHOT_API_KEY" } as const;

/** A hosted provider without its key would fail on every question: refused at start instead. */
function checkProviderKeys(config: Config): void {
  const provider = config.LLM_PROVIDER;
  if (!(provider in providerKeys)) return;
  const name = providerKeys[provider as keyof typeof providerKeys];
  const key = config[name];
  if (!key) {
    throw new AppError("CONFIG_INVALID", `Invalid configuration: ${name} is required when LLM_PROVIDER=${provider}.`, {
      hint: `Set ${name} to the key from the provider's console, or set LLM_PROVIDER=none for extractive answers (see .env.example).`,
    });
  }
  if (provider === "zhipu" && !/^[^.\s]+\.[^.\s]+$/u.test(key)) {
    throw new AppError("CONFIG_INVALID", "Invalid configuration: ZHIPU_API_KEY must look like `id.secret` (as open.bigmodel.cn shows it).", {
      hint: "Copy the whole key from the Zhipu console, including the part after the dot.",
    });
  }
}

/**
 * The process environment, after reading `.env` from the working directory when there is one.
 * Variables already set in the environment win over the file.
 */
export function readEnvironment(file = ".env"): Record<string, string | undefined> {
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}
