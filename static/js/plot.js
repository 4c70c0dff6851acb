/* static/js/plot.js: the page's SVG plot. Layers, back to front, on shared axes:
 *   heatmap    the event counts of the first contour's scan grid as coloured cells (log colour scale, with
 *              a colour bar), so the eye sees where the signal grows;
 *   limits     existing limits (GET /api/v1/limits) as grey filled regions with their labels, projections
 *              as labelled coloured lines, reference lines dotted;
 *   "contour"  filled regions (polygons, the region above threshold to their left; holes run the other
 *              way, so one path with fill-rule nonzero draws them), or outlines only; the scan grid is kept
 *              for the value under the cursor (nearest grid point in the scaled coordinates);
 *   "steps"    step histograms (bin edges + one value per bin).
 * Text is typeset with SVG tspans from a small markup (x_{sub}, x^{sup}, Unicode Greek): axis labels from
 * each parameter's display symbol, a title line, a legend sized to its text. Log axes carry powers of ten
 * and keep at least three labelled ticks at any zoom (1-2-5 mantissas, then all, then linear steps);
 * linear axes 1-2-5 steps. Drag a box to zoom, double-click or reset() to go back. Every style is an SVG
 * attribute, so the exported SVG (svgText) and the PNG made from it look like the page. */
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 900, HEIGHT = 560;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
const INK = "#1d2330";
/* sequential colour scale of the heatmap (light yellow -> green -> blue -> purple), low to high */
const HEAT_STOPS = [[255, 255, 217], [199, 233, 180], [65, 182, 196], [34, 94, 168], [37, 52, 148], [8, 29, 88]];
const HEAT_DECADES = 6;

function el(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/* ---- typesetting ------------------------------------------------------------------------------- */

/* Splits markup into runs [{text, shift: 0 | "sub" | "sup"}]: x_{ab} and x^{ab} (braces), or x_a / x^a (one
 * character); "\\_" is a literal underscore. */
export function parseMarkup(markup) {
  const runs = [];
  let text = "";
  const flush = () => {
    if (text) runs.push({ text, shift: 0 });
    text = "";
  };
  const s = String(markup);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c === "_" || c === "^") && i + 1 < s.length) {
      let inner, next;
      if (s[i + 1] === "{") {
        const close = s.indexOf("}", i + 2);
        if (close < 0) {
          text += c;
          continue;
        }
        inner = s.slice(i + 2, close);
        next = close;
      } else {
        inner = s[i + 1];
        next = i + 1;
      }
      flush();
      runs.push({ text: inner, shift: c === "_" ? "sub" : "sup" });
      i = next;
    } else {
      text += c;
    }
  }
  flush();
  return runs;
}

/* A <text> element with the markup typeset as tspans (sub- and superscripts at 75 %). */
export function typeset(markup, attrs) {
  const t = el("text", attrs);
  let offset = 0; /* current baseline offset in em of the small font */
  for (const run of parseMarkup(markup)) {
    const want = run.shift === "sub" ? 0.35 : run.shift === "sup" ? -0.55 : 0;
    const span = el("tspan", {}, run.text);
    if (want !== offset) span.setAttribute("dy", `${(want - offset).toFixed(2)}em`);
    if (run.shift) span.setAttribute("font-size", "75%");
    offset = want;
    t.appendChild(span);
  }
  if (offset !== 0) t.appendChild(el("tspan", { dy: `${(-offset).toFixed(2)}em` }, "\u200b"));
  return t;
}

/* A unit string of the API ("GeV^-1", "GeV^2") as markup. */
export function unitMarkup(unit) {
  return String(unit || "").replace(/\^(-?[0-9]+)/g, (m, e) => `^{${e.replace("-", "\u2212")}}`);
}

/* FORESEE's matplotlib mathtext labels ("NA62 - $\mu\mu$") as plain Unicode. */
export function mathtextToText(label) {
  const greek = { mu: "\u03bc", nu: "\u03bd", gamma: "\u03b3", pi: "\u03c0", eta: "\u03b7", tau: "\u03c4",
    epsilon: "\u03b5", nu_e: "\u03bd_e" };
  return String(label).replace(/\$([^$]*)\$/g, (m, inner) =>
    inner.replace(/\\([a-zA-Z]+)/g, (g, name) => greek[name] || name).replace(/[{}]/g, ""));
}

/* ---- axes ------------------------------------------------------------------------------------ */

