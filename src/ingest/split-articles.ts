import type { Article } from "../core/types.js";
import {
  endsSentence,
  isByline,
  isCaptionText,
  isEditorCredit,
  isPageNumber,
  isPhotoCredit,
  isShortLine,
  joinPieces,
  looksLikeHeading,
  scanParagraphs,
  stripTrailingByline,
  type Paragraph,
  type TextPiece,
} from "./clean-text.js";
import { detectReportDate } from "./dates.js";
import { markerAt } from "./policy-structure.js";
import { articleZones, detectZones } from "./zones.js";

/**
 * Splits one newspaper page (or markdown file) into articles. Markdown headings "#"/"##" start
 * articles ("## ——…" is a subtitle, "###" a section, or a kicker when a title follows it). In plain
 * text, a short line starts an article when a byline or "本报讯" follows it, when it names another
 * zone than the running article, or when the previous article was closed by a trailing byline.
 */

export interface SplitOptions {
  source: string;
  date?: string;
  publisher?: string;
}

interface Draft {
  titleParts: string[];
  bylines: string[];
  pieces: TextPiece[];
  bodyTexts: string[];
  /** A trailing byline or a big gap after a finished sentence ended the article. */
  closed: boolean;
  /** No body yet and still collecting title lines. */
  header: boolean;
}

const newsLead = /^(本报讯|本刊讯|本报[^，,。]{0,8}电|据[^，,。]{0,8}报道)/;

function newDraft(title?: string): Draft {
  return { titleParts: title ? [title] : [], bylines: [], pieces: [], bodyTexts: [], closed: false, header: true };
}

