import { createRuntime } from "../../app/runtime.js";
import { cliSetup, parseArgs, runCli } from "./cli-support.js";
import { renderAnswerText } from "./render-answer.js";

/** npm run ask -- "question" [--json] [--conversation ID] */
runCli(async () => {
  const { flags, positional } = parseArgs(process.argv.slice(2), ["conversation"]);
  const { config, log } = cliSetup();
  const conversationId = typeof flags.conversation === "string" ? flags.conversation : undefined;
  // One-shot questions need no durable state; a named conversation persists across invocations.
  const runtime = await createRuntime(config, { log, memoryState: conversationId === undefined });
  try {
    const answer = await runtime.service.ask(positional.join(" "), { conversationId });
    process.stdout.write((flags.json ? JSON.stringify(answer, null, 2) : renderAnswerText(answer)) + "\n");
  } finally {
    await runtime.close();
  }
});
