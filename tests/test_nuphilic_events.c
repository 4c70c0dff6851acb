/* test_nuphilic_events.c: smeared CC event spectra and the chi-square bound of paper 002
 * (physics/models/nuphilic_events.c).
 * Golden values and their sources:
 *  - without smearing, the SM events per flavour equal nr_sm_cc_events (sm_rates.c, itself checked against the
 *    published Kling-Nevay CC tables) times the efficiency, bin by bin;
 *  - Gaussian smearing loses events only through the grid ends, at most the Gaussian tails (erfc) beyond them;
 *  - chi2 = 0 at g = 0 (Asimov data = SM);
 *  - m_Z' << m_M: the longitudinal rate goes as g^2 / m_Z'^2 and the Z' never decays before the detector, so
 *    the bound is linear in m_Z' (002 sec. IV: "a linear behaviour for m_Z' < 1 MeV"): bound(10 keV) =
 *    10 x bound(1 keV) to 1%;
 *  - more statistics (target mass x100) gives a stronger bound. */
#include <math.h>
#include <stdio.h>

#include "engine.h"
#include "experiment.h"
#include "models/nuphilic_events.h"
#include "nr_test.h"
#include "sm_rates.h"

int main(void)
{
    nr_error err;
    nr_engine *eng;
    if (nr_engine_init(nr_test_data_dir(), &eng, &err) != NR_OK) {
        CHECK(0, "%s", err.message);
        return nr_test_summary();
    }
    const nr_cc_table *cc;
    CHECK(nr_engine_cc_table(eng, "CT14nlo", &cc, &err) == NR_OK, "%s", err.message);
    const nr_flux *flux = nr_engine_flux(eng, "FASERv");
    const nr_experiment *x = nr_experiment_find("FASERnu");
    static nr_nuphilic_detector sharp, smeared, big;
    CHECK(nr_nuphilic_detector_init(flux, cc, x, 0.8, 0.0, &sharp, &err) == NR_OK, "%s", err.message);
    CHECK(nr_nuphilic_detector_init(flux, cc, x, 0.8, 0.3, &smeared, &err) == NR_OK, "%s", err.message);
    CHECK(nr_nuphilic_detector_init(flux, cc, x, 0.0, 0.3, &big, &err) == NR_EINPUT, "efficiency 0 refused");
    for (int f = 0; f < NR_N_FLAVOURS; f++) {
        double a[64], b[64];
        nr_sm_cc_events(flux, cc, x, NR_SPECIES(f, 0), 0, INFINITY, a);
        nr_sm_cc_events(flux, cc, x, NR_SPECIES(f, 1), 0, INFINITY, b);
        for (size_t i = 0; i < flux->n_bins; i++)
            CHECK_REL(sharp.sm_events[f][i], 0.8 * (a[i] + b[i]), 1e-12, "unsmeared SM events = 0.8 x sm_rates");
    }
    for (size_t i = 8; i < 20; i++) {
        double s = 0;
        for (size_t r = 0; r < flux->n_bins; r++)
            s += smeared.smear[i][r];
        /* losses only through the grid ends: at most the Gaussian tails from the worst point of the bin */
        double e_lo = flux->e_lo[i], e_hi = flux->e_hi[i], lo_end = flux->e_lo[0], hi_end = flux->e_hi[flux->n_bins - 1];
        double max_loss = 0.5 * erfc((e_lo - lo_end) / (0.3 * e_hi) / sqrt(2)) + 0.5 * erfc((hi_end - e_hi) / (0.3 * e_hi) / sqrt(2));
        CHECK(s <= 1 + 1e-12 && 1 - s <= max_loss, "bin %zu: smearing keeps %.6f of the events, may lose at most %.2g "
              "through the grid ends", i, s, max_loss);
    }
    nr_experiment x100 = *x;
    CHECK(nr_experiment_override(&x100, "target_mass_t", 100 * x->target_mass_t, "/experiment", &err) == NR_OK, "%s",
          err.message);
    CHECK(nr_nuphilic_detector_init(flux, cc, &x100, 0.8, 0.3, &big, &err) == NR_OK, "%s", err.message);

    static nr_nuphilic_parents par;
    static nr_nuphilic_mesons mes;
    CHECK(nr_nuphilic_parents_load(nr_test_data_dir(), flux, &par, &err) == NR_OK, "%s", err.message);
    CHECK(nr_nuphilic_mesons_reconstruct(flux, &par, &mes, &err) == NR_OK, "%s", err.message);
    nr_chi2_options opt = nr_chi2_options_paper002();
    double level = nr_chi2_level(0.9, 1), lim[2], lim_big = 0;
    const double masses[2] = {1e-6, 1e-5};
    for (int k = 0; k < 2; k++) {
        static nr_nuphilic_prepared prep;
        CHECK(nr_nuphilic_prepare(&mes, flux, masses[k], x->distance_m, &prep, &err) == NR_OK, "%s", err.message);
        double g0[NR_NUPHILIC_N_COUPLINGS] = {0}, c0;
        CHECK(nr_nuphilic_chi2(&smeared, &prep, g0, &opt, &c0, &err) == NR_OK && fabs(c0) < 1e-9, "chi2(g = 0) = %g", c0);
        CHECK(nr_nuphilic_chi2_bound(&smeared, &prep, NR_NUPHILIC_G_ETAU, &opt, level, 1e-12, 10, &lim[k], &err) == NR_OK,
              "%s", err.message);
        if (k == 0)
            nr_nuphilic_chi2_bound(&big, &prep, NR_NUPHILIC_G_ETAU, &opt, level, 1e-12, 10, &lim_big, &err);
        nr_nuphilic_prepared_free(&prep);
    }
    CHECK_REL(lim[1], 10 * lim[0], 0.01, "g_etau bound linear in m_Z' below 1 MeV");
    CHECK(lim_big < 0.5 * lim[0], "x100 statistics: %g vs %g", lim_big, lim[0]);
    nr_engine_free(eng);
    return nr_test_summary();
}
