import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { Logger } from "../../core/logger.js";
import { sendJson, sendText, type Route, type RouteContext } from "../http/routes.js";
import { verifySlackSignature } from "./slack-signature.js";

/**
 * A Bolt Receiver mounted on our one HTTP server (instead of Bolt's own HTTPReceiver, which
 * would open a second port). It only verifies, parses and acknowledges; Bolt routes the event to
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

  route(): Route {
    // Public: the receiver verifies Slack's request signature on the raw body itself.
    return { method: "POST", path: this.options.path ?? "/slack/events", access: "public", handler: (context) => this.handle(context) };
  }

  private async handle({ req, res, rawBody }: RouteContext): Promise<void> {
    if (!verifySlackSignature({ signingSecret: this.options.signingSecret, nowMs: this.now() }, rawBody, req.headers)) {
      sendText(res, 401, "");
      return;
    }
    const body = parseSlackBody(rawBody, String(req.headers["content-type"] ?? ""));
    if (body === undefined) {
      sendJson(res, 400, { error: { code: "REQUEST_INVALID", message: "The Slack request body could not be parsed." } });
      return;
    }
    if (body.ssl_check) {
      sendText(res, 200, "");
      return;
    }
    if (body.type === "url_verification") {
      sendJson(res, 200, { challenge: body.challenge });
      return;
    }
    if (!this.app) throw new Error("SlackRouteReceiver used before Bolt called init()");

    let answered = false;
    const respond = (status: number, response?: unknown) => {
      if (answered) return;
      answered = true;
      if (response === undefined || response === "") sendText(res, status, "");
      else if (typeof response === "string") sendText(res, status, response);
      else sendJson(res, status, response);
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
      retryNum: numberHeader(req.headers["x-slack-retry-num"]),
      retryReason: stringHeader(req.headers["x-slack-retry-reason"]),
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
