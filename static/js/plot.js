/* static/js/plot.js: the page's SVG plot. Two kinds of series on shared axes:
 *   "contour"  filled regions (polygons, the region above threshold to their left; holes run the other
 *              way, so one path with fill-rule nonzero draws them) with the scan grid kept for the
 *              value under the cursor (nearest grid point in the scaled coordinates);
 *   "steps"    step histograms (bin edges + one value per bin).
 * Log axes carry powers of ten (with 2 and 5 between when a decade fills the axis), linear axes
 * 1-2-5 steps. Drag a box to zoom, double-click or reset() to go back. Every style is an SVG
 * attribute, so the exported SVG (svgText) and the PNG made from it look like the page. */
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 900, HEIGHT = 560;
const MARGIN = { left: 86, right: 22, top: 18, bottom: 58 };
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

function el(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
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

/* Ticks: [{v, major, label: {mantissa, exponent} | string | null}]. */
export function ticksFor(spec) {
  const out = [];
  if (spec.log) {
    const d0 = Math.floor(Math.log10(spec.lo) + 1e-9), d1 = Math.ceil(Math.log10(spec.hi) - 1e-9);
    const decades = d1 - d0;
    const every = Math.max(1, Math.ceil(decades / 10));
    for (let d = d0; d <= d1; d++) {
      for (let m = 1; m <= 9; m++) {
        const v = m * Math.pow(10, d);
        if (v < spec.lo * (1 - 1e-9) || v > spec.hi * (1 + 1e-9)) continue;
        if (m === 1) {
          out.push({ v, major: true, label: (d - d0) % every === 0 ? { mantissa: null, exponent: d } : null });
        } else if (decades <= 6) {
          const labelled = decades <= 1 && (m === 2 || m === 5);
          out.push({ v, major: false, label: labelled ? { mantissa: m, exponent: d } : null });
        }
      }
    }
    return out;
  }
  const step = niceStep(spec.hi - spec.lo, 6);
  for (let v = Math.ceil(spec.lo / step) * step; v <= spec.hi + step * 1e-9; v += step) {
    const r = Math.abs(v) < step * 1e-9 ? 0 : v;
    out.push({ v: r, major: true, label: formatNumber(r, 4) });
  }
  return out;
}

export function formatNumber(v, digits) {
  if (!Number.isFinite(v)) return "\u2013";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, (digits || 3) - 1)).replace("e+", "e");
  return String(Number(v.toPrecision(digits || 3)));
}

function tickLabel(label, attrs) {
  const t = el("text", attrs);
  if (typeof label === "string") {
    t.textContent = label;
  } else {
    t.appendChild(el("tspan", {}, label.mantissa ? `${label.mantissa}\u00d710` : "10"));
    t.appendChild(el("tspan", { dy: "-0.55em", "font-size": "10" }, String(label.exponent)));
  }
  return t;
}

function drawAxes(g, ax, ay, xLabel, yLabel) {
  const grid = el("g", { stroke: "#e6e9f0", "stroke-width": 1 });
  const ticks = el("g", { stroke: "#1d2330", "stroke-width": 1 });
  const labels = el("g", { fill: "#1d2330", "font-size": 13, "font-family": FONT });
  for (const tk of ticksFor(ax)) {
    const x = ax.px(tk.v);
    if (tk.major) grid.appendChild(el("line", { x1: x, x2: x, y1: ay.p1, y2: ay.p0 }));
    ticks.appendChild(el("line", { x1: x, x2: x, y1: ay.p0, y2: ay.p0 + (tk.major ? 6 : 3) }));
    if (tk.label !== null) labels.appendChild(tickLabel(tk.label, { x, y: ay.p0 + 22, "text-anchor": "middle" }));
  }
  for (const tk of ticksFor(ay)) {
    const y = ay.px(tk.v);
    if (tk.major) grid.appendChild(el("line", { x1: ax.p0, x2: ax.p1, y1: y, y2: y }));
    ticks.appendChild(el("line", { x1: ax.p0 - (tk.major ? 6 : 3), x2: ax.p0, y1: y, y2: y }));
    if (tk.label !== null) labels.appendChild(tickLabel(tk.label, { x: ax.p0 - 9, y: y + 4, "text-anchor": "end" }));
  }
  g.appendChild(grid);
  g.appendChild(el("rect", { x: ax.p0, y: ay.p1, width: ax.p1 - ax.p0, height: ay.p0 - ay.p1, fill: "none",
    stroke: "#1d2330", "stroke-width": 1 }));
  g.appendChild(ticks);
  g.appendChild(labels);
  g.appendChild(el("text", { x: (ax.p0 + ax.p1) / 2, y: HEIGHT - 12, "text-anchor": "middle", "font-size": 14,
    "font-family": FONT, fill: "#1d2330" }, xLabel));
  g.appendChild(el("text", { x: 0, y: 0, transform: `translate(18 ${(ay.p0 + ay.p1) / 2}) rotate(-90)`,
    "text-anchor": "middle", "font-size": 14, "font-family": FONT, fill: "#1d2330" }, yLabel));
}

