import { writeFile } from "node:fs/promises";
import { evaluateWithSummary } from "../../app/eval-report.js";
import { createRuntime } from "../../app/runtime.js";
import { prepareEvalCorpus } from "../../app/eval-corpus.js";
import { cliSetup, parseArgs, runCli } from "./cli-support.js";

/** npm run eval -- FILE.jsonl [--json OUT.json] [--corpus DIR] */
runCli(async () => {
  const { flags, positional } = parseArgs(process.argv.slice(2), ["json", "corpus"]);
  const file = positional[0] ?? "tests/eval/dev.jsonl";
  const { config, log } = cliSetup();
  // --corpus DIR: a throw-away index over DIR; the live index in DATA_DIR is neither read nor changed.
  const scratch = typeof flags.corpus === "string" ? await prepareEvalCorpus(config, flags.corpus) : undefined;
  const runtime = await createRuntime(scratch?.config ?? config, { log, memoryState: true }).catch(async (error: unknown) => {
    await scratch?.cleanup();
    throw error;
  });
  try {
    const { results, table } = await evaluateWithSummary(runtime.service, file);
    process.stdout.write(table + "\n");
    if (typeof flags.json === "string") {
      const raw = results.map(({ id, question, answer, refused, mode, citations, passed, missingSources, missingGroups, missingLead, forbidden }) => ({
        id,
        question,
        answer,
        refused,
        mode,
        citations,
        passed,
        // Which check failed, as in the printed report.
        failed: { missingSources, missingGroups, missingLead, forbidden },
      }));
      await writeFile(flags.json, JSON.stringify(raw, null, 2) + "\n");
      process.stdout.write(`Raw results written to ${flags.json}\n`);
    }
  } finally {
    await runtime.close();
    await scratch?.cleanup();
  }
});
