#!/usr/bin/python3
"""test_beam_dumps.py: the beam-dump experiments through the API (issue 15).

Checked: /experiments lists E137, E141, ILC_dump, nu-Cal and DUNE as kind beam_dump with the fields of 004
Table V and their overridable fields; /models says the vector models serve decay volumes and beam dumps, and sm does not; rates of
dark_photon at E137 (the annihilation signal is there, and visible = bremsstrahlung + annihilation); an override
of a beam-dump field changes the answer and one that does not apply is refused with its pointer; a bounds
request without a threshold takes the dump's N95% (004 Table V: 3419 at E141), with a threshold the given one;
at nu-Cal visible = pi0 + eta + bremsstrahlung and meson production is computed.
Physics numbers are checked in tests/test_beam_dump*.c and tests/test_proton_dump*.c.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import PATIENT, Checks, Daemon  # noqa: E402

T = Checks()


def post(d, path, body):
    code, _, payload = d.request("POST", path, json.dumps(body))
    try:
        return code, json.loads(payload)
    except ValueError:
        return code, None


def totals(result):
    """signal name -> total events of a rates answer"""
    out = {}
    for ch in result.get("result", {}).get("channels", []):
        out[ch.get("name")] = ch.get("events")
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="nureach-dumps-")
    d = Daemon(os.path.join(tmp, "state"), extra=["--job-wait-ms", "300000"] + PATIENT)  # 200s on a loaded machine
    try:
        if not d.start():
            T.check(False, "daemon starts: " + d.stderr_text())
            return T.summary()
        code, _, payload = d.request("GET", "/api/v1/experiments")
        exps = {e["name"]: e for e in json.loads(payload)["experiments"]}
        for name, beam, energy in (("E137", "e-", 20.0), ("E141", "e-", 9.0), ("ILC_dump", "e+", 125.0)):
            e = exps.get(name, {})
            T.check(e.get("kind") == "beam_dump", "%s is a beam dump" % name)
            T.check(e.get("beam_particle") == beam and e.get("beam_energy_gev") == energy,
                    "%s: beam %r %r" % (name, e.get("beam_particle"), e.get("beam_energy_gev")))
            T.check("n95_events" in e.get("overridable", []), "%s: n95_events overridable" % name)
        T.check(exps.get("E141", {}).get("n95_events") == 3419.0, "E141 N95% from 004 Table V")
        for name, energy, n95 in (("nu-Cal", 68.6, 4.5), ("DUNE", 120.0, 3.0)):
            e = exps.get(name, {})
            T.check(e.get("kind") == "beam_dump" and e.get("beam_particle") == "p" and
                    e.get("beam_energy_gev") == energy and e.get("n95_events") == n95,
                    "%s: proton dump of 004 Table V: %r" % (name, e))

        code, _, payload = d.request("GET", "/api/v1/models")
        models = {m["name"]: m for m in json.loads(payload)["models"]}
        T.check(models["dark_photon"].get("detector_kinds") == ["decay_volume", "beam_dump"],
                "dark_photon serves decay volumes and beam dumps: %r" % models["dark_photon"].get("detector_kinds"))
        T.check(models["sm"].get("detector_kinds") == ["neutrino_target"], "sm: neutrino targets only")

        code, r = post(d, "/api/v1/rates", {"model": "sm", "experiment": "E137"})
        T.check(code == 422 and r and r["errors"][0]["rule"] == "detector-mismatch", "sm at E137 refused")

        point = {"model": "dark_photon", "experiment": "E137", "params": {"m_Ap": 0.05, "epsilon": 3e-7}}
        code, r = post(d, "/api/v1/rates", point)
        T.check(code == 200 and r is not None, "rates at E137: %s" % code)
        if r:
            t = totals(r)
            T.check(t.get("visible_from_annihilation", 0) > 0, "E137: annihilation events at 50 MeV: %r" % t)
            T.check(abs(t["visible_from_bremsstrahlung"] + t["visible_from_annihilation"] - t["visible"])
                    <= 1e-9 * t["visible"], "visible = bremsstrahlung + annihilation")
            far = dict(point, experiment_overrides={"distance_m": 400.0})
            code2, r2 = post(d, "/api/v1/rates", far)
            T.check(code2 == 200 and r2 and totals(r2)["visible"] != t["visible"], "a longer shield changes the rate")
        code, r = post(d, "/api/v1/rates", dict(point, experiment_overrides={"luminosity_fb": 10.0}))
        T.check(code == 422 and r and r["errors"][0]["pointer"] == "/experiment_overrides/luminosity_fb",
                "luminosity does not apply to a beam dump: %r" % (r and r.get("errors")))

        nucal = {"model": "dark_photon", "experiment": "nu-Cal", "params": {"m_Ap": 0.05, "epsilon": 1e-7}}
        code, r = post(d, "/api/v1/rates", nucal)
        T.check(code == 200 and r is not None, "rates at nu-Cal: %s" % code)
        if r:
            t = totals(r)
            parts = t["visible_from_pi0"] + t["visible_from_eta"] + t["visible_from_bremsstrahlung"]
            T.check(t["visible"] > 0 and abs(parts - t["visible"]) <= 1e-9 * t["visible"],
                    "nu-Cal: visible = pi0 + eta + bremsstrahlung: %r" % t)
        code, r = post(d, "/api/v1/rates", dict(nucal, params={"m_Ap": 0.05, "epsilon": 1e-7, "production": "mesons"}))
        T.check(code == 200, "meson production is computed at a proton dump: %s" % code)

        scan = {"x": {"param": "m_Ap", "min": 0.002, "max": 0.05, "points": 6, "scale": "log"},
                "y": {"param": "epsilon", "min": 1e-7, "max": 1e-2, "points": 6, "scale": "log"}}
        code, r = post(d, "/api/v1/bounds", {"model": "dark_photon", "experiment": "E141", "signal": "visible",
                                             "scan": scan})
        T.check(code == 200 and r and r.get("threshold") == 3419.0,
                "bounds at E141 default to N95%% = 3419: %s %r" % (code, r and r.get("threshold")))
        code, r = post(d, "/api/v1/bounds", {"model": "dark_photon", "experiment": "E141", "signal": "visible",
                                             "scan": scan, "experiment_overrides": {"n95_events": 10.0}})
        T.check(code == 200 and r and r.get("threshold") == 10.0, "an overridden N95% is the default threshold")
        code, r = post(d, "/api/v1/bounds", {"model": "dark_photon", "experiment": "E141", "signal": "visible",
                                             "scan": scan, "threshold": 5.0})
        T.check(code == 200 and r and r.get("threshold") == 5.0, "an explicit threshold wins")
        code, _ = d.stop()
        T.check(code == 0, "daemon exits 0")
    finally:
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
