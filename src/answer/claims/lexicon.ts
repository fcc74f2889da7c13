import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Language } from "../../core/types.js";

/**
 * The cue words of the question frame and of the claim checks, read from data/lexicon.json once.
 * Code asks "does this text hold an asked-kind cue / a projection marker / a negation", never
 * spells the words itself, so a new wording is a data change with a test, not a new branch.
 */

const bilingual = z.object({ zh: z.array(z.string()), en: z.array(z.string()) });
const conditionWords = z.object({ above: z.array(z.string()), below: z.array(z.string()), double: z.array(z.string()), topN: z.array(z.string()), first: z.array(z.string()) });

const lexiconSchema = z.object({
  asked: z.record(z.string(), bilingual),
  unitsOfKind: z.record(z.string(), z.array(z.string())),
  condition: z.object({ zh: conditionWords, en: conditionWords }),
  notResult: bilingual,
  asksPlan: bilingual,
  threshold: z.object({ zh: z.array(z.string()) }),
  negation: bilingual,
  respectively: bilingual,
  personTitles: z.array(z.string()),
  personVerbs: z.array(z.string()),
  countNouns: z.array(z.object({ cue: z.string(), units: z.array(z.string()) })),
  extraCountUnits: z.array(z.string()),
  compare: z.object({ more: bilingual, less: bilingual }),
  superlative: z.object({ zh: z.record(z.string(), z.array(z.string())), en: z.record(z.string(), z.array(z.string())) }),
  listAsk: bilingual,
  reportVerbs: z.array(z.string()),
  exclusion: z.array(z.string()),
  eventVerbs: z.array(z.string()),
  distinctMeasures: z.array(z.tuple([z.string(), z.string()])),
  tentative: z.object({ qualifiers: z.record(z.string(), z.string()), firm: bilingual, named: bilingual }),
});

export type AskedKind = "count" | "amount" | "percent" | "rank" | "score" | "area" | "person" | "any";
export const askedKinds: AskedKind[] = ["count", "amount", "percent", "rank", "score", "area", "person", "any"];

export interface CompiledLexicon {
  /** Each asked kind's cue, per language. */
  asked: Record<AskedKind, Record<Language, RegExp>>;
  /** Normalised units (figures.ts) that answer each asked kind. */
  unitsOfKind: Record<string, string[]>;
  condition: Record<Language, { above: RegExp; below: RegExp; double: RegExp; topN: RegExp; first: RegExp }>;
  /** A figure said with these words before it in its clause is a plan, target or projection. */
  notResult: Record<Language, RegExp>;
  /** A question that itself asks about a plan, a target or what a project will do once running wants those figures. */
  asksPlan: RegExp;
  /** Text right after a figure that makes it a threshold of a group ("5亿元以上项目"). */
  thresholdAfter: RegExp;
  negation: Record<Language, RegExp>;
  respectively: Record<Language, RegExp>;
  personTitles: string[];
  personVerbs: string[];
  /** What a counted noun is counted in: enterprises in 家/户/个, projects in 个/项. */
  countNouns: { cue: RegExp; units: string[] }[];
  /** Measure words the figure parser does not know ("30对师徒", "5万吨"): counted figures all the same. */
  extraCountUnits: string[];
  /** "哪个更多", "which was larger": a comparison asked, and which way it is decided. */
  compare: Record<"more" | "less", Record<Language, RegExp>>;
  /** A superlative asked ("最大", "largest") and the words a report says it with. */
  superlative: Record<Language, { cue: RegExp; says: string[] }[]>;
  /** "涉及哪6大产业", "which industries": a list asked (group 1: how many, group 2: of what, when said). */
  listAsk: Record<Language, RegExp[]>;
  /** A whole question word that only says a figure was reported ("完成", "实现"), never what it measures. */
  reportVerb: RegExp;
  /** Verbs of the event a passage reports (开工, 签约): they set the scene for the whole passage, not one sentence. */
  eventVerbs: Set<string>;
  /** Pairs of measures a report states side by side and a question never means one for the other (产值 / 增加值). */
  distinctMeasures: [string, string][];
  /** Words after a thing, in its clause, that put it outside a rule ("…等项目不适用本办法"). */
  exclusion: RegExp;
  /** Words before an act that make it not final (意向签约), with their English; questions asking for the final act, or naming the tentative one. */
  tentative: { qualifiers: Record<string, string>; firm: Record<Language, RegExp>; named: Record<Language, RegExp> };
}

