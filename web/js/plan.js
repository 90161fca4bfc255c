// plan.js - the Plan page: the plan's proven status, key figures, force
// build-up (chart and table), coverage heat map (by task or sector, per
// month), shortfall by task and location, and the binding limits.
// Everything from GET /api/v1/scenarios/NAME and the plan job's result
// (the JSON of `stabforce plan --format json`, docs/output.md).
import {
  api, chartFigure, el, fail, fmtInt, fmtNum, fmtPct, initPage, inkOn, palette, result,
  say, seq, shortShare, table,
} from "/js/app.js";

const status = document.querySelector("#status");
const content = document.querySelector("#content");

function statusNote(plan) {
  const s1 = plan.stage1;
  const s2 = plan.stage2;
  if (s1.status === "optimal" && s2.status === "optimal" && s2.gap === 0) {
    return el("p", { class: "note ok", id: "proven" },
      el("strong", { text: "Proven optimal. " }),
      "Both stages solved to proven optimality: " +
      "no plan of these pledges has less shortfall, or the same shortfall for less.");
  }
  if (s1.status === "optimal" && s2.status === "optimal") {
    // stage 2 stopped at the gap asked for: the cost is proven within it, not optimal
    const g = fmtPct(s2.gap, 2);
    return el("p", { class: "note ok", id: "proven" },
      el("strong", { text: `Proven optimal shortfall, cost within ${g}. ` }),
      `Stage 1 solved to proven optimality, stage 2 to a proven gap of ${g} (the gap asked for): ` +
      `no plan of these pledges has less shortfall, and none with the same shortfall costs more than ${g} less.`);
  }
  return el("p", { class: "note warn", id: "proven" },
    el("strong", { text: "Not proven optimal. " }),
    `Stage 1 ${s1.status}, gap ${fmtPct(s1.gap, 2)}; stage 2 ${s2.status}, gap ` +
    `${fmtPct(s2.gap, 2)}. A better plan may exist.`);
}

function figure(label, value, small, id) {
  return el("div", {}, el("dt", { text: label }),
    el("dd", { id }, value, small ? el("small", { text: " " + small }) : null));
}

function keyFigures(sc, plan) {
  const totalShort = plan.coverage.reduce((a, c) => a + c.shortfall, 0);
  const tasksShort = new Set(plan.coverage.filter((c) => c.shortfall > 1e-6).map((c) => c.task));
  let peak = plan.personnel_total[0] || { in_sectors: 0, label: "" };
  for (const p of plan.personnel_total) if (p.in_sectors > peak.in_sectors) peak = p;
  return el("dl", { class: "figures" },
    figure("Full operational capability", plan.foc_label || "never",
      plan.foc_label ? "" : "within the mandate", "fig-foc"),
    figure("Shortfall over the mandate", fmtInt(totalShort),
      `capability-unit-months, ${tasksShort.size} of ${sc.tasks.length} tasks short`,
      "fig-short"),
    figure("Peak personnel in sectors", fmtInt(peak.in_sectors),
      `in ${peak.label}, ceiling ${fmtInt(sc.troop_ceiling)}`, "fig-peak"),
    figure("Cost of the plan", fmtInt(plan.cost.total), "", "fig-cost"),
    figure("Weighted shortfall (stage 1)", fmtNum(plan.z1, 2), "", "fig-z1"),
    figure("Solve time", fmtNum(plan.seconds, 1) + " s", plan.solver.toUpperCase(), "fig-time"));
}

// ---- build-up -----------------------------------------------------------

