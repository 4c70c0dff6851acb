#!/usr/bin/env node
/* tests/browser/page.test.js: the explorer page in headless Debian Chromium, driven by playwright-core
 * (no browser download: /usr/bin/chromium through executablePath).
 *
 * Starts the real nureachd on an ephemeral port with a fresh state folder and --job-wait-ms 0 (every
 * contour is a job, polled by the page), loads the page, and checks:
 *   - the form is generated from /api/v1/models (dipole parameters with units, choices as selects);
 *   - a 12 x 12 dipole contour (FASERnu2, gamma_decay_volume, m_N x mu_N) is drawn: a non-empty SVG
 *     path, power-of-ten tick labels, a legend entry;
 *   - "Add to plot" with threshold 30 overlays a second contour in another colour (two legend rows);
 *   - the value under the cursor shows coordinates and an event count from the grid;
 *   - a zoom box changes the axes and "Reset zoom" restores them;
 *   - the URL hash reproduces the view in a new page (both contours, served from the cache);
 *   - an out-of-range parameter shows the API's message next to that field;
 *   - a longer scan shows the job's progress bar and Cancel stops it (the job is cancelled);
 *   - the CSV export and the SVG export produce the expected content;
 *   - no console error or uncaught exception happened.
 * Saves a screenshot (NUREACH_SCREENSHOT or <build>/browser-contour.png) and prints its path.
 * Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR, CHROMIUM (optional).
 * Prints "N passed, N failed"; exits 1 on any failure. */
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
let chromium;
try {
  ({ chromium } = require("playwright-core"));
} catch (e) {
  console.log("SKIP: playwright-core is not installed: run `npm ci` in tests/browser (deploy/test.sh does)");
  process.exit(77);
}

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT_MS = 60000;
let passed = 0, failed = 0;

function check(cond, what) {
  if (cond) passed++;
  else {
    failed++;
    console.error(`FAIL ${what}`);
  }
  return Boolean(cond);
}

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`browser test: environment variable ${name} is not set`);
    process.exit(2);
  }
  return v;
}

/* Starts nureachd with --port 0; resolves {proc, port} once the port file appears. */
function startDaemon(stateDir) {
  const portFile = path.join(stateDir, "port");
  const log = fs.openSync(path.join(stateDir, "daemon.log"), "a");
  const proc = spawn(env("NUREACHD"), ["--port", "0", "--port-file", portFile, "--state-dir", stateDir,
    "--data-dir", env("NUREACH_DATA_DIR"), "--static-dir", env("NUREACH_STATIC_DIR"),
    "--schema-dir", env("NUREACH_SCHEMA_DIR"), "--threads", "4", "--job-wait-ms", "0"], { stdio: ["ignore", log, log] });
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      if (proc.exitCode !== null) return reject(new Error(`nureachd exited (${proc.exitCode}); see ${stateDir}/daemon.log`));
      if (fs.existsSync(portFile)) return resolve({ proc, port: Number(fs.readFileSync(portFile, "utf8").trim()) });
      if (Date.now() - t0 > 30000) return reject(new Error("nureachd did not start within 30 s"));
      setTimeout(poll, 50);
    };
    poll();
  });
}

async function launch(userDataDir) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 950 },
    acceptDownloads: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

function watchConsole(page, problems) {
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
}

const settled = (page) => page.waitForFunction(
  () => ["done", "error", "cancelled"].includes(document.body.dataset.state), null, { timeout: TIMEOUT_MS });

async function setValue(page, selector, value) {
  await page.fill(selector, String(value));
}

async function contourPaths(page) {
  return page.$$eval("#plot svg path.contour", (ps) => ps.map((p) => ({ d: p.getAttribute("d") || "", fill: p.getAttribute("fill") })));
}

/* The scan both Cancel checks start: the integration tests' long_scan (tests/integration/nrtest.py), zd_hnl m_N x
 * m_ZD at FASERnu2, 200 x 200, the fixed mass relation, so every point prepares a new Z_D and N production: about an
 * hour on an idle 2-core machine, still running when Cancel is clicked however fast the machine. The scans used here
 * before came down with issue 11: a dark_photon m_Ap x m_NR 200 x 200 grid to seconds, a zd_hnl 60 x 60 m_N x U2 grid
 * to 0.8 s (2026-12-06, idle machine), short enough to end before the click. */
