import { loadLexicon } from "../../app/lexicon.js";
import { loadLiveIndex } from "../../app/live-index.js";
import { listRules, type RuleListing } from "../../ingest/policy-rules.js";
import { cliSetup, parseCommandArgs, runCliEntry, type CliIo, type CliOutput } from "./cli-support.js";

/**
 * npm run facts -- [--zone 衡阳高新区] [--metric signed_investment | --metric rules] [--limit 50] [--json]
 * Lists the figures the live index holds as facts: who, when, what, how much, and the sentence;
 * then the rule records of policy items (amount, condition, cap, schedule, validity).
 */

export const factsCommand = {
  usage: "npm run facts -- [--zone ZONE] [--metric KEY | --metric rules] [--limit N] [--json]",
  description: [
    "Lists the figures the live index holds as facts (who, when, what, how much, the sentence),",
    "then the rule records of policy items (amount, condition, cap, schedule, validity).",
    "  --zone ZONE     only facts and rules of this zone, e.g. 衡阳高新区",
    "  --metric KEY    only this metric (keys in corpus/metrics.json); 'rules' lists rules only",
    "  --limit N       at most N facts and N rules (default 500 facts)",
    "  --json          print JSON",
    "  --help          show this text",
  ].join("\n"),
  options: { zone: { type: "string" }, metric: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
  maxPositionals: 0,
} as const;

/** As GET /api/facts: a listing, not a dump of the whole index. */
const DEFAULT_LIMIT = 500;

export async function listFacts(argv: string[], io: CliIo): Promise<number> {
  const { values: flags } = parseCommandArgs(factsCommand, argv, io);
  const { config } = cliSetup(io.env);
  const live = await loadLiveIndex(config, await loadLexicon(config.CORPUS_DIR));
  const limit = typeof flags.limit === "string" ? Number(flags.limit) : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    io.stderr.write("--limit needs a positive whole number.\n");
    return 1;
  }
  const zone = typeof flags.zone === "string" ? flags.zone : undefined;
  const metric = typeof flags.metric === "string" ? flags.metric : undefined;
  // The facts are queried with a limit, not loaded whole (524,327 facts at 100,000 chunks).
  const listed = metric === "rules" ? { total: 0, facts: [] } : live.facts.list({ zone, metric, limit: limit ?? DEFAULT_LIMIT });
  const facts = listed.facts;
  const rules = metric && metric !== "rules" ? [] : listRules(live.search.chunks.ruleChunks(), { zone, limit }, new Date().toISOString().slice(0, 10));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(metric === undefined && rules.length > 0 ? { facts, rules } : metric === "rules" ? rules : facts, null, 2)}\n`);
    return 0;
  }
  if (metric === "rules" || (facts.length === 0 && rules.length > 0)) {
    printRules(io.stdout, rules);
    return 0;
  }
  if (facts.length === 0) {
    io.stdout.write(`No facts match (the index holds ${live.facts.size}). Metric keys are listed in ${config.CORPUS_DIR}/metrics.json.\n`);
    return 0;
  }
  for (const fact of facts) {
    const flagsText = [fact.qualifier, fact.scope ? `scope: ${fact.scope}` : "", fact.event ? "event" : ""].filter(Boolean).join(", ");
    io.stdout.write(
      `${fact.zone} (${fact.level}) | ${fact.period?.zh ?? "no period"} | ${fact.metric} (${fact.label}) | ${fact.raw} = ${fact.normalized} ${fact.normalizedUnit}${flagsText ? ` | ${flagsText}` : ""}\n` +
        `    ${fact.sentence}  [${fact.source}:${fact.sentenceStart}-${fact.sentenceEnd}]\n`,
    );
  }
  io.stdout.write(`${facts.length} of ${listed.total} matching facts (${live.facts.size} in the index)${listed.total > facts.length ? "; --limit N shows more" : ""}.\n`);
  if (rules.length > 0) printRules(io.stdout, rules);
  return 0;
}

runCliEntry(import.meta.url, listFacts);

function printRules(stdout: CliOutput, rules: RuleListing[]): void {
  for (const rule of rules) {
    const parts = [
      rule.amounts.length > 0 ? rule.amounts.join("、") : "",
      rule.rates.length > 0 ? rule.rates.join("、") : "",
      rule.uncapped ? "不设上限" : rule.cap ?? "",
      rule.schedule ? `schedule: ${rule.schedule}` : "",
      rule.period ? `period: ${rule.period}` : "",
      rule.expires ? `${rule.expired ? "expired" : "valid until"} ${rule.expires}` : "",
    ].filter(Boolean);
    stdout.write(
      `${rule.zone} | ${rule.document} › ${rule.section} | ${rule.measure.join(", ") || "rule"} | ${parts.join(" | ")}\n` +
        `    ${rule.condition ? `who: ${rule.condition}; ` : ""}${rule.text}  [${rule.source}]\n`,
    );
  }
  stdout.write(`${rules.length} rule clauses.\n`);
}
