/* vector_ip.c: light vector bosons made at the ATLAS interaction point and decaying in the FASER / FASER 2
 * decay volumes: the chiral U(1)_X Z' of paper 004 ("u1x"), and its best-known special cases, the dark photon
 * ("dark_photon") and gauged B-L ("b_minus_l").
 *
 * Production (llp.h, bremsstrahlung.h): pi0 -> X gamma and eta -> X gamma from the EPOS-LHC forward meson
 * spectra (004 Eqs. 33-35, 37), and proton bremsstrahlung in the Fermi-Weizsacker-Williams approximation (004
 * Eqs. 25-32, 36) with the proton's chiral couplings x'_pL = 3 x'_q, x'_pR = 2 x'_u + x'_d (004 after Eq. 27).
 * Decays (zprime.h): leptons, neutrinos, N_R pairs when open, hadrons from the DarkCast VMD tables below 2 GeV
 * and perturbative quarks above (004 Eqs. 17-21, 60-61). Acceptance and decay probability: 004 Eqs. 22-24 for
 * the experiment's decay volume (004 Table V for FASER and FASER 2, any geometry by override).
 *
 * events(channel) = L x g^2 x sum_mechanism sum_accepted sigma_i(g = 1) P_dec(p_i; c tau(g)) x BR(channel)
 * At fixed mass the spectra at g = 1 and what reaches the volume are computed once; every coupling then costs
 * one pass over the accepted momenta (vector_prepare, and scaling_at for the coupling).
 * At a supernova (u1x and b_minus_l; 004 sec. III C, supernova.h, supernova_zprime.h) the signal `visible` is
 * L_Z' / L_nu instead of events, and the sn_* signals are its parts per production process.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beam_dump.h"
#include "bremsstrahlung.h"
#include "constants.h"
#include "forward_mesons.h"
#include "llp.h"
#include "llp_mesons.h"
#include "model.h"
#include "proton_dump.h"
#include "sn_profile.h"
#include "supernova.h"
#include "supernova_zprime.h"
#include "zprime.h"

typedef enum { KIND_U1X, KIND_DARK_PHOTON, KIND_B_MINUS_L } vector_kind;

/* Parameter indices shared by the three models; the presets leave out x_H and x_Phi. */
enum {
    P_MASS, P_COUPLING, P_PRODUCTION, P_DISTRIBUTION, P_M_NR, P_BREM_Z_MIN, P_BREM_Z_MAX, P_BREM_SPLITTING,
    P_BREM_RESONANCES, P_X_H, P_X_PHI, N_MAX_PARAMS
};

static const char *const production_choices[] = {"all", "mesons", "bremsstrahlung", NULL};
static const char *const distribution_choices[] = {"E_X", "branching_fractions", NULL};
/* in the order of nr_brem_splitting_variant and nr_brem_resonances (bremsstrahlung.h) */
static const char *const splitting_choices[] = {"004_eq27", "blumlein_brunner", NULL};
static const char *const resonance_choices[] = {"pdg", "004_table_iv", NULL};

#define COMMON_PARAMS(mass_name, mass_desc, coupling_name, coupling_desc, coupling_default)                           \
    [P_MASS] = {.name = mass_name, .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.1,                       \
                .min_value = 1e-3, .max_value = 10.0, .scale = NR_SCALE_LOG, .description = mass_desc},               \
    [P_COUPLING] = {.name = coupling_name, .unit = "", .kind = NR_PARAM_NUMBER, .default_value = coupling_default,     \
                    .min_value = 1e-13, .max_value = 1.0, .scale = NR_SCALE_LOG, .coupling = 1,                       \
                    .description = coupling_desc},                                                                   \
    [P_PRODUCTION] = {.name = "production", .unit = "", .kind = NR_PARAM_CHOICE, .choices = production_choices,       \
                      .description = "production mechanisms: pi0 and eta decays, proton bremsstrahlung, or all"},     \
    [P_DISTRIBUTION] = {.name = "distribution", .unit = "", .kind = NR_PARAM_CHOICE, .choices = distribution_choices, \
                        .description = "spectra: energy of the bosons decaying visibly in the volume (E_X), or the "  \
                                       "branching fractions per decay group versus the mass"},                         \
    [P_M_NR] = {.name = "m_NR", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 1000.0, .min_value = 1e-3,    \
                .max_value = 1e4, .scale = NR_SCALE_LOG,                                                               \
                .description = "mass of the right-handed neutrinos N_R (Z' -> N_R N_R opens below m/2; the default "  \
                               "keeps it closed, as in 004)"},                                                          \
    [P_BREM_Z_MIN] = {.name = "brem_z_min", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0.0,                 \
                      .min_value = 0.0, .max_value = 1.0, .scale = NR_SCALE_LINEAR,                                      \
                      .description = "bremsstrahlung: smallest momentum fraction z of X (0: no cut, the rate; 0.1 "    \
                                     "with brem_z_max 0.9 is the conservative FWW window, bremsstrahlung.h)"},         \
    [P_BREM_Z_MAX] = {.name = "brem_z_max", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.0,                 \
                      .min_value = 0.0, .max_value = 1.0, .scale = NR_SCALE_LINEAR,                                      \
                      .description = "bremsstrahlung: largest momentum fraction z of X (must exceed brem_z_min)"},     \
    [P_BREM_SPLITTING] = {.name = "brem_splitting", .unit = "", .kind = NR_PARAM_CHOICE, .choices = splitting_choices, \
                          .description = "bremsstrahlung splitting function: 004 Eq. 27 (default) or Blumlein-Brunner " \
                                         "(arXiv:1311.3870, FORESEE's)"},                                              \
    [P_BREM_RESONANCES] = {.name = "brem_resonances", .unit = "", .kind = NR_PARAM_CHOICE,                             \
                           .choices = resonance_choices,                                                               \
                           .description = "proton form factor: rho and omega at their PDG masses, as the decay widths " \
                                          "(default), or 004 Table IV as printed (omega at 0.770 GeV)"}

