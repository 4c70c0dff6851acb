/* static/js/app.js: nureach's explorer page.
 *
 * The form comes from GET /api/v1/models (parameters with unit, range, scale, default, help text,
 * choices; signals; observables) and GET /api/v1/experiments (detectors of the model's kind, their
 * overridable fields). "Compute" replaces the results, "Add to plot" overlays another one (another
 * experiment, threshold, signal...). Rates become a table, spectra step histograms, bounds filled
 * contours (js/plot.js); bounds that turn into jobs show the job's progress and can be cancelled.
 * The requests live in the URL hash, so a link reproduces the view. API problems are shown next to
 * the field their JSON pointer names. Exports: SVG, PNG, CSV, JSON. Plain JavaScript, no dependencies.
 */
"use strict";

import { ApiError, Cancelled, Computation, getJSON } from "./api.js";
import { Plot, formatNumber, mathtextToText, svgToPng, unitMarkup } from "./plot.js";

const PALETTE = ["#2457c5", "#d1495b", "#2a9d52", "#e08a1e", "#7b4bb7", "#1a9fb0", "#8c5a2b", "#c2409a"];
const DASHES = ["", "7 4", "2 3", "10 3 2 3", "4 4", "1 2"];
const OBSERVABLE_LABEL = { rates: "Event rates", spectra: "Spectrum", bounds: "Contour" };

const $ = (id) => document.getElementById(id);

const state = {
  models: [],
  experiments: [],
  overridable: [],
  model: null,
  observable: "bounds", /* the main use: a contour (models without signals fall back to rates) */
  series: [],          /* [{observable, request, body, headers, color, label}] */
  running: null,       /* the Computation under way */
  display: {},         /* static/display.json: symbols, human names, scan defaults */
  limits: {},          /* limits query (limitsQuery) -> GET /api/v1/limits document (or null when unavailable) */
  history: [],         /* earlier plots replaced by an incompatible "Add to plot" (Back restores them) */
  pendingZoom: null,   /* zoom ranges from a shared link, applied after the first draw */
};

let plot = null;

/* ---- small helpers ---------------------------------------------------------------------------- */

function make(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children || []) if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return node;
}

function setPageState(s) {
  document.body.dataset.state = s;
}

function unitSuffix(unit) {
  return unit ? ` [${unit}]` : "";
}

/* Display markup of a parameter (display.json), else its name. */
function paramDisplay(modelName, param) {
  const m = (state.display.models || {})[modelName] || {};
  return (m.params || {})[param] || param;
}

function axisLabel(modelName, param, unit) {
  const sym = paramDisplay(modelName, param);
  return unit ? `${sym} [${unitMarkup(unit)}]` : sym;
}

function experimentName(name) {
  return (state.display.experiments || {})[name] || name;
}

/* A signal's human name: display.json, else the model's description of it, else its id. */
function signalName(modelName, signal) {
  const m = (state.display.models || {})[modelName] || {};
  const named = (m.signals || {})[signal] || (state.display.signals || {})[signal];
  if (named) return named;
  const model = state.models.find((q) => q.name === modelName);
  const spec = model && (model.signals || []).find((q) => q.name === signal);
  const text = spec && spec.description ? spec.description.split(",")[0] : signal;
  return text.length > 48 ? text.slice(0, 47) + "\u2026" : text;
}

function numberParams(model) {
  return model.parameters.filter((p) => p.kind === "number");
}

/* A text input's value as the JSON the API expects: a number when it reads as one, else the text
 * (the server then names the field and the rule); undefined when empty. */