/* An axis maps values to pixels through t = log10(v) (log) or t = v (linear). */
function makeAxis(spec, p0, p1) {
  const tf = spec.log ? (v) => Math.log10(v) : (v) => v;
  const inv = spec.log ? (t) => Math.pow(10, t) : (t) => t;
  const t0 = tf(spec.lo), t1 = tf(spec.hi);
  return {
    ...spec,
    t: tf,
    px: (v) => p0 + ((tf(v) - t0) / (t1 - t0)) * (p1 - p0),
    value: (px) => inv(t0 + ((px - p0) / (p1 - p0)) * (t1 - t0)),
    p0, p1,
  };
}

function niceStep(span, target) {
  const raw = span / target, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

/* A tick's label: plain digits between 1e-3 and 1e5, else mantissa x 10^exponent (1.5x10^-5). */
function tickText(v) {
  const a = Math.abs(v);
  if (v === 0 || (a >= 1e-3 && a < 1e5)) return String(Number(v.toPrecision(6)));
  const exponent = Math.floor(Math.log10(a) + 1e-12);
  const mantissa = Number((v / Math.pow(10, exponent)).toPrecision(6));
  return { mantissa: mantissa === 1 ? null : mantissa, exponent };
}

function linearTicks(lo, hi, target) {
  const out = [];
  const step = niceStep(hi - lo, target);
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    const r = Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12));
    out.push({ v: r, major: true, label: tickText(r) });
  }
  return out;
}

const labelled = (ticks) => ticks.filter((t) => t.label !== null).length;

/* Ticks: [{v, major, label: {mantissa, exponent} | string | null}]; at least three labelled ones. */
export function ticksFor(spec) {
  if (!spec.log) {
    for (const target of [6, 8, 12]) {
      const ticks = linearTicks(spec.lo, spec.hi, target);
      if (labelled(ticks) >= 3) return ticks;
    }
    return linearTicks(spec.lo, spec.hi, 20);
  }
  const d0 = Math.floor(Math.log10(spec.lo) + 1e-9), d1 = Math.ceil(Math.log10(spec.hi) - 1e-9);
  const decades = d1 - d0;
  const every = Math.max(1, Math.ceil(decades / 10));
  /* mantissas labelled besides the powers of ten: none, then 2 and 5, then all */
  const attempts = decades > 2 ? [[]] : decades > 1 ? [[], [2, 5]] : [[2, 5], [2, 3, 5], [2, 3, 4, 5, 6, 7, 8, 9]];
  let out = [];
  for (const extra of attempts) {
    out = [];
    for (let d = d0; d <= d1; d++) {
      for (let m = 1; m <= 9; m++) {
        const v = m * Math.pow(10, d);
        if (v < spec.lo * (1 - 1e-9) || v > spec.hi * (1 + 1e-9)) continue;
        if (m === 1) {
          out.push({ v, major: true, label: (d - d0) % every === 0 ? { mantissa: null, exponent: d } : null });
        } else if (decades <= 6) {
          out.push({ v, major: false, label: extra.includes(m) ? { mantissa: m, exponent: d } : null });
        }
      }
    }
    if (labelled(out) >= 3) return out;
  }
  /* less than a factor ~3 on screen: plain numbers at linear steps (placed on the log axis) */
  for (const target of [4, 6, 10]) {
    const ticks = linearTicks(spec.lo, spec.hi, target).filter((t) => t.v > 0);
    if (labelled(ticks) >= 3) return ticks;
  }
  return linearTicks(spec.lo, spec.hi, 20).filter((t) => t.v > 0);
}

export function formatNumber(v, digits) {
  if (!Number.isFinite(v)) return "\u2013";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, (digits || 3) - 1)).replace("e+", "e");
  return String(Number(v.toPrecision(digits || 3)));
}

function tickLabel(label, attrs, fs) {
  const t = el("text", { ...attrs, class: "tick-label" });
  if (typeof label === "string") {
    t.textContent = label;
  } else {
    t.appendChild(el("tspan", {}, label.mantissa ? `${label.mantissa}\u00d710` : "10"));
    t.appendChild(el("tspan", { dy: "-0.55em", "font-size": Math.round(10 * fs) }, String(label.exponent)));
  }
  return t;
}

