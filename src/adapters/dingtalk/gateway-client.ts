import { DWClient } from "dingtalk-stream";

/**
 * DWClient asks a fixed gateway URL for its WebSocket endpoint; this one asks DINGTALK_GATEWAY_URL
 * (the same request), so a proxy or a local test gateway can stand in for api.dingtalk.com.
 */
export class GatewayClient extends DWClient {
  constructor(
    private readonly gatewayUrl: string,
    credentials: { clientId: string; clientSecret: string },
  ) {
    super({ ...credentials, keepAlive: true });
  }

  override async getEndpoint(): Promise<this> {
    const config = this.getConfig();
    const response = await fetch(this.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ clientId: config.clientId, clientSecret: config.clientSecret, ua: config.ua, subscriptions: config.subscriptions }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as { endpoint?: string; ticket?: string };
    if (!response.ok || !body.endpoint || !body.ticket) throw new Error(`DingTalk gateway refused the connection (HTTP ${response.status})`);
    (this as unknown as { dw_url: string }).dw_url = `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
    return this;
  }
}
