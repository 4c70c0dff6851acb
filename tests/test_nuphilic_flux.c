/* test_nuphilic_flux.c: meson spectra from the Kling-Nevay neutrino spectra and the lab-frame fluxes with a
 * neutrinophilic Z' (physics/models/nuphilic_flux.c, paper 002 Eqs. 5-8).
 * Golden values and their sources:
 *  - g = 0 closure (issue 13): the mesons reconstructed from the FASERnu (and FASERnu2) tables, decayed again,
 *    give back the SM neutrino spectra: the pion + kaon shares of nu_mu and nubar_mu to 2% in every bin; nu_tau
 *    and nubar_tau (averaged) to 5% per bin and 1% in total (why not 2%: see closure());
 *  - energy conservation on a synthetic wide grid: the lab energy of the new neutrinos equals the forward
 *    boost 2 E_M / m_M times the rest-frame energy they carry, m_M - <E_l> (prompt Z' decay: the Z' energy
 *    goes to its nu nubar pair) or <E_nu> (Z' that never decays), with <E> from the rest-frame spectra;
 *  - species bookkeeping: g_etau off-diagonal, Z' -> nu_e nubar_tau / nu_tau nubar_e in equal shares;
 *  - Eq. (5) limits: a Z' with decay length >> L adds nothing from its decay;
 *  - the prepared Z' transfer tables against an independent node-by-node evaluation of the same quadrature
 *    (nr_nuphilic_transfer of nr_nuphilic_zp_nu_cdf), to 1e-13 (rounding; issue 11);
 *  - the per-point sum of the new neutrinos (prompt Z' through running sums) against the same sum written out
 *    from the prepared tables with decay.h's decay probability, to 1e-12 of the largest bin, and the direct
 *    neutrinos against nr_nuphilic_transfer of the rest-frame CDF, to 1e-12 (issue 11). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "constants.h"
#include "flux.h"
#include "decay.h"
#include "models/nuphilic_flux.h"
#include "nr_test.h"

static void closure(const char *set, const char *prefix)
{
    char dir[1024], what[200];
    snprintf(dir, sizeof dir, "%s/fluxes/%s", nr_test_data_dir(), set);
    nr_flux flux;
    nr_error err;
    if (nr_flux_load(dir, prefix, &flux, &err) != NR_OK) {
        CHECK(0, "%s", err.message);
        return;
    }
    nr_nuphilic_parents par;
    CHECK(nr_nuphilic_parents_load(nr_test_data_dir(), &flux, &par, &err) == NR_OK, "%s", err.message);
    nr_nuphilic_mesons mes;
    CHECK(nr_nuphilic_mesons_reconstruct(&flux, &par, &mes, &err) == NR_OK, "%s", err.message);
    printf("%s: D_s unfolding %d iterations, max residual %.2g\n", set, mes.ds_iterations, mes.ds_max_residual);
    double back[NR_NUPHILIC_MAX_BINS];
    for (int c = 0; c < 2; c++) {
        int s = NR_SPECIES(NR_FLAVOUR_MU, c);
        nr_nuphilic_mesons_refold(&mes, &flux, s, back);
        for (size_t i = 0; i < flux.n_bins; i++) {
            double want = flux.count[s][i] * (par.pion[c][i] + par.kaon[c][i]);
            snprintf(what, sizeof what, "%s %s (pi + K share) bin %zu (E = %.4g GeV): g = 0 closure", set,
                     nr_species_name(s), i, flux.e_center[i]);
            CHECK_REL(back[i], want, 0.02, what);
        }
        /* the pion share is the bulk of nu_mu at low energy (tau_tridents curves): a sanity check of the split */
        CHECK(par.pion[c][0] > 0.5 && par.pion[c][0] < 1, "pion share of %s in the first bin %g",
              nr_species_name(s), par.pion[c][0]);
    }
    double tau_back[2][NR_NUPHILIC_MAX_BINS];
    nr_nuphilic_mesons_refold(&mes, &flux, NR_SPECIES(NR_FLAVOUR_TAU, 0), tau_back[0]);
    nr_nuphilic_mesons_refold(&mes, &flux, NR_SPECIES(NR_FLAVOUR_TAU, 1), tau_back[1]);
    /* nu_tau: 2% per bin is out of reach. The D_s -> tau -> nu_tau response is broad (x from ~0.2 to 1) while
     * the table fluctuates from bin to bin by more than 2% (nu_tau and nubar_tau, which a D_s+ = D_s- source
     * makes equal, differ by 5-10% per bin in FASERv: Monte Carlo statistics); no positive D_s spectrum follows
     * those wiggles. The unfolding reaches the noise: 5% per bin, 1% on the total, and the empty top bins of
     * the table stay below 1% of the peak. */
    double ymax = 0, sum_back = 0, sum_want = 0;
    for (size_t i = 0; i < flux.n_bins; i++)
        ymax = fmax(ymax, flux.count[NR_SPECIES(NR_FLAVOUR_TAU, 0)][i]);
    for (size_t i = 0; i < flux.n_bins; i++) {
        double want = 0.5 * (flux.count[NR_SPECIES(NR_FLAVOUR_TAU, 0)][i] + flux.count[NR_SPECIES(NR_FLAVOUR_TAU, 1)][i]);
        snprintf(what, sizeof what, "%s nu_tau bin %zu (E = %.4g GeV): g = 0 closure", set, i, flux.e_center[i]);
        if (want > 1e-3 * ymax)
            CHECK_REL(tau_back[0][i], want, 0.05, what);
        else
            CHECK(tau_back[0][i] < 1e-2 * ymax, "%s: %g where the table has %g", what, tau_back[0][i], want);
        CHECK_REL(tau_back[1][i], tau_back[0][i], 1e-12, "D_s+ = D_s-: nu_tau = nubar_tau");
        sum_back += tau_back[0][i];
        sum_want += want;
    }
    snprintf(what, sizeof what, "%s nu_tau total: g = 0 closure", set);
    CHECK_REL(sum_back, sum_want, 0.01, what);
    nr_flux_free(&flux);
}

