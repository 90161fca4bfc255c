// map.js - the Map page: the scenario's sector map (GET
// /api/v1/scenarios/NAME/sectors, its own GeoJSON: no tile server, no
// network) drawn with Leaflet on a plain background, each sector shaded on
// the neutral scale by the share of its requirement the newest plan leaves
// uncovered, weighted by task priority, over the mandate or in one month.
// A click (or Enter on a row of the table beside it) shows the sector's
// shortfall by task. The table is the map's table view.
//
// The incident layer: GET /api/v1/incidents?format=geojson with the
// filters chosen (dates, event type, review status; by default the 4 weeks
// to the latest incident), one dark point per incident (no colour of its
// own for any party or source), at most MAX_POINTS (the note says when
// more match). A click on a point, or Enter on its row of the table under
// the map, opens what the register says of it: who reported it, its
// review status and version, where it was placed and how. Event types
// come from the API's report by type.
//
// "Shade by" incident rate: the sectors on the same neutral scale by the
// register's incidents per 100,000 people per month, from GET
// /api/v1/incidents/report?by=sector&period=total over the incident
// filter's dates, type and status: incidents / days covered x 30.4375 /
// the sector's `population` attribute x 100,000. A sector without a
// population, or dates the register does not cover, has no rate (white).
import {
  api, apiFull, el, fail, fmtFatalities, fmtInt, fmtNum, fmtPct, initPage, result, say, seq, shortShare, table,
} from "/js/app.js";

const MAX_POINTS = 2000;
const TABLE_ROWS = 200;
const DAY_MS = 86400000;

const status = document.querySelector("#status");
const controls = document.querySelector("#map-controls");
const monthSel = document.querySelector("#month");
const side = document.querySelector("#sector-table");
const shadeSel = document.querySelector("#shade");
const MONTH_DAYS = 30.4375;

// The incident rate of each sector (filled by the incident layer): id ->
// {incidents, days, population, rate (null: none)}; restyle redraws.
const rates = { by: new Map(), from: "", to: "", max: 0, restyle: () => {} };

function sectorId(feature, idProperty) {
  const p = feature.properties || {};
  return String(p[idProperty] ?? p.id ?? feature.id ?? "");
}

(async () => {
  let scenario;
  let info;
  try {
    ({ scenario, info } = await initPage());
    if (!scenario) {
      say(status, "This server has no valid scenario.", "warn");
      return;
    }
    document.querySelector("#title").textContent = "Map: " + (info ? info.title : scenario);
    const enc = encodeURIComponent(scenario);
    const [sc, geo, plan] = await Promise.all([
      api("/api/v1/scenarios/" + enc), api(`/api/v1/scenarios/${enc}/sectors`),
      result("plan", { scenario }, status)]);
    draw(sc, geo, plan);
  } catch (e) {
    fail(status, e);
  }
})();

