import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { configSchema, loadConfig } from "../../src/core/config.js";

const root = path.resolve(import.meta.dirname, "../..");
const example = parseEnv(readFileSync(path.join(root, ".env.example"), "utf8")) as Record<string, string>;

describe(".env.example", () => {
  it("documents exactly the settings the code reads", () => {
    expect(Object.keys(example).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("parses as a valid configuration that keeps the embedded defaults", () => {
    const config = loadConfig(example);
    expect(config).toMatchObject({ HOST: "127.0.0.1", PORT: 3000, EMBEDDINGS_PROVIDER: "local", LLM_PROVIDER: "none", CORPUS_DIR: "./corpus" });
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ ...example, PORT: "seventy" })).toThrow(/PORT/);
    expect(() => loadConfig({ ...example, LLM_PROVIDER: "gpt" })).toThrow(/LLM_PROVIDER/);
  });
});
