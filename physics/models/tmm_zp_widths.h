/* tmm_zp_widths.h: decay widths and branching ratios of the heavy neutrino N of paper 003 (Eq. 1): through the
 * transition moment, N -> nu_alpha Z' (on shell) or N -> nu_alpha Z'* -> nu_alpha f fbar (three-body, M_Z' > M_N),
 * with Z' -> nu nubar, l+ l-, hadrons from the couplings g_nu, g_l, g_q (u and d only); and through the mixing
 * V_alphaN with the W and the Z, the standard heavy-neutral-lepton widths (sources and derivation in
 * tmm_zp_widths.c). N is taken as a Dirac fermion (for a Majorana N every width doubles, by the charge-conjugate
 * channels, and the branching ratios do not change). Widths in GeV.
 */
#ifndef NR_TMM_ZP_WIDTHS_H
#define NR_TMM_ZP_WIDTHS_H

#include "darkcast.h"
#include "nr_error.h"

typedef struct {
    double m_n, m_zp; /* [GeV]                                                                           */
    double mu;        /* transition moment [GeV^-1]                                                      */
    double v_an;      /* |V_alphaN|                                                                      */
    double g_q, g_nu, g_l; /* Z' couplings (003 Eq. 1: g_q to u and d, g_nu to the three nu_L, g_l to e, mu, tau) */
    int alpha;        /* flavour of nu_alpha: 0 e, 1 mu, 2 tau                                            */
} nr_tmm_decay_params;

typedef enum {
    /* through the transition moment and the Z' */
    NR_TMM_ZP_NUNU = 0, /* N -> nu_alpha (Z'(*) -> nu nubar, three flavours)   invisible */
    NR_TMM_ZP_EE,
    NR_TMM_ZP_MUMU,
    NR_TMM_ZP_TAUTAU,
    NR_TMM_ZP_HADRONS,
    /* through V_alphaN, W and Z */
    NR_TMM_V_NUNUNU,    /* N -> nu_alpha nu_beta nubar_beta (all beta)              invisible */
    NR_TMM_V_NU_EE,     /* N -> nu e+ e-  (Z; and W for alpha = e)                            */
    NR_TMM_V_NU_MUMU,
    NR_TMM_V_NU_TAUTAU,
    NR_TMM_V_L_L_NU,    /* N -> l_alpha^- l_beta^+ nu_beta, beta != alpha (W)                  */
    NR_TMM_V_NU_HADRONS,/* N -> nu_alpha q qbar (Z), or nu_alpha pi0 below 1 GeV                */
    NR_TMM_V_L_HADRONS, /* N -> l_alpha^- u dbar (c sbar) (W), or l_alpha^- pi+ below 1 GeV     */
    NR_TMM_N_CHANNELS
} nr_tmm_channel;

/* Final-state classes of 003 Eq. 3. */
typedef enum {
    NR_TMM_CLASS_INVISIBLE = 0, /* nu nu nubar                                                     */
    NR_TMM_CLASS_LEPTONS,       /* two charged leptons and a neutrino (the "charged leptons" signal) */
    NR_TMM_CLASS_HADRONS        /* hadrons (with a neutrino or a charged lepton)                     */
} nr_tmm_class;

const char *nr_tmm_channel_name(nr_tmm_channel ch);
nr_tmm_class nr_tmm_channel_class(nr_tmm_channel ch);

#define NR_TMM_HADRON_QUARK_ABOVE 1.0 /* [GeV] W/Z channels: single pions below this N mass, quarks above */

typedef struct {
    double width[NR_TMM_N_CHANNELS]; /* [GeV] */
    double total;                    /* [GeV] */
} nr_tmm_widths;

/* All partial widths. dc: DarkCast tables for Z' -> hadrons below 2 GeV (zprime.h, VMD with the quark couplings
 * (g_q, g_q, 0): isoscalar, omega-like). Errors: NR_EINPUT naming /params/... for bad masses or couplings,
 * NR_ENUMERIC if an integral fails, NR_ENOMEM. */
nr_status nr_tmm_widths_compute(const nr_tmm_decay_params *p, const nr_darkcast *dc, nr_tmm_widths *out,
                                nr_error *err);

double nr_tmm_br(const nr_tmm_widths *w, nr_tmm_channel ch);
double nr_tmm_class_br(const nr_tmm_widths *w, nr_tmm_class cls);

/* Building blocks (exposed for the tests). */
/* Gamma(N -> nu V) [GeV] for a vector of mass m_v coupled through the transition moment mu: mu^2 (m_N^2 - m_v^2)^2
 * (2 m_N^2 + m_v^2) / (8 pi m_N^3); m_v -> 0 gives 001 Eq. B.1, mu^2 m_N^3/(4 pi). */
double nr_tmm_width_nu_v(double mu, double m_n, double m_v);
/* Neutral-current phase-space functions of N -> nu f fbar with x = m_f/m_N (f1 -> 1, f2 -> 0 for x -> 0). */
double nr_tmm_nc_f1(double x);
double nr_tmm_nc_f2(double x);
/* Charged-current phase-space function I(x_u, x_d, x_l) of N -> l u dbar (I(0,0,0) = 1); NaN if the integration
 * fails (nr_tmm_widths_compute then returns NR_ENUMERIC). */
double nr_tmm_cc_i(double x_u, double x_d, double x_l);

#endif
