import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError, isAppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { sendJson, type Route } from "./routes.js";

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: Route[];
  maxBodyBytes: number;
  log: Logger;
}

export interface RunningServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops listening; requests in flight get up to `drainMs` (default 0: cut at once) to finish. */
  close(drainMs?: number): Promise<void>;
}

/** Reads the whole body, refusing more than `limit` bytes without buffering them. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(tooLarge(limit));
      req.resume();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (part: Buffer) => {
      size += part.length;
      if (size > limit) {
        // Discard the rest instead of destroying the socket: destroying it would lose the 413
        // answer and the client would see a bare connection reset.
        parts.length = 0;
        req.removeAllListeners("data");
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      parts.push(part);
    });
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

function tooLarge(limit: number): AppError {
  return new AppError("REQUEST_TOO_LARGE", `The request body is larger than ${limit} bytes.`, {
    hint: "Send a shorter request.",
  });
}

/** One server for every adapter; routes are matched on method and exact path. */
export function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const table = new Map(options.routes.map((route) => [`${route.method} ${route.path}`, route]));
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = table.get(`${req.method ?? "GET"} ${url.pathname}`);
    try {
      if (!route) {
        const pathKnown = options.routes.some((candidate) => candidate.path === url.pathname);
        sendJson(res, pathKnown ? 405 : 404, {
          error: pathKnown
            ? { code: "METHOD_NOT_ALLOWED", message: `${req.method} is not allowed on ${url.pathname}.` }
            : { code: "NOT_FOUND", message: `No route for ${url.pathname}.`, hint: "See README for the endpoints." },
        });
        return;
      }
      const rawBody = req.method === "GET" ? Buffer.alloc(0) : await readBody(req, options.maxBodyBytes);
      await route.handler({ req, res, url, rawBody });
    } catch (error) {
      if (res.headersSent) {
        options.log.error(`request ${url.pathname} failed after the response started`, error);
        res.end();
        return;
      }
      if (isAppError(error) && error.status < 500) {
        // The unread rest of an oversized body is discarded by closing the connection after the answer.
        if (error.code === "REQUEST_TOO_LARGE") res.setHeader("connection", "close");
        sendJson(res, error.status, error.toJSON());
        return;
      }
      options.log.error(`request ${url.pathname} failed`, error);
      const status = isAppError(error) ? error.status : 500;
      sendJson(res, status, {
        error: {
          code: isAppError(error) ? error.code : "INTERNAL",
          // Server-side messages can carry upstream details (an embedder's error, its URL): they go
          // to the log; the client gets the code and the hint.
          message: isAppError(error) ? `The server could not handle the request (${error.code}).` : "Something went wrong while handling the request.",
          hint: isAppError(error) ? error.hint : "Try again; if it keeps failing, check the server log.",
        },
      });
    }
  });
  // Slack and WeChat keep connections open; do not let idle sockets keep the process alive on close.
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${host}:${address.port}`,
        // Drains: no new connections, idle keep-alive sockets closed now, requests in flight may
        // finish within `drainMs` (SIGTERM), then whatever is left is cut.
        close: (drainMs = 0) =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            if (drainMs <= 0) server.closeAllConnections();
            else setTimeout(() => server.closeAllConnections(), drainMs).unref();
          }),
      });
    });
  });
}
