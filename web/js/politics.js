// politics.js - the Politics page: the price of each veto, each caveat and
// each contributor (the `price` analysis: every case an exact re-solve of
// the scenario with one thing changed), and the shopping list (`shopping`).
// From the results of those jobs (docs/output.md, "Analyses").
import {
  api, el, fail, fmtInt, fmtNum, fmtSigned, initPage, result, say, table,
} from "/js/app.js";
import { offersSection } from "/js/offers.js";

const status = document.querySelector("#status");
const content = document.querySelector("#content");
const shopStatus = document.querySelector("#shop-status");
const shopping = document.querySelector("#shopping");

// A cell with the number and a bar of its size against max (the bar is
// decoration: the number is the figure, read by a screen reader).
function barCell(v, max, digits) {
  const wrap = el("span", { class: "bar-cell" });
  const bar = el("span", { class: "bar" + (v < 0 ? " neg" : ""), "aria-hidden": "true" });
  bar.style.width = (max > 0 ? Math.min(100, (100 * Math.abs(v)) / max) : 0) + "%";
  wrap.append(el("span", { class: "num", text: fmtSigned(v, digits) }), bar);
  return wrap;
}

function baselineLine(b) {
  return el("p", { class: "muted", id: "baseline" },
    `Baseline: weighted shortfall ${fmtNum(b.z1, 2)}, FOC ${b.foc_label || "never"}, ` +
    `${fmtInt(b.personnel_pm)} person-months in sectors, cost ${fmtInt(b.cost)}.`);
}

function foc(c) {
  return c.outcome.foc_label || "never";
}

function vetoes(sc, price) {
  const names = new Map([...sc.contributors, ...sc.stakeholders].map((x) => [x.id, x.name]));
  const cases = price.vetoes.cases.filter((c) => c.kind !== "lift_condition");
  if (!cases.length) return el("p", { text: "The scenario has no veto." });
  const max = Math.max(...cases.map((c) => Math.abs(c.delta.z1)));
  return table("Each veto lifted alone (hard) or made hard (soft); d = change from the baseline", [
    { label: "veto", get: (c) => `${names.get(c.stakeholder) || c.stakeholder} on ${names.get(c.contributor) || c.contributor}` },
    { label: "kind", get: (c) => (c.kind === "lift_veto" ? `${c.veto_kind}, lifted` : `${c.veto_kind}, made hard`) },
    { label: "sectors", key: "detail" },
    { label: "d weighted shortfall", num: true, get: (c) => barCell(c.delta.z1, max, 1) },
    { label: "FOC", get: foc },
    { label: "d personnel (pm)", num: true, get: (c) => fmtSigned(c.delta.personnel_pm, 0) },
    { label: "d at mission (pm)", num: true, get: (c) => fmtSigned(c.delta.mission_pm ?? 0, 0) },
    { label: "d cost", num: true, get: (c) => fmtSigned(c.delta.cost, 0) },
    { label: "rests on", get: (c) => (c.rests_on || []).join(", ").replaceAll("_", " ") },
  ], cases, { class: "price", rowHeaders: true });
}

