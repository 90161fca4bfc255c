// alerts.js - the Monitor page's "What changed" section: the alerts of
// GET /api/v1/incidents/alerts (the `incidents alerts` of the command
// line, its JSON document): a sector whose ACLED change level (this week
// against the 4 weeks before) is at least the level asked for, every
// incident of a watched event type and every incident with at least the
// fatalities asked for, in the last days to the latest incident. The rules
// are the API's parameters, set in the form (docs/register.md, "Alerts").
import { api, el, fail, fmtFatalities, fmtInt, fmtNum, say, table } from "/js/app.js";

const q = (params) => new URLSearchParams(Object.entries(params)
  .filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();

function field(label, control) {
  return el("label", {}, label + " ", control);
}

function select(id, list, value) {
  const s = el("select", { id });
  for (const [v, t] of list) s.append(el("option", { value: v, text: t, selected: v === value }));
  return s;
}

const KIND = { change: "sector change", event_type: "watched type", fatalities: "fatalities" };

function what(a) {
  if (a.kind === "change") {
    const pct = a.pct === null || a.pct === undefined ? "" : `, ${a.pct > 0 ? "+" : ""}${fmtNum(a.pct, 0)} %`;
    return `${a.level}${a.new ? " (new)" : ""}: ${fmtInt(a.incidents_this_week)} incidents this week ` +
      `against ${fmtNum(a.mean_per_week_4, 2)} a week over the 4 weeks before${pct}`;
  }
  return `${a.event_type} at ${a.location} (${a.event_id})`;
}

// The section, into `root`, for scenario document sc (sector names).
export async function alertsSection(root, sc) {
  const sectorName = (id) => (id === null || id === "" ? "no sector"
    : (sc.sectors || []).find((s) => s.id === id)?.name || id);
  const days = select("alerts-days", [["1", "1 (since yesterday)"], ["7", "7"], ["30", "30"]], "7");
  const change = select("alerts-change", [["large", "large increase"], ["moderate", "moderate increase or more"], ["off", "off"]], "large");
  const fatalities = el("input", { id: "alerts-fatalities", type: "number", min: "0", step: "1", value: "10", size: 5 });
  const types = el("input", { id: "alerts-types", size: 30, placeholder: "Riots, Battles" });
  const form = el("form", { id: "alerts-controls", class: "row" },
    field("Days", days), field("Sector change at least", change),
    field("Fatalities at least (0: off)", fatalities), field("Event types", types),
    el("button", { class: "primary", type: "submit", text: "Show" }));
  const status = el("div", { id: "alerts-status", class: "note", role: "status", "aria-live": "polite", hidden: true });
  const out = el("div", { id: "alerts-content" });
  root.replaceChildren(el("h2", { id: "alerts-title", text: "What changed" }),
    el("p", { class: "desc muted", text: "Alerts from the incident register as of its latest incident: rules a monitor sets, evaluated by the server. Figures as the sources reported them." }),
    form, status, out);
  const show = async () => {
    const params = {
      days: days.value, change: change.value, fatalities: fatalities.value,
      type: types.value.split(",").map((t) => t.trim()).filter(Boolean).join(","),
    };
    const doc = await api("/api/v1/incidents/alerts?" + q(params));
    status.hidden = true;
    if (doc.as_of === null) {
      out.replaceChildren(el("p", { text: "No incident in the register: no alert." }));
      return;
    }
    const head = el("p", { id: "alerts-summary" },
      `${fmtInt(doc.alerts.length)} alert${doc.alerts.length === 1 ? "" : "s"} as of ${doc.as_of} ` +
      `(the last ${doc.days} day${doc.days === 1 ? "" : "s"}).` +
      (doc.fatalities_not_reported > 0
        ? ` ${fmtInt(doc.fatalities_not_reported)} incident${doc.fatalities_not_reported === 1 ? "" : "s"} ` +
          "gave no fatalities figure (no data): the fatalities rule cannot judge them."
        : ""));
    out.replaceChildren(head, doc.alerts.length ? table("Alerts: sector changes first, then incidents by date", [
      { label: "alert", get: (a) => KIND[a.kind] || a.kind },
      { label: "date", key: "date" },
      { label: "sector", get: (a) => sectorName(a.sector) },
      { label: "what", get: what },
      { label: "fatalities (reported)", num: true, get: (a) => fmtFatalities(a.fatalities) },
    ], doc.alerts, { class: "alerts" }) : el("p", { text: "No rule is met." }));
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    say(status, "Asking the server...");
    show().catch((e) => fail(status, e));
  });
  try {
    await show();
  } catch (e) {
    fail(status, e);
  }
}
