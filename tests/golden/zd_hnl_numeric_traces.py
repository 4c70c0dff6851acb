#!/usr/bin/env python3
"""zd_hnl_numeric_traces.py: brute-force spin sums for the dark gauge boson Z_D coupled to a heavy neutral
lepton N (paper 001 Eq. 3.3), an independent check of physics/models/zd_hnl_xsec.c and of the vector-exchange
tensors it reuses from physics/darkz_xsec.c.

Nothing here uses a trace identity: explicit 4x4 Dirac matrices, explicit u and v spinors, explicit polarisation
vectors, squared and summed numerically in 50-digit Decimal arithmetic. The Dirac algebra, spinors, kinematics
and form factors are imported from dipole_numeric_traces.py (same directory).

  L = g_D Z_D^mu Nbar gamma_mu N + e eps Z_D^mu J^em_mu  (001 Eq. 3.3), N Dirac;
  mixing nu_alpha -> U N gives the transition vertex g_D U' nubar gamma^mu P_L N (U' = U sqrt(1 - U^2)).
  All amplitudes below are at unit coupling product (g_D U' e eps = 1, or g_D e eps = 1 for N e -> N e); the
  Z_D propagator is -g_{mu nu}/(t - m_ZD^2) (the q_mu q_nu / m_ZD^2 part drops against the conserved target
  current).

Usage: python3 zd_hnl_numeric_traces.py > zd_hnl_traces.txt
Output lines ('#' = comment, including comparisons with 001 as printed):
  up <target> e_nu m_n t m_t m_zd f1 f2 value     nu T -> N T, value = dsigma/dt [GeV^-4] at unit couplings,
        target current f1 (p+p')^mu (spin 0, "nucleus", f1 = Z F_Helm) or f1 gamma + i f2 sigma q/(2M) (spin 1/2)
  ne e_n m_n t m_zd value                          N e -> N e (N Dirac, spins averaged), dsigma/dt [GeV^-4]
  w_n_nu_zd m_n m_zd value                         Gamma(N -> nu Z_D) [GeV] at g U' = 1 (vertex gamma P_L)
  w_zd_ff kind m_zd m_f m_fbar value               Gamma(Z_D -> f fbar') [GeV] at unit coupling, kind = vector
                                                   (gamma^mu) or left (gamma^mu P_L), one charge state
"""
import math
import random
import sys
import os
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dipole_numeric_traces as dn  # noqa: E402
from dipole_numeric_traces import (D0, D1, D2, HALF, GAMMA, PL, METRIC, Cx, bar, boost, dec, dot_spinor,  # noqa: E402
                                   fermion_target_currents, helm_001, mdot, mmul, mvec, nucleon_ff, t_range,
                                   u_spinors, unit_vector, upscatter_momenta, v_spinors, M_E, M_P, M_NEUTRON)

ALPHA = dn.ALPHA
PI = math.pi
GL_MATS = [mmul(GAMMA[mu], PL) for mu in range(4)]


def contract(a, b):
    return sum((a[mu] * b[mu] * METRIC[mu] for mu in range(4)), Cx())


def msq_up(target, e_nu, m_n, t, m_t, m_zd, f1, f2, u_phi):
    """Spin-summed |M|^2 of nu T -> N T, target spin averaged, unit coupling product."""
    k, kp, p, pp = upscatter_momenta(e_nu, m_n, m_t, t, u_phi)
    lep = []
    for u in u_spinors(k, 0):
        for un in u_spinors(kp, m_n):
            ub = bar(un)
            lep.append([dot_spinor(ub, mvec(GL_MATS[mu], u)) for mu in range(4)])
    if target == "nucleus":
        had = [[Cx(dec(f1) * (p[mu] + pp[mu])) for mu in range(4)]]
        avg = D1
    else:
        had = fermion_target_currents(p, pp, m_t, f1, f2, 1)
        avg = HALF
    prop = D1 / (dec(t) - dec(m_zd) * dec(m_zd))
    total = D0
    for jl in lep:
        for jh in had:
            total += (contract(jl, jh) * prop).abs2()
    return float(avg * total)


