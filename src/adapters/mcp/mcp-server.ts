import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { findFacts, findPolicyRules, listDocuments, listZones, searchPassages, documentText } from "../../app/corpus-queries.js";
import type { LiveIndex } from "../../app/live-index.js";
import { isAppError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { AnswerService, SourceView } from "../../core/types.js";
import { measureNames } from "../../ingest/policy-rules.js";
import { renderAnswerWithSources } from "../../chat/render-plain.js";

/**
 * The Model Context Protocol face of the assistant: the same core calls the HTTP API makes, as
 * MCP tools and resources. Transport-free: `npm run mcp` connects it to stdio, POST /mcp to
 * Streamable HTTP (./mcp-routes.ts).
 */

export interface McpBackend {
  /** Answers; in the server the question-logged service, so MCP asks are logged and counted like the API's. */
  ask: AnswerService["ask"];
  /** The core's lookups: the live index (read once per call) and the source viewer. */
  assistant: { readonly liveIndex: LiveIndex; source(chunkId: string, quote: string): Promise<SourceView> };
}

const DOCUMENT_URI_PREFIX = "zone://documents/";

export function documentUri(source: string): string {
  return `${DOCUMENT_URI_PREFIX}${encodeURIComponent(source)}`;
}

const zone = z.string().min(1).max(100).describe("A zone or place as list_zones names it: 长治高新区, 长治, or Changzhi High-tech Zone");
const period = z.string().min(1).max(40).describe("A year or span with its year: 2023, 2021-2023, 2023年上半年, 十三五, first half of 2023");

const mcpInputSchemas = {
  ask: {
    question: z.string().min(1).max(2000).describe("The question, in Chinese or English; the answer is in the same language"),
    conversation_id: z.string().min(1).max(200).optional().describe("Keep follow-ups (那衡阳呢？) in one conversation"),
  },
  search_passages: {
    query: z.string().min(1).max(500).describe("Words to search for, Chinese or English"),
    zone: zone.optional(),
    period: period.optional(),
    top_k: z.number().int().min(1).max(50).default(8).describe("How many passages (1-50)"),
  },
  get_source: {
    chunk_id: z.string().min(1).max(500).describe("A passage id (chunkId of a citation or of search_passages)"),
    quote: z.string().max(5000).optional().describe("Text to locate in the document; default: the passage itself"),
  },
  get_facts: {
    zone: zone.optional(),
    metric: z.string().min(1).max(60).optional().describe("A metric key (signed_investment, foreign_investment …) or words naming it (签约投资, foreign investment)"),
    period: period.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  },
  get_policy_rules: {
    zone: zone.optional(),
    measure: z.enum(measureNames as [string, ...string[]]).optional().describe(`One of: ${measureNames.join(", ")}`),
    limit: z.number().int().min(1).max(500).default(50),
  },
} as const;

function json(value: object): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value as Record<string, unknown> };
}

