import { createTestRuntime } from "./temp-runtime.js";
const t = await createTestRuntime();
const qs = process.argv.slice(2);
for (const q of qs) {
  const a = await t.runtime.service.ask(q);
  console.log("===", q, "\n", a.refused, a.answer.slice(0, 400), "\n", a.citations.map(c => c.source + " " + c.zone).join(" | "));
}
await t.close();
