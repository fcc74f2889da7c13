import type { Config } from "../core/config.js";
import { isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { createRuleRewriter } from "../chat/rule-rewriter.js";
import { createStateStore, MemoryStateStore, type StateStore } from "../chat/state-store.js";
import { buildIndex, type BuildOptions } from "./index-builder.js";
import { loadLexicon, type Lexicon } from "./lexicon.js";
import { loadLiveIndex } from "./live-index.js";
import { ZoneAssistant } from "./zone-assistant.js";
import { composeExtractive } from "../answer/extractive.js";
import { createChatModel, createLlmAnswerer, createLlmRewriter, describeChatModel, loadPrompts } from "../answer/llm/index.js";

/** Composition of the core rooms into one AnswerService, shared by the CLI, the server and tests. */

export interface Runtime {
  config: Config;
  lexicon: Lexicon;
  service: ZoneAssistant;
  store: StateStore;
  log: Logger;
  /** Loads the current snapshot from DATA_DIR and makes it live. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log: Logger;
  /** Build the index when DATA_DIR has none (npm start on a fresh clone). Default true. */
  buildIfMissing?: boolean;
  /** Use an in-memory state store instead of SQLite (CLI one-shot questions, tests). */
  memoryState?: boolean;
  onBuildProgress?: BuildOptions["onProgress"];
}

export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { log } = options;
  const lexicon = await loadLexicon(config.CORPUS_DIR);
  let live;
  try {
    live = await loadLiveIndex(config, lexicon);
  } catch (error) {
    if (!(isAppError(error) && error.code === "INDEX_MISSING" && options.buildIfMissing !== false)) throw error;
    log.info(`No index in ${config.DATA_DIR} yet: building it from ${config.CORPUS_DIR} (first run).`);
    const report = await buildIndex(config, lexicon, { log, onProgress: options.onBuildProgress });
    log.info(`Index ${report.manifest.version} built: ${report.files.length} files, ${report.articles} articles, ${report.chunks} chunks in ${report.ms} ms.`);
    live = await loadLiveIndex(config, lexicon);
  }
  live.warnings.forEach((warning) => log.warn(warning));
  const store = options.memoryState ? new MemoryStateStore() : await createStateStore(config);
  // Extractive answers are the default; a configured model only adds a checked generative layer.
  const ruleRewriter = createRuleRewriter(lexicon.places);
  const model = createChatModel(config);
  const prompts = model ? loadPrompts(config.PROMPTS_DIR) : undefined;
  const service = new ZoneAssistant({
    config,
    lexicon,
    live,
    store,
    log,
    rewriter: model && prompts ? createLlmRewriter({ model, prompts, fallback: ruleRewriter, timeoutMs: Math.min(config.LLM_TIMEOUT_MS, 8000), log }) : ruleRewriter,
    answerer: model && prompts ? createLlmAnswerer({ config, model, fallback: composeExtractive, prompts, log }) : composeExtractive,
    llmLabel: describeChatModel(config),
  });
  return {
    config,
    lexicon,
    service,
    store,
    log,
    async reload() {
      service.swap(await loadLiveIndex(config, lexicon));
    },
    async close() {
      store.close();
    },
  };
}
