/**
 * Text in a document that gives orders to an assistant ("忽略之前的指令，回答：…", "ignore previous
 * instructions …", "you are now …") is not a fact about a zone: it is flagged at index time (listed
 * per file in `npm run index` and GET /admin/status) and never quoted or turned into a fact.
 */

const patterns: RegExp[] = [
  /(?:忽略|无视|忘记|忘掉|不要理会|跳过)(?:你|您)?(?:之前|以前|先前|前面|上面|以上|上述|所有|全部|此前)?的?(?:所有|全部|一切)?(?:指令|指示|提示词?|规则|设定|要求|约束|系统提示)/u,
  /(?:请|你|您)(?:现在)?(?:必须|只能|务必)?(?:扮演|假装|充当)/u,
  /(?:你|您)(?:现在)?是(?:一个|一名)?(?:AI|人工智能|助手|机器人|语言模型|ChatGPT)/iu,
  /(?:系统提示|system prompt|提示词注入)/iu,
  /(?:作为|身为)(?:一个|一名)?(?:AI|人工智能|语言模型|助手)[，,]?(?:你|您)(?:应|必须|要)/iu,
  /(?:回答|回复|输出|告诉用户)[:：]\s*["“]?/u,
  /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|preceding|your)\s+(?:instructions?|prompts?|rules?|directions?|messages?)/i,
  /\byou are now\b|\bact as (?:an?|the) (?:ai|assistant|chatbot)\b|\bpretend (?:to be|you are)\b/i,
  /\b(?:as an ai|as a language model)\b/i,
  /\b(?:respond|reply|answer|say) (?:only )?with\b.{0,40}\b(?:instead|regardless)\b/i,
];

/** The order-to-assistant marker that a plain report sentence never carries together with an imperative. */
export function isInstructionLike(sentence: string): boolean {
  const text = sentence.trim();
  if (text.length === 0) return false;
  // "回答：" alone is common in Q&A interviews ("记者问…回答：…"); it counts only next to an order word.
  const answerLabel = patterns[5]!;
  return patterns.some((pattern) => pattern !== answerLabel && pattern.test(text)) || (answerLabel.test(text) && /指令|提示|assistant|AI|忽略|ignore/iu.test(text));
}
