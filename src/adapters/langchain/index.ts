import { createRuntime, type Runtime } from "../../app/runtime.js";
import { loadConfig, readEnvironment } from "../../core/config.js";
import { createLogger } from "../../core/logger.js";

/** The product inside a LangChain app: open the index, then use the retriever and the tool. */
export { ZoneRetriever, type ZoneRetrieverInput, type ZoneDocumentMetadata } from "./zone-retriever.js";
export { createAskTool } from "./ask-tool.js";

/**
 * Opens the live index the way `npm run ask` does: settings from the environment and `.env`
 * (CORPUS_DIR, DATA_DIR, LLM_PROVIDER …), overridden by `settings`; builds the index when DATA_DIR
 * has none. Conversations are kept in memory. Call `close()` when done.
 */
export async function openZoneAssistant(settings: Record<string, string> = {}): Promise<Runtime> {
  const config = loadConfig({ ...readEnvironment(), ...settings });
  return createRuntime(config, { log: createLogger(config.LOG_LEVEL), memoryState: true });
}
