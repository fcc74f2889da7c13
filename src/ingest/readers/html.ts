import { HTMLElement, NodeType, parse, type Node } from "node-html-parser";
import type { CatalogEntry } from "../../core/types.js";
import { normalizeDate } from "../front-matter.js";
import { defaultReadLimits, UnreadableDocumentError, tidyLines, type DocumentReader } from "./document.js";

/**
 * HTML pages (saved news pages, policy pages from zone websites). Scripts, styles and page chrome
 * (nav, footer, aside, forms) are dropped; headings and paragraphs become lines. When the page has
 * a title, it is written as a "# " line and sub-headings as "### " lines, so the article splitter
 * sees one article with sections rather than guessing titles from short lines.
 */

const dropped = new Set(["script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "svg", "button", "select", "head"]);
const blocks = new Set([
  "p", "div", "section", "article", "main", "header", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
  "tr", "blockquote", "pre", "figure", "figcaption", "address", "hr", "body", "center",
]);
const cells = new Set(["td", "th"]);
// Zone websites mark their chrome with classes rather than <nav>/<footer>: breadcrumbs, menus,
// share buttons, "related links" lists. Matched per class/id word, so "article-content" stays.
const chromeWords = /^(nav|navbar|navigation|menu|breadcrumbs?|crumbs?|position|location|footer|foot|copyright|sidebar|share|bdsharebuttonbox|related|pagination|pager|toolbar|skip)$/i;

function isChrome(element: HTMLElement, tag: string): boolean {
  // <body class="nav-open"> or <article class="share-enabled"> still hold the content.
  if (tag === "body" || tag === "html" || tag === "main" || tag === "article") return false;
  if (element.getAttribute("role") === "navigation" || element.getAttribute("aria-hidden") === "true") return true;
  const words = `${element.getAttribute("class") ?? ""} ${element.getAttribute("id") ?? ""}`.split(/[\s_-]+/);
  return words.some((word) => chromeWords.test(word));
}

interface Block {
  kind: "title" | "heading" | "text";
  text: string;
}

const cjk = "\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef";
// Only a source line break is dropped: a typed space ("第一条 适用范围") is the author's.
const breakBetweenCjk = new RegExp(`(?<=[${cjk}])[ \\t\\r]*\\n\\s*(?=[${cjk}])`, "g");

/** Marks the end of a table cell until the row is written out. */
const cellEnd = "\u0000";

/** Source line breaks inside a Chinese paragraph are layout, not spaces; table cells stay apart. */
function tidyInline(text: string): string {
  return text
    .split(cellEnd)
    .map((part) => part.replace(breakBetweenCjk, "").replace(/\s+/g, " ").trim())
    .filter((part) => part.length > 0)
    .join(" | ");
}

function collectBlocks(root: HTMLElement): Block[] {
  const result: Block[] = [];
  let line = "";
  const flush = () => {
    const text = tidyInline(line);
    if (text) result.push({ kind: "text", text });
    line = "";
  };
  const walk = (node: Node) => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      line += node.text;
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    const tag = node.rawTagName?.toLowerCase() ?? "";
    if (dropped.has(tag) || isChrome(node, tag)) return;
    if (tag === "br") {
      flush();
      return;
    }
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      flush();
      const text = tidyInline(node.text);
      if (text) result.push({ kind: heading[1] === "1" ? "title" : "heading", text });
      return;
    }
    const isBlock = blocks.has(tag);
    if (isBlock) flush();
    for (const child of node.childNodes) walk(child);
    if (cells.has(tag)) line += cellEnd;
    if (isBlock) flush();
  };
  walk(root);
  flush();
  return result;
}

function metaContent(root: HTMLElement, names: string[]): string | undefined {
  for (const meta of root.querySelectorAll("meta")) {
    const key = (meta.getAttribute("name") ?? meta.getAttribute("property") ?? meta.getAttribute("itemprop") ?? "").toLowerCase();
    const content = meta.getAttribute("content")?.trim();
    if (content && names.includes(key)) return content;
  }
  return undefined;
}

/** The deepest element nesting, measured without recursion (a recursive walk would overflow the stack first). */
function nestingDepth(root: Node): number {
  let deepest = 0;
  const stack: Array<[Node, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    for (const child of node.childNodes) if (child instanceof HTMLElement) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function htmlToDocument(html: string, maxDepth = defaultReadLimits.maxHtmlDepth): { text: string; metadata: CatalogEntry } {
  const root = parse(html, { comment: false, blockTextElements: { pre: true } });
  const depth = nestingDepth(root);
  if (depth > maxDepth) {
    throw new UnreadableDocumentError(`its elements are nested ${depth} deep (limit ${maxDepth}); no real page needs this`, "DOCUMENT_UNSAFE");
  }
  const pageTitle = tidyInline(root.querySelector("title")?.text ?? "") || undefined;
  const body = root.querySelector("body") ?? root;
  const found = collectBlocks(body);
  const firstH1 = found.find((block) => block.kind === "title")?.text;
  const title = firstH1 ?? pageTitle ?? metaContent(root, ["og:title"]);

  const lines: string[] = [];
  if (title && !firstH1) lines.push(`# ${title}`);
  const marked = title !== undefined;
  for (const block of found) {
    if (!marked || block.kind === "text") lines.push(block.text);
    else lines.push(block.kind === "title" ? `# ${block.text}` : `### ${block.text}`);
  }

  const metadata: CatalogEntry = {};
  if (title) metadata.title = title;
  const rawDate = metaContent(root, ["date", "pubdate", "publishdate", "article:published_time", "datepublished", "dc.date", "firstpublishedtime"]);
  const date = rawDate ? normalizeDate(rawDate) : undefined;
  if (date) metadata.date = date;
  const publisher = metaContent(root, ["publisher", "contentsource", "og:site_name", "sitename"]);
  if (publisher) metadata.publisher = publisher;
  // <meta name="zone" content="柳河县, 柳河">: the page declares its zones, as catalog.json can.
  const zones = metaContent(root, ["zone", "zones"])?.split(/[,，、;；]/).map((zone) => zone.trim()).filter(Boolean);
  if (zones && zones.length > 0) metadata.zones = zones;
  for (const key of ["effective", "expires"] as const) {
    const value = metaContent(root, [key]);
    const date = value ? normalizeDate(value) : undefined;
    if (date) metadata[key] = date;
  }
  return { text: tidyLines(lines), metadata };
}

/** Many Chinese government pages are still saved as GB2312/GBK: honour a declared charset. */
function declaredCharset(bytes: Buffer): string {
  const head = bytes.subarray(0, 4096).toString("latin1");
  const charset = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  return charset && /^(gb2312|gbk|gb18030|x-gbk)$/.test(charset) ? "gb18030" : "utf-8";
}

export const readHtml: DocumentReader = async (bytes, _file, limits) => {
  if (bytes.includes(0)) throw new UnreadableDocumentError("it contains NUL bytes (not an HTML page)");
  const charset = declaredCharset(bytes);
  let html: string;
  try {
    html = new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    throw new UnreadableDocumentError(`it is not valid ${charset === "utf-8" ? "UTF-8" : "GBK"} HTML (save the page as UTF-8)`);
  }
  const { text, metadata } = htmlToDocument(html, limits.maxHtmlDepth);
  return { text, metadata, extracted: true };
};
