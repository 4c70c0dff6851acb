/* test_proton_dump.c: the proton beam dumps (physics/proton_dump.h): fixed-target FWW bremsstrahlung against two
 * independent integrations, the detector threshold, refusals, and the vector models at nu-Cal and DUNE.
 *
 * Checks and their sources:
 *   - the lab-frame grid of X per proton, integrated over all cells, against the collider-frame grid of
 *     bremsstrahlung.c at the same sqrt(s) divided by sigma_pp(s) (z and pT^2 are the same in both frames, so
 *     the totals must agree: a second integrator in another frame);
 *   - what lies inside the nu-Cal cone (cells with theta below a cell edge) against Gauss-Kronrod in (z, pT^2) of
 *     004 Eq. (32) with pT < z p_beam tan(theta);
 *   - the threshold removes exactly the accepted X below e_min;
 *   - the model: visible = pi0 + eta + bremsstrahlung at nu-Cal; `production` selects the mechanisms.
 */
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "forward_mesons.h"
#include "engine.h"
#include "model.h"
#include "nr_test.h"
#include "proton_dump.h"

static const nr_proton_chiral_couplings unit_vector = {1.0, 1.0}; /* g_L = g_R = 1 */

static void test_frames(void)
{
    nr_error err;
    const double eb = 68.6, m = 0.05, sqrt_s = nr_fixed_target_sqrt_s_gev(eb);
    nr_brem_options opt = nr_brem_options_default(sqrt_s);
    opt.z_min = 0.1; /* keeps the collider-frame momenta (z sqrt(s)/2 > 0.57 GeV) well inside the grid */
    opt.z_max = 0.9;
    /* the window's edges cut through cells: with the default 4 x 4 midpoints the lab grid is 1.1% high, 0.5% with
     * 8 x 8, 0.1% with 16 x 16 (the collider grid converges faster: its cells are wider in z) */
    opt.n_sub = 8;
    nr_llp_spectrum lab, cm;
    CHECK(nr_llp_spectrum_init(&lab, m, &err) == NR_OK && nr_llp_spectrum_init(&cm, m, &err) == NR_OK, "init");
    CHECK(nr_proton_dump_add_bremsstrahlung(&lab, eb, &unit_vector, &opt, &err) == NR_OK, "lab: %s", err.message);
    CHECK(nr_llp_spectrum_add_bremsstrahlung(&cm, &unit_vector, &opt, &err) == NR_OK, "cm: %s", err.message);
    double per_proton_cm = nr_llp_spectrum_total_pb(&cm) / (nr_pp_sigma_inel_mb(sqrt_s * sqrt_s) * 1e9);
    CHECK_REL(nr_llp_spectrum_total_pb(&lab), per_proton_cm, 0.007, "X per proton: lab grid vs collider-frame grid");
    nr_llp_spectrum_free(&cm);
    nr_llp_spectrum_free(&lab);
    /* wrong options are refused */
    CHECK(nr_llp_spectrum_init(&lab, m, &err) == NR_OK, "init");
    CHECK(nr_proton_dump_add_bremsstrahlung(&lab, 120.0, &unit_vector, &opt, &err) == NR_EINTERNAL,
          "options made for another beam energy refused");
    nr_llp_spectrum_free(&lab);
}

typedef struct {
    double z, p_beam, tan_theta, m;
    const nr_brem_options *opt;
} cone_args;

static double cone_pt2(double pt2, void *vp)
{
    cone_args *a = vp;
    return nr_brem_dsigma_dz_dpt2_pb(&unit_vector, a->opt, a->z, pt2, a->m);
}

static double cone_z(double z, void *vp)
{
    cone_args *a = vp;
    a->z = z;
    double top = fmin(a->opt->pt_max_gev, z * a->p_beam * a->tan_theta);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function f = {cone_pt2, a};
    double r = 0, e = 0;
    gsl_integration_qag(&f, 0.0, top * top, 0, 1e-8, 200, GSL_INTEG_GAUSS21, ws, &r, &e);
    gsl_integration_workspace_free(ws);
    return r;
}

