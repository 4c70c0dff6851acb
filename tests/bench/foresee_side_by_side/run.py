"""Issue 10 side by side: the N >= 3 region edges (log10 of the coupling) of the dark photon and B-L at FASER Run 3
from FORESEE (KlingFelix/FORESEE, commit 2d6431f), for README.md's table. Needs Debian's python3-numpy,
python3-scipy, python3-matplotlib, python3-numba (run with /usr/bin/python3); where scikit-hep's vectors or the
`particle` package are not installed, the stand-ins of tests/bench/foresee_compat/ are loaded (by
tests/bench/foresee_side_by_side.py's loader, which this script shares). Usage, from the worktree root:
    FORESEE_DIR=/path/to/FORESEE /usr/bin/python3 tests/bench/foresee_side_by_side/run.py dark_photon|b_minus_l
FORESEE's checkout is only read: its model tables are linked into a scratch folder, removed at the end.
Geometry: face 480 m from the IP, 1.5 m long, R < 0.1 m at the face, 150 fb^-1, EPOS-LHC mesons (nsample 100).
Dark photon: pi0, eta, and FORESEE's default quasi-real bremsstrahlung Brem_QRA_L1.5; all decays. B-L: pi0, eta
(anomaly factor 1/4 for the eta) and FWW bremsstrahlung with the U(1)B-L notebook's three conditions, its pT < 1 GeV
spectra used (foresee_side_by_side.py's BREM_CONDITIONS / BL_MODES: a single condition is not applied by FORESEE
and asking for a label it does not have gives zero bremsstrahlung silently; check_spectra stops the run then);
visible decays e e, mu mu, hadrons. nureach's side: the dark_photon / b_minus_l models with the experiment override
distance_m = 480."""
import importlib.util
import random
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
_spec = importlib.util.spec_from_file_location("foresee_side_by_side",
                                               os.path.join(os.path.dirname(HERE), "foresee_side_by_side.py"))
fsbs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fsbs)

import numpy as np  # noqa: E402
import edges  # noqa: E402

ENERGY = "13.6"


def link_model(foresee_dir, name, scratch, entries):
    """A scratch copy of FORESEE's Models/<name>/model with the given entries linked (read only)."""
    src = os.path.join(foresee_dir, "Models", name, "model")
    os.makedirs(os.path.join(scratch, "model"))
    for entry in entries:
        os.symlink(os.path.join(src, entry), os.path.join(scratch, "model", entry))


def dark_photon(Model, scratch):
    model = Model("DarkPhoton", path=scratch + "/")
    model.add_production_2bodydecay(pid0="111", pid1="22", generator=["EPOSLHC"], energy=ENERGY, nsample=100,
                                    br="2.*0.99 * coupling**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)")
    model.add_production_2bodydecay(pid0="221", pid1="22", generator=["EPOSLHC"], energy=ENERGY, nsample=100,
                                    br="2.*0.39 * coupling**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)")
    model.add_production_direct(label="BremQRA", energy=ENERGY, condition=None, configuration=["Brem_QRA_L1.5"],
                                coupling_ref=1, masses=[0.01, 0.035, 0.07, 0.105, 0.14])
    model.set_ctau_1d(filename="model/ctau.txt")
    modes = ["bfrac_elec", "bfrac_muon", "bfrac_2pi", "bfrac_PiGamma", "bfrac_3pi", "bfrac_KK"]
    model.set_br_1d(modes=modes, finalstates=[[11, -11], [13, -13], [211, -211], [111, 22], None, [321, -321]],
                    filenames=["model/br/" + m + ".txt" for m in modes])
    return model, None, {"111": ["EPOSLHC"], "221": ["EPOSLHC"], "BremQRA": ["Brem_QRA_L1.5"]}, \
        [0.01, 0.02, 0.05, 0.07, 0.1]


