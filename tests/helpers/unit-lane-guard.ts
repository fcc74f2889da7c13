import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";

/**
 * Setup file of the unit lane (`npm run test:unit`): a test there may not open a port or start a
 * process. Either throws at once, naming the way out, so the lane stays fast and a slow test cannot
 * slip in unnoticed; such a test belongs in the integration list of vitest.config.ts.
 */

function refuse(what: string, instead: string): never {
  throw new Error(`The unit lane does not ${what}: ${instead}, or add this test file to the integration list in vitest.config.ts.`);
}

net.Server.prototype.listen = function listen(): never {
  return refuse("open ports (server.listen)", "drive the app with inject() (tests/helpers/inject-server.ts)");
} as typeof net.Server.prototype.listen;

for (const name of ["spawn", "spawnSync", "fork", "exec", "execSync", "execFile", "execFileSync"] as const) {
  (childProcess as unknown as Record<string, unknown>)[name] = () => refuse(`start processes (child_process.${name})`, "call the command's function (see tests/adapters/cli/cli.test.ts)");
}
// `import { spawn } from "node:child_process"` sees the replaced functions too.
syncBuiltinESMExports();
