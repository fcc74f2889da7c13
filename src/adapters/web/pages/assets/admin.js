import { el, errorText, gateSkipped, lang, setupLanguageSwitch, skipReason, t } from "./i18n.js";

// The admin console: sign in with a personal token (ADMIN_TOKENS) or ADMIN_TOKEN (session cookie),
// then the live snapshot and every kept snapshot (make any live, after a from → to confirmation),
// re-index with live progress and cancel, every corpus file with its state, uploads and deletes,
// the question log and the audit log with search and paging. Every change sends the CSRF token;
// every server error is shown by its code in the page's language.

let csrfToken = "";
let lastStatus;
let polling;
let documents = { documents: [], removed: [] };
// Rows per page (?pageSize=N on the console URL shows fewer, e.g. on a small screen).
const PAGE = Math.min(200, Math.max(1, Number(new URLSearchParams(location.search).get("pageSize")) || 50));
let filesPage = 0;
let questionsOffset = 0;
let auditOffset = 0;

async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (init.method && init.method !== "GET") headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, { ...init, headers });
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  const body = isJson ? await response.json() : await response.text();
  if (response.status === 401 && !path.startsWith("/admin/session")) showSignIn();
  if (!response.ok) throw Object.assign(new Error(body?.error?.message ?? response.statusText), { status: response.status, body, retryAfter: response.headers.get("retry-after") });
  return body;
}

/** A failed call as the page's language says it. */
const failureText = (failure) => errorText(failure.body?.error ?? { code: failure.status === 401 ? "UNAUTHORIZED" : "NETWORK" }, { seconds: failure.retryAfter ?? "60" });
const shownAt = (at) => new Date(at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB");

const signInForm = document.getElementById("sign-in");
const consoleView = document.getElementById("console");
const signOutButton = document.getElementById("sign-out");
let session;

function showSignIn() {
  session = undefined;
  signInForm.hidden = false;
  consoleView.hidden = true;
  signOutButton.hidden = true;
  document.getElementById("who").textContent = "";
  clearInterval(polling);
  polling = undefined;
}

function showConsole(current) {
  session = current;
  csrfToken = current.csrfToken;
  signInForm.hidden = true;
  consoleView.hidden = false;
  signOutButton.hidden = false;
  renderWho();
  void refresh();
}

function renderWho() {
  if (session) document.getElementById("who").textContent = t("signedInAs", { name: session.admin || t("unnamedAdmin") });
}

signInForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("sign-in-error");
  error.textContent = "";
  try {
    const signedIn = await api("/admin/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: document.getElementById("token").value }) });
    document.getElementById("token").value = "";
    showConsole(signedIn);
  } catch (failure) {
    signInForm.hidden = false;
    error.textContent = failure.status === 401 ? t("tokenWrong") : failure.status === 429 ? t("signInLimited", { seconds: failure.retryAfter ?? "60" }) : failureText(failure);
  }
});

signOutButton.addEventListener("click", async () => {
  await api("/admin/session", { method: "DELETE" }).catch(() => {});
  showSignIn();
});

/** A confirmation in the page (translated, testable), resolving true on Confirm. */
function confirmAction(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
  });
}

// Status requests overlap on a busy server (the poll, a click, a make-live); an answer sent before
// another one already shown must never overwrite it, or the page would show a stale live snapshot.
let statusAsked = 0;
let statusShown = 0;

/** The newest /admin/status, or undefined when a later request's answer has already been applied. */
async function fetchStatus() {
  const asked = ++statusAsked;
  const status = await api("/admin/status");
  if (asked < statusShown) return undefined;
  statusShown = asked;
  lastStatus = status;
  return status;
}

async function refresh() {
  try {
    if (!(await fetchStatus())) return;
    renderStatus(lastStatus);
    await Promise.all([loadDocuments(), renderQuestions(), renderAudit()]);
    if (lastStatus.running && !polling) polling = setInterval(pollJob, 500);
  } catch (failure) {
    if (failure.status !== 401) document.getElementById("progress-text").textContent = failureText(failure);
  }
}

async function pollJob() {
  try {
    if (!(await fetchStatus())) return;
    renderJob(lastStatus.lastJob);
    if (!lastStatus.running) {
      clearInterval(polling);
      polling = undefined;
      renderStatus(lastStatus);
      await Promise.all([loadDocuments(), renderAudit()]);
    }
  } catch {
    clearInterval(polling);
    polling = undefined;
  }
}