def msq_ne(e_n, m_n, t, m_zd, u_phi):
    """N(E) e(rest) -> N e, N Dirac with vector coupling, all spins averaged, unit coupling product."""
    e_n, m_n, t, me = dec(e_n), dec(m_n), dec(t), dec(M_E)
    pin = (e_n * e_n - m_n * m_n).sqrt()
    k = [e_n, D0, D0, pin]
    p = [me, D0, D0, D0]
    e_out = e_n + t / (D2 * me)
    pout = (e_out * e_out - m_n * m_n).sqrt()
    cos_th = (t - D2 * m_n * m_n + D2 * e_n * e_out) / (D2 * pin * pout)
    assert -1 <= cos_th <= 1, "unphysical t"
    n, _, _ = unit_vector(cos_th, u_phi)
    kp = [e_out] + [pout * x for x in n]
    pp = [k[i] + p[i] - kp[i] for i in range(4)]
    assert abs(mdot(pp, pp) - me * me) < Decimal("1e-35")
    lep = []
    for u in u_spinors(k, m_n):
        for up in u_spinors(kp, m_n):
            ub = bar(up)
            lep.append([dot_spinor(ub, mvec(GAMMA[mu], u)) for mu in range(4)])
    had = fermion_target_currents(p, pp, M_E, 1, 0, 1)
    prop = D1 / (t - dec(m_zd) * dec(m_zd))
    total = D0
    for jl in lep:
        for jh in had:
            total += (contract(jl, jh) * prop).abs2()
    return float(total / 4)


def polarisations(q, mass):
    """Three real polarisation vectors of a massive vector with momentum q (lab), eps.q = 0, eps^2 = -1."""
    qv = q[1:]
    qabs = sum(x * x for x in qv).sqrt()
    n = [x / qabs for x in qv]
    # two unit vectors orthogonal to n
    a = [D0, D0, D1] if abs(n[2]) < Decimal("0.9") else [D1, D0, D0]
    dot = sum(a[i] * n[i] for i in range(3))
    e1 = [a[i] - dot * n[i] for i in range(3)]
    norm = sum(x * x for x in e1).sqrt()
    e1 = [x / norm for x in e1]
    e2 = [n[1] * e1[2] - n[2] * e1[1], n[2] * e1[0] - n[0] * e1[2], n[0] * e1[1] - n[1] * e1[0]]
    m = dec(mass)
    return [[D0] + e1, [D0] + e2, [qabs / m] + [q[0] / m * x for x in n]]


def width_n_nu_v(m_n, m_v):
    """Gamma(N -> nu V) for the vertex nubar gamma^mu P_L N V_mu (unit coupling), N at rest, spin averaged."""
    m_n, m_v = dec(m_n), dec(m_v)
    pst = (m_n * m_n - m_v * m_v) / (D2 * m_n)
    n, _, _ = unit_vector(Decimal("0.3"), Decimal("0.7"))
    q = [(pst * pst + m_v * m_v).sqrt()] + [pst * x for x in n]
    k = [pst] + [-pst * x for x in n]
    p = [m_n, D0, D0, D0]
    total = D0
    for eps in polarisations(q, m_v):
        epsl = dn.lower(eps)
        for un in u_spinors(p, m_n):
            for uv in u_spinors(k, 0):
                cur = [dot_spinor(bar(uv), mvec(GL_MATS[mu], un)) for mu in range(4)]
                total += sum((cur[mu] * epsl[mu] for mu in range(4)), Cx()).abs2()
    msq = float(HALF * total)
    return float(pst) / (8 * PI * float(m_n) ** 2) * msq


