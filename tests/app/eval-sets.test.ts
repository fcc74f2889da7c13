import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEvalFile, normalizeForMatch, type EvalItem } from "../../src/app/evaluate.js";
import { realCorpusDir, repoRoot } from "../helpers/temp-runtime.js";

/**
 * The question sets themselves are checked against the corpus, so a typo in an expected string
 * shows up here instead of as a product failure nobody can fix: every group of `all` and `lead`
 * must have an alternative that occurs in an expected source file (Chinese strings are copied from
 * the corpus; English renderings like "15.08 billion" cannot be, and a group of English renderings
 * only is taken as written), and every Chinese `none` string must be a figure the corpus really has.
 */

const evalDir = path.join(repoRoot, "tests/eval");
const setFiles = ["quality.jsonl", "quality-holdout.jsonl"];
const hasChinese = (text: string) => /\p{Script=Han}/u.test(text);
/** A yes/no lead is the answer word, which the corpus never has to contain. */
const answerWords = new Set(["是的", "是，", "是。", "是:", "yes"].map(normalizeForMatch));

let corpus: Map<string, string>;

beforeAll(async () => {
  corpus = new Map();
  for (const name of await readdir(realCorpusDir)) {
    if (!name.endsWith(".txt")) continue;
    corpus.set(name.split("_")[0]!, normalizeForMatch(await readFile(path.join(realCorpusDir, name), "utf8")));
  }
});

function sourceText(item: EvalItem): string {
  const stems = item.sources.flatMap((entry) => entry.split("|"));
  return (stems.length > 0 ? stems.map((stem) => corpus.get(stem) ?? "") : [...corpus.values()]).join("\n");
}

/** Groups none of whose alternatives occurs in the expected sources. */
function unfoundGroups(item: EvalItem): string[][] {
  const text = sourceText(item);
  return [...item.all, ...(item.lead ?? [])].filter(
    (group) =>
      group.some(hasChinese) &&
      !group.every((alternative) => answerWords.has(normalizeForMatch(alternative))) &&
      !group.some((alternative) => text.includes(normalizeForMatch(alternative))),
  );
}

describe.each(setFiles)("%s", (file) => {
  let items: EvalItem[];
  beforeAll(async () => {
    items = await loadEvalFile(path.join(evalDir, file));
  });

  it("covers every corpus file, both languages and every question type", () => {
    const cited = new Set(items.flatMap((item) => item.sources.flatMap((entry) => entry.split("|"))));
    expect([...corpus.keys()].filter((stem) => !cited.has(stem))).toEqual([]);
    const english = items.filter((item) => item.lang === "en").length;
    expect(english / items.length).toBeGreaterThan(0.35);
    expect(english / items.length).toBeLessThan(0.65);
    for (const type of ["negative", "followup"]) expect(items.some((item) => item.type === type)).toBe(true);
    expect(items.filter((item) => item.type === "followup").every((item) => (item.history?.length ?? 0) > 0)).toBe(true);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  });

  it("expects only strings the expected sources contain", () => {
    const wrong = items.filter((item) => item.type !== "negative").map((item) => ({ id: item.id, groups: unfoundGroups(item) }));
    expect(wrong.filter((entry) => entry.groups.length > 0)).toEqual([]);
  });

  it("forbids only figures the corpus really has", () => {
    const everything = [...corpus.values()].join("\n");
    const invented = items.flatMap((item) => (item.none ?? []).filter((text) => hasChinese(text) && !everything.includes(normalizeForMatch(text))).map((text) => `${item.id}: ${text}`));
    expect(invented).toEqual([]);
  });

  it("never forbids what it expects", () => {
    const clashes = items.flatMap((item) => {
      const expected = [...item.all, ...(item.lead ?? [])].flat().map(normalizeForMatch);
      return (item.none ?? []).filter((text) => expected.some((alternative) => alternative.includes(normalizeForMatch(text)))).map((text) => `${item.id}: ${text}`);
    });
    expect(clashes).toEqual([]);
  });
});
