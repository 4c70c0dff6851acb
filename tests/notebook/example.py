# nureach from a notebook: a rate, a spectrum, a contour job polled to completion, CSV into pandas.
# Needs only `requests`; plots with matplotlib and tables with pandas when they are installed.
import csv
import io
import json
import os
import time
from urllib.parse import urlencode

import requests

BASE = os.environ.get("NUREACH_URL", "http://127.0.0.1:8080")
API = BASE + "/api/v1"

# 1. Event rates: CC events per neutrino species in FASERnu (Run 3)
r = requests.post(f"{API}/rates", json={"model": "sm", "experiment": "FASERnu"}, timeout=60)
r.raise_for_status()  # a 4xx carries application/problem+json naming the bad field
rates = r.json()
for c in rates["result"]["channels"]:
    print(f"{c['name']:10s} {c['events']:10.1f} events")

# 2. A spectrum: photon energies of the dipole portal at FASERnu2, m_N = 0.3 GeV
r = requests.post(f"{API}/spectra", timeout=60, json={
    "model": "dipole", "experiment": "FASERnu2", "params": {"m_N": 0.3, "mu_N": 1e-6}})
r.raise_for_status()
spectrum = r.json()["result"]
print(f"spectrum: {len(spectrum['bins'])} bins of {spectrum['x']['name']} [{spectrum['x']['unit']}], "
      f"{spectrum['total_events']:.1f} events")

# 3. A sensitivity contour over m_N x mu_N: a job (202 + Location) when it takes a while
body = {"model": "dipole", "experiment": "FASERnu2", "signal": "gamma_decay_volume", "threshold": 3,
        "scan": {"x": {"param": "m_N", "points": 20}, "y": {"param": "mu_N", "points": 20}}}
r = requests.post(f"{API}/bounds", json=body, timeout=60)
if r.status_code == 202:
    job_url = BASE + r.headers["Location"]
    while True:
        job = requests.get(job_url, timeout=60).json()
        print(f"job {job['status']}: {job['progress']:.0%}")
        if job["status"] == "done":
            r = requests.get(BASE + job["result_href"], timeout=60)
            break
        if job["status"] in ("failed", "cancelled"):
            raise RuntimeError(job.get("problem", job))
        time.sleep(0.5)
r.raise_for_status()
bounds = r.json()
grid = bounds["result"]
print(f"contour: {len(grid['contours'])} region(s) above {bounds['threshold']:g} events "
      f"on a {len(grid['x'])} x {len(grid['y'])} grid")

# 4. The same numbers as CSV. Each POST endpoint has a GET form whose query is the body with nested
#    keys joined by dots (params.m_N=0.3), so pandas.read_csv(url) works; the scan is cached by now.
def query(body, prefix=""):
    out = {}
    for key, value in body.items():
        if isinstance(value, dict):
            out.update(query(value, prefix + key + "."))
        else:
            out[prefix + key] = value if isinstance(value, str) else json.dumps(value)
    return out


csv_url = f"{API}/spectra.csv?model=dipole&experiment=FASERnu2&params.m_N=0.3&params.mu_N=1e-6"
grid_url = f"{API}/bounds.csv?" + urlencode(query(body))
try:
    import pandas as pd
    table = pd.read_csv(csv_url)         # columns lo, hi, then one per channel
    scan = pd.read_csv(grid_url)         # columns m_N, mu_N, events: one row per grid point
    print(table.head(), scan.describe(), sep="\n")
except ImportError:                      # no pandas: the standard library reads it as well
    table = list(csv.DictReader(io.StringIO(requests.get(csv_url, timeout=60).text)))
    scan = list(csv.DictReader(io.StringIO(requests.get(grid_url, timeout=60).text)))
print(f"CSV: {len(table)} spectrum rows, {len(scan)} grid rows")

# 5. Plot the contour on log-log axes (if matplotlib is there)
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
if plt:
    fig, ax = plt.subplots()
    for region in grid["contours"]:
        ax.fill(region["x"], region["y"], alpha=0.4, color="C0")
    ax.set(xscale="log", yscale="log", xlabel="m_N [GeV]", ylabel="mu_N [GeV^-1]",
           title=f"{bounds['experiment']['name']}: {bounds['signal']} >= {bounds['threshold']:g} events")
    fig.savefig(os.environ.get("NUREACH_PLOT", "contour.png"))
