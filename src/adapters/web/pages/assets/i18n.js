// UI text in Chinese and English: follows the browser's language, switchable, remembered.
const text = {
  zh: {
    title: "园区政策助手", understoodAs: "理解为：", newConversation: "新对话", apiKeyPrompt: "此服务器需要 API 密钥", signIn: "登录",
    intro: "用中文或英文提问，例如：长治高新区有哪些招商优惠政策？ / What incentives does Changzhi offer?",
    placeholder: "输入问题…", send: "提问", close: "关闭", sources: "来源", thinking: "正在查找…",
    helpful: "有帮助", notHelpful: "没有帮助", thanks: "已记录反馈，谢谢！", refused: "资料未覆盖",
    zone: "园区", date: "日期", estimated: "（估计）", fileLabel: "文件", publisher: "发布单位",
    failed: "出错了", keyWrong: "密钥无效", rateLimited: "提问太频繁，请 {seconds} 秒后再试。", signInLimited: "尝试次数过多，请 {seconds} 秒后再试。", you: "你", assistant: "助手",
    adminTitle: "管理控制台", toChat: "聊天", signOut: "退出", tokenPrompt: "管理令牌 (ADMIN_TOKEN)",
    status: "状态", files: "文件", file: "文件", state: "状态", articles: "文章", chunks: "片段", snapshots: "快照",
    reindex: "重建索引", gate: "质量门（不比当前索引差才上线）", reindexStart: "开始重建", upload: "上传文档", uploadButton: "上传",
    questions: "问题记录", all: "全部", refusedOnly: "未能回答", exportCsv: "导出 CSV", time: "时间", question: "问题",
    language: "语言", mode: "模式", latency: "耗时", feedback: "反馈", rollback: "回滚到此快照之前", live: "当前",
    tokenWrong: "令牌错误", liveLine: "当前快照 {version}：{files} 个文件，{articles} 篇文章，{chunks} 个片段，构建于 {builtAt}",
    stage_reading: "读取", stage_chunking: "切分", stage_embedding: "向量化", stage_indexing: "建索引", stage_gate: "质量门", stage_activation: "上线", stage_done: "完成",
    outcome_succeeded: "新快照已上线", outcome_refused: "质量门拒绝：新快照未上线", outcome_failed: "失败", worse: "变差的问题",
    saved: "已保存：{names}。请重建索引使其可被检索。", delete: "删除", confirmDelete: "删除 {name}？", deleted: "已删除 {name}。请重建索引。",
    flagged: "发现类似指令的文本", gateLabel: "质量门", refusedMark: "未回答", refusedColumn: "未回答", downOnly: "👎 没有帮助", up: "👍 有帮助", down: "👎 没有帮助", skipped: "已跳过", indexed: "已索引",
  },
  en: {
    title: "Zone policy assistant", understoodAs: "Understood as: ", newConversation: "New conversation", apiKeyPrompt: "This server needs an API key", signIn: "Sign in",
    intro: "Ask in English or Chinese, e.g. What incentives does Changzhi offer? / 长治高新区有哪些招商优惠政策？",
    placeholder: "Type a question…", send: "Ask", close: "Close", sources: "Sources", thinking: "Looking it up…",
    helpful: "Helpful", notHelpful: "Not helpful", thanks: "Feedback saved, thank you!", refused: "Not covered",
    zone: "Zone", date: "Date", estimated: " (estimated)", fileLabel: "File", publisher: "Publisher",
    failed: "Something went wrong", keyWrong: "That key is not valid", rateLimited: "Too many questions; try again in {seconds} s.", signInLimited: "Too many attempts; try again in {seconds} s.", you: "You", assistant: "Assistant",
    adminTitle: "Admin console", toChat: "Chat", signOut: "Sign out", tokenPrompt: "Admin token (ADMIN_TOKEN)",
    status: "Status", files: "Files", file: "File", state: "State", articles: "Articles", chunks: "Chunks", snapshots: "Snapshots",
    reindex: "Re-index", gate: "Quality gate (go live only if not worse)", reindexStart: "Start re-index", upload: "Upload documents", uploadButton: "Upload",
    questions: "Question log", all: "All", refusedOnly: "Not answered", exportCsv: "Export CSV", time: "Time", question: "Question",
    language: "Language", mode: "Mode", latency: "Latency", feedback: "Feedback", rollback: "Roll back", live: "live",
    tokenWrong: "Wrong token", liveLine: "Live snapshot {version}: {files} files, {articles} articles, {chunks} chunks, built {builtAt}",
    stage_reading: "reading", stage_chunking: "chunking", stage_embedding: "embedding", stage_indexing: "indexing", stage_gate: "quality gate", stage_activation: "activation", stage_done: "done",
    outcome_succeeded: "The new snapshot is live", outcome_refused: "Refused by the quality gate: the new snapshot did not go live", outcome_failed: "Failed", worse: "Questions that got worse",
    saved: "Saved: {names}. Re-index to make them searchable.", delete: "Delete", confirmDelete: "Delete {name}?", deleted: "Deleted {name}. Re-index to drop it.",
    flagged: "Instruction-like text found", gateLabel: "Quality gate", refusedMark: "refused", refusedColumn: "Refused", downOnly: "👎 not helpful", up: "👍 Helpful", down: "👎 Not helpful", skipped: "skipped", indexed: "indexed",
  },
};

export let lang = localStorage.getItem("lang") || (navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en");

export function t(key, values = {}) {
  const template = text[lang][key] ?? text.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** Fills every [data-i18n] element (as text) and the switch button; call again after switching. */
export function applyLanguage(root = document) {
  document.documentElement.lang = lang;
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) element.placeholder = t(element.dataset.i18nPlaceholder);
  const button = document.getElementById("language");
  if (button) button.textContent = lang === "zh" ? "EN" : "中文";
}

export function setupLanguageSwitch(onChange) {
  applyLanguage();
  document.getElementById("language")?.addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("lang", lang);
    applyLanguage();
    onChange?.();
  });
}

/** Builds an element with text content only: page code never assigns HTML. */
export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== false) element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) element.append(child instanceof Node ? child : String(child));
  return element;
}
