#!/usr/bin/python3
"""test_limits.py: GET /api/v1/limits against a live daemon.

Golden values come from the installed data files themselves, read here independently of the daemon:
every outline's points equal its file's "x y" rows (data/limits/<set>/<file>), labels and positions equal
labels.tsv's row, and the sets applying to each model follow data/limits/PROVENANCE.txt (B-L outlines for
b_minus_l and for u1x at x_H = 0, x_Phi = 1; HNL outlines for one flavour of mixing; none for dipole).
Bad input: an unknown model or query argument answers 400 naming the field.
Rescaled limits (model=u1x&x_H=..., 004 Eqs. 38, 39, 52): goldens are analytic. At x_H = -1, x_Phi = 1, below the
muon threshold, the CHARM (eta) band moves by (P_BL Gamma_ee,BL / (P_X Gamma_ee,X))^(1/4) = (16 * 8)^(1/4) on its
lower edge (eta anomaly factors 1/2 and -1/8, 004 Eqs. 33-35; Gamma_ee ratio 8, 004 Eq. 17) and by
sqrt(Gamma_BL / Gamma_X) = sqrt(5) on its upper edge (totals 5/2 and 1/2 in units of m/(12 pi)); Orsay's lower edge
by (8 * 8)^(1/4) (004 Eq. 52: production ratio 1/8, Gamma_ee ratio 8). At x_H = 0, x_Phi = 2 every charge doubles: the
outline's couplings halve exactly.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import Checks, env_path  # noqa: E402

T = Checks()


def read_points(path):
    xs, ys = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and not line.lstrip().startswith("#"):
                xs.append(float(parts[0]))
                ys.append(float(parts[1]))
    return xs, ys


def get(d, query):
    status, headers, body = d.request("GET", "/api/v1/limits" + query)
    return status, headers, json.loads(body)


def test_dark_photon(d, data_dir):
    status, headers, doc = get(d, "?model=dark_photon")
    T.check(status == 200 and headers.get("content-type", "").startswith("application/json"), "200 JSON")
    T.check([s["id"] for s in doc["sets"]] == ["dark_photon"], "one set for dark_photon")
    s = doc["sets"][0]
    T.check(s["applies_to"][0]["x_param"] == "m_Ap" and s["applies_to"][0]["y_param"] == "epsilon",
            "axes named by the model's parameters")
    T.check(s["x"]["unit"] == "GeV" and s["x"]["display"] == "m_{A'}", "x axis unit and display symbol")
    by_name = {o["name"]: o for o in s["limits"]}
    faser = by_name.get("bounds_FASER-27invfb")
    if T.check(faser is not None, "FASER's published 27 fb^-1 exclusion is served"):
        xs, ys = read_points(os.path.join(data_dir, "limits/dark_photon/bounds_FASER-27invfb.txt"))
        # the API writes 15 significant digits (JSON_REAL_PRECISION(15)); the files have up to 17
        same = lambda a, b: len(a) == len(b) and all(abs(u - v) <= 1e-14 * abs(v) for u, v in zip(a, b))
        T.check(same(faser["x"], xs) and same(faser["y"], ys), "its points equal the file's rows (%d)" % len(xs))
        T.check(faser["kind"] == "excluded", "an excluded region")
        # labels.tsv: bounds  bounds_FASER-27invfb.txt  FASER  0.035  1.8e-05  -30
        T.check(faser["label"] == "FASER" and faser["label_position"]["x"] == 0.035 and
                faser["label_position"]["y"] == 1.8e-05 and faser["label_position"]["rotation_deg"] == -30,
                "label and position from labels.tsv")
    na62 = by_name.get("limits_NA62")
    # labels.tsv: projections  limits_NA62.txt  dodgerblue  NA62  0.131  4.5e-06
    T.check(na62 is not None and na62["kind"] == "projection" and na62["color"] == "dodgerblue" and
            na62["label"] == "NA62", "projection with its colour and label")
    files = sorted(f for f in os.listdir(os.path.join(data_dir, "limits/dark_photon")) if f.endswith(".txt"))
    T.check(sorted(o["name"] + ".txt" for o in s["limits"]) == files, "every outline file is served once")


def test_applicability(d):
    status, _, doc = get(d, "?model=u1x")
    T.check(status == 200 and [s["id"] for s in doc["sets"]] == ["b_minus_l"], "u1x gets the B-L outlines")
    a = doc["sets"][0]["applies_to"]
    T.check(len(a) == 1 and a[0]["model"] == "u1x" and a[0]["params"] == {"x_H": 0, "x_Phi": 1} and
            a[0]["y_param"] == "g_X", "... at x_H = 0, x_Phi = 1 on the g_X axis")
    _, _, doc = get(d, "?model=dipole")
    T.check(doc["sets"] == [], "no outlines for the dipole model")
    _, _, doc = get(d, "?model=hnl_mu")
    s = doc["sets"][0]
    T.check(s["y"]["display"] == "|U_{\u03bcN}|" and s["applies_to"] == [], "HNL mu set: |U_muN|, no model yet")
    labels = {o["label"] for o in s["limits"] if o["label"]}
    T.check({"BBN", "CHARM", "NuTeV", "MicroBooNE"} <= labels, "HNL labels from the table: %s" % sorted(labels))
    for o in s["limits"]:
        if o["label_position"]:
            p = o["label_position"]
            T.check(min(o["x"]) <= p["x"] <= max(o["x"]) and min(o["y"]) <= p["y"] <= max(o["y"]),
                    "%s label inside the outline's bounding box" % o["name"])
    status, _, doc = get(d, "")
    T.check(status == 200 and len(doc["sets"]) == 6, "no model: all six sets")


def test_errors(d):
    status, headers, doc = get(d, "?model=nope")
    T.check(status == 400 and doc["errors"][0]["pointer"] == "/model", "unknown model: 400 naming /model")
    status, _, doc = get(d, "?colour=red")
    T.check(status == 400 and "colour" in doc["detail"], "unknown argument: 400 naming it")


def crossings(xs, ys, m):
    """The couplings where the closed outline crosses mass m (log-log interpolation), increasing."""
    out = []
    n = len(xs)
    for i in range(n):
        a, b = xs[i], xs[(i + 1) % n]
        if (a <= m < b) or (b <= m < a):
            t = math.log(m / a) / math.log(b / a)
            out.append(ys[i] * (ys[(i + 1) % n] / ys[i]) ** t)
    return sorted(out)


def rescaled_set(doc):
    sets = [s for s in doc["sets"] if s["id"] == "u1x_rescaled"]
    return sets[0] if len(sets) == 1 else None


def test_rescaled(d, data_dir):
    status, _, doc = get(d, "?model=u1x&x_H=-1")
    s = rescaled_set(doc) if status == 200 else None
    if not T.check(s is not None, "x_H = -1: the set u1x_rescaled is served"):
        return
    T.check(s["applies_to"][0]["params"] == {"x_H": -1, "x_Phi": 1} and s["applies_to"][0]["y_param"] == "g_X",
            "it applies to u1x at x_H = -1, x_Phi = 1 on the g_X axis")
    by_name = {o["name"]: o for o in s["limits"]}
    charm, orsay = by_name.get("rescaled_CHARM"), by_name.get("rescaled_Orsay")
    T.check(charm is not None and charm["label"] == "CHARM (rescaled from B-L, Eqs. 38-39)", "CHARM with its label")
    T.check("rescaled_LSND" in by_name and by_name["rescaled_LSND"]["label"].startswith("LSND (rescaled from dark photon"),
            "LSND from the dark-photon outline")
    T.check(max(by_name["rescaled_LSND"]["x"]) < 0.135, "LSND cut below m_pi0")
    T.check({o["experiment"] for o in s["not_shown"]} == {"PS191", "NOMAD", "KEK"},
            "PS191, NOMAD, KEK: not shown (no outline in data/limits)")
    src = read_points(os.path.join(data_dir, "limits/b_minus_l/bounds_CHARM.txt"))
    for m in (0.03, 0.1):
        a, b = crossings(*src, m), crossings(charm["x"], charm["y"], m)
        if T.check(len(a) == 2 and len(b) == 2, "CHARM: one band at %g GeV" % m):
            T.check(abs(b[0] / a[0] / 128 ** 0.25 - 1) < 2e-3, "CHARM lower edge x (16 * 8)^(1/4) at %g GeV: %.5f" %
                    (m, b[0] / a[0]))
            T.check(abs(b[1] / a[1] / 5 ** 0.5 - 1) < 2e-3, "CHARM upper edge x sqrt(5) at %g GeV: %.5f" %
                    (m, b[1] / a[1]))
    src = read_points(os.path.join(data_dir, "limits/b_minus_l/bounds_Orsay.txt"))
    a, b = crossings(*src, 0.03), crossings(orsay["x"], orsay["y"], 0.03)
    T.check(len(a) == 2 and len(b) == 2 and abs(b[0] / a[0] / 64 ** 0.25 - 1) < 2e-3,
            "Orsay lower edge x 64^(1/4) (004 Eq. 52, fourth root)")
    # x_H = 0, x_Phi = 2: every coupling halves
    status, _, doc = get(d, "?model=u1x&x_H=0&x_Phi=2")
    s = rescaled_set(doc)
    charm = {o["name"]: o for o in s["limits"]}.get("rescaled_CHARM") if s else None
    xs, ys = read_points(os.path.join(data_dir, "limits/b_minus_l/bounds_CHARM.txt"))
    if T.check(charm is not None and len(charm["x"]) == len(xs), "x_Phi = 2: CHARM with the input's points"):
        got = all(any(abs(x - u) <= 1e-12 * u and abs(y - v / 2) <= 1e-12 * v for u, v in zip(xs, ys))
                  for x, y in zip(charm["x"], charm["y"]))
        T.check(got, "x_Phi = 2: every CHARM coupling halved")
    # x_H = 0 is B-L: CHARM and Orsay are the b_minus_l set's own outlines, not repeated
    status, _, doc = get(d, "?model=u1x&x_H=0")
    s = rescaled_set(doc)
    T.check(s is not None and [o["name"] for o in s["limits"]] == ["rescaled_LSND"] and
            {"CHARM", "Orsay"} <= {o["experiment"] for o in s["not_shown"]},
            "x_H = 0: only LSND rescaled; CHARM and Orsay served unchanged in b_minus_l")
    # bad input
    status, headers, doc = get(d, "?model=u1x&x_H=abc")
    T.check(status == 422 and headers.get("content-type", "").startswith("application/problem+json") and
            doc["errors"][0]["pointer"] == "/x_H", "x_H=abc: 422 problem+json naming /x_H")
    status, _, doc = get(d, "?model=u1x&x_H=20")
    T.check(status == 422 and doc["errors"][0]["pointer"] == "/x_H" and doc["errors"][0]["rule"] == "out-of-range",
            "x_H=20: 422 out-of-range naming /x_H")
    status, _, doc = get(d, "?model=dark_photon&x_H=1")
    T.check(status == 400 and doc["errors"][0]["pointer"] == "/x_H", "x_H with another model: 400 naming /x_H")
    status, _, doc = get(d, "?model=u1x&x_Phi=0")
    T.check(status == 422 and doc["errors"][0]["pointer"] == "/x_Phi", "x_Phi=0 (below its range): 422 naming /x_Phi")


def main():
    data_dir = env_path("NUREACH_DATA_DIR")

    def run(d):
        test_dark_photon(d, data_dir)
        test_applicability(d)
        test_errors(d)
        test_rescaled(d, data_dir)

    return T.with_daemon("nureach-limits-", run)


if __name__ == "__main__":
    sys.exit(main())
