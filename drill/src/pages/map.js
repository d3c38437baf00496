// Shared by the controller and team pages: token handling, API calls, the
// SVG map. Fetches only this server's API.
"use strict";
const Q = {};
Q.token = (function () {
  const m = location.hash.match(/token=([0-9a-f]+)/);
  if (m) { sessionStorage.setItem("qilian-token", m[1]); history.replaceState(null, "", location.pathname); }
  return sessionStorage.getItem("qilian-token") || "";
})();
Q.api = async function (method, path, body) {
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
Q.hms = function (t) {
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60);
  return h + " h " + String(m).padStart(2, "0") + " min";
};
Q.describe = function (e) {
  const k = e.kind;
  const rest = Object.keys(e).filter((x) => x !== "kind" && x !== "t_s").map((x) => x + " " + JSON.stringify(e[x])).join(", ");
  return k + (rest ? ": " + rest : "");
};
// The map: a viewBox over the region's nodes, y up.
Q.Map = function (svg, map) {
  this.svg = svg; this.map = map;
  let xs = map.nodes.map((n) => n[0]), ys = map.nodes.map((n) => n[1]);
  this.x0 = Math.min(...xs); this.x1 = Math.max(...xs); this.y0 = Math.min(...ys); this.y1 = Math.max(...ys);
  const w = this.x1 - this.x0 || 1, h = this.y1 - this.y0 || 1;
  this.s = 800 / Math.max(w, h);
  svg.setAttribute("viewBox", "-10 -10 " + (w * this.s + 20) + " " + (h * this.s + 20));
};
Q.Map.prototype.px = function (xy) { return [(xy[0] - this.x0) * this.s, (this.y1 - xy[1]) * this.s]; };
Q.Map.prototype.draw = function (overlay) {
  const m = this.map, parts = [];
  const closed = overlay.closed || new Set(), damaged = overlay.damaged || new Set(), zonesHit = overlay.zones || new Set();
  for (const [id, a, b, main, twin] of m.edges) {
    const p = this.px(m.nodes[a]), q = this.px(m.nodes[b]);
    const shut = closed.has(id) || (twin !== null && closed.has(twin));
    const c = shut ? "#d55e00" : (main ? "#555" : "#bbb");
    parts.push(`<line x1="${p[0]}" y1="${p[1]}" x2="${q[0]}" y2="${q[1]}" stroke="${c}" stroke-width="${shut ? 4 : (main ? 2 : 1)}"><title>edge ${id}${twin !== null ? " / " + twin : ""}</title></line>`);
  }
  for (const z of m.zones) {
    if (!z.xy) continue;
    const p = this.px(z.xy);
    parts.push(`<circle cx="${p[0]}" cy="${p[1]}" r="9" fill="${zonesHit.has(z.id) ? "#e69f00" : "#56b4e9"}" fill-opacity="0.5"><title>zone ${z.id} ${Q.esc(z.name)}</title></circle>`);
  }
  for (const f of m.facilities) {
    if (!f.xy) continue;
    const p = this.px(f.xy);
    parts.push(`<rect x="${p[0] - 4}" y="${p[1] - 4}" width="8" height="8" fill="${damaged.has(f.id) ? "#cc0000" : "#009e73"}"><title>${Q.esc(f.kind)} ${f.id} ${Q.esc(f.name)}</title></rect>`);
  }
  for (const c of overlay.crews || []) {
    if (!c.xy) continue;
    const p = this.px(c.xy);
    parts.push(`<circle cx="${p[0]}" cy="${p[1]}" r="4" fill="${c.status === "idle" ? "#0072b2" : "#000"}"><title>crew ${c.id} ${c.kind} ${c.status}</title></circle>`);
  }
  this.svg.innerHTML = parts.join("");
};
// Road, facility and zone state from a list of events.
Q.overlay = function (events) {
  const closed = new Set(), damaged = new Set(), zones = new Set();
  for (const e of events) {
    if (e.kind === "EdgeClosed" || e.kind === "EdgeDamaged") closed.add(e.edge);
    if (e.kind === "EdgeOpened") closed.delete(e.edge);
    if (e.kind === "FacilityDamaged") damaged.add(e.facility);
    if (e.kind === "FacilityRepaired") damaged.delete(e.facility);
    if (e.kind === "ZoneContaminated" || e.kind === "HazardReachedZone") zones.add(e.zone);
    if (e.kind === "ZoneCleaned") zones.delete(e.zone);
  }
  return { closed, damaged, zones };
};
Q.live = function (onClock) {
  const es = new EventSource("/api/events?token=" + encodeURIComponent(Q.token));
  es.addEventListener("clock", (ev) => onClock(JSON.parse(ev.data)));
  return es;
};
