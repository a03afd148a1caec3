// thaad app: the interactive explorer's page. Plain SVG over the Natural Earth coastlines
// and borders served by the app (/api/geo); no library, nothing fetched from outside.
// The state is the query string (shareable); every change recomputes the footprint and the
// coverage, aborting the previous fetch (AbortController) -- the server supersedes its
// queued job too.
"use strict";

// the shape's parameters: which shapes take each one, and its range [lo, hi, lo in, hi in]
// as the scenario schema has it (the server checks them again, and the branch of the shape)
const SHAPE_PARAMS = {
  apogee: [["lofted", "depressed", "pull-up"], [1, 10000, true, true]],
  burnout_angle: [["lofted", "depressed"], [0, 90, false, false]],
  lift_to_drag: [["pull-up"], [0, 10, false, true]],
  manoeuvre_start: [["pull-up"], [0, 200, false, true]],
  load_factor: [["pull-up"], [0, 100, false, true]],
  dive_angle: [["pull-up"], [0, 90, false, false]],
};
const GLIDE = ["lift_to_drag", "manoeuvre_start", "load_factor", "dive_angle"];
const CONTROLS = ["threat", "shape", ...Object.keys(SHAPE_PARAMS), "radar", "face", "rcs",
  "doctrine", "shots", "sspk", "threshold", "alt", "grid", "extent"];
const KEYS = ["battery", "launch", ...CONTROLS];
const NS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const svg = $("map");

let D = null;          // the server's defaults and choices
let state = {};        // the view: strings as in the query string
let good = {};         // the last state the server accepted
let vb = null;         // the SVG viewBox {x, y, w, h} in projected degrees
let K = 1;             // cos(reference latitude): x = lon * K, y = -lat
let fpCtrl = null, engCtrl = null, gen = 0;
window.thaadReady = false;
window.thaadBusy = false;
window.thaadTimings = [];
window.thaadRetries = 0;

