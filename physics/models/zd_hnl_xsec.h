/* zd_hnl_xsec.h: cross sections and widths of a dark gauge boson Z_D coupled to a heavy neutral lepton N, paper 001
 * sec. 3.2 (Eq. 3.3), derived afresh from the Lagrangian (001 Eqs. A.2, A.11, A.12, B.6, B.8, B.9 as printed are
 * wrong by constant factors; zd_hnl_xsec.c has the derivations and the checks that decided them):
 *
 *     L = m_ZD^2/2 Z_D Z_D + g_D Z_D^mu Nbar gamma_mu N + e eps Z_D^mu J^em_mu ,   N a Dirac fermion.
 *
 * N mixes with one active flavour alpha through U = U_alphaN: the dark-charged left-handed state is
 * sqrt(1 - U^2) N_L - U nu_alpha (001 writes |U_D4|^2 = 1 - U^2), so the Z_D couples
 *     g_D sqrt(1 - U^2) U  (nubar gamma P_L N + h.c.),   g_D U^2  nubar gamma P_L nu,
 *     g_D Nbar gamma (1 - U^2 P_L) N.
 * "u_eff" below is the transition coupling factor U sqrt(1 - U^2) (001's |U_D4|^2 (1 - |U_D4|^2) = u_eff^2).
 *
 * Units: GeV inside; cross sections are returned in cm^2/GeV^2 (dsigma/dt), widths in GeV.
 */
#ifndef NR_ZD_HNL_XSEC_H
#define NR_ZD_HNL_XSEC_H

#include "darkcast.h"
#include "form_factors.h"
#include "nr_error.h"

typedef struct {
    double m_zd; /* Z_D mass [GeV]                             */
    double g_d;  /* dark coupling g_D (alpha_D = g_D^2 / 4 pi) */
    double eps;  /* kinetic mixing epsilon                     */
    double u2;   /* |U_alphaN|^2                               */
    double m_n;  /* N mass [GeV]                               */
} nr_zd_params;

/* g_D U sqrt(1 - U^2): the coupling of the nubar gamma P_L N Z_D vertex. */
double nr_zd_transition_coupling(const nr_zd_params *p);

/* ---------------------------------------------------------------------------------------------- upscattering */

typedef enum {
    NR_ZD_NUCLEUS = 0, /* coherent, spin 0, Helm form factor (001 A.3-A.4)            */
    NR_ZD_PROTON,      /* elastic, Dirac and Pauli form factors (001 A.6-A.8)          */
    NR_ZD_NEUTRON,
    NR_ZD_ELECTRON     /* point-like; the SM Z is not included for electrons            */
} nr_zd_target;

/* How the SM Z exchange (001 A.2 "the additional impact of the scattering mediated by the Z boson") enters.
 * The relative sign of the Z and Z_D amplitudes is the sign of eps g_D relative to the mixing angle, which
 * 001 does not fix; 001 A.2 adds the two squares (no interference). */
/* With eta = +-1 the amplitude per unit target current is
 *     g_D u_eff e eps Q_em / (|t| + m_ZD^2) + eta (G_F m_Z^2 / sqrt 2) u_eff Q_W / (|t| + m_Z^2),
 * Q_em = Z (nucleus) or e F_1,2 (nucleons), Q_W = Z (1 - 4 s_W^2) - (A - Z) the weak charge (negative for
 * every nucleus heavier than helium, so eta = +1 is destructive there). */
typedef enum {
    NR_ZD_SM_Z_OFF = 0,     /* Z_D only                                       */
    NR_ZD_SM_Z_INCOHERENT,  /* |A_ZD|^2 + |A_Z|^2, as 001 A.2                 */
    NR_ZD_SM_Z_PLUS,        /* |A_ZD + A_Z|^2 (eta = +1)                      */
    NR_ZD_SM_Z_MINUS        /* |A_ZD - A_Z|^2 (eta = -1)                      */
} nr_zd_sm_z;

