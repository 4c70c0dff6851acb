#!/usr/bin/python3
"""test_limits.py: GET /api/v1/limits against a live daemon.

Golden values come from the installed data files themselves, read here independently of the daemon:
every outline's points equal its file's "x y" rows (data/limits/<set>/<file>), labels and positions equal
labels.tsv's row, and the sets applying to each model follow data/limits/PROVENANCE.txt (B-L outlines for
b_minus_l and for u1x at x_H = 0, x_Phi = 1; HNL outlines for one flavour of mixing; none for dipole).
Bad input: an unknown model or query argument answers 400 naming the field.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
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


def main():
    data_dir = env_path("NUREACH_DATA_DIR")

    def run(d):
        test_dark_photon(d, data_dir)
        test_applicability(d)
        test_errors(d)

    return T.with_daemon("nureach-limits-", run)


if __name__ == "__main__":
    sys.exit(main())
