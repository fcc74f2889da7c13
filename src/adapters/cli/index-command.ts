import cliProgress from "cli-progress";
import { loadLexicon } from "../../app/lexicon.js";
import { createStateStore } from "../../state/factory.js";
import type { StateStore } from "../../state/state-store.js";
import type { Config } from "../../core/config.js";
import type { Logger } from "../../core/logger.js";
import { describeGate } from "../../admin/quality-gate.js";
import { reindex, rollback } from "../../admin/reindex.js";
import { cliSetup, parseCommandArgs, runCliEntry, type CliIo } from "./cli-support.js";

/**
 * npm run index                 build a new snapshot from CORPUS_DIR; it goes live only if it
 *                               passes the quality gate against the live snapshot (exit 2 if refused)
 * npm run index -- --no-gate    build and make live without the gate (first builds never need it)
 * npm run index -- --rollback   make the snapshot built before the live one live again
 * npm run index -- --json       machine-readable report
 * A running server notices the new current.json within SNAPSHOT_POLL_MS and switches to it.
 */

const CLI_ACTOR = `cli:${process.env.USER ?? process.env.LOGNAME ?? "unknown"}`;

async function openAudit(config: Config, log: Logger): Promise<StateStore | undefined> {
  try {
    return await createStateStore(config);
  } catch (error) {
    log.warn("The audit log cannot be opened; this action is not recorded.", error);
    return undefined;
  }
}

export const indexCommand = {
  usage: "npm run index -- [--no-gate] [--rollback] [--json]",
  description: [
    "Builds a new snapshot from CORPUS_DIR into DATA_DIR; it goes live only if it passes the quality",
    "gate against the live snapshot (exit 2 if refused). A running server switches to it by itself.",
    "  --no-gate    make the new snapshot live without the quality gate",
    "  --rollback   make the snapshot that was live before the current one live again (no build)",
    "  --json       machine-readable report",
    "  --help       show this text",
  ].join("\n"),
  options: { "no-gate": { type: "boolean" }, rollback: { type: "boolean" }, json: { type: "boolean" } },
  maxPositionals: 0,
} as const;

export async function indexCorpus(argv: string[], io: CliIo): Promise<number> {
  const { values: flags } = parseCommandArgs(indexCommand, argv, io);
  const { config, log } = cliSetup(io.env);
  const lexicon = await loadLexicon(config.CORPUS_DIR);
  const store = await openAudit(config, log);
  const audit = (action: string, detail: string) =>
    store?.audit({ actor: CLI_ACTOR, action, detail, at: Date.now() }).catch((error: unknown) => log.warn(`The audit entry ${action} could not be written.`, error));
  try {
    if (flags.rollback) {
      try {
        // With STATE_URL=postgres://… the store's build lock keeps builders on other machines out too.
        const outcome = await rollback(config, lexicon, { log, store, actor: CLI_ACTOR });
        await audit("rollback", `from ${outcome.from} to ${outcome.to}`);
        io.stdout.write(flags.json ? `${JSON.stringify({ from: outcome.from, to: outcome.to })}\n` : `Rolled back: snapshot ${outcome.to} is live again (was ${outcome.from}).\n`);
        return 0;
      } catch (error) {
        await audit("rollback.failed", error instanceof Error ? error.message : String(error));
        throw error;
      }
    }

    const interactive = io.stderr === process.stderr && process.stderr.isTTY && !flags.json;
    const bar = new cliProgress.SingleBar(
      { format: "{stage} [{bar}] {percentage}%", stream: process.stderr, noTTYOutput: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const gate = !flags["no-gate"];
    await audit("reindex.start", gate ? "" : "quality gate disabled (--no-gate)");
    let outcome;
    try {
      outcome = await reindex(config, lexicon, {
        log,
        gate,
        store,
        actor: CLI_ACTOR,
        onFile: (file) => {
          if (file.status !== "indexed") io.stderr.write(`skipped ${file.file}: ${file.reason}\n`);
        },
        // The same stages and percentage as GET /admin/status and the admin console.
        onStage: (progress) => {
          if (!interactive) return;
          const stage = progress.total ? `${progress.stage} ${progress.done}/${progress.total}` : progress.stage;
          if (!started) {
            bar.start(100, 0, { stage });
            started = true;
          }
          bar.update(progress.percent, { stage: stage.padEnd(22) });
        },
      });
    } catch (error) {
      if (started) bar.stop();
      await audit("reindex.failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
    if (started) bar.stop();
    await audit(`reindex.${outcome.state}`, `snapshot ${outcome.version}; ${describeGate(outcome.gate)}`);
    if (flags.json) {
      const { candidate: _candidate, ...report } = outcome;
      io.stdout.write(JSON.stringify(report, null, 2) + "\n");
      return outcome.state === "succeeded" ? 0 : 2;
    }
    const skipped = outcome.files.filter((file) => file.status !== "indexed");
    const headline =
      outcome.state === "succeeded"
        ? `Snapshot ${outcome.version} is live (${config.DATA_DIR}).`
        : `Snapshot ${outcome.version} was REFUSED by the quality gate and removed; ${outcome.previousVersion} stays live.`;
    const lines = [
      headline,
      `Files: ${outcome.files.length} (${outcome.files.length - skipped.length} indexed, ${skipped.length} skipped; ${outcome.files.filter((file) => file.change === "unchanged").length} unchanged since the live snapshot)`,
      `Articles: ${outcome.articles}`,
      `Chunks: ${outcome.chunks}`,
      `Embedder: ${outcome.manifest.embedder.id}${outcome.embeddings ? ` (${outcome.embeddings.cached} chunks from the embedding cache, ${outcome.embeddings.embedded} embedded)` : ""}`,
      `Gate: ${describeGate(outcome.gate)}`,
      ...("worse" in outcome.gate ? outcome.gate.worse.map((question) => `  worse: ${question.id} ${question.question}`) : []),
      `Time: ${(outcome.ms / 1000).toFixed(1)} s`,
      ...(outcome.pruned.length > 0 ? [`Pruned old snapshots: ${outcome.pruned.join(", ")}`] : []),
      "",
      "Per file:",
      ...outcome.files.flatMap((file) => [
        `  ${file.status.padEnd(8)} ${file.change.padEnd(9)} ${file.file}  ${file.status === "indexed" ? `${file.articles} articles, ${file.chunks} chunks` : file.reason ?? ""}`,
        ...(file.instructions ?? []).map((flag) => `           instruction-like text flagged (never quoted) at ${flag.start}: ${flag.text}`),
      ]),
      ...outcome.removedFiles.map((file) => `  removed            ${file}`),
    ];
    io.stdout.write(lines.join("\n") + "\n");
    if (outcome.state === "refused") io.stderr.write("Fix the corpus, or run `npm run index -- --no-gate` to make it live anyway.\n");
    return outcome.state === "succeeded" ? 0 : 2;
  } finally {
    await store?.close();
  }
}

runCliEntry(import.meta.url, indexCorpus);
