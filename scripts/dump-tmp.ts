import { readFileSync, writeFileSync } from "node:fs";
const root = process.argv[2]!;
const { createRuntime } = await import(`${root}/src/app/runtime.ts`);
const { loadConfig } = await import(`${root}/src/core/config.ts`);
const { createLogger } = await import(`${root}/src/core/logger.ts`);
const dir = process.argv[3]!;
const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", LLM_PROVIDER: "none", DATA_DIR: `${dir}/data`, CORPUS_DIR: `${dir}/corpus` });
const runtime = await createRuntime(config, { log: createLogger("warn"), memoryState: true, buildIfMissing: false });
const questions: string[] = readFileSync(process.argv[4]!, "utf8").split("\n").filter(Boolean);
const out: unknown[] = [];
for (const q of questions) {
  const r = await runtime.service.ask(q);
  out.push(JSON.parse(JSON.stringify(r, (k, v) => (/ms$|Ms$|elapsed|timing|requestId|^id$|^at$/i.test(k) ? undefined : v))));
}
writeFileSync(process.argv[5]!, JSON.stringify(out, null, 1));
await runtime.close();
