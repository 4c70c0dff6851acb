/* zprime.c: couplings, partial widths, branching fractions and c tau of a light Z' (see zprime.h).
 *
 * Sources: paper 004 (chiral U(1)_X; Table I charges, Eq. 16 Lagrangian, Eqs. 17-21 widths, Eqs. 60-61
 * hadrons through DarkCast), with the corrections worked out in zprime.h (phase-space factor in Eq. 17,
 * 4 m_N^2 in Eq. 19); DarkCast's VMD prescription (arXiv:1801.04847 Eqs. 2.15-2.18) via darkcast.h; the
 * fermion-pair width of a massive vector with vector and axial couplings (standard tree-level result).
 */
#include "zprime.h"

#include <math.h>
#include <string.h>

#include "constants.h"

/* Effective quark masses [GeV] for the perturbative widths (thresholds; see zprime.h). */
#define QUARK_MASS_UD 0.33
#define QUARK_MASS_S 0.5
#define QUARK_MASS_C 1.5
#define QUARK_MASS_B 4.8
#define QUARK_MASS_T 172.5
#define N_COLOR 3.0

/* alpha_s(M_Z), PDG 2022 world average. */
#define ALPHA_S_MZ 0.1179

/* hbar c [GeV m] from constants.h (given there in GeV cm). */

/* ------------------------------------------------------------------ charges and couplings ---- */

void nr_u1x_charges_compute(double x_h, double x_phi, nr_u1x_charges *out)
{
    out->q = x_h / 6.0 + x_phi / 3.0;
    out->u = 2.0 * x_h / 3.0 + x_phi / 3.0;
    out->d = -x_h / 3.0 + x_phi / 3.0;
    out->l = -x_h / 2.0 - x_phi;
    out->e = -x_h - x_phi;
    out->nu_r = -x_phi;
    out->h = -x_h / 2.0;
    out->phi = 2.0 * x_phi;
}

static nr_zprime_vertex chiral_vertex(double q_left, double q_right)
{
    nr_zprime_vertex v = {0.5 * (q_left + q_right), 0.5 * (q_left - q_right)};
    return v;
}

void nr_zprime_couplings_from_charges(const nr_u1x_charges *ch, nr_zprime_couplings *out)
{
    memset(out, 0, sizeof *out);
    const nr_zprime_vertex lepton = chiral_vertex(ch->l, ch->e);
    const nr_zprime_vertex neutrino = chiral_vertex(ch->l, 0.0); /* left-handed Weyl field only */
    const nr_zprime_vertex up = chiral_vertex(ch->q, ch->u);
    const nr_zprime_vertex down = chiral_vertex(ch->q, ch->d);
    out->f[NR_ZP_F_E] = out->f[NR_ZP_F_MU] = out->f[NR_ZP_F_TAU] = lepton;
    out->f[NR_ZP_F_NU_E] = out->f[NR_ZP_F_NU_MU] = out->f[NR_ZP_F_NU_TAU] = neutrino;
    out->f[NR_ZP_F_U] = out->f[NR_ZP_F_C] = out->f[NR_ZP_F_T] = up;
    out->f[NR_ZP_F_D] = out->f[NR_ZP_F_S] = out->f[NR_ZP_F_B] = down;
    out->f[NR_ZP_F_N_R] = chiral_vertex(0.0, ch->nu_r); /* right-handed Weyl field */
    out->n_heavy_neutrinos = 3;
}

nr_status nr_zprime_couplings_u1x(double x_h, double x_phi, nr_zprime_couplings *out, nr_error *err)
{
    if (!isfinite(x_h))
        return nr_fail(err, NR_EINPUT, "/params/x_H", "x_H must be a finite number");
    if (!isfinite(x_phi))
        return nr_fail(err, NR_EINPUT, "/params/x_Phi", "x_Phi must be a finite number");
    nr_u1x_charges ch;
    nr_u1x_charges_compute(x_h, x_phi, &ch);
    nr_zprime_couplings_from_charges(&ch, out);
    return NR_OK;
}

void nr_zprime_couplings_b_minus_l(nr_zprime_couplings *out)
{
    nr_u1x_charges ch;
    nr_u1x_charges_compute(0.0, 1.0, &ch);
    nr_zprime_couplings_from_charges(&ch, out);
}

