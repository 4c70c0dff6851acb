/* zprime.h: couplings, partial widths, branching fractions and lifetime of a light spin-1 boson Z' coupled
 * to SM fermions with arbitrary vector and axial couplings: the chiral U(1)_X Z' of paper 004 (sec. II,
 * Tables I and III, Eqs. 16-21, hadrons via VMD as in Eqs. 60-61), the B-L boson and the dark photon.
 *
 * Coupling convention (paper 004 Eq. 16 with the standard projectors P_L,R = (1 -+ gamma5)/2):
 *     L = - g Z'_mu sum_f fbar gamma^mu (g_V^f - g_A^f gamma5) f ,
 *     g_V^f = (q_L^f + q_R^f)/2 ,  g_A^f = (q_L^f - q_R^f)/2      (q = U(1)_X charges of the chiral fields),
 * so g_V, g_A are in units of the gauge coupling g (g = g_X for U(1)_X and B-L, g = epsilon for the dark
 * photon, whose "charges" are e Q_f). Widths below are at g = 1 and scale as g^2.
 * - Active neutrinos are left-handed Weyl fields: g_V = g_A = q_l/2 (q_l = lepton-doublet charge).
 * - N_R (heavy right-handed neutrino, Majorana, one entry per generation, all generations equal, case I of
 *   004): stored in the same form, g_V = q_N/2, g_A = -q_N/2, so q_N = q_R = g_V - g_A.
 *
 * U(1)_X charges (004 Table I, case I, solving Eqs. 1 and 3): with x_H, x_Phi real,
 *     q_L = x_H/6 + x_Phi/3, u_R = 2x_H/3 + x_Phi/3, d_R = -x_H/3 + x_Phi/3,
 *     l_L = -x_H/2 - x_Phi, e_R = -x_H - x_Phi, N_R = -x_Phi, H = -x_H/2, Phi = 2 x_Phi,
 * i.e. x_H * (hypercharge) + x_Phi * (B-L). x_H = 0, x_Phi = 1 is B-L (purely vector); x_H = -2, x_Phi = 1
 * is U(1)_R (no coupling of the left-handed doublets, hence no neutrino width).
 *
 * Widths (GeV, g = 1):
 * - fermion pair f fbar (leptons, perturbative quarks; 004 Eq. 17 with the phase-space factor beta):
 *     Gamma = N_c m/(12 pi) beta [g_V^2 (1 + 2 r) + g_A^2 (1 - 4 r)],  r = m_f^2/m^2, beta = sqrt(1 - 4 r);
 *   for neutrinos (m_f = 0, g_V = g_A = q_l/2) this is m q_l^2/(24 pi) per flavour (004 Eq. 18).
 * - N_R N_R (Majorana, per generation): Gamma = m q_N^2/(24 pi) (1 - 4 m_N^2/m^2)^{3/2} (004 Eq. 19, with
 *   the 4 that the printed equation lacks).
 * - hadrons below the switch mass (default 2 GeV, the end of the DarkCast tables): VMD,
 *     Gamma(F) = m/(12 pi) sum_V S_V R_mu^{F,V}(m),  S_V = [R_V Tr(T_V Q)]^2, S_{omega phi} = 2 prod_V R_V Tr(T_V Q),
 *   Q = diag(g_V^u, g_V^d, g_V^s) (darkcast.h). Only the VECTOR couplings enter: the tables are fits to
 *   e+e- -> F data, i.e. matrix elements of the electromagnetic (vector, J^PC = 1--) current saturated by
 *   rho, omega, phi. The axial current creates different states (a1, f1 -> 3 pi, K K pi ..., and pi/eta via
 *   PCAC) that these tables do not describe; like 004 (Eq. 60 and its footnote 4, which quotes <~10% for
 *   the axial part) we neglect the axial quark couplings below the switch. This is exactly 004 Eq. 60
 *   (Gamma_had = Gamma_ee^vector BR_had^DC/BR_ee^DC), computed directly, so it stays defined at x_H = -4/3
 *   where the electron's vector coupling vanishes and Eq. 60 is 0/0.
 * - hadrons above the switch: perturbative u, d, s (and c, b, t at all masses above their thresholds) with
 *   vector and axial couplings, effective quark masses (u, d 0.33, s 0.5, c 1.5, b 4.8, t 172.5 GeV; the
 *   c c-bar threshold at 3 GeV matches DarkCast/FORESEE) and, by default, the QCD factor (1 + alpha_s(m)/pi)
 *   with one-loop alpha_s (alpha_s(M_Z) = 0.1179, flavour thresholds at m_c, m_b). With the factor, the
 *   dark-photon hadronic width is continuous to ~1% at 2 GeV (R = 2.18 from VMD).
 * - below 2 m_e a dark photon only decays to 3 photons; that loop width is not included (total = 0 there
 *   unless neutrinos couple).
 *
 * All functions are pure; no global state. Bad input gives an nr_error, never a crash.
 */