typedef struct {
    nr_zd_params p;
    nr_zd_target target;
    double z, a;     /* nucleus: charge and mass number (Helm form factor, weak charge) */
    double m_target; /* [GeV]                                                           */
    nr_zd_sm_z sm_z; /* ignored for electrons                                           */
    const nr_ff_helm_table *helm; /* nucleus: its Helm F tabulated (the engine's, nr_engine_helm_001; within
                                   * 1.2e-10 of nr_ff_helm_001 for tungsten), or NULL: nr_ff_helm_001 per call  */
} nr_zd_xsec_ctx;

/* dsigma/dt [cm^2/GeV^2] of nu T -> N T at neutrino energy e_nu [GeV], t < 0 [GeV^2]; 0 outside the physical
 * region. Signature of nr_dsigma_dt_fn (upscatter.h), ctx an nr_zd_xsec_ctx. Same for antineutrinos. */
double nr_zd_dsigma_dt(double e_nu, double t, const void *ctx);

/* Elastic N e -> N e of an N of energy e_n [GeV] on an electron at rest: dsigma/dt [cm^2/GeV^2], N Dirac and
 * unpolarised (coupling g_D (1 - U^2 P_L) taken as the vector g_D: corrections O(U^2)). 0 outside the range. */
double nr_zd_ne_dsigma_dt(double e_n, double t, const nr_zd_params *p);
/* Physical |t| range [GeV^2] of N e -> N e: [0, 4 m_e^2 (E^2 - m_N^2) / s]; 0 if e_n <= m_N. */
int nr_zd_ne_abs_t_range(double e_n, double m_n, double *abs_t_min, double *abs_t_max);

/* ------------------------------------------------------------------------------------------------- widths */

typedef struct {
    double ee, mumu, tautau, hadrons; /* Z_D -> SM through the kinetic mixing (the dark photon's widths x eps^2) */
    double nunu;                      /* Z_D -> nu_alpha nubar_alpha                                            */
    double nn;                        /* Z_D -> N Nbar                                                          */
    double nu_n;                      /* Z_D -> nu Nbar + N nubar                                               */
    double visible, total;            /* ee + mumu + tautau + hadrons; everything                               */
} nr_zd_widths;

/* All Z_D partial widths [GeV]. dc: the DarkCast tables (hadrons below 2 GeV, zprime.h). NR_EINPUT for a bad
 * mass ("/params/m_ZD"). */
nr_status nr_zd_widths_compute(const nr_zd_params *p, const nr_darkcast *dc, nr_zd_widths *out, nr_error *err);

/* Z_D -> nu nubar for one left-handed flavour with coupling g_D U^2: (g_D U^2)^2 m_ZD / (24 pi). */
double nr_zd_width_zd_nunu(const nr_zd_params *p);
/* Z_D -> N Nbar, N Dirac with chiral couplings g_D (1 - U^2) (left) and g_D (right); 0 below 2 m_N. */
double nr_zd_width_zd_nn(const nr_zd_params *p);
/* Z_D -> nu Nbar + N nubar: 2 g^2 m (1 - x)^2 (2 + x) / (48 pi), g = g_D U sqrt(1 - U^2), x = m_N^2 / m_ZD^2. */
double nr_zd_width_zd_nu_n(const nr_zd_params *p);

/* N -> nu Z_D (on shell, m_N > m_ZD) [GeV]: g^2 m_N^3 (1 - x)^2 (1 + 2 x) / (32 pi m_ZD^2), x = m_ZD^2/m_N^2. */
double nr_zd_width_n_nu_zd(const nr_zd_params *p);

/* N -> nu f fbar through an off-shell Z_D (m_N < m_ZD) [GeV], f = e or mu (exact integral over the Z_D virtuality);
 * N -> nu nu nubar by the same virtuality integral with the neutrino coupling g_D U^2 (identical-neutrino
 * interference neglected). For m_N > m_ZD these return 0 (the decay goes through the on-shell Z_D); NaN if the
 * numerical integral fails. */
double nr_zd_width_n_nu_ee(const nr_zd_params *p);
double nr_zd_width_n_nu_mumu(const nr_zd_params *p);
double nr_zd_width_n_nu_nunu(const nr_zd_params *p);

