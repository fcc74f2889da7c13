import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isForeignOrigin } from "../../src/adapters/http/access.js";
import { deriveCookieSecret, persistedCookieSecret } from "../../src/adapters/http/cookie-secret.js";
import { createSlots } from "../../src/adapters/web/ask-limits.js";
import { checkZipSize } from "../../src/ingest/readers/zip-limits.js";
import { docxWithDocumentXml } from "./hostile-files.js";

describe("isForeignOrigin", () => {
  const own = "https://zones.example.com";
  it("accepts the server's own origin, allowed ones and scripts that send none", () => {
    expect(isForeignOrigin({ origin: "https://zones.example.com" }, own)).toBe(false);
    expect(isForeignOrigin({ origin: "HTTPS://ZONES.EXAMPLE.COM/" }, own)).toBe(false);
    expect(isForeignOrigin({ origin: "https://console.example.com" }, own, ["https://console.example.com"])).toBe(false);
    expect(isForeignOrigin({}, own)).toBe(false);
    expect(isForeignOrigin({ secFetchSite: "same-origin" }, own)).toBe(false);
  });
  it("refuses other sites, look-alikes, opaque origins and cross-site fetches", () => {
    for (const origin of ["https://evil.example", "https://zones.example.com.evil.example", "http://zones.example.com", "null"]) {
      expect(isForeignOrigin({ origin }, own), origin).toBe(true);
    }
    expect(isForeignOrigin({ secFetchSite: "cross-site" }, own)).toBe(true);
  });
});

describe("cookie secret", () => {
  it("is derived from the configured secrets alike in every process, and changes with them", () => {
    const a = deriveCookieSecret({ adminToken: "t", apiKeys: ["k1", "k2"] });
    expect(deriveCookieSecret({ adminToken: "t", apiKeys: ["k2", "k1"] })).toBe(a);
    expect(deriveCookieSecret({ adminToken: "t", apiKeys: ["k1"] })).not.toBe(a);
    expect(deriveCookieSecret({ sessionSecret: "s", adminToken: "t" })).toBe("s");
    expect(deriveCookieSecret({ apiKeys: [] })).toBeUndefined();
  });
  it("is kept in DATA_DIR when nothing is configured, the same for every process", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "zone-secret-"));
    try {
      const secrets = await Promise.all([persistedCookieSecret(path.join(dir, "data")), persistedCookieSecret(path.join(dir, "data"))]);
      expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(secrets[1]).toBe(secrets[0]);
      expect(await persistedCookieSecret(path.join(dir, "data"))).toBe(secrets[0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("ask slots", () => {
  it("caps asks in flight per client and overall, and frees a slot once", () => {
    const slots = createSlots({ total: 3, perClient: 2 });
    const a1 = slots.tryAcquire("a")!;
    const a2 = slots.tryAcquire("a")!;
    expect(slots.tryAcquire("a")).toBeUndefined();
    const b1 = slots.tryAcquire("b")!;
    expect(slots.tryAcquire("c")).toBeUndefined();
    a1();
    a1();
    expect(slots.inFlight).toBe(2);
    expect(slots.tryAcquire("c")).toBeDefined();
    a2();
    b1();
  });
});

describe("zip size limits", () => {
  it("accepts a real-sized .docx and refuses honest and lying bombs", () => {
    expect(checkZipSize(docxWithDocumentXml(200_000), { maxUnpackedBytes: 1024 * 1024 }).unpackedBytes).toBeGreaterThan(200_000 - 100);
    expect(() => checkZipSize(docxWithDocumentXml(2 * 1024 * 1024), { maxUnpackedBytes: 1024 * 1024 })).toThrow(/unpacks to 2 MB/);
    expect(() => checkZipSize(docxWithDocumentXml(2 * 1024 * 1024, { declaredSize: 100 }), { maxUnpackedBytes: 1024 * 1024 })).toThrow(/more than declared/);
  });
});
