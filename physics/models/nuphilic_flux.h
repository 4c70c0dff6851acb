/* nuphilic_flux.h: lab-frame neutrino fluxes at a forward detector with the neutrinophilic Z' of paper 002
 * (Eqs. 5-8).
 *
 * Collinear forward picture of 002 Eq. (8): the detector sees the neutrinos a meson emits along its own
 * direction. For a spin-0 parent every daughter is isotropic in the meson frame and the forward solid-angle
 * factor dOmega_rest/dOmega_lab = (1+v)/(1-v) is the same for every massless daughter, so a neutrino of
 * rest-frame energy E* reaches the detector with lab energy x E_M, x = 2 E* / m_M, and the forward yield of a
 * decay channel is its branching fraction times the distribution of x. Mesons are counted as "effective
 * forward mesons" W_M(E_M) (their spectrum times the focusing factor and 1/(4 pi L^2)), reconstructed from the
 * Kling-Nevay SM neutrino spectra per flavour and parent class as 002 sec. IV does:
 *  - pi+- and K+- from nu_mu / nubar_mu: the light-hadron share per bin from ForwardCharm (generator mean),
 *    split into pion and kaon with the digitised parent curves of tau_tridents; pi -> mu nu and K -> mu nu
 *    two-body (the kaon share is taken as K+- -> mu nu: K_mu3 and K_L are not separated by the data);
 *  - D_s+- from nu_tau + nubar_tau, all of it from D_s -> tau nu_tau with the tau decays (002 sec. IV),
 *    D_s+ = D_s-; the D_s spectrum is unfolded by Richardson-Lucy iterations (positive by construction).
 * New neutrinos: M -> l_a nu_b Z' (direct nu_b, or nubar_b from M-) and Z' -> nu nubar before the detector
 * (Eq. 5 with the lab Z' energy of a forward Z', gamma_M (E*_Z' + p*_Z')). The SM flux is unchanged (the
 * three-body branching fractions are < 1e-3 wherever the bound lies).
 */
#ifndef NR_NUPHILIC_FLUX_H
#define NR_NUPHILIC_FLUX_H

#include "flux.h"
#include "models/nuphilic_decays.h"
#include "nr_error.h"

#define NR_NUPHILIC_MAX_BINS 96
#define NR_NUPHILIC_DS_EXTRA_BINS 4

/* PDG 2022 branching fractions used to count mesons from their SM neutrinos. */
#define NR_BR_PI_MU_NU 0.99988
#define NR_BR_K_MU_NU 0.6356
#define NR_BR_DS_TAU_NU 0.0532

/* The four couplings of 002 (the others zero). */
enum { NR_NUPHILIC_G_EE = 0, NR_NUPHILIC_G_ETAU, NR_NUPHILIC_G_MUTAU, NR_NUPHILIC_G_EMU, NR_NUPHILIC_N_COUPLINGS };
/* flavours (a, b) of coupling c */
void nr_nuphilic_coupling_flavours(int c, int *a, int *b);

/* Parent shares of the SM nu_mu (charge 0) and nubar_mu (charge 1) flux per bin of the flux table. */
typedef struct {
    size_t n_bins;
    double pion[2][NR_NUPHILIC_MAX_BINS], kaon[2][NR_NUPHILIC_MAX_BINS];
} nr_nuphilic_parents;

/* Reads <data_dir>/fluxes/split_light_charm_ForwardCharm (light and charm nu_mu + nubar_mu, every generator)
 * and <data_dir>/fluxes/split_by_parent_tau_tridents (pion, kaon, hyperon curves), on the grid of flux. */
nr_status nr_nuphilic_parents_load(const char *data_dir, const nr_flux *flux, nr_nuphilic_parents *out,
                                   nr_error *err);

/* Effective forward mesons per bin, for M+ (charge 0) and M- (charge 1). */
typedef struct {
    size_t n[NR_NUPHILIC_N_MESONS];
    double lo[NR_NUPHILIC_N_MESONS][NR_NUPHILIC_MAX_BINS], hi[NR_NUPHILIC_N_MESONS][NR_NUPHILIC_MAX_BINS];
    double count[NR_NUPHILIC_N_MESONS][2][NR_NUPHILIC_MAX_BINS];
    int ds_iterations;          /* Richardson-Lucy iterations used       */
    double ds_max_residual;     /* max |refolded/data - 1| over bins with data > 0 */
} nr_nuphilic_mesons;

nr_status nr_nuphilic_mesons_reconstruct(const nr_flux *flux, const nr_nuphilic_parents *parents,
                                         nr_nuphilic_mesons *out, nr_error *err);

/* SM neutrinos per flux bin the reconstructed mesons give back (the g = 0 closure): species nu_mu / nubar_mu
 * (pion + kaon shares) and nu_tau / nubar_tau (all); other species 0. */