#ifndef NR_ZPRIME_H
#define NR_ZPRIME_H

#include <stddef.h>

#include "darkcast.h"
#include "nr_error.h"

/* ------------------------------------------------------------------ fermions and couplings ---- */

typedef enum {
    NR_ZP_F_E = 0,
    NR_ZP_F_MU,
    NR_ZP_F_TAU,
    NR_ZP_F_NU_E,   /* active neutrinos, left-handed */
    NR_ZP_F_NU_MU,
    NR_ZP_F_NU_TAU,
    NR_ZP_F_U,
    NR_ZP_F_D,
    NR_ZP_F_S,
    NR_ZP_F_C,
    NR_ZP_F_B,
    NR_ZP_F_T,
    NR_ZP_F_N_R,    /* heavy right-handed (Majorana) neutrino, per generation */
    NR_ZP_N_FERMIONS
} nr_zprime_fermion;

typedef struct {
    double g_v; /* vector coupling, units of the gauge coupling (dimensionless) */
    double g_a; /* axial coupling, same units                                    */
} nr_zprime_vertex;

typedef struct {
    nr_zprime_vertex f[NR_ZP_N_FERMIONS];
    int n_heavy_neutrinos; /* generations of N_R charged under the Z' (3 for U(1)_X, 0 for the dark photon) */
} nr_zprime_couplings;

/* U(1)_X charges of one generation (004 Table I, case I), in units of g_X. */
typedef struct {
    double q;     /* quark doublet q_L        */
    double u;     /* u_R                      */
    double d;     /* d_R                      */
    double l;     /* lepton doublet l_L       */
    double e;     /* e_R                      */
    double nu_r;  /* N_R                      */
    double h;     /* Higgs doublet H          */
    double phi;   /* the singlet scalar Phi   */
} nr_u1x_charges;

void nr_u1x_charges_compute(double x_h, double x_phi, nr_u1x_charges *out);

/* Couplings from a set of chiral charges (same charges for the three generations). */
void nr_zprime_couplings_from_charges(const nr_u1x_charges *ch, nr_zprime_couplings *out);

/* The chiral U(1)_X Z' of 004 (case I). NR_EINPUT if x_h or x_phi is not finite
 * (where: "/params/x_H" or "/params/x_Phi"). */
nr_status nr_zprime_couplings_u1x(double x_h, double x_phi, nr_zprime_couplings *out, nr_error *err);

/* B-L: x_H = 0, x_Phi = 1 (quarks 1/3, leptons -1, vector only; active neutrinos left-handed, N_R -1). */
void nr_zprime_couplings_b_minus_l(nr_zprime_couplings *out);

/* Dark photon (kinetic mixing): g_V^f = e Q_f with e = sqrt(4 pi alpha), no axial couplings, no neutrinos,
 * no N_R; the gauge coupling to pass to the lifetime is epsilon. */
void nr_zprime_couplings_dark_photon(nr_zprime_couplings *out);

/* ------------------------------------------------------------------ channels ---- */

/* Exclusive decay channels. Hadronic names follow DarkCast's final states. */
typedef enum {
    NR_ZP_EE = 0,          /* "e_e"              */
    NR_ZP_MUMU,            /* "mu_mu"            */
    NR_ZP_TAUTAU,          /* "tau_tau"          */
    NR_ZP_NUNU,            /* "nu_nu": the three active flavours summed (invisible)      */
    NR_ZP_NN,              /* "N_N": N_R pairs, all generations summed (invisible)       */
    NR_ZP_PIPI,            /* "pi+_pi-"          VMD                                     */
    NR_ZP_PIPIPI0,         /* "pi+_pi-_pi0"      VMD                                     */
    NR_ZP_PI0GAMMA,        /* "pi0_gamma"        VMD                                     */
    NR_ZP_KK,              /* "K_K"              VMD (K+K- and K0 K0bar)                 */
    NR_ZP_KKPI,            /* "K_K_pi"           VMD                                     */
    NR_ZP_4PI_CHARGED,     /* "pi+_pi-_pi+_pi-"  VMD                                     */
    NR_ZP_PIPIPI0PI0,      /* "pi+_pi-_pi0_pi0"  VMD                                     */
    NR_ZP_OTHER_HADRONS,   /* "other_hadrons"    VMD                                     */
    NR_ZP_UU,              /* "u_u"  perturbative, above the switch mass                 */
    NR_ZP_DD,              /* "d_d"                                                      */
    NR_ZP_SS,              /* "s_s"                                                      */
    NR_ZP_CC,              /* "c_c"  perturbative at all masses above threshold          */
    NR_ZP_BB,              /* "b_b"                                                      */
    NR_ZP_TT,              /* "t_t"                                                      */
    NR_ZP_N_CHANNELS
} nr_zprime_channel;