static const nr_param_spec u1x_params[N_MAX_PARAMS] = {
    COMMON_PARAMS("m_Zp", "mass of the U(1)_X gauge boson Z'", "g_X", "U(1)_X gauge coupling", 1e-5),
    [P_X_H] = {.name = "x_H", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0.0, .min_value = -10.0,
               .max_value = 10.0, .scale = NR_SCALE_LINEAR,
               .description = "U(1)_X charge parameter of the Higgs doublet (004 Table I; 0 is B-L, -2 has no "
                              "coupling to the lepton doublet's neutrinos)"},
    [P_X_PHI] = {.name = "x_Phi", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 0.01,
                 .max_value = 10.0, .scale = NR_SCALE_LINEAR,
                 .description = "U(1)_X charge of the singlet scalar Phi (004 Table I; sets the normalisation)"},
};
static const nr_param_spec dark_photon_params[N_MAX_PARAMS - 2] = {
    COMMON_PARAMS("m_Ap", "dark photon mass", "epsilon", "kinetic mixing epsilon (couplings eps e Q_f)", 1e-5),
};
static const nr_param_spec b_minus_l_params[N_MAX_PARAMS - 2] = {
    COMMON_PARAMS("m_Zp", "mass of the B-L gauge boson", "g_BL", "B-L gauge coupling", 1e-6),
};

enum { S_VISIBLE, S_EE, S_MUMU, S_HADRONS, S_FROM_PI0, S_FROM_ETA, S_FROM_BREM, S_FROM_ANNI, S_SN_NUNU, S_SN_COMPTON,
       S_SN_MUMU, N_SIGNALS };
static const nr_signal_spec vector_signals[N_SIGNALS] = {
    [S_VISIBLE] = {"visible", "decays in the volume into visible final states (all but neutrinos and N_R); at a "
                              "supernova the luminosity ratio L_Z'/L_nu (004 sec. III C: excluded above 1)"},
    [S_EE] = {"ee", "decays in the volume into e+ e-"},
    [S_MUMU] = {"mumu", "decays in the volume into mu+ mu-"},
    [S_HADRONS] = {"hadrons", "decays in the volume into hadrons"},
    [S_FROM_PI0] = {"visible_from_pi0", "visible decays in the volume of bosons from pi0 -> X gamma"},
    [S_FROM_ETA] = {"visible_from_eta", "visible decays in the volume of bosons from eta -> X gamma"},
    [S_FROM_BREM] = {"visible_from_bremsstrahlung", "visible decays in the volume of bosons from proton "
                                                    "bremsstrahlung (electron bremsstrahlung at beam dumps)"},
    [S_FROM_ANNI] = {"visible_from_annihilation", "visible decays of bosons from resonant e+ e- annihilation "
                                                  "(beam dumps only)"},
    [S_SN_NUNU] = {"sn_from_nu_nu", "supernovae only: the part of L_Z'/L_nu made by nu nu -> Z' (the supernova's "
                                    "visible is L_Z'/L_nu, the sum of the sn_ signals)"},
    [S_SN_COMPTON] = {"sn_from_semi_compton", "supernovae only: the part of L_Z'/L_nu made by gamma mu -> Z' mu"},
    [S_SN_MUMU] = {"sn_from_mu_mu", "supernovae only: the part of L_Z'/L_nu made by mu mu -> Z'"},
};

/* ------------------------------------------------------------------------------------------------ */
/* couplings and widths at unit coupling                                                            */

static nr_status couplings_of(vector_kind kind, const nr_param_value *p, nr_zprime_couplings *c, nr_error *err)
{
    switch (kind) {
    case KIND_U1X:
        return nr_zprime_couplings_u1x(p[P_X_H].number, p[P_X_PHI].number, c, err);
    case KIND_DARK_PHOTON:
        nr_zprime_couplings_dark_photon(c);
        return NR_OK;
    case KIND_B_MINUS_L:
        nr_zprime_couplings_b_minus_l(c);
        return NR_OK;
    }
    return nr_fail(err, NR_EINTERNAL, "", "unknown vector model");
}