const LONG_SCAN = {
  model: "zd_hnl", experiment: "FASERnu2", signal: "nuee_primary",
  params: { mass_relation: "fixed", flavour: "tau", epsilon: 1e-3 },
  x: { param: "m_N", min: 0.003, max: 0.01, points: 200, scale: "log" },
  y: { param: "m_ZD", min: 0.03, max: 0.3, points: 200, scale: "log" },
};

async function setLongScan(page) {
  await page.selectOption("#model", LONG_SCAN.model);
  await page.selectOption("#experiment", LONG_SCAN.experiment);
  await page.check('input[name="observable"][value="bounds"]');
  await page.selectOption("#param-mass_relation", LONG_SCAN.params.mass_relation);
  await page.selectOption("#param-flavour", LONG_SCAN.params.flavour);
  await setValue(page, "#param-epsilon", LONG_SCAN.params.epsilon);
  await page.selectOption("#signal", LONG_SCAN.signal);
  for (const a of ["x", "y"]) {
    await page.selectOption(`#scan-${a}-param`, LONG_SCAN[a].param);
    await page.selectOption(`#scan-${a}-scale`, LONG_SCAN[a].scale);
    await setValue(page, `#scan-${a}-min`, LONG_SCAN[a].min);
    await setValue(page, `#scan-${a}-max`, LONG_SCAN[a].max);
    await setValue(page, `#scan-${a}-points`, LONG_SCAN[a].points);
  }
}

async function runChecks(page, base, screenshot) {
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: TIMEOUT_MS });
  check(await page.$eval("#model", (s) => [...s.options].map((o) => o.value).includes("dipole")), "model picker lists dipole");
  await page.selectOption("#model", "dipole");
  check(/GeV/.test(await page.textContent('[data-param-box="m_N"] label')), "m_N shows its unit");
  check(await page.$eval("#param-flavour", (s) => s.tagName === "SELECT" && s.options.length === 4), "flavour is a select of 4 choices");
  const experiments = await page.$eval("#experiment", (s) => [...s.options].map((o) => o.value));
  check(experiments.includes("FASERnu2") && !experiments.includes("FASER2"), `experiments of the model's kind only: ${experiments}`);

  /* a 12 x 12 contour */
  await page.selectOption("#experiment", "FASERnu2");
  await page.check('input[name="observable"][value="bounds"]');
  await page.selectOption("#scan-x-param", "m_N");
  await page.selectOption("#scan-y-param", "mu_N");
  await setValue(page, "#scan-x-points", 12);
  await setValue(page, "#scan-y-points", 12);
  await page.selectOption("#signal", "gamma_decay_volume");
  await setValue(page, "#threshold", 3);
  await page.click("#compute");
  await settled(page);
  check(await page.evaluate(() => document.body.dataset.state) === "done", "the contour request finished");
  let paths = await contourPaths(page);
  check(paths.length === 1 && /^M[-0-9.]+,[-0-9.]+L/.test(paths[0].d) && paths[0].d.length > 50,
    `one non-empty contour path (${paths.map((p) => p.d.length)})`);
  const ticks = await page.$$eval("#plot svg text", (ts) => ts.map((t) => t.textContent));
  /* display.json's scan defaults for the dipole: m_N 0.01-3 GeV, mu_N 1e-9-1e-4 GeV^-1 */
  check(ticks.includes("10-2") && ticks.includes("10-9"), "power-of-ten ticks on both axes");
  check((await page.textContent("#plot svg .legend")).includes("FASER\u03bd2 \u00b7 single photons"),
    "legend names the experiment and the signal in words");

  /* overlay: threshold 30 */
  await setValue(page, "#threshold", 30);
  await page.click("#add");
  await settled(page);
  paths = await contourPaths(page);
  check(paths.length === 2 && paths.every((p) => p.d.length > 50) && paths[0].fill !== paths[1].fill,
    "two overlaid contours in distinct colours");
  const legend = await page.textContent("#plot svg .legend");
  check(legend.includes("3 events") && legend.includes("30 events"), `legend tells the thresholds apart: ${legend}`);
  check((legend.match(/single photons in the decay volume/g) || []).length === 2, `each legend row names the signal: ${legend}`);

  /* value under the cursor */
  await page.evaluate(() => window.scrollTo(0, 0));
  const overlay = await page.$('#plot svg [data-role="overlay"]');
  const box = await overlay.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  const readout = await page.textContent("#readout");
  check(/m_N = .* GeV, mu_N = .*events/.test(readout), `readout with coordinates and events: ${readout}`);

  /* zoom and reset */
  const xTicksBefore = await page.$$eval("#plot svg text", (ts) => ts.length);
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.up();
  check(!(await page.$eval("#reset-zoom", (b) => b.disabled)), "zoom enables Reset zoom");
  const zoomedTicks = await page.$$eval("#plot svg text", (ts) => ts.map((t) => t.textContent).join(" "));
  check(!zoomedTicks.includes("10-9"), "the zoomed axes no longer reach 1e-9");
  check(decodeURIComponent(page.url()).includes('"zoom"'), "the zoom is kept in the link");
  await page.click("#reset-zoom");
  check(await page.$$eval("#plot svg text", (ts) => ts.length) === xTicksBefore, "reset restores the axes");

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);

  /* exports */
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const csvText = fs.readFileSync(await csv.path(), "utf8");
  const csvRows = csvText.trim().split("\n").filter((l) => !l.startsWith("#"));
  check(/^# nureach bounds: model dipole/.test(csvText) && /^# engine \S+; data \S+/m.test(csvText),
    "CSV export: a commented header with the model, engine and data versions");
  check(csvRows[0].startsWith("series,m_N,mu_N,events") && csvRows.length === 1 + 2 * 144,
    "CSV export: a header and 2 x 144 grid rows");
  const [svg] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
  const svgText = fs.readFileSync(await svg.path(), "utf8");
  check(svgText.includes("<svg") && svgText.includes('class="contour"') && !svgText.includes("data-role"),
    "SVG export: the plot without the interaction layer");
  const [png] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
  const pngBytes = fs.readFileSync(await png.path());
  check(pngBytes.length > 1000 && pngBytes.slice(1, 4).toString() === "PNG", "PNG export is a PNG");

  return page.url();
}

