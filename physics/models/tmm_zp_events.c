/* tmm_zp_events.c: paper 003 Eqs. 2-3 at a neutrino detector (tmm_zp_events.h).
 *
 * N made: for every flux bin (centre energy, the nu_alpha count, plus nubar_alpha if asked: the same cross section,
 * tmm_zp_xsec.c), the quadrature nodes of the coherent (nucleus), elastic (Z protons, A - Z neutrons) and inelastic
 * (tmm_zp_xsec.h) cross sections at mu = 1, times the nuclei per cm^2 of the target column. Each node carries the N
 * momentum and angle; nodes are summed into cells of (ln p_N: 20 per decade) x (the distance to the side R/sin theta:
 * beyond the length, or one of 11 cells in ln down to R) keeping their weighted mean p_N and sin theta, so a point
 * costs <= 1680 decay probabilities whatever the number of nodes (the error is second order in the 12% width of a
 * p_N cell around its weighted mean: 2e-5 against a node-by-node sum at P ~ 0.6, tests/test_tmm_zp.c).
 * Detected, Eq. 3: N_det = sum_cells w mu^2 P_det(lambda) BR, P_det of Eq. 2 (tmm_zp_xsec.h) with the lab decay
 * length lambda = (p_N / m_N) hbar c / Gamma_total(mu), Gamma_total = mu^2 Gamma_dipole(1) + Gamma_W/Z. Delta = the
 * detector length (from its mass), R = half the smaller side of its face (003 calls R "the radius": the inscribed
 * cylinder). The decay volume behind the target (FASER behind FASERnu, 1 m gap; experiment.c) as the dipole model
 * does it: N going straight, decaying between gap and gap + length behind a uniformly filled target, times the
 * fraction of the target face inside the volume's radius.
 */
#include "tmm_zp_events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "decay.h"
#include "flux.h"
#include "materials.h"
#include "tmm_zp_xsec.h"
#include "upscatter.h"

#define PDF_SET "CT10nlo" /* the PDF set of the other upscattering model (darkz_nun); 003 does not name MadGraph's */
#define MAX_FLUX_BINS 64
#define N_T_NODES 64
#define MAX_DIS_NODES 16384
#define P_CELLS_PER_DECADE 20.0
#define P_LOG10_MIN -2.0
#define N_CELLS (NR_TMM_P_CELLS * NR_TMM_ANGLE_CELLS)

/* The angle cell of sin_theta in the detector of s (ln(delta_m / radius_m) computed once, in nr_tmm_prepare). */
static int angle_cell(const nr_tmm_prepared *s, double sin_theta)
{
    if (!(sin_theta > 0.0) || s->radius_m / sin_theta >= s->delta_m)
        return 0;
    const double ratio = log(s->delta_m * sin_theta / s->radius_m) / s->ln_delta_over_radius; /* (0, 1] */
    const int k = 1 + (int)(ratio * (NR_TMM_ANGLE_CELLS - 1));
    return k < NR_TMM_ANGLE_CELLS ? k : NR_TMM_ANGLE_CELLS - 1;
}

static double add_node(nr_tmm_prepared *s, double e_n, double sin_theta, double weight)
{
    const double m_n = s->setup.m_n, p2 = e_n * e_n - m_n * m_n;
    if (!(weight > 0.0) || !(p2 > 0.0))
        return 0.0;
    const double p = sqrt(p2);
    int ip = (int)floor((log10(p) - P_LOG10_MIN) * P_CELLS_PER_DECADE);
    ip = ip < 0 ? 0 : (ip >= NR_TMM_P_CELLS ? NR_TMM_P_CELLS - 1 : ip);
    nr_tmm_cell *c = &s->cells[ip * NR_TMM_ANGLE_CELLS + angle_cell(s, sin_theta)];
    c->weight += weight;
    c->p_sum += weight * p;
    c->sin_sum += weight * sin_theta;
    return weight;
}

