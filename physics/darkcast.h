/* darkcast.h: the DarkCast vector-meson-dominance (VMD) tables of R_mu^F(m), read at run time.
 *
 * Source: DarkCast (Ilten, Soreq, Williams, Xue, "Serendipity in dark photon searches", arXiv:1801.04847,
 * JHEP 06 (2018) 004), files vmd/rf.<final state>.<meson component>.dat, installed (GPL-2.0-or-later, never
 * embedded in the code) under <data_dir>/darkcast/DarkCast_vmd/ (see data/darkcast/PROVENANCE.txt, D1).
 *
 * Each table gives, on a mass grid m [GeV] (0.5 MeV steps, ending at 2 GeV), the dimensionless ratio
 * R_mu^{F,V}(m) = sigma(e+e- -> F)/sigma(e+e- -> mu+mu-) attributed to one VMD component V of the vector
 * current (rho0, omega, phi, or the omega-phi interference term). zprime.c turns them into widths:
 *   Gamma(Z' -> F) = g^2 m/(12 pi) sum_V S_V R_mu^{F,V}(m),
 *   S_V = [R_V Tr(T_V Q)]^2 (single meson), S = 2 prod_V R_V Tr(T_V Q) (interference),
 * with the VMD constants of nr_vmd_meson below and Q = diag(g_V^u, g_V^d, g_V^s).
 *
 * The loaded struct is immutable and may be shared by any number of threads. No global state.
 */
#ifndef NR_DARKCAST_H
#define NR_DARKCAST_H

#include <stddef.h>

#include "nr_error.h"

/* The three vector mesons of the VMD sum. */
typedef enum { NR_VMD_RHO0 = 0, NR_VMD_OMEGA, NR_VMD_PHI, NR_VMD_N_MESONS } nr_vmd_meson;

/* R_V: the pre-factor of meson V's contribution (1801.04847 Eq. 2.18): rho0 2, omega 6, phi 3 sqrt 2. */
double nr_vmd_prefactor(nr_vmd_meson v);
/* T_V: the diagonal of meson V's U(3) generator in (u, d, s) (1801.04847 Eq. A.1): rho0 (1,-1,0)/2,
 * omega (1,1,0)/2, phi (0,0,1)/sqrt 2. Writes three numbers into diag. */
void nr_vmd_generator(nr_vmd_meson v, double diag[3]);
/* R_V Tr(T_V Q) for Q = diag(q_u, q_d, q_s): the effective coupling of the model to meson V. */
double nr_vmd_meson_coupling(nr_vmd_meson v, double q_u, double q_d, double q_s);

/* The twelve tables, in the order of the hadronic channels of zprime.h. */
typedef enum {
    NR_DC_PIPI_RHO0 = 0,      /* rf.pi+_pi-.rho0.dat                  */
    NR_DC_PIPIPI0_OMEGA,      /* rf.pi+_pi-_pi0.omega.dat             */
    NR_DC_PIPIPI0_PHI,        /* rf.pi+_pi-_pi0.phi.dat               */
    NR_DC_PIPIPI0_OMEGA_PHI,  /* rf.pi+_pi-_pi0.omega_phi.dat (interf.) */
    NR_DC_PI0GAMMA_OMEGA,     /* rf.pi0_gamma.omega.dat               */
    NR_DC_KK_PHI,             /* rf.K_K.phi.dat                       */
    NR_DC_KKPI_PHI,           /* rf.K_K_pi.phi.dat                    */
    NR_DC_4PI_CHARGED_RHO0,   /* rf.pi+_pi-_pi+_pi-.rho0.dat          */
    NR_DC_2PI2PI0_RHO0,       /* rf.pi+_pi-_pi0_pi0.rho0.dat          */
    NR_DC_OTHER_RHO0,         /* rf.other.rho0.dat                    */
    NR_DC_OTHER_OMEGA,        /* rf.other.omega.dat                   */
    NR_DC_OTHER_PHI,          /* rf.other.phi.dat                     */
    NR_DC_N_TABLES
} nr_darkcast_table;

/* Static description of one table: its file name, its final state (DarkCast's name, e.g. "pi+_pi-") and
 * the meson component(s): n_mesons = 1 for a single meson, 2 for an interference term. */
typedef struct {
    const char *file;
    const char *final_state;
    int n_mesons;
    nr_vmd_meson mesons[2];
} nr_darkcast_table_info;

const nr_darkcast_table_info *nr_darkcast_table_describe(nr_darkcast_table t);

typedef struct nr_darkcast nr_darkcast;

/* Read the twelve files from <data_dir>/darkcast/DarkCast_vmd/. On failure *out = NULL, err says which
 * file and why (NR_EDATA / NR_ENOMEM). Free with nr_darkcast_free (NULL is fine). */
nr_status nr_darkcast_load(const char *data_dir, nr_darkcast **out, nr_error *err);
void nr_darkcast_free(nr_darkcast *dc);

/* R_mu^{F,V}(m) of one table at m [GeV]: linear interpolation in m; 0 outside the tabulated range and for
 * an invalid table index or a NULL dc. */
double nr_darkcast_r(const nr_darkcast *dc, nr_darkcast_table t, double m_gev);

/* Tabulated mass range [GeV] of one table (0 and 0 for an invalid index). */
double nr_darkcast_m_min(const nr_darkcast *dc, nr_darkcast_table t);
double nr_darkcast_m_max(const nr_darkcast *dc, nr_darkcast_table t);
/* The largest upper end over all tables [GeV] (2 GeV for the DarkCast files): the VMD description ends
 * here. Tables ending earlier (the omega-phi interference, at 1.478 GeV) end with R = 0. */
double nr_darkcast_vmd_m_max(const nr_darkcast *dc);

#endif