static nr_status widths_of(const nr_darkcast *darkcast, const nr_param_value *p, const nr_zprime_couplings *c,
                           nr_zprime_widths *w, nr_error *err)
{
    nr_zprime_options opt;
    nr_zprime_options_default(&opt);
    opt.m_n_gev = p[P_M_NR].number;
    return nr_zprime_widths_compute(c, darkcast, p[P_MASS].number, &opt, w, err);
}

/* ------------------------------------------------------------------------------------------------ */
/* production at unit coupling, accepted by the decay volume                                        */

enum { MECH_PI0, MECH_ETA, MECH_BREM, N_MECH };

typedef struct {
    double mass;
    const nr_darkcast *darkcast;    /* hadronic widths         */
    nr_zprime_couplings couplings;  /* at unit coupling        */
    nr_decay_volume volume;
    double luminosity_fb;
    nr_zprime_widths widths;        /* at unit coupling        */
    double br_visible, br_ee, br_mumu, br_hadrons;
    int have[N_MECH];
    nr_llp_accepted accepted[N_MECH]; /* at unit coupling [pb] */
    const nr_experiment *dump;        /* the beam dump, NULL at the interaction point (beam_dump.h) */
    nr_dump_yield dump_yield;         /* at unit coupling        */
    int have_sn;                      /* a supernova: the luminosity tables at unit coupling (supernova.h) */
    nr_sn_luminosity sn;
} production;

static void production_free(production *pr)
{
    for (int m = 0; m < N_MECH; m++)
        if (pr->have[m])
            nr_llp_accepted_free(&pr->accepted[m]);
    if (pr->have_sn)
        nr_sn_luminosity_free(&pr->sn);
    memset(pr, 0, sizeof *pr);
}

static const char *meson_energy(const nr_experiment *e)
{
    return e->sqrt_s_tev < 13.8 ? "13.6TeV" : "14TeV"; /* the two energies of the meson tables */
}

/* The accepted production of the engine's forward-meson table `mesons` (energy, pdg) memoised in the LLP mass per
 * decay volume (llp_mesons.h, nr_meson_accept_set; issue 11): one set per meson table, kept by the engine
 * (nr_engine_derived), its masses shared by every request and model (dark_photon, b_minus_l, u1x: the BR is applied
 * after the table). Every mass gets its own evaluation (no interpolation between the masses evaluated before), so a
 * request's numbers do not depend on what other requests or the other threads of a contour evaluated first. When the
 * engine's set has no table for the volume (4 volumes held already, or memory short), a table of this call's own
 * evaluates the mass the same way (by the angle-summed rows, built for it: ~4 ms at FASER). */
static nr_status mtab_build(const nr_engine *engine, const void *arg, void **out, nr_error *err)
{
    (void)engine;
    *out = nr_meson_accept_set_new(arg);
    return *out ? NR_OK : nr_fail(err, NR_ENOMEM, "", "out of memory for a meson-decay table");
}

static void mtab_release(void *set)
{
    nr_meson_accept_set_free(set);
}

static nr_status accept_meson_decays(const nr_engine *engine, const char *energy, int pdg,
                                     const nr_hadron_table *mesons, double m, double br, const nr_decay_volume *v,
                                     nr_llp_accepted *acc, nr_error *err)
{
    static const nr_derived_spec spec = {mtab_build, mtab_release};
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    snprintf(key, sizeof key, "vector_ip/meson_accept/%s/%d", energy, pdg);
    const void *set = NULL;
    nr_error ignored;
    nr_meson_accept_table *t = NULL;
    if (nr_engine_derived(engine, key, &spec, mesons, &set, &ignored) == NR_OK && set)
        t = nr_meson_accept_set_get((nr_meson_accept_set *)set, v);
    if (t)
        return nr_meson_accept_table_accept(t, m, br, acc, err);
    nr_meson_accept_table *own = NULL;
    nr_status st = nr_meson_accept_table_new(mesons, v, 0.0, &own, err);
    if (st == NR_OK)
        st = nr_meson_accept_table_accept(own, m, br, acc, err);
    nr_meson_accept_table_free(own);
    return st;
}

/* A proton beam dump (proton_dump.h): the mechanisms of the interaction point, per proton on target, in the
 * fixed-target frame; the dump is then read as a decay volume with luminosity N_p / 1000 fb^-1. */
_Static_assert((int)MECH_PI0 == (int)NR_PDUMP_PI0 && (int)MECH_ETA == (int)NR_PDUMP_ETA &&
                   (int)MECH_BREM == (int)NR_PDUMP_BREM && (int)N_MECH == (int)NR_PDUMP_N_MECH, "proton-dump mechanisms in the order of the production lists");
