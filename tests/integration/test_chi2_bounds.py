#!/usr/bin/python3
"""test_chi2_bounds.py: chi-square bounds through POST /api/v1/bounds (issue 13) against a live daemon.

nuphilic_zp (paper 002) at FASERnu, g_etau vs m_Z' on a small grid with "test": {"kind": "chi2", "cl": 0.9,
"observable": "cc_", "normalisation_uncertainty": 0.1}. Golden values, each independent of the daemon's
chi-square code:
- the level: the 90% quantile of a chi-square with 2 degrees of freedom, -2 ln(1 - 0.9) (closed form);
- Delta-chi2 at grid points recomputed here from two POST /api/v1/spectra answers (the model at the point and
  at zero couplings, the Asimov data), with 002 sec. IV's statistic written out again in Python: Gaussian bins
  above 20 expected events, Poisson log-likelihood-ratio bins below, a normalisation pull a on the prediction
  with the penalty (a / 0.1)^2, minimised by golden-section search;
- physics: at fixed mass Delta-chi2 grows with the coupling (the excess grows as g^2);
- the contour encloses exactly the grid points at or above the level (each polygon edge crossing lies between
  a grid point below and one above);
- the cache: the same request (keys reordered, defaults written out) answers from the cache with the same key,
  another CL gets another key; {"kind": "events"} keeps the key of a request without "test".

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks  # noqa: E402

T = Checks()
MODEL = {"model": "nuphilic_zp", "experiment": "FASERnu"}
SCAN = {"x": {"param": "m_Zp", "min": 1e-3, "max": 0.05, "points": 4, "scale": "log"},
        "y": {"param": "g_etau", "min": 1e-3, "max": 1.0, "points": 8, "scale": "log"}}
TEST = {"kind": "chi2", "cl": 0.9, "observable": "cc_", "normalisation_uncertainty": 0.1}


def post(d, path, body):
    status, _, payload = d.request("POST", path, body)
    return status, json.loads(payload)


def bounds(d, body, timeout=300.0):
    """POST /api/v1/bounds and wait for the job; returns (first status, result document)."""
    status, doc = post(d, "/api/v1/bounds", body)
    first = status
    deadline = time.monotonic() + timeout
    while status == 202 and time.monotonic() < deadline:
        time.sleep(0.1)
        _, _, payload = d.request("GET", doc["job"]["href"])
        job = json.loads(payload)
        if job.get("status") == "done":
            status, _, payload = d.request("GET", job["result_href"])
            doc = json.loads(payload)
        elif job.get("status") in ("failed", "cancelled"):
            return first, job
    return first, doc


# ---- 002 sec. IV's statistic, written out again -----------------------------------------------------

def bins_chi2(data, pred, f):
    s = 0.0
    for d, p in zip(data, pred):
        q = f * p
        if d > 20.0:
            s += (q - d) ** 2 / d
        elif d > 0:
            s += 2 * (q - d + d * math.log(d / q))
        else:
            s += 2 * q
    return s


def pulled_chi2(data, pred, sigma=0.1):
    g = lambda a: bins_chi2(data, pred, 1 + a) + (a / sigma) ** 2
    lo, hi = -0.9, 2.0
    r = (math.sqrt(5) - 1) / 2
    for _ in range(200):
        a, b = hi - r * (hi - lo), lo + r * (hi - lo)
        if g(a) < g(b):
            hi = b
        else:
            lo = a
    return g(0.5 * (lo + hi))


def cc_bins(d, m_zp, g):
    status, doc = post(d, "/api/v1/spectra", dict(MODEL, params={"m_Zp": m_zp, "g_etau": g}))
    T.check(status == 200, "spectra at m_Zp %g, g_etau %g" % (m_zp, g))
    out = []
    for c in doc["result"]["channels"]:
        if c["name"].startswith("cc_"):
            out += c["events_per_bin"]
    return out


def test_chi2_bound(d):
    first, doc = bounds(d, dict(MODEL, scan=SCAN, test=TEST))
    if not T.check("result" in doc, "chi2 bound computed (%s)" % json.dumps(doc)[:300]):
        return None
    t = doc["test"]
    T.check(abs(t["delta_chi2"] - (-2 * math.log(1 - 0.9))) < 1e-12,
            "level: Delta-chi2 = -2 ln(0.1) = 4.605 for 90%% CL and 2 parameters (%r)" % t["delta_chi2"])
    T.check(t["scanned_parameters"] == 2 and t["kind"] == "chi2" and t["observable"] == "cc_" and
            t["normalisation_uncertainty"] == 0.1 and t["cl"] == 0.9, "the test is stated in the response")
    T.check("signal" not in doc and "threshold" not in doc, "no signal / threshold in a chi-square answer")
    r = doc["result"]
    x, y, grid = r["x"], r["y"], r["delta_chi2"]
    T.check(len(grid) == 8 and all(len(row) == 4 for row in grid), "an 8 x 4 Delta-chi2 grid")
    for i in range(4):
        col = [grid[j][i] for j in range(8)]
        T.check(all(b >= a - 1e-9 * (1 + abs(a)) for a, b in zip(col, col[1:])),
                "m_Zp = %g: Delta-chi2 grows with g_etau %s" % (x[i], ["%.3g" % v for v in col]))
    level = t["delta_chi2"]
    T.check(any(v >= level for row in grid for v in row) and any(v < level for row in grid for v in row),
            "the grid straddles the level")
    # independent recomputation at four points: below, near and above the level
    asimov = {}
    for i, j in ((0, 0), (0, 1), (1, 2), (3, 5)):
        if x[i] not in asimov:
            asimov[x[i]] = cc_bins(d, x[i], 0.0)
        want = pulled_chi2(asimov[x[i]], cc_bins(d, x[i], y[j]))
        T.check(abs(grid[j][i] - want) <= 1e-6 * max(1.0, want),
                "Delta-chi2 at (m_Zp %.3g, g_etau %.3g): %.8g, Python %.8g" % (x[i], y[j], grid[j][i], want))
    # the contour separates the grid points at or above the level from those below
    T.check(len(r["contours"]) >= 1, "one region at least")
    lx = [math.log10(v) for v in x]
    ly = [math.log10(v) for v in y]
    for c in r["contours"]:
        for vx, vy in zip(c["x"], c["y"]):
            ok = True
            if any(abs(math.log10(vx) - a) < 1e-9 for a in lx):  # a vertex on a vertical grid line
                i = min(range(4), key=lambda k: abs(lx[k] - math.log10(vx)))
                j = max([k for k in range(8) if ly[k] <= math.log10(vy) + 1e-12] or [0])
                if j < 7 and ly[j] < math.log10(vy) < ly[j + 1]:
                    ok = (grid[j][i] >= level) != (grid[j + 1][i] >= level)
            T.check(ok, "contour vertex (%.3g, %.3g) on a cell edge that crosses the level" % (vx, vy))
    return doc


def test_csv(d, doc):
    """The job's result as CSV: m_Zp,g_etau,delta_chi2 rows equal to the JSON grid, the test in the header."""
    status, headers, payload = d.request("GET", "/api/v1/jobs/%s/result.csv" % doc["meta"]["cache_key"])
    if not T.check(status == 200, "result.csv: 200 (%s)" % status):
        return
    lines = payload.decode().splitlines()
    comments = [l for l in lines if l.startswith("#")]
    rows = [l.split(",") for l in lines if not l.startswith("#")]
    T.check(any(l.startswith("# test: ") and '"chi2"' in l for l in comments), "the header states the test")
    T.check(rows[0] == ["m_Zp", "g_etau", "delta_chi2"], "columns m_Zp,g_etau,delta_chi2 (%s)" % rows[0])
    r = doc["result"]
    want = [(x, y, r["delta_chi2"][j][i]) for j, y in enumerate(r["y"]) for i, x in enumerate(r["x"])]
    got = [tuple(float(v) for v in row) for row in rows[1:]]
    T.check(len(got) == len(want) and all(abs(a - b) <= 1e-12 * abs(b) for g, w in zip(got, want)
                                          for a, b in zip(g, w)), "rows equal the JSON grid (%d)" % len(got))


