/** The LLM answer chain: what the composition root wires up. */
export { createChatModel, describeChatModel, type ChatModelConfig } from "./create-chat-model.js";
export { createLlmAnswerer, type LlmAnswererOptions } from "./llm-answerer.js";
export { createLlmRewriter, type LlmRewriterOptions } from "./llm-rewriter.js";
export { loadPrompts, type Prompts } from "./prompt-loader.js";
export { groundAnswer, type GroundingResult } from "./grounding.js";
export { extractFigures, isFigureGrounded, ungroundedFigures, type Figure } from "./figures.js";