function inputValue(input) {
  const text = input.value.trim();
  if (text === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/* ---- building the form ------------------------------------------------------------------------ */

function fieldError(pointer) {
  return make("div", { class: "field-error", "data-for": pointer });
}

function paramField(p) {
  const pointer = `/params/${p.name}`;
  const id = `param-${p.name}`;
  let input;
  if (p.kind === "choice") {
    input = make("select", { id, "data-pointer": pointer, "data-param": p.name },
      p.choices.map((c) => make("option", { value: c, text: c, selected: c === p.default })));
  } else {
    input = make("input", { id, type: "text", inputmode: "decimal", value: String(p.default), placeholder: String(p.default),
      "data-pointer": pointer, "data-param": p.name, autocomplete: "off" });
  }
  const range = p.kind === "number"
    ? `${formatNumber(p.min, 4)} \u2013 ${formatNumber(p.max, 4)}${p.unit ? " " + p.unit : ""}, ${p.scale}. `
    : "";
  return make("div", { class: "param", "data-param-box": p.name }, [
    make("label", { class: "field", for: id }, [
      make("span", {}, [p.name, make("span", { class: "unit", text: unitSuffix(p.unit) })]), input]),
    make("p", { class: "help" }, [make("span", { class: "range", text: range }), p.description || ""]),
    fieldError(pointer),
  ]);
}

function axisFields(axis, model, defaultIndex) {
  const box = $(`axis-${axis}`);
  const params = numberParams(model);
  const base = `/scan/${axis}`;
  const select = make("select", { id: `scan-${axis}-param`, "data-pointer": `${base}/param` },
    params.map((p, i) => make("option", { value: p.name, text: p.name + unitSuffix(p.unit), selected: i === defaultIndex })));
  const text = (name, attrs) => make("input", { id: `scan-${axis}-${name}`, type: "text", inputmode: "decimal",
    "data-pointer": `${base}/${name}`, autocomplete: "off", ...attrs });
  const scale = make("select", { id: `scan-${axis}-scale`, "data-pointer": `${base}/scale` },
    ["log", "linear"].map((s) => make("option", { value: s, text: s })));
  box.replaceChildren(
    make("div", { class: "axis-title", text: `${axis} axis` }),
    make("label", { class: "field" }, ["parameter", select]),
    make("label", { class: "field" }, ["min", text("min")]),
    make("label", { class: "field" }, ["max", text("max")]),
    make("label", { class: "field" }, ["points", text("points", { value: "30" })]),
    make("label", { class: "field" }, ["scale", scale]),
    fieldError(`${base}/param`), fieldError(`${base}/min`), fieldError(`${base}/max`),
    fieldError(`${base}/points`), fieldError(`${base}/scale`), fieldError(base));
  select.addEventListener("change", () => axisDefaults(axis));
  axisDefaults(axis);
}

/* Range and scale of an axis from its parameter's declaration. */
function axisDefaults(axis) {
  const name = $(`scan-${axis}-param`).value;
  const p = state.model.parameters.find((q) => q.name === name);
  if (!p) return;
  /* where the model has reach (display.json), else the declared range */
  const reach = (((state.display.models || {})[state.model.name] || {}).scan_defaults || {})[name];
  $(`scan-${axis}-min`).value = String(reach ? reach[0] : p.min);
  $(`scan-${axis}-max`).value = String(reach ? reach[1] : p.max);
  $(`scan-${axis}-scale`).value = p.scale === "log" ? "log" : "linear";
  markScanned();
}

/* A curve: the scan along x only (the "x only" box); a contour otherwise. */
function isCurve() {
  return Boolean($("curve") && $("curve").checked);
}

/* A scanned parameter has no value of its own: its field is disabled while the contour is chosen. */
function markScanned() {
  const axes = isCurve() ? ["x"] : ["x", "y"];
  const scanned = state.observable !== "bounds" ? []
    : axes.map((a) => $(`scan-${a}-param`)).filter(Boolean).map((select) => select.value);
  if ($("axis-y")) $("axis-y").hidden = isCurve();
  for (const input of document.querySelectorAll("#param-fields [data-param]")) {
    const on = scanned.includes(input.dataset.param);
    input.disabled = on;
    input.title = on ? "scanned: see the contour axes" : "";
  }
}

function experimentsFor(model) {
  const kinds = model.detector_kinds || [model.detector_kind];
  return state.experiments.filter((e) => kinds.includes(e.kind));
}

function renderExperiments() {
  const select = $("experiment");
  const previous = select.value;
  const list = experimentsFor(state.model);
  select.replaceChildren(...list.map((e) => make("option", { value: e.name, text: `${e.name} (${e.run})` })));
  if (list.some((e) => e.name === previous)) select.value = previous;
  renderExperimentDetails();
}

function currentExperiment() {
  return state.experiments.find((e) => e.name === $("experiment").value) || null;
}

function renderExperimentDetails() {
  const e = currentExperiment();
  $("experiment-help").textContent = e ? e.description : "";
  const fields = state.overridable.filter((f) => e && (e.overridable || []).includes(f.name));
  $("override-fields").replaceChildren(...fields.map((f) => {
    const pointer = `/experiment_overrides/${f.name}`;
    const id = `override-${f.name}`;
    return make("div", { class: "param" }, [
      make("label", { class: "field", for: id }, [
        make("span", {}, [f.name, make("span", { class: "unit", text: unitSuffix(f.unit) })]),
        make("input", { id, type: "text", inputmode: "decimal", placeholder: e && f.name in e ? String(e[f.name]) : "",
          "data-pointer": pointer, "data-override": f.name, autocomplete: "off" })]),
      make("p", { class: "help", text: `${f.description} (empty: the catalogue value)` }),
      fieldError(pointer),
    ]);
  }));
}

function renderObservables() {
  const box = $("observable-choices");
  const available = ["rates", "spectra", "bounds"].filter((o) => (state.model.observables || []).includes(o));
  if (!available.includes(state.observable)) state.observable = available.includes("bounds") ? "bounds" : available[0];
  box.replaceChildren(...available.map((o) => make("label", {}, [
    make("input", { type: "radio", name: "observable", value: o, checked: o === state.observable }), ` ${OBSERVABLE_LABEL[o]}`])));
  for (const radio of box.querySelectorAll("input")) {
    radio.addEventListener("change", () => {
      state.observable = radio.value;
      showObservableFields();
    });
  }
  showObservableFields();
}

function showObservableFields() {
  $("bounds-fields").hidden = state.observable !== "bounds";
  markScanned();
}

function renderSignals() {
  const signals = state.model.signals || [];
  $("signal").replaceChildren(...signals.map((s) => make("option", { value: s.name, text: s.name })));
  const help = () => {
    const s = signals.find((q) => q.name === $("signal").value);
    $("signal-help").textContent = s ? s.description : "";
  };
  $("signal").onchange = help;
  help();
}

function selectModel(name) {
  state.model = state.models.find((m) => m.name === name) || state.models[0];
  $("model").value = state.model.name;
  $("model-help").textContent = state.model.title || state.model.description || "";
  $("model-help").title = state.model.description || "";
  $("param-fields").replaceChildren(...state.model.parameters.map(paramField));
  renderExperiments();
  renderSignals();
  const logParams = numberParams(state.model).map((p, i) => [p, i]).filter(([p]) => p.scale === "log").map(([, i]) => i);
  const xi = logParams.length > 0 ? logParams[0] : 0;
  const yi = logParams.length > 1 ? logParams[1] : Math.min(1, numberParams(state.model).length - 1);
  axisFields("x", state.model, xi);
  axisFields("y", state.model, yi);
  renderObservables();
  clearErrors();
}

/* ---- request <-> form ------------------------------------------------------------------------- */

function requestFromForm() {
  const model = state.model;
  const request = { model: model.name, experiment: $("experiment").value };
  const params = {};
  for (const input of document.querySelectorAll("#param-fields [data-param]")) {
    if (input.disabled) continue;
    const spec = model.parameters.find((p) => p.name === input.dataset.param);
    const value = input.tagName === "SELECT" ? input.value : inputValue(input);
    if (value !== undefined && value !== spec.default) params[spec.name] = value;
  }
  if (Object.keys(params).length) request.params = params;
  const overrides = {};
  for (const input of document.querySelectorAll("#override-fields [data-override]")) {
    const value = inputValue(input);
    if (value !== undefined) overrides[input.dataset.override] = value;
  }
  if (Object.keys(overrides).length) request.experiment_overrides = overrides;
  if (state.observable === "bounds") {
    const axis = (a) => {
      const out = { param: $(`scan-${a}-param`).value, scale: $(`scan-${a}-scale`).value };
      for (const k of ["min", "max", "points"]) {
        const v = inputValue($(`scan-${a}-${k}`));
        if (v !== undefined) out[k] = v;
      }
      return out;
    };
    request.scan = isCurve() ? { x: axis("x") } : { x: axis("x"), y: axis("y") };
    request.signal = $("signal").value;
    const threshold = inputValue($("threshold"));
    if (threshold !== undefined) request.threshold = threshold;
    if (!$("refine").checked) request.refine = false;
  }
  return request;
}

function fillForm(observable, request) {
  selectModel(request.model);
  if (experimentsFor(state.model).some((e) => e.name === request.experiment)) {
    $("experiment").value = request.experiment;
    renderExperimentDetails();
  }
  state.observable = observable;
  renderObservables();
  for (const [name, value] of Object.entries(request.params || {})) {
    const input = $(`param-${name}`);
    if (input) input.value = String(value);
  }
  for (const [name, value] of Object.entries(request.experiment_overrides || {})) {
    const input = $(`override-${name}`);
    if (input) input.value = String(value);
  }
  if (request.experiment_overrides) $("override-box").open = true;
  if (observable === "bounds" && request.scan) {
    $("curve").checked = !request.scan.y;
    for (const a of ["x", "y"]) {
      const axis = request.scan[a] || {};
      if (axis.param) {
        $(`scan-${a}-param`).value = axis.param;
        axisDefaults(a);
      }
      for (const k of ["min", "max", "points", "scale"]) if (axis[k] !== undefined) $(`scan-${a}-${k}`).value = String(axis[k]);
    }
    if (request.signal) $("signal").value = request.signal;
    $("signal").onchange();
    if (request.threshold !== undefined) $("threshold").value = String(request.threshold);
    $("refine").checked = request.refine !== false;
  }
  markScanned();
}

/* ---- the URL ---------------------------------------------------------------------------------- */

function writeHash() {
  if (state.series.length === 0) return;
  const view = { observable: state.series[0].observable, requests: state.series.map((s) => s.request) };
  const zoom = plot && plot.zoomRanges();
  if (zoom) view.zoom = zoom;
  history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify(view))}`);
}

function readHash() {
  const raw = location.hash.slice(1);
  if (!raw) return null;
  try {
    const view = JSON.parse(decodeURIComponent(raw));
    if (view && ["rates", "spectra", "bounds"].includes(view.observable) && Array.isArray(view.requests) &&
        view.requests.length > 0 && view.requests.every((r) => r && typeof r === "object")) return view;
  } catch (e) {
    /* not ours */
  }
  return null;
}

/* ---- errors ----------------------------------------------------------------------------------- */

function clearErrors() {
  for (const slot of document.querySelectorAll(".field-error")) slot.textContent = "";
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  $("error").hidden = true;
  $("error").replaceChildren();
}

/* The error slot for a JSON pointer: its own, else its nearest ancestor's. */
function slotFor(pointer) {
  let p = pointer || "";
  while (p) {
    const slot = document.querySelector(`.field-error[data-for="${CSS.escape(p)}"]`);
    if (slot && !slot.closest("[hidden]")) return slot;
    p = p.slice(0, p.lastIndexOf("/"));
  }
  return null;
}

function showGeneralError(title, detail) {
  const box = $("error");
  box.replaceChildren(make("strong", { text: title }), make("span", { text: detail || "" }));
  box.hidden = false;
}

function showProblem(error) {
  clearErrors();
  const problem = error instanceof ApiError ? error.problem : null;
  if (!problem) {
    showGeneralError("Request failed", error.message);
    return;
  }
  const errors = Array.isArray(problem.errors) && problem.errors.length ? problem.errors : [];
  const unplaced = [];
  for (const e of errors) {
    if (typeof e.pointer === "string" && e.pointer.startsWith("/experiment_overrides")) $("override-box").open = true;
    const slot = slotFor(e.pointer);
    if (!slot) {
      unplaced.push(e);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${e.detail}` : e.detail;
    const input = document.querySelector(`[data-pointer="${CSS.escape(e.pointer)}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  if (errors.length === 0 || unplaced.length > 0) {
    const detail = unplaced.length ? unplaced.map((e) => `${e.pointer || "(body)"}: ${e.detail}`).join(" ") : problem.detail;
    showGeneralError(`${problem.title || "Error"} (${problem.status || error.status})`, detail);
  } else {
    showGeneralError(`${problem.title || "Error"} (${problem.status || error.status})`, "see the marked fields");
  }
}

/* ---- running requests ------------------------------------------------------------------------- */

function setBusy(busy) {
  $("compute").disabled = busy;
  $("add").disabled = busy;
  $("progress-box").hidden = !busy || state.observable !== "bounds";
  if (busy) {
    $("progress").value = 0;
    $("progress").removeAttribute("value");
    $("progress-text").textContent = "";
  }
}

function seconds(s) {
  return s < 90 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/* Progress of the job: fraction done, time since the request left, and the time left if the rest goes at
 * the same pace (shown once 2 % is done). */
function onProgress(fraction, status, job) {
  $("progress-box").hidden = false;
  $("progress").value = fraction;
  /* the job resource's own figures (elapsed_s, remaining_s) when it has them, else the page's clock */
  const own = (performance.now() - (state.jobStarted || performance.now())) / 1000;
  const elapsed = job && Number.isFinite(job.elapsed_s) ? job.elapsed_s : own;
  const left = job && Number.isFinite(job.remaining_s) ? job.remaining_s
    : fraction >= 0.02 && fraction < 1 ? elapsed * (1 - fraction) / fraction : null;
  $("progress-text").textContent = `${Math.round(fraction * 100)} % ${status || ""} \u00b7 ${seconds(elapsed)} elapsed` +
    (left !== null ? ` \u00b7 about ${seconds(left)} left` : "");
  $("status").textContent = state.scanWarning || `scan ${status || "running"}\u2026`;
}

async function compute(observable, request) {
  state.jobStarted = performance.now();
  const computation = new Computation(observable, request, onProgress);
  state.running = computation;
  try {
    return await computation.promise;
  } finally {
    state.running = null;
  }
}

/* Runs the requests one after the other; replaces the results (or adds to them when `add`). */
async function run(observable, requests, add) {
  clearErrors();
  setBusy(true);
  setPageState("running");
  const t0 = performance.now();
  state.scanWarning = observable === "bounds" ? scanEstimate(requests) : "";
  $("status").textContent = state.scanWarning || "computing\u2026";
  const done = [];
  try {
    for (const request of requests) {
      const { body, headers } = await compute(observable, request);
      done.push({ observable, request, body, cache: headers.get("X-Nureach-Cache") || "job" });
    }
  } catch (error) {
    setBusy(false);
    if (error instanceof Cancelled) {
      $("status").textContent = "cancelled";
      setPageState("cancelled");
    } else {
      $("status").textContent = "";
      showProblem(error);
      setPageState("error");
    }
    return;
  }
  const keep = add && state.series.length > 0 && compatible(state.series[0], done[0]);
  const dropped = add && state.series.length > 0 && !keep;
  if (state.series.length > 0 && !keep) {
    state.history.push({ series: state.series, zoom: plot.zoomRanges(), hash: location.hash });
    state.history = state.history.slice(-10);
  }
  if (observable === "bounds") await loadLimits(done[0].request);
  state.series = (keep ? state.series : []).concat(done);
  state.series.forEach((s, i) => {
    s.color = PALETTE[i % PALETTE.length];
    s.dash = DASHES[i % DASHES.length];
  });
  labelSeries();
  draw(keep);
  if (state.pendingZoom) {
    plot.setZoom(state.pendingZoom);
    state.pendingZoom = null;
    updateToolbar();
  }
  writeHash();
  setBusy(false);
  const ms = performance.now() - t0;
  window.nureachLastDrawMs = ms;
  if (observable === "bounds") recordScanPace(done, ms);
  const done_in = `done in ${ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(2) + " s"}`;
  /* an overlay that cannot share the axes is shown alone, never dropped silently: say so, offer Back */
  $("notice").hidden = !dropped;
  if (dropped) {
    $("notice-text").textContent = `"Add to plot": this ${OBSERVABLE_LABEL[observable].toLowerCase()} cannot share the ` +
      "previous plot's axes (another observable, model or scan parameters), so it is shown on its own. " +
      "Back restores the previous plot.";
  }
  $("back").hidden = state.history.length === 0;
  if (!$("status").textContent.startsWith("no point")) $("status").textContent = done_in;
  setPageState("done");
}

/* Scan pace per model (ms per grid point of the last computed scan in this browser, kept in localStorage so a
 * reload remembers it): a warning before a scan estimated to take more than a minute. Cached answers do not
 * count. */
const PACE_KEY = "nureach.scanPace";

function scanPoints(request) {
  const n = (a) => Number((request.scan && request.scan[a] && request.scan[a].points) || 30);
  return n("x") * (request.scan && !request.scan.y ? 1 : n("y"));
}

function loadPace() {
  try {
    const pace = JSON.parse(localStorage.getItem(PACE_KEY) || "{}");
    return pace && typeof pace === "object" ? pace : {};
  } catch (e) {
    return {};
  }
}

function recordScanPace(done, ms) {
  const computed = done.filter((d) => d.cache !== "hit");
  if (computed.length === 0) return;
  const points = computed.reduce((sum, d) => sum + scanPoints(d.request), 0);
  const pace = loadPace();
  pace[computed[0].request.model] = ms / points;
  try {
    localStorage.setItem(PACE_KEY, JSON.stringify(pace));
  } catch (e) {
    /* storage full or disabled: no estimate next time, nothing else changes */
  }
}

function scanEstimate(requests) {
  const pace = Number(loadPace()[requests[0].model]);
  if (!(pace > 0)) return "";
  const s = (pace * requests.reduce((sum, r) => sum + scanPoints(r), 0)) / 1000;
  return s > 60 ? `this scan may take about ${seconds(s)} (the last scan of this model took ` +
    `${formatNumber(pace, 2)} ms per grid point); Cancel stops it` : "";
}

/* Back: the plot before the last replacement (an incompatible "Add to plot" or a new Compute). */
function goBack() {
  const previous = state.history.pop();
  if (!previous) return;
  state.series = previous.series;
  labelSeries();
  draw(false);
  if (previous.zoom) plot.setZoom(previous.zoom);
  history.replaceState(null, "", previous.hash || location.pathname);
  writeHash();
  const last = state.series[state.series.length - 1];
  fillForm(last.observable, last.request);
  $("notice").hidden = true;
  $("back").hidden = state.history.length === 0;
  updateToolbar();
}

/* The GET /api/v1/limits query of a request: its model and, for u1x, its point (x_H, x_Phi), at which the server
 * adds the beam-dump limits rescaled from B-L (paper 004 Eqs. 38, 39, 52). */
function limitsQuery(request) {
  let q = `model=${encodeURIComponent(request.model)}`;
  if (request.model === "u1x") {
    const model = state.models.find((m) => m.name === "u1x");
    const value = (name) => {
      const given = (request.params || {})[name];
      if (given !== undefined) return Number(given);
      const spec = model && model.parameters.find((p) => p.name === name);
      return spec ? Number(spec.default) : NaN;
    };
    if (Number.isFinite(value("x_H")) && Number.isFinite(value("x_Phi"))) q += `&x_H=${value("x_H")}&x_Phi=${value("x_Phi")}`;
  }
  return q;
}

/* The limits document of a request (GET /api/v1/limits), fetched once per query; null when the server has none. */
async function loadLimits(request) {
  const q = limitsQuery(request);
  if (q in state.limits) return state.limits[q];
  try {
    state.limits[q] = (await getJSON(`api/v1/limits?${q}`)).body;
  } catch (e) {
    state.limits[q] = null;
  }
  return state.limits[q];
}

/* The outlines that belong on this contour: same model, same axes (x/y swapped is handled), and the
 * request's parameters at the values the limits were published for. Returns {outlines, note}. */
function limitsFor(series) {
  const doc = state.limits[limitsQuery(series.request)];
  const out = { outlines: [], note: "", sets: [] };
  if (!doc || !Array.isArray(doc.sets)) return out;
  const model = state.models.find((m) => m.name === series.request.model);
  const value = (name) => {
    const given = (series.request.params || {})[name];
    if (given !== undefined) return Number(given);
    const spec = model && model.parameters.find((p) => p.name === name);
    return spec ? Number(spec.default) : NaN;
  };
  if (!series.body.scan.y) return out; /* a curve: the outlines live in a plane */
  const sx = series.body.scan.x.param, sy = series.body.scan.y.param;
  for (const set of doc.sets) {
    for (const a of set.applies_to || []) {
      if (a.model !== series.request.model) continue;
      const swapped = a.x_param === sy && a.y_param === sx;
      if (!(a.x_param === sx && a.y_param === sy) && !swapped) continue;
      const wrong = Object.entries(a.params || {}).filter(([k, v]) => Math.abs(value(k) - v) > 1e-12);
      if (wrong.length) {
        out.note = `${set.id} limits not drawn: they apply at ${Object.entries(a.params).map(([k, v]) => `${k} = ${v}`).join(", ")}`;
        continue;
      }
      out.sets.push(set);
      for (const o of set.limits) {
        out.outlines.push(swapped ? { ...o, x: o.y, y: o.x, label_position: o.label_position &&
          { ...o.label_position, x: o.label_position.y, y: o.label_position.x } } : o);
      }
    }
  }
  return out;
}

/* Overlays need the same observable and, for contours, the same two axes. */
function compatible(a, b) {
  if (a.observable !== b.observable || a.request.model !== b.request.model) return false;
  if (a.observable !== "bounds") return true;
  return a.body.scan.x.param === b.body.scan.x.param && (a.body.scan.y || {}).param === (b.body.scan.y || {}).param &&
    Boolean(a.body.test) === Boolean(b.body.test);
}

/* Series labels: the experiment plus whatever differs between the series. */
function labelSeries() {
  const describe = (s) => {
    const parts = [experimentName(s.body.experiment ? s.body.experiment.name : s.request.experiment)];
    if (s.observable === "bounds" && s.body.test) parts.push(`\u0394\u03c7^{2} (${s.body.test.observable}*, ${formatNumber(100 * s.body.test.cl, 3)}% CL)`);
    else if (s.observable === "bounds") parts.push(signalName(s.request.model, s.body.signal), `\u2265 ${formatNumber(s.body.threshold, 3)} events`);
    for (const [k, v] of Object.entries(s.request.params || {})) parts.push(`${paramDisplay(s.request.model, k)} = ${v}`);
    for (const [k, v] of Object.entries(s.request.experiment_overrides || {})) parts.push(`${k}=${v}`);
    return parts;
  };
  const all = state.series.map(describe);
  state.series.forEach((s, i) => {
    /* the experiment and (contours) the signal always; the rest only where the results differ */
    const keep = s.observable === "bounds" ? 2 : 1;
    const parts = all[i].filter((p, k) => k < keep || all.some((other) => !other.includes(p)) || all.length === 1);
    s.label = parts.join(" \u00b7 ");
  });
}

/* ---- drawing ---------------------------------------------------------------------------------- */

function axisSpec(axis, lo, hi, log) {
  return { lo, hi, log, name: axis.name, unit: axis.unit, label: axis.label || `${axis.name}${unitSuffix(axis.unit)}` };
}

/* The title line: experiment(s), sqrt(s) and luminosity (with the overrides of the request). */
function titleLine() {
  const parts = [];
  for (const s of state.series) {
    const e = s.body.experiment || state.experiments.find((q) => q.name === s.request.experiment);
    if (!e) continue;
    const lumi = (s.request.experiment_overrides || {}).luminosity_fb ?? e.luminosity_fb;
    const sqrtS = (s.request.experiment_overrides || {}).sqrt_s_tev ?? e.sqrt_s_tev;
    const text = `${experimentName(e.name)} \u00b7 \u221as = ${formatNumber(Number(sqrtS), 3)} TeV \u00b7 ` +
      `${formatNumber(Number(lumi), 4)} fb^{\u22121}`;
    if (!parts.includes(text)) parts.push(text);
  }
  const model = state.models.find((m) => m.name === state.series[0].request.model);
  return `${parts.join("; ")}${model && model.title ? "  \u2014  " + model.title : ""}`.slice(0, 160);
}

/* Why a contour is empty: the threshold, and the grid's largest count and where it is. */
function emptyReason(s) {
  const r = s.body.result;
  let best = -Infinity, bi = -1, bj = -1;
  (r.events || r.delta_chi2).forEach((row, j) => row.forEach((v, i) => { if (v > best) { best = v; bi = i; bj = j; } }));
  const sx = s.body.scan.x, sy = s.body.scan.y;
  const where = bi >= 0 ? ` at ${sx.param} = ${formatNumber(r.x[bi], 3)}${sx.unit ? " " + sx.unit : ""}, ${sy.param} = ${formatNumber(r.y[bj], 3)}${sy.unit ? " " + sy.unit : ""}` : "";
  return `no point reaches ${formatNumber(s.body.threshold, 3)} events (${s.label});\n` +
    `the grid's maximum is ${formatNumber(Math.max(best, 0), 3)} events${where}`;
}

/* A curve (scan along x only): the signal's events (or Delta-chi2) vs x, one line per result, with the level of
 * the first result as a dashed grey line. */
function drawCurve(keepView) {
  const first = state.series[0].body;
  const model = state.series[0].request.model;
  const chi2 = Boolean(first.test);
  const values = (s) => s.body.result[chi2 ? "delta_chi2" : "events"];
  const xLo = Math.min(...state.series.map((s) => s.body.scan.x.min)), xHi = Math.max(...state.series.map((s) => s.body.scan.x.max));
  const positive = state.series.flatMap((s) => values(s).filter((v) => v > 0)).concat([first.result.level]);
  const yHi = Math.pow(10, Math.ceil(Math.log10(Math.max(...positive)) + 0.05));
  const yLo = Math.max(Math.pow(10, Math.floor(Math.log10(Math.min(...positive)))), yHi * 1e-12);
  const series = state.series.map((s) => ({ kind: "line", label: s.label, color: s.color, x: s.body.result.x, y: values(s) }));
  series.push({ kind: "line", label: chi2 ? `Δχ^{2} = ${formatNumber(first.result.level, 4)}` : `${formatNumber(first.result.level, 3)} events`,
    color: "#8d939f", dash: "5 4", x: [xLo, xHi], y: [first.result.level, first.result.level] });
  plot.show({
    title: titleLine(),
    x: axisSpec({ name: first.scan.x.param, unit: first.scan.x.unit, label: axisLabel(model, first.scan.x.param, first.scan.x.unit) },
      xLo, xHi, first.scan.x.scale === "log"),
    y: { lo: yLo, hi: yHi, log: true, name: "value", unit: "",
      label: chi2 ? "Δχ^{2}" : `events: ${signalName(model, first.signal)}` },
    series,
  }, keepView);
  const crossings = state.series.map((s) => s.body.result.crossings.map((c) => formatNumber(c, 3)).join(", ") || "none");
  $("limits-note").textContent = `crossings of the level: ${crossings.join("; ")}`;
}

function drawBounds(keepView) {
  if (!state.series[0].body.scan.y) return drawCurve(keepView);
  const first = state.series[0].body.scan;
  const model = state.series[0].request.model;
  let x = { lo: Infinity, hi: -Infinity }, y = { lo: Infinity, hi: -Infinity };
  for (const s of state.series) {
    x = { lo: Math.min(x.lo, s.body.scan.x.min), hi: Math.max(x.hi, s.body.scan.x.max) };
    y = { lo: Math.min(y.lo, s.body.scan.y.min), hi: Math.max(y.hi, s.body.scan.y.max) };
  }
  const series = state.series.map((s) => ({
    kind: "contour", label: s.label, color: s.color, polygons: s.body.result.contours,
    grid: { x: s.body.result.x, y: s.body.result.y, events: s.body.result.events || s.body.result.delta_chi2 },
  }));
  const limits = limitsFor(state.series[0]);
  state.drawnLimits = limits;
  const empty = state.series.filter((s) => s.body.result.contours.length === 0);
  const first0 = state.series[0];
  plot.show({
    x: axisSpec({ name: first.x.param, unit: first.x.unit, label: axisLabel(model, first.x.param, first.x.unit) }, x.lo, x.hi, first.x.scale === "log"),
    y: axisSpec({ name: first.y.param, unit: first.y.unit, label: axisLabel(model, first.y.param, first.y.unit) }, y.lo, y.hi, first.y.scale === "log"),
    series,
    title: titleLine(),
    limits: limits.outlines,
    limitsLabel: "existing limits (FORESEE)",
    heatmap: series[0].grid,
    heatLabel: `events: ${signalName(model, first0.body.signal)}${state.series.length > 1 ? " (first result)" : ""}`,
    message: empty.length ? empty.map(emptyReason).join("\n") : null,
  }, keepView);
  $("limits-note").textContent = limits.note;
  $("status").textContent = empty.length ? empty.map(emptyReason).join(" ").replace(/\n/g, " ") : "";
}

/* What a spectrum's y axis shows: branching fractions and fluxes are not events; events are per bin, with
 * the bin width stated (constant width, or constant width in log10 E), or dN/dlog10 E when chosen. */
function spectrumYLabel(xAxis) {
  const body = state.series[0].body.result;
  const labels = body.channels.map((c) => c.label || "").join(" ");
  if (/branching fraction/.test(labels)) return "branching fraction";
  const what = /crossing the detector/.test(labels) ? "neutrinos crossing the detector" : "events";
  if (spectrumDensity()) return `d${what === "events" ? "N" : "\u03a6"}/dlog_{10}${paramDisplay(state.series[0].request.model, xAxis.name)} (${what})`;
  const bins = body.bins;
  const widths = bins.map((b) => b.hi - b.lo), ratios = bins.map((b) => Math.log10(b.hi / b.lo));
  const same = (a) => a.every((v) => Math.abs(v - a[0]) <= 1e-6 * Math.abs(a[0]));
  const unit = xAxis.unit ? ` ${xAxis.unit}` : "";
  const width = same(widths) ? `bin width ${formatNumber(widths[0], 3)}${unit}`
    : same(ratios) && bins[0].lo > 0 ? `bins of ${formatNumber(ratios[0], 3)} in log_{10}${paramDisplay(state.series[0].request.model, xAxis.name)}` : "bins as listed in the CSV";
  return `${what} per bin (${width})`;
}

/* dN/dlog10 E instead of per-bin counts (the spectrum control); not for branching fractions. */
function spectrumDensity() {
  return $("spectrum-y").value === "dlog10";
}

function spectraCurves() {
  const curves = [];
  const several = state.series.length > 1;
  state.series.forEach((s, si) => {
    const edges = s.body.result.bins.map((b) => b.lo).concat([s.body.result.bins[s.body.result.bins.length - 1].hi]);
    s.body.result.channels.forEach((c, ci) => {
      if (!c.events_per_bin.some((v) => v > 0)) return;
      const density = spectrumDensity() && !/branching fraction/.test(c.label || "") && s.body.result.bins[0].lo > 0;
      const values = density ? c.events_per_bin.map((v, i) => {
        const b = s.body.result.bins[i];
        return v / Math.log10(b.hi / b.lo);
      }) : c.events_per_bin;
      curves.push({
        kind: "steps", edges, values,
        label: several ? `${s.label} \u00b7 ${signalName(s.request.model, c.name)}` : signalName(s.request.model, c.name),
        color: several ? s.color : PALETTE[ci % PALETTE.length],
        dash: several ? DASHES[ci % DASHES.length] : "",
      });
    });
  });
  return curves;
}

function drawSpectra(keepView) {
  const curves = spectraCurves();
  if (curves.length === 0) {
    plot.clear("every bin is empty");
    return;
  }
  const xAxis = state.series[0].body.result.x || { name: "E", unit: "GeV" };
  const lo = Math.min(...curves.map((c) => c.edges[0])), hi = Math.max(...curves.map((c) => c.edges[c.edges.length - 1]));
  const xLog = lo > 0 && hi / lo > 20;
  const positive = curves.flatMap((c) => c.values.filter((v) => v > 0));
  const top = Math.max(...positive);
  let yLo = Math.min(...positive), yLog = true;
  const yHi = Math.pow(10, Math.ceil(Math.log10(top) + 0.05));
  yLo = Math.max(Math.pow(10, Math.floor(Math.log10(yLo))), yHi * 1e-8);
  if (yHi / yLo < 10) yLo = yHi / 10;
  /* several results: the legend says which colour is which result and which dash which channel */
  const legend = state.series.length < 2 ? null : state.series.map((s) => ({ kind: "steps", label: s.label, color: s.color, dash: "" }))
    .concat(state.series[0].body.result.channels.map((c, ci) => ({ kind: "steps", label: c.name, color: "#5b6475", dash: DASHES[ci % DASHES.length] })));
  const model = state.series[0].request.model;
  const xSpec = { ...xAxis, label: axisLabel(model, xAxis.name, xAxis.unit) };
  plot.show({
    title: titleLine(),
    x: axisSpec(xSpec, xLog ? Math.pow(10, Math.floor(Math.log10(lo) + 1e-9)) : lo, xLog ? Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9)) : hi, xLog),
    y: { lo: yLog ? yLo : 0, hi: yHi, log: yLog, name: "value", unit: "", label: spectrumYLabel(xAxis) },
    series: curves,
    legend,
  }, keepView);
}