// The stakeholders' conditions (format 2: consent, sequencing), each as
// the scenario records it with its source, and the price of lifting it
// alone where the price was computed. Every party's conditions are listed
// and priced the same way; the price is a capability effect, not a
// judgement of the condition or of the party.
function conditions(sc, price) {
  const conds = sc.conditions || [];
  if (!conds.length) return el("p", { text: "The scenario records no condition." });
  const names = new Map([...sc.contributors, ...sc.stakeholders, ...sc.tasks, ...sc.sectors]
    .map((x) => [x.id, x.name || x.id]));
  const priced = new Map((price ? price.vetoes.cases : []).filter((c) => c.kind === "lift_condition")
    .map((c) => [c.case, c]));
  const list = (ids) => (ids === null ? "any" : ids.map((i) => names.get(i) || i).join(", ") || "none");
  const when = (c) => {
    if (c.kind === "consent") {
      const m = c.from === c.to ? c.from : `${c.from} to ${c.to}`;
      return `consent ${c.consent}, ${m}`;
    }
    if (c.indicator) return `after "${c.indicator}" is ${c.below ? "below" : "above"} ${fmtNum(c.threshold, 0)}`;
    return c.not_before ? `not before ${c.not_before}` : "";
  };
  const max = Math.max(1e-9, ...[...priced.values()].map((c) => Math.abs(c.delta.z1)));
  return table("The stakeholders' conditions as recorded, and the change in shortfall if each were lifted alone", [
    { label: "stakeholder", get: (c) => names.get(c.stakeholder) || c.stakeholder },
    { label: "condition", key: "id" },
    { label: "kind", key: "kind" },
    { label: "when", get: when },
    { label: "contributors", get: (c) => list(c.contributors) },
    { label: "tasks", get: (c) => list(c.tasks) },
    { label: "sectors", get: (c) => list(c.sectors) },
    { label: "d weighted shortfall if lifted", num: true, get: (c) => {
      const p = priced.get(`${c.stakeholder}:${c.id}`);
      if (p) return barCell(p.delta.z1, max, 1);
      return c.consent === "given" ? "given: no case" : price ? "-" : "not priced yet";
    } },
    { label: "source", key: "source" },
  ], conds, { class: "conditions-table" });
}

// The conditions section: at once from the scenario, again with the
// prices once the price job has answered.
function showConditions(sc, price) {
  document.querySelector("#conditions").replaceChildren(
    el("h2", { id: "conditions-title", text: "Conditions of the stakeholders" }),
    el("p", { class: "desc muted", text: "Consent and sequencing each party has set, as " +
      "reported with their sources; the last columns say what the force could do " +
      "without each: a capability effect, not a judgement of the condition or of the party." }),
    conditions(sc, price));
}

function caveats(sc, price) {
  const names = new Map(sc.contributors.map((x) => [x.id, x.name]));
  const cases = price.caveats.cases;
  if (!cases.length) return el("p", { text: "No pledge has a caveat." });
  const max = Math.max(...cases.map((c) => Math.abs(c.delta.z1)));
  return table("Each caveat of each pledge lifted alone; d = change from the baseline", [
    { label: "pledge", key: "pledge" },
    { label: "contributor", get: (c) => names.get(c.contributor) || c.contributor },
    { label: "caveat", key: "detail" },
    { label: "d weighted shortfall", num: true, get: (c) => barCell(c.delta.z1, max, 1) },
    { label: "FOC", get: foc },
    { label: "d personnel (pm)", num: true, get: (c) => fmtSigned(c.delta.personnel_pm, 0) },
    { label: "d at mission (pm)", num: true, get: (c) => fmtSigned(c.delta.mission_pm ?? 0, 0) },
    { label: "d cost", num: true, get: (c) => fmtSigned(c.delta.cost, 0) },
    { label: "rests on", get: (c) => (c.rests_on || []).join(", ").replaceAll("_", " ") },
  ], cases, { class: "price", rowHeaders: true });
}

function critical(sc, price) {
  const cases = price.critical.cases;
  const max = Math.max(0, ...cases.map((c) => Math.abs(c.delta.z1)));
  return table("Each contributor removed alone; d = change from the baseline", [
    { label: "contributor", key: "detail" },
    { label: "d weighted shortfall", num: true, get: (c) => barCell(c.delta.z1, max, 1) },
    { label: "FOC", get: foc },
    { label: "d personnel (pm)", num: true, get: (c) => fmtSigned(c.delta.personnel_pm, 0) },
    { label: "d at mission (pm)", num: true, get: (c) => fmtSigned(c.delta.mission_pm ?? 0, 0) },
    { label: "d cost", num: true, get: (c) => fmtSigned(c.delta.cost, 0) },
    { label: "rests on", get: (c) => (c.rests_on || []).join(", ").replaceAll("_", " ") },
  ], cases, { class: "price", rowHeaders: true });
}

