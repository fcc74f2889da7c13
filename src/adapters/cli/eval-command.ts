import { writeFile } from "node:fs/promises";
import { evaluateWithSummary } from "../../app/eval-report.js";
import { createRuntime } from "../../app/runtime.js";
import { cliSetup, parseCommandArgs, runCli } from "./cli-support.js";

const DEFAULT_EVAL_FILE = "tests/eval/dev.jsonl";

const evalCommand = {
  usage: "npm run eval -- [FILE.jsonl] [--json OUT.json]",
  description: [
    `Runs the evaluation questions in FILE.jsonl (default ${DEFAULT_EVAL_FILE}) against the live index and prints a table.`,
    "  --json OUT.json   also write the raw answers to OUT.json",
    "  --help            show this text",
  ].join("\n"),
  options: { json: { type: "string" } },
  maxPositionals: 1,
} as const;

/** npm run eval -- FILE.jsonl [--json OUT.json] */
runCli(async () => {
  const { values, positionals } = parseCommandArgs(evalCommand);
  const file = positionals[0] ?? DEFAULT_EVAL_FILE;
  if (positionals[0] === undefined) process.stderr.write(`No question file given: using ${DEFAULT_EVAL_FILE} (pass another as \`npm run eval -- FILE.jsonl\`).\n`);
  const { config, log } = cliSetup();
  const runtime = await createRuntime(config, { log, memoryState: true });
  try {
    const { results, table } = await evaluateWithSummary(runtime.service, file);
    process.stdout.write(table + "\n");
    if (values.json !== undefined) {
      const raw = results.map(({ id, question, answer, refused, mode, citations }) => ({ id, question, answer, refused, mode, citations }));
      await writeFile(values.json, JSON.stringify(raw, null, 2) + "\n");
      process.stdout.write(`Raw results written to ${values.json}\n`);
    }
  } finally {
    await runtime.close();
  }
});
