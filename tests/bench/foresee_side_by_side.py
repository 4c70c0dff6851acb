#!/usr/bin/env python3
"""foresee_side_by_side.py: the B-L reach grid at FASER (Run 3) in FORESEE and in nureach, both timed from nothing
(no LLP spectra computed beforehand on either side), with the ratio; then the event counts of both at a few
(mass, coupling) points, per production channel. A benchmark: prints figures, asserts nothing; not run in CI.

Usage (from the worktree root, after a build):
  FORESEE_DIR=/path/to/FORESEE python3 tests/bench/foresee_side_by_side.py [points] [build dir] [nsample]
defaults 20, build-test, 100. FORESEE (https://github.com/KlingFelix/FORESEE; written against commit 2d6431f) needs
numpy, scipy, matplotlib and numba (Debian: python3-numpy python3-scipy python3-matplotlib python3-numba, run with
/usr/bin/python3), and imports scikit-hep's `skhep.math.vectors` and the `particle` package. When either is not
installed, this script loads our own stand-in from tests/bench/foresee_compat/ (Lorentz vectors written from the
kinematics; PDG masses, widths and lifetimes with their source named) in its place, and says so; an installed
package is always preferred. FORESEE's checkout is only read: its spectra and results are written to a scratch
folder that is removed at the end.

The same grid on both sides: m_Z' = 0.01-1 GeV x g_B-L = 1e-8 - 1e-3, points x points, log spaced (the b_minus_l
preset of tests/bench/bounds_presets.h); FASER Run 3 as nureach's FASER table: front face 478.5 m from the IP,
1.5 m long, radius 0.1 m, 150 fb^-1; visible decays (e e, mu mu, hadrons). Production: pi0 -> gamma Z' and
eta -> gamma Z' from the EPOS-LHC 13.6 TeV spectra and proton bremsstrahlung, as in FORESEE's U(1)B-L notebook
(EPOS-LHC only, nsample decays per meson bin: the notebook's 100). Bremsstrahlung as the notebook declares it:
the three conditions pT < 1, 2, 0.5 GeV, and its pT < 1 GeV spectra used (FORESEE names a direct production by
its condition only when there are several: with one condition the production is named by the label, "Brem", and
FORESEE's single-condition branch (Foresee.get_spectrum_direct, 2d6431f) multiplies every weight by the
condition's value at the table's first momentum, so a lone "p.pt<1" cuts nothing; asking get_events for
"p.pt<1" then finds no spectrum file and FORESEE skips the channel without a word: zero bremsstrahlung).
check_spectra() below stops the run when a requested spectrum file is missing. FORESEE's bremsstrahlung is read
from spectra its authors tabulated beforehand (model/direct/), which nureach computes (FWW,
physics/bremsstrahlung.c): that part favours FORESEE.

What is timed:
- FORESEE: from constructing Foresee (numba compilation of its boost and selection included) through
  get_llp_spectrum for every mass and get_events over the couplings for every mass; CPU (process_time) and wall
  time. The Python and library imports before it are printed apart. get_llp_spectrum builds the bremsstrahlung
  spectra for all three of the notebook's conditions, of which one is compared: that costs FORESEE time nureach
  does not spend (measured 2026-12-05 at load 8-13 on 2 cores: spectra 36-40 s CPU against 25 s with one
  condition, which FORESEE would not apply; README, FORESEE side by side).
- nureach: `bench_bounds engine b_minus_l <points> <threads>` with 1 and 2 threads: the contour from a fresh
  prepared state as the daemon computes it (grid plus contour refinement: more evaluations than the grid), CPU
  and wall as the program prints them; and the whole process (child rusage, wall), which also contains engine
  start-up (data tables read, PDF cross-section tables built for the neutrino models, which B-L does not use)
  and ten runs of the floor program; `bench_bounds engine none` (start-up only) is timed too, and the whole
  process once more without those PDF tables and without the floor runs (BENCH_NO_WARM=1 BENCH_NO_FLOOR=1: what
  a B-L user from nothing needs).
The ratio is FORESEE over nureach's contour (CPU over CPU, wall over wall) and over nureach's whole process.

Event counts: nureach's `visible_from_pi0`, `visible_from_eta` and `visible_from_bremsstrahlung` from a daemon
(build dir/server/nureachd, started on a scratch state folder) against FORESEE's get_events restricted to each
channel, same geometry. FORESEE's meson counts are Monte Carlo estimates (nsample decays per meson bin; its rng is
seeded here so runs repeat).
"""
import contextlib
import importlib
import importlib.util
import io
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COMPAT = os.path.join(HERE, "foresee_compat")

