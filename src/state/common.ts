/** What every part of the state store shares. */

export type ChatPlatform = "slack" | "wechat" | "wecom" | "feishu" | "dingtalk" | "http" | "cli" | (string & {});

/** Milliseconds in a day, for the *_DAYS retention settings. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Case-insensitive substring, the same in every store (SQL LIKE with its wildcards escaped). */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
