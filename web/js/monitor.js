// monitor.js - the Monitor page: incidents per week by sector against the
// weeks before, and aid trucks per day against the commitment, per source,
// crossing and stage.
//
// Incidents: GET /api/v1/incidents/report, once for the trend (the 7 days
// to the latest incident against the 4 and 52 weeks before: the API's own
// figures, levels and all) and once for the weekly table by sector over
// the weeks shown plus the 4 before them. The dash over each week's bar is
// the mean of the API's counts of the 4 weeks before it (a sum of its
// figures divided by 4; the page says so). Sector names come from the
// scenario (GET /api/v1/scenarios/NAME).
//
// Aid: GET /api/v1/aid lists the rows, from which the page takes the
// sources, their crossings and the stages each reports; GET
// /api/v1/aid/report gives the figures for one source (never several
// added), crossing and stage, against the commitment asked for. A day with
// no figure is a gap in the chart and "no figure" in the table, never 0.
// The commitment is compared only on the days it was made for (its "from"
// and "to" dates; other days are not compared, and none compared is "no
// data"). GET /api/v1/aid/sources puts every source and stage side by
// side (one line, one column each, never added), with the commitment and
// an optional reference level the user names.
import {
  api, chartFigure, el, fail, fmtFatalities, fmtInt, fmtNum, initPage, say, seq, table,
} from "/js/app.js";
import { alertsSection } from "/js/alerts.js";

const status = document.querySelector("#status");
const incStatus = document.querySelector("#inc-status");
const incContent = document.querySelector("#inc-content");
const aidStatus = document.querySelector("#aid-status");
const aidContent = document.querySelector("#aid-content");
const sbsStatus = document.querySelector("#aid-sbs-status");
const sbsContent = document.querySelector("#aid-sbs");
const STAGES = ["entered", "offloaded", "collected", "intercepted"];
const LEAD = 4; // weeks before the first shown, for the mean of the 4 before
const DAY_MS = 86400000;
const INK = "#1d1f2b";