function ratesTable() {
  const names = [];
  for (const s of state.series) for (const c of s.body.result.channels) if (!names.includes(c.name)) names.push(c.name);
  const labels = {};
  for (const s of state.series) for (const c of s.body.result.channels) labels[c.name] = c.label;
  const head = make("tr", {}, [make("th", { text: "channel" }),
    ...state.series.map((s) => make("th", { class: "num" }, [make("span", { class: "swatch", style: `background:${s.color}` }), ` ${s.label}`]))]);
  const rows = names.map((n) => make("tr", {}, [
    make("td", {}, [make("div", { text: n }), make("div", { class: "label", text: labels[n] || "" })]),
    ...state.series.map((s) => {
      const c = s.body.result.channels.find((q) => q.name === n);
      return make("td", { class: "num", text: c ? formatNumber(c.events, 4) : "\u2013" });
    })]));
  const total = make("tr", {}, [make("td", { text: "total" }),
    ...state.series.map((s) => make("td", { class: "num", text: formatNumber(s.body.result.total_events, 4) }))]);
  return make("table", { id: "rates-table" }, [make("thead", {}, [head]), make("tbody", {}, rows),
    s0HasTotal() ? make("tfoot", {}, [total]) : null]);
}

function s0HasTotal() {
  return state.series.every((s) => Number.isFinite(s.body.result.total_events));
}

