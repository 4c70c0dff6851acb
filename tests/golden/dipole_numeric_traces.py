#!/usr/bin/env python3
"""dipole_numeric_traces.py: brute-force |M|^2 of the neutrino dipole portal (paper 001 Eq. 3.1),
an independent check of the analytic trace results in physics/models/dipole_xsec.c.

Nothing here uses a trace identity: the amplitudes are built from explicit 4x4 Dirac matrices (Dirac
representation), explicit u and v spinors and explicit photon propagators, then squared and summed over
spins numerically. Standard library only.

  L = mu_N nubar_L sigma_{mu nu} N_R F^{mu nu} + h.c.,  sigma^{mu nu} = (i/2)[g^mu, g^nu]
  vertex for an absorbed photon of momentum q (nu -> N):  2 mu_N ubar_N sigma^{mu nu} q_mu P_L u_nu
  photon propagator -g_{nu rho}/q^2
  targets: spin 0     e Z F (p + p')^mu
           spin 1/2   e ubar(p') [F1 g^mu + i F2 sigma^{mu nu} q_nu / (2 M)] u(p), q = p' - p
           electron   -e ubar g^mu u
  The incoming neutrino is left-handed (P_L): summed over its two basis spinors, not averaged.
  The target's initial spin is averaged (1/2).
  dsigma/dt = |M|^2 / (16 pi (s - m_T^2)^2)  in GeV^-4 (alpha, e^2 = 4 pi alpha).

Widths: N -> nu gamma with explicit transverse polarisation vectors, and N -> nu l+ l- through an off-shell
photon, integrated over the lepton angle in the l+l- rest frame by Gauss-Legendre quadrature, giving
dGamma/ds (s = m_ll^2) without any Dalitz-plot formula from the paper.

Arithmetic: Decimal with 50 digits (a small complex class below), so that |t| ~ (m_N^2 / 2E)^2 at E = 1 TeV
does not lose digits in q = k' - k; the golden values are good to ~1e-15.

Usage: python3 dipole_numeric_traces.py > dipole_traces.txt
Output lines (whitespace separated, '#' = comment, including comparisons with 001 as printed):
  xsec <target> e_nu m_n t m_t z a value      value = (dsigma/dt [GeV^-4]) / mu_N^2 [GeV^-2], i.e. GeV^-2;
       target = nucleus (current e Z F_Helm (p + p'), 001 A.3-A.4), proton / neutron (dipole F1, F2 of
       001 A.6-A.8 at Q^2 = -t), electron (F1 = 1, F2 = 0, charge -e)
  width_nugamma m_n value                     value = Gamma(N -> nu gamma) / mu_N^2 [GeV^3]
  dwidth_null m_n m_l s value                 value = (dGamma/ds [GeV^-1]) / mu_N^2 [GeV^-2], i.e. GeV
"""
import decimal
import math
import random
from decimal import Decimal

decimal.getcontext().prec = 50  # 50 significant digits: no cancellation problem at |t| ~ (m_N^2/2E)^2

ALPHA = 1.0 / 137.035999084  # PDG 2022, as physics/constants.h
E2 = 4.0 * math.pi * ALPHA   # e^2; the amplitudes below are computed with e = 1 and mu_N = 1
D0, D1, D2 = Decimal(0), Decimal(1), Decimal(2)
METRIC = (1, -1, -1, -1)


def dec(x):
    """Exact conversion of a float (or int) to Decimal."""
    return x if isinstance(x, Decimal) else Decimal(x)


class Cx:
    """Complex number with Decimal parts (the standard complex type has only 53-bit precision)."""
    __slots__ = ("re", "im")

    def __init__(self, re=D0, im=D0):
        self.re, self.im = dec(re), dec(im)

    def __add__(self, o):
        o = cx(o)
        return Cx(self.re + o.re, self.im + o.im)

    __radd__ = __add__

    def __sub__(self, o):
        o = cx(o)
        return Cx(self.re - o.re, self.im - o.im)

    def __neg__(self):
        return Cx(-self.re, -self.im)

    def __mul__(self, o):
        o = cx(o)
        return Cx(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)

    __rmul__ = __mul__

    def conj(self):
        return Cx(self.re, -self.im)

    def abs2(self):
        return self.re * self.re + self.im * self.im


def cx(x):
    return x if isinstance(x, Cx) else Cx(dec(x))


CI = Cx(D0, D1)

# ---------------------------------------------------------------- 4x4 complex matrices (lists of rows)


def mzero():
    return [[Cx() for _ in range(4)] for _ in range(4)]


def meye():
    m = mzero()
    for i in range(4):
        m[i][i] = Cx(D1)
    return m


