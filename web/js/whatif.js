// whatif.js - the What-if page: build a list of edits from the scenario's
// own vetoes, contributors, pledges and unit types, run them as a `whatif`
// job (POST /api/v1/analyses/whatif, the CLI's edits: docs/api.md), follow
// its progress, and show the edited plan beside the base plan: the key
// figures side by side, then what changed by task and location, by
// contributor, and by assignment (the result's `comparison`).
import {
  ApiError, api, el, fail, fmtInt, fmtNum, fmtSigned, initPage, progress, runJob, say, table,
} from "/js/app.js";

const status = document.querySelector("#status");
const form = document.querySelector("#whatif");
const controls = document.querySelector("#controls");
const list = document.querySelector("#edits");
const none = document.querySelector("#no-edits");
const run = document.querySelector("#run");
const job = document.querySelector("#job");
const outcome = document.querySelector("#outcome");

const edits = []; // [{key, value, text}]

function renderEdits() {
  list.replaceChildren();
  edits.forEach((e, i) => {
    const remove = el("button", { type: "button", class: "secondary", "aria-label": `Remove: ${e.text}` }, "Remove");
    remove.addEventListener("click", () => {
      edits.splice(i, 1);
      renderEdits();
    });
    list.append(el("li", {}, e.text + " ", remove));
  });
  none.hidden = edits.length > 0;
  run.disabled = edits.length === 0;
}

function addEdit(key, value, text) {
  edits.push({ key, value, text });
  renderEdits();
}

function select(id, options, first) {
  const s = el("select", { id });
  if (first) s.append(el("option", { value: "", text: first }));
  for (const [v, t] of options) s.append(el("option", { value: v, text: t }));
  return s;
}

function group(title, ...children) {
  return el("fieldset", {}, el("legend", { text: title }), el("div", { class: "row" }, ...children));
}

function addButton(label, onClick) {
  const b = el("button", { type: "button", class: "secondary" }, label);
  b.addEventListener("click", onClick);
  return b;
}

function buildForm(sc, months) {
  const names = new Map([...sc.contributors, ...sc.stakeholders].map((x) => [x.id, x.name]));
  const monthOpts = months.map((m, i) => [String(i + 1), m]);
  // Lift a veto
  const veto = select("veto", sc.vetoes.map((v) => [`${v.stakeholder}:${v.contributor}`,
    `${names.get(v.stakeholder) || v.stakeholder} on ${names.get(v.contributor) || v.contributor} (${v.kind})`]));
  // Drop a contributor
  const drop = select("drop", sc.contributors.map((c) => [c.id, c.name]));
  // Add a pledge
  const addC = select("add-contributor", sc.contributors.map((c) => [c.id, c.name]));
  const addU = select("add-unit", sc.unit_types.map((u) => [u.id, `${u.name} (${fmtInt(u.personnel)})`]));
  const addN = el("input", { id: "add-count", type: "number", min: "1", max: "999", value: "1", size: "4" });
  const addFrom = select("add-from", monthOpts);
  const addTo = select("add-to", monthOpts);
  addTo.value = String(months.length);
  // Change a pledge's size
  const setP = select("set-pledge", sc.pledges.map((p) => [p.id, `${p.id}: ${p.count} ${p.unit}, months ${p.from}-${p.to}`]));
  const setN = el("input", { id: "set-count", type: "number", min: "0", max: "999", value: "1", size: "4" });
  // Lift a caveat
  const cav = sc.pledges.filter((p) => p.caveats);
  const caveat = select("caveat", cav.map((p) => [p.id, `${p.id} (${names.get(p.contributor) || p.contributor})`]));
  // Ceiling
  const ceiling = el("input", { id: "ceiling", type: "number", min: "0", step: "100", value: String(sc.troop_ceiling), size: "7" });

  controls.replaceChildren(
    sc.vetoes.length ? group("Lift a veto", el("label", {}, "Veto ", veto),
      addButton("Add", () => addEdit("lift_veto", veto.value, `Lift the veto ${veto.selectedOptions[0].textContent}`))) : null,
    group("Drop a contributor", el("label", {}, "Contributor ", drop),
      addButton("Add", () => addEdit("drop", drop.value, `Drop ${drop.selectedOptions[0].textContent} and its pledges`))),
    group("Add a pledge", el("label", {}, "Contributor ", addC), el("label", {}, "Unit ", addU),
      el("label", {}, "Count ", addN), el("label", {}, "From ", addFrom), el("label", {}, "To ", addTo),
      addButton("Add", () => {
        const n = parseInt(addN.value, 10);
        if (!(n >= 1) || Number(addTo.value) < Number(addFrom.value)) {
          say(status, "A pledge needs a count of at least 1 and an end no earlier than its start.", "warn");
          return;
        }
        addEdit("add", `${addC.value}:${addU.value}:${n}:${addFrom.value}:${addTo.value}`,
          `Add ${n} ${addU.selectedOptions[0].textContent} from ${addC.selectedOptions[0].textContent}, ` +
          `${months[addFrom.value - 1]} to ${months[addTo.value - 1]}`);
      })),
    group("Change a pledge's size", el("label", {}, "Pledge ", setP), el("label", {}, "Count ", setN),
      addButton("Add", () => {
        const n = parseInt(setN.value, 10);
        if (!(n >= 0)) return;
        addEdit("set", `${setP.value}:count=${n}`, `Pledge ${setP.value}: ${n} units`);
      })),
    cav.length ? group("Lift a pledge's caveats", el("label", {}, "Pledge ", caveat),
      addButton("Add", () => addEdit("lift_caveat", caveat.value, `Lift the caveats of ${caveat.selectedOptions[0].textContent}`))) : null,
    group("Troop ceiling", el("label", {}, "Personnel ", ceiling),
      addButton("Add", () => addEdit("ceiling", Number(ceiling.value), `Troop ceiling ${fmtInt(Number(ceiling.value))}`))),
  );
}

