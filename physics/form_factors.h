/* form_factors.h: elastic form factors of nuclei and nucleons for upscattering nu T -> N T.
 *
 * Helm form factor of a nucleus (paper 001 Eq. A.4, with the 001 parameters s = 1 fm,
 * R = 1.2 A^(1/3) fm, r = sqrt(R^2 - 5 s^2); paper 000 uses its own s and a: see nr_ff_helm), the
 * atomic screening factor (001 Eq. A.5), and the nucleon Dirac and Pauli form factors in the dipole
 * approximation (001 Eqs. A.6-A.8; "ma_p" in A.6 is m_p, ERRATA.md). Q = sqrt(-t) in GeV.
 */
#ifndef NR_FORM_FACTORS_H
#define NR_FORM_FACTORS_H

#include <stddef.h>

#include "dis.h" /* nr_nucleon */
#include "nr_error.h"

/* Helm F(Q) = 3 j1(Q r)/(Q r) exp(-Q^2 s^2 / 2) with r and s in fm; F(0) = 1. Numerically stable at small
 * Q r (series). */
double nr_ff_helm(double q_gev, double r_fm, double s_fm);

/* The 001 parametrisation for mass number a: s = 1 fm, R = 1.2 a^(1/3) fm, r = sqrt(R^2 - 5 s^2). */
double nr_ff_helm_001(double q_gev, double a);

/* The Helm form factor of one nucleus (001 parametrisation, mass number a) tabulated once: values and
 * derivatives on a uniform grid in Q up to where exp(-Q^2 s^2 / 2) underflows to 0 (nr_ff_helm is exactly 0
 * beyond, and so is the table), cubic Hermite interpolation in between: no sine, cosine or cube root per call.
 * Step 0.025 / max(r, s) [fm^-1]; the largest error is near Q = 0, where d^4F/dQ^4 is largest: max |table -
 * nr_ff_helm_001| over the range is 1.2e-10 for tungsten and 1.0e-9 for carbon (tests/test_form_factors.c prints
 * it for every material of materials.h). */
typedef struct {
    double a;         /* mass number                                  */
    double r_fm, s_fm;
    double h_fm;      /* grid step in Q [fm^-1]                       */
    double per_gev;   /* 1 / step in GeV [GeV^-1]                     */
    size_t n;         /* grid points, Q_k = k h, k < n                */
    double *fd;       /* F(Q_k) and dF/dQ [fm] interleaved, fd[2k] and fd[2k + 1]: one look-up reads 32
                         adjacent bytes (the table, ~150 kB for 000's tungsten, outgrows the L1/L2 caches) */
} nr_ff_helm_table;

/* Fills t for mass number a (> 0): NR_ENOMEM, NR_EINPUT on failure (t then holds nothing to free). */
nr_status nr_ff_helm_table_init(nr_ff_helm_table *t, double a, nr_error *err);
/* The same table for any Helm parameters r, s [fm] (r >= 0, s > 0; e.g. paper 000's, darkz_xsec.h); a is only
 * recorded. nr_ff_helm_table_init(t, a) is this with the 001 r and s. */
nr_status nr_ff_helm_table_init_rs(nr_ff_helm_table *t, double a, double r_fm, double s_fm, nr_error *err);
void nr_ff_helm_table_free(nr_ff_helm_table *t);
/* F(Q) from the table, Q in GeV (|Q| taken). */
double nr_ff_helm_table_at(const nr_ff_helm_table *t, double q_gev);

/* Atomic screening G_at(Q) = a^2 Q^2 / (1 + a^2 Q^2), a = 111 Z^(-1/3) / m_e (001 Eq. A.5). */
double nr_ff_atomic_screening(double q_gev, double z);

/* Nucleon Dirac (F1) and Pauli (F2) form factors at Q^2 [GeV^2] from dipole Sachs form factors:
 * G_D = (1 + Q^2/0.71)^-2, G_E^p = G_D, G_E^n = 0, G_M = mu G_D (mu_p = 2.793, mu_n = -1.913),
 * F1 = (G_E + tau G_M)/(1 + tau), F2 = (G_M - G_E)/(1 + tau), tau = Q^2/(4 m_p^2). */
void nr_ff_nucleon(double q2_gev2, nr_nucleon nucleon, double *f1, double *f2);
/* Both nucleons at one Q^2: the values of nr_ff_nucleon for the proton (f1p, f2p) and the neutron (f1n, f2n) to the
 * last bit, G_D and tau computed once. */
void nr_ff_nucleons(double q2_gev2, double *f1p, double *f2p, double *f1n, double *f2n);

#endif