/* Every legend text's box inside the legend's box (client coordinates, 0.5 px slack). */
async function legendOverflow(page) {
  return page.evaluate(() => {
    const legend = document.querySelector("#plot svg .legend");
    if (!legend) return ["no legend"];
    const box = legend.querySelector(".legend-box").getBoundingClientRect();
    const out = [];
    for (const t of legend.querySelectorAll(".legend-text")) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) out.push(t.textContent);
    }
    return out;
  });
}

async function labelledTicks(page, axis) {
  return page.$$eval(`#plot svg .tick-label[data-axis="${axis}"]`, (ts) => ts.map((t) => t.textContent));
}

/* A dark photon contour at FASER as a physicist puts it on a slide: existing limits behind it (toggle),
 * typeset axis labels, a title line, a legend that holds its text at every font size, the colour map of the
 * event counts, >= 3 labelled ticks on each axis when zoomed far in, the empty-contour message, exports
 * with the limits, and an "Add to plot" of another observable that is not dropped silently (Back). */
async function checkTalkPlot(context, base, shotDir) {
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: TIMEOUT_MS });
  await page.selectOption("#model", "dark_photon");
  await page.selectOption("#experiment", "FASER");
  await page.check('input[name="observable"][value="bounds"]');
  check(await page.inputValue("#scan-x-min") === "0.005" && await page.inputValue("#scan-y-max") === "0.001",
    "scan defaults: the region of reach from display.json, not the full range");
  await setValue(page, "#scan-x-points", 12);
  await setValue(page, "#scan-y-points", 12);
  await page.selectOption("#signal", "visible");
  await page.click("#compute");
  await settled(page);
  check(await page.evaluate(() => document.body.dataset.state) === "done", "the dark photon contour finished");

  /* the limits layer */
  const regions = await page.$$eval("#plot svg .limits-layer path.limit-region", (ps) => ps.map((p) => p.getAttribute("data-name")));
  check(regions.length >= 15 && regions.includes("bounds_FASER-27invfb"), `existing limits drawn (${regions.length} regions)`);
  check(await page.$$eval("#plot svg .limits-layer path.limit-projection", (ps) => ps.length) >= 5, "projections drawn as lines");
  const limitLabels = await page.$$eval("#plot svg .limit-label", (ts) => ts.map((t) => t.textContent));
  check(limitLabels.includes("FASER") && limitLabels.includes("NA62 - \u03bc\u03bc"), `limit labels (mathtext as Unicode): ${limitLabels.join(", ")}`);
  const order = await page.evaluate(() => {
    const svg = document.querySelector("#plot svg");
    const all = [...svg.querySelectorAll(".limits-layer, path.contour")];
    return all.map((n) => (n.classList.contains("contour") ? "contour" : "limits"));
  });
  check(order[0] === "limits" && order.includes("contour"), `limits behind the contour: ${order}`);
  check((await page.textContent("#plot svg .legend")).includes("existing limits"), "the legend names the limits");

  /* typeset labels and title */
  const xLabel = await page.$eval("#plot svg .x-label", (t) => ({ text: t.textContent, subs: [...t.querySelectorAll('tspan[font-size="75%"]')].map((s) => s.textContent) }));
  check(xLabel.text.startsWith("mA'") && xLabel.subs.includes("A'") && xLabel.text.includes("[GeV]"), `x label m_{A'} [GeV] typeset: ${JSON.stringify(xLabel)}`);
  check((await page.textContent("#plot svg .y-label")).startsWith("\u03b5"), "y label is epsilon");
  const title = await page.textContent("#plot svg .plot-title");
  check(/FASER \u00b7 \u221as = 13\.6 TeV \u00b7 150 fb/.test(title), `title line: ${title}`);
  check((await page.textContent("#plot svg .legend")).includes("FASER \u00b7 visible decays in the volume"), "legend in words");
  let overflow = await legendOverflow(page);
  check(overflow.length === 0, `legend text inside its box: ${overflow}`);

  /* colour map */
  const cells = await page.$$eval("#plot svg .heatmap rect", (rs) => rs.length);
  check(cells >= 20 && cells <= 144, `colour map of the event counts (${cells} cells)`);
  check(await page.$$eval("#plot svg .colorbar text", (ts) => ts.length) >= 3, "a colour bar with labels");
  await page.screenshot({ path: path.join(shotDir, "browser-talk-plot.png"), fullPage: true });
  console.log(`screenshot: ${path.join(shotDir, "browser-talk-plot.png")}`);

  /* toggles */
  await page.uncheck("#show-limits");
  check(await page.$$eval("#plot svg .limits-layer", (g) => g.length) === 0, "the limits toggle hides them");
  await page.check("#show-limits");
  check(await page.$$eval("#plot svg .limits-layer", (g) => g.length) === 1, "... and shows them again");
  await page.uncheck("#show-colormap");
  check(await page.$$eval("#plot svg .heatmap", (g) => g.length) === 0, "the colour map toggle");
  await page.check("#show-colormap");
  await page.check("#outline-only");
  check(await page.$eval("#plot svg path.contour", (p) => p.getAttribute("fill")) === "none", "outline-only contours");
  await page.selectOption("#font-size", "1.5");
  const big = await page.$eval("#plot svg .tick-label", (t) => Number(t.parentNode.getAttribute("font-size")));
  check(big >= 19, `the font-size control enlarges the text (${big})`);
  overflow = await legendOverflow(page);
  check(overflow.length === 0, `legend text inside its box at the largest size: ${overflow}`);
  await page.screenshot({ path: path.join(shotDir, "browser-slide-size.png"), fullPage: true });

  /* zoom far in: a factor ~1.5 on each axis, still three labelled ticks */
  await page.selectOption("#font-size", "1");
  await page.evaluate(() => window.scrollTo(0, 0));
  const overlay = await page.$('#plot svg [data-role="overlay"]');
  const b = await overlay.boundingBox();
  await page.mouse.move(b.x + b.width * 0.40, b.y + b.height * 0.40);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.44, b.y + b.height * 0.44, { steps: 4 });
  await page.mouse.up();
  const xt = await labelledTicks(page, "x"), yt = await labelledTicks(page, "y");
  check(xt.length >= 3 && yt.length >= 3, `>= 3 labelled ticks when zoomed: x ${xt.join(" ")}, y ${yt.join(" ")}`);
  check(decodeURIComponent(page.url()).includes('"zoom"'), "the zoom is in the shared link");
  await page.screenshot({ path: path.join(shotDir, "browser-zoomed.png"), fullPage: true });
  const zoomedUrl = page.url();
  await page.click("#reset-zoom");

  /* exports carry the limits */
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const csvText = fs.readFileSync(await csv.path(), "utf8");
  check(/^limit: FASER \[bounds_FASER-27invfb; excluded\],0\.01/m.test(csvText), "CSV export has the limit outlines");
  const [json] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
  const doc = JSON.parse(fs.readFileSync(await json.path(), "utf8"));
  check(doc.limits && doc.limits.sets[0].id === "dark_photon" && doc.results.result, "JSON export has the results and the limits");
  const [svg] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
  const svgText = fs.readFileSync(await svg.path(), "utf8");
  check(svgText.includes('class="limits-layer"') && svgText.includes('class="heatmap"'), "SVG export has the limits and the colour map");

  /* Add to plot with another observable: shown alone with a notice, Back restores the contour */
  await page.check('input[name="observable"][value="rates"]');
  await page.click("#add");
  await settled(page);
  check(!(await page.$eval("#notice", (n) => n.hidden)) && /cannot share/.test(await page.textContent("#notice")),
    "an incompatible Add to plot says so");
  check(await page.$$eval("#rates-table", (t) => t.length) === 1, "the rates are shown");
  await page.click("#back");
  check(await page.$$eval("#plot svg path.contour", (ps) => ps.length) === 1, "Back restores the contour");

  /* an empty contour says why */
  await page.check('input[name="observable"][value="bounds"]');
  await setValue(page, "#threshold", 1e12);
  await page.click("#compute");
  await settled(page);
  const message = await page.$$eval("#plot svg .empty-contour text", (ts) => ts.map((t) => t.textContent).join(" "));
  check(/no point reaches 1(\.0*)?e12 events/.test(message) && /maximum is [0-9.e+-]+ events at m_Ap = /.test(message),
    `the empty contour says why: ${message}`);
  await page.screenshot({ path: path.join(shotDir, "browser-empty-contour.png"), fullPage: true });

  /* a scan estimated (from this model's last scan) to take over a minute is announced; Cancel stops it.
   * The pace is set here (50 ms per point, as remembered from a slow earlier scan) so the check does not
   * depend on how fast this machine computed the scans above; the scan is LONG_SCAN (about an hour). */
  await page.evaluate(() => localStorage.setItem("nureach.scanPace", JSON.stringify({ zd_hnl: 50 })));
  await setLongScan(page);
  await setValue(page, "#threshold", 3);
  await page.click("#compute");
  await page.waitForFunction(() => /may take about/.test(document.getElementById("status").textContent), null, { timeout: TIMEOUT_MS });
  check(true, "a long scan is announced with its estimated duration");
  await page.waitForFunction(() => /elapsed/.test(document.getElementById("progress-text").textContent), null, { timeout: TIMEOUT_MS });
  check(true, "the progress shows the elapsed time");
  await page.click("#cancel");
  await settled(page);
  check(await page.evaluate(() => document.body.dataset.state) === "cancelled", "Cancel stops the long scan");
  await page.selectOption("#model", "dark_photon");
  await page.selectOption("#experiment", "FASER");

  /* a spectrum's y axis says what it shows: events per bin with the bin width, or dN/dlog10 E */
  await page.check('input[name="observable"][value="spectra"]');
  await page.fill("#param-m_Ap", "0.05");
  await page.fill("#param-epsilon", "2e-5");
  await page.click("#compute");
  await settled(page);
  const perBin = await page.textContent("#plot svg .y-label");
  check(/^events per bin \((bin width|bins of)/.test(perBin), `spectrum y label: ${perBin}`);
  await page.selectOption("#spectrum-y", "dlog10");
  const density = await page.textContent("#plot svg .y-label");
  check(/^dN\/dlog10/.test(density), `dN/dlog10 E on request: ${density}`);
  await page.close();

  /* the zoomed link reproduces the zoom */
  const again = await context.newPage();
  watchConsole(again, problems);
  await again.goto(zoomedUrl);
  await settled(again);
  check(await again.$eval("#reset-zoom", (bt) => !bt.disabled), "the shared link opens zoomed");
  await again.close();
  return problems;
}

