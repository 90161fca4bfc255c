// dashboard.test.mjs - the dashboard in a real browser: Debian's Chromium
// driven by playwright-core, against a `stabforce serve` this test starts
// on 127.0.0.1 (tests/browser/lib.mjs).
//
//   node --test tests/browser/      ($STABFORCE, $SRCDIR from meson)
//
// - every page loads with no console error, no failed request and no
//   request leaving 127.0.0.1, under the server's Content-Security-Policy;
// - the figures a page shows are the API's (the plan's cost, peak
//   personnel, FOC, proven status; the build-up table; the heat map;
//   format 2's notice, reception per month and idle pledges);
// - charts have an accessible name and a table view reached by keyboard;
// - a viewer's token reads what an editor computed, and cannot start a job;
// - the Monitor page's incident and aid figures are the API's reports';
// - an editor reviews an incident with the version read (If-Match), a stale
//   version is refused with a 409 the page explains, and a viewer cannot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startServer, launch, watchedPage, apiGet, apiRunJob, SRCDIR, STABFORCE } from "./lib.mjs";

const fmt1 = (v) => new Intl.NumberFormat("en", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
const signed1 = (v) => (v > 0 ? "+" : "") + fmt1(v);
const fmtInt = (v) => new Intl.NumberFormat("en", { maximumFractionDigits: 0 }).format(Math.round(v));

let server;
let browser;
let plan;
let price;
let shopping;

before(async () => {
  server = await startServer();
  browser = await launch();
  [plan, price, shopping] = await Promise.all([
    apiRunJob(server, "plan", { scenario: "gaza" }),
    apiRunJob(server, "price", { scenario: "minimal" }),
    apiRunJob(server, "shopping", { scenario: "minimal" })]);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// The price and shopping analyses run on the small example: on Gaza they
// take minutes, which the Politics page needs no more than seconds to show.
// Every page, with the selector that shows it has finished loading.
const PAGES = [
  { path: "/", ready: ".cards" },
  { path: "/plan?scenario=gaza", ready: "#heat" },
  { path: "/map?scenario=gaza", ready: "body[data-ready]" },
  { path: "/politics?scenario=minimal", ready: "body[data-ready]" },
  { path: "/whatif?scenario=gaza", ready: "#whatif:not([hidden])" },
  { path: "/monitor?scenario=gaza", ready: "body[data-ready]" },
  { path: "/review?scenario=gaza", ready: "body[data-ready]" },
];

async function open(path, ready, tok = server.viewer) {
  const w = await watchedPage(browser, server, tok);
  const res = await w.page.goto(server.base + path);
  assert.equal(res.status(), 200, `${path}: HTTP ${res.status()}`);
  await w.page.waitForSelector(ready, { timeout: 120000 });
  return { ...w, res };
}

test("every page loads cleanly, from 127.0.0.1 only, under a strict CSP", async () => {
  for (const p of PAGES) {
    const { page, context, problems, res } = await open(p.path, p.ready);
    const csp = res.headers()["content-security-policy"] || "";
    assert.match(csp, /script-src 'self'/, `${p.path}: no strict CSP`);
    assert.doesNotMatch(csp, /unsafe/, `${p.path}: CSP allows unsafe-*`);
    await page.waitForTimeout(200);
    assert.deepEqual(problems, [], `${p.path}: ${problems.join("; ")}`);
    await context.close();
  }
});

test("the plan page shows the API's figures", async () => {
  const { page, context, problems } = await open("/plan?scenario=gaza", "#heat");
  let peak = plan.personnel_total[0];
  for (const p of plan.personnel_total) if (p.in_sectors > peak.in_sectors) peak = p;
  assert.match(await page.textContent("#fig-cost"), new RegExp("^" + fmtInt(plan.cost.total)));
  assert.match(await page.textContent("#fig-peak"), new RegExp("^" + fmtInt(peak.in_sectors) + " in " + peak.label));
  assert.match(await page.textContent("#fig-foc"), new RegExp("^" + (plan.foc_label || "never")));
  const total = plan.coverage.reduce((a, c) => a + c.shortfall, 0);
  assert.match(await page.textContent("#fig-short"), new RegExp("^" + fmtInt(total) + " "));
  const proven = plan.stage1.status === "optimal" && plan.stage2.status === "optimal";
  assert.match(await page.textContent("#proven"),
    !proven ? /^Not proven optimal/
      : plan.stage2.gap === 0 ? /^Proven optimal\. / : /^Proven optimal shortfall, cost within /);
  // The heat map: one row per task (every task has a requirement in Gaza),
  // one cell per month, each cell's percentage from the coverage rows.
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  const rows = await page.$$eval("#heat tbody tr", (trs) => trs.map((tr) =>
    [tr.querySelector("th").textContent, ...[...tr.querySelectorAll("td")].map((td) => td.textContent)]));
  assert.equal(rows.length, sc.tasks.length);
  const t0 = sc.tasks[0];
  for (let m = 1; m <= plan.months.length; m++) {
    const cs = plan.coverage.filter((c) => c.task === t0.id && c.month === m);
    const req = cs.reduce((a, c) => a + c.required, 0);
    const short = cs.reduce((a, c) => a + c.shortfall, 0);
    const want = req > 1e-9 ? String(Math.round(100 * (1 - short / req))) : "";
    assert.equal(rows[0][m], want, `${t0.name}, month ${m}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// Format 2 (the Gaza example): the notice of each pledge (the scenario's),
// the reception per month and the idle pledges (the plan's), each a table
// whose rows are the API's.
test("the plan page shows format 2's notice, reception and idle pledges", async () => {
  assert.equal(plan.format, 2, "the Gaza example is a format-2 scenario");
  const { page, context, problems } = await open("/plan?scenario=gaza", "#heat");
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  const cells = (sel) => page.$$eval(sel + " tbody tr", (trs) => trs.map((tr) =>
    [...tr.querySelectorAll("th, td")].map((td) => td.textContent)));

  const noticed = sc.pledges.filter((p) => p.notice_days !== null);
  assert.ok(noticed.length > 0, "Gaza's pledges give notice");
  const notice = await cells("#notice table");
  assert.deepEqual(notice.map((r) => [r[0], r[4]]), noticed.map((p) => [p.id, fmtInt(p.notice_days)]));

  assert.ok(plan.reception.length === plan.months.length, "a reception row per month");
  const rec = await cells("#reception table");
  assert.deepEqual(rec.map((r) => [r[0], r[1], r[2]]), plan.reception.map((r) =>
    [r.label, fmtInt(r.arriving), r.capacity === null ? "no limit" : fmtInt(r.capacity)]));

  const idle = await cells("#idle table");
  assert.ok(plan.idle_pledges.length > 0, "the Gaza plan leaves pledges idle (the vetoed Türkiye's)");
  assert.deepEqual(idle.map((r) => [r[0], r[3], r[4], r[5], r[6]]), plan.idle_pledges.map((p) =>
    [p.pledge, fmtInt(p.offered), fmtInt(p.max_used), fmtInt(p.unused), fmtInt(p.unused_personnel)]));
  const foot = await page.textContent("#idle tfoot");
  assert.match(foot, new RegExp(fmtInt(plan.idle_pledges.reduce((a, p) => a + p.unused_personnel, 0)) + "$"));
  for (const h of ["#notice-title", "#reception-title", "#idle-title"]) {
    assert.ok(await page.isVisible(h), h + " is shown");
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// Reimbursement and parity (every plan): the rate and its source, a row
// per contributor the plan reimburses with the API's totals, and a row per
// year and parity category with "target not sourced" where the API has none.
test("the plan page shows reimbursement and parity", async () => {
  const { page, context, problems } = await open("/plan?scenario=gaza", "#heat");
  const cells = (sel) => page.$$eval(sel + " tbody tr", (trs) => trs.map((tr) =>
    [...tr.querySelectorAll("th, td")].map((td) => td.textContent)));
  const r = plan.reimbursement;
  assert.ok(r.total > 0, "the Gaza plan is reimbursed");
  assert.ok((await page.textContent("#reimbursement p")).includes(r.troop_rate_source),
    "the rate's source is shown");
  const paid = r.contributors.filter((c) => c.total > 0);
  const rows = await cells("#reimbursement table");
  assert.deepEqual(rows.map((x) => x[4]), paid.map((c) => fmtInt(c.total)));
  assert.match(await page.textContent("#reimbursement tfoot"), new RegExp(fmtInt(r.total) + "$"));
  const par = await cells("#parity table");
  const want = plan.parity.years.flatMap((y) => y.categories.map((c) => [String(y.year),
    fmtInt(c.person_months), c.target === null ? "target not sourced" : ""]));
  assert.deepEqual(par.map((x) => [x[0], x[2], x[5] === "target not sourced" ? x[5] : ""]), want);
  assert.ok((await page.textContent("#parity p")).includes(plan.parity.targets_source));
  assert.deepEqual(problems, []);
  await context.close();
});

// The stakeholders' conditions are listed from the scenario as soon as it
// loads, before (and without) the price job: a viewer who may not start
// the job still sees each party's conditions with their sources.
test("the politics page lists the stakeholders' conditions", async () => {
  const { page, context } = await open("/politics?scenario=gaza", "#conditions table");
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  assert.ok(sc.conditions.length > 0, "the Gaza example records conditions");
  const rows = await page.$$eval("#conditions tbody tr", (trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map((x) => [x[1], x[2], x[8]]), sc.conditions.map((c) => [c.id, c.kind, c.source]));
  for (const [i, c] of sc.conditions.entries()) {
    assert.equal(rows[i][7], c.consent === "given" ? "given: no case" : "not priced yet", c.id);
    if (c.kind === "consent") assert.match(rows[i][3], new RegExp("^consent " + c.consent));
  }
  await context.close();
});

test("charts have an accessible name and a table view reached by keyboard", async () => {
  const { page, context } = await open("/plan?scenario=gaza", "#heat");
  const label = await page.getAttribute("#buildup-chart", "aria-label");
  assert.ok(label && label.length > 20, "the build-up chart has no accessible name");
  assert.ok(await page.$("#buildup-chart canvas"), "the build-up chart was not drawn");
  // Tab to the chart's "Show table" button and press Enter.
  let found = false;
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.evaluate(() => document.activeElement?.classList.contains("view"));
  }
  assert.ok(found, "the chart's table button is not reachable with Tab");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("button.view", "aria-pressed"), "true");
  const first = await page.$$eval("figure.chart .table-wrap table tbody tr:first-child > *",
    (cells) => cells.map((c) => c.textContent));
  assert.equal(first[0], plan.months[0]);
  const total = plan.personnel_total[0].in_sectors;
  assert.ok(first.includes(fmtInt(total)), `month 1 total ${total} not in ${first}`);
  assert.ok(await page.isHidden("#buildup-chart"), "the chart is still shown with the table");
  await context.close();
});

test("a viewer cannot start a job; the page says an editor must", async () => {
  // A scenario nobody has planned: the viewer's page tries and is refused.
  const { page, context, problems } = await open("/politics?scenario=gaza", "#status.bad");
  assert.match(await page.textContent("#status"), /editor/);
  // The refused POST is the only failure: a 403 is an answer, not an error
  // the console reports beyond the resource line.
  assert.ok(problems.every((p) => /403|Forbidden/.test(p)), problems.join("; "));
  const jobs = await apiGet(server, "/api/v1/jobs");
  assert.ok(!jobs.jobs.some((j) => j.scenario === "gaza" && j.kind !== "plan"), "the viewer's job was queued");
  await context.close();
});

test("a reader's page waits for a queued job instead of starting one (make demo)", async () => {
  // make demo queues the Gaza jobs as the server starts and opens it to
  // readers: a page opened before they end must wait for them, not ask a
  // reader for a token to start its own. With no worker (--jobs 0) the
  // job stays queued until one is started by hand.
  const s2 = await startServer(["--jobs", "0", "--public-read"]);
  let worker = null;
  try {
    const res = await fetch(s2.base + "/api/v1/plans", {
      method: "POST", body: JSON.stringify({ scenario: "minimal" }),
      headers: { Authorization: "Bearer " + s2.editor, "Content-Type": "application/json" },
    });
    assert.equal(res.status, 202);
    const { page, context, problems } = await watchedPage(browser, s2, "");
    await page.goto(s2.base + "/plan?scenario=minimal");
    await page.waitForFunction(
      () => /plan job \d+ is queued/.test(document.querySelector("#status")?.textContent || ""),
      null, { timeout: 60000 });
    worker = spawn(STABFORCE, ["worker", "--db", s2.db, "--scenarios", join(SRCDIR, "examples")],
      { stdio: "ignore" });
    await page.waitForSelector("#heat", { timeout: 120000 });
    assert.match(await page.textContent("#status"), /From plan job \d+, finished just now/);
    assert.deepEqual(problems, []);
    const jobs = await apiGet(s2, "/api/v1/jobs");
    assert.equal(jobs.jobs.length, 1, "the page started a job of its own");
    await context.close();
  } finally {
    if (worker) worker.kill("SIGTERM");
    await s2.stop();
  }
});

test("the politics page shows the API's prices and shopping list", async () => {
  const { page, context, problems } = await open("/politics?scenario=minimal", "body[data-ready]");
  const tables = await page.$$eval("table.price", (ts) => ts.map((t) =>
    [...t.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((c) => c.textContent.trim()))));
  assert.equal(tables.length, 4, "veto, caveat, critical and shopping tables");
  const [vetoRows, caveatRows, criticalRows, shopRows] = tables;
  assert.equal(vetoRows.length, price.vetoes.cases.length);
  assert.equal(caveatRows.length, price.caveats.cases.length);
  assert.equal(criticalRows.length, price.critical.cases.length);
  price.critical.cases.forEach((c, i) => {
    assert.equal(criticalRows[i][0], c.detail);
    assert.equal(criticalRows[i][1], signed1(c.delta.z1), `${c.detail}: d shortfall`);
  });
  price.vetoes.cases.forEach((c, i) => assert.equal(vetoRows[i][3], signed1(c.delta.z1)));
  assert.equal(shopRows.length, shopping.lines.length);
  shopping.lines.forEach((l, i) => {
    assert.equal(shopRows[i][1], fmtInt(l.count));
    assert.equal(shopRows[i][6], signed1(l.z1_removed));
  });
  assert.deepEqual(problems, []);
  await context.close();
});

// A nation picks itself, runs the offers job and sees the API's ranking.
test("a nation ranks its offers on the politics page", async () => {
  const { page, context, problems } = await open("/politics?scenario=minimal", "body[data-ready]", server.editor);
  await page.selectOption("#offers-contributor", "ALFA");
  await page.selectOption("#offers-rank", "cost");
  await page.click("#offers-run");
  await page.waitForSelector("#offers-result table.offers", { timeout: 300000 });
  // The same request through the API: the same (cached) job's result.
  const res = await apiRunJob(server, "offers", { scenario: "minimal", contributor: "ALFA", rank: "cost" });
  assert.ok(res.offers.length > 0, "the example has offers to rank");
  const rows = await cells(page, "#offers-result table.offers tbody tr");
  assert.equal(rows.length, res.offers.length);
  res.offers.forEach((o, i) => {
    assert.equal(rows[i][0], fmtInt(o.rank));
    assert.equal(rows[i][1], o.name);
    assert.equal(rows[i][2], fmtInt(o.count));
    assert.equal(rows[i][6], fmt1(o.z1_removed), `offer ${i + 1}: shortfall removed`);
    assert.equal(rows[i][8], fmtInt(o.cost));
  });
  assert.match(await page.textContent("#offers-summary"), new RegExp("weighted shortfall " +
    new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(res.baseline.z1)));
  // A nation not in the scenario, by a viewer: nobody ran it, and a viewer cannot.
  const v = await open("/politics?scenario=minimal", "body[data-ready]");
  await v.page.selectOption("#offers-contributor", "__new");
  await v.page.fill("#offers-new-id", "ZED");
  await v.page.fill("#offers-new-name", "Zedland");
  await v.page.click("#offers-run");
  await v.page.waitForSelector("#offers-status.bad");
  assert.match(await v.page.textContent("#offers-status"), /editor/);
  const jobs = await apiGet(server, "/api/v1/jobs");
  assert.ok(!jobs.jobs.some((j) => j.kind === "offers" && j.request.contributor === "ZED"), "the viewer's job was queued");
  assert.ok(v.problems.every((p) => /403|Forbidden/.test(p)), v.problems.join("; "));
  assert.deepEqual(problems, []);
  await v.context.close();
  await context.close();
});

// On the small example: a what-if on Gaza (format 2) solves two plans of
// minutes each, which says nothing more about the page.
test("the what-if form runs a job to completion and shows it beside the base plan", async () => {
  const { page, context, problems } = await open("/whatif?scenario=minimal", "#whatif:not([hidden])", server.editor);
  const sc = await apiGet(server, "/api/v1/scenarios/minimal");
  const v = sc.vetoes[0];
  await page.selectOption("#veto", `${v.stakeholder}:${v.contributor}`);
  await page.click("fieldset:has(#veto) button");
  await page.selectOption("#drop", "CHARLIE");
  await page.click("fieldset:has(#drop) button");
  assert.equal(await page.$$eval("#edits li", (li) => li.length), 2);
  await page.click("#run");
  await page.waitForSelector("#outcome table.compare", { timeout: 300000 });
  assert.match(await page.textContent("#job"), /^Done/);
  // The same request through the API is the same (cached) job's result.
  const res = await apiRunJob(server, "whatif",
    { scenario: "minimal", edits: [{ lift_veto: `${v.stakeholder}:${v.contributor}` }, { drop: "CHARLIE" }] });
  const rows = await page.$$eval("#outcome table.compare tbody tr", (trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const fmt2 = (x) => new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
  assert.deepEqual(rows[0].slice(1, 3), [fmt2(res.comparison.a.z1), fmt2(res.comparison.b.z1)]);
  assert.deepEqual(rows[3].slice(1, 3), [fmtInt(res.comparison.a.cost), fmtInt(res.comparison.b.cost)]);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the map draws every sector of the API's GeoJSON, shaded by the plan's shortfall", async () => {
  const { page, context, problems } = await open("/map?scenario=gaza", "body[data-ready]");
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  const geo = await apiGet(server, "/api/v1/scenarios/gaza/sectors");
  const paths = await page.$$eval("#map path.sector", (ps) => ps.map((p) => p.getAttribute("fill")));
  assert.equal(paths.length, geo.features.length);
  const weight = new Map(sc.tasks.map((t) => [t.id, t.weight]));
  const rows = await page.$$eval("#sector-table tbody tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, sc.sectors.length);
  sc.sectors.forEach((s, i) => {
    let req = 0;
    let short = 0;
    for (const c of plan.coverage) {
      if (c.location !== s.id) continue;
      req += weight.get(c.task) * c.required;
      short += weight.get(c.task) * c.shortfall;
    }
    assert.equal(rows[i][0], s.name);
    assert.equal(rows[i][1], Math.round((100 * short) / req) + "%", s.name);
  });
  // Distinct shares, distinct fills; none of them a party's colour: all on
  // the one violet scale (red and green channels below blue).
  for (const f of paths) {
    const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(f);
    assert.ok(m, `fill ${f} is not on the scale`);
    assert.ok(Number(m[3]) >= Number(m[1]) && Number(m[3]) >= Number(m[2]), `fill ${f} is not violet`);
  }
  // Enter on a table row opens the sector's details on the map.
  await page.focus("#sector-table tbody tr");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".leaflet-popup-content", { timeout: 5000 });
  assert.match(await page.textContent(".leaflet-popup-content"), new RegExp(sc.sectors[0].name));
  assert.deepEqual(problems, []);
  await context.close();
});

// Shaded by incident rate: incidents per 100,000 people per month over the
// incident filter's dates (the 4 weeks to the latest incident), from the
// API's report by sector and the scenario's populations; the same neutral
// scale, the darkest sector the highest rate; a legend that says so.
test("the map shades the sectors by incident rate, with a legend, on the neutral scale", async () => {
  const { page, context, problems } = await open("/map?scenario=gaza", "body[data-incidents]");
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  const asOf = (await apiGet(server, "/api/v1/incidents/report?table=trend")).trend.as_of;
  const from = new Date(Date.parse(asOf + "T00:00:00Z") - 27 * 86400000).toISOString().slice(0, 10);
  const rep = await apiGet(server, "/api/v1/incidents/report?" +
    new URLSearchParams({ by: "sector", period: "total", table: "periods", from, to: asOf }));
  const want = sc.sectors.map((s) => {
    const r = rep.periods.find((p) => p.sector === s.id);
    const pop = s.attributes.population;
    return { s, n: r.incidents, rate: (r.incidents / r.days_covered) * 30.4375 / pop * 100000 };
  });
  assert.ok(want.every((w) => w.s.attributes.population > 0), "every Gaza sector gives its population");
  await page.selectOption("#shade", "incidents");
  await page.waitForSelector("#sector-table table.rates");
  const rows = await cells(page, "#sector-table tbody tr");
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[3]]),
    want.map((w) => [w.s.name, fmtInt(w.n), fmt1(w.rate)]));
  const max = Math.max(...want.map((w) => w.rate));
  const legend = await page.textContent("#legend");
  assert.match(legend, /Incidents per 100,000 people per month/);
  assert.ok(legend.includes(`${from} to ${asOf}`) && legend.includes(fmt1(max)), `legend: ${legend}`);
  // The fills: each sector's the scale at rate / max (the darkest the
  // highest), on the violet scale, no party's colour.
  const fills = await page.$$eval("#map path.sector", (ps) => ps.map((p) => p.getAttribute("fill")));
  const darkness = (f) => { const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(f); return m ? 3 * 255 - m[1] - m[2] - m[3] : -1; };
  for (const f of fills) {
    const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(f);
    assert.ok(m && Number(m[3]) >= Number(m[1]) && Number(m[3]) >= Number(m[2]), `fill ${f} is not on the violet scale`);
  }
  assert.equal(new Set(fills).size, new Set(want.map((w) => w.rate.toFixed(6))).size, "distinct rates, distinct fills");
  assert.equal(Math.max(...fills.map(darkness)), darkness("rgb(63, 0, 125)"), "the highest rate is the darkest");
  // The popup says the rate.
  await page.focus("#sector-table tbody tr");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".leaflet-popup-content", { timeout: 5000 });
  assert.match(await page.textContent(".leaflet-popup-content"),
    new RegExp(fmt1(want[0].rate).replace(".", "\\.") + " incidents per 100,000 people per month"));
  // Back to the shortfall: its legend again.
  await page.selectOption("#shade", "shortfall");
  assert.match(await page.textContent("#legend"), /Share of the requirement not covered/);
  assert.deepEqual(problems, []);
  await context.close();
});

const cells = (page, sel) => page.$$eval(sel, (rows) => rows.map((r) =>
  [...r.children].map((c) => c.textContent)));

test("the monitor page shows the API's alerts, with the rules the monitor sets", async () => {
  const { page, context, problems } = await open("/monitor?scenario=gaza", "body[data-ready]");
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  const name = (id) => (id === null ? "no sector" : sc.sectors.find((s) => s.id === id)?.name || id);
  const check = async (params) => {
    const doc = await apiGet(server, "/api/v1/incidents/alerts?" + new URLSearchParams(params));
    await page.waitForFunction((n) => document.querySelector("#alerts-summary")?.textContent.startsWith(n + " alert"),
      fmtInt(doc.alerts.length));
    const rows = doc.alerts.length ? await cells(page, "table.alerts tbody tr") : [];
    assert.equal(rows.length, doc.alerts.length);
    doc.alerts.forEach((a, i) => {
      assert.equal(rows[i][1], a.date);
      assert.equal(rows[i][2], name(a.sector));
      assert.equal(rows[i][4], a.fatalities === null ? "no data" : fmtInt(a.fatalities));
      if (a.kind !== "change") assert.ok(rows[i][3].includes(a.event_id), rows[i][3]);
    });
    assert.match(await page.textContent("#alerts-summary"), new RegExp("as of " + doc.as_of));
    return doc;
  };
  await check({ days: "7", change: "large", fatalities: "10" });
  await page.selectOption("#alerts-days", "30");
  await page.selectOption("#alerts-change", "moderate");
  await page.fill("#alerts-fatalities", "1");
  await page.fill("#alerts-types", "Riots, Protests");
  await page.click("#alerts-controls button[type=submit]");
  const doc = await check({ days: "30", change: "moderate", fatalities: "1", type: "Riots,Protests" });
  assert.ok(doc.alerts.length > 0, "30 days of the synthetic register raise alerts");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the monitor page shows the API's incident trend and aid report", async () => {
  const { page, context, problems } = await open("/monitor?scenario=gaza", "body[data-ready]");
  const sc = await apiGet(server, "/api/v1/scenarios/gaza");
  const name = (id) => (id === "" ? "no sector" : sc.sectors.find((s) => s.id === id)?.name || id);
  // The trend table: every sector's incidents this week and its 4-week mean.
  const trend = (await apiGet(server, "/api/v1/incidents/report?by=sector&table=trend")).trend;
  const rows = await cells(page, "table.inc-trend tbody tr");
  assert.equal(rows.length, trend.rows.length);
  for (const r of trend.rows) {
    const row = rows.find((c) => c[0] === name(r.sector));
    assert.ok(row, `no trend row for ${r.sector}`);
    assert.equal(row[1], fmtInt(r.incidents), `${r.sector}: this week`);
    assert.equal(row[3], r.vs_4_weeks.mean_per_week.toFixed(2), `${r.sector}: 4-week mean`);
  }
  // The weekly table view, reached with the keyboard: the API's weekly counts.
  await page.focus("#incidents button.view");
  await page.keyboard.press("Enter");
  const weeks = await cells(page, "table.inc-weeks tbody tr");
  const asOf = trend.as_of;
  const per = (await apiGet(server, "/api/v1/incidents/report?by=sector&period=week&table=periods&to=" + asOf)).periods;
  const last = weeks.filter((c) => c[0] === weeks.at(-1)[0]);
  assert.ok(last.length >= sc.sectors.length, "a sector is missing from the last week");
  for (const c of last) {
    const want = per.find((p) => p.period === c[0] && name(p.sector) === c[1]);
    assert.equal(c[2], want ? fmtInt(want.incidents) : "no data", `${c[1]} week ${c[0]}`);
  }
  assert.equal(weeks.length / last.length, 12, "12 weeks shown by default");
  assert.ok(await page.getAttribute("#inc-rafah", "aria-label"), "a sector chart has no name");
  // Aid: the report of the one source at its stage, the last 90 days.
  const src = "UN sitreps (LSHTM/JHU)";
  const full = await apiGet(server, "/api/v1/aid/report?" + new URLSearchParams({ source: src, stage: "entered", commitment: "600" }));
  const from = new Date(Date.parse(full.to + "T00:00:00Z") - 89 * 86400000).toISOString().slice(0, 10);
  // The commitment is made for the days from 2025-10-10 by default: the
  // 2023-24 figures are not compared with it (no data, not a count).
  const aid = await apiGet(server, "/api/v1/aid/report?" + new URLSearchParams({ source: src, stage: "entered", commitment: "600", commitment_from: "2025-10-10", from }));
  assert.equal(aid.days_below, null);
  assert.equal(await page.textContent("#aid-trucks"), fmtInt(aid.trucks));
  assert.equal(await page.textContent("#aid-days-data"), fmtInt(aid.days_with_data));
  assert.equal(await page.textContent("#aid-below"), "no data");
  assert.equal(await page.textContent("#aid-share"), "no data");
  assert.equal(await page.textContent("#aid-mean"), fmt1(aid.mean_per_day));
  const days = await cells(page, "table.aid-days tbody tr");
  assert.equal(days.length, aid.days.length);
  assert.deepEqual(days.at(-1).slice(0, 2), [aid.days.at(-1).date, fmtInt(aid.days.at(-1).entered)]);
  assert.ok(await page.getAttribute("#aid-chart", "aria-label"), "the aid chart has no name");
  // Every source side by side: the API's series, never added.
  const sbs = await apiGet(server, "/api/v1/aid/sources?" + new URLSearchParams({ commitment: "600", commitment_from: "2025-10-10", from }));
  const srows = await cells(page, "table.aid-sbs-series tbody tr");
  assert.deepEqual(srows.map((r) => r.slice(0, 4)),
    sbs.series.map((x) => [x.source, x.stage, fmtInt(x.days_with_data), fmtInt(x.trucks)]));
  assert.equal(srows[0][6], "no data", "a commitment made for later days: no data, not 0");
  const sdays = await cells(page, "table.aid-sbs-days tbody tr");
  assert.equal(sdays.length, sbs.days.length);
  assert.deepEqual(sdays.at(-1), [sbs.days.at(-1).date,
    ...sbs.days.at(-1).trucks.map((v) => (v === null ? "no figure" : fmtInt(v)))]);
  // A reference level is drawn only with what it is and its source.
  await page.fill("#aid-ref", "500");
  await page.click("#aid-sbs-controls button[type=submit]");
  await page.waitForFunction(() => /its source/.test(document.querySelector("#aid-sbs-status")?.textContent));
  await page.fill("#aid-ref-what", "a test level");
  await page.click("#aid-sbs-controls button[type=submit]");
  await page.waitForFunction(() => /reference of 500 a day \(a test level\)/
    .test(document.querySelector("#aid-sbs-chart")?.getAttribute("aria-label") || ""));
  assert.notEqual(await page.textContent("table.aid-sbs-series tbody tr td:nth-child(6)"), "n/a");
  // Another commitment, made for every day: the page asks the API again.
  await page.fill("#aid-commitment", "100");
  await page.fill("#aid-commitment-from", "");
  await page.click("#aid-controls button[type=submit]");
  const aid100 = await apiGet(server, "/api/v1/aid/report?" + new URLSearchParams({ source: src, stage: "entered", commitment: "100", from }));
  await page.waitForFunction((v) => document.querySelector("#aid-below")?.textContent === v, fmtInt(aid100.days_below));
  assert.deepEqual(problems, []);
  await context.close();
});

test("an editor reviews an incident against its version; a stale one is a clear 409; a viewer cannot", async () => {
  const first = (await apiGet(server, "/api/v1/incidents?status=reported&limit=1"))[0];
  const id = first.event_id_cnty;
  const get = () => apiGet(server, "/api/v1/incidents/" + id);
  // A viewer: the page explains, and nothing changes.
  {
    const { page, context } = await open("/review?scenario=gaza", "body[data-ready]");
    await page.click(`button[data-id="${id}"]`);
    await page.waitForSelector("#review:not([hidden])");
    await page.selectOption("#r-status", "corroborated");
    await page.click("#review-form button[type=submit]");
    await page.waitForSelector("#r-result.bad");
    assert.match(await page.textContent("#r-result"), /editor's token/);
    assert.equal((await get()).version, first.version, "a viewer changed the incident");
    await context.close();
  }
  // An editor, with the keyboard: the review is recorded with the version read.
  const { page, context, problems } = await open("/review?scenario=gaza", "body[data-ready]", server.editor);
  await page.focus(`button[data-id="${id}"]`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#review:not([hidden])");
  await page.selectOption("#r-status", "corroborated");
  await page.fill("#r-note", "two outlets");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#r-result.ok");
  const after = await get();
  assert.equal(after.status, "corroborated");
  assert.equal(after.version, first.version + 1);
  assert.match(await page.textContent("#r-result"), new RegExp(`version ${after.version}`));
  assert.match(await page.textContent("table.incident-log"), /two outlets/);
  assert.match(await page.textContent("table.edit-log"), /planner/);
  // Someone else reviews it meanwhile: this page's version is stale.
  const res = await fetch(`${server.base}/api/v1/incidents/${id}/review`, {
    method: "POST", body: JSON.stringify({ status: "verified", note: "elsewhere" }),
    headers: { Authorization: "Bearer " + server.editor, "Content-Type": "application/json",
      "If-Match": `"${after.version}"` } });
  assert.equal(res.status, 200);
  await page.selectOption("#r-status", "disputed");
  await page.click("#review-form button[type=submit]");
  await page.waitForSelector("#r-result.bad");
  assert.match(await page.textContent("#r-result"), /changed since you read it/);
  assert.equal((await get()).status, "verified", "a stale review changed the incident");
  await page.click("#r-reload");
  await page.waitForFunction(() => (document.querySelector("#incident-kv")?.textContent || "")
    .includes("verified"));
  assert.deepEqual(problems.filter((p) => !/409|Conflict/.test(p)), []);
  await context.close();
});

test("the map's incident layer shows the API's incidents, filtered, each with its source and review status", async () => {
  const { page, context, problems } = await open("/map?scenario=gaza", "body[data-incidents]");
  const asOf = (await apiGet(server, "/api/v1/incidents/report?table=trend")).trend.as_of;
  const from = new Date(Date.parse(asOf + "T00:00:00Z") - 27 * 86400000).toISOString().slice(0, 10);
  const count = async (params) => (await apiGet(server, "/api/v1/incidents?" +
    new URLSearchParams({ format: "geojson", limit: "2000", from, to: asOf, ...params }))).features.length;
  const all = await count({});
  assert.ok(all > 0, "no incident in the 4 weeks to the latest");
  assert.equal(await page.$$eval("#map path.incident", (ps) => ps.length), all);
  // Filter by type and review status: the API's count again.
  const type = await page.$eval("#inc-type option:nth-child(2)", (o) => o.value);
  await page.selectOption("#inc-type", type);
  await page.selectOption("#inc-status", "reported");
  await page.click("#inc-filters button[type=submit]");
  const some = await count({ type, status: "reported" });
  assert.ok(some < all, "the filter kept every incident");
  await page.waitForFunction((n) => document.body.dataset.incidents === String(n), some);
  assert.equal(await page.$$eval("#map path.incident", (ps) => ps.length), some);
  assert.equal(await page.$$eval("#inc-table tbody tr", (rs) => rs.length), some);
  // Enter on a row opens the incident on the map: its source and review status.
  const first = (await apiGet(server, "/api/v1/incidents?" + new URLSearchParams({ limit: "1", from, to: asOf, type, status: "reported" })))[0];
  await page.focus("#inc-table tbody tr");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".incident-popup", { timeout: 5000 });
  const text = await page.textContent(".incident-popup");
  assert.ok(text.includes(first.event_id_cnty), `the popup is not ${first.event_id_cnty}: ${text}`);
  assert.ok(text.includes(`${first.source} (${first.source_system})`), "the popup has no source");
  assert.ok(text.includes(`reported (version ${first.version})`), "the popup has no review status");
  // A click on a point opens one too.
  await page.keyboard.press("Escape");
  await page.click("#map path.incident", { force: true });
  await page.waitForSelector(".incident-popup", { timeout: 5000 });
  assert.deepEqual(problems, []);
  await context.close();
});
