import { describe, expect, it } from "vitest";
import { createWeixinApi, type FetchLike } from "../../../src/adapters/wechat/weixin-api.js";
import { isAppError } from "../../../src/core/errors.js";

/** A scripted platform behind an injected fetch: token endpoint plus one JSON call. */
function scriptedFetch(options: { tokenBody?: unknown } = {}) {
  const seen: string[] = [];
  let issued = 0;
  const fetchImpl: FetchLike = async (input) => {
    const url = new URL(String(input));
    seen.push(url.pathname + (url.searchParams.get("access_token") ? `@${url.searchParams.get("access_token")}` : ""));
    if (url.pathname === "/cgi-bin/token") {
      issued++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return Response.json(options.tokenBody ?? { access_token: `t${issued}`, expires_in: 7200 });
    }
    return Response.json({ errcode: 0, errmsg: "ok" });
  };
  return { fetchImpl, seen };
}

describe("WeChat/WeCom API client", () => {
  it("fetches one token for concurrent calls and refreshes it before it expires", async () => {
    let clock = 1_000_000;
    const { fetchImpl, seen } = scriptedFetch();
    const api = createWeixinApi({ platform: "WeChat", baseUrl: "http://platform.test", tokenPath: "/cgi-bin/token?x=1", fetch: fetchImpl, now: () => clock });
    await Promise.all([api.post("/cgi-bin/a", {}), api.post("/cgi-bin/a", {})]);
    expect(seen.filter((entry) => entry === "/cgi-bin/token")).toHaveLength(1);
    clock += (7200 - 300) * 1000; // inside the safety margin before expiry
    await api.post("/cgi-bin/a", {});
    expect(seen).toEqual(["/cgi-bin/token", "/cgi-bin/a@t1", "/cgi-bin/a@t1", "/cgi-bin/token", "/cgi-bin/a@t2"]);
  });

  it("names the settings to check when the platform refuses a token", async () => {
    const { fetchImpl } = scriptedFetch({ tokenBody: { errcode: 40164, errmsg: "invalid ip" } });
    const api = createWeixinApi({ platform: "WeCom", baseUrl: "http://platform.test", tokenPath: "/cgi-bin/token", fetch: fetchImpl });
    const error = await api.post("/cgi-bin/message/send", {}).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.message).toContain("40164 invalid ip");
    expect(isAppError(error) && error.hint).toContain("WECOM_CORP_ID");
  });
});
