/* dipole.c: the neutrino dipole portal to a heavy neutral lepton N (model "dipole"), paper 001 sec. 3.1,
 * 4.1 and appendices A, B.
 *
 * L = mu_N nubar_L sigma_{mu nu} N_R F^{mu nu} + h.c. (001 Eq. 3.1). Neutrinos of the flux upscatter in the
 * tungsten of FASERnu / FASERnu2 (and optionally in the concrete and rock in front, 000 sec. II) through
 * photon exchange: coherently on nuclei (Helm form factor, 001 Eqs. A.3-A.4), elastically on protons and
 * neutrons (dipole form factors, A.6-A.9) and on electrons; the cross sections are derived from Eq. 3.1 in
 * dipole_xsec.c (A.1 as printed is wrong, ERRATA.md). N then decays, N -> nu gamma (B.1) or
 * N -> nu l+ l- (B.2-B.5).
 *
 * Signals (the rates channels, events for the experiment's luminosity):
 *   gamma_decay_volume  N -> nu gamma inside the decay volume behind the target (FASER / FASER 2), photon
 *                       energy above e_vis_min (001 sec. 2.4.1: 100 GeV), geometric acceptance of the
 *                       cylindrical volume behind the target's face;
 *   ee_decay_volume, mumu_decay_volume   N -> nu l+ l- there, E(l+) + E(l-) > e_vis_min (001 Fig. 1 dotted);
 *   gamma_ecc_1tev, gamma_ecc_3tev       N made in the target with |t| < q2_max_ecc decays inside the same
 *                       target, photon above 1 / 3 TeV (001 sec. 2.4.2, Fig. 1 red);
 *   electron_recoil     nu e -> N e in the target with the electron energy and angle inside the cuts
 *                       (001 sec. 2.4.3, after Batell, Feng & Trojanowski, arXiv:2101.10338);
 *   n_produced          all N made in the target (no decay requirement), for orientation.
 *
 * Scaling used for fast scans: every production cross section is proportional to mu_N^2 and every width
 * too, so the branching fractions do not depend on mu_N and the decay length is d0 / mu_N^2. At fixed m_N the
 * production "terms" (one per flux bin, target and t node, for all species at once: an N energy and a weight) are
 * computed once (dipole_prepare, and scaling_at for the mu_N^2). For the signals the terms (up to ~16k) are then
 * collapsed into bins of log10 p_N per slab (TERM_BINS_PER_DECADE, a few hundred bins in all), each bin at the
 * weight-averaged momentum of its terms: the decay probabilities depend on a term only through p_N (decay
 * length = p_N / m_N x hbar c / width) and the slab, so one evaluation per bin replaces one per term. The error
 * is second order in the bin width (the mean-momentum rule) and small in practice because the terms of one
 * neutrino-energy bin share nearly one N momentum: over the 50 x 50 FASERnu2 grid of tests/test_contour_golden.c
 * the counts stay within 8.4e-9 of the per-term sum (the test prints it). Spectra keep the per-term sum.
 * A scan reads one signal (contours, grids): dipole_prepare_signal then computes only what that signal needs
 * (want_signal; for gamma_decay_volume not the neutrino bins at or below e_vis_min, whose N all have f_gamma = 0).
 */
#include <gsl/gsl_integration.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "decay.h"
#include "dipole_xsec.h"
#include "flux.h"
#include "materials.h"
#include "model.h"
#include "upscatter.h"

/* ------------------------------------------------------------------------------------------------ */
/* parameters and signals                                                                           */

static const char *const flavour_choices[] = {"universal", "e", "mu", "tau", NULL};
static const char *const production_choices[] = {"target", "target+rock", NULL};
static const char *const off_on[] = {"off", "on", NULL};
static const char *const distribution_choices[] = {"E_gamma", "E_N", "decay_z", NULL};

enum {
    P_M_N,
    P_MU_N,
    P_FLAVOUR,
    P_PRODUCTION,
    P_E_VIS_MIN,
    P_Q2_MAX_ECC,
    P_SCREENING,
    P_E_RECOIL_MIN,
    P_E_RECOIL_MAX,
    P_THETA_MIN,
    P_THETA_MAX,
    P_DISTRIBUTION,
    N_DIPOLE_PARAMS
};