ENERGY = "13.6"
M_RANGE = (0.01, 1.0)       # GeV, the b_minus_l preset
G_RANGE = (1e-8, 1e-3)
FASER = {"distance_m": 478.5, "length_m": 1.5, "radius_m": 0.1, "luminosity_fb": 150.0}  # nureach's FASER
VISIBLE = ["e_e", "mu_mu", "Hadrons"]
CHECK_POINTS = [(0.02, 1e-6), (0.05, 1e-6), (0.05, 3e-6), (0.1, 1e-6), (0.3, 2e-7)]  # (m_Z' [GeV], g_B-L)
LFS_POINTER = "version https://git-lfs.github.com/spec"
# FORESEE's U(1)B-L notebook: add_production_direct(label="Brem", condition=[...these...]) and get_events with
# modes {"Brem": ["p.pt<1", ...]}; the central pT < 1 GeV is compared (FORESEE's labels, read from its notebook)
BREM_CONDITIONS = ["p.pt<1", "p.pt<2", "p.pt<0.5"]
BL_MODES = {"111": ["EPOSLHC"], "221": ["EPOSLHC"], "Brem": ["p.pt<1"]}


def use_compat_where_missing():
    """Loads tests/bench/foresee_compat's skhep / particle for whichever real package does not import; returns the
    names of the stand-ins used."""
    used = []
    for package, probe in (("skhep", "skhep.math.vectors"), ("particle", "particle")):
        try:
            importlib.import_module(probe)
            continue
        except ImportError:
            pass
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
        folder = os.path.join(COMPAT, package)
        spec = importlib.util.spec_from_file_location(package, os.path.join(folder, "__init__.py"),
                                                      submodule_search_locations=[folder])
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
        importlib.import_module(probe)
        used.append(package)
    return used


def check_spectra(model, energy, mass, modes):
    """Exits when get_events would skip a requested mode without a word (FORESEE does when the spectrum file of a
    production is missing, giving zero events for that channel): a production label FORESEE does not have, or a
    direct production (tabulated at this mass) that wrote no spectrum. Meson decays closed at this mass write none
    and are not checked."""
    for key, productions in modes.items():
        if key not in model.production:
            sys.exit(f"FORESEE model has no production {key!r} (it has {sorted(model.production)})")
        known = model.production[key]["production"]
        for production in productions:
            if production not in known:
                sys.exit(f"FORESEE production {key!r} has no {production!r}: its labels are {known}")
            masses = model.production[key].get("masses")
            if model.production[key]["type"] != "direct" or not masses or not masses[0] <= mass <= masses[-1]:
                continue
            path = (model.modelpath + "model/LLP_spectra/" + energy + "TeV_" + key + "_" + production + "_m_" +
                    str(mass) + ".npy")
            if not os.path.isfile(path):
                sys.exit(f"FORESEE wrote no spectrum {path}: {key}/{production} would count zero events")


def check_real_files(paths):
    """Exits naming the first file that is missing or a Git LFS pointer instead of its content."""
    for path in paths:
        if not os.path.isfile(path):
            sys.exit(f"FORESEE file missing: {path}")
        with open(path, errors="replace") as f:
            if f.readline().startswith(LFS_POINTER):
                sys.exit(f"FORESEE file is a Git LFS pointer, not its content: {path} (git lfs pull)")


