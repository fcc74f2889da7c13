import { readFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiPlugin } from "../../../src/adapters/api/api-routes.js";
import { startHttpServer, type RunningServer } from "../../../src/adapters/http/server.js";
import { createMcpPlugin } from "../../../src/adapters/mcp/mcp-routes.js";
import { documentUri } from "../../../src/adapters/mcp/mcp-server.js";
import { createApiKeyAuthorizer } from "../../../src/adapters/web/api-key.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { Answer } from "../../../src/core/types.js";
import { createTestRuntime, repoRoot, type TestRuntime } from "../../helpers/temp-runtime.js";

/**
 * The MCP server driven by the SDK's own client: over Streamable HTTP on the real Fastify server
 * (127.0.0.1, port 0, API key required), and over stdio by spawning the `npm run mcp` command
 * once, over the same index.
 */

const API_KEY = "mcp-test-key";
let test: TestRuntime;
let server: RunningServer;
let http: Client;
let stdio: Client;
let stdioLog = "";

const text = (result: any): string => result.content.map((part: any) => part.text).join("\n");

async function connectHttp(key?: string): Promise<Client> {
  const client = new Client({ name: "mcp-test", version: "1.0.0" });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } }));
  return client;
}

beforeAll(async () => {
  // The reports plus one policy text, so rule records exist too.
  test = await createTestRuntime({}, async (workspace) => {
    await cp(path.join(repoRoot, "tests/fixtures/policies/p05_shawan_investment_incentives_2014.txt"), path.join(workspace.corpusDir, "p05_shawan_investment_incentives_2014.txt"));
  });
  const service = test.runtime.service;
  server = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    plugins: [createApiPlugin(service), createMcpPlugin({ ask: (question, options) => service.ask(question, options), assistant: service }, silentLogger)],
    access: { authorizers: { apiKey: createApiKeyAuthorizer([API_KEY]) }, limiters: { ask: async () => undefined } },
    maxBodyBytes: 64 * 1024,
    log: silentLogger,
  });
  http = await connectHttp(API_KEY);

  // What `npm run mcp` runs, without npm in between (so closing the client ends the server itself).
  const script = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).scripts.mcp as string;
  expect(script).toBe("tsx src/adapters/mcp/mcp-stdio.ts");
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", script.split(" ")[1]!],
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CORPUS_DIR: test.workspace.corpusDir, DATA_DIR: test.workspace.dataDir, LOG_LEVEL: "info" },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => (stdioLog += chunk.toString("utf8")));
  stdio = new Client({ name: "mcp-test-stdio", version: "1.0.0" });
  await stdio.connect(transport);
}, 120_000);

afterAll(async () => {
  await http?.close();
  await stdio?.close();
  await server?.close();
  await test?.close();
});