function buildup(sc, plan) {
  const months = plan.months;
  const names = new Map(sc.contributors.map((c) => [c.id, c.name]));
  const order = sc.contributors.map((c) => c.id);
  const by = new Map(); // contributor -> [per month]
  for (const p of plan.personnel) {
    if (!by.has(p.contributor)) by.set(p.contributor, new Array(months.length).fill(0));
    by.get(p.contributor)[p.month - 1] = p.in_sectors;
  }
  const shown = order.filter((c) => by.has(c) && by.get(c).some((v) => v > 0));
  const rows = months.map((label, i) => {
    const r = { month: label };
    for (const c of shown) r[c] = by.get(c)[i];
    r.total = plan.personnel_total[i].in_sectors;
    r.ceiling = plan.personnel_total[i].ceiling;
    r.mission = plan.personnel_total[i].at_mission;
    return r;
  });
  const columns = [{ label: "month", key: "month" },
    ...shown.map((c) => ({ label: c, num: true, get: (r) => fmtInt(r[c]) })),
    { label: "in sectors", num: true, get: (r) => fmtInt(r.total) },
    { label: "ceiling", num: true, get: (r) => fmtInt(r.ceiling) },
    { label: "at mission", num: true, get: (r) => fmtInt(r.mission) }];
  const tab = table("Personnel inside sectors by contributor and month", columns, rows,
    { rowHeaders: true });

  const chart = el("div", { role: "img", id: "buildup-chart",
    "aria-label": "Stacked bar chart of personnel inside sectors per month by contributor, " +
      "with the troop ceiling; the same figures are in the table view." });
  // Stacked bars: series drawn from the top of the stack down, each from 0
  // to its cumulative total, so the part of each bar that shows is its own.
  const xs = months.map((_, i) => i + 1);
  const cum = [];
  let acc = new Array(months.length).fill(0);
  for (const c of shown) {
    acc = acc.map((v, i) => v + by.get(c)[i]);
    cum.push(acc);
  }
  const series = [{ label: "month", value: (u, v) => (v ? months[v - 1] : "") }];
  const data = [xs];
  for (let k = shown.length - 1; k >= 0; k--) {
    const c = shown[k];
    const colour = palette(order.indexOf(c));
    series.push({
      label: names.get(c) || c, fill: colour, stroke: colour, width: 0,
      paths: uPlot.paths.bars({ size: [0.75, 60] }), points: { show: false },
      value: (u, v, si, idx) => (idx === null || idx === undefined ? "" : fmtInt(by.get(c)[idx])),
    });
    data.push(cum[k]);
  }
  series.push({ label: "ceiling", stroke: "#1d1f2b", width: 1.5, dash: [6, 4],
    points: { show: false }, value: (u, v) => fmtInt(v) });
  data.push(plan.personnel_total.map((p) => p.ceiling));
  const draw = () => {
    if (chart.firstChild) return;
    const width = Math.max(480, chart.clientWidth || 900);
    // eslint-disable-next-line no-new
    new uPlot({
      width, height: 320, series,
      scales: { x: { time: false, range: [0.4, months.length + 0.6] }, y: { range: (u, lo, hi) => [0, hi * 1.05] } },
      axes: [
        { values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? months[v - 1] || "" : "")) },
        { values: (u, splits) => splits.map((v) => fmtInt(v)), size: 60,
          label: "personnel in sectors" },
      ],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    }, data, chart);
  };
  requestAnimationFrame(draw);
  return chartFigure("Personnel inside sectors, by contributor and month",
    "Personnel inside sectors per month, stacked by contributor (colours follow the " +
    "scenario's order of contributors and stand for no party), against the troop ceiling.",
    chart, tab);
}

// ---- coverage heat map --------------------------------------------------

function heatTable(sc, plan, mode, pick) {
  const months = plan.months;
  const weight = new Map(sc.tasks.map((t) => [t.id, t.weight]));
  const taskName = new Map(sc.tasks.map((t) => [t.id, t.name]));
  const locName = new Map(sc.sectors.map((s) => [s.id, s.name]));
  locName.set("mission", "Mission-wide");
  let rows;
  let keep;
  let w = null;
  if (mode === "tasks") {
    rows = sc.tasks.map((t) => ({ id: t.id, label: t.name }));
    keep = (r, m) => (c) => c.task === r.id && c.month === m && (pick === "" || c.location === pick);
  } else {
    rows = [...sc.sectors.map((s) => ({ id: s.id, label: s.name })),
      { id: "mission", label: "Mission-wide" }];
    keep = (r, m) => (c) => c.location === r.id && c.month === m && (pick === "" || c.task === pick);
    if (pick === "") w = (t) => weight.get(t);
  }
  const t = el("table", { class: "heat", id: "heat" });
  const what = mode === "tasks"
    ? `each task${pick ? " in " + locName.get(pick) : ", over every location"}`
    : `each location${pick ? " for " + taskName.get(pick) : ", every task weighted by its priority"}`;
  t.append(el("caption", { class: "visually-hidden",
    text: `Percentage of the requirement covered, ${what}, by month` }));
  const head = el("tr", {}, el("th", { scope: "col", text: mode === "tasks" ? "task" : "location" }));
  for (const m of months) head.append(el("th", { scope: "col", text: m.slice(2) }));
  t.append(el("thead", {}, head));
  const body = el("tbody");
  let any = false;
  for (const r of rows) {
    const tr = el("tr", {}, el("th", { scope: "row", text: r.label }));
    let rowAny = false;
    months.forEach((label, i) => {
      const share = shortShare(plan.coverage, keep(r, i + 1), w);
      const td = el("td");
      if (share < 0) {
        td.textContent = "";
        td.title = `${r.label}, ${label}: nothing required`;
        td.setAttribute("aria-label", "nothing required");
      } else {
        rowAny = true;
        const covered = Math.round(100 * (1 - share));
        td.textContent = String(covered);
        td.title = `${r.label}, ${label}: ${covered}% covered`;
        td.style.backgroundColor = seq(share);
        td.style.color = inkOn(share);
      }
      tr.append(td);
    });
    if (rowAny) {
      body.append(tr);
      any = true;
    }
  }
  t.append(body);
  if (!any) return el("p", { text: "Nothing is required there." });
  return el("div", { class: "table-wrap" }, t);
}

