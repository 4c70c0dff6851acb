/* darkz_nun.c: a heavy neutral lepton N made by neutrino upscattering through a Z' (model "darkz_nun"), paper 000
 * (FASERnu with contained-vertex and through-going multi-muon events).
 *
 * Couplings: g_nuN Z'_a nubar_alpha gamma^a P_L N (000 Eq. 1) for one active flavour alpha; the Z' couples to
 * matter by kinetic mixing, q'_f = e eps q_f (Eq. 3), or as the gauge boson of B - 3 L_tau with a common quark
 * coupling g_q (sec. III); g' Nbar gamma P_L N' Z' (Eq. 12) lets N decay to the lighter N'.
 *
 * Production (at unit kappa = g_nuN eps, or g_nuN g_q; every rate scales as kappa^2):
 *  - deep-inelastic nu q -> N q on u, d, s quarks and antiquarks (Eqs. 5-7), PDFs (CT10nlo, as 000) at
 *    Q^2 = m_Z'^2, frozen below the grid (pdf.h), x from m_N^2 / (2 m_p E) to 1;
 *  - coherent nu A -> N A (Eq. 11) with 000's Helm form factor, on tungsten (A = 183.84: the "A = 138" of 000 is a
 *    typo, ERRATA.md) and on silicon for the concrete and rock (000 sec. V B);
 *  - electrons (sec. V C), reported apart (not in N_HESE, as in 000).
 * Option kinematics = "exact" (default): the true parton momentum transfer (derived in darkz_xsec.c), the spin-0
 * nucleus with exact 2 -> 2 kinematics and |t|_min, the electron as a massive fermion, nucleons counted as mass/u
 * with Z/A protons and (A - Z)/A neutrons (isospin). "paper": Eqs. 7 and 11 as printed, M/m_p nucleons all with
 * the proton's PDFs (Eq. 6/8 as written). The N energy is taken equal to the neutrino energy (000's approximation;
 * the mean recoil is |t|/s ~ m_Z'^2/s of it in DIS and |t|/(2 m_A E) coherently).
 * Flux: the experiment's table for nu_alpha + nubar_alpha, times [1 + Theta(E - 1 TeV)] (Eq. 8: the N' part of
 * the kaon-decay flux) unless n_prime_flux = off.
 *
 * Decays: decay = "four_muon": N -> N' a abar promptly, a -> mu+ mu- with proper decay length ctau_a (appendix);
 * allowed (exact) if m_a > 2 m_mu, m_N > m_N' + 2 m_a and m_Z' > 2 m_a, or (paper) as 000's clip m_N, m_Z' > 4 m_mu.
 * decay = "dilepton": N -> N' Z'(*) -> N' f fbar (and N -> nu Z'(*)), widths of darkz_xsec.c, thresholds ee, mumu,
 * pi pi; N must decay inside the detector.
 *
 * Signals (events for the experiment's luminosity):
 *   n_hese              000 Eq. 8: N made inside the detector (DIS + coherent), no decay requirement;
 *   n_hese_dis, n_hese_coherent, n_hese_electron   its parts (electron not included in n_hese);
 *   n_through           000 Eq. 10: four-muon events from N made in 90 m of rock and 10 m of concrete in front
 *                       (rock at 0-90 m, concrete at 90-100 m from the detector as Eq. 10 writes), all four muons
 *                       reaching the face: probability 1 closer than z_c = (w/2)/theta_0 (14 m for 25 cm),
 *                       p_mu(z)^4 beyond with p_mu = w h / (4 pi z^2) * 2 / theta_0^2 (Eq. 9), theta_0 = 0.0087;
 *                       0 unless decay = four_muon and allowed;
 *   n_hese_plus_through n_hese + n_through (000 Figs. 1-2, dashed);
 *   hese_4mu            four-muon events with N made in the detector and both a decaying inside it;
 *   hese_ee, hese_mumu  dilepton mode: N made and decaying in the detector, BR into the pair;
 *   dimuon_background_min/max  000 sec. II: B = r_c Br(c -> mu) (M_cone / M_det) N_CC(nu_mu + nubar_mu),
 *                       r_c in [0.1, 0.2], Br = 0.1, M_cone = 2.5 t/m^3 x 100 m x w h / 3, N_CC from our flux and
 *                       CC cross sections (000 took 20000 from the FASERnu proposal and got 800 < B < 1.6k).
 * Experiments: FASERnu (Run 3), FASERnu2 (own flux and mass); 000's "FASER2nu" = FASERnu with luminosity_fb =
 * 30000 (200 x 150 fb^-1, 000 sec. VI). The same 100 m of rock and concrete is put in front of any detector.
 */
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "darkz_xsec.h"
#include "decay.h"
#include "flux.h"
#include "materials.h"
#include "model.h"
#include "upscatter.h"

extern const nr_model nr_model_darkz_nun;

/* ------------------------------------------------------------------------------------------------------------ */
/* parameters and signals                                                                                       */

static const char *const portal_choices[] = {"kinetic_mixing", "B-3L_tau", NULL};
static const char *const flavour_choices[] = {"mu", "e", "tau", NULL};
static const char *const decay_choices[] = {"four_muon", "dilepton", NULL};
static const char *const kinematics_choices[] = {"exact", "paper", NULL};
static const char *const on_off[] = {"on", "off", NULL};
static const char *const distribution_choices[] = {"E_N", "depth", NULL};

enum {
    P_M_N,
    P_M_ZP,
    P_G_NUN,
    P_EPS,
    P_G_Q,
    P_G_PRIME,
    P_M_NP,
    P_M_A,
    P_CTAU_A,
    P_PORTAL,
    P_FLAVOUR,
    P_DECAY,
    P_KINEMATICS,
    P_NPRIME_FLUX,
    P_DISTRIBUTION,
    N_PARAMS
};