static const nr_param_spec dipole_params[N_DIPOLE_PARAMS] = {
    [P_M_N] = {.name = "m_N", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.5, .min_value = 1e-3,
               .max_value = 20.0, .scale = NR_SCALE_LOG, .description = "mass of the heavy neutral lepton N"},
    [P_MU_N] = {.name = "mu_N", .unit = "GeV^-1", .kind = NR_PARAM_NUMBER, .default_value = 5e-7,
                .min_value = 1e-12, .max_value = 1e-2, .scale = NR_SCALE_LOG, .coupling = 1,
                .description = "dipole coupling mu_N of 001 Eq. 3.1 (L = mu_N nubar sigma N F + h.c.)"},
    [P_FLAVOUR] = {.name = "flavour", .unit = "", .kind = NR_PARAM_CHOICE, .choices = flavour_choices,
                   .description = "which neutrino flavours couple: all three with the same mu_N, or one"},
    [P_PRODUCTION] = {.name = "production", .unit = "", .kind = NR_PARAM_CHOICE, .choices = production_choices,
                      .description = "where N is made for the decay-volume signals: the tungsten target only "
                                     "(as paper 001), or also the 10 m of concrete and 90 m of rock in front "
                                     "(paper 000 sec. II)"},
    [P_E_VIS_MIN] = {.name = "e_vis_min", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 100.0,
                     .min_value = 0.0, .max_value = 1e4, .scale = NR_SCALE_LINEAR,
                     .description = "visible-energy threshold in the decay volume (001 sec. 2.4.1: 100 GeV)"},
    [P_Q2_MAX_ECC] = {.name = "q2_max_ecc", .unit = "GeV^2", .kind = NR_PARAM_NUMBER, .default_value = 0.01,
                      .min_value = 1e-6, .max_value = 100.0, .scale = NR_SCALE_LOG,
                      .description = "largest |Q^2| of the scattering for the in-target photon signals "
                                     "(001 sec. 2.4.2: (100 MeV)^2)"},
    [P_SCREENING] = {.name = "screening", .unit = "", .kind = NR_PARAM_CHOICE, .choices = off_on,
                     .description = "atomic screening of the nuclear charge (001 Eq. A.5; negligible there)"},
    [P_E_RECOIL_MIN] = {.name = "e_recoil_min", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.3,
                        .min_value = 1e-3, .max_value = 1e4, .scale = NR_SCALE_LOG,
                        .description = "electron-recoil signal: lowest electron energy (001 sec. 2.4.3)"},
    [P_E_RECOIL_MAX] = {.name = "e_recoil_max", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 20.0,
                        .min_value = 1e-3, .max_value = 1e4, .scale = NR_SCALE_LOG,
                        .description = "electron-recoil signal: highest electron energy (001 sec. 2.4.3)"},
    [P_THETA_MIN] = {.name = "theta_recoil_min", .unit = "rad", .kind = NR_PARAM_NUMBER, .default_value = 0.01,
                     .min_value = 0.0, .max_value = 3.15, .scale = NR_SCALE_LINEAR,
                     .description = "electron-recoil signal: smallest electron angle to the beam"},
    [P_THETA_MAX] = {.name = "theta_recoil_max", .unit = "rad", .kind = NR_PARAM_NUMBER, .default_value = 0.02,
                     .min_value = 0.0, .max_value = 3.15, .scale = NR_SCALE_LINEAR,
                     .description = "electron-recoil signal: largest electron angle to the beam"},
    [P_DISTRIBUTION] = {.name = "distribution", .unit = "", .kind = NR_PARAM_CHOICE,
                        .choices = distribution_choices,
                        .description = "spectra: photon energy (decay volume and in-target), N energy "
                                       "(produced and decaying in the volume), or decay position in the volume"},
};

enum {
    S_GAMMA_VOLUME,
    S_EE_VOLUME,
    S_MUMU_VOLUME,
    S_GAMMA_ECC_1TEV,
    S_GAMMA_ECC_3TEV,
    S_ELECTRON_RECOIL,
    S_PRODUCED,
    N_DIPOLE_SIGNALS
};

static const nr_signal_spec dipole_signals[N_DIPOLE_SIGNALS] = {
    [S_GAMMA_VOLUME] = {"gamma_decay_volume", "single photons from N -> nu gamma in the decay volume, "
                                              "E_gamma > e_vis_min"},
    [S_EE_VOLUME] = {"ee_decay_volume", "e+e- pairs from N -> nu e+ e- in the decay volume, E_vis > e_vis_min"},
    [S_MUMU_VOLUME] = {"mumu_decay_volume", "mu+mu- pairs from N -> nu mu+ mu- in the decay volume, "
                                            "E_vis > e_vis_min"},
    [S_GAMMA_ECC_1TEV] = {"gamma_ecc_1tev", "photons above 1 TeV from N decaying inside the target after a "
                                            "scattering with |t| < q2_max_ecc"},
    [S_GAMMA_ECC_3TEV] = {"gamma_ecc_3tev", "the same above 3 TeV"},
    [S_ELECTRON_RECOIL] = {"electron_recoil", "nu e -> N e in the target with the electron inside the "
                                              "energy and angle cuts"},
    [S_PRODUCED] = {"n_produced", "all N produced in the target by upscattering (no decay required)"},
};

/* ------------------------------------------------------------------------------------------------ */
/* set-up: slabs of material along the beam and the targets in them                                */

#define N_T_NODES_NUCLEUS 64
#define N_T_NODES_NUCLEON 64
#define N_T_NODES_ELECTRON 48
#define MAX_SLABS 3

typedef struct {
    const nr_material *material;
    double column_g_cm2; /* along the beam [g/cm^2]                      */
    double length_m;     /* [m]                                          */
    double dist_m;       /* from the back of the slab to the volume [m]  */
    int is_target;       /* the detector's own target (ECC, recoils)     */
    const nr_ff_helm_table *helm; /* Helm F of its nucleus (engine)      */
} slab;

typedef struct {
    const nr_flux *flux;
    double flux_scale;
    int n_slabs;
    slab slabs[MAX_SLABS];
    double vol_length_m, acceptance; /* decay volume behind the target; geometric acceptance */
    int have_volume;
} setup;

static nr_status make_setup(const nr_engine *engine, const nr_experiment *e, int with_rock, setup *s,
                            nr_error *err)
{
    memset(s, 0, sizeof *s);
    s->flux = nr_engine_flux(engine, e->flux_set);
    if (!s->flux || !e->target)
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino flux and target", e->name);
    s->flux_scale = nr_experiment_flux_scale(e);
    const nr_experiment *vol = e->downstream[0] ? nr_experiment_find(e->downstream) : NULL;
    if (vol) {
        s->have_volume = 1;
        s->vol_length_m = vol->length_m;
        s->acceptance = nr_rectangle_fraction_in_circle(e->width_m, e->height_m, vol->radius_m);
    }
    double column = nr_experiment_column_density_g_cm2(e);
    double target_len = column / e->target->density_g_cm3 / 100.0; /* [m] */
    s->slabs[s->n_slabs++] = (slab){e->target, column, target_len, e->gap_m, 1,
                                    nr_engine_helm_001(engine, e->target)};
    if (with_rock) { /* 000 sec. II: 10 m concrete right in front, 90 m rock before it */
        const nr_material *concrete = &nr_material_concrete, *rock = &nr_material_rock;
        s->slabs[s->n_slabs++] = (slab){concrete, concrete->density_g_cm3 * 1000.0, 10.0,
                                        target_len + e->gap_m, 0, nr_engine_helm_001(engine, concrete)};
        s->slabs[s->n_slabs++] = (slab){rock, rock->density_g_cm3 * 9000.0, 90.0,
                                        10.0 + target_len + e->gap_m, 0, nr_engine_helm_001(engine, rock)};
    }
    return NR_OK;
}