/* Elastic or coherent nodes on one kind of target; scale = neutrinos x targets per cm^2. Returns the N made. */
static double add_elastic(nr_tmm_prepared *s, const nr_tmm_couplings *c, nr_tmm_target target,
                          const nr_material *mat, double m_target, double e_nu, double scale)
{
    nr_tmm_elastic_ctx ctx = {*c, target, mat->z, mat->a, m_target, s->helm, 0.0, 0.0, 0.0};
    nr_tmm_elastic_at_energy(&ctx, e_nu); /* the |t| range once for the quadrature's calls */
    double abs_t[N_T_NODES], w[N_T_NODES], sum = 0.0;
    const size_t n = nr_upscatter_nodes(nr_tmm_elastic_dsigma_dt, &ctx, e_nu, m_target, c->m_n, 0.0, N_T_NODES,
                                        abs_t, w);
    for (size_t k = 0; k < n; k++) {
        const double e_n = nr_upscatter_e_n(e_nu, m_target, -abs_t[k]);
        sum += add_node(s, e_n, nr_tmm_n_sin_theta(e_nu, e_n, c->m_n, abs_t[k]), w[k] * scale);
    }
    return sum;
}

/* Inelastic nodes on scale_p protons and scale_n neutrons together (they share the nodes' kinematics and PDF
 * evaluations: nr_tmm_dis_nodes_mix). Returns the N made. */
static double add_inelastic(nr_tmm_prepared *s, const nr_pdf *pdf, const nr_tmm_couplings *c, double e_nu,
                            double scale_p, double scale_n, nr_tmm_node *nodes)
{
    const size_t n = nr_tmm_dis_nodes_mix(pdf, c, scale_p, scale_n, e_nu, s->setup.q0_gev2, NR_TMM_DIS_ALL, nodes,
                                          MAX_DIS_NODES, NULL);
    double sum = 0.0;
    for (size_t k = 0; k < n; k++)
        sum += add_node(s, nodes[k].e_n, nodes[k].sin_theta, nodes[k].weight);
    return sum;
}

/* The widths split into the part ~ mu^2 (at mu = 1) and the mixing part. */
static nr_status split_widths(nr_tmm_prepared *s, nr_error *err)
{
    const nr_tmm_setup *u = &s->setup;
    nr_tmm_decay_params d = {u->m_n, u->m_zp, 1.0, u->v_an, u->g_q, u->g_nu, u->g_l, u->flavour};
    nr_status st = nr_tmm_widths_compute(&d, s->dc, &s->dipole_unit, err);
    if (st != NR_OK)
        return st;
    d.mu = 0.0;
    if ((st = nr_tmm_widths_compute(&d, s->dc, &s->mixing, err)) != NR_OK)
        return st;
    s->dipole_unit.total = 0.0;
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++) {
        s->dipole_unit.width[k] = fmax(s->dipole_unit.width[k] - s->mixing.width[k], 0.0);
        s->dipole_unit.total += s->dipole_unit.width[k];
    }
    return NR_OK;
}

