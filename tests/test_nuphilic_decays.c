/* test_nuphilic_decays.c: M -> l nu Z' and Z' -> nu nubar of paper 002 (physics/models/nuphilic_decays.c).
 * Golden values and their sources:
 *  - massless lepton: the production integrator (ln t lines) against the closed form derived in
 *    nuphilic_decays.c (an analytic integral of 002 Eq. 4 x 2 over the Dalitz region), and its leading term
 *    G_F^2 f^2 V^2 m_M^5 / (3072 pi^3 m_Z'^2) for m_Z' << m_M (analytic limit);
 *  - lepton mass kept: the production integrator against an independent nested adaptive GSL integration
 *    of the same |M|^2 over 002 Eq. (3)'s variables (E_l outer, E_nu inner) with the massive limits, to 1e-6
 *    (the electron channels were off by up to 9.6e-5 before the end region of the Z' spectrum was integrated
 *    on its own, nuphilic_decays.c END_WIDTHS);
 *  - the closed forms of d Gamma/dE_nu and d Gamma/dE_Z' (total and longitudinal) against adaptive GSL
 *    integrations (qags in ln t) of nr_nuphilic_msq_at along the same Dalitz lines, to 1e-8;
 *  - the amplitude normalisation: the two-body width from the same vertex against PDG 2022 branching
 *    fractions BR(pi -> mu nu) = 0.99988, BR(K -> mu nu) = 0.6356, BR(D_s -> tau nu) = 0.0532,
 *    BR(D_s -> mu nu) = 0.00543 (the lattice f_M and the PDG CKM reproduce them to a few %);
 *  - energy conservation: <E_nu> + <E_Z'> from the binned spectra + <E_l> from the adaptive integral = m_M;
 *  - the Z' -> nu nubar angular distributions: each neutrino carries E_Z'/2 on average (analytic);
 *  - Gamma(Z' -> nu nubar) = g^2 m / (24 pi) per left-handed channel (the textbook vector width halved). */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "flux.h"
#include "models/nuphilic_decays.h"
#include "nr_test.h"

typedef struct {
    nr_nuphilic_meson m;
    double ml, mz, e_l;
    int weight_el; /* integrate E_l |M|^2 instead of |M|^2 */
    gsl_integration_workspace *inner;
} adaptive_ctx;

static double inner_integrand(double e_nu, void *p)
{
    adaptive_ctx *c = p;
    nr_nuphilic_msq q = nr_nuphilic_msq_at(c->m, c->ml, c->mz, c->e_l, e_nu);
    return q.total * (c->weight_el ? c->e_l : 1.0);
}

static double outer_integrand(double e_l, void *p)
{
    adaptive_ctx *c = p;
    double mm = nr_nuphilic_meson_get(c->m)->mass, ml2 = c->ml * c->ml, mz2 = c->mz * c->mz;
    double t = mm * mm + ml2 - 2 * mm * e_l; /* (nu + Z')^2 */
    double pl = sqrt(fmax(e_l * e_l - ml2, 0));
    if (t <= mz2)
        return 0;
    /* 002 Eq. (3) generalised to m_l > 0: the (nu Z') system has energy m_M - E_l, momentum p_l */
    double lo = (t - mz2) * (mm - e_l - pl) / (2 * t), hi = (t - mz2) * (mm - e_l + pl) / (2 * t);
    c->e_l = e_l;
    gsl_function f = {inner_integrand, c};
    double r, abserr;
    gsl_integration_qags(&f, lo, hi, 0, 1e-9, 1000, c->inner, &r, &abserr);
    return r;
}

static double adaptive_width(nr_nuphilic_meson m, double ml, double mz, int weight_el)
{
    double mm = nr_nuphilic_meson_get(m)->mass;
    adaptive_ctx c = {m, ml, mz, 0, weight_el, gsl_integration_workspace_alloc(1000)};
    gsl_integration_workspace *outer = gsl_integration_workspace_alloc(1000);
    gsl_function f = {outer_integrand, &c};
    double r, abserr;
    double e_max = (mm * mm + ml * ml - mz * mz) / (2 * mm);
    gsl_integration_qags(&f, ml, e_max, 0, 1e-8, 1000, outer, &r, &abserr);
    gsl_integration_workspace_free(outer);
    gsl_integration_workspace_free(c.inner);
    return r / (64 * NR_PI * NR_PI * NR_PI * mm);
}

/* ---- the single-differential rates by adaptive integration along a Dalitz line, in y = ln t ---- */
typedef struct {
    nr_nuphilic_meson m;
    double ml, mz, e_fixed, t_of;
    int fixed_zp, longitudinal;
} line_ctx;

