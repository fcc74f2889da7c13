import path from "node:path";
import { defaultReadLimits, UnreadableDocumentError, type DocumentReader, type ExtractedDocument, type ReadLimits } from "./readers/document.js";
import { readDocx } from "./readers/docx.js";
import { readHtml } from "./readers/html.js";
import { readPdf } from "./readers/pdf.js";
import { readPlainText } from "./readers/plain-text.js";

/**
 * Document readers by file extension, one module per format under ./readers/. Each turns file
 * bytes into plain text plus the metadata the file states about itself. Offsets of chunks are
 * into this text: the file's own text for .txt/.md, the extracted text for .html/.docx/.pdf.
 */

export { defaultReadLimits, UnreadableDocumentError, type DocumentReader, type ExtractedDocument, type ReadLimits };

const readers: Record<string, DocumentReader> = {
  ".txt": readPlainText,
  ".md": readPlainText,
  ".markdown": readPlainText,
  ".html": readHtml,
  ".htm": readHtml,
  ".docx": readDocx,
  ".pdf": readPdf,
};

export const supportedExtensions: readonly string[] = Object.keys(readers);

export function readerFor(file: string): DocumentReader | undefined {
  return readers[path.extname(file).toLowerCase()];
}

/** Extracts text and self-stated metadata from bytes already read; throws UnreadableDocumentError with the reason. */
export async function extractDocument(bytes: Buffer, file: string, limits: ReadLimits = defaultReadLimits): Promise<ExtractedDocument> {
  const reader = readerFor(file);
  if (!reader) throw new UnreadableDocumentError(`files ending in "${path.extname(file)}" are not supported (supported: ${supportedExtensions.join(", ")})`);
  if (bytes.length === 0) throw new UnreadableDocumentError("it is empty");
  if (bytes.length > limits.maxFileBytes) throw tooLarge(bytes.length, limits.maxFileBytes);
  return reader(bytes, file, limits);
}

export function tooLarge(size: number, limit: number): UnreadableDocumentError {
  const mb = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;
  return new UnreadableDocumentError(`it is ${mb(size)}, larger than the limit of ${mb(limit)} (DOCUMENT_MAX_BYTES)`, "DOCUMENT_TOO_LARGE");
}