function coverage(sc, plan) {
  const box = el("div");
  const mode = el("select", { id: "heat-rows" });
  mode.append(el("option", { value: "tasks", text: "tasks" }), el("option", { value: "sectors", text: "sectors" }));
  const pick = el("select", { id: "heat-pick" });
  const fillPick = () => {
    pick.replaceChildren(el("option", { value: "", text: mode.value === "tasks" ? "every location" : "every task (weighted)" }));
    const opts = mode.value === "tasks"
      ? [...sc.sectors.map((s) => [s.id, s.name]), ["mission", "Mission-wide"]]
      : sc.tasks.map((t) => [t.id, t.name]);
    for (const [v, text] of opts) pick.append(el("option", { value: v, text }));
  };
  const redraw = () => box.replaceChildren(heatTable(sc, plan, mode.value, pick.value));
  mode.addEventListener("change", () => { fillPick(); redraw(); });
  pick.addEventListener("change", redraw);
  fillPick();
  redraw();
  return el("section", { "aria-labelledby": "cov-title" },
    el("h2", { id: "cov-title", text: "Coverage by month" }),
    el("p", { class: "desc muted", text: "Each cell is the percentage of the requirement " +
      "covered that month; the darker the cell, the more is missing. Empty: nothing required." }),
    el("div", { class: "row" },
      el("label", {}, "Rows ", mode), el("label", {}, "Over ", pick),
      el("span", { class: "scale", "aria-hidden": "true" }, "covered", el("span", { class: "ramp" }), "missing")),
    box);
}

// ---- shortfall, binding ---------------------------------------------------

function ranges(monthsSet, labels) {
  const ms = [...monthsSet].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < ms.length; i++) {
    let j = i;
    while (j + 1 < ms.length && ms[j + 1] === ms[j] + 1) j++;
    out.push(i === j ? labels[ms[i] - 1] : `${labels[ms[i] - 1]} to ${labels[ms[j] - 1]}`);
    i = j;
  }
  return out.join(", ");
}

function shortfalls(sc, plan) {
  const taskName = new Map(sc.tasks.map((t) => [t.id, t.name]));
  const locName = new Map(sc.sectors.map((s) => [s.id, s.name]));
  locName.set("mission", "Mission-wide");
  const agg = new Map();
  for (const c of plan.coverage) {
    const k = c.task + "|" + c.location;
    if (!agg.has(k)) agg.set(k, { task: c.task, location: c.location, req: 0, short: 0, months: new Set() });
    const a = agg.get(k);
    a.req += c.required;
    a.short += c.shortfall;
    if (c.shortfall > 1e-6) a.months.add(c.month);
  }
  const rows = [...agg.values()].filter((a) => a.short > 1e-6).sort((a, b) => b.short - a.short);
  if (!rows.length) return el("p", { class: "note ok", text: "No task is short anywhere, in any month." });
  const total = rows.reduce((s, a) => s + a.short, 0);
  return table("Shortfall by task and location over the mandate (capability-unit-months)", [
    { label: "task", get: (a) => taskName.get(a.task) || a.task },
    { label: "location", get: (a) => locName.get(a.location) || a.location },
    { label: "shortfall", num: true, get: (a) => fmtNum(a.short, 1) },
    { label: "of required", num: true, get: (a) => fmtPct(a.short / a.req, 0) },
    { label: "months short", get: (a) => ranges(a.months, plan.months) },
  ], rows, { foot: ["total", "", fmtNum(total, 1), "", ""] });
}

