/* zd_hnl.c: a dark gauge boson Z_D coupled to a heavy neutral lepton N (model "zd_hnl"), paper 001 sec. 3.2, 4.2,
 * 4.3 (Figs. 3 and 4), Eqs. 3.3-3.4, A.2, A.11, A.12, B.6-B.12; cross sections and widths derived afresh in
 * zd_hnl_xsec.c (several of 001's printed formulas are off by constant factors; see there).
 *
 * L = g_D Z_D Nbar gamma N + e eps Z_D J_em (001 Eq. 3.3), N Dirac, mixing U_alphaN with one active flavour.
 * Production:
 *   secondary  nu T -> N T by Z_D (+ SM Z) exchange in the tungsten of FASERnu / FASERnu2 (and optionally the
 *              concrete and rock in front, 000 sec. II): coherent on nuclei, elastic on p and n (001 A.9);
 *              for m_N > m_ZD, N -> nu Z_D and the Z_D decays; for m_N < m_ZD, N -> nu e+ e-.
 *   primary    Z_D from the ATLAS IP through the kinetic mixing (pi0 / eta -> Z_D gamma, proton bremsstrahlung:
 *              the dark-photon machinery of llp.h and bremsstrahlung.h at the same eps), decaying in the volume;
 *              for m_ZD > 2 m_N, Z_D -> N Nbar (prompt) and N (and Nbar) -> nu e+ e- in the volume, or N
 *              scattering elastically on electrons of the neutrino target.
 *   mixing     N from D_s -> l N (forward charm, NLO-P8) and, for tau mixing, D_s -> tau nu, tau -> N pi.
 *   Left out: the other tau -> N X channels (N rho, N l nu, ...), D+ -> l N, Z_D from N -> nu Z_D of mixing-made N,
 *   SM weak decays of N through the mixing. Z_D -> N Nbar is taken prompt whenever it is open (Gamma ~ alpha_D m).
 * Signals (events at the experiment's luminosity; the experiment is the neutrino target, the decay volume is the
 * catalogue's downstream one, placed gap_m behind the target for both secondary and primary production):
 *   ee_secondary   Z_D -> e+e- in the decay volume from secondary production, E_ee > e_vis_min (001 Fig. 3 green)
 *   ee_primary     Z_D -> e+e- in the decay volume from Z_D made at the IP, E_ee > e_vis_min
 *   ee_total       the sum (001 sec. 4.2: the primary part adds a U-independent number of events)
 *   nuee_secondary N -> nu e+ e- in the decay volume, N from upscattering (001 Fig. 4 green)
 *   nuee_primary   N -> nu e+ e- in the decay volume, N from Z_D -> N Nbar at the IP (001 Fig. 4 red)
 *   electron_scattering  nu e -> N e (inelastic) and N e -> N e (elastic, N from Z_D -> N Nbar at the IP) in the
 *                  target with the electron inside the recoil cuts (001 sec. 4.3, Figs. 3-4 yellow; bound at 20)
 *   electron_elastic     the elastic part alone (001 Fig. 4 right)
 * Scaling for scans: |U|^2 is the coupling parameter. Every production cross section is proportional to
 * u_eff^2 = U^2 (1 - U^2); the decay lengths and branching fractions are recomputed per point from closed forms.
 * A scan of one signal (zd_prepare_signal) prepares only the parts that signal reads: ee_secondary and
 * nuee_secondary no production at the IP, the IP signals no upscattering and only the N beams (from Z_D or D_s,
 * into the volume or the target) they count (the signal itself unchanged to the bit).
 */
#include <gsl/gsl_integration.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bremsstrahlung.h"
#include "constants.h"
#include "decay.h"
#include "flux.h"
#include "llp.h"
#include "materials.h"
#include "model.h"
#include "upscatter.h"
#include "zd_hnl_xsec.h"

/* ------------------------------------------------------------------------------------------------ */
/* parameters and signals                                                                           */

static const char *const flavour_choices[] = {"mu", "e", "tau", NULL};
static const char *const mass_relation_choices[] = {"fixed", "ratio", NULL};
static const char *const sm_z_choices[] = {"incoherent", "off", "plus", "minus", NULL};
static const char *const production_choices[] = {"target", "target+rock", NULL};
static const char *const distribution_choices[] = {"E_ee", "E_N", "E_recoil", NULL};

enum {
    P_M_N,
    P_U2,
    P_FLAVOUR,
    P_M_ZD,
    P_MASS_RELATION,
    P_RATIO,
    P_ALPHA_D,
    P_EPS,
    P_SM_Z,
    P_PRODUCTION,
    P_E_VIS_MIN,
    P_E_RECOIL_MIN,
    P_E_RECOIL_MAX,
    P_THETA_MIN,
    P_THETA_MAX,
    P_DISTRIBUTION,
    N_ZD_PARAMS
};

static const nr_param_spec zd_params[N_ZD_PARAMS] = {
    [P_M_N] = {.name = "m_N", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 1e-3,
               .max_value = 20.0, .scale = NR_SCALE_LOG, .description = "mass of the heavy neutral lepton N (Dirac)"},
    [P_U2] = {.name = "U2", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1e-6, .min_value = 1e-16,
              .max_value = 0.5, .scale = NR_SCALE_LOG, .coupling = 1,
              .description = "|U_alphaN|^2, the mixing of N with the active flavour alpha (001: |U_D4|^2 = 1 - U2)"},
    [P_FLAVOUR] = {.name = "flavour", .unit = "", .kind = NR_PARAM_CHOICE, .choices = flavour_choices,
                   .description = "the active flavour alpha that mixes with N (001 Fig. 3: mu, Fig. 4: tau)"},
    [P_M_ZD] = {.name = "m_ZD", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.03, .min_value = 1.03e-3,
                .max_value = 10.0, .scale = NR_SCALE_LOG,
                .description = "Z_D mass when mass_relation = fixed (001 Fig. 3: 30 MeV)"},
    [P_MASS_RELATION] = {.name = "mass_relation", .unit = "", .kind = NR_PARAM_CHOICE, .choices = mass_relation_choices,
                         .description = "fixed: m_ZD as given; ratio: m_ZD = ratio_ZD_N x m_N (001 Fig. 4: 8)"},
    [P_RATIO] = {.name = "ratio_ZD_N", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 8.0, .min_value = 0.01,
                 .max_value = 100.0, .scale = NR_SCALE_LOG, .description = "m_ZD / m_N when mass_relation = ratio"},
    [P_ALPHA_D] = {.name = "alpha_D", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0.25, .min_value = 1e-8,
                   .max_value = 1.0, .scale = NR_SCALE_LOG,
                   .description = "dark coupling alpha_D = g_D^2/(4 pi) (001 Fig. 3: 0.25; Fig. 4: g_D = 1, 0.0796)"},
    [P_EPS] = {.name = "epsilon", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.6554e-4, .min_value = 1e-9,
               .max_value = 1e-2, .scale = NR_SCALE_LOG,
               .description = "kinetic mixing (001 Fig. 3: alpha eps^2 = 2e-10, eps = 1.6554e-4; Fig. 4: 1e-3)"},
    [P_SM_Z] = {.name = "sm_z", .unit = "", .kind = NR_PARAM_CHOICE, .choices = sm_z_choices,
                .description = "SM Z exchange in nu T -> N T: squares added (001 A.2), off, or interfering with "
                               "relative sign + or - (zd_hnl_xsec.h)"},
    [P_PRODUCTION] = {.name = "production", .unit = "", .kind = NR_PARAM_CHOICE, .choices = production_choices,
                      .description = "where N is made by upscattering: the tungsten target, or also the 10 m of "
                                     "concrete and 90 m of rock in front (000 sec. II)"},
    [P_E_VIS_MIN] = {.name = "e_vis_min", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 100.0,
                     .min_value = 0.0, .max_value = 1e4, .scale = NR_SCALE_LINEAR,
                     .description = "e+e- energy threshold in the decay volume (001 sec. 4.2: 100 GeV)"},
    [P_E_RECOIL_MIN] = {.name = "e_recoil_min", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.3,
                        .min_value = 1e-3, .max_value = 1e4, .scale = NR_SCALE_LOG,
                        .description = "electron scattering: lowest electron energy (as the dipole model)"},
    [P_E_RECOIL_MAX] = {.name = "e_recoil_max", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 20.0,
                        .min_value = 1e-3, .max_value = 1e4, .scale = NR_SCALE_LOG,
                        .description = "electron scattering: highest electron energy"},
    [P_THETA_MIN] = {.name = "theta_recoil_min", .unit = "rad", .kind = NR_PARAM_NUMBER, .default_value = 0.01,
                     .min_value = 0.0, .max_value = 3.15, .scale = NR_SCALE_LINEAR,
                     .description = "electron scattering: smallest electron angle to the beam"},
    [P_THETA_MAX] = {.name = "theta_recoil_max", .unit = "rad", .kind = NR_PARAM_NUMBER, .default_value = 0.02,
                     .min_value = 0.0, .max_value = 3.15, .scale = NR_SCALE_LINEAR,
                     .description = "electron scattering: largest electron angle to the beam"},
    [P_DISTRIBUTION] = {.name = "distribution", .unit = "", .kind = NR_PARAM_CHOICE, .choices = distribution_choices,
                        .description = "spectra: e+e- energy in the volume (primary and secondary, 001 Fig. 3 "
                                       "right), N energy, or electron recoil energy in the target"},
};

enum {
    S_EE_SECONDARY,
    S_EE_PRIMARY,
    S_EE_TOTAL,
    S_NUEE_SECONDARY,
    S_NUEE_PRIMARY,
    S_NUEE_MIXING,
    S_ELECTRON,
    S_ELECTRON_ELASTIC,
    S_ELECTRON_ELASTIC_MIXING,
    N_ZD_SIGNALS
};

static const nr_signal_spec zd_signals[N_ZD_SIGNALS] = {
    [S_EE_SECONDARY] = {"ee_secondary", "Z_D -> e+e- in the volume, E_ee > e_vis_min, Z_D from nu upscattering"},
    [S_EE_PRIMARY] = {"ee_primary", "Z_D -> e+e- in the volume, E_ee > e_vis_min, Z_D made at the IP"},
    [S_EE_TOTAL] = {"ee_total", "ee_secondary + ee_primary"},
    [S_NUEE_SECONDARY] = {"nuee_secondary", "N -> nu e+e- in the volume, E_ee > e_vis_min, N from nu upscattering"},
    [S_NUEE_PRIMARY] = {"nuee_primary", "N -> nu e+e- in the volume, E_ee > e_vis_min, N from Z_D -> N Nbar at the IP"},
    [S_NUEE_MIXING] = {"nuee_mixing", "N -> nu e+e- in the volume, E_ee > e_vis_min, N from D_s -> l N at the IP"},
    [S_ELECTRON] = {"electron_scattering", "nu e -> N e, and N e -> N e with N from D_s -> l N, in the target (cuts)"},
    [S_ELECTRON_ELASTIC] = {"electron_elastic", "N e -> N e in the target (cuts), N from Z_D -> N Nbar at the IP"},
    [S_ELECTRON_ELASTIC_MIXING] = {"electron_elastic_mixing", "N e -> N e in the target (cuts), N from D_s -> l N"},
};

/* ------------------------------------------------------------------------------------------------ */
/* prepared state                                                                                   */

#define MAX_SLABS 3
#define N_T_NODES 48
#define N_T_NODES_ELECTRON 32
#define EE_TABLE_POINTS 80

typedef struct {
    const nr_material *material;
    double column_g_cm2, length_m, dist_m; /* along the beam; dist from its back to the volume [m] */
    const nr_ff_helm_table *helm;          /* the engine's Helm F of its nucleus (nr_engine_helm_001), or NULL */
} slab;

typedef struct {
    double e_n;    /* N energy [GeV]                                */
    double weight; /* N made at u_eff = 1                           */
    int slab;
} term;

/* Z_D lab energy from N -> nu Z_D: uniform on gamma (E* -+ beta p*), E* = (m_N^2 + m_ZD^2)/(2 m_N). Sampled at
 * N_ZD_E Gauss-Legendre points over the part above the cut: fills e_zd[] and weights w[] (sum = the fraction above). */
