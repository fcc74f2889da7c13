import type { ChatPlatform } from "./common.js";

/** De-duplication of platform deliveries (Slack retries, WeChat re-pushes, a second replica). */

export interface DeliveryClaims {
  /**
   * True the first time a (platform, messageId) pair is claimed, false for every later claim —
   * atomically, so two concurrent retries cannot both answer.
   */
  claimDelivery(platform: ChatPlatform, messageId: string): Promise<boolean>;
}

/** Deliveries are remembered this long; platforms retry within minutes, so a day is ample. */
export const DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;
