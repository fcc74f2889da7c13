import { randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyMultipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { ZodType } from "zod";
import type { Logger as PinoLogger } from "pino";
import type { Logger } from "../../core/logger.js";
import { requestContext } from "../../core/request-context.js";
import { createAccessHook, type AccessOptions } from "./access.js";
import { errorBody } from "./errors.js";
import { swaggerOptions } from "./openapi.js";
import type { HttpPlugin } from "./plugin.js";

export interface HttpServerOptions {
  host: string;
  port: number;
  /** One Fastify plugin per adapter and admin area (see ./plugin.ts), each registered in its own scope. */
  plugins: HttpPlugin[];
  maxBodyBytes: number;
  log: Logger;
  /** Structured request logs (one line per request, with its id); none when omitted. */
  pino?: PinoLogger;
  /** Signs cookies (admin session, CSRF secret, API-key sign-in); random per process when omitted (tests). */
  cookieSecret?: string;
  /** Who may call each kind of route, per-route limits and extra allowed origins (see ./access.ts). */
  access?: AccessOptions;
  /** Fastify's trustProxy (TRUST_PROXY): whose X-Forwarded-* headers give the client address and scheme. */
  trustProxy?: boolean | number | string;
  /** `Secure` on cookies: always, never, or when the request came over HTTPS (COOKIE_SECURE). */
  secureCookies?: "auto" | "true" | "false";
  /** Upload limits for multipart routes. */
  upload?: { maxFileBytes: number; maxFiles: number };
  /** Folders served as static files (the web pages). */
  staticDirs?: Array<{ root: string; prefix: string }>;
  /** Headers added to every response (Content-Security-Policy …). */
  headers?: Record<string, string>;
  /** Called once per finished request, e.g. for Prometheus counters. */
  onResponse?: (sample: { route: string; method: string; status: number; seconds: number }) => void;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Whether cookies set in answer to this request get `Secure` (COOKIE_SECURE, or HTTPS when auto). */
    secureCookie(): boolean;
  }
}

export interface RunningServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  app: FastifyInstance;
  /** Every route the server answers (method, path pattern and declared access), e.g. to check the OpenAPI document. */
  routes: Array<{ method: string; url: string; access?: string }>;
  /** Stops listening; requests in flight get up to `drainMs` (default 0: cut at once) to finish. */
  close(drainMs?: number): Promise<void>;
}

/**
 * One Fastify server for every adapter: cookies, CSRF, multipart, static files and the OpenAPI
 * document from Fastify's maintained plugins, one access hook, one error handler; each adapter's
 * routes come as a plugin in its own scope (the chat platforms' scopes keep the exact body bytes).
 *
 * The Fastify app with every route and hook, ready but not listening: tests that need only the app
 * drive it with `app.inject()`; startHttpServer listens on it.
 */
