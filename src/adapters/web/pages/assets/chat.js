import { el, errorText, lang, setupLanguageSwitch, t } from "./i18n.js";
import { createConversations } from "./conversations.js";

// The chat page: asks over Server-Sent Events, renders answers as text with citation links, shows
// the cited article with the quoted sentences highlighted, and sends 👍/👎 (with a comment).
// Conversations are kept in this browser with the server's conversation id, so what is on screen
// after a reload is exactly the conversation the server continues.

const messages = document.getElementById("messages");
const form = document.getElementById("ask-form");
const input = document.getElementById("question");
const send = document.getElementById("send");
const stopButton = document.getElementById("stop");
const intro = document.getElementById("intro");
const store = createConversations(localStorage);
let current = store.current() ?? store.create();
/** The ask in progress: its AbortController, so Stop can end it. */
let inFlight;
let overview;

setupLanguageSwitch(() => {
  // An answer on its way keeps its message; the rest is drawn again in the new language.
  if (!inFlight) renderConversation();
  renderOverview();
  renderHistory();
});

document.getElementById("new-conversation").addEventListener("click", () => {
  // The answer on its way belongs to the conversation being left: stop it there (it is kept as stopped).
  inFlight?.abort();
  current = store.create();
  renderConversation();
  renderHistory();
  closeViewer();
  input.focus();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (question && !inFlight) void ask(question);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
stopButton.addEventListener("click", () => inFlight?.abort());

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

function setWorking(working) {
  send.hidden = working;
  stopButton.hidden = !working;
  document.body.classList.toggle("working", working);
}

/**
 * Asks `question` in the current conversation. `entry` is the stored exchange to fill (a retry
 * reuses the one that failed or was stopped, so the screen and the stored conversation agree).
 */
async function ask(question, entry) {
  input.value = "";
  const conversation = current;
  if (!entry) {
    entry = store.addExchange(conversation, question);
    messages.append(userItem(question));
  }
  intro.hidden = true;
  const body = el("div", { class: "answer-text" }, el("span", { class: "working-text", dataset: { i18n: "thinking" } }, t("thinking")), el("span", { class: "dots", "aria-hidden": "true" }));
  const item = el("li", { class: "message bot pending", "aria-busy": "true" }, body);
  const old = messages.querySelector(`li.message.bot[data-exchange="${entry.id}"]`);
  if (old) old.replaceWith(item);
  else messages.append(item);
  item.dataset.exchange = entry.id;
  messages.scrollTop = messages.scrollHeight;
  const controller = new AbortController();
  inFlight = controller;
  setWorking(true);
  try {
    const response = await fetch("/api/ask/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question, conversationId: conversation.id }),
      signal: controller.signal,
    });
    if (response.status === 401) {
      showKeyForm();
      throw { error: { code: "UNAUTHORIZED" } };
    }
    // Said in the page's language, with the wait the server asks for.
    if (response.status === 429) throw { error: { code: "RATE_LIMITED" }, retryAfter: response.headers.get("retry-after") ?? "60" };
    if (!response.ok) throw await response.json().catch(() => ({ error: { code: "INTERNAL" } }));
    let streamed = "";
    let answered = false;
    for await (const { event, data } of readEvents(response)) {
      if (event === "token") {
        streamed += data.text;
        body.textContent = streamed;
      } else if (event === "answer") {
        answered = true;
        store.finishExchange(conversation, entry.id, { answer: data });
        fillAnswer(item, data, question);
      } else if (event === "error") throw data;
    }
    if (!answered) throw { error: { code: "INTERNAL" } };
  } catch (error) {
    const stopped = controller.signal.aborted;
    const failure = stopped ? { stopped: true } : { error: { code: error?.error?.code ?? "NETWORK", message: error?.error?.message }, retryAfter: error?.retryAfter };
    store.finishExchange(conversation, entry.id, failure);
    fillFailure(item, question, entry, failure);
  } finally {
    inFlight = undefined;
    setWorking(false);
    renderHistory();
    // After the next layout (fonts for new glyphs may still change line heights).
    requestAnimationFrame(() => (messages.scrollTop = messages.scrollHeight));
    input.focus();
  }
}

function userItem(question) {
  return el("li", { class: "message user" }, el("p", {}, question));
}

/** A stopped or failed answer: why, in the page's language, and a Retry button. */
function fillFailure(item, question, entry, failure) {
  item.className = `message bot ${failure.stopped ? "stopped" : "failed"}`;
  item.removeAttribute("aria-busy");
  const text = failure.stopped ? t("stopped") : errorText(failure.error, { seconds: failure.retryAfter ?? "60" });
  item.replaceChildren(
    el("div", { class: "answer-text", role: failure.stopped ? "status" : "alert" }, text),
    el("div", { class: "actions" }, el("button", { type: "button", class: "quiet retry", onclick: () => !inFlight && void ask(question, entry) }, t("retry"))),
  );
}

/** The answer as text nodes, each [n] a link that opens the cited article. */
function fillAnswer(item, answer, question) {
  item.className = `message bot${answer.refused ? " refused" : ""}`;
  item.removeAttribute("aria-busy");
  item.dataset.answerId = answer.answerId ?? "";
  const body = el("div", { class: "answer-text" });
  const byNumber = new Map(answer.citations.map((citation) => [citation.n, citation]));
  for (const part of answer.answer.split(/(\[\d+\])/)) {
    const n = /^\[(\d+)\]$/.exec(part)?.[1];
    const citation = n && byNumber.get(Number(n));
    if (citation) body.append(el("a", { href: "#", class: "cite", dataset: { n }, onclick: (event) => (event.preventDefault(), openSource(citation)) }, part));
    else body.append(part);
  }
  item.replaceChildren(body);
  // A follow-up is answered as the standalone question the conversation made of it: say so.
  if (answer.standaloneQuestion && answer.standaloneQuestion !== question) {
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
  const copy = async () => {
    const sources = answer.citations.map((citation) => `[${citation.n}] ${citation.title} — ${citation.source}`).join("\n");
    const ok = await copyText(sources ? `${answer.answer}\n\n${t("sources")}:\n${sources}` : answer.answer);
    status.textContent = ok ? t("copied") : t("copyFailed");
  };
  const comment = el(
    "form",
    { class: "comment", hidden: true },
    el("label", {}, el("span", {}, t("commentPrompt")), el("textarea", { rows: 2, maxlength: 2000, class: "comment-text" })),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "send-comment" }, t("sendFeedback")), el("button", { type: "button", class: "quiet skip-comment", onclick: () => void vote("down", "") }, t("skip"))),
  );
  comment.addEventListener("submit", (event) => {
    event.preventDefault();
    void vote("down", comment.querySelector("textarea").value.trim());
  });
  const vote = async (value, text) => {
    try {
      const response = await fetch("/api/feedback", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ answerId: answer.answerId, value, ...(text ? { comment: text } : {}) }),
      });
      if (!response.ok) throw await response.json().catch(() => ({}));
      for (const button of item.querySelectorAll(".vote")) button.disabled = true;
      item.querySelector(`.vote.${value}`)?.classList.add("chosen");
      comment.hidden = true;
      status.textContent = t("thanks");
    } catch (error) {
      status.textContent = errorText(error?.error);
    }
  };
  item.append(
    el(
      "div",
      { class: "feedback" },
      el("button", { type: "button", class: "vote up", onclick: () => void vote("up", "") }, t("up")),
      el("button", {
        type: "button",
        class: "vote down",
        onclick: () => {
          comment.hidden = false;
          comment.querySelector("textarea").focus();
        },
      }, t("down")),
      el("button", { type: "button", class: "quiet copy", onclick: () => void copy() }, t("copy")),
      status,
    ),
    comment,
  );
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API refused (no secure context, no permission): the old way.
    const area = el("textarea", { class: "offscreen", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** Draws the current conversation from what this browser kept of it. */
function renderConversation() {
  messages.replaceChildren();
  for (const exchange of current.exchanges) {
    messages.append(userItem(exchange.question));
    const item = el("li", { class: "message bot", dataset: { exchange: exchange.id } });
    messages.append(item);
    if (exchange.answer) fillAnswer(item, exchange.answer, exchange.question);
    // Unfinished when the page closed: shown as stopped, retryable.
    else fillFailure(item, exchange.question, exchange, exchange.error ? exchange : { stopped: true });
  }
  intro.hidden = current.exchanges.length > 0;
  messages.scrollTop = messages.scrollHeight;
}

// Past conversations, kept in this browser.
const historyPanel = document.getElementById("history");
const historyToggle = document.getElementById("history-toggle");
function showHistory(shown) {
  historyPanel.hidden = !shown;
  historyToggle.setAttribute("aria-expanded", String(shown));
  if (shown) renderHistory();
}
historyToggle.addEventListener("click", () => showHistory(historyPanel.hidden));
document.getElementById("history-close").addEventListener("click", () => showHistory(false));
// On a phone the history covers the chat: picking a conversation closes it.
const phone = window.matchMedia("(max-width: 800px)");

function renderHistory() {
  const list = document.getElementById("history-list");
  const all = store.list().filter((conversation) => conversation.exchanges.length > 0);
  list.replaceChildren(
    ...all.map((conversation) =>
      el(
        "li",
        { class: conversation.id === current.id ? "current" : "" },
        el(
          "button",
          {
            type: "button",
            class: "quiet open-conversation",
            "aria-current": conversation.id === current.id ? "true" : undefined,
            onclick: () => {
              if (inFlight) return;
              current = store.open(conversation.id);
              renderConversation();
              renderHistory();
              closeViewer();
              if (phone.matches) showHistory(false);
            },
          },
          el("span", { class: "history-title" }, conversation.exchanges[0].question),
          el("span", { class: "history-date" }, new Date(conversation.updatedAt).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB")),
        ),
        el("button", {
          type: "button",
          class: "quiet delete-conversation",
          "aria-label": t("deleteConversation"),
          title: t("deleteConversation"),
          onclick: () => {
            if (inFlight && conversation.id === current.id) return;
            store.remove(conversation.id);
            if (conversation.id === current.id) {
              current = store.create();
              renderConversation();
            }
            renderHistory();
          },
        }, "×"),
      ),
    ),
  );
  document.getElementById("history-empty").hidden = all.length > 0;
}

// When the index was last updated, and example questions about what it covers.
async function loadOverview() {
  const response = await fetch("/api/overview").catch(() => undefined);
  if (!response?.ok) return;
  overview = await response.json();
  renderOverview();
}

function renderOverview() {
  if (!overview) return;
  const updated = document.getElementById("index-updated");
  updated.textContent = t("indexUpdated", { date: new Date(overview.builtAt).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB") });
  updated.dateTime = overview.builtAt;
  const examples = overview.examples[lang]?.length ? overview.examples[lang] : overview.examples.zh;
  document.getElementById("examples").replaceChildren(
    ...examples.map((question) => el("li", {}, el("button", { type: "button", class: "example", onclick: () => !inFlight && void ask(question) }, question))),
  );
}

// The source viewer: a panel beside the chat; on a phone a full-screen sheet above the input.
const viewer = document.getElementById("viewer");
const viewerClose = document.getElementById("viewer-close");
let openedFrom;
viewerClose.addEventListener("click", closeViewer);
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  if (!viewer.hidden) closeViewer();
  else if (!historyPanel.hidden && phone.matches) showHistory(false);
});

function closeViewer() {
  if (viewer.hidden) return;
  viewer.hidden = true;
  document.body.classList.remove("viewing");
  openedFrom?.focus?.();
}

async function openSource(citation) {
  openedFrom = document.activeElement;
  const links = document.getElementById("viewer-links");
  const original = `/api/original/${encodeURIComponent(citation.chunkId)}`;
  links.replaceChildren(
    el("a", { href: original, target: "_blank", rel: "noopener", class: "open-original" }, t("openOriginal")),
    el("a", { href: `${original}?download=1`, download: "", class: "download-original" }, t("downloadOriginal")),
  );
  const show = () => {
    viewer.hidden = false;
    document.body.classList.add("viewing");
    viewerClose.focus({ preventScroll: true });
  };
  const response = await fetch(`/api/sources/${encodeURIComponent(citation.chunkId)}?quote=${encodeURIComponent(citation.quote)}`);
  const source = await response.json().catch(() => ({}));
  const text = document.getElementById("viewer-text");
  if (!response.ok) {
    document.getElementById("viewer-title").textContent = t("failed");
    document.getElementById("viewer-meta").replaceChildren();
    text.textContent = errorText(source.error);
    show();
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
  text.replaceChildren();
  let at = 0;
  for (const range of source.highlights) {
    if (range.start < at) continue;
    text.append(source.text.slice(at, range.start), el("mark", {}, source.text.slice(range.start, range.end)));
    at = range.end;
  }
  text.append(source.text.slice(at));
  show();
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
  if (response.ok) {
    keyForm.hidden = true;
    void loadOverview();
  } else if (response.status === 429) document.getElementById("key-error").textContent = t("signInLimited", { seconds: response.headers.get("retry-after") ?? "60" });
  else document.getElementById("key-error").textContent = t("keyWrong");
});
fetch("/api/session")
  .then((response) => response.json())
  .then((session) => (session.required && !session.signedIn ? showKeyForm() : loadOverview()))
  .catch(() => {});

renderConversation();
renderHistory();
input.focus();

// Chat platforms (Feishu, DingTalk) link a cited source as /#source=<chunkId>&quote=<quoted text>.
function openLinkedSource() {
  const linked = new URLSearchParams(location.hash.slice(1));
  const chunkId = linked.get("source");
  if (chunkId) openSource({ chunkId, quote: linked.get("quote") ?? "" }).catch(() => {});
}
openLinkedSource();
window.addEventListener("hashchange", openLinkedSource);
