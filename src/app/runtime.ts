import type { Config } from "../core/config.js";
import { isAppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { createRuleRewriter } from "../chat/rule-rewriter.js";
import { createStateStore } from "../state/factory.js";
import { MemoryStateStore } from "../state/memory-state-store.js";
import type { StateStore } from "../state/state-store.js";
import type { BuildOptions } from "./index-builder.js";
import { loadLexicon, type Lexicon } from "./lexicon.js";
import { loadLiveIndex, type LiveIndex } from "./live-index.js";
import { buildOrWaitForIndex } from "../admin/first-build.js";
import { ReindexManager } from "../admin/reindex-manager.js";
import { loadLiveIndexWithFallback, removeStaleBuildDirs, type StartupFallback } from "../admin/snapshot-history.js";
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
  /** Re-index jobs, rollback, admin status and the current.json poll (src/admin). */
  admin: ReindexManager;
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
  /** Called when a re-index job or a rollback in this process made a snapshot live (cluster workers relay it). */
  onLive?: (version: string) => void;
}

export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { log } = options;
  const lexicon = await loadLexicon(config.CORPUS_DIR);
  // Opened first: a first build takes the store's build lock too (PostgreSQL: across machines).
  const store = options.memoryState ? new MemoryStateStore() : await createStateStore(config, { onError: (message, error) => log.error(message, error) });
  // A build killed mid-way (kill -9, power loss) leaves snapshots/<version>.tmp-<pid>; never loaded, removed here.
  // Not with a shared store: DATA_DIR may be shared with other machines, whose builders' pids are
  // invisible here; every build removes them anyway, under the lock.
  if (store.kind !== "postgres") {
    const stale = await removeStaleBuildDirs(config.DATA_DIR);
    if (stale.length > 0) log.info(`Removed unfinished build directories left by a stopped build: ${stale.join(", ")}.`);
  }
  let live: LiveIndex;
  let startupFallback: StartupFallback | undefined;
  try {
    // A corrupt current snapshot falls back to the last one live before it (logged and recorded there).
    ({ live, fallback: startupFallback } = await loadLiveIndexWithFallback(config, lexicon, log));
  } catch (error) {
    const rebuildable = isAppError(error) && (error.code === "INDEX_MISSING" || error.code === "INDEX_CORRUPT");
    if (!rebuildable || options.buildIfMissing === false) {
      await store.close();
      throw error;
    }
    log.info(
      error.code === "INDEX_MISSING"
        ? `No index in ${config.DATA_DIR} yet: building it from ${config.CORPUS_DIR} (first run).`
        : `No snapshot in ${config.DATA_DIR} can be loaded (${error.message}): rebuilding from ${config.CORPUS_DIR}.`,
    );
    try {
      live = await buildOrWaitForIndex(config, lexicon, { log, store, onProgress: options.onBuildProgress });
    } catch (buildError) {
      await store.close();
      throw buildError;
    }
  }
  live.warnings.forEach((warning) => log.warn(warning));
  // Extractive answers are the default; a configured model only adds a checked generative layer.
  // Follow-ups are read with the live index's gazetteer, which a re-index can extend.
  const ruleRewriter = createRuleRewriter(() => service.liveIndex.lexicon.places);
  const model = await createChatModel(config);
  const prompts = model ? loadPrompts(config.PROMPTS_DIR) : undefined;
  const service = new ZoneAssistant({
    config,
    live,
    store,
    log,
    rewriter: model && prompts ? createLlmRewriter({ model, prompts, fallback: ruleRewriter, timeoutMs: Math.min(config.LLM_TIMEOUT_MS, 8000), log }) : ruleRewriter,
    answerer: model && prompts ? createLlmAnswerer({ config, model, fallback: composeExtractive, prompts, log }) : composeExtractive,
    llmLabel: describeChatModel(config),
  });
  const admin = new ReindexManager({ config, service, store, log, startupFallback, onLive: options.onLive });
  if (startupFallback) await admin.audit("startup", "snapshot.fallback", `from ${startupFallback.from ?? "(unreadable current.json)"} to ${startupFallback.to}: ${startupFallback.reason}`);
  return {
    config,
    lexicon,
    service,
    store,
    log,
    admin,
    async reload() {
      service.swap(await loadLiveIndex(config, await loadLexicon(config.CORPUS_DIR)));
    },
    async close() {
      await admin.close();
      await store.close();
    },
  };
}