function renderStatus(status) {
  const live = status.live;
  document.getElementById("live").textContent = t("liveLine", { ...live, builtAt: shownAt(live.builtAt) });
  document.getElementById("live").dataset.version = live.version;
  // Instruction-like sentences found in documents at index time (never quoted in answers), per file.
  const flagged = (live.flaggedInstructions ?? []).flatMap((entry) => entry.sentences.map((sentence) => `${entry.file}: ${sentence.text}`));
  const flaggedBox = document.getElementById("flagged");
  flaggedBox.replaceChildren();
  if (flagged.length > 0) flaggedBox.append(el("h3", {}, t("flagged")), el("ul", {}, flagged.map((line) => el("li", {}, line))));
  // Every kept snapshot: any complete one other than the live one can be made live.
  document.getElementById("snapshots").replaceChildren(
    ...status.snapshots.map((snapshot) =>
      el(
        "li",
        { class: snapshot.version === live.version ? "live" : "", dataset: { version: snapshot.version } },
        el("span", { class: "version" }, snapshot.version),
        el("span", {}, snapshot.builtAt ? `${t("builtAt")} ${shownAt(snapshot.builtAt)}` : ""),
        el("span", {}, snapshot.chunks !== undefined ? `${snapshot.chunks} ${t("chunks")}` : ""),
        snapshot.version === live.version
          ? el("strong", {}, `← ${t("live")}`)
          : snapshot.complete
            ? el("button", { type: "button", class: "quiet make-live", onclick: () => void makeLive(snapshot.version, "confirmMakeLive") }, t("makeLive"))
            : "",
      ),
    ),
  );
  const rollbackButton = document.getElementById("rollback");
  rollbackButton.hidden = !status.rollbackTarget;
  rollbackButton.onclick = () => void makeLive(status.rollbackTarget, "confirmRollback");
  renderJob(status.lastJob);
}

/** Switches the live snapshot to `version` after the admin confirmed from → to, then shows the new state. */
async function makeLive(version, question) {
  const from = lastStatus.live.version;
  if (!(await confirmAction(t(question, { from, to: version })))) return;
  const result = document.getElementById("snapshot-result");
  try {
    const outcome = await api("/admin/rollback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ version }) });
    result.textContent = t("rolledBack", outcome);
    if (await fetchStatus()) renderStatus(lastStatus);
    await Promise.all([loadDocuments(), renderAudit()]);
  } catch (failure) {
    result.textContent = failureText(failure);
  }
}

function renderJob(job) {
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const outcome = document.getElementById("outcome");
  const running = Boolean(lastStatus?.running);
  document.getElementById("reindex").disabled = running;
  document.getElementById("cancel-reindex").hidden = !running;
  document.getElementById("rollback").disabled = running;
  if (!job) return;
  bar.hidden = false;
  const progress = job.progress ?? { stage: "reading", percent: 0 };
  document.getElementById("progress-bar").style.width = `${progress.percent}%`;
  bar.dataset.stage = progress.stage;
  text.textContent = `${t(`stage_${progress.stage}`)} ${progress.percent}%${progress.total ? ` (${progress.done}/${progress.total})` : ""}`;
  outcome.replaceChildren();
  if (!["succeeded", "refused", "failed", "cancelled"].includes(job.state)) return;
  const line = `${t(`outcome_${job.state}`)}${job.state === "succeeded" && job.version ? ` — ${job.version}` : ""}`;
  outcome.append(el("p", { class: `outcome ${job.state}` }, line));
  if (job.state === "cancelled" && job.cancelledBy) outcome.append(el("p", {}, t("cancelledBy", { name: job.cancelledBy })));
  if (job.state === "failed" && job.error) {
    outcome.append(el("p", { class: "job-error" }, errorText(job.error)));
    if (job.error.file) outcome.append(el("p", { class: "fault" }, t("faultFile", { name: job.error.file })));
  }
  // The files the build skipped, by name and why: the file at fault when a build fails.
  if (job.skipped?.length > 0) {
    outcome.append(el("p", {}, t("skippedFiles")), el("ul", { class: "skipped-files" }, job.skipped.map((file) => el("li", {}, el("span", { class: "fault" }, file.file), `: ${skipReason(file.reason)}`))));
  }
  if (job.gate?.skipped) outcome.append(el("p", { class: "gate" }, t("gateLine", { text: gateSkipped(job.gate.skipped) })));
  else if (job.gate?.candidate) outcome.append(el("p", { class: "gate" }, t("gateLine", { text: `${job.gate.live.passed}/${job.gate.live.total} → ${job.gate.candidate.passed}/${job.gate.candidate.total}` })));
  const worse = job.gate?.worse ?? [];
  if (worse.length > 0) outcome.append(el("p", {}, t("worse")), el("ul", {}, worse.map((question) => el("li", {}, `${question.id}: ${question.question}`))));
}

document.getElementById("reindex").addEventListener("click", async () => {
  try {
    await api("/admin/reindex", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ gate: document.getElementById("gate").checked }) });
    lastStatus = { ...(lastStatus ?? {}), running: true };
    polling ??= setInterval(pollJob, 500);
    await pollJob();
  } catch (failure) {
    document.getElementById("progress-text").textContent = failureText(failure);
  }
});

