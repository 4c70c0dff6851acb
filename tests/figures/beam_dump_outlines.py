#!/usr/bin/env python3
"""beam_dump_outlines.py: the figure of issue 15's validation, the service's own E137, E141 and nu-Cal
exclusions for the dark photon and gauged B-L (paper 004, sec. III) drawn over the published outlines
(data/limits/{dark_photon,b_minus_l}/bounds_{E137,E141,NuCal}.txt, FORESEE's copies; PROVENANCE.txt).

The contours come from a running nureachd (POST /api/v1/bounds, 50 x 50, refined, threshold = the dump's N95%
of 004 Table V); the outlines are read from the data folder. What is compared is what
tests/test_beam_dump_outlines.c and tests/test_proton_dump_outlines.c assert: the bremsstrahlung-only signal at
the electron dumps (the published recasts are bremsstrahlung-only) and the full `visible` signal at nu-Cal.
Output: one SVG per model, written with no plotting library (log-log axes, decades labelled).

    build-test/server/nureachd --port 0 --port-file /tmp/p --state-dir /tmp/st --data-dir data &
    python3 tests/figures/beam_dump_outlines.py --url http://127.0.0.1:$(cat /tmp/p) --data-dir data \\
        --out-dir static/figures
"""
import argparse
import json
import math
import os
import sys
import time
import urllib.error
import urllib.request

# (experiment, signal, outline file, colour); the signal is the one the outline tests compare
DUMPS = [
    ("E137", "visible_from_bremsstrahlung", "bounds_E137.txt", "#1f6fb4"),
    ("E141", "visible_from_bremsstrahlung", "bounds_E141.txt", "#d9590b"),
    ("nu-Cal", "visible", "bounds_NuCal.txt", "#2a9d45"),
]
MODELS = [
    # (model, mass parameter, coupling parameter, coupling's symbol, limits folder)
    ("dark_photon", "m_Ap", "epsilon", "kinetic mixing epsilon", "dark_photon"),
    ("b_minus_l", "m_Zp", "g_BL", "g_B-L", "b_minus_l"),
]
X_RANGE = (1e-3, 2.0)  # boson mass [GeV]
Y_RANGE = (1e-9, 1e-3)  # coupling [dimensionless]


def request(url, method="GET", body=None, timeout=600):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read().decode()), r.headers
    except urllib.error.HTTPError as e:
        sys.exit("%s %s: %d %s" % (method, url, e.code, e.read().decode()[:400]))


def bounds(base, model, experiment, signal, x_param, y_param, points):
    """The contour polygons [(xs, ys)] of one model at one dump (waits for the job when the answer is 202)."""
    body = {"model": model, "experiment": experiment, "signal": signal,
            "scan": {"x": {"param": x_param, "min": X_RANGE[0], "max": X_RANGE[1], "points": points, "scale": "log"},
                     "y": {"param": y_param, "min": Y_RANGE[0], "max": Y_RANGE[1], "points": points, "scale": "log"}}}
    status, doc, headers = request(base + "/api/v1/bounds", "POST", body)
    if status == 202:
        job = headers.get("Location")
        while True:
            time.sleep(0.5)
            _, st, _ = request(base + job)
            if st.get("status") in ("done", "succeeded", "finished"):
                break
            if st.get("status") in ("failed", "cancelled"):
                sys.exit("%s at %s: job %s" % (model, experiment, st.get("status")))
        _, doc, _ = request(base + job + "/result")
    return [(c["x"], c["y"]) for c in doc["result"]["contours"]]


def read_outline(path):
    xs, ys = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                xs.append(float(parts[0]))
                ys.append(float(parts[1]))
    return xs, ys


class LogLogFrame:
    """Maps (x, y) in physical units to SVG pixels on log-log axes."""

    def __init__(self, left, top, width, height):
        self.left, self.top, self.width, self.height = left, top, width, height
        self.lx = [math.log10(v) for v in X_RANGE]
        self.ly = [math.log10(v) for v in Y_RANGE]

    def px(self, x, y):
        u = (math.log10(x) - self.lx[0]) / (self.lx[1] - self.lx[0])
        v = (math.log10(y) - self.ly[0]) / (self.ly[1] - self.ly[0])
        return self.left + u * self.width, self.top + (1.0 - v) * self.height

    def path(self, xs, ys, close):
        pts = ["%.1f,%.1f" % self.px(x, y) for x, y in zip(xs, ys) if x > 0 and y > 0]
        return ("M" + " L".join(pts) + (" Z" if close else "")) if pts else ""