static nr_status build_proton_dump(const nr_engine *engine, const nr_experiment *e, const nr_param_value *p,
                                   production *pr, nr_error *err)
{
    const nr_zprime_vertex *u = &pr->couplings.f[NR_ZP_F_U], *d = &pr->couplings.f[NR_ZP_F_D];
    int mechanisms = p[P_PRODUCTION].choice; /* 0 all, 1 mesons, 2 bremsstrahlung */
    /* no visible decay (e.g. a dark photon below 2 m_e): every signal and the E_X spectrum are br_visible (or a part
     * of it) times the production, so none is computed; nr_proton_dump_accept still checks the dump */
    int visible = pr->br_visible > 0.0;
    nr_proton_dump_production prod = {
        .mesons = visible && mechanisms != 2,
        .bremsstrahlung = visible && mechanisms != 1,
        .q = {u->g_v, d->g_v, pr->couplings.f[NR_ZP_F_S].g_v},
        .pc = {2.0 * (u->g_v + u->g_a) + (d->g_v + d->g_a), 2.0 * (u->g_v - u->g_a) + (d->g_v - d->g_a)},
        .brem = nr_brem_options_default(nr_fixed_target_sqrt_s_gev(e->beam_energy_gev)),
    };
    prod.brem.z_min = p[P_BREM_Z_MIN].number;
    prod.brem.z_max = p[P_BREM_Z_MAX].number;
    prod.brem.variant = (nr_brem_splitting_variant)p[P_BREM_SPLITTING].choice;
    prod.brem.resonances = (nr_brem_resonances)p[P_BREM_RESONANCES].choice;
    pr->luminosity_fb = nr_proton_dump_luminosity_fb(e);
    /* the dump's pi0 and eta do not depend on the request: built once per engine */
    const int pdg[2] = {111, 221};
    nr_hadron_table *owned[2] = {NULL, NULL}; /* tables beyond the engine's memo (nr_proton_dump_meson_table) */
    nr_status st = NR_OK;
    for (int k = 0; k < 2 && prod.mesons && st == NR_OK; k++) {
        st = nr_proton_dump_meson_table(engine, e, pdg[k], &prod.meson_tables[k], &owned[k], err);
        /* their accepted X memoised in the mass (issue 11), for the engine's tables only */
        if (st == NR_OK && !owned[k])
            nr_proton_dump_meson_accept_table(engine, e, pdg[k], prod.meson_tables[k], &prod.accept_tables[k]);
    }
    if (st == NR_OK)
        st = nr_proton_dump_accept(e, pr->mass, &prod, pr->accepted, pr->have, err);
    for (int k = 0; k < 2; k++)
        nr_proton_dump_meson_table_release(owned[k]);
    return st;
}

#define SN_PROFILE_WHERE "/experiment_overrides/" NR_SN_PROFILE_FIELD

/* A supernova: the Z' luminosity tables at unit coupling on the request's profile (004 Eqs. 53-59). */
static nr_status build_supernova(const nr_engine *engine, const nr_experiment *e, production *pr, nr_error *err)
{
    nr_sn_profile profile;
    /* pinned to the content the request was keyed with (e->sn_profile_sha256, set by the server) */
    nr_status st = nr_sn_profile_load(nr_engine_sn_profile_dir(engine), e->sn_profile, e->sn_profile_sha256,
                                      SN_PROFILE_WHERE, &profile, err);
    if (st != NR_OK)
        return st;
    nr_sn_zprime rates;
    nr_sn_zprime_init(&pr->couplings, pr->mass, &rates);
    st = nr_sn_luminosity_prepare(&profile, pr->mass, nr_sn_zprime_rates, &rates, &pr->sn, err);
    nr_sn_profile_free(&profile);
    if (st == NR_OK)
        pr->have_sn = 1;
    return st;
}

