import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { AppError, REBUILD_INDEX_HINT } from "../core/errors.js";

/** The part of @riaskov/mmap-io used here. */
export interface MmapModule {
  map(size: number, protection: number, flags: number, fd: number, offset?: number, advise?: number): Buffer;
  readonly PROT_READ: number;
  readonly MAP_SHARED: number;
  readonly MADV_RANDOM: number;
}

export interface MappedFile {
  /** The whole file; page-aligned when mapped, 8-byte aligned when read, so typed-array views need no copy. */
  buffer: Buffer;
  /** False when the native module is unavailable and the file was read into memory instead. */
  mapped: boolean;
}

const require = createRequire(import.meta.url);
let nativeModule: MmapModule | null | undefined;
let fallbackNotice: string | undefined;
let noticeTaken = false;

/** Loaded once per process; null (not undefined) records that it failed, so it is not retried. */
function loadNative(): MmapModule | null {
  if (nativeModule !== undefined) return nativeModule;
  try {
    nativeModule = require("@riaskov/mmap-io") as MmapModule;
  } catch (error) {
    nativeModule = null;
    fallbackNotice = `Memory-mapping is unavailable (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); the index files are read into each process's memory instead, so server workers do not share them.`;
  }
  return nativeModule;
}

/** The fallback warning, returned once per process (the first caller logs it). */
export function takeMappingNotice(): string | undefined {
  if (noticeTaken || !fallbackNotice) return undefined;
  noticeTaken = true;
  return fallbackNotice;
}

/**
 * Maps a whole snapshot file read-only. MAP_SHARED on a read-only mapping means every process
 * that maps the same file gets the same physical pages from the page cache: N server workers hold
 * one copy of the vectors and postings instead of N. MADV_RANDOM because searches touch scattered
 * pages (graph hops, posting lists), so read-ahead would only pull in pages nobody asked for.
 * Snapshot files are never modified after their directory is renamed into place (a rebuild writes
 * a new directory; pruning unlinks, which keeps the pages of a live mapping valid), so a mapping
 * cannot see a file change under it.
 * `native` is for tests of the fallback: pass null to read the file as on a platform without the module.
 */
export function mapFile(file: string, what: string, native: MmapModule | null = loadNative()): MappedFile {
  const hint = REBUILD_INDEX_HINT;
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new AppError("INDEX_CORRUPT", `The index is incomplete: ${what} (${file}) cannot be read.`, { hint, cause: error });
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new AppError("INDEX_CORRUPT", `The index is damaged: ${what} (${file}) is empty.`, { hint });
    if (native) {
      // The mapping outlives the descriptor; it is unmapped when the Buffer is garbage-collected.
      return { buffer: native.map(size, native.PROT_READ, native.MAP_SHARED, fd, 0, native.MADV_RANDOM), mapped: true };
    }
    // allocUnsafeSlow gives the Buffer its own ArrayBuffer (offset 0), so views stay aligned.
    const buffer = Buffer.allocUnsafeSlow(size);
    let done = 0;
    while (done < size) {
      const read = readSync(fd, buffer, done, size - done, done);
      if (read === 0) throw new AppError("INDEX_CORRUPT", `The index is damaged: ${what} (${file}) ended early.`, { hint });
      done += read;
    }
    return { buffer, mapped: false };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("INDEX_CORRUPT", `The index file ${what} (${file}) cannot be mapped or read.`, { hint, cause: error });
  } finally {
    closeSync(fd);
  }
}
