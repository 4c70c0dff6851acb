"""PDG masses, charges, lifetimes and widths for the particles FORESEE asks the `particle` package about in the
light-vector models (B-L, dark photon): a stand-in written for tests/bench/foresee_side_by_side.py, used only when
the `particle` package is not installed. Only `Particle.from_pdgid(pid)` with `.mass` [MeV], `.charge` [e], `.ctau`
[mm] and `.width` [MeV] is provided; an id not in the table raises ParticleNotFound (a LookupError).

Values: Particle Data Group, R.L. Workman et al., Review of Particle Physics, PTEP 2022, 083C01, Summary Tables
(mass, and the mean life tau for particles that travel or the full width Gamma for resonances); the electron,
proton and neutron masses are the CODATA 2018 values the Review quotes. The other quantity follows from
Gamma tau = hbar: c tau = hbar c / Gamma, hbar = 6.582119569e-22 MeV s and hbar c = 197.3269804 MeV fm (CODATA
2018, exact SI). Stable particles have c tau = inf and width 0.
"""
import math

HBAR_MEV_S = 6.582119569e-22
HBAR_C_MEV_MM = 197.3269804e-12  # 197.3269804 MeV fm
C_MM_PER_S = 299792458.0e3

_STABLE = "stable"


class ParticleNotFound(LookupError):
    pass


# pdg id: (name, mass [MeV], charge [e], ("tau", mean life [s]) | ("width", Gamma [MeV]) | _STABLE, self-conjugate)
_TABLE = {
    22: ("gamma", 0.0, 0.0, _STABLE, True),
    11: ("e-", 0.51099895000, -1.0, _STABLE, False),
    12: ("nu_e", 0.0, 0.0, _STABLE, False),
    13: ("mu-", 105.6583755, -1.0, ("tau", 2.1969811e-6), False),
    14: ("nu_mu", 0.0, 0.0, _STABLE, False),
    15: ("tau-", 1776.86, -1.0, ("tau", 290.3e-15), False),
    16: ("nu_tau", 0.0, 0.0, _STABLE, False),
    111: ("pi0", 134.9768, 0.0, ("tau", 8.43e-17), True),
    211: ("pi+", 139.57039, 1.0, ("tau", 2.6033e-8), False),
    113: ("rho(770)0", 775.26, 0.0, ("width", 149.1), True),
    221: ("eta", 547.862, 0.0, ("width", 1.31e-3), True),
    223: ("omega(782)", 782.66, 0.0, ("width", 8.68), True),
    331: ("eta'(958)", 957.78, 0.0, ("width", 0.188), True),
    333: ("phi(1020)", 1019.461, 0.0, ("width", 4.249), True),
    130: ("K(L)0", 497.611, 0.0, ("tau", 5.116e-8), True),
    310: ("K(S)0", 497.611, 0.0, ("tau", 8.954e-11), True),
    321: ("K+", 493.677, 1.0, ("tau", 1.2380e-8), False),
    443: ("J/psi(1S)", 3096.900, 0.0, ("width", 92.6e-3), True),
    2212: ("p", 938.27208816, 1.0, _STABLE, False),
    2112: ("n", 939.56542052, 0.0, ("tau", 878.4), False),
}


class Particle:
    """One particle of the table: name, pdgid, mass [MeV], charge [e], ctau [mm], width [MeV]."""

    def __init__(self, pdgid, name, mass, charge, ctau, width):
        self.pdgid, self.name, self.mass, self.charge, self.ctau, self.width = pdgid, name, mass, charge, ctau, width

    def __repr__(self):
        return f"<Particle {self.name} ({self.pdgid}): m = {self.mass} MeV>"

    @classmethod
    def from_pdgid(cls, pdgid):
        pid = int(pdgid)
        entry = _TABLE.get(abs(pid))
        if entry is None or (pid < 0 and entry[4]):
            raise ParticleNotFound(f"PDG id {pid} is not in tests/bench/foresee_compat/particle (add it from the "
                                   "PDG Summary Tables)")
        name, mass, charge, decay, _ = entry
        if decay == _STABLE:
            ctau, width = math.inf, 0.0
        elif decay[0] == "tau":
            ctau, width = C_MM_PER_S * decay[1], HBAR_MEV_S / decay[1]
        else:
            ctau, width = HBAR_C_MEV_MM / decay[1], decay[1]
        if pid < 0:
            name, charge = "anti-" + name, -charge
        return cls(pid, name, mass, charge, ctau, width)