static nr_status build_production(const nr_engine *engine, const nr_experiment *e, vector_kind kind,
                                  const nr_param_value *p, production *pr, nr_error *err)
{
    memset(pr, 0, sizeof *pr);
    pr->mass = p[P_MASS].number;
    pr->volume = (nr_decay_volume){e->distance_m, e->length_m, e->radius_m};
    pr->luminosity_fb = e->luminosity_fb;
    nr_status st = nr_engine_get_darkcast(engine, &pr->darkcast, err); /* read on first use (engine.h) */
    if (st != NR_OK || (st = couplings_of(kind, p, &pr->couplings, err)) != NR_OK ||
        (st = widths_of(pr->darkcast, p, &pr->couplings, &pr->widths, err)) != NR_OK)
        return st;
    const nr_zprime_couplings *c = &pr->couplings;
    pr->br_visible = nr_zprime_br_visible(&pr->widths);
    pr->br_ee = nr_zprime_group_br(&pr->widths, NR_ZP_GROUP_EE);
    pr->br_mumu = nr_zprime_group_br(&pr->widths, NR_ZP_GROUP_MUMU);
    pr->br_hadrons = nr_zprime_group_br(&pr->widths, NR_ZP_GROUP_HADRONS);

    int mechanisms = p[P_PRODUCTION].choice; /* 0 all, 1 mesons, 2 bremsstrahlung */
    if (e->kind == NR_DETECTOR_SUPERNOVA)
        return build_supernova(engine, e, pr, err);
    if (e->kind == NR_DETECTOR_BEAM_DUMP && strcmp(e->beam_particle, "p") == 0)
        return build_proton_dump(engine, e, p, pr, err);
    if (e->kind == NR_DETECTOR_BEAM_DUMP) {
        /* electron charges x'_l = g_v + g_a, x'_e = g_v - g_a (004 Eq. 46 is symmetric in them) */
        const nr_zprime_vertex *el = &c->f[NR_ZP_F_E];
        pr->dump = e;
        st = nr_dump_yield_compute(e, pr->mass, (nr_electron_charges){el->g_v + el->g_a, el->g_v - el->g_a},
                                   &pr->dump_yield, err);
        if (st == NR_OK && mechanisms == 2)
            memset(pr->dump_yield.n_anni, 0, sizeof pr->dump_yield.n_anni);
        return st;
    }
    /* no visible decay: no production to compute (as in build_proton_dump) */
    int visible = pr->br_visible > 0.0;
    if (visible && mechanisms != 2) {
        /* quark vector couplings at unit gauge coupling, for the anomaly factors of 004 Eqs. 33-35 */
        nr_quark_vector_couplings q = {c->f[NR_ZP_F_U].g_v, c->f[NR_ZP_F_D].g_v, c->f[NR_ZP_F_S].g_v};
        const int pdg[2] = {111, 221};
        for (int k = 0; k < 2 && st == NR_OK; k++) {
            const nr_hadron_table *mesons = NULL;
            double br = 0.0;
            if ((st = nr_engine_get_mesons(engine, meson_energy(e), pdg[k], &mesons, err)) == NR_OK &&
                (st = nr_meson_br_x_gamma(pdg[k], pr->mass, &q, &br, err)) == NR_OK && br > 0) {
                /* decay angles integrated exactly over the acceptance (llp_mesons.h; converged, issue 10) */
                int mech = k == 0 ? MECH_PI0 : MECH_ETA;
                st = accept_meson_decays(engine, meson_energy(e), pdg[k], mesons, pr->mass, br, &pr->volume,
                                         &pr->accepted[mech], err);
                if (st == NR_OK)
                    pr->have[mech] = 1;
            }
        }
    }
    if (st == NR_OK && visible && mechanisms != 1) {
        /* proton chiral couplings: x'_pL = 3 x'_q (= 2 q_L(u) + q_L(d)), x'_pR = 2 x'_u + x'_d */
        const nr_zprime_vertex *u = &c->f[NR_ZP_F_U], *d = &c->f[NR_ZP_F_D];
        nr_proton_chiral_couplings pc = {2.0 * (u->g_v + u->g_a) + (d->g_v + d->g_a),
                                         2.0 * (u->g_v - u->g_a) + (d->g_v - d->g_a)};
        nr_brem_options opt = nr_brem_options_default(e->sqrt_s_tev * 1e3);
        opt.z_min = p[P_BREM_Z_MIN].number;
        opt.z_max = p[P_BREM_Z_MAX].number;
        opt.variant = (nr_brem_splitting_variant)p[P_BREM_SPLITTING].choice;
        opt.resonances = (nr_brem_resonances)p[P_BREM_RESONANCES].choice;
        /* the accepted pT^2 at each z in closed form, then one integral over z (bremsstrahlung.h; no grid), in the
         * momentum bins of the meson decays */
        st = nr_brem_accept(&pc, &opt, pr->mass, &pr->volume, nr_meson_decay_quadrature_default().p_bins_per_cell,
                            &pr->accepted[MECH_BREM], err);
        if (st == NR_OK)
            pr->have[MECH_BREM] = 1;
    }
    if (st != NR_OK)
        production_free(pr);
    return st;
}

/* ------------------------------------------------------------------------------------------------ */
/* the coupling, and the model functions shared by the three models                                 */

/* The family member a model table declares (its .data). */
typedef struct {
    vector_kind kind;
} vector_family;

static vector_kind kind_of(const nr_model *model)
{
    return ((const vector_family *)model->data)->kind;
}

/* The only place the gauge coupling g enters: every production cross section scales as g^2 and the lifetime as
 * 1/g^2 (004 Eqs. 17-21: all widths are g^2 times their value at g = 1). */
typedef struct {
    double g2;     /* g^2                       */
    double ctau_m; /* proper decay length [m]   */
} coupling_scaling;

static coupling_scaling scaling_at(const production *pr, const nr_param_value *p)
{
    double g = p[P_COUPLING].number;
    return (coupling_scaling){g * g, nr_zprime_ctau_m(&pr->widths, g)};
}

