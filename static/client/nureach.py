"""nureach.py: a single-file Python client for a nureachd daemon (served at GET /client/nureach.py).

    from nureach import Client
    nr = Client("http://127.0.0.1:8080")
    nr.rates("sm", "FASERnu")                                   # events per channel (DataFrame)
    nr.spectrum("dipole", "FASERnu2", m_N=0.3, mu_N=1e-6)         # events per bin (DataFrame)
    reach = nr.bounds("dark_photon", "FASER", signal="visible",
                      x=("m_Ap", 0.005, 1.0, 20), y=("epsilon", 1e-8, 1e-3, 20))   # polls the job
    fig = nr.plot_reach([reach], limits=True)                    # with the existing limits, like the page
    fig.savefig("reach.pdf")

Needs the standard library and `requests`; pandas (DataFrames), matplotlib (plot_reach) and tqdm (a
progress bar while a contour job runs) are used when installed. Without pandas the tables are lists of
dicts. Every API problem raises NureachError with the server's message and the offending field's JSON
pointer (e.g. "/params/m_N"). Units are the API's: GeV for masses, events as expected counts.
"""
import math
import sys
import time

import requests

try:
    import pandas as _pd
except ImportError:  # pragma: no cover - optional
    _pd = None
try:
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # pragma: no cover - optional
    _tqdm = None

__all__ = ["Client", "Reach", "NureachError"]
PALETTE = ["#2457c5", "#d1495b", "#2a9d52", "#e08a1e", "#7b4bb7", "#1a9fb0", "#8c5a2b", "#c2409a"]
LIMIT_FILL = {"bounds": "#c4c8d0", "bounds2": "#dfe1e6"}


class NureachError(RuntimeError):
    """An API problem (RFC 9457): .status, .problem (the JSON), .pointers (the fields it names)."""

    def __init__(self, status, problem, text=""):
        problem = problem if isinstance(problem, dict) else {}
        errors = problem.get("errors") or []
        self.status, self.problem = status, problem
        self.pointers = [e.get("pointer", "") for e in errors]
        detail = "; ".join("%s: %s" % (e.get("pointer") or "(body)", e.get("detail")) for e in errors) \
            or problem.get("detail") or text[:300]
        super().__init__("HTTP %s %s: %s" % (status, problem.get("title", ""), detail))


def _table(rows, columns):
    """A DataFrame when pandas is installed, else the list of row dicts."""
    if _pd is not None:
        return _pd.DataFrame(rows, columns=columns)
    return [dict(zip(columns, r)) for r in rows]


def _mathtext(markup):
    """The page's display markup (m_{A'}, ε, GeV^-1) as matplotlib mathtext."""
    greek = {"\u03b5": r"\epsilon", "\u03bc": r"\mu", "\u03bd": r"\nu", "\u03c4": r"\tau", "\u03a6": r"\Phi",
             "\u03b8": r"\theta", "\u03c0": r"\pi", "\u03b7": r"\eta", "\u2212": "-"}
    text = "".join(greek.get(c, c) for c in markup)
    return "$" + text.replace(" ", r"\ ") + "$" if any(k in text for k in ("_", "^", "\\")) else text


class Reach:
    """A contour result: .request, .body (the JSON), .grid (x, y, events), .contours [(xs, ys)], .label."""

    def __init__(self, request, body, label):
        self.request, self.body, self.label = request, body, label
        scan, result = body["scan"], body["result"]
        self.x_param, self.y_param = scan["x"]["param"], scan["y"]["param"]
        self.x_unit, self.y_unit = scan["x"].get("unit", ""), scan["y"].get("unit", "")
        rows = [(x, y, result["events"][j][i]) for j, y in enumerate(result["y"]) for i, x in enumerate(result["x"])]
        self.grid = _table(rows, [self.x_param, self.y_param, "events"])
        self.contours = [(c["x"], c["y"]) for c in result["contours"]]

    @property
    def max_events(self):
        return max((v for row in self.body["result"]["events"] for v in row), default=0.0)

    def __repr__(self):
        return "<Reach %s: %d region(s), max %.3g events>" % (self.label, len(self.contours), self.max_events)