def width_v_ff(kind, m_v, m_f, m_fbar):
    """Gamma(V -> f fbar') at unit coupling, vertex ubar_f gamma^mu v_fbar' (vector) or with P_L (left), V at rest."""
    m_v, m_f, m_fbar = dec(m_v), dec(m_f), dec(m_fbar)
    lam = (m_v * m_v - (m_f + m_fbar) ** 2) * (m_v * m_v - (m_f - m_fbar) ** 2)
    pst = lam.sqrt() / (D2 * m_v)
    n, _, _ = unit_vector(Decimal("-0.2"), Decimal("0.4"))
    p1 = [(pst * pst + m_f * m_f).sqrt()] + [pst * x for x in n]
    p2 = [(pst * pst + m_fbar * m_fbar).sqrt()] + [-pst * x for x in n]
    mats = GL_MATS if kind == "left" else GAMMA
    total = D0
    # rest-frame polarisations of V: the three unit vectors
    for j in range(3):
        eps = [D0, D0, D0, D0]
        eps[j + 1] = D1
        epsl = dn.lower(eps)
        for u1 in u_spinors(p1, m_f):
            ub = bar(u1)
            for v2 in v_spinors(p2, m_fbar):
                cur = [dot_spinor(ub, mvec(mats[mu], v2)) for mu in range(4)]
                total += sum((cur[mu] * epsl[mu] for mu in range(4)), Cx()).abs2()
    msq = float(total / 3)
    return float(pst) / (8 * PI * float(m_v) ** 2) * msq


# ---------------------------------------------------------------- 001 as printed, at unit couplings


def paper_a2_zd(e, m_n, t, m_t, m_zd, zf):
    """The Z_D part of 001 Eq. A.2 as printed, divided by (g_D^2 U'^2 e^2 eps^2) (zf = Z F_Helm)."""
    br = 8 * e * e * m_t * m_t + 4 * e * m_t * (t - m_n * m_n) - (2 * m_t * m_t + t) * (m_n * m_n - t)
    return ALPHA * zf * zf * br / (e * e * m_t * m_t * (m_zd * m_zd - t) ** 2) / (4 * PI * ALPHA)


def paper_a11(e, m_n, t, m_zd):
    """001 Eq. A.11 as printed / (g_D^2 U'^2 e^2 eps^2)."""
    me = M_E
    br = (8 * e * e * me * me - 2 * m_n ** 2 * (4 * e * me + me * me + t) + 2 * me * t * (2 * e + me)
          + 2 * m_n ** 4 + t * t)
    return ALPHA * br / (2 * e * e * me * me * (m_zd * m_zd - t) ** 2) / (4 * PI * ALPHA)


def paper_a12(e, m_n, t, m_zd):
    """001 Eq. A.12 as printed / (g_D^2 e^2 eps^2)."""
    me = M_E
    br = 8 * e * e * me * me + 2 * t * (me * (2 * e + me) + m_n ** 2) + t * t
    return ALPHA * br / (2 * me * me * (e * e - m_n ** 2) * (m_zd * m_zd - t) ** 2) / (4 * PI * ALPHA)


