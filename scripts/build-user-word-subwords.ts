/**
 * Builds src/index/data/user-word-subwords.json: for every user word of the bundled lexicon (places,
 * zone kinds, policy glossary, and corpus/glossary.json + corpus/gazetteer.json as shipped), the
 * sub-words jieba's base dictionary gives. The tokenizer reads this table instead of holding a second
 * jieba in every server process (see src/index/tokenizer.ts). Re-run after changing those word lists:
 *
 *   npx tsx scripts/build-user-word-subwords.ts
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { loadLexicon } from "../src/app/lexicon.js";
import { baseSubwords, normaliseUserWord, USER_WORD_SUBWORDS_FILE } from "../src/index/tokenizer.js";

export async function userWordSubwordTable(corpusDir: string): Promise<Record<string, string[]>> {
  const lexicon = await loadLexicon(corpusDir);
  const words = [...new Set((lexicon.tokenizer.options?.userWords ?? []).map(normaliseUserWord))].filter((word) => word.length > 0).sort();
  return Object.fromEntries(words.map((word) => [word, baseSubwords(word)]));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const table = await userWordSubwordTable(fileURLToPath(new URL("../corpus", import.meta.url)));
  await writeFile(USER_WORD_SUBWORDS_FILE, `${JSON.stringify(table)}\n`);
  console.log(`${Object.keys(table).length} user words written to ${fileURLToPath(USER_WORD_SUBWORDS_FILE)}`);
}