static nr_status vector_check(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                              const nr_param_value *p, nr_error *err)
{
    (void)model;
    if (e->kind == NR_DETECTOR_SUPERNOVA) {
        if (p[P_PRODUCTION].choice != 0)
            return nr_fail(err, NR_EINPUT, "/params/production", "at a supernova the production is that of 004 Eq. 55 "
                           "(nu nu -> Z', gamma mu -> Z' mu, mu mu -> Z'); leave 'production' at 'all'");
        nr_sn_profile profile; /* the named profile must exist and be well formed */
        nr_status st = nr_sn_profile_load(nr_engine_sn_profile_dir(engine), e->sn_profile, e->sn_profile_sha256,
                                          SN_PROFILE_WHERE, &profile, err);
        nr_sn_profile_free(&profile);
        return st;
    }
    if (e->kind == NR_DETECTOR_BEAM_DUMP) {
        int proton = strcmp(e->beam_particle, "p") == 0;
        if (!proton && strcmp(e->beam_particle, "e-") != 0 && strcmp(e->beam_particle, "e+") != 0)
            return nr_fail(err, NR_EINPUT, "/experiment", "%s: the beam must be e-, e+ or p, not '%s'", e->name,
                           e->beam_particle);
        if (proton && !(p[P_BREM_Z_MIN].number < p[P_BREM_Z_MAX].number))
            return nr_fail(err, NR_EINPUT, "/params/brem_z_min", "brem_z_min (%g) must be below brem_z_max (%g)",
                           p[P_BREM_Z_MIN].number, p[P_BREM_Z_MAX].number);
        /* bremsstrahlung's range first: below it neither mechanism applies; above BMPT's, bremsstrahlung does */
        if (proton && p[P_PRODUCTION].choice != 1) { /* bremsstrahlung: the pp fit's range (bremsstrahlung.h) */
            nr_status st = nr_brem_check_fixed_target_beam(e->beam_energy_gev, NR_BEAM_ENERGY_WHERE, err);
            if (st != NR_OK)
                return st;
        }
        if (proton && p[P_PRODUCTION].choice != 2) { /* pi0 and eta: the BMPT range (forward_mesons.h) */
            nr_status st = nr_forward_meson_check_beam(e->beam_energy_gev, err);
            if (st != NR_OK)
                return st;
        }
        if (!proton && p[P_PRODUCTION].choice == 1)
            return nr_fail(err, NR_EINPUT, "/params/production", "meson production at electron beam dumps is not "
                           "computed (004 Eq. 51); choose 'all' or 'bremsstrahlung'");
        if (!(p[P_MASS].number < e->beam_energy_gev))
            return nr_fail(err, NR_EINPUT, "/params", "the mass must be below the beam energy of %s (%g GeV)",
                           e->name, e->beam_energy_gev);
        return NR_OK;
    }
    if (!(e->radius_m > 0 && e->length_m > 0 && e->luminosity_fb > 0))
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s is not a decay volume", e->name);
    if (!(p[P_BREM_Z_MIN].number < p[P_BREM_Z_MAX].number))
        return nr_fail(err, NR_EINPUT, "/params/brem_z_min", "brem_z_min (%g) must be below brem_z_max (%g)",
                       p[P_BREM_Z_MIN].number, p[P_BREM_Z_MAX].number);
    return NR_OK;
}

/* The production at unit coupling and what reaches the volume, prepared once per mass; every coupling then costs
 * one pass over the accepted momenta. */
static nr_status vector_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                                const nr_param_value *p, void *state, nr_error *err)
{
    return build_production(engine, e, kind_of(model), p, state, err);
}

static nr_status vector_signals_at(const nr_model *model, const void *state, const nr_param_value *p,
                                   double *values, nr_error *err)
{
    (void)model;
    (void)err;
    const production *pr = state;
    if (pr->have_sn) {
        double l[NR_SN_N_PROC], all = nr_sn_luminosity_at(&pr->sn, p[P_COUPLING].number, l) / pr->sn.l_nu_erg_s;
        for (int s = 0; s < N_SIGNALS; s++)
            values[s] = 0.0;
        values[S_VISIBLE] = all;
        values[S_SN_NUNU] = l[NR_SN_NUNU] / pr->sn.l_nu_erg_s;
        values[S_SN_COMPTON] = l[NR_SN_COMPTON] / pr->sn.l_nu_erg_s;
        values[S_SN_MUMU] = l[NR_SN_MUMU] / pr->sn.l_nu_erg_s;
        return NR_OK;
    }
    coupling_scaling c = scaling_at(pr, p);
    if (pr->dump) {
        double brem, anni;
        nr_dump_events(&pr->dump_yield, pr->dump, p[P_COUPLING].number, c.ctau_m, &brem, &anni);
        double all = brem + anni;
        values[S_VISIBLE] = all * pr->br_visible;
        values[S_EE] = all * pr->br_ee;
        values[S_MUMU] = all * pr->br_mumu;
        values[S_HADRONS] = all * pr->br_hadrons;
        values[S_FROM_PI0] = values[S_FROM_ETA] = 0.0;
        values[S_FROM_BREM] = brem * pr->br_visible;
        values[S_FROM_ANNI] = anni * pr->br_visible;
        values[S_SN_NUNU] = values[S_SN_COMPTON] = values[S_SN_MUMU] = 0.0;
        return NR_OK;
    }
    double decaying[N_MECH] = {0, 0, 0};
    for (int m = 0; m < N_MECH; m++)
        if (pr->have[m])
            decaying[m] = c.g2 * nr_llp_events_accepted(&pr->accepted[m], &pr->volume, c.ctau_m, pr->luminosity_fb);
    double all = decaying[MECH_PI0] + decaying[MECH_ETA] + decaying[MECH_BREM];
    values[S_VISIBLE] = all * pr->br_visible;
    values[S_EE] = all * pr->br_ee;
    values[S_MUMU] = all * pr->br_mumu;
    values[S_HADRONS] = all * pr->br_hadrons;
    values[S_FROM_PI0] = decaying[MECH_PI0] * pr->br_visible;
    values[S_FROM_ETA] = decaying[MECH_ETA] * pr->br_visible;
    values[S_FROM_BREM] = decaying[MECH_BREM] * pr->br_visible;
    values[S_FROM_ANNI] = 0.0;
    values[S_SN_NUNU] = values[S_SN_COMPTON] = values[S_SN_MUMU] = 0.0;
    return NR_OK;
}

