/* proton_dump.c: X from proton bremsstrahlung and pi0/eta decays in a proton beam dump, and what enters the decay
 * region (paper 004 Eqs. 22-24, 32, 36-37); see proton_dump.h. Units: GeV, rad, m. */
#include "proton_dump.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "forward_mesons.h"
#include "llp_mesons.h"

/* X per proton on target in one (log10 theta, log10 p) cell: the integral of |F1|^2 w sigma_pp(s') / sigma_pp(s)
 * over the cell, with dz dpT^2 = 2 p^3 sin(theta) theta ln10^2 / P dlog10 p dlog10 theta (z = p cos(theta) / P,
 * pT = p sin(theta), P the lab beam momentum), n_sub x n_sub midpoints. */
static double brem_cell(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double m_x, double p_beam,
                        double per_sigma_pb, int it, int ip)
{
    double h = NR_LLP_CELL_LOG10_WIDTH / o->n_sub, ln10 = log(10.0), sum = 0.0;
    double lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
    double lp0 = NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH;
    for (int a = 0; a < o->n_sub; a++) {
        double theta = pow(10.0, lt0 + (a + 0.5) * h), st = sin(theta), ct = cos(theta);
        for (int b = 0; b < o->n_sub; b++) {
            double p = pow(10.0, lp0 + (b + 0.5) * h);
            double z = p * ct / p_beam, pt2 = p * p * st * st;
            double jac = 2.0 * p * p * p * st * theta * ln10 * ln10 * h * h / p_beam;
            sum += jac * nr_brem_dsigma_dz_dpt2_pb(c, o, z, pt2, m_x);
        }
    }
    return sum * per_sigma_pb;
}

nr_status nr_proton_dump_add_bremsstrahlung(nr_llp_spectrum *s, double e_beam_gev, const nr_proton_chiral_couplings *c,
                                            const nr_brem_options *opt, nr_error *err)
{
    if (!s || !s->w_pb || !c || !opt)
        return nr_fail(err, NR_EINTERNAL, "proton dump", "spectrum not initialised");
    nr_status valid = nr_brem_check_fixed_target_beam(e_beam_gev, "/experiment", err);
    if (valid != NR_OK)
        return valid;
    double sqrt_s = nr_fixed_target_sqrt_s_gev(e_beam_gev);
    if (!(fabs(opt->sqrt_s_gev - sqrt_s) < 1e-9 * sqrt_s) || !(opt->n_sub >= 1 && opt->n_sub <= 64))
        return nr_fail(err, NR_EINTERNAL, "proton dump", "bremsstrahlung options not made for the fixed target");
    double p_beam = sqrt(e_beam_gev * e_beam_gev - NR_M_PROTON * NR_M_PROTON);
    /* 004 Eq. (32): per proton, divide by sigma_pp(s) of the beam on a target nucleon [pb] */
    double sigma_pb = nr_pp_sigma_inel_mb(sqrt_s * sqrt_s) * 1e9;
    if (!(sigma_pb > 0.0))
        return nr_fail(err, NR_EINPUT, "/experiment", "beam energy %g GeV is below the pp threshold", e_beam_gev);
    double log10_p_max = log10(opt->z_max * p_beam) + 0.01, log10_pt_max = log10(opt->pt_max_gev);
    for (int it = 0; it < NR_LLP_N_THETA; it++) {
        double lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
        if (lt0 > log10(0.5 * NR_PI))
            break;
        double log10_sin_theta_min = log10(sin(pow(10.0, lt0)));
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            double lp0 = NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH;
            if (lp0 > log10_p_max || lp0 + log10_sin_theta_min > log10_pt_max)
                break;
            s->w_pb[it * NR_LLP_N_P + ip] += brem_cell(c, opt, s->mass_gev, p_beam, 1.0 / sigma_pb, it, ip);
        }
    }
    return NR_OK;
}

double nr_proton_dump_luminosity_fb(const nr_experiment *e)
{
    return e->particles_on_target / NR_INV_FB_TO_INV_PB;
}

/* Drops the accepted X below the detector's energy threshold. */
static void apply_threshold(nr_llp_accepted *acc, double e_min_gev)
{
    if (!(e_min_gev > 0.0))
        return;
    acc->total_pb = 0.0;
    for (size_t i = 0; i < acc->n; i++) {
        if (sqrt(acc->p_gev[i] * acc->p_gev[i] + acc->mass_gev * acc->mass_gev) < e_min_gev)
            acc->weight_pb[i] = 0.0;
        acc->total_pb += acc->weight_pb[i];
    }
}

