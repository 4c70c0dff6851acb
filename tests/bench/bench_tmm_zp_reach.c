/* bench_tmm_zp_reach.c: paper 003 at FASERnu: N produced per flavour (Fig. 3) and the mu of 3 detected events
 * (Figs. 7, 9, 11; the statements of sec. IV) for BM-I (mu), BM-II (e), BM-III (tau), M_Z' = 0.1, 1, 10 GeV.
 * Usage: NUREACH_DATA_DIR=data build-test/tests/bench_tmm_zp_reach [v_an g_nu g_l g_q antineutrinos(0/1)]
 * The defaults are the model's: V = 1e-4, g_nu = g_l = g_q = 1, neutrinos only (as 003).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_args.h"
#include "engine.h"
#include "experiment.h"
#include "flux.h"
#include "models/tmm_zp_events.h"

/* mu [GeV^-1] where the signal reaches 3 events (bisection in ln mu; the signal grows with mu) */
static double reach(const nr_tmm_prepared *p, int leptons_only)
{
    double lo = 1e-10, hi = 1.0;
    for (int k = 0; k < 80; k++) {
        const double mid = sqrt(lo * hi);
        nr_tmm_events ev;
        nr_tmm_events_at(p, mid, &ev);
        if ((leptons_only ? ev.leptons : ev.visible) >= 3.0)
            hi = mid;
        else
            lo = mid;
    }
    return hi < 0.99 ? hi : INFINITY;
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv,
                    "usage: bench_tmm_zp_reach [V g_nu g_l g_q ANTINEUTRINOS(0/1)]   (default 1e-4 1 1 1 0;\n"
                    "       NUREACH_DATA_DIR: the data folder, default ./data)\n", 5);
    /* parsed once, before any work: V, g_nu, g_l, g_q (defaults 1e-4 1 1 1) and ANTINEUTRINOS */
    const char *const names[4] = {"V", "g_nu", "g_l", "g_q"};
    double args[4] = {1e-4, 1.0, 1.0, 1.0};
    for (int i = 1; i < argc && i <= 4; i++)
        args[i - 1] = bench_args_double(argv[i], names[i - 1], -1e6, 1e6);
    const double v_an = args[0], g_nu = args[1], g_l = args[2], g_q = args[3];
    const int anti = argc > 5 ? (int)bench_args_long(argv[5], "ANTINEUTRINOS", 0, 1) : 0;
    const char *data = getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data";
    nr_engine *engine = NULL;
    nr_error err;
    if (nr_engine_init(data, &engine, &err) != NR_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const nr_experiment *fasernu = nr_experiment_find("FASERnu");
    static nr_tmm_prepared prep;
    const char *bm[3] = {"BM-II (e)", "BM-I (mu)", "BM-III (tau)"};
    printf("# FASERnu, V = %g, g_nu = %g, g_l = %g, g_q = %g, %s\n", v_an, g_nu, g_l, g_q,
           anti ? "nu + nubar" : "nu only");
    printf("# %-13s %5s %5s  %10s %10s %10s %10s  %10s %10s  %7s\n", "model", "M_Zp", "M_N", "N_prod", "coh", "el",
           "dis", "mu_l+h", "mu_l", "prep_s");
    const int order[3] = {NR_FLAVOUR_MU, NR_FLAVOUR_E, NR_FLAVOUR_TAU};
    const double m_zps[3] = {0.1, 1.0, 10.0}, m_ns[6] = {1.0, 2.0, 5.0, 10.0, 30.0, 70.0};
    for (int f = 0; f < 3; f++)
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 6; j++) {
                nr_tmm_setup s = {m_ns[j], m_zps[k], v_an, g_q, g_nu, g_l, 1.69, order[f], anti, 1};
                clock_t t0 = clock();
                if (nr_tmm_prepare(engine, fasernu, &s, &prep, &err) != NR_OK) {
                    fprintf(stderr, "%s: %s\n", err.where, err.message);
                    continue;
                }
                const double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
                nr_tmm_events ev;
                const double mu_ref = 7.46e-5; /* Lambda = 1 TeV (003 Fig. 3) */
                nr_tmm_events_at(&prep, mu_ref, &ev);
                printf("%-15s %5.1f %5.1f  %10.4g %10.4g %10.4g %10.4g  %10.3g %10.3g  %7.3f\n", bm[order[f]],
                       m_zps[k], m_ns[j], ev.produced, ev.produced_coherent, ev.produced_elastic, ev.produced_dis,
                       reach(&prep, 0), reach(&prep, 1), secs);
            }
    nr_engine_free(engine);
    return 0;
}
