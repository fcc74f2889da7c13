import { el, setupLanguageSwitch, t } from "./i18n.js";

// The admin console: sign in with ADMIN_TOKEN (session cookie), then status, re-index with live
// progress, uploads, deletes and the question log. Every change sends the CSRF token.

let csrfToken = "";
let lastStatus;
let polling;

async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (init.method && init.method !== "GET") headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, { ...init, headers });
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  const body = isJson ? await response.json() : await response.text();
  if (response.status === 401) showSignIn();
  if (!response.ok) throw Object.assign(new Error(body?.error?.message ?? response.statusText), { status: response.status, body, retryAfter: response.headers.get("retry-after") });
  return body;
}

const signInForm = document.getElementById("sign-in");
const consoleView = document.getElementById("console");
const signOutButton = document.getElementById("sign-out");

function showSignIn() {
  signInForm.hidden = false;
  consoleView.hidden = true;
  signOutButton.hidden = true;
  clearInterval(polling);
}

function showConsole(session) {
  csrfToken = session.csrfToken;
  signInForm.hidden = true;
  consoleView.hidden = false;
  signOutButton.hidden = false;
  void refresh();
}

signInForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("sign-in-error");
  error.textContent = "";
  try {
    const session = await api("/admin/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: document.getElementById("token").value }) });
    document.getElementById("token").value = "";
    showConsole(session);
  } catch (failure) {
    signInForm.hidden = false;
    error.textContent =
      failure.status === 401 ? t("tokenWrong") : failure.status === 429 ? t("signInLimited", { seconds: failure.retryAfter ?? "60" }) : failure.message;
  }
});

signOutButton.addEventListener("click", async () => {
  await api("/admin/session", { method: "DELETE" }).catch(() => {});
  showSignIn();
});

async function refresh() {
  lastStatus = await api("/admin/status");
  renderStatus(lastStatus);
  await renderQuestions();
  if (lastStatus.running && !polling) polling = setInterval(pollJob, 500);
}

async function pollJob() {
  try {
    lastStatus = await api("/admin/status");
    renderJob(lastStatus.lastJob);
    if (!lastStatus.running) {
      clearInterval(polling);
      polling = undefined;
      renderStatus(lastStatus);
    }
  } catch {
    clearInterval(polling);
    polling = undefined;
  }
}

function renderStatus(status) {
  const live = status.live;
  document.getElementById("live").textContent = t("liveLine", { ...live, builtAt: new Date(live.builtAt).toLocaleString() });
  // Instruction-like sentences found in documents at index time (never quoted in answers), per file.
  const flagged = (live.flaggedInstructions ?? []).flatMap((entry) => entry.sentences.map((sentence) => `${entry.file}: ${sentence.text}`));
  const flaggedBox = document.getElementById("flagged");
  flaggedBox.replaceChildren();
  if (flagged.length > 0) {
    flaggedBox.append(el("h3", {}, t("flagged")), el("ul", {}, flagged.map((line) => el("li", {}, line))));
  }
  // Files the last job skipped (a hostile or broken file after a failed build) are listed too, so
  // they can be deleted even when no snapshot holds them.
  const listed = new Set((status.liveFiles ?? []).map((file) => file.file));
  const skippedByJob = (status.lastJob?.skipped ?? [])
    .filter((file) => !listed.has(file.file))
    .map((file) => ({ file: file.file, status: "skipped", reason: file.reason, articles: 0, chunks: 0 }));
  const rows = [...(status.liveFiles ?? []), ...skippedByJob].map((file) => {
    const name = file.file.split("/").slice(1).join("/");
    return el(
      "tr",
      { class: file.status },
      el("td", {}, file.file),
      el("td", {}, file.status === "indexed" ? t("indexed") : `${t("skipped")}: ${file.reason ?? ""}`),
      el("td", { class: "number" }, file.articles),
      el("td", { class: "number" }, file.chunks),
      el("td", {}, name.includes("/") ? "" : el("button", { type: "button", class: "quiet delete", onclick: () => deleteDocument(name) }, t("delete"))),
    );
  });
  document.querySelector("#files tbody").replaceChildren(...rows);
  document.getElementById("snapshots").replaceChildren(
    ...status.snapshots.map((snapshot) =>
      el(
        "li",
        {},
        `${snapshot.version} ${snapshot.builtAt ? new Date(snapshot.builtAt).toLocaleString() : ""} ${snapshot.chunks !== undefined ? `(${snapshot.chunks} ${t("chunks")})` : ""}`,
        snapshot.version === live.version ? el("strong", {}, ` ← ${t("live")}`) : "",
        snapshot.version === live.version ? el("button", { type: "button", class: "quiet", onclick: rollback }, t("rollback")) : "",
      ),
    ),
  );
  renderJob(status.lastJob);
}

