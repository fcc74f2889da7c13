#!/usr/bin/env node
// Share of paraphrase families whose wordings get the same verdict and the same lead figure.
// usage: node scripts/paraphrase-agreement.mjs tests/eval/paraphrase-news.jsonl RESULTS.json
import { readFileSync } from "node:fs";
const [questionFile, resultFile] = process.argv.slice(2);
const questions = readFileSync(questionFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const results = new Map(JSON.parse(readFileSync(resultFile, "utf8")).map((result) => [result.id, result]));
// The first figure of the first paragraph, as a number (176.25亿 and 17.625 billion agree).
const leadFigure = (answer) => {
  const lead = String(answer).split("\n")[0];
  const match = /(\d+(?:\.\d+)?)\s*(万亿|亿|万|billion|million)?/u.exec(lead);
  if (!match) return "none";
  const scale = { 万亿: 1e12, 亿: 1e8, 万: 1e4, billion: 1e9, million: 1e6 }[match[2]] ?? 1;
  return String(Number((Number(match[1]) * scale).toPrecision(6)));
};
const families = new Map();
for (const question of questions) families.set(question.family, [...(families.get(question.family) ?? []), question.id]);
let verdictsAgree = 0;
let both = 0;
for (const ids of families.values()) {
  const members = ids.map((id) => results.get(id)).filter(Boolean);
  const sameVerdict = new Set(members.map((member) => member.verdict ?? (member.passed ? "correct" : "failed"))).size === 1;
  const sameFigure = new Set(members.map((member) => (member.refused ? "refused" : leadFigure(member.answer)))).size === 1;
  if (sameVerdict) verdictsAgree++;
  if (sameVerdict && sameFigure) both++;
}
console.log(`families ${families.size}: same verdict ${verdictsAgree} (${Math.round((100 * verdictsAgree) / families.size)}%); same verdict and lead figure ${both} (${Math.round((100 * both) / families.size)}%)`);
