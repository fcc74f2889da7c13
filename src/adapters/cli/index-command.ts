import cliProgress from "cli-progress";
import { buildIndex } from "../../app/index-builder.js";
import { loadLexicon } from "../../app/lexicon.js";
import { cliSetup, parseArgs, runCli } from "./cli-support.js";

/** npm run index: (re)builds the index from CORPUS_DIR into a new snapshot in DATA_DIR. */
runCli(async () => {
  const { flags } = parseArgs(process.argv.slice(2), []);
  const { config, log } = cliSetup();
  const lexicon = await loadLexicon(config.CORPUS_DIR);
  const interactive = process.stderr.isTTY && !flags.json;
  const bar = new cliProgress.SingleBar(
    { format: "Embedding chunks [{bar}] {percentage}% | {value}/{total}", stream: process.stderr, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const report = await buildIndex(config, lexicon, {
    log,
    onFile: (file) => {
      if (file.status !== "indexed") process.stderr.write(`skipped ${file.file}: ${file.reason}\n`);
    },
    onProgress: (done, total) => {
      if (!interactive) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  if (started) bar.stop();
  if (flags.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  const lines = [
    `Snapshot ${report.manifest.version} is live (${config.DATA_DIR}).`,
    `Files: ${report.files.length} (${report.files.length - report.skipped.length} indexed, ${report.skipped.length} skipped)`,
    `Articles: ${report.articles}`,
    `Chunks: ${report.chunks}`,
    `Embedder: ${report.manifest.embedder.id}`,
    `Time: ${(report.ms / 1000).toFixed(1)} s`,
    "",
    "Per file:",
    ...report.files.map((file) => `  ${file.status.padEnd(8)} ${file.file}  ${file.status === "indexed" ? `${file.articles} articles, ${file.chunks} chunks` : file.reason ?? ""}`),
  ];
  process.stdout.write(lines.join("\n") + "\n");
});
