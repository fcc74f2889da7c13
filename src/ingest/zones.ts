import { NameMatcher } from "./name-matcher.js";
import { findPlace, placeEntries } from "./places-data.js";

/**
 * Zone detection by general patterns ("X高新区", "X经济技术开发区", "X…示范区", …) plus city and
 * county names from the bundled place list. Works on cleaned text (no spaces inside words).
 */

export interface ZoneMention {
  /** Canonical name, e.g. 长治高新区 (长治高新技术产业开发区 and 长治高新区 are one zone). */
  name: string;
  /** The place the zone belongs to, e.g. 长治. */
  place: string;
  /** 高新区 | 经开区 | 工业园区 | 示范区 | 开发区 | 新区 | 综合保税区 | 自贸区 | 市 | 县 | 省 */
  kind: string;
  count: number;
}

interface KindPattern {
  surface: string;
  kind: string;
  /** Canonical suffix used in the zone name. */
  suffix: string;
}

// Longest surfaces first so "高新技术产业开发区" wins over "开发区".
const kindPatterns: KindPattern[] = [
  { surface: "高新技术产业开发区", kind: "高新区", suffix: "高新区" },
  { surface: "高新技术产业园区", kind: "高新区", suffix: "高新区" },
  { surface: "高新技术开发区", kind: "高新区", suffix: "高新区" },
  { surface: "经济技术开发区", kind: "经开区", suffix: "经开区" },
  { surface: "自由贸易试验区", kind: "自贸区", suffix: "自贸区" },
  { surface: "综合保税区", kind: "综合保税区", suffix: "综合保税区" },
  { surface: "经济开发区", kind: "经开区", suffix: "经开区" },
  { surface: "自贸试验区", kind: "自贸区", suffix: "自贸区" },
  { surface: "工业园区", kind: "工业园区", suffix: "工业园区" },
  { surface: "高新区", kind: "高新区", suffix: "高新区" },
  { surface: "经开区", kind: "经开区", suffix: "经开区" },
  { surface: "示范区", kind: "示范区", suffix: "示范区" },
  { surface: "开发区", kind: "开发区", suffix: "开发区" },
  { surface: "自贸区", kind: "自贸区", suffix: "自贸区" },
  { surface: "新区", kind: "新区", suffix: "新区" },
];

/**
 * Every way a zone kind is written, longest first: the one list that retrieval (zone questions),
 * the tokenizer's dictionary and question analysis (kind words are not topics) build on.
 */
export const zoneKindSurfaces: readonly string[] = [...kindPatterns.map((pattern) => pattern.surface), "产业园区", "产业园", "园区"].sort(
  (a, b) => b.length - a.length,
);

const kindRegex = new RegExp(kindPatterns.map((pattern) => pattern.surface).join("|"), "g");

/** Kinds too generic to trust a place guessed from the two characters before them. */
const needsKnownPlace = new Set(["开发区", "新区", "示范区", "自贸区"]);

const cjk = /[\u3400-\u9fff]/;

/** Characters that cannot end a place name (they end verbs, pronouns, particles …). */
const stopChars = new Set(
  "的了在是和与及或并把被将对向从到为由于等各该本全我其这那此之以个年月日省市县区镇乡村大小中上下内外新老高级家建设造立入进出动展发区园"
    .split(""),
);

/** Characters of verbs and prepositions that end the words before a county's name (按, 落户, 据, 经 …). */
const leadChars = new Set("按户据依经往至去给让位处驻址".split(""));

/** Two-character words that look like place names before 高新区 but are not. */
const stopWords = new Set(
  "国家 全国 省级 市级 各地 我市 本市 全省 全市 推动 打造 建设 服务 支持 发展 加快 依托 围绕 助力 入驻 落户 进驻 引进 招商 共建 创建 申建 带动 成为 位于 地处 两个 三个 所有 其他 相关 重点 现代 城市 产业 科技 创新 经济 工业 综合 国际 中国 全区 园区 城东 城西 城南 城北 东部 西部 南部 北部 中部 东北 西北 西南 东南 国际化 落地 所在 哪个 哪些 什么 全部 整个 这些 那些 国内 获批 批准 设立 升级 认定 命名 申报 培育 一批"
    .split(" "),
);

