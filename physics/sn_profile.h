/* sn_profile.h: a proto-neutron-star profile at one time after bounce (radius, temperature, density, lepton
 * chemical potentials), read from a text file or built from the synthetic analytic profile, plus the muon-gas
 * integrals the Z' rates of paper 004 sec. III C (Eqs. 53-59) need: the muon number density n_mu and the
 * Pauli-blocked target density n_mu F_deg of its Eq. (57).
 *
 * File format (version 1; README "SN1987A"): plain text, '#' starts a comment, blank lines ignored.
 *   nureach_sn_profile 1            first non-comment line
 *   L_nu_erg_s 3e52                 neutrino luminosity at this time [erg/s], the energy-loss threshold
 *   R_nu_km 25                      neutrinosphere radius [km]: Z' made inside it count (004 Eq. 53)
 *   R_far_km 100                    outer end of the absorption path [km] (004 Eq. 54)
 *   time_s 1                        (optional) time after bounce [s], informative
 *   columns r_km T_MeV rho_g_cm3 Y_e mu_e_MeV mu_mu_MeV mu_nue_MeV mu_numu_MeV mu_nutau_MeV
 *   then one row of these nine numbers per radius, r strictly increasing from r_0 >= 0 up to at least R_far;
 *   T > 0, rho > 0 and 0 <= Y_e <= 1 (checked on reading, the error naming the line and column).
 * Chemical potentials are relativistic (they include the rest mass: a degenerate muon gas has mu_mu > m_mu);
 * those of the antiparticles are their negatives (chemical equilibrium). rho and Y_e are carried along for the
 * user's information; the rates of 004 use T, mu_mu and the neutrino chemical potentials.
 *
 * Synthetic profile (nr_sn_profile_synthetic; shipped because the SFHo profiles of 004 ref. [91] cannot be
 * redistributed; an illustration with the right orders of magnitude, not a supernova simulation), r in km:
 *   T(r)    = T0 (1 + r^2/ra^2) exp(-r^2/rb^2) + Tenv / (1 + r^2/re^2),  T0 = 30 MeV, ra = 8, rb = 12,
 *             Tenv = 5 MeV, re = 30  (35 MeV at the centre, a 43 MeV maximum near 10 km, 7.2 MeV at 25 km)
 *   rho(r)  = rho_c / (1 + (r/rd)^8),  rho_c = 3e14 g/cm^3, rd = 10
 *   mu_e(r) = mu0 (rho/rho_c)^(1/3),   mu0 = 150 MeV;  mu_mu = mu_e (beta equilibrium with mu_nu = 0)
 *   mu_nue = mu_numu = mu_nutau = 0,   Y_e = mu_e^3 / (3 pi^2 (hbar c)^3) / (rho / m_u)  (degenerate ideal gas)
 *   rows every 0.25 km from 0 to 100 km; L_nu = 3e52 erg/s (the energy-loss criterion of G. Raffelt, "Stars as
 *   Laboratories for Fundamental Physics", 1996), R_nu = 25 km (004 after Eq. 53), R_far = 100 km (004 after
 *   Eq. 54), t = 1 s.
 *
 * Units inside: temperatures and chemical potentials in GeV, radii in km, densities of particles in GeV^3.
 */
#ifndef NR_SN_PROFILE_H
#define NR_SN_PROFILE_H

#include <stddef.h>

#include "nr_error.h"

#define NR_SN_PROFILE_MAX_ROWS 100000

typedef struct {
    double l_nu_erg_s;   /* neutrino luminosity [erg/s]                                         */
    double r_nu_km;      /* neutrinosphere [km]                                                 */
    double r_far_km;     /* end of the absorption path [km]                                     */
    double time_s;       /* time after bounce [s] (0 if not given)                              */
    size_t n;            /* rows                                                                */
    double *r_km;        /* [n] radius [km]                                                     */
    double *t_gev;       /* [n] temperature [GeV]                                               */
    double *rho_g_cm3;   /* [n] mass density [g/cm^3]                                           */
    double *y_e;         /* [n] electron fraction                                               */
    double *mu_e_gev;    /* [n] electron chemical potential [GeV]                               */
    double *mu_mu_gev;   /* [n] muon chemical potential [GeV]                                   */
    double *mu_nu_gev[3];/* [3][n] nu_e, nu_mu, nu_tau chemical potentials [GeV]                */
    double *n_mu_gev3;   /* [n] mu- plus mu+ number density [GeV^3] (derived)                   */
    double *n_eff_gev3;  /* [n] sum over mu-, mu+ of 2 int d3p/(2 pi)^3 f (1 - f) [GeV^3] (derived) */
} nr_sn_profile;

/* The profile at radius r (linear interpolation between rows; the end rows outside). */
typedef struct {
    double t_gev, mu_mu_gev, mu_nu_gev[3], n_mu_gev3, n_eff_gev3;
} nr_sn_point;

/* Reads a profile file (format above). Errors are NR_EINPUT (the request chose the file) with where = `where` (the
 * request field naming the file) and a message naming the file's base name and line. */
nr_status nr_sn_profile_read(const char *path, const char *where, nr_sn_profile *out, nr_error *err);
/* The profile a request names: the synthetic one for name "", otherwise file `name` in folder dir (NULL: the
 * operator has set none, an error). sha256_pin (hex; NULL or "" for none) pins the content: the file is read once,
 * hashed and parsed from the same bytes, and a file whose sha256 differs (replaced since the request was keyed) is
 * NR_EINPUT. At most NR_SN_PROFILE_MAX_BYTES when pinned. Errors name `where`. */
#define NR_SN_PROFILE_MAX_BYTES (64 << 20)
nr_status nr_sn_profile_load(const char *dir, const char *name, const char *sha256_pin, const char *where,
                             nr_sn_profile *out, nr_error *err);
/* The synthetic analytic profile above. */
nr_status nr_sn_profile_synthetic(nr_sn_profile *out, nr_error *err);
void nr_sn_profile_free(nr_sn_profile *p);
void nr_sn_profile_at(const nr_sn_profile *p, double r_km, nr_sn_point *out);

/* Ideal Fermi gas of mass m, chemical potential mu (relativistic, with the rest mass), temperature t, two spin
 * states, particles only [GeV^3]:
 *   number density         n     = (1/pi^2) int_0^inf p^2 f dp,         f = 1/(exp((E - mu)/t) + 1)
 *   blocked target density n_eff = (1/pi^2) int_0^inf p^2 f (1 - f) dp  (Compton targets with Pauli blocking of
 *                                                                       the recoil, 004 Eq. 57's n_mu F_deg)  */
double nr_fermi_number_density(double m, double mu, double t);
double nr_fermi_blocked_density(double m, double mu, double t);

#endif
