/**
 * Cleaning of PDF/newspaper extractions with an offset map back to the raw text, so a citation can
 * always quote the original. Text is handled as paragraphs (non-empty lines); noise paragraphs
 * (page numbers, photo captions and credits, editor credits) are dropped, a paragraph that stops
 * mid-sentence continues in the next text paragraph, and spaces inside Chinese are removed.
 */

import { isNumberedHeading, markerAt } from "./policy-structure.js";

export interface CleanText {
  text: string;
  /** For every character of `text`, its offset in the raw input. */
  offsets: number[];
}

export interface Paragraph {
  /** Offsets [start, end) of the trimmed line in the raw text. */
  start: number;
  end: number;
  text: string;
  /** Blank lines between this paragraph and the previous one (a large gap often separates items). */
  gapBefore: number;
}

export function scanParagraphs(raw: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let lineStart = 0;
  let blank = 0;
  while (lineStart <= raw.length) {
    let lineEnd = raw.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = raw.length;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && /\s/.test(raw[start])) start++;
    while (end > start && /\s/.test(raw[end - 1])) end--;
    if (end > start) {
      paragraphs.push({ start, end, text: raw.slice(start, end), gapBefore: paragraphs.length === 0 ? 0 : blank });
      blank = 0;
    } else if (paragraphs.length > 0) blank++;
    lineStart = lineEnd + 1;
  }
  return paragraphs;
}

const closers = /[”’」』）)"'》】\s]+$/;
const finalPunctuation = /[。！？!?；;…：:]$/;

/** Whether a paragraph ends a sentence (otherwise the sentence goes on in the next text paragraph). */
export function endsSentence(text: string): boolean {
  const stripped = text.replace(closers, "");
  if (stripped.length < text.trimEnd().length && /[。！？!?…]$/.test(stripped)) return true;
  return finalPunctuation.test(text.trimEnd());
}

export function isPageNumber(text: string): boolean {
  return /^(\d{1,3}|第\s*\d+\s*版|[-—]\s*\d{1,3}\s*[-—]|[A-Z]\d{1,2})$/.test(text.trim());
}

const creditWords = /(总策划|策\s*划|主\s*编|责任编辑|责\s*编|编\s*辑|校\s*对|美\s*编|审\s*核|终\s*审|监\s*制|统\s*筹|版\s*式|组\s*版)/;

/** Editor credit lines such as "总策划 张思成 刘云 编辑 吴昌勇 王拥". */
export function isEditorCredit(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length <= 80 && new RegExp(`^${creditWords.source}`).test(trimmed) && !/[。！？，,]/.test(trimmed);
}

/** Photo credit lines: "陈敏/摄", "昌吉高新区供图", "图片来源:抚州高新区", "摄影：张三". */
export function isPhotoCredit(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length > 40 || /[。！？]/.test(trimmed)) return false;
  return /[/／]\s*摄$|^[\u4e00-\u9fff·\s]{2,12}摄$|供图$|^图片来源|^(摄影|图|图片)\s*[:：]|摄影[:：]/.test(trimmed);
}

/** Captions that say they are captions. */
export function isCaptionText(text: string): boolean {
  return /^(图为|上图|下图|左图|右图|图[一二三四1-4][:：])/.test(text.trim()) && text.trim().length <= 100;
}

// Common surnames: a line of two to four character names starting with one of these is a byline.
const surnames = new Set(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    .split(""),
);

function isNameToken(token: string): boolean {
  return /^[\u4e00-\u9fff]{2,4}$/.test(token) && surnames.has(token[0]);
}

/** Whether the text is only person names ("肖兵 邓松", "尹恒吉"). */
function isNameList(text: string): boolean {
  const tokens = text.trim().split(/[\s、,，]+/).filter((token) => token.length > 0);
  return tokens.length >= 1 && tokens.length <= 6 && tokens.every(isNameToken) && text.trim().length <= 30;
}

