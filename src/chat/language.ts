import type { Language } from "../core/types.js";

/**
 * Language of a chat message, for choosing the language of notices. English questions often
 * carry a Chinese place name ("what does 长治 offer?"), so Han characters must outnumber the
 * Latin words, not merely appear.
 */
export function detectMessageLanguage(text: string): Language {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latinWords = (text.match(/[A-Za-z]{2,}/g) ?? []).length;
  if (han === 0) return "en";
  return han >= latinWords ? "zh" : "en";
}