const q = (params) => new URLSearchParams(Object.entries(params)
  .filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();

function addDays(iso, n) {
  return new Date(Date.parse(iso + "T00:00:00Z") + n * DAY_MS).toISOString().slice(0, 10);
}

function monday(iso) {
  const d = new Date(iso + "T00:00:00Z");
  return addDays(iso, -((d.getUTCDay() + 6) % 7));
}

// A uPlot chart inside a div with role="img" and its accessible name;
// drawn once the div is in the page (its width known).
function plot(id, label, opts, data, height) {
  const div = el("div", { role: "img", id, "aria-label": label });
  requestAnimationFrame(() => {
    if (div.firstChild) return;
    // eslint-disable-next-line no-new
    new uPlot({ width: Math.max(420, div.clientWidth || 900), height, ...opts }, data, div);
  });
  return div;
}

// ---- incidents --------------------------------------------------------

async function incidents(sc) {
  const names = new Map(sc.sectors.map((s) => [s.id, s.name]));
  const sectorName = (id) => (id === "" ? "no sector" : names.get(id) || id);
  const weeksSel = document.querySelector("#weeks");
  say(incStatus, "Loading the incident register...");
  const trend = await api("/api/v1/incidents/report?" + q({ by: "sector", table: "trend" }));
  if (!trend.trend || !trend.trend.as_of) {
    say(incStatus, "The incident register holds no incident.", "muted");
    return;
  }
  document.querySelector("#inc-controls").hidden = false;
  const show = async () => {
    const weeks = Number(weeksSel.value);
    const asOf = trend.trend.as_of;
    const first = addDays(monday(asOf), -7 * (weeks - 1));
    const rep = await api("/api/v1/incidents/report?" + q({
      by: "sector", period: "week", table: "periods", from: addDays(first, -7 * LEAD), to: asOf,
    }));
    drawIncidents(rep, trend, first, weeks, sectorName, sc);
    say(incStatus, `Weeks from ${first} to the latest incident, on ${asOf}; the register ` +
      `covers ${rep.covered ? rep.covered.from + " to " + rep.covered.to : "no day"}. ` +
      "Retracted incidents are left out.", "muted");
  };
  weeksSel.addEventListener("change", () => show().catch((e) => fail(incStatus, e)));
  await show();
}

function drawIncidents(rep, trend, first, weeks, sectorName, sc) {
  const labels = [];
  for (let w = -LEAD; w < weeks; w++) labels.push(addDays(first, 7 * w));
  // sectors: the scenario's, then any other key with an incident
  const keys = sc.sectors.map((s) => s.id);
  const counts = new Map();
  const covered = new Map();
  for (const r of rep.periods || []) {
    const k = r.sector ?? "";
    if (!counts.has(k)) counts.set(k, new Map());
    counts.get(k).set(r.period, r.incidents);
    covered.set(r.period, r.days_covered);
    if (!keys.includes(k) && r.incidents > 0) keys.push(k);
  }
  const rows = [];
  const panels = [];
  let ymax = 1;
  const series = keys.map((k) => {
    const c = counts.get(k) || new Map();
    const v = labels.map((d) => (c.has(d) ? c.get(d) : null));
    const mean = labels.map((d, i) => {
      if (i < LEAD) return null;
      const prev = v.slice(i - LEAD, i);
      return prev.some((x) => x === null) ? null : prev.reduce((a, b) => a + b, 0) / LEAD;
    });
    for (let i = LEAD; i < labels.length; i++) ymax = Math.max(ymax, v[i] ?? 0, mean[i] ?? 0);
    return { k, v: v.slice(LEAD), mean: mean.slice(LEAD) };
  });
  const shown = labels.slice(LEAD);
  for (const s of series) {
    shown.forEach((d, i) => rows.push({
      week: d, sector: sectorName(s.k), incidents: s.v[i], mean: s.mean[i], days: covered.get(d),
    }));
  }
  const step = Math.ceil(shown.length / 4); // a date label every step weeks
  for (const s of series) {
    const id = "inc-" + (s.k || "none");
    const xs = shown.map((_, i) => i + 1);
    panels.push(el("div", { class: "panel-small" }, el("h3", { text: sectorName(s.k) }),
      plot(id, `Incidents per week in ${sectorName(s.k)}, ${shown[0]} to ${shown.at(-1)}, ` +
        "with the mean of the 4 weeks before each; the table view has the figures.", {
        series: [
          { label: "week", value: (u, x) => (x ? "week of " + shown[x - 1] : "") },
          { label: "incidents", fill: seq(0.35), stroke: seq(0.35), width: 0,
            paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false },
            value: (u, v) => (v === null ? "no data" : fmtInt(v)) },
          { label: "mean of the 4 weeks before", stroke: INK, width: 2,
            paths: uPlot.paths.stepped({ align: 0 }), points: { show: false },
            value: (u, v) => (v === null ? "" : fmtNum(v, 2)) },
        ],
        scales: { x: { time: false, range: [0.5, shown.length + 0.5] },
          y: { range: [0, Math.ceil(ymax)] } },
        axes: [
          { splits: () => xs.filter((x) => (x - 1) % step === 0),
            values: (u, sp) => sp.map((x) => (shown[x - 1] || "").slice(5)) },
          { size: 40, values: (u, sp) => sp.map((v) => fmtInt(v)) },
        ],
        legend: { live: false }, cursor: { drag: { x: false, y: false } },
      }, [xs, s.v, s.mean], 150)));
  }
  const tab = table("Incidents per week by sector, with the mean of the 4 weeks before", [
    { label: "week (Monday)", key: "week" }, { label: "sector", key: "sector" },
    { label: "incidents", num: true, get: (r) => (r.incidents === null ? "no data" : fmtInt(r.incidents)) },
    { label: "mean of the 4 weeks before", num: true, get: (r) => (r.mean === null ? "" : fmtNum(r.mean, 2)) },
    { label: "days covered", num: true, key: "days" },
  ], rows, { rowHeaders: true, class: "inc-weeks" });
  const fig = chartFigure("Incidents per week by sector",
    "A bar per week (Monday to Sunday) of the incidents the register holds in the sector, " +
    "and a line at the mean of the 4 weeks before each week (the page's sum of the API's " +
    "weekly counts, divided by 4). Every sector on the same scale; the last week holds only " +
    "the days to the latest incident.", el("div", { class: "small-multiples" }, ...panels), tab);

  const t = trend.trend;
  const level = (x) => (x ? x.level + (x.low_baseline ? " (low baseline)" : "") : "");
  const pct = (x) => (x && x.change_pct !== null && x.change_pct !== undefined ? fmtNum(x.change_pct, 1) + "%" : "n/a");
  const trendTab = table(`This week (${t.from} to ${t.as_of}) against the weeks before`, [
    { label: "sector", get: (r) => sectorName(r.sector ?? "") },
    { label: "incidents", num: true, get: (r) => fmtInt(r.incidents) },
    { label: "fatalities", num: true, get: (r) => (r.incidents === null ? "" : fmtFatalities(r.fatalities, r.fatalities_not_reported)) },
    { label: "mean per week, 4 weeks before", num: true, get: (r) => fmtNum(r.vs_4_weeks?.mean_per_week, 2) },
    { label: "change", num: true, get: (r) => pct(r.vs_4_weeks) },
    { label: "level (4 weeks)", get: (r) => level(r.vs_4_weeks) },
    { label: "mean per week, 52 weeks before", num: true, get: (r) => fmtNum(r.vs_52_weeks?.mean_per_week, 2) },
    { label: "level (52 weeks)", get: (r) => level(r.vs_52_weeks) },
  ], t.rows || [], { rowHeaders: true, class: "inc-trend" });
  incContent.replaceChildren(fig, trendTab,
    el("p", { class: "muted", text: `Levels as ACLED defines them; a low baseline (a mean of ` +
      `at most ${t.low_baseline_mean} a week and at most ${t.low_baseline_week} this week) ` +
      "gets no percentage." }));
}

