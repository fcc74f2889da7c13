import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { searchPassages } from "../../app/corpus-queries.js";
import type { LiveIndex } from "../../app/live-index.js";

/**
 * The index as a LangChain retriever: the product's own hybrid search (jieba BM25 + vectors,
 * zone-aware, English → Chinese terms), not LangChain's whitespace BM25, which cannot split Chinese.
 * Each Document carries what a citation needs: file, title, zones, date, passage id and offsets.
 */

export interface ZoneRetrieverInput extends BaseRetrieverInput {
  /** Whatever holds the live index (the runtime's service): read on every call, so a re-index is seen at once. */
  assistant: { readonly liveIndex: LiveIndex };
  /** Only passages about this zone or place (长治高新区, 长治, "Changzhi High-tech Zone"). */
  zone?: string;
  /** Only passages about this period (2023, 2021-2023, 2023年上半年, 十三五). */
  period?: string;
  /** How many documents (default 4). */
  k?: number;
}

export interface ZoneDocumentMetadata {
  chunkId: string;
  source: string;
  title: string;
  zones: string[];
  date?: string;
  section?: string;
  /** Offsets of the passage in the file (for .html/.docx/.pdf: in the text extracted from it). */
  start: number;
  end: number;
  score: number;
  /** "title (zone, date) — file": ready to print under an answer. */
  citation: string;
}

export class ZoneRetriever extends BaseRetriever<ZoneDocumentMetadata> {
  static override lc_name(): string {
    return "ZoneRetriever";
  }

  lc_namespace = ["zone-policy-assistant", "retrievers"];

  private readonly assistant: ZoneRetrieverInput["assistant"];
  zone?: string;
  period?: string;
  k: number;

  constructor(fields: ZoneRetrieverInput) {
    super(fields);
    this.assistant = fields.assistant;
    this.zone = fields.zone;
    this.period = fields.period;
    this.k = fields.k ?? 4;
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<ZoneDocumentMetadata>[]> {
    const { hits } = await searchPassages(this.assistant.liveIndex, { query, zone: this.zone, period: this.period, topK: this.k });
    return hits.map(({ chunk, score }) => {
      const place = [chunk.zones[0], chunk.date].filter(Boolean).join(", ");
      return new Document<ZoneDocumentMetadata>({
        pageContent: chunk.text,
        id: chunk.id,
        metadata: {
          chunkId: chunk.id,
          source: chunk.source,
          title: chunk.title,
          zones: chunk.zones,
          ...(chunk.date ? { date: chunk.date } : {}),
          ...(chunk.section ? { section: chunk.section } : {}),
          start: chunk.start,
          end: chunk.end,
          score,
          citation: `${chunk.title}${place ? ` (${place})` : ""} — ${chunk.source}`,
        },
      });
    });
  }
}