function drawAxes(g, ax, ay, view, fs, layout) {
  const grid = el("g", { stroke: "#e6e9f0", "stroke-width": 1 });
  const ticks = el("g", { stroke: INK, "stroke-width": 1 });
  const labels = el("g", { fill: INK, "font-size": Math.round(13 * fs), "font-family": FONT });
  for (const tk of ticksFor(ax)) {
    const x = ax.px(tk.v);
    if (tk.major) grid.appendChild(el("line", { x1: x, x2: x, y1: ay.p1, y2: ay.p0 }));
    ticks.appendChild(el("line", { x1: x, x2: x, y1: ay.p0, y2: ay.p0 + (tk.major ? 6 : 3) }));
    if (tk.label !== null) labels.appendChild(tickLabel(tk.label, { x, y: ay.p0 + 8 + 14 * fs, "text-anchor": "middle", "data-axis": "x" }, fs));
  }
  for (const tk of ticksFor(ay)) {
    const y = ay.px(tk.v);
    if (tk.major) grid.appendChild(el("line", { x1: ax.p0, x2: ax.p1, y1: y, y2: y }));
    ticks.appendChild(el("line", { x1: ax.p0 - (tk.major ? 6 : 3), x2: ax.p0, y1: y, y2: y }));
    if (tk.label !== null) labels.appendChild(tickLabel(tk.label, { x: ax.p0 - 9, y: y + 4 * fs, "text-anchor": "end", "data-axis": "y" }, fs));
  }
  g.appendChild(grid);
  g.appendChild(el("rect", { x: ax.p0, y: ay.p1, width: ax.p1 - ax.p0, height: ay.p0 - ay.p1, fill: "none",
    stroke: INK, "stroke-width": 1 }));
  g.appendChild(ticks);
  g.appendChild(labels);
  const axisText = { "font-size": Math.round(15 * fs), "font-family": FONT, fill: INK, "text-anchor": "middle" };
  g.appendChild(typeset(view.x.label, { ...axisText, class: "axis-label x-label", x: (ax.p0 + ax.p1) / 2, y: HEIGHT - 12 * fs }));
  g.appendChild(typeset(view.y.label, { ...axisText, class: "axis-label y-label", x: 0, y: 0,
    transform: `translate(${Math.round(18 * fs)} ${(ay.p0 + ay.p1) / 2}) rotate(-90)` }));
  if (layout.title) {
    g.appendChild(typeset(layout.title, { class: "plot-title", x: ax.p0, y: Math.round(22 * fs), "font-size": Math.round(15 * fs),
      "font-family": FONT, fill: INK, "font-weight": 600 }));
  }
}

/* ---- layers ---------------------------------------------------------------------------------- */

const clampPx = (p) => Math.max(-1e4, Math.min(1e4, p));