/* a synthetic flux grid 10 bins per decade from 1e-4 to 1e5 GeV, no SM neutrinos */
static void synthetic_grid(nr_flux *f, double *lo, double *hi, double *ce, double *zero)
{
    memset(f, 0, sizeof *f);
    f->n_bins = 90;
    for (size_t i = 0; i < 90; i++) {
        lo[i] = 1e-4 * pow(10, 0.1 * i);
        hi[i] = 1e-4 * pow(10, 0.1 * (i + 1));
        ce[i] = sqrt(lo[i] * hi[i]);
        zero[i] = 0;
    }
    f->e_lo = lo;
    f->e_hi = hi;
    f->e_center = ce;
    for (int s = 0; s < NR_N_SPECIES; s++)
        f->count[s] = f->cc_count[s] = zero;
}

/* CDF of x = E_nu / E_M for a neutrino of Z' -> nu nubar, the Z' of rest-frame energy e_zp in the meson frame */
typedef struct {
    double e_zp, m_zp, m_meson;
    int longitudinal;
} zp_cdf_ctx;

static double zp_x_cdf(double x, const void *p)
{
    const zp_cdf_ctx *c = p;
    return nr_nuphilic_zp_nu_cdf(c->e_zp, c->m_zp, c->longitudinal, 0.5 * x * c->m_meson);
}

/* CDF of x = E_nu / E_M of the direct neutrino: linear within the rest-frame spectrum's uniform E_nu bins */
typedef struct {
    const nr_nuphilic_rest_spectra *sp;
    double m_meson;
} direct_cdf_ctx;