function shoppingList(sc, shop) {
  const taskName = new Map(sc.tasks.map((t) => [t.id, t.name]));
  const locName = new Map(sc.sectors.map((s) => [s.id, s.name]));
  locName.set("mission", "mission-wide");
  const head = el("p", { id: "shop-summary" },
    `With the pledges as they are: weighted shortfall ${fmtNum(shop.real.z1, 2)}, FOC ` +
    `${shop.real.foc_label || "never"}. With the units below as well: ` +
    `${fmtNum(shop.with_requests.z1, 2)}, FOC ${shop.with_requests.foc_label || "never"}, ` +
    `at a cost of ${fmtInt(shop.with_requests.cost)} (against ${fmtInt(shop.real.cost)}).`);
  if (!shop.lines.length) return el("div", {}, head, el("p", { text: "Nothing to ask for: no task is short." }));
  const max = Math.max(...shop.lines.map((l) => l.z1_removed));
  const totalPersonnel = shop.lines.reduce((a, l) => a + l.personnel, 0);
  return el("div", {}, head, table("Units to request, one line per unit type and period", [
    { label: "unit", key: "name" },
    { label: "count", num: true, get: (l) => fmtInt(l.count) },
    { label: "personnel", num: true, get: (l) => fmtInt(l.personnel) },
    { label: "months", get: (l) => (l.from_label === l.to_label ? l.from_label : `${l.from_label} to ${l.to_label}`) },
    { label: "where", get: (l) => (sc.sectors.every((x) => l.locations.includes(x.id)) && !l.locations.includes("mission")
      ? "every sector" : l.locations.map((x) => locName.get(x) || x).join(", ")) },
    { label: "tasks", get: (l) => l.tasks.map((x) => taskName.get(x) || x).join(", ") },
    { label: "shortfall removed", num: true, get: (l) => barCell(l.z1_removed, max, 1) },
  ], shop.lines, { class: "price", foot: ["total", "", fmtInt(totalPersonnel), "", "", "", fmtNum(shop.z1_removed, 1)] }));
}

(async () => {
  let sc;
  let scenario;
  try {
    const init = await initPage();
    scenario = init.scenario;
    if (!scenario) {
      say(status, "This server has no valid scenario.", "warn");
      return;
    }
    document.querySelector("#title").textContent = "Politics: " + (init.info ? init.info.title : scenario);
    sc = await api("/api/v1/scenarios/" + encodeURIComponent(scenario));
  } catch (e) {
    fail(status, e);
    return;
  }
  showConditions(sc, null);
  offersSection(document.querySelector("#offers"), sc, scenario);
  const pricing = (async () => {
    try {
      const price = await result("price", { scenario }, status);
      content.replaceChildren(baselineLine(price.vetoes.baseline),
        el("h2", { text: "Price of each veto" }),
        el("p", { class: "desc muted", text: "A negative change in shortfall is capability the veto keeps out of the force." }),
        vetoes(sc, price),
        el("h2", { text: "Price of each caveat" }),
        el("p", { class: "desc muted", text: "What each condition a contributor puts on a pledge costs the force; zero: the plan would not use the unit differently without it." }),
        caveats(sc, price),
        el("h2", { text: "Critical contributors" }),
        el("p", { class: "desc muted", text: "How much capability the force would lose without each contributor." }),
        critical(sc, price));
      showConditions(sc, price);
    } catch (e) {
      fail(status, e);
    }
  })();
  const shoppingDone = (async () => {
    try {
      const shop = await result("shopping", { scenario }, shopStatus);
      shopping.replaceChildren(el("h2", { text: "What to ask contributors for" }),
        el("p", { class: "desc muted", text: "Units of each type, with no caveats and not under any veto, added where the pledges fall short: each line a capability to request at a force-generation conference, with the weighted shortfall it removes." }),
        shoppingList(sc, shop));
    } catch (e) {
      fail(shopStatus, e);
    }
  })();
  await Promise.all([pricing, shoppingDone]);
  document.body.dataset.ready = "1";
})();