static int species_active(int species, int flavour_choice)
{
    if (flavour_choice == 0)
        return 1;
    static const int flavour_of_choice[4] = {-1, NR_FLAVOUR_E, NR_FLAVOUR_MU, NR_FLAVOUR_TAU};
    return species / 2 == flavour_of_choice[flavour_choice];
}

/* Neutrinos of every active species in flux bin b (the flux's species share its energy bins). */
static double neutrinos_in_bin(const setup *s, const nr_param_value *p, size_t b)
{
    double n = 0.0;
    for (int sp = 0; sp < NR_N_SPECIES; sp++)
        if (species_active(sp, p[P_FLAVOUR].choice) && s->flux->count[sp][b] > 0)
            n += s->flux->count[sp][b] * s->flux_scale;
    return n;
}

/* ------------------------------------------------------------------------------------------------ */
/* production terms at fixed m_N, computed with mu_N = 1 GeV^-1                                    */

typedef struct {
    double e_n;      /* N energy [GeV]                                         */
    double p_n;      /* N momentum [GeV]                                       */
    double weight;   /* N made at mu_N = 1 GeV^-1: neutrinos x sigma x targets */
    double abs_t;    /* momentum transfer [GeV^2]                              */
    int slab;        /* where it was made                                      */
    /* fractions of decays passing the energy cuts (independent of mu_N) */
    double f_gamma;  /* N -> nu gamma with E_gamma > e_vis_min                 */
    double f_ee, f_mumu; /* N -> nu l l with E_vis > e_vis_min                 */
    double f_ecc1, f_ecc3; /* E_gamma > 1 TeV, > 3 TeV                         */
} term;

/* Fraction of N -> nu l+ l- decays above the visible-energy cut as a function of E_N, tabulated on a log
 * grid per mass (nr_dipole_nu_ll_fraction_above: a closed form, a 1-D integral near threshold) and interpolated
 * linearly in ln E_N; the fraction is a smooth, monotonic function of E_N. */
#define LL_TABLE_POINTS 160
typedef struct {
    double ln_e_lo, ln_e_hi;
    double f[LL_TABLE_POINTS];
} ll_fraction_table;

static nr_status ll_table_build(ll_fraction_table *tab, double m_n, double m_l, double e_cut, nr_error *err)
{
    tab->ln_e_lo = log(fmax(m_n, 1e-3) * 1.0000001);
    tab->ln_e_hi = log(2.0e4);
    for (int i = 0; i < LL_TABLE_POINTS; i++) {
        double e = exp(tab->ln_e_lo + (tab->ln_e_hi - tab->ln_e_lo) * i / (LL_TABLE_POINTS - 1)), abs_err;
        tab->f[i] = 0.0;
        nr_status st = 2.0 * m_l < m_n ? nr_dipole_nu_ll_fraction_above_e(m_n, m_l, e, e_cut, &tab->f[i], &abs_err, err)
                                       : NR_OK;
        if (st != NR_OK)
            return st;
    }
    return NR_OK;
}

static double ll_table_at(const ll_fraction_table *tab, double ln_e_n)
{
    double x = (ln_e_n - tab->ln_e_lo) / (tab->ln_e_hi - tab->ln_e_lo) * (LL_TABLE_POINTS - 1);
    if (x <= 0)
        return tab->f[0];
    if (x >= LL_TABLE_POINTS - 1)
        return tab->f[LL_TABLE_POINTS - 1];
    int i = (int)x;
    double w = x - i;
    return (1.0 - w) * tab->f[i] + w * tab->f[i + 1];
}

/* Terms collapsed for the signals: the weight-averaged N energy of the bin's terms and their summed weights. */
typedef struct {
    int slab;
    double e_n;   /* [GeV] from the bin's mean momentum           */
    double p_over_m; /* beta gamma = p_N / m_N of e_n, as nr_decay_length_m computes it (0 at rest) */
    double w[3];  /* decay volume: weight x f_gamma, f_ee, f_mumu; in target: weight x f_ecc1, f_ecc3, unused */
} term_bin;

/* Bins per decade of p_N: a bin is 4.9% wide in p_N. */
#define TERM_BINS_PER_DECADE 48

typedef struct {
    term *t;
    size_t n, cap;
    term_bin *vol, *ecc;       /* decay-volume bins (every slab); in-target bins (slab 0, E_N > 1 TeV,
                                  |t| < q2_max_ecc)                                           */
    size_t n_vol, n_ecc;
    double made_target;        /* N made in the target at mu_N = 1 (sum of the slab-0 weights) */
    double m_n;
    double width_total_mu1;    /* total width at mu_N = 1 GeV^-1 [GeV]                     */
    double br_gamma, br_ee, br_mumu;
    double recoil_events_mu1;  /* electron-recoil signal at mu_N = 1 (no decay needed)     */
} production;

static void production_free(production *p)
{
    free(p->t);
    free(p->vol);
    free(p->ecc);
    memset(p, 0, sizeof *p);
}

static int push_term(production *p, term t)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 4096;
        term *nt = realloc(p->t, cap * sizeof *nt);
        if (!nt)
            return -1;
        p->t = nt;
        p->cap = cap;
    }
    p->t[p->n++] = t;
    return 0;
}

