import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { isConfigurationFile } from "../ingest/read-corpus.js";

/**
 * Every document in CORPUS_DIR with its state against the live snapshot, so an admin sees an
 * upload as pending before the re-index, and a changed or hostile file by name:
 *   indexed  – in the live snapshot, same content
 *   skipped  – the live snapshot (or the last build) read it and skipped it, with the reason
 *   changed  – in the live snapshot, but the file on disk differs (re-index to pick it up)
 *   pending  – on disk, not yet in any snapshot (re-index to make it searchable)
 * Files the live snapshot holds but the folder no longer does are listed apart (`removed`).
 */

type CorpusFileState = "indexed" | "skipped" | "changed" | "pending";

export interface CorpusFileOnDisk {
  /** Path relative to CORPUS_DIR, `/`-separated. */
  name: string;
  bytes: number;
  modifiedAt: string;
  sha256: string;
}

export interface SnapshotFile {
  /** `<corpus folder name>/<relative path>`, as manifests and citations name it. */
  file: string;
  status: string;
  sha256: string;
  articles: number;
  chunks: number;
  reason?: string;
}

interface CorpusFileRow {
  name: string;
  bytes: number;
  modifiedAt: string;
  state: CorpusFileState;
  articles: number;
  chunks: number;
  reason?: string;
}

export interface CorpusListing {
  documents: CorpusFileRow[];
  /** In the live snapshot, no longer on disk (dropped by the next re-index). */
  removed: string[];
}

const relativeOf = (file: string) => file.split("/").slice(1).join("/");

/** Pure: the files on disk against the live snapshot's files and what the last build skipped. */
export function corpusStates(onDisk: CorpusFileOnDisk[], live: SnapshotFile[], lastBuildSkipped: Array<{ file: string; reason: string }> = []): CorpusListing {
  const byName = new Map(live.map((file) => [relativeOf(file.file), file]));
  const skippedLater = new Map(lastBuildSkipped.map((file) => [relativeOf(file.file), file.reason]));
  const documents = onDisk.map((file): CorpusFileRow => {
    const known = byName.get(file.name);
    const base = { name: file.name, bytes: file.bytes, modifiedAt: file.modifiedAt, articles: 0, chunks: 0 };
    if (known && (known.sha256 === file.sha256 || (known.status !== "indexed" && known.sha256 === ""))) {
      return known.status === "indexed"
        ? { ...base, state: "indexed", articles: known.articles, chunks: known.chunks }
        : { ...base, state: "skipped", ...(known.reason ? { reason: known.reason } : {}) };
    }
    // A build that failed or was refused still read the file: its reason is worth showing.
    const reason = skippedLater.get(file.name);
    if (reason) return { ...base, state: "skipped", reason };
    return { ...base, state: known ? "changed" : "pending" };
  });
  const present = new Set(onDisk.map((file) => file.name));
  return { documents, removed: [...byName.keys()].filter((name) => !present.has(name)).sort() };
}

/** Every document file under CORPUS_DIR (sub-folders too; hidden and configuration files left out), with its digest. */
export async function corpusFilesOnDisk(corpusDir: string, relative = ""): Promise<CorpusFileOnDisk[]> {
  const entries = await readdir(path.join(corpusDir, relative), { withFileTypes: true }).catch(() => []);
  const files: CorpusFileOnDisk[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await corpusFilesOnDisk(corpusDir, name)));
    else if (entry.isFile() && !(relative === "" && isConfigurationFile(entry.name))) {
      const absolute = path.join(corpusDir, name);
      const info = await stat(absolute).catch(() => undefined);
      if (!info) continue;
      const bytes = await readFile(absolute).catch(() => undefined);
      files.push({ name, bytes: info.size, modifiedAt: info.mtime.toISOString(), sha256: bytes ? createHash("sha256").update(bytes).digest("hex") : "" });
    }
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
