import { copyFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIndex } from "../../src/app/index-builder.js";
import { silentLogger } from "../../src/core/logger.js";
import { createTestRuntime, repoRoot, type TestRuntime } from "../helpers/temp-runtime.js";

/**
 * A document unlike the newspaper pages: a policy text with numbered articles (第一条 …) and an
 * issuing line. It must be split, dated and answered from like any report.
 */

let test: TestRuntime;
const file = "005_mianyang_policy.txt";
beforeAll(async () => {
  test = await createTestRuntime();
  await copyFile(path.join(repoRoot, "tests/fixtures/policy-mianyang.txt"), path.join(test.workspace.corpusDir, file));
  await buildIndex(test.config, test.runtime.lexicon, { log: silentLogger });
  await test.runtime.reload();
});
afterAll(async () => {
  await test?.close();
});

describe("a policy text with numbered articles", () => {
  it("answers a Chinese question with the article's figures, dated by the issuing line", async () => {
    const answer = await test.runtime.service.ask("绵阳高新区对租用标准化厂房有什么补贴？");
    expect(answer.refused).toBe(false);
    expect(answer.answer).toContain("50%");
    expect(answer.answer).toContain("200万元");
    expect(answer.citations[0]).toMatchObject({ source: `corpus/${file}`, zone: "绵阳高新区", date: "2024-03-15" });
  });

  it("answers an English question through the pinyin gazetteer and the glossary", async () => {
    const answer = await test.runtime.service.ask("How much is the listing reward in Mianyang High-tech Zone?");
    expect(answer.refused).toBe(false);
    expect(answer.answer).toContain("600万元");
    expect(answer.answer).toMatch(/Mianyang High-tech Zone/);
  });

  it("still refuses what the policy does not say", async () => {
    const answer = await test.runtime.service.ask("绵阳高新区的工业用地价格是多少？");
    expect(answer.refused).toBe(true);
  });
});
