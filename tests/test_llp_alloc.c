/* Allocation failures in the LLP spectrum producers and the meson-decay mass table (issue 11 review): every malloc of
 * nr_llp_spectrum_add_meson_decays_in made to fail in turn (this program's malloc forwards to glibc's
 * __libc_malloc unless armed); each call must end in NR_OK (a work table it can do without) or NR_ENOMEM, never a
 * crash or a double free, and an NR_OK call must give the same spectrum as the unfailed one (the per-cell route
 * fills the same numbers as the per-momentum slots: llp.c, momentum_slot). The meson table is a synthetic pi0
 * table of a few cells (an analytic test input, no data file): mass 0.1349768 GeV (PDG 2022). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "hadrons.h"
#include "llp.h"
#include "llp_mesons.h"
#include "nr_test.h"

static long malloc_countdown = -1; /* >= 0: the malloc that many calls from now returns NULL */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__GLIBC__)
#define NR_ALLOC_FAILS 0 /* the sanitizers own malloc: no failures injected, the loop below only runs unfailed calls */
#else
#define NR_ALLOC_FAILS 1
extern void *__libc_malloc(size_t size);

void *malloc(size_t size)
{
    if (malloc_countdown >= 0 && malloc_countdown-- == 0) return NULL;
    return __libc_malloc(size);
}
#endif

static nr_status spectrum_of(const nr_hadron_table *t, const nr_llp_cell_region *region, long fail_at, double *total,
                             nr_error *err)
{
    nr_llp_spectrum s;
    nr_status st = nr_llp_spectrum_init(&s, 0.02, err); /* m_X = 20 MeV */
    if (st != NR_OK) return st;
    malloc_countdown = fail_at;
    st = nr_llp_spectrum_add_meson_decays_in(&s, t, 0.5, NULL, region, err);
    malloc_countdown = -1;
    *total = nr_llp_spectrum_total_pb(&s);
    nr_llp_spectrum_free(&s);
    return st;
}

/* The meson-decay mass table (llp_mesons.c: rows, nodes, the lattice) with malloc number fail_at failing, from the
 * table's creation to an accepted spectrum's events; *events [per fb^-1 x BR] at c tau = 100 m. */
static nr_status table_events(const nr_hadron_table *t, double lattice_h, long fail_at, double *events, long *left)
{
    nr_error err;
    const nr_decay_volume v = {480.0, 1.5, 0.1}; /* FASER's (experiment.c) */
    nr_meson_accept_table *tab = NULL;
    malloc_countdown = fail_at;
    nr_status st = nr_meson_accept_table_new(t, &v, 0.0, &tab, &err);
    if (st == NR_OK) {
        nr_meson_accept_table_set_lattice(tab, lattice_h, 1e-2);
        nr_llp_accepted a;
        for (int i = 0; i < 2 && st == NR_OK; i++) /* twice: the second from the kept node(s) */
            if ((st = nr_meson_accept_table_accept(tab, 0.01, 1.0, &a, &err)) == NR_OK) {
                *events = nr_llp_events_accepted(&a, &v, 100.0, 1.0);
                nr_llp_accepted_free(&a);
            }
    }
    *left = malloc_countdown;
    malloc_countdown = -1;
    nr_meson_accept_table_free(tab);
    return st;
}

int main(void)
{
    gsl_set_error_handler_off(); /* as the engine and the daemon (engine.c, server/main.c) */
    nr_hadron_cell cells[6];
    for (int i = 0; i < 6; i++) /* cell centres on the 0.05 grid: log10 theta -3.975.., log10 p 2.025.. */
        cells[i] = (nr_hadron_cell){-3.975 + 0.05 * (i % 3), 2.025 + 0.05 * (i / 2), 1.0 + i};
    nr_hadron_table t = {.pdg = 111, .mass_gev = 0.1349768, .n_cells = 6, .cells = cells, .total_pb = 21.0};
    nr_llp_cell_region every;
    for (int ip = 0; ip < NR_LLP_N_P; ip++) every.it_max[ip] = NR_LLP_N_THETA - 1;
    const nr_llp_cell_region *regions[2] = {NULL, &every};
    for (int r = 0; r < 2; r++) {
        nr_error err;
        double ref = 0.0;
        CHECK(spectrum_of(&t, regions[r], -1, &ref, &err) == NR_OK && ref > 0.0, "unfailed: %s", err.message);
        CHECK(fabs(ref - 0.5 * 21.0) <= 1e-12 * ref, "unfailed: the X total %.17g = BR x the mesons' 10.5 pb", ref);
        int failed = 0;
        for (long k = 0; k < 16; k++) {
            double total = 0.0;
            nr_status st = spectrum_of(&t, regions[r], k, &total, &err);
            CHECK(st == NR_OK || st == NR_ENOMEM, "region %d, malloc %ld failing: status %d", r, k, (int)st);
            if (st == NR_OK) CHECK(total == ref, "region %d, malloc %ld failing: %.17g pb, unfailed %.17g", r, k, total, ref);
            failed += st == NR_ENOMEM;
        }
        CHECK(failed >= NR_ALLOC_FAILS, "region %d: a failed malloc reported as NR_ENOMEM at least once", r);
    }
    for (int l = 0; l < 2; l++) {
        const double lattice_h = l ? 0.5 : 0.0; /* the proton dumps' NR_PDUMP_LATTICE_H, or none */
        double ref = 0.0;
        long left = 0;
        CHECK(table_events(&t, lattice_h, -1, &ref, &left) == NR_OK && ref > 0.0, "mass table unfailed");
        int failed = 0;
        for (long k = 0; k < 400; k++) {
            double events = 0.0;
            nr_status st = table_events(&t, lattice_h, k, &events, &left);
            CHECK(st == NR_OK || st == NR_ENOMEM, "mass table (lattice %g), malloc %ld failing: status %d", lattice_h, k,
                  (int)st);
            /* a table without its rows evaluates directly (llp_mesons.h): the same to 7e-4 (test_llp_mesons) */
            if (st == NR_OK)
                CHECK(fabs(events - ref) <= 1e-3 * ref, "mass table (lattice %g), malloc %ld failing: %.17g, unfailed %.17g",
                      lattice_h, k, events, ref);
            failed += st == NR_ENOMEM;
            if (left >= 0) { /* fewer mallocs than k: every one was failed once */
                if (NR_ALLOC_FAILS)
                    printf("mass table (lattice %g): %ld mallocs, each failed once; %d ended in NR_ENOMEM\n", lattice_h,
                           k, failed);
                break;
            }
            CHECK(k < 399, "mass table (lattice %g): more than 400 mallocs", lattice_h);
        }
        CHECK(failed >= NR_ALLOC_FAILS, "mass table (lattice %g): a failed malloc reported as NR_ENOMEM", lattice_h);
    }
    return nr_test_summary();
}