static void test_cone(void)
{
    nr_error err;
    const double eb = 68.6, m = 0.1, sqrt_s = nr_fixed_target_sqrt_s_gev(eb);
    nr_brem_options opt = nr_brem_options_default(sqrt_s);
    opt.z_min = 0.01;
    opt.n_sub = 8;
    nr_llp_spectrum s;
    CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "init");
    CHECK(nr_proton_dump_add_bremsstrahlung(&s, eb, &unit_vector, &opt, &err) == NR_OK, "lab: %s", err.message);
    double theta_edge = pow(10.0, -1.8); /* a cell edge, near nu-Cal's 1.3 m / 87 m = 15 mrad */
    double grid = nr_llp_spectrum_sigma_pb(&s, theta_edge, 0.0);
    cone_args a = {0, sqrt(eb * eb - NR_M_PROTON * NR_M_PROTON), tan(theta_edge), m, &opt};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function f = {cone_z, &a};
    double r = 0, e = 0;
    gsl_integration_qag(&f, opt.z_min, opt.z_max, 0, 1e-7, 200, GSL_INTEG_GAUSS21, ws, &r, &e);
    gsl_integration_workspace_free(ws);
    r /= nr_pp_sigma_inel_mb(sqrt_s * sqrt_s) * 1e9;
    CHECK_REL(grid, r, 0.01, "X per proton inside 10^-1.8 rad: cells vs Gauss-Kronrod in (z, pT^2)");
    printf("nu-Cal, m = 0.1 GeV, g_L = g_R = 1: %.4g X per proton inside 15.8 mrad (0.01 < z < 1)\n", grid);
    nr_llp_spectrum_free(&s);
}

static void test_accept(void)
{
    nr_error err;
    nr_experiment nucal = *nr_experiment_find("nu-Cal");
    nr_proton_dump_production prod = {1, 1, nr_quark_couplings_dark_photon(1.0),
                                      nr_proton_couplings_dark_photon(1.0),
                                      nr_brem_options_default(1.0), {NULL, NULL}, {NULL, NULL}};
    nr_llp_accepted acc[NR_PDUMP_N_MECH], cut[NR_PDUMP_N_MECH];
    int have[NR_PDUMP_N_MECH], have_cut[NR_PDUMP_N_MECH];
    CHECK(nr_proton_dump_accept(&nucal, 0.05, &prod, acc, have, &err) == NR_OK, "accept: %s", err.message);
    CHECK(have[NR_PDUMP_PI0] && have[NR_PDUMP_ETA] && have[NR_PDUMP_BREM], "three mechanisms below m_pi0");
    nucal.e_min_gev = 10.0;
    CHECK(nr_proton_dump_accept(&nucal, 0.05, &prod, cut, have_cut, &err) == NR_OK, "accept with a threshold");
    for (int k = 0; k < NR_PDUMP_N_MECH; k++) {
        double above = 0;
        for (size_t i = 0; i < acc[k].n; i++)
            if (sqrt(acc[k].p_gev[i] * acc[k].p_gev[i] + 0.05 * 0.05) >= 10.0)
                above += acc[k].weight_pb[i];
        CHECK_REL(cut[k].total_pb, above, 1e-12, "threshold keeps exactly the X above 10 GeV");
        CHECK(cut[k].total_pb < acc[k].total_pb, "threshold removes some");
        printf("nu-Cal, dark photon eps = 1, 50 MeV: mechanism %d: %.4g X per proton into the detector (%.4g above "
               "10 GeV)\n", k, acc[k].total_pb, cut[k].total_pb);
        nr_llp_accepted_free(&acc[k]);
        nr_llp_accepted_free(&cut[k]);
    }
    CHECK(nr_proton_dump_accept(&nucal, 0.2, &prod, acc, have, &err) == NR_OK, "accept at 0.2 GeV");
    CHECK(!have[NR_PDUMP_PI0] && have[NR_PDUMP_ETA] && have[NR_PDUMP_BREM], "no pi0 above its mass");
    for (int k = 0; k < NR_PDUMP_N_MECH; k++)
        if (have[k])
            nr_llp_accepted_free(&acc[k]);
    /* the meson tables memoised in the engine (nr_proton_dump_meson_table) give the same X as those made per call */
    nr_engine *engine = NULL;
    if (nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK) {
        nr_proton_dump_production memo = prod;
        const nr_hadron_table *again = NULL;
        nr_hadron_table *owned[3] = {NULL, NULL, NULL};
        CHECK(nr_proton_dump_meson_table(engine, &nucal, 111, &memo.meson_tables[0], &owned[0], &err) == NR_OK &&
                  nr_proton_dump_meson_table(engine, &nucal, 221, &memo.meson_tables[1], &owned[1], &err) == NR_OK &&
                  nr_proton_dump_meson_table(engine, &nucal, 111, &again, &owned[2], &err) == NR_OK,
              "memoised meson tables: %s", err.message);
        CHECK(again && again == memo.meson_tables[0], "a second request returns the memoised table");
        CHECK(!owned[0] && !owned[1] && !owned[2], "a memo with room owns its tables");
        nr_llp_accepted a1[NR_PDUMP_N_MECH], a2[NR_PDUMP_N_MECH];
        int h1[NR_PDUMP_N_MECH], h2[NR_PDUMP_N_MECH];
        CHECK(nr_proton_dump_accept(&nucal, 0.05, &prod, a1, h1, &err) == NR_OK &&
                  nr_proton_dump_accept(&nucal, 0.05, &memo, a2, h2, &err) == NR_OK,
              "accept with and without the memo");
        for (int k = 0; k < NR_PDUMP_N_MECH; k++) {
            CHECK(h1[k] && h2[k] && a1[k].total_pb == a2[k].total_pb, "mechanism %d: same X with the memo", k);
            nr_llp_accepted_free(&a1[k]);
            nr_llp_accepted_free(&a2[k]);
        }
        nr_engine_free(engine);
    }
    CHECK(nr_proton_dump_accept(&nucal, 70.0, &prod, acc, have, &err) == NR_EINPUT, "mass above the beam refused");
    CHECK(nr_proton_dump_accept(nr_experiment_find("E137"), 0.05, &prod, acc, have, &err) == NR_EINPUT,
          "an electron dump is not a proton dump");
}

