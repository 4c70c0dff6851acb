#!/usr/bin/env python3
"""foresee_side_by_side.py: the same B-L reach grid at FASER (Run 3) in FORESEE and in nureach, both timed from
nothing (no precomputed LLP spectra on either side); prints both times and their ratio. Not run in CI.

Needs a FORESEE checkout (https://github.com/KlingFelix/FORESEE) with its Python dependencies, and a nureach build:
  FORESEE_DIR=/path/to/FORESEE python3 tests/bench/foresee_side_by_side.py [points] [build dir]
(defaults 20 and build-test). FORESEE side: the U(1)B-L model folder that ships with FORESEE (its ctau and
branching-fraction tables), pi0 and eta -> gamma Z' production from EPOS-LHC, the LLP spectrum generated for every
mass (get_llp_spectrum), then get_events over the couplings; FASER Run 3 geometry (480 m, 1.5 m, R = 10 cm,
150 fb^-1 here; nureach's FASER preset is its own experiment table). nureach side: `bench_bounds engine b_minus_l
<points> 1` (one thread, in process, contour refined) and the same with 2 threads. FORESEE's API changed between
versions: the calls below follow its U(1)B-L notebook; adapt them if your checkout differs.
"""
import os
import subprocess
import sys
import time

import numpy as np


def time_foresee(points):
    src = os.path.join(os.environ["FORESEE_DIR"], "src")
    sys.path.append(src)
    from foresee import Foresee, Model  # noqa: E402 (FORESEE is not a package)

    model_dir = os.path.join(os.environ["FORESEE_DIR"], "Models", "U(1)B-L")
    energy = "13.6"
    t0 = time.process_time(), time.perf_counter()
    foresee = Foresee(path=os.environ["FORESEE_DIR"] + "/")
    model = Model("U(1)B-L", path=model_dir + "/")
    # pi0, eta -> gamma Z' with the B-L anomaly factors (as in FORESEE's B-L notebook)
    model.add_production_2bodydecay(pid0="111", pid1="22",
                                    br="2.*0.99 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('111'),2),3)",
                                    generator="EPOSLHC", energy=energy, nsample=10)
    model.add_production_2bodydecay(pid0="221", pid1="22",
                                    br="2.*0.39 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('221'),2),3)",
                                    generator="EPOSLHC", energy=energy, nsample=10)
    model.set_ctau_1d(filename="model/ctau.txt", coupling_ref=1)
    model.set_br_1d(modes=["e_e", "mu_mu"], filenames=["model/br/e_e.txt", "model/br/mu_mu.txt"])
    foresee.set_model(model=model)
    masses = np.logspace(np.log10(0.01), 0, points)
    for mass in masses:
        foresee.get_llp_spectrum(mass, coupling=1, do_plot=False)
    foresee.set_detector(distance=480, selection="np.sqrt(x.x**2 + x.y**2)< 0.1", length=1.5, luminosity=150,
                         channels=["e_e", "mu_mu"])
    for mass in masses:
        result = foresee.get_events(mass=mass, energy=energy, couplings=np.logspace(-8, -3, points))
        _ = result[2]  # nevents per coupling
    return time.process_time() - t0[0], time.perf_counter() - t0[1]


def time_nureach(points, build, threads):
    exe = os.path.join(build, "tests", "bench_bounds")
    t0 = time.perf_counter()
    out = subprocess.run([exe, "engine", "b_minus_l", str(points), str(threads)], capture_output=True, text=True,
                         check=True).stdout
    return time.perf_counter() - t0, out.strip()


def main():
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    build = sys.argv[2] if len(sys.argv) > 2 else "build-test"
    if "FORESEE_DIR" not in os.environ:
        sys.exit("set FORESEE_DIR to a FORESEE checkout")
    f_cpu, f_wall = time_foresee(points)
    print(f"FORESEE B-L {points} x {points} FASER from nothing: CPU {f_cpu:.1f} s, wall {f_wall:.1f} s")
    for threads in (1, 2):
        wall, line = time_nureach(points, build, threads)
        print(f"nureach ({threads} thread(s), process wall incl. engine start {wall:.2f} s): {line}")
        print(f"  ratio FORESEE wall / nureach process wall: {f_wall / wall:.0f}")


if __name__ == "__main__":
    main()