function polylinePath(xs, ys, ax, ay, close) {
  let d = "", pen = false;
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    if ((ax.log && !(xs[i] > 0)) || (ay.log && !(ys[i] > 0))) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${clampPx(ax.px(xs[i])).toFixed(2)},${clampPx(ay.px(ys[i])).toFixed(2)}`;
    pen = true;
  }
  return d && close ? d + "Z" : d;
}

function contourPath(series, ax, ay) {
  let d = "";
  for (const poly of series.polygons) if (Math.min(poly.x.length, poly.y.length) >= 3) d += polylinePath(poly.x, poly.y, ax, ay, true);
  return d;
}

function stepPath(series, ax, ay) {
  const { edges, values } = series;
  const yFloor = ay.p0 + 2;
  const yOf = (v) => (ay.log ? (v > 0 ? ay.px(v) : yFloor) : ay.px(v));
  let d = "";
  for (let i = 0; i < values.length; i++) {
    const x0 = ax.px(edges[i]).toFixed(2), x1 = ax.px(edges[i + 1]).toFixed(2);
    const y = Math.min(yFloor + 50, Math.max(-50, yOf(values[i]))).toFixed(2);
    d += `${i === 0 ? "M" : "L"}${x0},${y}L${x1},${y}`;
  }
  return d;
}

function heatColor(f) {
  const x = Math.max(0, Math.min(1, f)) * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(x)), u = x - i;
  const c = HEAT_STOPS[i].map((a, k) => Math.round(a + (HEAT_STOPS[i + 1][k] - a) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/* Cell edges of grid points, halfway between neighbours in the axis' scaled coordinate. */
function cellEdges(values, axis) {
  const t = values.map((v) => axis.t(v));
  const inv = axis.log ? (u) => Math.pow(10, u) : (u) => u;
  const edges = [];
  for (let i = 0; i <= t.length; i++) {
    const e = i === 0 ? t[0] - (t.length > 1 ? (t[1] - t[0]) / 2 : 0.5)
      : i === t.length ? t[t.length - 1] + (t.length > 1 ? (t[t.length - 1] - t[t.length - 2]) / 2 : 0.5)
        : (t[i - 1] + t[i]) / 2;
    edges.push(axis.px(inv(e)));
  }
  return edges;
}

/* The decades the colour scale covers: [log10 max - HEAT_DECADES, log10 max]; null if nothing is positive. */
function heatRange(grid) {
  let top = 0;
  for (const row of grid.events) for (const v of row) if (v > top) top = v;
  if (!(top > 0)) return null;
  const hi = Math.ceil(Math.log10(top) - 1e-9);
  return { lo: hi - HEAT_DECADES, hi };
}

function drawHeatmap(g, grid, ax, ay) {
  const range = heatRange(grid);
  if (!range) return null;
  const xe = cellEdges(grid.x, ax), ye = cellEdges(grid.y, ay);
  const layer = el("g", { class: "heatmap", "fill-opacity": 0.8 });
  grid.events.forEach((row, j) => row.forEach((v, i) => {
    if (!(v > 0)) return;
    const f = (Math.log10(v) - range.lo) / (range.hi - range.lo);
    if (f < 0) return;
    const x = Math.min(xe[i], xe[i + 1]), y = Math.min(ye[j], ye[j + 1]);
    layer.appendChild(el("rect", { x: x.toFixed(2), y: y.toFixed(2), width: (Math.abs(xe[i + 1] - xe[i]) + 0.6).toFixed(2),
      height: (Math.abs(ye[j + 1] - ye[j]) + 0.6).toFixed(2), fill: heatColor(f) }));
  }));
  g.appendChild(layer);
  return range;
}

function drawColorbar(svg, range, ax, ay, fs, label) {
  const x = ax.p1 + 14, w = 14, top = ay.p1, bottom = ay.p0;
  const g = el("g", { class: "colorbar", "font-family": FONT, "font-size": Math.round(11 * fs), fill: INK });
  const steps = 48;
  for (let k = 0; k < steps; k++) {
    const y0 = bottom - ((k + 1) / steps) * (bottom - top);
    g.appendChild(el("rect", { x, y: y0.toFixed(2), width: w, height: ((bottom - top) / steps + 0.5).toFixed(2),
      fill: heatColor((k + 0.5) / steps), "fill-opacity": 0.8 }));
  }
  g.appendChild(el("rect", { x, y: top, width: w, height: bottom - top, fill: "none", stroke: INK, "stroke-width": 0.8 }));
  for (let d = range.lo; d <= range.hi; d += 2) {
    const y = bottom - ((d - range.lo) / (range.hi - range.lo)) * (bottom - top);
    g.appendChild(el("line", { x1: x + w, x2: x + w + 4, y1: y, y2: y, stroke: INK }));
    g.appendChild(tickLabel({ mantissa: null, exponent: d }, { x: x + w + 6, y: y + 4, "text-anchor": "start" }, fs));
  }
  g.appendChild(typeset(label, { x: 0, y: 0, "text-anchor": "middle", "font-size": Math.round(12 * fs),
    transform: `translate(${x + w + 44 * fs} ${(top + bottom) / 2}) rotate(90)` }));
  svg.appendChild(g);
}

const LIMIT_FILL = { bounds: "#c4c8d0", bounds2: "#dfe1e6" };

function drawLimits(g, limits, ax, ay, fs) {
  const layer = el("g", { class: "limits-layer" });
  const labels = el("g", { class: "limit-labels", "font-family": FONT, "font-size": Math.round(11 * fs) });
  for (const o of limits) {
    if (o.kind === "excluded") {
      layer.appendChild(el("path", { class: "limit-region", d: polylinePath(o.x, o.y, ax, ay, true),
        fill: LIMIT_FILL[o.group] || LIMIT_FILL.bounds, "fill-opacity": 0.6, stroke: "#8d939f", "stroke-width": 0.8,
        "data-name": o.name }));
    } else {
      layer.appendChild(el("path", { class: o.kind === "projection" ? "limit-projection" : "limit-reference",
        d: polylinePath(o.x, o.y, ax, ay, false), fill: "none", stroke: o.color || "#5b6475", "stroke-width": 1.6,
        "stroke-dasharray": o.kind === "projection" ? "6 3" : "2 3", "data-name": o.name }));
    }
    const at = o.label_position;
    if (o.label && at && at.x > 0 && at.y > 0) {
      const x = ax.px(at.x), y = ay.px(at.y);
      if (x < ax.p0 || x > ax.p1 || y < ay.p1 || y > ay.p0) continue;
      labels.appendChild(el("text", { class: "limit-label", x: x.toFixed(1), y: y.toFixed(1),
        fill: o.kind === "excluded" ? "#3d4350" : o.color || "#3d4350",
        transform: at.rotation_deg ? `rotate(${-at.rotation_deg} ${x.toFixed(1)} ${y.toFixed(1)})` : "" },
      mathtextToText(o.label)));
    }
  }
  g.appendChild(layer);
  return labels;
}

/* A polyline through (x[i], y[i]) (kind "line": a 1-D curve); a point at or below zero on a log axis breaks it. */
function linePath(s, ax, ay) {
  let d = "", pen = false;
  s.x.forEach((x, i) => {
    const v = s.y[i];
    if (ay.log && !(v > 0)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${ax.px(x).toFixed(2)},${ay.px(v).toFixed(2)}`;
    pen = true;
  });
  return d;
}

