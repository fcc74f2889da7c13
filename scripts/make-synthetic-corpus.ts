import type { Article, Chunk } from "../src/core/types.js";
import type { FactBatch } from "../src/facts/fact-batches.js";

/**
 * Deterministic, realistic-looking Chinese zone-report chunks for benchmarks: mixed sentences
 * about zones, projects, figures with units and dates, drawn from a seeded PRNG.
 */

const cities = [
  "长治", "衡阳", "安康", "株洲", "湘潭", "襄阳", "宜昌", "洛阳", "芜湖", "绵阳", "宝鸡", "南阳", "赣州", "柳州",
  "包头", "大庆", "潍坊", "烟台", "泰州", "盐城", "淮安", "江门", "肇庆", "遵义", "曲靖", "榆林", "天水", "银川",
];
const zoneKinds = ["高新区", "经开区", "高新技术产业开发区", "经济技术开发区", "综合保税区", "产业园"];
const industries = [
  "电子信息", "新能源", "新材料", "生物医药", "装备制造", "现代物流", "数字经济", "智能制造", "半导体", "新能源汽车",
  "富硒食品", "光伏", "储能", "氢能", "精细化工", "文化旅游",
];
const actions = ["签约", "开工", "投产", "落地", "竣工", "引进", "集中签约", "达产"];
const policies = [
  "装修补贴", "租金减免", "人才公寓", "研发奖励", "固定资产投资补助", "贷款贴息", "上市奖励", "招商大使", "一企一策",
  "拿地即开工", "首席服务员", "标准化厂房", "税收返还", "物流补贴",
];
const periods = ["今年上半年", "去年", "一季度", "前三季度", "“十四五”以来", "近三年", "2022年", "2023年1至6月", "7月11日"];
const metrics = ["营业收入", "工业总产值", "进出口总额", "实际利用外资", "固定资产投资", "税收收入", "规上工业增加值", "到位资金"];
const units = ["亿元", "万元", "万美元", "%", "个", "家", "万平方米", "名"];

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `cities`: draw the articles' cities from the first that many only (default all 28). With fewer
 * cities each city has as many chunks and facts as with all 28 in a larger corpus (8 cities at
 * 300,000 chunks ≈ 28 at 1M): a cheap stand-in for the per-city costs of a larger corpus.
 */
export function makeSyntheticChunks(n: number, seed: number, options: { cities?: number } = {}): Chunk[] {
  const cityCount = Math.max(1, Math.min(cities.length, options.cities ?? cities.length));
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const figure = (): string => {
    const value = random() < 0.5 ? (random() * 200).toFixed(random() < 0.5 ? 1 : 2) : String(Math.floor(random() * 9000) + 1);
    return `${value}${pick(units)}`;
  };
  const sentence = (city: string, zone: string): string => {
    switch (Math.floor(random() * 6)) {
      case 0:
        return `${pick(periods)}，${city}${zone}实现${pick(metrics)}${figure()}，同比增长${(random() * 60).toFixed(1)}%。`;
      case 1:
        return `${city}${zone}${pick(actions)}${pick(industries)}项目${Math.floor(random() * 40) + 1}个，总投资${figure()}。`;
      case 2:
        return `对新落户企业，${zone}给予${pick(policies)}，最高可达${figure()}，并在用地、用电方面优先保障。`;
      case 3:
        return `围绕${pick(industries)}和${pick(industries)}产业链，${city}持续优化营商环境，推行“${pick(policies)}”服务模式。`;
      case 4:
        return `截至${pick(periods)}，园区累计入驻企业${Math.floor(random() * 900) + 10}家，其中高新技术企业${Math.floor(random() * 200) + 1}家。`;
      default:
        return `${city}市委书记在${zone}调研时强调，要以招商引资为“一号工程”，推动${pick(industries)}产业集群发展。`;
    }
  };
  const chunks: Chunk[] = [];
  const articlesPerFile = 4;
  const chunksPerArticle = 6;
  for (let i = 0; i < n; i++) {
    const articleNumber = Math.floor(i / chunksPerArticle);
    const fileNumber = Math.floor(articleNumber / articlesPerFile);
    const articleIndex = articleNumber % articlesPerFile;
    const ordinal = i % chunksPerArticle;
    const articleRandom = mulberry32(seed * 7919 + articleNumber);
    const city = cities[Math.floor(articleRandom() * cityCount)];
    const zone = zoneKinds[Math.floor(articleRandom() * zoneKinds.length)];
    const source = `corpus/synthetic_${String(fileNumber).padStart(5, "0")}.txt`;
    const title = `${city}${zone}${industries[Math.floor(articleRandom() * industries.length)]}产业发展纪实`;
    const sentences: string[] = [];
    const count = 3 + Math.floor(random() * 4);
    for (let s = 0; s < count; s++) sentences.push(sentence(city, zone));
    const text = sentences.join("");
    const year = 2019 + (fileNumber % 5);
    chunks.push({
      id: `${source}#${articleIndex}:${ordinal}`,
      source,
      articleId: `${source}#${articleIndex}`,
      articleIndex,
      ordinal,
      title,
      zones: [`${city}${zone}`, city],
      date: `${year}-0${1 + (fileNumber % 9)}-15`,
      publisher: `${city}日报`,
      text,
      indexText: `${title}\n${text}`,
      start: ordinal * 400,
      end: ordinal * 400 + text.length,
    });
  }
  return chunks;
}

/** Articles for synthetic chunks (their text joined), with the chunks' offsets rebased onto that text. */
export function syntheticArticles(chunks: Chunk[]): { articles: Article[]; chunks: Chunk[] } {
  const byArticle = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const list = byArticle.get(chunk.articleId);
    if (list) list.push(chunk);
    else byArticle.set(chunk.articleId, [chunk]);
  }
  const articles: Article[] = [];
  const rebased: Chunk[] = [];
  for (const [id, list] of byArticle) {
    let text = "";
    for (const chunk of list) {
      rebased.push({ ...chunk, start: text.length, end: text.length + chunk.text.length });
      text += chunk.text;
    }
    const first = list[0]!;
    articles.push({ id, source: first.source, index: first.articleIndex, title: first.title, date: first.date, zones: first.zones, text, offsets: Array.from({ length: text.length }, (_, i) => i) });
  }
  return { articles, chunks: rebased };
}

/**
 * The articles of synthetic chunks for a build's fact extraction, a thousand at a time, made as
 * the build asks for them: the per-character offset lists of every article at once would take
 * gigabytes of heap at 1M chunks.
 */
export function* syntheticFactBatches(chunks: Chunk[], articlesPerBatch = 1000): Generator<FactBatch> {
  const batch = 6 * articlesPerBatch; // synthetic articles have 6 chunks each (makeSyntheticChunks)
  for (let start = 0; start < chunks.length; start += batch) yield syntheticArticles(chunks.slice(start, start + batch));
}
