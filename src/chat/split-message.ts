/**
 * Splitting answers into platform-sized messages. Chat platforms cap message size (Slack 3000
 * characters per section block, WeChat 2048 bytes per text), and a cut in the middle of
 * "105.63亿元" would change a figure an investor relies on, so cuts prefer paragraph, then line,
 * then sentence, then clause boundaries, and never fall inside a number with its unit.
 */

/** Size of a text in the unit a platform limits: characters (default) or UTF-8 bytes. */
export type Measure = (text: string) => number;

export const measureChars: Measure = (text) => [...text].length;
export const measureUtf8Bytes: Measure = (text) => Buffer.byteLength(text, "utf8");

// A figure with its unit: 105.63亿元, 6,836万美元, 97.5%, 3.2 billion yuan is two tokens but "3.2" stays whole.
const numberWithUnit =
  /[-+]?\d[\d,.]*\d?(?:\s?(?:%|‰|％)|[万亿千百十]*(?:美元|欧元|港元|日元|元|吨|平方公里|平方米|公里|公顷|亩|项|家|个|倍|人次|人|户|台|辆|套|座|余|多)?)/gu;

/** Boundary kinds, best first. A boundary at index i means "cut before text[i]". */
const boundaryPatterns: RegExp[] = [
  /\n\s*\n/g, // paragraph
  /\n/g, // line
  /[。！？!?；;]+[”」』）)]?|\.(?=\s)|…+/g, // sentence end
  /[，,、：:]|\s+/g, // clause or word
];

/**
 * Splits `text` into pieces each at most `limit` (by `measure`), keeping numbers intact and
 * preferring natural boundaries. Pieces are trimmed; joining them with a space or newline
 * loses only whitespace.
 */
export function splitMessage(text: string, limit: number, measure: Measure = measureChars): string[] {
  if (!Number.isFinite(limit) || limit < 1) throw new RangeError(`splitMessage limit must be >= 1, got ${limit}`);
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    if (measure(rest) <= limit) {
      pieces.push(rest);
      break;
    }
    const cut = chooseCut(rest, limit, measure);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece.length > 0) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  return pieces;
}

function chooseCut(text: string, limit: number, measure: Measure): number {
  const maxEnd = longestFittingPrefix(text, limit, measure);
  const unsafe = unsafeCuts(text, maxEnd);
  // Prefer a good boundary unless it would leave a tiny piece; then accept a weaker one.
  const minUseful = Math.floor(maxEnd * 0.3);
  for (const pattern of boundaryPatterns) {
    let best = -1;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const end = match.index + match[0].length;
      if (end > maxEnd) break;
      if (end > 0 && !unsafe.has(end)) best = end;
      if (match[0].length === 0) pattern.lastIndex++;
    }
    if (best >= minUseful && best > 0) return best;
  }
  for (let end = maxEnd; end > 0; end--) if (!unsafe.has(end)) return end;
  // A single unbreakable run longer than the limit (a huge number): cut it rather than loop forever.
  return Math.max(1, maxEnd);
}

/** Largest index e (on a code-point boundary) with measure(text.slice(0, e)) <= limit. */
function longestFittingPrefix(text: string, limit: number, measure: Measure): number {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(text.slice(0, middle)) <= limit) low = middle;
    else high = middle - 1;
  }
  if (low > 0 && low < text.length && isLowSurrogate(text.charCodeAt(low))) low--;
  return low;
}

function unsafeCuts(text: string, upTo: number): Set<number> {
  const unsafe = new Set<number>();
  numberWithUnit.lastIndex = 0;
  for (let match = numberWithUnit.exec(text); match !== null; match = numberWithUnit.exec(text)) {
    if (match.index > upTo) break;
    for (let inside = match.index + 1; inside < match.index + match[0].length; inside++) unsafe.add(inside);
    if (match[0].length === 0) numberWithUnit.lastIndex++;
  }
  for (let index = 1; index <= upTo && index < text.length; index++) {
    if (isLowSurrogate(text.charCodeAt(index))) unsafe.add(index);
  }
  return unsafe;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Shortens text to fit `limit`, ending with "…" when cut. */
export function truncateToFit(text: string, limit: number, measure: Measure = measureChars): string {
  if (measure(text) <= limit) return text;
  const ellipsis = "…";
  const room = limit - measure(ellipsis);
  if (room <= 0) return "";
  return text.slice(0, longestFittingPrefix(text, room, measure)).trimEnd() + ellipsis;
}
