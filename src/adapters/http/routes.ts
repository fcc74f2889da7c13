import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import type { RoutePolicy } from "./access.js";

/**
 * The contract between the one HTTP server (Fastify, src/adapters/http/server.ts) and the
 * adapters mounted on it. Two kinds of routes:
 *
 * - raw routes (`handler`): the server reads the body (413 over MAX_BODY_BYTES) and passes the
 *   exact bytes, because Slack/WeChat/WeCom signature checks and Bolt's receiver need them; the
 *   handler writes to the Node response itself.
 * - framework routes (`reply`): ordinary Fastify handlers with the cookie, CSRF and multipart
 *   plugins available (the web pages, the admin console).
 *
 * Both declare who may call them (`access`, see ./access.ts): the server refuses a route without.
 */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  rawBody: Buffer;
}

type RouteHandler = (context: RouteContext) => Promise<void> | void;

type HttpMethod = "GET" | "POST" | "DELETE";

export interface RawRoute extends RoutePolicy {
  method: HttpMethod;
  path: string;
  handler: RouteHandler;
}

export interface FrameworkRoute extends RoutePolicy {
  method: HttpMethod;
  path: string;
  /** Fastify handler; a returned value is sent as JSON. */
  reply: (request: FastifyRequest, reply: FastifyReply) => unknown;
  /** Checks run before the handler (e.g. CSRF); who may call the route is `access`. */
  preHandler?: preHandlerHookHandler[];
  /** Multipart routes get no body limit from MAX_BODY_BYTES (the multipart limits apply). */
  multipart?: boolean;
}

export type Route = RawRoute | FrameworkRoute;

export function isRawRoute(route: Route): route is RawRoute {
  return "handler" in route;
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
