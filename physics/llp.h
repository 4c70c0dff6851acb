/* llp.h: long-lived vector bosons X made at the ATLAS interaction point and their decays in a
 * downstream decay volume (FASER, FASER 2).
 *
 * Paper 004 (chiral U(1)_X Z' at FASER), sec. III:
 *   - production in pi0/eta -> X gamma (Eqs. 33-35, 37) from the forward meson tables (hadrons.h);
 *   - proton bremsstrahlung (Eqs. 25-32, 36), see bremsstrahlung.h;
 *   - acceptance and decay probability in the decay volume (Eqs. 22-24).
 *
 * Everything here is model-agnostic: the caller gives the couplings of X to the u, d, s quarks (meson
 * decays) or to the proton (bremsstrahlung), and the lifetime c*tau and visible branching fraction
 * of X (from its own width code).
 *
 * Typical use for one mass m_X and a scan over a coupling g (production ~ g^2, width ~ g^2):
 *   nr_llp_spectrum_init(&s, m_X)                         once per mass
 *   nr_llp_spectrum_add_meson_decays(&s, &pi0, br_at_g_ref) ... (and eta, bremsstrahlung)
 *   nr_llp_accept(&s, &geometry, &acc)                    once per mass and detector
 *   for each g: N = (g/g_ref)^2 * nr_llp_events_accepted(&acc, ctau(g), lumi) * BR_visible(g)
 */
#ifndef NR_LLP_H
#define NR_LLP_H

#include <stddef.h>

#include "hadrons.h"
#include "nr_error.h"

/* ---------------------------------------------------------------------------------------------
 * LLP spectrum: cross section [pb] per cell of a fixed grid in (log10 theta, log10 p), theta the
 * polar angle of X to the beam axis [rad] (0..pi; theta > pi/2 is backward), p = |p_X| [GeV].
 * Cells are 0.05 x 0.05 wide, aligned with the hadron tables' cells:
 *   log10 theta in [-8, 0.5]   (170 cells; the last reaches pi)
 *   log10 p     in [-2, 5]     (140 cells)
 * Entries outside the grid go to the nearest edge cell, so no cross section is ever lost.
 * Within a cell the weight is taken as uniform in log10 theta and log10 p (as FORESEE's smearing).
 * --------------------------------------------------------------------------------------------- */
#define NR_LLP_LOG10_THETA_MIN (-8.0)
#define NR_LLP_LOG10_P_MIN (-2.0)
#define NR_LLP_CELL_LOG10_WIDTH 0.05
#define NR_LLP_N_THETA 170
#define NR_LLP_N_P 140

typedef struct {
    double mass_gev; /* m_X [GeV]                                                   */
    double *w_pb;    /* NR_LLP_N_THETA x NR_LLP_N_P cells, index i_theta*NR_LLP_N_P + i_p [pb] */
} nr_llp_spectrum;

nr_status nr_llp_spectrum_init(nr_llp_spectrum *s, double mass_gev, nr_error *err);
void nr_llp_spectrum_free(nr_llp_spectrum *s);
/* The cells of the grid a caller will read (issue 11: zd_hnl reads the Z_D cells inside the decay volume's cone and
 * those whose N can reach the detector, a small part of the grid): in momentum column i_p the angle cells
 * i_theta <= it_max[i_p] (-1: none of that column). The producers taking one (nr_llp_spectrum_add_meson_decays_in,
 * nr_llp_spectrum_add_bremsstrahlung_in) leave every cell of the region exactly as without it, bit for bit, and may
 * leave the other cells empty. */
typedef struct {
    int it_max[NR_LLP_N_P];
} nr_llp_cell_region;

/* Centre of cell i_theta in log10 theta, of cell i_p in log10 p. */
double nr_llp_cell_log10_theta(int i_theta);
double nr_llp_cell_log10_p(int i_p);
/* Add weight_pb at (theta [rad], p [GeV]) into its cell (clamped to the grid). */
void nr_llp_spectrum_fill(nr_llp_spectrum *s, double theta_rad, double p_gev, double weight_pb);
/* The same for a momentum given by p_T^2 [GeV^2] and p_z [GeV] (theta = atan2(p_T, p_z)): for p_z > 0 the cells come
 * from tan^2 theta and p^2 by table lookup, no atan2, log10 or sqrt (the same cells up to rounding at an edge). */
