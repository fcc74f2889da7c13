import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../core/logger.js";
import { errorBody } from "./errors.js";

/**
 * The contract between the one HTTP server (./server.ts) and what is mounted on it: each adapter
 * and each admin area is one Fastify plugin, registered in its own (encapsulated) scope. Its
 * routes declare who may call them in `config.access` (see ./access.ts; the server refuses a
 * route without) and, where they take input, a zod schema (`schema.body`, `querystring`,
 * `params`) that validates the request, types the handler and documents the route in
 * GET /api/openapi.json (see ./openapi.ts) — one declaration for all three.
 */
export type HttpPlugin = FastifyPluginAsync;

/**
 * Makes a plugin's scope hand every request body over as its exact bytes (any content type, up to
 * MAX_BODY_BYTES): the chat platforms sign the raw body, so it must not be parsed before the check.
 */
export function keepRawBody(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
}

/** The body bytes in a `keepRawBody` scope (empty when the request had none). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * For libraries that write the Node response themselves (the MCP SDK's transport): Fastify lets go
 * of the reply, and an error before the response started still becomes the coded JSON body.
 */
export async function writeRaw(request: FastifyRequest, reply: FastifyReply, log: Logger, write: () => Promise<void>): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  const pathname = request.url.split("?")[0];
  try {
    await write();
  } catch (error) {
    if (res.headersSent) {
      log.error(`request ${pathname} failed after the response started`, error);
      res.end();
      return;
    }
    const { status, body } = errorBody(error, request.server.initialConfig.bodyLimit ?? 1024 * 1024, request);
    if (status >= 500) log.error(`request ${pathname} failed`, error);
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }
}