describe("MCP over Streamable HTTP", () => {
  it("lists the six tools, each with an input schema", async () => {
    const { tools } = await http.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["ask", "get_facts", "get_policy_rules", "get_source", "list_zones", "search_passages"]);
    const search = tools.find((tool) => tool.name === "search_passages")!;
    expect(Object.keys(search.inputSchema.properties ?? {}).sort()).toEqual(["period", "query", "top_k", "zone"]);
    expect(search.inputSchema.required).toEqual(["query"]);
  });

  it("ask gives the same answer as POST /api/ask, with citations", async () => {
    const question = "衡阳高新区2023年上半年签约项目多少个？";
    const result: any = await http.callTool({ name: "ask", arguments: { question } });
    expect(result.isError).toBeFalsy();
    const viaMcp = result.structuredContent as Answer;
    const viaApi = (await (await fetch(`${server.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` }, body: JSON.stringify({ question }) })).json()) as Answer;
    expect(viaMcp.answer).toBe(viaApi.answer);
    expect(viaMcp.citations).toEqual(viaApi.citations);
    expect(viaMcp.refused).toBe(false);
    expect(viaMcp.answer).toContain("28");
    expect(viaMcp.citations.length).toBeGreaterThan(0);
    // The text part is what a model reads: the answer, then each source with file and offsets.
    const first = viaMcp.citations[0]!;
    expect(text(result)).toContain(viaMcp.answer);
    expect(text(result)).toContain(`${first.source} @${first.start}-${first.end}`);
  });

  it("ask keeps a conversation for follow-ups", async () => {
    await http.callTool({ name: "ask", arguments: { question: "衡阳高新区2023年上半年签约项目多少个？", conversation_id: "c1" } });
    const followUp: any = await http.callTool({ name: "ask", arguments: { question: "那长治呢？", conversation_id: "c1" } });
    const answer = followUp.structuredContent as Answer;
    expect(answer.standaloneQuestion).toContain("长治");
    expect(answer.standaloneQuestion).not.toBe("那长治呢？");
  });

  it("search_passages filters by zone and period and returns passages with offsets", async () => {
    const result: any = await http.callTool({ name: "search_passages", arguments: { query: "签约项目", zone: "衡阳高新区", period: "2023", top_k: 3 } });
    expect(result.isError, text(result)).toBeFalsy();
    const { passages, period } = result.structuredContent;
    expect(period).toMatchObject({ from: "2023-01", to: "2023-12" });
    expect(passages.length).toBeGreaterThan(0);
    expect(passages.length).toBeLessThanOrEqual(3);
    for (const passage of passages) {
      expect(passage.zones.some((zone: string) => zone.startsWith("衡阳"))).toBe(true);
      expect(passage.end).toBeGreaterThan(passage.start);
    }
    // The offsets point into the file as written (.txt): the passage's text is there.
    const first = passages[0];
    const file = readFileSync(path.join(test.workspace.root, first.source), "utf8");
    expect(file.slice(first.start, first.end).replace(/\s+/gu, "")).toContain(first.text.slice(0, 12).replace(/\s+/gu, ""));

    const english: any = await http.callTool({ name: "search_passages", arguments: { query: "signed projects", zone: "Hengyang High-tech Zone", top_k: 2 } });
    expect(english.structuredContent.passages[0].zones.some((zone: string) => zone.startsWith("衡阳"))).toBe(true);
  });

  it("search_passages refuses an unknown zone or an unreadable period with what to send", async () => {
    const zone: any = await http.callTool({ name: "search_passages", arguments: { query: "签约项目", zone: "火星高新区" } });
    expect(zone.isError).toBe(true);
    expect(text(zone)).toMatch(/NOT_FOUND: No indexed zone or place matches "火星高新区".*list_zones/u);
    const period: any = await http.callTool({ name: "search_passages", arguments: { query: "签约项目", period: "sometime" } });
    expect(period.isError).toBe(true);
    expect(text(period)).toMatch(/REQUEST_INVALID: "sometime" is not a period.*2023年上半年/u);
  });

  it("rejects arguments that break the input schema", async () => {
    const result: any = await http.callTool({ name: "search_passages", arguments: { query: "签约", top_k: 500 } }).catch((error: Error) => ({ isError: true, content: [{ text: error.message }] }));
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/top_k/u);
  });

  it("get_source returns the passage in its article with offsets", async () => {
    const search: any = await http.callTool({ name: "search_passages", arguments: { query: "签约项目", zone: "衡阳高新区", top_k: 1 } });
    const passage = search.structuredContent.passages[0];
    const result: any = await http.callTool({ name: "get_source", arguments: { chunk_id: passage.chunkId } });
    expect(result.isError).toBeFalsy();
    const view = result.structuredContent;
    expect(view.chunkId).toBe(passage.chunkId);
    expect(view.passage).toMatchObject({ start: passage.start, end: passage.end });
    expect(view.highlights.length).toBeGreaterThan(0);
    const [first] = view.highlights;
    expect(view.text.slice(first.start, first.end)).toBe(passage.text);
    expect(view.resource).toBe(documentUri(passage.source));

    const missing: any = await http.callTool({ name: "get_source", arguments: { chunk_id: "corpus/nope.txt#0:0" } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain("NOT_FOUND");
  });

  it("list_zones, get_facts and get_policy_rules read the live index", async () => {
    const zones: any = await http.callTool({ name: "list_zones", arguments: {} });
    const hengyang = zones.structuredContent.zones.find((zone: any) => zone.zone === "衡阳高新区");
    expect(hengyang.english).toContain("Hengyang High-tech Zone");
    expect(hengyang.articles).toBeGreaterThan(0);

    const facts: any = await http.callTool({ name: "get_facts", arguments: { zone: "衡阳高新区", metric: "signed_projects", period: "2023年上半年" } });
    expect(facts.isError).toBeFalsy();
    expect(facts.structuredContent.facts.some((fact: any) => fact.raw === "28个" && fact.period.from === "2023-01" && fact.period.to === "2023-06")).toBe(true);
    expect(facts.structuredContent.facts.every((fact: any) => fact.zone === "衡阳高新区" && fact.metric === "signed_projects")).toBe(true);
    // Words naming a metric work too, and a period that has no such figure gives none.
    const byWords: any = await http.callTool({ name: "get_facts", arguments: { zone: "Hengyang", metric: "签约项目", period: "2010" } });
    expect(byWords.isError, text(byWords)).toBeFalsy();
    expect(byWords.structuredContent).toMatchObject({ metric: "signed_projects", total: 0, facts: [] });

    const rules: any = await http.callTool({ name: "get_policy_rules", arguments: { zone: "沙湾", measure: "land", limit: 5 } });
    expect(rules.isError).toBeFalsy();
    expect(rules.structuredContent.rules.length).toBeGreaterThan(0);
    expect(rules.structuredContent.rules.every((rule: any) => rule.measure.includes("land") && rule.zone.startsWith("沙湾") && rule.source.endsWith("p05_shawan_investment_incentives_2014.txt"))).toBe(true);
    expect(rules.structuredContent.rules.some((rule: any) => rule.amounts.length > 0 || rule.rates.length > 0)).toBe(true);
    const badMeasure: any = await http.callTool({ name: "get_policy_rules", arguments: { measure: "bribe" } }).catch((error: Error) => ({ isError: true, content: [{ text: error.message }] }));
    expect(badMeasure.isError).toBe(true);
    expect(text(badMeasure)).toMatch(/measure/u);
  });

  it("offers the documents as resources", async () => {
    const { resources } = await http.listResources();
    expect(resources.length).toBeGreaterThan(3);
    const document = resources[0]!;
    expect(document.uri).toBe(documentUri(document.name));
    const read = await http.readResource({ uri: document.uri });
    const content = read.contents[0] as { text: string; mimeType: string };
    expect(content.mimeType).toBe("text/plain");
    expect(content.text.length).toBeGreaterThan(100);
  });

  it("refuses a client without the API key, a foreign origin and a body that is not JSON", async () => {
    await expect(connectHttp()).rejects.toThrow(/401|API key/u);
    await expect(connectHttp("wrong")).rejects.toThrow(/401|API key/u);
    const get = await fetch(`${server.url}/mcp`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(get.status).toBe(405);
    const notJson = await fetch(`${server.url}/mcp`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", accept: "application/json, text/event-stream" }, body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe(-32700);
    // A page on another site cannot drive the server through a visitor's browser (DNS rebinding).
    const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "page", version: "1" } } };
    const foreign = await fetch(`${server.url}/mcp`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", accept: "application/json, text/event-stream", origin: "http://evil.example" }, body: JSON.stringify(initialize) });
    expect(foreign.status).toBe(403);
    const same = await fetch(`${server.url}/mcp`, { method: "POST", headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", accept: "application/json, text/event-stream", origin: server.url }, body: JSON.stringify(initialize) });
    expect(same.status).toBe(200);
  });
});

describe("MCP over stdio (npm run mcp)", () => {
  it("answers ask like the HTTP transport and lists the same tools", async () => {
    const { tools } = await stdio.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["ask", "get_facts", "get_policy_rules", "get_source", "list_zones", "search_passages"]);
    const question = "衡阳高新区2023年上半年签约项目多少个？";
    const overStdio: any = await stdio.callTool({ name: "ask", arguments: { question } });
    const overHttp: any = await http.callTool({ name: "ask", arguments: { question } });
    expect(overStdio.structuredContent.answer).toBe(overHttp.structuredContent.answer);
    expect(text(overStdio)).toBe(text(overHttp));
    // Logs go to stderr, never into the protocol stream.
    expect(stdioLog).toContain("MCP server on stdio");
  });

  it("reads a document resource and refuses a bad period", async () => {
    const { resources } = await stdio.listResources();
    const read = await stdio.readResource({ uri: resources[0]!.uri });
    expect((read.contents[0] as { text: string }).text.length).toBeGreaterThan(100);
    const facts: any = await stdio.callTool({ name: "get_facts", arguments: { period: "上半年" } });
    expect(facts.isError).toBe(true);
    expect(text(facts)).toContain("REQUEST_INVALID");
  });
});