static const nr_param_spec params[N_PARAMS] = {
    [P_M_N] = {.name = "m_N", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 5.0, .min_value = 0.01,
               .max_value = 100.0, .scale = NR_SCALE_LOG, .description = "mass of the heavy neutral lepton N"},
    [P_M_ZP] = {.name = "m_Zp", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.5, .min_value = 0.005,
                .max_value = 100.0, .scale = NR_SCALE_LOG, .description = "mass of the Z'"},
    [P_G_NUN] = {.name = "g_nuN", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1e-2, .min_value = 1e-10,
                 .max_value = 1.0, .scale = NR_SCALE_LOG, .coupling = 1,
                 .description = "nu-N-Z' coupling of 000 Eq. 1 (g' U_alpha4 in the appendix model)"},
    [P_EPS] = {.name = "eps", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 7e-4, .min_value = 1e-10,
               .max_value = 1.0, .scale = NR_SCALE_LOG, .coupling = 1,
               .description = "kinetic mixing: q'_f = e eps q_f (000 Eq. 3; portal = kinetic_mixing)"},
    [P_G_Q] = {.name = "g_q", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1e-4, .min_value = 1e-10,
               .max_value = 1.0, .scale = NR_SCALE_LOG, .coupling = 1,
               .description = "common quark coupling q'_u = q'_d = q'_s (portal = B-3L_tau; q'_tau = -9 g_q)"},
    [P_G_PRIME] = {.name = "g_prime", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 1e-6,
                   .max_value = 10.0, .scale = NR_SCALE_LOG, .coupling = 1,
                   .description = "N-N'-Z' coupling g' of 000 Eq. 12 (sets the N width in the dilepton mode)"},
    [P_M_NP] = {.name = "m_Nprime", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.05, .min_value = 0.0,
                .max_value = 50.0, .scale = NR_SCALE_LINEAR,
                .description = "mass of the lighter sterile N' (000: 30-70 MeV, 50 MeV taken)"},
    [P_M_A] = {.name = "m_a", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.22, .min_value = 0.01,
               .max_value = 10.0, .scale = NR_SCALE_LOG,
               .description = "mass of the scalar a of the four-muon mode (a -> mu+ mu- needs m_a > 2 m_mu)"},
    [P_CTAU_A] = {.name = "ctau_a", .unit = "m", .kind = NR_PARAM_NUMBER, .default_value = 0.0, .min_value = 0.0,
                  .max_value = 1e4, .scale = NR_SCALE_LINEAR,
                  .description = "proper decay length c tau of a (0: prompt, as 000 Eq. 10 assumes); lab decay "
                                 "length (E_N / 2 m_a) c tau"},
    [P_PORTAL] = {.name = "portal", .unit = "", .kind = NR_PARAM_CHOICE, .choices = portal_choices,
                  .description = "Z' coupling to matter: kinetic mixing (eps) or gauged B - 3 L_tau (g_q)"},
    [P_FLAVOUR] = {.name = "flavour", .unit = "", .kind = NR_PARAM_CHOICE, .choices = flavour_choices,
                   .description = "the active neutrino coupled to N (000: nu_mu; sec. VII: nu_e, nu_tau)"},
    [P_DECAY] = {.name = "decay", .unit = "", .kind = NR_PARAM_CHOICE, .choices = decay_choices,
                 .description = "N decay: N' a abar with a -> mu+ mu- (four muons, appendix) or N' Z'(*) -> N' "
                                "l+ l- (dilepton)"},
    [P_KINEMATICS] = {.name = "kinematics", .unit = "", .kind = NR_PARAM_CHOICE, .choices = kinematics_choices,
                      .description = "exact: true parton momentum transfer, exact 2->2 with |t|_min on nuclei; "
                                     "paper: 000 Eqs. 5, 7, 11 as printed"},
    [P_NPRIME_FLUX] = {.name = "n_prime_flux", .unit = "", .kind = NR_PARAM_CHOICE, .choices = on_off,
                       .description = "the [1 + Theta(E - 1 TeV)] factor of 000 Eq. 8 (N' from kaon decays)"},
    [P_DISTRIBUTION] = {.name = "distribution", .unit = "", .kind = NR_PARAM_CHOICE,
                        .choices = distribution_choices,
                        .description = "spectra: events vs the N energy, or through-going events vs the "
                                       "distance of the production point from the detector"},
};

enum {
    S_HESE,
    S_HESE_DIS,
    S_HESE_COH,
    S_HESE_E,
    S_THROUGH,
    S_TOTAL,
    S_HESE_4MU,
    S_HESE_EE,
    S_HESE_MUMU,
    S_BKG_MIN,
    S_BKG_MAX,
    N_SIGNALS
};

static const nr_signal_spec signals[N_SIGNALS] = {
    [S_HESE] = {"n_hese", "N made inside the detector, DIS + coherent (000 Eq. 8)"},
    [S_HESE_DIS] = {"n_hese_dis", "N made inside the detector by deep-inelastic scattering"},
    [S_HESE_COH] = {"n_hese_coherent", "N made inside the detector by coherent scattering on nuclei"},
    [S_HESE_E] = {"n_hese_electron", "N made inside the detector on electrons (000 sec. V C; not in n_hese)"},
    [S_THROUGH] = {"n_through", "four-muon events from N made in the rock and concrete in front (000 Eq. 10)"},
    [S_TOTAL] = {"n_hese_plus_through", "n_hese + n_through (000 Figs. 1-2, dashed)"},
    [S_HESE_4MU] = {"hese_4mu", "four-muon events from N made in the detector, both a decaying inside it"},
    [S_HESE_EE] = {"hese_ee", "dilepton mode: N -> N' e+ e- inside the detector"},
    [S_HESE_MUMU] = {"hese_mumu", "dilepton mode: N -> N' mu+ mu- inside the detector"},
    [S_BKG_MIN] = {"dimuon_background_min", "charm dimuons from the rock, lower estimate (000 sec. II)"},
    [S_BKG_MAX] = {"dimuon_background_max", "charm dimuons from the rock, upper estimate (000 sec. II)"},
};

