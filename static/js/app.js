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
import { Plot, formatNumber, svgToPng } from "./plot.js";

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
  $(`scan-${axis}-min`).value = String(p.min);
  $(`scan-${axis}-max`).value = String(p.max);
  $(`scan-${axis}-scale`).value = p.scale === "log" ? "log" : "linear";
  markScanned();
}

/* A scanned parameter has no value of its own: its field is disabled while the contour is chosen. */
function markScanned() {
  const scanned = state.observable !== "bounds" ? []
    : ["x", "y"].map((a) => $(`scan-${a}-param`)).filter(Boolean).map((select) => select.value);
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
    request.scan = { x: axis("x"), y: axis("y") };
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

function onProgress(fraction, status) {
  $("progress-box").hidden = false;
  $("progress").value = fraction;
  $("progress-text").textContent = `${Math.round(fraction * 100)} % ${status || ""}`;
  $("status").textContent = `scan ${status || "running"}\u2026`;
}

async function compute(observable, request) {
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
  $("status").textContent = "computing\u2026";
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
  state.series = (keep ? state.series : []).concat(done);
  state.series.forEach((s, i) => {
    s.color = PALETTE[i % PALETTE.length];
    s.dash = DASHES[i % DASHES.length];
  });
  labelSeries();
  draw(keep);
  writeHash();
  setBusy(false);
  const ms = performance.now() - t0;
  window.nureachLastDrawMs = ms;
  $("status").textContent = `done in ${ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(2) + " s"}`;
  setPageState("done");
}

/* Overlays need the same observable and, for contours, the same two axes. */
function compatible(a, b) {
  if (a.observable !== b.observable || a.request.model !== b.request.model) return false;
  if (a.observable !== "bounds") return true;
  return a.body.scan.x.param === b.body.scan.x.param && a.body.scan.y.param === b.body.scan.y.param;
}

/* Series labels: the experiment plus whatever differs between the series. */
function labelSeries() {
  const describe = (s) => {
    const parts = [s.body.experiment ? s.body.experiment.name : s.request.experiment];
    if (s.observable === "bounds") parts.push(s.body.signal, `\u2265 ${formatNumber(s.body.threshold, 3)} events`);
    for (const [k, v] of Object.entries(s.request.params || {})) parts.push(`${k}=${v}`);
    for (const [k, v] of Object.entries(s.request.experiment_overrides || {})) parts.push(`${k}=${v}`);
    return parts;
  };
  const all = state.series.map(describe);
  state.series.forEach((s, i) => {
    const parts = all[i].filter((p, k) => k === 0 || all.some((other) => !other.includes(p)) || all.length === 1);
    s.label = parts.join(" \u00b7 ");
  });
}

/* ---- drawing ---------------------------------------------------------------------------------- */

function axisSpec(axis, lo, hi, log) {
  return { lo, hi, log, name: axis.name, unit: axis.unit, label: `${axis.name}${unitSuffix(axis.unit)}` };
}

function drawBounds(keepView) {
  const first = state.series[0].body.scan;
  let x = { lo: Infinity, hi: -Infinity }, y = { lo: Infinity, hi: -Infinity };
  for (const s of state.series) {
    x = { lo: Math.min(x.lo, s.body.scan.x.min), hi: Math.max(x.hi, s.body.scan.x.max) };
    y = { lo: Math.min(y.lo, s.body.scan.y.min), hi: Math.max(y.hi, s.body.scan.y.max) };
  }
  const series = state.series.map((s) => ({
    kind: "contour", label: s.label, color: s.color, polygons: s.body.result.contours,
    grid: { x: s.body.result.x, y: s.body.result.y, events: s.body.result.events },
  }));
  plot.show({
    x: axisSpec({ name: first.x.param, unit: first.x.unit }, x.lo, x.hi, first.x.scale === "log"),
    y: axisSpec({ name: first.y.param, unit: first.y.unit }, y.lo, y.hi, first.y.scale === "log"),
    series,
  }, keepView);
  const empty = state.series.filter((s) => s.body.result.contours.length === 0).map((s) => s.label);
  if (empty.length) $("status").textContent = `no region reaches the threshold for: ${empty.join(", ")}`;
}

function spectraCurves() {
  const curves = [];
  const several = state.series.length > 1;
  state.series.forEach((s, si) => {
    const edges = s.body.result.bins.map((b) => b.lo).concat([s.body.result.bins[s.body.result.bins.length - 1].hi]);
    s.body.result.channels.forEach((c, ci) => {
      if (!c.events_per_bin.some((v) => v > 0)) return;
      curves.push({
        kind: "steps", edges, values: c.events_per_bin,
        label: several ? `${s.label} \u00b7 ${c.name}` : c.name,
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
  plot.show({
    x: axisSpec(xAxis, xLog ? Math.pow(10, Math.floor(Math.log10(lo) + 1e-9)) : lo, xLog ? Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9)) : hi, xLog),
    y: { lo: yLog ? yLo : 0, hi: yHi, log: yLog, name: "events", unit: "", label: "events per bin" },
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

/* The same columns as the server's CSV (formats.c), with a leading "series" column for overlays. */
function resultsCsv() {
  const several = state.series.length > 1;
  const lines = [];
  const row = (s, cells) => lines.push((several ? [s.label, ...cells] : cells).map(csvField).join(","));
  const observable = state.series[0].observable;
  const head = (cells) => lines.push((several ? ["series", ...cells] : cells).map(csvField).join(","));
  if (observable === "bounds") {
    const b = state.series[0].body;
    head([b.scan.x.param, b.scan.y.param, "events"]);
    for (const s of state.series) {
      const r = s.body.result;
      r.y.forEach((y, j) => r.x.forEach((x, i) => row(s, [x, y, r.events[j][i]])));
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
    const json = JSON.stringify(state.series.length === 1 ? state.series[0].body : state.series.map((s) => s.body), null, 1);
    download(new Blob([json], { type: "application/json" }), exportName("json"));
  });
  window.addEventListener("hashchange", () => {
    const view = readHash();
    if (view) loadView(view);
  });
}

function loadView(view) {
  const last = view.requests[view.requests.length - 1];
  if (!state.models.some((m) => m.name === last.model)) return;
  fillForm(view.observable, last);
  run(view.observable, view.requests, false);
}

async function start() {
  setPageState("loading");
  plot = new Plot($("plot"), (text) => { $("readout").textContent = text; });
  plot.onZoom = updateToolbar;
  bindEvents();
  try {
    const [models, experiments] = await Promise.all([getJSON("api/v1/models"), getJSON("api/v1/experiments")]);
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