export async function createHttpApp(options: Omit<HttpServerOptions, "host" | "port">): Promise<{ app: FastifyInstance; routes: RunningServer["routes"] }> {
  const { maxBodyBytes } = options;
  // Typed as the default instance: a pino logger passed in only changes the logger's type.
  const app = Fastify({
    ...(options.pino ? { loggerInstance: options.pino } : { logger: false }),
    bodyLimit: maxBodyBytes,
    // A proxy's or client's request id is kept when it looks like one, so logs can be joined.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    },
    // One line per request instead of Fastify's two (written below, when the response is finished).
    logController: new LogController({ disableRequestLogging: true }),
    // Slack and WeChat keep connections open; idle sockets are closed at once on close, requests
    // in flight may finish (see close below); new requests during close get 503.
    keepAliveTimeout: 5000,
    forceCloseConnections: "idle",
    // Fastify also takes a hop count (its types omit it): proxy-addr trusts that many hops.
    trustProxy: (options.trustProxy ?? false) as boolean | string,
  }) as unknown as FastifyInstance;

  // Paths some route answers: another method on one of them is a 405, not a 404.
  const knownPaths = new Set<string>();
  const mounted: Array<{ method: string; url: string; access?: string }> = [];
  app.addHook("onRequest", async (request, reply) => {
    const started = process.hrtime.bigint();
    reply.raw.setHeader("x-request-id", request.id);
    for (const [name, value] of Object.entries(options.headers ?? {})) reply.raw.setHeader(name, value);
    reply.raw.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = request.routeOptions.url ?? "unmatched";
      const status = reply.raw.statusCode;
      options.onResponse?.({ route, method: request.method, status, seconds });
      // Scrapes, polls and static files only at debug level, so the log shows what people did.
      const routine = request.method === "GET" && status < 400 && /^\/(metrics|healthz|admin\/status|admin\/session|assets\/)/.test(request.url);
      request.log[routine ? "debug" : "info"]({ method: request.method, url: request.url.split("?")[0], status, ms: Math.round(seconds * 10000) / 10 }, "request");
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const pathname = new URL(request.url, "http://localhost").pathname;
    const pathKnown = knownPaths.has(pathname);
    void reply.code(pathKnown ? 405 : 404).send({
      error: pathKnown
        ? { code: "METHOD_NOT_ALLOWED", message: `${request.method} is not allowed on ${pathname}.` }
        : { code: "NOT_FOUND", message: `No route for ${pathname}.`, hint: "See README for the endpoints." },
    });
  });
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorBody(error, maxBodyBytes, request);
    if (status >= 500) options.log.error(`request ${request.url} failed`, error);
    // The unread rest of an oversized body is discarded by closing the connection after the answer.
    if (status === 413) void reply.header("connection", "close");
    void reply.code(status).send(body);
  });

  // Routes the static plugin adds are public (the pages' scripts and styles); any other route
  // must declare its access, or the server does not start.
  const staticPrefixes = (options.staticDirs ?? []).map((dir) => dir.prefix);
  app.addHook("onRoute", (route) => {
    const config = route.config ?? {};
    if (!config.access) {
      if (!staticPrefixes.some((prefix) => route.url.startsWith(prefix))) {
        throw new Error(`Route ${[route.method].flat().join(",")} ${route.url} declares no access (public, apiKey, admin or metrics).`);
      }
      route.config = { ...config, access: "public" };
    }
    knownPaths.add(route.url);
    for (const method of [route.method].flat()) if (method !== "HEAD") mounted.push({ method, url: route.url, access: route.config?.access });
    // Log lines written while a handler runs carry the request id (src/core/request-context.ts).
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      return requestContext.run({ reqId: String(request.id) }, () => handler.call(this, request, reply));
    };
  });
  // Route schemas are zod (fastify-type-provider-zod): a missing body is validated as `{}`, so a
  // route whose every field is optional also takes no body at all. Its errors become REQUEST_INVALID
  // (./errors.ts).
  app.setValidatorCompiler((route) => {
    // A JSON Schema part only documents what the plugin reads itself (the multipart upload form).
    if (!(route.schema instanceof ZodType)) return () => true;
    const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
    return (data) => validate(data ?? {});
  });
  // Response schemas document the route and type its handler; the body is written as the handler
  // returned it, like a route without a schema (no second pass over every answer).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // Framework scope: cookies, CSRF, multipart, static pages.
  await app.register(fastifyCookie, { secret: options.cookieSecret ?? randomBytes(32).toString("hex") });
  // After the cookie parser: one check on the matched route's declared access, for every scope.
  app.addHook("onRequest", createAccessHook(options.access ?? {}));
  const secureCookies = options.secureCookies ?? "auto";
  app.decorateRequest("secureCookie", function (this: FastifyRequest) {
    return secureCookies === "true" || (secureCookies === "auto" && this.protocol === "https");
  });
  await app.register(fastifyCsrf, {
    cookieOpts: { path: "/", httpOnly: true, sameSite: "strict", signed: true },
    getToken: (request) => request.headers["x-csrf-token"] as string | undefined,
  });
  await app.register(fastifyMultipart, {
    // Keep the name as sent ("../x.md"), so a path in it is refused rather than silently cut off.
    preservePath: true,
    limits: { fileSize: options.upload?.maxFileBytes ?? 20 * 1024 * 1024, files: options.upload?.maxFiles ?? 20, fields: 10, parts: 40 },
    throwFileSizeLimit: true,
  });
  for (const [index, dir] of (options.staticDirs ?? []).entries()) {
    await app.register(fastifyStatic, { root: dir.root, prefix: dir.prefix, decorateReply: index === 0, index: false, wildcard: true });
  }
  // Before any route, so it sees them all; only routes with a `summary` are documented.
  await app.register(fastifySwagger, swaggerOptions);
  for (const plugin of options.plugins) await app.register(plugin);

  await app.ready();
  return { app, routes: mounted };
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { app, routes } = await createHttpApp(options);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server: app.server,
    app,
    routes,
    url: `http://${host}:${address.port}`,
    // Drains: no new connections, idle keep-alive sockets closed now, requests in flight may
    // finish within `drainMs` (SIGTERM: SHUTDOWN_TIMEOUT_MS), then whatever is left is cut.
    close: async (drainMs = 0) => {
      const cut = setTimeout(() => app.server.closeAllConnections(), Math.max(0, drainMs));
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
