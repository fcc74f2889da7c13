import { loadConfig } from "../src/core/config.js";
import { createRuntime } from "../src/app/runtime.js";
import { prepareEvalCorpus } from "../src/app/eval-corpus.js";
import { createLogger } from "../src/core/logger.js";
const config = loadConfig(process.env);
const scratch = await prepareEvalCorpus(config, "tests/fixtures/news-dev", { alone: true });
const runtime = await createRuntime(scratch.config, { log: createLogger("error"), memoryState: true });
const live = (runtime.service as any).liveIndex;
for (const id of ["news-dev/news_23_guiyang.txt#0:0","news-dev/news_23_guiyang.txt#0:1"]) { const c = live.search.chunks.byId(id); console.log(id, c?.zones, c?.title); }
console.log(live.search.chunks.ofArticle ? "" : "");
await runtime.close(); await scratch.cleanup();
