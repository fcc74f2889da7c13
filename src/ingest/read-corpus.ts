import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Article, Chunk } from "../core/types.js";
import { AppError } from "../core/errors.js";
import { catalogEntry, catalogFileName, loadCatalog } from "./catalog.js";
import { chunkArticle, type ChunkOptions } from "./chunk-article.js";
import { detectReportDate } from "./dates.js";
import { toSimplified } from "../retrieve/simplified-chinese.js";
import { issuingPlaces, selfNamedCounty } from "./issuing-body.js";
import { mapRange, normalizeText } from "./normalize-text.js";
import { extractRule } from "./policy-rules.js";
import { mergeValidity, parseValidity } from "./validity.js";
import { defaultReadLimits, extractDocument, readerFor, supportedExtensions, tooLarge, UnreadableDocumentError, type ReadLimits } from "./readers.js";
import type { DocumentParser } from "./isolated-parser.js";
import { splitArticles } from "./split-articles.js";
import { articleZones, detectZones } from "./zones.js";
import { isInstructionLike } from "./instructions.js";
import { splitSentences } from "./sentences.js";

export interface FileReport {
  /** Corpus-relative path like corpus/002_….txt */
  file: string;
  status: "indexed" | "skipped";
  reason?: string;
  articles: number;
  chunks: number;
  sha256: string;
  bytes: number;
  /** Things the admin should fix that did not stop the file from being indexed (e.g. a bad front-matter date). */
  warnings?: string[];
  /** Sentences that give orders to an assistant: flagged, never quoted (see ingest/instructions.ts). */
  instructions?: { text: string; start: number }[];
  /** Why a skipped file was refused, when it was refused as too large or hostile (DOCUMENT_UNSAFE …). */
  code?: string;
}

export interface CorpusReadResult {
  articles: Article[];
  chunks: Chunk[];
  files: FileReport[];
  /** Places of the zones found in the corpus, for the gazetteer (unseen documents' zones work). */
  places: string[];
}

export interface ReadCorpusOptions {
  onFile?: (report: FileReport) => void;
  /** Per file, before it is read and before it is chunked: (step, files done, files in all). */
  onStep?: (step: "reading" | "chunking", done: number, total: number) => void;
  log?: (message: string) => void;
  chunk?: ChunkOptions;
  /** Size and shape limits for hostile files (DOCUMENT_MAX_BYTES, DOCUMENT_MAX_UNPACKED_BYTES). */
  limits?: ReadLimits;
  /** Reads .docx/.pdf/.html out of process memory's way (a worker with limits); in-process when omitted. */
  parser?: DocumentParser;
}

/** Plain text is read in-process: its cost is bounded by its size. */
const plainText = new Set([".txt", ".md", ".markdown"]);

/** Configuration files that live in the corpus folder but are not documents (never indexed, listed or deleted as such). */
const configurationFiles: ReadonlySet<string> = new Set([catalogFileName, "gazetteer.json", "glossary.json", "metrics.json"]);

/** Whether a top-level corpus file name is one of the configuration files (any letter case). */
export function isConfigurationFile(name: string): boolean {
  return configurationFiles.has(name.normalize("NFC").trim().toLowerCase());
}

async function listFiles(dir: string, relative = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, child)));
    else if (!(relative === "" && isConfigurationFile(entry.name))) files.push(child);
  }
  return files;
}

