import { parentPort } from "node:worker_threads";
import { extractDocument } from "./readers.js";
import { UnreadableDocumentError, type ReadLimits } from "./readers/document.js";

/**
 * Worker-thread side of the isolated parser (see isolated-parser.ts): reads one file's bytes into
 * text at a time. It runs under resourceLimits, so a file that needs too much memory ends this
 * thread, not the server.
 */

export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  file: string;
  limits: ReadLimits;
}

export type ParseReply =
  | { id: number; ok: true; document: Awaited<ReturnType<typeof extractDocument>> }
  | { id: number; ok: false; message: string; code?: string };

parentPort!.on("message", async (request: ParseRequest) => {
  try {
    const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const document = await extractDocument(bytes, request.file, request.limits);
    parentPort!.postMessage({ id: request.id, ok: true, document } satisfies ParseReply);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    parentPort!.postMessage({ id: request.id, ok: false, message, ...(error instanceof UnreadableDocumentError ? { code: error.code } : {}) } satisfies ParseReply);
  }
});
