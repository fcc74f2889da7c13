import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createRuntime } from "../../app/runtime.js";
import { cliSetup, runCliEntry } from "../cli/cli-support.js";
import { createMcpServer } from "./mcp-server.js";

/**
 * npm run mcp: the MCP server over stdio, for an AI client that starts it as a subprocess. Stdout
 * carries the protocol only; logs go to stderr. Conversations (ask's conversation_id) live as long
 * as the process, i.e. the client's session.
 */
runCliEntry(import.meta.url, async (_argv, io) => {
  const { config, log } = cliSetup(io.env);
  const runtime = await createRuntime(config, { log, memoryState: true });
  const server = createMcpServer({ ask: (question, options) => runtime.service.ask(question, options), assistant: runtime.service }, log);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport());
  log.info(`MCP server on stdio (index ${runtime.service.status().indexVersion}, ${runtime.service.status().chunks} chunks).`);
  // The client ends the session by closing stdin.
  process.stdin.once("end", () => void server.close());
  await closed;
  await runtime.close();
  return 0;
});