function binding(sc, plan) {
  const b = plan.binding || {};
  const items = [];
  if ((b.ceiling_months || []).length) {
    items.push(`The troop ceiling binds in ${ranges(new Set(b.ceiling_months.map((m) => (m.month || m))), plan.months)}.`);
  }
  for (const key of ["share_cap", "national_cap"]) {
    for (const x of b[key] || []) {
      const what = key === "share_cap" ? "the largest share one contributor may have" : "its national cap";
      const ms = new Set((x.months || []).map((m) => (m.month || m)));
      items.push(`${x.contributor}: ${what} binds in ${ranges(ms, plan.months)}.`);
    }
  }
  return el("section", { "aria-labelledby": "bind-title" },
    el("h2", { id: "bind-title", text: "Limits that bind" }),
    items.length ? el("ul", {}, ...items.map((t) => el("li", { text: t })))
      : el("p", { text: "No ceiling, share cap or national cap binds: the shortfall comes from " +
        "the pledges, their timing, caveats and vetoes, not from the limits." }));
}

// ---- reimbursement and parity ---------------------------------------------

// What each contributor would be reimbursed for the personnel the plan
// places (docs/model.md, "Reimbursement"): the rate and its source as the
// scenario gives them, a benchmark, not a commitment of anyone.
function reimbursement(sc, plan) {
  const r = plan.reimbursement;
  if (!r) return "";
  const names = new Map(sc.contributors.map((c) => [c.id, c.name]));
  const rows = r.contributors.map((c) => ({
    contributor: names.get(c.contributor) || c.contributor,
    pm: c.months.reduce((a, m) => a + m.persons, 0),
    troops: c.months.reduce((a, m) => a + m.troops, 0),
    equipment: c.months.reduce((a, m) => a + m.equipment, 0),
    total: c.total,
  })).filter((c) => c.total > 0 || c.pm > 0);
  return el("section", { "aria-labelledby": "reimb-title", id: "reimbursement" },
    el("h2", { id: "reimb-title", text: "Reimbursement" }),
    el("p", { class: "desc muted", text: `At ${fmtInt(r.troop_rate)} per person per month` +
      (r.equipment ? " and the unit types' equipment rates" : "") +
      `, the plan's personnel would be reimbursed ${fmtInt(r.total)} in all. Rate: ` +
      r.troop_rate_source }),
    rows.length
      ? table("Reimbursement by contributor over the mandate", [
        { label: "contributor", key: "contributor" },
        { label: "person-months", num: true, get: (c) => fmtInt(c.pm) },
        { label: "personnel", num: true, get: (c) => fmtInt(c.troops) },
        { label: "equipment", num: true, get: (c) => fmtInt(c.equipment) },
        { label: "total", num: true, get: (c) => fmtInt(c.total) },
      ], rows, { class: "reimb-table", rowHeaders: true,
        foot: ["total", fmtInt(rows.reduce((a, c) => a + c.pm, 0)), fmtInt(r.troops),
          fmtInt(r.equipment), fmtInt(r.total)] })
      : el("p", { text: "The plan places no personnel." }));
}

const CATEGORY = {
  military_contingent: "military contingents", staff_officer: "staff officers and observers",
  formed_police: "formed police units", individual_police: "individual police officers",
};

// The force's share of women by parity category and year against the
// UN Uniformed Gender Parity Strategy's targets where a target is sourced;
// a share is known only where the scenario gives one.
function parity(plan) {
  const p = plan.parity;
  if (!p || !p.years || !p.years.length) return "";
  const rows = [];
  for (const y of p.years) {
    for (const c of y.categories) rows.push({ year: y.year, ...c });
  }
  return el("section", { "aria-labelledby": "parity-title", id: "parity" },
    el("h2", { id: "parity-title", text: "Women in the force, by parity category" }),
    el("p", { class: "desc muted", text: "Share of women among the person-months whose " +
      "share the scenario gives, against the strategy's target for the year. Targets: " +
      p.targets_source }),
    table("Share of women by year and category against the target", [
      { label: "year", get: (r) => String(r.year) },
      { label: "category", get: (r) => CATEGORY[r.category] || r.category.replaceAll("_", " ") },
      { label: "person-months", num: true, get: (r) => fmtInt(r.person_months) },
      { label: "with a known share", num: true, get: (r) => fmtInt(r.known_person_months) },
      { label: "women", num: true, get: (r) => (r.share === null ? "no data" : fmtPct(r.share, 1)) },
      { label: "target", num: true, get: (r) => (r.target === null ? "target not sourced" : fmtPct(r.target, 0)) },
    ], rows, { class: "parity-table" }));
}

// ---- format 2: notice, reception, idle pledges --------------------------

