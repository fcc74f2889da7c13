/**
 * The numbered structure of Chinese policy texts: 第X章, 一、, （一）, 1., （1）, ①, 第X条, 第X款 and
 * unnumbered headings. Levels are not fixed by the marker's kind (one document nests 第X条 under
 * 一、, another 一、 under 第X条): a kind seen before closes back to that level, a new kind opens a
 * level below the current one. Each item (a numbered paragraph with its text) becomes a unit for
 * chunking and citing, with its heading path as context; a heading alone is never a unit.
 */

type MarkerKind = "chapter" | "section" | "cn" | "cn-paren" | "digit" | "digit-paren" | "circled" | "article" | "clause";

export interface Marker {
  kind: MarkerKind;
  /** The marker as written, e.g. "（一）", "12.", "第十条". */
  text: string;
  /** Its number (一 → 1, 十二 → 12). */
  number: number;
}

const cnDigits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; Arabic digits pass through. */
export function chineseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let current = 0;
  for (const char of text) {
    if (char === "百") {
      total += (current || 1) * 100;
      current = 0;
    } else if (char === "十") {
      total += (current || 1) * 10;
      current = 0;
    } else current = cnDigits[char] ?? 0;
  }
  return total + current;
}

const cnNumeral = "[一二三四五六七八九十百零〇两]{1,4}";
const markerPatterns: Array<{ kind: MarkerKind; pattern: RegExp }> = [
  { kind: "chapter", pattern: new RegExp(`^第(${cnNumeral}|\\d{1,3})章`) },
  { kind: "section", pattern: new RegExp(`^第(${cnNumeral}|\\d{1,3})节`) },
  { kind: "article", pattern: new RegExp(`^第(${cnNumeral}|\\d{1,3})条`) },
  { kind: "clause", pattern: new RegExp(`^第(${cnNumeral}|\\d{1,3})款`) },
  { kind: "cn", pattern: new RegExp(`^(${cnNumeral})[、．.](?![\\d])`) },
  { kind: "cn-paren", pattern: new RegExp(`^[（(](${cnNumeral})[）)]`) },
  // "1." but not "1.5亿元"; "1、" too.
  { kind: "digit", pattern: /^(\d{1,2})(?:[.．](?!\d)|、)/ },
  { kind: "digit-paren", pattern: /^[（(](\d{1,2})[）)]/ },
  { kind: "circled", pattern: /^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])/ },
];

/** The numbering marker a line starts with, if any. */
export function markerAt(line: string): Marker | undefined {
  const text = line.trimStart();
  for (const { kind, pattern } of markerPatterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const number = kind === "circled" ? "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".indexOf(match[1]) + 1 : chineseNumber(match[1]);
    if (number <= 0) continue;
    return { kind, text: match[0], number };
  }
  return undefined;
}

/** Words a running sentence opens with; a heading does not ("1.对新引进的项目…" is an item). */
const sentenceOpeners = /^(本|对|凡|在|按|经|根据|为|由|符合|以|自|从|将|把|给予|每)/;

/**
 * A numbered heading line: a marker and a short phrase without sentence punctuation
 * ("三、扩大分布式光伏发电应用规模", "5.花卉基地建设", "（二）加大对人才的支持力度").
 */
export function isNumberedHeading(line: string): boolean {
  const text = line.trim();
  const marker = markerAt(text);
  if (!marker) return false;
  const rest = text.slice(marker.text.length).trim();
  if (rest.length === 0) return true;
  return rest.length <= 24 && !/[，,；;。！？!?：:]/.test(rest) && !sentenceOpeners.test(rest);
}

/**
 * A sentence that is only a label: a numbered heading, or a marker with a short title closed by a
 * full stop ("第一条 固定资产投资奖励。", "（三）支持上市。"). Such text names an item; it never answers.
 */
export function isHeadingSentence(sentence: string): boolean {
  const text = sentence.trim().replace(/[。；;：:]$/, "");
  if (isNumberedHeading(text)) return true;
  const marker = markerAt(text);
  if (!marker) return false;
  const rest = text.slice(marker.text.length).trim();
  return rest.length <= 16 && !/[，,；;。！？!?]/.test(rest) && !/\d/.test(rest);
}

export interface StructureUnit {
  /** Offsets [start, end) into the text that was parsed. */
  start: number;
  end: number;
  /** Headings above the unit, outermost first ("二、支持范围", "（一）固定资产投资支持", "1."). */
  path: string[];
}

export interface PolicyStructure {
  /** Numbered lines found; a text with fewer than three is not treated as numbered. */
  markers: number;
  units: StructureUnit[];
}

