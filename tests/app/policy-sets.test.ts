import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEvalFile, normalizeForMatch, type EvalItem } from "../../src/app/evaluate.js";
import { extractDocument } from "../../src/ingest/readers.js";
import { repoRoot } from "../helpers/temp-runtime.js";

/**
 * The policy question sets (issue 10) checked against the policy fixtures they are asked over, so a
 * typo in an expected string shows up here and not as a product failure nobody can fix. The
 * fixtures are a .txt, an .html, a .pdf and a .docx: they are read with the product's own readers,
 * and compared in the matcher's form (NFKC folds the PDF's Kangxi radicals, whitespace is dropped).
 */

const policyDir = path.join(repoRoot, "tests/fixtures/policies");
const setFiles = ["policy.jsonl", "policy-holdout.jsonl"];
const hasChinese = (text: string) => /\p{Script=Han}/u.test(text);
/** A yes/no lead is the answer word, which no document has to contain. */
const answerWords = new Set(["是的", "是，", "是。", "是:", "有，", "有。", "yes"].map(normalizeForMatch));

/** File stem (p01) → the document's extracted text in the matcher's form. */
let documents: Map<string, string>;

beforeAll(async () => {
  documents = new Map();
  for (const name of await readdir(policyDir)) {
    if (name.endsWith(".json")) continue;
    const { text } = await extractDocument(await readFile(path.join(policyDir, name)), name);
    documents.set(name.split("_")[0]!, normalizeForMatch(text));
  }
});

describe.each(setFiles)("%s", (file) => {
  let items: EvalItem[];
  beforeAll(async () => {
    items = await loadEvalFile(path.join(repoRoot, "tests/eval", file));
  });

  it("covers every fixture, half English, every question kind, with lead checks", () => {
    const cited = new Set(items.flatMap((item) => item.sources.flatMap((entry) => entry.split("|"))));
    expect([...documents.keys()].filter((stem) => !cited.has(stem))).toEqual([]);
    expect([...cited].filter((stem) => !documents.has(stem))).toEqual([]);
    expect(items.filter((item) => item.lang === "en").length * 2).toBeGreaterThanOrEqual(items.length);
    for (const type of ["negative", "followup"]) expect(items.some((item) => item.type === type)).toBe(true);
    expect(items.filter((item) => item.type === "followup").every((item) => (item.history?.length ?? 0) > 0)).toBe(true);
    expect(items.filter((item) => item.type !== "negative").every((item) => (item.lead?.length ?? 0) > 0)).toBe(true);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  });

  it("expects only strings the expected documents contain", () => {
    const unfound = items
      .filter((item) => item.type !== "negative")
      .flatMap((item) => {
        const text = item.sources.flatMap((entry) => entry.split("|")).map((stem) => documents.get(stem) ?? "").join("\n");
        return [...item.all, ...(item.lead ?? [])]
          .filter((group) => group.some(hasChinese) && !group.every((word) => answerWords.has(normalizeForMatch(word))))
          .filter((group) => !group.some((alternative) => text.includes(normalizeForMatch(alternative))))
          .map((group) => `${item.id}: ${group.join("|")}`);
      });
    expect(unfound).toEqual([]);
  });

  it("forbids only strings some fixture really has, and never what it expects", () => {
    const everything = [...documents.values()].join("\n");
    const problems = items.flatMap((item) => {
      const expected = [...item.all, ...(item.lead ?? [])].flat().map(normalizeForMatch);
      return (item.none ?? [])
        .filter((text) => !everything.includes(normalizeForMatch(text)) || expected.some((alternative) => alternative.includes(normalizeForMatch(text))))
        .map((text) => `${item.id}: ${text}`);
    });
    expect(problems).toEqual([]);
  });
});