#define N_ZD_E 4
static int zd_energies(double e_n, double m_n, double m_zd, double e_cut, double *e_zd, double *w)
{
    static const double x4[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    static const double w4[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
    const double gamma = e_n / m_n, bg = sqrt(fmax(0.0, gamma * gamma - 1.0));
    const double e_star = (m_n * m_n + m_zd * m_zd) / (2.0 * m_n), p_star = (m_n * m_n - m_zd * m_zd) / (2.0 * m_n);
    const double lo = gamma * e_star - bg * p_star, hi = gamma * e_star + bg * p_star;
    const double a = fmax(lo, fmax(e_cut, m_zd)), span = hi - lo;
    if (!(hi > a) || !(span > 0))
        return 0;
    for (int k = 0; k < N_ZD_E; k++) {
        e_zd[k] = 0.5 * (a + hi) + 0.5 * (hi - a) * x4[k];
        w[k] = 0.5 * (hi - a) * w4[k] / span;
    }
    return N_ZD_E;
}

/* p/m of a particle of energy e [GeV] and mass m [GeV], the factor of nr_decay_length_m's decay length
 * (p/m) (hbar c / Gamma) that does not depend on the coupling; -1 at rest (e <= m, decay length 0), INFINITY for
 * m <= 0 (no proper time passes). */
static double boost_of(double e, double m)
{
    if (!(m > 0.0))
        return INFINITY;
    if (!(e > m))
        return -1.0;
    return sqrt((e - m) * (e + m)) / m;
}

/* nr_decay_length_m(e, m, width_gev) [m] from boost_of(e, m): the same operations on the same numbers. */
static double decay_length_of_boost(double boost, double width_gev)
{
    if (!(width_gev > 0.0) || boost == INFINITY)
        return INFINITY;
    if (!(boost >= 0.0))
        return 0.0;
    return boost * (NR_HBARC_GEV_M / width_gev);
}

/* The terms of one slab in one bin of log10 E_N (TERM_BINS_PER_DECADE, see collapse_terms): the summed weight (for
 * m_N < m_ZD times the N -> nu e e fraction above e_vis_min, terms below e_vis_min left out) and the N energy of
 * the weight-averaged momentum; what signals_at needs of that energy and no coupling changes: the N boost and, for
 * m_N > m_ZD, the Z_D energies of N -> nu Z_D above e_vis_min (zd_energies) as weights and boosts. */
typedef struct {
    double e_n;    /* [GeV]                           */
    double weight; /* N made at u_eff = 1 (x fraction) */
    int slab;
    double boost_n;             /* boost_of(e_n, m_N)                                      */
    int n_zd;                   /* zd_energies' node count (m_N > m_ZD), else 0             */
    double zd_weight[N_ZD_E];   /* its weights (their sum: the fraction above e_vis_min)   */
    double zd_boost[N_ZD_E];    /* boost_of(Z_D energy at the node, m_ZD)                  */
} term_bin;

static term_bin term_bin_make(double e_n, double weight, int slab_index, double m_n, double m_zd, double e_vis_min)
{
    term_bin b = {e_n, weight, slab_index, boost_of(e_n, m_n), 0, {0}, {0}};
    if (m_n > m_zd) {
        double e_zd[N_ZD_E];
        b.n_zd = zd_energies(e_n, m_n, m_zd, e_vis_min, e_zd, b.zd_weight);
        for (int i = 0; i < b.n_zd; i++)
            b.zd_boost[i] = boost_of(e_zd[i], m_zd);
    }
    return b;
}

typedef struct {
    double ln_e_lo, ln_e_hi;
    double f[EE_TABLE_POINTS];
} fraction_table;

/* N made at the IP, as seen by the decay volume and by the neutrino target (nr_llp_accepted lists [pb]), with the
 * N e -> N e cross section inside the recoil cuts for each N reaching the target. */
typedef struct {
    int have_volume, have_target;
    nr_llp_accepted volume, target;
    double *target_sigma_cm2;
} n_beam;

typedef struct {
    /* geometry and luminosity */
    int n_slabs;
    slab slabs[MAX_SLABS];
    int have_volume;
    double vol_length_m, acceptance; /* the volume behind the target, and the face fraction inside it */
    nr_decay_volume volume;          /* the same volume seen from the IP (llp.h)                      */
    double luminosity_fb;
    /* the point (U2 filled in per evaluation) */
    nr_zd_params base;
    nr_zd_widths widths_u0; /* Z_D widths at U = 0 (the U-dependent ones are recomputed)            */
    nr_zd_n_widths n_widths; /* the N widths' mass-only integrals (U^2 combined per point)          */
    fraction_table nuee;    /* N -> nu e e above e_vis_min vs E_N (m_N < m_ZD)                     */
    double e_vis_min;
    /* secondary production at u_eff = 1: every term (spectra), and collapsed into log E_N bins (signals) */
    term *t;
    size_t n_terms, cap;
    term_bin *bins;
    size_t n_bins;
    double recoil_inelastic_u1; /* nu e -> N e in the cuts at u_eff = 1 */
    /* primary: Z_D into the volume (shared, see zd_production); N from Z_D -> N Nbar (at BR = 1) and from
     * D_s -> l N (at U^2 = 1) */
    int have_zd;
    struct zd_production *zprod;
    const nr_llp_accepted *zd; /* &zprod->accepted */
    n_beam from_zd, from_ds;
    double target_electrons_cm2, target_length_m, target_distance_m;
    const nr_flux *flux; /* owned by the engine */
    double flux_scale;
} zd_state;

/* ------------------------------------------------------------------------------------------------ */
/* helpers                                                                                          */

static double m_zd_of(const nr_param_value *p)
{
    return p[P_MASS_RELATION].choice == 1 ? p[P_RATIO].number * p[P_M_N].number : p[P_M_ZD].number;
}

static int flavour_of(const nr_param_value *p)
{
    static const int fl[3] = {NR_FLAVOUR_MU, NR_FLAVOUR_E, NR_FLAVOUR_TAU};
    return fl[p[P_FLAVOUR].choice];
}

static nr_zd_sm_z sm_z_of(const nr_param_value *p)
{
    static const nr_zd_sm_z m[4] = {NR_ZD_SM_Z_INCOHERENT, NR_ZD_SM_Z_OFF, NR_ZD_SM_Z_PLUS, NR_ZD_SM_Z_MINUS};
    return m[p[P_SM_Z].choice];
}

static void fraction_table_build(fraction_table *tab, const nr_zd_params *p, double e_cut)
{
    tab->ln_e_lo = log(fmax(p->m_n, 1e-3) * 1.0000001);
    tab->ln_e_hi = log(2.0e4);
    nr_zd_nuee_table quadrature; /* the virtuality integrals once for every energy (zd_hnl_xsec.h) */
    nr_zd_nuee_table_init(p, &quadrature);
    for (int i = 0; i < EE_TABLE_POINTS; i++) {
        const double e = exp(tab->ln_e_lo + (tab->ln_e_hi - tab->ln_e_lo) * i / (EE_TABLE_POINTS - 1));
        tab->f[i] = nr_zd_nuee_table_fraction(&quadrature, e, e_cut);
    }
}

static double fraction_table_at(const fraction_table *tab, double e_n)
{
    const double x = (log(e_n) - tab->ln_e_lo) / (tab->ln_e_hi - tab->ln_e_lo) * (EE_TABLE_POINTS - 1);
    if (x <= 0)
        return tab->f[0];
    if (x >= EE_TABLE_POINTS - 1)
        return tab->f[EE_TABLE_POINTS - 1];
    const int i = (int)x;
    return (1.0 - (x - i)) * tab->f[i] + (x - i) * tab->f[i + 1];
}

/* Probability that a particle made uniformly along a slab decays inside the volume after a first decay of length d1
 * and a second of length d2 (N -> nu Z_D, then Z_D -> e e): the survival of the sum of two exponential lengths is
 * (d1 e^{-x/d1} - d2 e^{-x/d2})/(d1 - d2), a combination of single-exponential survivals. *p1: the single-step
 * probability at d1, NAN until computed (the caller keeps it across the second step's lengths of one d1). */
static double two_step_slab_to_volume(const slab *s, double vol_m, double d1, double d2, double *p1)
{
    if (!(d1 > 1e-3 * d2))
        return nr_decay_prob_slab_to_volume(s->length_m, s->dist_m, vol_m, d2);
    if (isnan(*p1) && !(fabs(d1 - d2) < 1e-4 * d2))
        *p1 = nr_decay_prob_slab_to_volume(s->length_m, s->dist_m, vol_m, d1);
    if (!(d2 > 1e-3 * d1))
        return *p1;
    if (fabs(d1 - d2) < 1e-4 * d2) {
        const double d1_moved = d2 * (1.0 + 1e-4); /* the limit is smooth; avoid 0/0 */
        return (d1_moved * nr_decay_prob_slab_to_volume(s->length_m, s->dist_m, vol_m, d1_moved) -
                d2 * nr_decay_prob_slab_to_volume(s->length_m, s->dist_m, vol_m, d2)) /
               (d1_moved - d2);
    }
    return (d1 * *p1 - d2 * nr_decay_prob_slab_to_volume(s->length_m, s->dist_m, vol_m, d2)) / (d1 - d2);
}

static int push_term(zd_state *st, term t)
{
    if (st->n_terms == st->cap) {
        const size_t cap = st->cap ? 2 * st->cap : 4096;
        term *nt = realloc(st->t, cap * sizeof *nt);
        if (!nt)
            return -1;
        st->t = nt;
        st->cap = cap;
    }
    st->t[st->n_terms++] = t;
    return 0;
}

/* The point's parameters with the coupling U2 filled in. */
static nr_zd_params point_of(const zd_state *st, const nr_param_value *p)
{
    nr_zd_params q = st->base;
    q.u2 = p[P_U2].number;
    return q;
}

/* Z_D widths at the point: the kinetic-mixing ones from the prepared state, the dark ones recomputed. */
static nr_zd_widths widths_at(const zd_state *st, const nr_zd_params *q)
{
    nr_zd_widths w = st->widths_u0;
    w.nunu = nr_zd_width_zd_nunu(q);
    w.nn = nr_zd_width_zd_nn(q);
    w.nu_n = nr_zd_width_zd_nu_n(q);
    w.total = w.visible + w.nunu + w.nn + w.nu_n;
    return w;
}

/* ------------------------------------------------------------------------------------------------ */
/* secondary production                                                                             */

static nr_status make_slabs(const nr_engine *engine, const nr_experiment *e, int with_rock, zd_state *st,
                            const nr_flux **flux, nr_error *err)
{
    *flux = nr_engine_flux(engine, e->flux_set);
    if (!*flux || !e->target)
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino flux and target", e->name);
    const nr_experiment *vol = e->downstream[0] ? nr_experiment_find(e->downstream) : NULL;
    if (vol) {
        st->have_volume = 1;
        st->vol_length_m = vol->length_m;
        st->acceptance = nr_rectangle_fraction_in_circle(e->width_m, e->height_m, vol->radius_m);
    }
    const double column = nr_experiment_column_density_g_cm2(e);
    const double target_len = column / e->target->density_g_cm3 / 100.0; /* [m] */
    /* the same volume seen from the IP: right behind the target (as for the secondary signals), so that primary and
     * secondary production see one geometry; the catalogue's own distance of the decay volume (004 Table V) is
     * not used */
    if (vol)
        st->volume = (nr_decay_volume){e->distance_m + target_len + e->gap_m, vol->length_m, vol->radius_m};
    st->target_length_m = target_len;
    st->target_distance_m = e->distance_m;
    st->target_electrons_cm2 = nr_material_electrons_per_g(e->target) * column;
    st->slabs[st->n_slabs++] = (slab){e->target, column, target_len, e->gap_m, nr_engine_helm_001(engine, e->target)};
    if (with_rock) { /* 000 sec. II: 10 m concrete right in front, 90 m rock before it */
        const nr_material *concrete = &nr_material_concrete, *rock = &nr_material_rock;
        st->slabs[st->n_slabs++] = (slab){concrete, concrete->density_g_cm3 * 1000.0, 10.0, target_len + e->gap_m,
                                          nr_engine_helm_001(engine, concrete)};
        st->slabs[st->n_slabs++] = (slab){rock, rock->density_g_cm3 * 9000.0, 90.0, 10.0 + target_len + e->gap_m,
                                          nr_engine_helm_001(engine, rock)};
    }
    return NR_OK;
}

/* The |t| nodes [GeV^2] and weights [cm^2] of nu T -> N T for each flux bin and target of one slab, computed on first
 * use: dsigma/dt is the same for neutrinos and antineutrinos (zd_hnl_xsec.h), so both species read the same
 * quadrature (one nr_upscatter_nodes per bin and target instead of two). */
typedef struct {
    size_t n_bins;
    size_t *n;          /* nodes per (bin, target); SIZE_MAX: not computed yet */
    double *abs_t, *w;  /* N_T_NODES per (bin, target)                        */
} t_node_cache;

#define N_UPSCATTER_TARGETS 3 /* nucleus, proton, neutron */

static int t_node_cache_init(t_node_cache *c, size_t n_bins)
{
    const size_t cells = n_bins * N_UPSCATTER_TARGETS, n_alloc = cells ? cells : 1; /* malloc(0) may be NULL */
    c->n_bins = n_bins;
    c->n = malloc(n_alloc * sizeof *c->n);
    c->abs_t = malloc(n_alloc * N_T_NODES * sizeof *c->abs_t);
    c->w = malloc(n_alloc * N_T_NODES * sizeof *c->w);
    if (!c->n || !c->abs_t || !c->w)
        return -1;
    for (size_t i = 0; i < cells; i++)
        c->n[i] = SIZE_MAX;
    return 0;
}

static void t_node_cache_free(t_node_cache *c)
{
    free(c->n);
    free(c->abs_t);
    free(c->w);
    memset(c, 0, sizeof *c);
}

/* The nodes of flux bin b (energy e [GeV]) on target k (cross-section context ctx): their count, *abs_t and *w set. */
static size_t t_nodes_of(t_node_cache *c, size_t b, int k, const nr_zd_xsec_ctx *ctx, double e, double m_n,
                         const double **abs_t, const double **w)
{
    const size_t cell = b * N_UPSCATTER_TARGETS + (size_t)k;
    double *t = c->abs_t + cell * N_T_NODES, *wt = c->w + cell * N_T_NODES;
    if (c->n[cell] == SIZE_MAX)
        c->n[cell] = nr_upscatter_nodes(nr_zd_dsigma_dt, ctx, e, ctx->m_target, m_n, 0.0, N_T_NODES, t, wt);
    *abs_t = t;
    *w = wt;
    return c->n[cell];
}

static nr_status build_secondary(const nr_flux *flux, double flux_scale, const nr_param_value *p, zd_state *st,
                                 nr_error *err)
{
    nr_zd_params unit = st->base;
    unit.u2 = 0.5; /* u_eff^2 = 1/4: the weights below are divided by it */
    const double m_n = unit.m_n;
    const int fl = flavour_of(p);
    t_node_cache cache;
    if (t_node_cache_init(&cache, flux->n_bins) != 0) {
        t_node_cache_free(&cache);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the t nodes");
    }
    nr_status s = NR_OK;
    for (int si = 0; si < st->n_slabs && s == NR_OK; si++) {
        const slab *sl = &st->slabs[si];
        const nr_material *m = sl->material;
        struct {
            nr_zd_xsec_ctx ctx;
            double per_cm2;
        } tg[N_UPSCATTER_TARGETS] = {
            {{unit, NR_ZD_NUCLEUS, m->z, m->a, m->nucleus_mass_gev, sm_z_of(p), sl->helm},
             nr_material_nuclei_per_g(m) * sl->column_g_cm2},
            {{unit, NR_ZD_PROTON, 1, 1, NR_M_PROTON, sm_z_of(p), NULL}, nr_material_protons_per_g(m) * sl->column_g_cm2},
            {{unit, NR_ZD_NEUTRON, 0, 1, NR_M_NEUTRON, sm_z_of(p), NULL}, nr_material_neutrons_per_g(m) * sl->column_g_cm2},
        };
        for (size_t i = 0; i < flux->n_bins * N_UPSCATTER_TARGETS; i++)
            cache.n[i] = SIZE_MAX; /* a new slab: a new material */
        for (int anti = 0; anti < 2 && s == NR_OK; anti++) {
            const int sp = NR_SPECIES(fl, anti);
            for (size_t b = 0; b < flux->n_bins && s == NR_OK; b++) {
                const double e = flux->e_center[b], n_nu = flux->count[sp][b] * flux_scale;
                if (!(n_nu > 0))
                    continue;
                for (int k = 0; k < N_UPSCATTER_TARGETS && s == NR_OK; k++) {
                    const double *abs_t, *w;
                    const size_t n = t_nodes_of(&cache, b, k, &tg[k].ctx, e, m_n, &abs_t, &w);
                    for (size_t j = 0; j < n; j++) {
                        if (!(w[j] > 0))
                            continue;
                        term t = {nr_upscatter_e_n(e, tg[k].ctx.m_target, -abs_t[j]), 4.0 * n_nu * tg[k].per_cm2 * w[j],
                                  si};
                        if (push_term(st, t) != 0) {
                            s = nr_fail(err, NR_ENOMEM, "", "out of memory for the production terms");
                            break;
                        }
                    }
                }
            }
        }
    }
    t_node_cache_free(&cache);
    return s;
}

/* The secondary terms collapsed for signals_at (issue 11): per slab, bins of log10 E_N, TERM_BINS_PER_DECADE a
 * decade, each evaluated once at the weight-averaged N momentum of its terms. Every coupling-dependent factor of a
 * term (the N decay length, and for m_N > m_ZD the Z_D energies of N -> nu Z_D and their decay lengths) depends on
 * the term only through E_N and its slab, so one evaluation per bin replaces one per term (~30k terms per slab
 * become ~100 bins); for m_N < m_ZD the coupling-free factor f(E_N) (N -> nu e e above e_vis_min, fraction_table)
 * is summed exactly into the bin's weight and terms with E_N <= e_vis_min are left out, as signals_at did per
 * term. The error is second order in the bin width (the mean-momentum rule, as the dipole's bins in dipole.c);
 * tests/test_zd_hnl_model.c checks the bins against the per-term sum (the E_ee spectrum's ee_secondary channel)
 * and test_contour_golden the 50 x 50 grids of Figs. 3 and 4. */
#define TERM_BINS_PER_DECADE 48

static nr_status collapse_terms(zd_state *st, nr_error *err)
{
    const double m_n = st->base.m_n;
    const int three_body = m_n < st->base.m_zd;
    double e_lo = INFINITY, e_hi = 0.0;
    for (size_t k = 0; k < st->n_terms; k++) {
        e_lo = fmin(e_lo, st->t[k].e_n);
        e_hi = fmax(e_hi, st->t[k].e_n);
    }
    if (!(e_hi > 0.0))
        return NR_OK;
    const size_t per_slab = (size_t)ceil(TERM_BINS_PER_DECADE * log10(e_hi / e_lo)) + 1, n = per_slab * st->n_slabs;
    double *w = calloc(n, sizeof *w), *wp = calloc(n, sizeof *wp);
    st->bins = malloc(n * sizeof *st->bins);
    if (!w || !wp || !st->bins) {
        free(w);
        free(wp);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the production bins");
    }
    for (size_t k = 0; k < st->n_terms; k++) {
        const term *t = &st->t[k];
        double weight = t->weight;
        if (three_body) {
            if (!(t->e_n > st->e_vis_min))
                continue;
            weight *= fraction_table_at(&st->nuee, t->e_n);
        }
        const double x = floor(TERM_BINS_PER_DECADE * log10(t->e_n / e_lo));
        const size_t i = (size_t)t->slab * per_slab + (x < 0 ? 0 : x >= (double)per_slab ? per_slab - 1 : (size_t)x);
        w[i] += weight;
        wp[i] += weight * sqrt(fmax(0.0, (t->e_n - m_n) * (t->e_n + m_n)));
    }
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0.0) {
            const double p = wp[i] / w[i];
            st->bins[st->n_bins++] =
                term_bin_make(sqrt(p * p + m_n * m_n), w[i], (int)(i / per_slab), m_n, st->base.m_zd, st->e_vis_min);
        }
    free(w);
    free(wp);
    return NR_OK;
}

/* nu e -> N e in the target with the electron inside the energy and angle cuts, at u_eff = 1.
 * T = |t|/(2 m_e); cos(theta_e) = (T (E + m_e) + m_N^2/2) / (E p_e) for nu e -> N e, electron at rest. */
static double recoil_inelastic_u1(const zd_state *st, const nr_param_value *p, double e_lo, double e_hi)
{
    const nr_flux *flux = st->flux;
    const double flux_scale = st->flux_scale;
    const double me = NR_M_ELECTRON, m_n = st->base.m_n;
    double t_lo = 2.0 * me * (e_lo - me), t_hi = 2.0 * me * (e_hi - me);
    if (!(t_hi > t_lo) || t_hi <= 0)
        return 0.0;
    t_lo = fmax(t_lo, 0.0);
    nr_zd_params unit = st->base;
    unit.u2 = 0.5;
    nr_zd_xsec_ctx ctx = {unit, NR_ZD_ELECTRON, 1, 1, me, NR_ZD_SM_Z_OFF, NULL};
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(N_T_NODES_ELECTRON);
    if (!gl)
        return NAN;
    double total = 0.0;
    const int fl = flavour_of(p);
    for (int anti = 0; anti < 2; anti++) {
        const int sp = NR_SPECIES(fl, anti);
        for (size_t b = 0; b < flux->n_bins; b++) {
            const double e = flux->e_center[b], n_nu = flux->count[sp][b] * flux_scale;
            double a_min, a_max;
            if (!(n_nu > 0) || !nr_upscatter_abs_t_range(e, me, m_n, &a_min, &a_max))
                continue;
            const double lo = fmax(a_min, t_lo), hi = fmin(a_max, t_hi);
            if (!(hi > lo) || lo <= 0)
                continue;
            double sum = 0.0;
            for (size_t k = 0; k < N_T_NODES_ELECTRON; k++) {
                double x, wk;
                gsl_integration_glfixed_point(log(lo), log(hi), k, &x, &wk, gl);
                const double u = exp(x), kin = u / (2.0 * me), p_e = sqrt(kin * kin + 2.0 * me * kin);
                const double c = (kin * (e + me) + 0.5 * m_n * m_n) / (e * p_e);
                const double theta = c >= 1.0 ? 0.0 : acos(c);
                if (theta < p[P_THETA_MIN].number || theta > p[P_THETA_MAX].number)
                    continue;
                sum += wk * u * nr_zd_dsigma_dt(e, -u, &ctx);
            }
            total += 4.0 * n_nu * st->target_electrons_cm2 * sum;
        }
    }
    gsl_integration_glfixed_table_free(gl);
    return total;
}

/* Electron kinetic energy [GeV] at which N e -> N e sends the electron at angle theta to the N direction:
 * cos(theta) = T (E + m_e) / (p_N p_e) gives cos^2 = T (E + m_e)^2 / (p_N^2 (T + 2 m_e)), increasing in T, so
 * T(theta) = 2 m_e p^2 c^2 / ((E + m_e)^2 - p^2 c^2) and the angle window is a T window. */
static double elastic_t_of_theta(double e_n, double p_n, double theta)
{
    const double me = NR_M_ELECTRON, c2 = cos(theta) * cos(theta);
    if (theta <= 0.0)
        return INFINITY;
    return 2.0 * me * p_n * p_n * c2 / ((e_n + me) * (e_n + me) - p_n * p_n * c2);
}

/* N e -> N e with the electron energy in [e_lo, e_hi] and its angle inside the cuts [cm^2]. */
static double elastic_sigma_in_cuts(const nr_zd_params *q, const nr_param_value *p, double e_n, double e_lo,
                                    double e_hi, const gsl_integration_glfixed_table *gl)
{
    const double me = NR_M_ELECTRON;
    double a_min, a_max;
    if (!nr_zd_ne_abs_t_range(e_n, q->m_n, &a_min, &a_max))
        return 0.0;
    const double p_n = sqrt(e_n * e_n - q->m_n * q->m_n);
    const double kin_lo = fmax(e_lo - me, elastic_t_of_theta(e_n, p_n, p[P_THETA_MAX].number));
    const double kin_hi = fmin(e_hi - me, elastic_t_of_theta(e_n, p_n, p[P_THETA_MIN].number));
    const double lo = fmax(2.0 * me * kin_lo, 1e-30), hi = fmin(a_max, 2.0 * me * kin_hi);
    if (!(hi > lo))
        return 0.0;
    double sum = 0.0;
    for (size_t k = 0; k < N_T_NODES_ELECTRON; k++) {
        double x, wk;
        gsl_integration_glfixed_point(log(lo), log(hi), k, &x, &wk, gl);
        const double u = exp(x);
        sum += wk * u * nr_zd_ne_dsigma_dt(e_n, -u, q);
    }
    return sum;
}

/* ------------------------------------------------------------------------------------------------ */
/* primary production: Z_D at the IP (dark-photon machinery at eps), N from Z_D -> N Nbar           */

static const char *meson_energy(const nr_experiment *e) { return e->sqrt_s_tev < 13.8 ? "13.6TeV" : "14TeV"; }

/* Z_D spectrum [pb per cell] at the point's eps: pi0, eta -> Z_D gamma (004 Eqs. 33-35) and proton
 * bremsstrahlung (004 Eqs. 25-32), the dark photon's couplings eps e Q; exact in the cells of region (zd_region), the
 * others partly filled or empty (issue 11). */
static nr_status zd_spectrum(const nr_engine *engine, const nr_experiment *e, double m_zd, double eps,
                             const nr_llp_cell_region *region, nr_llp_spectrum *s, nr_error *err)
{
    nr_status st = nr_llp_spectrum_init(s, m_zd, err);
    if (st != NR_OK)
        return st;
    const nr_quark_vector_couplings q = nr_quark_couplings_dark_photon(eps);
    const int pdg[2] = {111, 221};
    for (int k = 0; k < 2 && st == NR_OK; k++) {
        const nr_hadron_table *mesons = NULL;
        double br = 0.0;
        if ((st = nr_engine_get_mesons(engine, meson_energy(e), pdg[k], &mesons, err)) == NR_OK &&
            (st = nr_meson_br_x_gamma(pdg[k], m_zd, &q, &br, err)) == NR_OK && br > 0)
            st = nr_llp_spectrum_add_meson_decays_in(s, mesons, br, &(nr_meson_decay_sampling){1, 16, 6}, region,
                                                     err);
    }
    if (st == NR_OK) {
        /* the proton's vector coupling: 2 (2/3) e eps - (1/3) e eps = e eps, left and right */
        const nr_proton_chiral_couplings pc = {NR_E_CHARGE * eps, NR_E_CHARGE * eps};
        const nr_brem_options opt = nr_brem_options_default(e->sqrt_s_tev * 1e3);
        st = nr_llp_spectrum_add_bremsstrahlung_in(s, &pc, &opt, region, err);
    }
    if (st != NR_OK)
        nr_llp_spectrum_free(s);
    return st;
}

/* A parent of mass m_parent flying at polar angle theta with momentum p decays isotropically into a daughter with
 * rest-frame energy e_star and momentum p_star: N_COS x N_PHI rest-frame directions (midpoints) are boosted and
 * filled into out with weight / (N_COS N_PHI) each. Daughters going at more than cone->keep to the beam are not
 * filled (the caller only accepts inside a smaller cone and chooses keep so that no accepted cell loses a fill, see
 * build_primary), and a parent whose every daughter would be outside is skipped:
 * the largest lab angle of a daughter to its parent is asin(beta* gamma* / beta gamma) when the parent's beta gamma
 * is the larger. The directions' trigonometry and the cone's tangent are computed once per spectrum (two_body_dirs);
 * for a cone below pi/2 a direction is kept when z > 0 and p_T^2 <= z^2 tan^2(keep), and its cell found from the
 * squares p_T^2, z (nr_llp_spectrum_fill_same_p: the azimuths of a polar angle share |p|, one momentum lookup; or,
 * when build_primary gives bands, counted into the accepted bands of angle rows, fill_node_into_bands), as is every
 * direction when the
 * cone is the whole sphere (the taus of D_s -> tau nu); a cone between pi/2 and pi (not used) takes atan2 and
 * nr_llp_spectrum_fill. */
enum { N_COS = 16, N_PHI = 8 };

typedef struct {
    double c[N_COS], s[N_COS];           /* rest-frame cos and sin of the polar angle to the parent's flight */
    double cos_phi[N_PHI], sin_phi[N_PHI]; /* azimuths on [0, pi]: phi and -phi give the same polar angle   */
    double keep;                         /* cone [rad] on the beam axis                                      */
    int pre_test;                        /* keep < pi/2: the tangent test applies                           */
    double tan2_keep;                    /* tan^2(keep)                                                      */
    double p2_min;                       /* daughters with |p|^2 below it [GeV^2] are not wanted (0: every one) */
} two_body_dirs;

static void two_body_dirs_init(two_body_dirs *d, double theta_keep)
{
    for (int ic = 0; ic < N_COS; ic++) {
        d->c[ic] = -1.0 + (ic + 0.5) * 2.0 / N_COS;
        d->s[ic] = sqrt(1.0 - d->c[ic] * d->c[ic]);
    }
    for (int iph = 0; iph < N_PHI; iph++) {
        const double phi = (iph + 0.5) * NR_PI / N_PHI;
        d->cos_phi[iph] = cos(phi);
        d->sin_phi[iph] = sin(phi);
    }
    d->keep = theta_keep;
    d->pre_test = theta_keep < 0.5 * NR_PI;
    d->tan2_keep = d->pre_test ? tan(theta_keep) * tan(theta_keep) : INFINITY;
    d->p2_min = 0.0;
}

/* What fill_two_body needs of a parent's direction (theta [rad]) and of its momentum (p [GeV], mass m_parent
 * [GeV], daughter e_star, p_star [GeV]), computed once per angle row and momentum column of a parent spectrum
 * (decay_spectrum) rather than per cell: the same expressions, so the same values (issue 11). */
typedef struct {
    double theta, st, ct;   /* polar angle [rad] of the parent, its sin and cos                                 */
    double tan_theta;       /* st / ct (0 <= theta < 90 degrees; fill_node_into_bands)                          */
    double tan_lo, tan_hi;  /* rest-frame polar angles with tan(alpha) outside [tan_lo, tan_hi] miss the cone   */
    int skip_backward;      /* alpha >= 90 degrees misses the cone                                             */
} parent_angle;

typedef struct {
    double bg, gamma;       /* the parent's beta gamma and gamma                                                */
    int bounded;            /* bg above the daughter's rest-frame beta gamma: lab angle to the parent bounded  */
    double alpha_max;       /* then that bound asin(bg* / bg) [rad] (parent_misses_cone)                        */
} parent_momentum;

/* parent_angle_init with sin(theta) and cos(theta) given (st, ct: the D_s cells keep them, ds_tables). */
static void parent_angle_init_trig(parent_angle *a, double theta, double st, double ct, const two_body_dirs *cone)
{
    a->theta = theta;
    a->st = st;
    a->ct = ct;
    a->tan_theta = ct > 0 ? st / ct : INFINITY;
    /* A daughter at angle alpha to its parent lies between |theta - alpha| and theta + alpha from the beam (every
     * azimuth), so a rest-frame polar angle with |theta - alpha| > keep sends all N_PHI azimuths outside the cone
     * and is skipped: tan(alpha) = p_perp / p_par below tan(theta - keep) or above tan(theta + keep), or alpha >= 90
     * degrees (p_par <= 0) when theta + keep < 90 degrees; margins of 1e-9, and the per-direction test still
     * decides what is filled (the kept directions, and so the spectrum, do not change). */
    a->tan_lo = 0.0;
    a->tan_hi = INFINITY;
    a->skip_backward = 0;
    if (cone->pre_test) {
        if (theta > cone->keep)
            a->tan_lo = tan(theta - cone->keep) * (1.0 - 1e-9);
        if (theta + cone->keep < 0.5 * NR_PI * (1.0 - 1e-9)) {
            a->tan_hi = tan(theta + cone->keep) * (1.0 + 1e-9);
            a->skip_backward = 1;
        }
    }
}

static void parent_angle_init(parent_angle *a, double theta, const two_body_dirs *cone)
{
    parent_angle_init_trig(a, theta, sin(theta), cos(theta), cone);
}

static void parent_momentum_init(parent_momentum *m, double p, double m_parent, double e_star, double p_star)
{
    const double bg_parent = p / m_parent, bg_star = p_star / sqrt(fmax(e_star * e_star - p_star * p_star, 1e-300));
    m->bg = bg_parent;
    m->gamma = sqrt(p * p + m_parent * m_parent) / m_parent;
    m->bounded = bg_parent > bg_star;
    m->alpha_max = m->bounded ? asin(bg_star / bg_parent) : 0.0;
}

/* 1 when a parent at theta [rad] with momentum m has every daughter outside the cone keep [rad]: fill_two_body_at
 * skips it, and zd_region leaves its cell out. */
static int parent_misses_cone(double theta, const parent_momentum *m, double keep)
{
    return m->bounded && theta - m->alpha_max > keep;
}

/* The daughter at rest-frame polar angle (p_par, p_perp [GeV]) and azimuth iph of a parent at (st, ct) = sin, cos of
 * its angle: p_T^2 [GeV^2] and p_z [GeV] on the beam axis, and (cone->pre_test) whether it is inside the cone. One
 * function for fill_two_body_at and two_body_reaches_cone, so that both decide alike. */
static inline int two_body_direction(const two_body_dirs *cone, double p_par, double p_perp, double st, double ct, int iph,
                                     double *pt2_out, double *z_out)
{
    /* parent along (sin theta, 0, cos theta); transverse basis (cos theta, 0, -sin theta), (0, 1, 0) */
    const double x = p_par * st + p_perp * cone->cos_phi[iph] * ct, y = p_perp * cone->sin_phi[iph];
    const double z = p_par * ct - p_perp * cone->cos_phi[iph] * st;
    const double pt2 = x * x + y * y;
    *pt2_out = pt2;
    *z_out = z;
    const double z2 = z * z;
    return z > 0 && !(pt2 > z2 * cone->tan2_keep);
}

/* 1 when a daughter of momentum p_par along and p_perp across the parent [GeV] lies inside the parent's band
 * [tan_lo, tan_hi] of angles to it (and does not go backward where the band excludes that): otherwise no azimuth of
 * it can reach the cone (parent_angle_init_trig). */
static inline int node_in_parent_band(const parent_angle *a, double p_par, double p_perp)
{
    return !(p_par > 0 ? p_perp < p_par * a->tan_lo || p_perp > p_par * a->tan_hi : a->skip_backward);
}

/* The daughter at the rest-frame polar node ic (rest-frame energy e_star, momentum p_star [GeV]) boosted along the
 * parent: its momentum along and across the parent [GeV]. One function for daughter_in_band and boosted_nodes_init,
 * so that the fills from cells and from boosted nodes see the same numbers. */
static inline void boosted_momentum(const parent_momentum *m, const two_body_dirs *cone, int ic, double e_star,
                                    double p_star, double *p_par, double *p_perp)
{
    *p_par = m->gamma * p_star * cone->c[ic] + m->bg * e_star;
    *p_perp = p_star * cone->s[ic];
}

/* The daughter at the rest-frame polar node ic, boosted along the parent (*p_par, *p_perp [GeV], boosted_momentum);
 * 0 when it is outside the parent's band (node_in_parent_band) or when its |p|^2 (the one the fill looks its
 * momentum cell up from) is below cone->p2_min. Shared by fill_two_body_at and two_body_reaches_cone, which must
 * make the same decision. */
static inline int daughter_in_band(const parent_angle *a, const parent_momentum *m, const two_body_dirs *cone, int ic,
                                   double e_star, double p_star, double *p_par, double *p_perp)
{
    boosted_momentum(m, cone, ic, e_star, p_star, p_par, p_perp);
    if (*p_par * *p_par + *p_perp * *p_perp < cone->p2_min)
        return 0;
    return node_in_parent_band(a, *p_par, *p_perp);
}

/* Where fill_two_body_at puts the daughters: every cell of a spectrum, or (bands, with a cone below pi/2) only what
 * accept_n_beam's nr_llp_accept reads, the weight per momentum column in each band of angle rows the volume and the
 * target weigh alike (nr_llp_bands, issue 11: the same accepted lists up to the order of the additions). */
typedef struct {
    nr_llp_spectrum *all; /* when bands is NULL */
    nr_llp_bands *bands;
} daughter_cells;

/* The band every azimuth of a ring lands in, when they all land in one: the daughters at angle alpha to a parent at
 * theta (tan alpha = p_perp / p_par, p_par > 0 [GeV]; tan_theta) lie between |theta - alpha| and theta + alpha from
 * the beam, so when [tan^2 |theta - alpha|, tan^2 (theta + alpha)], widened by 1e-9 (far more than the rounding of
 * either those bounds or a direction's p_T^2 and p_z^2), lies within one band [tan2_top[b-1], tan2_top[b]), every
 * azimuth's p_T^2 < tan2_top p_z^2 test (fill_node_into_bands) decides alike: b, or n_bands when every azimuth lies
 * above the top band; -1 when the ring may cross an edge (or tan theta tan alpha >= 1/2: theta + alpha nearer 90
 * degrees), so that the azimuths are tested. tan(theta +- alpha) = (t p_par +- p_perp) / (p_par -+ t p_perp) with
 * t = tan theta, compared squared and multiplied out (no division). */
static int ring_band(const nr_llp_bands *bands, double tan_theta, double p_par, double p_perp)
{
    const double t_perp = tan_theta * p_perp, t_par = tan_theta * p_par; /* [GeV] */
    if (!(p_par > 0 && t_perp < 0.5 * p_par))
        return -1;
    const double hi_num = t_par + p_perp, hi_den = p_par - t_perp, lo_num = t_par - p_perp, lo_den = p_par + t_perp;
    const double hi_num2 = hi_num * hi_num * (1.0 + 1e-9), hi_den2 = hi_den * hi_den;
    const double lo_num2 = lo_num * lo_num * (1.0 - 1e-9), lo_den2 = lo_den * lo_den;
    double below = 0.0; /* the band's lower edge (tan^2) */
    for (int b = 0; b < bands->n_bands; b++) {
        if (hi_num2 < bands->tan2_top[b] * hi_den2)
            return lo_num2 >= below * lo_den2 ? b : -1;
        below = bands->tan2_top[b];
    }
    return lo_num2 >= below * lo_den2 ? bands->n_bands : -1;
}

/* The N_PHI azimuths of one rest-frame polar node (p_par, p_perp [GeV]) of a parent at a (sin, cos, tan of its
 * angle) into the bands: per band the azimuths with p_z > 0 and p_T^2 < tan2_top p_z^2, counted from the top band
 * down (none below the top: none in any), and each band given w_dir times the number inside it and not inside the
 * band below; when ring_band finds them all in one band, N_PHI w_dir into it without the azimuths' momenta. */
static void fill_node_into_bands(nr_llp_bands *bands, const two_body_dirs *cone, double p_par, double p_perp,
                                 const parent_angle *a, double w_dir, double *col)
{
    const int n_bands = bands->n_bands;
    int below[NR_LLP_BANDS_MAX + 1] = {0}; /* below[b + 1]: azimuths below band b's upper edge */
    const int one_band = ring_band(bands, a->tan_theta, p_par, p_perp);
    if (one_band == n_bands)
        return;
    if (one_band >= 0) {
        for (int b = one_band; b < n_bands; b++)
            below[b + 1] = N_PHI;
    } else {
        const double st = a->st, ct = a->ct;
        double pt2[N_PHI], z2[N_PHI]; /* [GeV^2]; z2 < 0 for p_z <= 0, so that no band holds it */
        for (int iph = 0; iph < N_PHI; iph++) {
            const double x = p_par * st + p_perp * cone->cos_phi[iph] * ct, y = p_perp * cone->sin_phi[iph];
            const double z = p_par * ct - p_perp * cone->cos_phi[iph] * st;
            pt2[iph] = x * x + y * y;
            z2[iph] = z > 0 ? z * z : -1.0;
        }
        for (int b = n_bands - 1; b >= 0; b--) {
            const double t = bands->tan2_top[b];
            int n = 0;
            for (int iph = 0; iph < N_PHI; iph++)
                n += pt2[iph] < t * z2[iph];
            below[b + 1] = n;
            if (n == 0)
                break;
        }
        if (below[n_bands] == 0)
            return;
    }
    if (!col)
        col = nr_llp_bands_column(bands, p_par * p_par + p_perp * p_perp);
    for (int b = 0; b < n_bands; b++)
        if (below[b + 1] > below[b])
            col[b] += (below[b + 1] - below[b]) * w_dir;
}

static void fill_two_body_at(const daughter_cells *out, const parent_angle *a, const parent_momentum *m, double e_star,
                             double p_star, double weight, const two_body_dirs *cone)
{
    if (parent_misses_cone(a->theta, m, cone->keep))
        return;
    const double st = a->st, ct = a->ct, w_dir = weight / (N_COS * N_PHI);
    for (int ic = 0; ic < N_COS; ic++) {
        double p_par, p_perp;
        if (!daughter_in_band(a, m, cone, ic, e_star, p_star, &p_par, &p_perp))
            continue;
        if (out->bands) { /* (build_primary gives bands only with cone->pre_test) */
            fill_node_into_bands(out->bands, cone, p_par, p_perp, a, w_dir, NULL);
            continue;
        }
        double kept_pt2[N_PHI], kept_z[N_PHI];
        int n_kept = 0;
        for (int iph = 0; iph < N_PHI; iph++) {
            double pt2, z;
            const int inside = two_body_direction(cone, p_par, p_perp, st, ct, iph, &pt2, &z);
            if (cone->pre_test) { /* inside the cone: cells from the squares (nr_llp_spectrum_fill_same_p) */
                if (!inside)
                    continue;
                kept_pt2[n_kept] = pt2;
                kept_z[n_kept++] = z;
                continue;
            }
            if (cone->keep >= NR_PI) { /* every direction kept: cells from the squares, atan2 only beyond 90 deg */
                kept_pt2[n_kept] = pt2;
                kept_z[n_kept++] = z;
                continue;
            }
            const double pt = sqrt(pt2), angle = atan2(pt, z);
            if (angle <= cone->keep)
                nr_llp_spectrum_fill(out->all, angle, sqrt(pt * pt + z * z), w_dir);
        }
        /* the azimuths of one rest-frame polar angle share |p|^2 = p_par^2 + p_perp^2: one momentum-cell lookup */
        if (n_kept > 0)
            nr_llp_spectrum_fill_same_p(out->all, p_par * p_par + p_perp * p_perp, n_kept, kept_pt2, kept_z, w_dir);
    }
}

/* The N_COS rest-frame polar nodes of a daughter boosted with one parent momentum (bands fill of a parent spectrum,
 * decay_spectrum): p_par and p_perp [GeV] as daughter_in_band computes them, and the bands' momentum column of
 * p_par^2 + p_perp^2 (NULL below cone->p2_min: not filled), once per parent momentum column instead of per cell. */
typedef struct {
    double p_par, p_perp;
    double *col;
} boosted_node;

static void boosted_nodes_init(boosted_node *nd, nr_llp_bands *bands, const parent_momentum *m, double e_star,
                               double p_star, const two_body_dirs *cone)
{
    for (int ic = 0; ic < N_COS; ic++) {
        boosted_momentum(m, cone, ic, e_star, p_star, &nd[ic].p_par, &nd[ic].p_perp);
        const double p2 = nd[ic].p_par * nd[ic].p_par + nd[ic].p_perp * nd[ic].p_perp;
        nd[ic].col = p2 < cone->p2_min ? NULL : nr_llp_bands_column(bands, p2);
    }
}

/* fill_two_body_at into bands, from the parent momentum's boosted nodes: the same decisions and additions. */
static void fill_two_body_into_bands(nr_llp_bands *bands, const parent_angle *a, const parent_momentum *m,
                                     const boosted_node *nd, double weight, const two_body_dirs *cone)
{
    if (parent_misses_cone(a->theta, m, cone->keep))
        return;
    const double w_dir = weight / (N_COS * N_PHI);
    for (int ic = 0; ic < N_COS; ic++)
        if (nd[ic].col && node_in_parent_band(a, nd[ic].p_par, nd[ic].p_perp))
            fill_node_into_bands(bands, cone, nd[ic].p_par, nd[ic].p_perp, a, w_dir, nd[ic].col);
}

/* 1 when fill_two_body_at would fill at least one daughter of this parent into the cone (cone->pre_test): the same
 * tests on the same numbers, without the fills. A cell for which it is 0 adds nothing to the daughters' spectrum,
 * whatever its weight (zd_region). */
static int two_body_reaches_cone(const parent_angle *a, const parent_momentum *m, double e_star, double p_star,
                                 const two_body_dirs *cone)
{
    if (parent_misses_cone(a->theta, m, cone->keep))
        return 0;
    const double st = a->st, ct = a->ct;
    for (int ic = 0; ic < N_COS; ic++) {
        double p_par, p_perp;
        if (!daughter_in_band(a, m, cone, ic, e_star, p_star, &p_par, &p_perp))
            continue;
        for (int iph = 0; iph < N_PHI; iph++) {
            double pt2, z;
            if (two_body_direction(cone, p_par, p_perp, st, ct, iph, &pt2, &z))
                return 1;
        }
    }
    return 0;
}

/* One parent (theta [rad], p [GeV], mass m_parent [GeV]); see fill_two_body_at. */
static void fill_two_body(const daughter_cells *out, double theta, double p, double m_parent, double e_star,
                          double p_star, double weight, const two_body_dirs *cone)
{
    parent_angle a;
    parent_momentum m;
    parent_angle_init(&a, theta, cone);
    parent_momentum_init(&m, p, m_parent, e_star, p_star);
    fill_two_body_at(out, &a, &m, e_star, p_star, weight, cone);
}

/* Centres of the LLP grid's cells: theta [rad] and p [GeV] (nr_llp_cell_log10_*). */
typedef struct {
    double theta[NR_LLP_N_THETA], p[NR_LLP_N_P];
} llp_cell_centres;

static void llp_cell_centres_init(llp_cell_centres *c)
{
    for (int it = 0; it < NR_LLP_N_THETA; it++)
        c->theta[it] = pow(10.0, nr_llp_cell_log10_theta(it));
    for (int ip = 0; ip < NR_LLP_N_P; ip++)
        c->p[ip] = pow(10.0, nr_llp_cell_log10_p(ip));
}

/* Every parent in the cells of spectrum `parents` (mass parents->mass_gev) decays into a daughter of rest-frame
 * energy e_star and momentum p_star, filled into out with weight factor x the cell's. With a region, only its cells
 * (the caller knows that the others fill nothing: zd_region). */
static void decay_spectrum(const nr_llp_spectrum *parents, double e_star, double p_star, double factor,
                           const two_body_dirs *cone, const nr_llp_cell_region *region, const daughter_cells *out)
{
    llp_cell_centres centre;
    llp_cell_centres_init(&centre);
    const double m = parents->mass_gev;
    parent_momentum mom[NR_LLP_N_P];
    boosted_node nodes[NR_LLP_N_P][N_COS]; /* with bands (54 kB) */
    for (int ip = 0; ip < NR_LLP_N_P; ip++) {
        parent_momentum_init(&mom[ip], centre.p[ip], m, e_star, p_star);
        if (out->bands)
            boosted_nodes_init(nodes[ip], out->bands, &mom[ip], e_star, p_star, cone);
    }
    for (int it = 0; it < NR_LLP_N_THETA; it++) {
        parent_angle a;
        int have_angle = 0;
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            const double w = parents->w_pb[it * NR_LLP_N_P + ip];
            if (!(w > 0) || (region && it > region->it_max[ip]))
                continue;
            if (!have_angle) { /* the row's trigonometry once, when it has a parent */
                parent_angle_init(&a, centre.theta[it], cone);
                have_angle = 1;
            }
            if (out->bands)
                fill_two_body_into_bands(out->bands, &a, &mom[ip], nodes[ip], factor * w, cone);
            else
                fill_two_body_at(out, &a, &mom[ip], e_star, p_star, factor * w, cone);
        }
    }
}

