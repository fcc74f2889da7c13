import { sourceViewerLink, splitLead } from "../../chat/chat-feedback.js";
import type { DeliveryReply } from "../../chat/delivery.js";
import { sourcesLabel, truncateToFit } from "../../chat/delivery.js";

/**
 * Answer → DingTalk robot markdown message (`{msgtype: "markdown", markdown: {title, text}}`).
 * Pure. DingTalk's markdown is a subset (bold, links, quotes, line breaks need a blank line), and a
 * message should stay under about 5,000 characters, so long parts are cut.
 */

export interface DingtalkMarkdown {
  msgtype: "markdown";
  markdown: { title: string; text: string };
  at?: { atUserIds: string[] };
}

const TEXT_LIMIT = 3500;

/** Characters DingTalk markdown would read as formatting. */
function escapeDingtalk(text: string): string {
  return text.replace(/([*_`#>[\]])/g, "\\$1");
}

/** `mention`: the asker's staff id in a group; DingTalk notifies them only when the text names them too. */
export function renderDingtalkReply(reply: DeliveryReply, publicUrl?: string, mention?: string): DingtalkMarkdown {
  const message = renderMarkdown(reply, publicUrl);
  if (!mention) return message;
  return { ...message, markdown: { ...message.markdown, text: `${message.markdown.text}\n\n@${mention}` }, at: { atUserIds: [mention] } };
}

function renderMarkdown(reply: DeliveryReply, publicUrl?: string): DingtalkMarkdown {
  if (reply.kind === "notice") return { msgtype: "markdown", markdown: { title: truncateToFit(reply.text, 30), text: escapeDingtalk(reply.text) } };
  const { answer, question } = reply;
  const { lead, rest } = splitLead(answer.answer);
  const parts = [`**${escapeDingtalk(truncateToFit(lead, TEXT_LIMIT))}**`];
  if (rest) parts.push(escapeDingtalk(truncateToFit(rest, TEXT_LIMIT)));
  if (answer.citations.length > 0) {
    const lines = answer.citations.slice(0, 8).map((citation) => {
      const title = escapeDingtalk(truncateToFit(citation.title || citation.source, 60));
      const link = sourceViewerLink(publicUrl, citation);
      const place = [citation.zone, citation.date].filter((part) => part && part.length > 0).join(" · ");
      const quote = escapeDingtalk(truncateToFit(citation.quote.replace(/\s+/g, " "), 120));
      return `\\[${citation.n}\\] ${link ? `[${title}](${link})` : title}${place ? ` · ${escapeDingtalk(place)}` : ""}\n\n> ${quote}`;
    });
    parts.push(`**${sourcesLabel(answer.language).replace(/[：:]$/, "")}**\n\n${lines.join("\n\n")}`);
  }
  return { msgtype: "markdown", markdown: { title: truncateToFit(question, 30), text: parts.join("\n\n") } };
}
