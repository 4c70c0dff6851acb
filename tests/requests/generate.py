#!/usr/bin/env python3
"""generate.py: writes the request fixtures tests/requests/<case>/{request.json, expect.json}.

Each expectation follows from a rule, not from a server's answer: the declared parameter ranges and
choices of each model (GET /api/v1/models, passed as a file), the overridable fields of the experiment
catalogue, the shape rules of request.h and the physics rules of physics/validate.h and contour.c.
Usage: python3 generate.py models.json   (the body of a daemon's GET /api/v1/models)

expect.json: {"endpoint": "/api/v1/rates", "method": "POST" | "GET", "query": "..." (GET only),
              "status": 200 | 400 | 422, "type": problem slug (errors only), "pointer": the first error's
              JSON pointer (omitted for problems without field errors)}
request.json: the raw POST body (not always valid JSON: some cases test the parser); absent for GET.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENT_OF = {"neutrino_target": "FASERnu2", "decay_volume": "FASER"}
OTHER_KIND = {"neutrino_target": "FASER", "decay_volume": "FASERnu2"}
cases = {}


def case(name, expect, body=None):
    assert name not in cases, name
    cases[name] = (expect, body)


def post(name, endpoint, body, status, type_=None, pointer=None, raw=None):
    e = {"endpoint": endpoint, "method": "POST", "status": status}
    if type_:
        e["type"] = type_
    if pointer is not None:
        e["pointer"] = pointer
    case(name, e, raw if raw is not None else json.dumps(body, sort_keys=True))


def get(name, endpoint, query, status, type_=None, pointer=None):
    e = {"endpoint": endpoint, "method": "GET", "query": query, "status": status}
    if type_:
        e["type"] = type_
    if pointer is not None:
        e["pointer"] = pointer
    case(name, e)


def model_cases(m):
    name, kind = m["name"], m["detector_kind"]
    exp = EXPERIMENT_OF[kind]
    base = {"model": name, "experiment": exp}
    numbers = [p for p in m["parameters"] if p["kind"] == "number"]
    choices = [p for p in m["parameters"] if p["kind"] == "choice"]
    if "rates" in m["observables"]:
        post(name + "-rates-defaults", "/api/v1/rates", base, 200)
    p0 = numbers[0]
    too_big = p0["max"] * 10 if p0["max"] > 0 else p0["max"] + 1
    post(name + "-param-above-max", "/api/v1/rates", dict(base, params={p0["name"]: too_big}), 422,
         "out-of-range", "/params/" + p0["name"])
    post(name + "-param-unknown", "/api/v1/rates", dict(base, params={"no_such_param": 1}), 422, "unknown-key",
         "/params/no_such_param")
    post(name + "-param-wrong-type", "/api/v1/spectra", dict(base, params={p0["name"]: "big"}), 422, "wrong-type",
         "/params/" + p0["name"])
    post(name + "-detector-mismatch", "/api/v1/rates", dict(base, experiment=OTHER_KIND[kind]), 422,
         "detector-mismatch", "/experiment")
    if choices:
        post(name + "-not-a-choice", "/api/v1/rates", dict(base, params={choices[0]["name"]: "no-such-choice"}),
             422, "not-a-choice", "/params/" + choices[0]["name"])
    if "bounds" in m["observables"] and len(numbers) >= 2:
        x, y = numbers[0], numbers[1]
        post(name + "-bounds-same-param", "/api/v1/bounds",
             dict(base, scan={"x": {"param": x["name"], "points": 5}, "y": {"param": x["name"], "points": 5}}),
             422, "invalid-scan", "/scan/y/param")
        low = x["min"] / 10 if x["min"] > 0 else x["min"] - 1
        post(name + "-bounds-min-below-range", "/api/v1/bounds",
             dict(base, scan={"x": {"param": x["name"], "min": low, "points": 5},
                              "y": {"param": y["name"], "points": 5}}), 422, "out-of-range", "/scan/x/min")
        post(name + "-bounds-scanned-in-params", "/api/v1/bounds",
             dict(base, params={x["name"]: x["default"]},
                  scan={"x": {"param": x["name"], "points": 5}, "y": {"param": y["name"], "points": 5}}),
             422, "scanned-parameter", "/params/" + x["name"])


def generic_cases():
    sm = {"model": "sm", "experiment": "FASERnu"}
    post("malformed-json", "/api/v1/rates", None, 400, "malformed-json", raw='{"model": "sm",')
    post("duplicate-key", "/api/v1/rates", None, 400, "duplicate-key", raw='{"model": "sm", "model": "sm"}')
    post("body-not-object", "/api/v1/rates", [1, 2], 422, "wrong-type", "")
    post("missing-model", "/api/v1/rates", {"experiment": "FASERnu"}, 422, "missing-field", "/model")
    post("missing-experiment", "/api/v1/spectra", {"model": "sm"}, 422, "missing-field", "/experiment")
    post("unknown-model", "/api/v1/rates", dict(sm, model="no_such_model"), 422, "unknown-model", "/model")
    post("unknown-experiment", "/api/v1/rates", dict(sm, experiment="LHCb"), 422, "unknown-experiment",
         "/experiment")
    post("model-wrong-type", "/api/v1/rates", dict(sm, model=7), 422, "wrong-type", "/model")
    post("params-not-object", "/api/v1/rates", dict(sm, params=[1]), 422, "wrong-type", "/params")
    post("unknown-top-level-key", "/api/v1/rates", dict(sm, colour="red"), 422, "unknown-key", "/colour")
    post("bounds-key-on-rates", "/api/v1/rates", dict(sm, threshold=3), 422, "unknown-key", "/threshold")
    post("override-unknown", "/api/v1/rates", dict(sm, experiment_overrides={"no_field": 1}), 422, "unknown-key",
         "/experiment_overrides/no_field")
    post("override-out-of-range", "/api/v1/rates", dict(sm, experiment_overrides={"luminosity_fb": -1}), 422,
         "out-of-range", "/experiment_overrides/luminosity_fb")
    post("override-not-applicable", "/api/v1/rates",
         {"model": "dark_photon", "experiment": "FASER", "experiment_overrides": {"width_m": 1}}, 422,
         "not-applicable", "/experiment_overrides/width_m")
    post("override-wrong-type", "/api/v1/rates", dict(sm, experiment_overrides={"luminosity_fb": "lots"}), 422,
         "wrong-type", "/experiment_overrides/luminosity_fb")
    post("overrides-not-object", "/api/v1/rates", dict(sm, experiment_overrides=3), 422, "wrong-type",
         "/experiment_overrides")
    post("override-valid", "/api/v1/rates", dict(sm, experiment_overrides={"luminosity_fb": 300}), 200)
    post("sm-spectra-valid", "/api/v1/spectra", sm, 200)
    # issue 17 item 1: the branching-fraction spectrum of a model with fewer parameters than u1x once read past
    # its parameter array (a heap over-read the ASan runs of these fixtures would catch)
    for name in ("dark_photon", "b_minus_l", "u1x"):
        post(name + "-branching-fractions-valid", "/api/v1/spectra",
             {"model": name, "experiment": "FASER", "params": {"distribution": "branching_fractions"}}, 200)
    post("sm-check-e-min-above-e-max", "/api/v1/rates", dict(sm, params={"e_min": 5000, "e_max": 100}), 422,
         "invalid-value", "/params/e_min")
    post("dipole-check-recoil-window", "/api/v1/rates",
         {"model": "dipole", "experiment": "FASERnu2", "params": {"e_recoil_min": 10, "e_recoil_max": 1}}, 422,
         "invalid-value", "/params/e_recoil_min")
    post("param-not-finite-string", "/api/v1/rates", dict(sm, params={"e_min": "nan"}), 422, "wrong-type",
         "/params/e_min")
    dp = {"model": "dark_photon", "experiment": "FASER", "signal": "visible"}
    axis = lambda param, **kw: dict({"param": param, "points": 5}, **kw)
    scan = {"x": axis("m_Ap"), "y": axis("epsilon")}
    post("bounds-missing-scan", "/api/v1/bounds", dp, 422, "missing-field", "/scan")
    post("bounds-scan-not-object", "/api/v1/bounds", dict(dp, scan=[]), 422, "wrong-type", "/scan")
    # x is required; without y the scan is a curve along x (physics/curve.h)
    post("bounds-axis-missing", "/api/v1/bounds", dict(dp, scan={"y": axis("epsilon")}), 422, "missing-field",
         "/scan/x")
    post("bounds-curve-valid", "/api/v1/bounds", dict(dp, scan={"x": axis("m_Ap")}), 200)
    post("bounds-curve-refine", "/api/v1/bounds", dict(dp, scan={"x": axis("m_Ap")}, refine=True), 422, "conflict",
         "/refine")
    post("bounds-curve-points-one", "/api/v1/bounds", dict(dp, scan={"x": axis("m_Ap", points=1)}), 422,
         "out-of-range", "/scan/x/points")
    post("bounds-axis-unknown-key", "/api/v1/bounds", dict(dp, scan={"x": axis("m_Ap", step=2), "y": axis("epsilon")}),
         422, "unknown-key", "/scan/x/step")
    post("bounds-axis-param-unknown", "/api/v1/bounds", dict(dp, scan={"x": axis("mass"), "y": axis("epsilon")}), 422,
         "not-a-choice", "/scan/x/param")
    post("bounds-axis-param-is-choice", "/api/v1/bounds",
         dict(dp, scan={"x": axis("production"), "y": axis("epsilon")}), 422, "invalid-scan", "/scan/x/param")
    post("bounds-points-one", "/api/v1/bounds", dict(dp, scan={"x": axis("m_Ap", points=1), "y": axis("epsilon")}),
         422, "out-of-range", "/scan/x/points")
    post("bounds-points-too-many", "/api/v1/bounds",
         dict(dp, scan={"x": axis("m_Ap"), "y": axis("epsilon", points=201)}), 422, "out-of-range", "/scan/y/points")
    post("bounds-points-fractional", "/api/v1/bounds",
         dict(dp, scan={"x": axis("m_Ap", points=2.5), "y": axis("epsilon")}), 422, "wrong-type", "/scan/x/points")
    post("bounds-min-above-max", "/api/v1/bounds",
         dict(dp, scan={"x": axis("m_Ap", min=0.5, max=0.1), "y": axis("epsilon")}), 422, "invalid-scan",
         "/scan/x/min")
    post("bounds-max-above-range", "/api/v1/bounds",
         dict(dp, scan={"x": axis("m_Ap", max=100), "y": axis("epsilon")}), 422, "out-of-range", "/scan/x/max")
    post("bounds-log-scale-from-zero", "/api/v1/bounds",
         {"model": "dipole", "experiment": "FASERnu2",
          "scan": {"x": axis("e_vis_min", min=0, max=10, scale="log"), "y": axis("mu_N")}}, 422, "invalid-scan",
         "/scan/x/min")
    post("bounds-scale-unknown", "/api/v1/bounds", dict(dp, scan={"x": axis("m_Ap", scale="cubic"), "y": axis("epsilon")}),
         422, "not-a-choice", "/scan/x/scale")
    post("bounds-threshold-zero", "/api/v1/bounds", dict(dp, scan=scan, threshold=0), 422, "out-of-range",
         "/threshold")
    post("bounds-threshold-wrong-type", "/api/v1/bounds", dict(dp, scan=scan, threshold="3"), 422, "wrong-type",
         "/threshold")
    post("bounds-refine-wrong-type", "/api/v1/bounds", dict(dp, scan=scan, refine="yes"), 422, "wrong-type",
         "/refine")
    post("bounds-signal-unknown", "/api/v1/bounds", dict(dp, scan=scan, signal="photons"), 422, "not-a-choice",
         "/signal")
    post("bounds-small-valid", "/api/v1/bounds", dict(dp, scan=scan, refine=False), 200)
    # the test statistic (request.h "test"; chi-square rules: physics/chi2_model.h nr_chi2_test_validate)
    post("bounds-test-events-valid", "/api/v1/bounds", dict(dp, scan=scan, refine=False, test={"kind": "events"}), 200)
    post("bounds-test-not-object", "/api/v1/bounds", dict(dp, scan=scan, test=[]), 422, "wrong-type", "/test")
    post("bounds-test-kind-missing", "/api/v1/bounds", dict(dp, scan=scan, test={}), 422, "missing-field",
         "/test/kind")
    post("bounds-test-kind-unknown", "/api/v1/bounds", dict(dp, scan=scan, test={"kind": "likelihood"}), 422,
         "not-a-choice", "/test/kind")
    post("bounds-test-events-extra-key", "/api/v1/bounds", dict(dp, scan=scan, test={"kind": "events", "cl": 0.9}),
         422, "unknown-key", "/test/cl")
    nz = {"model": "nuphilic_zp", "experiment": "FASERnu"}
    zscan = {"x": {"param": "m_Zp", "min": 1e-3, "max": 1e-2, "points": 3, "scale": "log"},
             "y": {"param": "g_etau", "min": 1e-4, "max": 1e-1, "points": 3, "scale": "log"}}
    chi2 = lambda **kw: dict({"kind": "chi2", "cl": 0.9, "observable": "cc_", "normalisation_uncertainty": 0.1}, **kw)
    post("bounds-chi2-valid", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2()), 200)
    post("bounds-chi2-defaults-valid", "/api/v1/bounds", dict(nz, scan=zscan, test={"kind": "chi2", "observable": "cc_"}),
         200)
    post("bounds-chi2-unknown-key", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(level=4.6)), 422, "unknown-key",
         "/test/level")
    post("bounds-chi2-cl-one", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(cl=1)), 422, "invalid-value",
         "/test/cl")
    post("bounds-chi2-cl-wrong-type", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(cl="90%")), 422, "wrong-type",
         "/test/cl")
    post("bounds-chi2-normalisation-negative", "/api/v1/bounds",
         dict(nz, scan=zscan, test=chi2(normalisation_uncertainty=-0.1)), 422, "invalid-value",
         "/test/normalisation_uncertainty")
    post("bounds-chi2-observable-missing", "/api/v1/bounds",
         dict(nz, scan=zscan, test={"kind": "chi2", "cl": 0.9}), 422, "missing-field", "/test/observable")
    post("bounds-chi2-observable-wrong-type", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(observable=["cc_"])),
         422, "wrong-type", "/test/observable")
    post("bounds-chi2-observable-empty", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(observable="")),
         422, "invalid-value", "/test/observable")
    post("bounds-chi2-with-threshold", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(), threshold=3), 422,
         "conflict", "/threshold")
    post("bounds-chi2-with-signal", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(), signal="cc_tau"), 422,
         "conflict", "/signal")
    post("bounds-chi2-with-refine", "/api/v1/bounds", dict(nz, scan=zscan, test=chi2(), refine=True), 422,
         "conflict", "/refine")
    post("bounds-chi2-curve-valid", "/api/v1/bounds", dict(nz, scan={"x": zscan["y"]}, test=chi2()), 200)
    post("bounds-chi2-curve-x-not-coupling", "/api/v1/bounds", dict(nz, scan={"x": zscan["x"]}, test=chi2()), 422,
         "not-a-coupling", "/scan/x/param")
    post("bounds-chi2-y-not-coupling", "/api/v1/bounds",
         dict(nz, scan={"x": zscan["y"], "y": zscan["x"]}, test=chi2()), 422, "not-a-coupling", "/scan/y/param")
    q = "model=sm&experiment=FASERnu"
    get("query-valid", "/api/v1/rates.json", q, 200)
    get("query-valid-csv", "/api/v1/rates.csv", q + "&params.e_min=10", 200)
    get("query-out-of-range", "/api/v1/rates.json", q + "&params.e_min=-3", 422, "out-of-range", "/params/e_min")
    get("query-duplicate", "/api/v1/rates.json", q + "&params.e_min=1&params.e_min=2", 400, "duplicate-key",
        "/params/e_min")
    get("query-no-value", "/api/v1/rates.json", q + "&params.e_min", 400, "invalid-request", "/params/e_min")
    get("query-empty-segment", "/api/v1/rates.json", q + "&params..e_min=1", 400, "invalid-request", "")
    get("query-conflict", "/api/v1/rates.json", q + "&params=1&params.e_min=2", 400, "duplicate-key", "/params")
    get("query-name-not-utf8", "/api/v1/rates.json", q + "&%ff=1", 400, "invalid-request", "")
    get("query-value-not-utf8", "/api/v1/rates.json", q + "&params.e_min=%ff", 400, "invalid-request",
        "/params/e_min")
    get("query-value-nul", "/api/v1/rates.json", q + "&params.e_min=10%001", 400, "invalid-request", "/params/e_min")
    get("query-unknown-key-bad-byte", "/api/v1/rates.json", q + "&params.x%ff=1", 400, "invalid-request", "")
    get("query-unknown-param", "/api/v1/spectra.json", q + "&params.colour=red", 422, "unknown-key", "/params/colour")
    get("query-bounds-points", "/api/v1/bounds.json",
        "model=dark_photon&experiment=FASER&scan.x.param=m_Ap&scan.y.param=epsilon&scan.x.points=1", 422,
        "out-of-range", "/scan/x/points")


def main():
    models = json.load(open(sys.argv[1]))["models"]
    for m in models:
        model_cases(m)
    generic_cases()
    for name in sorted(os.listdir(HERE)):
        if os.path.isdir(os.path.join(HERE, name)):
            shutil.rmtree(os.path.join(HERE, name))
    for name, (expect, body) in cases.items():
        d = os.path.join(HERE, name)
        os.makedirs(d)
        with open(os.path.join(d, "expect.json"), "w") as f:
            f.write(json.dumps(expect, sort_keys=True, indent=1) + "\n")
        if body is not None:
            with open(os.path.join(d, "request.json"), "w") as f:
                f.write(body)
    print("%d cases" % len(cases))


if __name__ == "__main__":
    main()
