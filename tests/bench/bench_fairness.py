#!/usr/bin/env python3
"""bench_fairness.py: one client's 100 distinct scans must not delay another client's rates request by more than
one job step (issue 17). A benchmark: prints figures, asserts nothing.

Usage: NUREACHD=build/server/nureachd NUREACH_DATA_DIR=data NUREACH_STATIC_DIR=static NUREACH_SCHEMA_DIR=schema \\
       python3 tests/bench/bench_fairness.py [scans=100] [probes=20]
Starts a daemon with 2 job workers (so --client-running defaults to 1). Client A (source 127.0.0.2) submits
`scans` distinct 30 x 30 dark-photon scans (each a job of 0.3-0.9 s on 2026-12-06 at load 2, 0.3-1 ms a grid
point; they run one after the other, --client-running 1); client B (127.0.0.1) then sends `probes`
distinct dipole rates requests one after the other (a salted m_N: none comes from the cache). Prints B's
latency idle (before A) and under A's load, and A's job time (one job step) from /metrics.
"""
import http.client
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from nrtest import Daemon  # noqa: E402
import prometheus_text  # noqa: E402


def post(port, source, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0))
    t0 = time.monotonic()
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    post.last_body = data
    return r.status, time.monotonic() - t0


def probe(port, k, salt):
    body = {"model": "dipole", "experiment": "FASERnu2", "params": {"m_N": 0.05 + 1e-9 * salt + 1e-5 * k}}
    return post(port, "127.0.0.1", "/api/v1/rates", body)


def main():
    scans = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    probes = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    salt = int(time.time()) % 100000
    d = Daemon(tempfile.mkdtemp(prefix="nureach-fair-"),
               extra=["--job-threads", "2", "--client-queued", str(scans), "--job-queue", str(scans + 16),
                      "--job-wait-ms", "0"])
    if not d.start():
        sys.exit("daemon did not start: " + d.stderr_text()[-500:])
    try:
        idle = [probe(d.port, k, salt) for k in range(probes)]
        codes = []
        for i in range(scans):
            body = {"model": "dark_photon", "experiment": "FASER", "signal": "visible",
                    "scan": {"x": {"param": "m_Ap", "min": 0.01 + 1e-5 * i, "max": 0.1, "points": 30, "scale": "log"},
                             "y": {"param": "m_NR", "min": 0.01, "max": 10, "points": 30, "scale": "log"}}}
            codes.append(post(d.port, "127.0.0.2", "/api/v1/bounds", body)[0])
            if i == 0:
                first = json.loads(post.last_body)["job"]["id"]
                t_first = time.monotonic()
        loaded = [probe(d.port, probes + k, salt) for k in range(probes)]
        time.sleep(5)
        job = json.loads(d.request("GET", "/api/v1/jobs/" + first)[2])
        step_s = (time.monotonic() - t_first) / max(job["progress"] * 900, 1e-9)
        fams = prometheus_text.parse(d.request("GET", "/metrics")[2].decode())
        def get(fam, **labels):
            for _, l, v in fams[fam]["samples"]:
                if all(l.get(k) == v2 for k, v2 in labels.items()):
                    return v
            return None
        secs, runs = get("nureach_compute_seconds_total", model="dark_photon"), get("nureach_compute_runs_total",
                                                                                     model="dark_photon")
        queued, running = get("nureach_jobs_queued"), get("nureach_jobs_running")
    finally:
        d.stop()
    ms = lambda xs: [x[1] * 1e3 for x in xs]  # noqa: E731
    print("A: %d scans submitted: %d accepted (202), others %s" % (scans, codes.count(202),
                                                                 sorted(set(c for c in codes if c != 202))))
    print("A: after the probes: %s running, %s queued; finished runs so far: %s" % (running, queued, runs))
    print("A: one job step (one of a scan's 900 grid points, from the first job's progress %.3f) = %.1f ms%s"
          % (job["progress"], step_s * 1e3,
             " (the first scan finished before this look: an upper bound)" if job["progress"] >= 1 else ""))
    if runs:
        print("A: one job step (a finished scan) = %.2f s on average" % (secs / runs))
    else:
        print("A: no scan finished during the benchmark (a job step > %.0f s)" % (sum(ms(loaded)) / 1e3 + 5))
    for name, xs in (("idle", idle), ("under A's load", loaded)):
        v = ms(xs)
        print("B rates %-15s: %d requests, status %s, median %.1f ms, max %.1f ms" % (
            name, len(v), sorted(set(x[0] for x in xs)), statistics.median(v), max(v)))
    print("B's added delay (max loaded - median idle): %.1f ms" % (max(ms(loaded)) - statistics.median(ms(idle))))


if __name__ == "__main__":
    main()