async function checkLink(context, url) {
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  await page.goto(url);
  await settled(page);
  const paths = await contourPaths(page);
  check(paths.length === 2 && paths.every((p) => p.d.length > 50), "the link reproduces both contours");
  check((await page.textContent("#meta")).includes("hit"), "the reproduced view comes from the cache");
  check(await page.inputValue("#threshold") === "30", "the form shows the last request of the link");
  await page.close();
  return problems;
}

async function checkFieldError(context, base) {
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: TIMEOUT_MS });
  await page.selectOption("#model", "dipole");
  await page.check('input[name="observable"][value="rates"]');
  await setValue(page, "#param-e_vis_min", -5);
  await page.click("#compute");
  await settled(page);
  const slot = await page.textContent('.field-error[data-for="/params/e_vis_min"]');
  check(/outside the allowed range/.test(slot), `the API error is shown next to e_vis_min: ${slot}`);
  check(await page.getAttribute("#param-e_vis_min", "aria-invalid") === "true", "the field is marked invalid");
  await page.close();
  /* an HTTP 422 makes Chromium log "Failed to load resource": that one is expected here */
  return problems.filter((p) => !/status of 422/.test(p));
}

async function checkCancel(context, base) {
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: TIMEOUT_MS });
  /* LONG_SCAN: still running when Cancel is clicked */
  await setLongScan(page);
  await page.click("#compute");
  await page.waitForFunction(() => !document.getElementById("progress-box").hidden &&
    /%/.test(document.getElementById("progress-text").textContent), null, { timeout: TIMEOUT_MS });
  check(true, "the progress bar shows the job's progress");
  /* the test's own POST of the same scan (the page's axes and ranges) shares the page's job (jobs are keyed by the
   * request's cache key): its job is the one the page started */
  const shared = await page.evaluate(async (long) => {
    const listed = (await (await fetch("api/v1/jobs")).json()).jobs || [];
    const pages = listed.filter((j) => j.model === "zd_hnl" && (j.status === "queued" || j.status === "running")).map((j) => j.id);
    const axis = (a) => ({ param: document.getElementById(`scan-${a}-param`).value,
      points: Number(document.getElementById(`scan-${a}-points`).value),
      min: Number(document.getElementById(`scan-${a}-min`).value), max: Number(document.getElementById(`scan-${a}-max`).value),
      scale: document.getElementById(`scan-${a}-scale`).value });
    const r = await fetch("api/v1/bounds", { method: "POST", body: JSON.stringify({ model: long.model,
      experiment: long.experiment, signal: long.signal, params: long.params, scan: { x: axis("x"), y: axis("y") } }) });
    const job = (await r.json()).job || {};
    return { href: job.href, id: job.id, pages };
  }, LONG_SCAN);
  check(shared.pages.length === 1 && shared.id === shared.pages[0],
    `the test's identical POST joined the page's job (${shared.id} among ${shared.pages})`);
  const jobHref = shared.href;
  await page.click("#cancel");
  await settled(page);
  check(await page.evaluate(() => document.body.dataset.state) === "cancelled", "Cancel stops the scan");
  check(await page.$$eval("#plot svg path.contour", (ps) => ps.length) === 0, "nothing drawn after Cancel");
  // the test's own identical POST shares the job: the page's Cancel withdraws only the page's interest
  const after = await page.evaluate(async (href) => (await (await fetch(href.slice(1))).json()).status, jobHref);
  check(after === "queued" || after === "running", `a job shared with another request goes on after one Cancel: ${after}`);
  const status = await page.evaluate(async (href) => (await (await fetch(href.slice(1), { method: "DELETE" })).json()).status, jobHref);
  check(status === "cancelled", `the last interested request's DELETE cancels the job: ${status}`);
  await page.close();
  return problems;
}

