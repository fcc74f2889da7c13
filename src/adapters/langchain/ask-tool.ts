import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { renderAnswerWithSources } from "../../chat/render-plain.js";
import type { Answer, AnswerService } from "../../core/types.js";

/**
 * The answerer as a LangChain tool for an agent: the content is the answer with its sources (what
 * the agent's model reads), the artifact the whole Answer object (citations with offsets, refused,
 * warnings) for the program around it. Same answer as POST /api/ask.
 */
export function createAskTool(service: Pick<AnswerService, "ask">) {
  return tool(
    async ({ question, conversationId }): Promise<[string, Answer]> => {
      const answer = await service.ask(question, { conversationId: conversationId ? `langchain:${conversationId}` : undefined, platform: "langchain" });
      return [renderAnswerWithSources(answer), answer];
    },
    {
      name: "ask_zone_assistant",
      description:
        "Answers a question about Chinese high-tech and development zones (investment incentives, policies, services, reported figures) from indexed Chinese reports, citing the passages [n]. Ask in Chinese or English.",
      schema: z.object({
        question: z.string().min(1).describe("The question, in Chinese or English"),
        conversationId: z.string().min(1).max(200).optional().describe("Keeps follow-up questions in one conversation"),
      }),
      responseFormat: "content_and_artifact",
    },
  );
}
