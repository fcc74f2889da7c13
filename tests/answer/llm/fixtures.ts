import type { Answer, AnswerInput, Answerer, Chunk, SearchHit } from "../../../src/core/types.js";

/** Invented passages in the shape of the corpus (cleaned Chinese report text). */
function chunk(id: string, zone: string, title: string, date: string, text: string): Chunk {
  return {
    id: `corpus/${id}.txt#0:0`,
    source: `corpus/${id}.txt`,
    articleId: `corpus/${id}.txt#0`,
    articleIndex: 0,
    ordinal: 0,
    title,
    zones: [zone, zone.replace(/高新区$/u, "")],
    date,
    text,
    indexText: `${title}\n${text}`,
    start: 100,
    end: 100 + text.length,
  };
}

export const passages: Chunk[] = [
  chunk(
    "101_qinghe",
    "清河高新区",
    "清河高新区招商引资成效显著",
    "2023-07-20",
    "今年上半年，清河高新区实际到位资金105.63亿元，同比增长12.4%。7月11日，清河高新区举行集中签约仪式，签约项目18个，总投资46亿元。",
  ),
  chunk(
    "102_baishan",
    "白山经开区",
    "白山经开区扩大对外开放",
    "2021-03-02",
    "“十三五”期间，白山经开区实际利用外资6836万美元，聘请了十多名招商顾问，为近30家企业兑现厂房补贴1.5亿元。",
  ),
  chunk("103_other", "东湖高新区", "东湖高新区优化营商环境", "2022-05-09", "东湖高新区推行“一网通办”，企业开办时间压缩至1个工作日。"),
];

function hits(chunks: Chunk[] = passages): SearchHit[] {
  return chunks.map((item, index) => ({ chunk: item, score: 1 - index * 0.1 }));
}

export function input(question: string, language: "zh" | "en", chunks: Chunk[] = passages): AnswerInput {
  return { question, standaloneQuestion: question, language, places: [], terms: [], termGroups: [], asksFigure: true, placeNames: {}, hits: hits(chunks), history: [] };
}

/** A stand-in for the lead's extractive composer: quotes the first sentence of the best hit. */
export const fakeExtractive: Answerer = async (answerInput) => {
  const best = answerInput.hits[0]?.chunk;
  const answer: Answer = best
    ? {
        answer: `EXTRACTIVE: ${best.text.split("。")[0]}。[1]`,
        refused: false,
        mode: "extractive",
        language: answerInput.language,
        citations: [{ n: 1, source: best.source, title: best.title, zone: best.zones[0], date: best.date, quote: best.text, chunkId: best.id, start: best.start, end: best.end }],
        warnings: [],
      }
    : { answer: "EXTRACTIVE: no passages", refused: true, mode: "extractive", language: answerInput.language, citations: [], warnings: [] };
  return answer;
};
