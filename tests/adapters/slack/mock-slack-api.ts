import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface RecordedCall {
  method: string;
  body: Record<string, any>;
  /** What the mock answered. */
  response?: Record<string, any>;
}

/**
 * A local stand-in for https://slack.com/api/ and for response_url hooks, answering like Slack
 * does (ok, ts, channel …) and recording every call so tests can assert what the bot sent.
 */
export interface MockSlackApi {
  url: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Methods that answer `{ ok: false, error: "not_allowed" }` until removed (a workspace without the feature). */
  failing: Set<string>;
  /** Polls the recorded calls until `predicate` holds or `timeoutMs` passes. */
  waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface MockSlackApiOptions {
  /** When set, apps.connections.open succeeds and hands out this WebSocket URL (Socket Mode). */
  socketModeUrl?: string;
}

export async function startMockSlackApi(options: MockSlackApiOptions = {}): Promise<MockSlackApi> {
  const calls: RecordedCall[] = [];
  const failing = new Set<string>();
  // waitFor's pending checks, run whenever a call is recorded or answered (no polling).
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const check of [...waiters]) check();
  };
  let tsCounter = 0;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const text = Buffer.concat(parts).toString("utf8");
      const body = parseBody(text, String(req.headers["content-type"] ?? ""));
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const method = path.startsWith("/api/") ? path.slice("/api/".length) : `response${path.slice("/response".length)}`;
      const call: RecordedCall = { method, body };
      calls.push(call);
      notify();
      const reply = (payload: Record<string, any>) => {
        call.response = payload;
        notify();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (failing.has(method)) {
        reply({ ok: false, error: "not_allowed" });
      } else if (method === "auth.test") {
        reply({ ok: true, url: "https://example.slack.com/", team: "Example", user: "zonebot", team_id: "T0001", user_id: "UBOT", bot_id: "BBOT", is_enterprise_install: false });
      } else if (method === "chat.postMessage") {
        tsCounter++;
        const ts = `1700000100.${String(tsCounter).padStart(6, "0")}`;
        reply({ ok: true, channel: body.channel, ts, message: { type: "message", user: "UBOT", bot_id: "BBOT", text: body.text, ts, thread_ts: body.thread_ts } });
      } else if (method === "chat.update") {
        reply({ ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text, user: "UBOT" } });
      } else if (method === "chat.startStream") {
        tsCounter++;
        reply({ ok: true, channel: body.channel, ts: `1700000100.${String(tsCounter).padStart(6, "0")}` });
      } else if (method === "chat.appendStream" || method === "chat.stopStream") {
        reply({ ok: true, channel: body.channel, ts: body.ts });
      } else if (method === "assistant.threads.setStatus" || method === "assistant.threads.setTitle" || method === "assistant.threads.setSuggestedPrompts") {
        reply({ ok: true });
      } else if (method === "apps.connections.open" && options.socketModeUrl) {
        reply({ ok: true, url: options.socketModeUrl });
      } else if (method.startsWith("response")) {
        reply({ ok: true });
      } else {
        reply({ ok: false, error: "unknown_method" });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    calls,
    failing,
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitFor(predicate, timeoutMs = 5000) {
      if (predicate(calls)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(calls)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        // Only a safety net: the wait ends on the call that makes the predicate true.
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`mock Slack: condition not met in ${timeoutMs} ms; calls: ${JSON.stringify(calls.map((call) => call.method))}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseBody(text: string, contentType: string): Record<string, any> {
  if (text === "") return {};
  if (contentType.includes("application/json")) return JSON.parse(text);
  const form = Object.fromEntries(new URLSearchParams(text).entries()) as Record<string, any>;
  // The Web API client JSON-encodes structured arguments inside the form.
  for (const key of ["blocks", "attachments", "chunks", "prompts"]) if (typeof form[key] === "string") form[key] = JSON.parse(form[key]);
  return form;
}
