import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAppError } from "../../src/core/errors.js";
import { parseCatalog } from "../../src/ingest/catalog.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";

const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function corpusDir(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), "ingest-"));
  temporary.push(root);
  const dir = path.join(root, "corpus");
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

describe("readCorpus", () => {
  it("reads the real corpus with sources like corpus/<file>", async () => {
    const result = await readCorpus(path.resolve("corpus"));
    expect(result.files.filter((file) => file.status === "indexed")).toHaveLength(5);
    expect(result.files[2].file).toBe("corpus/002_93385d198ddbd426.txt");
    expect(result.chunks.every((chunk) => chunk.source.startsWith("corpus/"))).toBe(true);
    const chunk004 = result.chunks.find((chunk) => chunk.source.endsWith("004_01366610fb89b663.txt"))!;
    expect(chunk004.date).toBe("2023-07");
    expect(result.places).toContain("长治");
  });

  it("skips empty, binary and unsupported files with a reason, and ignores metadata files", async () => {
    const dir = await corpusDir({
      "good.txt": "绵阳高新区招商引资\n\n本报讯 绵阳高新区今年上半年签约项目12个，总投资88.5亿元。",
      "empty.txt": "",
      "binary.txt": Buffer.from([0x00, 0x01, 0xff, 0xfe]),
      "latin1.md": Buffer.from([0xe9, 0x74, 0xe9]),
      "image.png": "x",
      "glossary.json": "{}",
      ".hidden.txt": "隐藏",
    });
    const reports: string[] = [];
    const result = await readCorpus(dir, { onFile: (report) => reports.push(report.file) });
    const byFile = Object.fromEntries(result.files.map((file) => [file.file, file]));
    expect(byFile["corpus/good.txt"].status).toBe("indexed");
    expect(byFile["corpus/good.txt"].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byFile["corpus/empty.txt"]).toMatchObject({ status: "skipped" });
    expect(byFile["corpus/empty.txt"].reason).toContain("empty.txt");
    expect(byFile["corpus/binary.txt"].reason).toContain("binary.txt");
    expect(byFile["corpus/latin1.md"].reason).toContain("UTF-8");
    expect(byFile["corpus/image.png"].status).toBe("skipped");
    expect(reports).not.toContain("corpus/glossary.json");
    expect(reports).not.toContain("corpus/.hidden.txt");
    expect(result.articles[0].zones[0]).toBe("绵阳高新区");
  });

  it("fails with coded errors for a missing dir, an empty corpus and a broken catalog", async () => {
    await expect(readCorpus("/nonexistent/corpus")).rejects.toMatchObject({ code: "CORPUS_DIR_MISSING" });
    const empty = await corpusDir({ "empty.txt": "" });
    await expect(readCorpus(empty)).rejects.toMatchObject({ code: "CORPUS_EMPTY" });
    const broken = await corpusDir({ "good.txt": "一段正文，足够长的句子。", "catalog.json": '{"files": {"a.txt": {"date": "May 2020"}}}' });
    const error = await readCorpus(broken).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code === "CONFIG_INVALID" && error.message.includes("catalog.json")).toBe(true);
    expect(() => parseCatalog("{", "catalog.json")).toThrow(/catalog\.json/);
  });
});
