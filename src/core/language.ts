import type { Language } from "./types.js";

/**
 * The language a message is written in, for answering in kind. English questions often carry a
 * Chinese place name ("what does 长治 offer?"), so Han characters must outnumber the Latin words,
 * not merely appear. Text with neither (digits, emoji) counts as Chinese, the corpus language.
 */
export function detectLanguage(text: string): Language {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latinWords = (text.match(/[A-Za-z]{2,}/g) ?? []).length;
  if (han === 0 && latinWords > 0) return "en";
  return han >= latinWords ? "zh" : "en";
}

/** For building a RegExp from literal text (place names, list items). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