/* ------------------------------------------------------------------------------------------------------------ */
/* set-up                                                                                                       */

#define PDF_SET "CT10nlo"               /* 000 sec. VI: CT10                                              */
#define THETA0_RAD 0.0087               /* 000 sec. II: 0.5 degree muon deflection in the rock           */
#define ROCK_LENGTH_M 90.0              /* 000 Eq. 10                                                     */
#define CONCRETE_END_M 100.0            /* 000 Eq. 10                                                     */
#define ROCK_DENSITY 2.5                /* [g/cm^3], 000 sec. V A (soil and concrete)                     */
#define SI_Z 14.0                       /* 000 sec. V B: soil taken as silicon                           */
#define SI_A 28.0855                    /* standard atomic weight                                        */
#define SI_MASS_GEV (SI_A * NR_ATOMIC_MASS_UNIT_GEV - SI_Z * NR_M_ELECTRON)
#define E_NPRIME_TEV 1000.0             /* [GeV], 000 Eq. 8                                               */
#define CHARM_RATIO_MIN 0.1             /* 000 sec. II: sigma(nu_mu -> mu c X)/sigma(CC) range           */
#define CHARM_RATIO_MAX 0.2
#define BR_CHARM_MU 0.1                 /* 000 sec. II                                                    */
#define N_X_NODES 64                    /* Gauss-Legendre nodes in ln x for the DIS convolution          */
#define N_T_NODES 64                    /* t nodes for the exact coherent and electron cross sections    */
#define MAX_BINS 64
#define N_LAMBDA 48                     /* a decay-length table for the through-going factor             */

typedef struct {
    const nr_flux *flux;
    const nr_pdf *pdf;
    double flux_scale;
    int species[2];
    double det_column_g_cm2, det_length_m;
    const nr_material *det;
    double face_w_m, face_h_m, z_contain_m, p_mu_k; /* p_mu(z) = p_mu_k / z^2 [m^2 / m^2] */
    double cc_events_mu;                             /* nu_mu + nubar_mu CC events in the detector        */
    double cone_mass_t;
    const nr_ff_helm_table *helm_det, *helm_si; /* 000's Helm F of the detector nucleus and silicon, tabulated
                                                   (engine memo), or NULL: computed per call            */
} setup;

/* 000's Helm form factor of mass number *arg, tabulated once per engine (nr_engine_derived). */
static nr_status helm000_build(const nr_engine *engine, const void *arg, void **table, nr_error *err)
{
    (void)engine;
    nr_ff_helm_table *t = malloc(sizeof *t);
    if (!t)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a Helm table");
    nr_status st = nr_darkz_helm_000_table_init(t, *(const double *)arg, err);
    if (st != NR_OK) {
        free(t);
        return st;
    }
    *table = t;
    return NR_OK;
}

static void helm000_release(void *table)
{
    nr_ff_helm_table_free(table);
    free(table);
}

static const nr_derived_spec helm000_spec = {helm000_build, helm000_release};

/* The table for mass number a, or NULL (memo full or out of memory: the caller then computes F per call, the
 * same form factor to 2e-10). */
static const nr_ff_helm_table *helm000_table(const nr_engine *engine, double a)
{
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    snprintf(key, sizeof key, "darkz_nun/helm000/%.9g", a);
    const void *t = NULL;
    nr_error ignored;
    nr_error_clear(&ignored);
    return nr_engine_derived(engine, key, &helm000_spec, &a, &t, &ignored) == NR_OK ? t : NULL;
}

