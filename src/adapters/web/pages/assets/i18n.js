// UI text in Chinese and English: follows the browser's language, switchable, remembered.
const text = {
  zh: {
    title: "园区政策助手", understoodAs: "理解为：", newConversation: "新对话", apiKeyPrompt: "此服务器需要 API 密钥", signIn: "登录",
    intro: "用中文或英文提问，回答引用资料原文。可以试试：",
    placeholder: "输入问题…", send: "提问", close: "关闭", sources: "来源", thinking: "正在查找…",
    helpful: "有帮助", notHelpful: "没有帮助", thanks: "已记录反馈，谢谢！", refused: "资料未覆盖",
    zone: "园区", date: "日期", estimated: "（估计）", fileLabel: "文件", publisher: "发布单位",
    failed: "出错了", keyWrong: "密钥无效", rateLimited: "提问太频繁，请 {seconds} 秒后再试。", signInLimited: "尝试次数过多，请 {seconds} 秒后再试。", you: "你", assistant: "助手",
    adminTitle: "管理控制台", toChat: "聊天", signOut: "退出", tokenPrompt: "管理令牌（你的个人令牌或 ADMIN_TOKEN）",
    status: "状态", files: "文件", file: "文件", state: "状态", articles: "文章", chunks: "片段", snapshots: "快照",
    reindex: "重建索引", gate: "质量门（不比当前索引差才上线）", reindexStart: "开始重建", upload: "上传文档", uploadButton: "上传",
    questions: "问题记录", all: "全部", refusedOnly: "未能回答", exportCsv: "导出 CSV", time: "时间", question: "问题",
    language: "语言", mode: "模式", latency: "耗时", feedback: "反馈", rollback: "回滚到此快照之前", live: "当前",
    tokenWrong: "令牌错误", liveLine: "当前快照 {version}：{files} 个文件，{articles} 篇文章，{chunks} 个片段，构建于 {builtAt}",
    stage_reading: "读取", stage_chunking: "切分", stage_embedding: "向量化", stage_indexing: "建索引", stage_gate: "质量门", stage_activation: "上线", stage_done: "完成",
    outcome_succeeded: "新快照已上线", outcome_refused: "质量门拒绝：新快照未上线", outcome_failed: "失败", worse: "变差的问题",
    saved: "已保存：{names}。请重建索引使其可被检索。", delete: "删除", confirmDelete: "删除 {name}？", deleted: "已删除 {name}。请重建索引。",
    flagged: "发现类似指令的文本", gateLabel: "质量门", refusedMark: "未回答", refusedColumn: "未回答", downOnly: "👎 没有帮助", up: "👍 有帮助", down: "👎 没有帮助", skipped: "已跳过", indexed: "已索引",
    history: "历史对话", historyEmpty: "还没有对话。", deleteConversation: "删除此对话", stop: "停止", stopped: "已停止。可以重试。", retry: "重试",
    copy: "复制", copied: "已复制", copyFailed: "无法复制，请手动选择文字", commentPrompt: "哪里不对？（可选，会随反馈一起保存）", sendFeedback: "发送反馈", skip: "跳过",
    indexUpdated: "资料更新于 {date}", openOriginal: "打开原文", downloadOriginal: "下载原文",
    error_UNAUTHORIZED: "需要 API 密钥，请先登录。", error_RATE_LIMITED: "提问太频繁，请 {seconds} 秒后再试。", error_QUESTION_EMPTY: "问题是空的，请输入问题。",
    error_QUESTION_TOO_LONG: "问题太长，请缩短后再问。", error_REQUEST_INVALID: "请求格式不对{name}，请检查后重试。", error_REQUEST_TOO_LARGE: "内容太大，请缩小后重试。",
    error_NOT_FOUND: "找不到所需内容{name}：索引可能已更新，请重新提问或刷新页面。", error_INDEX_MISSING: "索引尚未建立，请联系管理员。", error_INDEX_CORRUPT: "索引已损坏，请联系管理员重建索引。",
    error_LLM_FAILED: "生成回答的服务暂时不可用，请稍后重试。", error_EMBEDDER_FAILED: "检索服务暂时不可用，请稍后重试。", error_NETWORK: "连接中断，请检查网络后重试。",
    error_INTERNAL: "服务器出错，回答未能生成。请重试；若一直失败，请联系管理员。", error_FORBIDDEN: "没有权限执行此操作{name}。", error_UNSUPPORTED_MEDIA_TYPE: "请求格式不被接受。",
    error_STATE_STORE_FAILED: "服务器暂时无法保存数据，请稍后重试。", error_INDEX_BUILD_IN_PROGRESS: "正在重建索引，请等待完成后再操作。", error_REINDEX_NOT_RUNNING: "当前没有正在进行的重建。",
    error_REINDEX_CANCELLED: "重建已取消，当前快照继续服务。", error_UPLOAD_INVALID: "上传被拒绝{name}：只接受 .txt .md .html .docx .pdf，文件名不能含路径，大小和数量有上限。本次没有保存任何文件。",
    error_INDEX_WRITE_FAILED: "无法写入数据目录或语料目录，请检查磁盘空间和权限。", error_CORPUS_EMPTY: "语料目录中没有可读的文档，构建未进行。", error_CORPUS_DIR_MISSING: "语料目录不存在。",
    error_CONFIG_INVALID: "配置文件有误{name}，请修正后重试。", error_SNAPSHOT_MISSING: "没有可以回滚到的快照。", error_QUALITY_GATE_FAILED: "质量门未通过，新快照未上线。",
    error_INTERRUPTED: "运行此任务的服务器在完成前停止了。", error_DOCUMENT_TOO_LARGE: "文件太大", error_DOCUMENT_UNSAFE: "文件可疑（如压缩炸弹）已被拒绝", error_DOCUMENT_PARSE_LIMIT: "解析超出时间或内存限制",
    reason_unsupported: "不支持的文件类型", reason_empty: "文件是空的", reason_noText: "没有文章正文", reason_scanned: "没有文字层（扫描版 PDF？请先做 OCR）",
    reason_docx: "不是有效的 .docx 文件（请重新另存为 .docx）", reason_pdf: "不是可读的 PDF（可能已截断或损坏）", reason_binary: "包含二进制内容", reason_encoding: "不是 UTF-8/GBK 文本（请另存为 UTF-8）", reason_other: "无法读取",
    signedInAs: "已登录：{name}", unnamedAdmin: "管理员", cancelReindex: "取消重建", cancelled: "已取消", outcome_cancelled: "重建已取消，当前快照继续服务", cancelledBy: "由 {name} 取消",
    makeLive: "设为当前", confirmRollback: "将当前快照从 {from} 切换到 {to}？", confirmMakeLive: "将当前快照从 {from} 切换到 {to}？", rolledBack: "已切换：{from} → {to}。当前快照为 {to}。",
    rollbackPrevious: "回滚到上一个快照", builtAt: "构建于", search: "搜索", from: "从", to: "到", previousPage: "上一页", nextPage: "下一页", pageOf: "第 {page} 页",
    audit: "操作记录", actor: "操作人", action: "操作", detail: "详情", allFiles: "全部文件", modified: "修改时间", size: "大小",
    state_indexed: "已索引", state_skipped: "已跳过", state_changed: "已修改，待重建", state_pending: "待重建", removedFiles: "已从目录删除、仍在当前索引中（重建后移除）：",
    gateLine: "质量门：{text}", gate_disabled: "本次未启用", gate_noLive: "没有可比较的当前快照，未运行", gate_noFile: "质量门问题文件（EVAL_GATE_FILE）不存在，未运行",
    faultFile: "出错的文件：{name}", skippedFiles: "跳过的文件", comment: "备注", noRows: "没有记录", confirm: "确认", cancel: "取消",
  },
  en: {
    title: "Zone policy assistant", understoodAs: "Understood as: ", newConversation: "New conversation", apiKeyPrompt: "This server needs an API key", signIn: "Sign in",
    intro: "Ask in English or Chinese; answers quote the documents. Try:",
    placeholder: "Type a question…", send: "Ask", close: "Close", sources: "Sources", thinking: "Looking it up…",
    helpful: "Helpful", notHelpful: "Not helpful", thanks: "Feedback saved, thank you!", refused: "Not covered",
    zone: "Zone", date: "Date", estimated: " (estimated)", fileLabel: "File", publisher: "Publisher",
    failed: "Something went wrong", keyWrong: "That key is not valid", rateLimited: "Too many questions; try again in {seconds} s.", signInLimited: "Too many attempts; try again in {seconds} s.", you: "You", assistant: "Assistant",
    adminTitle: "Admin console", toChat: "Chat", signOut: "Sign out", tokenPrompt: "Admin token (your own token, or ADMIN_TOKEN)",
    status: "Status", files: "Files", file: "File", state: "State", articles: "Articles", chunks: "Chunks", snapshots: "Snapshots",
    reindex: "Re-index", gate: "Quality gate (go live only if not worse)", reindexStart: "Start re-index", upload: "Upload documents", uploadButton: "Upload",
    questions: "Question log", all: "All", refusedOnly: "Not answered", exportCsv: "Export CSV", time: "Time", question: "Question",
    language: "Language", mode: "Mode", latency: "Latency", feedback: "Feedback", rollback: "Roll back", live: "live",
    tokenWrong: "Wrong token", liveLine: "Live snapshot {version}: {files} files, {articles} articles, {chunks} chunks, built {builtAt}",
    stage_reading: "reading", stage_chunking: "chunking", stage_embedding: "embedding", stage_indexing: "indexing", stage_gate: "quality gate", stage_activation: "activation", stage_done: "done",
    outcome_succeeded: "The new snapshot is live", outcome_refused: "Refused by the quality gate: the new snapshot did not go live", outcome_failed: "Failed", worse: "Questions that got worse",
    saved: "Saved: {names}. Re-index to make them searchable.", delete: "Delete", confirmDelete: "Delete {name}?", deleted: "Deleted {name}. Re-index to drop it.",
    flagged: "Instruction-like text found", gateLabel: "Quality gate", refusedMark: "refused", refusedColumn: "Refused", downOnly: "👎 not helpful", up: "👍 Helpful", down: "👎 Not helpful", skipped: "skipped", indexed: "indexed",
    history: "History", historyEmpty: "No conversations yet.", deleteConversation: "Delete this conversation", stop: "Stop", stopped: "Stopped. You can retry.", retry: "Retry",
    copy: "Copy", copied: "Copied", copyFailed: "Could not copy; select the text instead", commentPrompt: "What was wrong? (optional, saved with your feedback)", sendFeedback: "Send feedback", skip: "Skip",
    indexUpdated: "Documents updated {date}", openOriginal: "Open original", downloadOriginal: "Download original",
    error_UNAUTHORIZED: "This server needs an API key: sign in first.", error_RATE_LIMITED: "Too many questions; try again in {seconds} s.", error_QUESTION_EMPTY: "The question is empty: type a question.",
    error_QUESTION_TOO_LONG: "The question is too long: shorten it.", error_REQUEST_INVALID: "The request was not valid{name}; check it and try again.", error_REQUEST_TOO_LARGE: "Too large: make it smaller and try again.",
    error_NOT_FOUND: "Not found{name}: the index may have been updated; ask again or reload the page.", error_INDEX_MISSING: "There is no index yet; tell the administrator.", error_INDEX_CORRUPT: "The index is damaged; ask the administrator to rebuild it.",
    error_LLM_FAILED: "The answer-writing service is unavailable; try again shortly.", error_EMBEDDER_FAILED: "The search service is unavailable; try again shortly.", error_NETWORK: "The connection dropped; check your network and retry.",
    error_INTERNAL: "The server failed to produce an answer. Retry; if it keeps failing, tell the administrator.", error_FORBIDDEN: "Not allowed{name}.", error_UNSUPPORTED_MEDIA_TYPE: "The request format was not accepted.",
    error_STATE_STORE_FAILED: "The server cannot save data right now; try again shortly.", error_INDEX_BUILD_IN_PROGRESS: "A re-index is running; wait until it finishes.", error_REINDEX_NOT_RUNNING: "No re-index is running.",
    error_REINDEX_CANCELLED: "The re-index was cancelled; the live snapshot keeps serving.", error_UPLOAD_INVALID: "Upload refused{name}: only .txt .md .html .docx .pdf, plain file names, within the size and count limits. Nothing was saved.",
    error_INDEX_WRITE_FAILED: "Cannot write the data or corpus folder; check disk space and permissions.", error_CORPUS_EMPTY: "The corpus folder has no readable documents; nothing was built.", error_CORPUS_DIR_MISSING: "The corpus folder does not exist.",
    error_CONFIG_INVALID: "A configuration file is invalid{name}; fix it and retry.", error_SNAPSHOT_MISSING: "There is no snapshot to roll back to.", error_QUALITY_GATE_FAILED: "Refused by the quality gate; the new snapshot did not go live.",
    error_INTERRUPTED: "The server running this job stopped before it finished.", error_DOCUMENT_TOO_LARGE: "file too large", error_DOCUMENT_UNSAFE: "refused as unsafe (e.g. a zip bomb)", error_DOCUMENT_PARSE_LIMIT: "parsing passed the time or memory limit",
    reason_unsupported: "unsupported file type", reason_empty: "the file is empty", reason_noText: "no article text", reason_scanned: "no text layer (scanned PDF? run OCR first)",
    reason_docx: "not a valid .docx file (save it again as .docx)", reason_pdf: "not a readable PDF (truncated or damaged?)", reason_binary: "binary content", reason_encoding: "not UTF-8/GBK text (save it as UTF-8)", reason_other: "could not be read",
    signedInAs: "Signed in: {name}", unnamedAdmin: "admin", cancelReindex: "Cancel re-index", cancelled: "cancelled", outcome_cancelled: "The re-index was cancelled; the live snapshot keeps serving", cancelledBy: "cancelled by {name}",
    makeLive: "Make live", confirmRollback: "Switch the live snapshot from {from} to {to}?", confirmMakeLive: "Switch the live snapshot from {from} to {to}?", rolledBack: "Switched: {from} → {to}. The live snapshot is {to}.",
    rollbackPrevious: "Roll back to the previous snapshot", builtAt: "Built", search: "Search", from: "From", to: "To", previousPage: "Previous", nextPage: "Next", pageOf: "Page {page}",
    audit: "Audit log", actor: "Who", action: "Action", detail: "Detail", allFiles: "All files", modified: "Modified", size: "Size",
    state_indexed: "indexed", state_skipped: "skipped", state_changed: "changed, re-index pending", state_pending: "pending re-index", removedFiles: "Deleted from the folder, still in the live index (dropped by the next re-index): ",
    gateLine: "Quality gate: {text}", gate_disabled: "disabled for this build", gate_noLive: "not run: no live snapshot to compare with", gate_noFile: "not run: the EVAL_GATE_FILE question file does not exist",
    faultFile: "File at fault: {name}", skippedFiles: "Skipped files", comment: "Comment", noRows: "Nothing to show", confirm: "Confirm", cancel: "Cancel",
  },
};

