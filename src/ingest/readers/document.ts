import type { ErrorCode } from "../../core/errors.js";
import type { CatalogEntry } from "../../core/types.js";

/** What a reader makes of one file's bytes. */
export interface ExtractedDocument {
  /**
   * Plain text, one paragraph or heading per line. For .txt/.md it is the file's own text (with
   * CRLF normalised and front matter blanked, same length), so chunk offsets point into the file.
   * For .html/.docx/.pdf it is text extracted from the file, and offsets point into this
   * extracted text: citations quote the cleaned extracted text, never the file's bytes.
   */
  text: string;
  /** Metadata the file states about itself (front matter, HTML meta, PDF info); the catalog wins over it. */
  metadata: CatalogEntry;
  /** True when `text` was extracted from a binary or markup format (offsets are into it, not the file). */
  extracted: boolean;
  /** Problems that did not stop the file being read (e.g. an unusable front-matter line). */
  warnings?: string[];
}

/** Limits on what reading one file may cost (hostile files: zip bombs, endless nesting). */
export interface ReadLimits {
  /** Largest file read at all (DOCUMENT_MAX_BYTES). */
  maxFileBytes: number;
  /** What an archive (.docx) may unpack to (DOCUMENT_MAX_UNPACKED_BYTES). */
  maxUnpackedBytes: number;
  /** Deepest element nesting accepted in HTML. */
  maxHtmlDepth: number;
}

export const defaultReadLimits: ReadLimits = { maxFileBytes: 20 * 1024 * 1024, maxUnpackedBytes: 64 * 1024 * 1024, maxHtmlDepth: 400 };

export type DocumentReader = (bytes: Buffer, file: string, limits: ReadLimits) => Promise<ExtractedDocument>;

/**
 * Thrown when a file's bytes are not a document its reader can use; the message is the reason.
 * A code from the error family marks files refused as hostile or too costly (DOCUMENT_UNSAFE …).
 */
export class UnreadableDocumentError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode = "CORPUS_FILE_UNREADABLE",
  ) {
    super(message);
    this.name = "UnreadableDocumentError";
  }
}

/** Lines trimmed, blank lines and runs of spaces dropped: the shape extracted formats hand on. */
export function tidyLines(lines: Iterable<string>): string {
  const kept: string[] = [];
  for (const line of lines) {
    const tidy = line.replace(/[ \t\u00a0\u3000]+/g, " ").trim();
    if (tidy) kept.push(tidy);
  }
  return kept.join("\n");
}
