/**
 * `npm run eval:verdicts`: answers the real-document sets (each over its folder alone) and writes
 * every question's verdict to tests/eval/expected-verdicts.json, which tests/e2e/real-documents-eval.test.ts
 * holds. Run it when a change is meant to improve verdicts, and commit the file with the change.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { prepareEvalCorpus } from "../src/app/eval-corpus.js";
import { loadEvalFile, runEval, summarize } from "../src/app/evaluate.js";
import { createRuntime } from "../src/app/runtime.js";
import { loadConfig } from "../src/core/config.js";
import { createLogger } from "../src/core/logger.js";

type EvalSet = { name: string; questions: string; corpus: string };
const readSets = (file: string, alone: boolean) => (JSON.parse(readFileSync(file, "utf8")) as EvalSet[]).map((set) => ({ ...set, alone }));
const sets = [...readSets("tests/eval/real-document-sets.json", true), ...readSets("tests/eval/verdict-sets.json", false)];

const config = loadConfig(process.env);
const output: Record<string, Record<string, string>> = {};
for (const { name, questions, corpus, alone } of sets) {
  const scratch = await prepareEvalCorpus(config, corpus, { alone });
  const runtime = await createRuntime(scratch.config, { log: createLogger("error"), memoryState: true });
  const results = await runEval(runtime.service, await loadEvalFile(questions));
  output[name] = Object.fromEntries(results.map((result) => [result.id, result.verdict]));
  const summary = summarize(results);
  process.stdout.write(`${name.padEnd(20)} ${summary.correct} correct / ${summary.abstained} abstained / ${summary.wrong} wrong / ${summary.missed} missed (of ${summary.total})\n`);
  await runtime.close();
  await scratch.cleanup();
}
await writeFile("tests/eval/expected-verdicts.json", JSON.stringify(output, null, 1) + "\n");
process.stdout.write("Wrote tests/eval/expected-verdicts.json\n");