static double signal(const nr_engine *engine, const char *exp, const char *name, const char *production, double m,
                     double eps)
{
    const nr_model *model = nr_model_find("dark_photon");
    nr_param_value p[16];
    nr_model_defaults(model, p);
    p[0].number = m;
    p[1].number = eps;
    int ip = nr_model_param_index(model, "production");
    for (int c = 0; model->params[ip].choices[c]; c++)
        if (strcmp(model->params[ip].choices[c], production) == 0)
            p[ip].choice = c;
    nr_error err;
    double v = -1;
    if (nr_model_signal_at(model, engine, nr_experiment_find(exp), p, (size_t)nr_model_signal_index(model, name), &v,
                           &err) != NR_OK)
        return -1;
    return v;
}

static void test_model(void)
{
    gsl_set_error_handler_off();
    nr_engine *engine = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return;
    for (int k = 0; k < 2; k++) {
        const char *exp = k ? "DUNE" : "nu-Cal";
        double eps = k ? 1e-8 : 1e-7, m = 0.05;
        double all = signal(engine, exp, "visible", "all", m, eps);
        double pi0 = signal(engine, exp, "visible_from_pi0", "all", m, eps);
        double eta = signal(engine, exp, "visible_from_eta", "all", m, eps);
        double brem = signal(engine, exp, "visible_from_bremsstrahlung", "all", m, eps);
        printf("%s, dark photon 50 MeV, eps %g: visible %.4g = pi0 %.4g + eta %.4g + brem %.4g\n", exp, eps, all,
               pi0, eta, brem);
        CHECK(all > 0 && pi0 > 0 && eta > 0 && brem > 0, "%s: every mechanism contributes", exp);
        CHECK_REL(all, pi0 + eta + brem, 1e-12, "visible = pi0 + eta + bremsstrahlung");
        CHECK_REL(signal(engine, exp, "visible", "mesons", m, eps), pi0 + eta, 1e-12, "production mesons");
        CHECK_REL(signal(engine, exp, "visible", "bremsstrahlung", m, eps), brem, 1e-12, "production brem");
        /* below 2 m_e = 1.022 MeV the dark photon has no visible decay (it is not produced there, vector_ip.c):
         * every signal exactly 0, and a normal answer (not an error) */
        CHECK(signal(engine, exp, "visible", "all", 0.001, 1e-5) == 0.0 &&
                  signal(engine, exp, "ee", "all", 0.001, 1e-5) == 0.0 &&
                  signal(engine, exp, "visible_from_pi0", "all", 0.001, 1e-5) == 0.0,
              "%s: no visible signal at 1 MeV", exp);
        CHECK(signal(engine, exp, "visible", "all", 0.0011, 1e-6) > 0.0, "%s: a visible signal at 1.1 MeV", exp);
    }
    nr_engine_free(engine);
}

