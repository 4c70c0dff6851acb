/* supernova.c: the luminosity integrals of paper 004 Eqs. 53-54 with absorption (supernova.h for the formulas,
 * the grids and the units).
 */
#include "supernova.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"

#define N_R_IN 201   /* odd: Simpson over [0, R_nu]          */
#define N_R_OUT 151  /* [R_nu, R_far], shares R_nu            */
#define N_K 161      /* odd: Simpson in s                     */
#define K0_GEV 5e-3  /* scale of the momentum map [GeV]       */
#define OMEGA_SPAN 50.0 /* omega - m up to this many T_max    */

double nr_sn_bose(double x) { return x > 700 ? 0.0 : 1.0 / expm1(x); }
double nr_sn_absorption_factor(double x) { return x > 700 ? 1.0 : -1.0 / expm1(-x); }

void nr_sn_luminosity_free(nr_sn_luminosity *l)
{
    if (!l)
        return;
    free(l->r_km);
    free(l->k_gev);
    free(l->prod);
    free(l->tau);
    memset(l, 0, sizeof *l);
}

static double simpson_weight(size_t i, size_t n)
{
    return (i == 0 || i == n - 1) ? 1.0 / 3.0 : (i % 2 ? 4.0 / 3.0 : 2.0 / 3.0);
}

nr_status nr_sn_luminosity_prepare(const nr_sn_profile *profile, double m_gev, nr_sn_rate_fn rates, const void *ctx,
                                   nr_sn_luminosity *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(m_gev > 0) || !isfinite(m_gev))
        return nr_fail(err, NR_EINPUT, "/params", "the boson mass must be positive");
    const size_t n_r = N_R_IN, n_all = N_R_IN + N_R_OUT - 1, n_k = N_K;
    out->m_gev = m_gev;
    out->l_nu_erg_s = profile->l_nu_erg_s;
    out->n_r = n_r;
    out->n_k = n_k;
    out->r_km = calloc(2 * n_r, sizeof(double));
    out->k_gev = calloc(2 * n_k, sizeof(double));
    out->prod = calloc((size_t)NR_SN_N_PROC * NR_SN_N_POL * n_r * n_k, sizeof(double));
    out->tau = calloc((size_t)NR_SN_N_POL * n_r * n_k, sizeof(double));
    double *r_all = calloc(n_all, sizeof(double));
    double *a_prev = calloc((size_t)NR_SN_N_POL * n_k, sizeof(double));
    double *a_cur = calloc((size_t)NR_SN_N_POL * n_k, sizeof(double));
    double *tau_run = calloc((size_t)NR_SN_N_POL * n_k, sizeof(double));
    if (!out->r_km || !out->k_gev || !out->prod || !out->tau || !r_all || !a_prev || !a_cur || !tau_run) {
        free(r_all), free(a_prev), free(a_cur), free(tau_run);
        nr_sn_luminosity_free(out);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the supernova luminosity tables");
    }
    out->w_r = out->r_km + n_r;
    out->w_k = out->k_gev + n_k;

    /* radii: [0, R_nu] then (R_nu, R_far] */
    const double r_nu = profile->r_nu_km, r_far = profile->r_far_km;
    const double h_in = r_nu / (double)(n_r - 1), h_out = (r_far - r_nu) / (double)(N_R_OUT - 1);
    const double km3 = pow(NR_KM_TO_INV_GEV, 3.0);
    for (size_t i = 0; i < n_all; i++)
        r_all[i] = i < n_r ? h_in * (double)i : r_nu + h_out * (double)(i - (n_r - 1));
    for (size_t i = 0; i < n_r; i++) {
        out->r_km[i] = r_all[i];
        out->w_r[i] = simpson_weight(i, n_r) * h_in * 4.0 * NR_PI * r_all[i] * r_all[i] * km3;
    }
    /* momenta: k = k0 (e^s - 1) up to omega - m = 50 T_max inside R_nu */
    double t_max = 0.0;
    for (size_t i = 0; i < profile->n; i++)
        if (profile->r_km[i] <= r_nu && profile->t_gev[i] > t_max)
            t_max = profile->t_gev[i];
    double e_top = m_gev + OMEGA_SPAN * t_max, k_max = sqrt(e_top * e_top - m_gev * m_gev);
    double s_max = log1p(k_max / K0_GEV), h_s = s_max / (double)(n_k - 1);
    for (size_t j = 0; j < n_k; j++) {
        double s = h_s * (double)j, k = K0_GEV * expm1(s), omega = sqrt(k * k + m_gev * m_gev);
        out->k_gev[j] = k;
        out->w_k[j] = simpson_weight(j, n_k) * h_s * K0_GEV * exp(s) * k * k * omega / (2.0 * NR_PI * NR_PI);
    }

    /* from R_far inwards: absorption rates, optical depth (trapezoid), production inside R_nu */
    for (size_t ii = n_all; ii-- > 0;) {
        nr_sn_point pt;
        nr_sn_profile_at(profile, r_all[ii], &pt);
        for (size_t j = 0; j < n_k; j++) {
            double k = out->k_gev[j], omega = sqrt(k * k + m_gev * m_gev), x = omega / pt.t_gev;
            double q[NR_SN_N_PROC][NR_SN_N_POL];
            memset(q, 0, sizeof q);
            if (k > 0)
                rates(ctx, omega, k, &pt, q);
            double v = k / omega;
            for (int s = 0; s < NR_SN_N_POL; s++) {
                double qs = 0.0;
                for (int p = 0; p < NR_SN_N_PROC; p++) {
                    qs += q[p][s];
                    if (ii < n_r)
                        out->prod[((size_t)(p * NR_SN_N_POL + s) * n_r + ii) * n_k + j] = q[p][s] * nr_sn_bose(x);
                }
                /* Gamma_A / v per km; at k = 0 the boson does not move: its (zero) production is never counted */
                a_cur[s * n_k + j] = k > 0 ? qs * nr_sn_absorption_factor(x) / v * NR_KM_TO_INV_GEV : 0.0;
                if (ii + 1 < n_all)
                    tau_run[s * n_k + j] += 0.5 * (a_cur[s * n_k + j] + a_prev[s * n_k + j]) * (r_all[ii + 1] - r_all[ii]);
                if (ii < n_r)
                    out->tau[((size_t)s * n_r + ii) * n_k + j] = tau_run[s * n_k + j];
            }
        }
        double *swap = a_prev;
        a_prev = a_cur;
        a_cur = swap;
    }
    free(r_all), free(a_prev), free(a_cur), free(tau_run);
    return NR_OK;
}

