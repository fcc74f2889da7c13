import type { Answer, Language } from "../core/types.js";

/** The plain "the corpus does not answer this" reply, instead of citing something loosely related. */
export function refusal(language: Language, subject: string, standaloneQuestion: string): Answer {
  const answer =
    language === "en"
      ? `The indexed reports don't cover ${subject}, so I can't answer this without guessing. Try asking about a zone or topic the corpus covers, or ask an admin to add the relevant report.`
      : `资料中没有找到关于${subject}的信息，无法据实回答。可以换个已收录园区或话题提问，或请管理员补充相关资料。`;
  return { answer, refused: true, mode: "extractive", language, citations: [], warnings: [], standaloneQuestion };
}

/** The question quoted as the subject of a refusal. */
export function topicOf(question: string, language: Language): string {
  return language === "en" ? `"${question}"` : `“${question.replace(/[？?。]$/, "")}”`;
}
