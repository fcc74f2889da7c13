import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CorpusReadResult, FileReport } from "../../src/ingest/read-corpus.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";
import { htmlToDocument } from "../../src/ingest/readers/html.js";
import { buildDocx, buildPdf } from "./build-fixtures.js";

const frontMatterPolicy =
  "---\ntitle: 长治高新区促进数字经济发展办法\ndate: 2024-03-01\nzone: 长治高新区\npublisher: 长治高新区管委会\n---\n\n" +
  "为推动数字经济发展，对新认定的数字经济企业给予一次性奖励50万元。\n\n" +
  "对年营业收入首次突破1亿元的企业，给予100万元奖励。\n";

const htmlPage = `<!doctype html><html><head><meta charset="utf-8"><title>政策文件 - 绵阳高新区管委会</title>
<meta name="pubdate" content="2024-03-05"><script>document.write("广告脚本")</script></head>
<body><nav>首页 &gt; 政策文件</nav><h1>绵阳高新区关于支持企业发展的若干政策</h1>
<p>为加快建设科技城，绵阳高新区制定本政策。对新引进的重大产业项目，最高给予3000万元奖励。</p>
<h2>第二条</h2><p>对新建的研发中心，按投资额给予最高500万元支持&hellip;&hellip;具体以认定结果为准。</p></body></html>`;

const pdfLines = [
  ["Qingdao High-tech Zone: Investment Incentives", "New major projects receive a grant of up to 20 million yuan from the zone."],
  ["Projects that settle within the zone also receive free office space for three years."],
];

const temporary: string[] = [];
let dir: string;
let result: CorpusReadResult;
let byFile: Record<string, FileReport>;

beforeAll(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "formats-"));
  temporary.push(root);
  dir = path.join(root, "corpus");
  await mkdir(dir);
  const docx = await buildDocx([
    "绵阳高新区支持科技创新若干政策",
    ["对新落户的重大科技项目，最高给予", "3000", "万元", "奖励。"],
    "对认定的高新技术企业，给予20万元一次性奖励。",
  ]);
  const pdf = buildPdf(pdfLines, { title: "Qingdao Incentive Policy" });
  const files: Record<string, string | Buffer> = {
    "policy.md": frontMatterPolicy,
    "page.html": htmlPage,
    "rule.docx": docx,
    "brief.pdf": pdf,
    "scan.pdf": buildPdf([[]]),
    "broken.docx": Buffer.from("这不是一个Word文件，只是改了扩展名"),
    "cut.pdf": pdf.subarray(0, Math.floor(pdf.length * 0.4)),
    "empty.md": "",
    "blank.txt": "\n\n   \n",
    "binary.txt": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x00, 0x01]),
    "catalog.json": JSON.stringify({
      files: {
        // The catalog wins over the file's own metadata: here over the PDF's title and for its zone.
        "brief.pdf": { title: "青岛高新区招商引资政策", zones: ["青岛高新区", "青岛"], date: "2024-05" },
      },
    }),
  };
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  result = await readCorpus(dir);
  byFile = Object.fromEntries(result.files.map((file) => [file.file, file]));
});