function renderJob(job) {
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const outcome = document.getElementById("outcome");
  document.getElementById("reindex").disabled = Boolean(lastStatus?.running);
  if (!job) return;
  bar.hidden = false;
  const progress = job.progress ?? { stage: "reading", percent: 0 };
  document.getElementById("progress-bar").style.width = `${progress.percent}%`;
  bar.dataset.stage = progress.stage;
  text.textContent = `${t(`stage_${progress.stage}`)} ${progress.percent}%${progress.total ? ` (${progress.done}/${progress.total})` : ""}`;
  outcome.replaceChildren();
  if (["succeeded", "refused", "failed"].includes(job.state)) {
    outcome.append(el("p", { class: `outcome ${job.state}` }, `${t(`outcome_${job.state}`)}${job.version ? ` — ${job.version}` : ""}${job.error ? `: ${job.error.message}` : ""}`));
    if (job.gate?.skipped) outcome.append(el("p", {}, `${t("gateLabel")}: ${job.gate.skipped}`));
    else if (job.gate?.candidate) outcome.append(el("p", {}, `${t("gateLabel")}: ${job.gate.live.passed}/${job.gate.live.total} → ${job.gate.candidate.passed}/${job.gate.candidate.total}`));
    const worse = job.gate?.worse ?? [];
    if (worse.length > 0) outcome.append(el("p", {}, t("worse")), el("ul", {}, worse.map((question) => el("li", {}, `${question.id}: ${question.question}`))));
  }
}

document.getElementById("reindex").addEventListener("click", async () => {
  try {
    await api("/admin/reindex", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ gate: document.getElementById("gate").checked }) });
    lastStatus = { ...(lastStatus ?? {}), running: true };
    polling ??= setInterval(pollJob, 500);
    await pollJob();
  } catch (failure) {
    document.getElementById("progress-text").textContent = failure.message;
  }
});

async function rollback() {
  try {
    const result = await api("/admin/rollback", { method: "POST" });
    document.getElementById("progress-text").textContent = `${result.from} → ${result.to}`;
    await refresh();
  } catch (failure) {
    document.getElementById("progress-text").textContent = failure.message;
  }
}

async function deleteDocument(name) {
  if (!confirm(t("confirmDelete", { name }))) return;
  try {
    await api(`/admin/documents/${encodeURIComponent(name)}`, { method: "DELETE" });
    document.getElementById("upload-result").textContent = t("deleted", { name });
  } catch (failure) {
    document.getElementById("upload-result").textContent = failure.message;
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
  } catch (failure) {
    result.textContent = `${failure.message}${failure.body?.error?.hint ? ` ${failure.body.error.hint}` : ""}`;
  }
});

let filter = "";
for (const radio of document.querySelectorAll('input[name="filter"]')) {
  radio.addEventListener("change", () => {
    filter = radio.value;
    void renderQuestions();
  });
}

function questionQuery() {
  return filter === "refused" ? "refused=true" : filter === "down" ? "feedback=down" : "";
}

async function renderQuestions() {
  const query = questionQuery();
  document.getElementById("csv").href = `/admin/questions?format=csv&limit=5000${query ? `&${query}` : ""}`;
  const { questions } = await api(`/admin/questions?limit=200${query ? `&${query}` : ""}`);
  document.querySelector("#questions tbody").replaceChildren(
    ...questions.map((record) =>
      el(
        "tr",
        { class: record.refused ? "refused" : "" },
        el("td", {}, new Date(record.at).toLocaleString()),
        el("td", { class: "question", title: record.answer }, record.question),
        el("td", {}, record.language),
        el("td", {}, record.mode),
        el("td", {}, record.refused ? t("refusedMark") : ""),
        el("td", { class: "number" }, `${Math.round(record.latencyMs)} ms`),
        el("td", {}, record.feedback === "up" ? "👍" : record.feedback === "down" ? "👎" : ""),
      ),
    ),
  );
}

setupLanguageSwitch(() => lastStatus && renderStatus(lastStatus));
// An existing session (cookie) skips the sign-in form.
api("/admin/session").then(showConsole, showSignIn);