def mmul(a, b):
    return [[sum((a[i][k] * b[k][j] for k in range(4)), Cx()) for j in range(4)] for i in range(4)]


def madd(a, b):
    return [[a[i][j] + b[i][j] for j in range(4)] for i in range(4)]


def mscale(c, a):
    return [[cx(c) * a[i][j] for j in range(4)] for i in range(4)]


def mvec(a, v):
    return [sum((a[i][k] * v[k] for k in range(4)), Cx()) for i in range(4)]


def rowvec(v, a):
    return [sum((v[k] * a[k][j] for k in range(4)), Cx()) for j in range(4)]


def dot_spinor(row, col):
    return sum((row[i] * col[i] for i in range(4)), Cx())


# Dirac representation: g0 = diag(1,1,-1,-1), g^i = [[0, s_i], [-s_i, 0]], g5 = [[0,1],[1,0]]
PAULI = [
    [[Cx(0), Cx(1)], [Cx(1), Cx(0)]],
    [[Cx(0), Cx(0, -1)], [Cx(0, 1), Cx(0)]],
    [[Cx(1), Cx(0)], [Cx(0), Cx(-1)]],
]


def block(tl, tr, bl, br):
    m = mzero()
    for i in range(2):
        for j in range(2):
            m[i][j] = cx(tl[i][j])
            m[i][j + 2] = cx(tr[i][j])
            m[i + 2][j] = cx(bl[i][j])
            m[i + 2][j + 2] = cx(br[i][j])
    return m


I2 = [[1, 0], [0, 1]]
Z2 = [[0, 0], [0, 0]]
GAMMA = [block(I2, Z2, Z2, [[-1, 0], [0, -1]])]
for s_ in PAULI:
    GAMMA.append(block(Z2, s_, [[-x for x in r] for r in s_], Z2))
G5 = block(Z2, I2, I2, Z2)
HALF = Decimal("0.5")
PL = mscale(HALF, madd(meye(), mscale(-1, G5)))
PR = mscale(HALF, madd(meye(), G5))


def sigma(mu, nu):
    """sigma^{mu nu} = (i/2)[g^mu, g^nu] (upper indices)."""
    c = madd(mmul(GAMMA[mu], GAMMA[nu]), mscale(-1, mmul(GAMMA[nu], GAMMA[mu])))
    return mscale(Cx(D0, HALF), c)


SIGMA = [[sigma(m, n) for n in range(4)] for m in range(4)]


def lower(v):
    return [METRIC[i] * v[i] for i in range(4)]


def mdot(a, b):
    return sum(METRIC[i] * a[i] * b[i] for i in range(4))


def sigma_q(q, nu):
    """sigma^{mu nu} q_mu for fixed upper nu (q real, Decimal components)."""
    ql = lower(q)
    m = mzero()
    for mu in range(4):
        m = madd(m, mscale(ql[mu], SIGMA[mu][nu]))
    return m


def check_algebra():
    for m in range(4):
        for n in range(4):
            ac = madd(mmul(GAMMA[m], GAMMA[n]), mmul(GAMMA[n], GAMMA[m]))
            want = mscale(2 * (METRIC[m] if m == n else 0), meye())
            assert all((ac[i][j] - want[i][j]).abs2() == 0 for i in range(4) for j in range(4))


# ---------------------------------------------------------------- spinors


def sigma_dot(pvec):
    m = [[Cx(), Cx()], [Cx(), Cx()]]
    for k in range(3):
        for i in range(2):
            for j in range(2):
                m[i][j] = m[i][j] + PAULI[k][i][j] * pvec[k]
    return m


CHI = [[Cx(1), Cx(0)], [Cx(0), Cx(1)]]


def u_spinors(p, mass):
    """u(p, s), s = 1, 2: [sqrt(E+m) chi; sigma.p chi / sqrt(E+m)], so that sum u ubar = pslash + m."""
    n = (p[0] + dec(mass)).sqrt()
    sp = sigma_dot(p[1:])
    out = []
    for chi in CHI:
        low = [(sp[i][0] * chi[0] + sp[i][1] * chi[1]) * (D1 / n) for i in range(2)]
        out.append([chi[0] * n, chi[1] * n, low[0], low[1]])
    return out


def v_spinors(p, mass):
    """v(p, s): [sigma.p eta / sqrt(E+m); sqrt(E+m) eta], so that sum v vbar = pslash - m."""
    n = (p[0] + dec(mass)).sqrt()
    sp = sigma_dot(p[1:])
    out = []
    for eta in CHI:
        up = [(sp[i][0] * eta[0] + sp[i][1] * eta[1]) * (D1 / n) for i in range(2)]
        out.append([up[0], up[1], eta[0] * n, eta[1] * n])
    return out


