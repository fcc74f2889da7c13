import { readCorpus } from "./src/ingest/read-corpus.ts";
const r = await readCorpus("/tmp/pol/corpus");
for (const c of r.chunks) if (c.rule && /第(5|14|15|21)条|冰雪|导游/.test(c.text)) console.log(JSON.stringify(c.rule, null, 0));
for (const c of r.chunks) if (c.ordinal===0) console.log(c.source, JSON.stringify(c.validity));