/**
 * Bundled names that are also ordinary words (大理石, 阿里巴巴, 来宾, 巩固安全 …): counted as places only
 * when a suffix such as 市/县/区/高新区 follows.
 */
const ambiguousPlaces = new Set(
  "东方 无为 阿里 大理 日照 天长 长寿 安宁 朝阳 东兴 永安 山南 明光 白山 黄山 红河 文山 中山 南海 通州 开平 长乐 普宁 海门 大同 玉树 宁国 江北 湘江 赣江 滇中 兴安 海东 海北 海西 黄南 果洛 南康 天府 白银 来宾 定西 英德 高要 阳春 子长 平利 固安 滨海 大兴 金山 两江 临港 天门 吉林 海南州 张江 德清 四会 三河 舟山群岛 金普 南沙 平度 北流 长兴 东阳 华亭 石泉 白河 紫阳"
    .split(" "),
);

const placeSuffix = /^(市|县|区|州|盟|地区|高新|经开|开发区|新区|经济|工业园|示范区|自贸|综合保税)/;

const placeNames = placeEntries.map((entry) => entry.zh).sort((a, b) => b.length - a.length);
const placeMatcher = new NameMatcher(placeNames);
const maxPlaceLength = Math.max(...placeNames.map((name) => name.length));

function isKnownPlace(name: string): boolean {
  return findPlace(name) !== undefined;
}

/**
 * Characters that never end a place name even in a question (particles, pronouns, verbs, counters).
 * A question names a zone once, so its guesses are held to these only ("小蓝经开区", "双滦经济开发区").
 */
const hardStopChars = new Set("的了在是和与及或并把被将对向从到为由于等各该本全我其这那此之以个年月日省市县区镇乡村内外建设造立入进出动展哪什么些级批多少几家".split(""));

/** The place a zone name starts with, given the CJK run just before the zone kind. */
function placeBefore(before: string, kind: string, question = false): { place: string; name?: string; guessed?: boolean } | undefined {
  if (kind === "示范区") {
    // "陵川生态文化旅游示范区", "五台现代农业产业示范区": a known place followed by a short descriptor.
    for (let start = Math.max(0, before.length - 14); start < before.length; start++) {
      for (let length = Math.min(maxPlaceLength, before.length - start); length >= 2; length--) {
        const candidate = before.slice(start, start + length);
        const descriptor = before.slice(start + length);
        if (isKnownPlace(candidate) && descriptor.length <= 10 && ![...descriptor].some((char) => stopChars.has(char))) {
          return { place: candidate, name: candidate + descriptor };
        }
      }
    }
    return undefined;
  }
  const trimmed = before.replace(/(市|县)$/, "");
  for (let length = Math.min(maxPlaceLength, trimmed.length); length >= 2; length--) {
    const candidate = trimmed.slice(trimmed.length - length);
    if (isKnownPlace(candidate)) return { place: candidate };
  }
  // "旺苍县工业园区", "滨海县经济开发区": a county no list knows, named as a county right before its zone.
  if (/县$/u.test(before) && trimmed.length >= 2) {
    const county = trimmed.slice(-2);
    if (!stopWords.has(county) && ![...county].some((char) => stopChars.has(char) || leadChars.has(char))) return { place: county, name: `${county}县` };
    // "按郧县经济开发区…", "落户沛县经开区": a one-character county after a verb or preposition.
    const single = county[1]!;
    if ((stopChars.has(county[0]!) || leadChars.has(county[0]!)) && cjk.test(single) && !stopChars.has(single) && !leadChars.has(single)) return { place: single, name: `${single}县` };
  }
  if (needsKnownPlace.has(kind) || trimmed.length < 2) return undefined;
  // "包头稀土高新区", "钦州港经开区": a known place inside the run names the zone; its place is found by the place scan.
  if (question && [...Array(trimmed.length - 1).keys()].some((start) => placeMatcher.matchAt(trimmed, start) !== undefined)) return undefined;
  const guess = trimmed.slice(-2);
  if (stopWords.has(guess) || [...guess].some((char) => (question ? hardStopChars : stopChars).has(char))) return undefined;
  return { place: guess, guessed: true };
}