void nr_zprime_couplings_dark_photon(nr_zprime_couplings *out)
{
    memset(out, 0, sizeof *out);
    const double e = sqrt(4.0 * NR_PI * NR_ALPHA_EM);
    const double q_lepton = -e, q_up = 2.0 * e / 3.0, q_down = -e / 3.0;
    out->f[NR_ZP_F_E].g_v = out->f[NR_ZP_F_MU].g_v = out->f[NR_ZP_F_TAU].g_v = q_lepton;
    out->f[NR_ZP_F_U].g_v = out->f[NR_ZP_F_C].g_v = out->f[NR_ZP_F_T].g_v = q_up;
    out->f[NR_ZP_F_D].g_v = out->f[NR_ZP_F_S].g_v = out->f[NR_ZP_F_B].g_v = q_down;
    out->n_heavy_neutrinos = 0;
}

/* ------------------------------------------------------------------ channel names ---- */

static const char *const channel_names[NR_ZP_N_CHANNELS] = {
    [NR_ZP_EE] = "e_e",
    [NR_ZP_MUMU] = "mu_mu",
    [NR_ZP_TAUTAU] = "tau_tau",
    [NR_ZP_NUNU] = "nu_nu",
    [NR_ZP_NN] = "N_N",
    [NR_ZP_PIPI] = "pi+_pi-",
    [NR_ZP_PIPIPI0] = "pi+_pi-_pi0",
    [NR_ZP_PI0GAMMA] = "pi0_gamma",
    [NR_ZP_KK] = "K_K",
    [NR_ZP_KKPI] = "K_K_pi",
    [NR_ZP_4PI_CHARGED] = "pi+_pi-_pi+_pi-",
    [NR_ZP_PIPIPI0PI0] = "pi+_pi-_pi0_pi0",
    [NR_ZP_OTHER_HADRONS] = "other_hadrons",
    [NR_ZP_UU] = "u_u",
    [NR_ZP_DD] = "d_d",
    [NR_ZP_SS] = "s_s",
    [NR_ZP_CC] = "c_c",
    [NR_ZP_BB] = "b_b",
    [NR_ZP_TT] = "t_t",
};

static const char *const group_names[NR_ZP_N_GROUPS] = {
    [NR_ZP_GROUP_EE] = "ee",           [NR_ZP_GROUP_MUMU] = "mumu", [NR_ZP_GROUP_TAUTAU] = "tautau",
    [NR_ZP_GROUP_HADRONS] = "hadrons", [NR_ZP_GROUP_NUNU] = "nunu", [NR_ZP_GROUP_NN] = "NN",
};

static int channel_valid(nr_zprime_channel ch)
{
    return (int)ch >= 0 && ch < NR_ZP_N_CHANNELS;
}

const char *nr_zprime_channel_name(nr_zprime_channel ch)
{
    return channel_valid(ch) ? channel_names[ch] : NULL;
}

int nr_zprime_channel_find(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < NR_ZP_N_CHANNELS; i++)
        if (strcmp(name, channel_names[i]) == 0)
            return i;
    return -1;
}

nr_zprime_group nr_zprime_channel_group(nr_zprime_channel ch)
{
    switch (ch) {
    case NR_ZP_EE:
        return NR_ZP_GROUP_EE;
    case NR_ZP_MUMU:
        return NR_ZP_GROUP_MUMU;
    case NR_ZP_TAUTAU:
        return NR_ZP_GROUP_TAUTAU;
    case NR_ZP_NUNU:
        return NR_ZP_GROUP_NUNU;
    case NR_ZP_NN:
        return NR_ZP_GROUP_NN;
    default:
        return NR_ZP_GROUP_HADRONS;
    }
}

int nr_zprime_channel_is_visible(nr_zprime_channel ch)
{
    return channel_valid(ch) && ch != NR_ZP_NUNU && ch != NR_ZP_NN;
}

const char *nr_zprime_group_name(nr_zprime_group g)
{
    return ((int)g >= 0 && g < NR_ZP_N_GROUPS) ? group_names[g] : NULL;
}