/* The coarse channels a model exposes: "ee", "mumu", "tautau", "hadrons", "nunu", "NN". */
typedef enum {
    NR_ZP_GROUP_EE = 0,
    NR_ZP_GROUP_MUMU,
    NR_ZP_GROUP_TAUTAU,
    NR_ZP_GROUP_HADRONS,
    NR_ZP_GROUP_NUNU,
    NR_ZP_GROUP_NN,
    NR_ZP_N_GROUPS
} nr_zprime_group;

const char *nr_zprime_channel_name(nr_zprime_channel ch);  /* NULL for an invalid index */
int nr_zprime_channel_find(const char *name);              /* index, or -1             */
nr_zprime_group nr_zprime_channel_group(nr_zprime_channel ch);
int nr_zprime_channel_is_visible(nr_zprime_channel ch);    /* 0 for nu_nu and N_N      */
const char *nr_zprime_group_name(nr_zprime_group g);        /* NULL for an invalid index */
int nr_zprime_group_find(const char *name);                 /* index, or -1             */

/* ------------------------------------------------------------------ widths ---- */

typedef struct {
    double m_n_gev;           /* N_R mass [GeV]; INFINITY (default) keeps Z' -> N N closed (as in 004)     */
    double hadron_switch_gev; /* VMD below, perturbative u, d, s above [GeV]; default 2.0 (end of the
                                 DarkCast tables, as FORESEE's DarkCast tables); 004 quotes 1.65. Allowed:
                                 1.0 .. the end of the tables                                               */
    int qcd_correction;       /* 1 (default): perturbative quark widths times (1 + alpha_s(m)/pi)           */
} nr_zprime_options;

void nr_zprime_options_default(nr_zprime_options *opt);

typedef struct {
    double m_gev;                          /* Z' mass [GeV]                                  */
    double width_gev[NR_ZP_N_CHANNELS];    /* partial widths at g = 1 [GeV]                  */
    double hadrons_gev;                    /* sum of the hadronic channels [GeV]             */
    double invisible_gev;                  /* nu_nu + N_N [GeV]                              */
    double visible_gev;                    /* total - invisible [GeV]                        */
    double total_gev;                      /* [GeV]                                          */
} nr_zprime_widths;

/* All partial widths at mass m_gev > 0 for unit gauge coupling. dc: the loaded DarkCast tables (required).
 * opt: NULL for the defaults. Errors: NR_EINPUT for a bad mass (where "/params/m_Zp"), a bad m_N
 * ("/params/m_N") or switch; NR_EINTERNAL for missing tables. */
nr_status nr_zprime_widths_compute(const nr_zprime_couplings *c, const nr_darkcast *dc, double m_gev,
                                   const nr_zprime_options *opt, nr_zprime_widths *out, nr_error *err);

/* Branching fraction of one exclusive channel / of one group (0 if the total width is 0). */
double nr_zprime_br(const nr_zprime_widths *w, nr_zprime_channel ch);
double nr_zprime_group_width_gev(const nr_zprime_widths *w, nr_zprime_group g);
double nr_zprime_group_br(const nr_zprime_widths *w, nr_zprime_group g);
/* BR(visible) = 1 - BR(invisible) (004 Eq. 21, with N_R pairs counted invisible too). */
double nr_zprime_br_visible(const nr_zprime_widths *w);

/* Proper decay length c tau [m] at gauge coupling g: hbar c/(g^2 Gamma_total); INFINITY if g^2 Gamma = 0. */
double nr_zprime_ctau_m(const nr_zprime_widths *w, double g);
/* Total width [GeV] at gauge coupling g. */
double nr_zprime_total_width_gev(const nr_zprime_widths *w, double g);

/* ------------------------------------------------------------------ building blocks (g = 1) ---- */

/* Z' -> f fbar [GeV]: n_color m/(12 pi) beta [g_v^2 (1 + 2r) + g_a^2 (1 - 4r)]; 0 at or below threshold. */
double nr_zprime_width_fermion_pair(double m_gev, double m_f_gev, double g_v, double g_a, double n_color);
/* Z' -> N N for one Majorana generation of charge q_n [GeV]: m q_n^2/(24 pi) (1 - 4 m_n^2/m^2)^{3/2}. */
double nr_zprime_width_majorana_pair(double m_gev, double m_n_gev, double q_n);
/* VMD width of one DarkCast table [GeV] for quark vector couplings (q_u, q_d, q_s):
 * m/(12 pi) S R_mu^{F,V}(m) (S as above; may be slightly negative where a table is). */
double nr_zprime_vmd_table_width(const nr_darkcast *dc, nr_darkcast_table t, double m_gev, double q_u,
                                 double q_d, double q_s);
/* One-loop alpha_s(mu) used for the QCD factor (alpha_s(M_Z) = 0.1179, thresholds at 1.5 and 4.8 GeV). */
double nr_zprime_alpha_s(double mu_gev);

#endif
