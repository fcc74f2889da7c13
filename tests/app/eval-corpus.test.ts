import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/runtime.js";
import { prepareEvalCorpus } from "../../src/app/eval-corpus.js";
import { loadConfig, type Config } from "../../src/core/config.js";
import { isAppError } from "../../src/core/errors.js";
import { silentLogger } from "../../src/core/logger.js";
import { repoRoot } from "../helpers/temp-runtime.js";

/** `npm run eval -- FILE --corpus DIR`: a throw-away corpus and index beside the configured ones. */

let root: string;
let config: Config;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "eval-corpus-test-"));
  const configuredCorpus = path.join(root, "corpus");
  await mkdir(configuredCorpus);
  await writeFile(path.join(configuredCorpus, "glossary.json"), JSON.stringify({ terms: [{ en: ["ski slope"], zh: ["雪道"] }] }));
  await writeFile(path.join(configuredCorpus, "gazetteer.json"), JSON.stringify({ places: [{ zh: "柳河", en: ["Liuhe"] }] }));
  config = loadConfig({ CORPUS_DIR: configuredCorpus, DATA_DIR: path.join(root, "data"), LOG_LEVEL: "silent", PROMPTS_DIR: path.join(repoRoot, "prompts") });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("prepareEvalCorpus", () => {
  it("copies the documents, borrows the configured glossary and gazetteer, and removes everything on cleanup", async () => {
    const documents = path.join(root, "policies");
    await mkdir(documents);
    await writeFile(path.join(documents, "a.txt"), "柳河县对新建高级雪道奖励100万元。");
    const scratch = await prepareEvalCorpus(config, documents);
    expect(path.basename(scratch.config.CORPUS_DIR)).toBe("policies");
    expect(scratch.config.DATA_DIR).not.toBe(config.DATA_DIR);
    expect((await readdir(scratch.config.CORPUS_DIR)).sort()).toEqual(["a.txt", "gazetteer.json", "glossary.json"]);
    expect(await readFile(path.join(scratch.config.CORPUS_DIR, "glossary.json"), "utf8")).toContain("ski slope");
    // The folder given is read, never written.
    expect(await readdir(documents)).toEqual(["a.txt"]);
    await scratch.cleanup();
    await expect(stat(scratch.config.CORPUS_DIR)).rejects.toThrow();
    await expect(stat(path.dirname(scratch.config.CORPUS_DIR))).rejects.toThrow();
  });

  it("keeps the folder's own glossary instead of the configured one", async () => {
    const documents = path.join(root, "own-glossary");
    await mkdir(documents);
    await writeFile(path.join(documents, "a.txt"), "政策文本。");
    await writeFile(path.join(documents, "glossary.json"), JSON.stringify({ terms: [{ en: ["homestay"], zh: ["民宿"] }] }));
    const scratch = await prepareEvalCorpus(config, documents);
    try {
      expect(await readFile(path.join(scratch.config.CORPUS_DIR, "glossary.json"), "utf8")).toContain("homestay");
    } finally {
      await scratch.cleanup();
    }
  });

  it("refuses a folder that does not exist with CORPUS_DIR_MISSING naming it", async () => {
    const missing = path.join(root, "no-such-folder");
    const error = await prepareEvalCorpus(config, missing).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe("CORPUS_DIR_MISSING");
    expect((error as Error).message).toContain(missing);
  });

  it("indexes the policy fixtures into the throw-away DATA_DIR and answers from them, leaving DATA_DIR alone", async () => {
    const scratch = await prepareEvalCorpus(config, path.join(repoRoot, "tests/fixtures/policies"));
    try {
      const runtime = await createRuntime(scratch.config, { log: silentLogger, memoryState: true });
      try {
        const answer = await runtime.service.ask("临港地区居住证持证人专项加分最高分值是多少？");
        expect(answer.refused).toBe(false);
        expect(answer.citations.length).toBeGreaterThan(0);
        for (const citation of answer.citations) expect(citation.source).toMatch(/^policies\/p0\d_/);
      } finally {
        await runtime.close();
      }
      expect((await readdir(scratch.config.DATA_DIR)).length).toBeGreaterThan(0);
      await expect(stat(config.DATA_DIR)).rejects.toThrow();
    } finally {
      await scratch.cleanup();
    }
  });
});