function draw(sc, geo, plan) {
  const weight = new Map(sc.tasks.map((t) => [t.id, t.weight]));
  const names = new Map(sc.sectors.map((s) => [s.id, s.name]));
  const ids = new Set(sc.sectors.map((s) => s.id));
  // The GeoJSON's id property: the one whose values are the sector ids.
  const keys = Object.keys((geo.features[0] || {}).properties || {});
  const idProperty = keys.find((k) => geo.features.every((f) => ids.has(String(f.properties[k])))) || "id";

  monthSel.append(el("option", { value: "0", text: "the whole mandate" }));
  plan.months.forEach((m, i) => monthSel.append(el("option", { value: String(i + 1), text: m })));
  controls.hidden = false;

  const map = L.map("map", { zoomSnap: 0.25, attributionControl: true, keyboard: true });
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution(`Sectors: the scenario's map (${sc.name})`);

  const share = (id, m) => shortShare(plan.coverage,
    (c) => c.location === id && (m === 0 || c.month === m), (t) => weight.get(t));
  const byTask = (id, m) => sc.tasks.map((t) => {
    const cs = plan.coverage.filter((c) => c.location === id && c.task === t.id && (m === 0 || c.month === m));
    return { task: t.name, req: cs.reduce((a, c) => a + c.required, 0), short: cs.reduce((a, c) => a + c.shortfall, 0) };
  }).filter((r) => r.req > 1e-9);

  const popup = (id, m) => {
    if (shadeSel.value === "incidents") {
      const r = rates.by.get(id);
      return el("div", {}, el("strong", { text: names.get(id) || id }),
        el("p", { text: !r || r.rate === null
          ? "No incident rate: " + (r && !r.population ? "the scenario gives no population" : "no data for these dates")
          : `${fmtNum(r.rate, 1)} incidents per 100,000 people per month (${fmtInt(r.incidents)} incidents, ` +
            `${rates.from} to ${rates.to})` }));
    }
    const s = share(id, m);
    const box = el("div", {}, el("strong", { text: names.get(id) || id }),
      el("p", { text: s < 0 ? "Nothing required" : `${fmtPct(s)} of the weighted requirement not covered` +
        (m ? ` in ${plan.months[m - 1]}` : " over the mandate") }));
    const rows = byTask(id, m).filter((r) => r.short > 1e-6);
    if (rows.length) {
      box.append(table("", [
        { label: "task", key: "task" },
        { label: "short", num: true, get: (r) => fmtNum(r.short, 1) },
        { label: "of required", num: true, get: (r) => fmtPct(r.short / r.req) },
      ], rows));
    }
    return box;
  };

  const layer = L.geoJSON(geo, {
    style: () => ({ color: "#1d1f2b", weight: 1.2, fillOpacity: 0.85, className: "sector" }),
    onEachFeature: (f, lyr) => {
      const id = sectorId(f, idProperty);
      lyr.bindTooltip(names.get(id) || id, { permanent: true, direction: "center", className: "sector-label" });
      lyr.on("click", () => lyr.bindPopup(popup(id, Number(monthSel.value))).openPopup());
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [12, 12] });

  const legendBox = el("div", { class: "legend-box", id: "legend" });
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => legendBox;
  legend.addTo(map);

  const rateText = (r) => (!r || r.rate === null ? "no rate" : fmtNum(r.rate, 1));
  const restyle = () => {
    const m = Number(monthSel.value);
    const byIncidents = shadeSel.value === "incidents";
    monthSel.disabled = byIncidents;
    layer.eachLayer((lyr) => {
      const id = sectorId(lyr.feature, idProperty);
      if (byIncidents) {
        const r = rates.by.get(id);
        lyr.setStyle({ fillColor: !r || r.rate === null || rates.max <= 0 ? "#ffffff" : seq(r.rate / rates.max) });
      } else {
        const s = share(id, m);
        lyr.setStyle({ fillColor: s < 0 ? "#ffffff" : seq(s) });
      }
    });
    legendBox.replaceChildren(...(byIncidents
      ? [el("div", { text: `Incidents per 100,000 people per month, ${rates.from} to ${rates.to}` }),
        el("div", { class: "scale" }, "0", el("span", { class: "ramp" }), fmtNum(rates.max, 1)),
        el("div", { class: "muted", text: "White: no rate (no population, or no data)" })]
      : [el("div", { text: "Share of the requirement not covered" }),
        el("div", { class: "scale" }, "0%", el("span", { class: "ramp" }), "100%")]));
    const rows = sc.sectors.map((s) => ({ id: s.id, name: s.name, share: share(s.id, m), r: rates.by.get(s.id) }));
    const tab = byIncidents
      ? table(`Sectors: incidents per 100,000 people per month, ${rates.from} to ${rates.to}`, [
        { label: "sector", key: "name" },
        { label: "incidents", num: true, get: (r) => (r.r ? fmtInt(r.r.incidents) : "") },
        { label: "population", num: true, get: (r) => (r.r && r.r.population ? fmtInt(r.r.population) : "not given") },
        { label: "per 100,000 a month", num: true, get: (r) => rateText(r.r) },
      ], rows, { rowHeaders: true, class: "rates" })
      : table(`Sectors: share of the weighted requirement not covered, ${m ? plan.months[m - 1] : "over the mandate"}`, [
        { label: "sector", key: "name" },
        { label: "not covered", num: true, get: (r) => (r.share < 0 ? "nothing required" : fmtPct(r.share)) },
      ], rows, { rowHeaders: true });
    // Each row opens the sector's popup: a keyboard route to the map's details.
    tab.querySelectorAll("tbody tr").forEach((tr, i) => {
      tr.tabIndex = 0;
      tr.setAttribute("aria-label", `${rows[i].name}: show on the map`);
      const openIt = () => layer.eachLayer((lyr) => {
        if (sectorId(lyr.feature, idProperty) === rows[i].id) lyr.bindPopup(popup(rows[i].id, m)).openPopup();
      });
      tr.addEventListener("click", openIt);
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openIt(); } });
    });
    side.replaceChildren(tab);
  };
  monthSel.addEventListener("change", restyle);
  shadeSel.addEventListener("change", restyle);
  rates.restyle = restyle;
  restyle();
  incidents(map, names, sc).catch((e) => fail(document.querySelector("#inc-note"), e));
  say(status, status.textContent, "muted");
  document.body.dataset.ready = "1";
}

// ---- the incident layer ------------------------------------------------------