def test_cache(d, doc):
    reordered = {"test": {"observable": "cc_", "kind": "chi2"}, "scan": SCAN, **MODEL}  # cl, norm: defaults
    first, again = bounds(d, reordered)
    T.check(first == 200 and again["meta"]["cache_key"] == doc["meta"]["cache_key"],
            "same request with defaults left out: answered from the cache (%s), same key" % first)
    status, other = post(d, "/api/v1/bounds", dict(MODEL, scan=SCAN, test=dict(TEST, cl=0.95)))
    key = other.get("meta", {}).get("cache_key") or other.get("job", {}).get("id")
    T.check(key and key != doc["meta"]["cache_key"], "another CL: another key")
    dp = {"model": "dark_photon", "experiment": "FASER", "refine": False,
          "scan": {"x": {"param": "m_Ap", "points": 4}, "y": {"param": "epsilon", "points": 4}}}
    _, plain = bounds(d, dp)
    _, events = bounds(d, dict(dp, test={"kind": "events"}))
    T.check(plain["meta"]["cache_key"] == events["meta"]["cache_key"] and "test" not in events,
            "{\"kind\": \"events\"} is the default: same key, same answer as no test")


def main():
    def run(d):
        doc = test_chi2_bound(d)
        if doc:
            test_csv(d, doc)
            test_cache(d, doc)

    return T.with_daemon("nureach-chi2-bounds-", run)


if __name__ == "__main__":
    sys.exit(main())
