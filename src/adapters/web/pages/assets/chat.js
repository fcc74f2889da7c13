import { el, setupLanguageSwitch, t } from "./i18n.js";

// The chat page: asks over Server-Sent Events, renders answers as text with citation links, shows
// the cited article with the quoted sentences highlighted, and sends 👍/👎.

const messages = document.getElementById("messages");
const form = document.getElementById("ask-form");
const input = document.getElementById("question");
const send = document.getElementById("send");
let conversationId = sessionStorage.getItem("conversationId") || newConversationId();

function newConversationId() {
  const id = crypto.randomUUID();
  sessionStorage.setItem("conversationId", id);
  return id;
}

setupLanguageSwitch();

document.getElementById("new-conversation").addEventListener("click", () => {
  conversationId = newConversationId();
  messages.replaceChildren();
  closeViewer();
  input.focus();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (question) void ask(question);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

/** Reads `event:`/`data:` blocks from a fetch body stream. */
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      yield { event, data: JSON.parse(data) };
    }
  }
}

async function ask(question) {
  input.value = "";
  send.disabled = true;
  messages.append(el("li", { class: "message user" }, el("p", {}, question)));
  const body = el("div", { class: "answer-text" }, t("thinking"));
  const item = el("li", { class: "message bot pending", dataset: { question } }, body);
  messages.append(item);
  messages.scrollTop = messages.scrollHeight;
  try {
    const response = await fetch("/api/ask/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question, conversationId }),
    });
    if (response.status === 401) {
      body.textContent = t("apiKeyPrompt");
      return showKeyForm();
    }
    // Said in the page's language, with the wait the server asks for.
    if (response.status === 429) throw { message: t("rateLimited", { seconds: response.headers.get("retry-after") ?? "60" }) };
    if (!response.ok) throw await response.json();
    let streamed = "";
    for await (const { event, data } of readEvents(response)) {
      if (event === "token") {
        streamed += data.text;
        body.textContent = streamed;
      } else if (event === "answer") renderAnswer(item, body, data);
      else if (event === "error") throw data;
    }
  } catch (error) {
    item.classList.add("failed");
    body.textContent = `${t("failed")}: ${error?.error?.message ?? error?.message ?? String(error)}`;
  } finally {
    item.classList.remove("pending");
    // After the next layout (fonts for new glyphs may still change line heights).
    requestAnimationFrame(() => (messages.scrollTop = messages.scrollHeight));
    send.disabled = false;
    input.focus();
  }
}

/** The answer as text nodes, each [n] a link that opens the cited article. */
function renderAnswer(item, body, answer) {
  item.dataset.answerId = answer.answerId;
  if (answer.refused) item.classList.add("refused");
  const byNumber = new Map(answer.citations.map((citation) => [citation.n, citation]));
  body.replaceChildren();
  for (const part of answer.answer.split(/(\[\d+\])/)) {
    const n = /^\[(\d+)\]$/.exec(part)?.[1];
    const citation = n && byNumber.get(Number(n));
    if (citation) body.append(el("a", { href: "#", class: "cite", dataset: { n }, onclick: (event) => (event.preventDefault(), openSource(citation)) }, part));
    else body.append(part);
  }
  // A follow-up is answered as the standalone question the conversation made of it: say so.
  if (answer.standaloneQuestion && answer.standaloneQuestion !== item.dataset.question) {
    item.append(el("p", { class: "standalone" }, `${t("understoodAs")}${answer.standaloneQuestion}`));
  }
  if (answer.citations.length > 0) {
    item.append(
      el(
        "ol",
        { class: "sources", "aria-label": t("sources") },
        answer.citations.map((citation) =>
          el(
            "li",
            {},
            el("a", { href: "#", class: "source-link", onclick: (event) => (event.preventDefault(), openSource(citation)) }, `[${citation.n}] ${citation.title}`),
            ` — ${[citation.zone, citation.date].filter(Boolean).join(", ")}`,
          ),
        ),
      ),
    );
  }
  const status = el("span", { class: "feedback-status", role: "status" });
  const vote = (value) => async (event) => {
    const response = await fetch("/api/feedback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ answerId: answer.answerId, value }) });
    if (response.ok) {
      for (const button of item.querySelectorAll(".vote")) button.disabled = true;
      event.target.classList.add("chosen");
      status.textContent = t("thanks");
    } else status.textContent = t("failed");
  };
  item.append(
    el(
      "div",
      { class: "feedback" },
      el("button", { type: "button", class: "vote up", dataset: { i18n: "up" }, onclick: vote("up") }, t("up")),
      el("button", { type: "button", class: "vote down", dataset: { i18n: "down" }, onclick: vote("down") }, t("down")),
      status,
    ),
  );
}

const viewer = document.getElementById("viewer");
document.getElementById("viewer-close").addEventListener("click", closeViewer);

function closeViewer() {
  viewer.hidden = true;
}

async function openSource(citation) {
  const response = await fetch(`/api/sources/${encodeURIComponent(citation.chunkId)}?quote=${encodeURIComponent(citation.quote)}`);
  const source = await response.json();
  if (!response.ok) {
    viewer.hidden = false;
    document.getElementById("viewer-title").textContent = t("failed");
    document.getElementById("viewer-text").textContent = source.error?.message ?? "";
    return;
  }
  document.getElementById("viewer-title").textContent = source.title;
  const meta = document.getElementById("viewer-meta");
  meta.replaceChildren(
    el("dt", { dataset: { i18n: "zone" } }, t("zone")), el("dd", {}, source.zones.slice(0, 2).join("、") || "—"),
    el("dt", { dataset: { i18n: "date" } }, t("date")),
    el("dd", { class: "date" }, source.date ?? "—", source.dateEstimated ? el("span", { class: "estimated", dataset: { i18n: "estimated" } }, t("estimated")) : ""),
    ...(source.publisher ? [el("dt", { dataset: { i18n: "publisher" } }, t("publisher")), el("dd", {}, source.publisher)] : []),
    el("dt", { dataset: { i18n: "fileLabel" } }, t("fileLabel")), el("dd", { class: "file" }, source.source),
  );
  const text = document.getElementById("viewer-text");
  text.replaceChildren();
  let at = 0;
  for (const range of source.highlights) {
    if (range.start < at) continue;
    text.append(source.text.slice(at, range.start), el("mark", {}, source.text.slice(range.start, range.end)));
    at = range.end;
  }
  text.append(source.text.slice(at));
  viewer.hidden = false;
  text.querySelector("mark")?.scrollIntoView({ block: "center" });
}

// Optional API keys: the server says whether one is needed.
const keyForm = document.getElementById("key-form");
function showKeyForm() {
  keyForm.hidden = false;
  document.getElementById("api-key").focus();
}
keyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key: document.getElementById("api-key").value }) });
  if (response.ok) keyForm.hidden = true;
  else if (response.status === 429) document.getElementById("key-error").textContent = t("signInLimited", { seconds: response.headers.get("retry-after") ?? "60" });
  else document.getElementById("key-error").textContent = t("keyWrong");
});
fetch("/api/session")
  .then((response) => response.json())
  .then((session) => session.required && !session.signedIn && showKeyForm())
  .catch(() => {});
input.focus();

// Chat platforms (Feishu, DingTalk) link a cited source as /#source=<chunkId>&quote=<quoted text>.
function openLinkedSource() {
  const linked = new URLSearchParams(location.hash.slice(1));
  const chunkId = linked.get("source");
  if (chunkId) openSource({ chunkId, quote: linked.get("quote") ?? "" }).catch(() => {});
}
openLinkedSource();
window.addEventListener("hashchange", openLinkedSource);