/** Bylines: "► 邓小山 王慧 本报特约通讯员 刘安", "记者 艾蓓 通讯员 王亮 江帆", or a bare name line. */
export function isByline(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length > 60 || /[。！？：:]/.test(trimmed)) return false;
  if (/^[►▶■●◆▲]/.test(trimmed)) return true;
  if (/^(本报|本刊)?(特约|首席|见习)?(记者|通讯员)\s*[\u4e00-\u9fff]/.test(trimmed) && !/[，,]/.test(trimmed)) return true;
  if (/^(文|文\/图|图\/文)\s*[/／:：]/.test(trimmed)) return true;
  return isNameList(trimmed);
}

/**
 * End of a paragraph without a trailing byline: "…向“新”力。徐珊 李茹" and "…新战场。(张鹏)" end at the
 * full stop. Returns the new end offset and the byline, if any.
 */
export function stripTrailingByline(paragraph: Paragraph): { end: number; byline?: string } {
  const text = paragraph.text;
  const parenthesised = /([。！？”])\s*[(（]([\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})*)[)）]$/.exec(text);
  if (parenthesised && isNameList(parenthesised[2])) {
    return { end: paragraph.start + parenthesised.index + 1, byline: parenthesised[2] };
  }
  const spaced = /([。！？”])\s*([\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})+)$/.exec(text);
  if (spaced && isNameList(spaced[2])) {
    return { end: paragraph.start + spaced.index + 1, byline: spaced[2].replace(/\s+/g, " ") };
  }
  return { end: paragraph.end };
}

export interface TextPiece {
  start: number;
  end: number;
  /** Headings stand on their own line and never run into the next paragraph. */
  standalone?: boolean;
}

const isCjk = (char: string | undefined) =>
  char !== undefined && /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2014\u2018-\u201d\u2026]/.test(char);
const isWordChar = (char: string | undefined) => char !== undefined && /[A-Za-z0-9]/.test(char);

/** Full-width digits, letters and ％ to ASCII; Chinese punctuation is kept. */
function normaliseChar(char: string): string {
  const code = char.charCodeAt(0);
  if ((code >= 0xff10 && code <= 0xff19) || (code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a) || code === 0xff05) {
    return String.fromCharCode(code - 0xfee0);
  }
  return char;
}

/**
 * Joins paragraphs into one cleaned text with offsets. A paragraph that does not end a sentence
 * continues directly in the next one ("新\n\n能源" → "新能源"); others are separated by "\n".
 */
export function joinPieces(raw: string, pieces: TextPiece[]): CleanText {
  const chars: string[] = [];
  const offsets: number[] = [];
  let previous: TextPiece | undefined;
  let previousText = "";
  for (const piece of pieces) {
    if (piece.end <= piece.start) continue;
    if (previous) {
      // A line after an unfinished sentence is its rest, even when it is short enough to pass for a heading.
      // A line opening with a numbering marker ("12.鼓励…", "（三）…") starts a new item, even after a heading
      // that did not look like one ("…人才培育" + "12.鼓励…" must not become "培育12.鼓励").
      const continues = !previous.standalone && !endsSentence(previousText) && !markerAt(raw.slice(piece.start, piece.start + 12));
      if (!continues) {
        chars.push("\n");
        offsets.push(Math.min(previous.end, raw.length - 1));
      } else if (isWordChar(chars[chars.length - 1]) && isWordChar(raw[piece.start])) {
        chars.push(" ");
        offsets.push(Math.min(previous.end, raw.length - 1));
      }
    }
    let index = piece.start;
    while (index < piece.end) {
      const char = raw[index];
      if (/[ \t\r\u3000\u00a0]/.test(char)) {
        let next = index;
        while (next < piece.end && /[ \t\r\u3000\u00a0]/.test(raw[next])) next++;
        const before = chars[chars.length - 1];
        const after = raw[next];
        // "第 1 0 条" is 第10条: spaces between the digits of an ordinal are extraction noise too.
        if (isOrdinalGap(chars, raw, next, piece.end)) {
          index = next;
          continue;
        }
        // Spaces inside Chinese are extraction noise; spaces between Latin words are kept.
        if (before !== undefined && before !== "\n" && after !== undefined && !isCjk(before) && !isCjk(after) && next < piece.end) {
          chars.push(" ");
          offsets.push(index);
        }
        index = next;
        continue;
      }
      // "高新区(qū)", "發(fā)展": a reading aid some sites print after a character, not text.
      const reading = char === "(" || char === "（" ? pinyinReading.exec(raw.slice(index, index + 10)) : null;
      if (reading && isCjk(chars[chars.length - 1] ?? "")) {
        index += reading[0].length;
        continue;
      }
      chars.push(normaliseChar(char));
      offsets.push(index);
      index++;
    }
    previous = piece;
    previousText = raw.slice(piece.start, piece.end);
  }
  return { text: chars.join(""), offsets };
}

