import type { ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Logger } from "../../core/logger.js";
import type { Route } from "../http/routes.js";
import { createMcpServer, type McpBackend } from "./mcp-server.js";

/**
 * MCP over Streamable HTTP at POST /mcp, stateless: every request gets its own server and
 * transport, so any worker or replica can answer any request (no session to pin). Who may call it
 * is the API's rule (API_KEYS as bearer), and each request counts as one ask against the ask limits.
 */

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(status === 405 ? { allow: "POST" } : {}) });
  res.end(body);
}

export function createMcpRoutes(backend: McpBackend, log: Logger): Route[] {
  const notAllowed = (res: ServerResponse) => jsonRpcError(res, 405, -32000, "This MCP server is stateless: send JSON-RPC messages with POST /mcp (no session stream to open or delete).");
  return [
    {
      method: "POST",
      path: "/mcp",
      access: "apiKey",
      limit: "ask",
      noStore: true,
      handler: async ({ req, res, rawBody }) => {
        let body: unknown;
        try {
          body = JSON.parse(rawBody.toString("utf8"));
        } catch {
          jsonRpcError(res, 400, -32700, "Parse error: the body is not JSON. Send a JSON-RPC message with Content-Type: application/json.");
          return;
        }
        const server = createMcpServer(backend, log);
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        res.once("close", () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, body);
      },
    },
    { method: "GET", path: "/mcp", access: "apiKey", handler: ({ res }) => notAllowed(res) },
    { method: "DELETE", path: "/mcp", access: "apiKey", handler: ({ res }) => notAllowed(res) },
  ];
}
