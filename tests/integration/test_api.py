#!/usr/bin/python3
"""test_api.py: the HTTP API of nureachd against the real daemon on an ephemeral port.

Every endpoint and every error class (400 malformed JSON and duplicate keys, 404, 405 + Allow, 413,
422 with a JSON pointer for each validation rule), the cache (miss then hit with identical bytes,
equivalent requests sharing one entry, persistence across a restart, identical requests in flight
sharing one computation), SIGTERM, and the refusal to start on corrupt data. The physics numbers are
checked elsewhere (tests/test_sm_rates.c); here only structure and plausibility.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon, env_path, status_of  # noqa: E402

T = Checks()
SPECIES = ["nu_e", "nubar_e", "nu_mu", "nubar_mu", "nu_tau", "nubar_tau"]
BASE = {"model": "sm", "experiment": "FASERnu"}
# Rates and spectra requests are answered with their result however loaded the machine: the checks need the
# 200 and its cache header, and the default 20 s wait before a 202 was missed at load ~14 by a first request.
PATIENT = ["--compute-wait-ms", "300000"]


def as_json(body):
    try:
        return json.loads(body)
    except ValueError:
        return None


def expect_problem(d, method, path, body, status, rule=None, pointer=None, what=""):
    """Sends a request that must fail; checks status, problem+json and (optionally) the rule/pointer."""
    code, headers, payload = d.request(method, path, body)
    label = "%s %s %s" % (method, path, what)
    T.check(code == status, "%s: status %s, want %s (%r)" % (label, code, status, payload[:300]))
    T.check(headers.get("content-type") == "application/problem+json",
            "%s: content type %r" % (label, headers.get("content-type")))
    p = as_json(payload) or {}
    for key in ("type", "title", "status", "detail"):
        T.check(key in p, "%s: problem lacks %r" % (label, key))
    T.check(p.get("status") == status, "%s: problem status %r" % (label, p.get("status")))
    if rule is not None:
        errors = p.get("errors", [])
        match = [e for e in errors if e.get("rule") == rule and (pointer is None or e.get("pointer") == pointer)]
        T.check(match, "%s: no error with rule %s at %r in %r" % (label, rule, pointer, errors))
        if len(errors) == 1:
            T.check(p.get("type", "").endswith("/" + rule), "%s: type %r" % (label, p.get("type")))
    return code, headers, p


def post(d, path, body):
    code, headers, payload = d.request("POST", path, body)
    return code, headers, payload, as_json(payload)


# ---- endpoints ---------------------------------------------------------------------------------

def test_health(d):
    code, headers, payload = d.request("GET", "/api/v1/health")
    h = as_json(payload) or {}
    T.check(code == 200 and headers.get("content-type") == "application/json", "health: 200 JSON")
    T.check(h.get("status") == "ok", "health: status ok")
    T.check(isinstance(h.get("engine_version"), str) and h["engine_version"], "health: engine_version")
    T.check(isinstance(h.get("data_version"), str) and len(h["data_version"]) == 64, "health: data_version")
    T.check(isinstance(h.get("uptime_s"), (int, float)) and h["uptime_s"] >= 0, "health: uptime_s")
    T.check(isinstance(h.get("cache"), dict) and "entries" in h["cache"], "health: cache stats")
    code, headers, payload = d.request("HEAD", "/api/v1/health")
    T.check(code == 200 and payload == b"", "HEAD health: 200 without body (%d, %d bytes)" % (code, len(payload)))


def test_models(d):
    code, _, payload = d.request("GET", "/api/v1/models")
    m = as_json(payload) or {}
    T.check(code == 200, "models: 200")
    sm = [x for x in m.get("models", []) if x.get("name") == "sm"]
    if not T.check(len(sm) == 1, "models: sm listed"):
        return
    sm = sm[0]
    for key in ("title", "description", "references", "observables", "detector_kind", "parameters"):
        T.check(key in sm, "models: sm has %s" % key)
    T.check(set(sm.get("observables", [])) >= {"rates", "spectra"}, "models: sm observables")
    T.check(sm.get("detector_kind") == "neutrino_target", "models: sm detector kind")
    for p in sm.get("parameters", []):
        T.check(p.get("kind") in ("number", "choice"), "models: param %s kind" % p.get("name"))
        for key in ("name", "unit", "default", "description"):
            T.check(key in p, "models: param %s has %s" % (p.get("name"), key))
        if p.get("kind") == "number":
            T.check(p["min"] <= p["default"] <= p["max"], "models: %s default within range" % p["name"])
            T.check(p.get("scale") in ("linear", "log"), "models: %s scale" % p["name"])
        else:
            T.check(p["default"] in p.get("choices", []), "models: %s default among choices" % p["name"])


def test_experiments(d):
    code, _, payload = d.request("GET", "/api/v1/experiments")
    e = as_json(payload) or {}
    T.check(code == 200, "experiments: 200")
    names = [x.get("name") for x in e.get("experiments", [])]
    T.check({"FASERnu", "FASERnu2", "FASER", "FASER2"} <= set(names), "experiments: catalogue %r" % names)
    fnu = [x for x in e.get("experiments", []) if x.get("name") == "FASERnu"]
    if fnu:
        for key in ("kind", "luminosity_fb", "distance_m", "target_mass_t", "length_m"):
            T.check(key in fnu[0], "experiments: FASERnu has %s" % key)
        T.check(fnu[0]["kind"] == "neutrino_target", "experiments: FASERnu kind")
    fields = e.get("overridable", [])
    T.check(len(fields) > 0, "experiments: overridable fields listed")
    for f in fields:
        T.check(all(k in f for k in ("name", "unit", "min", "max", "description")),
                "experiments: overridable %r complete" % f.get("name"))


def test_openapi(d):
    code, headers, payload = d.request("GET", "/api/v1/openapi.json")
    doc = as_json(payload) or {}
    T.check(code == 200 and headers.get("content-type") == "application/json", "openapi: 200 JSON")
    T.check(str(doc.get("openapi", "")).startswith("3.1"), "openapi: version 3.1")
    paths = doc.get("paths", {})
    for p in ("/api/v1/health", "/api/v1/models", "/api/v1/experiments", "/api/v1/rates",
              "/api/v1/spectra", "/api/v1/openapi.json"):
        T.check(p in paths, "openapi: documents %s" % p)


def test_static(d):
    index = os.path.join(env_path("NUREACH_STATIC_DIR"), "index.html")
    code, headers, payload = d.request("GET", "/")
    if os.path.exists(index):
        T.check(code == 200 and headers.get("content-type", "").startswith("text/html"), "static: / serves index.html")
    else:
        T.check(code == 404, "static: / is 404 without index.html")
    for path in (b"/../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/..%2f..%2fetc%2fpasswd",
                 b"/.git/config", b"/nothing-here.html"):
        raw = d.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        T.check(status_of(raw) in (400, 404) and b"root:" not in raw, "static: %r rejected (%r)" % (path, raw[:40]))


# ---- errors ------------------------------------------------------------------------------------

def test_errors(d):
    rates = "/api/v1/rates"
    _, _, p = expect_problem(d, "POST", rates, '{"model": "sm",\n "experiment": }', 400, what="malformed")
    T.check(p.get("line") == 2 and isinstance(p.get("column"), int), "malformed: line/column members %r" % p)
    T.check("line 2" in p.get("detail", "") and "column" in p.get("detail", ""), "malformed: detail %r" % p.get("detail"))
    expect_problem(d, "POST", rates, "", 400, what="empty body")
    _, _, p = expect_problem(d, "POST", rates, '{"model":"sm","experiment":"FASERnu","model":"sm"}', 400, what="duplicate")
    T.check(p.get("type", "").endswith("/duplicate-key"), "duplicate: type %r" % p.get("type"))
    expect_problem(d, "POST", rates, dict(BASE, colour="red"), 422, "unknown-key", "/colour", "unknown top-level key")
    expect_problem(d, "POST", rates, dict(BASE, params={"m_Z": 3}), 422, "unknown-key", "/params/m_Z", "unknown param")
    expect_problem(d, "POST", rates, dict(BASE, params={"e_min": "ten"}), 422, "wrong-type", "/params/e_min", "string number")
    expect_problem(d, "POST", rates, dict(BASE, params={"pdf": 3}), 422, "wrong-type", "/params/pdf", "number choice")
    expect_problem(d, "POST", rates, dict(BASE, params=[1]), 422, "wrong-type", "/params", "params array")
    expect_problem(d, "POST", rates, {"model": 7, "experiment": "FASERnu"}, 422, "wrong-type", "/model", "model number")
    expect_problem(d, "POST", rates, [BASE], 422, "wrong-type", "", "array body")
    expect_problem(d, "POST", rates, {"experiment": "FASERnu"}, 422, "missing-field", "/model", "no model")
    expect_problem(d, "POST", rates, {"model": "sm"}, 422, "missing-field", "/experiment", "no experiment")
    _, _, p = expect_problem(d, "POST", rates, dict(BASE, params={"e_max": 1e9}), 422, "out-of-range",
                             "/params/e_max", "out of range")
    T.check("e_max" in p.get("detail", "") and "GeV" in p.get("detail", ""), "out of range: detail names field and unit")
    expect_problem(d, "POST", rates, dict(BASE, params={"e_min": -1}), 422, "out-of-range", "/params/e_min", "negative")
    expect_problem(d, "POST", rates, dict(BASE, params={"pdf": "LO-guess"}), 422, "not-a-choice", "/params/pdf", "bad choice")
    _, _, p = expect_problem(d, "POST", rates, {"model": "nope", "experiment": "FASERnu"}, 422, "unknown-model", "/model")
    T.check("sm" in p.get("detail", ""), "unknown model: lists valid models")
    expect_problem(d, "POST", rates, {"model": "sm", "experiment": "SHiP"}, 422, "unknown-experiment", "/experiment")
    expect_problem(d, "POST", rates, {"model": "sm", "experiment": "FASER2"}, 422, "detector-mismatch", "/experiment",
                   "kind mismatch")
    expect_problem(d, "POST", rates, dict(BASE, experiment_overrides={"luminosity_fb": 0}), 422, "out-of-range",
                   "/experiment_overrides/luminosity_fb", "override out of range")
    expect_problem(d, "POST", rates, dict(BASE, experiment_overrides={"a/b": 1}), 422, "unknown-key",
                   "/experiment_overrides/a~1b", "unknown override (pointer escaped)")
    expect_problem(d, "POST", rates, dict(BASE, params={"e_min": 100, "e_max": 10}), 422, "invalid-value",
                   None, "physics check")
    _, _, p = expect_problem(d, "POST", rates, {"model": "sm", "experiment": "FASERnu", "x": 1,
                                                "params": {"e_max": 0}}, 422, what="several errors")
    T.check(len(p.get("errors", [])) == 2, "several errors: both listed %r" % p.get("errors"))
    # non-UTF-8 bytes, deep nesting, huge numbers: 400, never 500
    expect_problem(d, "POST", rates, b'{"model":"\xff"}', 400, what="invalid UTF-8")
    expect_problem(d, "POST", rates, "[" * 5000 + "]" * 5000, 400, what="deep nesting")
    expect_problem(d, "POST", rates, '{"model":"sm","experiment":"FASERnu","params":{"e_min":1e999}}', 400,
                   what="real overflow")
    expect_problem(d, "POST", rates, dict(BASE, params={"\u00e9\u00e9/~": 1}), 422, "unknown-key",
                   "/params/\u00e9\u00e9~1~0", "unicode key")
    # routing
    _, headers, _ = expect_problem(d, "GET", rates, None, 405, what="wrong method")
    T.check(headers.get("allow") == "POST", "405: Allow %r" % headers.get("allow"))
    _, headers, _ = expect_problem(d, "DELETE", "/api/v1/models", None, 405, what="wrong method")
    T.check("GET" in headers.get("allow", ""), "405: Allow %r" % headers.get("allow"))
    expect_problem(d, "GET", "/api/v1/nothing", None, 404)
    expect_problem(d, "POST", "/api/v2/rates", BASE, 404)


def test_too_large(d):
    # Content-Length above the cap: answered at once, without sending the body
    raw = d.raw(b"POST /api/v1/rates HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 10000000\r\n\r\n")
    T.check(status_of(raw) == 413, "413 on Content-Length: %r" % raw[:60])
    T.check(b"application/problem+json" in raw, "413: problem+json")
    # a chunked body that grows past the cap
    chunk = b"2000\r\n" + b" " * 0x2000 + b"\r\n"
    raw = d.raw(b"POST /api/v1/rates HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 12 +
                b"0\r\n\r\n")
    T.check(status_of(raw) == 413, "413 on a chunked body: %r" % raw[:60])
    # an endless chunked body is cut off: the connection closes instead of reading forever
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    sent, closed = 0, False
    try:
        s.sendall(b"POST /api/v1/rates HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        while sent < 64 * 1024 * 1024:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        closed = True
    finally:
        s.close()
    T.check(closed, "endless chunked body: connection closed after %d bytes" % sent)
    # just under the cap is read and parsed (400: it is not JSON)
    code, _, _ = d.request("POST", "/api/v1/rates", b" " * 60000 + b"{")
    T.check(code == 400, "60 kB body read and parsed (%s)" % code)
    code, _, _ = d.request("GET", "/api/v1/health")
    T.check(code == 200, "daemon alive after 413s")


# ---- results and cache -------------------------------------------------------------------------

def check_rates_body(r, label):
    T.check(r.get("model") == "sm" and r.get("observable") == "rates", "%s: model/observable" % label)
    for key in ("experiment", "params", "result", "meta"):
        T.check(key in r, "%s: has %s" % (label, key))
    chans = r.get("result", {}).get("channels", [])
    T.check([c.get("name") for c in chans] == SPECIES, "%s: channels %r" % (label, [c.get("name") for c in chans]))
    ev = {c["name"]: c["events"] for c in chans}
    # plausibility (Kling-Nevay CC tables: about 4.5e3 nu_mu CC events in FASERnu, Run 3)
    T.check(1000 < ev.get("nu_mu", 0) < 20000, "%s: nu_mu events %r plausible" % (label, ev.get("nu_mu")))
    T.check(all(v >= 0 for v in ev.values()), "%s: events non-negative" % label)
    total = r.get("result", {}).get("total_events", -1)
    T.check(abs(total - sum(ev.values())) <= 1e-9 * total, "%s: total_events = sum" % label)
    meta = r.get("meta", {})
    T.check(len(meta.get("cache_key", "")) == 64, "%s: meta.cache_key" % label)
    T.check(all(k in meta for k in ("engine_version", "data_version", "compute_ms")), "%s: meta" % label)
    return ev


def test_rates_and_cache(d):
    code, h1, b1, r = post(d, "/api/v1/rates", BASE)
    T.check(code == 200 and h1.get("content-type") == "application/json", "rates: 200 JSON (%s)" % code)
    T.check(h1.get("x-nureach-cache") == "miss", "rates: first is a miss (%r)" % h1.get("x-nureach-cache"))
    T.check("x-nureach-compute-ms" in h1, "rates: X-Nureach-Compute-Ms")
    ev = check_rates_body(r or {}, "rates")
    code, h2, b2, _ = post(d, "/api/v1/rates", BASE)
    T.check(code == 200 and h2.get("x-nureach-cache") == "hit", "rates: second is a hit")
    T.check(b1 == b2, "rates: hit body byte-identical to the miss")
    key = (r or {}).get("meta", {}).get("cache_key")
    defaults = {p["name"]: p["default"] for m in as_json(d.request("GET", "/api/v1/models")[2])["models"]
                if m["name"] == "sm" for p in m["parameters"]}
    equivalents = [
        '{"experiment": "FASERnu", "model": "sm"}',                              # key order
        '{"model":"sm","experiment":"FASERnu","params":{"e_min":1}}',            # integer
        '{"model":"sm","experiment":"FASERnu","params":{"e_min":1.0,"e_max":2e4}}',  # real, exponent
        json.dumps(dict(BASE, params=defaults)),                                 # all defaults explicit
        json.dumps(dict(BASE, params={}, experiment_overrides={})),              # empty objects
        '{"model":"sm","experiment":"FASERnu","experiment_overrides":{"luminosity_fb":150}}',  # catalogue value
    ]
    for body in equivalents:
        code, h, b, rr = post(d, "/api/v1/rates", body)
        T.check(code == 200 and h.get("x-nureach-cache") == "hit" and b == b1,
                "equivalent request %s: hit with the same body (%s, %s, key %s)" %
                (body, code, h.get("x-nureach-cache"), (rr or {}).get("meta", {}).get("cache_key")))
    # different requests: different keys, and physics that scales
    code, h, b, r2 = post(d, "/api/v1/rates", dict(BASE, experiment_overrides={"luminosity_fb": 300}))
    T.check(code == 200 and h.get("x-nureach-cache") == "miss", "override: a new entry (%s)" % code)
    if r2:
        T.check(r2["meta"]["cache_key"] != key, "override: different key")
        T.check(r2["experiment"]["luminosity_fb"] == 300, "override: effective experiment in the response")
        ev2 = {c["name"]: c["events"] for c in r2["result"]["channels"]}
        T.check(abs(ev2["nu_mu"] / ev["nu_mu"] - 2.0) < 1e-6, "override: twice the luminosity, twice the events")
    return b1


def test_spectra(d):
    code, h, b, r = post(d, "/api/v1/spectra", dict(BASE, params={"e_min": 10.0}))
    T.check(code == 200 and h.get("x-nureach-cache") == "miss", "spectra: 200 miss (%s)" % code)
    res = (r or {}).get("result", {})
    bins = res.get("bins", [])
    T.check(len(bins) > 5 and all(x["lo"] < x["hi"] for x in bins), "spectra: bins with lo < hi")
    T.check(all(bins[i]["hi"] <= bins[i + 1]["lo"] * (1 + 1e-12) for i in range(len(bins) - 1)), "spectra: bins ordered")
    T.check(res.get("x", {}).get("unit") == "GeV" and res.get("x", {}).get("name"), "spectra: x name and unit")
    T.check([c.get("name") for c in res.get("channels", [])] == SPECIES, "spectra: channels")
    for c in res.get("channels", []):
        per_bin = c.get("events_per_bin", [])
        T.check(len(per_bin) == len(bins), "spectra: %s one value per bin" % c["name"])
        T.check(abs(sum(per_bin) - c["events"]) <= 1e-9 * max(c["events"], 1e-300) + 1e-12,
                "spectra: %s bins sum to the total (%r vs %r)" % (c["name"], sum(per_bin), c["events"]))
    code, h, b2, _ = post(d, "/api/v1/spectra", dict(BASE, params={"e_min": 10}))
    T.check(code == 200 and h.get("x-nureach-cache") == "hit" and b2 == b, "spectra: hit, identical bytes")
    # rates and spectra are different entries
    code, h, _, _ = post(d, "/api/v1/rates", dict(BASE, params={"e_min": 10}))
    T.check(h.get("x-nureach-cache") == "miss", "spectra and rates do not share an entry")


def test_in_flight(d):
    """Two identical requests sent together: one computation, the same bytes."""
    body = dict(BASE, params={"pdf": "CT10nlo", "e_min": 3.0})
    results = [None, None]

    def send(i):
        results[i] = post(d, "/api/v1/rates", body)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = [r[0] for r in results]
    caches = sorted(r[1].get("x-nureach-cache") for r in results)
    T.check(codes == [200, 200], "in flight: both 200 (%r)" % codes)
    T.check(caches == ["hit", "miss"], "in flight: one computation (%r)" % caches)
    T.check(results[0][2] == results[1][2], "in flight: identical bodies")


def test_corrupt_data(tmp):
    data = env_path("NUREACH_DATA_DIR")
    copy = os.path.join(tmp, "data-corrupt")
    shutil.copytree(data, copy)
    flux_dir = os.path.join(copy, "fluxes", "FASERv")
    victim = sorted(f for f in os.listdir(flux_dir) if not f.startswith("."))[0]
    path = os.path.join(flux_dir, victim)
    with open(path, "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 0x01]))
    d = Daemon(os.path.join(tmp, "state-corrupt"), data_dir=copy)
    started = d.start()  # returns False as soon as the daemon exits
    code, _ = d.stop() if started else (d.proc.wait(600), 0)
    T.check(not started and code not in (0, None), "corrupt data: refuses to start (exit %r)" % code)
    T.check(victim in d.stderr_text(), "corrupt data: stderr names %s: %r" % (victim, d.stderr_text()[-300:]))


def test_unusable_cache(tmp):
    """The cache is derived data: a damaged file is moved aside and the daemon starts with an empty cache."""
    state = os.path.join(tmp, "state-damaged-cache")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "cache.sqlite"), "wb") as f:
        f.write(b"this is not an SQLite database, it is a damaged file" * 100)
    d = Daemon(state, extra=PATIENT)
    started = d.start()
    T.check(started, "damaged cache: the daemon starts")
    if started:
        code, _, body = d.request("POST", "/api/v1/rates", {"model": "sm", "experiment": "FASERnu"})
        T.check(code == 200, "damaged cache: computes and serves (%s)" % code)
        d.stop()
    moved = [f for f in os.listdir(state) if f.startswith("cache.sqlite.unusable-")]
    T.check(len(moved) == 1, "damaged cache: the old file is kept aside (%s)" % moved)
    T.check("unusable" in d.stderr_text(), "damaged cache: a warning says so")


def test_bad_config(tmp):
    d = Daemon(os.path.join(tmp, "state-config"), extra=["--threads", "zero"])
    started = d.start()  # returns False as soon as the daemon exits
    code = d.proc.wait(600)
    T.check(not started and code == 2, "bad config: exit 2 (%r)" % code)
    T.check("--threads" in d.stderr_text(), "bad config: names the flag")


def main():
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="nureach-api-")
    state = os.path.join(tmp, "state")
    d = Daemon(state, extra=PATIENT)
    try:
        if not T.check(d.start(), "daemon starts (stderr: %s)" % (d.stderr_text()[-500:] if os.path.exists(d.stderr_path) else "")):
            return T.summary()
        line = d.proc.stdout.readline().decode()
        T.check(line.strip() == "nureachd listening on http://127.0.0.1:%d/" % d.port, "listening line %r" % line)
        for test in (test_health, test_models, test_experiments, test_openapi, test_static, test_errors,
                     test_too_large):
            test(d)
        first_body = test_rates_and_cache(d)
        test_spectra(d)
        test_in_flight(d)
        code, seconds = d.stop()
        T.check(code == 0, "SIGTERM: exit code %r" % code)
        # a stop does not wait for the background cross-section warm-up (main.c: at most 0.5 s, then it exits);
        # generous, for a loaded machine (8.6 s seen at load ~14): this bounds a hang, the warm-up is seconds
        T.check(seconds < 60.0, "SIGTERM: stopped in %.2f s" % seconds)
        # restart with the same state folder: the cached result survives
        d = Daemon(state, extra=PATIENT)
        T.check(d.start(), "restart")
        code, h, b, _ = post(d, "/api/v1/rates", BASE)
        T.check(code == 200 and h.get("x-nureach-cache") == "hit" and b == first_body,
                "after restart: hit with identical bytes (%s)" % h.get("x-nureach-cache"))
        code, seconds = d.stop()
        T.check(code == 0, "second SIGTERM: exit 0")
        test_corrupt_data(tmp)
        test_unusable_cache(tmp)
        test_bad_config(tmp)
    finally:
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("integration test_api: %.1f s" % (time.monotonic() - t_start))
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
