// screenshots.mjs - the pictures of docs/dashboard.md: every page of the
// dashboard on the Gaza example, as a planner sees it, into docs/screenshots/.
//
//   node tests/browser/screenshots.mjs [PAGE...]      (after make)
import { join } from "node:path";
import { SRCDIR, startServer, launch, watchedPage, apiRunJob } from "./lib.mjs";

const GAZA = { scenario: "gaza" };
const PAGES = {
  plan: { path: "/plan?scenario=gaza", ready: "#heat", jobs: [["plan", GAZA]] },
  map: { path: "/map?scenario=gaza", ready: "body[data-ready]", jobs: [["plan", GAZA]] },
  "map-incidents": {
    path: "/map?scenario=gaza", ready: "table.rates", jobs: [["plan", GAZA]],
    act: async (page) => {
      await page.waitForSelector("body[data-incidents]");
      await page.selectOption("#shade", "incidents");
    },
  },
  politics: { path: "/politics?scenario=gaza", ready: "body[data-ready]",
    jobs: [["price", GAZA], ["shopping", GAZA]] },
  whatif: {
    path: "/whatif?scenario=gaza", ready: "#outcome table", jobs: [["plan", GAZA]],
    act: async (page) => {
      await page.waitForSelector("#veto");
      await page.click("fieldset:has(#veto) button");
      await page.click("#run");
    },
  },
  offers: {
    path: "/politics?scenario=minimal", ready: "#offers-result table",
    jobs: [["price", { scenario: "minimal" }], ["shopping", { scenario: "minimal" }]],
    act: async (page) => {
      await page.waitForSelector("body[data-ready]");
      await page.selectOption("#offers-contributor", "__new");
      await page.fill("#offers-new-id", "NEW");
      await page.fill("#offers-new-name", "Newland");
      await page.click("#offers-run");
      await page.waitForSelector("#offers-result table", { timeout: 120000 });
      await page.locator("#offers").scrollIntoViewIfNeeded();
    },
    clip: "#offers",
  },
  reimbursement: {
    path: "/plan?scenario=gaza", ready: "#parity table", jobs: [["plan", GAZA]],
    act: async (page) => {
      await page.waitForSelector("#reimbursement table");
      await page.locator("#reimbursement").scrollIntoViewIfNeeded();
    },
    clip: "#reimbursement",
  },
  conditions: {
    path: "/politics?scenario=gaza", ready: "#conditions table", jobs: [],
    clip: "#conditions",
  },
  monitor: { path: "/monitor?scenario=gaza", ready: "body[data-ready]", jobs: [] },
  "monitor-alerts": {
    path: "/monitor?scenario=gaza", ready: "body[data-ready]", jobs: [],
    act: async (page) => {
      await page.waitForSelector("#alerts-summary");
      await page.selectOption("#alerts-days", "30");
      await page.fill("#alerts-fatalities", "5");
      await page.fill("#alerts-types", "Riots");
      await page.click("#alerts-controls button[type=submit]");
      await page.waitForFunction(() => document.querySelector("#alerts-status")?.hidden);
    },
    clip: "#alerts",
  },
  review: {
    path: "/review?scenario=gaza", ready: "#review:not([hidden])", jobs: [],
    act: async (page) => {
      await page.waitForSelector("body[data-ready]");
      await page.click("table.queue tbody tr:first-child button");
    },
  },
};

const want = process.argv.slice(2);
const server = await startServer();
const browser = await launch();
try {
  // The jobs the pages asked for need, each once.
  const jobs = new Map();
  for (const [name, p] of Object.entries(PAGES)) {
    if (want.length && !want.includes(name)) continue;
    for (const [kind, req] of p.jobs) jobs.set(kind + JSON.stringify(req), [kind, req]);
  }
  await Promise.all([...jobs.values()].map(([kind, req]) => apiRunJob(server, kind, req)));
  for (const [name, p] of Object.entries(PAGES)) {
    if (want.length && !want.includes(name)) continue;
    const { page, context, problems } = await watchedPage(browser, server, server.editor);
    await page.goto(server.base + p.path);
    if (p.act) await p.act(page);
    await page.waitForSelector(p.ready, { timeout: 120000 });
    await page.waitForTimeout(300);
    const file = join(SRCDIR, "docs/screenshots", name + ".png");
    if (p.clip) await page.locator(p.clip).screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage: true });
    console.log(`${file}${problems.length ? "  PROBLEMS: " + problems.join("; ") : ""}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