static nr_status widths(production *p, double m_n, nr_error *err)
{
    double g_gamma = nr_dipole_width_nu_gamma(1.0, m_n), g_ee, g_mumu, g_tautau, abs_err;
    nr_status st = nr_dipole_width_nu_ll_e(1.0, m_n, NR_M_ELECTRON, &g_ee, &abs_err, err);
    if (st == NR_OK)
        st = nr_dipole_width_nu_ll_e(1.0, m_n, NR_M_MUON, &g_mumu, &abs_err, err);
    if (st == NR_OK)
        st = nr_dipole_width_nu_ll_e(1.0, m_n, NR_M_TAU, &g_tautau, &abs_err, err);
    if (st != NR_OK)
        return st;
    p->width_total_mu1 = g_gamma + g_ee + g_mumu + g_tautau;
    p->br_gamma = g_gamma / p->width_total_mu1;
    p->br_ee = g_ee / p->width_total_mu1;
    p->br_mumu = g_mumu / p->width_total_mu1;
    return NR_OK;
}

/* The N_T_NODES_ELECTRON-point Gauss-Legendre table (GSL computes nodes for this order by Newton's method on
 * every allocation): built once per process, read-only afterwards, never freed. */
static gsl_integration_glfixed_table *electron_gl;
static pthread_once_t electron_gl_once = PTHREAD_ONCE_INIT;
static void electron_gl_init(void) { electron_gl = gsl_integration_glfixed_table_alloc(N_T_NODES_ELECTRON); }

/* Electron-recoil signal at mu_N = 1: integral over the allowed |t| window, with the angle cut applied at
 * each node. T = |t|/(2 m_e); cos(theta_e) = (T (E + m_e) + m_N^2/2) / (E p_e) from energy-momentum
 * conservation for nu e -> N e with the electron at rest. */
static nr_status recoil_signal_mu1(const setup *s, const nr_param_value *p, double m_n, double *events,
                                   nr_error *err)
{
    *events = 0.0;
    const slab *target = &s->slabs[0];
    double electrons = nr_material_electrons_per_g(target->material) * target->column_g_cm2; /* [cm^-2] */
    double me = NR_M_ELECTRON;
    double t_lo = 2.0 * me * (p[P_E_RECOIL_MIN].number - me), t_hi = 2.0 * me * (p[P_E_RECOIL_MAX].number - me);
    if (!(t_hi > t_lo) || t_hi <= 0)
        return NR_OK;
    if (t_lo < 0)
        t_lo = 0;
    nr_dipole_xsec_ctx ctx = {.mu_n = 1.0, .m_n = m_n, .target = NR_DIPOLE_ELECTRON, .m_target = me};
    pthread_once(&electron_gl_once, electron_gl_init); /* the same nodes for every mass: computed once */
    const gsl_integration_glfixed_table *gl = electron_gl;
    if (!gl)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the electron-recoil quadrature");
    double total = 0.0;
    const double cos_th_min = cos(p[P_THETA_MIN].number), cos_th_max = cos(p[P_THETA_MAX].number);
    for (size_t b = 0; b < s->flux->n_bins; b++) { /* one quadrature per bin for every species (see above) */
        double e = s->flux->e_center[b], n_nu = neutrinos_in_bin(s, p, b);
        double a_min, a_max;
        if (n_nu <= 0 || !nr_upscatter_abs_t_range(e, me, m_n, &a_min, &a_max))
            continue;
        double lo = a_min > t_lo ? a_min : t_lo, hi = a_max < t_hi ? a_max : t_hi;
        if (!(hi > lo) || lo <= 0)
            continue;
        double sum = 0.0;
        for (size_t k = 0; k < N_T_NODES_ELECTRON; k++) {
            double x, w;
            gsl_integration_glfixed_point(log(lo), log(hi), k, &x, &w, gl);
            double abs_t = exp(x), kin = abs_t / (2.0 * me);
            double p_e = sqrt(kin * kin + 2.0 * me * kin);
            double cos_th = fmin(1.0, (kin * (e + me) + 0.5 * m_n * m_n) / (e * p_e));
            /* theta_min <= theta <= theta_max, compared as cosines (acos decreases on [-1, 1]) */
            if (cos_th > cos_th_min || cos_th < cos_th_max)
                continue;
            sum += w * abs_t * nr_dipole_dsigma_dt(e, -abs_t, &ctx);
        }
        total += n_nu * electrons * sum;
    }
    *events = total;
    return NR_OK;
}

/* Bins of log10 p_N of the terms of one slab that `select` accepts, appended to *out (which holds *n bins): the
 * weight-averaged momentum and the sums weight x fraction (decay volume: f_gamma, f_ee, f_mumu; in the target,
 * ecc: f_ecc1, f_ecc3, 0); terms at rest (p_N = 0) in a bin of their own; bins whose sums are all 0 (no term passes
 * a cut: the low-momentum tail) are not kept. */
typedef struct {
    double w, wp, wf[3];
} bin_sums;