nr_status nr_tmm_prepare(const nr_engine *engine, const nr_experiment *e, const nr_tmm_setup *setup,
                         nr_tmm_prepared *s, nr_error *err)
{
    memset(s, 0, sizeof *s);
    s->setup = *setup;
    if (!e->target || !e->flux_set[0])
        return nr_fail(err, NR_EINPUT, "/experiment", "%s has no neutrino target and flux (tmm_zp needs FASERnu or "
                       "FASERnu2)", e->name);
    if (setup->flavour < NR_FLAVOUR_E || setup->flavour > NR_FLAVOUR_TAU)
        return nr_fail(err, NR_EINPUT, "/params/flavour", "flavour must be e, mu or tau");
    if (!(setup->q0_gev2 > 0.0))
        return nr_fail(err, NR_EINPUT, "/params/q0_gev2", "the matching scale must be positive");
    const nr_flux *flux = nr_engine_flux(engine, e->flux_set);
    if (!flux)
        return nr_fail(err, NR_EDATA, "/experiment", "no neutrino flux table %s", e->flux_set);
    if (flux->n_bins > MAX_FLUX_BINS)
        return nr_fail(err, NR_EDATA, e->flux_set, "flux table has %zu bins, at most %d supported", flux->n_bins,
                       MAX_FLUX_BINS);
    const nr_pdf *pdf = NULL;
    nr_status st = nr_engine_get_pdf(engine, PDF_SET, &pdf, err); /* read on first use (engine.h) */
    if (st == NR_OK)
        st = nr_engine_get_darkcast(engine, &s->dc, err);
    if (st == NR_OK)
        st = split_widths(s, err);
    if (st != NR_OK)
        return st;
    const nr_material *mat = e->target;
    s->helm = nr_engine_helm_001(engine, mat); /* NULL for a material without a table: computed per call */
    s->delta_m = nr_experiment_column_density_g_cm2(e) / mat->density_g_cm3 / 100.0; /* [m], from the mass */
    s->radius_m = 0.5 * fmin(e->width_m, e->height_m);
    s->ln_delta_over_radius = log(s->delta_m / s->radius_m);
    const nr_experiment *vol = e->downstream[0] ? nr_experiment_find(e->downstream) : NULL;
    if (vol) { /* as the dipole model: straight-going N, the face's overlap with the volume's circle */
        s->have_volume = 1;
        s->gap_m = e->gap_m;
        s->volume_m = vol->length_m;
        s->acceptance = nr_rectangle_fraction_in_circle(e->width_m, e->height_m, vol->radius_m);
    }

    const double nuclei_cm2 = nr_material_nuclei_per_g(mat) * nr_experiment_column_density_g_cm2(e);
    const double flux_scale = nr_experiment_flux_scale(e);
    const nr_tmm_couplings c = {1.0, setup->m_n, setup->m_zp, setup->g_q, setup->g_q};
    nr_tmm_node *nodes = malloc(MAX_DIS_NODES * sizeof *nodes);
    if (!nodes)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the production nodes");
    for (size_t b = 0; b < flux->n_bins; b++) {
        double n_nu = flux->count[NR_SPECIES(setup->flavour, 0)][b];
        if (setup->antineutrinos)
            n_nu += flux->count[NR_SPECIES(setup->flavour, 1)][b];
        const double scale = n_nu * flux_scale * nuclei_cm2, e_nu = flux->e_center[b];
        if (!(scale > 0.0))
            continue;
        s->produced[0] += add_elastic(s, &c, NR_TMM_NUCLEUS, mat, mat->nucleus_mass_gev, e_nu, scale);
        s->produced[1] += add_elastic(s, &c, NR_TMM_PROTON, mat, NR_M_PROTON, e_nu, scale * mat->z);
        s->produced[1] += add_elastic(s, &c, NR_TMM_NEUTRON, mat, NR_M_NEUTRON, e_nu, scale * (mat->a - mat->z));
        s->produced[2] += add_inelastic(s, pdf, &c, e_nu, scale * mat->z, scale * (mat->a - mat->z), nodes);
    }
    free(nodes);
    return NR_OK;
}

void nr_tmm_widths_at(const nr_tmm_prepared *s, double mu, nr_tmm_widths *out)
{
    out->total = 0.0;
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++) {
        out->width[k] = mu * mu * s->dipole_unit.width[k] + s->mixing.width[k];
        out->total += out->width[k];
    }
}

void nr_tmm_events_at(const nr_tmm_prepared *s, double mu, nr_tmm_events *out)
{
    const double mu2 = mu * mu;
    nr_tmm_widths w;
    nr_tmm_widths_at(s, mu, &w);
    const double ctau_m = w.total > 0.0 ? NR_HBARC_GEV_M / w.total : INFINITY;
    double decayed = 0.0, in_volume = 0.0;
    for (int k = 0; k < N_CELLS; k++) {
        const nr_tmm_cell *c = &s->cells[k];
        if (!(c->weight > 0.0))
            continue;
        const double lambda = c->p_sum / c->weight / s->setup.m_n * ctau_m;
        decayed += c->weight * nr_tmm_decay_probability(lambda, s->delta_m, s->radius_m, c->sin_sum / c->weight,
                                                        s->setup.average_depth);
        if (s->have_volume)
            in_volume += c->weight * nr_decay_prob_slab_to_volume(s->delta_m, s->gap_m, s->volume_m, lambda);
    }
    decayed *= mu2;
    in_volume *= mu2 * s->acceptance;
    const double br_l = w.total > 0.0 ? nr_tmm_class_br(&w, NR_TMM_CLASS_LEPTONS) : 0.0;
    const double br_vis = w.total > 0.0 ? 1.0 - nr_tmm_class_br(&w, NR_TMM_CLASS_INVISIBLE) : 0.0;
    out->leptons = decayed * br_l;
    out->visible = decayed * br_vis;
    out->volume_leptons = in_volume * br_l;
    out->volume_visible = in_volume * br_vis;
    out->produced_coherent = mu2 * s->produced[0];
    out->produced_elastic = mu2 * s->produced[1];
    out->produced_dis = mu2 * s->produced[2];
    out->produced = out->produced_coherent + out->produced_elastic + out->produced_dis;
}
