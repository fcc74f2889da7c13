import type { FastifyInstance } from "fastify";
import { createHttpApp, type HttpServerOptions } from "../../src/adapters/http/server.js";

/**
 * The product's Fastify app driven in process with `app.inject()` (no port), behind a `fetch`
 * with the same signature and Response as the real one, so route tests read as HTTP calls.
 */

export interface InjectServer {
  app: FastifyInstance;
  /** `fetch("/path", init)` answered by the app. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startInjectServer(options: Omit<HttpServerOptions, "host" | "port">): Promise<InjectServer> {
  const { app } = await createHttpApp(options);
  return { app, fetch: injectFetch(app), close: () => app.close() };
}

function injectFetch(app: FastifyInstance): InjectServer["fetch"] {
  return async (path, init = {}) => {
    // A Request encodes any body (string, JSON, URLSearchParams, FormData with its boundary) as fetch would.
    const request = new Request(new URL(path, "http://127.0.0.1"), init);
    const payload = init.body === undefined || init.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const requestHeaders: Record<string, string> = {};
    request.headers.forEach((value, name) => (requestHeaders[name] = value));
    const response = await app.inject({
      method: request.method as "GET",
      url: path,
      headers: requestHeaders,
      payload,
      remoteAddress: "127.0.0.1",
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const one of [value].flat()) headers.append(name, String(one));
    }
    const empty = response.statusCode === 204 || response.statusCode === 304 || request.method === "HEAD";
    return new Response(empty ? null : new Uint8Array(response.rawPayload), { status: response.statusCode, headers });
  };
}
