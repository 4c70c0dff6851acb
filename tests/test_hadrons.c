/* test_hadrons.c: the forward hadron table reader against the tables' own headers and the sanity
 * figures of data/hadrons/PROVENANCE.txt. */
#include <string.h>

#include "hadrons.h"
#include "nr_test.h"

static void check_table_total(const char *energy, const char *gen, int pdg, double want_pb, double rel)
{
    nr_hadron_table t;
    nr_error err;
    char what[96];
    snprintf(what, sizeof what, "%s %s %d total [pb]", energy, gen, pdg);
    nr_status st = nr_hadron_table_load(nr_test_data_dir(), energy, gen, pdg, &t, &err);
    CHECK(st == NR_OK, "%s: %s", what, err.message);
    if (st != NR_OK) return;
    CHECK_REL(t.total_pb, want_pb, rel, what);
    /* the "# Normalization" header is the sum of column 3 (PROVENANCE.txt, Format) */
    if (t.header_normalization_pb > 0) /* header printed with 5 significant digits */
        CHECK_REL(t.total_pb, t.header_normalization_pb, 5e-5, "header normalization");
    nr_hadron_table_free(&t);
}

int main(void)
{
    nr_hadron_table t;
    nr_error err;
    nr_status st = nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", 111, &t, &err);
    CHECK(st == NR_OK, "load pi0: %s", err.message);
    if (st == NR_OK) {
        CHECK(t.n_cells > 1000, "pi0 table has %zu non-empty cells", t.n_cells);
        CHECK_REL(t.mass_gev, 0.1349768, 1e-9, "pi0 mass (PDG 2022)");
        CHECK_REL(t.sqrt_s_gev, 13600.0, 1e-12, "sqrt(s)");
        /* PROVENANCE.txt sanity checks: total 1.406e12 pb (= header) */
        CHECK_REL(t.total_pb, 1.406e12, 1e-3, "pi0 13.6 TeV total [pb] (PROVENANCE)");
        CHECK_REL(t.total_pb, t.header_normalization_pb, 5e-5, "pi0 total = # Normalization header (5 digits)");
        /* sigma(theta < 0.26 mrad, p > 100 GeV) = 1.37e10 pb (PROVENANCE) */
        CHECK_REL(nr_hadron_table_sigma_pb(&t, 0.26e-3, 100.0), 1.37e10, 5e-3,
                  "pi0 sigma(theta<0.26 mrad, p>100 GeV) [pb] (PROVENANCE)");
        /* the cells cover the grid of PROVENANCE.txt: log10 theta -7.275..0.175, log10 p -1.975..3.975 */
        double tmin = 1e9, tmax = -1e9, pmax = -1e9;
        for (size_t i = 0; i < t.n_cells; i++) {
            tmin = fmin(tmin, t.cells[i].log10_theta);
            tmax = fmax(tmax, t.cells[i].log10_theta);
            pmax = fmax(pmax, t.cells[i].log10_p);
        }
        CHECK(tmin >= -7.2751 && tmax <= 0.1751 && pmax <= 3.9751, "grid range %g %g %g", tmin, tmax, pmax);
        nr_hadron_table_free(&t);
        nr_hadron_table_free(&t); /* freeing twice is harmless */
    }
    /* PROVENANCE.txt: eta 1.563e11, pi+ 1.259e12, K+ 1.506e11 at 13.6 TeV; pi0 14 TeV 1.540e12;
     * D0 13.6 TeV SIBYLL 3.32e9, NLO-P8 2.82e9 (NLO-P8 files have no header) */
    check_table_total("13.6TeV", "EPOSLHC", 221, 1.563e11, 1e-3);
    check_table_total("13.6TeV", "EPOSLHC", 211, 1.259e12, 1e-3);
    check_table_total("13.6TeV", "EPOSLHC", 321, 1.506e11, 1e-3);
    check_table_total("14TeV", "EPOSLHC", 111, 1.540e12, 1e-3);
    check_table_total("13.6TeV", "SIBYLL", 421, 3.32e9, 2e-3);
    check_table_total("13.6TeV", "NLO-P8", 421, 2.82e9, 2e-3);

    /* errors */
    CHECK(nr_hadron_table_load(nr_test_data_dir(), "7TeV", "EPOSLHC", 111, &t, &err) == NR_EINPUT, "bad energy");
    CHECK(strcmp(err.where, "/params/energy") == 0, "where = %s", err.where);
    CHECK(nr_hadron_table_load(nr_test_data_dir(), "14TeV", "QGSJET", 111, &t, &err) == NR_EINPUT, "bad generator");
    CHECK(nr_hadron_table_load(nr_test_data_dir(), "14TeV", "EPOSLHC", 12345, &t, &err) == NR_EINPUT, "bad pdg");
    CHECK(nr_hadron_table_load(nr_test_data_dir(), "14TeV", "EPOSLHC", 331, &t, &err) == NR_EDATA,
          "eta' is not in the 14 TeV set (PROVENANCE): %s", err.message);
    CHECK(nr_hadron_table_load("/nonexistent", "14TeV", "EPOSLHC", 111, &t, &err) == NR_EDATA, "missing folder");
    CHECK(t.cells == NULL && t.n_cells == 0, "failed load leaves an empty table");
    nr_hadron_table_free(&t);
    CHECK(nr_hadron_table_load(NULL, "14TeV", "EPOSLHC", 111, &t, &err) == NR_EINPUT, "NULL folder");
    return nr_test_summary();
}
