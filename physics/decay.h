/* decay.h: what happens to a long-lived particle after it is made: decay length, decay probability in a
 * volume, energy of a photon from a two-body decay, geometric acceptance.
 *
 * Units: energies and masses in GeV, widths in GeV, lengths in metres.
 */
#ifndef NR_DECAY_H
#define NR_DECAY_H

/* Lab decay length beta gamma c tau [m] of a particle of energy e and mass m with total width gamma
 * (infinite for gamma = 0). */
double nr_decay_length_m(double e, double m, double width_gev);

/* Probability to decay between distances l1 and l2 (l2 >= l1 >= 0) from the production point:
 * exp(-l1/d) - exp(-l2/d), computed without cancellation for d >> l2 and without overflow for d -> 0. */
double nr_decay_prob_between(double l1_m, double l2_m, double decay_length_m);

/* Production uniform along a slab of length slab_m (a thin target); the volume starts dist_m behind the
 * back of the slab and is vol_m long. Averaged over the production point:
 * (d/slab) (1 - exp(-slab/d)) (exp(-dist/d) - exp(-(dist+vol)/d)). */
double nr_decay_prob_slab_to_volume(double slab_m, double dist_m, double vol_m, double decay_length_m);

/* Production uniform along a slab; probability to decay inside the same slab (before leaving it):
 * 1 - (d/slab) (1 - exp(-slab/d)). */
double nr_decay_prob_inside_slab(double slab_m, double decay_length_m);

/* Two-body decay of a parent (energy e, mass m) into a massless particle and anything massless, isotropic
 * in the rest frame: the massless daughter's lab energy is uniform in [e (1-beta)/2, e (1+beta)/2].
 * Fraction of decays with daughter energy above e_cut. */
double nr_two_body_fraction_above(double e, double m, double e_cut);
/* The same with the parent's momentum p = sqrt(e^2 - m^2) [GeV] given (one square root for several cuts);
 * needs e > 0, 0 <= m <= e. */
double nr_two_body_fraction_above_p(double e, double p, double m, double e_cut);

/* Fraction of the area of a centred w x h rectangle that lies inside a centred circle of radius r (all
 * in m): the geometric acceptance of a cylindrical volume behind a box target for particles going
 * straight along the beam. */
double nr_rectangle_fraction_in_circle(double w, double h, double r);

#endif