static nr_status make_setup(const nr_engine *engine, const nr_experiment *e, const nr_param_value *p, setup *s,
                            nr_error *err)
{
    memset(s, 0, sizeof *s);
    s->flux = nr_engine_flux(engine, e->flux_set);
    if (!s->flux || !e->target)
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino flux and target", e->name);
    if (s->flux->n_bins > MAX_BINS)
        return nr_fail(err, NR_EDATA, e->flux_set, "flux table has %zu bins, at most %d supported", s->flux->n_bins,
                       MAX_BINS);
    nr_status pst = nr_engine_get_pdf(engine, PDF_SET, &s->pdf, err); /* read on first use (engine.h) */
    if (pst != NR_OK)
        return pst;
    static const int flavour_of_choice[3] = {NR_FLAVOUR_MU, NR_FLAVOUR_E, NR_FLAVOUR_TAU};
    int fl = flavour_of_choice[p[P_FLAVOUR].choice];
    s->species[0] = NR_SPECIES(fl, 0);
    s->species[1] = NR_SPECIES(fl, 1);
    s->flux_scale = nr_experiment_flux_scale(e);
    s->det = e->target;
    s->det_column_g_cm2 = nr_experiment_column_density_g_cm2(e);
    s->det_length_m = s->det_column_g_cm2 / e->target->density_g_cm3 / 100.0;
    s->face_w_m = e->width_m;
    s->face_h_m = e->height_m;
    s->z_contain_m = 0.5 * fmin(e->width_m, e->height_m) / THETA0_RAD; /* 000 sec. II: 14 m for 25 cm */
    s->p_mu_k = e->width_m * e->height_m / (4.0 * NR_PI) * 2.0 / (THETA0_RAD * THETA0_RAD); /* Eq. 9 */
    s->cone_mass_t = ROCK_DENSITY * CONCRETE_END_M * e->width_m * e->height_m / 3.0;      /* sec. II */
    s->helm_det = helm000_table(engine, s->det->a);
    s->helm_si = helm000_table(engine, SI_A);
    const nr_cc_table *cc = NULL;
    if (nr_engine_cc_table(engine, PDF_SET, &cc, err) != NR_OK)
        return err ? err->status : NR_EDATA;
    double nucleons_cm2 = nr_material_nucleons_per_g(s->det) * s->det_column_g_cm2, zfrac = s->det->z / s->det->a;
    for (int a = 0; a < 2; a++) {
        int sp = NR_SPECIES(NR_FLAVOUR_MU, a);
        for (size_t b = 0; b < s->flux->n_bins; b++) {
            double en = s->flux->e_center[b];
            double sig = zfrac * nr_cc_table_sigma(cc, sp, NR_NUCLEON_PROTON, en) +
                         (1.0 - zfrac) * nr_cc_table_sigma(cc, sp, NR_NUCLEON_NEUTRON, en);
            s->cc_events_mu += s->flux->count[sp][b] * s->flux_scale * sig * nucleons_cm2;
        }
    }
    return NR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* production at unit kappa                                                                                     */

enum { SLAB_ROCK = 0, SLAB_CONCRETE = 1, N_THROUGH_SLABS = 2 };

typedef struct {
    int paper;
    size_t n_bins;
    double m_n;
    double e[MAX_BINS];                       /* N energy = neutrino energy [GeV]                        */
    double det_dis[MAX_BINS], det_coh[MAX_BINS], det_e[MAX_BINS]; /* N made in the detector          */
    double thr_dis[N_THROUGH_SLABS][MAX_BINS], thr_coh[N_THROUGH_SLABS][MAX_BINS]; /* N per metre     */
    /* N widths at unit couplings, per channel: [0] N -> N' (g' = 1), [1] N -> nu (g_nuN = 1); on_shell: the
     * partial width scales as g^2 only (else g^2 coupling^2) */
    double width_unit[2][NR_DARKZ_N_CHANNELS];
    int on_shell[2];
    int four_mu_allowed;
    nr_darkz_portal portal;
} production;

/* Kinetic mixing: e^2 q_q^2 per quark; B - 3 L_tau: 1 (kappa = g_nuN g_q). */
static double quark_charge2(nr_darkz_portal portal, int up_type)
{
    if (portal == NR_DARKZ_B_MINUS_3LTAU)
        return 1.0;
    double e2 = 4.0 * NR_PI * NR_ALPHA_EM;
    return e2 * (up_type ? 4.0 / 9.0 : 1.0 / 9.0);
}

/* Charge^2 of a nucleus at unit kappa: (e Z)^2, or (3 A)^2 for B - 3 L_tau (000 sec. V B). */
static double nucleus_charge2(nr_darkz_portal portal, double z, double a)
{
    return portal == NR_DARKZ_B_MINUS_3LTAU ? 9.0 * a * a : 4.0 * NR_PI * NR_ALPHA_EM * z * z;
}

/* DIS cross sections per proton and per neutron [cm^2] at e_nu: sum over u, d, s and antiquarks of
 * integral dx f(x, m_Z'^2) sigma(s = 2 x m_p E) (000 Eq. 6 with the PDFs at -t = m_Z'^2). */
static void dis_sigma(const nr_pdf *pdf, const production *pr, const gsl_integration_glfixed_table *gl, double m_zp,
                      double e_nu, double *sig_p, double *sig_n)
{
    *sig_p = *sig_n = 0.0;
    double x_min = pr->m_n * pr->m_n / (2.0 * NR_M_PROTON * e_nu);
    if (!(x_min < 1.0))
        return;
    double cu = quark_charge2(pr->portal, 1), cd = quark_charge2(pr->portal, 0);
    double q2 = m_zp * m_zp;
    for (size_t k = 0; k < N_X_NODES; k++) {
        double ln_x, wk;
        gsl_integration_glfixed_point(log(x_min), 0.0, k, &ln_x, &wk, gl);
        double x = exp(ln_x);
        double s = 2.0 * x * NR_M_PROTON * e_nu;
        double sig_hat = pr->paper ? nr_darkz_parton_sigma_paper(s, pr->m_n, m_zp, 1.0)
                                   : nr_darkz_parton_sigma_exact(s, pr->m_n, m_zp, 1.0);
        if (!(sig_hat > 0))
            continue;
        double xf[NR_PDF_N_PARTONS];
        nr_pdf_xfx_all(pdf, x, q2, xf);
        double u = xf[NR_PDF_INDEX(2)] + xf[NR_PDF_INDEX(-2)], d = xf[NR_PDF_INDEX(1)] + xf[NR_PDF_INDEX(-1)];
        double sq = xf[NR_PDF_INDEX(3)] + xf[NR_PDF_INDEX(-3)];
        /* integral dx f sigma = integral d(ln x) (x f) sigma */
        double w = wk * sig_hat * NR_HBARC2_GEV2_CM2;
        *sig_p += w * (cu * u + cd * (d + sq));
        *sig_n += w * (cu * d + cd * (u + sq));
    }
}

typedef struct {
    double m_n, m_target, a, m_zp, coupling2;
    int scalar;
    const nr_ff_helm_table *helm; /* 000's Helm F of this nucleus tabulated, or NULL */
} exact_ctx;

/* dsigma/dt [cm^2/GeV^2] for nr_upscatter_nodes: spin-0 nucleus with 000's Helm form factor, or an electron. */
static double exact_dsigma_dt(double e_nu, double t, const void *vctx)
{
    const exact_ctx *c = vctx;
    double abs_t = -t;
    if (c->scalar) {
        double q = sqrt(abs_t), f = c->helm ? nr_ff_helm_table_at(c->helm, q) : nr_darkz_helm_000(q, c->a);
        return f * f * nr_darkz_scalar_dsigma_dt(e_nu, abs_t, c->m_n, c->m_target, c->m_zp, c->coupling2) *
               NR_HBARC2_GEV2_CM2;
    }
    return nr_darkz_fermion_dsigma_dt(e_nu, abs_t, c->m_n, c->m_target, c->m_zp, c->coupling2) * NR_HBARC2_GEV2_CM2;
}

static double exact_sigma(const exact_ctx *c, double e_nu)
{
    double abs_t[N_T_NODES], w[N_T_NODES], sum = 0.0;
    size_t n = nr_upscatter_nodes(exact_dsigma_dt, c, e_nu, c->m_target, c->m_n, 0.0, N_T_NODES, abs_t, w);
    for (size_t k = 0; k < n; k++)
        sum += w[k];
    return sum;
}

/* Coherent cross section [cm^2] on a nucleus (Z, A, mass). */
static double coherent_sigma(const production *pr, double m_zp, double z, double a, double m_nucleus, double e_nu,
                             const nr_ff_helm_table *helm)
{
    double c2 = nucleus_charge2(pr->portal, z, a);
    if (pr->paper)
        return nr_darkz_coherent_sigma_paper(e_nu, m_nucleus, a, pr->m_n, m_zp, c2) * NR_HBARC2_GEV2_CM2;
    exact_ctx c = {pr->m_n, m_nucleus, a, m_zp, c2, 1, helm};
    return exact_sigma(&c, e_nu);
}

/* Electron cross section [cm^2] (kinetic mixing only). */
static double electron_sigma(const production *pr, double m_zp, double e_nu)
{
    if (pr->portal != NR_DARKZ_KINETIC_MIXING)
        return 0.0;
    double e2 = 4.0 * NR_PI * NR_ALPHA_EM;
    if (pr->paper) /* 000 sec. V C: Eq. 7 with q = 1 and s = 2 m_e E */
        return nr_darkz_parton_sigma_paper(2.0 * NR_M_ELECTRON * e_nu, pr->m_n, m_zp, e2) * NR_HBARC2_GEV2_CM2;
    exact_ctx c = {pr->m_n, NR_M_ELECTRON, 0.0, m_zp, e2, 0, NULL};
    return exact_sigma(&c, e_nu);
}

/* Fraction of the flux bin [lo, hi] above 1 TeV (log-uniform inside the bin). */
static double fraction_above_1tev(double lo, double hi)
{
    if (hi <= E_NPRIME_TEV)
        return 0.0;
    if (lo >= E_NPRIME_TEV)
        return 1.0;
    return log(hi / E_NPRIME_TEV) / log(hi / lo);
}

static nr_status n_widths_unit(production *pr, const nr_param_value *p, nr_error *err)
{
    double m_n = pr->m_n, m_np = p[P_M_NP].number, m_zp = p[P_M_ZP].number;
    double m_x[2] = {m_np, 0.0};
    for (int x = 0; x < 2; x++) {
        pr->on_shell[x] = m_zp < m_n - m_x[x];
        for (int ch = 0; ch < NR_DARKZ_N_CHANNELS; ch++) {
            double abs_err;
            nr_status st = nr_darkz_width_n_channel_e(1.0, m_n, m_x[x], m_zp, pr->portal, 1.0, (nr_darkz_channel)ch,
                                                      &pr->width_unit[x][ch], &abs_err, err);
            if (st != NR_OK)
                return st;
        }
    }
    return NR_OK;
}

static int four_muon_allowed(const nr_param_value *p, int paper)
{
    double m_n = p[P_M_N].number, m_zp = p[P_M_ZP].number, m_a = p[P_M_A].number;
    if (paper) /* 000 Figs. 1-3: clipped at m_N = 4 m_mu and m_Z' = 4 m_mu */
        return m_n > 4.0 * NR_M_MUON && m_zp > 4.0 * NR_M_MUON;
    return m_a > 2.0 * NR_M_MUON && m_n > p[P_M_NP].number + 2.0 * m_a && m_zp > 2.0 * m_a;
}

static nr_status build_production(const setup *s, const nr_param_value *p, production *pr, nr_error *err)
{
    memset(pr, 0, sizeof *pr);
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(N_X_NODES);
    if (!gl)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the x quadrature");
    pr->paper = p[P_KINEMATICS].choice == 1;
    pr->portal = p[P_PORTAL].choice == 1 ? NR_DARKZ_B_MINUS_3LTAU : NR_DARKZ_KINETIC_MIXING;
    pr->m_n = p[P_M_N].number;
    pr->n_bins = s->flux->n_bins;
    pr->four_mu_allowed = four_muon_allowed(p, pr->paper);
    nr_status st = n_widths_unit(pr, p, err);
    if (st != NR_OK) {
        gsl_integration_glfixed_table_free(gl);
        return st;
    }
    double m_zp = p[P_M_ZP].number;
    const nr_material *det = s->det;
    const nr_material *thr_mat[N_THROUGH_SLABS] = {&nr_material_rock, &nr_material_concrete};
    /* targets per gram: nucleons M/u (exact, as the engine) or M/m_p (000 Eq. 8) */
    double m_p_g = NR_M_PROTON / NR_ATOMIC_MASS_UNIT_GEV * NR_ATOMIC_MASS_UNIT_G;
    double nucleons_g = pr->paper ? 1.0 / m_p_g : nr_material_nucleons_per_g(det);
    double zf_det = pr->paper ? 1.0 : det->z / det->a;
    double nuclei_det_g = nr_material_nuclei_per_g(det), nuclei_si_g = 1.0 / (SI_A * NR_ATOMIC_MASS_UNIT_G);
    for (size_t b = 0; b < pr->n_bins; b++) {
        double e = s->flux->e_center[b];
        double n_nu = 0.0;
        for (int a = 0; a < 2; a++)
            n_nu += s->flux->count[s->species[a]][b];
        n_nu *= s->flux_scale;
        if (p[P_NPRIME_FLUX].choice == 0)
            n_nu *= 1.0 + fraction_above_1tev(s->flux->e_lo[b], s->flux->e_hi[b]);
        pr->e[b] = e;
        if (!(n_nu > 0))
            continue;
        double sp, sn;
        dis_sigma(s->pdf, pr, gl, m_zp, e, &sp, &sn);
        double sig_w = coherent_sigma(pr, m_zp, det->z, det->a, det->nucleus_mass_gev, e, s->helm_det);
        double sig_si = coherent_sigma(pr, m_zp, SI_Z, SI_A, SI_MASS_GEV, e, s->helm_si);
        double sig_e = electron_sigma(pr, m_zp, e);
        pr->det_dis[b] = n_nu * s->det_column_g_cm2 * nucleons_g * (zf_det * sp + (1.0 - zf_det) * sn);
        pr->det_coh[b] = n_nu * s->det_column_g_cm2 * nuclei_det_g * sig_w;
        pr->det_e[b] = n_nu * s->det_column_g_cm2 * nucleons_g * (det->z / det->a) * sig_e;
        for (int k = 0; k < N_THROUGH_SLABS; k++) {
            double zf = pr->paper ? 1.0 : thr_mat[k]->z / thr_mat[k]->a;
            double per_m = ROCK_DENSITY * 100.0; /* g/cm^2 per metre */
            pr->thr_dis[k][b] = n_nu * per_m * nucleons_g * (zf * sp + (1.0 - zf) * sn);
            pr->thr_coh[k][b] = n_nu * per_m * nuclei_si_g * sig_si;
        }
    }
    gsl_integration_glfixed_table_free(gl);
    return NR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* geometry of the through-going events                                                                         */

/* Probability that both muons of a pair made at distance z [m] in front of the detector reach it (000 Eq. 9):
 * 1 closer than z_c and inside the detector, p_mu(z)^2 beyond. */
static double pair_reach(const setup *s, double z)
{
    if (z <= s->z_contain_m)
        return 1.0;
    double pm = fmin(1.0, s->p_mu_k / (z * z));
    return pm * pm;
}

/* Q(z) = probability that the muon pair of an a made at z (moving towards the detector) reaches it, with the a
 * decay length lambda [m]: integral over the decay point; an a decaying behind the detector's back is lost. */
static double pair_reach_smeared(const setup *s, double z, double lambda)
{
    if (lambda <= 0)
        return pair_reach(s, z);
    double l_far = fmax(0.0, z - s->z_contain_m); /* decays within [0, l_far] happen beyond z_c */
    double l_end = z + s->det_length_m;           /* after this the a has left the detector     */
    double near = exp(-l_far / lambda) - exp(-l_end / lambda);
    double far = 0.0;
    if (l_far > 0) { /* 16-point Gauss-Legendre in l, 4 pieces */
        static const double x8[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
        static const double w8[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
        for (int piece = 0; piece < 4; piece++) {
            double a = l_far * piece / 4.0, c = l_far * (piece + 1) / 4.0, mid = 0.5 * (a + c), h = 0.5 * (c - a);
            for (int k = 0; k < 8; k++) {
                double x = k < 4 ? -x8[k] : x8[k - 4], w = w8[k % 4];
                double l = mid + h * x;
                far += h * w * exp(-l / lambda) / lambda * pair_reach(s, z - l);
            }
        }
    }
    return near + far;
}

/* Column [m] of four-muon production between z1 and z2: integral dz Q(z)^2 (both a independent, same lambda). */
static double through_column(const setup *s, double z1, double z2, double lambda)
{
    if (!(z2 > z1))
        return 0.0;
    double col = 0.0;
    if (lambda <= 0) { /* analytic: 1 below z_c, (K/z^2)^4 beyond */
        double zc = s->z_contain_m;
        if (z1 < zc)
            col += fmin(z2, zc) - z1;
        double a = fmax(z1, zc);
        if (!(z2 > a))
            return col;
        if (s->p_mu_k / (a * a) <= 1.0)
            return col + pow(s->p_mu_k, 4.0) / 7.0 * (pow(a, -7.0) - pow(z2, -7.0));
        z1 = a; /* p_mu capped at 1 somewhere beyond z_c (an unusual face): numerical integral of the rest */
    }
    int pieces = (int)ceil((z2 - z1) / 2.0);
    for (int piece = 0; piece < pieces; piece++) {
        double a = z1 + (z2 - z1) * piece / pieces, c = z1 + (z2 - z1) * (piece + 1) / pieces;
        double mid = 0.5 * (a + c), h = 0.5 * (c - a);
        static const double x4[2] = {0.3399810435848563, 0.8611363115940526};
        static const double w4[2] = {0.6521451548625461, 0.3478548451374538};
        for (int k = 0; k < 4; k++) {
            double x = k < 2 ? -x4[k] : x4[k - 2], w = w4[k % 2];
            double q = pair_reach_smeared(s, mid + h * x, lambda);
            col += h * w * q * q;
        }
    }
    return col;
}

static const double slab_lo_m[N_THROUGH_SLABS] = {0.0, ROCK_LENGTH_M};
static const double slab_hi_m[N_THROUGH_SLABS] = {ROCK_LENGTH_M, CONCRETE_END_M};

/* Columns per slab on a grid of ln(lambda), for ctau_a > 0. */
typedef struct {
    double col0[N_THROUGH_SLABS];
    int have_table;
    double ln_lo, ln_hi;
    double col[N_THROUGH_SLABS][N_LAMBDA];
} through_table;

static void through_table_build(const setup *s, double ctau_a, through_table *t)
{
    memset(t, 0, sizeof *t);
    for (int k = 0; k < N_THROUGH_SLABS; k++)
        t->col0[k] = through_column(s, slab_lo_m[k], slab_hi_m[k], 0.0);
    if (!(ctau_a > 0))
        return;
    t->have_table = 1;
    t->ln_lo = log(1e-3);
    t->ln_hi = log(1e5);
    for (int i = 0; i < N_LAMBDA; i++) {
        double lambda = exp(t->ln_lo + (t->ln_hi - t->ln_lo) * i / (N_LAMBDA - 1));
        for (int k = 0; k < N_THROUGH_SLABS; k++)
            t->col[k][i] = through_column(s, slab_lo_m[k], slab_hi_m[k], lambda);
    }
}

static double through_table_at(const through_table *t, int k, double lambda)
{
    if (!t->have_table || lambda <= exp(t->ln_lo))
        return t->col0[k];
    double x = (log(lambda) - t->ln_lo) / (t->ln_hi - t->ln_lo) * (N_LAMBDA - 1);
    if (x >= N_LAMBDA - 1)
        return t->col[k][N_LAMBDA - 1] * exp(t->ln_hi) / lambda; /* ~ 1/lambda for long-lived a */
    int i = (int)x;
    double w = x - i;
    return (1.0 - w) * t->col[k][i] + w * t->col[k][i + 1];
}

/* Both a of a four-muon decay decay inside a detector of length L, production uniform along it:
 * (1/L) integral_0^L (1 - exp(-x/lambda))^2 dx. */
static double both_a_inside(double length_m, double lambda)
{
    if (!(lambda > 0))
        return 1.0;
    double r = lambda / length_m;
    if (r > 100.0)
        return 1.0 / (3.0 * r * r) - 1.0 / (4.0 * r * r * r);
    return 1.0 + 2.0 * r * expm1(-1.0 / r) - 0.5 * r * expm1(-2.0 / r);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* signals at one coupling point                                                                                */

/* kappa^2 = (g_nuN x eps)^2 or (g_nuN x g_q)^2: every production rate is kappa^2 times its value at unit kappa (the
 * only place the production couplings enter; n_widths below is the only place they enter the decays). */
static double kappa2(const nr_param_value *p)
{
    double g = p[P_G_NUN].number, c = p[P_PORTAL].choice == 1 ? p[P_G_Q].number : p[P_EPS].number;
    return g * g * c * c;
}

/* Total width [GeV] and the ee, mumu widths of N at the couplings of p. */
static void n_widths(const production *pr, const nr_param_value *p, double *total, double *w_ee, double *w_mumu)
{
    double c = p[P_PORTAL].choice == 1 ? p[P_G_Q].number : p[P_EPS].number;
    double g[2] = {p[P_G_PRIME].number, p[P_G_NUN].number};
    *total = *w_ee = *w_mumu = 0.0;
    for (int x = 0; x < 2; x++) {
        double f = g[x] * g[x] * (pr->on_shell[x] ? 1.0 : c * c);
        for (int ch = 0; ch < NR_DARKZ_N_CHANNELS; ch++)
            *total += f * pr->width_unit[x][ch];
        *w_ee += f * pr->width_unit[x][NR_DARKZ_CH_EE];
        *w_mumu += f * pr->width_unit[x][NR_DARKZ_CH_MUMU];
    }
}

/* Everything a point needs except the couplings. */
typedef struct {
    setup s;
    production pr;
    through_table tt;
} darkz_state;

static nr_status darkz_signals_at(const nr_model *model, const void *state, const nr_param_value *p,
                                  double *values, nr_error *err)
{
    (void)model;
    (void)err;
    const darkz_state *w = state;
    const setup *s = &w->s;
    const production *pr = &w->pr;
    const through_table *tt = &w->tt;
    memset(values, 0, N_SIGNALS * sizeof *values);
    double k2 = kappa2(p);
    int four_mu = p[P_DECAY].choice == 0 && pr->four_mu_allowed;
    int dilepton = p[P_DECAY].choice == 1;
    double m_a = p[P_M_A].number, ctau_a = p[P_CTAU_A].number;
    double w_tot = 0, w_ee = 0, w_mumu = 0;
    if (dilepton)
        n_widths(pr, p, &w_tot, &w_ee, &w_mumu);
    for (size_t b = 0; b < pr->n_bins; b++) {
        double dis = k2 * pr->det_dis[b], coh = k2 * pr->det_coh[b];
        values[S_HESE_DIS] += dis;
        values[S_HESE_COH] += coh;
        values[S_HESE_E] += k2 * pr->det_e[b];
        double made = dis + coh, e_n = pr->e[b];
        if (four_mu) {
            double lambda = ctau_a > 0 ? 0.5 * e_n / m_a * ctau_a : 0.0;
            values[S_HESE_4MU] += made * both_a_inside(s->det_length_m, lambda);
            for (int k = 0; k < N_THROUGH_SLABS; k++)
                values[S_THROUGH] += k2 * (pr->thr_dis[k][b] + pr->thr_coh[k][b]) * through_table_at(tt, k, lambda);
        }
        if (dilepton && w_tot > 0) {
            double in_det = made * nr_decay_prob_inside_slab(s->det_length_m, nr_decay_length_m(e_n, pr->m_n, w_tot));
            values[S_HESE_EE] += in_det * w_ee / w_tot;
            values[S_HESE_MUMU] += in_det * w_mumu / w_tot;
        }
    }
    values[S_HESE] = values[S_HESE_DIS] + values[S_HESE_COH];
    values[S_TOTAL] = values[S_HESE] + values[S_THROUGH];
    double mass_ratio = s->cone_mass_t / (s->det_column_g_cm2 * s->face_w_m * s->face_h_m * 1e4 / 1e6);
    values[S_BKG_MIN] = CHARM_RATIO_MIN * BR_CHARM_MU * mass_ratio * s->cc_events_mu;
    values[S_BKG_MAX] = CHARM_RATIO_MAX * BR_CHARM_MU * mass_ratio * s->cc_events_mu;
    return NR_OK;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* model functions                                                                                              */

static nr_status darkz_check(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                             const nr_param_value *p, nr_error *err)
{
    (void)model;
    if (!e->target || !e->flux_set[0] || !nr_engine_flux(engine, e->flux_set))
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino target and flux", e->name);
    (void)p;
    /* m_N <= m_N' is allowed: N is then stable, n_hese still counts its production (000 Fig. 3 starts at
     * 10 MeV) and the decay signals are zero */
    const nr_pdf *pdf = NULL;
    return nr_engine_get_pdf(engine, PDF_SET, &pdf, err); /* read on first use (engine.h) */
}

static nr_status darkz_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                               const nr_param_value *p, void *state, nr_error *err)
{
    (void)model;
    darkz_state *w = state;
    nr_status st = make_setup(engine, e, p, &w->s, err);
    if (st != NR_OK || (st = build_production(&w->s, p, &w->pr, err)) != NR_OK)
        return st;
    through_table_build(&w->s, p[P_CTAU_A].number, &w->tt);
    return NR_OK;
}

#define DEPTH_BINS 50
static nr_status darkz_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                               nr_error *err)
{
    (void)model;
    const darkz_state *w = state;
    int depth = p[P_DISTRIBUTION].choice == 1;
    size_t n_ch = depth ? 1 : 3, n_bins = depth ? DEPTH_BINS : w->pr.n_bins;
    nr_status st = nr_table_init(out, n_ch, n_bins, err);
    if (st != NR_OK)
        return st;
    const setup *s = &w->s;
    const production *pr = &w->pr;
    double k2 = kappa2(p);
    int four_mu = p[P_DECAY].choice == 0 && pr->four_mu_allowed;
    double m_a = p[P_M_A].number, ctau_a = p[P_CTAU_A].number;
    if (depth) {
        snprintf(out->channel[0], sizeof out->channel[0], "n_through");
        snprintf(out->channel_label[0], sizeof out->channel_label[0],
                 "four-muon events vs distance of the N production point from the detector");
        snprintf(out->x_name, sizeof out->x_name, "z_production");
        snprintf(out->x_unit, sizeof out->x_unit, "m");
        nr_table_linear_bins(out, 0.0, CONCRETE_END_M);
        for (size_t b = 0; four_mu && b < pr->n_bins; b++) {
            double lambda = ctau_a > 0 ? 0.5 * pr->e[b] / m_a * ctau_a : 0.0;
            for (size_t i = 0; i < DEPTH_BINS; i++) {
                int k = out->bin_lo[i] < ROCK_LENGTH_M ? SLAB_ROCK : SLAB_CONCRETE;
                out->events[i] += k2 * (pr->thr_dis[k][b] + pr->thr_coh[k][b]) *
                                  through_column(s, out->bin_lo[i], out->bin_hi[i], lambda);
            }
        }
    } else {
        static const char *const names[3] = {"n_hese_dis", "n_hese_coherent", "n_through"};
        for (size_t c = 0; c < 3; c++) {
            snprintf(out->channel[c], sizeof out->channel[c], "%s", names[c]);
            snprintf(out->channel_label[c], sizeof out->channel_label[c], "%s vs the N energy (= E_nu)", names[c]);
        }
        snprintf(out->x_name, sizeof out->x_name, "E_N");
        snprintf(out->x_unit, sizeof out->x_unit, "GeV");
        nr_table_copy_bins(out, s->flux->e_lo, s->flux->e_hi);
        for (size_t b = 0; b < n_bins; b++) {
            out->events[b] = k2 * pr->det_dis[b];
            out->events[n_bins + b] = k2 * pr->det_coh[b];
            if (four_mu) {
                double lambda = ctau_a > 0 ? 0.5 * pr->e[b] / m_a * ctau_a : 0.0;
                for (int k = 0; k < N_THROUGH_SLABS; k++)
                    out->events[2 * n_bins + b] +=
                        k2 * (pr->thr_dis[k][b] + pr->thr_coh[k][b]) * through_table_at(&w->tt, k, lambda);
            }
        }
    }
    nr_table_sum_channels(out);
    return NR_OK;
}

const nr_model nr_model_darkz_nun = {
    .name = "darkz_nun",
    .title = "Heavy neutral lepton upscattering through a kinetically mixed (or B - 3 L_tau) Z'",
    .description = "Neutrinos of the flux turn into a heavy neutral lepton N by Z' exchange with quarks "
                   "(deep-inelastic), whole nuclei (coherent) and electrons, in the tungsten of the detector and in "
                   "the 100 m of rock and concrete in front. N decays to N' l+ l- or, through a pair of scalars, to "
                   "four muons; four-muon events from the rock reach the detector (through-going events).",
    .references = "paper 000 (FASERnu with contained-vertex and through-going multi-muon events): Eqs. 1, 3-11 and "
                  "the appendix; kinematics re-derived (darkz_xsec.c, shared/papers/ERRATA.md)",
    .params = params,
    .n_params = N_PARAMS,
    .detector_kind = NR_DETECTOR_NEUTRINO_TARGET,
    .signals = signals,
    .n_signals = N_SIGNALS,
    .state_size = sizeof(darkz_state),
    .check = darkz_check,
    .prepare = darkz_prepare,
    .signals_at = darkz_signals_at,
    .spectra = darkz_spectra,
};
