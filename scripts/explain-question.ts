/**
 * `npx tsx scripts/explain-question.ts "question" [--corpus DIR [--alone]] [--follow-ups]`: prints how a question is
 * read (kind, terms, frame) and the claim candidates the strategies rank, for developers tuning cue data.
 * With --follow-ups the questions are one conversation, so "那衡阳呢？" follows the question before it.
 */
import { loadConfig } from "../src/core/config.js";
import { createRuntime } from "../src/app/runtime.js";
import { prepareEvalCorpus } from "../src/app/eval-corpus.js";
import { createLogger } from "../src/core/logger.js";

const args = process.argv.slice(2);
const corpusAt = args.indexOf("--corpus");
const corpus = corpusAt >= 0 ? args[corpusAt + 1] : undefined;
const questions = args.filter((arg, index) => !arg.startsWith("--") && (corpusAt < 0 || index !== corpusAt + 1));
const config = loadConfig(process.env);
const log = createLogger("error");
const scratch = corpus ? await prepareEvalCorpus(config, corpus, { alone: args.includes("--alone") }) : undefined;
const runtime = await createRuntime(scratch?.config ?? config, { log, memoryState: true });
process.env.EXPLAIN_CLAIMS = "1";
for (const question of questions) {
  const answer = await runtime.service.ask(question, args.includes("--follow-ups") ? { conversationId: "explain" } : {});
  console.log("\n### " + question + "\n" + answer.answer.slice(0, 600));
}
await runtime.close();
await scratch?.cleanup();
