import { englishZoneName } from "../answer/zone-names.js";
import type { Fact } from "../facts/types.js";
import type { RuleListing } from "../ingest/policy-rules.js";
import type { ZoneAssistant } from "./zone-assistant.js";

/**
 * Prompts a chat assistant view suggests when a thread starts (Slack shows up to four), built
 * from what the live index actually covers: the zones with the most reported figures and the
 * measures they report, and zones whose policy items are indexed. Each candidate is asked once per
 * snapshot and kept only when the index answers it, so nothing is suggested that the corpus cannot
 * answer.
 */

export interface SuggestedPrompt {
  title: string;
  message: string;
}

export interface PromptNames {
  /** English name of a place (长治 → Changzhi). */
  english(place: string): string;
  /** Chinese name of a metric key (gdp → 地区生产总值); undefined for keys without one. */
  metric(key: string): string | undefined;
}

/** Measures that read badly as "what is X's …?" on their own. */
const unaskable = new Set(["other", "growth_rate", "ranking", "approval_rate", "subsidy_cap", "subsidy_amount", "floor_area", "production_capacity", "projects", "enterprises"]);

/** Candidates, best first: per covered zone its most reported measures, an English incentives question, policy questions. */
export function promptCandidates(facts: readonly Fact[], rules: readonly RuleListing[], names: PromptNames): SuggestedPrompt[] {
  const byZone = new Map<string, { place: string; count: number; metrics: Map<string, number> }>();
  for (const fact of facts) {
    if (fact.level !== "zone") continue;
    const entry = byZone.get(fact.zone) ?? { place: fact.place, count: 0, metrics: new Map<string, number>() };
    entry.count++;
    if (!unaskable.has(fact.metric) && names.metric(fact.metric)) entry.metrics.set(fact.metric, (entry.metrics.get(fact.metric) ?? 0) + 1);
    byZone.set(fact.zone, entry);
  }
  const zones = [...byZone.entries()].sort((left, right) => right[1].count - left[1].count || left[0].localeCompare(right[0])).slice(0, 4);
  const figures = zones.flatMap(([zone, entry]) =>
    [...entry.metrics.entries()]
      .sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]))
      .slice(0, 3)
      .map(([key]) => ({ title: `${zone} · ${names.metric(key)}`, message: `${zone}${names.metric(key)}是多少？` })),
  );
  const english = zones.map(([zone, entry]) => {
    const name = englishZoneName(zone, (place) => names.english(place), entry.place).replace(/\s*\(.*\)$/, "");
    return { title: `Incentives in ${name}`, message: `What investment incentives does ${name} offer?` };
  });
  const policyZones = [...new Set(rules.filter((rule) => rule.zone && !rule.expired).map((rule) => rule.zone))].slice(0, 3);
  const policies = policyZones.map((zone) => ({ title: `${zone}扶持政策`, message: `${zone}有哪些招商引资优惠政策？` }));
  // Interleaved, so the first four show several kinds of question.
  const ordered: SuggestedPrompt[] = [];
  for (let index = 0; index < Math.max(figures.length, english.length, policies.length); index++) {
    for (const list of [figures, english, policies]) if (list[index]) ordered.push(list[index]!);
  }
  return ordered;
}

/** The live index's suggestions (at most `max`), checked and cached once per snapshot. */
export function createPromptSuggester(service: ZoneAssistant, max = 4): () => Promise<SuggestedPrompt[]> {
  let cached: { version: string; prompts: Promise<SuggestedPrompt[]> } | undefined;
  return () => {
    const version = service.status().indexVersion;
    if (cached?.version !== version) {
      const live = service.liveIndex;
      const { facts, rules } = service.facts({ limit: 20_000 });
      const candidates = promptCandidates(facts, rules, { english: (place) => live.lexicon.gazetteer.english(place), metric: (key) => live.metrics.byKey(key)?.zh });
      cached = { version, prompts: keepAnswerable(service, candidates, max) };
    }
    return cached.prompts;
  };
}

async function keepAnswerable(service: ZoneAssistant, candidates: SuggestedPrompt[], max: number): Promise<SuggestedPrompt[]> {
  const kept: SuggestedPrompt[] = [];
  for (const candidate of candidates.slice(0, 12)) {
    if (kept.length >= max) break;
    const answer = await service.ask(candidate.message).catch(() => undefined);
    if (answer && !answer.refused && !answer.abstained && answer.citations.length > 0) kept.push(candidate);
  }
  return kept;
}