#define E_BINS 40
#define BR_BINS 60

static nr_status energy_spectrum(const production *pr, const nr_param_value *p, nr_table *out, nr_error *err)
{
    nr_status st = nr_table_init(out, N_MECH, E_BINS, err);
    if (st != NR_OK)
        return st;
    static const char *const names[N_MECH] = {"from_pi0", "from_eta", "from_bremsstrahlung"};
    for (int m = 0; m < N_MECH; m++) {
        snprintf(out->channel[m], sizeof out->channel[m], "%s", names[m]);
        snprintf(out->channel_label[m], sizeof out->channel_label[m], "visible decays in the volume, %s",
                 names[m] + 5);
    }
    snprintf(out->x_name, sizeof out->x_name, "E_X");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_log_bins(out, 10.0, 1e4); /* [GeV] */
    coupling_scaling c = scaling_at(pr, p);
    for (int m = 0; m < N_MECH; m++) {
        if (!pr->have[m])
            continue;
        const nr_llp_accepted *a = &pr->accepted[m];
        for (size_t i = 0; i < a->n; i++) {
            double en = sqrt(a->p_gev[i] * a->p_gev[i] + pr->mass * pr->mass);
            double d = a->p_gev[i] / pr->mass * c.ctau_m;
            double n = c.g2 * a->weight_pb[i] * pr->luminosity_fb * NR_INV_FB_TO_INV_PB *
                       nr_llp_decay_probability(pr->volume.distance_m, pr->volume.length_m, d) * pr->br_visible;
            nr_table_fill(out, (size_t)m, en, n);
        }
    }
    nr_table_sum_channels(out);
    return NR_OK;
}

/* Branching fractions per decay group on a log grid of masses (004 Fig. 1); the values in the table are
 * branching fractions, not events (the channel labels say so). */
static nr_status branching_spectrum(const nr_model *model, const production *pr, const nr_param_value *p,
                                    nr_table *out, nr_error *err)
{
    nr_status st = nr_table_init(out, NR_ZP_N_GROUPS, BR_BINS, err);
    if (st != NR_OK)
        return st;
    for (int gidx = 0; gidx < NR_ZP_N_GROUPS; gidx++) {
        /* br_<group>: not the rates signal of the same group (those are events) */
        snprintf(out->channel[gidx], sizeof out->channel[gidx], "br_%s", nr_zprime_group_name((nr_zprime_group)gidx));
        snprintf(out->channel_label[gidx], sizeof out->channel_label[gidx], "branching fraction into %s (not events)",
                 nr_zprime_group_name((nr_zprime_group)gidx));
    }
    snprintf(out->x_name, sizeof out->x_name, "mass");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_log_bins(out, 0.01, 10.0); /* [GeV] */
    nr_param_value q[N_MAX_PARAMS];
    memcpy(q, p, model->n_params * sizeof *q); /* the presets declare fewer parameters than N_MAX_PARAMS */
    for (size_t b = 0; b < BR_BINS; b++) {
        q[P_MASS].number = sqrt(out->bin_lo[b] * out->bin_hi[b]);
        nr_zprime_widths w;
        if ((st = widths_of(pr->darkcast, q, &pr->couplings, &w, err)) != NR_OK)
            return st;
        for (int gidx = 0; gidx < NR_ZP_N_GROUPS; gidx++)
            out->events[gidx * BR_BINS + b] = nr_zprime_group_br(&w, (nr_zprime_group)gidx);
    }
    for (int gidx = 0; gidx < NR_ZP_N_GROUPS; gidx++)
        out->total[gidx] = 0.0; /* a sum of branching fractions over masses means nothing */
    return NR_OK;
}

static nr_status vector_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                                nr_error *err)
{
    const production *pr = state;
    if (pr->have_sn && p[P_DISTRIBUTION].choice == 0)
        return nr_fail(err, NR_EINPUT, "/params/distribution", "the E_X spectrum is not computed at a supernova; "
                       "choose 'branching_fractions'");
    if (pr->dump && p[P_DISTRIBUTION].choice == 0)
        return nr_fail(err, NR_EINPUT, "/params/distribution", "the E_X spectrum is not computed at beam dumps; "
                       "choose 'branching_fractions'");
    return p[P_DISTRIBUTION].choice == 0 ? energy_spectrum(state, p, out, err)
                                         : branching_spectrum(model, state, p, out, err);
}