/* More distinct beam energies (experiment_overrides.beam_energy_gev) than the engine memoises (NR_ENGINE_DERIVED_MAX
 * keys, two per energy: pi0 and eta): every energy must still get its own table, the same as one built afresh
 * (nr_forward_meson_table with one midpoint per cell, the build the memo runs), and the model's signal at an energy
 * beyond the memo must equal that of a fresh engine (whose memo has room). Before issue 15 the memo refused the
 * energies beyond its slots with an internal error. */
static void test_overridden_beam_energies(void)
{
    nr_engine *engine = NULL, *fresh = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return;
    const int n_energies = NR_ENGINE_DERIVED_MAX / 2 + 6;
    int owned_count = 0;
    nr_experiment last;
    for (int i = 0; i < n_energies; i++) {
        nr_experiment x = *nr_experiment_find("nu-Cal");
        double eb = 40.0 + 5.0 * i; /* 40-175 GeV [GeV], inside BMPT's 10-500 GeV (forward_mesons.h) */
        CHECK(nr_experiment_override(&x, "beam_energy_gev", eb, "/experiment_overrides/beam_energy_gev", &err) ==
                  NR_OK,
              "override %g GeV: %s", eb, err.message);
        last = x;
        for (int k = 0; k < 2; k++) {
            int pdg = k ? 221 : 111;
            const nr_hadron_table *t = NULL;
            nr_hadron_table *own = NULL, ref = {0};
            nr_status st = nr_proton_dump_meson_table(engine, &x, pdg, &t, &own, &err);
            CHECK(st == NR_OK && t, "%g GeV, pdg %d: a table (%s)", eb, pdg, st == NR_OK ? "" : err.message);
            CHECK(nr_forward_meson_table(pdg, eb, x.target, 1, &ref, &err) == NR_OK, "fresh table: %s", err.message);
            if (t) {
                int same = t->n_cells == ref.n_cells && t->total_pb == ref.total_pb && t->sqrt_s_gev == ref.sqrt_s_gev;
                for (size_t c = 0; same && c < ref.n_cells; c++)
                    same = t->cells[c].sigma_pb == ref.cells[c].sigma_pb &&
                           t->cells[c].log10_p == ref.cells[c].log10_p &&
                           t->cells[c].log10_theta == ref.cells[c].log10_theta;
                CHECK(same, "%g GeV, pdg %d: the table equals a freshly built one (%.6g vs %.6g per proton)", eb, pdg,
                      t->total_pb, ref.total_pb);
            }
            owned_count += own != NULL;
            nr_proton_dump_meson_table_release(own);
            nr_hadron_table_free(&ref);
        }
    }
    CHECK(owned_count >= 2 * n_energies - NR_ENGINE_DERIVED_MAX, "the energies beyond the memo were built apart (%d)",
          owned_count);
    /* end to end: the model at the last energy (beyond the memo) against a fresh engine */
    CHECK(nr_engine_init(nr_test_data_dir(), &fresh, &err) == NR_OK, "fresh engine: %s", err.message);
    if (fresh) {
        const nr_model *model = nr_model_find("dark_photon");
        nr_param_value p[16];
        nr_model_defaults(model, p);
        p[0].number = 0.05; /* m [GeV] */
        p[1].number = 1e-7; /* epsilon */
        p[nr_model_param_index(model, "production")].choice = 1; /* mesons */
        size_t sig = (size_t)nr_model_signal_index(model, "visible");
        double v_shared = -1, v_fresh = -1;
        CHECK(nr_model_signal_at(model, engine, &last, p, sig, &v_shared, &err) == NR_OK, "shared: %s", err.message);
        CHECK(nr_model_signal_at(model, fresh, &last, p, sig, &v_fresh, &err) == NR_OK, "fresh: %s", err.message);
        printf("nu-Cal at %g GeV, dark photon 50 MeV, eps 1e-7, mesons: %.6g events (full memo) vs %.6g (fresh)\n",
               last.beam_energy_gev, v_shared, v_fresh);
        CHECK(v_shared > 0 && v_shared == v_fresh, "beyond the memo: the same events as a fresh engine");
        nr_engine_free(fresh);
    }
    nr_engine_free(engine);
}