@contextlib.contextmanager
def foresee_quiet():
    """FORESEE prints a line for every spectrum file it saves: drop those, pass on anything else it says."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            yield
    finally:
        for line in captured.getvalue().splitlines():
            if line.strip() and not line.startswith("save data to file:"):
                print("FORESEE says:", line)


def log_grid(lo, hi, n):
    import numpy as np
    return np.logspace(np.log10(lo), np.log10(hi), n)


class ForeseeBL:
    """FORESEE set up for B-L at FASER on a scratch model folder (FORESEE's tables linked, read only)."""

    def __init__(self, foresee_dir, scratch, nsample):
        from foresee import Foresee, Model  # FORESEE's src/ is on sys.path (it is not an installed package)
        src_model = os.path.join(foresee_dir, "Models", "U(1)B-L", "model")
        os.makedirs(os.path.join(scratch, "model"))
        for name in ("ctau.txt", "br", "direct"):
            os.symlink(os.path.join(src_model, name), os.path.join(scratch, "model", name))
        brem_dir = os.path.join(src_model, "direct", ENERGY + "TeV")
        brem_masses = sorted(float(m.group(1)) for m in
                             (re.fullmatch(r"Brem_" + re.escape(ENERGY) + r"TeV_([0-9.]+)\.txt", f)
                              for f in os.listdir(brem_dir)) if m)

        self.foresee = Foresee(path=foresee_dir + "/")
        self.foresee.rng = random.Random(20261204)  # FORESEE samples with its own rng: a fixed seed, repeatable runs
        model = Model("U(1)B-L", path=scratch + "/")
        # pi0, eta -> gamma Z': BR = 2 (g/e)^2 BR(pi0 -> gamma gamma) (1 - m^2/m_pi^2)^3 and the eta's with anomaly
        # factor 1/4 of the pi0's (FORESEE's U(1)B-L notebook, from 1801.04847 Table 3; e = 0.303)
        model.add_production_2bodydecay(
            pid0="111", pid1="22", generator=["EPOSLHC"], energy=ENERGY, nsample=nsample,
            br="2*0.99 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)")
        model.add_production_2bodydecay(
            pid0="221", pid1="22", generator=["EPOSLHC"], energy=ENERGY, nsample=nsample,
            br="2*0.25*0.39 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)")
        # the notebook's three conditions (see the top of this file: a single one would not be applied)
        model.add_production_direct(label="Brem", energy=ENERGY, condition=BREM_CONDITIONS, coupling_ref=0.303,
                                    masses=brem_masses)
        model.set_ctau_1d(filename="model/ctau.txt")
        modes = ["e_e", "mu_mu", "nu_nu", "Hadrons"]
        model.set_br_1d(modes=modes, finalstates=[[11, -11], [13, -13], [12, -12], None],
                        filenames=["model/br/" + m + ".txt" for m in modes])
        self.foresee.set_model(model=model)
        self.model = model
        self.foresee.set_detector(distance=FASER["distance_m"], length=FASER["length_m"],
                                  selection=f"np.sqrt(x.x**2 + x.y**2) < {FASER['radius_m']}",
                                  luminosity=FASER["luminosity_fb"], channels=VISIBLE)

    def spectrum(self, mass):
        with foresee_quiet():
            self.foresee.get_llp_spectrum(mass=mass, coupling=1)

    def events(self, mass, couplings, modes=None):
        """Visible events in the volume per coupling (summed over the channels in modes, default BL_MODES)."""
        import numpy as np
        modes = {k: list(v) for k, v in (modes or BL_MODES).items()}  # get_events pads the lists in place
        check_spectra(self.model, ENERGY, mass, modes)
        with foresee_quiet():
            _, _, nevents, _, _ = self.foresee.get_events(mass=mass, energy=ENERGY,
                                                          couplings=np.asarray(couplings), modes=modes)
        nevents = np.asarray(nevents, dtype=float)
        return nevents[:, 0] if nevents.ndim == 2 else nevents


def time_foresee(foresee_dir, scratch, points, nsample):
    masses, couplings = log_grid(*M_RANGE, points), log_grid(*G_RANGE, points)
    c0, w0 = time.process_time(), time.perf_counter()
    fs = ForeseeBL(foresee_dir, scratch, nsample)
    c1, w1 = time.process_time(), time.perf_counter()
    for mass in masses:
        fs.spectrum(mass)
    c2, w2 = time.process_time(), time.perf_counter()
    above = sum(int((fs.events(mass, couplings) >= 3.0).sum()) for mass in masses)
    c3, w3 = time.process_time(), time.perf_counter()
    print(f"FORESEE  set-up (numba compilation) CPU {c1 - c0:6.1f} s wall {w1 - w0:6.1f} s | spectra "
          f"({points} masses) CPU {c2 - c1:6.1f} s wall {w2 - w1:6.1f} s | events ({points} x {points}) "
          f"CPU {c3 - c2:6.1f} s wall {w3 - w2:6.1f} s", flush=True)
    print(f"FORESEE  total from nothing: CPU {c3 - c0:.1f} s, wall {w3 - w0:.1f} s "
          f"({above} of {points * points} grid points with N >= 3)", flush=True)
    return fs, c3 - c0, w3 - w0


def run_bench_bounds(build, preset, points, threads, warm=True):
    """(process CPU [s], process wall [s], the contour's (CPU, wall) [s] as printed or None, the printed line);
    warm=False skips the PDF tables the daemon builds at start-up (BENCH_NO_WARM=1), which B-L does not use, and the
    bench's ten floor runs (BENCH_NO_FLOOR=1), which are no part of nureach's work"""
    exe = os.path.join(build, "tests", "bench_bounds")
    env = dict(os.environ, NUREACH_DATA_DIR=os.environ.get("NUREACH_DATA_DIR", os.path.join(ROOT, "data")))
    if not warm:
        env["BENCH_NO_WARM"] = "1"
        env["BENCH_NO_FLOOR"] = "1"
    r0, w0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    out = subprocess.run([exe, "engine", preset, str(points), str(threads)], capture_output=True, text=True,
                         check=True, env=env).stdout.strip()
    wall = time.perf_counter() - w0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    m = re.search(r"miss: CPU\s+([0-9.]+) ms wall\s+([0-9.]+) ms", out)
    contour = (float(m.group(1)) * 1e-3, float(m.group(2)) * 1e-3) if m else None
    return cpu, wall, contour, out


def time_nureach(build, points, f_cpu, f_wall):
    s_cpu, s_wall, _, _ = run_bench_bounds(build, "none", points, 1)
    print(f"nureach  engine start-up only (bench_bounds engine none): process CPU {s_cpu:.2f} s, wall {s_wall:.2f} s")
    for threads in (1, 2):
        cpu, wall, contour, line = run_bench_bounds(build, "b_minus_l", points, threads)
        print(f"nureach  bench_bounds engine b_minus_l {points} {threads}: {line}")
        if contour is None:
            print("  (no contour figures in its output)")
            continue
        print(f"  contour CPU {contour[0]:.3f} s wall {contour[1]:.3f} s; whole process CPU {cpu:.2f} s wall "
              f"{wall:.2f} s")
        print(f"  ratio FORESEE / nureach contour: CPU {f_cpu / contour[0]:.0f}, wall {f_wall / contour[1]:.0f}; "
              f"FORESEE / nureach whole process: CPU {f_cpu / cpu:.0f}, wall {f_wall / wall:.0f}", flush=True)
        cpu, wall, _, _ = run_bench_bounds(build, "b_minus_l", points, threads, warm=False)
        print(f"  whole process without the neutrino models' PDF tables and the floor runs (BENCH_NO_WARM=1 "
              f"BENCH_NO_FLOOR=1): CPU {cpu:.2f} s wall "
              f"{wall:.2f} s; ratio FORESEE / nureach CPU {f_cpu / cpu:.0f}, wall {f_wall / wall:.0f}", flush=True)


def nureach_channels(build, scratch):
    """{(mass, g): {signal: events}} at CHECK_POINTS from a daemon on a scratch state folder."""
    import json
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    from nrtest import Daemon  # the integration tests' daemon start/stop and request helper
    os.environ.setdefault("NUREACHD", os.path.join(build, "server", "nureachd"))
    os.environ.setdefault("NUREACH_DATA_DIR", os.path.join(ROOT, "data"))
    os.environ.setdefault("NUREACH_STATIC_DIR", os.path.join(ROOT, "static"))
    os.environ.setdefault("NUREACH_SCHEMA_DIR", os.path.join(ROOT, "schema"))
    daemon = Daemon(os.path.join(scratch, "nureach_state"))
    result = {}
    try:
        if not daemon.start():
            print("nureach daemon did not start:", daemon.stderr_text()[-500:])
            return result
        for mass, g in CHECK_POINTS:
            body = {"model": "b_minus_l", "experiment": "FASER", "params": {"m_Zp": mass, "g_BL": g}}
            status, _, payload = daemon.request("POST", "/api/v1/rates", body)
            if status != 200:
                print(f"nureach rates at m = {mass}, g = {g}: HTTP {status} {payload[:200]!r}")
                continue
            result[(mass, g)] = {c["name"]: c["events"] for c in json.loads(payload)["result"]["channels"]}
    finally:
        daemon.stop()
    return result


def compare_events(fs, build, scratch):
    print("\nEvent counts, visible decays in FASER (478.5 m, 1.5 m, R 0.1 m, 150 fb^-1), FORESEE / nureach:")
    nureach = nureach_channels(build, scratch)
    channels = (("pi0", "111", ["EPOSLHC"], "visible_from_pi0"), ("eta", "221", ["EPOSLHC"], "visible_from_eta"),
                ("brem", "Brem", BL_MODES["Brem"], "visible_from_bremsstrahlung"))
    print(f"{'m [GeV]':>8} {'g_B-L':>8} | " + " | ".join(f"{name + ': FORESEE':>14} {'nureach':>9} {'ratio':>6}"
                                                         for name, *_ in channels))
    for mass, g in CHECK_POINTS:
        if (mass, g) not in nureach:
            continue
        fs.spectrum(mass)
        cells = []
        for name, key, production, signal in channels:
            f = float(fs.events(mass, [g], modes={key: production})[0])
            n = nureach[(mass, g)].get(signal, float("nan"))
            ratio = f"{f / n:6.3f}" if n > 0 else "     -"
            cells.append(f"{f:14.3g} {n:9.3g} {ratio}")
        print(f"{mass:8.3f} {g:8.1e} | " + " | ".join(cells), flush=True)
    print("FORESEE's meson channels are Monte Carlo estimates (nsample decays per bin). Bremsstrahlung: FORESEE's FWW "
          "tables use the Blumlein-Brunner splitting and pT < 1 GeV, nureach 004 Eq. 27 and no pT cut (README, "
          "'Bremsstrahlung options': 004 gives 0.55 of FORESEE's tables at 50 MeV in the long-lived limit)")


def main():
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    build = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build-test")
    nsample = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    foresee_dir = os.environ.get("FORESEE_DIR")
    if not foresee_dir:
        sys.exit("set FORESEE_DIR to a FORESEE checkout")
    foresee_dir = os.path.abspath(foresee_dir)
    b_l = os.path.join(foresee_dir, "Models", "U(1)B-L", "model")
    hadrons = os.path.join(foresee_dir, "files", "hadrons", ENERGY + "TeV", "EPOSLHC")
    check_real_files([os.path.join(foresee_dir, "src", "foresee.py"), os.path.join(b_l, "ctau.txt")] +
                     [os.path.join(b_l, "br", m + ".txt") for m in ("e_e", "mu_mu", "nu_nu", "Hadrons")] +
                     [os.path.join(hadrons, f"EPOSLHC_{ENERGY}TeV_{pid}.txt") for pid in (111, 221)] +
                     [os.path.join(b_l, "direct", ENERGY + "TeV", f"Brem_{ENERGY}TeV_{m}.txt") for m in (0.01, 1.0)])

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; B-L {points} x {points}, m_Z' "
          f"{M_RANGE[0]}-{M_RANGE[1]} GeV x g {G_RANGE[0]:g}-{G_RANGE[1]:g}, FORESEE nsample {nsample}", flush=True)
    c0, w0 = time.process_time(), time.perf_counter()
    stand_ins = use_compat_where_missing()
    sys.path.insert(0, os.path.join(foresee_dir, "src"))
    import foresee  # noqa: F401 (numpy, scipy, matplotlib, numba and FORESEE itself)
    print(f"FORESEE  imports: CPU {time.process_time() - c0:.1f} s, wall {time.perf_counter() - w0:.1f} s; "
          + (f"stand-ins from tests/bench/foresee_compat for: {', '.join(stand_ins)}" if stand_ins
             else "scikit-hep and particle installed (no stand-ins)"), flush=True)

    scratch = tempfile.mkdtemp(prefix="foresee_side_by_side.")
    try:
        fs, f_cpu, f_wall = time_foresee(foresee_dir, scratch, points, nsample)
        time_nureach(build, points, f_cpu, f_wall)
        compare_events(fs, build, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