/** Conventional nesting: 第X章 › 第X节 › 第X条 › 第X款 › 一、 › （一） › 1. › （1） › ①. */
const rank: Record<MarkerKind, number> = { chapter: 0, section: 1, article: 2, clause: 3, cn: 4, "cn-paren": 5, digit: 6, "digit-paren": 7, circled: 8 };

interface Level {
  kind: MarkerKind | "plain";
  label: string;
}

/** A node's label in paths: a heading line whole; an item by its marker and short title if it has one. */
function labelOf(line: string, marker: Marker | undefined, heading: boolean): string {
  const text = line.trim();
  if (heading || !marker) return text.replace(/[。：:]$/, "");
  const after = text.slice(marker.text.length).trimStart();
  const first = /^[^。；;：:，,]*/.exec(after)?.[0] ?? "";
  const closesTitle = /^[。；;：:]/.test(after.slice(first.length));
  return first.length > 0 && first.length <= 16 && closesTitle && !sentenceOpeners.test(first) ? `${marker.text}${marker.text.endsWith("条") || marker.text.endsWith("款") ? " " : ""}${first}` : marker.text;
}

/** Short unnumbered lines standing between numbered items ("附则", "保障措施"). */
function isPlainHeading(line: string): boolean {
  const text = line.trim();
  return text.length >= 2 && text.length <= 16 && !/[，,；;。！？!?：:、“”"《》()（）]/.test(text) && !/\d/.test(text);
}

/** Parses lines of cleaned text into units with heading paths. */
export function parsePolicyStructure(text: string): PolicyStructure {
  const lines: Array<{ start: number; end: number; text: string }> = [];
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf("\n", from);
    if (to === -1) to = text.length;
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) lines.push({ start: from + lead, end: from + lead + trimmed.length, text: trimmed });
    from = to + 1;
  }
  const stack: Level[] = [];
  const units: StructureUnit[] = [];
  let open: StructureUnit | undefined;
  let markers = 0;
  const close = () => {
    if (open) units.push(open);
    open = undefined;
  };
  // Levels follow the order in which kinds first appear (柳河's 意见 nests 第X条 under 一、 and （一）;
  // an 办法 puts 一、 under 第X条); the conventional order only breaks ties.
  // A heading line's next numbered line is its child, whatever came first ("二、支持范围" › "(一)…" › "第2条").
  const order: MarkerKind[] = [];
  const childOf: Array<[MarkerKind, MarkerKind]> = [];
  let lastHeading: MarkerKind | undefined;
  for (const line of lines) {
    const kind = markerAt(line.text)?.kind;
    if (!kind) continue;
    if (!order.includes(kind)) order.push(kind);
    if (lastHeading && lastHeading !== kind) childOf.push([lastHeading, kind]);
    lastHeading = isNumberedHeading(line.text) || isHeadingSentence(line.text) ? kind : undefined;
  }
  const depth = new Map(order.map((kind, index) => [kind, index]));
  for (let pass = 0; pass < order.length; pass++) {
    for (const [parent, child] of childOf) depth.set(child, Math.max(depth.get(child)!, depth.get(parent)! + 1));
  }
  const levelOf = (kind: MarkerKind) => depth.get(kind)! * 10 + rank[kind];
  const place = (kind: MarkerKind, label: string) => {
    // A top-level marker also closes an unnumbered heading before it.
    if (order[0] === kind) stack.length = 0;
    while (stack.length > 0 && stack[stack.length - 1]!.kind !== "plain" && levelOf(stack[stack.length - 1]!.kind as MarkerKind) >= levelOf(kind)) stack.pop();
    stack.push({ kind, label });
  };
  lines.forEach((line, index) => {
    const marker = markerAt(line.text);
    if (marker) {
      markers++;
      close();
      // "三、…" or "（一）固定资产投资支持。" alone on its line heads what follows.
      const heading = (isNumberedHeading(line.text) || isHeadingSentence(line.text)) && index + 1 < lines.length;
      place(marker.kind, labelOf(line.text, marker, heading));
      if (heading) return;
      open = { start: line.start, end: line.end, path: stack.map((level) => level.label) };
      return;
    }
    const next = lines[index + 1];
    if (markers > 0 && isPlainHeading(line.text) && next && markerAt(next.text)) {
      close();
      stack.length = 0;
      stack.push({ kind: "plain", label: line.text });
      return;
    }
    if (open) open.end = line.end;
    else open = { start: line.start, end: line.end, path: stack.map((level) => level.label) };
  });
  close();
  return { markers, units };
}

/** Whether a text is numbered enough to chunk by its items. */
export function isNumberedText(structure: PolicyStructure): boolean {
  return structure.markers >= 3;
}
