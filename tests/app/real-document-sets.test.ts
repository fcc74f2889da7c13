import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeForMatch } from "../../src/app/evaluate.js";
import { repoRoot } from "../helpers/temp-runtime.js";

/**
 * The real-document question sets are checked against their documents, so a typo in an expected
 * string shows up here and not as a product failure nobody can fix: every group of `all` and `lead`
 * has an alternative that one of the question's source files contains (English renderings such as
 * "17.625 billion" are not in a Chinese text and are skipped), and every file named in `sources` exists.
 */

const sets = JSON.parse(readFileSync(path.join(repoRoot, "tests/eval/real-document-sets.json"), "utf8")) as { name: string; questions: string; corpus: string }[];

const answerWords = new Set(["yes", "no", "是的", "不是", "没有", "否", "有，", "有。", "不能", "不可以", "不适用"]);

interface Item {
  id: string;
  type?: string;
  sources: string[];
  all: string[][];
  lead?: string[][];
}

describe.each(sets)("question set $name", (set) => {
  const folder = path.join(repoRoot, set.corpus);
  const files = readdirSync(folder);
  const items = readFileSync(path.join(repoRoot, set.questions), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Item);
  const textOf = (stem: string) => files.filter((file) => file.startsWith(stem)).map((file) => normalizeForMatch(readFileSync(path.join(folder, file), "utf8"))).join("\n");

  it("names only source files the folder holds", () => {
    const missing = items.flatMap((item) => item.sources.flatMap((entry) => entry.split("|")).filter((stem) => !files.some((file) => file.startsWith(stem))).map((stem) => `${item.id}: ${stem}`));
    expect(missing).toEqual([]);
  });

  it("expects only strings its sources contain", () => {
    const unfound: string[] = [];
    for (const item of items.filter((entry) => entry.type !== "negative")) {
      const text = item.sources.flatMap((entry) => entry.split("|")).map(textOf).join("\n");
      for (const group of [...item.all, ...(item.lead ?? [])]) {
        const checkable = group.filter((alternative) => /[\u3400-\u9fff]/u.test(alternative));
        // A yes/no group holds the answer words, which are the answer's, not the document's.
        if (checkable.length === 0 || group.some((alternative) => answerWords.has(alternative.toLowerCase()))) continue;
        if (!checkable.some((alternative) => text.includes(normalizeForMatch(alternative)))) unfound.push(`${item.id}: ${group.join("|")}`);
      }
    }
    expect(unfound).toEqual([]);
  });
});