nr_status nr_proton_dump_accept(const nr_experiment *e, double m, const nr_proton_dump_production *prod,
                                nr_llp_accepted accepted[NR_PDUMP_N_MECH], int have[NR_PDUMP_N_MECH], nr_error *err)
{
    memset(accepted, 0, sizeof(nr_llp_accepted) * NR_PDUMP_N_MECH);
    memset(have, 0, sizeof(int) * NR_PDUMP_N_MECH);
    if (strcmp(e->beam_particle, "p") != 0)
        return nr_fail(err, NR_EINPUT, "/experiment", "%s: not a proton beam dump", e->name);
    if (!e->target)
        return nr_fail(err, NR_EINPUT, "/experiment", "%s: the dump has no material", e->name);
    if (!(m > 0.0) || !(m < e->beam_energy_gev))
        return nr_fail(err, NR_EINPUT, "/params", "the boson mass %g GeV must be below the beam energy %g GeV", m,
                       e->beam_energy_gev);
    nr_decay_volume v = {e->distance_m, e->length_m, e->radius_m};
    nr_status st = NR_OK;
    if (prod->mesons) {
        const int pdg[2] = {111, 221}, mech[2] = {NR_PDUMP_PI0, NR_PDUMP_ETA};
        for (int k = 0; k < 2 && st == NR_OK; k++) {
            double br = 0.0;
            if ((st = nr_meson_br_x_gamma(pdg[k], m, &prod->q, &br, err)) != NR_OK || !(br > 0.0))
                continue;
            /* one midpoint per cell: the accepted X change by < 0.1% with 2 x 2 or 4 x 4 (nu-Cal, 50 MeV) */
            nr_hadron_table own = {0};
            const nr_hadron_table *mesons = prod->meson_tables[k];
            if (!mesons && (st = nr_forward_meson_table(pdg[k], e->beam_energy_gev, e->target, 1, &own, err)) == NR_OK)
                mesons = &own;
            /* the engine's mass memo (nr_proton_dump_meson_accept_table), else a table of this call's own with the
             * same lattice: the numbers do not depend on what the engine holds */
            nr_meson_accept_table *tab = mesons == prod->meson_tables[k] ? prod->accept_tables[k] : NULL, *own_tab = NULL;
            if (st == NR_OK && !tab && (st = nr_meson_accept_table_new(mesons, &v, 0.0, &own_tab, err)) == NR_OK) {
                nr_meson_accept_table_set_lattice(own_tab, NR_PDUMP_LATTICE_H, NR_PDUMP_LATTICE_X_MAX);
                nr_meson_accept_table_set_axis_fraction(own_tab, NR_PDUMP_AXIS_FRACTION);
                tab = own_tab;
            }
            if (st == NR_OK) {
                st = nr_meson_accept_table_accept(tab, m, br, &accepted[mech[k]], err);
                if (st == NR_OK)
                    have[mech[k]] = 1;
            }
            nr_meson_accept_table_free(own_tab);
            nr_hadron_table_free(&own);
        }
    }
    if (st == NR_OK && prod->bremsstrahlung) {
        nr_brem_options opt = prod->brem;
        opt.sqrt_s_gev = nr_fixed_target_sqrt_s_gev(e->beam_energy_gev);
        /* the accepted pT^2 (004 Eq. 22: pT < r_det / (l_dump + l_sh + l_dec) p_z) at each z in closed form, then one
         * integral over z in the momentum bins of the meson decays (bremsstrahlung.h; no (theta, p) grid, so no
         * momentum above the beam's) */
        st = nr_brem_accept_fixed_target(&prod->pc, &opt, e->beam_energy_gev, m, &v,
                                         nr_meson_decay_quadrature_default().p_bins_per_cell,
                                         &accepted[NR_PDUMP_BREM], err);
        if (st == NR_OK)
            have[NR_PDUMP_BREM] = 1;
    }
    for (int k = 0; k < NR_PDUMP_N_MECH; k++)
        if (have[k])
            apply_threshold(&accepted[k], e->e_min_gev);
    if (st != NR_OK)
        for (int k = 0; k < NR_PDUMP_N_MECH; k++)
            if (have[k]) {
                nr_llp_accepted_free(&accepted[k]);
                have[k] = 0;
            }
    return st;
}

