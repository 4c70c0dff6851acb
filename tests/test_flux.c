/* test_flux.c: the Kling-Nevay flux tables load with the right binning and totals.
 * Golden values: shared/data/fluxes/PROVENANCE.txt, section A1 ("Sanity checks done here"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "flux.h"
#include "nr_test.h"

int main(void)
{
    char dir[1024];
    nr_error err;
    nr_flux f;
    snprintf(dir, sizeof dir, "%s/fluxes/FASERv", nr_test_data_dir());
    nr_status loaded = nr_flux_load(dir, "FASER", &f, &err);
    CHECK(loaded == NR_OK, "load FASERv: %s", err.message);
    if (loaded == NR_OK) { /* without the table (data folder unreadable) the checks below would read nothing */

        /* PROVENANCE A1: 28 log-spaced centres 11.34 ... 5698 GeV, ~10 bins per decade */
        CHECK(f.n_bins == 28, "28 bins, got %zu", f.n_bins);
        CHECK_REL(f.e_center[0], 11.34, 1e-3, "first centre [GeV]");
        CHECK_REL(f.e_center[27], 5698.0, 1e-3, "last centre [GeV]");
        for (size_t i = 0; i < f.n_bins; i++) {
            CHECK(f.e_lo[i] < f.e_center[i] && f.e_center[i] < f.e_hi[i], "centre inside bin %zu", i);
            if (i > 0)
                CHECK_REL(f.e_lo[i], f.e_hi[i - 1], 1e-15, "contiguous bins");
            CHECK_REL(log10(f.e_hi[i] / f.e_lo[i]), 0.1, 0.02, "bin width 0.1 decade");
        }

        /* PROVENANCE A1 totals (numbers of neutrinos through 25x25 cm^2 in Run 3), quoted to 3 digits */
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_MU, 0)), 1.818e12, 1e-3, "N(nu_mu)");
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_MU, 1)), 1.440e12, 1e-3, "N(nubar_mu)");
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_E, 0)), 2.21e11, 3e-3, "N(nu_e)");
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_E, 1)), 2.50e11, 3e-3, "N(nubar_e)");
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_TAU, 0)), 6.4e9, 1e-2, "N(nu_tau)");
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_TAU, 1)), 6.4e9, 1e-2, "N(nubar_tau)");

        /* <E> of the nu_mu flux = 312 GeV (PROVENANCE A1), computed from bin centres */
        double sum = 0, sum_e = 0;
        for (size_t i = 0; i < f.n_bins; i++) {
            sum += f.count[NR_SPECIES(NR_FLAVOUR_MU, 0)][i];
            sum_e += f.count[NR_SPECIES(NR_FLAVOUR_MU, 0)][i] * f.e_center[i];
        }
        CHECK_REL(sum_e / sum, 312.0, 5e-3, "<E> nu_mu flux [GeV]");

        /* Published CC counts carried alongside: nu_mu 4452, nu_e 1231, nu_tau 27.6 (PROVENANCE A1) */
        double cc = 0;
        for (size_t i = 0; i < f.n_bins; i++)
            cc += f.cc_count[NR_SPECIES(NR_FLAVOUR_MU, 0)][i];
        CHECK_REL(cc, 4452.0, 1e-3, "published CC nu_mu");

        /* dN/dE integrates back to the bin content (piecewise constant by construction) */
        size_t b = 10;
        double mid = sqrt(f.e_lo[b] * f.e_hi[b]);
        CHECK_REL(nr_flux_dnde(&f, 2, mid) * (f.e_hi[b] - f.e_lo[b]), f.count[2][b], 1e-12, "dN/dE x width");
        CHECK(nr_flux_dnde(&f, 2, 1.0) == 0.0, "zero below the table");
        CHECK(nr_flux_dnde(&f, 2, 1e5) == 0.0, "zero above the table");
        nr_flux_free(&f);
    }

    /* FASERv2: N(nu_mu) = 6.35e13, N(nubar_mu) = 4.66e13 (PROVENANCE A1) */
    snprintf(dir, sizeof dir, "%s/fluxes/FASERv2", nr_test_data_dir());
    loaded = nr_flux_load(dir, "FASERv2", &f, &err);
    CHECK(loaded == NR_OK, "load FASERv2: %s", err.message);
    if (loaded == NR_OK) {
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_MU, 0)), 6.35e13, 2e-3, "FASERv2 N(nu_mu)");
        CHECK_REL(nr_flux_total(&f, NR_SPECIES(NR_FLAVOUR_MU, 1)), 4.66e13, 2e-3, "FASERv2 N(nubar_mu)");
        nr_flux_free(&f);
    }

    /* errors: a missing folder names the file */
    CHECK(nr_flux_load("/nonexistent", "FASER", &f, &err) == NR_EDATA, "missing folder is a data error");
    CHECK(strstr(err.message, "/nonexistent/FASER_12.txt") != NULL, "message names the file: %s", err.message);
    /* a malformed file */
    FILE *tmp = fopen("/tmp/nr_test_flux_FASER_12.txt", "w");
    if (tmp) {
        fputs("11.3 1e9\nnot a number\n", tmp);
        fclose(tmp);
        CHECK(nr_flux_load("/tmp", "nr_test_flux_FASER", &f, &err) == NR_EDATA, "malformed file rejected");
        CHECK(strstr(err.message, "line 2") != NULL, "message names the line: %s", err.message);
        remove("/tmp/nr_test_flux_FASER_12.txt");
    }
    return nr_test_summary();
}