function incidentPopup(p, names) {
  const kv = (k, v) => [el("dt", { text: k }), el("dd", { text: v ?? "" })];
  return el("div", { class: "incident-popup" }, el("strong", { text: `${p.event_id_cnty}, ${p.event_date}` }),
    el("dl", { class: "kv" },
      ...kv("Type", `${p.event_type}: ${p.sub_event_type}`),
      ...kv("Location", p.location),
      ...kv("Sector", p.sector ? `${names.get(p.sector) || p.sector} (${p.sector_method})` : "no sector"),
      ...kv("Reported by", `${p.source} (${p.source_system})`),
      ...kv("Review status", `${p.status} (version ${p.version})`),
      ...kv("Fatalities", fmtFatalities(p.fatalities))));
}

// The sectors' incident rates over the filter's dates (and type, status).
async function sectorRates(sc, params) {
  const q = new URLSearchParams({ by: "sector", period: "total", table: "periods" });
  for (const k of ["from", "to", "type", "status"]) if (params.get(k)) q.set(k, params.get(k));
  const rep = await api("/api/v1/incidents/report?" + q);
  const by = new Map();
  let max = 0;
  for (const s of sc.sectors) {
    const row = (rep.periods || []).find((r) => r.sector === s.id);
    const population = (s.attributes || {}).population || 0;
    const days = row ? row.days_covered : 0;
    const n = row ? row.incidents : 0;
    const rate = population > 0 && days > 0 ? (n / days) * MONTH_DAYS / population * 100000 : null;
    if (rate !== null && rate > max) max = rate;
    by.set(s.id, { incidents: n, days, population, rate });
  }
  rates.by = by;
  rates.max = max;
  rates.from = params.get("from") || "";
  rates.to = params.get("to") || "";
  rates.restyle();
}

async function incidents(map, names, sc) {
  const note = document.querySelector("#inc-note");
  const form = document.querySelector("#inc-filters");
  const trend = await api("/api/v1/incidents/report?table=trend");
  if (!trend.trend || !trend.trend.as_of) {
    say(note, "The incident register holds no incident.", "muted");
    return;
  }
  const types = await api("/api/v1/incidents/report?by=type&period=total");
  const typeSel = document.querySelector("#inc-type");
  for (const r of types.periods || []) {
    if (r.event_type && r.incidents > 0) typeSel.append(el("option", { value: r.event_type, text: r.event_type }));
  }
  const asOf = trend.trend.as_of;
  document.querySelector("#inc-to").value = asOf;
  document.querySelector("#inc-from").value =
    new Date(Date.parse(asOf + "T00:00:00Z") - 27 * DAY_MS).toISOString().slice(0, 10);
  form.hidden = false;
  const group = L.layerGroup().addTo(map);
  const show = async () => {
    const params = new URLSearchParams({ format: "geojson", limit: String(MAX_POINTS) });
    for (const [k, id] of [["from", "#inc-from"], ["to", "#inc-to"], ["type", "#inc-type"], ["status", "#inc-status"]]) {
      const v = document.querySelector(id).value;
      if (v) params.set(k, v);
    }
    const [{ data, headers }] = await Promise.all([apiFull("/api/v1/incidents?" + params),
      sectorRates(sc, params)]);
    const feats = (data && data.features) || [];
    group.clearLayers();
    const markers = new Map();
    for (const f of feats) {
      const [lon, lat] = f.geometry.coordinates;
      const m = L.circleMarker([lat, lon], { radius: 5, color: "#ffffff", weight: 1,
        fillColor: "#1d1f2b", fillOpacity: 0.8, className: "incident" });
      m.bindPopup(() => incidentPopup(f.properties, names));
      m.addTo(group);
      markers.set(f.properties.event_id_cnty, m);
    }
    const more = headers.get("X-Next-After");
    say(note, `${fmtInt(feats.length)} incidents on the map` +
      (more ? ` (the first ${fmtInt(MAX_POINTS)} that match: narrow the dates to see the rest)` : "") +
      ". Each point is one incident as reported; the table lists them with their source and review status.", "muted");
    const rows = feats.slice(0, TABLE_ROWS).map((f) => f.properties);
    const tab = table(`Incidents on the map` + (feats.length > TABLE_ROWS ? `, the first ${TABLE_ROWS}` : ""), [
      { label: "event", key: "event_id_cnty" }, { label: "date", key: "event_date" },
      { label: "type", key: "event_type" }, { label: "location", key: "location" },
      { label: "reported by", get: (r) => `${r.source} (${r.source_system})` },
      { label: "review status", key: "status" },
    ], rows, { rowHeaders: true, class: "incidents" });
    tab.querySelectorAll("tbody tr").forEach((tr, i) => {
      tr.tabIndex = 0;
      tr.setAttribute("aria-label", `${rows[i].event_id_cnty}: show on the map`);
      const openIt = () => markers.get(rows[i].event_id_cnty).openPopup();
      tr.addEventListener("click", openIt);
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openIt(); } });
    });
    document.querySelector("#inc-table").replaceChildren(tab);
    document.body.dataset.incidents = String(feats.length);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    show().catch((err) => fail(note, err));
  });
  await show();
}