const alternation = (patterns: string[]) => patterns.map((pattern) => `(?:${pattern})`).join("|");
const compile = (patterns: string[], flags = "iu") => new RegExp(alternation(patterns), flags);

function compileLexicon(raw: z.infer<typeof lexiconSchema>): CompiledLexicon {
  const asked = {} as CompiledLexicon["asked"];
  for (const kind of askedKinds) {
    const entry = raw.asked[kind];
    if (!entry) throw new Error(`lexicon.json: asked kind "${kind}" is missing`);
    asked[kind] = { zh: compile(entry.zh), en: compile(entry.en) };
  }
  const conditions = (words: z.infer<typeof conditionWords>, language: Language) => ({
    above: compile(words.above),
    below: compile(words.below),
    double: compile(words.double),
    topN: compile(words.topN),
    first: language === "en" ? compile(words.first) : compile(words.first),
  });
  return {
    asked,
    unitsOfKind: raw.unitsOfKind,
    condition: { zh: conditions(raw.condition.zh, "zh"), en: conditions(raw.condition.en, "en") },
    notResult: { zh: compile(raw.notResult.zh), en: compile(raw.notResult.en) },
    asksPlan: compile([...raw.asksPlan.zh, ...raw.asksPlan.en]),
    thresholdAfter: compile(raw.threshold.zh),
    negation: { zh: compile(raw.negation.zh), en: compile(raw.negation.en) },
    respectively: { zh: compile(raw.respectively.zh), en: compile(raw.respectively.en) },
    personTitles: [...raw.personTitles].sort((a, b) => b.length - a.length),
    personVerbs: raw.personVerbs,
    countNouns: raw.countNouns.map((noun) => ({ cue: new RegExp(noun.cue, "iu"), units: noun.units })),
    extraCountUnits: [...raw.extraCountUnits].sort((a, b) => b.length - a.length),
    superlative: {
      zh: Object.entries(raw.superlative.zh).map(([cue, says]) => ({ cue: new RegExp(cue, "u"), says })),
      en: Object.entries(raw.superlative.en).map(([cue, says]) => ({ cue: new RegExp(`\\b${cue}\\b`, "iu"), says })),
    },
    listAsk: { zh: raw.listAsk.zh.map((pattern) => new RegExp(pattern, "u")), en: raw.listAsk.en.map((pattern) => new RegExp(pattern, "iu")) },
    reportVerb: new RegExp(`^(?:${alternation(raw.reportVerbs)})$`, "u"),
    exclusion: compile(raw.exclusion, "u"),
    eventVerbs: new Set(raw.eventVerbs),
    distinctMeasures: raw.distinctMeasures,
    tentative: {
      qualifiers: raw.tentative.qualifiers,
      firm: { zh: compile(raw.tentative.firm.zh), en: compile(raw.tentative.firm.en) },
      named: { zh: compile(raw.tentative.named.zh), en: compile(raw.tentative.named.en) },
    },
    compare: { more: { zh: compile(raw.compare.more.zh), en: compile(raw.compare.more.en) }, less: { zh: compile(raw.compare.less.zh), en: compile(raw.compare.less.en) } },
  };
}

let cached: CompiledLexicon | undefined;

export function claimLexicon(): CompiledLexicon {
  if (!cached) {
    const file = new URL("./data/lexicon.json", import.meta.url);
    cached = compileLexicon(lexiconSchema.parse(JSON.parse(readFileSync(file, "utf8"))));
  }
  return cached;
}