afterAll(async () => {
  await Promise.all(temporary.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

function chunksOf(name: string) {
  return result.chunks.filter((chunk) => chunk.source === `corpus/${name}`);
}

describe("readCorpus over real formats", () => {
  it("indexes the good files and skips each bad one with a reason naming it", () => {
    for (const name of ["policy.md", "page.html", "rule.docx", "brief.pdf"]) expect(byFile[`corpus/${name}`]).toMatchObject({ status: "indexed" });
    const skipped: Record<string, RegExp> = {
      "scan.pdf": /no text layer \(scanned PDF\?\)/,
      "broken.docx": /not a valid \.docx/,
      "cut.pdf": /not a readable PDF/,
      "empty.md": /empty/,
      "blank.txt": /empty/,
      "binary.txt": /binary/,
    };
    for (const [name, pattern] of Object.entries(skipped)) {
      const report = byFile[`corpus/${name}`];
      expect(report.status, name).toBe("skipped");
      expect(report.reason, name).toContain(`corpus/${name}`);
      expect(report.reason, name).toMatch(pattern);
      expect(chunksOf(name)).toEqual([]);
    }
  });

  it("takes title, date, zone and publisher from front matter, and keeps the block out of chunks", () => {
    const chunks = chunksOf("policy.md");
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ title: "长治高新区促进数字经济发展办法", date: "2024-03-01", publisher: "长治高新区管委会" });
      expect(chunk.zones[0]).toBe("长治高新区");
      expect(chunk.text).not.toMatch(/title|date:|zone:|publisher|---/);
      // Offsets still point into the file as written, front matter included.
      const quoted = frontMatterPolicy.slice(chunk.start, chunk.end);
      expect(quoted.startsWith(chunk.text.slice(0, 10))).toBe(true);
      expect(chunk.start).toBeGreaterThan(frontMatterPolicy.indexOf("\n---\n"));
    }
    expect(chunks.map((chunk) => chunk.text).join("")).toContain("一次性奖励50万元");
  });

  it("reads the HTML title and date, drops scripts and navigation, and keeps figures intact", () => {
    const chunks = chunksOf("page.html");
    const text = chunks.map((chunk) => chunk.text).join("\n");
    expect(chunks[0]).toMatchObject({ title: "绵阳高新区关于支持企业发展的若干政策", date: "2024-03-05" });
    expect(chunks[0].zones[0]).toBe("绵阳高新区");
    expect(text).toContain("最高给予3000万元奖励");
    expect(text).toContain("最高500万元支持……");
    expect(text).not.toMatch(/广告脚本|首页|document\.write/);
    // Offsets of extracted formats point into the extracted text.
    const extracted = htmlToDocument(htmlPage).text;
    for (const chunk of chunks) expect(extracted.slice(chunk.start, chunk.end).startsWith(chunk.text.slice(0, 10))).toBe(true);
  });

  it("reads a .docx whose figure is split across runs into one intact figure", () => {
    const chunks = chunksOf("rule.docx");
    expect(chunks[0].title).toBe("绵阳高新区支持科技创新若干政策");
    expect(chunks[0].zones[0]).toBe("绵阳高新区");
    expect(chunks.map((chunk) => chunk.text).join("")).toContain("最高给予3000万元奖励");
  });

  it("lets the catalog win over the PDF's own title, and reads text from every page", () => {
    const chunks = chunksOf("brief.pdf");
    expect(chunks[0]).toMatchObject({ title: "青岛高新区招商引资政策", date: "2024-05" });
    expect(chunks[0].zones.slice(0, 2)).toEqual(["青岛高新区", "青岛"]);
    const text = chunks.map((chunk) => chunk.text).join(" ");
    expect(text).toContain("20 million yuan");
    expect(text).toContain("free office space");
  });

  it("still indexes the rest when a file cannot be opened at all", async () => {
    // A dangling link cannot be read by anyone (unlike a chmod 000 file, which root can read).
    const gone = path.join(dir, "gone.md");
    await symlink(path.join(dir, "no-such-target.md"), gone);
    try {
      const again = await readCorpus(dir);
      const report = again.files.find((file) => file.file === "corpus/gone.md")!;
      expect(report.status).toBe("skipped");
      expect(report.reason).toContain("corpus/gone.md");
      expect(again.files.filter((file) => file.status === "indexed")).toHaveLength(4);
    } finally {
      await rm(gone);
    }
  });
});

describe("front matter problems", () => {
  it("indexes a file with an unusable front-matter date, with a warning naming it, and skips a file that is only front matter", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "formats-"));
    temporary.push(root);
    const corpus = path.join(root, "corpus");
    await mkdir(corpus);
    await writeFile(path.join(corpus, "dated.md"), "---\ntitle: 乐山高新区科技惠企行动\ndate: 去年春天\n---\n乐山高新区今年为科技企业兑现奖补资金2300万元，惠及企业86家。\n");
    await writeFile(path.join(corpus, "header-only.md"), "---\ntitle: 空文件\nzone: 乐山高新区\n---\n");
    const { files, chunks } = await readCorpus(corpus);
    const dated = files.find((file) => file.file === "corpus/dated.md")!;
    expect(dated.status).toBe("indexed");
    expect(dated.warnings?.join(" ")).toMatch(/corpus\/dated\.md.*去年春天/);
    expect(chunks[0]).toMatchObject({ title: "乐山高新区科技惠企行动", date: undefined });
    expect(files.find((file) => file.file === "corpus/header-only.md")).toMatchObject({ status: "skipped", reason: "corpus/header-only.md is empty" });
  });
});
