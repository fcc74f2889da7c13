import { inflateRawSync } from "node:zlib";
import { UnreadableDocumentError } from "./document.js";

/**
 * A .docx is a zip archive, and a small one can unpack to gigabytes (a "zip bomb": 123 KB that
 * inflates to a 120 MB document.xml, which the XML parser then turns into gigabytes of objects).
 * Before the archive is handed to mammoth, every entry's declared size is summed from the central
 * directory, then every entry is inflated with an output cap, so a size that lies is caught too.
 * Memory stays bounded by the limit; the file is refused with DOCUMENT_UNSAFE.
 */

export interface ZipLimits {
  /** Total uncompressed bytes of all entries (DOCUMENT_MAX_UNPACKED_BYTES). */
  maxUnpackedBytes: number;
  /** Entries in one archive (a real .docx has a few dozen, plus its images). */
  maxEntries?: number;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localHeaderOffset: number;
}

const unsafe = (message: string) => new UnreadableDocumentError(message, "DOCUMENT_UNSAFE");
const damaged = (message: string) => new UnreadableDocumentError(`it is not a readable .docx file (${message})`);
const megabytes = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

/** The central directory's entries (names and sizes as the archive declares them). */
function zipEntries(bytes: Buffer, maxEntries = 10_000): ZipEntry[] {
  // The end-of-central-directory record sits in the last 64 KB + 22 bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (bytes.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged("no zip directory; is it truncated?");
  const count = bytes.readUInt16LE(end + 10);
  const directoryOffset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw unsafe("it is a ZIP64 archive, which a .docx never needs");
  if (count > maxEntries) throw unsafe(`it holds ${count} archive entries (limit ${maxEntries})`);
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw damaged("a broken zip directory");
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      declaredSize: bytes.readUInt32LE(at + 24),
      localHeaderOffset: bytes.readUInt32LE(at + 42),
      name: bytes.toString("utf8", at + 46, at + 46 + nameLength),
    };
    if (entry.compressedSize === 0xffffffff || entry.declaredSize === 0xffffffff) throw unsafe("it is a ZIP64 archive, which a .docx never needs");
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Throws DOCUMENT_UNSAFE when the archive declares, or actually inflates to, more than the limit. */
export function checkZipSize(bytes: Buffer, limits: ZipLimits): { entries: number; unpackedBytes: number } {
  const entries = zipEntries(bytes, limits.maxEntries);
  const declared = entries.reduce((sum, entry) => sum + entry.declaredSize, 0);
  if (declared > limits.maxUnpackedBytes) {
    throw unsafe(`it unpacks to ${megabytes(declared)} (limit ${megabytes(limits.maxUnpackedBytes)}, DOCUMENT_MAX_UNPACKED_BYTES); a document this size is likely a zip bomb`);
  }
  let actual = 0;
  for (const entry of entries) {
    const local = entry.localHeaderOffset;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw damaged(`a broken entry ${entry.name}`);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + entry.compressedSize);
    const left = limits.maxUnpackedBytes - actual;
    if (entry.method === 0) {
      actual += data.length;
    } else if (entry.method === 8) {
      try {
        // The cap makes zlib stop (and throw) instead of allocating whatever the data expands to.
        actual += inflateRawSync(data, { maxOutputLength: Math.max(1, left) }).length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
          throw unsafe(`its entry ${entry.name} unpacks to more than declared, past the limit of ${megabytes(limits.maxUnpackedBytes)} (DOCUMENT_MAX_UNPACKED_BYTES); likely a zip bomb`);
        }
        throw damaged(`entry ${entry.name} cannot be unpacked`);
      }
    } else {
      throw damaged(`entry ${entry.name} uses compression method ${entry.method}`);
    }
    if (actual > limits.maxUnpackedBytes) {
      throw unsafe(`it unpacks to more than ${megabytes(limits.maxUnpackedBytes)} (DOCUMENT_MAX_UNPACKED_BYTES); likely a zip bomb`);
    }
  }
  return { entries: entries.length, unpackedBytes: actual };
}