void nr_llp_spectrum_fill_pt2_pz(nr_llp_spectrum *s, double pt2_gev2, double pz_gev, double weight_pb);
/* n directions sharing p^2 [GeV^2] (p_T^2 [GeV^2] and p_z [GeV] each), weight_pb each: the momentum cell once. */
void nr_llp_spectrum_fill_same_p(nr_llp_spectrum *s, double p2_gev2, int n, const double *pt2_gev2,
                                 const double *pz_gev, double weight_pb);
/* The squared lower edge [GeV^2] of the momentum column holding p_gev: a p^2 below it lands in a lower column
 * (nr_llp_spectrum_fill_same_p's and nr_llp_bands_column's), whose momenta, and those nr_llp_accept lists
 * for it, all lie below p_gev. 0 in the first column (or without the table lookup). */
double nr_llp_p_column_floor2(double p_gev);
/* dst += factor * src (same mass required: NR_EINPUT otherwise). Combines production channels. */
nr_status nr_llp_spectrum_add_scaled(nr_llp_spectrum *dst, const nr_llp_spectrum *src, double factor,
                                     nr_error *err);
double nr_llp_spectrum_total_pb(const nr_llp_spectrum *s);
/* Sum of the cells whose centre has theta < theta_max_rad and p > p_min_gev [pb]. */
double nr_llp_spectrum_sigma_pb(const nr_llp_spectrum *s, double theta_max_rad, double p_min_gev);

/* ---------------------------------------------------------------------------------------------
 * Meson decays M -> X gamma, M = pi0 (PDG 111) or eta (221). 004 Eqs. (33)-(35):
 *   BR(M -> X gamma) = 2 R_M^2 (1 - m_X^2/m_M^2)^3 BR(M -> gamma gamma),
 * R_M = A(M -> X gamma) / A(M -> gamma gamma) per unit of X coupling, from the axial anomaly
 * (amplitude ~ N_c Tr[T_M Q Q_X] with Q = diag(2/3, -1/3, -1/3) e and Q_X = diag(g_u, g_d, g_s)):
 *   pi0 = (u ubar - d dbar)/sqrt2                 ->  R_pi0 = (2 g_u + g_d) / e
 *   eta = (u ubar + d dbar - s sbar)/sqrt3        ->  R_eta = 3 (2 g_u - g_d + g_s) / (4 e)
 * The eta flavour content is the octet-singlet mixing with sin(theta_P) = -1/3 (theta_P = -19.5 deg),
 * the choice of DarkCast (arXiv:1801.04847) used by FORESEE. For the dark photon (g_q = eps e Q_q)
 * both give R = eps, i.e. BR = 2 eps^2 (1 - m^2/m_M^2)^3 BR(gamma gamma) (FORESEE's DarkPhoton model).
 * BR(pi0 -> gamma gamma) = 0.98823, BR(eta -> gamma gamma) = 0.3936 (PDG 2022).
 * --------------------------------------------------------------------------------------------- */
#define NR_BR_PI0_GAMMA_GAMMA 0.98823
#define NR_BR_ETA_GAMMA_GAMMA 0.3936
#define NR_E_CHARGE 0.30282212 /* e = sqrt(4 pi alpha) */

typedef struct {
    double g_u, g_d, g_s; /* vector couplings of X to u, d, s quarks (L = g_q X_mu qbar gamma^mu q) */
} nr_quark_vector_couplings;

/* Dark photon couplings eps e Q_q. */
nr_quark_vector_couplings nr_quark_couplings_dark_photon(double epsilon);
/* R_M defined above; 0 for another pdg. */
double nr_meson_anomaly_ratio(int pdg, const nr_quark_vector_couplings *c);
/* BR(M -> X gamma); 0 at or above threshold (m_X >= m_M). NR_EINPUT for pdg other than 111, 221 or
 * a negative mass. */
nr_status nr_meson_br_x_gamma(int pdg, double m_x_gev, const nr_quark_vector_couplings *c, double *br,
                              nr_error *err);

/* Two-body decay M -> X + gamma in flight: the meson has momentum p_m [GeV] at polar angle theta_m
 * [rad] in the x-z plane (z = beam axis); in the meson rest frame X goes at polar angle acos(cos_star)
 * and azimuth phi_star [rad] around the meson's flight direction. Fills the lab four-vectors
 * (E, px, py, pz) [GeV] of X and of the photon. m_x_gev <= m_m_gev required (else zeros). */
