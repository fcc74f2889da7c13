/**
 * Sentence splitting for Chinese report text. Splits after 。！？；!?; and at line breaks, keeps a
 * closing quote or bracket with its sentence, and never splits on "," or "." — so numbers with units
 * (105.63亿元, 97.5%, 2023年1-6月) always stay whole.
 */

export interface SentenceSpan {
  text: string;
  /** Offsets [start, end) into the text that was split. */
  start: number;
  end: number;
}

const terminators = new Set(["。", "！", "？", "；", "!", "?", ";"]);
const closers = new Set(["”", "’", "」", "』", "）", ")", "\"", "'", "》", "】"]);

export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    let from = start;
    let to = end;
    while (from < to && /\s/.test(text[from])) from++;
    while (to > from && /\s/.test(text[to - 1])) to--;
    if (to > from) spans.push({ text: text.slice(from, to), start: from, end: to });
    start = end;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "\n") {
      push(index);
      continue;
    }
    if (!terminators.has(char)) continue;
    let end = index + 1;
    // Runs such as "？！" or "。”" end one sentence together.
    while (end < text.length && (terminators.has(text[end]) || closers.has(text[end]))) end++;
    push(end);
    index = end - 1;
  }
  push(text.length);
  return spans;
}

/**
 * A sentence without its byline ("中新网嘉兴6月20日电(见习记者陈洁实习生饶雨蒙)经济开发区…" → "中新网嘉兴6月20日电
 * 经济开发区…"): who wrote a report is never what it says, and a reporter's name quoted beside a
 * who-question reads as its answer.
 */
export function withoutByline(sentence: string): string {
  return sentence.replace(/[（(][^（()）]{0,40}?(?:记者|通讯员|实习生|编辑|摄影|撰稿)[^（()）]{0,40}?[）)]/gu, "").trim();
}