def axes_svg(f, x_label, y_label):
    out = ['<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#333" stroke-width="1"/>'
           % (f.left, f.top, f.width, f.height)]
    for d in range(math.ceil(f.lx[0]), math.floor(f.lx[1]) + 1):
        x, _ = f.px(10.0 ** d, Y_RANGE[0])
        out.append('<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#ddd"/>' % (x, f.top, x, f.top + f.height))
        out.append('<text x="%.1f" y="%g" font-size="11" text-anchor="middle">10<tspan dy="-5" font-size="8">%d'
                   '</tspan></text>' % (x, f.top + f.height + 16, d))
    for d in range(math.ceil(f.ly[0]), math.floor(f.ly[1]) + 1):
        _, y = f.px(X_RANGE[0], 10.0 ** d)
        out.append('<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#ddd"/>' % (f.left, y, f.left + f.width, y))
        out.append('<text x="%g" y="%.1f" font-size="11" text-anchor="end">10<tspan dy="-5" font-size="8">%d'
                   '</tspan></text>' % (f.left - 6, y + 4, d))
    out.append('<text x="%g" y="%g" font-size="12" text-anchor="middle">%s</text>'
               % (f.left + f.width / 2, f.top + f.height + 36, x_label))
    out.append('<text x="%g" y="%g" font-size="12" text-anchor="middle" transform="rotate(-90 %g %g)">%s</text>'
               % (f.left - 42, f.top + f.height / 2, f.left - 42, f.top + f.height / 2, y_label))
    return out


def figure(base, data_dir, model, x_param, y_param, y_label, folder, points, commit):
    f = LogLogFrame(70, 40, 560, 400)
    body = axes_svg(f, "boson mass [GeV]", y_label)
    body.insert(0, '<clipPath id="frame"><rect x="%g" y="%g" width="%g" height="%g"/></clipPath>'
                % (f.left, f.top, f.width, f.height))
    legend = []
    for experiment, signal, outline_file, colour in DUMPS:
        xs, ys = read_outline(os.path.join(data_dir, "limits", folder, outline_file))
        body.append('<path d="%s" fill="none" stroke="%s" stroke-width="1.6" stroke-dasharray="5,3" '
                    'clip-path="url(#frame)"/>' % (f.path(xs, ys, True), colour))
        polygons = bounds(base, model, experiment, signal, x_param, y_param, points)
        for px, py in polygons:
            body.append('<path d="%s" fill="%s" fill-opacity="0.30" stroke="%s" stroke-width="1.4" '
                        'clip-path="url(#frame)"/>' % (f.path(px, py, True), colour, colour))
        legend.append((experiment, signal, colour, len(polygons)))
    y0 = f.top + 10
    for k, (experiment, signal, colour, n) in enumerate(legend):
        y = y0 + 34 * k
        x = f.left + f.width + 16
        body.append('<rect x="%g" y="%g" width="18" height="10" fill="%s" fill-opacity="0.3" stroke="%s"/>'
                    % (x, y, colour, colour))
        body.append('<text x="%g" y="%g" font-size="11">%s: nureach (%s)</text>' % (x + 24, y + 9, experiment, signal))
        body.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="1.6" stroke-dasharray="5,3"/>'
                    % (x, y + 22, x + 18, y + 22, colour))
        body.append('<text x="%g" y="%g" font-size="11">%s: published outline</text>' % (x + 24, y + 26, experiment))
    title = "%s at E137, E141 and nu-Cal: nureach (filled) vs published outlines (dashed)" % model
    note = "nureach %s, 50 x 50 refined contours, threshold N95%% of 004 Table V; outlines: data/limits/%s" % (
        commit, folder)
    head = ('<svg xmlns="http://www.w3.org/2000/svg" width="940" height="500" font-family="sans-serif">'
            '<rect width="100%%" height="100%%" fill="white"/>'
            '<text x="70" y="24" font-size="14">%s</text>'
            '<text x="70" y="492" font-size="10" fill="#555">%s</text>' % (title, note))
    return head + "\n".join(body) + "</svg>\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="a running nureachd, e.g. http://127.0.0.1:8080")
    ap.add_argument("--data-dir", default="data", help="the installed data folder (limits/)")
    ap.add_argument("--out-dir", default="static/figures")
    ap.add_argument("--points", type=int, default=50)
    ap.add_argument("--commit", default="", help="the commit named in the figure's footer")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    for model, x_param, y_param, y_label, folder in MODELS:
        svg = figure(a.url.rstrip("/"), a.data_dir, model, x_param, y_param, y_label, folder, a.points, a.commit)
        path = os.path.join(a.out_dir, "beam_dump_outlines_%s.svg" % model)
        with open(path, "w") as out:
            out.write(svg)
        print(path)


if __name__ == "__main__":
    main()