static int collapse_slab(const production *prod, int slab_index, double q2_ecc, int ecc, term_bin **out, size_t *n)
{
    double m = prod->m_n, p_lo = INFINITY, p_hi = 0.0;
    for (size_t k = 0; k < prod->n; k++) {
        const term *t = &prod->t[k];
        if (t->slab != slab_index || (ecc && !(t->e_n > 1000.0 && t->abs_t < q2_ecc)))
            continue;
        double p = t->p_n;
        if (p > 0.0) {
            p_lo = fmin(p_lo, p);
            p_hi = fmax(p_hi, p);
        }
    }
    size_t nb = p_hi > 0.0 ? (size_t)ceil(TERM_BINS_PER_DECADE * log10(p_hi / p_lo)) + 1 : 0;
    bin_sums *b = calloc(nb + 1, sizeof *b); /* bin nb: at rest */
    term_bin *grown = realloc(*out, (*n + nb + 1) * sizeof **out);
    if (!b || !grown) {
        free(b);
        return -1;
    }
    *out = grown;
    for (size_t k = 0; k < prod->n; k++) {
        const term *t = &prod->t[k];
        if (t->slab != slab_index || (ecc && !(t->e_n > 1000.0 && t->abs_t < q2_ecc)))
            continue;
        double p = t->p_n;
        size_t i = nb;
        if (p > 0.0) {
            double x = floor(TERM_BINS_PER_DECADE * log10(p / p_lo));
            i = x < 0 ? 0 : x >= (double)nb ? nb - 1 : (size_t)x;
        }
        b[i].w += t->weight;
        b[i].wp += t->weight * p;
        if (ecc) { /* fraction_ecc, written out (no call per term) */
            b[i].wf[0] += t->weight * t->f_ecc1;
            b[i].wf[1] += t->weight * t->f_ecc3; /* wf[2] stays 0 (calloc) */
        } else {   /* fraction_volume */
            b[i].wf[0] += t->weight * t->f_gamma;
            b[i].wf[1] += t->weight * t->f_ee;
            b[i].wf[2] += t->weight * t->f_mumu;
        }
    }
    for (size_t i = 0; i <= nb; i++) {
        /* a bin none of whose fractions is above 0 adds exactly +0 to every signal (signals_at): left out */
        if (!(b[i].w > 0.0) || !(b[i].wf[0] > 0.0 || b[i].wf[1] > 0.0 || b[i].wf[2] > 0.0))
            continue;
        double p = i < nb ? b[i].wp / b[i].w : 0.0;
        double e = sqrt(p * p + m * m);
        (*out)[(*n)++] = (term_bin){slab_index, e, e > m ? sqrt((e - m) * (e + m)) / m : 0.0,
                                    {b[i].wf[0], b[i].wf[1], b[i].wf[2]}};
    }
    free(b);
    return 0;
}

/* What a preparation computes: everything (prepare: rates, spectra), or what one signal needs (prepare_signal, a
 * scan of that signal). The terms of the neutrino-energy bins at or below e_nu_min [GeV] are left out: no N they make
 * can pass the signal's energy cut (E_N <= E_nu). */
typedef struct {
    int volume;       /* the decay-volume bins (gamma, ee, mumu)                         */
    int ll;           /* the N -> nu l+ l- fractions f_ee, f_mumu                        */
    int ecc;          /* the in-target bins (E_N > 1 TeV, |t| < q2_max_ecc)              */
    int recoil;       /* the electron-recoil signal                                      */
    int terms;        /* the upscattering terms at all (every signal but electron_recoil) */
    double e_nu_min;  /* [GeV]                                                           */
} wanted;

static const wanted want_all = {1, 1, 1, 1, 1, -INFINITY};

/* For signal `signal` alone: the decay-volume signals without the in-target bins and the recoils (ee, mumu with every
 * term: their bins are those of dipole_prepare, the signal the same to the last bit), the in-target photons without
 * the decay-volume bins (only E_N > 1 TeV enters the ecc bins, so the neutrino bins at or below 1 TeV are left out:
 * also the same to the last bit). gamma_decay_volume leaves out the neutrino bins at or below e_vis_min: the photon
 * takes at most (E_N + p_N)/2 < E_N <= E_nu, so every term they make has f_gamma = 0 exactly
 * (nr_two_body_fraction_above_p); they only pulled their production bins' mean momenta (file comment), so the signal
 * moves by the bins' own error, <= 3e-8 relative over the 50 x 50 dipole contour grid (README Performance,
 * test_dipole_model 3b). (The l+ l- fractions are interpolated in ln E_N across the cut, so ee and mumu keep those
 * bins.) n_produced needs every term. */
static wanted want_signal(const nr_param_value *p, size_t signal)
{
    switch (signal) {
    case S_GAMMA_VOLUME:
        return (wanted){1, 0, 0, 0, 1, p[P_E_VIS_MIN].number};
    case S_EE_VOLUME:
    case S_MUMU_VOLUME:
        return (wanted){1, 1, 0, 0, 1, -INFINITY};
    case S_GAMMA_ECC_1TEV:
    case S_GAMMA_ECC_3TEV:
        return (wanted){0, 0, 1, 0, 1, 1000.0};
    case S_ELECTRON_RECOIL:
        return (wanted){0, 0, 0, 1, 0, INFINITY};
    default:
        return want_all;
    }
}

/* The bins of every slab (decay volume) and of the target (in-target photons). */
static nr_status collapse_terms(const setup *s, const nr_param_value *p, const wanted *want, production *prod,
                                nr_error *err)
{
    for (int si = 0; want->volume && si < s->n_slabs; si++)
        if (collapse_slab(prod, si, 0.0, 0, &prod->vol, &prod->n_vol) != 0)
            return nr_fail(err, NR_ENOMEM, "", "out of memory for the production bins");
    if (want->ecc && collapse_slab(prod, 0, p[P_Q2_MAX_ECC].number, 1, &prod->ecc, &prod->n_ecc) != 0)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the production bins");
    return NR_OK;
}

