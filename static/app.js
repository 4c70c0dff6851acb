/* static/app.js: nureach's first page. Fills the experiment and PDF pickers from GET /api/v1/experiments
 * and GET /api/v1/models, asks POST /api/v1/spectra for the Standard Model ("sm") charged-current event
 * spectra, and draws them as step histograms on log-log axes in inline SVG, with a table of totals, the
 * cache status (X-Nureach-Cache header) and the compute time. API errors (RFC 9457 problem+json) are
 * shown in a visible box. Plain JavaScript, no dependencies. */
"use strict";

const MODEL = "sm";
const SVG_NS = "http://www.w3.org/2000/svg";

/* Six flavours, in the order the legend and the table list them; antineutrinos are dashed. */
const NU = "\u03bd", NUBAR = "\u03bd\u0304";
const CHANNEL_STYLE = {
  nu_e: { base: NU, sub: "e", color: "#1f5fbf", dash: "" },
  nubar_e: { base: NUBAR, sub: "e", color: "#5fa8e8", dash: "6 4" },
  nu_mu: { base: NU, sub: "\u03bc", color: "#c4302b", dash: "" },
  nubar_mu: { base: NUBAR, sub: "\u03bc", color: "#f08a3c", dash: "6 4" },
  nu_tau: { base: NU, sub: "\u03c4", color: "#23893a", dash: "" },
  nubar_tau: { base: NUBAR, sub: "\u03c4", color: "#86c96b", dash: "6 4" },
};
const FALLBACK_COLORS = ["#6a3d9a", "#b15928", "#e7298a", "#666666"];

const $ = (id) => document.getElementById(id);

/* ---------- HTTP ---------- */

class ApiError extends Error {
  constructor(status, problem, text) {
    super((problem && (problem.title || problem.detail)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.text = text;
  }
}

/* Fetches JSON; resolves {body, headers}; rejects with ApiError (HTTP error) or TypeError (network). */
async function apiRequest(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body, text);
  if (body === null) throw new ApiError(response.status, { title: "The server's answer is not JSON" }, text);
  return { body, headers: response.headers };
}

/* ---------- reading the API's answers (checked, so a changed shape fails with a clear message) ---------- */

function arrayField(body, key, endpoint) {
  if (body && Array.isArray(body[key])) return body[key];
  throw new Error(`${endpoint} did not return a "${key}" list`);
}

function isNeutrinoTarget(experiment) {
  return experiment && experiment.kind === "neutrino_target";
}

function findParameter(model, name) {
  const params = Array.isArray(model.parameters) ? model.parameters : [];
  return params.find((p) => p && p.name === name) || null;
}

/* Bin edges [GeV] from result.bins = [{lo, hi}, ...] (contiguous, ascending). */
function binEdges(bins) {
  if (!Array.isArray(bins) || bins.length === 0 || !bins.every((b) => b && "lo" in b && "hi" in b)) {
    throw new Error("the answer has no energy bins (result.bins = [{lo, hi}])");
  }
  return bins.map((b) => Number(b.lo)).concat([Number(bins[bins.length - 1].hi)]);
}

/* {edges, channels:[{name, label, total, bins}], total, xName, xUnit} or throws with the reason. */
function readSpectra(body) {
  const result = (body && body.result) || {};
  const edges = binEdges(result.bins);
  const raw = Array.isArray(result.channels) ? result.channels : [];
  if (raw.length === 0) throw new Error("the answer has no channels (result.channels)");
  const channels = raw.map((c) => {
    const bins = Array.isArray(c.events_per_bin) ? c.events_per_bin.map(Number) : [];
    if (bins.length !== edges.length - 1) {
      throw new Error(`channel ${c.name}: ${bins.length} values in events_per_bin for ${edges.length - 1} bins`);
    }
    return { name: String(c.name), label: String(c.label || c.name), total: Number(c.events), bins };
  });
  const x = result.x || {};
  return { edges, channels, total: Number(result.total_events), xName: x.name || "E_nu", xUnit: x.unit || "GeV" };
}

/* ---------- numbers ---------- */

function formatEvents(v) {
  if (!Number.isFinite(v)) return "\u2013";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e9 || a < 1e-2) return v.toExponential(3);
  if (a >= 100) return Math.round(v).toLocaleString("en-US");
  return v.toPrecision(3);
}

function styleOf(name, index) {
  return CHANNEL_STYLE[name] || { base: name, sub: "", color: FALLBACK_COLORS[index % FALLBACK_COLORS.length], dash: "" };
}

/* ---------- SVG drawing ---------- */