document.getElementById("cancel-reindex").addEventListener("click", async () => {
  try {
    await api("/admin/reindex/cancel", { method: "POST" });
    await pollJob();
  } catch (failure) {
    document.getElementById("progress-text").textContent = failureText(failure);
  }
});

// Every corpus file with its state against the live snapshot; search and pages in the page.
async function loadDocuments() {
  documents = await api("/admin/documents");
  renderDocuments();
}

function renderDocuments() {
  const words = document.getElementById("file-search").value.trim().toLowerCase();
  const matching = documents.documents.filter((file) => !words || file.name.toLowerCase().includes(words));
  const pages = Math.max(1, Math.ceil(matching.length / PAGE));
  filesPage = Math.min(filesPage, pages - 1);
  const rows = matching.slice(filesPage * PAGE, (filesPage + 1) * PAGE).map((file) =>
    el(
      "tr",
      { class: `state-${file.state}`, dataset: { name: file.name, state: file.state } },
      el("td", {}, file.name),
      el("td", { class: "state" }, `${t(`state_${file.state}`)}${file.state === "skipped" && file.reason ? `: ${skipReason(file.reason)}` : ""}`),
      el("td", {}, shownAt(file.modifiedAt)),
      el("td", { class: "number" }, formatBytes(file.bytes)),
      el("td", { class: "number" }, file.state === "indexed" ? file.chunks : ""),
      el("td", {}, file.name.includes("/") ? "" : el("button", { type: "button", class: "quiet delete", onclick: () => void deleteDocument(file.name) }, t("delete"))),
    ),
  );
  document.querySelector("#files tbody").replaceChildren(...(rows.length > 0 ? rows : [el("tr", {}, el("td", { colspan: 6, class: "hint" }, t("noRows")))]));
  document.getElementById("removed-files").textContent = documents.removed.length > 0 ? `${t("removedFiles")}${documents.removed.join(", ")}` : "";
  renderPager("files-pager", filesPage > 0, filesPage + 1 < pages, filesPage + 1, (step) => {
    filesPage += step;
    renderDocuments();
  });
}