/* Pixel points of the data, to keep the legend off them. */
function dataPoints(series, ax, ay) {
  const pts = [];
  for (const s of series) {
    if (s.kind === "contour") {
      for (const poly of s.polygons) poly.x.forEach((x, i) => pts.push([ax.px(x), ay.px(poly.y[i])]));
    } else if (s.kind === "line") {
      s.x.forEach((x, i) => {
        if (!(ay.log && !(s.y[i] > 0))) pts.push([ax.px(x), ay.px(s.y[i])]);
      });
    } else if (s.kind === "steps") {
      s.values.forEach((v, i) => {
        if (ay.log && !(v > 0)) return;
        pts.push([ax.px(s.edges[i]), ay.px(v)], [ax.px(s.edges[i + 1]), ay.px(v)]);
      });
    }
  }
  return pts;
}

/* The corner (top right, top left, bottom right, bottom left) whose box covers the fewest data points. */
function legendOrigin(series, ax, ay, width, height) {
  const pts = dataPoints(series, ax, ay);
  const corners = [[ax.p1 - width - 10, ay.p1 + 10], [ax.p0 + 10, ay.p1 + 10],
    [ax.p1 - width - 10, ay.p0 - height - 10], [ax.p0 + 10, ay.p0 - height - 10]];
  let best = corners[0], fewest = Infinity;
  for (const [x, y] of corners) {
    const n = pts.filter(([px, py]) => px >= x && px <= x + width && py >= y && py <= y + height).length;
    if (n < fewest) {
      fewest = n;
      best = [x, y];
    }
  }
  return best;
}

/* The legend's rows; its box is sized to the text once the SVG is in the page (fitLegend). */
function drawLegend(g, entries, fs) {
  if (entries.length === 0) return null;
  const lineH = Math.round(18 * fs), pad = 8;
  const box = el("g", { class: "legend" });
  const rect = el("rect", { class: "legend-box", x: 0, y: 0, width: 10, height: pad * 2 + lineH * entries.length - 4 * fs,
    fill: "#ffffff", "fill-opacity": 0.92, stroke: "#c9ceda", rx: 3 });
  box.appendChild(rect);
  entries.forEach((s, i) => {
    const y = pad + i * lineH;
    const sw = 22 * fs, sh = 11 * fs;
    if (s.kind === "contour" || s.kind === "limit") {
      box.appendChild(el("rect", { x: pad, y: y + 1, width: sw, height: sh, fill: s.color, "fill-opacity": s.kind === "limit" ? 0.85 : s.outline ? 0 : 0.3,
        stroke: s.kind === "limit" ? "#8d939f" : s.color, "stroke-width": 1.5 }));
    } else {
      box.appendChild(el("line", { x1: pad, x2: pad + sw, y1: y + sh / 2 + 1, y2: y + sh / 2 + 1, stroke: s.color, "stroke-width": 2.2,
        "stroke-dasharray": s.dash || "none" }));
    }
    box.appendChild(typeset(s.label, { class: "legend-text", x: pad + sw + 8, y: y + sh, "font-size": Math.round(12 * fs),
      "font-family": FONT, fill: INK }));
  });
  g.appendChild(box);
  return { box, rect, pad, height: Number(rect.getAttribute("height")), estimate: 40 * fs + 7 * fs * Math.max(...entries.map((s) => s.label.length)) };
}

/* Sizes the legend box to its text (measured in the page; estimated when detached) and puts it in the
 * emptiest corner. */
