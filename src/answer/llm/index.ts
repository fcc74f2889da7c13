/** The LLM answer chain: what the composition root wires up. */
export { createChatModel, describeChatModel } from "./create-chat-model.js";
export { createLlmAnswerer } from "./llm-answerer.js";
export { createLlmRewriter } from "./llm-rewriter.js";
export { loadPrompts } from "./prompt-loader.js";
