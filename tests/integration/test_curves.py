#!/usr/bin/python3
"""test_curves.py: one-parameter curves, POST /api/v1/bounds with "scan": {"x": axis} only (issue 16).

Events: dark_photon at FASER, signal "visible" vs m_A' at fixed epsilon. Golden values: each point equals
POST /api/v1/rates at that mass (another code path: nr_model_rates, not the scan); the crossings lie between
the two points that straddle the threshold; the CSV (job result .csv) has the same rows.
Chi-square: nuphilic_zp at FASERnu, Delta-chi2 vs g_etau at m_Z' = 10 MeV. Golden values: the level is the 90%
quantile of a chi-square with ONE degree of freedom, (Phi^-1(0.95))^2 = 2.7055 (closed form via the normal
quantile); Delta-chi2 at a point recomputed in Python from two spectra (test_chi2_bounds.py's statistic); at
the reported limit (the crossing) the recomputed Delta-chi2 is the level to 5% (the crossing is interpolated
between grid points, ln(Delta-chi2) linear in log10 g).

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks  # noqa: E402
import test_chi2_bounds as chi2bounds  # noqa: E402  (the Python statistic and the job helper)

T = Checks()
chi2bounds.T = T


def test_events_curve(d):
    body = {"model": "dark_photon", "experiment": "FASER", "signal": "visible", "threshold": 3,
            "params": {"epsilon": 1e-5},
            "scan": {"x": {"param": "m_Ap", "min": 0.01, "max": 0.3, "points": 8, "scale": "log"}}}
    _, doc = chi2bounds.bounds(d, body)
    if not T.check("result" in doc, "events curve computed (%s)" % json.dumps(doc)[:300]):
        return
    r = doc["result"]
    T.check("y" not in doc["scan"] and doc["refine"] is False and r["level"] == 3, "x only, no refinement, level 3")
    for x, v in zip(r["x"], r["events"]):
        status, rates = chi2bounds.post(d, "/api/v1/rates", {"model": "dark_photon", "experiment": "FASER",
                                                              "params": {"epsilon": 1e-5, "m_Ap": x}})
        want = next(c["events"] for c in rates["result"]["channels"] if c["name"] == "visible")
        T.check(abs(v - want) <= 1e-9 * max(abs(want), 1e-300), "m_Ap %.4g: %.6g events = rates %.6g" % (x, v, want))
    above = [v >= 3 for v in r["events"]]
    n_sign_changes = sum(a != b for a, b in zip(above, above[1:]))
    T.check(len(r["crossings"]) == n_sign_changes, "one crossing per sign change (%d)" % n_sign_changes)
    for c in r["crossings"]:
        i = max(k for k in range(len(r["x"])) if r["x"][k] <= c)
        T.check(i + 1 < len(r["x"]) and above[i] != above[i + 1], "crossing %.4g between straddling points" % c)
    status, _, payload = d.request("GET", "/api/v1/jobs/%s/result.csv" % doc["meta"]["cache_key"])
    rows = [l.split(",") for l in payload.decode().splitlines() if not l.startswith("#")]
    T.check(status == 200 and rows[0] == ["m_Ap", "events"], "CSV columns m_Ap,events (%s)" % status)
    T.check([tuple(map(float, row)) for row in rows[1:]] == list(zip(r["x"], r["events"])) or
            all(abs(float(row[1]) - v) <= 1e-12 * max(abs(v), 1e-300) for row, v in zip(rows[1:], r["events"])),
            "CSV rows equal the JSON curve")


def test_chi2_curve(d):
    model = {"model": "nuphilic_zp", "experiment": "FASERnu"}
    body = dict(model, params={"m_Zp": 0.01},
                scan={"x": {"param": "g_etau", "min": 1e-3, "max": 0.3, "points": 12, "scale": "log"}},
                test={"kind": "chi2", "observable": "cc_"})
    _, doc = chi2bounds.bounds(d, body)
    if not T.check("result" in doc, "chi2 curve computed (%s)" % json.dumps(doc)[:300]):
        return
    t, r = doc["test"], doc["result"]
    level = statistics.NormalDist().inv_cdf(0.95) ** 2
    T.check(t["scanned_parameters"] == 1 and abs(t["delta_chi2"] - level) < 1e-9 and abs(r["level"] - level) < 1e-9,
            "one parameter: level (Phi^-1(0.95))^2 = %.6f (%r)" % (level, t["delta_chi2"]))
    asimov = chi2bounds.cc_bins(d, 0.01, 0.0)
    j = 5
    want = chi2bounds.pulled_chi2(asimov, chi2bounds.cc_bins(d, 0.01, r["x"][j]))
    T.check(abs(r["delta_chi2"][j] - want) <= 1e-6 * max(1.0, want),
            "Delta-chi2 at g_etau %.4g: %.8g, Python %.8g" % (r["x"][j], r["delta_chi2"][j], want))
    if T.check(len(r["crossings"]) == 1, "one crossing: the upper limit (%s)" % r["crossings"]):
        g = r["crossings"][0]
        at = chi2bounds.pulled_chi2(asimov, chi2bounds.cc_bins(d, 0.01, g))
        T.check(abs(at / level - 1) < 0.05, "Delta-chi2 at the limit g_etau = %.4g: %.4f vs level %.4f" % (g, at, level))


def main():
    def run(d):
        test_events_curve(d)
        test_chi2_curve(d)

    return T.with_daemon("nureach-curves-", run)


if __name__ == "__main__":
    sys.exit(main())