void nr_two_body_decay_lab(double m_m_gev, double p_m_gev, double theta_m_rad, double m_x_gev,
                           double cos_star, double phi_star, double x4[4], double gamma4[4]);

/* Deterministic sampling: each hadron cell is split into n_sub x n_sub sub-cells in (log10 theta,
 * log10 p) (midpoints: the uniform smearing within a cell of FORESEE, done as a quadrature); in the
 * meson rest frame X is emitted along n_cos x n_phi directions (midpoints in cos theta* on [-1,1] and
 * in phi* on [0, pi]; phi* and -phi* give the same lab polar angle). Isotropic decay. */
typedef struct {
    int n_sub, n_cos, n_phi;
} nr_meson_decay_sampling;
/* Default 2, 16, 6. This sampling fills the (theta, p) grid for spectra; it is NOT converged for what enters a
 * small decay volume (FASER Run 3 long-lived rates 15-37% low at 10-100 MeV, issue 10): for acceptance and events
 * use nr_llp_accept_meson_decays (llp_mesons.h), which integrates the decay angles exactly. */
nr_meson_decay_sampling nr_meson_decay_sampling_default(void);

/* s += br * (spectrum of X from the decays of the mesons in `meson`), with every rest-frame
 * direction boosted to the lab. The sum of the added weights is exactly br * meson->total_pb.
 * Adds nothing if s->mass_gev >= the meson mass. sampling NULL: defaults. */
nr_status nr_llp_spectrum_add_meson_decays(nr_llp_spectrum *s, const nr_hadron_table *meson, double br,
                                           const nr_meson_decay_sampling *sampling, nr_error *err);
/* The same, the cells of region (NULL: every cell) filled exactly as nr_llp_spectrum_add_meson_decays fills them: a
 * meson (sub-cell) is skipped when none of its X can land in the region, the X lying at lab angles of at least
 * theta_M - asin(beta*gamma*_X / (beta gamma)_M) (when (beta gamma)_M is the larger) and at momenta of at least
 * gamma_M |beta_M E*_X - p*_X| (cos theta* = -1). Other cells may hold some X or none. */
nr_status nr_llp_spectrum_add_meson_decays_in(nr_llp_spectrum *s, const nr_hadron_table *meson, double br,
                                              const nr_meson_decay_sampling *sampling,
                                              const nr_llp_cell_region *region, nr_error *err);

/* ---------------------------------------------------------------------------------------------
 * Decay volume, acceptance and events (004 Eqs. 22-24).
 * A cylinder on the beam axis from distance_m (= l_dump + l_sh) to distance_m + length_m (= l_dec),
 * radius radius_m (= r_det). Eq. (22): X is accepted if p_T/p_z < r_det / (distance + length), i.e.
 * tan(theta) < R / (L + l) (the back face; 004's definition, used exactly). Eq. (23)-(24):
 *   P_dec = exp(-L/d) [1 - exp(-l/d)],  d = |p| / m * c tau.
 * FASER (Run 3): L = 478.5 m, l = 1.5 m, R = 0.1 m; FASER 2: 475, 5, 1 (004 Table V).
 * --------------------------------------------------------------------------------------------- */
typedef struct {
    double distance_m; /* IP to the front of the decay volume, l_dump + l_sh [m] */
    double length_m;   /* l_dec [m]                                             */
    double radius_m;   /* r_det [m]                                             */
} nr_decay_volume;

/* NR_OK for distance >= 0, length > 0, radius > 0, all finite; NR_EINPUT at /params/detector otherwise. */
nr_status nr_decay_volume_check(const nr_decay_volume *v, nr_error *err);
/* The acceptance cone of v, 004 Eq. (22): theta_acc = atan(r_det / (distance + length)) [rad]. */
double nr_decay_volume_theta_acc(const nr_decay_volume *v);

#define NR_FASER_DECAY_VOLUME ((nr_decay_volume){478.5, 1.5, 0.1})
#define NR_FASER2_DECAY_VOLUME ((nr_decay_volume){475.0, 5.0, 1.0})

/* Probability to decay inside [L, L+l] for a lab decay length d [m]; exact in every limit. */
double nr_llp_decay_probability(double distance_m, double length_m, double decay_length_m);

