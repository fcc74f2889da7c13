import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIndex } from "../../src/app/index-builder.js";
import { silentLogger } from "../../src/core/logger.js";
import { createTestRuntime, type TestRuntime } from "../helpers/temp-runtime.js";

/** An admin adds a report and re-indexes; the running service answers from it after reload. */

let test: TestRuntime;
beforeAll(async () => {
  test = await createTestRuntime();
});
afterAll(async () => {
  await test?.close();
});

const newReport = [
  "芜湖高新区推出“人才十条”",
  "本报记者 王明",
  "近日，芜湖高新区发布“人才十条”新政。芜湖高新区对新引进的博士给予每人安家补贴30万元，对硕士给予每人安家补贴8万元。",
  "据介绍，芜湖高新区今年以来累计引进各类人才2600余名，新建人才公寓1200套。芜湖高新区还设立了总规模5亿元的人才创业基金。",
].join("\n\n");

describe("re-indexing a new document", () => {
  it("refuses before the document exists, answers with it after build + reload, citing the new file", async () => {
    const question = "芜湖高新区对新引进的博士给予多少安家补贴？";
    const before = await test.runtime.service.ask(question);
    expect(before.refused).toBe(true);
    const versionBefore = test.runtime.service.status().indexVersion;

    await writeFile(path.join(test.workspace.corpusDir, "005_wuhu_talent.txt"), newReport);
    const report = await buildIndex(test.config, test.runtime.lexicon, { log: silentLogger });
    expect(report.skipped).toEqual([]);
    await test.runtime.reload();

    const status = test.runtime.service.status();
    expect(status.indexVersion).not.toBe(versionBefore);
    expect(status.files).toBe(6);
    const after = await test.runtime.service.ask(question);
    expect(after.refused).toBe(false);
    expect(after.answer).toContain("30万元");
    expect(after.citations[0]!.source).toBe("corpus/005_wuhu_talent.txt");
    expect(after.citations[0]!.zone).toContain("芜湖");

    // English reaches the new zone through its generated pinyin name.
    const english = await test.runtime.service.ask("How much is the housing subsidy for PhDs in Wuhu High-tech Zone?");
    expect(english.citations.map((citation) => citation.source)).toContain("corpus/005_wuhu_talent.txt");
  });
});

describe("editing the glossary", () => {
  it("takes effect with the next re-index job, without a restart", async () => {
    const question = "How many zorblax does Changzhi High-tech Zone have?";
    const before = await test.runtime.service.ask(question);
    expect(before.refused).toBe(true);

    const glossaryFile = path.join(test.workspace.corpusDir, "glossary.json");
    const glossary = JSON.parse(await readFile(glossaryFile, "utf8")) as { terms: { en: string[]; zh: string[] }[] };
    glossary.terms.push({ en: ["zorblax"], zh: ["招商大使"] });
    await writeFile(glossaryFile, JSON.stringify(glossary));
    const job = await test.runtime.admin.start("test", { gate: false });
    expect((await test.runtime.admin.wait(job.id)).state).toBe("succeeded");

    const after = await test.runtime.service.ask(question);
    expect(after.refused).toBe(false);
    expect(after.answer).toContain("招商大使");
    expect(after.citations.some((citation) => citation.source.includes("002_"))).toBe(true);
  });
});