static void vector_release(const nr_model *model, void *state)
{
    (void)model;
    production_free(state);
}

/* Thresholds of the signals in the boson mass (nr_model.signal_threshold): every visible final state needs at least
 * an e+ e- pair (004 Eq. 17 opens at m = 2 m_e with the velocity; the hadronic channels, pi0 gamma the lightest,
 * open above it), so below 2 m_e nothing decays visibly and the visible signals are exactly zero (at a supernova
 * `visible` is a luminosity ratio instead: no threshold); mu+ mu- needs 2 m_mu. [GeV] */
static double vector_signal_threshold(const nr_model *model, const nr_experiment *e, const nr_param_value *params,
                                      size_t signal, size_t param)
{
    (void)model;
    (void)params;
    if (param != P_MASS || (e && e->kind == NR_DETECTOR_SUPERNOVA))
        return NAN;
    switch (signal) {
    case S_VISIBLE:
    case S_EE:
    case S_FROM_PI0:
    case S_FROM_ETA:
    case S_FROM_BREM:
    case S_FROM_ANNI:
        return 2.0 * NR_M_ELECTRON;
    case S_MUMU:
        return 2.0 * NR_M_MUON;
    default:
        return NAN;
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* the three model tables                                                                            */

#define REFERENCES_004                                                                                              \
    "paper 004 (chiral U(1)_X Z' at FASER): charges Tables I, III; widths Eqs. 17-21, 60-61; acceptance Eqs. "      \
    "22-24; bremsstrahlung Eqs. 25-32; meson decays Eqs. 33-35; FASER geometry Table V. Hadronic widths: DarkCast, "  \
    "Ilten, Soreq, Williams, Xue, arXiv:1801.04847. Meson spectra: EPOS-LHC via FORESEE, arXiv:2105.07077"

static const vector_family u1x_family = {KIND_U1X};
static const vector_family dark_photon_family = {KIND_DARK_PHOTON};
static const vector_family b_minus_l_family = {KIND_B_MINUS_L};

/* What the three tables share: the family's signals, state and functions. */
#define VECTOR_IP_MODEL_COMMON                                                                                      \
    .references = REFERENCES_004, .detector_kind = NR_DETECTOR_DECAY_VOLUME, .signals = vector_signals,              \
    .n_signals = N_SIGNALS, .state_size = sizeof(production), .check = vector_check, .prepare = vector_prepare,      \
    .signals_at = vector_signals_at, .spectra = vector_spectra, .release = vector_release,                         \
    .signal_threshold = vector_signal_threshold,                                                                    \
    .total_signal = "visible" /* = the sum of the visible_from_* channels; ee, mumu, hadrons are parts of it */

const nr_model nr_model_u1x = {
    .name = "u1x",
    .title = "Chiral U(1)_X gauge boson Z' from the interaction point",
    .description = "A Z' gauge boson of a chiral U(1)_X (charges set by x_H and x_Phi, 004 Table I) made in pi0/eta "
                   "decays and proton bremsstrahlung at the ATLAS interaction point, decaying in the FASER / FASER 2 "
                   "decay volume.",
    .params = u1x_params,
    .n_params = sizeof u1x_params / sizeof u1x_params[0],
    .data = &u1x_family,
    .also_serves = (1u << NR_DETECTOR_BEAM_DUMP) | (1u << NR_DETECTOR_SUPERNOVA),
    VECTOR_IP_MODEL_COMMON,
};

const nr_model nr_model_dark_photon = {
    .name = "dark_photon",
    .title = "Dark photon from the interaction point",
    .description = "A kinetically mixed dark photon (couplings eps e Q_f) made in pi0/eta decays and proton "
                   "bremsstrahlung, decaying in the FASER / FASER 2 decay volume: the U(1)_X machinery with vector "
                   "couplings.",
    .params = dark_photon_params,
    .n_params = sizeof dark_photon_params / sizeof dark_photon_params[0],
    .data = &dark_photon_family,
    /* not supernovae: a dark photon there needs the in-medium suppression of its mixing, which is not computed */
    .also_serves = 1u << NR_DETECTOR_BEAM_DUMP,
    VECTOR_IP_MODEL_COMMON,
};

const nr_model nr_model_b_minus_l = {
    .name = "b_minus_l",
    .title = "Gauged B-L boson from the interaction point",
    .description = "The U(1)_B-L gauge boson (x_H = 0 of the U(1)_X model): couplings g_BL (B - L), decays including "
                   "the invisible nu nu channel.",
    .params = b_minus_l_params,
    .n_params = sizeof b_minus_l_params / sizeof b_minus_l_params[0],
    .data = &b_minus_l_family,
    .also_serves = (1u << NR_DETECTOR_BEAM_DUMP) | (1u << NR_DETECTOR_SUPERNOVA),
    VECTOR_IP_MODEL_COMMON,
};
