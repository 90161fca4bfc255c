// app.js - what every page of the dashboard shares: the API client (token,
// errors, jobs), the header (navigation, scenario, sign-in), formatting,
// tables, charts with their table view, and the colour scales.
//
// Every figure on a page comes from the server's API (docs/api.md): pages
// fetch, never compute a figure the API does not give, except sums and
// shares of what it gives (and say so). No request leaves the page's
// origin. The access token is kept in sessionStorage (this tab only) and
// sent as "Authorization: Bearer"; a 401 opens the sign-in dialog.

const TOKEN_KEY = "stabforce-token";
const POLL_MS = 1000;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

// fetch JSON from the API; throws ApiError with the server's message.
export async function api(path, opts = {}) {
  return (await apiFull(path, opts)).data;
}

// The same, resolving to {data, headers} (the answer's headers: ETag,
// X-Next-After); opts.headers are sent as well (If-Match).
export async function apiFull(path, opts = {}) {
  const headers = { Accept: "application/json", ...(opts.headers || {}) };
  const t = token();
  if (t) headers.Authorization = "Bearer " + t;
  let body;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(path, { method: opts.method || "GET", headers, body });
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ApiError(res.status, "bad_answer", `${path}: not JSON (${res.status})`);
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401) signIn(err.message || "This server needs an access token.");
    throw new ApiError(res.status, err.code || "http_" + res.status,
      err.message || `${path}: HTTP ${res.status}`);
  }
  return { data, headers: res.headers };
}

// ---- jobs -------------------------------------------------------------

// A stored request carries the time limit it ran under (the server's
// --job-time-limit when the request named none): a page that names none
// takes a job of any limit (its result says whether it is proven).
function sameRequest(stored, asked) {
  const s = { ...stored };
  if (!("time_limit" in asked)) delete s.time_limit;
  return JSON.stringify(s) === JSON.stringify(asked);
}

// The newest finished job of this kind whose request equals `request`,
// or null.
export async function latestJob(kind, request) {
  const list = await api("/api/v1/jobs?status=done&limit=500");
  for (const j of list.jobs || []) {
    if (j.kind === kind && sameRequest(j.request, request)) return j;
  }
  return null;
}

function jobPath(kind) {
  if (kind === "plan") return "/api/v1/plans";
  return kind === "offers" ? "/api/v1/offers" : "/api/v1/analyses/" + kind;
}

// The newest job of this kind and request with this status, or null.
async function newestJob(status, kind, request) {
  const list = await api(`/api/v1/jobs?status=${status}&limit=500`);
  return (list.jobs || []).find((j) => j.kind === kind && sameRequest(j.request, request)) || null;
}

// Submit a job and wait for it; onStatus(job) after each poll. Resolves to
// the job's result; rejects with ApiError on failure or cancellation.
export async function runJob(kind, request, onStatus) {
  return followJob(kind, await api(jobPath(kind), { method: "POST", body: request }), onStatus);
}

