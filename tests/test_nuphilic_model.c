/* test_nuphilic_model.c: the model "nuphilic_zp" (paper 002) on the model table, and the generic chi-square
 * limits of chi2_model.c.
 * Golden values and their sources:
 *  - g = 0: the fluxes are the Kling-Nevay table (scaled to the experiment) bin by bin, the excess signals are 0
 *    and the CC signals equal the smeared SM events of nuphilic_events (itself tied to sm_rates);
 *  - rates and spectra agree (signal totals = sums of the spectra bins);
 *  - the generic limit through the model table (chi2_model.c) equals the direct physics call
 *    nr_nuphilic_chi2_bound at the same point (two code paths: spectra tables and channel selection vs arrays);
 *  - the x100 override (target_mass_t = 120.625 t) multiplies every SM CC count by 100 (linear in the target);
 *  - the chi-square grid at the limit equals the 90% CL one-parameter level 2.706 (chi2 quantile), rising with g;
 *  - the chi-square grid on 1, 2 and 3 threads (nr_chi2_model_grid_threads) is the same bit for bit (each mass is
 *    prepared by one thread with its own state) and equals nr_chi2_model_grid;
 *  - bad input: a non-coupling parameter, an unknown observable and a bad CL are refused naming the field. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chi2_model.h"
#include "engine.h"
#include "experiment.h"
#include "model.h"
#include "models/nuphilic_events.h"
#include "nr_test.h"

int main(void)
{
    nr_error err;
    nr_engine *eng;
    if (nr_engine_init(nr_test_data_dir(), &eng, &err) != NR_OK) {
        CHECK(0, "%s", err.message);
        return nr_test_summary();
    }
    const nr_model *m = nr_model_find("nuphilic_zp");
    CHECK(m != NULL, "model registered");
    if (!m)
        return nr_test_summary();
    const nr_experiment *x = nr_experiment_find("FASERnu");
    nr_param_value p[16];
    nr_model_defaults(m, p);
    int i_m = nr_model_param_index(m, "m_Zp"), i_et = nr_model_param_index(m, "g_etau");
    CHECK(i_m >= 0 && i_et >= 0, "parameters m_Zp and g_etau");
    p[i_et].number = 0;
    nr_table rates = {0}, spec = {0};
    CHECK(nr_model_rates(m, eng, x, p, &rates, &err) == NR_OK, "%s", err.message);
    CHECK(nr_model_spectra(m, eng, x, p, &spec, &err) == NR_OK, "%s", err.message);
    const nr_flux *flux = nr_engine_flux(eng, "FASERv");
    for (int s = 0; s < NR_N_SPECIES; s++)
        for (size_t b = 0; b < flux->n_bins; b++)
            CHECK_REL(spec.events[s * spec.n_bins + b], flux->count[s][b], 1e-12, "g = 0: flux = table");
    for (int f = 0; f < 3; f++) {
        CHECK(fabs(rates.total[3 + f]) < 1e-9 * rates.total[f], "g = 0: excess %g", rates.total[3 + f]);
        CHECK_REL(rates.total[f], spec.total[NR_N_SPECIES + f], 1e-12, "rates = sum of the CC spectrum");
    }
    double sm_tau = rates.total[2];
    nr_table_free(&rates);
    nr_table_free(&spec);

    /* Fig. 1 point: m_Z' = 10 MeV, g_etau = 1e-3 */
    p[i_m].number = 0.01;
    p[i_et].number = 1e-3;
    CHECK(nr_model_rates(m, eng, x, p, &rates, &err) == NR_OK, "%s", err.message);
    printf("m_Z' = 10 MeV, g_etau = 1e-3: CC excess e %.3g, mu %.3g, tau %.3g (SM tau %.3g)\n", rates.total[3],
           rates.total[4], rates.total[5], sm_tau);
    CHECK(rates.total[5] > 0 && rates.total[3] > 0 && fabs(rates.total[4]) < 1e-9 * rates.total[1],
          "g_etau: new nu_e and nu_tau events, no nu_mu");
    nr_table_free(&rates);

    /* x100 statistics */
    nr_experiment x100 = *x;
    CHECK(nr_experiment_override(&x100, "target_mass_t", 120.625, "/experiment_overrides/target_mass_t", &err) == NR_OK,
          "%s", err.message);
    nr_table r1 = {0}, r100 = {0};
    p[i_et].number = 0;
    nr_model_rates(m, eng, x, p, &r1, &err);
    nr_model_rates(m, eng, &x100, p, &r100, &err);
    for (int f = 0; f < 3; f++)
        CHECK_REL(r100.total[f], 100 * r1.total[f] * 120.625 / (100 * x->target_mass_t), 1e-9, "x100 target mass");
    nr_table_free(&r1);
    nr_table_free(&r100);

    /* generic limit vs the direct physics path */
    nr_chi2_test test = nr_chi2_test_paper002("cc_");
    double xs[1] = {1e-3}, lim;
    nr_model_defaults(m, p);
    CHECK(nr_chi2_model_limits(m, eng, x, p, i_m, xs, 1, i_et, 1e-10, 10, &test, &lim, NULL, &err) == NR_OK, "%s",
          err.message);
    {
        const nr_cc_table *cc;
        nr_engine_cc_table(eng, "CT14nlo", &cc, &err);
        static nr_nuphilic_parents par;
        static nr_nuphilic_mesons mes;
        static nr_nuphilic_detector det;
        static nr_nuphilic_prepared prep;
        nr_nuphilic_parents_load(nr_test_data_dir(), flux, &par, &err);
        nr_nuphilic_mesons_reconstruct(flux, &par, &mes, &err);
        nr_nuphilic_detector_init(flux, cc, x, 0.8, 0.3, &det, &err);
        nr_nuphilic_prepare(&mes, flux, 1e-3, x->distance_m, &prep, &err);
        nr_chi2_options opt = nr_chi2_options_paper002();
        double direct;
        nr_nuphilic_chi2_bound(&det, &prep, NR_NUPHILIC_G_ETAU, &opt, nr_chi2_level(0.9, 1), 1e-10, 10, &direct, &err);
        nr_nuphilic_prepared_free(&prep);
        CHECK_REL(lim, direct, 1e-12, "g_etau limit at 1 MeV: model table path = physics path");
    }
    /* the grid agrees with the limit: chi2 at the limit is the 1-parameter level, and rises with g */
    {
        double ys[3] = {0.5 * lim, lim, 2 * lim}, grid[3];
        CHECK(nr_chi2_model_grid(m, eng, x, p, i_m, xs, 1, i_et, ys, 3, &test, grid, NULL, &err) == NR_OK, "%s",
              err.message);
        CHECK_REL(grid[1], nr_chi2_level(0.9, 1), 0.01, "grid chi2 at the limit = 2.706");
        CHECK(grid[0] < grid[1] && grid[1] < grid[2], "chi2 rises with g: %g %g %g", grid[0], grid[1], grid[2]);
    }
    /* threads: 7 masses (more than the threads, not a multiple of 2 or 3) x 4 couplings */
    {
        const double mx[7] = {1e-5, 1e-4, 1e-3, 0.01, 0.05, 0.15, 0.4}, gy[4] = {0, 1e-4, 1e-2, 0.3};
        double g1[28], gt[3][28];
        CHECK(nr_chi2_model_grid(m, eng, x, p, i_m, mx, 7, i_et, gy, 4, &test, g1, NULL, &err) == NR_OK, "%s",
              err.message);
        for (unsigned th = 1; th <= 3; th++) {
            CHECK(nr_chi2_model_grid_threads(m, eng, x, p, i_m, mx, 7, i_et, gy, 4, &test, th, gt[th - 1], NULL,
                                             &err) == NR_OK, "%s", err.message);
            CHECK(memcmp(gt[th - 1], g1, sizeof g1) == 0, "chi-square grid on %u threads = 1 thread, bit for bit", th);
        }
        int rising = 1;
        for (int i = 0; i < 7; i++)
            rising &= g1[i] == 0 || fabs(g1[i]) < 1e-12; /* g = 0 row: Delta-chi2 = 0 (Asimov data) */
        CHECK(rising && g1[3 * 7 + 3] > g1[2 * 7 + 3], "g = 0 row is 0 and chi2 rises with g at 10 MeV");
    }
    int i_eff = nr_model_param_index(m, "efficiency");
    CHECK(nr_chi2_model_limits(m, eng, x, p, i_m, xs, 1, i_eff, 0.1, 1, &test, &lim, NULL, &err) == NR_EINPUT &&
              strcmp(err.where, "/scan") == 0, "non-coupling parameter refused");
    nr_chi2_test bad = nr_chi2_test_paper002("nothing_");
    CHECK(nr_chi2_model_limits(m, eng, x, p, i_m, xs, 1, i_et, 1e-10, 10, &bad, &lim, NULL, &err) == NR_EINPUT &&
              strcmp(err.where, "/test/observable") == 0, "unknown observable refused: %s", err.message);
    bad = nr_chi2_test_paper002("cc_");
    bad.cl = 1.5;
    CHECK(nr_chi2_model_limits(m, eng, x, p, i_m, xs, 1, i_et, 1e-10, 10, &bad, &lim, NULL, &err) == NR_EINPUT &&
              strcmp(err.where, "/test/cl") == 0, "bad CL refused");
    nr_engine_free(eng);
    return nr_test_summary();
}