/** One pinyin syllable with its tone mark in brackets: "(qū)", "（fā）". */
const pinyinReading = /^[(（][a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,5}[)）]/u;

/** Whether the spaces before `next` sit between digits of "第…条/款/章/节/项". */
function isOrdinalGap(chars: string[], raw: string, next: number, end: number): boolean {
  if (!/\d/.test(chars[chars.length - 1] ?? "") || !/\d/.test(raw[next] ?? "")) return false;
  let back = chars.length - 1;
  while (back >= 0 && /\d/.test(chars[back]!)) back--;
  if (chars[back] !== "第") return false;
  let ahead = next;
  while (ahead < end && /[\d \t\u3000\u00a0]/.test(raw[ahead]!)) ahead++;
  return /[条款章节项]/.test(raw[ahead] ?? "");
}

/** Short line without sentence punctuation: a title, a section heading, or a caption. */
export function isShortLine(text: string): boolean {
  return text.trim().length <= 50 && !endsSentence(text) && !/^(本报讯|本刊讯)/.test(text.trim());
}

/**
 * Cleans a whole raw text: drops page numbers, editor credits, bylines, photo credits and the
 * captions they belong to, repeated fragments, and trailing bylines; keeps short lines (titles,
 * headings) as their own lines; markdown heading markers are removed.
 */
export function cleanText(raw: string): CleanText {
  const paragraphs = scanParagraphs(raw);
  const pieces: TextPiece[] = [];
  let lastBody = "";
  paragraphs.forEach((paragraph, index) => {
    const text = paragraph.text;
    const next = paragraphs[index + 1];
    if (isPageNumber(text) || isEditorCredit(text) || isPhotoCredit(text) || isByline(text) || isCaptionText(text)) return;
    if (next && isPhotoCredit(next.text) && !/^图片来源/.test(next.text) && text.length <= 120) return;
    if (text.length <= 30 && lastBody.endsWith(text) && endsSentence(text)) return;
    const heading = /^#{1,6}\s+/.exec(text);
    if (heading) {
      pieces.push({ start: paragraph.start + heading[0].length, end: paragraph.end, standalone: true });
      return;
    }
    const { end } = stripTrailingByline(paragraph);
    pieces.push({ start: paragraph.start, end, standalone: looksLikeHeading(text) });
    lastBody = text;
  });
  return joinPieces(raw, pieces);
}

/**
 * Whether a short line is a heading rather than the first half of a sentence broken across lines
 * ("2018年，原本在江西宜春深耕新材料新" / "能源产业…"). Headings are terse phrases: no ASCII commas,
 * no book-title marks and none of the function words a running sentence needs.
 */
export function looksLikeHeading(text: string): boolean {
  const trimmed = text.trim();
  // A numbered line is a heading only when it is short and has no clause ("1.重点产业新上项目…固定"
  // is the first line of an item wrapped by a PDF).
  if (markerAt(trimmed)) return isNumberedHeading(trimmed);
  return (
    trimmed.length <= 40 &&
    !(trimmed.length > 30 && /，/.test(trimmed)) &&
    isShortLine(trimmed) &&
    !/[,《》、，]$/.test(trimmed) &&
    !/[,《》]/.test(trimmed) &&
    !/[的在了是将把被从对于]/.test(trimmed)
  );
}