function fitLegend(legend, series, ax, ay) {
  if (!legend) return;
  let right = 0;
  try {
    for (const t of legend.box.querySelectorAll("text")) {
      const b = t.getBBox();
      right = Math.max(right, b.x + b.width);
    }
  } catch (e) {
    right = 0;
  }
  const width = Math.ceil(right > 0 ? right + legend.pad : legend.estimate);
  legend.rect.setAttribute("width", width);
  const [ox, oy] = legendOrigin(series, ax, ay, width, legend.height);
  legend.box.setAttribute("transform", `translate(${ox.toFixed(1)} ${oy.toFixed(1)})`);
}

/* Shrinks the title's font until it fits in `room` pixels (measured in the page). */
function fitTitle(svg, room) {
  const title = svg.querySelector(".plot-title");
  if (!title) return;
  try {
    const w = title.getBBox().width;
    if (w > room) title.setAttribute("font-size", (Number(title.getAttribute("font-size")) * room / w).toFixed(1));
  } catch (e) {
    /* not in the page: left as is */
  }
}

/* ---- the plot object ------------------------------------------------------------------------- */

export class Plot {
  /* onReadout(text) is called with the value under the cursor ("" when it leaves the plot). */
  constructor(container, onReadout) {
    this.container = container;
    this.onReadout = onReadout || (() => {});
    this.series = [];
    this.full = null;
    this.view = null;
    this.svg = null;
    this.fontScale = 1;     /* text size multiplier (font-size control) */
    this.outline = false;   /* contours as outlines only */
    this.showHeatmap = true;
    this.showLimits = true;
  }

  /* spec: {x: {lo, hi, log, label, name, unit}, y: {...}, series: [...], legend?, title?, limits?: [outline],
   * heatmap?: {x, y, events}, heatLabel?, message?}; keeps the zoom when keepView is set. */
  show(spec, keepView) {
    this.spec = spec;
    this.series = spec.series;
    this.full = { x: { ...spec.x }, y: { ...spec.y } };
    if (!keepView || !this.view) this.view = { x: { ...spec.x }, y: { ...spec.y } };
    else this.view = { x: { ...spec.x, lo: this.view.x.lo, hi: this.view.x.hi }, y: { ...spec.y, lo: this.view.y.lo, hi: this.view.y.hi } };
    this.render();
  }

  clear(message) {
    this.series = [];
    this.spec = null;
    this.full = this.view = null;
    this.svg = null;
    this.container.replaceChildren();
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = message || "";
    this.container.appendChild(p);
  }

  zoomed() {
    if (!this.full || !this.view) return false;
    return ["x", "y"].some((k) => this.view[k].lo !== this.full[k].lo || this.view[k].hi !== this.full[k].hi);
  }

  /* The zoomed ranges {x: [lo, hi], y: [lo, hi]}, null when not zoomed. */
  zoomRanges() {
    return this.zoomed() ? { x: [this.view.x.lo, this.view.x.hi], y: [this.view.y.lo, this.view.y.hi] } : null;
  }