void nr_nuphilic_mesons_refold(const nr_nuphilic_mesons *mesons, const nr_flux *flux, int species, double *out);

/* 8-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun Table 25.4). */
extern const double nr_nuphilic_gl8_x[8], nr_nuphilic_gl8_w[8];

/* Probability that a neutrino with fraction x = E_nu/E_M distributed with CDF F lands in each flux bin, for a
 * meson uniform in [m_lo, m_hi] (8-point Gauss-Legendre average over the meson energy). */
typedef double (*nr_nuphilic_x_cdf)(double x, const void *ctx);
void nr_nuphilic_transfer(const nr_flux *flux, double m_lo, double m_hi, nr_nuphilic_x_cdf cdf, const void *ctx,
                          double *prob);

/* Everything at one m_Z' that does not depend on the couplings. */
typedef struct {
    int open;                   /* channel kinematically open                          */
    nr_nuphilic_meson meson;
    int lepton, neutrino;       /* flavours: M+ -> l_lepton+ nu_neutrino Z'             */
    int coupling;               /* index of g                                          */
    double br;                  /* branching fraction at g = 1                          */
    double direct[2][NR_NUPHILIC_MAX_BINS]; /* direct nu (charge 0) / nubar (1) per flux bin at g = 1 */
    double zp_long[NR_NUPHILIC_N_ZP_BINS], zp_trans[NR_NUPHILIC_N_ZP_BINS]; /* rest-frame Z' spectrum */
} nr_nuphilic_channel;

#define NR_NUPHILIC_MAX_CHANNELS (NR_NUPHILIC_N_COUPLINGS * 2 * NR_NUPHILIC_N_MESONS)

typedef struct {
    double m_zp, distance_m;
    size_t n_nu;
    size_t n_channels;
    nr_nuphilic_channel channel[NR_NUPHILIC_MAX_CHANNELS];
    /* neutrinos per flux bin i from one Z' of rest-frame energy bin k made by a meson in bin j, for a
     * longitudinal (pol 0) or transverse (pol 1) Z': zp_transfer[meson][pol][(k * n_j + j) * n_nu + i] */
    double *zp_transfer[NR_NUPHILIC_N_MESONS][2];
    /* beta gamma of the lab Z' from rest-frame energy bin k and meson bin j: zp_beta_gamma[meson][k * n_j + j]
     * (0: at rest); the decay length is beta gamma hbar c / Gamma (decay.h) */
    double *zp_beta_gamma[NR_NUPHILIC_N_MESONS];
    /* flux bins [zp_range[m][2 kj], zp_range[m][2 kj + 1]) hold the nonzero entries of zp_transfer[m][.][kj] */
    unsigned short *zp_range[NR_NUPHILIC_N_MESONS];
    /* running sums over the meson bins below J of the transfers weighted with the meson count (both charges):
     * zp_prompt[meson][pol][(k * (n_j + 1) + J) * n_nu + i] = sum_{j < J} W_M(j) zp_transfer[meson][pol][kj][i],
     * nonzero in the flux bins [zp_prompt_range[m][2 kJ], zp_prompt_range[m][2 kJ + 1]). At fixed Z' energy the
     * Z' boost grows with the meson bin, so the Z' that decay promptly (decay probability 1 in double precision)
     * are the meson bins below some J: nr_nuphilic_extra_neutrinos takes their sum from here (issue 11). */
    double *zp_prompt[NR_NUPHILIC_N_MESONS][2];
    unsigned short *zp_prompt_range[NR_NUPHILIC_N_MESONS];
    const nr_nuphilic_mesons *mesons;  /* not owned */
} nr_nuphilic_prepared;

/* distance_m: production to detector [m] (002 Eq. 5's L). mesons must outlive out. */
nr_status nr_nuphilic_prepare(const nr_nuphilic_mesons *mesons, const nr_flux *flux, double m_zp, double distance_m,
                              nr_nuphilic_prepared *out, nr_error *err);
void nr_nuphilic_prepared_free(nr_nuphilic_prepared *p);

/* nr_decay_prob_between(0, l_m, d_m) (decay.h) for the Z' sum, exp-free where 1 - exp(-l/d) is 1 or its series
 * suffices (see nuphilic_flux.c); agrees with it to 1e-15 relative. */
double nr_nuphilic_zp_decay_prob(double l_m, double d_m);

/* The new neutrinos per species and flux bin (added to the SM flux of the table) for couplings g[4]:
 * extra[species * n_nu + i]. */
void nr_nuphilic_extra_neutrinos(const nr_nuphilic_prepared *p, const double g[NR_NUPHILIC_N_COUPLINGS], double *extra);

#endif