/* u1x at x_H = -1 (E137, a small grid): the page asks for the limits at the request's x_H and draws the
 * beam-dump outlines rescaled from B-L (004 Eqs. 38, 39, 52), not the B-L set (which applies at x_H = 0). */
async function checkRescaledLimits(context, base) {
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: TIMEOUT_MS });
  await page.selectOption("#model", "u1x");
  await page.selectOption("#experiment", "E137");
  await page.check('input[name="observable"][value="bounds"]');
  await setValue(page, "#param-x_H", -1);
  await setValue(page, "#scan-x-points", 6);
  await setValue(page, "#scan-y-points", 6);
  await page.selectOption("#signal", "visible");
  await page.click("#compute");
  await settled(page);
  check(await page.evaluate(() => document.body.dataset.state) === "done", "the u1x contour at x_H = -1 finished");
  const regions = await page.$$eval("#plot svg .limits-layer path.limit-region", (ps) => ps.map((p) => p.getAttribute("data-name")));
  check(regions.includes("rescaled_CHARM") && regions.includes("rescaled_Orsay") && regions.includes("rescaled_LSND"),
    `rescaled limits drawn at x_H = -1: ${regions.join(", ")}`);
  check(!regions.includes("bounds_CHARM"), "the B-L outlines (x_H = 0) are not drawn at x_H = -1");
  const labels = await page.$$eval("#plot svg .limit-label", (ts) => ts.map((t) => t.textContent));
  check(labels.some((t) => t.startsWith("CHARM (rescaled from B-L")), `rescaled labels: ${labels.join(", ")}`);
  await page.close();
  return problems;
}

