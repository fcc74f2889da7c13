import { createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The secret that signs cookies (admin session, CSRF, API-key sign-in). Every worker, replica and
 * restart must agree on it, or a signed-in browser is refused by the next process it reaches:
 * SESSION_SECRET when set; else derived from the configured secrets (ADMIN_TOKEN, API_KEYS), so
 * changing one of them signs everybody out; else a random secret kept in DATA_DIR.
 */

export interface CookieSecretSources {
  sessionSecret?: string;
  adminToken?: string;
  /** ADMIN_TOKENS' tokens (named admins). */
  adminTokens?: readonly string[];
  apiKeys?: readonly string[];
}

/** Pure: the secret from configured values, or undefined when none is configured. */
export function deriveCookieSecret(sources: CookieSecretSources): string | undefined {
  if (sources.sessionSecret) return sources.sessionSecret;
  // Named admins are appended only when configured, so a server with ADMIN_TOKEN alone keeps its secret (and sessions).
  const named = [...(sources.adminTokens ?? [])].sort();
  const parts = [sources.adminToken ?? "", ...[...(sources.apiKeys ?? [])].sort(), ...(named.length > 0 ? ["admins", ...named] : [])];
  if (parts.every((part) => part === "")) return undefined;
  const hmac = createHmac("sha256", "zone-cookie-secret-v1");
  for (const part of parts) hmac.update(`${part.length}:${part}\u0000`);
  return hmac.digest("hex");
}

const COOKIE_SECRET_FILE = ".cookie-secret";

/** A random secret written once to DATA_DIR (mode 0600); the first process to start writes it, the others read it. */
export async function persistedCookieSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, COOKIE_SECRET_FILE);
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  try {
    await writeFile(file, secret, { flag: "wx", mode: 0o600 });
    return secret;
  } catch {
    // Another worker wrote it first (or a half-written file from a crash): read again.
    const written = (await readFile(file, "utf8")).trim();
    if (written.length >= 32) return written;
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}

export async function cookieSecretFor(sources: CookieSecretSources & { dataDir: string }): Promise<string> {
  return deriveCookieSecret(sources) ?? (await persistedCookieSecret(sources.dataDir));
}
