#!/usr/bin/python3
"""test_bounds.py: POST /api/v1/bounds and the job resources against the real daemon.

Two daemons: one with the default job wait (a small scan answers 200 at once), one with
--job-wait-ms 0 --job-threads 1 --job-queue 1 (every computation becomes a job; a full queue gives
503). The sm model scans e_min x e_max (log axes) of the nu_mu CC events; threshold 1000 events: the
region above is the window e_max well above e_min. The jobs that must still be running for the queue,
cancellation, shutdown and time-budget checks are long_scan: minutes because of their 200 x 200 grid over two mass
axes, not because of one model's speed. (They used to be sm scans with a PDF set whose cross-section table was
not built yet, about 1 s; but the daemon builds every set's table in the background from start-up, so whether a
table is still missing when the job runs is a race, and with its table an sm 200 x 200 scan took 0.4 s.)

Checked: result structure; contour vertices lie where the grid crosses the threshold, and refined
vertices where the model itself does (POST /rates at the vertex); cache hit with identical bytes;
202 + Location + polling to done with non-decreasing progress; GET result == later POST hit, byte for
byte; DELETE of a queued and of a running job; identical concurrent POSTs share one job id; every
validation rule with its JSON pointer; 404 unknown job; 409 result of an unfinished job; 503 +
Retry-After when the queue is full; /models lists signals and "bounds"; SIGTERM with a running job.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import bisect
import json
import math
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon, long_scan  # noqa: E402

T = Checks()
THRESHOLD = 1000.0


def scan(points=20, lo=1.0, hi=20000.0, scale="log"):
    return {"x": {"param": "e_min", "min": lo, "max": hi, "points": points, "scale": scale},
            "y": {"param": "e_max", "min": lo, "max": hi, "points": points, "scale": scale}}


def bounds_body(points=20, pdf=None, threshold=THRESHOLD, **extra):
    body = {"model": "sm", "experiment": "FASERnu", "signal": "nu_mu", "threshold": threshold,
            "scan": scan(points)}
    if pdf:
        body["params"] = {"pdf": pdf}
    body.update(extra)
    return body


def as_json(payload):
    try:
        return json.loads(payload)
    except ValueError:
        return None


def post(d, body, path="/api/v1/bounds"):
    code, headers, payload = d.request("POST", path, body)
    return code, headers, payload, as_json(payload)


# ---- the synchronous path ------------------------------------------------------------------------

def straddles(grid, x, y, vx, vy):
    """True if some grid cell containing (vx, vy) has corners on both sides of the threshold, or the
    vertex is a scan-boundary point next to a grid point above the threshold."""
    def cells(axis, v):
        k = bisect.bisect_left(axis, v)
        return {max(0, min(len(axis) - 2, c)) for c in (k - 1, k)}
    for i in cells(x, vx):
        for j in cells(y, vy):
            if not (x[i] * (1 - 1e-9) <= vx <= x[i + 1] * (1 + 1e-9) and
                    y[j] * (1 - 1e-9) <= vy <= y[j + 1] * (1 + 1e-9)):
                continue
            corners = [grid[j][i], grid[j][i + 1], grid[j + 1][i], grid[j + 1][i + 1]]
            if min(corners) <= THRESHOLD <= max(corners):
                return True
            on_edge = vx in (x[0], x[-1]) or vy in (y[0], y[-1])
            if on_edge and max(corners) >= THRESHOLD:
                return True
    return False


def test_sync(d):
    body = bounds_body()
    code, h, payload, r = post(d, body)
    T.check(code == 200, "sync: 200 (%s %r)" % (code, payload[:300]))
    T.check(h.get("x-nureach-cache") == "miss", "sync: miss (%r)" % h.get("x-nureach-cache"))
    r = r or {}
    for key in ("model", "observable", "experiment", "params", "scan", "signal", "threshold", "result", "meta"):
        T.check(key in r, "sync: response has %r" % key)
    T.check(r.get("observable") == "bounds" and r.get("signal") == "nu_mu", "sync: observable, signal")
    T.check("e_min" not in r.get("params", {}) and "pdf" in r.get("params", {}),
            "sync: params without the scanned ones (%r)" % r.get("params"))
    T.check(r.get("scan", {}).get("x", {}).get("param") == "e_min" and r["scan"]["x"].get("scale") == "log",
            "sync: canonical scan %r" % r.get("scan"))
    res = r.get("result", {})
    x, y, ev = res.get("x", []), res.get("y", []), res.get("events", [])
    T.check(len(x) == 20 and len(y) == 20 and len(ev) == 20 and all(len(row) == 20 for row in ev),
            "sync: 20 x 20 grid")
    T.check(x and abs(x[0] - 1.0) < 1e-12 and abs(x[-1] - 20000.0) < 1e-9, "sync: axis ends")
    T.check(all(x[i] < x[i + 1] for i in range(len(x) - 1)), "sync: x increasing")
    if len(x) == 20:
        ratio = [math.log(x[i + 1] / x[i]) for i in range(19)]
        T.check(max(ratio) - min(ratio) < 1e-9, "sync: log spacing")
    # physics sanity: no events where e_max <= e_min (the sm check forbids it: zero), many where the
    # window is wide (the whole spectrum, 4461 nu_mu CC events per POST /rates)
    T.check(all(ev[j][i] == 0 for j in range(20) for i in range(20) if y[j] <= x[i]),
            "sync: no events where e_max <= e_min")
    code_r, _, _, rates = post(d, {"model": "sm", "experiment": "FASERnu"}, "/api/v1/rates")
    total = [c["events"] for c in (rates or {}).get("result", {}).get("channels", []) if c["name"] == "nu_mu"]
    T.check(total and abs(ev[19][0] - total[0]) < 1e-9 * total[0],
            "sync: the corner (1, 20000) GeV equals POST /rates (%r vs %r)" % (ev[19][0] if ev else None, total))
    contours = res.get("contours", [])
    T.check(len(contours) >= 1 and all(len(c["x"]) == len(c["y"]) >= 3 for c in contours),
            "sync: non-empty contour (%d)" % len(contours))
    T.check(res.get("evaluations", 0) > 400 and res.get("refined", 0) > 0,
            "sync: evaluations %r, refined %r" % (res.get("evaluations"), res.get("refined")))
    bad = [(vx, vy) for c in contours for vx, vy in zip(c["x"], c["y"]) if not straddles(ev, x, y, vx, vy)]
    T.check(not bad, "sync: every vertex where the grid crosses the threshold (bad: %r)" % bad[:5])
    # refined interior vertices: the model gives the threshold there (POST /rates at the vertex)
    interior = [(vx, vy) for c in contours for vx, vy in zip(c["x"], c["y"])
                if x[0] < vx < x[-1] and y[0] < vy < y[-1]]
    for vx, vy in interior[::max(1, len(interior) // 5)][:5]:
        code_r, _, _, rv = post(d, {"model": "sm", "experiment": "FASERnu",
                                    "params": {"e_min": vx, "e_max": vy}}, "/api/v1/rates")
        n = [c["events"] for c in (rv or {}).get("result", {}).get("channels", []) if c["name"] == "nu_mu"]
        T.check(code_r == 200 and n and abs(n[0] / THRESHOLD - 1) < 0.02,
                "sync: refined vertex (%.4g, %.4g) GeV has %r events, want 1000" % (vx, vy, n))
    # area in log space: the region is e_max well above e_min
    c0 = contours[0] if contours else {"x": [1], "y": [1]}
    T.check(all(vy > vx for vx, vy in zip(c0["x"], c0["y"])), "sync: contour above the diagonal")
    # cache hit: identical bytes
    code2, h2, payload2, _ = post(d, body)
    T.check(code2 == 200 and h2.get("x-nureach-cache") == "hit" and payload2 == payload,
            "sync: second POST is a hit with identical bytes (%s)" % h2.get("x-nureach-cache"))
    # equivalent request (defaults written out, key order) shares the entry
    same = {"scan": scan(20), "threshold": 1000, "signal": "nu_mu", "refine": True,
            "experiment": "FASERnu", "model": "sm", "params": {"pdf": "CT14nlo"}}
    code3, h3, payload3, _ = post(d, same)
    T.check(code3 == 200 and h3.get("x-nureach-cache") == "hit" and payload3 == payload,
            "sync: equivalent request hits (%s)" % h3.get("x-nureach-cache"))
    # "points": 20.0 (a notebook's float) is the same request as 20
    floats = json.loads(json.dumps(same))
    for axis in ("x", "y"):
        floats["scan"][axis]["points"] = float(floats["scan"][axis]["points"])
    code5, h5, payload5, _ = post(d, floats)
    T.check(code5 == 200 and h5.get("x-nureach-cache") == "hit" and payload5 == payload,
            "sync: points 20.0 is the same entry as 20 (%s %s)" % (code5, h5.get("x-nureach-cache")))
    # unrefined is another entry
    code4, h4, _, r4 = post(d, dict(body, refine=False))
    T.check(code4 == 200 and h4.get("x-nureach-cache") == "miss" and (r4 or {}).get("result", {}).get("refined") == 0,
            "sync: refine=false is another entry with nothing refined")


def test_models(d):
    code, _, payload = d.request("GET", "/api/v1/models")
    sm = [m for m in (as_json(payload) or {}).get("models", []) if m.get("name") == "sm"]
    T.check(code == 200 and sm, "models: sm listed")
    if sm:
        T.check("bounds" in sm[0].get("observables", []), "models: sm offers bounds")
        names = [s.get("name") for s in sm[0].get("signals", [])]
        T.check(names == ["nu_e", "nubar_e", "nu_mu", "nubar_mu", "nu_tau", "nubar_tau"], "models: signals %r" % names)
        T.check(all(s.get("description") for s in sm[0].get("signals", [])), "models: signal descriptions")
    code, _, payload = d.request("GET", "/api/v1/openapi.json")
    spec = as_json(payload) or {}
    for path in ("/api/v1/bounds", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/result"):
        T.check(path in spec.get("paths", {}), "openapi: %s documented" % path)


def expect_problem(d, body, status, rule, pointer, what):
    code, headers, payload = d.request("POST", "/api/v1/bounds", body)
    p = as_json(payload) or {}
    T.check(code == status, "%s: status %s, want %s (%r)" % (what, code, status, payload[:300]))
    T.check(headers.get("content-type") == "application/problem+json", "%s: problem+json" % what)
    errors = p.get("errors", [])
    T.check(any(e.get("rule") == rule and e.get("pointer") == pointer for e in errors),
            "%s: no error %s at %s in %r" % (what, rule, pointer, errors))


def with_axis(axis, **change):
    s = scan(10)
    s[axis] = dict(s[axis], **change)
    return dict(bounds_body(10), scan=s)


def test_validation(d):
    base = bounds_body(10)
    no_scan = dict(base)
    del no_scan["scan"]
    expect_problem(d, no_scan, 422, "missing-field", "/scan", "no scan")
    expect_problem(d, dict(base, scan=[1]), 422, "wrong-type", "/scan", "scan not an object")
    expect_problem(d, dict(base, scan=dict(scan(10), z={})), 422, "unknown-key", "/scan/z", "scan key z")
    # without y the scan is a curve (test_curves.py); without x it is nothing
    expect_problem(d, dict(base, scan={"y": scan(10)["x"]}), 422, "missing-field", "/scan/x", "no x axis")
    expect_problem(d, with_axis("x", param="m_N"), 422, "not-a-choice", "/scan/x/param", "unknown param")
    expect_problem(d, with_axis("x", param="pdf"), 422, "invalid-scan", "/scan/x/param", "choice param")
    expect_problem(d, with_axis("y", param="e_min"), 422, "invalid-scan", "/scan/y/param", "same param twice")
    expect_problem(d, with_axis("x", min=100.0, max=10.0), 422, "invalid-scan", "/scan/x/min", "min > max")
    expect_problem(d, with_axis("x", min=0.5), 422, "out-of-range", "/scan/x/min", "min below the range")
    expect_problem(d, with_axis("y", max=3e4), 422, "out-of-range", "/scan/y/max", "max above the range")
    expect_problem(d, with_axis("x", min="1"), 422, "wrong-type", "/scan/x/min", "min a string")
    expect_problem(d, with_axis("x", points=1), 422, "out-of-range", "/scan/x/points", "1 point")
    expect_problem(d, with_axis("y", points=201), 422, "out-of-range", "/scan/y/points", "201 points")
    expect_problem(d, with_axis("x", points=2.5), 422, "wrong-type", "/scan/x/points", "points not an integer")
    expect_problem(d, with_axis("x", scale="cubic"), 422, "not-a-choice", "/scan/x/scale", "scale cubic")
    expect_problem(d, with_axis("x", unit="GeV"), 422, "unknown-key", "/scan/x/unit", "axis key unit")
    expect_problem(d, dict(base, signal="nu_sterile"), 422, "not-a-choice", "/signal", "unknown signal")
    expect_problem(d, dict(base, signal=3), 422, "wrong-type", "/signal", "signal a number")
    expect_problem(d, dict(base, threshold=0), 422, "out-of-range", "/threshold", "threshold 0")
    expect_problem(d, dict(base, threshold=-5.0), 422, "out-of-range", "/threshold", "threshold < 0")
    expect_problem(d, dict(base, threshold="3"), 422, "wrong-type", "/threshold", "threshold a string")
    expect_problem(d, dict(base, refine="yes"), 422, "wrong-type", "/refine", "refine a string")
    expect_problem(d, dict(base, params={"e_min": 10.0}), 422, "scanned-parameter", "/params/e_min",
                   "scanned param in params")
    expect_problem(d, dict(base, bins=3), 422, "unknown-key", "/bins", "unknown top-level key")
    expect_problem(d, dict(base, experiment="FASER"), 422, "detector-mismatch", "/experiment", "decay volume")
    code, _, payload = d.request("POST", "/api/v1/bounds", '{"model": "sm",')
    T.check(code == 400, "malformed JSON: 400 (%s)" % code)
    # the rates endpoint still rejects the bounds keys
    code, _, payload = d.request("POST", "/api/v1/rates", bounds_body(10))
    T.check(code == 422 and b"/scan" in payload, "rates: scan is an unknown key there (%s)" % code)


# ---- jobs ------------------------------------------------------------------------------------------

def job_of(r):
    return (r or {}).get("job", {})


def get_job(d, job_id):
    code, _, payload = d.request("GET", "/api/v1/jobs/" + job_id)
    return code, as_json(payload) or {}


def wait_done(d, job_id, timeout=300.0):  # a hang bound: the wait ends when the job does
    """Polls the job; returns (final status, list of progress values seen)."""
    seen = []
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        code, j = get_job(d, job_id)
        status = j.get("status")
        if code != 200:
            break
        seen.append(j.get("progress"))
        if status in ("done", "failed", "cancelled"):
            break
        time.sleep(0.01)
    return status, seen


def test_jobs(d):
    # A: a long job occupies the only worker until it is cancelled below
    code, h, _, ra = post(d, long_scan(0))
    a = job_of(ra)
    T.check(code == 202 and a.get("status") in ("queued", "running"), "job A: 202 (%s %r)" % (code, ra))
    T.check(h.get("location") == "/api/v1/jobs/" + a.get("id", "?") and a.get("href") == h.get("location"),
            "job A: Location header %r" % h.get("location"))
    T.check(len(a.get("id", "")) == 64, "job A: a 64-digit id")
    # the worker must have taken A off the queue before the queue (1 place) can hold B
    deadline = time.monotonic() + 120  # a hang bound only: the wait ends when a worker takes A
    while time.monotonic() < deadline and get_job(d, a.get("id", "0" * 64))[1].get("status") == "queued":
        time.sleep(0.005)
    # B: identical concurrent POSTs share one job (queued behind A)
    results = [None, None]

    def send(i):
        results[i] = post(d, bounds_body(200))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [job_of(r[3]).get("id") for r in results]
    T.check([r[0] for r in results] == [202, 202] and ids[0] and ids[0] == ids[1],
            "job B: identical concurrent POSTs share one job (%r, %r)" % ([r[0] for r in results], ids))
    b_id = ids[0] or "0" * 64
    # C: the queue (1) is full
    code, h, payload, rc = post(d, bounds_body(199))
    T.check(code == 503 and h.get("retry-after") and h.get("content-type") == "application/problem+json",
            "job C: 503 with Retry-After when the queue is full (%s, %r)" % (code, h.get("retry-after")))
    # result of an unfinished job: 409
    code, h, payload = d.request("GET", "/api/v1/jobs/%s/result" % b_id)
    T.check(code == 409 and (as_json(payload) or {}).get("type", "").endswith("/job-not-done"),
            "result of a queued job: 409 (%s)" % code)
    # DELETE the queued job: two requests share it, so the first DELETE withdraws one of them and the job goes
    # on for the other; the second cancels it. Then the running one.
    code, _, payload = d.request("DELETE", "/api/v1/jobs/" + b_id)
    first = as_json(payload) or {}
    T.check(code == 200 and first.get("status") == "queued" and first.get("shared") is True,
            "DELETE a shared job: it goes on for the other request (%s %r)" % (code, payload[:200]))
    code, _, payload = d.request("DELETE", "/api/v1/jobs/" + b_id)
    T.check(code == 200 and (as_json(payload) or {}).get("status") == "cancelled",
            "DELETE queued job: 200 cancelled (%s %r)" % (code, payload[:200]))
    code, j = get_job(d, b_id)
    T.check(code == 200 and j.get("status") == "cancelled", "GET cancelled job: %r" % j.get("status"))
    code, _, payload = d.request("DELETE", "/api/v1/jobs/" + a.get("id", "0" * 64))
    T.check(code in (200, 202) and (as_json(payload) or {}).get("status") == "cancelled",
            "DELETE running job: cancelled (%s %r)" % (code, payload[:200]))
    code, j = get_job(d, a.get("id", "0" * 64))
    T.check(j.get("status") == "cancelled", "GET job A: cancelled (%r)" % j.get("status"))
    code, _, payload = d.request("DELETE", "/api/v1/jobs/%s/result" % b_id)
    T.check(code == 405, "DELETE .../result: 405 (%s)" % code)

    # D: a big scan through the async path, polled to the end
    body_d = bounds_body(200, threshold=500.0)
    code, h, _, rd = post(d, body_d)
    dj = job_of(rd)
    T.check(code == 202 and dj.get("id"), "job D: 202 (%s)" % code)
    status, seen = wait_done(d, dj.get("id", "0" * 64))
    T.check(status == "done", "job D: done (%r)" % status)
    T.check(seen and all(isinstance(p, (int, float)) and 0 <= p <= 1 for p in seen), "job D: progress in [0, 1]")
    T.check(all(seen[k] <= seen[k + 1] for k in range(len(seen) - 1)), "job D: progress non-decreasing %r" % seen[:20])
    T.check(seen and seen[-1] == 1, "job D: progress 1 when done")
    code, j = get_job(d, dj.get("id", "0" * 64))
    T.check(j.get("result_href") == "/api/v1/jobs/%s/result" % dj.get("id") and "created_at" in j,
            "job D: result_href, created_at (%r)" % j)
    code, h, result_bytes = d.request("GET", j.get("result_href", "/none"))
    T.check(code == 200 and h.get("content-type") == "application/json", "job D: GET result 200 (%s)" % code)
    code, h, hit_bytes, rhit = post(d, body_d)
    T.check(code == 200 and h.get("x-nureach-cache") == "hit" and hit_bytes == result_bytes,
            "job D: later POST hits with the result's bytes (%s, %s)" % (code, h.get("x-nureach-cache")))
    T.check(len((rhit or {}).get("result", {}).get("events", [])) == 200, "job D: 200 rows of events")

    # B again: a cancelled job is recomputed by a new POST
    code, _, _, rb = post(d, bounds_body(200))
    T.check(code == 202 and job_of(rb).get("id") == b_id and job_of(rb).get("status") in ("queued", "running", "done"),
            "job B again: a new run (%s %r)" % (code, job_of(rb).get("status")))
    status, _ = wait_done(d, b_id)
    T.check(status == "done", "job B again: done (%r)" % status)

    # unknown ids
    code, _ = get_job(d, "f" * 64)
    T.check(code == 404, "unknown job: 404 (%s)" % code)
    code, _, _ = d.request("GET", "/api/v1/jobs/not-an-id")
    T.check(code == 404, "malformed job id: 404 (%s)" % code)
    code, _, _ = d.request("DELETE", "/api/v1/jobs/" + "e" * 64)
    T.check(code == 404, "DELETE unknown job: 404 (%s)" % code)
    code, _, _ = d.request("GET", "/api/v1/jobs/%s/result" % ("e" * 64))
    T.check(code == 404, "result of an unknown job: 404 (%s)" % code)


def test_shutdown_with_job(d):
    # a job of minutes, cancellable at every grid point
    code, _, _, r = post(d, long_scan(1))
    T.check(code == 202, "shutdown: a job under way (%s)" % code)
    code, seconds = d.stop()
    T.check(code == 0, "shutdown: SIGTERM with a running job: exit 0 (%r, %.2f s)" % (code, seconds))
    # the job was stopped, not waited for: a finished job stores its result under its id (the cache key)
    db = sqlite3.connect(os.path.join(d.state_dir, "cache.sqlite"))
    stored = db.execute("SELECT count(*) FROM results WHERE key = ?", (job_of(r).get("id", ""),)).fetchone()[0]
    db.close()
    T.check(stored == 0, "shutdown: the running job was cancelled, not finished (%d stored)" % stored)


def test_time_budget(d):
    """A scan of minutes (long_scan): with --job-max-s 1 it is stopped and fails with a 503 time-budget problem
    that says what to do, instead of holding a worker for minutes."""
    code, _, _, r = post(d, long_scan(2))
    T.check(code == 202, "budget: the expensive scan becomes a job (%s)" % code)
    job_id = (r or {}).get("job", {}).get("id", "")
    status = {}
    deadline = time.monotonic() + 300  # a hang bound: the loop ends when the job does
    while time.monotonic() < deadline:
        c, status = get_job(d, job_id)
        if c != 200 or status.get("status") in ("done", "failed", "cancelled"):
            break
        time.sleep(0.2)
    T.check(status.get("status") == "failed", "budget: the job failed (%s)" % status.get("status"))
    problem = status.get("problem") or {}
    T.check(problem.get("status") == 503 and problem.get("type", "").endswith("/time-budget"),
            "budget: a 503 time-budget problem (%s)" % problem)
    T.check("--job-max-s" in problem.get("detail", ""), "budget: the detail names the setting")


def main():
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="nureach-bounds-")
    # a generous wait: the first scan also builds the default cross-section table (slow under ASan, or on a loaded
    # machine: the sync checks need their 200)
    sync = Daemon(os.path.join(tmp, "sync"), extra=["--job-wait-ms", "300000", "--compute-wait-ms", "300000"])
    jobs = Daemon(os.path.join(tmp, "jobs"), extra=["--job-wait-ms", "0", "--job-threads", "1", "--job-queue", "1"])
    budget = Daemon(os.path.join(tmp, "budget"), extra=["--job-wait-ms", "0", "--job-max-s", "1"])
    try:
        if not T.check(sync.start() and jobs.start() and budget.start(), "daemons start"):
            return T.summary()
        test_models(sync)
        test_sync(sync)
        test_validation(sync)
        test_jobs(jobs)
        test_shutdown_with_job(jobs)
        test_time_budget(budget)
        code, _ = sync.stop()
        T.check(code == 0, "sync daemon: exit 0 (%r)" % code)
    finally:
        sync.stop()
        jobs.stop()
        budget.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("integration test_bounds: %.1f s" % (time.monotonic() - t_start))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
