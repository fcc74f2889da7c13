import { access, cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Config } from "../core/config.js";
import { AppError } from "../core/errors.js";

/**
 * `npm run eval -- FILE --corpus DIR`: answers an eval file over another folder of documents
 * (e.g. tests/fixtures/policies) without touching the live index in DATA_DIR. DIR is copied into a
 * temporary corpus and indexed into a temporary DATA_DIR, both removed by `cleanup`.
 *
 * The glossary and gazetteer are the product's vocabulary, not part of a document set: when DIR
 * has none, the configured CORPUS_DIR's files are used, so English questions are judged with the
 * language data that would be live. DIR's own files (and its catalog.json) win.
 */

const languageFiles = ["glossary.json", "gazetteer.json"];
/** `--alone`: the folder is indexed as real users' documents would be: none of this repo's corpus files (the shipped vocabulary still applies). */
const aloneFiles: string[] = [];

export interface EvalCorpus {
  /** The given config with CORPUS_DIR and DATA_DIR pointing into the temporary folder. */
  config: Config;
  cleanup(): Promise<void>;
}

export async function prepareEvalCorpus(config: Config, documentsDir: string, options: { alone?: boolean } = {}): Promise<EvalCorpus> {
  const isDirectory = await stat(documentsDir).then((info) => info.isDirectory(), () => false);
  if (!isDirectory) {
    throw new AppError("CORPUS_DIR_MISSING", `The corpus folder ${documentsDir} given with --corpus does not exist.`, {
      hint: "Pass a folder of documents (.txt, .md, .html, .docx, .pdf), e.g. --corpus tests/fixtures/policies.",
    });
  }
  const root = await mkdtemp(path.join(tmpdir(), "zone-eval-"));
  try {
    // The folder keeps its name: citations read `<name>/<file>`, as they would if DIR were CORPUS_DIR.
    const corpusDir = path.join(root, path.basename(path.resolve(documentsDir)));
    await cp(documentsDir, corpusDir, { recursive: true });
    for (const file of options.alone ? aloneFiles : languageFiles) {
      const own = await access(path.join(corpusDir, file)).then(() => true, () => false);
      const configured = path.join(config.CORPUS_DIR, file);
      if (!own && (await access(configured).then(() => true, () => false))) await cp(configured, path.join(corpusDir, file));
    }
    return {
      config: { ...config, CORPUS_DIR: corpusDir, DATA_DIR: path.join(root, "data") },
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