def bar(sp):
    """Dirac adjoint as a row: sp^dagger g0."""
    return rowvec([x.conj() for x in sp], GAMMA[0])


def slash(p):
    pl = lower(p)
    m = mzero()
    for mu in range(4):
        m = madd(m, mscale(pl[mu], GAMMA[mu]))
    return m


def check_completeness(p, mass):
    s_u, s_v = mzero(), mzero()
    for u in u_spinors(p, mass):
        ub = bar(u)
        s_u = madd(s_u, [[u[i] * ub[j] for j in range(4)] for i in range(4)])
    for v in v_spinors(p, mass):
        vb = bar(v)
        s_v = madd(s_v, [[v[i] * vb[j] for j in range(4)] for i in range(4)])
    want_u = madd(slash(p), mscale(mass, meye()))
    want_v = madd(slash(p), mscale(-mass, meye()))
    tol = Decimal("1e-40") * p[0] * p[0]
    assert all((s_u[i][j] - want_u[i][j]).abs2() < tol for i in range(4) for j in range(4))
    assert all((s_v[i][j] - want_v[i][j]).abs2() < tol for i in range(4) for j in range(4))


# ---------------------------------------------------------------- kinematics


def unit_vector(cos_th, u_phi):
    """Unit 3-vector with polar cosine cos_th and azimuth given rationally by u: cos = (1-u^2)/(1+u^2)."""
    cos_th, u_phi = dec(cos_th), dec(u_phi)
    sin_th = (D1 - cos_th * cos_th).sqrt()
    cphi = (D1 - u_phi * u_phi) / (D1 + u_phi * u_phi)
    sphi = D2 * u_phi / (D1 + u_phi * u_phi)
    return [sin_th * cphi, sin_th * sphi, cos_th], [cos_th * cphi, cos_th * sphi, -sin_th], [-sphi, cphi, D0]


def boost(p, direction, beta):
    """Boost four-vector p by velocity beta along unit 3-vector direction."""
    g = D1 / (D1 - beta * beta).sqrt()
    pd = sum(p[i + 1] * direction[i] for i in range(3))
    e = g * (p[0] + beta * pd)
    pd_new = g * (pd + beta * p[0])
    return [e] + [p[i + 1] + (pd_new - pd) * direction[i] for i in range(3)]


def upscatter_momenta(e_nu, m_n, m_t, t, u_phi):
    """Lab frame: target at rest, neutrino along z. Returns k, k', p, p' (Decimal)."""
    e_nu, m_n, m_t, t = dec(e_nu), dec(m_n), dec(m_t), dec(t)
    k = [e_nu, D0, D0, e_nu]
    p = [m_t, D0, D0, D0]
    e_n = e_nu + t / (D2 * m_t)
    pn = (e_n * e_n - m_n * m_n).sqrt()
    cos_th = (t - m_n * m_n + D2 * e_nu * e_n) / (D2 * e_nu * pn)
    assert -1 <= cos_th <= 1, "unphysical t"
    n, _, _ = unit_vector(cos_th, u_phi)
    kp = [e_n] + [pn * x for x in n]
    pp = [k[i] + p[i] - kp[i] for i in range(4)]
    q = [kp[i] - k[i] for i in range(4)]
    assert abs(mdot(pp, pp) - m_t * m_t) < Decimal("1e-35") * m_t * m_t
    assert abs(mdot(q, q) - t) < Decimal("1e-30") * abs(t)
    return k, kp, p, pp


def t_range(e_nu, m_n, m_t):
    """(t_lo, t_hi) in float, t_hi closest to 0 (exact 2 -> 2 kinematics, massless neutrino)."""
    s = m_t * m_t + 2.0 * m_t * e_nu
    rs = math.sqrt(s)
    e1 = (s - m_t * m_t) / (2 * rs)
    e3 = (s + m_n * m_n - m_t * m_t) / (2 * rs)
    p3 = math.sqrt((s - (m_n + m_t) ** 2) * (s - (m_n - m_t) ** 2)) / (2 * rs)
    abs_t_max = 2 * e1 * (e3 + p3) - m_n * m_n
    abs_t_min = m_n ** 4 * m_t * m_t / (s * abs_t_max)  # product of the roots, no cancellation
    return -abs_t_max, -abs_t_min


# ---------------------------------------------------------------- amplitudes (e = 1, mu_N = 1)


def lepton_currents_nu_to_n(k, kp, m_n):
    """J^nu[s_nu][s_N] = 2 ubar_N(k') sigma^{mu nu} q_mu P_L u_nu(k), q = k' - k."""
    q = [kp[i] - k[i] for i in range(4)]
    mats = [mmul(mscale(2, sigma_q(q, nu)), PL) for nu in range(4)]
    out = []
    for u in u_spinors(k, 0):
        row = []
        for un in u_spinors(kp, m_n):
            ub = bar(un)
            row.append([dot_spinor(ub, mvec(mats[nu], u)) for nu in range(4)])
        out.append(row)
    return out