// ---------------------------------------------------------------- projection and helpers
const px = (lon) => lon * K;
const py = (lat) => -lat;
const fmt = (v, d) => Number(v).toLocaleString("en-US", { maximumFractionDigits: d });
function el(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
function pkColor(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return "#9e9e9e";
  const stops = [[0, [215, 48, 39]], [0.5, [254, 224, 139]], [1, [26, 152, 80]]];
  p = Math.min(1, Math.max(0, p));
  for (let i = 1; i < stops.length; i++) {
    const [p1, c1] = stops[i];
    const [p0, c0] = stops[i - 1];
    if (p <= p1) {
      const f = (p - p0) / (p1 - p0);
      const c = c0.map((v, j) => Math.round(v + f * (c1[j] - v)));
      return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    }
  }
  return "rgb(26, 152, 80)";
}
function screenScale() {  // projected degrees per screen pixel
  return vb.w / Math.max(svg.clientWidth, 1);
}
function toMap(evt) {
  const p = svg.createSVGPoint();
  p.x = evt.clientX;
  p.y = evt.clientY;
  const q = p.matrixTransform(svg.getScreenCTM().inverse());
  return [-q.y, q.x / K];  // lat, lon
}
function ll(s) { return s.split(",").map(Number); }
function showMessage(text) {
  const m = $("msg");
  m.textContent = text || "";
  m.hidden = !text;
}

// ---------------------------------------------------------------- state and validation
function check(key, v) {
  const num = (x) => (x.trim() !== "" && Number.isFinite(Number(x)) ? Number(x) : null);
  if (key === "battery" || key === "launch") {
    const p = v.split(",");
    const a = p.length === 2 ? p.map(num) : [null];
    if (a.some((x) => x === null)) return `${key}: '${v}' is not LAT,LON`;
    if (Math.abs(a[0]) > 90 || Math.abs(a[1]) > 180) return `${key}: '${v}' is off the Earth`;
    return null;
  }
  if (["threat", "shape", "radar", "doctrine"].includes(key)) {
    const ok = key === "threat" ? Object.keys(D.choices.threat) : D.choices[key];
    return ok.includes(v) ? null : `${key}: '${v}' is not one of ${ok.join(", ")}`;
  }
  const x = num(v);
  if (key in SHAPE_PARAMS) {  // empty: not given (the shape's default)
    if (v === "") return null;
    if (x === null) return `${key}: '${v}' is not a number`;
    const [lo, hi, loIn, hiIn] = SHAPE_PARAMS[key][1];
    if (x < lo || x > hi || (!loIn && x === lo) || (!hiIn && x === hi))
      return `${key}: ${v} is outside ${loIn ? "[" : "("}${lo}, ${hi}${hiIn ? "]" : ")"}`;
    return null;
  }
  if (key === "rcs" && v === "") return null;
  if (x === null) return `${key}: '${v}' is not a number`;
  const ranges = { face: [0, 360, false], rcs: [0, 1e3, false], sspk: [0, 1, true],
    shots: [1, 16, true], grid: [2, D.grid_max, true], extent: [1, 3000, true],
    threshold: [0, 1, true], alt: [0, 5000, true] };
  const [lo, hi, hiIn] = ranges[key];
  if (x < lo || x > hi || (!hiIn && x === hi) || ((key === "rcs" || key === "threshold") && x === 0))
    return `${key}: ${v} is outside ${["rcs", "threshold"].includes(key) ? "(" : "["}${lo}, ${hi}${hiIn ? "]" : ")"}`;
  if ((key === "shots" || key === "grid") && !Number.isInteger(x))
    return `${key}: ${v} is not an integer`;
  return null;
}
const opt = (x) => (x === null || x === undefined ? "" : String(x));
function shapeState(shape) {  // the shape's parameters as the scenario has them, for `shape`
  const s = {};
  for (const k of Object.keys(SHAPE_PARAMS))
    s[k] = SHAPE_PARAMS[k][0].includes(shape) && (GLIDE.includes(k) || shape === D.shape)
      ? opt(D[k]) : "";
  return s;
}
function defaultsState() {
  return { battery: D.battery.join(","), launch: D.launch.join(","), threat: D.threat,
    shape: D.shape, ...shapeState(D.shape), radar: D.radar, face: String(D.face), rcs: "",
    doctrine: D.doctrine, shots: String(D.shots), sspk: String(D.sspk), grid: String(D.grid),
    extent: String(D.extent), threshold: String(D.threshold), alt: String(D.alt) };
}
function readURL() {
  const s = defaultsState();
  const errs = [];
  let q;
  try {
    q = new URLSearchParams(location.search);
  } catch (e) {
    return [s, ["the query string is not valid"]];
  }
  for (const [k, v] of q) {
    if (!KEYS.includes(k)) errs.push(`${k}: unknown parameter`);
    else {
      const err = check(k, v);
      if (err) errs.push(err);
      else s[k] = v;
    }
  }
  if (q.has("shape")) {  // the shape's parameters not in the URL: the shape's own
    const own = shapeState(s.shape);
    for (const k of Object.keys(SHAPE_PARAMS)) if (!q.has(k)) s[k] = own[k];
  }
  return [s, errs];
}
function query(s) {
  const q = new URLSearchParams();
  for (const k of KEYS) if (s[k] !== "" && s[k] !== undefined) q.set(k, s[k]);
  return q.toString();
}
function syncControls() {
  for (const k of CONTROLS) $(k).value = state[k];
  $("rcs").placeholder = `${D.choices.threat[state.threat]} (class)`;
  for (const l of document.querySelectorAll("#controls [data-shapes]"))
    l.hidden = !l.dataset.shapes.split(" ").includes(state.shape);
  const f = D.shape_defaults;
  $("apogee").placeholder = { lofted: `${f.lofted_apogee_factor}× min-energy`,
    depressed: `${f.depressed_apogee_factor}× min-energy`,
    "pull-up": `${f.pullup_apogee_km}` }[state.shape] || "";
  const q = query(state);
  $("export").href = "/api/export?" + q;
  $("share").href = "?" + q;
}

// ---------------------------------------------------------------- map
function pathOf(geom) {
  if (!geom) return "";
  const ring = (r) => r.map(([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(4)} ${py(y).toFixed(4)}`).join("") ;
  const t = geom.type;
  const c = geom.coordinates;
  if (t === "LineString") return ring(c);
  if (t === "MultiLineString") return c.map(ring).join("");
  if (t === "Polygon") return c.map((r) => ring(r) + "Z").join("");
  if (t === "MultiPolygon") return c.map((p) => p.map((r) => ring(r) + "Z").join("")).join("");
  if (t === "GeometryCollection") return geom.geometries.map(pathOf).join("");
  return "";
}
function setViewBox() {
  const w = svg.clientWidth || 800;
  const h = svg.clientHeight || 600;
  vb.h = vb.w * h / w;
  svg.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
  drawMarkers();
}
function initialView() {
  const pts = [D.battery, D.launch, ...D.assets.map((a) => [a.lat_deg, a.lon_deg]),
    ll(state.battery), ll(state.launch)];
  const xs = pts.map((p) => px(p[1]));
  const ys = pts.map((p) => py(p[0]));
  const m = 2.5;
  const x0 = Math.min(...xs) - m, x1 = Math.max(...xs) + m;
  const y0 = Math.min(...ys) - m, y1 = Math.max(...ys) + m;
  const w = svg.clientWidth || 800, h = svg.clientHeight || 600;
  const width = Math.max(x1 - x0, (y1 - y0) * w / h);
  vb = { x: (x0 + x1) / 2 - width / 2, y: (y0 + y1) / 2 - width * h / w / 2, w: width, h: 0 };
  setViewBox();
}
function drawGeo(fc) {
  const g = $("geo");
  g.replaceChildren();
  for (const f of fc.features) el("path", { d: pathOf(f.geometry), class: f.properties.kind }, g);
}
function drawMarkers() {
  const g = $("markers");
  g.replaceChildren();
  if (!vb) return;
  const s = screenScale();
  for (const key of ["launch", "battery"]) {
    const [lat, lon] = ll(state[key]);
    const x = px(lon), y = py(lat);
    const r = 8 * s;
    const m = key === "battery"
      ? el("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r }, g)
      : el("path", { d: `M${x} ${y - 1.3 * r}L${x + r} ${y}L${x} ${y + 1.3 * r}L${x - r} ${y}Z` }, g);
    m.setAttribute("class", `marker ${key}`);
    m.setAttribute("id", `marker-${key}`);
    m.dataset.key = key;
    const t = el("text", { x: x + 1.6 * r, y: y - 1.2 * r, "font-size": 12 * s }, g);
    t.textContent = key === "battery" ? "battery" : "launch";
  }
  drawAssets();
}
let lastFootprint = null;
function drawAssets() {
  const g = $("assets");
  g.replaceChildren();
  if (!lastFootprint || !vb) return;
  const s = screenScale();
  const tbody = $("asset-table").tBodies[0];
  tbody.replaceChildren();
  for (const f of lastFootprint.features) {
    if (f.properties.kind !== "asset") continue;
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties.p_kill;
    const c = el("circle", { cx: px(lon), cy: py(lat), r: 6 * s, fill: pkColor(p),
      "data-name": f.properties.name, "data-pkill": p === null ? "" : p, class: "asset" }, g);
    el("title", {}, c).textContent = `${f.properties.name}: P(kill) ${p === null ? "out of reach" : p.toFixed(3)}`;
    const t = el("text", { x: px(lon) + 9 * s, y: py(lat) + 4 * s, "font-size": 11 * s }, g);
    t.textContent = `${f.properties.name} ${p === null ? "–" : p.toFixed(2)}`;
    const tr = document.createElement("tr");
    tr.innerHTML = `<td><span class="dot" style="background:${pkColor(p)}"></span></td><td></td>`;
    tr.cells[0].append(f.properties.name);
    tr.cells[1].textContent = p === null ? "out of reach" : p.toFixed(3) + (f.properties.defended ? " defended" : "");
    tbody.appendChild(tr);
  }
}
function drawFootprint(fc) {
  lastFootprint = fc;
  const r = fc.raster;
  const nlat = r.lats.length, nlon = r.lons.length;
  const cv = document.createElement("canvas");
  cv.width = nlon;
  cv.height = nlat;
  const ctx = cv.getContext("2d");
  const img = ctx.createImageData(nlon, nlat);
  for (let i = 0; i < nlat; i++) {
    for (let j = 0; j < nlon; j++) {
      const p = r.p_kill[i][j];
      const k = ((nlat - 1 - i) * nlon + j) * 4;
      if (p === null) { img.data[k + 3] = 0; continue; }
      const m = pkColor(p).match(/\d+/g).map(Number);
      img.data[k] = m[0]; img.data[k + 1] = m[1]; img.data[k + 2] = m[2]; img.data[k + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  const dlat = (r.lats[nlat - 1] - r.lats[0]) / (nlat - 1);
  const dlon = (r.lons[nlon - 1] - r.lons[0]) / (nlon - 1);
  const ras = $("raster");
  ras.setAttribute("href", cv.toDataURL("image/png"));
  ras.setAttribute("x", px(r.lons[0] - dlon / 2));
  ras.setAttribute("y", py(r.lats[nlat - 1] + dlat / 2));
  ras.setAttribute("width", px(r.lons[nlon - 1] - r.lons[0] + dlon));
  ras.setAttribute("height", r.lats[nlat - 1] - r.lats[0] + dlat);
  const contour = fc.features.find((f) => f.properties.kind === "contour");
  $("contour").setAttribute("d", pathOf(contour.geometry));
  const s = fc.summary;
  $("area").textContent = `${fmt(s.defended_area_km2, 0)} km²`;
  $("area-threshold").textContent = `(P(kill) ≥ ${s.threshold})`;
  drawAssets();
}
function drawShape(sh) {
  let t = sh.shape;
  if (sh.burnout_angle_deg !== null) t += `, burnout angle ${fmt(sh.burnout_angle_deg, 2)}°`;
  else if (sh.apogee_km !== null)
    t += `, apogee ${fmt(sh.apogee_km, 1)} km${sh.apogee_default ? " (default)" : ""}`;
  if (sh.shape === "pull-up")
    t += `, L/D ${sh.lift_to_drag}, below ${sh.manoeuvre_start_km} km, ${sh.load_factor_max} g, ` +
      `dive ${sh.dive_angle_deg}°`;
  if (sh.shape === "max-range") t += " (one range only: the footprint is empty)";
  $("shape-info").textContent = t;
}
function drawCoverage(fc) {
  const f = fc.features.find((x) => x.properties.kind === "coverage");
  $("coverage").setAttribute("d", pathOf(f.geometry));
  const p = f.properties;
  $("cov").textContent = `${fmt(p.coverage_range_m / 1e3, 0)} km (${p.limited_by}), ` +
    `${fmt(p.coverage_area_km2, 0)} km² at ${fmt(p.target_alt_m / 1e3, 0)} km altitude`;
}

// ---------------------------------------------------------------- server
async function getJSON(url, signal) {
  const r = await fetch(url, { signal });
  if (!r.ok) {
    const text = (await r.text()).trim();
    const e = new Error(text || `HTTP ${r.status}`);
    e.status = r.status;
    throw e;
  }
  return r.json();
}
// The server answers 409 when a newer request took a queued job's place. The page's requests
// travel on parallel connections, so an older, already aborted request can reach the server
// after the newest one and supersede it: while the request superseded is still the page's
// newest, ask again (the stale ones are few, so this ends).
async function latest(get, isCurrent) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await get();
    } catch (e) {
      if (e.status !== 409 || !isCurrent() || attempt >= 5) throw e;
      window.thaadRetries++;
    }
  }
}
const busy = new Set();  // what is being computed: "footprint", "engagement"
function setBusy(what, on) {
  if (on) busy.add(what);
  else busy.delete(what);
  window.thaadBusy = busy.size > 0;
  $("busy").hidden = busy.size === 0;
  $("busy").textContent = busy.has("engagement") ? "flying the engagement…" : "computing…";
  document.body.classList.toggle("busy", busy.size > 0);
}
async function recompute() {
  const my = ++gen;
  if (fpCtrl) fpCtrl.abort();
  fpCtrl = new AbortController();
  const signal = fpCtrl.signal;
  setBusy("footprint", true);
  syncControls();
  const q = query(state);
  const t0 = performance.now();
  try {
    const [fp, cov] = await latest(() => Promise.all([getJSON("/api/footprint?" + q, signal),
      getJSON("/api/coverage?" + q, signal)]), () => my === gen && !signal.aborted);
    if (my !== gen) return;
    drawFootprint(fp);
    drawCoverage(cov);
    drawShape(fp.shape);
    // a shape's default apogee becomes part of the view (the URL, the export): shareable
    if (fp.shape.apogee_default && state.apogee === "" && state.burnout_angle === "") {
      state.apogee = String(fp.shape.apogee_km);
      syncControls();
    }
    const ms = performance.now() - t0;
    window.thaadTimings.push(ms);
    $("timing").textContent = `${(ms / 1000).toFixed(2)} s (footprint ${fp.compute_s.toFixed(2)} s on the server, ${fp.summary.grid}×${fp.summary.grid} cells)`;
    good = { ...state };
    history.replaceState(null, "", "?" + query(state));
    if (!$("msg").dataset.sticky) showMessage("");
    $("msg").dataset.sticky = "";
  } catch (e) {
    if (e.name === "AbortError" || my !== gen || e.status === 409) return;
    showMessage(e.message);
    state = { ...good };
    syncControls();
    drawMarkers();
    if (!lastFootprint && query(state) !== q) {  // nothing drawn yet (a refused shared URL):
      $("msg").dataset.sticky = "1";            // draw the last good view, keep the reason
      await recompute();
    }
  } finally {
    if (my === gen) setBusy("footprint", false);
  }
}
function drawEngagement(d, lat, lon) {
  const g = $("engagement");
  g.replaceChildren();
  const s = screenScale();
  const x = px(lon), y = py(lat), r = 7 * s;
  el("path", { d: `M${x - r} ${y - r}L${x + r} ${y + r}M${x - r} ${y + r}L${x + r} ${y - r}`,
    class: "aim" }, g);
  const [la, lo] = ll(state.launch);
  el("path", { d: `M${px(lo)} ${py(la)}L${x} ${y}`, class: "ground" }, g);
  const res = d.result;
  $("engage").hidden = false;
  $("engage-aim").textContent = `at ${lat.toFixed(3)}N ${lon.toFixed(3)}E`;
  $("outcome").textContent = res.intercepted
    ? `INTERCEPT at ${(res.intercept_alt_m / 1e3).toFixed(1)} km altitude, T+${res.intercept_time_s.toFixed(1)} s, ${res.interceptors_fired} interceptor(s) fired`
    : `NO INTERCEPT; ${res.interceptors_fired} interceptor(s) fired`;
  const ol = $("timeline");
  ol.replaceChildren();
  for (const line of d.timeline) {
    const li = document.createElement("li");
    li.textContent = line;
    ol.appendChild(li);
  }
  // altitude profile: threat red, interceptors blue
  const P = $("profile");
  P.replaceChildren();
  const W = 340, H = 170, l = 46, b = 20, t = 8, rr = 8;
  const tmax = Math.max(...d.profiles.map((p) => p.t_s[p.t_s.length - 1]));
  const amax = Math.max(...d.profiles.map((p) => Math.max(...p.alt_km))) * 1.05;
  const X = (v) => l + (W - l - rr) * v / tmax;
  const Y = (v) => H - b - (H - b - t) * v / amax;
  el("path", { d: `M${l} ${t}L${l} ${H - b}L${W - rr} ${H - b}`, stroke: "#333", fill: "none" }, P);
  for (const [txt, xx, yy, anchor] of [[`${amax.toFixed(0)} km`, l - 2, t + 8, "end"],
    ["0", l - 2, H - b, "end"], [`T+${tmax.toFixed(0)} s`, W - rr, H - 6, "end"],
    ["altitude", l + 4, t + 8, "start"]]) {
    el("text", { x: xx, y: yy, "text-anchor": anchor }, P).textContent = txt;
  }
  d.profiles.forEach((p, i) => {
    el("polyline", { points: p.t_s.map((tt, k) => `${X(tt).toFixed(1)},${Y(p.alt_km[k]).toFixed(1)}`).join(" "),
      stroke: i === 0 ? "#c0392b" : "#1f5fbf" }, P);
  });
  const v = $("viewer");
  v.replaceChildren();
  if (d.viewer) {
    const a = document.createElement("a");
    a.href = d.viewer;
    a.target = "_blank";
    a.id = "viewer-link";
    a.textContent = "Open this engagement in the 3-D viewer";
    v.appendChild(a);
  } else {
    v.textContent = d.viewer_hint;
  }
  v.appendChild(document.createElement("br"));
  v.append(`run directory: ${d.dir}`);
}
async function engageAt(lat, lon) {
  if (engCtrl) engCtrl.abort();
  engCtrl = new AbortController();
  const signal = engCtrl.signal;
  setBusy("engagement", true);
  const aim = `${lat.toFixed(4)},${lon.toFixed(4)}`;
  try {
    const d = await latest(() => getJSON(`/api/engage?${query(state)}&aim=${aim}`, signal),
      () => engCtrl.signal === signal && !signal.aborted);
    drawEngagement(d, lat, lon);
    showMessage("");
  } catch (e) {
    if (e.name === "AbortError" || e.status === 409) return;
    showMessage(e.message);
  } finally {
    if (!signal.aborted) setBusy("engagement", false);
  }
}

// ---------------------------------------------------------------- interaction
let drag = null;
svg.addEventListener("pointerdown", (evt) => {
  const key = evt.target.dataset ? evt.target.dataset.key : undefined;
  drag = { key, x0: evt.clientX, y0: evt.clientY, vb0: { ...vb }, moved: false };
  svg.setPointerCapture(evt.pointerId);
  if (!key) svg.classList.add("panning");
  evt.preventDefault();
});
svg.addEventListener("pointermove", (evt) => {
  if (!drag) return;
  const dx = evt.clientX - drag.x0, dy = evt.clientY - drag.y0;
  if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
  if (drag.key) {
    const [lat, lon] = toMap(evt);
    state[drag.key] = `${lat.toFixed(4)},${lon.toFixed(4)}`;
    drawMarkers();
  } else {
    const s = screenScale();
    vb.x = drag.vb0.x - dx * s;
    vb.y = drag.vb0.y - dy * s;
    svg.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
  }
});
svg.addEventListener("pointerup", (evt) => {
  if (!drag) return;
  const d = drag;
  drag = null;
  svg.classList.remove("panning");
  if (d.key) {
    if (d.moved) recompute();
  } else if (!d.moved) {
    const [lat, lon] = toMap(evt);
    engageAt(lat, lon);
  }
});
svg.addEventListener("wheel", (evt) => {
  evt.preventDefault();
  const f = Math.exp(evt.deltaY * 0.0015);
  const p = svg.createSVGPoint();
  p.x = evt.clientX;
  p.y = evt.clientY;
  const q = p.matrixTransform(svg.getScreenCTM().inverse());
  vb.x = q.x - (q.x - vb.x) * f;
  vb.y = q.y - (q.y - vb.y) * f;
  vb.w *= f;
  setViewBox();
}, { passive: false });
window.addEventListener("resize", () => vb && setViewBox());
for (const k of CONTROLS) {
  $(k).addEventListener("change", () => {
    const v = $(k).value.trim();
    const err = check(k, v);
    if (err) {
      showMessage(err);
      $(k).value = state[k];
      return;
    }
    state[k] = v;
    if (k === "threat") state.rcs = "";
    if (k === "shape") Object.assign(state, shapeState(v));  // the new shape's parameters
    if (k === "apogee" && v !== "") state.burnout_angle = "";  // one or the other
    if (k === "burnout_angle" && v !== "") state.apogee = "";
    recompute();
  });
}

// ---------------------------------------------------------------- start
async function start() {
  try {
    D = await getJSON("/api/defaults");
    $("scenario").textContent = D.scenario;
    for (const k of ["shape", "radar", "doctrine"])
      for (const v of D.choices[k]) $(k).add(new Option(v, v));
    for (const v of Object.keys(D.choices.threat)) $("threat").add(new Option(v, v));
    $("grid").max = D.grid_max;
    const [s, errs] = readURL();
    state = s;
    good = defaultsState();
    K = Math.cos(ll(state.battery)[0] * Math.PI / 180);
    initialView();
    const notes = [];
    if (D.note) notes.push(D.note);
    if (errs.length) notes.push(`ignored: ${errs.join("; ")}`);
    if (notes.length) {
      showMessage(notes.join(" | "));
      $("msg").dataset.sticky = "1";
    }
    syncControls();
    const geo = getJSON("/api/geo").then(drawGeo);
    await Promise.all([geo, recompute()]);
  } catch (e) {
    showMessage(`the app could not start: ${e.message}`);
  }
  window.thaadReady = true;
}
start();
