import { readFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../core/errors.js";

/**
 * Document readers by file extension. Each turns file bytes into plain text; add .html/.docx/.pdf
 * readers by adding an entry to `readers` (mammoth, node-html-parser and unpdf are installed).
 */

export type DocumentReader = (bytes: Buffer, file: string) => Promise<string>;

/** Thrown (as the cause) when a file's bytes are not a document this reader can use. */
export class UnreadableDocumentError extends Error {}

const decoder = new TextDecoder("utf-8", { fatal: true });

const readPlainText: DocumentReader = async (bytes) => {
  if (bytes.includes(0)) throw new UnreadableDocumentError("it contains NUL bytes (a binary file?)");
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new UnreadableDocumentError("it is not valid UTF-8 text");
  }
  // Normalise line endings so offsets stay one character per source character.
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
};

const readers: Record<string, DocumentReader> = {
  ".txt": readPlainText,
  ".md": readPlainText,
};

export const supportedExtensions: readonly string[] = Object.keys(readers);

export function readerFor(file: string): DocumentReader | undefined {
  return readers[path.extname(file).toLowerCase()];
}

/** Decodes bytes already read; throws UnreadableDocumentError with the reason. */
export async function decodeDocument(bytes: Buffer, file: string): Promise<string> {
  const reader = readerFor(file);
  if (!reader) throw new UnreadableDocumentError(`files ending in "${path.extname(file)}" are not supported (supported: ${supportedExtensions.join(", ")})`);
  return reader(bytes, file);
}

/** Reads a document as plain text; failures are AppError CORPUS_FILE_UNREADABLE naming the file. */
export async function readDocument(file: string): Promise<string> {
  try {
    return await decodeDocument(await readFile(file), file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError("CORPUS_FILE_UNREADABLE", `Cannot read ${file}: ${reason}.`, {
      hint: "Convert the file to UTF-8 text or remove it from the corpus folder.",
      cause: error,
    });
  }
}
