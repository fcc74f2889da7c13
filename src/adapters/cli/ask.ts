import { createRuntime } from "../../app/runtime.js";
import { cliSetup, parseCommandArgs, runCliEntry, type CliIo } from "./cli-support.js";
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
export async function ask(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(askCommand, argv, io);
  const { config, log } = cliSetup(io.env);
  const conversationId = values.conversation;
  // One-shot questions need no durable state; a named conversation persists across invocations.
  const runtime = await createRuntime(config, { log, memoryState: conversationId === undefined });
  try {
    const answer = await runtime.service.ask(positionals.join(" "), { conversationId });
    io.stdout.write((values.json ? JSON.stringify(answer, null, 2) : renderAnswerText(answer)) + "\n");
    return 0;
  } finally {
    await runtime.close();
  }
}

runCliEntry(import.meta.url, ask);