/* Z_D -> N Nbar in flight (prompt), both N and Nbar filled into n (mass m_N) with the Z_D cell's weight (BR = 1,
 * so 2 N per Z_D). */
static void decay_into_pairs(const nr_llp_spectrum *zd, double m_n, const daughter_cells *n, const two_body_dirs *cone,
                             const nr_llp_cell_region *region)
{
    const double m = zd->mass_gev, p_star = sqrt(fmax(0.0, 0.25 * m * m - m_n * m_n));
    decay_spectrum(zd, 0.5 * m, p_star, 2.0, cone, region, n);
}

/* The Z_D cells build_primary reads (issue 11): when volume_rows, those nr_llp_accept counts for the volume v (lower
 * edge below its cone, llp.c; the Z_D decaying in the volume, ee_primary) and, when pairs (m_ZD > 2 m_N and the N
 * wanted, daughters of mass m_n), those from which Z_D -> N Nbar fills an N into the cone with |p|^2 >= cone->p2_min
 * (decay_into_pairs, fill_two_body_at): per momentum column the highest such angle cell, so a column's cells are all
 * exact up to there. Which cells fill an N into the cone is decided by the same tests on the same numbers
 * as decay_into_pairs (two_body_reaches_cone: the 16 x 8 sampled directions of each cell's Z_D), so a cell above a
 * column's top adds nothing to the N spectrum, whatever it holds; before (main at 329b776) the bound was
 * parent_misses_cone alone (every cell whose Z_D could in principle send an N into the cone), and Fig. 4 (FASERnu2,
 * keep 1.8 mrad) read 17600-19800 of the 23800 cells, the angles below the volume's cone (rows 0-104) being read
 * for every momentum. A cone of pi/2 or more (not used) keeps that bound. */