export let lang = localStorage.getItem("lang") || (navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en");

export function t(key, values = {}) {
  const template = text[lang][key] ?? text.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/**
 * A server error in the page's language, from its code (the server's English message is never
 * shown on the Chinese page). Names the server quoted ("x.md") are kept: they say which one.
 */
export function errorText(error, values = {}) {
  const code = error?.code ?? "INTERNAL";
  const names = [...String(error?.message ?? "").matchAll(/"([^"]{1,120})"/g)].map((match) => match[1]);
  const name = names.length > 0 ? (lang === "zh" ? `（${names.join("、")}）` : ` (${names.join(", ")})`) : "";
  if (text[lang][`error_${code}`]) return t(`error_${code}`, { name, ...values });
  return lang === "en" && error?.message ? `${error.message}${error.hint ? ` ${error.hint}` : ""}` : t("error_INTERNAL");
}

/** Why a corpus file was skipped, in the page's language: its code, or the kind of problem the reader named. */
export function skipReason(reason) {
  const code = /\b(DOCUMENT_[A-Z_]+)\b/.exec(reason ?? "")?.[1];
  if (code) return t(`error_${code}`);
  const kinds = [
    [/unsupported file type|files ending in/, "reason_unsupported"],
    [/is empty/, "reason_empty"],
    [/no article text/, "reason_noText"],
    [/no text layer/, "reason_scanned"],
    [/\.docx/, "reason_docx"],
    [/PDF/, "reason_pdf"],
    [/NUL bytes/, "reason_binary"],
    [/UTF-8|GBK/, "reason_encoding"],
  ];
  const kind = kinds.find(([pattern]) => pattern.test(reason ?? ""))?.[1] ?? "reason_other";
  return t(kind);
}

/** Why the quality gate did not run, in the page's language. */
export function gateSkipped(reason) {
  if (/disabled/.test(reason ?? "")) return t("gate_disabled");
  if (/EVAL_GATE_FILE/.test(reason ?? "")) return t("gate_noFile");
  return t("gate_noLive");
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
