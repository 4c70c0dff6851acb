"""Issue 10 side by side: the N >= 3 region edges of the dark photon and B-L at FASER Run 3 from FORESEE
(KlingFelix/FORESEE, commit 2d6431f, checked out at $FORESEE), for README.md's table. Needs Debian's python3-numpy,
python3-scipy, python3-matplotlib, python3-numba; skhep/ and particle/ here are minimal stand-ins for the two
packages FORESEE imports (Lorentz vectors; PDG masses). Usage:
    FORESEE=/path/to/FORESEE python3 run.py dark_photon|b_minus_l
nureach's side: the dark_photon / b_minus_l models with experiment override distance_m = 480."""
import os, sys, time
HERE = os.path.dirname(os.path.abspath(__file__))
FORESEE = os.environ["FORESEE"]
sys.path.insert(0, HERE); sys.path.append(FORESEE)
import numpy as np
import edges
from src.foresee import Foresee, Model

energy = "13.6"
which = sys.argv[1]
if which == "dark_photon":
    os.chdir(os.path.join(FORESEE, "Models/DarkPhoton"))
    model = Model("DarkPhoton", path="./")
    model.add_production_2bodydecay(pid0="111", pid1="22", br="2.*0.99 * coupling**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)",
                                    generator=["EPOSLHC"], energy=energy, nsample=100)
    model.add_production_2bodydecay(pid0="221", pid1="22", br="2.*0.39 * coupling**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)",
                                    generator=["EPOSLHC"], energy=energy, nsample=100)
    model.add_production_direct(label="BremQRA", energy=energy, condition=None, configuration=["Brem_QRA_L1.5"],
                                coupling_ref=1, masses=[0.01, 0.035, 0.07, 0.105, 0.14])
    model.set_ctau_1d(filename="model/ctau.txt")
    modes_ = ["bfrac_elec", "bfrac_muon", "bfrac_2pi", "bfrac_PiGamma", "bfrac_3pi", "bfrac_KK"]
    model.set_br_1d(modes=modes_, finalstates=[[11, -11], [13, -13], [211, -211], [111, 22], None, [321, -321]],
                    filenames=["model/br/" + m + ".txt" for m in modes_])
    channels, modes = None, {"111": ["EPOSLHC"], "221": ["EPOSLHC"], "BremQRA": ["Brem_QRA_L1.5"]}
    masses = [0.01, 0.02, 0.05, 0.07, 0.1]
else:
    os.chdir(os.path.join(FORESEE, "Models/U(1)B-L"))
    model = Model("U(1)B-L", path="./")
    model.add_production_2bodydecay(pid0="111", pid1="22", br="2*0.99 * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)",
                                    generator=["EPOSLHC"], energy=energy, nsample=100)
    model.add_production_2bodydecay(pid0="221", pid1="22", br="2*0.25*0.39  * (coupling/0.303)**2 * pow(1.-pow(mass/self.masses('pid0'),2),3)",
                                    generator=["EPOSLHC"], energy=energy, nsample=100)
    model.add_production_direct(label="Brem", energy=energy, condition=["p.pt<1"], coupling_ref=0.303,
                                masses=[0.01, 0.0126, 0.0158, 0.02, 0.0251, 0.0316, 0.0398, 0.0501, 0.0631, 0.0794, 0.1])
    model.set_ctau_1d(filename="model/ctau.txt")
    modes_ = ["e_e", "mu_mu", "nu_nu", "Hadrons"]
    model.set_br_1d(modes=modes_, finalstates=[[11, -11], [13, -13], [12, -12], None],
                    filenames=["model/br/" + m + ".txt" for m in modes_])
    channels, modes = ["e_e", "mu_mu", "Hadrons"], {"111": ["EPOSLHC"], "221": ["EPOSLHC"], "Brem": ["p.pt<1"]}
    masses = [0.01, 0.02, 0.05, 0.0631, 0.0794]
os.makedirs("model/LLP_spectra", exist_ok=True)
foresee = Foresee(path=FORESEE + "/")
foresee.set_model(model=model)
foresee.set_detector(distance=480, selection="np.sqrt((x.x)**2 + (x.y)**2)<0.1", length=1.5, luminosity=150,
                     channels=channels)
couplings = np.logspace(-8, -3, 501)
for mass in masses:
    t0 = time.time()
    foresee.get_llp_spectrum(mass=mass, coupling=1)
    out = foresee.get_events(mass=mass, energy=energy, couplings=couplings, modes=modes)
    nsig = np.array(out[2])
    nsig = nsig.sum(axis=1) if nsig.ndim == 2 else nsig
    lo, hi = edges.edges(couplings, nsig)
    print("%s m = %.4f GeV: N >= 3 for log10 coupling in [%.3f, %.3f] (%.0f s)" % (which, mass, lo, hi, time.time() - t0),
          flush=True)