/* Bremsstrahlung at a proton dump needs a beam whose pp centre-of-mass energy lies in the range of the sigma_pp fit
 * that normalises 004 Eq. (32) (sqrt(s) >= 5 GeV, E_beam >= 12.4 GeV; bremsstrahlung.h): below it the request is
 * refused naming the override and the rule, where before a 1 GeV beam computed a number. pi0/eta keep BMPT's own
 * 10-500 GeV range (above it the message points to production 'bremsstrahlung', below it no longer). */
static void test_bremsstrahlung_beam_range(void)
{
    nr_engine *engine = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return;
    const nr_model *model = nr_model_find("dark_photon");
    int ip = nr_model_param_index(model, "production");
    const double beams[5] = {1.0, 11.0, 12.5, 68.6, 600.0}; /* [GeV] */
    const char *productions[3] = {"all", "bremsstrahlung", "mesons"};
    for (int b = 0; b < 5; b++)
        for (int k = 0; k < 3; k++) {
            nr_experiment x = *nr_experiment_find("nu-Cal");
            CHECK(nr_experiment_override(&x, "beam_energy_gev", beams[b], "/experiment_overrides/beam_energy_gev",
                                         &err) == NR_OK,
                  "override %g GeV: %s", beams[b], err.message);
            nr_param_value p[16];
            nr_model_defaults(model, p);
            p[0].number = 0.05;
            p[1].number = 1e-7;
            for (int c = 0; model->params[ip].choices[c]; c++)
                if (strcmp(model->params[ip].choices[c], productions[k]) == 0)
                    p[ip].choice = c;
            double v = -1;
            nr_status st = nr_model_signal_at(model, engine, &x, p, (size_t)nr_model_signal_index(model, "visible"),
                                              &v, &err);
            int brem_low = k < 2 && beams[b] < 12.4, mesons_out = k != 1 && (beams[b] < 10.0 || beams[b] > 500.0);
            int refuse = brem_low || mesons_out, brem = brem_low;
            if (refuse)
                CHECK(st == NR_EINPUT && strcmp(err.where, "/experiment_overrides/beam_energy_gev") == 0 &&
                          strcmp(err.rule, NR_RULE_RANGE) == 0,
                      "%g GeV, production %s: refused naming the override (%s: %s)", beams[b], productions[k],
                      err.where, err.message);
            else
                CHECK(st == NR_OK && v > 0.0, "%g GeV, production %s: computed (%s)", beams[b], productions[k],
                      st == NR_OK ? "" : err.message);
            if (refuse && brem)
                CHECK(strstr(err.message, "12.4 GeV") != NULL, "the message names the lowest energy: %s",
                      err.message);
            if (refuse && beams[b] < 500.0)
                CHECK(strstr(err.message, "choose production 'bremsstrahlung'") == NULL,
                      "no advice to use bremsstrahlung below its range: %s", err.message);
        }
    nr_engine_free(engine);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_frames();
    test_cone();
    test_accept();
    test_model();
    test_overridden_beam_energies();
    test_bremsstrahlung_beam_range();
    return nr_test_summary();
}
