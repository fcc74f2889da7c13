import { createRuntime } from "../../app/runtime.js";
import { cliSetup, parseCommandArgs, runCli } from "./cli-support.js";
import { renderAnswerText } from "./render-answer.js";

export const askCommand = {
  usage: 'npm run ask -- "QUESTION" [--json] [--conversation ID]',
  description: [
    "Answers one question from the live index and prints the answer with its sources.",
    "  --json              print the Answer object as JSON",
    "  --conversation ID   keep a conversation (follow-ups) under ID in the state store",
    "  --help              show this text",
  ].join("\n"),
  options: { json: { type: "boolean" }, conversation: { type: "string" } },
  minPositionals: 1,
} as const;

/** npm run ask -- "question" [--json] [--conversation ID] */
runCli(async () => {
  const { values, positionals } = parseCommandArgs(askCommand);
  const { config, log } = cliSetup();
  const conversationId = values.conversation;
  // One-shot questions need no durable state; a named conversation persists across invocations.
  const runtime = await createRuntime(config, { log, memoryState: conversationId === undefined });
  try {
    const answer = await runtime.service.ask(positionals.join(" "), { conversationId });
    process.stdout.write((values.json ? JSON.stringify(answer, null, 2) : renderAnswerText(answer)) + "\n");
  } finally {
    await runtime.close();
  }
});
