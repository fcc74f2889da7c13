import { loadLexicon } from "../../app/lexicon.js";
import { loadLiveIndex } from "../../app/live-index.js";
import { filterFacts } from "../../facts/fact-store.js";
import { cliSetup, parseArgs, runCli } from "./cli-support.js";

/**
 * npm run facts -- [--zone 衡阳高新区] [--metric signed_investment] [--limit 50] [--json]
 * Lists the figures the live index holds as facts: who, when, what, how much, and the sentence.
 */

runCli(async () => {
  const { flags } = parseArgs(process.argv.slice(2), ["zone", "metric", "limit"]);
  const { config } = cliSetup();
  const live = await loadLiveIndex(config, await loadLexicon(config.CORPUS_DIR));
  const limit = typeof flags.limit === "string" ? Number(flags.limit) : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write("--limit needs a positive whole number.\n");
    return 1;
  }
  const facts = filterFacts(live.facts.facts, {
    zone: typeof flags.zone === "string" ? flags.zone : undefined,
    metric: typeof flags.metric === "string" ? flags.metric : undefined,
    limit,
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
    return 0;
  }
  if (facts.length === 0) {
    process.stdout.write(`No facts match (the index holds ${live.facts.size}). Metric keys are listed in ${config.CORPUS_DIR}/metrics.json.\n`);
    return 0;
  }
  for (const fact of facts) {
    const flagsText = [fact.qualifier, fact.scope ? `scope: ${fact.scope}` : "", fact.event ? "event" : ""].filter(Boolean).join(", ");
    process.stdout.write(
      `${fact.zone} (${fact.level}) | ${fact.period?.zh ?? "no period"} | ${fact.metric} (${fact.label}) | ${fact.raw} = ${fact.normalized} ${fact.normalizedUnit}${flagsText ? ` | ${flagsText}` : ""}\n` +
        `    ${fact.sentence}  [${fact.source}:${fact.sentenceStart}-${fact.sentenceEnd}]\n`,
    );
  }
  process.stdout.write(`${facts.length} of ${live.facts.size} facts.\n`);
  return 0;
});