/* ---- series ---------------------------------------------------------------------------------- */

function contourPath(series, ax, ay) {
  let d = "";
  for (const poly of series.polygons) {
    const n = Math.min(poly.x.length, poly.y.length);
    if (n < 3) continue;
    for (let i = 0; i < n; i++) {
      d += `${i === 0 ? "M" : "L"}${ax.px(poly.x[i]).toFixed(2)},${ay.px(poly.y[i]).toFixed(2)}`;
    }
    d += "Z";
  }
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

/* Pixel points of the data, to keep the legend off them. */
function dataPoints(series, ax, ay) {
  const pts = [];
  for (const s of series) {
    if (s.kind === "contour") {
      for (const poly of s.polygons) poly.x.forEach((x, i) => pts.push([ax.px(x), ay.px(poly.y[i])]));
    } else {
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

function drawLegend(g, series, ax, ay, data) {
  if (series.length === 0) return;
  const lineH = 18, pad = 8;
  const width = Math.min(420, 40 + 7.2 * Math.max(...series.map((s) => s.label.length)));
  const [ox, oy] = legendOrigin(data, ax, ay, width, pad * 2 + lineH * series.length - 4);
  const box = el("g", { transform: `translate(${ox} ${oy})`, class: "legend" });
  box.appendChild(el("rect", { x: 0, y: 0, width, height: pad * 2 + lineH * series.length - 4, fill: "#ffffff",
    "fill-opacity": 0.9, stroke: "#c9ceda", rx: 3 }));
  series.forEach((s, i) => {
    const y = pad + i * lineH;
    if (s.kind === "contour") {
      box.appendChild(el("rect", { x: pad, y: y + 1, width: 22, height: 11, fill: s.color, "fill-opacity": 0.3,
        stroke: s.color, "stroke-width": 1.5 }));
    } else {
      box.appendChild(el("line", { x1: pad, x2: pad + 22, y1: y + 7, y2: y + 7, stroke: s.color, "stroke-width": 2.2,
        "stroke-dasharray": s.dash || "none" }));
    }
    box.appendChild(el("text", { x: pad + 30, y: y + 11, "font-size": 12, "font-family": FONT, fill: "#1d2330" },
      s.label));
  });
  g.appendChild(box);
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
  }

  /* spec: {x: {lo, hi, log, label}, y: {...}, series: [...]}; keeps the zoom when keepView is set. */
  show(spec, keepView) {
    this.series = spec.series;
    this.legend = spec.legend || null;
    this.full = { x: { ...spec.x }, y: { ...spec.y } };
    if (!keepView || !this.view) this.view = { x: { ...spec.x }, y: { ...spec.y } };
    this.render();
  }

  clear(message) {
    this.series = [];
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

  reset() {
    if (!this.full) return;
    this.view = { x: { ...this.full.x }, y: { ...this.full.y } };
    this.render();
  }

  render() {
    const svg = el("svg", { xmlns: SVG_NS, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT,
      role: "img", "aria-label": "plot" });
    svg.appendChild(el("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, fill: "#ffffff" }));
    const ax = makeAxis(this.view.x, MARGIN.left, WIDTH - MARGIN.right);
    const ay = makeAxis(this.view.y, HEIGHT - MARGIN.bottom, MARGIN.top);
    this.ax = ax;
    this.ay = ay;
    const clipId = `plot-clip-${Math.random().toString(36).slice(2, 8)}`;
    const defs = el("defs");
    const clip = el("clipPath", { id: clipId });
    clip.appendChild(el("rect", { x: ax.p0, y: ay.p1, width: ax.p1 - ax.p0, height: ay.p0 - ay.p1 }));
    defs.appendChild(clip);
    svg.appendChild(defs);
    const axes = el("g");
    drawAxes(axes, ax, ay, this.view.x.label, this.view.y.label);
    svg.appendChild(axes);
    const data = el("g", { "clip-path": `url(#${clipId})` });
    for (const s of this.series) {
      if (s.kind === "contour") {
        data.appendChild(el("path", { class: "contour", d: contourPath(s, ax, ay), fill: s.color, "fill-opacity": 0.28,
          "fill-rule": "nonzero", stroke: s.color, "stroke-width": 1.6, "stroke-linejoin": "round" }));
      } else {
        data.appendChild(el("path", { class: "steps", d: stepPath(s, ax, ay), fill: "none", stroke: s.color,
          "stroke-width": 1.8, "stroke-dasharray": s.dash || "none", "stroke-linejoin": "round" }));
      }
    }
    svg.appendChild(data);
    drawLegend(svg, this.legend || this.series, ax, ay, this.series);
    this.addInteraction(svg, ax, ay);
    this.container.replaceChildren(svg);
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