def fermion_target_currents(p, pp, m_t, f1, f2, charge):
    """J^mu[s][s'] = charge ubar(p') [F1 g^mu + i F2 sigma^{mu nu} q_nu/(2M)] u(p), q = p' - p."""
    qh = [pp[i] - p[i] for i in range(4)]
    f1, f2, m_t = dec(f1), dec(f2), dec(m_t)
    mats = []
    for mu in range(4):
        sq = mscale(-1, sigma_q(qh, mu))  # sigma^{mu nu} q_nu = - sigma^{nu mu} q_nu
        mats.append(madd(mscale(f1, GAMMA[mu]), mscale(CI * (f2 / (D2 * m_t)), sq)))
    out = []
    for u in u_spinors(p, m_t):
        for up in u_spinors(pp, m_t):
            ub = bar(up)
            out.append([dot_spinor(ub, mvec(mats[mu], u)) * charge for mu in range(4)])
    return out


def msq_upscatter(target, e_nu, m_n, t, m_t, f1, f2, u_phi):
    """Spin-summed |M|^2 / mu_N^2 (target spin averaged), as a float, including e^2."""
    k, kp, p, pp = upscatter_momenta(e_nu, m_n, m_t, t, u_phi)
    lep = lepton_currents_nu_to_n(k, kp, m_n)
    q = [kp[i] - k[i] for i in range(4)]
    t_num = mdot(q, q)
    if target == "nucleus":
        had = [[cx(dec(f1) * (p[mu] + pp[mu])) for mu in range(4)]]  # spin 0: one state
        avg = D1
    else:
        had = fermion_target_currents(p, pp, m_t, f1, f2, -1 if target == "electron" else 1)
        avg = HALF
    total = D0
    for row in lep:
        for jl in row:
            for jh in had:
                amp = sum((jl[mu] * jh[mu] * METRIC[mu] for mu in range(4)), Cx()) * (-D1 / t_num)
                total += amp.abs2()
    return float(avg * total) * E2


# ---------------------------------------------------------------- widths


def width_nu_gamma(m_n):
    """Gamma(N -> nu gamma) / mu_N^2 from explicit transverse polarisation vectors (N at rest)."""
    m_n = dec(m_n)
    n, e1, e2 = unit_vector(Decimal("0.3"), Decimal("0.7"))
    eg = m_n / D2
    q = [eg] + [eg * x for x in n]
    k = [eg] + [-eg * x for x in n]
    p = [m_n, D0, D0, D0]
    total = D0
    for eps in ([D0] + e1, [D0] + e2):
        # emitted photon: vertex 2 ubar_nu sigma^{mu nu} q_mu eps*_nu P_R u_N (eps real)
        epsl = lower(eps)
        mat = mzero()
        for nu in range(4):
            mat = madd(mat, mscale(epsl[nu], sigma_q(q, nu)))
        mat = mmul(mscale(2, mat), PR)
        for un in u_spinors(p, m_n):
            for uv in u_spinors(k, 0):
                total += dot_spinor(bar(uv), mvec(mat, un)).abs2()
    msq = float(HALF * total)  # average over the N spin
    mf = float(m_n)
    return (mf / 2.0) / (8.0 * math.pi * mf * mf) * msq


def gauss_legendre(n):
    xs, ws = [], []
    for i in range(1, n + 1):
        x = math.cos(math.pi * (i - 0.25) / (n + 0.5))
        for _ in range(100):
            p0, p1 = 1.0, x
            for kk in range(2, n + 1):
                p0, p1 = p1, ((2 * kk - 1) * x * p1 - (kk - 1) * p0) / kk
            dp = n * (x * p1 - p0) / (x * x - 1.0)
            dx = p1 / dp
            x -= dx
            if abs(dx) < 1e-16:
                break
        xs.append(x)
        ws.append(2.0 / ((1.0 - x * x) * dp * dp))
    return xs, ws