/* Fraction of N -> nu e+ e- decays (through the off-shell Z_D, m_N < m_ZD) of an unpolarised N of lab energy e_n
 * [GeV] whose e+e- energy exceeds e_cut [GeV]: at fixed m_ee^2 = s the pair is one body of mass sqrt(s), isotropic
 * in the N rest frame, so its lab energy is uniform on gamma (E* -+ beta p*); weighted with dGamma/ds of the
 * virtuality integral. 0 if the channel is closed. By adaptive quadrature (GSL qag, relative tolerance 1e-8): the
 * reference for nr_zd_nuee_table_fraction below, which zd_hnl uses. */
double nr_zd_n_nu_ee_fraction_above(const nr_zd_params *p, double e_n, double e_cut);

/* The fraction for many energies at one (m_N, m_ZD) by fixed-order quadrature (zd_hnl's fraction table): the cut
 * integral is linear in two cumulative integrals of the uncut density, tabulated once per mass on pieces that make
 * a 16-point Gauss-Legendre sum converge (zd_hnl_xsec.c). nr_zd_nuee_table_fraction(t, e_n, e_cut) agrees with the
 * adaptive nr_zd_n_nu_ee_fraction_above(p, e_n, e_cut) (the reference, relative tolerance 1e-8) to the accuracy
 * tests/test_zd_hnl_xsec.c checks; the same early answers (1 for e_cut <= 0, 0 for e_cut >= e_n or a closed
 * channel); NaN if the table could not be built. */
#define NR_ZD_NUEE_MAX_EDGES 64
typedef struct {
    nr_zd_params p;                      /* m_N, m_ZD (the couplings do not enter the fraction)               */
    int n_edges;                         /* 0: closed channel or no table                                     */
    double edge[NR_ZD_NUEE_MAX_EDGES];   /* piece edges in m_ee^2 [GeV^2], from 4 m_e^2 to m_N^2              */
    double w[NR_ZD_NUEE_MAX_EDGES];      /* int_{4 m_e^2}^{edge} rho dm_ee^2 (rho: the density, arbitrary units) */
    double v[NR_ZD_NUEE_MAX_EDGES];      /* int_{4 m_e^2}^{edge} rho / (m_N^2 - m_ee^2) dm_ee^2                  */
} nr_zd_nuee_table;
void nr_zd_nuee_table_init(const nr_zd_params *p, nr_zd_nuee_table *t);
double nr_zd_nuee_table_fraction(const nr_zd_nuee_table *t, double e_n, double e_cut);

/* Total width of N [GeV]: N -> nu Z_D if open, else the three-body channels above. SM weak decays through the
 * mixing (W, Z exchange) are not included (001 does not include them either). */
double nr_zd_width_n_total(const nr_zd_params *p);

/* nr_zd_width_n_total(p) and nr_zd_width_n_nu_ee(p) [GeV] at once, the N -> nu e e virtuality integral done once (it
 * enters the total twice, through nu e e and nu nu nubar): the same values to the last bit. */
void nr_zd_width_n_total_ee(const nr_zd_params *p, double *total, double *ee);

/* The N widths' coupling-free part at one (m_N, m_ZD, g_D, eps): below m_ZD every N width is g^2 (g = g_D U
 * sqrt(1 - U^2)) times a virtuality integral at g = 1, plus the U^4 g^2 nu nu nubar term (zd_hnl_xsec.c has the
 * derivation), so a scan over U^2 needs the integrals once. ee_unit, mumu_unit [GeV]: N -> nu e e and N -> nu mu mu
 * at g = 1 (0 for m_N >= m_ZD; NaN if an integral failed). nr_zd_n_widths_at gives nr_zd_width_n_total_ee at the
 * same point with U^2 = u2, to the last bit (nr_zd_width_n_total_ee and the single widths are computed this way). */
typedef struct {
    nr_zd_params base; /* the point with u2 = 0 */
    double ee_unit, mumu_unit;
} nr_zd_n_widths;
void nr_zd_n_widths_init(const nr_zd_params *p, nr_zd_n_widths *w);
void nr_zd_n_widths_at(const nr_zd_n_widths *w, double u2, double *total, double *ee);

#endif
