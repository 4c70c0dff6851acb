/* bench_nuphilic_bounds.c: 90% CL chi-square bounds on the neutrinophilic Z' couplings of paper 002 (Figs. 2-5)
 * at FASERnu and its x100 / x1000 statistics variants, straight from the physics library, with timings.
 *
 * Usage: bench_nuphilic_bounds [data_dir] [coupling|all] [n_masses]   (defaults: $NUREACH_DATA_DIR or data,
 *        all, 0 = the README masses). n_masses > 0: that many log-spaced masses from 1 keV to 500 MeV.
 * Variants: FASERnu (150 fb^-1, 1.2 t W), and the same with target_mass_t x100 and x1000 (002 sec. III:
 * "100 and 1000 times larger data than FASERnu", everything else unchanged). Detector: 80% efficiency,
 * 30% Gaussian energy resolution; chi2 with a 10% normalisation pull; Delta-chi2 = 2.706 (90% CL, 1 parameter).
 * Last: the g_etau curve at 50 log-spaced masses through the model table (chi2_model.c, model nuphilic_zp, the
 * path a chi2 bounds request takes), timed twice: "cold" includes opening the engine and building the CT14nlo CC
 * table, "warm" reuses them (the library has no result cache; the server's cache would answer a repeat).
 * Prints figures; asserts nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "engine.h"
#include "experiment.h"
#include "chi2_model.h"
#include "model.h"
#include "models/nuphilic_events.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static const char *const coupling_names[NR_NUPHILIC_N_COUPLINGS] = {"g_ee", "g_etau", "g_mutau", "g_emu"};

int main(int argc, char **argv)
{
    bench_args_init(argc, argv,
                    "usage: bench_nuphilic_bounds [DATA_DIR] [g_ee|g_etau|g_mutau|g_emu|all] [N_MASSES]\n"
                    "       (defaults: $NUREACH_DATA_DIR or data, all, 0 = the README masses; N_MASSES 1..200:\n"
                    "       that many log-spaced masses from 1 keV to 500 MeV)\n", 3);
    const char *data = argc > 1 ? argv[1] : (getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data");
    bench_args_no_option(data, "DATA_DIR");
    const char *which = argc > 2 ? argv[2] : "all";
    int known = strcmp(which, "all") == 0;
    for (int c = 0; c < NR_NUPHILIC_N_COUPLINGS; c++)
        known |= strcmp(which, coupling_names[c]) == 0;
    if (!known)
        bench_args_bad("coupling: unknown '%s'", which);
    int n_masses = argc > 3 ? (int)bench_args_long(argv[3], "N_MASSES", 0, 200) : 0;
    nr_error err;
    nr_engine *eng;
    double t0 = now();
    if (nr_engine_init(data, &eng, &err) != NR_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const nr_cc_table *cc;
    if (nr_engine_cc_table(eng, "CT14nlo", &cc, &err) != NR_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const nr_flux *flux = nr_engine_flux(eng, "FASERv");
    double t_engine = now() - t0;
    static nr_nuphilic_parents par;
    static nr_nuphilic_mesons mes;
    t0 = now();
    if (nr_nuphilic_parents_load(data, flux, &par, &err) != NR_OK ||
        nr_nuphilic_mesons_reconstruct(flux, &par, &mes, &err) != NR_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t_mesons = now() - t0;
    const double scales[3] = {1, 100, 1000};
    static nr_nuphilic_detector det[3];
    for (int v = 0; v < 3; v++) {
        nr_experiment x = *nr_experiment_find("FASERnu");
        if (v > 0 && nr_experiment_override(&x, "target_mass_t", x.target_mass_t * scales[v], "/experiment", &err) != NR_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        if (nr_nuphilic_detector_init(flux, cc, &x, 0.8, 0.3, &det[v], &err) != NR_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
    }
    double sm_tot[3] = {0};
    for (int f = 0; f < 3; f++)
        for (size_t r = 0; r < det[0].n; r++)
            sm_tot[f] += det[0].sm_events[f][r];
    printf("engine + CC table %.2f s, meson reconstruction %.3f s (D_s: %d iterations, residual %.3f)\n", t_engine,
           t_mesons, mes.ds_iterations, mes.ds_max_residual);
    printf("FASERnu SM CC events x 0.8 efficiency, smeared, in the grid: e %.0f, mu %.0f, tau %.1f\n", sm_tot[0],
           sm_tot[1], sm_tot[2]);
    double masses_default[] = {1e-6, 1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5};
    size_t nm = sizeof masses_default / sizeof masses_default[0];
    double masses[200];
    if (n_masses > 0 && n_masses <= 200) {
        nm = (size_t)n_masses;
        for (size_t i = 0; i < nm; i++)
            masses[i] = 1e-6 * pow(5e5, nm > 1 ? (double)i / (nm - 1) : 0);
    } else {
        memcpy(masses, masses_default, sizeof masses_default);
    }
    nr_chi2_options opt = nr_chi2_options_paper002();
    double level = nr_chi2_level(0.9, 1);
    for (int c = 0; c < NR_NUPHILIC_N_COUPLINGS; c++) {
        if (strcmp(which, "all") != 0 && strcmp(which, coupling_names[c]) != 0)
            continue;
        printf("\n%s (90%% CL)\n%10s %12s %12s %12s %9s\n", coupling_names[c], "m_Z' [GeV]", "FASERnu", "x100", "x1000",
               "time [s]");
        double t_all = now();
        for (size_t im = 0; im < nm; im++) {
            double t1 = now();
            static nr_nuphilic_prepared prep;
            if (nr_nuphilic_prepare(&mes, flux, masses[im], 480.0, &prep, &err) != NR_OK) {
                fprintf(stderr, "%s\n", err.message);
                return 1;
            }
            double lim[3];
            for (int v = 0; v < 3; v++)
                if (nr_nuphilic_chi2_bound(&det[v], &prep, c, &opt, level, 1e-10, 10.0, &lim[v], &err) != NR_OK) {
                    fprintf(stderr, "%s\n", err.message);
                    return 1;
                }
            nr_nuphilic_prepared_free(&prep);
            printf("%10.3g %12.3g %12.3g %12.3g %9.3f\n", masses[im], lim[0], lim[1], lim[2], now() - t1);
        }
        printf("%s: %zu masses x 3 variants in %.2f s\n", coupling_names[c], nm, now() - t_all);
    }
    nr_engine_free(eng);

    /* the model-table path, 50 masses, cold and warm */
    for (int pass = 0; pass < 2; pass++) {
        double t1 = now();
        if (pass == 0 && nr_engine_init(data, &eng, &err) != NR_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        const nr_model *m = nr_model_find("nuphilic_zp");
        nr_param_value p[16];
        nr_model_defaults(m, p);
        double xs[50], lim[50];
        for (int i = 0; i < 50; i++)
            xs[i] = 1e-6 * pow(5e5, i / 49.0);
        nr_chi2_test test = nr_chi2_test_paper002("cc_");
        if (nr_chi2_model_limits(m, eng, nr_experiment_find("FASERnu"), p, nr_model_param_index(m, "m_Zp"), xs, 50,
                                 nr_model_param_index(m, "g_etau"), 1e-10, 10, &test, lim, NULL, &err) != NR_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("\nmodel table, g_etau at 50 masses (1 keV - 500 MeV), FASERnu: %s %.2f s (limits %.3g at 1 keV, %.3g at "
               "500 MeV)\n", pass ? "warm" : "cold (engine + CC table + limits)", now() - t1, lim[0], lim[49]);
    }
    nr_engine_free(eng);
    return 0;
}
