import { randomBytes } from "node:crypto";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MultipartFile } from "@fastify/multipart";
import { AppError } from "../../core/errors.js";
import { isConfigurationFile } from "../../ingest/read-corpus.js";

/**
 * Documents in CORPUS_DIR as the admin console manages them: uploads are checked completely
 * (type, size, name) before anything is written, then each file is written to a hidden temporary
 * name (the corpus reader ignores hidden files) and renamed into place, so a build never sees
 * half a file.
 */

const uploadExtensions = [".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"] as const;


export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
}

export interface SavedDocument {
  name: string;
  bytes: number;
  replaced: boolean;
}

const invalid = (message: string, hint: string) => new AppError("UPLOAD_INVALID", message, { hint });

/**
 * A safe document name: path separators, `..`, control characters and hidden names are refused
 * (not silently rewritten: the admin should know the file did not arrive as named); other
 * unusual characters become `_`.
 */
function safeDocumentName(given: string): string {
  const name = given.normalize("NFC").trim();
  // eslint-disable-next-line no-control-regex -- a NUL in a file name is refused on purpose
  if (name === "" || /[/\\\u0000]/.test(name) || name === "." || name === ".." || name.includes("..")) {
    throw invalid(`The file name "${given}" is not allowed.`, "Use a plain file name without folders, e.g. policy-2024.md.");
  }
  if (name.startsWith(".")) throw invalid(`The file name "${given}" starts with a dot (hidden files are not indexed).`, "Rename the file.");
  // eslint-disable-next-line no-control-regex -- control characters in a file name become "_"
  const cleaned = name.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "_").replace(/\s+/g, " ");
  const extension = path.extname(cleaned).toLowerCase();
  if (!(uploadExtensions as readonly string[]).includes(extension)) {
    throw invalid(`"${given}" is not a supported document type.`, `Upload ${uploadExtensions.join(" ")} files (old .doc files: save them as .docx).`);
  }
  if (isConfigurationFile(cleaned)) throw invalid(`"${given}" is a configuration file name.`, "Rename the document.");
  if (Buffer.byteLength(cleaned) > 200) throw invalid(`The file name "${given}" is too long.`, "Use a name under 200 bytes.");
  return cleaned;
}

export async function receiveUploads(corpusDir: string, files: AsyncIterableIterator<MultipartFile>, limits: UploadLimits): Promise<SavedDocument[]> {
  const received: Array<{ name: string; bytes: Buffer }> = [];
  for await (const file of files) {
    if (received.length >= limits.maxFiles) throw invalid(`More than ${limits.maxFiles} files in one upload.`, "Upload fewer files at once.");
    const name = safeDocumentName(file.filename);
    // toBuffer throws (413) once the file passes the multipart fileSize limit.
    const bytes = await file.toBuffer();
    if (bytes.length === 0) throw invalid(`"${file.filename}" is empty.`, "Choose the file again; nothing was saved.");
    if (received.some((other) => other.name === name)) throw invalid(`"${name}" appears twice in this upload.`, "Upload each file once.");
    received.push({ name, bytes });
  }
  if (received.length === 0) throw invalid("The upload holds no file.", "Choose one or more files.");
  const saved: SavedDocument[] = [];
  for (const { name, bytes } of received) {
    const target = path.join(corpusDir, name);
    const replaced = await stat(target).then(
      (info) => info.isFile(),
      () => false,
    );
    const temporary = path.join(corpusDir, `.upload-${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temporary, bytes, { flag: "wx" });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new AppError("INDEX_WRITE_FAILED", `Could not save "${name}" in the corpus folder.`, { cause: error, hint: "Check that CORPUS_DIR exists and is writable." });
    }
    saved.push({ name, bytes: bytes.length, replaced });
  }
  return saved;
}

export async function deleteDocument(corpusDir: string, given: string): Promise<void> {
  // eslint-disable-next-line no-control-regex -- a NUL in a document name is refused on purpose
  if (/[/\\\u0000]/.test(given) || given.includes("..") || given.startsWith(".")) {
    throw invalid(`"${given}" is not a document name.`, "Use a name from GET /admin/documents.");
  }
  if (isConfigurationFile(given)) {
    throw invalid(`"${given}" is a configuration file, not a document.`, "Edit configuration files on the server; they cannot be deleted from the console.");
  }
  const target = path.join(corpusDir, given);
  const info = await stat(target).catch(() => undefined);
  if (!info?.isFile()) throw new AppError("NOT_FOUND", `There is no document "${given}" in the corpus folder.`, { hint: "GET /admin/documents lists them." });
  await rm(target);
}
