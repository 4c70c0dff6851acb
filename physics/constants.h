/* constants.h: physical constants and unit conversions used by the whole engine.
 *
 * Natural units inside the engine: energies, masses and momenta in GeV, cross sections in GeV^-2,
 * lengths in GeV^-1. Conversions to laboratory units happen at the edges with the named constants
 * below. Values from the Review of Particle Physics, R.L. Workman et al. (Particle Data Group),
 * PTEP 2022, 083C01 ("PDG 2022"), section 1 (physical constants) and the particle listings.
 */
#ifndef NR_CONSTANTS_H
#define NR_CONSTANTS_H

/* --- conversion constants (PDG 2022, Table 1.1) --- */
#define NR_HBARC_GEV_CM     1.973269804e-14   /* hbar c [GeV cm]                                  */
#define NR_HBARC_GEV_M      1.973269804e-16   /* hbar c [GeV m]                                   */
#define NR_HBARC2_GEV2_CM2  0.3893793721e-27  /* (hbar c)^2 [GeV^2 cm^2]: 1 GeV^-2 = this many cm^2 */
#define NR_GEV2_TO_PB       0.3893793721e9    /* 1 GeV^-2 in pb                                    */
#define NR_CM2_PER_PB       1.0e-36           /* 1 pb = 1e-36 cm^2                                 */
#define NR_INV_FB_TO_INV_PB 1.0e3             /* 1 fb^-1 = 1000 pb^-1                              */
#define NR_ATOMIC_MASS_UNIT_G   1.66053906660e-24 /* u [g]                                         */
#define NR_ATOMIC_MASS_UNIT_GEV 0.93149410242     /* u c^2 [GeV]                                   */
#define NR_SPEED_OF_LIGHT_M_S   299792458.0       /* c [m/s], exact                                */
#define NR_HBAR_GEV_S       6.582119569e-25   /* hbar [GeV s]                                      */
#define NR_ERG_PER_GEV      1.602176634e-3    /* 1 GeV in erg (e exact, SI 2019)                   */
#define NR_KM_TO_INV_GEV    (1e5 / NR_HBARC_GEV_CM) /* 1 km in GeV^-1                             */

/* --- couplings (PDG 2022) --- */
#define NR_G_FERMI          1.1663788e-5      /* G_F/(hbar c)^3 [GeV^-2], Table 1.1                */
#define NR_ALPHA_EM         (1.0 / 137.035999084) /* fine-structure constant at q^2 = 0          */
#define NR_SIN2_THETA_W     0.23121           /* sin^2 theta_W (MS-bar, M_Z), Table 1.1            */

/* --- masses [GeV] (PDG 2022 listings) --- */
#define NR_M_ELECTRON       0.51099895e-3
#define NR_M_MUON           0.1056583755
#define NR_M_TAU            1.77686
#define NR_M_PROTON         0.93827208816
#define NR_M_NEUTRON        0.93956542052
#define NR_M_NUCLEON        (0.5 * (NR_M_PROTON + NR_M_NEUTRON))
#define NR_M_PION_CHARGED   0.13957039
#define NR_M_PION_NEUTRAL   0.1349768
#define NR_M_W              80.377            /* W boson mass, PDG 2022 average                    */
#define NR_M_Z              91.1876           /* Z boson mass                                      */

#define NR_PI 3.14159265358979323846

#endif
