import { createHmac } from "node:crypto";

/**
 * The `x-slack-signature` Slack sends (v0: HMAC-SHA256 of `v0:${timestamp}:${rawBody}` with the
 * signing secret), for tests and benches that post requests the way Slack does. The server checks
 * them with Bolt's own verification (src/adapters/slack/slack-receiver.ts).
 */
export function signSlackRequest(signingSecret: string, timestamp: string | number, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}