// ---- aid ----------------------------------------------------------------

async function aid() {
  say(aidStatus, "Loading the aid register...");
  const list = await api("/api/v1/aid");
  const sources = new Map(); // source -> {crossings:Set, stages:Set}
  for (const r of list || []) {
    if (!sources.has(r.source)) sources.set(r.source, { crossings: new Set(), stages: new Set() });
    const s = sources.get(r.source);
    s.crossings.add(r.crossing);
    s.stages.add(r.stage);
  }
  if (!sources.size) {
    say(aidStatus, "The aid register holds no figure.", "muted");
    return;
  }
  const form = document.querySelector("#aid-controls");
  const srcSel = document.querySelector("#aid-source");
  const crossSel = document.querySelector("#aid-crossing");
  const stageSel = document.querySelector("#aid-stage");
  for (const name of [...sources.keys()].sort()) srcSel.append(el("option", { value: name, text: name }));
  const fill = () => {
    const s = sources.get(srcSel.value);
    crossSel.replaceChildren(el("option", { value: "", text: "all crossings" }),
      ...[...s.crossings].sort().map((c) => el("option", { value: c, text: c })));
    stageSel.replaceChildren(...STAGES.filter((st) => s.stages.has(st))
      .map((st) => el("option", { value: st, text: st })));
  };
  srcSel.addEventListener("change", fill);
  fill();
  form.hidden = false;
  const show = async () => {
    const base = {
      source: srcSel.value, crossing: crossSel.value, stage: stageSel.value,
      ...commitment(),
    };
    say(aidStatus, "Loading the aid report...");
    let rep = await api("/api/v1/aid/report?" + q(base));
    const days = Number(document.querySelector("#aid-days").value);
    if (days > 0 && rep.to && rep.days && rep.days.length > days) {
      rep = await api("/api/v1/aid/report?" + q({ ...base, from: addDays(rep.to, 1 - days) }));
    }
    drawAid(rep);
    say(aidStatus, `As ${rep.source} reports it: trucks ${rep.stage}, ` +
      `${base.crossing || "all crossings"}, ${rep.from || "-"} to ${rep.to || "-"}.`, "muted");
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    show().catch((err) => fail(aidStatus, err));
  });
  await show();
  await aidSources().catch((err) => fail(sbsStatus, err));
}