static double line_integrand(double y, void *p)
{
    const line_ctx *c = p;
    double mm = nr_nuphilic_meson_get(c->m)->mass, t = exp(y), e_l, e_nu;
    if (c->fixed_zp) { /* t = t_of + 2 m_M E_nu */
        e_nu = (t - c->t_of) / (2 * mm);
        e_l = mm - c->e_fixed - e_nu;
    } else { /* t = m_M^2 + m_l^2 - 2 m_M E_l */
        e_nu = c->e_fixed;
        e_l = (mm * mm + c->ml * c->ml - t) / (2 * mm);
    }
    nr_nuphilic_msq q = nr_nuphilic_msq_at(c->m, c->ml, c->mz, e_l, e_nu);
    return (c->longitudinal ? q.longitudinal : q.total) * t / (2 * mm);
}

/* d Gamma/dE at fixed E_Z' (fixed_zp) or E_nu, by qags; t range from the kinematics of 002 Eq. (3) */
static double line_adaptive(nr_nuphilic_meson m, double ml, double mz, int fixed_zp, int longitudinal, double e)
{
    double mm = nr_nuphilic_meson_get(m)->mass, mm2 = mm * mm, ml2 = ml * ml, mz2 = mz * mz, t_lo, t_hi;
    line_ctx c = {m, ml, mz, e, 0, fixed_zp, longitudinal};
    if (fixed_zp) {
        double pz = sqrt(e * e - mz2), s = mm2 + mz2 - 2 * mm * e;
        c.t_of = -mm2 + ml2 + 2 * mm * e;
        t_lo = c.t_of + mm * (s - ml2) * (mm - e - pz) / s; /* 2 m_M E_nu at the ends */
        t_hi = c.t_of + mm * (s - ml2) * (mm - e + pz) / s;
    } else { /* the (l Z') system of mass sqrt(u) moving with momentum E_nu */
        double u = mm2 - 2 * mm * e, ru = sqrt(u), es = (u + ml2 - mz2) / (2 * ru), ps = sqrt(es * es - ml2);
        double gam = (mm - e) / ru, gb = e / ru;
        t_lo = mm2 + ml2 - 2 * mm * (gam * es + gb * ps);
        t_hi = mm2 + ml2 - 2 * mm * (gam * es - gb * ps);
    }
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_function f = {line_integrand, &c};
    double r, abserr;
    gsl_integration_qags(&f, log(t_lo), log(t_hi), 0, 1e-12, 1000, w, &r, &abserr);
    gsl_integration_workspace_free(w);
    return r / (64 * NR_PI * NR_PI * NR_PI * mm);
}

