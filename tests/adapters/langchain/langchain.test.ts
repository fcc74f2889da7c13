import { readFileSync } from "node:fs";
import path from "node:path";
import { ToolMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAskTool, ZoneRetriever } from "../../../src/adapters/langchain/index.js";
import type { Answer } from "../../../src/core/types.js";
import { createTestRuntime, repoRoot, type TestRuntime } from "../../helpers/temp-runtime.js";

/** The index as a LangChain retriever and the answerer as a LangChain tool, over the real corpus. */

let test: TestRuntime;

beforeAll(async () => {
  test = await createTestRuntime();
});
afterAll(async () => {
  await test?.close();
});

describe("ZoneRetriever", () => {
  it("returns Documents of the asked zone with citation metadata and offsets into the file", async () => {
    const retriever = new ZoneRetriever({ assistant: test.runtime.service, zone: "衡阳高新区", k: 3 });
    const documents = await retriever.invoke("招商引资签约项目");
    expect(documents.length).toBe(3);
    for (const document of documents) {
      expect(document.metadata.zones.some((zone) => zone.startsWith("衡阳"))).toBe(true);
      expect(document.metadata.citation).toBe(`${document.metadata.title} (${[document.metadata.zones[0], document.metadata.date].filter(Boolean).join(", ")}) — ${document.metadata.source}`);
      expect(document.id).toBe(document.metadata.chunkId);
      const file = readFileSync(path.join(test.workspace.root, document.metadata.source), "utf8");
      const written = file.slice(document.metadata.start, document.metadata.end).replace(/\s+/gu, "");
      expect(written).toContain(document.pageContent.slice(0, 15).replace(/\s+/gu, ""));
    }
  });

  it("filters by period, and reads an English zone name", async () => {
    const all = await new ZoneRetriever({ assistant: test.runtime.service, zone: "Hengyang High-tech Zone", k: 20 }).invoke("签约项目 投资");
    const in2010 = await new ZoneRetriever({ assistant: test.runtime.service, zone: "Hengyang High-tech Zone", period: "2010", k: 20 }).invoke("签约项目 投资");
    const in2023 = await new ZoneRetriever({ assistant: test.runtime.service, zone: "Hengyang High-tech Zone", period: "2023年上半年", k: 20 }).invoke("签约项目 投资");
    expect(all.length).toBeGreaterThan(0);
    expect(in2010).toEqual([]);
    expect(in2023.length).toBeGreaterThan(0);
    expect(in2023.some((document) => /2023|今年上半年|1-6月/u.test(`${document.pageContent}${document.metadata.date}`))).toBe(true);
  });

  it("refuses a zone the index does not know, saying what to send", async () => {
    await expect(new ZoneRetriever({ assistant: test.runtime.service, zone: "火星高新区" }).invoke("签约")).rejects.toThrow(/No indexed zone or place matches "火星高新区"/u);
  });

  it("composes in a LangChain runnable chain", async () => {
    const retriever = new ZoneRetriever({ assistant: test.runtime.service, zone: "长治", k: 2 });
    const chain = retriever.pipe(RunnableLambda.from((documents: { metadata: { citation: string } }[]) => documents.map((document) => document.metadata.citation)));
    const citations = await chain.invoke("优惠政策");
    expect(citations.length).toBe(2);
    expect(citations.every((citation) => citation.includes("长治"))).toBe(true);
  });
});

describe("createAskTool", () => {
  it("answers like the service, with the Answer as the tool message's artifact", async () => {
    const ask = createAskTool(test.runtime.service);
    const question = "衡阳高新区2023年上半年签约项目多少个？";
    const message = await ask.invoke({ type: "tool_call", id: "call-1", name: ask.name, args: { question } });
    expect(message).toBeInstanceOf(ToolMessage);
    const artifact = (message as ToolMessage).artifact as Answer;
    const direct = await test.runtime.service.ask(question);
    expect(artifact.answer).toBe(direct.answer);
    expect(artifact.citations).toEqual(direct.citations);
    expect(String((message as ToolMessage).content)).toContain(direct.answer);
    expect(String((message as ToolMessage).content)).toContain(`${direct.citations[0]!.source} @${direct.citations[0]!.start}-${direct.citations[0]!.end}`);
  });

  it("rejects arguments that break its schema", async () => {
    await expect(createAskTool(test.runtime.service).invoke({ question: "" })).rejects.toThrow(/question|schema/iu);
  });
});

describe("the README's LangChain example", () => {
  it("is examples/langchain.ts, and runs", async () => {
    const example = readFileSync(path.join(repoRoot, "examples/langchain.ts"), "utf8");
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
    const saved = { CORPUS_DIR: process.env.CORPUS_DIR, DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL };
    Object.assign(process.env, { CORPUS_DIR: test.workspace.corpusDir, DATA_DIR: test.workspace.dataDir, LOG_LEVEL: "silent" });
    try {
      const { documents, reply } = (await import("../../../examples/langchain.js")) as unknown as { documents: { metadata: { zones: string[]; citation: string } }[]; reply: string };
      expect(documents.length).toBeGreaterThan(0);
      expect(documents.every((document) => document.metadata.zones.some((zone) => zone.startsWith("衡阳")))).toBe(true);
      // Invoked with its arguments (not a tool call), the tool gives its content: the answer text.
      expect(typeof reply).toBe("string");
      expect(reply).toMatch(/28/u);
      expect(reply).toContain("Sources:");
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
