import { createAskTool, openZoneAssistant, ZoneRetriever } from "../src/adapters/langchain/index.js";

// Settings come from .env and the environment (CORPUS_DIR, DATA_DIR, LLM_PROVIDER …), as for `npm run ask`.
const assistant = await openZoneAssistant();
const retriever = new ZoneRetriever({ assistant: assistant.service, zone: "衡阳高新区", period: "2023", k: 3 });
export const documents = await retriever.invoke("招商引资签约项目");
for (const document of documents) console.log(document.metadata.citation, document.pageContent.slice(0, 40));
const ask = createAskTool(assistant.service);
export const reply = await ask.invoke({ question: "How many projects did Hengyang High-tech Zone sign in the first half of 2023?" });
console.log(reply);
await assistant.close();