export async function readCorpus(corpusDir: string, options: ReadCorpusOptions = {}): Promise<CorpusReadResult> {
  const log = options.log ?? (() => {});
  const dirStat = await stat(corpusDir).catch(() => undefined);
  if (!dirStat?.isDirectory()) {
    throw new AppError("CORPUS_DIR_MISSING", `The corpus folder ${corpusDir} does not exist.`, {
      hint: "Create it and put the report files (.txt, .md, .html, .docx, .pdf) in it, or set CORPUS_DIR to the right folder.",
    });
  }
  const catalog = await loadCatalog(corpusDir);
  const limits = options.limits ?? defaultReadLimits;
  const prefix = path.basename(path.resolve(corpusDir));
  const result: CorpusReadResult = { articles: [], chunks: [], files: [], places: [] };
  const places = new Set<string>();

  const relatives = await listFiles(corpusDir);
  for (const [position, relative] of relatives.entries()) {
    options.onStep?.("reading", position, relatives.length);
    const source = `${prefix}/${relative}`;
    const absolute = path.join(corpusDir, relative);
    const report: FileReport = { file: source, status: "skipped", articles: 0, chunks: 0, sha256: "", bytes: 0 };
    try {
      if (!readerFor(relative)) {
        report.reason = `${source}: unsupported file type (supported: ${supportedExtensions.join(", ")})`;
      } else {
        // Refused before it is read into memory at all.
        const size = (await stat(absolute)).size;
        if (size > limits.maxFileBytes) throw tooLarge(size, limits.maxFileBytes);
        const bytes = await readFile(absolute);
        report.bytes = bytes.length;
        report.sha256 = createHash("sha256").update(bytes).digest("hex");
        // For .html/.docx/.pdf, `raw` is extracted text and chunk offsets point into it, not into the file.
        const isolated = options.parser && !plainText.has(path.extname(relative).toLowerCase());
        const document = isolated ? await options.parser!.parse(bytes, relative, limits) : await extractDocument(bytes, relative, limits);
        // Kangxi radicals, compatibility ideographs and full-width digits become standard characters;
        // chunk offsets are mapped back, so citations still point into the file's (extracted) text.
        const normalized = normalizeText(document.text);
        // A document in traditional characters (蕪湖經開區) is read in simplified, the script questions
        // and place names are matched in; only when the conversion keeps every offset.
        const raw = simplifiedOrAsIs(normalized.text);
        if (document.warnings?.length) {
          report.warnings = document.warnings.map((warning) => `${source}: ${warning}`);
          for (const warning of report.warnings) log(`warning ${warning}`);
        }
        if (raw.trim() === "") {
          report.reason = `${source} is empty`;
        } else {
          // The admin's catalog wins over what the file says about itself (front matter, HTML meta),
          // and both win over what is detected in the text.
          const entry = catalogEntry(catalog, relative);
          const stated = document.metadata;
          const date = entry?.date ?? stated.date ?? detectReportDate(raw);
          // The stated title is read in simplified too, as the text is (德州出臺…激勵辦法 → 激励办法).
          const statedTitle = stated.title ? simplifiedOrAsIs(normalizeText(stated.title).text) : undefined;
          const title = entry?.title ?? statedTitle;
          const declaredZones = entry?.zones ?? stated.zones ?? [];
          options.onStep?.("chunking", position, relatives.length);
          const articles = splitArticles(raw, { source, date, publisher: entry?.publisher ?? stated.publisher });
          // A file-level title names the article only when the file holds one (a newspaper page holds several).
          // The zones are read again with that title: a policy often names its zone only there.
          if (title && articles.length === 1 && articles[0].title !== title) {
            articles[0].title = title;
            articles[0].zones = articleZones(title.replace(/\s+/g, ""), articles[0].text);
          }
          // A report that names its zone only in its source line ("2023-05-25 渭南高新区管委会网站") is about that zone.
          // A title with a bare zone word ("经开区举行…") is about the zone its source line names.
          if (articles.length === 1) {
            const article = articles[0]!;
            const header = raw.split(/\r?\n/).filter((line) => line.trim() !== "").slice(0, 3).join("").replace(/\s+/g, "");
            const bareTitle = /^(?:经开区|高新区|开发区|新区|园区|工业园区|我区|全区)|[^\u4e00-\u9fa5](?:经开区|高新区)/u.test(article.title);
            if (article.zones.length === 0) article.zones = articleZones(`${article.title}${header}`.replace(/\s+/g, ""), article.text);
            else if (bareTitle) {
              const named = articleZones(header, "").filter((zone) => !article.zones.slice(0, 1).includes(zone));
              if (named.length > 0) article.zones = [...new Set([...named, ...article.zones])];
            }
          }
          for (const article of articles) {
            // Declared zones say what a file is about (its text may not name the zone): they go first,
            // then the county or city of the issuing body (中共柳河县委 → 柳河县), known to no gazetteer perhaps.
            const issuers = issuingPlaces(article.title, article.text);
            const hasPlace = declaredZones.length > 0 || issuers.length > 0 || article.zones.length > 0;
            const county = hasPlace ? undefined : selfNamedCounty(article.text);
            if (county) issuers.push(county);
            // A one-character county (盘 of 盘县) is known by its full name: "Panxian" is asked, never "Pan".
            for (const issuer of issuers) places.add(issuer.place.length < 2 ? issuer.name : issuer.place);
            const leading = [...declaredZones, ...issuers.flatMap((issuer) => [issuer.name, issuer.place])];
            if (leading.length > 0) article.zones = [...new Set([...leading, ...article.zones])];
            const validity = mergeValidity(parseValidity(article.text, article.date), { ...stated, ...entry }, article.date);
            const chunks = chunkArticle(article, options.chunk);
            for (const chunk of chunks) {
              if (validity) chunk.validity = validity;
              // Items of numbered policy texts get their rule record at index time.
              const rule = chunk.section ? extractRule(chunk.text) : undefined;
              if (rule) chunk.rule = rule;
            }
            if (normalized.changed > 0) {
              for (const chunk of chunks) Object.assign(chunk, mapRange(normalized, document.text, chunk.start, chunk.end));
              article.offsets = article.offsets.map((offset) => normalized.offsets[offset] ?? offset);
            }
            result.articles.push(article);
            result.chunks.push(...chunks);
            report.chunks += chunks.length;
            for (const mention of detectZones(article.text)) places.add(mention.place);
            for (const sentence of splitSentences(article.text)) {
              if (!isInstructionLike(sentence.text)) continue;
              (report.instructions ??= []).push({ text: sentence.text.slice(0, 160), start: article.offsets[sentence.start] ?? 0 });
            }
          }
          report.articles = articles.length;
          if (articles.length === 0) report.reason = `${source} holds no article text`;
          else report.status = "indexed";
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Refused as too large or hostile: the code leads, so the job, the console and `npm run index` name it.
      const code = error instanceof UnreadableDocumentError && error.code !== "CORPUS_FILE_UNREADABLE" ? error.code : undefined;
      if (code) report.code = code;
      report.reason = code ? `${source}: ${code}: ${reason}` : `${source}: ${reason}`;
    }
    if (report.instructions?.length) log(`warning ${source}: ${report.instructions.length} instruction-like sentence(s) flagged; they are never quoted`);
    if (report.status === "skipped") log(`skipped ${report.reason}`);
    else log(`indexed ${source}: ${report.articles} articles, ${report.chunks} chunks`);
    result.files.push(report);
    options.onFile?.(report);
  }

  if (!result.files.some((file) => file.status === "indexed")) {
    throw new AppError("CORPUS_EMPTY", `The corpus folder ${corpusDir} has no readable documents.`, {
      hint: `Add report files (${supportedExtensions.join(", ")}) to it; skipped: ${result.files.map((file) => file.reason).join("; ") || "none"}.`,
    });
  }
  result.places = [...places];
  markSuperseded(result.chunks);
  return result;
}

/** A document named as replaced (…同时废止) by another indexed document learns which one replaced it. */
function markSuperseded(chunks: Chunk[]): void {
  const replacing = new Map<string, Set<string>>();
  const titles = new Map<string, string>();
  for (const chunk of chunks) titles.set(chunk.articleId, chunk.title);
  for (const chunk of chunks) {
    for (const name of chunk.validity?.supersedes ?? []) {
      const bare = name.replace(/\s+/g, "");
      for (const [articleId, title] of titles) {
        if (articleId === chunk.articleId || bare.length < 6) continue;
        const plain = title.replace(/[\s《》]+/g, "");
        if (plain.includes(bare) || bare.includes(plain)) {
          const set = replacing.get(articleId) ?? new Set<string>();
          set.add(chunk.title);
          replacing.set(articleId, set);
        }
      }
    }
  }
  if (replacing.size === 0) return;
  for (const chunk of chunks) {
    const by = replacing.get(chunk.articleId);
    if (by) chunk.validity = { ...chunk.validity, supersededBy: [...by] };
  }
}

/** The text in simplified characters, or as it is when the conversion would change its length (offsets must hold). */
function simplifiedOrAsIs(text: string): string {
  const simplified = toSimplified(text);
  return simplified.length === text.length ? simplified : text;
}
