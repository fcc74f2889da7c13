/**
 * `npm run build`: compiles src/ to dist/ with tsc (tsconfig.build.json) and copies the data files
 * and web pages the code reads next to itself. `npm start` runs the compiled server: a process
 * running through tsx carries its loader thread and on-the-fly transpiled sources (about 65 MB more
 * per server process, measured), which WORKERS multiplies.
 */
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// `--out DIR` (tests): another output folder; it must sit inside the repository so that the
// compiled code finds node_modules.
const outFlag = process.argv.indexOf("--out");
const dist = outFlag > 0 && process.argv[outFlag + 1] ? path.resolve(process.argv[outFlag + 1]) : path.join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json"), "--outDir", dist], { cwd: root, stdio: "inherit" });
} catch {
  process.stderr.write("Build failed: the TypeScript errors are above. Fix them (or run `npm run typecheck`), then `npm start` again.\n");
  process.exit(1);
}
for (const assets of ["retrieve/data", "index/data", "ingest/data", "answer/claims/data", "adapters/web/pages"]) {
  cpSync(path.join(root, "src", assets), path.join(dist, assets), { recursive: true });
}