def main():
    rng = random.Random(20261204)
    print("# zd_hnl_traces.txt: written by tests/golden/zd_hnl_numeric_traces.py (brute-force spin sums with explicit")
    print("# Dirac matrices, spinors and polarisation vectors; paper 001 Eq. 3.3 Lagrangian). Do not edit by hand.")
    print("# up target e_nu[GeV] m_n[GeV] t[GeV^2] m_t[GeV] m_zd[GeV] f1 f2 dsigma_dt[GeV^-4] (unit couplings)")
    cases = [("nucleus", 1000.0, 0.1, 171.2, 0.03, 74.0, 183.84), ("nucleus", 300.0, 2.0, 171.2, 0.03, 74.0, 183.84),
             ("nucleus", 40.0, 0.5, 37.2, 4.0, 14.0, 28.0855), ("proton", 200.0, 1.5, M_P, 0.03, 1, 1),
             ("proton", 20.0, 0.3, M_P, 2.4, 1, 1), ("neutron", 500.0, 4.0, M_NEUTRON, 0.03, 0, 1),
             ("electron", 300.0, 0.1, M_E, 0.8, 1, 0), ("electron", 2000.0, 0.02, M_E, 0.16, 1, 0)]
    for (target, e, m_n, m_t, m_zd, z, a) in cases:
        t_lo, t_hi = t_range(e, m_n, m_t)
        if target == "nucleus":
            t_lo = max(t_lo, -0.01)  # below the first zero of the Helm form factor
        for frac in (0.1, 0.5, 0.9):
            t = -math.exp(math.log(-t_hi) + frac * (math.log(-t_lo) - math.log(-t_hi)))
            if target == "nucleus":
                f1, f2 = z * helm_001(math.sqrt(-t), a), 0.0
            elif target == "electron":
                f1, f2 = 1.0, 0.0
            else:
                f1, f2 = nucleon_ff(-t, target == "neutron")
            msq = msq_up(target, e, m_n, t, m_t, m_zd, f1, f2, rng.uniform(-3, 3))
            dsdt = msq / (16 * PI * (2 * m_t * e) ** 2)
            print("up %s %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g" % (target, e, m_n, t, m_t, m_zd, f1, f2, dsdt))
            if target == "nucleus":
                print("#   Z_D part of 001 A.2 as printed / brute force = %.6g" % (paper_a2_zd(e, m_n, t, m_t, m_zd, f1) / dsdt))
            if target == "electron":
                print("#   001 A.11 as printed / brute force = %.6g" % (paper_a11(e, m_n, t, m_zd) / dsdt))
    print("# ne e_n[GeV] m_n[GeV] t[GeV^2] m_zd[GeV] dsigma_dt[GeV^-4] (unit couplings, N Dirac, spins averaged)")
    for (e, m_n, m_zd) in [(500.0, 0.1, 0.8), (120.0, 1.0, 8.0), (2000.0, 0.02, 0.16)]:
        s = m_n ** 2 + M_E ** 2 + 2 * M_E * e
        abs_t_max = 4 * M_E * M_E * (e * e - m_n * m_n) / s
        for frac in (0.02, 0.4, 0.95):
            t = -frac * abs_t_max
            dsdt = msq_ne(e, m_n, t, m_zd, rng.uniform(-3, 3)) / (16 * PI * 4 * M_E * M_E * (e * e - m_n * m_n))
            print("ne %.17g %.17g %.17g %.17g %.17g" % (e, m_n, t, m_zd, dsdt))
            print("#   001 A.12 as printed / brute force = %.6g" % (paper_a12(e, m_n, t, m_zd) / dsdt))
    print("# w_n_nu_zd m_n m_zd Gamma [GeV] at unit coupling (vertex nubar gamma P_L N Z_D)")
    for (m_n, m_zd) in [(1.0, 0.03), (0.2, 0.03), (5.0, 3.0)]:
        w = width_n_nu_v(m_n, m_zd)
        print("w_n_nu_zd %.17g %.17g %.17g" % (m_n, m_zd, w))
        x = m_zd ** 2 / m_n ** 2
        b6 = 1.0 / (8 * PI) * m_n ** 3 / m_zd ** 2 * (1 - x) * (1 + x - 2 * x * x)  # alpha_D/2 with g = 1
        print("#   001 B.6 as printed (alpha_D/2 -> 1/(8 pi)) / brute force = %.6g" % (b6 / w))
    print("# w_zd_ff kind m_zd m_f m_fbar Gamma [GeV] at unit coupling (one charge state f fbar')")
    for (kind, m_zd, m_f, m_fb) in [("left", 0.03, 0.0, 0.0), ("left", 1.0, 0.3, 0.3), ("vector", 0.03, M_E, M_E),
                                    ("vector", 0.8, 0.1, 0.1), ("left", 0.8, 0.1, 0.0), ("left", 2.0, 0.0, 1.2)]:
        w = width_v_ff(kind, m_zd, m_f, m_fb)
        print("w_zd_ff %s %.17g %.17g %.17g %.17g" % (kind, m_zd, m_f, m_fb, w))
        m_f = max(m_f, m_fb)
        if kind == "left" and m_f == 0.0:
            print("#   001 B.8 as printed (alpha_D/3 m, g = 1) / brute force = %.6g" % (m_zd / (12 * PI) / w))
        if kind == "vector" and m_f == M_E:
            print("#   001 B.7 (alpha eps^2 m / 3 at e eps = 1) / brute force = %.6g" % (m_zd / (12 * PI) / w))


if __name__ == "__main__":
    main()
