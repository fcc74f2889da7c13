import { readFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "../../core/errors.js";
import type { Language } from "../../core/types.js";

/**
 * Prompt templates live in prompts/*.md so they can be tuned without touching code. A template
 * is a system part and a user part separated by a line `<!-- user -->`; `{{name}}` placeholders
 * are filled in one pass, so text inside a passage that looks like a placeholder stays as it is.
 */

interface PromptTemplate {
  system: string;
  user: string;
}

export interface Prompts {
  answer: Record<Language, PromptTemplate>;
  rewrite: Record<Language, PromptTemplate>;
}

const separator = /^\s*<!--\s*user\s*-->\s*$/mu;

const required: Record<"answer" | "rewrite", string[]> = {
  answer: ["passages", "question", "noAnswer"],
  rewrite: ["history", "question"],
};

function parsePromptTemplate(text: string, name: string): PromptTemplate {
  const parts = text.split(separator);
  if (parts.length !== 2) {
    throw new AppError("CONFIG_INVALID", `Prompt ${name} must have one line "<!-- user -->" between its system and user parts.`, {
      hint: "Restore the separator line in the prompt file (see prompts/ in the repository).",
    });
  }
  return { system: parts[0].trim(), user: parts[1].trim() };
}

/** Reads prompts/{answer,rewrite}.{zh,en}.md once at start; refuses a template missing a placeholder. */
export function loadPrompts(directory = path.resolve("prompts")): Prompts {
  const read = (kind: "answer" | "rewrite", language: Language): PromptTemplate => {
    const file = path.join(directory, `${kind}.${language}.md`);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (cause) {
      throw new AppError("CONFIG_INVALID", `Prompt file ${file} cannot be read.`, {
        hint: "Run from the repository root or restore the prompts/ folder.",
        cause,
      });
    }
    const template = parsePromptTemplate(text, file);
    const whole = template.system + template.user;
    const missing = required[kind].filter((name) => !whole.includes(`{{${name}}}`));
    if (missing.length > 0) {
      throw new AppError("CONFIG_INVALID", `Prompt file ${file} lacks the placeholder(s) ${missing.map((name) => `{{${name}}}`).join(", ")}.`, {
        hint: "Put the placeholders back; the chain fills them with the passages and the question.",
      });
    }
    return template;
  };
  return {
    answer: { zh: read("answer", "zh"), en: read("answer", "en") },
    rewrite: { zh: read("rewrite", "zh"), en: read("rewrite", "en") },
  };
}

/** Fills `{{name}}` placeholders in one pass; unknown names are left visible. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/gu, (whole, name: string) => (name in values ? values[name] : whole));
}
