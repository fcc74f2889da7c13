import { randomBytes, randomUUID } from "node:crypto";
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyMultipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger as PinoLogger } from "pino";
import { AppError, isAppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { requestContext } from "../../core/request-context.js";
import { createAccessHook, type AccessOptions } from "./access.js";
import { isRawRoute, sendJson, type FrameworkRoute, type RawRoute, type Route } from "./routes.js";

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: Route[];
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

function tooLarge(limit: number): AppError {
  return new AppError("REQUEST_TOO_LARGE", `The request body is larger than ${limit} bytes.`, {
    hint: "Send a shorter request.",
  });
}

/** Maps framework errors (body limit, media type, CSRF) into the product's coded error family. */
function toAppError(error: FastifyError | Error, maxBodyBytes: number): AppError | undefined {
  if (isAppError(error)) return error;
  const code = (error as FastifyError).code;
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE" || code === "FST_REQ_FILE_TOO_LARGE" || code === "FST_PARTS_LIMIT" || code === "FST_FILES_LIMIT")
    return code === "FST_ERR_CTP_BODY_TOO_LARGE" ? tooLarge(maxBodyBytes) : new AppError("REQUEST_TOO_LARGE", error.message, { hint: "Upload fewer or smaller files." });
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || code === "FST_INVALID_MULTIPART_CONTENT_TYPE")
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "This content type is not accepted here.", { hint: "Send application/json (or multipart/form-data for uploads)." });
  if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || code === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return new AppError("REQUEST_INVALID", "The request body is not valid JSON.", { hint: "Send a JSON object." });
  if (code?.startsWith("FST_CSRF")) return new AppError("FORBIDDEN", "Missing or wrong CSRF token.", { hint: "Reload the admin page and try again." });
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new AppError("REQUEST_INVALID", error.message);
  return undefined;
}

/** The JSON error body: client errors say what went wrong; server errors keep details in the log. */
function errorBody(error: unknown, maxBodyBytes: number): { status: number; body: unknown } {
  const appError = error instanceof Error ? toAppError(error, maxBodyBytes) : undefined;
  if (appError && appError.status < 500) return { status: appError.status, body: appError.toJSON() };
  return {
    status: appError?.status ?? 500,
    body: {
      error: {
        code: appError?.code ?? "INTERNAL",
        // Server-side messages can carry upstream details (an embedder's error, its URL): they go
        // to the log; the client gets the code and the hint.
        message: appError ? `The server could not handle the request (${appError.code}).` : "Something went wrong while handling the request.",
        hint: appError ? appError.hint : "Try again; if it keeps failing, check the server log.",
      },
    },
  };
}

/**
 * One Fastify server for every adapter. Raw routes live in their own scope whose only body
 * parser keeps the exact bytes (any content type); framework routes get JSON, cookies, CSRF
 * and multipart from Fastify's maintained plugins.
 */
/**
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

  const knownPaths = new Set(options.routes.map((route) => route.path));
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
    const { status, body } = errorBody(error, maxBodyBytes);
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
    for (const method of [route.method].flat()) if (method !== "HEAD") mounted.push({ method, url: route.url, access: route.config?.access });
  });

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
  for (const route of options.routes.filter((candidate): candidate is FrameworkRoute => !isRawRoute(candidate))) {
    app.route({
      method: route.method,
      url: route.path,
      config: { access: route.access, limit: route.limit, noStore: route.noStore },
      preHandler: route.preHandler,
      ...(route.multipart ? { bodyLimit: Number.MAX_SAFE_INTEGER } : {}),
      handler: (request, reply) => requestContext.run({ reqId: String(request.id) }, () => route.reply(request, reply)),
    });
  }

  // Raw scope: the exact bytes of any content type, for signature checks.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxBodyBytes }, (_request, body, done) => done(null, body));
    for (const route of options.routes.filter(isRawRoute)) registerRaw(scope, route, options);
  });

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

function registerRaw(scope: FastifyInstance, route: RawRoute, options: Pick<HttpServerOptions, "log" | "maxBodyBytes">): void {
  scope.route({
    method: route.method,
    url: route.path,
    config: { access: route.access, limit: route.limit, noStore: route.noStore },
    handler: async (request, reply: FastifyReply) => {
      // The adapter writes to the Node response itself (Bolt's receiver, XML replies).
      reply.hijack();
      const res: ServerResponse = reply.raw;
      const url = new URL(request.url, "http://localhost");
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        await requestContext.run({ reqId: String(request.id) }, () => route.handler({ req: request.raw, res, url, rawBody }));
      } catch (error) {
        if (res.headersSent) {
          options.log.error(`request ${url.pathname} failed after the response started`, error);
          res.end();
          return;
        }
        const { status, body } = errorBody(error, options.maxBodyBytes);
        if (status >= 500) options.log.error(`request ${url.pathname} failed`, error);
        sendJson(res, status, body);
      }
    },
  });
}
