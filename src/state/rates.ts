import type { RateDecision, RateRule } from "../chat/rate-limit.js";

/** Rate-limit windows (asks, chat messages, failed sign-ins), shared by every process using the store. */
export interface RateWindows {
  /** One sliding window per key, shared by every process using this store. */
  takeRate(key: string, rule: RateRule): Promise<RateDecision>;
}