interface ZoneScan {
  zones: Map<string, ZoneMention>;
  /** Zone kinds mentioned without a place ("高新区" alone), by kind. */
  bare: Map<string, number>;
  /** Character ranges covered by zone names, so place counting can skip them. */
  covered: Array<[number, number]>;
}

function scanZones(text: string, question = false): ZoneScan {
  const zones = new Map<string, ZoneMention>();
  const bare = new Map<string, number>();
  const covered: Array<[number, number]> = [];
  const guessed = new Set<string>();
  for (const match of text.matchAll(kindRegex)) {
    const index = match.index ?? 0;
    const pattern = kindPatterns.find((item) => item.surface === match[0])!;
    let runStart = index;
    while (runStart > 0 && index - runStart < 16 && cjk.test(text[runStart - 1])) runStart--;
    const before = text.slice(runStart, index);
    const found = placeBefore(before, pattern.kind, question);
    if (!found) {
      bare.set(pattern.kind, (bare.get(pattern.kind) ?? 0) + 1);
      continue;
    }
    const { place } = found;
    const name = (found.name ?? place) + pattern.suffix;
    const existing = zones.get(name);
    if (existing) existing.count++;
    else zones.set(name, { name, place, kind: pattern.kind, count: 1 });
    if (found.guessed) guessed.add(name);
    covered.push([index - before.length + before.lastIndexOf(place), index + match[0].length]);
  }
  // A place guessed from two characters must recur before it is believed ("落地高新区" is not a zone);
  // a question names its zone once, and is checked against the corpus by retrieval instead.
  for (const name of question ? [] : guessed) {
    const zone = zones.get(name);
    if (zone && zone.count < 2) {
      zones.delete(name);
      bare.set(zone.kind, (bare.get(zone.kind) ?? 0) + zone.count);
    }
  }
  // "陵川示范区" is the short form of "陵川生态文化旅游示范区": one zone under the longer name.
  for (const zone of [...zones.values()]) {
    const longer = [...zones.values()].find(
      (other) => other !== zone && other.place === zone.place && other.kind === zone.kind && other.name.length > zone.name.length,
    );
    if (longer) {
      longer.count += zone.count;
      zones.delete(zone.name);
    }
  }
  // "高平开发区" is the same zone as "高平经济技术开发区" when both appear.
  for (const zone of [...zones.values()]) {
    if (zone.kind !== "开发区") continue;
    const specific = [...zones.values()].find((other) => other !== zone && other.place === zone.place && other.kind !== "开发区");
    if (specific) {
      specific.count += zone.count;
      zones.delete(zone.name);
    }
  }
  return { zones, bare, covered };
}

function scanPlaces(text: string, covered: Array<[number, number]>): Map<string, ZoneMention> {
  const places = new Map<string, ZoneMention>();
  let index = 0;
  while (index < text.length) {
    const found = placeMatcher.matchAt(text, index);
    if (!found) {
      index++;
      continue;
    }
    const end = index + found.length;
    const insideZone = covered.some(([start, stop]) => index >= start && index < stop);
    // A two-character county written bare is as often part of a phrase (投资兴办 → 资兴): it needs its suffix.
    const ambiguous = (ambiguousPlaces.has(found) || (findPlace(found)?.kind === "县" && found.length === 2)) && !placeSuffix.test(text.slice(end, end + 4));
    if (!insideZone && !ambiguous) {
      const entry = findPlace(found)!;
      const existing = places.get(found);
      if (existing) existing.count++;
      else places.set(found, { name: found, place: found, kind: entry.kind, count: 1 });
    }
    index = end;
  }
  return places;
}

/**
 * Zones and places mentioned in `text`, zones first (most mentioned first), then places. A place
 * counts only where it is not already part of a zone name.
 */
export function detectZones(text: string, options: { question?: boolean } = {}): ZoneMention[] {
  const { zones, covered } = scanZones(text, options.question === true);
  const places = scanPlaces(text, covered);
  const byCount = (a: ZoneMention, b: ZoneMention) => b.count - a.count;
  return [...[...zones.values()].sort(byCount), ...[...places.values()].sort(byCount)];
}

/**
 * Zone list of an article: canonical zone names by prominence (named in the title first, then
 * by frequency; a bare "高新区" counts for the article's main zone of that kind), then the places
 * of those zones, then other places named repeatedly.
 */
