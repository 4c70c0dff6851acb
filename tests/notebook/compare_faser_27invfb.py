"""compare_faser_27invfb.py: nureach's dark photon at FASER against FASER's published 27 fb^-1 exclusion.

Scans m_A' x epsilon with luminosity_fb = 27, signal ee, threshold 2.3 events (90 % CL, zero events, no
background) and prints, every third mass, the published outline's epsilon range (its crossings at that mass,
interpolated in log-log) next to the grid's range above threshold. The README's table is its output.
Usage: NUREACH_URL=http://127.0.0.1:8080 NUREACH_DATA_DIR=data python3 tests/notebook/compare_faser_27invfb.py
"""
import os
import math
import time

import requests

DATA = os.environ.get("NUREACH_DATA_DIR", "data")
base = os.environ.get("NUREACH_URL", "http://127.0.0.1:8080")
req = {"model": "dark_photon", "experiment": "FASER", "signal": "ee", "threshold": 2.3,
       "experiment_overrides": {"luminosity_fb": 27},
       "scan": {"x": {"param": "m_Ap", "min": 0.005, "max": 0.2, "points": 30, "scale": "log"},
                "y": {"param": "epsilon", "min": 1e-6, "max": 1e-3, "points": 30, "scale": "log"}}}
r = requests.post(base + "/api/v1/bounds", json=req)
body = r.json()
while r.status_code == 202 or body.get("status") in ("queued", "running"):
    href = body["job"]["href"] if "job" in body else body["href"]
    time.sleep(2)
    j = requests.get(base + href).json()
    if j["status"] == "done":
        body = requests.get(base + j["result_href"]).json(); break
    body = {"job": j}
res = body["result"]
xs, ys, ev = res["x"], res["y"], res["events"]
# published outline: for each mass, the lower and upper epsilon edge of the polygon (crossings)
pts = [tuple(map(float, l.split())) for l in open(os.path.join(DATA, "limits/dark_photon/bounds_FASER-27invfb.txt")) if l.strip() and not l.startswith("#")]
def crossings(m):
    out = []
    n = len(pts)
    for i in range(n):
        (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % n]
        if (x1 - m) * (x2 - m) < 0:
            t = (math.log(m) - math.log(x1)) / (math.log(x2) - math.log(x1))
            out.append(math.exp(math.log(y1) + t * (math.log(y2) - math.log(y1))))
    return sorted(out)
print("mass_GeV  published_eps_range            nureach_eps_range(N>=2.3, ee, 27/fb)  max_events")
for i, m in enumerate(xs):
    col = [ev[j][i] for j in range(len(ys))]
    above = [ys[j] for j in range(len(ys)) if col[j] >= 2.3]
    c = crossings(m)
    if i % 3 == 0:
        print("%.4f  %-30s  %-36s %.3g" % (m, "%.2e..%.2e" % (c[0], c[-1]) if len(c) >= 2 else "-", "%.2e..%.2e" % (min(above), max(above)) if above else "none", max(col)))