def msq_nu_ll(m_n, m_l, s, cos_l, u_phi_l):
    """Spin-summed (N averaged) |M|^2 / mu_N^2 of N -> nu l- l+ at m_ll^2 = s, including e^2; cos_l = cosine
    of the l- direction in the l+l- rest frame relative to the l+l- flight direction (N rest frame)."""
    m_n, m_l, s = dec(m_n), dec(m_l), dec(s)
    n, a, b = unit_vector(Decimal("0.45"), Decimal("0.3"))  # nu direction and two normals
    pnu = (m_n * m_n - s) / (D2 * m_n)
    k = [pnu] + [pnu * x for x in n]
    q = [m_n - pnu] + [-pnu * x for x in n]  # the virtual photon = l+ l- system
    p = [m_n, D0, D0, D0]
    d = [-x for x in n]
    cos_l = dec(cos_l)
    sin_l = (D1 - cos_l * cos_l).sqrt()
    u = dec(u_phi_l)
    cphi, sphi = (D1 - u * u) / (D1 + u * u), D2 * u / (D1 + u * u)
    dirl = [cos_l * d[i] + sin_l * (cphi * a[i] + sphi * b[i]) for i in range(3)]
    pl = (s / 4 - m_l * m_l).sqrt()
    el = s.sqrt() / D2
    p1 = boost([el] + [pl * x for x in dirl], d, pnu / q[0])
    p2 = boost([el] + [-pl * x for x in dirl], d, pnu / q[0])
    assert all(abs(p1[i] + p2[i] - q[i]) < Decimal("1e-40") * m_n for i in range(4))
    mats = [mmul(mscale(2, sigma_q(q, nu)), PR) for nu in range(4)]
    total = D0
    for un in u_spinors(p, m_n):
        for uv in u_spinors(k, 0):
            ubv = bar(uv)
            jn = [dot_spinor(ubv, mvec(mats[nu], un)) for nu in range(4)]
            for u1 in u_spinors(p1, m_l):
                ub1 = bar(u1)
                for v2 in v_spinors(p2, m_l):
                    jl = [-dot_spinor(ub1, mvec(GAMMA[mu], v2)) for mu in range(4)]
                    amp = sum((jn[mu] * jl[mu] * METRIC[mu] for mu in range(4)), Cx()) * (-D1 / s)
                    total += amp.abs2()
    return float(HALF * total) * E2, [float(x) for x in k], [float(x) for x in p1], [float(x) for x in p2]


def dwidth_nu_ll_ds(m_n, m_l, s, n_nodes=5):
    """dGamma/ds / mu_N^2 = 1/(2 m_N) * 1/(2 pi) * Phi2(N -> nu q) * Phi2(q -> l l) * <|M|^2>_angle, with
    Phi2 = |p| / (4 pi sqrt(s)) for two-body phase space; Gauss-Legendre in cos_l (|M|^2 is a polynomial)."""
    xs, ws = gauss_legendre(n_nodes)
    avg = 0.0
    for x, w in zip(xs, ws):
        avg += 0.5 * w * msq_nu_ll(m_n, m_l, s, x, 0.3)[0]
    phi2_n = (m_n * m_n - s) / (8.0 * math.pi * m_n * m_n)
    phi2_l = math.sqrt(1.0 - 4.0 * m_l * m_l / s) / (8.0 * math.pi)
    return avg * phi2_n * phi2_l / (2.0 * m_n * 2.0 * math.pi)


# ---------------------------------------------------------------- paper formulas as printed (for the report)


def paper_a1(e, m_n, t, m_t, f1, f2):
    """001 Eq. A.1 as printed, divided by mu_N^2 (f1, f2 the full form factors)."""
    den = (m_t ** 2 - m_n * (2 * e + m_n)) ** 2
    a = -ALPHA * f1 ** 2 / (t ** 2 * den) * (
        m_n * t * (8 * e * e * m_n + 4 * e * (m_n ** 2 + t) + m_n * (m_n ** 2 + t))
        + 2 * m_t ** 2 * (-2 * m_n * t * (2 * e + m_n) + m_n ** 4 - t ** 2) + 2 * m_t ** 4 * t)
    b = ALPHA * f2 ** 2 / (2 * t * m_t ** 2 * den) * (
        4 * t * (m_t ** 2 - 2 * e * m_n) * (m_t ** 2 - m_n * (2 * e + m_n))
        + m_n * t * t * (8 * e + 3 * m_n) - 4 * m_t ** 2 * m_n ** 4 + t ** 3)
    return a + b


def paper_a10(e, m_n, t, m_e):
    """001 Eq. A.10 as printed, divided by mu_N^2."""
    num = (2 * m_e ** 2 * (4 * e * e * t + m_n ** 4 - m_n ** 2 * t) + 4 * e * m_e * t * (t - m_n ** 2)
           + m_n ** 2 * t * (m_n ** 2 - t))
    return -ALPHA * num / (2 * m_e ** 2 * e * e * t * t)


def paper_b3(m_n, m_l, s1, s2):
    """001 Eq. B.3 as printed / mu_N^2."""
    return 8 * E2 * (2 * m_l ** 4 * s2 + 2 * m_l ** 2 * (m_n ** 4 - s2 * (2 * s1 + s2))
                     + s2 * (m_n ** 4 - m_n ** 2 * (2 * s1 + s2) + 2 * s1 * (s1 + s2))) / s2 ** 2