int main(void)
{
    gsl_set_error_handler_off();
    char what[160];

    /* closed form vs production integrator, massless lepton */
    const double mzs[] = {1e-6, 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.3, 1.0};
    for (int m = 0; m < NR_NUPHILIC_N_MESONS; m++)
        for (size_t i = 0; i < sizeof mzs / sizeof mzs[0]; i++) {
            if (!nr_nuphilic_open(m, 0, mzs[i]))
                continue;
            snprintf(what, sizeof what, "%s -> e nu Z' (m_l = 0), m_Z' = %g: numeric vs closed form",
                     nr_nuphilic_meson_get(m)->name, mzs[i]);
            CHECK_REL(nr_nuphilic_width_three_body(m, 0, mzs[i]), nr_nuphilic_width_three_body_massless(m, mzs[i]),
                      1e-6, what);
        }
    /* leading term for m_Z' << m_M */
    {
        const nr_nuphilic_meson_info *k = nr_nuphilic_meson_get(NR_NUPHILIC_KAON);
        double mz = 1e-5;
        double lead = NR_G_FERMI * NR_G_FERMI * k->ckm * k->ckm * k->decay_constant * k->decay_constant *
                      pow(k->mass, 5) / (3072 * pow(NR_PI, 3) * mz * mz);
        CHECK_REL(nr_nuphilic_width_three_body_massless(NR_NUPHILIC_KAON, mz), lead, 1e-6,
                  "K -> e nu Z' closed form -> m_K^5/(3072 pi^3 m_Z'^2) leading term");
    }

    /* lepton mass kept: production vs adaptive */
    struct {
        nr_nuphilic_meson m;
        int flavour;
        double mz;
    } massive[] = {
        {NR_NUPHILIC_PION, NR_FLAVOUR_E, 1e-3}, {NR_NUPHILIC_PION, NR_FLAVOUR_MU, 1e-3},
        {NR_NUPHILIC_PION, NR_FLAVOUR_MU, 0.01}, {NR_NUPHILIC_KAON, NR_FLAVOUR_MU, 1e-4},
        {NR_NUPHILIC_KAON, NR_FLAVOUR_MU, 0.1}, {NR_NUPHILIC_KAON, NR_FLAVOUR_E, 0.3},
        {NR_NUPHILIC_DS, NR_FLAVOUR_TAU, 1e-3}, {NR_NUPHILIC_DS, NR_FLAVOUR_TAU, 0.1},
        {NR_NUPHILIC_DS, NR_FLAVOUR_MU, 0.05},
    };
    for (size_t i = 0; i < sizeof massive / sizeof massive[0]; i++) {
        double ml = nr_nuphilic_lepton_mass(massive[i].flavour);
        double prod = nr_nuphilic_width_three_body(massive[i].m, ml, massive[i].mz);
        double ref = adaptive_width(massive[i].m, ml, massive[i].mz, 0);
        snprintf(what, sizeof what, "%s -> l(%g GeV) nu Z', m_Z' = %g: ln-t quadrature vs adaptive GSL",
                 nr_nuphilic_meson_get(massive[i].m)->name, ml, massive[i].mz);
        CHECK_REL(prod, ref, 1e-6, what);

        /* closed-form single-differential rates vs adaptive integration along the lines */
        double mm = nr_nuphilic_meson_get(massive[i].m)->mass, mz = massive[i].mz;
        double e_nu_max = (mm * mm - (ml + mz) * (ml + mz)) / (2 * mm);
        double e_z_max = (mm * mm + mz * mz - ml * ml) / (2 * mm);
        const double fr[] = {1e-4, 0.01, 0.2, 0.5, 0.8, 0.99, 0.9999};
        for (size_t k = 0; k < sizeof fr / sizeof fr[0]; k++) {
            double e_nu = fr[k] * e_nu_max, e_z = mz + fr[k] * (e_z_max - mz);
            snprintf(what, sizeof what, "%s -> l(%g GeV) nu Z'(%g): closed d Gamma/dE_nu at %g of E_nu^max vs qags",
                     nr_nuphilic_meson_get(massive[i].m)->name, ml, mz, fr[k]);
            CHECK_REL(nr_nuphilic_dgamma_de_nu(massive[i].m, ml, mz, e_nu),
                      line_adaptive(massive[i].m, ml, mz, 0, 0, e_nu), 1e-8, what);
            nr_nuphilic_msq q = nr_nuphilic_dgamma_de_zp(massive[i].m, ml, mz, e_z);
            snprintf(what, sizeof what, "%s -> l(%g GeV) nu Z'(%g): closed d Gamma/dE_Z' at %g of the range vs qags",
                     nr_nuphilic_meson_get(massive[i].m)->name, ml, mz, fr[k]);
            CHECK_REL(q.total, line_adaptive(massive[i].m, ml, mz, 1, 0, e_z), 1e-8, what);
            snprintf(what, sizeof what, "%s -> l(%g GeV) nu Z'(%g): closed longitudinal d Gamma/dE_Z' at %g vs qags",
                     nr_nuphilic_meson_get(massive[i].m)->name, ml, mz, fr[k]);
            CHECK_REL(q.longitudinal, line_adaptive(massive[i].m, ml, mz, 1, 1, e_z), 1e-8, what);
        }

        /* spectra: normalisation and energy conservation */
        nr_nuphilic_rest_spectra sp;
        nr_error err;
        CHECK(nr_nuphilic_rest_spectra_compute(massive[i].m, ml, massive[i].mz, &sp, &err) == NR_OK, "%s",
              err.message);
        double mean_nu = 0, mean_z = 0, norm_nu = 0, norm_z = 0;
        for (int b = 0; b < NR_NUPHILIC_N_NU_BINS; b++) {
            mean_nu += sp.prob_nu[b] * sp.e_nu_max * (b + 0.5) / NR_NUPHILIC_N_NU_BINS;
            norm_nu += sp.prob_nu[b];
        }
        for (int b = 0; b < NR_NUPHILIC_N_ZP_BINS; b++) {
            double e = 0.5 * (nr_nuphilic_zp_bin_edge(massive[i].m, massive[i].mz, b) +
                              fmin(nr_nuphilic_zp_bin_edge(massive[i].m, massive[i].mz, b + 1), sp.e_zp_max));
            mean_z += (sp.prob_zp_long[b] + sp.prob_zp_trans[b]) * e;
            norm_z += sp.prob_zp_long[b] + sp.prob_zp_trans[b];
        }
        CHECK_REL(norm_nu, 1.0, 1e-12, "nu spectrum normalised");
        CHECK_REL(norm_z, 1.0, 1e-12, "Z' spectrum normalised");
        double mean_l = adaptive_width(massive[i].m, ml, massive[i].mz, 1) / ref;
        snprintf(what, sizeof what, "%s, m_Z' = %g: <E_l> + <E_nu> + <E_Z'> = m_M (binned spectra)",
                 nr_nuphilic_meson_get(massive[i].m)->name, massive[i].mz);
        /* bin centres stand for their bins: 0.2% */
        CHECK_REL(mean_l + mean_nu + mean_z, nr_nuphilic_meson_get(massive[i].m)->mass, 0.002, what);
    }

    /* longitudinal dominance for m_Z' << m_M with a massless lepton */
    {
        nr_nuphilic_rest_spectra sp;
        nr_error err;
        nr_nuphilic_rest_spectra_compute(NR_NUPHILIC_KAON, 0, 1e-3, &sp, &err);
        double lon = 0;
        for (int b = 0; b < NR_NUPHILIC_N_ZP_BINS; b++)
            lon += sp.prob_zp_long[b];
        CHECK(lon > 0.999 && lon <= 1.0 + 1e-12, "K -> e nu Z'(1 MeV): longitudinal fraction %g, want -> 1 "
              "(the m_M^2/m_Z'^2 enhancement is longitudinal)", lon);
    }

    /* two-body widths vs PDG 2022 branching fractions */
    CHECK_REL(nr_nuphilic_width_two_body(NR_NUPHILIC_PION, NR_M_MUON) / nr_nuphilic_meson_width(NR_NUPHILIC_PION),
              0.99988, 0.03, "BR(pi -> mu nu) from f_pi, V_ud, tau_pi");
    CHECK_REL(nr_nuphilic_width_two_body(NR_NUPHILIC_KAON, NR_M_MUON) / nr_nuphilic_meson_width(NR_NUPHILIC_KAON),
              0.6356, 0.03, "BR(K -> mu nu)");
    CHECK_REL(nr_nuphilic_width_two_body(NR_NUPHILIC_DS, NR_M_TAU) / nr_nuphilic_meson_width(NR_NUPHILIC_DS),
              0.0532, 0.05, "BR(D_s -> tau nu)");
    CHECK_REL(nr_nuphilic_width_two_body(NR_NUPHILIC_DS, NR_M_MUON) / nr_nuphilic_meson_width(NR_NUPHILIC_DS),
              0.00543, 0.05, "BR(D_s -> mu nu)");

    /* Z' -> nu nubar: mean neutrino energy E/2, CDF bounds */
    for (int lon = 0; lon < 2; lon++) {
        double ez = 2.0, mz = 0.5, mean = 0, n = 4000;
        double p = sqrt(ez * ez - mz * mz), lo = 0.5 * (ez - p), hi = 0.5 * (ez + p);
        for (int k = 0; k < n; k++) {
            double e1 = lo + (hi - lo) * k / n, e2 = lo + (hi - lo) * (k + 1) / n;
            mean += 0.5 * (e1 + e2) * (nr_nuphilic_zp_nu_cdf(ez, mz, lon, e2) - nr_nuphilic_zp_nu_cdf(ez, mz, lon, e1));
        }
        CHECK_REL(mean, ez / 2, 1e-6, lon ? "longitudinal Z': <E_nu> = E_Z'/2" : "transverse Z': <E_nu> = E_Z'/2");
        CHECK(nr_nuphilic_zp_nu_cdf(ez, mz, lon, lo) == 0 && nr_nuphilic_zp_nu_cdf(ez, mz, lon, hi) == 1,
              "CDF ends");
    }
    CHECK_REL(nr_nuphilic_zp_width(1e-3, 1, 0.01), 1e-6 * 0.01 / (24 * NR_PI), 1e-12, "Gamma(Z' -> nu_a nubar_a)");
    CHECK_REL(nr_nuphilic_zp_width(1e-3, 0, 0.01), 2e-6 * 0.01 / (24 * NR_PI), 1e-12, "Gamma(Z' -> nu_a nubar_b + c.c.)");

    /* D_s -> tau -> nu_tau: CDF from 0 to 1 within the kinematic range; the direct line at (m^2 - m_tau^2)/2m */
    CHECK(nr_nuphilic_tau_nu_cdf_in_ds(0.0) == 0.0, "tau nu CDF starts at 0");
    CHECK_REL(nr_nuphilic_tau_nu_cdf_in_ds(1.0), 1.0, 1e-3, "tau nu CDF reaches 1 below E_tau (1 GeV)");
    CHECK_REL(nr_nuphilic_ds_direct_nu_energy(), (1.96835 * 1.96835 - NR_M_TAU * NR_M_TAU) / (2 * 1.96835), 1e-12,
              "direct nu_tau energy");
    return nr_test_summary();
}