static void zd_region(double m_zd, int pairs, double m_n, const two_body_dirs *cone, const nr_decay_volume *v,
                      int volume_rows, nr_llp_cell_region *r)
{
    llp_cell_centres centre;
    llp_cell_centres_init(&centre);
    const double log10_theta_acc = log10(nr_decay_volume_theta_acc(v)); /* as nr_llp_accept */
    const double e_star = 0.5 * m_zd, p_star = sqrt(fmax(0.0, 0.25 * m_zd * m_zd - m_n * m_n)); /* decay_into_pairs */
    parent_angle row[NR_LLP_N_THETA]; /* each angle row's, once (as decay_spectrum) rather than per cell */
    for (int it = 0; pairs && cone->pre_test && it < NR_LLP_N_THETA; it++)
        parent_angle_init(&row[it], centre.theta[it], cone);
    for (int ip = 0; ip < NR_LLP_N_P; ip++) {
        parent_momentum mom;
        parent_momentum_init(&mom, centre.p[ip], m_zd, e_star, p_star);
        r->it_max[ip] = -1;
        for (int it = 0; it < NR_LLP_N_THETA; it++) {
            const int accepted =
                volume_rows && log10_theta_acc - (NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH) > -1e-9;
            if (accepted || (pairs && !cone->pre_test && !parent_misses_cone(centre.theta[it], &mom, cone->keep)))
                r->it_max[ip] = it;
        }
        /* a daughter of this column's Z_D has |p|^2 = (gamma p* c + bg e*)^2 + p*^2 (1 - c^2) <= (gamma p* + bg e*)^2
         * at every rest-frame angle (gamma >= 1): below cone->p2_min (1e-9 for rounding) no node of any of its cells
         * passes daughter_in_band, and the column's cells need not be tested */
        const double p_top = mom.gamma * p_star + mom.bg * e_star; /* [GeV] */
        const int reachable = !(p_top * p_top < cone->p2_min * (1.0 - 1e-9));
        for (int it = NR_LLP_N_THETA - 1; pairs && cone->pre_test && reachable && it > r->it_max[ip]; it--) {
            if (parent_misses_cone(centre.theta[it], &mom, cone->keep))
                continue;
            if (two_body_reaches_cone(&row[it], &mom, e_star, p_star, cone))
                r->it_max[ip] = it;
        }
    }
}

