import mammoth from "mammoth";
import { UnreadableDocumentError, tidyLines, type DocumentReader } from "./document.js";
import { checkZipSize } from "./zip-limits.js";

/** Word documents (policy files are often published as .docx): raw text, one paragraph a line. */
export const readDocx: DocumentReader = async (bytes, _file, limits) => {
  // A .docx is a zip archive: anything else (an old binary .doc renamed, random bytes) is refused here.
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw new UnreadableDocumentError("it is not a valid .docx file (not a zip archive; save it again as .docx)");
  }
  // Declared and actual unpacked sizes are checked before mammoth inflates anything (zip bombs).
  checkZipSize(bytes, { maxUnpackedBytes: limits.maxUnpackedBytes });
  let value: string;
  try {
    ({ value } = await mammoth.extractRawText({ buffer: bytes }));
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UnreadableDocumentError(`it is not a readable .docx file (${detail})`);
  }
  // mammoth ends every paragraph with a blank line; a policy's paragraphs belong to one article.
  return { text: tidyLines(value.split("\n")), metadata: {}, extracted: true };
};