// The commitment and the days it was made for, as the API's parameters.
function commitment() {
  return {
    commitment: document.querySelector("#aid-commitment").value || "0",
    commitment_from: document.querySelector("#aid-commitment-from").value,
    commitment_to: document.querySelector("#aid-commitment-to").value,
  };
}

function drawAid(rep) {
  const stage = rep.stage;
  const days = rep.days || [];
  const has = (d) => d[stage] !== undefined && d[stage] !== null;
  const xs = days.map((_, i) => i + 1);
  const at = days.map((d) => (has(d) && !d.below ? d[stage] : null));
  const below = days.map((d) => (has(d) && d.below ? d[stage] : null));
  const roll = days.map((d) => (d.rolling7 ?? null));
  const inSpan = (d) => (!rep.commitment_from || d.date >= rep.commitment_from)
    && (!rep.commitment_to || d.date <= rep.commitment_to);
  const commit = days.map((d) => (inSpan(d) ? rep.commitment : null));
  // over the days the commitment was made for only; none compared: no data
  const share = rep.commitment > 0 && rep.compared_mean_per_day !== null
    ? fmtNum((100 * rep.compared_mean_per_day) / rep.commitment, 1) + "%" : "no data";
  const figures = el("dl", { class: "figures", id: "aid-figures" },
    ...[["Days with a figure", fmtInt(rep.days_with_data), "aid-days-data"],
      ["Trucks " + stage, fmtInt(rep.trucks), "aid-trucks"],
      ["Mean per day with a figure", fmtNum(rep.mean_per_day, 1), "aid-mean"],
      ["Mean against the commitment", share, "aid-share"],
      ["Days below the commitment", rep.days_below === null ? "no data" : fmtInt(rep.days_below), "aid-below"],
      ["Commitment", fmtInt(rep.commitment) + " trucks a day, " + span(rep), "aid-commit"]]
      .map(([l, v, id]) => el("div", {}, el("dt", { text: l }), el("dd", { id, text: v }))));
  const label = `Aid trucks ${stage} per day as ${rep.source} reports them, ${rep.from} to ` +
    `${rep.to}, with the 7-day mean and the commitment of ${rep.commitment} a day; the ` +
    "table view has the figures.";
  const bars = (fill, lab) => ({ label: lab, fill, stroke: fill, width: 0,
    paths: uPlot.paths.bars({ size: [0.8, 30] }), points: { show: false },
    value: (u, v) => (v === null ? "" : fmtInt(v)) });
  const dstep = Math.max(1, Math.ceil(days.length / 8)); // a date label every dstep days
  const chart = plot("aid-chart", label, {
    series: [
      { label: "day", value: (u, x) => (x ? days[x - 1].date : "") },
      bars(seq(0.35), "at or above the commitment"), bars(seq(0.8), "below it"),
      { label: "7-day mean", stroke: INK, width: 1.5, points: { show: false },
        value: (u, v) => (v === null ? "" : fmtNum(v, 1)) },
      { label: "commitment", stroke: INK, width: 1.5, dash: [6, 4], points: { show: false },
        value: (u, v) => (v === null ? "" : fmtInt(v)) },
    ],
    scales: { x: { time: false, range: [0.5, days.length + 0.5] }, y: { range: (u, lo, hi) => [0, Math.max(hi, 1) * 1.05] } },
    axes: [
      { splits: () => xs.filter((x) => (x - 1) % dstep === 0),
        values: (u, sp) => sp.map((x) => days[x - 1]?.date || "") },
      { size: 50, label: "trucks per day", values: (u, sp) => sp.map((v) => fmtInt(v)) },
    ],
    legend: { live: false }, cursor: { drag: { x: false, y: false } },
  }, [xs, at, below, roll, commit], 300);
  const cols = [{ label: "date", key: "date" },
    ...STAGES.map((s) => ({ label: s, num: true, get: (d) => (has(d) ? fmtInt(d[s]) : "no figure") })),
    { label: "7-day mean (" + stage + ")", num: true, get: (d) => fmtNum(d.rolling7, 1) },
    { label: "below the commitment", get: (d) => (!has(d) ? "" : d.below === null ? "not compared" : d.below ? "yes" : "no") }];
  const tab = table(`Trucks per day by stage, ${rep.source}`, cols, days,
    { rowHeaders: true, class: "aid-days" });
  const fig = chartFigure(`Trucks ${stage} per day against the commitment`,
    "A bar per day with a figure (darker when below the commitment), the 7-day mean over " +
    "the days with a figure, the commitment dashed over the days it was made for. A day " +
    "with no figure is a gap, not a zero.",
    chart, tab);
  const crossings = table("Per crossing", [
    { label: "crossing", key: "crossing" },
    { label: "trucks " + stage, num: true, get: (c) => fmtInt(c.trucks) },
    { label: "days with a figure", num: true, get: (c) => fmtInt(c.days) },
    { label: "mean per day", num: true, get: (c) => fmtNum(c.mean_per_day, 1) },
  ], rep.crossings || [], { rowHeaders: true, class: "aid-crossings" });
  aidContent.replaceChildren(figures, fig, crossings);
}

