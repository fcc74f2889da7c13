import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The contract between the one HTTP server and the adapters mounted on it (api, slack, wechat,
 * wecom, admin). The server reads the body (refusing bodies over MAX_BODY_BYTES with 413) and
 * passes the raw bytes, because signature checks need the exact bytes that were sent.
 */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  rawBody: Buffer;
}

export type RouteHandler = (context: RouteContext) => Promise<void> | void;

export interface Route {
  method: "GET" | "POST";
  path: string;
  handler: RouteHandler;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, contentType = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