/* What of a spectrum reaches a decay volume, independent of c tau: a list of (p, weight). Each
 * spectrum p-cell contributes n_p_sub momenta (midpoints in log10 p); the theta cells are summed
 * with the accepted fraction of each cell (uniform in log10 theta within the cell). */
typedef struct {
    double mass_gev;
    size_t n;
    double *p_gev;      /* momentum [GeV]                        */
    double *weight_pb;  /* accepted cross section [pb]           */
    double total_pb;    /* sum of weight_pb                      */
} nr_llp_accepted;

#define NR_LLP_ACCEPT_P_SUB 4
/* The last angle row nr_llp_accept reads for the volume v (-1: none or an invalid volume): every row whose lower
 * edge lies below v's cone. */
int nr_llp_accept_last_row(const nr_decay_volume *v);
nr_status nr_llp_accept(const nr_llp_spectrum *s, const nr_decay_volume *v, nr_llp_accepted *acc,
                        nr_error *err);
void nr_llp_accepted_free(nr_llp_accepted *acc);

/* What nr_llp_accept would list for one or two decay volumes, summed directly from the directions instead of from a
 * (theta, p) grid (issue 11: zd_hnl's N spectra are read only so). nr_llp_accept weighs angle row i_theta with the
 * fraction f(i_theta) of it inside a volume's cone (1 below the cone's row, a fraction in it, 0 above); the rows
 * 0..(the last one any volume reads) are grouped into bands of consecutive rows with the same fractions for every
 * volume, and per momentum column the weight in each band is summed. A direction lands in band b when
 * p_T^2 < tan2_top[b] p_z^2 (p_z > 0), tan2_top[b] the squared tangent of the band's upper edge (the angle grid's
 * edges, as nr_llp_spectrum_fill_same_p's cells): the same rows as on the grid except within rounding of an edge,
 * and nr_llp_bands_accept's weights equal nr_llp_accept's up to the order of the additions (~1e-16 relative;
 * tests/test_llp.c test_bands). */
#define NR_LLP_BANDS_MAX 8
#define NR_LLP_BANDS_VOLUMES 2
typedef struct {
    double mass_gev;
    int n_volumes, n_bands;
    double tan2_top[NR_LLP_BANDS_MAX];                 /* band b: tan^2 theta in [tan2_top[b-1], tan2_top[b])   */
    double f[NR_LLP_BANDS_VOLUMES][NR_LLP_BANDS_MAX];  /* volume k's accepted fraction of band b's rows        */
    double *w_pb;                                      /* NR_LLP_N_P x n_bands, index i_p*n_bands + b [pb]      */
} nr_llp_bands;

/* The bands for the n_volumes (1 or 2) volumes v (NR_EINPUT for an invalid volume or rows reaching 90 degrees, or
 * more than NR_LLP_BANDS_MAX bands; NR_ENOMEM). */
nr_status nr_llp_bands_init(nr_llp_bands *b, double mass_gev, int n_volumes, const nr_decay_volume *v, nr_error *err);
void nr_llp_bands_free(nr_llp_bands *b);
/* The upper edge [rad] of the highest band: no direction above it is kept (0 without a band: a failed init). */
double nr_llp_bands_top_angle(const nr_llp_bands *b);
/* The momentum column (n_bands weights [pb]) a direction with p^2 [GeV^2] lands in (nr_llp_spectrum_fill_same_p's
 * momentum cell). */
double *nr_llp_bands_column(nr_llp_bands *b, double p2_gev2);
/* nr_llp_accept's list for volume k (0 .. n_volumes-1) of nr_llp_bands_init. */
nr_status nr_llp_bands_accept(const nr_llp_bands *b, int k, nr_llp_accepted *acc, nr_error *err);

/* Number of X decaying inside the volume: luminosity [fb^-1] * sum_i w_i P_dec(p_i), for the
 * decay volume the list was made for. Channel splitting: multiply by the caller's branching
 * fraction. Returns 0 for ctau_m <= 0 or a non-finite input. */
double nr_llp_events_accepted(const nr_llp_accepted *acc, const nr_decay_volume *v, double ctau_m,
                              double luminosity_fb);

/* Convenience: accept + events in one call (use the two-step form in scans). */
nr_status nr_llp_events(const nr_llp_spectrum *s, double ctau_m, const nr_decay_volume *v,
                        double luminosity_fb, double *events, nr_error *err);

#endif