/* A 1-D curve (issue 16): "x only" on the bounds form draws the signal vs x as a line with the threshold as a
 * dashed line; an overlay at another epsilon adds a second line; the CSV has x,events rows. */
async function checkCurve(context, base, shotDir) {
  const page = await context.newPage();
  const problems = [];
  watchConsole(page, problems);
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: TIMEOUT_MS });
  await page.selectOption("#model", "dark_photon");
  await page.selectOption("#experiment", "FASER");
  await page.check('input[name="observable"][value="bounds"]');
  await page.check("#curve");
  check(await page.$eval("#axis-y", (b) => b.hidden), "x only: the y axis fields are hidden");
  await page.selectOption("#scan-x-param", "m_Ap");
  await setValue(page, "#scan-x-points", 12);
  await setValue(page, "#param-epsilon", 1e-5);
  await page.selectOption("#signal", "visible");
  await page.click("#compute");
  await settled(page);
  check(await page.evaluate(() => document.body.dataset.state) === "done", "the curve request finished");
  let curves = await page.$$eval("#plot svg path.curve", (ps) => ps.map((p) => p.getAttribute("d") || ""));
  check(curves.length === 2 && (curves[0].match(/L/g) || []).length >= 6 && /^M[-0-9.]+,[-0-9.]+L[-0-9.]+,[-0-9.]+$/.test(curves[1]),
    `a curve and the threshold line (${curves.map((d) => (d.match(/L/g) || []).length)} segments)`);
  check(/crossings of the level: [0-9]/.test(await page.textContent("#limits-note")), "the crossings are stated");
  await setValue(page, "#param-epsilon", 3e-5);
  await page.click("#add");
  await settled(page);
  curves = await page.$$eval("#plot svg path.curve", (ps) => ps.map((p) => p.getAttribute("stroke")));
  check(curves.length === 3 && curves[0] !== curves[1], `an overlaid second curve in another colour (${curves})`);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  const csvText = fs.readFileSync(await csv.path(), "utf8");
  check(/^series,m_Ap,events\r?$/m.test(csvText), "the CSV export of curves: series,m_Ap,events");
  await page.screenshot({ path: path.join(shotDir, "browser-curve.png"), fullPage: true });
  console.log(`screenshot: ${path.join(shotDir, "browser-curve.png")}`);
  await page.close();
  return problems;
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nureach-browser-"));
  const screenshot = process.env.NUREACH_SCREENSHOT || path.join(path.dirname(path.dirname(env("NUREACHD"))), "browser-contour.png");
  const { proc, port } = await startDaemon(work);
  const base = `http://127.0.0.1:${port}/`;
  let context = null;
  try {
    context = await launch(fs.mkdtempSync(path.join(work, "profile-")));
    const page = await context.newPage();
    const problems = [];
    watchConsole(page, problems);
    const url = await runChecks(page, base, screenshot);
    check(url.includes("#") && decodeURIComponent(url).includes('"threshold":30'), "the URL hash holds the requests");
    problems.push(...(await checkLink(context, url)));
    problems.push(...(await checkFieldError(context, base)));
    problems.push(...(await checkCancel(context, base)));
    problems.push(...(await checkTalkPlot(context, base, path.dirname(screenshot))));
    problems.push(...(await checkCurve(context, base, path.dirname(screenshot))));
    problems.push(...(await checkRescaledLimits(context, base)));
    check(problems.length === 0, `no console error: ${problems.join(" | ")}`);
  } catch (e) {
    check(false, `exception: ${e.stack || e}`);
  } finally {
    if (context) await context.close();
    proc.kill("SIGTERM");
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
