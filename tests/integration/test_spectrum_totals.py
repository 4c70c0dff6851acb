#!/usr/bin/python3
"""test_spectrum_totals.py: a spectrum channel named like a rates signal holds that signal's events.

For every model with spectra and every choice of its "distribution" parameter (at the defaults, on the first
experiment of the model's detector kind, and for the dipole also at the point of issue 16: FASERnu2, m_N = 0.3
GeV, mu_N = 1e-6 GeV^-1), POST /api/v1/spectra and POST /api/v1/rates with the same body; every spectrum
channel whose name is a signal must have events = the rates value (relative 1e-7: the same physics summed in
another order, except that the dipole's rates sum its production collapsed into log-momentum bins, whose error
over the golden 50 x 50 grid is 8.4e-9 (physics/models/dipole.c); bins must cover every event that passes the
signal's cuts, which a missing cut would break by far more). The golden value is the rates
endpoint's number for the same request, an independent code path (signals_at, not spectra). The
top-level total_events of a spectrum is present exactly when every channel is a signal, and is then their sum.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks  # noqa: E402

T = Checks()


def post(d, path, body):
    status, _, payload = d.request("POST", path, body)
    return status, json.loads(payload)


def check_point(d, body, label):
    status, rates = post(d, "/api/v1/rates", body)
    if not T.check(status == 200, "%s: rates 200 (%s)" % (label, status)):
        return
    signal = {c["name"]: c["events"] for c in rates["result"]["channels"]}
    status, spec = post(d, "/api/v1/spectra", body)
    if not T.check(status == 200, "%s: spectra 200 (%s)" % (label, status)):
        return
    channels = spec["result"]["channels"]
    for c in channels:
        if c["name"] in signal:
            want = signal[c["name"]]
            T.check(abs(c["events"] - want) <= 1e-7 * abs(want),
                    "%s: channel %s = rates (%.10g vs %.10g)" % (label, c["name"], c["events"], want))
    all_signals = all(c["name"] in signal for c in channels)
    total = spec["result"].get("total_events")
    if all_signals:
        T.check(total is not None and abs(total - sum(c["events"] for c in channels)) <= 1e-9 * abs(total),
                "%s: every channel a signal: total_events = their sum" % label)
    else:
        T.check(total is None, "%s: channels %s are not all signals: no total_events" %
                (label, [c["name"] for c in channels]))


def main():
    def run(d):
        _, _, body = d.request("GET", "/api/v1/models")
        models = json.loads(body)["models"]
        _, _, body = d.request("GET", "/api/v1/experiments")
        experiments = json.loads(body)["experiments"]
        for m in models:
            if "spectra" not in m["observables"]:
                continue
            experiment = next(e["name"] for e in experiments if e["kind"] == m["detector_kind"])
            dist = [p for p in m["parameters"] if p["name"] == "distribution"]
            for choice in (dist[0]["choices"] if dist else [None]):
                body = {"model": m["name"], "experiment": experiment}
                if choice:
                    body["params"] = {"distribution": choice}
                check_point(d, body, "%s/%s/%s" % (m["name"], experiment, choice))
        # issue 16: "a dipole spectrum at one point totals 523.1 where rates gives 56.1"
        check_point(d, {"model": "dipole", "experiment": "FASERnu2", "params": {"m_N": 0.3, "mu_N": 1e-6}},
                    "dipole/FASERnu2/m_N=0.3")

    return T.with_daemon("nureach-spectrum-totals-", run)


if __name__ == "__main__":
    sys.exit(main())