static double luminosity(const nr_sn_luminosity *l, double g, int absorb, double l_erg_s[NR_SN_N_PROC])
{
    static const double multiplicity[NR_SN_N_POL] = {2.0, 1.0};
    const double g2 = g * g, to_erg_s = NR_ERG_PER_GEV / NR_HBAR_GEV_S;
    double sum[NR_SN_N_PROC] = {0};
    for (int s = 0; s < NR_SN_N_POL; s++)
        for (size_t i = 0; i < l->n_r; i++) {
            const double *tau = l->tau + ((size_t)s * l->n_r + i) * l->n_k;
            for (size_t j = 0; j < l->n_k; j++) {
                double w = multiplicity[s] * l->w_r[i] * l->w_k[j] * (absorb ? exp(-g2 * tau[j]) : 1.0);
                if (w == 0.0)
                    continue;
                for (int p = 0; p < NR_SN_N_PROC; p++)
                    sum[p] += w * l->prod[((size_t)(p * NR_SN_N_POL + s) * l->n_r + i) * l->n_k + j];
            }
        }
    double total = 0.0;
    for (int p = 0; p < NR_SN_N_PROC; p++) {
        double v = g2 * sum[p] * to_erg_s; /* GeV^2 -> GeV/s -> erg/s */
        if (l_erg_s)
            l_erg_s[p] = v;
        total += v;
    }
    return total;
}

double nr_sn_luminosity_at(const nr_sn_luminosity *l, double g, double l_erg_s[NR_SN_N_PROC])
{
    return luminosity(l, g, 1, l_erg_s);
}

double nr_sn_luminosity_free_streaming(const nr_sn_luminosity *l, double g, double l_erg_s[NR_SN_N_PROC])
{
    return luminosity(l, g, 0, l_erg_s);
}