function svgElement(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/* "10" with a superscript exponent. */
function powerLabel(exponent, attrs) {
  const t = svgElement("text", attrs);
  t.appendChild(svgElement("tspan", {}, "10"));
  t.appendChild(svgElement("tspan", { dy: "-0.5em", "font-size": "9px" }, String(exponent)));
  return t;
}

/* Log-scale axis mapping: decades [lo, hi] (integers) onto pixels [p0, p1]. */
function logScale(decLo, decHi, p0, p1) {
  return (v) => p0 + ((Math.log10(v) - decLo) / (decHi - decLo)) * (p1 - p0);
}

/* Decade range covering the positive values, at most maxDecades below the largest. */
function decadeRange(values, maxDecades) {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return null;
  let hi = Math.ceil(Math.log10(Math.max(...pos)));
  let lo = Math.floor(Math.log10(Math.min(...pos)));
  if (hi === lo) hi += 1;
  if (hi - lo > maxDecades) lo = hi - maxDecades;
  return [lo, hi];
}

/* Step-histogram path: flat at each bin's height, vertical at the edges, down to the floor at zero. */
function stepPath(edges, bins, sx, sy, floorY, yMin) {
  const yOf = (v) => (v > yMin ? Math.min(sy(v), floorY) : floorY);
  let d = `M${sx(edges[0]).toFixed(1)},${floorY.toFixed(1)}`;
  for (let i = 0; i < bins.length; i++) {
    const y = yOf(bins[i]).toFixed(1);
    d += ` L${sx(edges[i]).toFixed(1)},${y} L${sx(edges[i + 1]).toFixed(1)},${y}`;
  }
  return d + ` L${sx(edges[edges.length - 1]).toFixed(1)},${floorY.toFixed(1)}`;
}

function drawAxes(svg, box, xDec, yDec, sx, sy, spectra, yLabel) {
  const { left, right, top, bottom } = box;
  for (let d = xDec[0]; d <= xDec[1]; d++) {
    const x = sx(10 ** d);
    svg.appendChild(svgElement("line", { class: "grid", x1: x, x2: x, y1: top, y2: bottom }));
    svg.appendChild(svgElement("line", { class: "axis", x1: x, x2: x, y1: bottom, y2: bottom + 6 }));
    svg.appendChild(powerLabel(d, { class: "tick", x: x, y: bottom + 22, "text-anchor": "middle" }));
    for (let m = 2; m <= 9 && d < xDec[1]; m++) {
      const xm = sx(m * 10 ** d);
      svg.appendChild(svgElement("line", { class: "axis", x1: xm, x2: xm, y1: bottom, y2: bottom + 3 }));
    }
  }
  for (let d = yDec[0]; d <= yDec[1]; d++) {
    const y = sy(10 ** d);
    svg.appendChild(svgElement("line", { class: "grid", x1: left, x2: right, y1: y, y2: y }));
    svg.appendChild(svgElement("line", { class: "axis", x1: left - 6, x2: left, y1: y, y2: y }));
    svg.appendChild(powerLabel(d, { class: "tick", x: left - 10, y: y + 4, "text-anchor": "end" }));
  }
  svg.appendChild(svgElement("rect", { x: left, y: top, width: right - left, height: bottom - top,
                                       fill: "none", class: "axis" }));
  svg.appendChild(svgElement("text", { class: "label", x: (left + right) / 2, y: bottom + 44,
                                       "text-anchor": "middle" },
                             `neutrino energy ${spectra.xName} [${spectra.xUnit}]`));
  const yMid = (top + bottom) / 2;
  svg.appendChild(svgElement("text", { class: "label", x: 18, y: yMid, "text-anchor": "middle",
                                       transform: `rotate(-90 18 ${yMid})` }, yLabel));
}

function drawLegend(svg, box, spectra) {
  const x0 = box.right + 22, y0 = box.top + 14;
  spectra.channels.forEach((c, i) => {
    const s = styleOf(c.name, i), y = y0 + i * 20;
    svg.appendChild(svgElement("line", { x1: x0, x2: x0 + 28, y1: y, y2: y, stroke: s.color, "stroke-width": 2.5,
                                         "stroke-dasharray": s.dash }));
    const text = svgElement("text", { class: "legend-text", x: x0 + 36, y: y + 4 });
    text.appendChild(svgElement("tspan", { "font-size": "14px" }, s.base));
    text.appendChild(svgElement("tspan", { dy: "0.35em", "font-size": "10px" }, s.sub));
    text.appendChild(svgElement("tspan", { dy: "-0.35em", dx: "6", fill: "#5b6475" }, c.name));
    svg.appendChild(text);
  });
}

function drawSpectra(container, spectra, yLabel) {
  const width = 1000, height = 470;
  const box = { left: 78, right: width - 175, top: 16, bottom: height - 62 };
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  svg.appendChild(svgElement("title", {}, `${yLabel} versus neutrino energy`));

  const xDec = decadeRange(spectra.edges, 12);
  const yDec = decadeRange(spectra.channels.flatMap((c) => c.bins), 8);
  if (!xDec || !yDec) {
    container.replaceChildren(document.createTextNode("No positive values to draw on log axes."));
    return;
  }
  const sx = logScale(xDec[0], xDec[1], box.left, box.right);
  const sy = logScale(yDec[0], yDec[1], box.bottom, box.top);
  drawAxes(svg, box, xDec, yDec, sx, sy, spectra, yLabel);

  const clip = svgElement("clipPath", { id: "plot-area" });
  clip.appendChild(svgElement("rect", { x: box.left, y: box.top, width: box.right - box.left,
                                        height: box.bottom - box.top }));
  svg.appendChild(clip);
  const curves = svgElement("g", { "clip-path": "url(#plot-area)" });
  const edges = spectra.edges.map((e) => (e > 0 ? e : 10 ** xDec[0]));
  spectra.channels.forEach((c, i) => {
    const s = styleOf(c.name, i);
    const path = svgElement("path", { class: "curve", d: stepPath(edges, c.bins, sx, sy, box.bottom, 10 ** yDec[0]),
                                      stroke: s.color, "stroke-dasharray": s.dash });
    path.appendChild(svgElement("title", {}, `${c.label}: ${formatEvents(c.total)} events`));
    curves.appendChild(path);
  });
  svg.appendChild(curves);
  drawLegend(svg, box, spectra);
  container.replaceChildren(svg);
}

/* ---------- page ---------- */

/* One row of the totals table: a label cell (text, optional colour swatch) and a number cell. */
function totalsRow(label, events, color) {
  const tr = document.createElement("tr");
  const name = document.createElement("td");
  if (color) {
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = color;
    name.append(swatch);
  }
  name.append(label);
  const value = document.createElement("td");
  value.className = "num";
  value.textContent = formatEvents(events);
  tr.append(name, value);
  return tr;
}

function fillTotals(spectra) {
  $("totals").tBodies[0].replaceChildren(
    ...spectra.channels.map((c, i) => totalsRow(c.label, c.total, styleOf(c.name, i).color)));
  $("totals").tFoot.replaceChildren(totalsRow("all channels", spectra.total, null));
}

function scalarText(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function fillMeta(entries) {
  const dl = $("meta");
  dl.replaceChildren();
  for (const [key, value] of entries) {
    const dt = document.createElement("dt");
    dt.textContent = key;
    const dd = document.createElement("dd");
    dd.textContent = scalarText(value);
    dl.append(dt, dd);
  }
}

/* Milliseconds as text, or null when the value is missing. */
function msText(value) {
  if (value === null || value === undefined || value === "" || !Number.isFinite(Number(value))) return null;
  const ms = Number(value);
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toPrecision(3)} ms`;
}

/* The timing facts: this request's server time (X-Nureach-Compute-Ms; a cache look-up on a hit)
 * and the time the result took to compute when it was computed (meta.compute_ms). */
function timings(meta, headers, roundTripMs) {
  return {
    server: msText(headers.get("X-Nureach-Compute-Ms")),
    computed: msText(meta.compute_ms),
    roundTrip: `${roundTripMs.toFixed(0)} ms`,
  };
}

function statusLine(cache, t) {
  if (cache === "hit") {
    return `cache hit: served in ${t.server || "?"}` + (t.computed ? ` (first computed in ${t.computed})` : "") +
           `, round trip ${t.roundTrip}`;
  }
  return `cache ${cache}: computed in ${t.computed || t.server || "?"}, round trip ${t.roundTrip}`;
}

/* A non-JSON error body (e.g. a proxy's HTML page) as one short line of text. */
function plainText(text) {
  return (text || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 300);
}

function showError(err) {
  const box = $("error");
  box.replaceChildren();
  const title = document.createElement("strong");
  const detail = document.createElement("div");
  if (err instanceof ApiError) {
    const p = err.problem || {};
    title.textContent = `${p.title || "Request failed"} (HTTP ${p.status || err.status})`;
    detail.textContent = p.detail || (p.title ? "" : plainText(err.text));
    box.append(title, detail);
    /* Each entry of p.errors: where (JSON pointer) and what, unless it only repeats the detail. */
    const lines = (Array.isArray(p.errors) ? p.errors : []).filter(Boolean).map((item) => {
      const what = item.detail && item.detail !== p.detail ? item.detail : "";
      return [item.pointer ? `at ${item.pointer}` : "", what].filter(Boolean).join(": ");
    }).filter(Boolean);
    if (lines.length > 0) {
      const ul = document.createElement("ul");
      for (const line of lines) {
        const li = document.createElement("li");
        li.textContent = line;
        ul.appendChild(li);
      }
      box.append(ul);
    }
  } else {
    title.textContent = err instanceof TypeError ? "Cannot reach the nureach server" : "Cannot draw the answer";
    detail.textContent = err.message || String(err);
    box.append(title, detail);
  }
  box.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
}

function fillSelect(select, options, preferred) {
  select.replaceChildren();
  for (const o of options) {
    const opt = document.createElement("option");
    opt.value = o.value;
    opt.textContent = o.text;
    select.appendChild(opt);
  }
  if (preferred !== undefined && options.some((o) => o.value === preferred)) select.value = preferred;
  select.disabled = options.length === 0;
}

async function loadPickers() {
  const [experiments, models] = await Promise.all([apiRequest("api/v1/experiments"), apiRequest("api/v1/models")]);
  const targets = arrayField(experiments.body, "experiments", "/api/v1/experiments").filter(isNeutrinoTarget);
  fillSelect($("experiment"), targets.map((e) => ({
    value: e.name, text: e.run ? `${e.name} (${e.run})` : e.name,
  })));
  const model = arrayField(models.body, "models", "/api/v1/models").find((m) => m && m.name === MODEL);
  const pdf = model ? findParameter(model, "pdf") : null;
  const choices = pdf && Array.isArray(pdf.choices) ? pdf.choices : [];
  fillSelect($("pdf"), choices.map((c) => ({ value: String(c), text: String(c) })), pdf ? pdf.default : undefined);
  if (targets.length === 0) throw new Error("the server lists no neutrino-target experiment");
  if (choices.length === 0) throw new Error(`model '${MODEL}' lists no choices for parameter 'pdf'`);
}

async function computeSpectra(event) {
  event.preventDefault();
  const experiment = $("experiment").value, pdf = $("pdf").value;
  const button = $("compute");
  button.disabled = true;
  clearError();
  $("status").textContent = `computing ${experiment}, ${pdf}\u2026`;
  const started = performance.now();
  try {
    const { body, headers } = await apiRequest("api/v1/spectra", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ model: MODEL, experiment, params: { pdf } }),
    });
    const roundTripMs = performance.now() - started;
    history.replaceState(null, "", `#${new URLSearchParams({ experiment, pdf })}`);
    const spectra = readSpectra(body);
    const meta = (body && body.meta) || {};
    const cache = headers.get("X-Nureach-Cache") || meta.cache || "unknown";
    const yLabel = "CC events per bin";
    $("result-title").textContent = `${experiment}: charged-current events per energy bin (PDF ${pdf})`;
    $("result").hidden = false;
    drawSpectra($("plot"), spectra, yLabel);
    fillTotals(spectra);
    const t = timings(meta, headers, roundTripMs);
    fillMeta([
      ["cache", cache],
      ["server time", t.server || "not reported"],
      ["compute time", t.computed || "not reported"],
      ["round trip", t.roundTrip],
      ...Object.entries(meta).filter(([k]) => k !== "cache" && k !== "compute_ms"),
    ]);
    $("status").textContent = statusLine(cache, t);
  } catch (err) {
    $("status").textContent = "";
    $("result").hidden = true;  /* the error replaces the previous answer, which no longer matches the pickers */
    showError(err);
  } finally {
    button.disabled = false;
  }
}

/* A link to a result: #experiment=FASERnu&pdf=CT14nlo selects both and computes on load. */
function selectionFromHash() {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  return { experiment: hash.get("experiment"), pdf: hash.get("pdf") };
}

function selectIfOffered(select, value) {
  if (value && Array.from(select.options).some((o) => o.value === value)) {
    select.value = value;
    return true;
  }
  return false;
}

async function main() {
  $("controls").addEventListener("submit", computeSpectra);
  try {
    await loadPickers();
    $("compute").disabled = false;
    $("status").textContent = "";
  } catch (err) {
    showError(err);
    return;
  }
  const wanted = selectionFromHash();
  const picked = selectIfOffered($("experiment"), wanted.experiment);
  if (selectIfOffered($("pdf"), wanted.pdf) || picked) $("controls").requestSubmit();
}

document.addEventListener("DOMContentLoaded", main);