/* The production terms for mass m_n (those `want` asks for). */
static nr_status build_production(const setup *s, const nr_param_value *p, double m_n, const wanted *want,
                                  production *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    out->m_n = m_n;
    double abs_t[64], w[64];
    double e_vis = p[P_E_VIS_MIN].number;
    ll_fraction_table ee, mumu;
    nr_status st = widths(out, m_n, err);
    if (st != NR_OK || (want->ll && ((st = ll_table_build(&ee, m_n, NR_M_ELECTRON, e_vis, err)) != NR_OK ||
                                     (st = ll_table_build(&mumu, m_n, NR_M_MUON, e_vis, err)) != NR_OK)))
        return st;
    /* every term this mass can make, reserved at once (no regrowth and copying while pushing) */
    const size_t most = (size_t)s->n_slabs * s->flux->n_bins * (N_T_NODES_NUCLEUS + 2 * N_T_NODES_NUCLEON);
    out->t = malloc(most * sizeof *out->t);
    if (!out->t)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the production terms");
    out->cap = most;
    for (int si = 0; si < s->n_slabs; si++) {
        const slab *sl = &s->slabs[si];
        const nr_material *m = sl->material;
        /* three targets: the nucleus (coherent), protons and neutrons (incoherent, 001 A.9) */
        struct {
            nr_dipole_xsec_ctx ctx;
            double per_cm2;
            size_t nodes;
        } tg[3] = {
            {{1.0, m_n, NR_DIPOLE_NUCLEUS, m->z, m->a, m->nucleus_mass_gev, p[P_SCREENING].choice, sl->helm, 0, 0, 0},
             nr_material_nuclei_per_g(m) * sl->column_g_cm2, N_T_NODES_NUCLEUS},
            {{1.0, m_n, NR_DIPOLE_PROTON, 1, 1, NR_M_PROTON, 0, NULL, 0, 0, 0},
             nr_material_protons_per_g(m) * sl->column_g_cm2,
             N_T_NODES_NUCLEON},
            {{1.0, m_n, NR_DIPOLE_NEUTRON, 0, 1, NR_M_NEUTRON, 0, NULL, 0, 0, 0},
             nr_material_neutrons_per_g(m) * sl->column_g_cm2, N_T_NODES_NUCLEON},
        };
        /* dsigma/dt does not depend on the species (nu and nubar alike, dipole_xsec.c): one t quadrature per
         * flux bin and target serves the neutrinos of every active species in that bin */
        for (size_t b = 0; want->terms && b < s->flux->n_bins; b++) {
            double e = s->flux->e_center[b], n_nu = neutrinos_in_bin(s, p, b);
            if (!(n_nu > 0) || !(e > want->e_nu_min))
                continue;
            for (int k = 0; k < 3; k++) {
                nr_dipole_xsec_at_energy(&tg[k].ctx, e);
                size_t n = nr_upscatter_nodes(nr_dipole_dsigma_dt, &tg[k].ctx, e, tg[k].ctx.m_target, m_n, 0.0,
                                              tg[k].nodes, abs_t, w);
                for (size_t j = 0; j < n; j++) {
                    if (!(w[j] > 0))
                        continue;
                    /* w[j] [cm^2] x targets [cm^-2] x neutrinos = N made (at mu_N = 1 GeV^-1) */
                    double e_n = nr_upscatter_e_n(e, tg[k].ctx.m_target, -abs_t[j]);
                    double p_n = e_n > m_n ? sqrt((e_n - m_n) * (e_n + m_n)) : 0.0;
                    double ln_e = want->ll ? log(e_n) : 0.0;
                    /* the fractions only where a wanted signal reads them (0 elsewhere) */
                    term t = {e_n, p_n, n_nu * tg[k].per_cm2 * w[j], abs_t[j], si,
                              want->volume ? nr_two_body_fraction_above_p(e_n, p_n, m_n, e_vis) : 0.0,
                              want->ll ? ll_table_at(&ee, ln_e) : 0.0, want->ll ? ll_table_at(&mumu, ln_e) : 0.0,
                              /* exactly 0 unless E_N > the cut (the photon's maximum, (E + p)/2, is below E_N) */
                              want->ecc && e_n > 1000.0 ? nr_two_body_fraction_above_p(e_n, p_n, m_n, 1000.0) : 0.0,
                              want->ecc && e_n > 3000.0 ? nr_two_body_fraction_above_p(e_n, p_n, m_n, 3000.0) : 0.0};
                    if (push_term(out, t) != 0) {
                        production_free(out);
                        return nr_fail(err, NR_ENOMEM, "", "out of memory for the production terms");
                    }
                    if (si == 0) /* N made in the target: the slab-0 weights summed in the terms' order */
                        out->made_target += t.weight;
                }
            }
        }
    }
    if (!want->recoil || (st = recoil_signal_mu1(s, p, m_n, &out->recoil_events_mu1, err)) == NR_OK)
        st = collapse_terms(s, p, want, out, err);
    if (st != NR_OK)
        production_free(out);
    return st;
}

/* ------------------------------------------------------------------------------------------------ */
/* the prepared state and the coupling                                                              */

/* Everything but mu_N: the production at mu_N = 1 GeV^-1, prepared once per mass (and per value of the other
 * non-coupling parameters); each coupling then costs one pass over the production terms. */
typedef struct {
    setup s;
    production prod;
} dipole_state;

/* The only place mu_N enters (001 Eq. 3.1): every production cross section and every width is proportional to
 * mu_N^2, so N made = mu_N^2 x (N made at mu_N = 1) and the total width = mu_N^2 x (width at mu_N = 1). */
typedef struct {
    double mu2;   /* mu_N^2 [GeV^-2] in units of (1 GeV^-1)^2 */
    double width; /* total N width [GeV]                        */
} coupling_scaling;

static coupling_scaling scaling_at(const production *prod, const nr_param_value *p)
{
    double mu = p[P_MU_N].number, mu2 = mu * mu;
    return (coupling_scaling){mu2, prod->width_total_mu1 * mu2};
}

/* What becomes of the N of one production term at a coupling. */
typedef struct {
    double n_made;    /* N made                                               */
    double d;         /* lab decay length [m]                                 */
    double in_volume; /* N decaying (any channel) inside the decay volume     */
} term_fate;

