/* proton_dump.h: a light vector boson X made in a proton beam dump (nu-Cal, DUNE; paper 004 sec. III A, Eqs.
 * 22-24, 32, 36-37, Table V) and what of it enters the decay region.
 *
 * Production, per proton on target:
 *   - proton bremsstrahlung p N -> p N X in the FWW approximation (bremsstrahlung.h: 004 Eqs. 25-31 with the
 *     chiral splitting of Eq. 27 and the VMD form factor of Eq. 31), in the fixed-target frame: z = p_z,X / p_beam
 *     with the lab beam momentum, s = 2 m_p^2 + 2 m_p E_beam, and the number per proton
 *     dN/dz dpT^2 = |F1|^2 w(z, pT^2) sigma_pp(s') / sigma_pp(s), s' = s (1 - z) (004 Eq. 32; Blumlein-Brunner);
 *   - pi0 -> X gamma and eta -> X gamma (004 Eqs. 33-35, 37) from the forward mesons of forward_mesons.h (BMPT
 *     parameterisation; 004 used Pythia8).
 * Acceptance and decays (004 Eqs. 22-24): the dump is a decay volume at distance l_dump + l_sh, length l_dec,
 * radius r_det (nr_decay_volume), exactly as FASER is, so the accepted lists are those of llp.h and the events
 * follow from nr_llp_events_accepted with luminosity_fb = N_p / 1000 (the lists hold X per proton on target in
 * their `weight_pb`). A detector threshold e_min_gev removes accepted X below that energy.
 */
#ifndef NR_PROTON_DUMP_H
#define NR_PROTON_DUMP_H

#include "bremsstrahlung.h"
#include "engine.h"
#include "experiment.h"
#include "llp.h"
#include "llp_mesons.h"
#include "nr_error.h"

/* s += the bremsstrahlung X per proton on target (in the spectrum's `w_pb` cells) of a proton beam of energy
 * opt->sqrt_s_gev-equivalent: opt must be made for nr_fixed_target_sqrt_s_gev(e_beam_gev); the z window, pT cut,
 * splitting and resonances of opt apply (bremsstrahlung.h). */
nr_status nr_proton_dump_add_bremsstrahlung(nr_llp_spectrum *s, double e_beam_gev, const nr_proton_chiral_couplings *c,
                                            const nr_brem_options *opt, nr_error *err);

/* Which production mechanisms a proton dump computes. */
enum { NR_PDUMP_PI0, NR_PDUMP_ETA, NR_PDUMP_BREM, NR_PDUMP_N_MECH };

typedef struct {
    int mesons, bremsstrahlung;     /* 1: compute this mechanism                                        */
    nr_quark_vector_couplings q;    /* X couplings to u, d, s at unit gauge coupling (meson decays)     */
    nr_proton_chiral_couplings pc;  /* X couplings to the proton at unit gauge coupling (bremsstrahlung) */
    nr_brem_options brem;           /* z window, pT cut, splitting, resonances (sqrt_s is set here)      */
    const nr_hadron_table *meson_tables[2]; /* pi0, eta per proton on target for this dump, from
                                               nr_proton_dump_meson_table (memoised in the engine); NULL: made
                                               here on every call (nr_forward_meson_table, one midpoint per cell) */
    nr_meson_accept_table *accept_tables[2]; /* pi0, eta: their accepted X memoised in the mass for this dump's
                                               decay volume (nr_proton_dump_meson_accept_table); NULL: the direct
                                               evaluation (nr_llp_accept_meson_decays) */
} nr_proton_dump_production;

/* The pi0 (pdg 111) or eta (221) per proton on target of the dump e (nr_forward_meson_table with one midpoint per
 * cell, as nr_proton_dump_accept uses them), built once per engine, beam energy and target
 * (nr_engine_derived_or_build). Beam energies are request parameters (experiment_overrides), so once the engine's
 * memo is full a table is built for this caller alone: then *owned is that table too, to be released with
 * nr_proton_dump_meson_table_release after use (*owned is NULL for a memoised table; releasing NULL is a no-op). */
nr_status nr_proton_dump_meson_table(const nr_engine *engine, const nr_experiment *e, int pdg,
                                     const nr_hadron_table **table, nr_hadron_table **owned, nr_error *err);
void nr_proton_dump_meson_table_release(nr_hadron_table *owned);

/* The accepted X of the memoised meson table `mesons` (from nr_proton_dump_meson_table with *owned NULL) in the decay
 * volume of e, memoised in the X mass per engine (llp_mesons.h, nr_meson_accept_set; issue 11): a mass evaluated
 * before costs nothing, and light X (m_X^2 / M^2 < NR_PDUMP_LATTICE_X_MAX) are interpolated linearly in
 * u = logit(m_X^2 / M^2) between lattice masses NR_PDUMP_LATTICE_H apart (nr_meson_accept_table_set_lattice), which
 * a contour's neighbouring masses share. No interpolation above: the direct evaluation, kept for that very mass.
 * *table NULL when none can be had (the engine's memo full, or memory short): then evaluate directly. */
#define NR_PDUMP_LATTICE_H 0.5
#define NR_PDUMP_LATTICE_X_MAX 1e-2
/* Mesons below this fraction of the acceptance cone taken on the beam axis when a mass is evaluated directly
 * (nr_meson_decay_quadrature; a table evaluates by its angle-summed rows unless they could not be built, llp_mesons.c;
 * the default's 0.03 is kept for FASER): 20% faster at nu-Cal and DUNE, events within 4.7e-5 of 0.03's (1.9e-4 for the
 * eta at nu-Cal at short lifetimes; measured on branch pdump at 5372099). */
#define NR_PDUMP_AXIS_FRACTION 0.1
void nr_proton_dump_meson_accept_table(const nr_engine *engine, const nr_experiment *e, int pdg,
                                       const nr_hadron_table *mesons, nr_meson_accept_table **table);

/* The X of mass m_gev entering the decay region of the proton dump e (004 Eq. 22), per proton on target, for each
 * mechanism: accepted[k] and have[k] (k = NR_PDUMP_*); the lists are allocated here (nr_llp_accepted_free).
 * NR_EINPUT for a beam that is not "p", an unknown target or m >= the beam energy. */
nr_status nr_proton_dump_accept(const nr_experiment *e, double m_gev, const nr_proton_dump_production *prod,
                                nr_llp_accepted accepted[NR_PDUMP_N_MECH], int have[NR_PDUMP_N_MECH], nr_error *err);

/* The luminosity [fb^-1] that makes nr_llp_events_accepted count per proton on target: N_p / 1000. */
double nr_proton_dump_luminosity_fb(const nr_experiment *e);

#endif
