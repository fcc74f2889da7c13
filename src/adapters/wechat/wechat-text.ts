import { measureUtf8Bytes, renderPlainAnswer, renderPlainCitations, truncateToFit, type DeliveryReply } from "../../chat/delivery.js";
import type { Language } from "../../core/types.js";

/**
 * Plain texts for WeChat and WeCom: both cap a text message at 2048 bytes of UTF-8, so a long
 * answer is split when it goes through the send APIs, and trimmed (with a note, keeping the
 * sources) when it must fit the one passive reply.
 */

const wechatTextLimitBytes = 2048;

/** Messages for the send APIs (customer-service / message/send), each within the byte limit. */
export function renderReplyMessages(reply: DeliveryReply, limit = wechatTextLimitBytes): string[] {
  if (reply.kind === "notice") return [truncateToFit(reply.text, limit, measureUtf8Bytes)];
  return renderPlainAnswer(reply.answer, limit, measureUtf8Bytes);
}

/** One message for a passive reply: the answer, trimmed if needed, with a note and its sources. */
export function renderSingleReply(reply: DeliveryReply, limit = wechatTextLimitBytes): string {
  const messages = renderReplyMessages(reply, limit);
  if (messages.length <= 1 || reply.kind === "notice") return messages[0] ?? "";
  const { answer } = reply;
  const note = answer.language === "zh" ? "（回答较长，已截断。）" : "(The answer was shortened.)";
  const sources = renderPlainCitations(answer, Math.floor(limit / 3), measureUtf8Bytes);
  const tail = [note, sources].filter((part) => part.length > 0).join("\n\n");
  const room = limit - measureUtf8Bytes("\n\n" + tail);
  return `${truncateToFit(answer.answer, room, measureUtf8Bytes)}\n\n${tail}`;
}

/** Greeting for a new follower, with questions that show what the assistant can do. */
export function welcomeText(): string {
  return [
    "您好！我是开发区政策助手，可以根据新闻报道和政策文件，回答关于各地高新区、开发区的招商优惠、产业政策、营商服务和发展成绩的问题，并注明出处。",
    "",
    "您可以这样问：",
    "· 长治高新区有哪些招商优惠政策？",
    "· 某开发区今年上半年的主要经济指标如何？",
    "· What investment incentives does the Changzhi High-tech Zone offer?",
    "",
    "直接发送文字问题即可。",
  ].join("\n");
}

/** For images, voice, video, locations, links: the assistant reads text only. */
export function textOnlyNotice(language: Language = "zh"): string {
  return language === "zh"
    ? "抱歉，我目前只能理解文字消息。请用文字输入您的问题，例如：“长治高新区有哪些招商优惠政策？”"
    : 'Sorry, I can only read text messages. Please type your question, for example: "What incentives does the Changzhi High-tech Zone offer?"';
}
