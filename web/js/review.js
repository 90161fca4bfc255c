// review.js - the Review page (editors): the review queue, one incident's
// review with its edit log, the possible duplicates and the edit log.
//
// The queue is GET /api/v1/incidents?status=... one page at a time (the
// answer's X-Next-After is the next page's cursor). Reviewing sends POST
// /api/v1/incidents/ID/review with the version the reviewer read as
// If-Match: when the incident changed since (another reviewer, a newer
// import), the server answers 409 and changes nothing, and the page says so
// and offers to read it again. A viewer's token gets 403: the page says
// that an editor's token is needed. Duplicates: GET and POST
// /api/v1/incidents/duplicates; the log: GET /api/v1/edits.
import { ApiError, api, apiFull, el, fail, fmtFatalities, fmtNum, initPage, say, table } from "/js/app.js";

const status = document.querySelector("#status");
const queue = document.querySelector("#queue");
const next = document.querySelector("#q-next");
const reviewSec = document.querySelector("#review");
const result = document.querySelector("#r-result");
const LOG_ROWS = 50;
const PAGE = 25;

const q = (params) => new URLSearchParams(Object.entries(params)
  .filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();

let current = null; // the incident under review, as last read

function explain(e, what) {
  if (e instanceof ApiError && e.status === 403) {
    return `${what} needs an editor's token: this one may only read.`;
  }
  if (e instanceof ApiError && e.status === 409) {
    return "Not recorded: this incident changed since you read it (another review or a " +
      `newer import). ${e.message} Read it again, then review it.`;
  }
  return e instanceof ApiError ? e.message : String(e);
}

// ---- the queue ------------------------------------------------------------

async function loadQueue(after) {
  const params = {
    status: document.querySelector("#q-status").value,
    from: document.querySelector("#q-from").value, to: document.querySelector("#q-to").value,
    limit: PAGE, after,
  };
  const { data, headers } = await apiFull("/api/v1/incidents?" + q(params));
  const rows = data || [];
  const cursor = headers.get("X-Next-After");
  next.hidden = !cursor;
  next.dataset.after = cursor || "";
  const button = (inc) => {
    const b = el("button", { type: "button", class: "secondary", "data-id": inc.event_id_cnty,
      "aria-label": "Review " + inc.event_id_cnty, text: "Review" });
    b.addEventListener("click", () => openIncident(inc.event_id_cnty).catch((e) => fail(result, e)));
    return b;
  };
  queue.replaceChildren(rows.length ? table(
    `Incidents with status ${params.status}` + (after ? " (a further page)" : ""), [
      { label: "event", key: "event_id_cnty" }, { label: "date", key: "event_date" },
      { label: "type", key: "event_type" }, { label: "location", key: "location" },
      { label: "sector", get: (r) => r.sector || "no sector" },
      { label: "reported by", get: (r) => `${r.source} (${r.source_system})` },
      { label: "status", key: "status" }, { label: "version", num: true, key: "version" },
      { label: "", get: button }], rows, { rowHeaders: true, class: "queue" })
    : el("p", { class: "muted", text: `No incident with status ${params.status}.` }));
}

// ---- one incident ---------------------------------------------------------

async function openIncident(id) {
  const { data: inc, headers } = await apiFull("/api/v1/incidents/" + encodeURIComponent(id));
  current = { inc, etag: headers.get("ETag") || `"${inc.version}"` };
  result.hidden = true;
  const kv = (k, v) => [el("dt", { text: k }), el("dd", { text: v ?? "" })];
  document.querySelector("#incident").replaceChildren(el("dl", { class: "kv", id: "incident-kv" },
    ...kv("Event", inc.event_id_cnty), ...kv("Date", inc.event_date),
    ...kv("Type", `${inc.event_type}: ${inc.sub_event_type}`),
    ...kv("Location", `${inc.location} (${fmtNum(inc.latitude, 4)}, ${fmtNum(inc.longitude, 4)})`),
    ...kv("Sector", (inc.sector || "no sector") + ` (${inc.sector_method})`),
    ...kv("Reported by", `${inc.source} (${inc.source_system})`),
    ...kv("Fatalities", fmtFatalities(inc.fatalities)), ...kv("Notes", inc.notes),
    ...kv("Status", inc.status), ...kv("Version", String(inc.version))));
  reviewSec.hidden = false;
  document.querySelector("#review-title").textContent = "Review " + inc.event_id_cnty;
  await loadLog(document.querySelector("#incident-log"), inc.event_id_cnty);
  document.querySelector("#r-status").focus();
}

async function submitReview() {
  if (!current) return;
  const id = current.inc.event_id_cnty;
  try {
    const { data, headers } = await apiFull(`/api/v1/incidents/${encodeURIComponent(id)}/review`, {
      method: "POST", headers: { "If-Match": current.etag },
      body: { status: document.querySelector("#r-status").value,
        note: document.querySelector("#r-note").value },
    });
    current = { inc: data, etag: headers.get("ETag") || `"${data.version}"` };
    say(result, `Recorded: ${id} is now ${data.status} (version ${data.version}).`, "ok");
    await Promise.all([loadQueue(), loadLog(document.querySelector("#incident-log"), id),
      loadLog(document.querySelector("#log"))]);
  } catch (e) {
    say(result, explain(e, "Reviewing"), "bad");
    if (e instanceof ApiError && e.status === 409) {
      const again = el("button", { type: "button", class: "secondary", id: "r-reload",
        text: "Read it again" });
      again.addEventListener("click", () => openIncident(id).catch((err) => fail(result, err)));
      result.append(" ", again);
    }
  }
}

// ---- duplicates and the log ---------------------------------------------------

async function loadDupes() {
  const box = document.querySelector("#dupes");
  const st = document.querySelector("#dupes-status");
  const d = await api("/api/v1/incidents/duplicates?" + q({ limit: 20 }));
  const side = (x) => `${x.event_id} ${x.date}, ${x.location}, ${x.source} (${x.source_system})`;
  const decide = (p, decision) => {
    const b = el("button", { type: "button", class: "secondary",
      "aria-label": `Mark ${p.a.event_id} and ${p.b.event_id} ${decision}`, text: decision });
    b.addEventListener("click", async () => {
      try {
        await api("/api/v1/incidents/duplicates", { method: "POST",
          body: { a: p.a.event_id, b: p.b.event_id, decision, note: "" } });
        say(st, `Recorded: ${p.a.event_id} and ${p.b.event_id} are ${decision}.`, "ok");
        await Promise.all([loadDupes(), loadLog(document.querySelector("#log"))]);
      } catch (e) {
        say(st, explain(e, "Deciding on duplicates"), "bad");
      }
    });
    return b;
  };
  box.replaceChildren((d.pairs || []).length ? table(
    `Pairs of the same type at most ${d.max_days} day apart and ${d.max_km} km apart, not yet decided`, [
      { label: "first", get: (p) => side(p.a) }, { label: "second", get: (p) => side(p.b) },
      { label: "type", get: (p) => p.a.event_type }, { label: "why", key: "reason" },
      { label: "decide", get: (p) => el("span", {}, decide(p, "duplicate"), " ", decide(p, "distinct")) },
    ], d.pairs, { class: "dupes" })
    : el("p", { class: "muted", text: "No possible duplicate left to decide." }));
}

async function loadLog(box, eventId) {
  const log = await api("/api/v1/edits" + (eventId ? "?" + q({ event_id: eventId }) : ""));
  const rows = (log || []).slice(-LOG_ROWS).reverse();
  box.replaceChildren(rows.length ? table(eventId ? `Edits of ${eventId}, newest first`
    : `The last ${rows.length} edits, newest first`, [
    { label: "when (UTC)", key: "at" }, { label: "who", get: (r) => r.who || "(command line)" },
    { label: "subject", get: (r) => r.event_id + (r.other_id ? " / " + r.other_id : "") },
    { label: "what", key: "what" }, { label: "from", key: "from" }, { label: "to", key: "to" },
    { label: "note", key: "note" }], rows, { class: eventId ? "incident-log" : "edit-log" })
    : el("p", { class: "muted", text: "No edit yet." }));
}

// ---- the page -------------------------------------------------------------------

(async () => {
  try {
    await initPage();
    status.hidden = true;
    document.querySelector("#queue-controls").addEventListener("submit", (e) => {
      e.preventDefault();
      loadQueue().catch((err) => fail(status, err));
    });
    next.addEventListener("click", () => loadQueue(next.dataset.after).catch((e) => fail(status, e)));
    document.querySelector("#review-form").addEventListener("submit", (e) => {
      e.preventDefault();
      submitReview();
    });
    await Promise.all([loadQueue(), loadDupes().catch((e) => fail(document.querySelector("#dupes-status"), e)),
      loadLog(document.querySelector("#log"))]);
    document.body.dataset.ready = "1";
  } catch (e) {
    fail(status, e);
  }
})();