static double direct_cdf(double x, const void *p)
{
    const direct_cdf_ctx *c = p;
    double e = 0.5 * x * c->m_meson, below = 0;
    for (int b = 0; b < NR_NUPHILIC_N_NU_BINS; b++) {
        double lo = c->sp->e_nu_max * b / NR_NUPHILIC_N_NU_BINS, hi = c->sp->e_nu_max * (b + 1) / NR_NUPHILIC_N_NU_BINS;
        if (e >= hi)
            below += c->sp->prob_nu[b];
        else if (e > lo)
            below += c->sp->prob_nu[b] * (e - lo) / (hi - lo);
    }
    return below;
}

int main(void)
{
    closure("FASERv", "FASER");
    closure("FASERv2", "FASERv2");

    /* energy conservation on a wide synthetic grid: mesons in two bins near 1 TeV */
    static double lo[90], hi[90], ce[90], zero[90];
    nr_flux f;
    synthetic_grid(&f, lo, hi, ce, zero);
    static nr_nuphilic_mesons mes;
    memset(&mes, 0, sizeof mes);
    for (int m = 0; m < NR_NUPHILIC_N_MESONS; m++) {
        mes.n[m] = 3;
        for (int j = 0; j < 3; j++) {
            mes.lo[m][j] = 800.0 * pow(10, 0.1 * j);
            mes.hi[m][j] = 800.0 * pow(10, 0.1 * (j + 1));
            mes.count[m][0][j] = 1e6 * (j + 1);
            mes.count[m][1][j] = 5e5;
        }
    }
    const double mzs[] = {0.01, 0.1};
    for (size_t im = 0; im < 2; im++) {
        double mz = mzs[im];
        static nr_nuphilic_prepared prep;
        nr_error err;
        CHECK(nr_nuphilic_prepare(&mes, &f, mz, 480.0, &prep, &err) == NR_OK, "%s", err.message);
        for (int lived = 0; lived < 2; lived++) {
            /* g_etau only: prompt Z' at g = 1e-2 (decay length < 1 mm); "never decays" at g = 1e-12 */
            double g[NR_NUPHILIC_N_COUPLINGS] = {0};
            g[NR_NUPHILIC_G_ETAU] = lived ? 1e-12 : 1e-2;
            static double extra[NR_N_SPECIES * 90];
            nr_nuphilic_extra_neutrinos(&prep, g, extra);
            double got = 0, want = 0;
            for (int s = 0; s < NR_N_SPECIES; s++)
                for (size_t i = 0; i < 90; i++)
                    got += extra[s * 90 + i] * 0.5 * (lo[i] + hi[i]);
            for (size_t ci = 0; ci < prep.n_channels; ci++) {
                const nr_nuphilic_channel *ch = &prep.channel[ci];
                if (!ch->open || ch->coupling != NR_NUPHILIC_G_ETAU)
                    continue;
                nr_nuphilic_rest_spectra sp;
                nr_nuphilic_rest_spectra_compute(ch->meson, nr_nuphilic_lepton_mass(ch->lepton), mz, &sp, &err);
                double e_nu = 0, e_z = 0;
                for (int b = 0; b < NR_NUPHILIC_N_NU_BINS; b++)
                    e_nu += sp.prob_nu[b] * sp.e_nu_max * (b + 0.5) / NR_NUPHILIC_N_NU_BINS;
                for (int b = 0; b < NR_NUPHILIC_N_ZP_BINS; b++) {
                    double e1 = nr_nuphilic_zp_bin_edge(ch->meson, mz, b), e2 = nr_nuphilic_zp_bin_edge(ch->meson, mz, b + 1);
                    e_z += (sp.prob_zp_long[b] + sp.prob_zp_trans[b]) * sqrt(e1 * e2);
                }
                double rest_energy = lived ? e_nu : e_nu + e_z;
                double mm = nr_nuphilic_meson_get(ch->meson)->mass, g2 = g[NR_NUPHILIC_G_ETAU] * g[NR_NUPHILIC_G_ETAU];
                for (int j = 0; j < 3; j++)
                    for (int q = 0; q < 2; q++)
                        want += g2 * ch->br * mes.count[ch->meson][q][j] * 2 * 0.5 * (mes.lo[ch->meson][j] + mes.hi[ch->meson][j]) /
                                mm * rest_energy;
            }
            char what[160];
            snprintf(what, sizeof what, "m_Z' = %g, %s Z': lab energy of the new neutrinos = 2 E_M/m_M x rest energy",
                     mz, lived ? "long-lived" : "prompt");
            CHECK_REL(got, want, 0.01, what);
            /* species: g_etau makes nu_tau / nu_e directly and, prompt, nu_e nubar_tau + nu_tau nubar_e */
            double tot[NR_N_SPECIES] = {0};
            for (int s = 0; s < NR_N_SPECIES; s++)
                for (size_t i = 0; i < 90; i++)
                    tot[s] += extra[s * 90 + i];
            CHECK(tot[NR_SPECIES(NR_FLAVOUR_MU, 0)] == 0 && tot[NR_SPECIES(NR_FLAVOUR_MU, 1)] == 0,
                  "g_etau makes no nu_mu");
            CHECK(tot[NR_SPECIES(NR_FLAVOUR_TAU, 0)] > tot[NR_SPECIES(NR_FLAVOUR_E, 0)],
                  "g_etau: pi/K -> e nu_tau Z' dominates (nu_tau %g, nu_e %g)", tot[NR_SPECIES(NR_FLAVOUR_TAU, 0)],
                  tot[NR_SPECIES(NR_FLAVOUR_E, 0)]);
            if (!lived)
                CHECK_REL(tot[NR_SPECIES(NR_FLAVOUR_E, 1)], tot[NR_SPECIES(NR_FLAVOUR_TAU, 1)] -
                          0.0 * tot[NR_SPECIES(NR_FLAVOUR_TAU, 1)], 0.6, "prompt: nubar_e and nubar_tau of similar size");
        }
        nr_nuphilic_prepared_free(&prep);
    }
    /* the prepared Z' -> nu transfer tables (a meson-energy quadrature summed through moments where a flux edge is
     * inside the support at every node) against nr_nuphilic_transfer of nr_nuphilic_zp_nu_cdf (the node-by-node
     * sum they replace), every (Z' energy, meson bin, flux bin) and both polarisations, on the synthetic grid:
     * m_Z' = 10 keV (Z' near rest in the lowest energy bins: narrow support), 10 and 100 MeV */
    {
        const double mzt[] = {1e-5, 0.01, 0.1};
        double worst = 0;
        for (size_t im = 0; im < 3; im++) {
            static nr_nuphilic_prepared prep;
            nr_error err;
            CHECK(nr_nuphilic_prepare(&mes, &f, mzt[im], 480.0, &prep, &err) == NR_OK, "%s", err.message);
            for (int m = 0; m < NR_NUPHILIC_N_MESONS; m++) {
                if (!prep.zp_transfer[m][0])
                    continue;
                for (int k = 0; k < NR_NUPHILIC_N_ZP_BINS; k++)
                    for (size_t j = 0; j < mes.n[m]; j++)
                        for (int pol = 0; pol < 2; pol++) {
                            zp_cdf_ctx c = {sqrt(nr_nuphilic_zp_bin_edge(m, mzt[im], k) *
                                                 nr_nuphilic_zp_bin_edge(m, mzt[im], k + 1)),
                                            mzt[im], nr_nuphilic_meson_get(m)->mass, pol == 0};
                            double want[90];
                            nr_nuphilic_transfer(&f, mes.lo[m][j], mes.hi[m][j], zp_x_cdf, &c, want);
                            const double *got = prep.zp_transfer[m][pol] + ((size_t)k * mes.n[m] + j) * 90;
                            for (size_t i = 0; i < 90; i++)
                                worst = fmax(worst, fabs(got[i] - want[i]));
                        }
            }
            nr_nuphilic_prepared_free(&prep);
        }
        printf("Z' transfer tables vs the node-by-node quadrature: worst %.3g (absolute, of a probability)\n", worst);
        CHECK(worst < 1e-13, "Z' transfer tables off the node-by-node quadrature by %.3g", worst);
    }
    /* the per-point sum (prompt Z' from the running sums, the others one by one with the exp-free decay
     * probability) against the sum written out here from the prepared tables with decay.h's probability:
     * all flavours per flux bin = the direct neutrinos + 2 x the Z' neutrinos (one nu and one nubar per decay),
     * g_etau from 1e-9 to 1 (the Z' long-lived, partly prompt, prompt), on the FASERnu flux grid of the closure */
    {
        nr_flux fx;
        nr_error err;
        static nr_nuphilic_parents par;
        static nr_nuphilic_mesons rm;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/fluxes/FASERv", nr_test_data_dir());
        if (nr_flux_load(dir, "FASER", &fx, &err) != NR_OK) {
            CHECK(0, "%s", err.message);
            return nr_test_summary();
        }
        CHECK(nr_nuphilic_parents_load(nr_test_data_dir(), &fx, &par, &err) == NR_OK, "%s", err.message);
        CHECK(nr_nuphilic_mesons_reconstruct(&fx, &par, &rm, &err) == NR_OK, "%s", err.message);
        size_t n = fx.n_bins;
        const double mzt[] = {1e-5, 1e-3, 0.05};
        double worst = 0;
        for (size_t im = 0; im < 3; im++) {
            static nr_nuphilic_prepared prep;
            CHECK(nr_nuphilic_prepare(&rm, &fx, mzt[im], 480.0, &prep, &err) == NR_OK, "%s", err.message);
            for (int ig = 0; ig <= 18; ig++) {
                double g[NR_NUPHILIC_N_COUPLINGS] = {0};
                g[NR_NUPHILIC_G_ETAU] = pow(10, -9 + 0.5 * ig);
                double g2 = g[NR_NUPHILIC_G_ETAU] * g[NR_NUPHILIC_G_ETAU];
                static double extra[NR_N_SPECIES * NR_NUPHILIC_MAX_BINS];
                nr_nuphilic_extra_neutrinos(&prep, g, extra);
                double width = nr_nuphilic_zp_width(g[NR_NUPHILIC_G_ETAU], 0, mzt[im]);
                double want[NR_NUPHILIC_MAX_BINS] = {0}, got[NR_NUPHILIC_MAX_BINS] = {0}, scale = 0;
                for (size_t ci = 0; ci < prep.n_channels; ci++) {
                    const nr_nuphilic_channel *ch = &prep.channel[ci];
                    if (!ch->open || ch->coupling != NR_NUPHILIC_G_ETAU)
                        continue;
                    int m = ch->meson;
                    size_t nj = rm.n[m];
                    for (size_t i = 0; i < n; i++)
                        want[i] += g2 * (ch->direct[0][i] + ch->direct[1][i]);
                    for (int k = 0; k < NR_NUPHILIC_N_ZP_BINS; k++)
                        for (size_t j = 0; j < nj; j++) {
                            size_t kj = (size_t)k * nj + j;
                            double bgj = prep.zp_beta_gamma[m][kj];
                            double prob = bgj > 0 ? nr_decay_prob_between(0, 480.0, bgj * NR_HBARC_GEV_M / width) : 1.0;
                            double w = g2 * ch->br * (rm.count[m][0][j] + rm.count[m][1][j]) * prob;
                            for (size_t i = 0; i < n; i++)
                                want[i] += 2 * w * (ch->zp_long[k] * prep.zp_transfer[m][0][kj * n + i] +
                                                    ch->zp_trans[k] * prep.zp_transfer[m][1][kj * n + i]);
                        }
                }
                for (size_t i = 0; i < n; i++) {
                    for (int sp = 0; sp < NR_N_SPECIES; sp++)
                        got[i] += extra[sp * n + i];
                    scale = fmax(scale, want[i]);
                }
                CHECK(scale > 0, "m_Z' = %g, g_etau = %g: no new neutrinos", mzt[im], g[NR_NUPHILIC_G_ETAU]);
                for (size_t i = 0; i < n; i++)
                    worst = fmax(worst, fabs(got[i] - want[i]) / scale);
            }
            nr_nuphilic_prepared_free(&prep);
        }
        /* the prepared direct neutrinos of every open channel (g = 1) against nr_nuphilic_transfer of the rest-frame
         * CDF written out above, at m_Z' = 1 MeV */
        {
            static nr_nuphilic_prepared prep;
            CHECK(nr_nuphilic_prepare(&rm, &fx, 1e-3, 480.0, &prep, &err) == NR_OK, "%s", err.message);
            double worst_direct = 0;
            for (size_t ci = 0; ci < prep.n_channels; ci++) {
                const nr_nuphilic_channel *ch = &prep.channel[ci];
                if (!ch->open)
                    continue;
                static nr_nuphilic_rest_spectra sp;
                CHECK(nr_nuphilic_rest_spectra_compute(ch->meson, nr_nuphilic_lepton_mass(ch->lepton), 1e-3, &sp, &err) ==
                          NR_OK,
                      "%s", err.message);
                direct_cdf_ctx dc = {&sp, nr_nuphilic_meson_get(ch->meson)->mass};
                double want[2][NR_NUPHILIC_MAX_BINS] = {{0}}, col[NR_NUPHILIC_MAX_BINS], top = 0;
                for (size_t j = 0; j < rm.n[ch->meson]; j++) {
                    nr_nuphilic_transfer(&fx, rm.lo[ch->meson][j], rm.hi[ch->meson][j], direct_cdf, &dc, col);
                    for (int q = 0; q < 2; q++)
                        for (size_t i = 0; i < n; i++)
                            want[q][i] += ch->br * rm.count[ch->meson][q][j] * col[i];
                }
                for (int q = 0; q < 2; q++)
                    for (size_t i = 0; i < n; i++)
                        top = fmax(top, want[q][i]);
                for (int q = 0; q < 2; q++)
                    for (size_t i = 0; i < n; i++)
                        worst_direct = fmax(worst_direct, fabs(ch->direct[q][i] - want[q][i]) / top);
            }
            nr_nuphilic_prepared_free(&prep);
            printf("direct neutrinos vs nr_nuphilic_transfer of the rest-frame CDF: worst %.3g (of the largest bin)\n",
                   worst_direct);
            CHECK(worst_direct < 1e-12, "direct neutrinos off nr_nuphilic_transfer by %.3g", worst_direct);
        }
        nr_flux_free(&fx);
        printf("per-point sum vs the sum written out with decay.h: worst %.3g (of the largest bin)\n", worst);
        CHECK(worst < 1e-12, "per-point sum off the written-out sum by %.3g", worst);
    }
    /* the Z' decay probability of the per-point sum against decay.h's (the expm1 it replaces), y = L/d from 1e-8
     * to 1e3 over both switch points (y = 1e-3, 40), 40 points a decade */
    {
        double worst = 0;
        for (int i = 0; i <= 440; i++) {
            double y = pow(10, -8 + i / 40.0), l = 480.0, d = l / y;
            double want = nr_decay_prob_between(0, l, d), got = nr_nuphilic_zp_decay_prob(l, d);
            worst = fmax(worst, fabs(got - want) / want);
        }
        printf("Z' decay probability vs decay.h: worst %.3g relative\n", worst);
        CHECK(worst < 1e-15, "Z' decay probability off decay.h's by %.3g (relative)", worst);
        CHECK(nr_nuphilic_zp_decay_prob(480.0, 0.0) == 1.0 && nr_nuphilic_zp_decay_prob(480.0, INFINITY) == 0.0,
              "Z' decay probability at d = 0 / infinity");
    }
    return nr_test_summary();
}