int nr_zprime_group_find(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < NR_ZP_N_GROUPS; i++)
        if (strcmp(name, group_names[i]) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ building blocks ---- */

double nr_zprime_width_fermion_pair(double m_gev, double m_f_gev, double g_v, double g_a, double n_color)
{
    if (!(m_gev > 2.0 * m_f_gev) || !(m_f_gev >= 0.0))
        return 0.0;
    const double r = m_f_gev * m_f_gev / (m_gev * m_gev);
    const double beta = sqrt(1.0 - 4.0 * r);
    return n_color * m_gev / (12.0 * NR_PI) * beta * (g_v * g_v * (1.0 + 2.0 * r) + g_a * g_a * (1.0 - 4.0 * r));
}

double nr_zprime_width_majorana_pair(double m_gev, double m_n_gev, double q_n)
{
    if (!(m_gev > 2.0 * m_n_gev) || !(m_n_gev >= 0.0))
        return 0.0;
    const double x = 1.0 - 4.0 * m_n_gev * m_n_gev / (m_gev * m_gev);
    return m_gev * q_n * q_n / (24.0 * NR_PI) * x * sqrt(x);
}

/* S of one table: [R_V Tr(T_V Q)]^2 for one meson, 2 prod_V R_V Tr(T_V Q) for an interference term. */
static double vmd_strength(nr_darkcast_table t, double q_u, double q_d, double q_s)
{
    const nr_darkcast_table_info *info = nr_darkcast_table_describe(t);
    if (!info)
        return 0.0;
    const double c0 = nr_vmd_meson_coupling(info->mesons[0], q_u, q_d, q_s);
    if (info->n_mesons == 1)
        return c0 * c0;
    return 2.0 * c0 * nr_vmd_meson_coupling(info->mesons[1], q_u, q_d, q_s);
}

double nr_zprime_vmd_table_width(const nr_darkcast *dc, nr_darkcast_table t, double m_gev, double q_u,
                                 double q_d, double q_s)
{
    if (!(m_gev > 0.0))
        return 0.0;
    return m_gev / (12.0 * NR_PI) * vmd_strength(t, q_u, q_d, q_s) * nr_darkcast_r(dc, t, m_gev);
}

/* 1/alpha_s runs linearly in ln mu^2 at one loop: d(1/alpha_s)/d ln mu^2 = b0/(4 pi), b0 = 11 - 2 nf/3. */
static double inverse_alpha_s_step(double inv_alpha, int nf, double mu_to, double mu_from)
{
    const double b0 = 11.0 - 2.0 * nf / 3.0;
    return inv_alpha + b0 / (4.0 * NR_PI) * log(mu_to * mu_to / (mu_from * mu_from));
}

double nr_zprime_alpha_s(double mu_gev)
{
    if (!(mu_gev > 0.0))
        return 1.0;
    double inv = 1.0 / ALPHA_S_MZ;
    if (mu_gev >= QUARK_MASS_B) {
        inv = inverse_alpha_s_step(inv, 5, mu_gev, NR_M_Z);
    } else {
        inv = inverse_alpha_s_step(inv, 5, QUARK_MASS_B, NR_M_Z);
        if (mu_gev >= QUARK_MASS_C) {
            inv = inverse_alpha_s_step(inv, 4, mu_gev, QUARK_MASS_B);
        } else {
            inv = inverse_alpha_s_step(inv, 4, QUARK_MASS_C, QUARK_MASS_B);
            inv = inverse_alpha_s_step(inv, 3, mu_gev, QUARK_MASS_C);
        }
    }
    /* below ~0.3 GeV one-loop running blows up: cap at 1 (never used there: the switch is >= 1 GeV) */
    return inv > 1.0 ? 1.0 / inv : 1.0;
}

/* ------------------------------------------------------------------ the full width table ---- */

void nr_zprime_options_default(nr_zprime_options *opt)
{
    opt->m_n_gev = INFINITY;
    opt->hadron_switch_gev = 2.0;
    opt->qcd_correction = 1;
}

static nr_status check_inputs(const nr_zprime_couplings *c, const nr_darkcast *dc, double m_gev,
                              const nr_zprime_options *opt, nr_error *err)
{
    if (!c)
        return nr_fail(err, NR_EINTERNAL, "", "Z' widths need couplings");
    if (!dc)
        return nr_fail(err, NR_EINTERNAL, "", "Z' widths need the DarkCast VMD tables (data/darkcast)");
    if (!(m_gev > 0.0) || !isfinite(m_gev))
        return nr_fail(err, NR_EINPUT, "/params/m_Zp", "the Z' mass must be a positive finite number of GeV");
    if (isnan(opt->m_n_gev) || opt->m_n_gev < 0.0)
        return nr_fail(err, NR_EINPUT, "/params/m_N", "the N_R mass must be >= 0 GeV (or infinite: closed)");
    const double table_end = nr_darkcast_vmd_m_max(dc);
    if (!(opt->hadron_switch_gev >= 1.0 && opt->hadron_switch_gev <= table_end))
        return nr_fail(err, NR_EINPUT, "/params/hadron_switch",
                       "the VMD/perturbative switch must lie between 1 GeV and %g GeV (end of the VMD tables)",
                       table_end);
    for (int f = 0; f < NR_ZP_N_FERMIONS; f++)
        if (!isfinite(c->f[f].g_v) || !isfinite(c->f[f].g_a))
            return nr_fail(err, NR_EINPUT, "/params", "Z' couplings must be finite");
    if (c->n_heavy_neutrinos < 0 || c->n_heavy_neutrinos > 3)
        return nr_fail(err, NR_EINPUT, "/params", "between 0 and 3 heavy neutrinos");
    return NR_OK;
}

static double lepton_width(const nr_zprime_couplings *c, nr_zprime_fermion f, double m_f, double m_gev)
{
    return nr_zprime_width_fermion_pair(m_gev, m_f, c->f[f].g_v, c->f[f].g_a, 1.0);
}

static double quark_width(const nr_zprime_couplings *c, nr_zprime_fermion f, double m_q, double m_gev, int qcd)
{
    const double k = qcd ? 1.0 + nr_zprime_alpha_s(m_gev) / NR_PI : 1.0;
    return k * nr_zprime_width_fermion_pair(m_gev, m_q, c->f[f].g_v, c->f[f].g_a, N_COLOR);
}

/* Hadronic final states below the switch: VMD with the vector couplings to u, d, s. */
static void fill_vmd_channels(const nr_zprime_couplings *c, const nr_darkcast *dc, double m_gev, double *w)
{
    static const struct {
        nr_darkcast_table table;
        nr_zprime_channel channel;
    } map[NR_DC_N_TABLES] = {
        {NR_DC_PIPI_RHO0, NR_ZP_PIPI},
        {NR_DC_PIPIPI0_OMEGA, NR_ZP_PIPIPI0},
        {NR_DC_PIPIPI0_PHI, NR_ZP_PIPIPI0},
        {NR_DC_PIPIPI0_OMEGA_PHI, NR_ZP_PIPIPI0},
        {NR_DC_PI0GAMMA_OMEGA, NR_ZP_PI0GAMMA},
        {NR_DC_KK_PHI, NR_ZP_KK},
        {NR_DC_KKPI_PHI, NR_ZP_KKPI},
        {NR_DC_4PI_CHARGED_RHO0, NR_ZP_4PI_CHARGED},
        {NR_DC_2PI2PI0_RHO0, NR_ZP_PIPIPI0PI0},
        {NR_DC_OTHER_RHO0, NR_ZP_OTHER_HADRONS},
        {NR_DC_OTHER_OMEGA, NR_ZP_OTHER_HADRONS},
        {NR_DC_OTHER_PHI, NR_ZP_OTHER_HADRONS},
    };
    const double q_u = c->f[NR_ZP_F_U].g_v, q_d = c->f[NR_ZP_F_D].g_v, q_s = c->f[NR_ZP_F_S].g_v;
    for (int i = 0; i < NR_DC_N_TABLES; i++)
        w[map[i].channel] += nr_zprime_vmd_table_width(dc, map[i].table, m_gev, q_u, q_d, q_s);
    /* The fitted tables dip slightly below zero just above some thresholds (e.g. 2pi 2pi0 near 0.8 GeV,
     * R ~ -1e-5): a width cannot be negative, so clamp each final state at 0. */
    for (int ch = NR_ZP_PIPI; ch <= NR_ZP_OTHER_HADRONS; ch++)
        if (w[ch] < 0.0)
            w[ch] = 0.0;
}

nr_status nr_zprime_widths_compute(const nr_zprime_couplings *c, const nr_darkcast *dc, double m_gev,
                                   const nr_zprime_options *opt, nr_zprime_widths *out, nr_error *err)
{
    nr_zprime_options defaults;
    if (!opt) {
        nr_zprime_options_default(&defaults);
        opt = &defaults;
    }
    if (!out)
        return nr_fail(err, NR_EINTERNAL, "", "Z' widths need an output");
    memset(out, 0, sizeof *out);
    nr_status st = check_inputs(c, dc, m_gev, opt, err);
    if (st != NR_OK)
        return st;
    double *w = out->width_gev;
    out->m_gev = m_gev;

    w[NR_ZP_EE] = lepton_width(c, NR_ZP_F_E, NR_M_ELECTRON, m_gev);
    w[NR_ZP_MUMU] = lepton_width(c, NR_ZP_F_MU, NR_M_MUON, m_gev);
    w[NR_ZP_TAUTAU] = lepton_width(c, NR_ZP_F_TAU, NR_M_TAU, m_gev);
    w[NR_ZP_NUNU] = lepton_width(c, NR_ZP_F_NU_E, 0.0, m_gev) + lepton_width(c, NR_ZP_F_NU_MU, 0.0, m_gev) +
                    lepton_width(c, NR_ZP_F_NU_TAU, 0.0, m_gev);
    if (isfinite(opt->m_n_gev)) {
        const double q_n = c->f[NR_ZP_F_N_R].g_v - c->f[NR_ZP_F_N_R].g_a; /* right-handed charge */
        w[NR_ZP_NN] = c->n_heavy_neutrinos * nr_zprime_width_majorana_pair(m_gev, opt->m_n_gev, q_n);
    }

    if (m_gev <= opt->hadron_switch_gev) {
        fill_vmd_channels(c, dc, m_gev, w);
    } else {
        w[NR_ZP_UU] = quark_width(c, NR_ZP_F_U, QUARK_MASS_UD, m_gev, opt->qcd_correction);
        w[NR_ZP_DD] = quark_width(c, NR_ZP_F_D, QUARK_MASS_UD, m_gev, opt->qcd_correction);
        w[NR_ZP_SS] = quark_width(c, NR_ZP_F_S, QUARK_MASS_S, m_gev, opt->qcd_correction);
    }
    w[NR_ZP_CC] = quark_width(c, NR_ZP_F_C, QUARK_MASS_C, m_gev, opt->qcd_correction);
    w[NR_ZP_BB] = quark_width(c, NR_ZP_F_B, QUARK_MASS_B, m_gev, opt->qcd_correction);
    w[NR_ZP_TT] = quark_width(c, NR_ZP_F_T, QUARK_MASS_T, m_gev, opt->qcd_correction);

    for (int ch = 0; ch < NR_ZP_N_CHANNELS; ch++) {
        out->total_gev += w[ch];
        if (nr_zprime_channel_group((nr_zprime_channel)ch) == NR_ZP_GROUP_HADRONS)
            out->hadrons_gev += w[ch];
    }
    out->invisible_gev = w[NR_ZP_NUNU] + w[NR_ZP_NN];
    out->visible_gev = out->total_gev - out->invisible_gev;
    return NR_OK;
}

/* ------------------------------------------------------------------ derived quantities ---- */

double nr_zprime_br(const nr_zprime_widths *w, nr_zprime_channel ch)
{
    if (!w || !channel_valid(ch) || !(w->total_gev > 0.0))
        return 0.0;
    return w->width_gev[ch] / w->total_gev;
}

double nr_zprime_group_width_gev(const nr_zprime_widths *w, nr_zprime_group g)
{
    if (!w)
        return 0.0;
    double sum = 0.0;
    for (int ch = 0; ch < NR_ZP_N_CHANNELS; ch++)
        if (nr_zprime_channel_group((nr_zprime_channel)ch) == g)
            sum += w->width_gev[ch];
    return sum;
}

double nr_zprime_group_br(const nr_zprime_widths *w, nr_zprime_group g)
{
    if (!w || !(w->total_gev > 0.0))
        return 0.0;
    return nr_zprime_group_width_gev(w, g) / w->total_gev;
}

double nr_zprime_br_visible(const nr_zprime_widths *w)
{
    if (!w || !(w->total_gev > 0.0))
        return 0.0;
    return w->visible_gev / w->total_gev;
}

double nr_zprime_total_width_gev(const nr_zprime_widths *w, double g)
{
    return w ? g * g * w->total_gev : 0.0;
}

double nr_zprime_ctau_m(const nr_zprime_widths *w, double g)
{
    const double width = nr_zprime_total_width_gev(w, g);
    if (!(width > 0.0))
        return INFINITY;
    return NR_HBARC_GEV_M / width;
}
