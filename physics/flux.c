/* flux.c: reading the Kling-Nevay neutrino flux tables (see flux.h for the source and format).
 *
 * Binning: the files give 28 bin centres, consecutive centres a factor 10^0.1 apart (the first gap
 * 10^0.101), and counts per bin. The edges are not in the files; we place each inner edge at the
 * geometric mean of neighbouring centres and the outer edges at the same log distance from the outer
 * centres. This reproduces 10 bins per decade to 0.1% and keeps every centre inside its bin.
 * Within a bin the spectrum is unknown: nr_flux_dnde is piecewise constant.
 */
#include "flux.h"
#include "text_table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR_FLUX_MAX_BINS 256

static const int species_pdg[NR_N_SPECIES] = {12, -12, 14, -14, 16, -16};
static const char *const species_names[NR_N_SPECIES] = {"nu_e",  "nubar_e",  "nu_mu",
                                                        "nubar_mu", "nu_tau", "nubar_tau"};

const char *nr_species_name(int species)
{
    return species >= 0 && species < NR_N_SPECIES ? species_names[species] : "?";
}

int nr_species_pdg(int species)
{
    return species >= 0 && species < NR_N_SPECIES ? species_pdg[species] : 0;
}

/* Reads the "E N" rows of one flux file into e[], n[]: E[GeV] > 0, N >= 0. Returns the row count or -1. */
static int read_flux_file(const char *path, double *e, double *n, nr_error *err)
{
    int line_of_row[NR_FLUX_MAX_BINS];
    int rows = nr_text_table_read_xy(path, e, n, line_of_row, NR_FLUX_MAX_BINS, err);
    for (int i = 0; i < rows; i++)
        if (!(e[i] > 0) || !(n[i] >= 0)) {
            nr_fail(err, NR_EDATA, path, "%s line %d: expected two numbers 'E[GeV] N', E > 0, N >= 0", path,
                    line_of_row[i]);
            return -1;
        }
    return rows;
}

static nr_status set_bin_edges(nr_flux *flux, const char *path, nr_error *err)
{
    size_t n = flux->n_bins;
    for (size_t i = 1; i < n; i++)
        if (!(flux->e_center[i] > flux->e_center[i - 1]))
            return nr_fail(err, NR_EDATA, path, "%s: energies not increasing at row %zu", path, i + 1);
    for (size_t i = 0; i + 1 < n; i++) {
        double edge = sqrt(flux->e_center[i] * flux->e_center[i + 1]);
        flux->e_hi[i] = edge;
        flux->e_lo[i + 1] = edge;
    }
    flux->e_lo[0] = flux->e_center[0] * flux->e_center[0] / flux->e_hi[0];
    flux->e_hi[n - 1] = flux->e_center[n - 1] * flux->e_center[n - 1] / flux->e_lo[n - 1];
    return NR_OK;
}

void nr_flux_free(nr_flux *flux)
{
    if (!flux)
        return;
    free(flux->e_center);
    free(flux->e_lo);
    free(flux->e_hi);
    for (int s = 0; s < NR_N_SPECIES; s++) {
        free(flux->count[s]);
        free(flux->cc_count[s]);
    }
    memset(flux, 0, sizeof *flux);
}

nr_status nr_flux_load(const char *dir, const char *prefix, nr_flux *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    double e_buf[NR_FLUX_MAX_BINS], n_buf[NR_FLUX_MAX_BINS];
    char path[1024];
    for (int s = 0; s < NR_N_SPECIES; s++) {
        for (int cc = 0; cc < 2; cc++) {
            snprintf(path, sizeof path, "%s/%s_%s%d.txt", dir, prefix, cc ? "CCint_" : "", species_pdg[s]);
            int rows = read_flux_file(path, e_buf, n_buf, err);
            if (rows < 0)
                goto fail;
            if (out->n_bins == 0) {
                out->n_bins = (size_t)rows;
                out->e_center = malloc(rows * sizeof(double));
                out->e_lo = malloc(rows * sizeof(double));
                out->e_hi = malloc(rows * sizeof(double));
                if (!out->e_center || !out->e_lo || !out->e_hi) {
                    nr_fail(err, NR_ENOMEM, path, "out of memory reading %s", path);
                    goto fail;
                }
                memcpy(out->e_center, e_buf, rows * sizeof(double));
                if (set_bin_edges(out, path, err) != NR_OK)
                    goto fail;
            } else {
                if ((size_t)rows != out->n_bins) {
                    nr_fail(err, NR_EDATA, path, "%s: %d rows, other files of the set have %zu", path, rows,
                            out->n_bins);
                    goto fail;
                }
                for (int i = 0; i < rows; i++)
                    if (fabs(e_buf[i] / out->e_center[i] - 1.0) > 1e-6) {
                        nr_fail(err, NR_EDATA, path, "%s row %d: energy %g differs from the set's %g", path,
                                i + 1, e_buf[i], out->e_center[i]);
                        goto fail;
                    }
            }
            double *dest = malloc(rows * sizeof(double));
            if (!dest) {
                nr_fail(err, NR_ENOMEM, path, "out of memory reading %s", path);
                goto fail;
            }
            memcpy(dest, n_buf, rows * sizeof(double));
            if (cc)
                out->cc_count[s] = dest;
            else
                out->count[s] = dest;
        }
    }
    return NR_OK;
fail:
    nr_flux_free(out);
    return err ? err->status : NR_EDATA;
}

double nr_flux_total(const nr_flux *flux, int species)
{
    double sum = 0;
    for (size_t i = 0; i < flux->n_bins; i++)
        sum += flux->count[species][i];
    return sum;
}

double nr_flux_dnde(const nr_flux *flux, int species, double e_gev)
{
    if (!(e_gev >= flux->e_lo[0] && e_gev < flux->e_hi[flux->n_bins - 1]))
        return 0.0;
    size_t lo = 0, hi = flux->n_bins - 1;
    while (lo < hi) { /* first bin whose upper edge is above e */
        size_t mid = (lo + hi) / 2;
        if (flux->e_hi[mid] <= e_gev)
            lo = mid + 1;
        else
            hi = mid;
    }
    return flux->count[species][lo] / (flux->e_hi[lo] - flux->e_lo[lo]);
}