// Format 2's facts of the plan (docs/scenario-format.md, "Format 2"): the
// notice each pledge gave, the personnel arriving each month against the
// reception capacity, and the pledged units the plan never used at once.
function format2(sc, plan) {
  const names = new Map(sc.contributors.map((c) => [c.id, c.name]));
  const who = (id) => names.get(id) || id;
  const out = [el("h2", { id: "f2-title", text: "Notice, reception and idle pledges" })];

  // notice: from the scenario, the pledges that gave one
  const noticed = sc.pledges.filter((p) => p.notice_days !== null && p.notice_days !== undefined);
  out.push(el("section", { "aria-labelledby": "notice-title", id: "notice" },
    el("h3", { id: "notice-title", text: "Notice" }),
    el("p", { class: "desc muted", text: "Days of notice each pledge gave: a unit arrives no " +
      "earlier than the facts' date plus its notice." }),
    noticed.length
      ? table("Days of notice by pledge", [
        { label: "pledge", key: "id" },
        { label: "contributor", get: (p) => who(p.contributor) },
        { label: "unit", key: "unit" },
        { label: "units", num: true, get: (p) => fmtInt(p.count) },
        { label: "notice (days)", num: true, get: (p) => fmtInt(p.notice_days) },
      ], noticed, { class: "notice-table" })
      : el("p", { text: "No pledge gives a notice." })));

  // reception: personnel arriving each month against the capacity
  const rec = plan.reception || [];
  const full = rec.filter((r) => r.capacity !== null && r.arriving >= r.capacity - 1e-6 && r.arriving > 0);
  out.push(el("section", { "aria-labelledby": "reception-title", id: "reception" },
    el("h3", { id: "reception-title", text: "Reception per month" }),
    el("p", { class: "desc muted", text: "Personnel arriving each month against the personnel " +
      "the reception can take in." + (full.length
      ? ` Reception is full in ${full.map((r) => r.label).join(", ")}.`
      : " Reception is full in no month.") }),
    table("Personnel arriving and reception capacity by month", [
      { label: "month", key: "label" },
      { label: "arriving", num: true, get: (r) => fmtInt(r.arriving) },
      { label: "capacity", num: true, get: (r) => (r.capacity === null ? "no limit" : fmtInt(r.capacity)) },
      { label: "used", num: true, get: (r) => (r.capacity ? fmtPct(r.arriving / r.capacity, 0) : "") },
      { label: "", get: (r) => (r.recorded ? "recorded" : "planned") },
    ], rec, { class: "reception-table" })));

  // idle pledges: units pledged that the plan never has in use at once
  const idle = plan.idle_pledges || [];
  const idleTotal = idle.reduce((a, p) => a + p.unused_personnel, 0);
  out.push(el("section", { "aria-labelledby": "idle-title", id: "idle" },
    el("h3", { id: "idle-title", text: "Idle pledges" }),
    el("p", { class: "desc muted", text: "Units pledged that the plan never uses at once: " +
      "the most in use in any month against the count offered." }),
    idle.length
      ? table("Pledged units the plan leaves unused", [
        { label: "pledge", key: "pledge" },
        { label: "contributor", get: (p) => who(p.contributor) },
        { label: "unit", key: "unit" },
        { label: "offered", num: true, get: (p) => fmtInt(p.offered) },
        { label: "most in use", num: true, get: (p) => fmtInt(p.max_used) },
        { label: "unused", num: true, get: (p) => fmtInt(p.unused) },
        { label: "unused personnel", num: true, get: (p) => fmtInt(p.unused_personnel) },
      ], idle, { class: "idle-table", foot: ["total", "", "", "", "", "", fmtInt(idleTotal)] })
      : el("p", { text: "The plan uses every pledged unit in some month." })));
  return el("section", { "aria-labelledby": "f2-title", id: "format2" }, ...out);
}

(async () => {
  try {
    const { scenario, info } = await initPage();
    if (!scenario) {
      say(status, "This server has no valid scenario.", "warn");
      return;
    }
    document.querySelector("#title").textContent = "Plan: " + (info ? info.title : scenario);
    const [sc, plan] = await Promise.all([
      api("/api/v1/scenarios/" + encodeURIComponent(scenario)),
      result("plan", { scenario }, status),
    ]);
    content.replaceChildren(
      statusNote(plan), keyFigures(sc, plan),
      el("h2", { text: "Force build-up" }), buildup(sc, plan),
      coverage(sc, plan),
      el("h2", { text: "Where the force is short" }), shortfalls(sc, plan),
      binding(sc, plan),
      plan.format === 2 ? format2(sc, plan) : "",
      reimbursement(sc, plan), parity(plan));
  } catch (e) {
    fail(status, e);
  }
})();