// "every day", "from D", "to D", "from D1 to D2": the days a commitment was made for
function span(rep) {
  if (!rep.commitment_from && !rep.commitment_to) return "every day";
  if (!rep.commitment_to) return "from " + rep.commitment_from;
  if (!rep.commitment_from) return "to " + rep.commitment_to;
  return `from ${rep.commitment_from} to ${rep.commitment_to}`;
}

// ---- every aid source side by side ---------------------------------------

// Shades of the neutral scale and dash patterns tell the series apart: no
// source has a colour of its own.
const SERIES_SHADE = [0.95, 0.55, 0.75, 0.35];
const SERIES_DASH = [[], [6, 3], [8, 3, 2, 3], [3, 2]];

async function aidSources() {
  const form = document.querySelector("#aid-sbs-controls");
  const show = async () => {
    const reference = document.querySelector("#aid-ref").value;
    const what = document.querySelector("#aid-ref-what").value.trim();
    if (reference !== "" && !what) {
      say(sbsStatus, "Say what the reference is and its source before it is drawn.", "bad");
      return;
    }
    const base = { ...commitment(), reference, reference_what: reference !== "" ? what : "" };
    say(sbsStatus, "Loading every source side by side...");
    let rep = await api("/api/v1/aid/sources?" + q(base));
    const days = Number(document.querySelector("#aid-days").value);
    if (days > 0 && rep.to && rep.days.length > days) {
      rep = await api("/api/v1/aid/sources?" + q({ ...base, from: addDays(rep.to, 1 - days) }));
    }
    drawSources(rep);
    say(sbsStatus, `${rep.series.length} series (source and stage), ${rep.from || "-"} to ` +
      `${rep.to || "-"}, all crossings; never added together.`, "muted");
  };
  form.hidden = false;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    show().catch((err) => fail(sbsStatus, err));
  });
  await show();
}

