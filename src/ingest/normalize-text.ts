/**
 * Standard code points for extracted text, with a map back to the input. PDFs printed from a
 * browser with CJK fonts carry Kangxi radicals ("⾼新区" with U+2FBC for 高), Word and PDF files
 * carry CJK compatibility ideographs and full-width digits, numbering glyphs such as "㈠" or "⑴":
 * zone detection, dates and search all need the ordinary characters.
 *
 * Only the ranges below get NFKC. Full NFKC would also turn Chinese punctuation（，：；！？）into
 * ASCII and "…" into "...", which changes how sentences and numbered items are read.
 */

export interface NormalizedText {
  text: string;
  /** For every UTF-16 unit of `text`, the offset of the input unit it came from (empty when `changed` is 0). */
  offsets: number[];
  /** How many characters were replaced (0: `text` equals the input). */
  changed: number;
}

/**
 * NFKC leaves the CJK Radicals Supplement (⻅ U+2EC5, ⻓, ⻔, ⺠ …) alone, and maps a few Kangxi radicals
 * to the traditional form (⼾ → 戶) where a simplified-Chinese font's glyph means the simplified one:
 * these get the ideograph they stand for in simplified text (Unicode EquivalentUnifiedIdeograph).
 */
const radicalIdeographs: Record<string, string> = { "⺁": "厂", "⺅": "亻", "⺆": "冂", "⺇": "几", "⺉": "刂", "⺊": "卜", "⺋": "㔾", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尢", "⺐": "尢", "⺒": "巳", "⺓": "幺", "⺔": "彐", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "旡", "⺜": "日", "⺝": "月", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "氺", "⺣": "灬", "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "罒", "⺬": "示", "⺭": "礻", "⺮": "竹", "⺯": "糸", "⺰": "纟", "⺱": "罒", "⺶": "羊", "⺷": "羊", "⺹": "耂", "⺺": "肀", "⺻": "聿", "⺼": "月", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻟": "飠", "⻠": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "斉", "⻬": "齐", "⻭": "歯", "⻮": "齿", "⻯": "竜", "⻰": "龙", "⻱": "龜", "⻲": "亀", "⻳": "龟", "⼾": "户", "⿈": "黄", "⾭": "青" };

function needsNfkc(codePoint: number): boolean {
  return (
    (codePoint >= 0x2e80 && codePoint <= 0x2fdf) || // CJK radicals supplement, Kangxi radicals
    (codePoint >= 0xf900 && codePoint <= 0xfaff) || // CJK compatibility ideographs
    (codePoint >= 0x2f800 && codePoint <= 0x2fa1f) || // CJK compatibility ideographs supplement
    (codePoint >= 0xff10 && codePoint <= 0xff19) || // full-width digits
    (codePoint >= 0xff21 && codePoint <= 0xff3a) || // full-width Latin letters
    (codePoint >= 0xff41 && codePoint <= 0xff5a) ||
    codePoint === 0xff05 || // ％
    codePoint === 0xff0e || // ． after a digit in "1．" numbering
    (codePoint >= 0x2474 && codePoint <= 0x249b) || // ⑴ … ⒇, ⒈ … ⒛ (numbering glyphs)
    (codePoint >= 0x3220 && codePoint <= 0x3229) // ㈠ … ㈩
  );
}

const candidates = /[\u2474-\u249b\u2e80-\u2fdf\u3220-\u3229\uf900-\ufaff\uff05\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]|\ud87e[\udc00-\ude1f]/g;

/**
 * Normalises the ranges above; every output unit maps to the input unit its character started at.
 * Text with nothing to change (most files) comes back as is, with `changed: 0` and no offset table.
 */
export function normalizeText(input: string): NormalizedText {
  candidates.lastIndex = 0;
  if (!candidates.test(input)) return { text: input, offsets: [], changed: 0 };
  const parts: string[] = [];
  const offsets: number[] = [];
  let changed = 0;
  let copied = 0;
  candidates.lastIndex = 0;
  for (const match of input.matchAll(candidates)) {
    const index = match.index ?? 0;
    const original = match[0];
    const replacement = radicalIdeographs[original] ?? (needsNfkc(original.codePointAt(0)!) ? original.normalize("NFKC") : original);
    if (replacement === original) continue;
    parts.push(input.slice(copied, index));
    for (let unit = copied; unit < index; unit++) offsets.push(unit);
    parts.push(replacement);
    for (let unit = 0; unit < replacement.length; unit++) offsets.push(index);
    copied = index + original.length;
    changed++;
  }
  parts.push(input.slice(copied));
  for (let unit = copied; unit < input.length; unit++) offsets.push(unit);
  return { text: parts.join(""), offsets, changed };
}

/** Offset in the input of a [start, end) range of the normalised text. */
export function mapRange(normalized: NormalizedText, input: string, start: number, end: number): { start: number; end: number } {
  if (normalized.changed === 0) return { start, end };
  const from = normalized.offsets[start] ?? input.length;
  const lastUnit = normalized.offsets[end - 1];
  if (lastUnit === undefined) return { start: from, end: input.length };
  const lastWidth = (input.codePointAt(lastUnit) ?? 0) > 0xffff ? 2 : 1;
  return { start: from, end: lastUnit + lastWidth };
}
