import { Worker } from "node:worker_threads";
import type { ErrorCode } from "../core/errors.js";
import { UnreadableDocumentError, type ExtractedDocument, type ReadLimits } from "./readers/document.js";
import type { ParseReply, ParseRequest } from "./parse-thread.js";

/**
 * Parses documents (.docx, .pdf, .html) in a worker thread with a memory limit (V8 heap,
 * DOCUMENT_PARSE_MEMORY_MB) and a time limit per file (DOCUMENT_PARSE_TIMEOUT_MS). A file that
 * passes either ends the thread — never the process that serves answers — and is skipped with
 * DOCUMENT_PARSE_LIMIT; the next file gets a fresh thread. Plain text is read in-process.
 */

export interface DocumentParser {
  parse(bytes: Buffer, file: string, limits: ReadLimits): Promise<ExtractedDocument>;
  close(): Promise<void>;
}

export interface IsolatedParserOptions {
  timeoutMs: number;
  memoryMb: number;
}

function startThread(memoryMb: number): Worker {
  const url = new URL(`./parse-thread${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(memoryMb / 8))) };
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { resourceLimits });
  // From TypeScript sources (npm run index, tests): the thread registers tsx's loader itself.
  const bootstrap = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

export function createIsolatedParser(options: IsolatedParserOptions): DocumentParser {
  let worker: Worker | undefined;
  let nextId = 1;
  // One file at a time: a limit that ends the thread then concerns only that file.
  let queue: Promise<unknown> = Promise.resolve();

  const limit = (message: string) => new UnreadableDocumentError(message, "DOCUMENT_PARSE_LIMIT");

  const run = (bytes: Buffer, file: string, limits: ReadLimits) =>
    new Promise<ExtractedDocument>((resolve, reject) => {
      const thread = (worker ??= startThread(options.memoryMb));
      const id = nextId++;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        thread.off("message", onMessage);
        thread.off("error", onError);
        thread.off("exit", onExit);
        outcome();
      };
      const discard = () => {
        if (worker === thread) worker = undefined;
        void thread.terminate();
      };
      const onMessage = (reply: ParseReply) => {
        if (reply.id !== id) return;
        finish(() => (reply.ok ? resolve(reply.document) : reject(new UnreadableDocumentError(reply.message, (reply.code as ErrorCode | undefined) ?? "CORPUS_FILE_UNREADABLE"))));
      };
      const onError = (error: Error & { code?: string }) => {
        discard();
        finish(() =>
          reject(
            error.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? limit(`reading it needed more than ${options.memoryMb} MB (DOCUMENT_PARSE_MEMORY_MB)`)
              : limit(`the reader stopped: ${error.message.split("\n")[0]}`),
          ),
        );
      };
      const onExit = (code: number) => {
        if (worker === thread) worker = undefined;
        finish(() => reject(limit(`the reader stopped (exit code ${code})`)));
      };
      const timer = setTimeout(() => {
        discard();
        finish(() => reject(limit(`reading it took longer than ${options.timeoutMs} ms (DOCUMENT_PARSE_TIMEOUT_MS)`)));
      }, options.timeoutMs);
      thread.on("message", onMessage);
      thread.once("error", onError);
      thread.once("exit", onExit);
      // A copy: the thread gets its own bytes, the caller keeps its buffer (for the checksum).
      const copy = new Uint8Array(bytes);
      thread.postMessage({ id, bytes: copy, file, limits } satisfies ParseRequest, [copy.buffer]);
    });

  return {
    parse(bytes, file, limits) {
      const result = queue.then(() => run(bytes, file, limits));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      const thread = worker;
      worker = undefined;
      await thread?.terminate();
    },
  };
}
