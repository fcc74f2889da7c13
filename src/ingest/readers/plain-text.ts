import { extractFrontMatter } from "../front-matter.js";
import { UnreadableDocumentError, type DocumentReader } from "./document.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 text (.txt, .md); a leading front-matter block gives metadata and is blanked in place. */
export const readPlainText: DocumentReader = async (bytes) => {
  if (bytes.includes(0)) throw new UnreadableDocumentError("it contains NUL bytes (a binary file?)");
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new UnreadableDocumentError("it is not valid UTF-8 text");
  }
  // Normalise line endings so offsets stay one character per source character.
  const normalised = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const frontMatter = extractFrontMatter(normalised);
  return { text: frontMatter.text, metadata: frontMatter.metadata, extracted: false, warnings: frontMatter.problems };
};