/* D_s -> l N for the mixing flavour l, per unit |U_lN|^2: BR(D_s -> l nu) times the helicity and phase-space factor
 * of a massive N (Shrock, Phys. Rev. D 24 (1981) 1232; Gorbunov & Shaposhnikov, arXiv:0705.1729 Eq. 3.4):
 *   K = lambda^1/2(1, x_l, x_N) [x_l + x_N - (x_l - x_N)^2] / (x_l (1 - x_l)^2),  x = m^2 / m_Ds^2.
 * BR(D_s -> tau nu) = 5.36e-2, BR(D_s -> mu nu) = 5.43e-3 (PDG 2022); e from mu by the same helicity factor. */
#define BR_DS_TAU_NU 5.36e-2
#define BR_DS_MU_NU 5.43e-3
static double ds_lepton_n_br_per_u2(int flavour, double m_n, double m_ds)
{
    const double m_l = flavour == NR_FLAVOUR_TAU ? NR_M_TAU : flavour == NR_FLAVOUR_MU ? NR_M_MUON : NR_M_ELECTRON;
    if (!(m_n + m_l < m_ds))
        return 0.0;
    const double xl = m_l * m_l / (m_ds * m_ds), xn = m_n * m_n / (m_ds * m_ds);
    const double lam = (1 - xl - xn) * (1 - xl - xn) - 4 * xl * xn;
    const double k = sqrt(fmax(lam, 0.0)) * (xl + xn - (xl - xn) * (xl - xn)) / (xl * (1 - xl) * (1 - xl));
    double br_nu = BR_DS_TAU_NU;
    if (flavour != NR_FLAVOUR_TAU) {
        const double xmu = NR_M_MUON * NR_M_MUON / (m_ds * m_ds);
        br_nu = BR_DS_MU_NU * (xl * (1 - xl) * (1 - xl)) / (xmu * (1 - xmu) * (1 - xmu));
    }
    return br_nu * k;
}

/* tau -> N pi per unit |U_tauN|^2: BR(tau -> pi nu) = 10.82% (PDG 2022) times
 *   K = [(1 - x_N)^2 - x_pi (1 + x_N)] lambda^1/2(1, x_pi, x_N) / (1 - x_pi)^2,  x = m^2 / m_tau^2
 * (Gorbunov & Shaposhnikov, arXiv:0705.1729, the tau -> h N width over its m_N -> 0 limit). The tau is taken
 * unpolarised (isotropic decay); the other tau channels (N rho, N l nu, ...) are not included. */
#define BR_TAU_PI_NU 0.1082
static double tau_pi_n_br_per_u2(double m_n)
{
    const double m_pi = NR_M_PION_CHARGED;
    if (!(m_n + m_pi < NR_M_TAU))
        return 0.0;
    const double xp = m_pi * m_pi / (NR_M_TAU * NR_M_TAU), xn = m_n * m_n / (NR_M_TAU * NR_M_TAU);
    const double lam = (1 - xp - xn) * (1 - xp - xn) - 4 * xp * xn;
    return BR_TAU_PI_NU * ((1 - xn) * (1 - xn) - xp * (1 + xn)) * sqrt(fmax(lam, 0.0)) / ((1 - xp) * (1 - xp));
}

/* Rest-frame energy and momentum of daughter 1 (mass m1) in a two-body decay of mass m into m1 + m2. */
static void two_body_rest(double m, double m1, double m2, double *e_star, double *p_star)
{
    const double lam = (m * m - (m1 + m2) * (m1 + m2)) * (m * m - (m1 - m2) * (m1 - m2));
    *p_star = sqrt(fmax(lam, 0.0)) / (2.0 * m);
    *e_star = (m * m + m1 * m1 - m2 * m2) / (2.0 * m);
}

/* What the D_s production needs that no parameter changes, built once per engine and collision energy
 * (nr_engine_derived): the D_s- and D_s+ cells of NLO-P8 with sigma > 0, in the tables' order, with what
 * fill_two_body computes of a cell that depends on neither m_N nor the cone (sin and cos of theta, the D_s's
 * beta gamma and gamma: the same expressions, so the same values; issue 11), and the taus of D_s -> tau nu (every
 * angle), BR(D_s -> tau nu) x sigma per cell. */
enum { DS_CONE_SLOTS = 4 };

typedef struct {
    size_t n_cells;
    double *theta, *p, *sigma_pb; /* [rad], [GeV], [pb] */
    double *st, *ct;              /* sin(theta), cos(theta) */
    double *bg, *gamma;           /* p / m_Ds, E / m_Ds */
    nr_llp_spectrum tau;
    /* parent_angle_init of every cell for the cones keep [rad] asked so far (ds_cone_angles): filled on first use
     * under lock, then never changed (readers need no lock: published with release/acquire) */
    pthread_mutex_t lock;
    _Atomic int n_cones;
    double cone_keep[DS_CONE_SLOTS];
    parent_angle *cone_angles[DS_CONE_SLOTS];
} ds_tables;

static void ds_tables_release(void *table)
{
    ds_tables *t = table;
    if (!t)
        return;
    free(t->theta);
    free(t->p);
    free(t->sigma_pb);
    free(t->st);
    free(t->ct);
    free(t->bg);
    free(t->gamma);
    for (int i = 0; i < DS_CONE_SLOTS; i++)
        free(t->cone_angles[i]);
    pthread_mutex_destroy(&t->lock);
    nr_llp_spectrum_free(&t->tau);
    free(t);
}

/* arg: the collision energy ("13.6TeV" or "14TeV") */
static nr_status ds_tables_build(const nr_engine *engine, const void *arg, void **out, nr_error *err)
{
    const char *energy = arg;
    const double m_ds = nr_hadron_mass_gev(431);
    ds_tables *t = calloc(1, sizeof *t);
    if (t)
        pthread_mutex_init(&t->lock, NULL);
    nr_hadron_table tab[2] = {{0}, {0}};
    nr_status st = t ? NR_OK : nr_fail(err, NR_ENOMEM, "", "out of memory for the D_s tables");
    for (int k = 0; k < 2 && st == NR_OK; k++) /* D_s- then D_s+ */
        st = nr_hadron_table_load(nr_engine_data_dir(engine), energy, "NLO-P8", (2 * k - 1) * 431, &tab[k], err);
    if (st == NR_OK) {
        const size_t n = tab[0].n_cells + tab[1].n_cells;
        t->theta = malloc((n ? n : 1) * sizeof *t->theta);
        t->p = malloc((n ? n : 1) * sizeof *t->p);
        t->sigma_pb = malloc((n ? n : 1) * sizeof *t->sigma_pb);
        t->st = malloc((n ? n : 1) * sizeof *t->st);
        t->ct = malloc((n ? n : 1) * sizeof *t->ct);
        t->bg = malloc((n ? n : 1) * sizeof *t->bg);
        t->gamma = malloc((n ? n : 1) * sizeof *t->gamma);
        if (!t->theta || !t->p || !t->sigma_pb || !t->st || !t->ct || !t->bg || !t->gamma)
            st = nr_fail(err, NR_ENOMEM, "", "out of memory for the D_s tables");
    }
    if (st == NR_OK)
        st = nr_llp_spectrum_init(&t->tau, NR_M_TAU, err);
    if (st == NR_OK) {
        double e_tau, p_tau;
        two_body_rest(m_ds, NR_M_TAU, 0.0, &e_tau, &p_tau);
        two_body_dirs every;
        two_body_dirs_init(&every, NR_PI);
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < tab[k].n_cells; i++) {
                const double w = tab[k].cells[i].sigma_pb;
                if (!(w > 0))
                    continue;
                const size_t j = t->n_cells++;
                t->theta[j] = pow(10.0, tab[k].cells[i].log10_theta);
                t->p[j] = pow(10.0, tab[k].cells[i].log10_p);
                t->sigma_pb[j] = w;
                t->st[j] = sin(t->theta[j]);
                t->ct[j] = cos(t->theta[j]);
                parent_momentum mom; /* its D_s parts (bg, gamma) do not depend on the daughter */
                parent_momentum_init(&mom, t->p[j], m_ds, e_tau, p_tau);
                t->bg[j] = mom.bg;
                t->gamma[j] = mom.gamma;
                fill_two_body(&(daughter_cells){&t->tau, NULL}, t->theta[j], t->p[j], m_ds, e_tau, p_tau,
                              BR_DS_TAU_NU * w, &every);
            }
    }
    nr_hadron_table_free(&tab[0]);
    nr_hadron_table_free(&tab[1]);
    if (st != NR_OK) {
        ds_tables_release(t);
        t = NULL;
    }
    *out = t;
    return st;
}

