// lib.mjs - what the browser tests and the screenshot script share: a
// stabforce server of their own on 127.0.0.1 (a fresh store, an editor and
// a viewer token), and Debian's Chromium driven by playwright-core.
//
// The server is `$STABFORCE serve --listen 127.0.0.1:0` on a store in a
// temporary directory holding the Gaza example's incidents and aid figures,
// scenarios from examples/; its port comes from
// --port-file. stop() ends it (SIGTERM, then SIGKILL) and removes the
// directory. The browser is /usr/bin/chromium (or $CHROMIUM) with the
// flags a machine without network needs; no browser is downloaded.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const SRCDIR = process.env.SRCDIR ||
  resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const STABFORCE = process.env.STABFORCE || join(SRCDIR, "build/stabforce");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer(extra = []) {
  const dir = mkdtempSync(join(tmpdir(), "sf-browser-"));
  const db = join(dir, "store.db");
  const token = (role, name) => execFileSync(STABFORCE,
    ["token", "create", "--role", role, "--name", name, "--db", db]).toString().trim();
  const editor = token("editor", "planner");
  const viewer = token("viewer", "observer");
  // The registers the Monitor, Review and Map pages read: the Gaza
  // example's synthetic incidents (placed by its sector map) and its aid
  // series, imported as a user would.
  // Run from the source tree, so that the batches' file names are the
  // repository's (examples/gaza/...), not this machine's.
  const run = { stdio: "ignore", cwd: SRCDIR };
  execFileSync(STABFORCE, ["incidents", "import", "examples/gaza/incidents-synthetic.csv",
    "--scenario", "examples/gaza/scenario.yaml", "--db", db], run);
  execFileSync(STABFORCE, ["aid", "import",
    "examples/gaza/aid-trucks-daily-2023-10-07_2024-01-30.csv",
    "--source", "UN sitreps (LSHTM/JHU)", "--db", db], run);
  const portFile = join(dir, "port");
  const proc = spawn(STABFORCE, ["serve", "--listen", "127.0.0.1:0", "--port-file", portFile,
    "--db", db, "--scenarios", join(SRCDIR, "examples"), "--jobs", "2", "-q", ...extra],
  { stdio: ["ignore", "inherit", "inherit"] });
  let exited = null;
  proc.on("exit", (code, sig) => { exited = sig || code; });
  for (let i = 0; i < 200 && !existsSync(portFile); i++) {
    if (exited !== null) throw new Error(`stabforce serve exited (${exited}) before listening`);
    await sleep(50);
  }
  let port = "";
  for (let i = 0; i < 100 && !port; i++) {
    port = readFileSync(portFile, "utf8").trim();
    if (!port) await sleep(50);
  }
  if (!port) throw new Error("stabforce serve wrote no port");
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === null) {
      proc.kill("SIGTERM");
      for (let i = 0; i < 100 && exited === null; i++) await sleep(50);
      if (exited === null) proc.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, editor, viewer, db, dir, stop };
}

// The API as a client would call it (for the figures the pages must show).
export async function apiGet(server, path, tok = server.viewer) {
  const res = await fetch(server.base + path, { headers: { Authorization: "Bearer " + tok } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

export async function apiRunJob(server, kind, request) {
  const path = kind === "plan" ? "/api/v1/plans" : kind === "offers" ? "/api/v1/offers" : "/api/v1/analyses/" + kind;
  let res = await fetch(server.base + path, {
    method: "POST", body: JSON.stringify(request),
    headers: { Authorization: "Bearer " + server.editor, "Content-Type": "application/json" },
  });
  if (res.status !== 202) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  let job = await res.json();
  for (let i = 0; i < 1200 && !["done", "failed", "cancelled"].includes(job.status); i++) {
    await sleep(500);
    job = await apiGet(server, "/api/v1/jobs/" + job.id);
  }
  if (job.status !== "done") throw new Error(`${kind} job ${job.id}: ${job.status} ${job.message}`);
  return apiGet(server, `/api/v1/jobs/${job.id}/result`);
}

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-features=MediaRouter,OptimizationHints"],
  });
}

// A page that records console errors, page errors, failed requests and
// every request that leaves the server's origin (and blocks those).
export async function watchedPage(browser, server, tok) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  const origin = new URL(server.base).origin;
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      problems.push("request left 127.0.0.1: " + url);
      return route.abort();
    }
    return route.continue();
  });
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  if (tok) {
    await page.addInitScript((t) => sessionStorage.setItem("stabforce-token", t), tok);
  }
  return { page, context, problems };
}