export function articleZones(title: string, text: string, limit = 8): string[] {
  const titleScan = scanZones(title);
  const titlePlaces = scanPlaces(title, titleScan.covered);
  const body = scanZones(text);
  const bodyPlaces = scanPlaces(text, body.covered);

  const zoneScore = new Map<string, { mention: ZoneMention; score: number }>();
  for (const source of [titleScan.zones, body.zones]) {
    for (const zone of source.values()) {
      const bonus = titleScan.zones.has(zone.name) ? 1000 : 0;
      const current = zoneScore.get(zone.name);
      if (current) current.score += zone.count;
      else zoneScore.set(zone.name, { mention: zone, score: zone.count + bonus });
    }
  }
  for (const item of [...zoneScore.values()]) {
    const longer = [...zoneScore.values()].find(
      (other) =>
        other !== item &&
        other.mention.place === item.mention.place &&
        other.mention.kind === item.mention.kind &&
        other.mention.name.length > item.mention.name.length,
    );
    if (longer) {
      longer.score += item.score;
      zoneScore.delete(item.mention.name);
    }
  }
  // Titles often say just "高新区" when the body names the zone; count bare kinds for the leader.
  for (const bare of [titleScan.bare, body.bare]) {
    for (const [kind, count] of bare) {
      const leader = [...zoneScore.values()]
        .filter((item) => item.mention.kind === kind)
        .sort((a, b) => b.score - a.score)[0];
      if (leader) leader.score += count + (bare === titleScan.bare ? 1000 : 0);
    }
  }

  // A zone's own report often writes only "经开区" throughout and names its city once ("助力芜湖市…"): with no
  // zone named at all, a bare kind that recurs and exactly one city or county named is that place's zone.
  if (zoneScore.size === 0) {
    // Only a place written as a city or county ("芜湖市") counts: a bare match may be inside a word (拆迁安置 → 迁安).
    const cities = new Set(
      [...titlePlaces.values(), ...bodyPlaces.values()].filter((place) => place.kind !== "省" && (`${title}${text}`.includes(`${place.place}市`) || `${title}${text}`.includes(`${place.place}县`))).map((place) => place.place),
    );
    const bareCounts = new Map<string, number>();
    for (const bare of [titleScan.bare, body.bare]) for (const [kind, count] of bare) bareCounts.set(kind, (bareCounts.get(kind) ?? 0) + count);
    const [kind, count] = [...bareCounts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (cities.size === 1 && kind && count !== undefined && count >= 2 && !needsKnownPlace.has(kind)) {
      const place = [...cities][0]!;
      const name = place + kindPatterns.find((pattern) => pattern.kind === kind)!.suffix;
      zoneScore.set(name, { mention: { name, place, kind, count }, score: count });
    }
  }

  const placeScore = new Map<string, number>();
  for (const source of [titlePlaces, bodyPlaces]) {
    for (const place of source.values()) {
      if (place.kind === "省") continue;
      const bonus = titlePlaces.has(place.name) && source === titlePlaces ? 500 : 0;
      placeScore.set(place.name, (placeScore.get(place.name) ?? 0) + place.count + bonus);
    }
  }

  const ranked: Array<{ name: string; score: number; zone: boolean }> = [
    ...[...zoneScore.values()].map((item) => ({ name: item.mention.name, score: item.score, zone: true })),
    ...[...placeScore.entries()]
      .filter(([, score]) => score >= 2)
      .map(([name, score]) => ({ name, score, zone: false })),
  ].sort((a, b) => b.score - a.score || Number(b.zone) - Number(a.zone));

  const result: string[] = [];
  const add = (name: string) => {
    if (!result.includes(name)) result.push(name);
  };
  for (const item of ranked) {
    add(item.name);
    if (item.zone) add(zoneScore.get(item.name)!.mention.place);
  }
  return result.slice(0, limit);
}

/** Zones of one chunk: the article's zones first, then zones the chunk itself names. */
export function chunkZones(article: string[], chunkText: string): string[] {
  const result = [...article];
  for (const mention of detectZones(chunkText)) {
    if (!result.includes(mention.name)) result.push(mention.name);
    if (!result.includes(mention.place)) result.push(mention.place);
  }
  return result;
}
