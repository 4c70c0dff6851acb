# minimal stand-in for the `particle` package (PDG masses in MeV, ctau in mm, width in MeV) for the ids FORESEE asks
class _P:
    def __init__(self, mass, charge=0, ctau=None, width=None): self.mass, self.charge, self.ctau, self.width = mass, charge, ctau, width
_T = {111: _P(134.9768), 221: _P(547.862), 211: _P(139.57039, 1, 7804.5), 321: _P(493.677, 1, 3711.), 2212: _P(938.27208816, 1),
      11: _P(0.51099895, -1), 13: _P(105.6583755, -1), 113: _P(775.26, 0, None, 149.1), 223: _P(782.66, 0, None, 8.68),
      333: _P(1019.461, 0, None, 4.249), 22: _P(0.), 130: _P(497.611, 0, 15340.), 310: _P(497.611, 0, 26.844), 2112: _P(939.56542052)}
class Particle:
    @staticmethod
    def from_pdgid(pid):
        p = _T.get(abs(int(pid)))
        if p is None: raise KeyError(pid)
        q = -p.charge if int(pid) < 0 else p.charge
        return _P(p.mass, q, p.ctau, p.width)
