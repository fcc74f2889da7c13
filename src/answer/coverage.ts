import type { SearchHit } from "../core/types.js";

/**
 * Does a passage hold what the question asks about? The answer decides between quoting and
 * refusing: a loosely related passage (same zone, other topic) must not be cited as an answer.
 */

/** Words so common in zone reports that finding them proves little. */
const genericWords = new Set(
  "企业 项目 发展 建设 工作 招商 招商引资 投资 经济 产业 政策 服务 推进 全面 持续 创新 实现 开展 打造 加强 提升 推动 高质量 重点 累计 总 新".split(" "),
);

export interface GroupCoverage {
  /** Weighted share of the groups found, 0..1. */
  score: number;
  covered: Set<number>;
}

export function groupWeight(group: string[]): number {
  const longest = Math.max(...group.map((term) => term.length));
  if (group.every((term) => genericWords.has(term))) return 0.35;
  return longest >= 3 ? 1.2 : longest === 2 ? 1 : 0.5;
}

/** Partial credit for a compound word whose parts appear separately (出口退税 ≈ 出口 … 退税). */
function termPresence(term: string, text: string): number {
  if (text.includes(term)) return 1;
  if (term.length < 3 || !/[\u4e00-\u9fff]/.test(term)) return 0;
  let found = 0;
  for (let i = 0; i + 2 <= term.length; i++) if (text.includes(term.slice(i, i + 2))) found++;
  const ratio = found / (term.length - 1);
  return ratio >= 0.66 ? 0.6 : 0;
}

/** `weights[i]`, when given, overrides the weight of group i (dictionary guesses weigh less). */
export function groupCoverage(groups: string[][], text: string, weights: (number | undefined)[] = []): GroupCoverage {
  const covered = new Set<number>();
  if (groups.length === 0) return { score: 0, covered };
  let total = 0;
  let found = 0;
  groups.forEach((group, index) => {
    const weight = weights[index] ?? groupWeight(group);
    const presence = Math.max(...group.map((term) => termPresence(term, text)));
    // An explicitly weighted group is a dictionary guess: finding it is evidence, but missing it
    // is weak evidence against (the passage may use another word), so a miss costs 40% of it.
    const guess = weights[index] !== undefined;
    total += guess && presence === 0 ? weight * 0.4 : weight;
    if (presence > 0) {
      found += weight * presence;
      if (presence >= 0.99) covered.add(index);
    }
  });
  return { score: found / total, covered };
}

export interface Answerability {
  answerable: boolean;
  /** Best coverage over the top passages, for diagnostics. */
  coverage: number;
}

/**
 * Answerable when one article's top passages hold most of what was asked. Looking at one article
 * at a time stops a question from being "answered" by stitching terms from unrelated reports.
 */
export function assessAnswerability(
  groups: string[][],
  hits: SearchHit[],
  options: { threshold?: number; untranslated?: number; weights?: (number | undefined)[] } = {},
): Answerability {
  if (hits.length === 0) return { answerable: false, coverage: 0 };
  if (groups.length === 0) return { answerable: options.untranslated === 0, coverage: 0 };
  const byArticle = new Map<string, string[]>();
  for (const hit of hits.slice(0, 6)) {
    const texts = byArticle.get(hit.chunk.articleId) ?? [];
    // A policy item is about its document's title and its headings as much as its own words.
    texts.push(hit.chunk.section ? `${hit.chunk.title} ${hit.chunk.section}\n${hit.chunk.text}` : hit.chunk.text);
    byArticle.set(hit.chunk.articleId, texts);
  }
  let best = 0;
  for (const texts of byArticle.values()) best = Math.max(best, groupCoverage(groups, texts.join("\n"), options.weights).score);
  // Words nothing could translate lower confidence in proportion to their share of the question's
  // content words: the question may be about them.
  const untranslated = options.untranslated ?? 0;
  const share = untranslated / (untranslated + groups.length);
  const threshold = (options.threshold ?? 0.5) + 0.3 * share;
  return { answerable: best >= threshold, coverage: best };
}
