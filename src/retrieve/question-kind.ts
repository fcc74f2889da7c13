import { detectLanguage } from "../core/language.js";
import type { Language } from "../core/types.js";

/**
 * What kind of answer a question wants, so the first paragraph can give it directly: one figure,
 * a comparison of two zones, a ranking, a yes or no, a named entity, a list, what the assistant
 * covers, or a short help text for something that is not a question at all.
 */

export type QuestionKind = "figure" | "comparison" | "superlative" | "yesno" | "entity" | "list" | "coverage" | "help" | "general";

const coverageCues = [
  /\b(?:which|what) (?:zones|parks|areas|places|cities|regions|documents|reports|topics)\b[^?]*\b(?:you|your|cover|covered|know|indexed|have)\b/i,
  /\b(?:what|which) (?:do|can) you (?:know|cover|answer)\b/i,
  /\bwhat can (?:i|we) ask\b/i,
  /\b(?:your|the) (?:coverage|corpus|sources|documents|data)\b/i,
  /\bwho are you\b|\bwhat are you\b/i,
  /你(?:们)?(?:能|可以|会)?(?:回答|覆盖|了解|知道|收录|掌握)(?:哪些|什么|多少)/u,
  /(?:收录|覆盖|涵盖|包含)了?(?:哪些|什么|多少)(?:园区|高新区|地区|资料|文档|报道|文件)/u,
  /你是谁|你能做什么|能问什么|可以问什么|哪些(?:园区|高新区)的(?:资料|信息)/u,
];

const helpWords = /^(?:hi|hello|hey|help|thanks|thank you|ok|okay|test|你好|您好|帮助|谢谢|在吗|嗨|哈喽|测试)[\s!！。.?？]*$/iu;

const comparisonCues = [
  /\bcompare\b|\bcompared\b|\bcomparison\b|\bversus\b|\bvs\.?\b|\bdifference between\b/i,
  // "larger than 200 square kilometres" is a threshold (a yes or no), not a second side.
  /\b(?:more|higher|larger|bigger|greater|less|lower|fewer|smaller)\b[^?]*\bthan\b(?!\s*(?:rmb|us\$|\$|¥)?\s*(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|a (?:hundred|thousand|million|billion)\b))/i,
  /\bwhich (?:of the two|one)\b|\b(?:more|higher|larger|bigger|greater),? [a-z\s'-]+ or [a-z\s'-]+\b/i,
  /比较|对比|相比|(?<![同环])比(?!上年|去年|上半年|上月|年初)[^较]{1,12}(?:多|少|高|低|大|小)|哪个[^？?]{0,14}(?:更|较)(?:多|少|高|低|大|小|快|强)|哪个(?:多|高|大|少|低)|谁(?:更|多|高|大)|还是/u,
];

/**
 * Two named places and a comparative asked as a choice: "Which signed more …, A or B?", "Did A or B
 * … more …?", "Who … more, A or B", "A和B哪个…多", "A比B…多还是少". The choice word and the comparative
 * may sit anywhere in the sentence, with figures and periods between them.
 */
const choiceComparative = [
  /\b(?:more|higher|larger|bigger|greater|less|lower|fewer|smaller|better|faster|stronger)\b/i,
  /(?:哪个|哪家|哪一个|谁|还是)[^？?]{0,24}(?:多|少|高|低|大|小|快|强)|(?:多|少|高|低|大|小|快|强)[^？?]{0,6}还是/u,
];
const choiceWord = /\bor\b|\bwhich\b|\bwho\b/i;

const superlativeCues = [
  /\b(?:most|highest|largest|biggest|greatest|least|lowest|smallest|fewest|top|leading|best)\b/i,
  /\brank(?:ing|ed)?\b/i,
  /最(?:多|高|大|少|低|小|快|强)|排名(?:第一|最前|靠前)|第一名|哪个[^？?]{0,20}最|之最/u,
];

const capAsked = /最(?:多|高)[^，,。？?；;]{0,8}?多少|最高(?:不超过|可达|额度|限额)|\b(?:maximum|at most|up to)\b|\bthe most (?:a|an|one|each)\b[^?]{0,80}\b(?:can|could|may|will)\b/iu;

// "Did …?", and "In the first half of 2021, did …?": the auxiliary may follow a leading phrase and its comma.
const yesNoStart = /^(?:(?:in|during|for|by|as of|at|on|since|after|before|according to|between|from|over|within|compared with|last|this)\b[^?,]{0,160},\s*)?(?:does|do|did|is|are|was|were|has|have|had|can|could|will|would|should)\b/i;
const yesNoChinese = /吗[？?。！!]*$|是否|有没有|能否|可否|是不是|会不会|可不可以|能不能/u;