function draw(keepView) {
  const observable = state.series[0].observable;
  $("table-box").replaceChildren();
  if (observable === "bounds") drawBounds(keepView);
  else if (observable === "spectra") drawSpectra(keepView);
  else {
    plot.clear("");
    $("plot").replaceChildren();
    $("table-box").replaceChildren(ratesTable());
  }
  renderSeriesList();
  renderMeta();
  updateToolbar();
}

function renderSeriesList() {
  const list = $("series-list");
  if (state.series.length < 2) {
    list.replaceChildren();
    return;
  }
  list.replaceChildren(...state.series.map((s, i) => make("li", {}, [
    make("span", { class: "swatch", style: `background:${s.color}` }), s.label,
    (() => {
      const b = make("button", { type: "button", title: "remove from the plot", text: "\u00d7", "aria-label": `remove ${s.label}` });
      b.addEventListener("click", () => {
        state.series.splice(i, 1);
        state.series.forEach((q, k) => { q.color = PALETTE[k % PALETTE.length]; });
        if (state.series.length === 0) {
          plot.clear("");
          $("table-box").replaceChildren();
          renderSeriesList();
          renderMeta();
          updateToolbar();
          history.replaceState(null, "", location.pathname);
          return;
        }
        labelSeries();
        draw(true);
        writeHash();
      });
      return b;
    })()])));
}