function tidyTitle(text: string): string {
  return text.replace(/^#{1,6}\s*/, "").replace(/\s+/g, " ").trim();
}

/** The main place of a draft: from its title, else the most mentioned in its body so far. */
function mainPlace(draft: Draft): string | undefined {
  const fromTitle = detectZones(draft.titleParts.join(" ").replace(/\s+/g, "")).find((zone) => !/^[市县省]$/.test(zone.kind));
  if (fromTitle) return fromTitle.place;
  const fromBody = detectZones(draft.bodyTexts.join("\n").replace(/[ \t]+/g, "")).find((zone) => !/^[市县省]$/.test(zone.kind));
  return fromBody?.place;
}

function zonePlaces(text: string): string[] {
  return detectZones(text.replace(/\s+/g, "")).filter((zone) => !/^[市县省]$/.test(zone.kind)).map((zone) => zone.place);
}

function isNoise(paragraphs: Paragraph[], index: number): boolean {
  const text = paragraphs[index].text;
  const next = paragraphs[index + 1];
  if (isPageNumber(text) || isEditorCredit(text) || isPhotoCredit(text) || isCaptionText(text)) return true;
  if (detectReportDate(text, 1) !== undefined) return true;
  // A paragraph right before a "X/摄" or "供图" line is that photo's caption.
  if (next && isPhotoCredit(next.text) && !/^图片来源/.test(next.text) && text.length <= 120) return true;
  return false;
}

/** Next paragraph that is not noise, for look-ahead decisions. */
function nextContent(paragraphs: Paragraph[], index: number): Paragraph | undefined {
  for (let cursor = index + 1; cursor < paragraphs.length; cursor++) {
    if (!isNoise(paragraphs, cursor)) return paragraphs[cursor];
  }
  return undefined;
}

function firstSentenceTitle(text: string): string {
  const sentence = text.split(/[。！？\n]/)[0] ?? text;
  return sentence.length > 30 ? `${sentence.slice(0, 30)}…` : sentence;
}

export function splitArticles(raw: string, options: SplitOptions): Article[] {
  const paragraphs = scanParagraphs(raw);
  const markdown = paragraphs.some((paragraph) => /^#{1,2}\s+\S/.test(paragraph.text));
  const drafts: Draft[] = [];
  let current: Draft | undefined;
  let lastBodyText = "";
  let pendingKicker: string | undefined;

  const start = (title?: string): Draft => {
    current = newDraft(title);
    drafts.push(current);
    return current;
  };
  const addBody = (draft: Draft, paragraph: Paragraph, standalone: boolean) => {
    const { end, byline } = stripTrailingByline(paragraph);
    draft.pieces.push({ start: paragraph.start, end, standalone });
    draft.bodyTexts.push(paragraph.text);
    draft.header = false;
    lastBodyText = paragraph.text;
    if (byline) {
      if (draft.bylines.length === 0) draft.bylines.push(byline);
      if (!markdown) draft.closed = true;
    }
  };

  // Short lines after the last body paragraph are photo captions ("安康高新区总体鸟瞰图"), not titles.
  let lastBodyIndex = -1;
  paragraphs.forEach((paragraph, index) => {
    if (!isNoise(paragraphs, index) && !isShortLine(paragraph.text) && !isByline(paragraph.text)) lastBodyIndex = index;
  });

  paragraphs.forEach((paragraph, index) => {
    const text = paragraph.text;
    if (isNoise(paragraphs, index)) return;
    if (!markdown && index > lastBodyIndex && isShortLine(text) && !isByline(text)) return;
    // Extraction sometimes repeats the tail of the previous paragraph ("才培育的作用。").
    if (text.length <= 30 && lastBodyText.endsWith(text) && endsSentence(text)) return;

    if (markdown) {
      const heading = /^(#{1,6})\s+(.*)$/.exec(text);
      if (heading) {
        const level = heading[1].length;
        const title = tidyTitle(heading[2]);
        const next = nextContent(paragraphs, index);
        if (/^[—–-]{1,2}/.test(title) && current && current.header) {
          current.titleParts.push(title);
          return;
        }
        if (level <= 2) {
          const draft = start(title);
          if (pendingKicker && zonePlaces(pendingKicker).length > 0) draft.titleParts.unshift(pendingKicker);
          pendingKicker = undefined;
          return;
        }
        // "### 陵川生态文化旅游示范区" right before "## 构建…": a kicker for the next article.
        if (next && /^#{1,2}\s+/.test(next.text) && !/^#{1,2}\s+[—–-]/.test(next.text)) {
          pendingKicker = title;
          return;
        }
        const draft = current ?? start(title);
        if (draft.header && draft.pieces.length === 0 && draft.titleParts.length === 0) draft.titleParts.push(title);
        else draft.pieces.push({ start: paragraph.start + heading[0].length - heading[2].length, end: paragraph.end, standalone: true });
        draft.header = false;
        return;
      }
      const draft = current ?? start();
      if (draft.header && isByline(text)) {
        draft.bylines.push(text.replace(/^[►▶■●◆▲]\s*/, ""));
        return;
      }
      addBody(draft, paragraph, looksLikeHeading(text));
      return;
    }

    const next = nextContent(paragraphs, index);
    if (isByline(text)) {
      const byline = text.replace(/^[►▶■●◆▲]\s*/, "");
      if (current && current.header) current.bylines.push(byline);
      else if (current) {
        if (current.bylines.length === 0) current.bylines.push(byline);
        current.closed = true;
      }
      return;
    }

    if (/^[—–]{1,2}/.test(text) && current && current.pieces.length === 0) {
      current.titleParts.push(tidyTitle(text));
      return;
    }

    const previousPiece = current?.pieces[current.pieces.length - 1];
    const previousUnfinished =
      current !== undefined && previousPiece !== undefined && !previousPiece.standalone && !endsSentence(lastBodyText);

    // A numbered line ("一、财政支持") is body, never a title line or an article break.
    if (current && !current.closed && markerAt(text)) {
      addBody(current, paragraph, looksLikeHeading(text));
      return;
    }

    if (isShortLine(text) && !previousUnfinished) {
      // Title lines with nothing after them (photo captions at the end of a page) are dropped.
      if (!next) return;
      const followedByByline = isByline(next.text) || newsLead.test(next.text);
      const places = zonePlaces(text);
      const runningPlace = current ? mainPlace(current) : undefined;
      const otherZone = places.length > 0 && runningPlace !== undefined && !places.includes(runningPlace);
      if (!current || current.closed || followedByByline || (otherZone && current.pieces.length > 0)) {
        start(tidyTitle(text));
        return;
      }
      if (current.header && current.pieces.length === 0 && paragraph.gapBefore <= 1) {
        current.titleParts.push(tidyTitle(text));
        return;
      }
      addBody(current, paragraph, looksLikeHeading(text));
      return;
    }

    // Body text.
    if (!current || current.closed) {
      addBody(start(), paragraph, false);
      return;
    }
    if (current.pieces.length > 0 && !previousUnfinished && paragraph.gapBefore >= 2) {
      // After a wide gap, a paragraph about another zone is a separate (untitled) news item.
      const places = zonePlaces(text);
      const runningPlace = mainPlace(current);
      if ((places.length > 0 && runningPlace !== undefined && !places.includes(runningPlace)) || newsLead.test(text)) {
        addBody(start(), paragraph, false);
        return;
      }
    }
    addBody(current, paragraph, false);
  });

  const articles: Article[] = [];
  for (const draft of drafts) {
    const { text, offsets } = joinPieces(raw, draft.pieces);
    const body = text.trim();
    if (body.length < 10) continue;
    const title = draft.titleParts.length > 0 ? draft.titleParts.join(" ") : firstSentenceTitle(body);
    const index = articles.length;
    articles.push({
      id: `${options.source}#${index}`,
      source: options.source,
      index,
      title,
      byline: draft.bylines.length > 0 ? draft.bylines.join(" ") : undefined,
      date: options.date,
      publisher: options.publisher,
      zones: articleZones(title.replace(/\s+/g, ""), text),
      text,
      offsets,
    });
  }
  return articles;
}
