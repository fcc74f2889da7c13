import { extractText, getDocumentProxy, getMeta } from "unpdf";
import type { CatalogEntry } from "../../core/types.js";
import { UnreadableDocumentError, tidyLines, type DocumentReader } from "./document.js";

/**
 * Text PDFs through unpdf (pdf.js). Scanned PDFs have no text layer and are skipped with that
 * reason: OCR is out of scope, and indexing them empty would only hide the problem.
 */

/** Titles that PDF producers write by default and that say nothing about the document. */
const placeholderTitle = /^(untitled|无标题|microsoft (word|powerpoint|excel)\b)|\.(docx?|wps|pdf|txt)$/i;

export const readPdf: DocumentReader = async (bytes) => {
  if (!bytes.subarray(0, 1024).toString("latin1").includes("%PDF-")) {
    throw new UnreadableDocumentError("it is not a PDF file (no %PDF- header)");
  }
  let pages: string[];
  const metadata: CatalogEntry = {};
  // pdf.js takes ownership of (detaches) the array it is given, so it gets a copy.
  let document: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // verbosity 0: pdf.js otherwise prints recovery warnings ("Indexing all PDF objects") to the console.
    document = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    ({ text: pages } = await extractText(document, { mergePages: false }));
    const info = (await getMeta(document).catch(() => undefined))?.info as Record<string, unknown> | undefined;
    const title = typeof info?.Title === "string" ? info.Title.trim() : "";
    if (title && !placeholderTitle.test(title)) metadata.title = title;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UnreadableDocumentError(`it is not a readable PDF (${detail}; is it truncated or damaged?)`);
  } finally {
    // Frees the worker-side copy of the document; a failure here must not hide the real outcome.
    await document?.loadingTask.destroy().catch(() => {});
  }
  // A blank line marks each page break (the splitter reads wide gaps as possible article breaks).
  const text = pages.map((page) => tidyLines(page.split("\n"))).filter((page) => page !== "").join("\n\n");
  if (text.replace(/\s/g, "") === "") throw new UnreadableDocumentError("no text layer (scanned PDF?)");
  return { text, metadata, extracted: true };
};
