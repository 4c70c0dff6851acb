#!/usr/bin/python3
"""test_notebook.py: the README's "From a notebook" example, run against a live daemon.

1. The python block under the README heading "From a notebook" is, byte for byte, the text of
   tests/notebook/example.py, so what the README shows is what runs here.
2. A daemon with --job-wait-ms 0 (every contour becomes a job, so the example's polling loop runs)
   serves the example, run by /usr/bin/python3 with NUREACH_URL pointing at it: a rate, a spectrum, a
   contour job polled to completion, the CSV forms read back. It needs `requests` (Debian's
   python3-requests); pandas and matplotlib are used when present and skipped otherwise.
3. Its output carries the published-scale numbers it printed: six SM channels, nu_mu about 4.46e3
   events (README validation table), a 20 x 20 grid with at least one region, and the CSV row counts
   equal to the JSON's (40 bins, 400 grid points).

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon  # noqa: E402

T = Checks()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "tests", "notebook", "example.py")
README = os.path.join(ROOT, "README.md")


def readme_block():
    """The first ```python block after the heading '## From a notebook' (None if absent)."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    heading = re.search(r"^## From a notebook\s*$", text, re.M)
    if not heading:
        return None
    block = re.search(r"^```python\n(.*?)^```\s*$", text[heading.end():], re.S | re.M)
    return block.group(1) if block else None


def test_readme_matches_example():
    with open(EXAMPLE, encoding="utf-8") as f:
        example = f.read()
    block = readme_block()
    T.check(block is not None, "README has a python block under '## From a notebook'")
    T.check(block == example, "the README block equals tests/notebook/example.py (copy the file into the README)")


def has_module(name):
    return subprocess.run([sys.executable, "-c", "import " + name], capture_output=True).returncode == 0


def test_example_runs(d, work):
    plot = os.path.join(work, "contour.png")
    env = dict(os.environ, NUREACH_URL="http://127.0.0.1:%d" % d.port, NUREACH_PLOT=plot)
    proc = subprocess.run([sys.executable, EXAMPLE], env=env, cwd=work, capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout
    T.check(proc.returncode == 0, "the example exits 0 (stderr: %s)" % proc.stderr[-2000:])
    channels = re.findall(r"^(\w+)\s+([0-9.]+) events$", out, re.M)
    T.check(len(channels) == 6, "six SM channels printed (%d)" % len(channels))
    nu_mu = dict(channels).get("nu_mu")
    # README validation table: 4461.0 nu_mu CC events in FASERnu (published 4452)
    T.check(nu_mu is not None and abs(float(nu_mu) / 4452.0 - 1) < 0.02, "nu_mu events %s within 2%% of 4452" % nu_mu)
    T.check(re.search(r"^spectrum: 40 bins of E_gamma \[GeV\], [0-9.]+ events$", out, re.M) is not None,
            "the spectrum line")
    T.check(re.search(r"^job (queued|running): \d+%$", out, re.M) is not None, "the job was polled while under way")
    T.check(re.search(r"^job done: 100%$", out, re.M) is not None, "the job was polled to done")
    m = re.search(r"^contour: (\d+) region\(s\) above 3 events on a 20 x 20 grid$", out, re.M)
    T.check(m is not None and int(m.group(1)) >= 1, "the contour line with at least one region")
    T.check(re.search(r"^CSV: 40 spectrum rows, 400 grid rows$", out, re.M) is not None,
            "CSV row counts equal the JSON's")
    if has_module("matplotlib"):
        T.check(os.path.getsize(plot) > 1000, "matplotlib present: the contour plot was written")
    else:
        print("matplotlib not installed: the plotting cell was skipped (as the example intends)")
    print(out)


def main():
    test_readme_matches_example()
    if not has_module("requests"):
        T.check(False, "python3-requests is installed (deploy/common.sh installs it)")
        return T.summary()
    work = tempfile.mkdtemp(prefix="nureach-notebook-")
    d = Daemon(os.path.join(work, "state"), extra=["--job-wait-ms", "0"])
    try:
        if T.check(d.start(), "daemon started"):
            test_example_runs(d, work)
    finally:
        code, _ = d.stop()
        T.check(code == 0, "daemon stopped cleanly (%s)" % code)
        shutil.rmtree(work, ignore_errors=True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
