import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { createChatModel, describeChatModel } from "../../../src/answer/llm/create-chat-model.js";
import { fillTemplate, loadPrompts } from "../../../src/answer/llm/prompt-loader.js";
import { loadConfig } from "../../../src/core/config.js";
import { AppError } from "../../../src/core/errors.js";

function copyPrompts(edit: (name: string, text: string) => string): string {
  const directory = mkdtempSync(path.join(tmpdir(), "prompts-"));
  for (const name of ["answer.zh.md", "answer.en.md", "rewrite.zh.md", "rewrite.en.md"]) {
    writeFileSync(path.join(directory, name), edit(name, readFileSync(path.resolve("prompts", name), "utf8")));
  }
  return directory;
}

describe("loadPrompts", () => {
  it("loads the repository prompts with their system and user parts", () => {
    const prompts = loadPrompts(path.resolve("prompts"));
    expect(prompts.answer.zh.user).toContain("{{passages}}");
    expect(prompts.answer.en.system).toContain("{{noAnswer}}");
    expect(prompts.rewrite.en.user).toContain("{{history}}");
  });

  it("picks up edited prompts without code changes", () => {
    const directory = copyPrompts((name, text) => (name === "answer.en.md" ? text.replace("You answer questions", "EDITED: You answer questions") : text));
    expect(loadPrompts(directory).answer.en.system.startsWith("EDITED")).toBe(true);
  });

  it("refuses a prompt missing a placeholder or the separator, naming the file", () => {
    const noPassages = copyPrompts((name, text) => (name === "answer.zh.md" ? text.replace("{{passages}}", "") : text));
    expect(() => loadPrompts(noPassages)).toThrowError(/answer\.zh\.md lacks the placeholder\(s\) \{\{passages\}\}/u);
    const noSeparator = copyPrompts((name, text) => (name === "rewrite.en.md" ? text.replace("<!-- user -->", "") : text));
    expect(() => loadPrompts(noSeparator)).toThrowError(AppError);
  });
});

describe("fillTemplate", () => {
  it("fills in one pass, so placeholders inside values stay literal", () => {
    expect(fillTemplate("A {{passages}} B {{question}}", { passages: "{{question}}", question: "Q" })).toBe("A {{question}} B Q");
    expect(fillTemplate("{{unknown}}", {})).toBe("{{unknown}}");
  });
});

describe("createChatModel", () => {
  it("builds the configured provider", async () => {
    expect(await createChatModel(loadConfig({}))).toBeUndefined();
    const openai = await createChatModel(loadConfig({ LLM_PROVIDER: "openai", LLM_MODEL: "deepseek-chat", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }));
    expect(openai).toBeInstanceOf(ChatOpenAI);
    expect((openai as ChatOpenAI).model).toBe("deepseek-chat");
    const ollama = await createChatModel(loadConfig({ LLM_PROVIDER: "ollama", OLLAMA_BASE_URL: "http://127.0.0.1:9" }));
    expect(ollama).toBeInstanceOf(ChatOllama);
    expect((ollama as ChatOllama).baseUrl).toBe("http://127.0.0.1:9");
    expect(describeChatModel(loadConfig({ LLM_PROVIDER: "ollama", LLM_MODEL: "qwen2.5:14b" }))).toBe("ollama:qwen2.5:14b");
  });
});