static term_fate fate_of(const dipole_state *w, const coupling_scaling *c, const term *t)
{
    const slab *sl = &w->s.slabs[t->slab];
    term_fate f = {c->mu2 * t->weight, 0.0, 0.0};
    f.d = nr_decay_length_m(t->e_n, w->prod.m_n, c->width);
    if (w->s.have_volume)
        f.in_volume = f.n_made * w->s.acceptance *
                      nr_decay_prob_slab_to_volume(sl->length_m, sl->dist_m, w->s.vol_length_m, f.d);
    return f;
}

/* N -> nu gamma decays inside the target of the N made there with |t| < q2_max_ecc (001 sec. 2.4.2). */
static double gamma_in_target(const dipole_state *w, const nr_param_value *p, const term *t, const term_fate *f)
{
    if (!(t->slab == 0 && t->abs_t < p[P_Q2_MAX_ECC].number))
        return 0.0;
    return f->n_made * nr_decay_prob_inside_slab(w->s.slabs[0].length_m, f->d) * w->prod.br_gamma;
}

/* ------------------------------------------------------------------------------------------------ */
/* model functions                                                                                  */

static nr_status dipole_check(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                              const nr_param_value *p, nr_error *err)
{
    (void)model;
    if (!(p[P_E_RECOIL_MIN].number < p[P_E_RECOIL_MAX].number))
        return nr_fail(err, NR_EINPUT, "/params/e_recoil_min", "e_recoil_min (%g GeV) must be below "
                       "e_recoil_max (%g GeV)", p[P_E_RECOIL_MIN].number, p[P_E_RECOIL_MAX].number);
    if (!(p[P_THETA_MIN].number < p[P_THETA_MAX].number))
        return nr_fail(err, NR_EINPUT, "/params/theta_recoil_min", "theta_recoil_min (%g rad) must be below "
                       "theta_recoil_max (%g rad)", p[P_THETA_MIN].number, p[P_THETA_MAX].number);
    if (!e->target || !e->flux_set[0] || !nr_engine_flux(engine, e->flux_set))
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino target and flux", e->name);
    return NR_OK;
}

/* The production of N for the request's parameters at mu_N = 1 GeV^-1. */
static nr_status dipole_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                                const nr_param_value *p, void *state, nr_error *err)
{
    (void)model;
    dipole_state *w = state;
    nr_status st = make_setup(engine, e, p[P_PRODUCTION].choice == 1, &w->s, err);
    if (st == NR_OK)
        st = build_production(&w->s, p, p[P_M_N].number, &want_all, &w->prod, err);
    return st;
}

/* The same for a scan of one signal (want_signal): that signal as dipole_prepare gives it (gamma_decay_volume up to
 * its production bins' error), the other signals incomplete (signals_at gives what this partial production makes of
 * them). */
static nr_status dipole_prepare_signal(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                                       const nr_param_value *p, size_t signal, void *state, nr_error *err)
{
    (void)model;
    dipole_state *w = state;
    const wanted want = want_signal(p, signal);
    nr_status st = make_setup(engine, e, p[P_PRODUCTION].choice == 1, &w->s, err);
    if (st == NR_OK)
        st = build_production(&w->s, p, p[P_M_N].number, &want, &w->prod, err);
    return st;
}

/* nr_decay_length_m(b->e_n, m_n, width) [m] of a bin from its stored p_N / m_N and ctau = hbar c / width [m] taken
 * once per point: INFINITY when stable (width <= 0 or m_N <= 0), 0 at rest; the same operations on the same
 * numbers, so the same bits. */
static double bin_decay_length_m(const term_bin *b, double m_n, int stable, double ctau)
{
    return stable ? INFINITY : b->e_n > m_n ? b->p_over_m * ctau : 0.0;
}

static nr_status dipole_signals_at(const nr_model *model, const void *state, const nr_param_value *p,
                                   double *values, nr_error *err)
{
    (void)model;
    (void)err;
    const dipole_state *w = state;
    const production *prod = &w->prod;
    coupling_scaling c = scaling_at(prod, p);
    /* bin_decay_length_m's per-point inputs, once */
    const int stable = !(c.width > 0.0) || !(prod->m_n > 0.0);
    const double ctau = NR_HBARC_GEV_M / c.width; /* [m] */
    memset(values, 0, N_DIPOLE_SIGNALS * sizeof *values);
    values[S_PRODUCED] = c.mu2 * prod->made_target;
    for (size_t k = 0; w->s.have_volume && k < prod->n_vol; k++) { /* the terms' bins: see the file comment */
        const term_bin *b = &prod->vol[k];
        const slab *sl = &w->s.slabs[b->slab];
        double d = bin_decay_length_m(b, prod->m_n, stable, ctau);
        double in_volume = c.mu2 * w->s.acceptance *
                           nr_decay_prob_slab_to_volume(sl->length_m, sl->dist_m, w->s.vol_length_m, d);
        values[S_GAMMA_VOLUME] += in_volume * prod->br_gamma * b->w[0];
        values[S_EE_VOLUME] += in_volume * prod->br_ee * b->w[1];
        values[S_MUMU_VOLUME] += in_volume * prod->br_mumu * b->w[2];
    }
    for (size_t k = 0; k < prod->n_ecc; k++) {
        const term_bin *b = &prod->ecc[k];
        double d = bin_decay_length_m(b, prod->m_n, stable, ctau);
        double in_target = c.mu2 * nr_decay_prob_inside_slab(w->s.slabs[0].length_m, d) * prod->br_gamma;
        values[S_GAMMA_ECC_1TEV] += in_target * b->w[0];
        values[S_GAMMA_ECC_3TEV] += in_target * b->w[1];
    }
    values[S_ELECTRON_RECOIL] = c.mu2 * prod->recoil_events_mu1;
    return NR_OK;
}

