import { createRuntime } from "../src/app/runtime.js";
import { loadConfig } from "../src/core/config.js";
import { createLogger } from "../src/core/logger.js";
import { analyzeQuery } from "../src/retrieve/analyze-query.js";
const config = loadConfig({ ...process.env, DATA_DIR: "/tmp/d1" });
const rt = await createRuntime(config, { log: createLogger("warn"), memoryState: true });
for (const q of process.argv.slice(2)) {
  const a = await rt.service.ask(q, { conversationId: "c1" });
  const qa = analyzeQuery(a.standaloneQuestion!, { glossary: rt.lexicon.glossary, places: rt.lexicon.places, segment: rt.lexicon.segmenter });
  console.log(">>", q, "\n   standalone:", a.standaloneQuestion, JSON.stringify(qa.groups), qa.places, "\n", a.answer, a.citations.map(c=>c.chunkId));
}