function drawSources(rep) {
  const days = rep.days || [];
  const names = rep.series.map((s) => `${s.source}, trucks ${s.stage}`);
  const xs = days.map((_, i) => i + 1);
  const inSpan = (d) => (!rep.commitment_from || d.date >= rep.commitment_from)
    && (!rep.commitment_to || d.date <= rep.commitment_to);
  const lines = rep.series.map((_, i) => days.map((d) => d.trucks[i]));
  const ref = rep.reference;
  const top = Math.max(1, rep.commitment, ref ? ref.trucks_per_day : 0);
  const dstep = Math.max(1, Math.ceil(days.length / 8));
  const series = [{ label: "day", value: (u, x) => (x ? days[x - 1].date : "") },
    ...rep.series.map((s, i) => ({
      label: names[i], stroke: seq(SERIES_SHADE[i % 4]), width: 1.8, dash: SERIES_DASH[i % 4],
      spanGaps: false, points: { show: true, size: 4 },
      value: (u, v) => (v === null ? "no figure" : fmtInt(v)) })),
    { label: "commitment", stroke: INK, width: 1.2, dash: [6, 4], points: { show: false },
      value: (u, v) => (v === null ? "" : fmtInt(v)) }];
  const data = [xs, ...lines, days.map((d) => (inSpan(d) ? rep.commitment : null))];
  if (ref) {
    series.push({ label: "reference", stroke: INK, width: 1.2, dash: [1, 4], points: { show: false },
      value: (u, v) => fmtInt(v) });
    data.push(days.map(() => ref.trucks_per_day));
  }
  const label = `Aid trucks per day, ${rep.from} to ${rep.to}, one line per source and stage ` +
    `(${names.join("; ")}), never added, with the commitment` +
    (ref ? ` and the reference of ${ref.trucks_per_day} a day (${ref.what})` : "") +
    "; the table view has the figures.";
  const chart = plot("aid-sbs-chart", label, {
    series,
    scales: { x: { time: false, range: [0.5, days.length + 0.5] }, y: { range: (u, lo, hi) => [0, Math.max(hi, top) * 1.05] } },
    axes: [
      { splits: () => xs.filter((x) => (x - 1) % dstep === 0),
        values: (u, sp) => sp.map((x) => days[x - 1]?.date || "") },
      { size: 50, label: "trucks per day", values: (u, sp) => sp.map((v) => fmtInt(v)) },
    ],
    legend: { live: false }, cursor: { drag: { x: false, y: false } },
  }, data, 300);
  const cell = (v) => (v === null ? "no figure" : fmtInt(v));
  const tab = table("Trucks per day, all crossings, by source and stage",
    [{ label: "date", key: "date" },
      ...rep.series.map((s, i) => ({ label: names[i], num: true, get: (d) => cell(d.trucks[i]) }))],
    days, { rowHeaders: true, class: "aid-sbs-days" });
  const fig = chartFigure("Every source side by side",
    "One line per source and stage, broken where it has no figure; the commitment dashed " +
    "over the days it was made for" + (ref ? `; the reference dotted: ${ref.what}` : "") + ".",
    chart, tab);
  const noData = (v, held) => (v === null ? (held ? "no data" : "n/a") : fmtInt(v));
  const summary = table("Per source and stage", [
    { label: "source", key: "source" },
    { label: "stage", key: "stage" },
    { label: "days with a figure", num: true, get: (s) => fmtInt(s.days_with_data) },
    { label: "trucks", num: true, get: (s) => fmtInt(s.trucks) },
    { label: "mean per day (trucks)", num: true, get: (s) => (s.mean_per_day === null ? "no data" : fmtNum(s.mean_per_day, 1)) },
    { label: "% of the reference", num: true, get: (s) => (s.pct_of_reference === null ? "n/a" : fmtNum(s.pct_of_reference, 1)) },
    { label: "days below the commitment", num: true, get: (s) => noData(s.days_below, s.held_to_commitment) },
  ], rep.series, { rowHeaders: true, class: "aid-sbs-series" });
  sbsContent.replaceChildren(summary, fig);
}

// ---- the page -------------------------------------------------------------

(async () => {
  try {
    const { scenario, info } = await initPage();
    status.hidden = true;
    const sc = scenario ? await api("/api/v1/scenarios/" + encodeURIComponent(scenario))
      : { sectors: [] };
    if (info) document.querySelector("#title").textContent = "Monitor: " + info.title;
    await Promise.all([
      alertsSection(document.querySelector("#alerts"), sc),
      incidents(sc).catch((e) => fail(incStatus, e)),
      aid().catch((e) => fail(aidStatus, e)),
    ]);
    document.body.dataset.ready = "1";
  } catch (e) {
    fail(status, e);
  }
})();