/* Spectra: distributions of the decay-volume and in-target signals. */
#define SPECTRUM_BINS 40
static nr_status dipole_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                                nr_error *err)
{
    (void)model;
    const dipole_state *w = state;
    const setup *s = &w->s;
    const production *prod = &w->prod;
    int dist = p[P_DISTRIBUTION].choice;
    size_t n_ch = dist == 2 ? 1 : 2;
    nr_status st = nr_table_init(out, n_ch, SPECTRUM_BINS, err);
    if (st != NR_OK)
        return st;
    if (dist == 2)
        nr_table_linear_bins(out, 0.0, s->vol_length_m); /* [m] from the entrance of the volume */
    else
        nr_table_log_bins(out, 1.0, 1e4); /* [GeV] */
    static const char *const names[3][2] = {{"gamma_decay_volume", "gamma_in_target"},
                                            {"n_produced", "n_decaying_in_volume"},
                                            {"gamma_decay_volume", ""}};
    static const char *const labels[3][2] = {
        {"photons from N -> nu gamma in the decay volume, E_gamma > e_vis_min (the rates signal)",
         "photons from N decays inside the target, |t| < q2_max_ecc (no energy cut)"},
        {"N produced in the target", "N decaying (any channel) in the decay volume"},
        {"N -> nu gamma decays in the decay volume, E_gamma > e_vis_min, vs distance from its entrance", ""}};
    for (size_t c = 0; c < n_ch; c++) {
        snprintf(out->channel[c], sizeof out->channel[c], "%s", names[dist][c]);
        snprintf(out->channel_label[c], sizeof out->channel_label[c], "%s", labels[dist][c]);
    }
    snprintf(out->x_name, sizeof out->x_name, "%s", dist == 0 ? "E_gamma" : dist == 1 ? "E_N" : "z_decay");
    snprintf(out->x_unit, sizeof out->x_unit, "%s", dist == 2 ? "m" : "GeV");

    coupling_scaling c = scaling_at(prod, p);
    double m_n = prod->m_n;
    for (size_t k = 0; k < prod->n; k++) {
        const term *t = &prod->t[k];
        const slab *sl = &s->slabs[t->slab];
        term_fate f = fate_of(w, &c, t);
        if (dist == 0) { /* photon energy uniform in [E(1-beta)/2, E(1+beta)/2] */
            double beta = sqrt(fmax(0.0, 1.0 - m_n * m_n / (t->e_n * t->e_n)));
            double a = 0.5 * t->e_n * (1.0 - beta), cc = 0.5 * t->e_n * (1.0 + beta);
            double w_target = gamma_in_target(w, p, t, &f);
            double cut = p[P_E_VIS_MIN].number; /* the decay-volume channel is the rates signal: E_gamma cut */
            for (size_t b = 0; b < SPECTRUM_BINS; b++) {
                double ov_lo = fmax(a, out->bin_lo[b]), ov_hi = fmin(cc, out->bin_hi[b]);
                if (ov_hi <= ov_lo)
                    continue;
                double frac = (ov_hi - ov_lo) / (cc - a);
                double frac_cut = fmax(0.0, ov_hi - fmax(ov_lo, cut)) / (cc - a);
                out->events[b] += f.in_volume * prod->br_gamma * frac_cut;
                out->events[SPECTRUM_BINS + b] += w_target * frac;
            }
        } else if (dist == 1) {
            if (t->slab == 0)
                nr_table_fill(out, 0, t->e_n, f.n_made);
            nr_table_fill(out, 1, t->e_n, f.in_volume);
        } else if (s->have_volume) {
            /* decays at depth z in the volume: density exp(-(D + z)/d)/d, averaged over the slab */
            for (size_t b = 0; b < SPECTRUM_BINS; b++) {
                double p_bin = nr_decay_prob_slab_to_volume(sl->length_m, sl->dist_m + out->bin_lo[b],
                                                            out->bin_hi[b] - out->bin_lo[b], f.d);
                out->events[b] += f.n_made * s->acceptance * p_bin * prod->br_gamma * t->f_gamma;
            }
        }
    }
    nr_table_sum_channels(out);
    return NR_OK;
}

static void dipole_release(const nr_model *model, void *state)
{
    (void)model;
    production_free(&((dipole_state *)state)->prod);
}

const nr_model nr_model_dipole = {
    .name = "dipole",
    .title = "Neutrino dipole portal to a heavy neutral lepton",
    .description = "A heavy neutral lepton N coupled to the active neutrinos through a transition magnetic moment "
                   "mu_N (001 Eq. 3.1). N is made by neutrino upscattering on nuclei, nucleons and electrons in "
                   "the tungsten of FASERnu / FASERnu2 and decays to nu gamma (or nu l+ l-) in the decay volume "
                   "behind it (FASER / FASER 2) or inside the tungsten itself.",
    .references = "K. Jodlowski and S. Trojanowski, JHEP 05 (2021) 191, arXiv:2011.04751 (paper 001): Eqs. 3.1-3.2, "
                  "A.1-A.10 (re-derived), B.1-B.5; Batell, Feng & Trojanowski arXiv:2101.10338 (electron-recoil cuts)",
    .params = dipole_params,
    .n_params = N_DIPOLE_PARAMS,
    .detector_kind = NR_DETECTOR_NEUTRINO_TARGET,
    .signals = dipole_signals,
    .n_signals = N_DIPOLE_SIGNALS,
    .state_size = sizeof(dipole_state),
    .check = dipole_check,
    .prepare = dipole_prepare,
    .signals_at = dipole_signals_at,
    .spectra = dipole_spectra,
    .release = dipole_release,
    .prepare_signal = dipole_prepare_signal,
};