function renderMeta() {
  const last = state.series[state.series.length - 1];
  const meta = $("meta");
  if (!last) {
    meta.replaceChildren();
    return;
  }
  const m = last.body.meta || {};
  const rows = [["served", last.cache], ["compute time", `${formatNumber(m.compute_ms, 4)} ms`],
    ["cache key", String(m.cache_key || "").slice(0, 16) + "\u2026"], ["engine", m.engine_version],
    ["data", String(m.data_version || "").slice(0, 12)]];
  if (last.observable === "bounds") rows.splice(2, 0, ["model evaluations", String(last.body.result.evaluations)]);
  meta.replaceChildren(...rows.flatMap(([k, v]) => [make("dt", { text: k }), make("dd", { text: v || "" })]));
}

function updateToolbar() {
  const has = state.series.length > 0;
  const drawable = has && state.series[0].observable !== "rates";
  $("export-svg").disabled = !drawable;
  $("export-png").disabled = !drawable;
  $("export-csv").disabled = !has;
  $("export-json").disabled = !has;
  $("reset-zoom").disabled = !drawable || !plot.zoomed();
}

/* ---- exports ---------------------------------------------------------------------------------- */

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = make("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function csvField(v) {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/* The outlines drawn on the plot (empty when the layer is off or none applies). */
function drawnLimits() {
  const on = state.series.length > 0 && state.series[0].observable === "bounds" && $("show-limits").checked;
  return on && state.drawnLimits ? state.drawnLimits : { outlines: [], sets: [], note: "" };
}

/* The same columns as the server's CSV (formats.c), with a leading "series" column for overlays and for
 * the existing limits drawn (one row per outline point, series "limit: NAME", no events); a commented
 * header says what the numbers are ('#' lines: pandas.read_csv(..., comment="#")). */
function resultsCsv() {
  const limits = drawnLimits();
  const several = state.series.length > 1 || limits.outlines.length > 0;
  const lines = [];
  const first = state.series[0];
  const meta = first.body.meta || {};
  lines.push(`# nureach ${first.observable}: model ${first.request.model}; ${state.series.length} result(s)`);
  for (const s of state.series) lines.push(`# ${s.label}: ${JSON.stringify(s.request)}`);
  lines.push(`# engine ${meta.engine_version || "?"}; data ${meta.data_version || "?"}`);
  const curve = first.observable === "bounds" && !first.body.scan.y;
  const valueName = first.observable === "bounds" && first.body.test ? "delta_chi2" : "events";
  if (curve) lines.push(`# units: ${first.body.scan.x.param} [${first.body.scan.x.unit || "1"}], ${valueName}`);
  else if (first.observable === "bounds") lines.push(`# units: ${first.body.scan.x.param} [${first.body.scan.x.unit || "1"}], ${first.body.scan.y.param} [${first.body.scan.y.unit || "1"}], ${valueName === "events" ? "events (expected count)" : valueName}`);
  if (limits.outlines.length) lines.push("# limit rows: outlines of existing limits and projections, FORESEE (MIT), GET /api/v1/limits");
  const row = (s, cells) => lines.push((several ? [s.label, ...cells] : cells).map(csvField).join(","));
  const observable = state.series[0].observable;
  const head = (cells) => lines.push((several ? ["series", ...cells] : cells).map(csvField).join(","));
  if (curve) {
    head([first.body.scan.x.param, valueName]);
    for (const s of state.series) s.body.result.x.forEach((x, i) => row(s, [x, s.body.result[valueName][i]]));
  } else if (observable === "bounds") {
    const b = state.series[0].body;
    head([b.scan.x.param, b.scan.y.param, valueName]);
    for (const s of state.series) {
      const r = s.body.result;
      r.y.forEach((y, j) => r.x.forEach((x, i) => row(s, [x, y, r[valueName][j][i]])));
    }
    for (const o of limits.outlines) {
      o.x.forEach((x, i) => lines.push([`limit: ${o.label ? mathtextToText(o.label) + " " : ""}[${o.name}; ${o.kind}]`, x, o.y[i], ""].map(csvField).join(",")));
    }
  } else if (observable === "spectra") {
    const names = state.series[0].body.result.channels.map((c) => c.name);
    head(["lo", "hi", ...names]);
    for (const s of state.series) {
      s.body.result.bins.forEach((b, i) => row(s, [b.lo, b.hi, ...s.body.result.channels.map((c) => c.events_per_bin[i])]));
    }
  } else {
    head(["channel", "label", "events"]);
    for (const s of state.series) for (const c of s.body.result.channels) row(s, [c.name, c.label, c.events]);
  }
  return lines.join("\r\n") + "\r\n";
}

function exportName(ext) {
  return `nureach-${state.series[0].request.model}-${state.series[0].observable}.${ext}`;
}

/* ---- start-up --------------------------------------------------------------------------------- */

function bindEvents() {
  $("model").addEventListener("change", () => selectModel($("model").value));
  $("experiment").addEventListener("change", renderExperimentDetails);
  $("curve").addEventListener("change", markScanned);
  $("request-form").addEventListener("submit", (e) => {
    e.preventDefault();
    run(state.observable, [requestFromForm()], false);
  });
  $("add").addEventListener("click", () => run(state.observable, [requestFromForm()], true));
  $("cancel").addEventListener("click", () => {
    if (state.running) state.running.cancel();
  });
  $("reset-zoom").addEventListener("click", () => {
    plot.reset();
    updateToolbar();
    writeHash();
  });
  $("export-svg").addEventListener("click", () => {
    download(new Blob([plot.svgText()], { type: "image/svg+xml" }), exportName("svg"));
  });
  $("export-png").addEventListener("click", async () => {
    try {
      download(await svgToPng(plot.svgText(), 2), exportName("png"));
    } catch (error) {
      showGeneralError("PNG export failed", error.message);
    }
  });
  $("export-csv").addEventListener("click", () => download(new Blob([resultsCsv()], { type: "text/csv" }), exportName("csv")));
  $("export-json").addEventListener("click", () => {
    const results = state.series.length === 1 ? state.series[0].body : state.series.map((s) => s.body);
    const limits = drawnLimits();
    const doc = limits.sets.length ? { results, limits: { source: (state.limits[limitsQuery(state.series[0].request)] || {}).source, sets: limits.sets } } : results;
    const json = JSON.stringify(doc, null, 1);
    download(new Blob([json], { type: "application/json" }), exportName("json"));
  });
  $("back").addEventListener("click", goBack);
  const redraw = (event) => {
    plot.fontScale = Number($("font-size").value) || 1;
    plot.outline = $("outline-only").checked;
    plot.showHeatmap = $("show-colormap").checked;
    plot.showLimits = $("show-limits").checked;
    if (state.series.length && state.series[0].observable === "spectra") drawSpectra(event.target.id !== "spectrum-y");
    else if (plot.spec) plot.render();
  };
  for (const id of ["font-size", "outline-only", "show-colormap", "show-limits", "spectrum-y"]) $(id).addEventListener("change", redraw);
  window.addEventListener("hashchange", () => {
    const view = readHash();
    if (view) loadView(view);
  });
}

function loadView(view) {
  const last = view.requests[view.requests.length - 1];
  if (!state.models.some((m) => m.name === last.model)) return;
  state.pendingZoom = view.zoom || null;
  fillForm(view.observable, last);
  run(view.observable, view.requests, false);
}

async function start() {
  setPageState("loading");
  plot = new Plot($("plot"), (text) => { $("readout").textContent = text; });
  plot.onZoom = () => {
    updateToolbar();
    writeHash();
  };
  bindEvents();
  try {
    const [models, experiments, display] = await Promise.all([getJSON("api/v1/models"), getJSON("api/v1/experiments"),
      getJSON("display.json").catch(() => ({ body: {} }))]);
    state.display = display.body || {};
    state.models = models.body.models || [];
    state.experiments = experiments.body.experiments || [];
    state.overridable = experiments.body.overridable || [];
  } catch (error) {
    showProblem(error);
    setPageState("error");
    return;
  }
  $("model").replaceChildren(...state.models.map((m) => make("option", { value: m.name, text: `${m.name} \u2014 ${m.title || ""}` })));
  const view = readHash();
  selectModel(view ? view.requests[view.requests.length - 1].model : (state.models.find((m) => m.name === "dipole") || state.models[0]).name);
  $("compute").disabled = false;
  $("add").disabled = false;
  setPageState("ready");
  if (view) loadView(view);
}

start();
