// Shared by the drill pages: token, API calls, the language (strings from
// the server's catalogue, /strings.json), names for ids, event sentences,
// the scenario's local clock and the SVG map (no basemap: works offline).
// Fetches only this server.
"use strict";
const Q = {};
Q.token = (function () {
  const m = location.hash.match(/token=([0-9a-f]+)/);
  if (m) { sessionStorage.setItem("qilian-token", m[1]); history.replaceState(null, "", location.pathname); }
  return sessionStorage.getItem("qilian-token") || "";
})();
Q.api = async function (method, path, body) {
  // Views carry sentences and names in the page's language.
  if (method === "GET" && /^\/api\/(state|truth|teams\/)/.test(path)) path += (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(Q.lang);
  const r = await fetch(path, {
    method, headers: { "Authorization": "Bearer " + Q.token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  return { status: r.status, data };
};
Q.el = (id) => document.getElementById(id);
Q.esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

// ---- Language -------------------------------------------------------------
Q.cats = null; Q.cat = {}; Q.lang = "zh-CN";
Q.loadStrings = async function () {
  const r = await fetch("/strings.json");
  Q.cats = await r.json();
  const saved = localStorage.getItem("qilian-lang");
  Q.setLang(saved && Q.cats.languages[saved] ? saved : Q.cats.default);
};
Q.setLang = function (lang) {
  Q.lang = lang; Q.cat = Q.cats.languages[lang];
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = Q.t(e.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((e) => { e.placeholder = Q.t(e.dataset.tp); });
  if (document.body.dataset.title) document.title = Q.t(document.body.dataset.title);
};
// The message `key` with its {arguments}, by the catalogue's own
// formatter `qt` (qilian_i18n::FORMAT_JS, served ahead of this script).
Q.t = (key, args) => qt(Q.cat, key, args);
// Keys of names the server sends as enum values (kinds, states, classes):
// one table per prefix, so every key is written out where it is used.
Q.K = {
  crew: {power: "drill.crew.power", water: "drill.crew.water", telecom: "drill.crew.telecom", road: "drill.crew.road", fire: "drill.crew.fire", hazmat: "drill.crew.hazmat", rescue: "drill.crew.rescue", medical: "drill.crew.medical"},
  status: {away: "drill.status.away", idle: "drill.status.idle", returning: "drill.status.returning", moving: "drill.status.moving", driving: "drill.status.driving", resting: "drill.status.resting", working: "drill.status.working", ordered: "drill.status.ordered"},
  fac: {Substation: "drill.fac.substation", WaterPlant: "drill.fac.water_plant", TelecomSite: "drill.fac.telecom_site", Hospital: "drill.fac.hospital", FireStation: "drill.fac.fire_station", Shelter: "drill.fac.shelter", ChemicalPlant: "drill.fac.chemical_plant", Other: "drill.fac.other"},
  damage: {None: "drill.damage.none", Slight: "drill.damage.slight", Moderate: "drill.damage.moderate", Extensive: "drill.damage.extensive", Complete: "drill.damage.complete"},
  road: {Motorway: "drill.road.motorway", Trunk: "drill.road.trunk", Primary: "drill.road.primary", Secondary: "drill.road.secondary", Tertiary: "drill.road.tertiary", Local: "drill.road.local"},
  work: {"Facility.Substation": "drill.work.facility.substation", "Facility.WaterPlant": "drill.work.facility.water_plant", "Facility.TelecomSite": "drill.work.facility.telecom_site", "Facility.Hospital": "drill.work.facility.hospital", "Facility.FireStation": "drill.work.facility.fire_station", "Facility.Shelter": "drill.work.facility.shelter", "Facility.ChemicalPlant": "drill.work.facility.chemical_plant", "Facility.Other": "drill.work.facility.other", Road: "drill.work.road", MainRoad: "drill.work.main_road", Bridge: "drill.work.bridge", Cleanup: "drill.work.cleanup", StopLeak: "drill.work.stop_leak", FireLine: "drill.work.fire_line", Rescue: "drill.work.rescue"},
  service: {power: "drill.service.power", water: "drill.service.water", telecom: "drill.service.telecom"},
  source: {sensor: "drill.source.sensor", public_call: "drill.source.public_call", officer: "drill.source.officer", crew: "drill.source.crew", own: "drill.source.own"},
  group: {hazard: "drill.group.hazard", infra: "drill.group.infra", roads: "drill.group.roads", tasks: "drill.group.tasks", crews: "drill.group.crews", people: "drill.group.people"},
  reason: {landslide: "drill.reason.landslide", collapse: "drill.reason.collapse", accident: "drill.reason.accident", debris: "drill.reason.debris", chemical: "drill.reason.chemical", flood_water: "drill.reason.flood_water", flood_debris: "drill.reason.flood_debris", smoke: "drill.reason.smoke", quake: "drill.reason.quake", fire: "drill.reason.fire", order: "drill.reason.order", task_closed: "drill.reason.task_closed", task_taken: "drill.reason.task_taken", crew_unavailable: "drill.reason.crew_unavailable", wrong_kind: "drill.reason.wrong_kind", no_road: "drill.reason.no_road", rest: "drill.reason.rest"},
};
// The message for an enum value `name` of table `table` (its name if none).
Q.tk = (table, name, args) => (Q.K[table][name] ? Q.t(Q.K[table][name], args) : String(name));
// A button that switches to the other language and remembers it.
Q.langButton = function (btn, redraw) {
  const label = () => { btn.textContent = Q.t("drill.lang.other"); };
  label();
  btn.onclick = () => {
    const next = Object.keys(Q.cats.languages).find((l) => l !== Q.lang) || Q.lang;
    localStorage.setItem("qilian-lang", next);
    Q.setLang(next); label(); redraw();
  };
};
Q.num = (n) => Number(n).toLocaleString(Q.lang === "en" ? "en" : "zh-CN");

// ---- The scenario's local clock --------------------------------------------
Q.start = null;
Q.setStart = function (s) {
  const m = s && s.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/);
  Q.start = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)) : null;
};
const pad = (x) => String(x).padStart(2, "0");
// "2026-07-14 14:32" (or "第 2 天 14:32" without a start date).
Q.clock = function (t) {
  if (Q.start !== null) {
    const d = new Date(Q.start + t * 1000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  return Q.t("drill.clock.day", { d: Math.floor(t / 86400) + 1, hm: Q.time(t) });
};
Q.time = function (t) {
  if (Q.start !== null) { const d = new Date(Q.start + t * 1000); return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`; }
  return `${pad(Math.floor((t % 86400) / 3600))}:${pad(Math.floor((t % 3600) / 60))}`;
};
Q.clockLine = function (c) {
  const state = c.t_s >= c.horizon_s ? Q.t("drill.clock.ended")
    : c.running ? Q.t("drill.clock.running", { speed: c.speed }) : Q.t("drill.clock.paused");
  return `${Q.clock(c.t_s)} · ${state}`;
};

// ---- Names for ids -------------------------------------------------------
// Index the public map so every list and sentence shows names, not ids.
Q.index = function (map) {
  Q.map = map;
  Q.zones = new Map(map.zones.map((z) => [z.id, z]));
  Q.facs = new Map(map.facilities.map((f) => [f.id, f]));
  Q.depots = new Map(map.depots.map((d) => [d.id, d]));
  Q.edges = new Map();
  for (const e of map.edges) { Q.edges.set(e[0], e); if (e[4] !== null) Q.edges.set(e[4], e); }
  Q.setStart(map.start);
};
Q.crewNames = new Map();
// Crews by the names the server gives them (as its event sentences and the
// report do): kind and number within the kind, 电力抢修2队.
Q.nameCrews = function (crews) {
  for (const c of crews) Q.crewNames.set(c.id, c.name);
};
Q.crewKind = (k) => Q.tk("crew", String(k).toLowerCase());
Q.crewName = (id) => Q.crewNames.get(id) || Q.t("drill.crew.some");
Q.zoneName = (id) => (Q.zones.get(id) || { name: Q.t("drill.zone.some") }).name;
Q.facName = (id) => (Q.facs.get(id) || { name: Q.t("drill.facility.some") }).name;
Q.facKind = (k) => Q.tk("fac", k);
Q.depotName = (id) => (Q.depots.get(id) || { name: "?" }).name;
Q.state = (s) => Q.tk("damage", s);
Q.classLabel = (c) => Q.tk("road", c);
// A road by its class and the nearest zone: "县道 · 党寨附近".
Q.roadName = function (id) {
  const e = Q.edges.get(id);
  if (!e) return Q.t("drill.road.some");
  const a = Q.map.nodes[e[1]], b = Q.map.nodes[e[2]], mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  let best = null, bd = Infinity;
  for (const z of Q.map.zones) {
    if (!z.xy) continue;
    const d = (z.xy[0] - mid[0]) ** 2 + (z.xy[1] - mid[1]) ** 2;
    if (d < bd) { bd = d; best = z; }
  }
  return Q.t(e[6] ? "drill.road.bridge_near" : "drill.road.near", { cls: Q.classLabel(e[5] || "Local"), zone: best ? best.name : "" });
};
Q.workKey = (w) => (typeof w === "string" ? w : "Facility." + w.Facility);
Q.work = (w) => Q.tk("work", Q.workKey(w));
// What a task is about, by name.
Q.subject = function (work, subject) {
  const k = Q.workKey(work);
  if (k.startsWith("Facility") || k === "StopLeak") return Q.facName(subject);
  if (k === "Road" || k === "MainRoad" || k === "Bridge") return Q.roadName(subject);
  return Q.zoneName(subject);
};
Q.taskLabel = (t) => Q.t("drill.task.label", { work: Q.work(t.work), subject: Q.subject(t.work, t.subject), state: Q.state(t.state) });
Q.status = (s) => Q.tk("status", s);
Q.source = (s) => Q.tk("source", s);

// ---- Event sentences ------------------------------------------------------
Q.GROUPS = ["hazard", "infra", "roads", "tasks", "crews", "people"];
Q.group = function (kind) {
  if (/^Hazard|ZoneContaminated|ZoneExposed|ZoneCleaned|WeatherChanged/.test(kind)) return "hazard";
  if (/^Facility|Battery|^Service/.test(kind)) return "infra";
  if (/^Edge|VehiclesCaught/.test(kind)) return "roads";
  if (kind === "TaskCreated") return "tasks";
  if (/^Crew|OrderDropped|TaskFinished|MutualAid|AidDelayed/.test(kind)) return "crews";
  return "people";
};
// Tasks by id, as reported (for sentences about a task).
Q.tasks = new Map();
Q.learnTasks = function (events) {
  for (const e of events) if (e.kind === "TaskCreated") Q.tasks.set(e.task, e);
};
Q.taskName = function (id) {
  const t = Q.tasks.get(id);
  return t ? Q.t("drill.task.short", { work: Q.work(t.work), subject: Q.subject(t.work, t.subject) }) : Q.t("drill.task.some");
};
// A cause as people say it: the catalogue's words for the drill's and the
// models' reasons (matched by their first word), else as written.
Q.reason = function (r) {
  const s = String(r);
  if (Q.K.reason[s]) return Q.tk("reason", s);
  const w = s.toLowerCase().split(/[ :,]/)[0];
  const known = { earthquake: "quake", ground: "quake", flooded: "flood_water", flood: "flood_debris", forest: "fire", closed: "order" };
  return known[w] ? Q.tk("reason", known[w]) : s;
};
// One sentence for a journal event, in the page's language: the server
// writes it (the viewer's Narrator, the same words as the report) into
// each event of a view.
Q.sentence = (e) => (e.sentence !== undefined ? e.sentence : e.kind);

// ---- What the events say about the map -------------------------------------
Q.overlay = function (events) {
  const closed = new Set(), damaged = new Set(), hit = new Set(), warned = new Set(), evacuated = new Set(), full = new Set();
  for (const e of events) {
    const k = e.kind;
    if (k === "EdgeClosed" || k === "EdgeDamaged") closed.add(e.edge);
    if (k === "EdgeOpened") closed.delete(e.edge);
    if (k === "FacilityDamaged") damaged.add(e.facility);
    if (k === "FacilityRepaired") damaged.delete(e.facility);
    if (k === "ZoneContaminated" || k === "HazardReachedZone" || k === "ZoneExposed") hit.add(e.zone);
    if (k === "ZoneCleaned") hit.delete(e.zone);
    if (k === "ZoneWarned") warned.add(e.zone);
    if (k === "ZoneEvacuated") evacuated.add(e.zone);
    if (k === "ShelterFull") full.add(e.facility);
  }
  return { closed, damaged, hit, warned, evacuated, full };
};

// ---- The map ----------------------------------------------------------------
const SVGNS = "http://www.w3.org/2000/svg";
Q.ROAD = { Motorway: ["#c0392b", 3.2], Trunk: ["#e67e22", 2.6], Primary: ["#d4ac0d", 2.1], Secondary: ["#7f8c8d", 1.6], Tertiary: ["#95a5a6", 1.2], Local: ["#bdc3c7", 0.8] };
Q.FAC = { Substation: ["电", "#f1c40f"], WaterPlant: ["水", "#3498db"], TelecomSite: ["讯", "#9b59b6"], Hospital: ["医", "#e74c3c"], FireStation: ["消", "#c0392b"], Shelter: ["避", "#27ae60"], ChemicalPlant: ["化", "#8e44ad"], Other: ["设", "#7f8c8d"] };
Q.FAC_EN = { Substation: "P", WaterPlant: "W", TelecomSite: "T", Hospital: "H", FireStation: "F", Shelter: "S", ChemicalPlant: "C", Other: "·" };
// svg: the <svg>; onPick(what, id, xy): a click on a crew, task, road,
// zone, facility or the ground ("place", the nearest node).
Q.Map = function (svg, map, onPick) {
  this.svg = svg; this.map = map; this.onPick = onPick || (() => {});
  const xs = map.nodes.map((n) => n[0]), ys = map.nodes.map((n) => n[1]);
  this.x0 = Math.min(...xs); this.x1 = Math.max(...xs); this.y0 = Math.min(...ys); this.y1 = Math.max(...ys);
  const w = this.x1 - this.x0 || 1, h = this.y1 - this.y0 || 1;
  this.s = 1000 / Math.max(w, h);
  this.full = { x: -30, y: -30, w: w * this.s + 60, h: h * this.s + 60 };
  this.vb = { ...this.full };
  this.overlay = {}; this.selected = null; this.roadMode = false;
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  this.applyView();
  let down = null;
  svg.addEventListener("pointerdown", (ev) => { down = { x: ev.clientX, y: ev.clientY, vb: { ...this.vb }, moved: false }; });
  svg.addEventListener("pointermove", (ev) => {
    if (!down || ev.buttons !== 1) return;
    const dx = ev.clientX - down.x, dy = ev.clientY - down.y;
    if (Math.abs(dx) + Math.abs(dy) > 5) down.moved = true;
    if (!down.moved) return;
    const k = this.unitsPerPixel();
    this.vb.x = down.vb.x - dx * k; this.vb.y = down.vb.y - dy * k; this.applyView();
  });
  svg.addEventListener("pointerup", (ev) => {
    const d = down; down = null;
    if (!d || d.moved) return;
    let t = ev.target;
    while (t && t !== svg && !t.dataset.pick) t = t.parentNode;
    if (t && t !== svg && t.dataset.pick) { this.onPick(t.dataset.pick, +t.dataset.id, null); return; }
    const p = this.toWorld(ev.clientX, ev.clientY);
    this.onPick("place", this.nearestNode(p), p);
  });
  svg.addEventListener("wheel", (ev) => { ev.preventDefault(); this.zoom(ev.deltaY < 0 ? 0.8 : 1.25, ev.clientX, ev.clientY); }, { passive: false });
};
Q.Map.prototype.unitsPerPixel = function () {
  const r = this.svg.getBoundingClientRect();
  return Math.max(this.vb.w / (r.width || 1), this.vb.h / (r.height || 1));
};
Q.Map.prototype.toWorld = function (cx, cy) {
  const pt = this.svg.createSVGPoint(); pt.x = cx; pt.y = cy;
  const p = pt.matrixTransform(this.svg.getScreenCTM().inverse());
  return [p.x / this.s + this.x0, this.y1 - p.y / this.s];
};
Q.Map.prototype.nearestNode = function (xy) {
  let best = 0, bd = Infinity;
  this.map.nodes.forEach((n, i) => { const d = (n[0] - xy[0]) ** 2 + (n[1] - xy[1]) ** 2; if (d < bd) { bd = d; best = i; } });
  return this.map.node_ids[best];
};
Q.Map.prototype.zoom = function (f, cx, cy) {
  const r = this.svg.getBoundingClientRect();
  const fx = cx === undefined ? 0.5 : (cx - r.left) / (r.width || 1), fy = cy === undefined ? 0.5 : (cy - r.top) / (r.height || 1);
  const w = Math.min(Math.max(this.vb.w * f, 40), this.full.w * 2), h = this.vb.h * (w / this.vb.w);
  this.vb.x += (this.vb.w - w) * fx; this.vb.y += (this.vb.h - h) * fy; this.vb.w = w; this.vb.h = h;
  this.applyView(); this.draw(this.overlay);
};
Q.Map.prototype.fit = function () { this.vb = { ...this.full }; this.applyView(); this.draw(this.overlay); };
Q.Map.prototype.applyView = function () { this.svg.setAttribute("viewBox", `${this.vb.x} ${this.vb.y} ${this.vb.w} ${this.vb.h}`); };
Q.Map.prototype.px = function (xy) { return [(xy[0] - this.x0) * this.s, (this.y1 - xy[1]) * this.s]; };
// Draw the map with overlay {closed, damaged, hit, warned, evacuated, full,
// crews: [{id, kind, status, xy}], tasks: [{task, work, xy, ...}], opened}.
Q.Map.prototype.draw = function (o) {
  this.overlay = o;
  const m = this.map, parts = [], k = this.vb.w / 1000; // k: one "screen unit" at this zoom
  const closed = o.closed || new Set(), damaged = o.damaged || new Set(), hit = o.hit || new Set(), warned = o.warned || new Set();
  const fs = 11 * Math.max(k, 0.25);
  // Roads: local first, so the main roads lie on top.
  const order = ["Local", "Tertiary", "Secondary", "Primary", "Trunk", "Motorway"];
  const edges = [...m.edges].sort((a, b) => order.indexOf(a[5] || "Local") - order.indexOf(b[5] || "Local"));
  for (const e of edges) {
    const [id, a, b, , twin, cls, bridge] = e;
    const p = this.px(m.nodes[a]), q = this.px(m.nodes[b]);
    const shut = closed.has(id) || (twin !== null && closed.has(twin));
    const [col, wd] = Q.ROAD[cls || "Local"] || Q.ROAD.Local;
    const sel = this.selected && this.selected.what === "road" && this.selected.id === id;
    const title = Q.esc(Q.roadName(id)) + (shut ? " · " + Q.esc(Q.t("drill.legend.closed")) : "");
    parts.push(`<g data-pick="road" data-id="${id}" class="road"><title>${title}</title>` +
      `<line x1="${p[0]}" y1="${p[1]}" x2="${q[0]}" y2="${q[1]}" stroke="transparent" stroke-width="${(this.roadMode ? 14 : 6) * Math.max(k, 0.3)}"/>` +
      (bridge ? `<line x1="${p[0]}" y1="${p[1]}" x2="${q[0]}" y2="${q[1]}" stroke="#222" stroke-width="${(wd + 2) * Math.max(k, 0.3)}"/>` : "") +
      `<line x1="${p[0]}" y1="${p[1]}" x2="${q[0]}" y2="${q[1]}" stroke="${shut ? "#000" : col}" stroke-width="${(shut ? wd + 1.5 : wd) * Math.max(k, 0.3)}"${shut ? ` stroke-dasharray="${4 * k} ${3 * k}"` : ""}/>` +
      (sel ? `<line x1="${p[0]}" y1="${p[1]}" x2="${q[0]}" y2="${q[1]}" stroke="#00bcd4" stroke-opacity="0.6" stroke-width="${9 * Math.max(k, 0.3)}"/>` : "") + `</g>`);
  }
  // Zones: a disc by population; red where a hazard was reported.
  for (const z of m.zones) {
    if (!z.xy) continue;
    const p = this.px(z.xy), r = Math.max(6, Math.sqrt(z.population) / 12) * Math.max(k, 0.35) * 1.4;
    const fill = hit.has(z.id) ? "#e74c3c" : "#5dade2";
    parts.push(`<g data-pick="zone" data-id="${z.id}"><title>${Q.esc(z.name)} · ${Q.esc(Q.t("drill.zone.people", { n: Q.num(z.population) }))}</title>` +
      `<circle cx="${p[0]}" cy="${p[1]}" r="${r}" fill="${fill}" fill-opacity="${hit.has(z.id) ? 0.45 : 0.18}" stroke="${warned.has(z.id) ? "#e67e22" : fill}" stroke-width="${(warned.has(z.id) ? 3 : 1) * Math.max(k, 0.3)}"${warned.has(z.id) ? ` stroke-dasharray="${5 * k} ${3 * k}"` : ""}/>` +
      `<text x="${p[0]}" y="${p[1] - r - 2 * k}" font-size="${fs * 1.1}" text-anchor="middle" fill="#1b2631" stroke="#fff" stroke-width="${2.5 * k}" paint-order="stroke">${Q.esc(z.name)}</text></g>`);
  }
  // Facilities: a square with its kind's character.
  const showNames = this.vb.w < this.full.w * 0.45;
  for (const f of m.facilities) {
    if (!f.xy) continue;
    const p = this.px(f.xy), s = 8 * Math.max(k, 0.3), [ch, col] = Q.FAC[f.kind] || Q.FAC.Other;
    const bad = damaged.has(f.id), glyph = Q.lang === "en" ? Q.FAC_EN[f.kind] : ch;
    parts.push(`<g data-pick="facility" data-id="${f.id}"><title>${Q.esc(f.name)} · ${Q.esc(Q.facKind(f.kind))}${bad ? " · " + Q.esc(Q.t("drill.legend.damaged")) : ""}</title>` +
      `<rect x="${p[0] - s}" y="${p[1] - s}" width="${2 * s}" height="${2 * s}" rx="${s * 0.3}" fill="${bad ? "#222" : col}" stroke="${bad ? "#e74c3c" : "#fff"}" stroke-width="${(bad ? 2.5 : 1) * Math.max(k, 0.3)}"/>` +
      `<text x="${p[0]}" y="${p[1] + s * 0.45}" font-size="${s * 1.3}" text-anchor="middle" fill="#fff">${glyph}</text>` +
      (showNames ? `<text x="${p[0] + s + 2 * k}" y="${p[1] + s * 0.4}" font-size="${fs * 0.85}" fill="#333" stroke="#fff" stroke-width="${2 * k}" paint-order="stroke">${Q.esc(f.name)}</text>` : "") + `</g>`);
  }
  // Crews and reported tasks, each drawn into its own list; with a crew
  // chosen the tasks lie on top (the next click picks one), else the crews.
  const top = [], under = [];
  {
    // Crews where the team believes they are; crews at one place in a ring.
    const parts = this.selected && this.selected.what === "crew" ? under : top;
    const at = new Map();
    for (const c of o.crews || []) {
      if (!c.xy) continue;
      const key = c.xy.join(",");
      const i = at.get(key) || 0; at.set(key, i + 1);
      const p = this.px(c.xy), ring = 13 * Math.max(k, 0.3) * (i > 0 ? 1 + Math.floor((i - 1) / 8) : 0), ang = (i - 1) * Math.PI / 4;
      const x = p[0] + (i > 0 ? ring * Math.cos(ang) : 0), y = p[1] + (i > 0 ? ring * Math.sin(ang) : 0), r = 6.5 * Math.max(k, 0.3);
      const sel = this.selected && this.selected.what === "crew" && this.selected.id === c.id;
      const free = c.status === "idle" || c.status === "returning";
      parts.push(`<g data-pick="crew" data-id="${c.id}" class="crew"><title>${Q.esc(Q.crewName(c.id))} · ${Q.esc(Q.status(c.status))}</title>` +
        `<circle cx="${x}" cy="${y}" r="${sel ? r * 1.6 : r}" fill="${free ? "#1565c0" : "#263238"}" stroke="${sel ? "#00bcd4" : "#fff"}" stroke-width="${(sel ? 3 : 1) * Math.max(k, 0.3)}"/></g>`);
    }
  }
  {
    // Reported tasks: an orange diamond above the place; several tasks at
    // one place side by side, so each can be pointed at.
    const parts = this.selected && this.selected.what === "crew" ? top : under;
    const count = new Map(), seen = new Map();
    for (const t of o.tasks || []) if (t.xy) count.set(t.xy.join(","), (count.get(t.xy.join(",")) || 0) + 1);
    for (const t of o.tasks || []) {
      if (!t.xy) continue;
      const key = t.xy.join(","), i = seen.get(key) || 0; seen.set(key, i + 1);
      const s = 8 * Math.max(k, 0.3), y = this.px(t.xy)[1] - 15 * Math.max(k, 0.3);
      const p = [this.px(t.xy)[0] + (i - (count.get(key) - 1) / 2) * 2.2 * s, 0];
      const sel = this.selected && this.selected.what === "task" && this.selected.id === t.task;
      parts.push(`<g data-pick="task" data-id="${t.task}" class="task"><title>${Q.esc(Q.taskLabel(t))}</title>` +
        `<path d="M${p[0]} ${y - s}L${p[0] + s} ${y}L${p[0]} ${y + s}L${p[0] - s} ${y}Z" fill="#ff9800" stroke="${sel ? "#00bcd4" : "#5d4037"}" stroke-width="${(sel ? 3 : 1) * Math.max(k, 0.3)}"/>` +
        `<text x="${p[0]}" y="${y + s * 0.45}" font-size="${s * 1.2}" text-anchor="middle" fill="#3e2723">!</text></g>`);
    }
  }
  parts.push(...under, ...top);
  // Only a changed picture replaces the drawing (a live page refreshes
  // often; unchanged elements stay the ones the user points at).
  const html = parts.join("");
  if (html !== this.drawn) { this.svg.innerHTML = html; this.drawn = html; }
};
// The legend as HTML (for a box over the map).
Q.legend = function () {
  const row = (sw, label) => `<div class="lg">${sw}<span>${Q.esc(label)}</span></div>`;
  const line = (c, w, dash) => `<svg width="26" height="10"><line x1="1" y1="5" x2="25" y2="5" stroke="${c}" stroke-width="${w}"${dash ? ' stroke-dasharray="4 3"' : ""}/></svg>`;
  const box = (c, ch) => `<svg width="26" height="14"><rect x="6" y="0" width="14" height="14" rx="3" fill="${c}"/><text x="13" y="11" font-size="10" text-anchor="middle" fill="#fff">${ch}</text></svg>`;
  const dot = (c, stroke, dash) => `<svg width="26" height="14"><circle cx="13" cy="7" r="6" fill="${c}" fill-opacity="0.4" stroke="${stroke}" stroke-width="2"${dash ? ' stroke-dasharray="3 2"' : ""}/></svg>`;
  let h = "";
  for (const c of ["Motorway", "Trunk", "Primary", "Secondary", "Tertiary", "Local"]) h += row(line(Q.ROAD[c][0], Q.ROAD[c][1]), Q.classLabel(c));
  h += row(line("#000", 3, true), Q.t("drill.legend.closed"));
  h += row(dot("#5dade2", "#5dade2"), Q.t("drill.legend.zone"));
  h += row(dot("#e74c3c", "#e74c3c"), Q.t("drill.legend.hazard"));
  h += row(dot("#5dade2", "#e67e22", true), Q.t("drill.legend.warned"));
  for (const k of Object.keys(Q.FAC)) if (k !== "Other") h += row(box(Q.FAC[k][1], Q.lang === "en" ? Q.FAC_EN[k] : Q.FAC[k][0]), Q.facKind(k));
  h += row(box("#222", "×"), Q.t("drill.legend.damaged"));
  h += row(`<svg width="26" height="14"><path d="M13 0L20 7L13 14L6 7Z" fill="#ff9800"/></svg>`, Q.t("drill.legend.task"));
  h += row(`<svg width="26" height="14"><circle cx="13" cy="7" r="5" fill="#1565c0"/></svg>`, Q.t("drill.legend.crew_free"));
  h += row(`<svg width="26" height="14"><circle cx="13" cy="7" r="5" fill="#263238"/></svg>`, Q.t("drill.legend.crew_busy"));
  return h;
};
// A feed of sentences, newest first, grouped by hour, filtered by group.
// items: [{t: learnt s, happened: s, e: event, source}].
Q.feed = function (items, filter) {
  const rows = items.filter((x) => filter.has(Q.group(x.e.kind))).slice(-400).reverse();
  let h = "", hour = null;
  for (const x of rows) {
    const hh = Q.clock(x.t).slice(0, -3);
    if (hh !== hour) { hour = hh; h += `<div class="hour">${Q.esc(hh)}:00</div>`; }
    const late = x.happened !== undefined && x.t - x.happened >= 60 ? ` <span class="late">${Q.esc(Q.t("drill.feed.happened", { time: Q.time(x.happened) }))}</span>` : "";
    const src = x.source ? ` <span class="src">${Q.esc(Q.source(x.source))}</span>` : "";
    h += `<div class="ev g-${Q.group(x.e.kind)}"><b>${Q.time(x.t)}</b> ${Q.esc(Q.sentence(x.e))}${src}${late}</div>`;
  }
  return h || `<div class="empty">${Q.esc(Q.t("drill.feed.empty"))}</div>`;
};
// Filter chips for the feed's groups; onChange after each toggle.
Q.filters = function (box, filter, onChange) {
  box.innerHTML = Q.GROUPS.map((g) => `<label class="chip g-${g}"><input type="checkbox" data-g="${g}"${filter.has(g) ? " checked" : ""}> ${Q.esc(Q.tk("group", g))}</label>`).join("");
  box.querySelectorAll("input").forEach((i) => { i.onchange = () => { if (i.checked) filter.add(i.dataset.g); else filter.delete(i.dataset.g); onChange(); }; });
};
// A server answer as a sentence: why by its status (the server's own
// words name ids; they stay in the message's tooltip).
Q.REFUSED = { 401: "drill.refused.401", 403: "drill.refused.403", 404: "drill.refused.404", 409: "drill.refused.409", 413: "drill.refused.413", 422: "drill.refused.422", 429: "drill.refused.429", 503: "drill.refused.503" };
Q.answer = function (r) {
  if (r.status >= 200 && r.status < 300) return Q.t("drill.msg.ok");
  return Q.t("drill.msg.refused", { why: Q.REFUSED[r.status] ? Q.t(Q.REFUSED[r.status]) : String(r.status) });
};
// Show an answer in `el`: the sentence, the server's detail as tooltip.
Q.say = function (el, r) {
  el.textContent = Q.answer(r);
  el.title = r.data && r.data.error ? r.data.error : "";
  el.dataset.status = r.status;
};
Q.live = function (onClock) {
  const es = new EventSource("/api/events?token=" + encodeURIComponent(Q.token));
  es.addEventListener("clock", (ev) => onClock(JSON.parse(ev.data)));
  return es;
};
