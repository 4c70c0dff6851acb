#!/usr/bin/python3
"""test_display.py: static/display.json covers the catalogue of a live daemon.

Every model of GET /api/v1/models has an entry; every numeric parameter has a display symbol; every signal a
human name (the model's own map or the shared "signals" map); every experiment of GET /api/v1/experiments a
display name; every scan default lies inside the declared range of its parameter and is increasing. The
golden data here is the daemon's catalogue itself (what must be covered), not display.json's values.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks  # noqa: E402

T = Checks()


def get_json(d, path):
    status, _, body = d.request("GET", path)
    T.check(status == 200, "GET %s: 200" % path)
    return json.loads(body)


def check_models(display, catalogue):
    shared_signals = display.get("signals", {})
    for m in catalogue["models"]:
        name = m["name"]
        entry = display["models"].get(name)
        if not T.check(entry is not None, "%s: has a display.json entry" % name):
            continue
        numeric = {p["name"]: p for p in m["parameters"] if p["kind"] == "number"}
        missing = sorted(set(numeric) - set(entry.get("params", {})))
        T.check(not missing, "%s: every numeric parameter has a symbol (missing: %s)" % (name, missing))
        unnamed = [s["name"] for s in m["signals"]
                   if s["name"] not in entry.get("signals", {}) and s["name"] not in shared_signals]
        T.check(not unnamed, "%s: every signal has a human name (missing: %s)" % (name, unnamed))
        for p, (lo, hi) in entry.get("scan_defaults", {}).items():
            spec = numeric.get(p)
            if T.check(spec is not None, "%s: scan default %s is a numeric parameter" % (name, p)):
                T.check(spec["min"] <= lo < hi <= spec["max"],
                        "%s: scan default %s [%g, %g] inside [%g, %g]" % (name, p, lo, hi, spec["min"], spec["max"]))
        if "bounds" in m["observables"] and name != "sm":  # sm has no coupling, no region of reach
            T.check(len(entry.get("scan_defaults", {})) >= 2, "%s: offers bounds, has scan defaults" % name)


def main():
    def run(d):
        display = get_json(d, "/display.json")
        check_models(display, get_json(d, "/api/v1/models"))
        experiments = get_json(d, "/api/v1/experiments")["experiments"]
        unnamed = [e["name"] for e in experiments if e["name"] not in display["experiments"]]
        T.check(not unnamed, "every experiment has a display name (missing: %s)" % unnamed)

    return T.with_daemon("nureach-display-", run)


if __name__ == "__main__":
    sys.exit(main())
