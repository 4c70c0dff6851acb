#!/usr/bin/python3
"""test_supernova.py: the SN1987A energy-loss bound through the API (issue 15, paper 004 sec. III C).

Checked: /experiments lists SN1987A as kind supernova with threshold 1 and sn_profile overridable; /models says u1x
and b_minus_l serve supernovae and dark_photon does not; rates of b_minus_l at SN1987A: visible = L_Z'/L_nu = the
sum of the sn_from_* parts, and it scales as g^2 where absorption is negligible (004 Eq. 53); a profile file written
here from the synthetic profile's formulas (sn_profile.h, README) and named by experiment_overrides.sn_profile from
the operator's --sn-profiles folder gives the built-in synthetic answer; a malformed file, a missing file, a bad
name, a number instead of a name, and sn_profile at a decay volume are 422 naming /experiment_overrides/sn_profile;
a daemon without --sn-profiles refuses a named profile; a bounds request takes the threshold 1 by default and
finds excluded points between 1e-10 and 1e-7 at 0.1 GeV (004 sec. IV: "10^-10 < g_X < 10^-7").
Physics numbers are checked in tests/test_supernova.c.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import math
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, Daemon  # noqa: E402

T = Checks()
WHERE = "/experiment_overrides/sn_profile"


def post(d, path, body):
    code, _, payload = d.request("POST", path, json.dumps(body))
    try:
        return code, json.loads(payload)
    except ValueError:
        return code, None


def totals(result):
    return {ch.get("name"): ch.get("events") for ch in result.get("result", {}).get("channels", [])}


def synthetic_profile_text():
    """The synthetic profile written from the formulas of physics/sn_profile.h (an independent transcription)."""
    hbarc_mev_cm = 1.973269804e-11
    u_g = 1.66053906660e-24
    lines = ["# synthetic profile of sn_profile.h, written by test_supernova.py", "nureach_sn_profile 1",
             "L_nu_erg_s 3e52", "R_nu_km 25", "R_far_km 100", "time_s 1",
             "columns r_km T_MeV rho_g_cm3 Y_e mu_e_MeV mu_mu_MeV mu_nue_MeV mu_numu_MeV mu_nutau_MeV"]
    for i in range(401):
        r = 0.25 * i
        t = 30.0 * (1 + r * r / 64.0) * math.exp(-r * r / 144.0) + 5.0 / (1 + r * r / 900.0)
        rho = 3e14 / (1 + (r / 10.0) ** 8)
        mu_e = 150.0 * (rho / 3e14) ** (1.0 / 3.0)
        y_e = (mu_e / hbarc_mev_cm) ** 3 / (3 * math.pi ** 2) / (rho / u_g)
        lines.append("%.17g %.17g %.17g %.17g %.17g %.17g 0 0 0" % (r, t, rho, y_e, mu_e, mu_e))
    return "\n".join(lines) + "\n"


def run(d, profiles):
    code, _, payload = d.request("GET", "/api/v1/experiments")
    exps = {e["name"]: e for e in json.loads(payload)["experiments"]}
    sn = exps.get("SN1987A", {})
    T.check(sn.get("kind") == "supernova" and sn.get("threshold") == 1.0 and sn.get("sn_profile") == "synthetic",
            "SN1987A is a supernova, threshold 1, synthetic profile: %r" % sn)
    T.check("sn_profile" in sn.get("overridable", []), "SN1987A: sn_profile overridable")
    code, _, payload = d.request("GET", "/api/v1/models")
    models = {m["name"]: m for m in json.loads(payload)["models"]}
    for name in ("u1x", "b_minus_l"):
        T.check("supernova" in models[name].get("detector_kinds", []), "%s serves supernovae" % name)
    T.check("supernova" not in models["dark_photon"].get("detector_kinds", []), "dark_photon does not")
    code, r = post(d, "/api/v1/rates", {"model": "dark_photon", "experiment": "SN1987A"})
    T.check(code == 422 and r and r["errors"][0]["rule"] == "detector-mismatch", "dark_photon at SN1987A refused")

    point = {"model": "b_minus_l", "experiment": "SN1987A", "params": {"m_Zp": 0.05, "g_BL": 1e-13}}
    code, r = post(d, "/api/v1/rates", point)
    T.check(code == 200 and r is not None, "rates at SN1987A: %s %r" % (code, r))
    base = totals(r) if r else {}
    if base:
        parts = base["sn_from_nu_nu"] + base["sn_from_semi_compton"] + base["sn_from_mu_mu"]
        T.check(base["visible"] > 0 and abs(parts - base["visible"]) <= 1e-12 * base["visible"],
                "visible = sum of the sn_from_ parts: %r" % base)
        T.check(base["sn_from_mu_mu"] == 0.0, "no mu mu -> Z' below 2 m_mu")
        code2, r2 = post(d, "/api/v1/rates", dict(point, params={"m_Zp": 0.05, "g_BL": 1e-12}))
        ratio = totals(r2)["visible"] / base["visible"] if r2 else 0
        T.check(code2 == 200 and abs(ratio / 100.0 - 1) < 1e-5, "L ~ g^2 without absorption: ratio %r" % ratio)
        named = dict(point, experiment_overrides={"sn_profile": "synthetic.txt"})
        code3, r3 = post(d, "/api/v1/rates", named)
        v3 = totals(r3).get("visible") if r3 else None
        T.check(code3 == 200 and v3 and abs(v3 / base["visible"] - 1) < 1e-6,
                "the synthetic profile from a file = the built-in one: %s %r / %r" % (code3, v3, base["visible"]))
        code4, r4 = post(d, "/api/v1/rates", dict(point, experiment_overrides={"sn_profile": "hotter.txt"}))
        v4 = totals(r4).get("visible") if r4 else None
        T.check(code4 == 200 and v4 and v4 > 1.1 * base["visible"],
                "a 10%% hotter profile, more luminosity: %r / %r" % (v4, base["visible"]))
        # the operator replaces synthetic.txt by the hotter profile under the same name: the cache key holds the
        # file's content, so the answer is computed again
        shutil.copyfile(os.path.join(profiles, "hotter.txt"), os.path.join(profiles, "synthetic.txt"))
        code5, h5, payload5 = d.request("POST", "/api/v1/rates", json.dumps(named))
        v5 = totals(json.loads(payload5)).get("visible") if code5 == 200 else None
        T.check(code5 == 200 and h5.get("x-nureach-cache") == "miss" and v5 == v4,
                "a replaced profile file is a new computation: %s %r %r" % (code5, h5.get("x-nureach-cache"), v5))
        with open(os.path.join(profiles, "synthetic.txt"), "w") as f:
            f.write(synthetic_profile_text())
    for name, what in (("broken.txt", "malformed"), ("absent.txt", "missing"), ("../etc/passwd", "bad name"),
                       (".hidden", "bad name"), (3, "not a string")):
        code, r = post(d, "/api/v1/rates", dict(point, experiment_overrides={"sn_profile": name}))
        T.check(code == 422 and r and r["errors"][0]["pointer"] == WHERE,
                "%s profile refused naming the field: %s %r" % (what, code, r and r.get("errors")))
    code, r = post(d, "/api/v1/rates", {"model": "b_minus_l", "experiment": "FASER",
                                        "experiment_overrides": {"sn_profile": "synthetic.txt"}})
    T.check(code == 422 and r and r["errors"][0]["pointer"] == WHERE and
            r["errors"][0]["rule"] == "not-applicable", "sn_profile does not apply to FASER: %r" % (r and r.get("errors")))

    scan = {"x": {"param": "m_Zp", "min": 0.01, "max": 0.1, "points": 3, "scale": "log"},
            "y": {"param": "g_BL", "min": 1e-11, "max": 1e-6, "points": 11, "scale": "log"}}
    code, r = post(d, "/api/v1/bounds", {"model": "b_minus_l", "experiment": "SN1987A", "signal": "visible",
                                         "scan": scan})
    T.check(code == 200 and r and r.get("threshold") == 1.0, "bounds at SN1987A: threshold 1 by default: %s %r"
            % (code, r and r.get("threshold")))
    if code == 200 and r:
        res = r.get("result", {})
        y, ev = res.get("y", []), res.get("events", [])
        col = [row[-1] for row in ev]  # m = 0.1 GeV
        excluded = [y[j] for j in range(len(y)) if col[j] >= 1.0]
        T.check(excluded and min(excluded) >= 1e-10 * 0.99 and max(excluded) <= 1e-7 * 1.01,
                "excluded couplings at 0.1 GeV inside 1e-10 .. 1e-7 (004 sec. IV): %r" % excluded)
        T.check(col[0] < 1.0 and col[-1] < 1.0, "not excluded at 1e-11 (too feeble) and 1e-6 (trapped): %r" % col)


def run_without_folder(d):
    code, r = post(d, "/api/v1/rates", {"model": "u1x", "experiment": "SN1987A",
                                        "experiment_overrides": {"sn_profile": "synthetic.txt"}})
    T.check(code == 422 and r and r["errors"][0]["pointer"] == WHERE,
            "no --sn-profiles: a named profile is refused: %s %r" % (code, r and r.get("errors")))
    code, r = post(d, "/api/v1/rates", {"model": "u1x", "experiment": "SN1987A",
                                        "params": {"m_Zp": 0.05, "g_X": 1e-11, "x_H": -2}})
    t = totals(r) if r else {}
    T.check(code == 200 and t.get("sn_from_nu_nu") == 0.0 and t.get("visible", 0) > 0,
            "x_H = -2: no nu nu -> Z' (no coupling to the lepton doublet), semi-Compton still: %r" % t)


def main():
    tmp = tempfile.mkdtemp(prefix="nureach-sn-")
    profiles = os.path.join(tmp, "profiles")
    os.makedirs(profiles)
    text = synthetic_profile_text()
    with open(os.path.join(profiles, "synthetic.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(profiles, "hotter.txt"), "w") as f:  # every temperature 10% higher
        out = []
        for line in text.splitlines():
            w = line.split()
            if w and w[0][0].isdigit():
                w[1] = repr(float(w[1]) * 1.1)
            out.append(" ".join(w))
        f.write("\n".join(out) + "\n")
    with open(os.path.join(profiles, "broken.txt"), "w") as f:
        f.write(text.replace("\n50 ", "\n50 x", 1).replace("R_nu_km 25", "R_nu_km 25", 1) + "1 2 3\n")
    try:
        T.with_daemon("nureach-sn-a-", lambda d: run(d, profiles), extra=["--sn-profiles", profiles,
                                                                          "--job-wait-ms", "300000"])
        T.with_daemon("nureach-sn-b-", run_without_folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())