// Wait for a submitted job, as runJob.
async function followJob(kind, job, onStatus) {
  for (;;) {
    if (onStatus) onStatus(job);
    if (job.status === "done") break;
    if (job.status === "failed" || job.status === "cancelled") {
      throw new ApiError(500, "job_" + job.status,
        `the ${kind} job ${job.status}: ${job.message || "no reason given"}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    job = await api("/api/v1/jobs/" + job.id);
  }
  return api(`/api/v1/jobs/${job.id}/result`);
}

// The result of the newest finished job for request, or of a new one (an
// editor's token is needed to start it). status is an element that says
// what is going on, with a progress bar while a job runs.
export async function result(kind, request, status) {
  say(status, `Looking for a finished ${kind} of ${request.scenario}...`);
  const done = await latestJob(kind, request);
  if (done) {
    const r = await api(`/api/v1/jobs/${done.id}/result`);
    say(status, `From ${kind} job ${done.id}, finished ${when(done.finished)}` +
      (done.submitted_by ? ` (run by ${done.submitted_by})` : "") + ".", "muted");
    return r;
  }
  // One already queued or running (make demo queues the Gaza jobs as the
  // server starts): wait for it, which needs no token where reading needs none.
  const pending = (await newestJob("running", kind, request)) ||
    (await newestJob("queued", kind, request));
  if (pending) {
    const r = await followJob(kind, pending, (j) => progress(status, kind, j));
    say(status, `From ${kind} job ${pending.id}, finished just now.`, "muted");
    return r;
  }
  const failed = await newestJob("failed", kind, request);
  say(status, `No finished ${kind} of ${request.scenario} yet: starting one...`);
  try {
    const r = await runJob(kind, request, (j) => progress(status, kind, j));
    say(status, `Computed just now (${kind} job).`, "muted");
    return r;
  } catch (e) {
    if (e.status === 401 || e.status === 403) {
      throw new ApiError(e.status, e.code,
        `No ${kind} of ${request.scenario} has been computed yet` +
        (failed ? ` (${kind} job ${failed.id} failed: ${failed.message || "no reason given"})` : "") +
        ", and starting one needs an editor's token (Sign in).");
    }
    throw e;
  }
}

export function progress(status, kind, job) {
  status.replaceChildren();
  status.className = "note";
  const label = document.createElement("span");
  label.textContent = `The ${kind} job ${job.id} is ${job.status}` +
    (job.message ? `: ${job.message}` : "") + " ";
  const bar = document.createElement("progress");
  bar.max = 100;
  if (job.status === "running" && job.progress > 0) bar.value = job.progress;
  bar.setAttribute("aria-label", `${kind} job progress`);
  status.append(label, bar);
}

function when(unix) {
  if (!unix) return "at an unknown time";
  return new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

// ---- messages -----------------------------------------------------------

export function say(el, text, cls = "") {
  el.className = "note" + (cls ? " " + cls : "");
  el.textContent = text;
  el.hidden = false;
}

export function fail(el, e) {
  say(el, e instanceof ApiError ? e.message : "Error: " + e, "bad");
}

// ---- the header -----------------------------------------------------------

// Mark the current page in the navigation, fill the scenario choice and the
// sign-in control; resolve to {scenario, scenarios} (scenario: the name in
// ?scenario=, else the first valid one).
export async function initPage() {
  const here = location.pathname.replace(/\.html$/, "").replace(/\/index$/, "/");
  for (const a of document.querySelectorAll(".top nav a")) {
    if (a.getAttribute("href") === here) a.setAttribute("aria-current", "page");
  }
  const session = document.querySelector(".session");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = token() ? "Token set" : "Sign in";
  button.title = "Enter or change the access token";
  button.addEventListener("click", () => signIn(""));
  let list = [];
  try {
    list = (await api("/api/v1/scenarios")).scenarios || [];
  } catch (e) {
    session.append(button);
    throw e;
  }
  const params = new URLSearchParams(location.search);
  const valid = list.filter((s) => s.valid !== false);
  let name = params.get("scenario");
  if (!valid.some((s) => s.name === name)) name = valid.length ? valid[0].name : "";
  const label = document.createElement("label");
  label.textContent = "Scenario ";
  const select = document.createElement("select");
  select.id = "scenario";
  for (const s of valid) {
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.name;
    o.title = s.title;
    if (s.name === name) o.selected = true;
    select.append(o);
  }
  select.addEventListener("change", () => {
    const p = new URLSearchParams(location.search);
    p.set("scenario", select.value);
    location.search = p.toString();
  });
  label.append(select);
  session.append(label, button);
  // Keep the scenario when moving between pages.
  for (const a of document.querySelectorAll(".top nav a")) {
    if (name) a.href = a.getAttribute("href") + "?scenario=" + encodeURIComponent(name);
  }
  return { scenario: name, scenarios: list, info: list.find((s) => s.name === name) };
}

let dialog = null;

// The sign-in dialog: a token for this tab.
export function signIn(reason) {
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.setAttribute("aria-labelledby", "signin-title");
    const form = document.createElement("form");
    form.method = "dialog";
    const h = document.createElement("h2");
    h.id = "signin-title";
    h.textContent = "Access token";
    const p = document.createElement("p");
    p.className = "reason";
    const label = document.createElement("label");
    label.textContent = "Token ";
    const input = document.createElement("input");
    input.type = "password";
    input.id = "token-input";
    input.autocomplete = "off";
    input.size = 40;
    label.append(input);
    const help = document.createElement("p");
    help.className = "muted";
    help.textContent = "Tokens are made on the server with 'stabforce token create'. " +
      "This tab keeps it until it is closed.";
    const row = document.createElement("div");
    row.className = "row";
    const ok = document.createElement("button");
    ok.className = "primary";
    ok.value = "ok";
    ok.textContent = "Use this token";
    const clear = document.createElement("button");
    clear.className = "secondary";
    clear.value = "clear";
    clear.textContent = "Forget the token";
    const cancel = document.createElement("button");
    cancel.className = "secondary";
    cancel.value = "cancel";
    cancel.textContent = "Cancel";
    row.append(ok, clear, cancel);
    form.append(h, p, label, help, row);
    dialog.append(form);
    document.body.append(dialog);
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "ok" && input.value.trim()) {
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        location.reload();
      } else if (dialog.returnValue === "clear") {
        sessionStorage.removeItem(TOKEN_KEY);
        location.reload();
      }
    });
  }
  dialog.querySelector(".reason").textContent = reason;
  if (!dialog.open) dialog.showModal();
}

// ---- formatting -----------------------------------------------------------

const intFmt = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

export function fmtInt(v) {
  return v === null || v === undefined ? "" : intFmt.format(Math.round(v));
}

// Fatalities as reported: null is "no data" (the source gave no figure), never 0;
// notReported > 0 adds how many incidents gave none.
export function fmtFatalities(v, notReported) {
  const base = v === null || v === undefined ? "no data" : fmtInt(v);
  return notReported > 0 && v !== null && v !== undefined ? `${base} (${fmtInt(notReported)} not reported)` : base;
}

export function fmtNum(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return "";
  return new Intl.NumberFormat("en", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(v);
}

export function fmtSigned(v, digits = 1) {
  if (v === null || v === undefined) return "";
  const s = digits === 0 ? fmtInt(v) : fmtNum(v, digits);
  return v > 0 ? "+" + s : s;
}

export function fmtPct(v, digits = 0) {
  return fmtNum(100 * v, digits) + "%";
}

// ---- DOM helpers ----------------------------------------------------------

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
}

// A table: columns [{label, num, key|get, cls}], rows objects; caption.
export function table(caption, columns, rows, opts = {}) {
  const t = el("table", { class: opts.class });
  if (caption) t.append(el("caption", { text: caption }));
  const head = el("tr");
  for (const c of columns) {
    head.append(el("th", { scope: "col", class: c.num ? "num" : undefined, text: c.label }));
  }
  t.append(el("thead", {}, head));
  const body = el("tbody");
  for (const r of rows) {
    const tr = el("tr");
    columns.forEach((c, i) => {
      const v = c.get ? c.get(r) : r[c.key];
      const cell = el(i === 0 && opts.rowHeaders ? "th" : "td", {
        class: [c.num ? "num" : "", c.cls ? c.cls(r) : ""].join(" ").trim() || undefined,
        scope: i === 0 && opts.rowHeaders ? "row" : undefined,
      });
      if (v instanceof Node) cell.append(v);
      else cell.textContent = v === undefined || v === null ? "" : String(v);
      tr.append(cell);
    });
    body.append(tr);
  }
  t.append(body);
  if (opts.foot) {
    const tr = el("tr");
    opts.foot.forEach((v, i) => tr.append(el(i === 0 ? "th" : "td",
      { class: columns[i].num ? "num" : undefined, scope: i === 0 ? "row" : undefined, text: v })));
    t.append(el("tfoot", {}, tr));
  }
  return el("div", { class: "table-wrap" }, t);
}

// A figure holding a chart and its table, one shown at a time; the button
// switches (keyboard reachable, aria-pressed says which is shown).
let figureCount = 0;
export function chartFigure(title, desc, chart, tableView) {
  const id = "fig" + ++figureCount;
  const button = el("button", { type: "button", class: "view", "aria-pressed": "false",
    "aria-controls": id + "-table" }, "Show table");
  const plot = el("div", { class: "plot", id: id + "-chart" }, chart);
  const tab = el("div", { id: id + "-table" }, tableView);
  tab.hidden = true;
  button.addEventListener("click", () => {
    const showTable = tab.hidden;
    tab.hidden = !showTable;
    plot.hidden = showTable;
    button.textContent = showTable ? "Show chart" : "Show table";
    button.setAttribute("aria-pressed", String(showTable));
  });
  return el("figure", { class: "chart", "aria-labelledby": id + "-title" },
    el("figcaption", {}, el("strong", { id: id + "-title", text: title }), button),
    desc ? el("p", { class: "desc", text: desc }) : null, plot, tab);
}

// ---- colour ---------------------------------------------------------------

// The neutral sequential scale of app.css (--seq-0 to --seq-1), at t in [0,1].
export function seq(t) {
  const lo = [0xf2, 0xf0, 0xf7];
  const hi = [0x3f, 0x00, 0x7d];
  const u = Math.max(0, Math.min(1, t || 0));
  const c = lo.map((l, i) => Math.round(l + (hi[i] - l) * u));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function inkOn(t) {
  return t > 0.55 ? "#ffffff" : "#1d1f2b";
}

// The categorical palette for contributors (scenario order); it stands for
// no party. The same as the briefing's (src/lib/output/svg.c).
const PALETTE = ["#4e79a7", "#f28e2b", "#76b7b2", "#b07aa1", "#edc948", "#9c755f",
  "#bab0ac", "#59a14f", "#ff9da7", "#e15759", "#86bcb6", "#d4a6c8"];
export function palette(i) {
  return PALETTE[i % PALETTE.length];
}

// ---- the plan's shapes ----------------------------------------------------

// Share of the requirement not covered, weighted by task weight when tasks
// is given, over the coverage rows that pass keep(row); -1 when nothing is
// required there.
export function shortShare(coverage, keep, weight) {
  let req = 0;
  let short = 0;
  for (const c of coverage) {
    if (!keep(c)) continue;
    const w = weight ? weight(c.task) : 1;
    req += w * c.required;
    short += w * c.shortfall;
  }
  return req > 1e-9 ? short / req : -1;
}
