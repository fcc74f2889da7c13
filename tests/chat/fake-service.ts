import type { Answer, AnswerService, AskOptions, ServiceStatus } from "../../src/core/types.js";

export interface RecordedAsk {
  question: string;
  conversationId?: string;
}

/**
 * A hand-written AnswerService test double: the service is not under test in the chat and Slack
 * tests, the delivery core and adapters are. It records what it was asked and returns a fixed,
 * cited Answer (or runs `behaviour` when given).
 */
export function createFakeService(behaviour?: (question: string, options?: AskOptions) => Promise<Answer>): AnswerService & { asks: RecordedAsk[] } {
  const asks: RecordedAsk[] = [];
  return {
    asks,
    async ask(question, options) {
      asks.push({ question, conversationId: options?.conversationId });
      if (behaviour) return behaviour(question, options);
      return sampleAnswer(question, options?.conversationId);
    },
    status(): ServiceStatus {
      return {
        indexVersion: "2024-05-01T10-00-00Z-abc123",
        chunks: 1234,
        articles: 321,
        files: 56,
        embedder: "local-hash-512",
        llm: "none",
        builtAt: "2024-05-01T10:00:00.000Z",
      };
    },
  };
}

export function sampleAnswer(question: string, conversationId?: string, text?: string): Answer {
  return {
    answer: text ?? "长治高新区上半年实现地区生产总值105.63亿元，同比增长6.5%[1]。园区对新落户企业给予租金减免[2]。",
    refused: false,
    mode: "extractive",
    language: /[A-Za-z]{2,}/.test(question) && !/\p{Script=Han}{3,}/u.test(question) ? "en" : "zh",
    citations: [
      {
        n: 1,
        source: "corpus/002_93385d198ddbd426.txt",
        title: "长治高新区经济运行稳中向好",
        zone: "长治高新区",
        date: "2023-07-20",
        quote: "长治高新区上半年实现地区生产总值105.63亿元，同比增长6.5%。",
        chunkId: "corpus/002_93385d198ddbd426.txt#0:0",
        start: 10,
        end: 42,
      },
      {
        n: 2,
        source: "corpus/017_aa01.txt",
        title: "招商引资优惠政策出台",
        zone: "长治高新区",
        date: "2023-03-02",
        quote: "对新落户企业给予租金减免。",
        chunkId: "corpus/017_aa01.txt#1:2",
        start: 100,
        end: 114,
      },
    ],
    warnings: [],
    conversationId,
  };
}