function sideBySide(cmp) {
  const a = cmp.a;
  const b = cmp.b;
  const row = (label, va, vb, d) => ({ label, a: va, b: vb, d });
  const rows = [
    row("Weighted shortfall", fmtNum(a.z1, 2), fmtNum(b.z1, 2), fmtSigned(cmp.change.z1, 2)),
    row("Full operational capability", a.foc_label || "never", b.foc_label || "never",
      cmp.change.foc_months ? fmtSigned(cmp.change.foc_months, 0) + " months" : "same"),
    row("Personnel in sectors (person-months)", fmtInt(a.personnel_pm), fmtInt(b.personnel_pm), fmtSigned(cmp.change.personnel_pm, 0)),
    row("Cost", fmtInt(a.cost), fmtInt(b.cost), fmtSigned(cmp.change.cost, 0)),
    row("Status", `${a.stage1} / ${a.stage2}`, `${b.stage1} / ${b.stage2}`, ""),
  ];
  return table("The base plan and the edited plan", [
    { label: "", key: "label" },
    { label: "base plan", num: true, key: "a" },
    { label: "with the edits", num: true, key: "b" },
    { label: "change", num: true, key: "d" },
  ], rows, { rowHeaders: true, class: "compare" });
}

function render(sc, res) {
  const cmp = res.comparison;
  const taskName = new Map(sc.tasks.map((t) => [t.id, t.name]));
  const locName = new Map(sc.sectors.map((s) => [s.id, s.name]));
  locName.set("mission", "Mission-wide");
  const names = new Map(sc.contributors.map((c) => [c.id, c.name]));
  const parts = [el("h2", { text: "Side by side" }), sideBySide(cmp)];
  const taskRows = sc.tasks.map((t) => ({ task: t.name, a: cmp.a.task_shortfall[t.id], b: cmp.b.task_shortfall[t.id] }))
    .filter((r) => Math.abs(r.b - r.a) > 1e-6);
  parts.push(el("h2", { text: "What changed" }));
  if (taskRows.length) {
    parts.push(table("Shortfall by task over the mandate (capability-unit-months)", [
      { label: "task", key: "task" },
      { label: "base", num: true, get: (r) => fmtNum(r.a, 1) },
      { label: "edited", num: true, get: (r) => fmtNum(r.b, 1) },
      { label: "change", num: true, get: (r) => fmtSigned(r.b - r.a, 1) },
    ], taskRows, { rowHeaders: true }));
  } else {
    parts.push(el("p", { text: "No task's shortfall changes." }));
  }
  if (cmp.coverage.length) {
    parts.push(table("Shortfall by task and location that changed (capability-unit-months)", [
      { label: "task", get: (r) => taskName.get(r.task) || r.task },
      { label: "location", get: (r) => locName.get(r.location) || r.location },
      { label: "base", num: true, get: (r) => fmtNum(r.a, 1) },
      { label: "edited", num: true, get: (r) => fmtNum(r.b, 1) },
      { label: "change", num: true, get: (r) => fmtSigned(r.change, 1) },
    ], cmp.coverage));
  }
  if (cmp.contributors.length) {
    parts.push(table("Personnel in sectors by contributor that changed (person-months)", [
      { label: "contributor", get: (r) => names.get(r.contributor) || r.contributor },
      { label: "base", num: true, get: (r) => fmtInt(r.a) },
      { label: "edited", num: true, get: (r) => fmtInt(r.b) },
      { label: "change", num: true, get: (r) => fmtSigned(r.change, 0) },
    ], cmp.contributors, { rowHeaders: true }));
  }
  if (cmp.assignments.length) {
    const span = (x) => (x && x.unit_months ? `${x.unit_months} unit-months, ${res.plan.months[x.first_month - 1]} to ${res.plan.months[x.last_month - 1]}` : "none");
    parts.push(el("details", {}, el("summary", { text: `Assignments that changed (${cmp.assignments.length})` }),
      table("", [
        { label: "pledge", key: "pledge" },
        { label: "location", get: (r) => locName.get(r.location) || r.location },
        { label: "task", get: (r) => taskName.get(r.task) || r.task },
        { label: "base", get: (r) => span(r.a) },
        { label: "edited", get: (r) => span(r.b) },
      ], cmp.assignments)));
  }
  outcome.replaceChildren(...parts);
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
    document.querySelector("#title").textContent = "What-if: " + (init.info ? init.info.title : scenario);
    sc = await api("/api/v1/scenarios/" + encodeURIComponent(scenario));
  } catch (e) {
    fail(status, e);
    return;
  }
  const start = sc.start.split("-").map(Number);
  const months = Array.from({ length: sc.months }, (_, i) => {
    const k = start[1] - 1 + i;
    return `${start[0] + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`;
  });
  buildForm(sc, months);
  renderEdits();
  status.hidden = true;
  form.hidden = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    run.disabled = true;
    outcome.replaceChildren();
    const request = { scenario, edits: edits.map((e) => ({ [e.key]: e.value })) };
    try {
      const res = await runJob("whatif", request, (j) => progress(job, "what-if", j));
      say(job, `Done: ${edits.length} edit${edits.length > 1 ? "s" : ""} planned against the base plan.`, "ok");
      render(sc, res);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        say(job, "Running a what-if needs an editor's token (Sign in, top right).", "bad");
      } else {
        fail(job, e);
      }
    } finally {
      run.disabled = edits.length === 0;
    }
  });
})();