function formatBytes(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`;
}

function renderPager(id, hasPrevious, hasNext, page, go) {
  document.getElementById(id).replaceChildren(
    el("button", { type: "button", class: "quiet previous", disabled: !hasPrevious, onclick: () => go(-1) }, t("previousPage")),
    el("span", { class: "page" }, t("pageOf", { page })),
    el("button", { type: "button", class: "quiet next", disabled: !hasNext, onclick: () => go(1) }, t("nextPage")),
  );
}

document.getElementById("file-search").addEventListener("input", () => {
  filesPage = 0;
  renderDocuments();
});

async function deleteDocument(name) {
  if (!(await confirmAction(t("confirmDelete", { name })))) return;
  const result = document.getElementById("upload-result");
  try {
    await api(`/admin/documents/${encodeURIComponent(name)}`, { method: "DELETE" });
    result.textContent = t("deleted", { name });
    await Promise.all([loadDocuments(), renderAudit()]);
  } catch (failure) {
    result.textContent = failureText(failure);
  }
}

document.getElementById("upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = document.getElementById("upload-result");
  const data = new FormData();
  for (const file of document.getElementById("upload-files").files) data.append("files", file, file.name);
  try {
    const response = await api("/admin/documents", { method: "POST", body: data });
    result.textContent = t("saved", { names: response.saved.map((file) => file.name).join(", ") });
    event.target.reset();
    await Promise.all([loadDocuments(), renderAudit()]);
  } catch (failure) {
    result.textContent = failureText(failure);
  }
});

// The question log: words, dates, refused / 👎, a page at a time; the CSV has the same filters.
let filter = "";
for (const radio of document.querySelectorAll('input[name="filter"]')) {
  radio.addEventListener("change", () => {
    filter = radio.value;
    questionsOffset = 0;
    void renderQuestions();
  });
}
for (const id of ["question-search", "question-from", "question-to"]) {
  document.getElementById(id).addEventListener("change", () => {
    questionsOffset = 0;
    void renderQuestions();
  });
}
document.getElementById("question-filters").addEventListener("submit", (event) => {
  event.preventDefault();
  questionsOffset = 0;
  void renderQuestions();
});

function questionQuery() {
  const query = new URLSearchParams();
  if (filter === "refused") query.set("refused", "true");
  if (filter === "down") query.set("feedback", "down");
  const words = document.getElementById("question-search").value.trim();
  if (words) query.set("q", words);
  const from = document.getElementById("question-from").value;
  const to = document.getElementById("question-to").value;
  // Days as the admin's clock has them (the server would read a bare date as a UTC day).
  if (from) query.set("from", new Date(`${from}T00:00:00`).toISOString());
  if (to) query.set("to", new Date(`${to}T23:59:59.999`).toISOString());
  return query;
}

async function renderQuestions() {
  const query = questionQuery();
  document.getElementById("csv").href = `/admin/questions?format=csv&limit=5000${query.size ? `&${query}` : ""}`;
  query.set("limit", String(PAGE));
  query.set("offset", String(questionsOffset));
  let page;
  try {
    page = await api(`/admin/questions?${query}`);
  } catch (failure) {
    document.querySelector("#questions tbody").replaceChildren(el("tr", {}, el("td", { colspan: 8, class: "error" }, failureText(failure))));
    return;
  }
  const rows = page.questions.map((record) =>
    el(
      "tr",
      { class: record.refused ? "refused" : "" },
      el("td", {}, shownAt(record.at)),
      el("td", { class: "question", title: record.answer }, record.question),
      el("td", {}, record.language),
      el("td", {}, record.mode),
      el("td", {}, record.refused ? t("refusedMark") : ""),
      el("td", { class: "number" }, `${Math.round(record.latencyMs)} ms`),
      el("td", {}, record.feedback === "up" ? "👍" : record.feedback === "down" ? "👎" : ""),
      el("td", { class: "feedback-comment" }, record.feedbackComment ?? ""),
    ),
  );
  document.querySelector("#questions tbody").replaceChildren(...(rows.length > 0 ? rows : [el("tr", {}, el("td", { colspan: 8, class: "hint" }, t("noRows")))]));
  renderPager("questions-pager", questionsOffset > 0, page.hasMore, questionsOffset / PAGE + 1, (step) => {
    questionsOffset = Math.max(0, questionsOffset + step * PAGE);
    void renderQuestions();
  });
}

// The audit log: who did what, when.
document.getElementById("audit-search").addEventListener("change", () => {
  auditOffset = 0;
  void renderAudit();
});
document.getElementById("audit-filters").addEventListener("submit", (event) => {
  event.preventDefault();
  auditOffset = 0;
  void renderAudit();
});

async function renderAudit() {
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(auditOffset) });
  const words = document.getElementById("audit-search").value.trim();
  if (words) query.set("q", words);
  let page;
  try {
    page = await api(`/admin/audit?${query}`);
  } catch (failure) {
    document.querySelector("#audit tbody").replaceChildren(el("tr", {}, el("td", { colspan: 4, class: "error" }, failureText(failure))));
    return;
  }
  const rows = page.audit.map((entry) =>
    el("tr", {}, el("td", {}, shownAt(entry.at)), el("td", { class: "actor" }, entry.actor), el("td", { class: "action" }, entry.action), el("td", {}, `${entry.detail}${entry.count ? ` (×${entry.count})` : ""}`)),
  );
  document.querySelector("#audit tbody").replaceChildren(...(rows.length > 0 ? rows : [el("tr", {}, el("td", { colspan: 4, class: "hint" }, t("noRows")))]));
  renderPager("audit-pager", auditOffset > 0, page.hasMore, auditOffset / PAGE + 1, (step) => {
    auditOffset = Math.max(0, auditOffset + step * PAGE);
    void renderAudit();
  });
}

setupLanguageSwitch(() => {
  if (!session) return;
  renderWho();
  if (lastStatus) renderStatus(lastStatus);
  renderDocuments();
  void renderQuestions();
  void renderAudit();
});
// An existing session (cookie) skips the sign-in form.
api("/admin/session").then(showConsole, showSignIn);