typedef struct {
    int pdg;
    double e_beam_gev;
    const nr_material *target;
} meson_table_arg;

static nr_status meson_table_build(const nr_engine *engine, const void *arg, void **out, nr_error *err)
{
    (void)engine;
    const meson_table_arg *a = arg;
    nr_hadron_table *t = calloc(1, sizeof *t);
    if (!t)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a forward meson table");
    nr_status st = nr_forward_meson_table(a->pdg, a->e_beam_gev, a->target, 1, t, err);
    if (st != NR_OK) {
        nr_hadron_table_free(t);
        free(t);
        t = NULL;
    }
    *out = t;
    return st;
}

static void meson_table_release(void *table)
{
    nr_hadron_table_free(table);
    free(table);
}

nr_status nr_proton_dump_meson_table(const nr_engine *engine, const nr_experiment *e, int pdg,
                                     const nr_hadron_table **table, nr_hadron_table **owned, nr_error *err)
{
    static const nr_derived_spec spec = {meson_table_build, meson_table_release};
    *table = NULL;
    *owned = NULL;
    if (!e->target)
        return nr_fail(err, NR_EINPUT, "/experiment", "%s: the dump has no material", e->name);
    nr_status valid = nr_forward_meson_check_beam(e->beam_energy_gev, err); /* no memo slot for a refused energy */
    if (valid != NR_OK)
        return valid;
    const meson_table_arg arg = {pdg, e->beam_energy_gev, e->target};
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    int n = snprintf(key, sizeof key, "proton_dump/%d/%.17g/%s", pdg, e->beam_energy_gev, e->target->name);
    if (n < 0 || (size_t)n >= sizeof key) {
        /* a key cut short could name another energy's table: build this one outside the memo */
        void *t = NULL;
        nr_status st = meson_table_build(engine, &arg, &t, err);
        *table = *owned = t;
        return st;
    }
    const void *t = NULL;
    void *mine = NULL;
    /* the beam energy can come from a request (experiment_overrides), so there can be more energies than the
     * engine's memo holds: beyond that, a table of this call's own */
    nr_status st = nr_engine_derived_or_build(engine, key, &spec, &arg, &t, &mine, err);
    *table = t;
    *owned = mine;
    return st;
}

void nr_proton_dump_meson_table_release(nr_hadron_table *owned)
{
    if (owned)
        meson_table_release(owned);
}

/* The engine's memo of accepted meson decays of one memoised meson table (arg), per decay volume. */
static nr_status accept_set_build(const nr_engine *engine, const void *arg, void **out, nr_error *err)
{
    (void)engine;
    /* step 0: above the lattice a mass reuses only its own evaluation (no order-dependent interpolation) */
    *out = nr_meson_accept_set_new_with(arg, 0.0, NR_PDUMP_LATTICE_H, NR_PDUMP_LATTICE_X_MAX, NR_PDUMP_AXIS_FRACTION);
    return *out ? NR_OK : nr_fail(err, NR_ENOMEM, "", "out of memory for a meson-decay table");
}

static void accept_set_release(void *set)
{
    nr_meson_accept_set_free(set);
}

void nr_proton_dump_meson_accept_table(const nr_engine *engine, const nr_experiment *e, int pdg,
                                       const nr_hadron_table *mesons, nr_meson_accept_table **table)
{
    static const nr_derived_spec spec = {accept_set_build, accept_set_release};
    *table = NULL;
    if (!engine || !mesons || !e->target)
        return;
    /* the key names the meson table's own key (nr_proton_dump_meson_table), so one key always gets the same table */
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    int n = snprintf(key, sizeof key, "proton_dump/acc/%d/%.17g/%s", pdg, e->beam_energy_gev, e->target->name);
    if (n < 0 || (size_t)n >= sizeof key)
        return;
    const void *set = NULL;
    nr_error ignored;
    if (nr_engine_derived(engine, key, &spec, mesons, &set, &ignored) != NR_OK || !set)
        return; /* the memo full: direct evaluation */
    nr_decay_volume v = {e->distance_m, e->length_m, e->radius_m};
    *table = nr_meson_accept_set_get((nr_meson_accept_set *)set, &v);
}
