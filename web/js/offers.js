// offers.js - the Politics page's "What should we offer?" section: a
// contributing nation (one of the scenario's, or one not in it yet) picks
// itself, runs the offers analysis as a job (POST /api/v1/offers, the
// `stabforce offers` of the command line) and sees its candidate offers
// ranked by the weighted shortfall each removes per 1,000 personnel or per
// million of cost (docs/output.md, "offers"; docs/dashboard.md).
import {
  ApiError, el, fail, fmtInt, fmtNum, latestJob, progress, runJob, say, table, api,
} from "/js/app.js";

const NEW = "__new";

function field(label, control) {
  return el("label", {}, label + " ", control);
}

function options(select, list) {
  for (const [v, t] of list) select.append(el("option", { value: v, text: t }));
  return select;
}

// The ranked table of a result (columns as the CLI's table).
function ranked(res) {
  const offers = res.offers || [];
  if (!offers.length) {
    return el("p", { id: "offers-none", text: "No candidate offer removes any shortfall: the force is not short of what this nation could send, or every offer is over the budget." });
  }
  const byCost = res.rank === "cost";
  const max = Math.max(...offers.map((o) => o.z1_removed || 0));
  const bar = (v) => {
    const wrap = el("span", { class: "bar-cell" });
    const b = el("span", { class: "bar", "aria-hidden": "true" });
    b.style.width = (max > 0 ? Math.min(100, (100 * v) / max) : 0) + "%";
    wrap.append(el("span", { class: "num", text: fmtNum(v, 1) }), b);
    return wrap;
  };
  return table(`Candidate offers of ${res.contributor.name || res.contributor.id}, best first ` +
    `(ranked by shortfall removed per ${byCost ? "million of cost" : "1,000 personnel"})`, [
    { label: "rank", num: true, get: (o) => fmtInt(o.rank) },
    { label: "unit", get: (o) => o.name || o.unit },
    { label: "count", num: true, get: (o) => fmtInt(o.count) },
    { label: "personnel", num: true, get: (o) => fmtInt(o.personnel) },
    { label: "months", get: (o) => (o.from_label === o.to_label ? o.from_label : `${o.from_label} to ${o.to_label}`) },
    { label: "caveats", get: (o) => (o.caveats_of ? `as pledge ${o.caveats_of}` : "none") },
    { label: "shortfall removed", num: true, get: (o) => bar(o.z1_removed || 0) },
    { label: "per 1,000 personnel", num: true, get: (o) => fmtNum(o.per_1000_personnel, 1) },
    { label: "cost", num: true, get: (o) => fmtInt(o.cost) },
    { label: "per million", num: true, get: (o) => (o.per_million === null || o.per_million === undefined ? "n/a" : fmtNum(o.per_million, 2)) },
    { label: "proven", get: (o) => (o.proven ? "yes" : "no") },
  ], offers, { class: "offers" });
}

function summary(res) {
  const b = res.baseline || {};
  const bits = [`Without an offer: weighted shortfall ${fmtNum(b.z1, 2)}, FOC ${b.foc_label || "never"}.`];
  if (res.over_budget) bits.push(`${fmtInt(res.over_budget)} candidate offer${res.over_budget === 1 ? "" : "s"} over the budget left out.`);
  if (res.contributor && res.contributor.new) bits.push(`${res.contributor.name} is not in the scenario: added with no pledge, no cap and no veto on it.`);
  return el("p", { id: "offers-summary" }, bits.join(" "));
}

// The section, into `root`, for scenario document sc (GET /api/v1/scenarios/NAME).
export function offersSection(root, sc, scenario) {
  const status = el("div", { id: "offers-status", class: "note", role: "status", "aria-live": "polite", hidden: true });
  const out = el("div", { id: "offers-result" });
  const who = options(el("select", { id: "offers-contributor" }),
    [...sc.contributors.map((c) => [c.id, c.name]), [NEW, "a nation not in the scenario..."]]);
  const newId = el("input", { id: "offers-new-id", size: 6, maxlength: 20, pattern: "[A-Za-z0-9_.\\-]+", placeholder: "BGD" });
  const newName = el("input", { id: "offers-new-name", size: 18, maxlength: 100, placeholder: "Bangladesh" });
  const newBox = el("span", { id: "offers-new", hidden: true }, field("id", newId), " ", field("name", newName));
  const rank = options(el("select", { id: "offers-rank" }),
    [["personnel", "shortfall removed per 1,000 personnel"], ["cost", "shortfall removed per million of cost"]]);
  const budget = el("input", { id: "offers-budget", type: "number", min: "0", step: "any", size: 10, placeholder: "no limit" });
  const run = el("button", { class: "primary", type: "submit", id: "offers-run", text: "Rank offers" });
  const form = el("form", { id: "offers-form", class: "panel" },
    el("div", { class: "row" }, field("Nation", who), newBox),
    el("div", { class: "row" }, field("Rank by", rank), field("Budget (the scenario's money)", budget), run));
  who.addEventListener("change", () => { newBox.hidden = who.value !== NEW; });
  root.replaceChildren(el("h2", { id: "offers-title", text: "What should we offer?" }),
    el("p", { class: "desc muted", text: "For a contributing nation: each unit type it could send, in counts and start months, planned again with the offer added; the offers ranked by the weighted shortfall they remove. Exact re-solves: the result says whether each is proven." }),
    form, status, out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const request = { scenario };
    if (who.value === NEW) {
      if (!newId.value || !newName.value) {
        say(status, "A nation not in the scenario needs an id and a name.", "bad");
        return;
      }
      request.contributor = newId.value;
      request.new = newName.value;
    } else {
      request.contributor = who.value;
    }
    if (rank.value !== "personnel") request.rank = rank.value;
    if (budget.value) request.budget = Number(budget.value);
    run.disabled = true;
    out.replaceChildren();
    try {
      let res;
      const done = await latestJob("offers", request);
      if (done) {
        res = await api(`/api/v1/jobs/${done.id}/result`);
        say(status, `From offers job ${done.id}` + (done.submitted_by ? ` (run by ${done.submitted_by})` : "") + ".", "ok");
      } else {
        res = await runJob("offers", request, (j) => progress(status, "offers", j));
        say(status, "Done: the offers were planned just now.", "ok");
      }
      out.replaceChildren(summary(res), ranked(res));
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        say(status, "Ranking offers runs a job, which needs an editor's token (Sign in, top right).", "bad");
      } else {
        fail(status, e);
      }
    } finally {
      run.disabled = false;
      root.dataset.done = "1";
    }
  });
}
