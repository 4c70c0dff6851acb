#!/usr/bin/env python3
"""test_zd_hnl_api.py: the zd_hnl model (paper 001 sec. 3.2) through the real daemon: rates at the Fig. 3 point,
a contour for each of 001's two benchmarks through POST /api/v1/bounds (Fig. 3: e+e- from secondary Z_D; Fig. 4:
N -> nu e e of N from Z_D -> N N), and a physics refusal answered with its JSON pointer.

The expectations are the statements of 001 sec. 4.2 that the physics must reproduce: the Fig. 3 contour closes below
U^2 ~ 1e-3 (Z_D -> nu nu dominates there) and reaches masses of several GeV; the Fig. 4 contour exists below
m_N ~ 0.3 GeV. Small grids: this checks the plumbing and the shape, the README has the fine contours.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import PATIENT, Checks, Daemon  # noqa: E402

T = Checks()

FIG3 = {"m_ZD": 0.03, "alpha_D": 0.25, "epsilon": 1.6554e-4, "flavour": "mu"}
FIG4 = {"mass_relation": "ratio", "ratio_ZD_N": 8, "alpha_D": 0.0795774715, "epsilon": 1e-3, "flavour": "tau"}


def as_json(payload):
    try:
        return json.loads(payload)
    except ValueError:
        return None


def axis(param, lo, hi, points):
    return {"param": param, "min": lo, "max": hi, "points": points, "scale": "log"}


def test_rates(d):
    body = {"model": "zd_hnl", "experiment": "FASERnu2", "params": dict(FIG3, m_N=1.0, U2=1e-6)}
    code, _, payload = d.request("POST", "/api/v1/rates", body)
    r = as_json(payload) or {}
    T.check(code == 200, "rates: 200 (%s %r)" % (code, payload[:300]))
    ch = {c.get("name"): c.get("events") for c in r.get("result", {}).get("channels", [])}
    T.check(all(k in ch for k in ("ee_secondary", "ee_primary", "ee_total", "electron_scattering")),
            "rates: the signals are there (%r)" % list(ch)[:10])
    if all(isinstance(ch.get(k), (int, float)) for k in ("ee_secondary", "ee_primary", "ee_total")):
        T.check(ch["ee_secondary"] > 10, "rates: Fig. 3 point gives secondary e+e- events (%r)" % ch["ee_secondary"])
        T.check(abs(ch["ee_total"] - ch["ee_secondary"] - ch["ee_primary"]) <= 1e-9 * ch["ee_total"],
                "rates: ee_total = secondary + primary")


def contour_of(d, body, what):
    code, _, payload = d.request("POST", "/api/v1/bounds", body)
    r = as_json(payload) or {}
    T.check(code == 200, "%s: 200 (%s %r)" % (what, code, payload[:300]))
    contours = r.get("result", {}).get("contours", [])
    T.check(len(contours) >= 1, "%s: a contour" % what)
    return [(x, y) for c in contours for x, y in zip(c.get("x", []), c.get("y", []))]


def test_fig3(d):
    body = {"model": "zd_hnl", "experiment": "FASERnu2", "signal": "ee_secondary", "threshold": 3, "params": FIG3,
            "scan": {"x": axis("m_N", 0.1, 10.0, 5), "y": axis("U2", 1e-10, 1e-2, 5)}}
    pts = contour_of(d, body, "Fig. 3 bounds")
    if pts:
        T.check(max(y for _, y in pts) < 1e-3, "Fig. 3: no reach at U^2 ~ 1e-3 (Z_D -> nu nu)")
        T.check(max(x for x, _ in pts) > 3.0, "Fig. 3: reach beyond a few GeV")
        T.check(min(y for _, y in pts) < 1e-7, "Fig. 3: reach below U^2 = 1e-7")


def test_fig4(d):
    body = {"model": "zd_hnl", "experiment": "FASERnu2", "signal": "nuee_primary", "threshold": 3, "params": FIG4,
            "scan": {"x": axis("m_N", 0.005, 0.5, 5), "y": axis("U2", 1e-10, 1e-1, 5)}}
    pts = contour_of(d, body, "Fig. 4 bounds")
    if pts:
        T.check(min(x for x, _ in pts) < 0.3, "Fig. 4: reach below m_N = 0.3 GeV")


def test_refusal(d):
    body = {"model": "zd_hnl", "experiment": "FASERnu2", "params": dict(FIG3, m_N=0.03)}
    code, headers, payload = d.request("POST", "/api/v1/rates", body)
    p = as_json(payload) or {}
    T.check(400 <= code < 500, "m_N = m_ZD refused (%s %r)" % (code, payload[:300]))
    text = json.dumps(p)
    T.check("/params/m_N" in text, "m_N = m_ZD: pointer /params/m_N in %r" % text[:300])


def main():
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="nureach-zdhnl-")
    d = Daemon(os.path.join(tmp, "d"), extra=["--job-wait-ms", "300000", "--job-max-s", "600"] + PATIENT)
    try:
        if not T.check(d.start(), "daemon starts"):
            return T.summary()
        test_rates(d)
        test_refusal(d)
        test_fig3(d)
        test_fig4(d)
        code, _ = d.stop()
        T.check(code == 0, "daemon: exit 0 (%r)" % code)
    finally:
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("integration test_zd_hnl_api: %.1f s" % (time.monotonic() - t_start))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
