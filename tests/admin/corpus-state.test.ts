import { describe, expect, it } from "vitest";
import { corpusStates, type CorpusFileOnDisk, type SnapshotFile } from "../../src/admin/corpus-state.js";

/** The console's file states, from hand-written disk listings and snapshot manifests. */

const disk = (name: string, sha256: string): CorpusFileOnDisk => ({ name, bytes: 10, modifiedAt: "2026-12-01T00:00:00.000Z", sha256 });
const indexed = (name: string, sha256: string): SnapshotFile => ({ file: `corpus/${name}`, status: "indexed", sha256, articles: 2, chunks: 7 });

describe("corpusStates", () => {
  it("marks each file indexed, changed or pending against the live snapshot, and lists removed ones", () => {
    const listing = corpusStates(
      [disk("a.txt", "aa"), disk("b.txt", "b2"), disk("sub/c.md", "cc"), disk("new.md", "nn")],
      [indexed("a.txt", "aa"), indexed("b.txt", "b1"), indexed("sub/c.md", "cc"), indexed("gone.txt", "gg")],
    );
    expect(listing.documents.map((file) => [file.name, file.state])).toEqual([
      ["a.txt", "indexed"],
      ["b.txt", "changed"],
      ["sub/c.md", "indexed"],
      ["new.md", "pending"],
    ]);
    expect(listing.documents[0]).toMatchObject({ articles: 2, chunks: 7 });
    expect(listing.documents[1]).toMatchObject({ articles: 0, chunks: 0 });
    expect(listing.removed).toEqual(["gone.txt"]);
  });

  it("keeps the reason of a file the snapshot skipped, even when it was skipped before being read (no digest)", () => {
    const listing = corpusStates(
      [disk("scan.pdf", "ss"), disk("huge.pdf", "hh")],
      [
        { file: "corpus/scan.pdf", status: "skipped", sha256: "ss", articles: 0, chunks: 0, reason: "corpus/scan.pdf: no text layer (scanned PDF?)" },
        { file: "corpus/huge.pdf", status: "skipped", sha256: "", articles: 0, chunks: 0, reason: "corpus/huge.pdf: DOCUMENT_TOO_LARGE: it is 30 MB" },
      ],
    );
    expect(listing.documents.map((file) => [file.name, file.state, file.reason])).toEqual([
      ["scan.pdf", "skipped", "corpus/scan.pdf: no text layer (scanned PDF?)"],
      ["huge.pdf", "skipped", "corpus/huge.pdf: DOCUMENT_TOO_LARGE: it is 30 MB"],
    ]);
  });

  it("names a file the last (failed) build skipped although no snapshot holds it", () => {
    const listing = corpusStates([disk("bomb.docx", "bb"), disk("a.txt", "aa")], [indexed("a.txt", "aa")], [{ file: "corpus/bomb.docx", reason: "corpus/bomb.docx: DOCUMENT_UNSAFE: unpacks to 120 MB" }]);
    expect(listing.documents.find((file) => file.name === "bomb.docx")).toMatchObject({ state: "skipped", reason: "corpus/bomb.docx: DOCUMENT_UNSAFE: unpacks to 120 MB" });
    expect(listing.documents.find((file) => file.name === "a.txt")?.state).toBe("indexed");
  });
});