class Client:
    """A nureachd at `url` (e.g. "http://127.0.0.1:8080")."""

    def __init__(self, url="http://127.0.0.1:8080", timeout=120, progress=True):
        self.url = url.rstrip("/")
        self.api = self.url + "/api/v1"
        self.timeout = timeout
        self.progress = progress
        self.session = requests.Session()
        self._display = None
        self._experiments = None

    # ---- HTTP -------------------------------------------------------------------------------------
    def _send(self, method, path, body=None):
        r = self.session.request(method, path if path.startswith("http") else self.url + path, json=body,
                                 headers={"Accept": "application/json"}, timeout=self.timeout)
        try:
            doc = r.json()
        except ValueError:
            doc = None
        if r.status_code >= 400 or doc is None:
            raise NureachError(r.status_code, doc, r.text)
        return r.status_code, doc

    def get(self, path):
        return self._send("GET", path)[1]

    @staticmethod
    def _body(model, experiment, params, overrides, **extra):
        body = {"model": model, "experiment": experiment}
        if params:
            body["params"] = params
        if overrides:
            body["experiment_overrides"] = overrides
        body.update({k: v for k, v in extra.items() if v is not None})
        return body

    # ---- catalogue and display --------------------------------------------------------------------
    def models(self):
        return self.get("/api/v1/models")["models"]

    def experiments(self):
        if self._experiments is None:
            self._experiments = self.get("/api/v1/experiments")["experiments"]
        return self._experiments

    def display(self):
        """Symbols and human names (the page's display.json); {} when the daemon serves no page."""
        if self._display is None:
            try:
                self._display = self.get("/display.json")
            except (NureachError, requests.RequestException):
                self._display = {}
        return self._display

    def symbol(self, model, param, unit=""):
        sym = self.display().get("models", {}).get(model, {}).get("params", {}).get(param, param)
        label = _mathtext(sym)
        return "%s [%s]" % (label, _mathtext(unit.replace("^-1", "^{-1}").replace("^2", "^{2}"))) if unit else label

    def signal_name(self, model, signal):
        d = self.display()
        return d.get("models", {}).get(model, {}).get("signals", {}).get(signal) or d.get("signals", {}).get(signal) or signal

    def experiment_name(self, name):
        return self.display().get("experiments", {}).get(name, name)

    def limits(self, model, x_H=None, x_Phi=None):
        """GET /api/v1/limits?model=...: the existing limits that apply to the model (sets of outlines). For u1x,
        x_H (and x_Phi) add the beam-dump limits rescaled from B-L to that point (paper 004 Eqs. 38, 39, 52)."""
        query = "model=" + requests.utils.quote(model)
        if x_H is not None:
            query += "&x_H=%r" % float(x_H)
        if x_Phi is not None:
            query += "&x_Phi=%r" % float(x_Phi)
        return self.get("/api/v1/limits?" + query)

    # ---- observables -------------------------------------------------------------------------------
    def rates(self, model, experiment, overrides=None, **params):
        """Events per channel: a table channel, label, events (.attrs['meta'] with pandas)."""
        _, doc = self._send("POST", "/api/v1/rates", self._body(model, experiment, params, overrides))
        table = _table([(c["name"], c["label"], c["events"]) for c in doc["result"]["channels"]],
                       ["channel", "label", "events"])
        if _pd is not None:
            table.attrs.update(meta=doc["meta"], total_events=doc["result"]["total_events"])
        return table

    def spectrum(self, model, experiment, overrides=None, **params):
        """Counts per bin: a table lo, hi, then one column per channel (bin edges in result.x's unit)."""
        _, doc = self._send("POST", "/api/v1/spectra", self._body(model, experiment, params, overrides))
        res = doc["result"]
        names = [c["name"] for c in res["channels"]]
        rows = [(b["lo"], b["hi"], *[c["events_per_bin"][i] for c in res["channels"]]) for i, b in enumerate(res["bins"])]
        table = _table(rows, ["lo", "hi"] + names)
        if _pd is not None:
            # events per channel; total_events only when every channel is a signal (else absent: None)
            table.attrs.update(meta=doc["meta"], x=res["x"], events={c["name"]: c["events"] for c in res["channels"]},
                               total_events=res.get("total_events"))
        return table

    def bounds(self, model, experiment, signal, x, y, threshold=3.0, refine=None, overrides=None, poll_s=0.5,
               max_wait_s=3600, **params):
        """A sensitivity contour. x, y: (param, min, max[, points[, scale]]) or dicts of the API's axis
        fields. Polls the job (progress bar with tqdm) and returns a Reach."""
        def axis(a):
            if isinstance(a, dict):
                return a
            keys = ("param", "min", "max", "points", "scale")
            return dict(zip(keys, a))
        body = self._body(model, experiment, params, overrides, signal=signal, threshold=threshold, refine=refine,
                          scan={"x": axis(x), "y": axis(y)})
        status, doc = self._send("POST", "/api/v1/bounds", body)
        if status == 202:
            doc = self._wait(doc["job"], poll_s, max_wait_s)
        label = "%s \u00b7 %s \u00b7 \u2265 %g events" % (self.experiment_name(experiment), self.signal_name(model, signal),
                                                       doc["threshold"])
        return Reach(body, doc, label)

    def _wait(self, job, poll_s, max_wait_s):
        bar = _tqdm(total=100, desc="scan", unit="%") if (self.progress and _tqdm is not None) else None
        t0, done = time.monotonic(), 0
        try:
            while True:
                pct = int(100 * float(job.get("progress") or 0))
                if bar is not None:
                    bar.update(max(0, pct - done))
                elif self.progress:
                    left = job.get("remaining_s")
                    print("job %s: %d%%%s" % (job["status"], pct, "" if left is None else ", about %.0f s left" % left),
                          file=sys.stderr)
                done = max(done, pct)
                if job["status"] == "done":
                    return self._send("GET", job["result_href"])[1]
                if job["status"] in ("failed", "cancelled"):
                    raise NureachError(500, job.get("problem") or {"title": "job " + job["status"]})
                if time.monotonic() - t0 > max_wait_s:
                    raise TimeoutError("the scan did not finish within %g s (job %s)" % (max_wait_s, job["href"]))
                time.sleep(poll_s)
                job = self.get(job["href"])
        finally:
            if bar is not None:
                bar.close()

    # ---- plotting ----------------------------------------------------------------------------------
    def plot_reach(self, reaches, limits=True, ax=None, outline=False, colormap=True, title=None, figsize=(9, 5.6)):
        """Contours of one model on log-log axes in the style of the page: the colour map of the first
        result's event counts, existing limits as grey regions with labels (limits=True), projections as
        dashed lines, each contour in its colour with a legend in words. Returns the matplotlib Figure."""
        import matplotlib.pyplot as plt
        from matplotlib.colors import LogNorm

        reaches = list(reaches)
        if not reaches:
            raise ValueError("plot_reach needs at least one Reach")
        first = reaches[0]
        model = first.request["model"]
        if ax is None:
            fig, ax = plt.subplots(figsize=figsize)
        else:
            fig = ax.figure
        ax.set_xscale("log")
        ax.set_yscale("log")
        if colormap:
            res = first.body["result"]
            top = first.max_events
            if top > 0:
                import numpy as np
                ev = np.array(res["events"], dtype=float)
                ev = np.where(ev > 0, ev, np.nan)
                lo = 10 ** (math.ceil(math.log10(top)) - 6)
                mesh = ax.pcolormesh(res["x"], res["y"], ev, shading="nearest", cmap="YlGnBu", alpha=0.8,
                                     norm=LogNorm(vmin=lo, vmax=10 ** math.ceil(math.log10(top))))
                fig.colorbar(mesh, ax=ax, label="events: " + self.signal_name(model, first.body["signal"]))
        if limits:
            self._draw_limits(ax, first)
        for k, r in enumerate(reaches):
            color = PALETTE[k % len(PALETTE)]
            for n, (xs, ys) in enumerate(r.contours):
                kw = dict(facecolor="none" if outline else color, edgecolor=color, linewidth=1.6, zorder=5,
                          alpha=1 if outline else 0.35)
                ax.fill(xs, ys, label=r.label if n == 0 else None, **kw)
                ax.plot(list(xs) + [xs[0]], list(ys) + [ys[0]], color=color, linewidth=1.6, zorder=6)
            if not r.contours:
                ax.plot([], [], color=color, label="%s (no point reaches it; max %.3g)" % (r.label, r.max_events))
        scan = first.body["scan"]
        ax.set_xlim(min(r.body["scan"]["x"]["min"] for r in reaches), max(r.body["scan"]["x"]["max"] for r in reaches))
        ax.set_ylim(min(r.body["scan"]["y"]["min"] for r in reaches), max(r.body["scan"]["y"]["max"] for r in reaches))
        ax.set_xlabel(self.symbol(model, scan["x"]["param"], scan["x"].get("unit", "")))
        ax.set_ylabel(self.symbol(model, scan["y"]["param"], scan["y"].get("unit", "")))
        ax.set_title(title if title is not None else self._title(reaches), fontsize="medium", loc="left")
        ax.legend(loc="upper right", fontsize="small", framealpha=0.9)
        fig.tight_layout()
        return fig

    def _title(self, reaches):
        parts = []
        for r in reaches:
            e = next((q for q in self.experiments() if q["name"] == r.body["experiment"]["name"]), r.body["experiment"])
            lumi = (r.request.get("experiment_overrides") or {}).get("luminosity_fb", e.get("luminosity_fb"))
            text = "%s \u00b7 $\\sqrt{s}$ = %g TeV \u00b7 %g fb$^{-1}$" % (self.experiment_name(e["name"]), e.get("sqrt_s_tev"), lumi)
            if text not in parts:
                parts.append(text)
        return "; ".join(parts)

    def _draw_limits(self, ax, reach):
        """The outlines that apply to this model, these axes and these parameter values."""
        model = reach.request["model"]
        defaults = {p["name"]: p.get("default") for m in self.models() if m["name"] == model for p in m["parameters"]}
        value = lambda k: (reach.request.get("params") or {}).get(k, defaults.get(k))
        try:
            doc = self.limits(model, value("x_H"), value("x_Phi")) if model == "u1x" else self.limits(model)
        except NureachError:
            return 0
        drawn, labelled = 0, False
        for s in doc.get("sets", []):
            for a in s.get("applies_to", []):
                if a["model"] != model or (a["x_param"], a["y_param"]) != (reach.x_param, reach.y_param):
                    continue
                if any(value(k) is None or abs(float(value(k)) - v) > 1e-12 for k, v in a.get("params", {}).items()):
                    continue
                for o in s["limits"]:
                    if o["kind"] == "excluded":
                        ax.fill(o["x"], o["y"], facecolor=LIMIT_FILL.get(o.get("group"), LIMIT_FILL["bounds"]),
                                edgecolor="#8d939f", linewidth=0.6, alpha=0.6, zorder=2,
                                label=None if labelled else "existing limits (FORESEE)")
                        labelled = True
                    else:
                        ax.plot(o["x"], o["y"], color=o.get("color") or "#5b6475", linewidth=1.2, zorder=3,
                                linestyle="--" if o["kind"] == "projection" else ":")
                    at = o.get("label_position")
                    if o.get("label") and at:
                        ax.text(at["x"], at["y"], o["label"], fontsize="x-small", rotation=at.get("rotation_deg", 0),
                                color="#3d4350" if o["kind"] == "excluded" else (o.get("color") or "#3d4350"),
                                zorder=7, clip_on=True)
                    drawn += 1
        return drawn
