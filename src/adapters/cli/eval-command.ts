import { writeFile } from "node:fs/promises";
import { evaluateWithSummary } from "../../app/eval-report.js";
import { createRuntime } from "../../app/runtime.js";
import { prepareEvalCorpus } from "../../app/eval-corpus.js";
import { cliSetup, parseCommandArgs, runCliEntry, type CliIo } from "./cli-support.js";

const DEFAULT_EVAL_FILE = "tests/eval/dev.jsonl";

export const evalCommand = {
  usage: "npm run eval -- [FILE.jsonl] [--json OUT.json] [--corpus DIR [--alone]]",
  description: [
    `Runs the evaluation questions in FILE.jsonl (default ${DEFAULT_EVAL_FILE}) against the live index and prints a table.`,
    "  --json OUT.json   also write the raw answers to OUT.json",
    "  --corpus DIR      answer from a throw-away index built from DIR (DATA_DIR is neither read nor changed)",
    "  --alone           with --corpus: index DIR alone, without this repo's gazetteer (as a user's own documents)",
    "  --help            show this text",
  ].join("\n"),
  options: { json: { type: "string" }, corpus: { type: "string" }, alone: { type: "boolean" } },
  maxPositionals: 1,
} as const;

/** npm run eval -- FILE.jsonl [--json OUT.json] [--corpus DIR] */
export async function evaluateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values: flags, positionals } = parseCommandArgs(evalCommand, argv, io);
  const file = positionals[0] ?? DEFAULT_EVAL_FILE;
  if (positionals[0] === undefined) io.stderr.write(`No question file given: using ${DEFAULT_EVAL_FILE} (pass another as \`npm run eval -- FILE.jsonl\`).\n`);
  const { config, log } = cliSetup(io.env);
  // --corpus DIR: a throw-away index over DIR; the live index in DATA_DIR is neither read nor changed.
  const scratch = typeof flags.corpus === "string" ? await prepareEvalCorpus(config, flags.corpus, { alone: flags.alone === true }) : undefined;
  const runtime = await createRuntime(scratch?.config ?? config, { log, memoryState: true }).catch(async (error: unknown) => {
    await scratch?.cleanup();
    throw error;
  });
  try {
    const { results, table } = await evaluateWithSummary(runtime.service, file);
    io.stdout.write(table + "\n");
    if (typeof flags.json === "string") {
      const raw = results.map(({ id, verdict, question, answer, refused, mode, citations, passed, missingSources, missingGroups, missingLead, forbidden }) => ({
        id,
        verdict,
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
      io.stdout.write(`Raw results written to ${flags.json}\n`);
    }
    return 0;
  } finally {
    await runtime.close();
    await scratch?.cleanup();
  }
}

runCliEntry(import.meta.url, evaluateCommand);