static const nr_derived_spec ds_tables_spec = {ds_tables_build, ds_tables_release};

/* The cells' parent_angle for the cone (its tangents tan(theta -+ keep) do not depend on m_N: computed once per
 * engine and cone instead of at every mass; the same calls, so the same values), or NULL when DS_CONE_SLOTS other
 * cones hold the slots or memory is short (the caller then computes them per cell). */
static const parent_angle *ds_cone_angles(const ds_tables *table, const two_body_dirs *cone)
{
    ds_tables *t = (ds_tables *)table; /* the memo is the one mutable part, as the engine's CC tables */
    int n = atomic_load_explicit(&t->n_cones, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (t->cone_keep[i] == cone->keep)
            return t->cone_angles[i];
    const parent_angle *out = NULL;
    pthread_mutex_lock(&t->lock);
    n = atomic_load_explicit(&t->n_cones, memory_order_relaxed);
    for (int i = 0; i < n && !out; i++)
        if (t->cone_keep[i] == cone->keep)
            out = t->cone_angles[i];
    if (!out && n < DS_CONE_SLOTS) {
        parent_angle *a = malloc((t->n_cells ? t->n_cells : 1) * sizeof *a);
        if (a) {
            for (size_t i = 0; i < t->n_cells; i++)
                parent_angle_init_trig(&a[i], t->theta[i], t->st[i], t->ct[i], cone);
            t->cone_keep[n] = cone->keep;
            t->cone_angles[n] = a;
            atomic_store_explicit(&t->n_cones, n + 1, memory_order_release);
            out = a;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return out;
}

/* N from D_s+- -> l N at U^2 = 1 (NLO-P8 forward charm, the central FORESEE prediction), and for tau mixing also
 * from D_s -> tau nu, tau -> N pi (the tau decays promptly, c tau = 87 um). */
static nr_status ds_spectrum(const nr_engine *engine, const nr_experiment *e, int flavour, double m_n,
                             const two_body_dirs *cone, const daughter_cells *n, nr_error *err)
{
    const double m_ds = nr_hadron_mass_gev(431);
    const double m_l = flavour == NR_FLAVOUR_TAU ? NR_M_TAU : flavour == NR_FLAVOUR_MU ? NR_M_MUON : NR_M_ELECTRON;
    const double br_direct = ds_lepton_n_br_per_u2(flavour, m_n, m_ds);
    const double br_tau = flavour == NR_FLAVOUR_TAU ? tau_pi_n_br_per_u2(m_n) : 0.0;
    if (!(br_direct > 0) && !(br_tau > 0))
        return NR_OK;
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    snprintf(key, sizeof key, "zd_hnl/ds/%s", meson_energy(e));
    const void *table = NULL;
    nr_status st = nr_engine_derived(engine, key, &ds_tables_spec, meson_energy(e), &table, err);
    if (st != NR_OK)
        return st;
    const ds_tables *ds = table;
    double e_n, p_n;
    if (br_direct > 0) {
        two_body_rest(m_ds, m_n, m_l, &e_n, &p_n);
        /* fill_two_body per cell, from the table's trigonometry and boosts, and a cell parent_misses_cone drops
         * (most of them: the D_s spread over all angles, the cone is ~2 mrad) tested before the cone's tangents */
        const double bg_star = p_n / sqrt(fmax(e_n * e_n - p_n * p_n, 1e-300)); /* as parent_momentum_init */
        const parent_angle *angles = ds_cone_angles(ds, cone);
        for (size_t i = 0; i < ds->n_cells; i++) {
            parent_momentum mom = {.bg = ds->bg[i], .gamma = ds->gamma[i], .bounded = ds->bg[i] > bg_star};
            mom.alpha_max = mom.bounded ? asin(bg_star / ds->bg[i]) : 0.0;
            if (parent_misses_cone(ds->theta[i], &mom, cone->keep))
                continue;
            parent_angle a;
            if (angles)
                a = angles[i];
            else
                parent_angle_init_trig(&a, ds->theta[i], ds->st[i], ds->ct[i], cone);
            fill_two_body_at(n, &a, &mom, e_n, p_n, br_direct * ds->sigma_pb[i], cone);
        }
    }
    if (br_tau > 0) {
        two_body_rest(NR_M_TAU, m_n, NR_M_PION_CHARGED, &e_n, &p_n);
        decay_spectrum(&ds->tau, e_n, p_n, br_tau, cone, NULL, n);
    }
    return NR_OK;
}

static void n_beam_free(n_beam *b)
{
    if (b->have_volume)
        nr_llp_accepted_free(&b->volume);
    if (b->have_target)
        nr_llp_accepted_free(&b->target);
    free(b->target_sigma_cm2);
    memset(b, 0, sizeof *b);
}

/* The neutrino target as seen from the IP: a cylinder of the face's area from the IP to the target's back [m]. */
static nr_decay_volume target_cylinder(const zd_state *st, const nr_experiment *e)
{
    return (nr_decay_volume){e->distance_m, st->target_length_m, sqrt(e->width_m * e->height_m / NR_PI)};
}

/* nr_llp_accept of the N in n for the decay volume v, the k-th volume of n's bands when it has them. */
static nr_status accept_n_in(const daughter_cells *n, const nr_decay_volume *v, int k, nr_llp_accepted *acc,
                             nr_error *err)
{
    return n->bands ? nr_llp_bands_accept(n->bands, k, acc, err) : nr_llp_accept(n->all, v, acc, err);
}

/* What of an N spectrum reaches the decay volume (when to_volume) and the neutrino target (when to_target:
 * target_cylinder), and N e -> N e inside the cuts for each N reaching the target; either, both or neither. With
 * bands, they were made for the volume (0) and the target (1). */
static nr_status accept_n_beam(const daughter_cells *n, const zd_state *st, const nr_experiment *e,
                               const nr_param_value *p, int to_volume, int to_target, n_beam *b, nr_error *err)
{
    nr_status s = to_volume ? accept_n_in(n, &st->volume, 0, &b->volume, err) : NR_OK;
    if (s != NR_OK)
        return s;
    b->have_volume = to_volume;
    if (!to_target)
        return NR_OK;
    const nr_decay_volume target = target_cylinder(st, e);
    if ((s = accept_n_in(n, &target, 1, &b->target, err)) != NR_OK)
        return s;
    b->have_target = 1;
    b->target_sigma_cm2 = calloc(b->target.n ? b->target.n : 1, sizeof(double));
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(N_T_NODES_ELECTRON);
    if (!b->target_sigma_cm2 || !gl)
        s = nr_fail(err, NR_ENOMEM, "", "out of memory");
    for (size_t i = 0; s == NR_OK && i < b->target.n; i++) {
        const double pn = b->target.p_gev[i];
        b->target_sigma_cm2[i] = elastic_sigma_in_cuts(&st->base, p, sqrt(pn * pn + st->base.m_n * st->base.m_n),
                                                       p[P_E_RECOIL_MIN].number, p[P_E_RECOIL_MAX].number, gl);
    }
    if (gl)
        gsl_integration_glfixed_table_free(gl);
    return s;
}

/* Z_D production memo (issue 11). The Z_D made at the IP (pi0, eta -> Z_D gamma and bremsstrahlung, zd_spectrum)
 * and what of it the decay volume accepts depend on the collision energy, m_ZD, eps and the volume only, not on
 * m_N or U2: with m_ZD fixed (001 Fig. 3) every mass of a scan would rebuild the same spectrum (~0.1 s each). The
 * last ZD_MEMO_SLOTS of them are kept, process-wide, behind a mutex; each is reference counted (the memo holds
 * one reference, every prepared state using it another), so evicting one that a state still reads is safe. The
 * key names the engine and its data version, so an engine freed and another opened at the same address on other
 * data never sees a stale spectrum. Two threads missing on the same key both build it (identical results); the
 * second keeps the first one's. */
#define ZD_MEMO_SLOTS 4

typedef struct zd_production {
    const nr_engine *engine;
    char data_version[65];
    double sqrt_s_tev, m_zd, eps; /* [TeV], [GeV], [] */
    nr_decay_volume volume;
    nr_llp_cell_region region;    /* the cells that are exact (zd_region; every cell: it_max the top row)  */
    nr_llp_spectrum cells;        /* Z_D per (theta, p) cell [pb], exact in region */
    nr_llp_accepted accepted;     /* Z_D reaching the decay volume [pb] */
    int refs;
    unsigned long used; /* memo clock at the last use (LRU) */
} zd_production;

static pthread_mutex_t zd_memo_lock = PTHREAD_MUTEX_INITIALIZER;
static zd_production *zd_memo[ZD_MEMO_SLOTS];
static unsigned long zd_memo_clock;

static void zd_production_free(zd_production *z)
{
    nr_llp_spectrum_free(&z->cells);
    nr_llp_accepted_free(&z->accepted);
    free(z);
}

/* Drops one reference (under zd_memo_lock). */
static void zd_production_unref_locked(zd_production *z)
{
    if (z && --z->refs == 0)
        zd_production_free(z);
}

static void zd_production_release(zd_production *z)
{
    if (!z)
        return;
    pthread_mutex_lock(&zd_memo_lock);
    zd_production_unref_locked(z);
    pthread_mutex_unlock(&zd_memo_lock);
}

/* z serves a request when the key matches and z's region holds the requested one (region; NULL: the key only). */
static int zd_production_matches(const zd_production *z, const nr_engine *engine, const nr_experiment *e, double m_zd,
                                 double eps, const nr_decay_volume *v, const nr_llp_cell_region *region)
{
    if (!(z && z->engine == engine && strcmp(z->data_version, nr_engine_data_version(engine)) == 0 &&
          z->sqrt_s_tev == e->sqrt_s_tev && z->m_zd == m_zd && z->eps == eps && z->volume.distance_m == v->distance_m &&
          z->volume.length_m == v->length_m && z->volume.radius_m == v->radius_m))
        return 0;
    for (int ip = 0; region && ip < NR_LLP_N_P; ip++)
        if (z->region.it_max[ip] < region->it_max[ip])
            return 0;
    return 1;
}

/* A reference to the Z_D production at (engine, e's energy, m_zd [GeV], eps, volume v), exact in the cells of
 * region (zd_region): from the memo, or built. A request the memo has the key of but not the region (a scan of
 * m_N < m_ZD/2 at fixed m_ZD) builds the whole grid, which serves every later one: at most two builds per key, as
 * the memo made one before the regions. */
static nr_status zd_production_get(const nr_engine *engine, const nr_experiment *e, double m_zd, double eps,
                                   const nr_decay_volume *v, const nr_llp_cell_region *region, zd_production **out,
                                   nr_error *err)
{
    *out = NULL;
    int key_held = 0;
    pthread_mutex_lock(&zd_memo_lock);
    for (int i = 0; i < ZD_MEMO_SLOTS && !*out; i++) {
        if (zd_production_matches(zd_memo[i], engine, e, m_zd, eps, v, region)) {
            *out = zd_memo[i];
            (*out)->refs++;
            (*out)->used = ++zd_memo_clock;
        }
        key_held |= zd_production_matches(zd_memo[i], engine, e, m_zd, eps, v, NULL);
    }
    pthread_mutex_unlock(&zd_memo_lock);
    if (*out)
        return NR_OK;
    zd_production *z = calloc(1, sizeof *z);
    if (!z)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the Z_D production");
    z->engine = engine;
    snprintf(z->data_version, sizeof z->data_version, "%s", nr_engine_data_version(engine));
    z->sqrt_s_tev = e->sqrt_s_tev;
    z->m_zd = m_zd;
    z->eps = eps;
    z->volume = *v;
    if (key_held) /* the whole grid: N of any mass into any cone */
        for (int ip = 0; ip < NR_LLP_N_P; ip++)
            z->region.it_max[ip] = NR_LLP_N_THETA - 1;
    else
        z->region = *region;
    nr_status s = zd_spectrum(engine, e, m_zd, eps, key_held ? NULL : &z->region, &z->cells, err);
    if (s != NR_OK) {
        free(z);
        return s;
    }
    if ((s = nr_llp_accept(&z->cells, v, &z->accepted, err)) != NR_OK) {
        zd_production_free(z);
        return s;
    }
    pthread_mutex_lock(&zd_memo_lock);
    int slot = -1;
    for (int i = 0; i < ZD_MEMO_SLOTS; i++)
        if (zd_production_matches(zd_memo[i], engine, e, m_zd, eps, v, region)) { /* built meanwhile */
            zd_production_free(z);
            z = zd_memo[i];
            slot = -2;
            break;
        }
    if (slot == -1) {
        for (int i = 0; i < ZD_MEMO_SLOTS && slot < 0; i++)
            if (!zd_memo[i])
                slot = i;
        if (slot < 0) { /* all taken: evict the least recently used */
            slot = 0;
            for (int i = 1; i < ZD_MEMO_SLOTS; i++)
                if (zd_memo[i]->used < zd_memo[slot]->used)
                    slot = i;
        }
        if (zd_memo[slot])
            zd_production_unref_locked(zd_memo[slot]);
        zd_memo[slot] = z;
        z->refs = 1; /* the memo's */
    }
    z->refs++; /* the caller's */
    z->used = ++zd_memo_clock;
    pthread_mutex_unlock(&zd_memo_lock);
    *out = z;
    return NR_OK;
}

/* The N of one IP source (N_FROM_ZD: Z_D -> N Nbar of the Z_D cells in region; N_FROM_DS: D_s -> l N and
 * D_s -> tau -> N), accepted into b by the volume (when volume) and the target (when target). The N spectra are read
 * only by accept_n_beam: with a cone below pi/2 only what its nr_llp_accept read is summed, per momentum column the
 * weight in each band of angle rows (nr_llp_bands; issue 11, tests/test_llp.c test_bands: the accepted lists equal
 * to the grid's up to the order of the additions), or the whole grid when the cone is pi/2 or wider (not used). */
enum n_source { N_FROM_ZD, N_FROM_DS };

static nr_status fill_and_accept_n(const nr_engine *engine, const nr_experiment *e, const nr_param_value *p,
                                   zd_state *st, enum n_source source, const two_body_dirs *cone,
                                   const nr_llp_cell_region *region, int volume, int target, n_beam *b, nr_error *err)
{
    const double m_n = st->base.m_n;
    /* the bands of both, whichever is wanted: a scan of one signal sums the same bands in the same order as the full
     * preparation (zd_prepare), and gets the same accepted lists to the last bit */
    const nr_decay_volume readers[2] = {st->volume, target_cylinder(st, e)};
    nr_llp_spectrum n = {0};
    nr_llp_bands bands = {0};
    const daughter_cells out = {&n, cone->pre_test ? &bands : NULL};
    nr_status s = out.bands ? nr_llp_bands_init(&bands, m_n, 2, readers, err)
                            : nr_llp_spectrum_init(&n, m_n, err);
    if (s == NR_OK && source == N_FROM_ZD)
        decay_into_pairs(&st->zprod->cells, m_n, &out, cone, region);
    if (s == NR_OK && source == N_FROM_DS)
        s = ds_spectrum(engine, e, flavour_of(p), m_n, cone, &out, err);
    if (s == NR_OK)
        s = accept_n_beam(&out, st, e, p, volume, target, b, err);
    nr_llp_bands_free(&bands);
    nr_llp_spectrum_free(&n);
    return s;
}

/* What a preparation computes (issue 11): everything (zd_prepare: rates, spectra), or the parts one signal reads
 * (zd_prepare_signal, a scan of that signal: want_signal). A part not wanted is left empty, and the signals reading
 * it are 0 in that state. */
typedef struct {
    int secondary;                /* nu T -> N T in the slabs: the terms and their bins (build_secondary,
                                   * collapse_terms; ee_secondary, nuee_secondary, ee_total)                */
    int recoil;                   /* nu e -> N e in the target (recoil_inelastic_u1; electron_scattering)   */
    int zd_volume;                /* the Z_D from the IP reaching the decay volume (ee_primary, ee_total)   */
    int zd_n_volume, zd_n_target; /* N from Z_D -> N Nbar reaching the decay volume (nuee_primary), the target
                                   * with their N e -> N e cross sections (electron_elastic)                 */
    int ds_n_volume, ds_n_target; /* N from D_s reaching the decay volume (nuee_mixing), the target
                                   * (electron_scattering, electron_elastic_mixing)                          */
} wanted;

static const wanted want_all = {1, 1, 1, 1, 1, 1, 1};

/* The parts signal `signal` reads in zd_signals_at; the others give 0 in a state prepared for it alone. */
static wanted want_signal(size_t signal)
{
    switch (signal) {
    case S_EE_SECONDARY:
    case S_NUEE_SECONDARY:
        return (wanted){.secondary = 1};
    case S_EE_PRIMARY:
        return (wanted){.zd_volume = 1};
    case S_EE_TOTAL:
        return (wanted){.secondary = 1, .zd_volume = 1};
    case S_NUEE_PRIMARY:
        return (wanted){.zd_n_volume = 1};
    case S_NUEE_MIXING:
        return (wanted){.ds_n_volume = 1};
    case S_ELECTRON:
        return (wanted){.recoil = 1, .ds_n_target = 1};
    case S_ELECTRON_ELASTIC:
        return (wanted){.zd_n_target = 1};
    case S_ELECTRON_ELASTIC_MIXING:
        return (wanted){.ds_n_target = 1};
    default:
        return want_all;
    }
}

/* 1 when the N -> nu e e fraction table (m_N < m_ZD) is read: by the secondary terms' bins (collapse_terms) and by
 * the N reaching the decay volume (n_beam_signals). */
static int wants_fraction_table(const wanted *want)
{
    return want->secondary || want->zd_n_volume || want->ds_n_volume;
}

static nr_status build_primary(const nr_engine *engine, const nr_experiment *e, const nr_param_value *p, zd_state *st,
                               const wanted *want, nr_error *err)
{
    if (!st->have_volume)
        return NR_OK;
    /* N are accepted by the volume and by the target (accept_n_beam, nr_llp_accept): a theta row counts only when
     * its lower edge lies below the cone, so an N above the upper edge of the last row either reads lands in no band
     * (fill_and_accept_n: nr_llp_bands, whose top is that edge); keep that edge, 1e-9 wider (rounding), so that
     * parents and Z_D cells sending every N above it are skipped (before: 10^(1.2 width) = 1.148 times the wider
     * cone, up to 15% wider than needed) */
    const nr_decay_volume target = target_cylinder(st, e);
    const int last_row = (int)fmax(nr_llp_accept_last_row(&st->volume), nr_llp_accept_last_row(&target));
    two_body_dirs cone;
    two_body_dirs_init(&cone, pow(10.0, NR_LLP_LOG10_THETA_MIN + (last_row + 1) * NR_LLP_CELL_LOG10_WIDTH) *
                                  (1.0 + 1e-9));
    /* the Z_D cells: those the volume accepts (when the Z_D decaying there is wanted) and those whose N reach the
     * cone (when pairs and their N are wanted; zd_region). A state without the first has no Z_D signal (have_zd 0):
     * its memo entry's accepted list may miss cells, and serves only requests whose regions it holds
     * (zd_production_matches), so a request with the volume's rows gets exact cells there. */
    const int pairs = st->base.m_zd > 2.0 * st->base.m_n, zd_n = pairs && (want->zd_n_volume || want->zd_n_target);
    /* of N reaching the volume alone (no target), n_beam_signals reads those with E_N >= e_vis_min only: an N in a
     * momentum column below the one holding p_vis = sqrt(e_vis_min^2 - m_N^2) (1e-6 lower, far more than rounding:
     * nr_llp_accept's momenta lie >= 1.4% inside their columns) has every listed momentum below p_vis, so such N
     * are not filled (daughter_in_band) and a Z_D cell making only them is left out of the region (zd_region) */
    const double m_n = st->base.m_n, e_vis = st->e_vis_min;
    const double p_vis = e_vis > m_n ? sqrt((e_vis - m_n) * (e_vis + m_n)) : 0.0; /* [GeV] */
    const double vis_floor2 = p_vis > 0 ? nr_llp_p_column_floor2(p_vis * (1.0 - 1e-6)) : 0.0;
    two_body_dirs cone_zd = cone, cone_ds = cone;
    cone_zd.p2_min = want->zd_n_target ? 0.0 : vis_floor2;
    cone_ds.p2_min = want->ds_n_target ? 0.0 : vis_floor2;
    nr_llp_cell_region region;
    nr_status s = NR_OK;
    if (want->zd_volume || zd_n) {
        zd_region(st->base.m_zd, zd_n, st->base.m_n, &cone_zd, &st->volume, want->zd_volume, &region);
        s = zd_production_get(engine, e, st->base.m_zd, st->base.eps, &st->volume, &region, &st->zprod, err);
        if (s != NR_OK)
            return s;
        st->zd = &st->zprod->accepted;
        st->have_zd = want->zd_volume;
    }
    if (zd_n)
        s = fill_and_accept_n(engine, e, p, st, N_FROM_ZD, &cone_zd, &region, want->zd_n_volume, want->zd_n_target,
                              &st->from_zd, err);
    if (s == NR_OK && (want->ds_n_volume || want->ds_n_target))
        s = fill_and_accept_n(engine, e, p, st, N_FROM_DS, &cone_ds, NULL, want->ds_n_volume, want->ds_n_target,
                              &st->from_ds, err);
    return s;
}

/* ------------------------------------------------------------------------------------------------ */
/* model functions (model table v2)                                                                 */

static nr_status zd_check(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                         const nr_param_value *p, nr_error *err)
{
    (void)model;
    if (!(p[P_E_RECOIL_MIN].number < p[P_E_RECOIL_MAX].number))
        return nr_fail(err, NR_EINPUT, "/params/e_recoil_min", "e_recoil_min (%g GeV) must be below e_recoil_max "
                       "(%g GeV)", p[P_E_RECOIL_MIN].number, p[P_E_RECOIL_MAX].number);
    if (!(p[P_THETA_MIN].number < p[P_THETA_MAX].number))
        return nr_fail(err, NR_EINPUT, "/params/theta_recoil_min", "theta_recoil_min (%g rad) must be below "
                       "theta_recoil_max (%g rad)", p[P_THETA_MIN].number, p[P_THETA_MAX].number);
    const double m_zd = m_zd_of(p);
    if (!(m_zd > 2.0 * NR_M_ELECTRON) || !(m_zd <= 10.0))
        return nr_fail(err, NR_EINPUT, p[P_MASS_RELATION].choice == 1 ? "/params/ratio_ZD_N" : "/params/m_ZD",
                       "m_ZD = %g GeV must lie between 2 m_e and 10 GeV (the Z_D must decay to e+e-; the dark-photon "
                       "production is tabulated up to 10 GeV)", m_zd);
    if (fabs(m_zd - p[P_M_N].number) < 1e-6 * m_zd)
        return nr_fail(err, NR_EINPUT, "/params/m_N", "m_N = m_ZD is not covered (neither N -> nu Z_D on shell nor "
                       "the three-body decay)");
    if (!e->target || !e->flux_set[0] || !nr_engine_flux(engine, e->flux_set))
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino target and flux", e->name);
    return NR_OK;
}

static void zd_release(const nr_model *model, void *state)
{
    (void)model;
    zd_state *st = state;
    free(st->t);
    free(st->bins);
    zd_production_release(st->zprod);
    n_beam_free(&st->from_zd);
    n_beam_free(&st->from_ds);
    memset(st, 0, sizeof *st);
}

static nr_status prepare_wanted(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                                const nr_param_value *p, const wanted *want, void *state, nr_error *err)
{
    zd_state *st = state;
    memset(st, 0, sizeof *st);
    st->base = (nr_zd_params){.m_zd = m_zd_of(p), .g_d = sqrt(4.0 * NR_PI * p[P_ALPHA_D].number),
                              .eps = p[P_EPS].number, .u2 = 0.0, .m_n = p[P_M_N].number};
    st->luminosity_fb = e->luminosity_fb;
    st->e_vis_min = p[P_E_VIS_MIN].number;
    const nr_flux *flux = NULL;
    nr_status s = make_slabs(engine, e, p[P_PRODUCTION].choice == 1, st, &flux, err);
    st->flux = flux;
    st->flux_scale = nr_experiment_flux_scale(e);
    const nr_darkcast *dc = NULL;
    if (s == NR_OK && (s = nr_engine_get_darkcast(engine, &dc, err)) == NR_OK)
        s = nr_zd_widths_compute(&st->base, dc, &st->widths_u0, err);
    if (s == NR_OK)
        nr_zd_n_widths_init(&st->base, &st->n_widths);
    if (s == NR_OK && wants_fraction_table(want) && st->base.m_n < st->base.m_zd) {
        fraction_table_build(&st->nuee, &st->base, st->e_vis_min);
        for (int i = 0; i < EE_TABLE_POINTS && s == NR_OK; i++)
            if (!isfinite(st->nuee.f[i]))
                s = nr_fail(err, NR_ENUMERIC, "/params/m_N", "the N -> nu e e energy integral failed at m_N = %g GeV",
                            st->base.m_n);
    }
    if (s == NR_OK && want->secondary)
        s = build_secondary(flux, nr_experiment_flux_scale(e), p, st, err);
    if (s == NR_OK && want->secondary)
        s = collapse_terms(st, err);
    if (s == NR_OK && want->recoil)
        st->recoil_inelastic_u1 = recoil_inelastic_u1(st, p, p[P_E_RECOIL_MIN].number, p[P_E_RECOIL_MAX].number);
    if (s == NR_OK)
        s = build_primary(engine, e, p, st, want, err);
    if (s != NR_OK)
        zd_release(model, st);
    return s;
}

static nr_status zd_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                           const nr_param_value *p, void *state, nr_error *err)
{
    return prepare_wanted(model, engine, e, p, &want_all, state, err);
}

/* A scan of one signal (issue 11; nr_scan_at reads values[signal] alone): only what zd_signals_at reads for it
 * (want_signal), computed as zd_prepare does, so the signal is the same to the last bit (tests/test_zd_hnl_model.c
 * test_prepare_signal); the other signals give 0. Fig. 3's ee_secondary needs no production at the IP, Fig. 4's
 * nuee_primary only the N from Z_D -> N Nbar reaching the decay volume: no upscattering, no D_s, no target. (A part
 * it skips cannot fail it either: e.g. a scan of ee_secondary needs no meson tables, one of ee_primary no N -> nu e e
 * fraction table.) */
static nr_status zd_prepare_signal(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                                  const nr_param_value *p, size_t signal, void *state, nr_error *err)
{
    const wanted want = want_signal(signal);
    return prepare_wanted(model, engine, e, p, &want, state, err);
}

/* N of one IP source decaying to nu e e in the volume (E_ee > e_vis_min) and scattering elastically in the target. */
static void n_beam_signals(const zd_state *st, const n_beam *b, double scale, double br_n_ee, double ctau_n,
                           double *nuee, double *elastic)
{
    const double pb = st->luminosity_fb * NR_INV_FB_TO_INV_PB, m_n = st->base.m_n;
    if (!(scale > 0))
        return;
    if (b->have_volume && br_n_ee > 0)
        for (size_t i = 0; i < b->volume.n; i++) {
            const double pn = b->volume.p_gev[i], en = sqrt(pn * pn + m_n * m_n);
            if (en >= st->e_vis_min)
                *nuee += pb * b->volume.weight_pb[i] * scale * br_n_ee * fraction_table_at(&st->nuee, en) *
                         nr_llp_decay_probability(st->volume.distance_m, st->volume.length_m, pn / m_n * ctau_n);
        }
    if (b->have_target)
        for (size_t i = 0; i < b->target.n; i++) {
            /* survive to the target's front face (decays inside the target are not subtracted) */
            const double pn = b->target.p_gev[i];
            const double survive = 1.0 - nr_llp_decay_probability(0.0, st->target_distance_m, pn / m_n * ctau_n);
            *elastic += pb * b->target.weight_pb[i] * scale * survive * b->target_sigma_cm2[i] * st->target_electrons_cm2;
        }
}

/* The secondary signals (ee_secondary for m_N > m_ZD, nuee_secondary below) from the terms collapsed into log E_N
 * bins (collapse_terms; for m_N < m_ZD the weights hold the N -> nu e e fraction above e_vis_min and only terms
 * above e_vis_min). u_eff2 = U^2 (1 - U^2), gamma_n the N width [GeV], w the Z_D widths at the point. */
static void secondary_signals(const zd_state *st, double u_eff2, double gamma_n, double br_n_ee, const nr_zd_widths *w,
                              double *v)
{
    const double m_n = st->base.m_n, m_zd = st->base.m_zd;
    const double br_ee = w->total > 0 ? w->ee / w->total : 0.0;
    for (size_t k = 0; k < st->n_bins; k++) {
        const term_bin *t = &st->bins[k];
        const slab *sl = &st->slabs[t->slab];
        const double made = u_eff2 * t->weight * st->acceptance;
        const double d_n = decay_length_of_boost(t->boost_n, gamma_n);
        if (m_n > m_zd) {
            double p_n = NAN; /* the N's own decay probability, once per bin */
            for (int i = 0; i < t->n_zd; i++)
                v[S_EE_SECONDARY] += made * t->zd_weight[i] * br_ee *
                                     two_step_slab_to_volume(sl, st->vol_length_m, d_n,
                                                             decay_length_of_boost(t->zd_boost[i], w->total), &p_n);
        } else {
            v[S_NUEE_SECONDARY] += made * br_n_ee *
                                   nr_decay_prob_slab_to_volume(sl->length_m, sl->dist_m, st->vol_length_m, d_n);
        }
    }
}

/* Z_D made at the IP decaying to e+e- in the volume with E_ee > e_vis_min (ee_primary). */
static double primary_zd_ee(const zd_state *st, const nr_zd_widths *w)
{
    const double pb = st->luminosity_fb * NR_INV_FB_TO_INV_PB, m_zd = st->base.m_zd;
    const double br_ee = w->total > 0 ? w->ee / w->total : 0.0;
    double events = 0.0;
    if (!st->have_zd || !(w->total > 0))
        return 0.0;
    const double ctau = NR_HBARC_GEV_M / w->total;
    for (size_t i = 0; i < st->zd->n; i++) {
        const double pz = st->zd->p_gev[i];
        if (sqrt(pz * pz + m_zd * m_zd) < st->e_vis_min)
            continue;
        events += pb * st->zd->weight_pb[i] * br_ee *
                  nr_llp_decay_probability(st->volume.distance_m, st->volume.length_m, pz / m_zd * ctau);
    }
    return events;
}

static nr_status zd_signals_at(const nr_model *model, const void *state, const nr_param_value *p, double *v,
                               nr_error *err)
{
    (void)model;
    const zd_state *st = state;
    memset(v, 0, N_ZD_SIGNALS * sizeof *v);
    const nr_zd_params q = point_of(st, p);
    const double u_eff2 = q.u2 * (1.0 - q.u2);
    const nr_zd_widths w = widths_at(st, &q);
    double gamma_n, gamma_n_ee;
    nr_zd_n_widths_at(&st->n_widths, q.u2, &gamma_n, &gamma_n_ee);
    const double br_n_ee = q.m_n < q.m_zd && gamma_n > 0 ? gamma_n_ee / gamma_n : 0.0;
    if (!isfinite(gamma_n) || !isfinite(br_n_ee))
        return nr_fail(err, NR_ENUMERIC, "/params/U2", "the N width integral failed at m_N = %g GeV, U2 = %g", q.m_n,
                       q.u2);
    /* a state prepared for one signal (zd_prepare_signal) holds only the parts that signal reads (wanted): the
     * others are empty (no bins, have_zd 0, beams without volume or target) and their signals stay 0 */
    if (st->have_volume)
        secondary_signals(st, u_eff2, gamma_n, br_n_ee, &w, v);
    v[S_EE_PRIMARY] = primary_zd_ee(st, &w);
    /* primary N: from Z_D -> N Nbar (scale BR(N N)) and from D_s -> l N (scale U^2) */
    const double br_nn = w.total > 0 ? w.nn / w.total : 0.0;
    const double ctau_n = gamma_n > 0 ? NR_HBARC_GEV_M / gamma_n : INFINITY;
    n_beam_signals(st, &st->from_zd, br_nn, br_n_ee, ctau_n, &v[S_NUEE_PRIMARY], &v[S_ELECTRON_ELASTIC]);
    n_beam_signals(st, &st->from_ds, q.u2, br_n_ee, ctau_n, &v[S_NUEE_MIXING], &v[S_ELECTRON_ELASTIC_MIXING]);
    v[S_ELECTRON] = u_eff2 * st->recoil_inelastic_u1 + v[S_ELECTRON_ELASTIC_MIXING];
    v[S_EE_TOTAL] = v[S_EE_SECONDARY] + v[S_EE_PRIMARY];
    return NR_OK;
}

/* ------------------------------------------------------------------------------------------------ */
/* spectra                                                                                          */

#define SPECTRUM_BINS 40

/* The N total width [GeV] at U^2 = u2 from the state's mass-only integrals (nr_zd_width_n_total at the point, to
 * the last bit, without redoing the virtuality integrals). */
static double n_width_total(const zd_state *st, double u2)
{
    double total, ee;
    nr_zd_n_widths_at(&st->n_widths, u2, &total, &ee);
    return total;
}

static void name_channel(nr_table *out, size_t c, const char *name, const char *label)
{
    snprintf(out->channel[c], sizeof out->channel[c], "%s", name);
    snprintf(out->channel_label[c], sizeof out->channel_label[c], "%s", label);
}

/* e+e- energy in the volume: primary and secondary Z_D (001 Fig. 3 right), and N -> nu e e (E_ee from E_N: the
 * pair's share is not resolved, so those decays are filled at E_N into a third channel). */
static void spectrum_e_ee(const zd_state *st, const nr_param_value *p, nr_table *out)
{
    const nr_zd_params q = point_of(st, p);
    const nr_zd_widths w = widths_at(st, &q);
    const double br_ee = w.total > 0 ? w.ee / w.total : 0.0, gamma_n = n_width_total(st, q.u2);
    const double m_n = q.m_n, m_zd = q.m_zd, u_eff2 = q.u2 * (1.0 - q.u2);
    name_channel(out, 0, "ee_primary", "Z_D -> e+e- in the volume, Z_D from the IP");
    name_channel(out, 1, "ee_secondary", "Z_D -> e+e- in the volume, Z_D from nu upscattering");
    snprintf(out->x_name, sizeof out->x_name, "E_ee");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_log_bins(out, 10.0, 1e4);
    const double pb = st->luminosity_fb * NR_INV_FB_TO_INV_PB;
    if (st->have_zd && w.total > 0)
        for (size_t i = 0; i < st->zd->n; i++) {
            const double pz = st->zd->p_gev[i], e = sqrt(pz * pz + m_zd * m_zd);
            if (e >= st->e_vis_min)
                nr_table_fill(out, 0, e, pb * st->zd->weight_pb[i] * br_ee *
                                    nr_llp_decay_probability(st->volume.distance_m, st->volume.length_m,
                                                             pz / m_zd * NR_HBARC_GEV_M / w.total));
        }
    if (!st->have_volume || !(m_n > m_zd))
        return;
    /* the same energy nodes as the ee_secondary signal (zd_energies), so the channel sums to that signal */
    for (size_t k = 0; k < st->n_terms; k++) {
        const term *t = &st->t[k];
        const double d_n = nr_decay_length_m(t->e_n, m_n, gamma_n);
        double e_zd[N_ZD_E], wz[N_ZD_E];
        const int nz = zd_energies(t->e_n, m_n, m_zd, st->e_vis_min, e_zd, wz);
        double p_n = NAN;
        for (int i = 0; i < nz; i++)
            nr_table_fill(out, 1, e_zd[i], u_eff2 * t->weight * st->acceptance * wz[i] * br_ee *
                                               two_step_slab_to_volume(&st->slabs[t->slab], st->vol_length_m, d_n,
                                                                       nr_decay_length_m(e_zd[i], m_zd, w.total), &p_n));
    }
}

/* N energy: made by upscattering in the target (no decay required), and N from Z_D -> N Nbar decaying to nu e e in
 * the volume. */
static void spectrum_e_n(const zd_state *st, const nr_param_value *p, nr_table *out)
{
    const nr_zd_params q = point_of(st, p);
    const nr_zd_widths w = widths_at(st, &q);
    double gamma_n, gamma_n_ee;
    nr_zd_n_widths_at(&st->n_widths, q.u2, &gamma_n, &gamma_n_ee);
    const double u_eff2 = q.u2 * (1.0 - q.u2);
    const double br_nn = w.total > 0 ? w.nn / w.total : 0.0;
    const double br_n_ee = q.m_n < q.m_zd && gamma_n > 0 ? gamma_n_ee / gamma_n : 0.0;
    name_channel(out, 0, "n_secondary_produced", "N made by nu upscattering in the target");
    name_channel(out, 1, "n_primary_nuee_in_volume", "N from Z_D -> N Nbar at the IP decaying to nu e+e- in the volume");
    snprintf(out->x_name, sizeof out->x_name, "E_N");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_log_bins(out, 1.0, 1e4);
    for (size_t k = 0; k < st->n_terms; k++)
        if (st->t[k].slab == 0)
            nr_table_fill(out, 0, st->t[k].e_n, u_eff2 * st->t[k].weight);
    const n_beam *b = &st->from_zd;
    if (b->have_volume && br_nn > 0 && br_n_ee > 0) {
        const double pb = st->luminosity_fb * NR_INV_FB_TO_INV_PB, ctau = NR_HBARC_GEV_M / gamma_n;
        for (size_t i = 0; i < b->volume.n; i++) {
            const double pn = b->volume.p_gev[i], en = sqrt(pn * pn + q.m_n * q.m_n);
            nr_table_fill(out, 1, en, pb * b->volume.weight_pb[i] * br_nn * br_n_ee *
                                 nr_llp_decay_probability(st->volume.distance_m, st->volume.length_m, pn / q.m_n * ctau));
        }
    }
}

/* Electron recoil energy in the target: inelastic nu e -> N e and elastic N e -> N e, angle cuts applied, bins
 * spanning [e_recoil_min, e_recoil_max]. */
static nr_status spectrum_e_recoil(const zd_state *st, const nr_param_value *p, nr_table *out, nr_error *err)
{
    const nr_zd_params q = point_of(st, p);
    const nr_zd_widths w = widths_at(st, &q);
    const double gamma_n = n_width_total(st, q.u2), u_eff2 = q.u2 * (1.0 - q.u2);
    const double br_nn = w.total > 0 ? w.nn / w.total : 0.0;
    name_channel(out, 0, "inelastic", "nu e -> N e in the target");
    name_channel(out, 1, "elastic_from_ZD", "N e -> N e in the target, N from Z_D -> N Nbar at the IP");
    name_channel(out, 2, "elastic_from_Ds", "N e -> N e in the target, N from D_s -> l N at the IP");
    snprintf(out->x_name, sizeof out->x_name, "E_recoil");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_log_bins(out, p[P_E_RECOIL_MIN].number, p[P_E_RECOIL_MAX].number);
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(N_T_NODES_ELECTRON);
    if (!gl)
        return nr_fail(err, NR_ENOMEM, "", "out of memory");
    const double pb = st->luminosity_fb * NR_INV_FB_TO_INV_PB, ctau = gamma_n > 0 ? NR_HBARC_GEV_M / gamma_n : INFINITY;
    const n_beam *beams[2] = {&st->from_zd, &st->from_ds};
    const double scale[2] = {br_nn, q.u2};
    for (size_t b = 0; b < out->n_bins; b++) {
        out->events[b] = u_eff2 * recoil_inelastic_u1(st, p, out->bin_lo[b], out->bin_hi[b]);
        for (int k = 0; k < 2; k++) {
            if (!beams[k]->have_target || !(scale[k] > 0))
                continue;
            for (size_t i = 0; i < beams[k]->target.n; i++) {
                const double pn = beams[k]->target.p_gev[i], en = sqrt(pn * pn + q.m_n * q.m_n);
                const double survive = 1.0 - nr_llp_decay_probability(0.0, st->target_distance_m, pn / q.m_n * ctau);
                out->events[(k + 1) * out->n_bins + b] +=
                    pb * beams[k]->target.weight_pb[i] * scale[k] * survive *
                    elastic_sigma_in_cuts(&st->base, p, en, out->bin_lo[b], out->bin_hi[b], gl) * st->target_electrons_cm2;
            }
        }
    }
    gsl_integration_glfixed_table_free(gl);
    return NR_OK;
}

static nr_status zd_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                            nr_error *err)
{
    (void)model;
    const zd_state *st = state;
    const nr_zd_params q = point_of(st, p);
    if (!isfinite(n_width_total(st, q.u2)))
        return nr_fail(err, NR_ENUMERIC, "/params/U2", "the N width integral failed at m_N = %g GeV", q.m_n);
    nr_status s = nr_table_init(out, p[P_DISTRIBUTION].choice == 2 ? 3 : 2, SPECTRUM_BINS, err);
    if (s != NR_OK)
        return s;
    switch (p[P_DISTRIBUTION].choice) {
    case 0:
        spectrum_e_ee(st, p, out);
        break;
    case 1:
        spectrum_e_n(st, p, out);
        break;
    default:
        s = spectrum_e_recoil(st, p, out, err);
        break;
    }
    nr_table_sum_channels(out);
    return s;
}

/* ------------------------------------------------------------------------------------------------ */
/* the model table                                                                                  */

#define ZD_TITLE "Dark gauge boson Z_D coupled to a heavy neutral lepton"
#define ZD_DESCRIPTION                                                                                                 \
    "A dark gauge boson Z_D (mass m_ZD, kinetic mixing eps) coupled with g_D to a Dirac heavy neutral lepton N that "   \
    "mixes with one active flavour (001 Eq. 3.3). N is made by neutrino upscattering through Z_D (and Z) exchange in " \
    "the tungsten of FASERnu / FASERnu2 and in front of it; Z_D and N also come from the interaction point (pi0, eta " \
    "decays and proton bremsstrahlung at eps; Z_D -> N Nbar). Signals: e+e- from Z_D or N -> nu e e in the FASER / "  \
    "FASER 2 decay volume, and electron scatterings in the target."
#define ZD_REFERENCES                                                                                                  \
    "K. Jodlowski and S. Trojanowski, JHEP 05 (2021) 191, arXiv:2011.04751 (paper 001): sec. 3.2, 4.2, 4.3, Figs. "    \
    "3-4, Eqs. 3.3-3.4, A.2-A.9, A.11-A.12, B.6-B.12 (re-derived: A.2, A.11, A.12, B.6, B.8, B.9 differ by constant " \
    "factors); Z_D production: paper 004 Eqs. 25-37; hadronic widths: DarkCast arXiv:1801.04847"

const nr_model nr_model_zd_hnl = {
    .name = "zd_hnl",
    .title = ZD_TITLE,
    .description = ZD_DESCRIPTION,
    .references = ZD_REFERENCES,
    .params = zd_params,
    .n_params = N_ZD_PARAMS,
    .detector_kind = NR_DETECTOR_NEUTRINO_TARGET,
    .signals = zd_signals,
    .n_signals = N_ZD_SIGNALS,
    .data = NULL,
    .state_size = sizeof(zd_state),
    .check = zd_check,
    .prepare = zd_prepare,
    .signals_at = zd_signals_at,
    .spectra = zd_spectra,
    .release = zd_release,
    .prepare_signal = zd_prepare_signal,
};
