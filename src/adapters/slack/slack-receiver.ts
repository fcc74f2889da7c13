import type { IncomingHttpHeaders } from "node:http";
import { isValidSlackRequest, type App, type Receiver, type ReceiverEvent } from "@slack/bolt";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../core/logger.js";
import { keepRawBody, rawBodyOf, type HttpPlugin } from "../http/plugin.js";

/**
 * A Bolt Receiver mounted on our one HTTP server as a plugin (instead of Bolt's own HTTPReceiver,
 * which would open a second port). It only verifies (with Bolt's own request verification),
 * parses and acknowledges; Bolt routes the event to
 * the listeners. Slack retries any request not answered within 3 s, so the HTTP response goes
 * out when a listener calls ack() — or after `ackTimeoutMs` at the latest — while the listeners
 * keep running in the background.
 */
export interface SlackRouteReceiverOptions {
  signingSecret: string;
  log: Logger;
  path?: string;
  now?: () => number;
  ackTimeoutMs?: number;
}

export class SlackRouteReceiver implements Receiver {
  private app?: App;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: SlackRouteReceiverOptions) {
    this.now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    // Our HTTP server is started by the composition root, not by Bolt.
  }

  async stop(): Promise<void> {
    await this.idle();
  }

  /** Waits for Bolt to finish processing every request received so far. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** POST /slack/events in a scope that keeps the exact body bytes (Slack signs them). */
  plugin(): HttpPlugin {
    return async (scope) => {
      keepRawBody(scope);
      // Public: the receiver verifies Slack's request signature on the raw body itself.
      scope.post(this.options.path ?? "/slack/events", { config: { access: "public" } }, (request, reply) => this.handle(request, reply));
    };
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rawBody = rawBodyOf(request);
    const headers = request.headers;
    if (!verifySlackRequestAt(this.options.signingSecret, this.now(), rawBody, headers)) {
      await reply.code(401).type("text/plain; charset=utf-8").send("");
      return;
    }
    const body = parseSlackBody(rawBody, String(headers["content-type"] ?? ""));
    if (body === undefined) {
      await reply.code(400).send({ error: { code: "REQUEST_INVALID", message: "The Slack request body could not be parsed." } });
      return;
    }
    if (body.ssl_check) {
      await reply.type("text/plain; charset=utf-8").send("");
      return;
    }
    if (body.type === "url_verification") {
      await reply.send({ challenge: body.challenge });
      return;
    }
    if (!this.app) throw new Error("SlackRouteReceiver used before Bolt called init()");

    let answered = false;
    const respond = (status: number, response?: unknown) => {
      if (answered) return;
      answered = true;
      void reply.code(status);
      if (response === undefined || response === "") void reply.type("text/plain; charset=utf-8").send("");
      else if (typeof response === "string") void reply.type("text/plain; charset=utf-8").send(response);
      else void reply.send(response);
    };
    let acknowledged!: () => void;
    const ackSent = new Promise<void>((resolve) => (acknowledged = resolve));
    const timer = setTimeout(() => {
      this.options.log.warn("slack: a request was not acknowledged in time; answering 200 so Slack does not retry");
      respond(200);
      acknowledged();
    }, this.options.ackTimeoutMs ?? 2500);

    const event: ReceiverEvent = {
      body,
      retryNum: numberHeader(headers["x-slack-retry-num"]),
      retryReason: stringHeader(headers["x-slack-retry-reason"]),
      ack: async (response?: unknown) => {
        clearTimeout(timer);
        respond(200, response);
        acknowledged();
      },
    };
    const work = this.app
      .processEvent(event)
      .catch((error: unknown) => this.options.log.error("slack: processing an event failed", error))
      .finally(() => {
        clearTimeout(timer);
        // Bolt found no listener (or it never acked): still answer, so Slack does not retry.
        respond(200);
        acknowledged();
      });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    await ackSent;
  }
}

/** Slack's limit: a request more than five minutes from now, either way, may be a replay. */
const SLACK_MAX_SKEW_SECONDS = 5 * 60;

/**
 * Bolt's `isValidSlackRequest` (v0 HMAC of `v0:timestamp:body`, constant-time compare, stale
 * timestamps refused). Bolt only refuses timestamps in the past, so one from the future, or one
 * that is not a number, is refused here first — Slack's own rule is "within five minutes".
 */
export function verifySlackRequestAt(signingSecret: string, nowMs: number, rawBody: Buffer | string, headers: IncomingHttpHeaders): boolean {
  const signature = stringHeader(headers["x-slack-signature"]);
  const timestamp = stringHeader(headers["x-slack-request-timestamp"]);
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Number(timestamp) - nowMs / 1000 > SLACK_MAX_SKEW_SECONDS) return false;
  return isValidSlackRequest({
    signingSecret,
    body: typeof rawBody === "string" ? rawBody : rawBody.toString("utf8"),
    headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) },
    nowMilliseconds: nowMs,
  });
}

/** JSON (Events API) or form-encoded (slash commands; interactive payloads in a `payload` field). */
export function parseSlackBody(rawBody: Buffer, contentType: string): Record<string, unknown> | undefined {
  const text = rawBody.toString("utf8");
  try {
    if (contentType.includes("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams(text);
      const payload = form.get("payload");
      if (payload !== null) return asObject(JSON.parse(payload));
      return Object.fromEntries(form.entries());
    }
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function numberHeader(value: string | string[] | undefined): number | undefined {
  const text = stringHeader(value);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function stringHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