def paper_b4(m_n, m_l, s):
    """001 Eq. B.4 as printed / mu_N^2."""
    return (E2 * math.sqrt(1 - 4 * m_l ** 2 / s) * (2 * m_l ** 2 + s) * (m_n ** 2 - s) ** 2 * (2 * m_n ** 2 + s)
            / (192 * math.pi ** 3 * s * s * m_n ** 3))


# ---------------------------------------------------------------- main


def paper_b5(m_n, m_l, fixed_log):
    """001 Eq. B.5 / mu_N^2; fixed_log reads the log argument as 2 m_l / (sqrt(m_N^2 - 4 m_l^2) + m_N)."""
    root = math.sqrt(m_n ** 2 - 4 * m_l ** 2)
    arg = 2 * m_l / (root + m_n) if fixed_log else 2 * m_l / math.sqrt(m_n ** 2 - 4 * m_l ** 2 + m_n)
    return (E2 * ((8 * m_l ** 6 - 2 * m_n ** 6) * math.log(arg)
                  + m_n * root * (-2 * m_l ** 4 + 5 * m_l ** 2 * m_n ** 2 - 3 * m_n ** 4)) / (96 * math.pi ** 3 * m_n ** 3))


def integral_b4(m_n, m_l, n=200):
    """Integral of B.4 over s from 4 m_l^2 to m_N^2: Gauss-Legendre in x with s = 4 m_l^2 + (m_N^2 - 4 m_l^2) y,
    y = x^2 (removes the square-root edge), on n nodes per piece of 20 pieces log-spaced in y."""
    xs, ws = gauss_legendre(40)
    lo, hi = 4 * m_l * m_l, m_n * m_n
    edges = [0.0] + [10 ** (-k / 2.0) for k in range(16, -1, -1)]
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        xa, xb = math.sqrt(a), math.sqrt(b)
        for x, w in zip(xs, ws):
            xx = 0.5 * (xb - xa) * x + 0.5 * (xa + xb)
            s = lo + (hi - lo) * xx * xx
            total += 0.5 * (xb - xa) * w * paper_b4(m_n, m_l, s) * (hi - lo) * 2 * xx
    return total


def paper_b2_integrand(m_n, m_l, s2):
    """001 Eq. B.2 prefactor 1/(512 pi^3 m_N^3) times the integral of B.3 over s1 at fixed s2 (exact for a
    quadratic integrand: Simpson), i.e. dGamma/ds2 as 001 B.2-B.3 define it."""
    # s1 = (p_nu + p_l)^2 range at fixed s2 (standard Dalitz limits, massless nu)
    e_l = math.sqrt(s2) / 2  # in the l+l- rest frame
    p_l = math.sqrt(e_l * e_l - m_l * m_l)
    e_nu = (m_n * m_n - s2) / (2 * math.sqrt(s2))
    s1_lo = m_l * m_l + 2 * e_nu * (e_l - p_l)
    s1_hi = m_l * m_l + 2 * e_nu * (e_l + p_l)
    mid = 0.5 * (s1_lo + s1_hi)
    f = [paper_b3(m_n, m_l, x, s2) for x in (s1_lo, mid, s1_hi)]
    return (s1_hi - s1_lo) / 6 * (f[0] + 4 * f[1] + f[2]) / (512 * math.pi ** 3 * m_n ** 3)


HBARC_GEV_FM = 0.1973269804  # PDG 2022
M_E = 0.51099895e-3
M_P = 0.93827208816
M_NEUTRON = 0.93956542052


def helm_001(q, a):
    """001 Eq. A.4 with s = 1 fm, R = 1.2 A^(1/3) fm, r = sqrt(R^2 - 5 s^2); q in GeV."""
    s_fm = 1.0
    r_fm = math.sqrt((1.2 * a ** (1.0 / 3.0)) ** 2 - 5 * s_fm ** 2)
    x = q * r_fm / HBARC_GEV_FM
    qs = q * s_fm / HBARC_GEV_FM
    j1_over_x = (math.sin(x) - x * math.cos(x)) / x ** 3 if x > 1e-3 else 1.0 / 3.0 - x * x / 30.0
    return 3.0 * j1_over_x * math.exp(-qs * qs / 2.0)


def nucleon_ff(q2, neutron):
    """001 Eqs. A.6-A.8 (dipole Sachs form factors; 'ma_p' read as m_p)."""
    gd = (1.0 + q2 / 0.71) ** -2
    ge = 0.0 if neutron else gd
    gm = (-1.913 if neutron else 2.793) * gd
    tau = q2 / (4 * M_P * M_P)
    return (ge + tau * gm) / (1 + tau), (gm - ge) / (1 + tau)