def b_minus_l(Model, scratch):
    model = Model("U(1)B-L", path=scratch + "/")
    model.add_production_2bodydecay(pid0="111", pid1="22", generator=["EPOSLHC"], energy=ENERGY, nsample=100,
                                    br="2*0.99 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)")
    model.add_production_2bodydecay(pid0="221", pid1="22", generator=["EPOSLHC"], energy=ENERGY, nsample=100,
                                    br="2*0.25*0.39 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)")
    model.add_production_direct(label="Brem", energy=ENERGY, condition=fsbs.BREM_CONDITIONS, coupling_ref=0.303,
                                masses=[0.01, 0.0126, 0.0158, 0.02, 0.0251, 0.0316, 0.0398, 0.0501, 0.0631, 0.0794,
                                        0.1])
    model.set_ctau_1d(filename="model/ctau.txt")
    modes = ["e_e", "mu_mu", "nu_nu", "Hadrons"]
    model.set_br_1d(modes=modes, finalstates=[[11, -11], [13, -13], [12, -12], None],
                    filenames=["model/br/" + m + ".txt" for m in modes])
    return model, ["e_e", "mu_mu", "Hadrons"], fsbs.BL_MODES, [0.01, 0.02, 0.05, 0.0631, 0.0794]


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which not in ("dark_photon", "b_minus_l"):
        sys.exit("usage: FORESEE_DIR=/path/to/FORESEE run.py dark_photon|b_minus_l")
    foresee_dir = os.path.abspath(os.environ["FORESEE_DIR"])
    stand_ins = fsbs.use_compat_where_missing()
    if stand_ins:
        print("stand-ins from tests/bench/foresee_compat for:", ", ".join(stand_ins))
    sys.path.insert(0, os.path.join(foresee_dir, "src"))
    from foresee import Foresee, Model
    scratch = tempfile.mkdtemp(prefix="foresee_run.")
    try:
        if which == "dark_photon":
            link_model(foresee_dir, "DarkPhoton", scratch, ("ctau.txt", "br", "direct"))
            model, channels, modes, masses = dark_photon(Model, scratch)
        else:
            link_model(foresee_dir, "U(1)B-L", scratch, ("ctau.txt", "br", "direct"))
            model, channels, modes, masses = b_minus_l(Model, scratch)
        foresee = Foresee(path=foresee_dir + "/")
        foresee.rng = random.Random(20261204)  # FORESEE samples with its own rng: repeatable runs
        foresee.set_model(model=model)
        foresee.set_detector(distance=480, selection="np.sqrt((x.x)**2 + (x.y)**2)<0.1", length=1.5, luminosity=150,
                             channels=channels)
        couplings = np.logspace(-8, -3, 501)
        for mass in masses:
            t0 = time.time()
            with fsbs.foresee_quiet():
                foresee.get_llp_spectrum(mass=mass, coupling=1)
            fsbs.check_spectra(model, ENERGY, mass, modes)
            per_mode = {}
            for key in modes:
                with fsbs.foresee_quiet():
                    out = foresee.get_events(mass=mass, energy=ENERGY, couplings=couplings,
                                             modes={key: list(modes[key])})
                n = np.asarray(out[2], dtype=float)
                per_mode[key] = n[:, 0] if n.ndim == 2 else n
            lo, hi = edges.edges(couplings, sum(per_mode.values()))
            # the meson decays alone (every production but the direct one), to tell the channels' parts apart
            mlo, mhi = edges.edges(couplings, sum(v for key, v in per_mode.items()
                                                  if model.production[key]["type"] != "direct"))
            fmt = lambda v: "none" if v is None else "%.3f" % v  # noqa: E731
            at = {key: float(np.interp(-5.0, np.log10(couplings), v)) for key, v in per_mode.items()}
            print("%s m = %.4f GeV: N >= 3 for log10 coupling in [%s, %s] (meson decays alone [%s, %s]); events at "
                  "coupling 1e-5 by mode: %s (%.0f s)"
                  % (which, mass, fmt(lo), fmt(hi), fmt(mlo), fmt(mhi),
                     ", ".join("%s %.3g" % kv for kv in at.items()), time.time() - t0), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
