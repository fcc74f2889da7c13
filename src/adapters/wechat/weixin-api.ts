import { z } from "zod";
import { AppError } from "../../core/errors.js";

/**
 * The outbound HTTP API that WeChat Official Accounts and WeCom share in shape: an access token
 * from a token endpoint (valid ~7200 s, rate-limited, so cached and fetched by one caller at a
 * time), JSON calls with `?access_token=`, and `{ errcode, errmsg }` results. Expired or revoked
 * tokens (40001, 40014, 42001) are refreshed once and the call retried.
 */

export type FetchLike = typeof fetch;

const tokenResponse = z.object({
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.coerce.number().optional(),
});

const callResponse = z.object({ errcode: z.number().default(0), errmsg: z.string().optional() }).passthrough();

const tokenErrors = new Set([40001, 40014, 42001]);

/** Refresh this long before the platform says the token expires, so calls in flight never carry a dead token. */
const expiryMarginMs = 5 * 60 * 1000;

export interface WeixinApiOptions {
  /** e.g. https://api.weixin.qq.com or https://qyapi.weixin.qq.com */
  baseUrl: string;
  /** Path and query of the token endpoint, e.g. `/cgi-bin/token?grant_type=client_credential&appid=…&secret=…`. */
  tokenPath: string;
  /** Names the platform in errors and logs. */
  platform: "WeChat" | "WeCom";
  fetch?: FetchLike;
  now?: () => number;
}

export interface WeixinApi {
  /** POSTs JSON to `path` with a cached access token; throws an AppError when the platform refuses. */
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** The current token (fetching one when needed). */
  accessToken(): Promise<string>;
}

/** A hung platform call must not stall every reply behind the shared token refresh. */
const requestTimeoutMs = 10_000;

export function createWeixinApi(options: WeixinApiOptions): WeixinApi {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | undefined;
  let refreshing: Promise<string> | undefined;

  const url = (path: string) => new URL(path, options.baseUrl.endsWith("/") ? options.baseUrl : options.baseUrl + "/");

  async function fetchToken(): Promise<string> {
    const response = await fetchImpl(url(options.tokenPath.replace(/^\//, "")), { method: "GET", signal: AbortSignal.timeout(requestTimeoutMs) });
    const parsed = tokenResponse.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success || !parsed.data.access_token || (parsed.data.errcode ?? 0) !== 0) {
      const detail = parsed.success ? `${parsed.data.errcode ?? response.status} ${parsed.data.errmsg ?? ""}`.trim() : `HTTP ${response.status}`;
      throw new AppError("UNAUTHORIZED", `${options.platform} refused to issue an access token (${detail}).`, {
        hint: `Check the ${options.platform === "WeChat" ? "WECHAT_APP_ID / WECHAT_APP_SECRET" : "WECOM_CORP_ID / WECOM_SECRET"} settings and the IP allow-list in the console.`,
      });
    }
    const lifetimeMs = (parsed.data.expires_in ?? 7200) * 1000;
    cached = { token: parsed.data.access_token, expiresAt: now() + Math.max(lifetimeMs - expiryMarginMs, lifetimeMs / 2) };
    return cached.token;
  }

  async function accessToken(): Promise<string> {
    if (cached && now() < cached.expiresAt) return cached.token;
    refreshing ??= fetchToken().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  async function callOnce(path: string, token: string, body: unknown) {
    const target = url(path.replace(/^\//, ""));
    target.searchParams.set("access_token", token);
    const response = await fetchImpl(target, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const parsed = callResponse.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success) {
      throw new AppError("REQUEST_INVALID", `${options.platform} API ${path.split("?")[0]} answered HTTP ${response.status}.`);
    }
    return parsed.data;
  }

  return {
    accessToken,
    async post(path, body) {
      const token = await accessToken();
      let result = await callOnce(path, token, body);
      if (tokenErrors.has(result.errcode)) {
        if (cached?.token === token) cached = undefined;
        result = await callOnce(path, await accessToken(), body);
      }
      if (result.errcode !== 0) {
        throw new AppError("REQUEST_INVALID", `${options.platform} API ${path.split("?")[0]} refused the call (${result.errcode} ${result.errmsg ?? ""}).`.replace(" )", ")"), {
          details: { errcode: result.errcode },
        });
      }
      return result;
    },
  };
}
