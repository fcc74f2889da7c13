import { createTestRuntime } from "./temp-runtime.js";
import { analyzeQuery } from "../../src/retrieve/analyze-query.js";
import { hybridSearch } from "../../src/retrieve/hybrid-search.js";
import { loadEvalFile } from "../../src/app/evaluate.js";
const t = await createTestRuntime();
const lex = t.runtime.lexicon; const live = t.runtime.service.liveIndex;
for (const item of await loadEvalFile("tests/eval/dev.jsonl")) {
  const q = analyzeQuery(item.q, { glossary: lex.glossary, places: lex.places, segment: lex.segmenter });
  const r = await hybridSearch(live.search, live.articlePlaces, q, { topK: 8 });
  console.log(item.id, q.places, q.zoneNames, r.scope, r.unknownPlaces);
}
console.log([...live.articlePlaces.all]);
await t.close();
