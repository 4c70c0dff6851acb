#!/usr/bin/python3
"""test_notebook.py: the notebook path against a live daemon: the README example, the served Python client
(static/client/nureach.py) with pandas and matplotlib, the CSV header, and the CSV of an unfinished scan.

1. The python block under the README heading "From a notebook" is, byte for byte, tests/notebook/example.py.
2. A daemon with --job-wait-ms 0 (every contour becomes a job, so the client polls) serves the example, run
   by /usr/bin/python3: it downloads the client from GET /client/nureach.py and prints six SM channels with
   nu_mu about 4.46e3 events (README validation table: 4461, published 4452), a 40-bin spectrum, a dark
   photon contour at FASER with at least one region, a 256-row CSV grid read by pandas (comment="#"), and the
   JSON pointer of a bad parameter; the saved figure is a 900 x 560 PNG (9 x 5.6 in at 100 dpi).
3. The client in this process: plot_reach's figure has its size, a colour bar, the contour and the existing
   limits that apply (as many filled regions as the limits endpoint has excluded outlines for dark_photon),
   their labels, a legend in words and typeset axis labels.
4. CSV files carry a commented header (model, params, units, engine and data versions).
5. A CSV of a scan that is not finished is never a 2xx: jobs/<id>/result.csv and bounds.csv answer 503 with
   Retry-After and the job in Location, and pandas.read_csv raises on it.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon  # noqa: E402

T = Checks()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "tests", "notebook", "example.py")
README = os.path.join(ROOT, "README.md")
# nrtest.long_scan as a GET form: minutes of work because of its 200 x 200 grid over two mass axes of zd_hnl (a new
# Z_D and N production at every point), however fast the model becomes; it must still run after several requests
LONG_SCAN = ("model=zd_hnl&experiment=FASERnu2&signal=nuee_primary"
             "&params.mass_relation=fixed&params.flavour=tau&params.epsilon=1e-3"
             "&scan.x.param=m_N&scan.x.min=0.003&scan.x.max=0.01&scan.x.points=200&scan.x.scale=log"
             "&scan.y.param=m_ZD&scan.y.min=0.03&scan.y.max=0.3&scan.y.points=200&scan.y.scale=log")


def readme_block():
    """The first ```python block after the heading '## From a notebook' (None if absent)."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    heading = re.search(r"^## From a notebook\s*$", text, re.M)
    if not heading:
        return None
    block = re.search(r"^```python\n(.*?)^```\s*$", text[heading.end():], re.S | re.M)
    return block.group(1) if block else None


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def test_readme_matches_example():
    with open(EXAMPLE, encoding="utf-8") as f:
        example = f.read()
    block = readme_block()
    T.check(block is not None, "README has a python block under '## From a notebook'")
    T.check(block == example, "the README block equals tests/notebook/example.py (copy the file into the README)")


def test_example_runs(d, work):
    plot = os.path.join(work, "reach.png")
    env = dict(os.environ, NUREACH_URL="http://127.0.0.1:%d" % d.port, NUREACH_PLOT=plot)
    proc = subprocess.run([sys.executable, EXAMPLE], env=env, cwd=work, capture_output=True, text=True, timeout=600)
    out = proc.stdout
    T.check(proc.returncode == 0, "the example exits 0 (stderr: %s)" % proc.stderr[-2000:])
    channels = re.findall(r"^(\w+)\s+([0-9.]+) events$", out, re.M)
    T.check(len(channels) == 6, "six SM channels printed (%d)" % len(channels))
    nu_mu = dict(channels).get("nu_mu")
    # README validation table: 4461.0 nu_mu CC events in FASERnu (published 4452)
    T.check(nu_mu is not None and abs(float(nu_mu) / 4452.0 - 1) < 0.02, "nu_mu events %s within 2%% of 4452" % nu_mu)
    T.check(re.search(r"^spectrum: 40 bins of E_gamma \[GeV\], [0-9.]+ photons above e_vis_min \(= the rates signal\)$", out, re.M) is not None, "the spectrum line")
    T.check(re.search(r"^job (queued|running): \d+%(, about \d+ s left)?$", proc.stderr, re.M) is not None, "the client polled the job")
    m = re.search(r"^contour: (\d+) region\(s\), max ([0-9.e+]+) events on a 16 x 16 grid$", out, re.M)
    T.check(m is not None and int(m.group(1)) >= 1, "the contour line with at least one region")
    T.check(re.search(r"^CSV: 256 grid rows, columns m_Ap, epsilon, events$", out, re.M) is not None,
            "pandas reads the 16 x 16 grid from the commented CSV")
    T.check(re.search(r"^error at /params/m_N$", out, re.M) is not None, "a bad parameter names its field")
    size = png_size(plot) if os.path.exists(plot) else None
    T.check(size == (900, 560), "the saved figure is a 900 x 560 PNG (%s)" % (size,))
    print(out)


def load_client(d, work):
    path = os.path.join(work, "client", "nureach.py")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    status, headers, body = d.request("GET", "/client/nureach.py")
    T.check(status == 200 and headers.get("content-type", "").startswith("text/x-python"), "GET /client/nureach.py")
    with open(path, "wb") as f:
        f.write(body)
    sys.path.insert(0, os.path.dirname(path))
    import nureach
    return nureach


def test_client_figure(d, work):
    import matplotlib
    matplotlib.use("Agg")
    nureach = load_client(d, work)
    nr = nureach.Client("http://127.0.0.1:%d" % d.port, progress=False)
    reach = nr.bounds("dark_photon", "FASER", signal="visible", x=("m_Ap", 0.005, 1.0, 16), y=("epsilon", 1e-8, 1e-3, 16))
    T.check(type(reach.grid).__name__ == "DataFrame" and len(reach.grid) == 256, "the grid is a 256-row DataFrame")
    fig = nr.plot_reach([reach], limits=True)
    T.check(tuple(round(v, 2) for v in fig.get_size_inches()) == (9.0, 5.6), "figure size 9 x 5.6 in")
    T.check(len(fig.axes) == 2, "the plot and its colour bar (%d axes)" % len(fig.axes))
    ax = fig.axes[0]
    limits = nr.limits("dark_photon")
    excluded = sum(1 for s in limits["sets"] for o in s["limits"] if o["kind"] == "excluded")
    T.check(excluded >= 15, "the limits endpoint has the dark photon's excluded regions (%d)" % excluded)
    T.check(len(ax.patches) == excluded + len(reach.contours),
            "one filled region per existing limit and per contour (%d patches, %d + %d)"
            % (len(ax.patches), excluded, len(reach.contours)))
    T.check(len(ax.collections) == 1, "the colour map of the event counts")
    texts = {t.get_text() for t in ax.texts}
    T.check("FASER" in texts and "E137" in texts, "limit labels drawn (%d)" % len(texts))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    T.check("existing limits (FORESEE)" in legend and "FASER \u00b7 visible decays in the volume \u00b7 \u2265 3 events" in legend,
            "the legend in words: %s" % legend)
    T.check(ax.get_xlabel() == "$m_{A'}$ [GeV]" and ax.get_ylabel() == "$\\epsilon$", "typeset axis labels: %s, %s"
            % (ax.get_xlabel(), ax.get_ylabel()))
    T.check("13.6 TeV" in ax.get_title(loc="left") and "150 fb" in ax.get_title(loc="left"), "title: %s" % ax.get_title(loc="left"))
    path = os.path.join(work, "client.png")
    fig.savefig(path, dpi=50)
    T.check(png_size(path) == (450, 280), "saved at 50 dpi: 450 x 280 (%s)" % (png_size(path),))
    try:
        nr.rates("dipole", "FASERnu2", m_N=-1)
        T.check(False, "a bad parameter raises")
    except nureach.NureachError as e:
        T.check(e.status == 422 and e.pointers == ["/params/m_N"], "NureachError names /params/m_N")


def test_csv_header(d):
    status, headers, body = d.request("GET", "/api/v1/spectra.csv?model=sm&experiment=FASERnu")
    text = body.decode()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    T.check(status == 200 and text.startswith("# result: nureach spectra of model sm at FASERnu"), "CSV starts with what it is")
    for key in ("params", "units", "engine_version", "data_version"):
        T.check(any(line.startswith("# %s: " % key) for line in comments), "CSV header has %s" % key)
    _, _, health = d.request("GET", "/api/v1/health")
    version = json.loads(health)["engine_version"]
    T.check("# engine_version: %s" % version in comments, "the engine version is the daemon's")
    first_data = text.splitlines()[len(comments)]
    T.check(first_data.startswith("lo,hi,nu_e"), "then the table's header row")


def test_unfinished_csv(d):
    import pandas as pd
    status, _, body = d.request("GET", "/api/v1/bounds.json?" + LONG_SCAN)
    T.check(status == 202, "a 200 x 200 mass x mass scan becomes a job (%d)" % status)
    job = json.loads(body)["job"]
    _, _, body = d.request("GET", job["href"])
    state = json.loads(body)
    T.check(state["status"] in ("queued", "running") and state["elapsed_s"] >= 0 and "remaining_s" in state,
            "the job resource has elapsed_s and remaining_s while it runs: %s" % {k: state.get(k) for k in ("status", "elapsed_s", "remaining_s")})
    status, headers, body = d.request("GET", job["href"] + "/result.csv")
    T.check(status == 503 and headers.get("retry-after") and headers.get("location") == job["href"],
            "result.csv of a running job: 503 + Retry-After + Location (%d)" % status)
    T.check(json.loads(body)["type"].endswith("/job-not-done"), "... with a job-not-done problem")
    url = "http://127.0.0.1:%d/api/v1/bounds.csv?%s" % (d.port, LONG_SCAN)
    try:
        pd.read_csv(url, comment="#")
        T.check(False, "pandas.read_csv of an unfinished scan raises")
    except urllib.error.HTTPError as e:
        T.check(e.code == 503 and e.headers.get("Retry-After"), "pandas.read_csv raises HTTP 503 with Retry-After")
    for _ in range(3):  # the JSON request and the CSV one each wait for the job: withdraw both
        status, _, body = d.request("DELETE", job["href"])
        if json.loads(body).get("status") == "cancelled":
            break
    T.check(json.loads(body).get("status") == "cancelled", "the long scan is cancelled")


def has_module(name):
    return subprocess.run([sys.executable, "-c", "import " + name], capture_output=True).returncode == 0


def main():
    test_readme_matches_example()
    for module in ("requests", "pandas", "matplotlib"):
        if not T.check(has_module(module), "python3-%s is installed (deploy/common.sh installs it)" % module):
            return T.summary()
    work = tempfile.mkdtemp(prefix="nureach-notebook-")
    # rates and spectra (and their CSV: it waits at least as long) answered with their result however loaded
    d = Daemon(os.path.join(work, "state"), extra=["--job-wait-ms", "0", "--compute-wait-ms", "300000"])
    try:
        if T.check(d.start(), "daemon started"):
            test_csv_header(d)
            test_example_runs(d, work)
            test_client_figure(d, work)
    finally:
        code, _ = d.stop()
        T.check(code == 0, "daemon stopped cleanly (%s)" % code)
    # a CSV that may wait only 200 ms: the long scan is surely unfinished then, however fast the machine
    impatient = Daemon(os.path.join(work, "state-impatient"), extra=["--job-wait-ms", "0", "--csv-wait-ms", "200"])
    try:
        if T.check(impatient.start(), "daemon with --csv-wait-ms 200 started"):
            test_unfinished_csv(impatient)
    finally:
        code, _ = impatient.stop()
        T.check(code == 0, "daemon with --csv-wait-ms 200 stopped cleanly (%s)" % code)
        shutil.rmtree(work, ignore_errors=True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
