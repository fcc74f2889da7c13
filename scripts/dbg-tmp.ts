import { loadConfig } from "../src/core/config.js";
import { createRuntime } from "../src/app/runtime.js";
import { prepareEvalCorpus } from "../src/app/eval-corpus.js";
import { createLogger } from "../src/core/logger.js";
const config = loadConfig(process.env);
const scratch = await prepareEvalCorpus(config, process.argv[2] ?? "tests/fixtures/news-dev", { alone: true });
const runtime = await createRuntime(scratch.config, { log: createLogger("error"), memoryState: true });
const live = (runtime.service as any).liveIndex;
for (const file of live.manifest.files) { const c = live.search.chunks.byId(`${file.file}#0:0`); console.log(file.file, "|", c?.date, "|", c?.title?.slice(0,40), "|", c?.zones?.slice(0,3)); }
await runtime.close(); await scratch.cleanup();