export function createMcpServer(backend: McpBackend, log: Logger): McpServer {
  const server = new McpServer(
    { name: "zone-policy-assistant", version: "0.1.0" },
    { instructions: "Answers questions about Chinese high-tech and development zones from a cited corpus. Use `ask` for an answer with citations; the other tools look up passages, facts, policy rules and documents." },
  );

  /** One place where failures become tool errors: coded errors say what to send instead; others are logged. */
  const run = <A>(name: string, work: (args: A, signal: AbortSignal) => Promise<CallToolResult> | CallToolResult) => async (args: A, extra: { signal: AbortSignal }): Promise<CallToolResult> => {
    try {
      return await work(args, extra.signal);
    } catch (error) {
      if (isAppError(error) && error.status < 500) {
        return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.fullMessage}` }] };
      }
      log.error(`MCP tool ${name} failed`, error);
      const code = isAppError(error) ? error.code : "INTERNAL";
      return { isError: true, content: [{ type: "text", text: `${code}: the server could not answer this call. Try again; if it keeps failing, the server log says why.` }] };
    }
  };

  server.registerTool(
    "ask",
    {
      title: "Ask the zone assistant",
      description: "Answers a question about Chinese development zones (incentives, policies, figures) from the indexed reports, with numbered citations [n] and each source's quote, file and offsets. The same answer as POST /api/ask.",
      inputSchema: mcpInputSchemas.ask,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run("ask", async ({ question, conversation_id }, signal) => {
      // MCP conversations live in their own namespace, like the API's; a cancelled call stops the model call.
      const answer = await backend.ask(question, { conversationId: conversation_id ? `mcp:${conversation_id}` : undefined, platform: "mcp", signal });
      return { content: [{ type: "text", text: renderAnswerWithSources(answer) }], structuredContent: { ...answer } as Record<string, unknown> };
    }),
  );

  server.registerTool(
    "search_passages",
    {
      title: "Search passages",
      description: "Hybrid (BM25 + vector) search over the indexed passages, optionally only a zone's and only those about a period. Each passage has its id, file, title, zones, date and character offsets into the file.",
      inputSchema: mcpInputSchemas.search_passages,
      annotations: { readOnlyHint: true },
    },
    run("search_passages", async ({ query, zone: zoneName, period: periodText, top_k }) => {
      const result = await searchPassages(backend.assistant.liveIndex, { query, zone: zoneName, period: periodText, topK: top_k });
      return json({
        ...(result.period ? { period: { zh: result.period.zh, en: result.period.en, from: result.period.from, to: result.period.to } } : {}),
        passages: result.hits.map((hit, index) => ({
          rank: index + 1,
          chunkId: hit.chunk.id,
          source: hit.chunk.source,
          title: hit.chunk.title,
          zones: hit.chunk.zones,
          ...(hit.chunk.date ? { date: hit.chunk.date } : {}),
          ...(hit.chunk.section ? { section: hit.chunk.section } : {}),
          start: hit.chunk.start,
          end: hit.chunk.end,
          score: Number(hit.score.toFixed(6)),
          text: hit.chunk.text,
        })),
      });
    }),
  );

  server.registerTool(
    "get_source",
    {
      title: "Get a passage in its document",
      description: "The article a passage belongs to (cleaned text, as citations quote it), with the passage's or the quote's position in that text (highlights) and the passage's offsets in the file.",
      inputSchema: mcpInputSchemas.get_source,
      annotations: { readOnlyHint: true },
    },
    run("get_source", async ({ chunk_id, quote }) => {
      const view = await backend.assistant.source(chunk_id, quote ?? "");
      const chunk = backend.assistant.liveIndex.search.chunks.byId(chunk_id);
      return json({ ...view, passage: chunk ? { start: chunk.start, end: chunk.end, text: chunk.text } : undefined, resource: documentUri(view.source) });
    }),
  );

  server.registerTool(
    "list_zones",
    {
      title: "List zones",
      description: "Every zone the index has articles about, with its English name, how many articles and how many figures (facts) it has.",
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    run("list_zones", () => json({ zones: listZones(backend.assistant.liveIndex) })),
  );

  server.registerTool(
    "get_facts",
    {
      title: "Get facts (figures)",
      description: "Figures extracted from the reports as facts: zone, level, metric, period, value and unit, qualifier, and the sentence that states it with its offsets in the file.",
      inputSchema: mcpInputSchemas.get_facts,
      annotations: { readOnlyHint: true },
    },
    run("get_facts", ({ zone: zoneName, metric, period: periodText, limit }) => json(findFacts(backend.assistant.liveIndex, { zone: zoneName, metric, period: periodText, limit }))),
  );

  server.registerTool(
    "get_policy_rules",
    {
      title: "Get policy rules",
      description: "Rule records of the indexed policy documents, clause by clause: measure, who qualifies, amounts, rates, cap, payment schedule, period, and the document's validity.",
      inputSchema: mcpInputSchemas.get_policy_rules,
      annotations: { readOnlyHint: true },
    },
    run("get_policy_rules", ({ zone: zoneName, measure, limit }) => json({ rules: findPolicyRules(backend.assistant.liveIndex, { zone: zoneName, measure, limit }) })),
  );

  server.registerResource(
    "documents",
    new ResourceTemplate(`${DOCUMENT_URI_PREFIX}{source}`, {
      list: () => ({
        resources: listDocuments(backend.assistant.liveIndex).map((document) => ({
          uri: documentUri(document.source),
          name: document.source,
          title: document.title,
          description: [document.zones.slice(0, 3).join("、"), document.date].filter(Boolean).join(" · "),
          mimeType: "text/plain",
        })),
      }),
    }),
    { title: "Indexed documents", description: "The cleaned text of each indexed file (what citations quote).", mimeType: "text/plain" },
    (uri, variables) => {
      const source = decodeURIComponent(String(variables.source));
      const { text } = documentText(backend.assistant.liveIndex, source);
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text }] };
    },
  );

  return server;
}
