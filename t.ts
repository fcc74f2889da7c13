import { readCorpus } from "./src/ingest/read-corpus.ts";
const r = await readCorpus("tests/fixtures/policies");
for (const c of r.chunks) if (!c.source.includes("p02")) console.log(JSON.stringify({id:c.id.replace(/.*\//,""), z:c.zones.slice(0,2).join(","), section:c.section, text:c.text.slice(0,50)}));
console.log(r.places.join(" "));