const entityCues = [
  /\bwho\b|\bwhose\b|\bwhich (?:company|companies|firm|firms|enterprise|enterprises|person|people|official|leader|bank|banks|university|institute|sector|sectors|industry|industries|project|projects|zone|park|city|county)\b/i,
  /\bwhat (?:company|companies|firm|firms|enterprise|enterprises|is the name|sector|sectors|industry|industries|honou?r|title|award)\b/i,
  /谁|哪位|哪家|哪个(?:公司|企业|单位|部门|园区|高新区|城市|项目|产业|行业|领导)|什么(?:公司|企业|单位|荣誉|称号|名字|产业|行业)|名称|叫什么/u,
];

const listCues = /分别|哪些|有哪些|包括|什么措施|举措|怎么|怎样|如何|措施|\bwhat (?:[a-z-]+ ){0,2}(?:measures|steps|actions|policies|incentives|services|support)\b|\bwhich (?:measures|steps|policies|areas|fields)\b|\blist\b|\bhow (?:does|do|did)\b/i;

const figureCues = /多少|几[个家项名次亿万]|几|比例|增速|增长率|达成率|规模|总额|总投资|how many|how much|what (?:was|is|were|are) the (?:rate|growth|share|total|amount|number|value)|\brate\b|percentage|amount|\btotal\b|figure|number of|\bvalue\b|\bworth\b/i;

export interface QuestionKindResult {
  kind: QuestionKind;
  language: Language;
}

/** True when the text holds nothing to look up: punctuation, a letter or two, a greeting. */
export function isNonQuestion(text: string): boolean {
  const trimmed = text.trim();
  if (helpWords.test(trimmed)) return true;
  const letters = trimmed.replace(/[\s\p{P}\p{S}\d]/gu, "");
  if (letters.length === 0) return true;
  const cjk = (letters.match(/[\u3400-\u9fff]/gu) ?? []).length;
  if (cjk > 0) return cjk < 2 && letters.length < 3;
  // Latin text: at least one word of three letters or more, and more than a lone word of two.
  const words = trimmed.match(/[A-Za-z]{2,}/g) ?? [];
  return words.length === 0 || (words.length === 1 && words[0]!.length < 3);
}

/** A comparative asked as a choice between the named sides (see choiceComparative). */
function isChoiceComparison(text: string): boolean {
  if (choiceComparative[1]!.test(text)) return true;
  return choiceComparative[0]!.test(text) && choiceWord.test(text);
}

export function classifyQuestion(text: string, placeCount = 0): QuestionKindResult {
  const language = detectLanguage(text);
  const trimmed = text.trim();
  const kind = ((): QuestionKind => {
    if (isNonQuestion(trimmed)) return "help";
    if (coverageCues.some((cue) => cue.test(trimmed))) return "coverage";
    const comparison = comparisonCues.some((cue) => cue.test(trimmed));
    // "最多多少？", "最高能拿多少", "the most a project can get": a cap asked, not a ranking of zones.
    const superlative = superlativeCues.some((cue) => cue.test(trimmed)) && !capAsked.test(trimmed);
    if (comparison && placeCount >= 2) return "comparison";
    if (placeCount >= 2 && !superlative && isChoiceComparison(trimmed)) return "comparison";
    // "Did X rank first in …?", "Is X the largest …?": asked to be confirmed, a superlative is a yes or no.
    const yesNo = language === "en" ? yesNoStart.test(trimmed) : yesNoChinese.test(trimmed);
    if (superlative && yesNo) return "yesno";
    // "Which zone attracted the most …?" ranks; "the most important measure" of one zone is a list.
    if (superlative && placeCount <= 1 && (/\bwhich\b|\bwhat (?:zone|park|city)\b|哪个|哪里|哪家|谁/iu.test(trimmed) || placeCount === 0)) return "superlative";
    if (comparison && /\bor\b|还是|哪个/iu.test(trimmed) && placeCount >= 2) return "comparison";
    if (language === "en" ? yesNoStart.test(trimmed) : yesNoChinese.test(trimmed)) return "yesno";
    if (entityCues.some((cue) => cue.test(trimmed))) return "entity";
    if (figureCues.test(trimmed)) return "figure";
    if (listCues.test(trimmed)) return "list";
    return "general";
  })();
  return { kind, language };
}
