/**
 * Index-time cost of issue 10's policy work: code-point normalisation, numbering structure, rule
 * records and validity, per MB of real policy text (tests/fixtures/policies, extracted by the
 * product's readers) and extrapolated to 100,000 policy-item chunks.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { cleanText } from "../src/ingest/clean-text.js";
import { normalizeText } from "../src/ingest/normalize-text.js";
import { parsePolicyStructure } from "../src/ingest/policy-structure.js";
import { extractRule } from "../src/ingest/policy-rules.js";
import { extractDocument, readerFor } from "../src/ingest/readers.js";
import { parseValidity } from "../src/ingest/validity.js";

export interface PolicyIngestCost {
  textMb: number;
  items: number;
  rows: Array<{ step: string; msPerMb: number; msPer100kChunks: number }>;
}

function time(run: () => void, repeat: number): number {
  const started = performance.now();
  for (let i = 0; i < repeat; i++) run();
  return (performance.now() - started) / repeat;
}

export async function measurePolicyIngest(dir = "tests/fixtures/policies", repeat = 20): Promise<PolicyIngestCost> {
  const texts: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!readerFor(name) || name.endsWith(".json")) continue;
    texts.push((await extractDocument(await readFile(path.join(dir, name)), name)).text);
  }
  // About 1 MB of policy text: the fixtures repeated.
  const single = texts.join("\n\n");
  const raw = Array.from({ length: Math.max(1, Math.round(1_000_000 / Buffer.byteLength(single))) }, () => single).join("\n\n");
  const textMb = Buffer.byteLength(raw) / 1_000_000;
  const normalized = normalizeText(raw).text;
  const cleaned = cleanText(normalized).text;
  const structure = parsePolicyStructure(cleaned);
  const items = structure.units.filter((unit) => unit.path.length > 0).map((unit) => cleaned.slice(unit.start, unit.end));
  const steps: Array<[string, () => void]> = [
    ["NFKC / radical normalisation", () => normalizeText(raw)],
    ["numbering structure", () => parsePolicyStructure(cleaned)],
    ["rule records", () => items.forEach((item) => extractRule(item))],
    ["validity", () => parseValidity(cleaned)],
  ];
  const rows = steps.map(([step, run]) => {
    const ms = time(run, repeat);
    // Per item-chunk cost, scaled to 100k chunks (chunks are items: the unit the steps work on).
    return { step, msPerMb: ms / textMb, msPer100kChunks: (ms / Math.max(1, items.length)) * 100_000 };
  });
  return { textMb, items: items.length, rows };
}