  /* Applies ranges from zoomRanges() (e.g. from a shared link). */
  setZoom(ranges) {
    if (!this.view || !ranges) return;
    const ok = (r, a) => Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] < r[1] && (!a.log || r[0] > 0);
    if (!ok(ranges.x, this.view.x) || !ok(ranges.y, this.view.y)) return;
    this.view = { x: { ...this.view.x, lo: ranges.x[0], hi: ranges.x[1] }, y: { ...this.view.y, lo: ranges.y[0], hi: ranges.y[1] } };
    this.render();
  }

  reset() {
    if (!this.full) return;
    this.view = { x: { ...this.full.x }, y: { ...this.full.y } };
    this.render();
  }

  render() {
    if (!this.spec || !this.view) return;
    const fs = this.fontScale;
    const spec = this.spec;
    const heat = this.showHeatmap && spec.heatmap ? spec.heatmap : null;
    const margin = { left: Math.round(70 + 18 * fs), right: heat ? Math.round(62 + 28 * fs) : 22,
      top: spec.title ? Math.round(36 * fs) : 18, bottom: Math.round(36 + 22 * fs) };
    const svg = el("svg", { xmlns: SVG_NS, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT,
      role: "img", "aria-label": "plot" });
    svg.appendChild(el("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, fill: "#ffffff" }));
    const ax = makeAxis(this.view.x, margin.left, WIDTH - margin.right);
    const ay = makeAxis(this.view.y, HEIGHT - margin.bottom, margin.top);
    this.ax = ax;
    this.ay = ay;
    const clipId = `plot-clip-${Math.random().toString(36).slice(2, 8)}`;
    const defs = el("defs");
    const clip = el("clipPath", { id: clipId });
    clip.appendChild(el("rect", { x: ax.p0, y: ay.p1, width: ax.p1 - ax.p0, height: ay.p0 - ay.p1 }));
    defs.appendChild(clip);
    svg.appendChild(defs);
    const axes = el("g");
    drawAxes(axes, ax, ay, this.view, fs, { title: spec.title });
    const data = el("g", { "clip-path": `url(#${clipId})` });
    const range = heat ? drawHeatmap(data, heat, ax, ay) : null;
    let limitLabels = null;
    if (this.showLimits && spec.limits && spec.limits.length) limitLabels = drawLimits(data, spec.limits, ax, ay, fs);
    svg.appendChild(data);
    svg.appendChild(axes); /* grid lines over the heatmap and the limits, under the contours */
    const front = el("g", { "clip-path": `url(#${clipId})` });
    for (const s of this.series) {
      if (s.kind === "contour") {
        front.appendChild(el("path", { class: "contour", d: contourPath(s, ax, ay), fill: this.outline ? "none" : s.color,
          "fill-opacity": 0.28, "fill-rule": "nonzero", stroke: s.color, "stroke-width": this.outline ? 2.2 : 1.6,
          "stroke-linejoin": "round" }));
      } else if (s.kind === "line") {
        front.appendChild(el("path", { class: "curve", d: linePath(s, ax, ay), fill: "none", stroke: s.color,
          "stroke-width": 2.0, "stroke-dasharray": s.dash || "none", "stroke-linejoin": "round" }));
      } else {
        front.appendChild(el("path", { class: "steps", d: stepPath(s, ax, ay), fill: "none", stroke: s.color,
          "stroke-width": 1.8, "stroke-dasharray": s.dash || "none", "stroke-linejoin": "round" }));
      }
    }
    if (limitLabels) front.appendChild(limitLabels);
    svg.appendChild(front);
    if (range) drawColorbar(svg, range, ax, ay, fs, spec.heatLabel || "events");
    if (spec.message) {
      const lines = String(spec.message).split("\n");
      const g = el("g", { class: "empty-contour" });
      lines.forEach((line, i) => g.appendChild(el("text", { x: (ax.p0 + ax.p1) / 2, y: (ay.p0 + ay.p1) / 2 + (i - (lines.length - 1) / 2) * 18 * fs,
        "text-anchor": "middle", "font-size": Math.round(14 * fs), "font-family": FONT, fill: "#8a2a2a",
        stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" }, line)));
      svg.appendChild(g);
    }
    const entries = (spec.legend || this.series).map((s) => ({ ...s, outline: this.outline }));
    if (this.showLimits && spec.limits && spec.limits.some((o) => o.kind === "excluded")) {
      entries.push({ kind: "limit", label: spec.limitsLabel || "existing limits", color: LIMIT_FILL.bounds });
    }
    const legend = drawLegend(svg, entries, fs);
    this.addInteraction(svg, ax, ay);
    this.container.replaceChildren(svg);
    fitLegend(legend, this.series, ax, ay);
    fitTitle(svg, WIDTH - ax.p0 - 8);
    this.svg = svg;
  }

  /* Mouse position in SVG units. */
  svgPoint(svg, event) {
    const r = svg.getBoundingClientRect();
    return { x: ((event.clientX - r.left) / r.width) * WIDTH, y: ((event.clientY - r.top) / r.height) * HEIGHT };
  }

  addInteraction(svg, ax, ay) {
    const overlay = el("rect", { x: ax.p0, y: ay.p1, width: ax.p1 - ax.p0, height: ay.p0 - ay.p1, fill: "transparent",
      "data-role": "overlay", style: "cursor: crosshair" });
    const box = el("rect", { fill: "#2457c5", "fill-opacity": 0.12, stroke: "#2457c5", "stroke-dasharray": "4 3",
      visibility: "hidden", "data-role": "zoom-box" });
    svg.appendChild(overlay);
    svg.appendChild(box);
    let start = null;
    const clampX = (x) => Math.max(ax.p0, Math.min(ax.p1, x));
    const clampY = (y) => Math.max(ay.p1, Math.min(ay.p0, y));
    overlay.addEventListener("mousedown", (e) => {
      e.preventDefault();
      start = this.svgPoint(svg, e);
    });
    const move = (e) => {
      const p = this.svgPoint(svg, e);
      if (start) {
        const x = clampX(p.x), y = clampY(p.y);
        box.setAttribute("x", Math.min(start.x, x));
        box.setAttribute("y", Math.min(start.y, y));
        box.setAttribute("width", Math.abs(x - start.x));
        box.setAttribute("height", Math.abs(y - start.y));
        box.setAttribute("visibility", "visible");
      }
      if (p.x >= ax.p0 && p.x <= ax.p1 && p.y >= ay.p1 && p.y <= ay.p0) this.onReadout(this.readout(ax.value(p.x), ay.value(p.y)));
      else this.onReadout("");
    };
    overlay.addEventListener("mousemove", move);
    box.addEventListener("mousemove", move);
    const finish = (e) => {
      if (!start) return;
      const p = this.svgPoint(svg, e);
      const x = clampX(p.x), y = clampY(p.y);
      const s = start;
      start = null;
      box.setAttribute("visibility", "hidden");
      if (Math.abs(x - s.x) < 6 || Math.abs(y - s.y) < 6) return;
      const [x0, x1] = [ax.value(Math.min(s.x, x)), ax.value(Math.max(s.x, x))];
      const [y0, y1] = [ay.value(Math.max(s.y, y)), ay.value(Math.min(s.y, y))];
      this.view = { x: { ...this.view.x, lo: x0, hi: x1 }, y: { ...this.view.y, lo: y0, hi: y1 } };
      this.render();
      if (this.onZoom) this.onZoom();
    };
    overlay.addEventListener("mouseup", finish);
    box.addEventListener("mouseup", finish);
    overlay.addEventListener("mouseleave", () => this.onReadout(""));
    overlay.addEventListener("dblclick", () => {
      this.reset();
      if (this.onZoom) this.onZoom();
    });
  }

  /* Text for the point (x, y): the coordinates and each series' value there. */
  readout(x, y) {
    const v = this.view;
    const unit = (a) => (a.unit ? ` ${a.unit}` : "");
    let text = `${v.x.name || "x"} = ${formatNumber(x, 4)}${unit(v.x)}, ${v.y.name || "y"} = ${formatNumber(y, 4)}${unit(v.y)}`;
    const parts = [];
    for (const s of this.series) {
      if (s.kind === "contour" && s.grid) {
        const value = nearestGridValue(s.grid, x, y, v.x.log, v.y.log);
        if (value !== null) parts.push(`${s.label}: ${formatNumber(value, 3)} events`);
      } else if (s.kind === "steps") {
        const i = s.edges.findIndex((e, k) => k < s.values.length && x >= e && x < s.edges[k + 1]);
        if (i >= 0) parts.push(`${s.label}: ${formatNumber(s.values[i], 3)}`);
      }
    }
    if (parts.length) text += " \u2014 " + parts.slice(0, 4).join("; ");
    return text;
  }

  /* The SVG as a standalone document (no interaction layer). */
  svgText() {
    if (!this.svg) return null;
    const copy = this.svg.cloneNode(true);
    copy.querySelectorAll("[data-role]").forEach((n) => n.remove());
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }
}

/* The grid value at the grid point nearest to (x, y) in the scaled coordinates; null outside. */
function nearestGridValue(grid, x, y, xLog, yLog) {
  const nearest = (axis, v, log) => {
    const t = log ? Math.log10(v) : v;
    const ts = axis.map((a) => (log ? Math.log10(a) : a));
    const lo = Math.min(ts[0], ts[ts.length - 1]), hi = Math.max(ts[0], ts[ts.length - 1]);
    const half = ts.length > 1 ? Math.abs(ts[1] - ts[0]) / 2 : 0;
    if (t < lo - half || t > hi + half) return -1;
    let best = 0;
    for (let i = 1; i < ts.length; i++) if (Math.abs(ts[i] - t) < Math.abs(ts[best] - t)) best = i;
    return best;
  };
  const i = nearest(grid.x, x, xLog), j = nearest(grid.y, y, yLog);
  if (i < 0 || j < 0 || !grid.events[j]) return null;
  return grid.events[j][i];
}

/* Renders svgText to a PNG Blob at `scale` times the SVG size. */
export function svgToPng(svgText, scale) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = WIDTH * scale;
      canvas.height = HEIGHT * scale;
      const ctx = canvas.getContext("2d");
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, WIDTH, HEIGHT);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the canvas gave no PNG"))), "image/png");
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("the SVG could not be rendered"));
    };
    img.src = url;
  });
}
