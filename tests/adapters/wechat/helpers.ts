import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDeliveryCore, type DeliveryCore } from "../../../src/chat/delivery.js";
import { MemoryStateStore } from "../../../src/state/memory-state-store.js";
import type { Answer, AnswerService, AskOptions } from "../../../src/core/types.js";
import { silentLogger } from "../../../src/core/logger.js";

/** What a mocked WeChat / WeCom API received. */
interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface MockPlatform {
  url: string;
  calls: RecordedCall[];
  sends(): RecordedCall[];
  tokenFetches(): number;
  /** Make the next N send calls answer errcode 40001 (token expired). */
  expireTokenFor(count: number): void;
  close(): Promise<void>;
}

/** A local stand-in for api.weixin.qq.com and qyapi.weixin.qq.com on 127.0.0.1. */
export async function startMockPlatform(): Promise<MockPlatform> {
  const calls: RecordedCall[] = [];
  let tokenCounter = 0;
  let expireNext = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      const call: RecordedCall = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text ? JSON.parse(text) : undefined,
      };
      calls.push(call);
      const json = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === "/cgi-bin/token" || url.pathname === "/cgi-bin/gettoken") {
        tokenCounter++;
        return json({ errcode: 0, errmsg: "ok", access_token: `token-${tokenCounter}`, expires_in: 7200 });
      }
      if (url.pathname === "/cgi-bin/message/custom/send" || url.pathname === "/cgi-bin/message/send") {
        if (expireNext > 0) {
          expireNext--;
          return json({ errcode: 40001, errmsg: "invalid credential" });
        }
        return json({ errcode: 0, errmsg: "ok" });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    sends: () => calls.filter((call) => call.path.includes("/message/")),
    tokenFetches: () => calls.filter((call) => call.path.endsWith("token")).length,
    expireTokenFor: (count) => {
      expireNext = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A hand-written AnswerService: the service is not under test, only how adapters deliver its answers. */
export class FakeAnswerService implements AnswerService {
  readonly questions: { question: string; conversationId?: string }[] = [];
  constructor(public delayMs = 0, public answerText = "长治高新区对新落地企业给予房租减免和105.63亿元产业基金支持。[1]") {}

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    this.questions.push({ question, conversationId: options.conversationId });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return {
      answer: this.answerText,
      refused: false,
      mode: "extractive",
      language: "zh",
      citations: [
        {
          n: 1,
          source: "corpus/002_93385d198ddbd426.txt",
          title: "长治高新区招商引资政策解读",
          zone: "长治高新区",
          date: "2023-07-01",
          quote: "给予房租减免",
          chunkId: "corpus/002_93385d198ddbd426.txt#0:0",
          start: 0,
          end: 6,
        },
      ],
      warnings: [],
      conversationId: options.conversationId,
    };
  }

  status() {
    return { indexVersion: "test", chunks: 1, articles: 1, files: 1, embedder: "none", llm: "none", builtAt: "2024-01-01T00:00:00Z" };
  }
}

export function createTestDelivery(service: AnswerService, rateLimitPerMinute = 100): DeliveryCore {
  return createDeliveryCore({ service, store: new MemoryStateStore(), rateLimitPerMinute, log: silentLogger });
}

/** Polls until `condition` holds (for effects that happen after an HTTP reply). */
export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}
