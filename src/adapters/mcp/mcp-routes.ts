import type { FastifyReply } from "fastify";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Logger } from "../../core/logger.js";
import { keepRawBody, rawBodyOf, writeRaw, type HttpPlugin } from "../http/plugin.js";
import { createMcpServer, type McpBackend } from "./mcp-server.js";

/**
 * MCP over Streamable HTTP at POST /mcp, stateless: every request gets its own server and
 * transport, so any worker or replica can answer any request (no session to pin). Who may call it
 * is the API's rule (API_KEYS as bearer), and each request counts as one ask against the ask limits.
 */

function jsonRpcError(reply: FastifyReply, status: number, code: number, message: string): FastifyReply {
  if (status === 405) void reply.header("allow", "POST");
  return reply.code(status).type("application/json").send(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

export function createMcpPlugin(backend: McpBackend, log: Logger): HttpPlugin {
  return async function mcp(scope) {
    // Any content type reaches the handler, which answers a JSON-RPC parse error itself.
    keepRawBody(scope);
    const notAllowed = (_request: unknown, reply: FastifyReply) =>
      jsonRpcError(reply, 405, -32000, "This MCP server is stateless: send JSON-RPC messages with POST /mcp (no session stream to open or delete).");
    scope.post("/mcp", { config: { access: "apiKey", limit: "ask", noStore: true } }, async (request, reply) => {
      let body: unknown;
      try {
        body = JSON.parse(rawBodyOf(request).toString("utf8"));
      } catch {
        return jsonRpcError(reply, 400, -32700, "Parse error: the body is not JSON. Send a JSON-RPC message with Content-Type: application/json.");
      }
      // The SDK's transport writes the Node response itself.
      await writeRaw(request, reply, log, async () => {
        const server = createMcpServer(backend, log);
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        reply.raw.once("close", () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, body);
      });
    });
    scope.get("/mcp", { config: { access: "apiKey" } }, notAllowed);
    scope.delete("/mcp", { config: { access: "apiKey" } }, notAllowed);
  };
}