def analytic_dsdt(e, m_n, t, m_t, f1, f2, spin0=False):
    """The closed form of physics/models/dipole_xsec.c (header comment), / mu_N^2, for the comment lines only."""
    u, m2 = -t, m_n * m_n
    s = m_t * m_t + 2 * m_t * e
    t_lo, t_hi = t_range(e, m_n, m_t)
    gram = (u + t_hi) * (-t_lo - u)
    if spin0:
        bracket = f1 * f1 * (4 * s * gram + u * (m2 + u) * (4 * m_t * m_t + u))
    else:
        a_ff = f1 * f1 + u / (4 * m_t * m_t) * f2 * f2
        bracket = 4 * s * a_ff * gram + u * (m2 + u) * ((2 * m_t * f1 - u * f2 / (2 * m_t)) ** 2
                                                        + 2 * m2 * (f1 + f2) ** 2)
    return ALPHA * bracket / (4 * m_t * m_t * e * e * u * u)


def main():
    check_algebra()
    rng = random.Random(20240611)
    print("# dipole_traces.txt: written by tests/golden/dipole_numeric_traces.py (brute-force spin sums with")
    print("# explicit Dirac matrices and spinors, paper 001 Eq. 3.1 Lagrangian). Do not edit by hand.")
    print("# Form factors: nucleus Z * Helm (001 A.3-A.4, no screening); nucleons dipole F1, F2 (001 A.6-A.8);")
    print("# electron point-like. Values are (dsigma/dt [GeV^-4]) / (mu_N^2 [GeV^-2]); multiply by mu_N^2 and")
    print("# (hbar c)^2 = 0.3893793721e-27 GeV^2 cm^2 for cm^2/GeV^2.")
    print("# xsec target e_nu[GeV] m_n[GeV] t[GeV^2] m_t[GeV] z a dsigma_dt/mu_N^2")
    cases = []
    for (e, m_n, m_t, z, a) in [(1000.0, 0.1, 171.2, 74.0, 183.84), (35.0, 1.3, 171.2, 74.0, 183.84),
                                (250.0, 0.01, 37.2, 14.0, 28.0855), (3.0, 0.4, 11.2, 6.0, 12.011)]:
        cases.append(("nucleus", e, m_n, m_t, z, a))
    for (e, m_n) in [(20.0, 0.3), (500.0, 2.5), (3.0, 0.05)]:
        cases.append(("proton", e, m_n, M_P, 1.0, 1.0))
    for (e, m_n) in [(50.0, 1.0), (7.0, 0.2)]:
        cases.append(("neutron", e, m_n, M_NEUTRON, 0.0, 1.0))
    for (e, m_n) in [(100.0, 0.2), (2000.0, 0.9), (40.0, 0.05)]:
        cases.append(("electron", e, m_n, M_E, -1.0, 0.0))
    for (target, e, m_n, m_t, z, a) in cases:
        t_lo, t_hi = t_range(e, m_n, m_t)
        if target == "nucleus":  # stay below the first zero of the Helm form factor
            t_lo = max(t_lo, -0.01)
        for frac in (0.13, 0.5, 0.91):  # log-uniform in |t| across the range, away from the end points
            t = -math.exp(math.log(-t_hi) + frac * (math.log(-t_lo) - math.log(-t_hi)))
            q2 = -t
            if target == "nucleus":
                f1, f2 = z * helm_001(math.sqrt(q2), a), 0.0
            elif target == "electron":
                f1, f2 = 1.0, 0.0
            else:
                f1, f2 = nucleon_ff(q2, target == "neutron")
            u_phi = rng.uniform(-3, 3)
            msq = msq_upscatter(target, e, m_n, t, m_t, f1, f2, u_phi)
            msq2 = msq_upscatter(target, e, m_n, t, m_t, f1, f2, u_phi + 0.7)  # azimuth independence
            assert abs(msq - msq2) <= 1e-13 * abs(msq), (msq, msq2)
            dsdt = msq / (16 * math.pi * (2 * m_t * e) ** 2)
            print("xsec %s %.17g %.17g %.17g %.17g %.17g %.17g %.17g" % (target, e, m_n, t, m_t, z, a, dsdt))
            if target == "electron":
                print("#   001 A.10 as printed / brute force = %.6g" % (paper_a10(e, m_n, t, m_t) / dsdt))
            else:
                print("#   001 A.1 as printed (F1 -> f1, F2 -> f2) / brute force = %.6g"
                      % (paper_a1(e, m_n, t, m_t, f1, f2) / dsdt))
                print("#   closed form of dipole_xsec.c / brute force = 1 %+.1e"
                      % (analytic_dsdt(e, m_n, t, m_t, f1, f2, target == "nucleus") / dsdt - 1))
    print("# Generic spin-1/2 form factors (random F1, F2, random masses), brute force vs the closed form of")
    print("# dipole_xsec.c (not read by the C test)")
    worst = 0.0
    for _ in range(12):
        m_t = math.exp(rng.uniform(math.log(5e-4), math.log(200.0)))
        m_n = math.exp(rng.uniform(math.log(1e-3), math.log(5.0)))
        e_thr = ((m_n + m_t) ** 2 - m_t * m_t) / (2 * m_t)
        e = e_thr * math.exp(rng.uniform(0.05, 4.0))
        f1, f2 = rng.uniform(-2, 2), rng.uniform(-3, 3)
        t_lo, t_hi = t_range(e, m_n, m_t)
        t = -math.exp(math.log(-t_hi) + rng.uniform(0.05, 0.95) * (math.log(-t_lo) - math.log(-t_hi)))
        msq = msq_upscatter("proton", e, m_n, t, m_t, f1, f2, rng.uniform(-3, 3))
        dsdt = msq / (16 * math.pi * (2 * m_t * e) ** 2)
        an = analytic_dsdt(e, m_n, t, m_t, f1, f2)
        worst = max(worst, abs(an / dsdt - 1))
        print("#   m_t=%.4g m_n=%.4g e=%.4g t=%.4g F1=%.3f F2=%.3f: analytic/brute = 1 %+.2e"
              % (m_t, m_n, e, t, f1, f2, an / dsdt - 1))
    print("#   worst relative difference %.2e" % worst)
    print("# width_nugamma m_n[GeV] Gamma(N -> nu gamma)/mu_N^2 [GeV^3]   (B.1 would be m_n^3/(4 pi))")
    for m_n in (0.1, 1.0, 3.7):
        w = width_nu_gamma(m_n)
        print("width_nugamma %.17g %.17g" % (m_n, w))
        print("#   ratio to m_n^3/(4 pi) = %.12f" % (w / (m_n ** 3 / (4 * math.pi))))
    print("# dwidth_null m_n[GeV] m_l[GeV] s[GeV^2] (dGamma/ds [GeV^-1]) / (mu_N^2 [GeV^-2])")
    for (m_n, m_l) in [(1.0, 0.51099895e-3), (1.0, 0.1056583755), (2.5, 0.1056583755)]:
        for frac in (0.05, 0.4, 0.85):
            s = 4 * m_l * m_l + frac * (m_n * m_n - 4 * m_l * m_l)
            dg = dwidth_nu_ll_ds(m_n, m_l, s)
            print("dwidth_null %.17g %.17g %.17g %.17g" % (m_n, m_l, s, dg))
            print("#   001 B.4 as printed / brute force = %.6g" % (paper_b4(m_n, m_l, s) / dg))
            print("#   001 B.2 with B.3 (Dalitz integral over s1) / brute force = %.6g"
                  % (paper_b2_integrand(m_n, m_l, s) / dg))
        # B.3 as printed against the brute-force |M|^2 at one Dalitz point (s1 = (p_nu + p_l+)^2)
        s = 0.3 * m_n * m_n
        msq, k, p1, p2 = msq_nu_ll(m_n, m_l, s, 0.37, 0.3)
        kp2 = [k[i] + p2[i] for i in range(4)]
        s1 = mdot(kp2, kp2)
        kp1 = [k[i] + p1[i] for i in range(4)]
        s1b = mdot(kp1, kp1)
        print("#   integral of B.4 over s / B.5 as printed (log argument 2 m_l / sqrt(m_N^2 - 4 m_l^2 + m_N)) = %.6g"
              % (integral_b4(m_n, m_l) / paper_b5(m_n, m_l, False)))
        print("#   integral of B.4 over s / B.5 with log argument 2 m_l / (sqrt(m_N^2 - 4 m_l^2) + m_N) = %.12f"
              % (integral_b4(m_n, m_l) / paper_b5(m_n, m_l, True)))
        print("#   001 B.3 as printed / brute force |M|^2 (N-averaged) = %.6g (s1 = m(nu l+)^2), %.6g (s1 = m(nu l-)^2)"
              % (paper_b3(m_n, m_l, s1, s) / msq, paper_b3(m_n, m_l, s1b, s) / msq))


if __name__ == "__main__":
    for pvec, mass in (([Decimal(3), Decimal("0.4"), Decimal("-1.2"), Decimal(2)], Decimal("3.4").sqrt()),
                       ([Decimal(7), D0, D0, Decimal(7)], D0)):
        check_completeness(pvec, mass)
    main()
