import { describe, expect, it } from "vitest";
import { extractDocument, readerFor, supportedExtensions, UnreadableDocumentError } from "../../src/ingest/readers.js";
import { htmlToDocument } from "../../src/ingest/readers/html.js";
import { buildDocx, buildPdf } from "./build-fixtures.js";

const policyPage = `<!doctype html><html><head><meta charset="utf-8">
<title>绵阳高新区关于支持企业发展的若干政策 - 绵阳高新区管委会</title>
<meta name="pubdate" content="2024-03-05 09:30:00">
<style>p { color: red }</style><script>var hidden = "脚本里的文字";</script></head>
<body><nav><a href="/">首页</a> &gt; <a>政策文件</a></nav>
<article><h1>绵阳高新区关于支持企业发展的若干政策</h1>
<p>为加快建设科技城，绵阳高新区制定本政策。对新引进的重大产业项目，
最高给予<strong>3000</strong>万元奖励&mdash;&mdash;分三年兑现。</p>
<h2>第一条 适用范围 &amp; 对象</h2><p>本政策适用于在绵阳高新区注册的企业&nbsp;（含分支机构）。</p>
<table><tr><td>项目类型</td><td>奖励标准</td></tr><tr><td>研发中心</td><td>500万元</td></tr></table>
</article><footer>版权所有 绵阳高新区管委会</footer></body></html>`;

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnreadableDocumentError);
  return (error as Error).message;
}

describe("format registry", () => {
  it("has a reader for every supported format, case-insensitively", () => {
    for (const extension of [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]) expect(supportedExtensions).toContain(extension);
    expect(readerFor("Report.PDF")).toBeDefined();
    expect(readerFor("image.png")).toBeUndefined();
  });
});

describe("html", () => {
  it("keeps headings and paragraphs as lines and drops scripts, styles and page chrome", () => {
    const { text, metadata } = htmlToDocument(policyPage);
    expect(text.split("\n")).toEqual([
      "# 绵阳高新区关于支持企业发展的若干政策",
      "为加快建设科技城，绵阳高新区制定本政策。对新引进的重大产业项目，最高给予3000万元奖励——分三年兑现。",
      "### 第一条 适用范围 & 对象",
      "本政策适用于在绵阳高新区注册的企业 （含分支机构）。",
      "项目类型 | 奖励标准",
      "研发中心 | 500万元",
    ]);
    expect(metadata).toEqual({ title: "绵阳高新区关于支持企业发展的若干政策", date: "2024-03-05" });
  });

  it("falls back to <title> and reads article:published_time", () => {
    const { text, metadata } = htmlToDocument(
      '<html><head><title>衡阳高新区招商简报</title><meta property="article:published_time" content="2023-07-11T08:00:00+08:00"></head><body><p>第一段正文。</p><p>第二段正文。</p></body></html>',
    );
    expect(metadata).toEqual({ title: "衡阳高新区招商简报", date: "2023-07-11" });
    expect(text).toBe("# 衡阳高新区招商简报\n第一段正文。\n第二段正文。");
  });

  it("decodes pages saved as GBK when they say so", async () => {
    const html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>中国</p></body></html>';
    const gbk = Buffer.concat([Buffer.from(html.slice(0, html.indexOf("中国")), "latin1"), Buffer.from([0xd6, 0xd0, 0xb9, 0xfa]), Buffer.from("</p></body></html>")]);
    expect((await extractDocument(gbk, "page.htm")).text).toBe("中国");
  });
});

describe("docx", () => {
  it("extracts paragraphs as lines, keeping a figure split across runs intact", async () => {
    const docx = await buildDocx(["绵阳高新区支持科技创新若干政策", ["对新落户的重大项目，最高给予", "3000", "万元奖励。"], "", "本政策自2024年3月1日起施行。"]);
    const document = await extractDocument(docx, "policy.docx");
    expect(document.extracted).toBe(true);
    expect(document.text).toBe("绵阳高新区支持科技创新若干政策\n对新落户的重大项目，最高给予3000万元奖励。\n本政策自2024年3月1日起施行。");
  });

  it("refuses random bytes and a truncated archive with a reason", async () => {
    expect(await reason(extractDocument(Buffer.from("这不是一个Word文件"), "fake.docx"))).toMatch(/not a valid \.docx/);
    const docx = await buildDocx(["正文"]);
    expect(await reason(extractDocument(docx.subarray(0, Math.floor(docx.length / 2)), "cut.docx"))).toMatch(/not a readable \.docx/);
  });
});

describe("pdf", () => {
  const pdf = buildPdf(
    [
      ["Mianyang High-tech Zone Incentive Policy", "The zone grants up to 30 million yuan (3000 wan yuan) to each new major project."],
      ["Second page: R&D centres receive 5 million yuan, and the tax rate is 12.5%."],
    ],
    { title: "Mianyang Incentive Policy 2024" },
  );

  it("extracts the text of every page, in order, and the document title", async () => {
    const document = await extractDocument(pdf, "policy.pdf");
    expect(document.text).toBe(
      "Mianyang High-tech Zone Incentive Policy\nThe zone grants up to 30 million yuan (3000 wan yuan) to each new major project.\n\nSecond page: R&D centres receive 5 million yuan, and the tax rate is 12.5%.",
    );
    expect(document.metadata).toEqual({ title: "Mianyang Incentive Policy 2024" });
  });

  it("ignores placeholder titles that PDF producers write", async () => {
    const document = await extractDocument(buildPdf([["Some text on the page."]], { title: "Microsoft Word - policy.docx" }), "a.pdf");
    expect(document.metadata.title).toBeUndefined();
  });

  it("skips a scanned PDF, a truncated PDF and a non-PDF with their reasons", async () => {
    expect(await reason(extractDocument(buildPdf([[], []]), "scan.pdf"))).toBe("no text layer (scanned PDF?)");
    expect(await reason(extractDocument(pdf.subarray(0, Math.floor(pdf.length * 0.4)), "cut.pdf"))).toMatch(/not a readable PDF/);
    expect(await reason(extractDocument(Buffer.from("hello"), "fake.pdf"))).toMatch(/not a PDF file/);
  });
});

describe("plain text", () => {
  it("refuses empty and binary files", async () => {
    expect(await reason(extractDocument(Buffer.alloc(0), "empty.md"))).toBe("it is empty");
    expect(await reason(extractDocument(Buffer.from([0x89, 0x50, 0x00, 0x01]), "binary.txt"))).toMatch(/binary/);
  });
});

describe("html page chrome", () => {
  it("drops breadcrumbs, menus and share bars marked by class or role, but keeps the article", () => {
    const { text } = htmlToDocument(`<html><body class="nav-open">
      <div class="top-menu"><a>首页</a><a>政务公开</a></div>
      <div id="breadcrumb">当前位置：首页 &gt; 政策文件</div>
      <div class="article-content"><h1>无锡高新区重大项目推进情况</h1>
        <p>今年以来，无锡高新区143个重大项目完成投资247.04亿元。</p></div>
      <div class="bdsharebuttonbox">分享到：微信 微博</div>
      <div role="navigation">上一篇 下一篇</div>
    </body></html>`);
    expect(text).toBe("# 无锡高新区重大项目推进情况\n今年以来，无锡高新区143个重大项目完成投资247.04亿元。");
  });
});
