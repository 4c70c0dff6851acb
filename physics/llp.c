/* llp.c: LLP spectra on a (log10 theta, log10 p) grid, pi0/eta -> X gamma production from the
 * forward meson tables, and decays in a decay volume. Formulas: paper 004 Eqs. (22)-(24), (33)-(35);
 * see llp.h for the conventions and their sources. */
#include "llp.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"

#define N_CELLS (NR_LLP_N_THETA * NR_LLP_N_P)

/* ----------------------------------------------------------------------------- spectrum grid */

/* Cell lookup without transcendental calls (issue 11, nr_llp_spectrum_fill_pt2_pz). nr_llp_spectrum_fill finds the
 * cell from log10 of the angle (after atan2) and of the momentum; for p_z > 0 the same cells follow from the
 * squares a boost already has: the angle cell from tan^2 = p_T^2 / p_z^2 against tan^2 of the cell edges, the
 * momentum cell from p^2 = p_T^2 + p_z^2 against the squared edges (edges 10^(log10_min + k 0.05), llp.h; below the
 * first edge cell 0, above the last the top cell, as nr_llp_spectrum_fill clamps). A table indexed by the binary
 * exponent and the top 4 mantissa bits of the square gives the cell of each sixteenth of a binade; a sixteenth
 * (ratio 1.0625) is narrower than a cell (ratio >= 10^0.1 = 1.26 in the squares), so at most one edge lies inside
 * it and one comparison finishes the lookup. Cells differ from the log10 route only for a square within rounding
 * (~1e-16 relative) of an edge: tests/test_llp.c compares the two routes on random directions, and
 * tests/test_zd_hnl_model.c (test_primary_cells) the signals of the N made at the IP with the log10 route's
 * (commit 87cbbce): equal to the 12 digits printed. */
#define SQ_SUB 16
typedef struct {
    int ok;                           /* the table fits (else nr_llp_spectrum_fill_pt2_pz takes log10)      */
    int lo_exp, n_lut, k_max;         /* binary exponent of lut[0]; entries; highest finite edge            */
    double x2_lo, x2_hi;              /* 2^lo_exp, 2^(lo_exp + n_lut / SQ_SUB)                               */
    double edge2[NR_LLP_N_THETA + 1]; /* squared edge below cell k (edge2[0] = 0); +inf where not finite,   */
                                      /* and above the top cell (edge2[k_max + 1]: sq_cell's last compare)   */
    short lut[64 * SQ_SUB];           /* cell at the lower end of each sixteenth of a binade (64 binades:    */
                                      /* the angle grid spans 59, tan^2 1e-16..40; the momentum grid 46)    */
} sq_cells;

static sq_cells theta_cells, p_cells;
static pthread_once_t sq_cells_once = PTHREAD_ONCE_INIT;

static void sq_cells_build(sq_cells *c, double log10_min, int n, int is_angle)
{
    c->edge2[0] = 0.0;
    c->k_max = 0;
    for (int k = 1; k < n; k++) {
        const double edge = pow(10.0, log10_min + k * NR_LLP_CELL_LOG10_WIDTH);
        const double x = is_angle ? (edge < 0.5 * NR_PI ? tan(edge) : INFINITY) : edge;
        c->edge2[k] = x * x;
        if (isfinite(c->edge2[k]))
            c->k_max = k;
    }
    c->edge2[c->k_max + 1] = INFINITY;
    int e_lo, e_hi;
    frexp(c->edge2[1], &e_lo);          /* edge2[1] in [2^(e_lo-1), 2^e_lo) */
    frexp(c->edge2[c->k_max], &e_hi);   /* edge2[k_max] < 2^e_hi            */
    c->lo_exp = e_lo - 1;
    c->n_lut = (e_hi - c->lo_exp) * SQ_SUB;
    c->ok = c->n_lut <= (int)(sizeof c->lut / sizeof c->lut[0]); /* not with llp.h's grids: then the log10 route */
    if (!c->ok)
        return;
    c->x2_lo = ldexp(1.0, c->lo_exp);
    c->x2_hi = ldexp(1.0, e_hi);
    for (int i = 0; i < c->n_lut; i++) {
        const double x2 = ldexp(1.0 + (double)(i % SQ_SUB) / SQ_SUB, c->lo_exp + i / SQ_SUB);
        int k = 0;
        while (k < c->k_max && c->edge2[k + 1] <= x2)
            k++;
        c->lut[i] = (short)k;
    }
}

static void sq_cells_init(void)
{
    sq_cells_build(&theta_cells, NR_LLP_LOG10_THETA_MIN, NR_LLP_N_THETA, 1);
    sq_cells_build(&p_cells, NR_LLP_LOG10_P_MIN, NR_LLP_N_P, 0);
}

/* The cell of a square x2 (tan^2 of the angle, or p^2 [GeV^2]). */
static inline int sq_cell(const sq_cells *c, double x2)
{
    if (!(x2 >= c->x2_lo))
        return 0; /* also 0 and NaN */
    if (x2 >= c->x2_hi)
        return c->k_max;
    uint64_t b;
    memcpy(&b, &x2, sizeof b);
    const int e = (int)((b >> 52) & 0x7ff) - 1023, m = (int)((b >> (52 - 4)) & (SQ_SUB - 1));
    const int k = c->lut[(e - c->lo_exp) * SQ_SUB + m];
    return k + (x2 >= c->edge2[k + 1]); /* no branch: which side of the edge is as likely as not */
}

/* n directions of one momentum (p^2 [GeV^2] shared, e.g. the azimuths of a rest-frame polar angle in a two-body
 * boost, whose |p|^2 = p_par^2 + p_perp^2 does not depend on the azimuth): the momentum cell is looked up once, the
 * angle cell per direction from tan^2 = p_T^2 / p_z^2 as nr_llp_spectrum_fill_pt2_pz does (issue 11). A p^2 not
 * summed from the components may fall in the neighbouring cell only within rounding (~1e-16 relative) of an edge
 * (tests/test_llp.c compares with nr_llp_spectrum_fill_pt2_pz on random directions). */
void nr_llp_spectrum_fill_same_p(nr_llp_spectrum *s, double p2_gev2, int n, const double *pt2_gev2,
                                 const double *pz_gev, double weight_pb)
{
    if (!s || !s->w_pb || !isfinite(weight_pb) || n <= 0) return;
    pthread_once(&sq_cells_once, sq_cells_init);
    if (!theta_cells.ok || !p_cells.ok) {
        for (int i = 0; i < n; i++)
            nr_llp_spectrum_fill(s, atan2(sqrt(pt2_gev2[i]), pz_gev[i]), sqrt(p2_gev2), weight_pb);
        return;
    }
    double *col = s->w_pb + sq_cell(&p_cells, p2_gev2);
    for (int i = 0; i < n; i++) {
        const double pz = pz_gev[i];
        if (!(pz > 0.0)) { /* at or beyond 90 degrees: the log10 route */
            nr_llp_spectrum_fill(s, atan2(sqrt(pt2_gev2[i]), pz), sqrt(p2_gev2), weight_pb);
            continue;
        }
        col[sq_cell(&theta_cells, pt2_gev2[i] / (pz * pz)) * NR_LLP_N_P] += weight_pb;
    }
}

/* One direction: nr_llp_spectrum_fill_same_p with n = 1 and p^2 = p_T^2 + p_z^2 (the same cells and fallbacks). */
void nr_llp_spectrum_fill_pt2_pz(nr_llp_spectrum *s, double pt2_gev2, double pz_gev, double weight_pb)
{
    nr_llp_spectrum_fill_same_p(s, pt2_gev2 + pz_gev * pz_gev, 1, &pt2_gev2, &pz_gev, weight_pb);
}

double nr_llp_p_column_floor2(double p_gev)
{
    pthread_once(&sq_cells_once, sq_cells_init);
    return p_cells.ok ? p_cells.edge2[sq_cell(&p_cells, p_gev * p_gev)] : 0.0;
}

nr_status nr_llp_spectrum_init(nr_llp_spectrum *s, double mass_gev, nr_error *err)
{
    if (!s) return nr_fail(err, NR_EINTERNAL, "llp spectrum", "no spectrum to initialise");
    s->w_pb = NULL;
    s->mass_gev = mass_gev;
    if (!(mass_gev > 0.0) || !isfinite(mass_gev))
        return nr_fail(err, NR_EINPUT, "/params/mass", "the LLP mass must be positive, got %g GeV", mass_gev);
    s->w_pb = calloc(N_CELLS, sizeof *s->w_pb);
    if (!s->w_pb) return nr_fail(err, NR_ENOMEM, "llp spectrum", "out of memory for the LLP spectrum");
    return NR_OK;
}

void nr_llp_spectrum_free(nr_llp_spectrum *s)
{
    if (!s) return;
    free(s->w_pb);
    s->w_pb = NULL;
}

double nr_llp_cell_log10_theta(int i_theta)
{
    return NR_LLP_LOG10_THETA_MIN + (i_theta + 0.5) * NR_LLP_CELL_LOG10_WIDTH;
}

double nr_llp_cell_log10_p(int i_p)
{
    return NR_LLP_LOG10_P_MIN + (i_p + 0.5) * NR_LLP_CELL_LOG10_WIDTH;
}

/* Cell index of log10 x on a grid starting at x_min with n cells, clamped to [0, n-1]. */
static int clamped_cell(double log10_x, double log10_min, int n)
{
    if (!(log10_x > log10_min)) return 0; /* also catches -inf and NaN */
    double k = floor((log10_x - log10_min) / NR_LLP_CELL_LOG10_WIDTH);
    if (k >= n - 1) return n - 1;
    return (int)k;
}

void nr_llp_spectrum_fill(nr_llp_spectrum *s, double theta_rad, double p_gev, double weight_pb)
{
    if (!s || !s->w_pb || !isfinite(weight_pb)) return;
    int it = clamped_cell(log10(theta_rad), NR_LLP_LOG10_THETA_MIN, NR_LLP_N_THETA);
    int ip = clamped_cell(log10(p_gev), NR_LLP_LOG10_P_MIN, NR_LLP_N_P);
    s->w_pb[it * NR_LLP_N_P + ip] += weight_pb;
}

nr_status nr_llp_spectrum_add_scaled(nr_llp_spectrum *dst, const nr_llp_spectrum *src, double factor,
                                     nr_error *err)
{
    if (!dst || !src || !dst->w_pb || !src->w_pb)
        return nr_fail(err, NR_EINTERNAL, "llp spectrum", "spectrum not initialised");
    if (fabs(dst->mass_gev - src->mass_gev) > 1e-12 * dst->mass_gev)
        return nr_fail(err, NR_EINPUT, "/params/mass", "cannot add spectra of different masses (%g and %g GeV)",
                       dst->mass_gev, src->mass_gev);
    for (int i = 0; i < N_CELLS; i++) dst->w_pb[i] += factor * src->w_pb[i];
    return NR_OK;
}

double nr_llp_spectrum_total_pb(const nr_llp_spectrum *s)
{
    if (!s || !s->w_pb) return 0.0;
    double sum = 0.0;
    for (int i = 0; i < N_CELLS; i++) sum += s->w_pb[i];
    return sum;
}

double nr_llp_spectrum_sigma_pb(const nr_llp_spectrum *s, double theta_max_rad, double p_min_gev)
{
    if (!s || !s->w_pb || !(theta_max_rad > 0)) return 0.0;
    double lt = log10(theta_max_rad), lp = p_min_gev > 0 ? log10(p_min_gev) : -INFINITY, sum = 0.0;
    for (int it = 0; it < NR_LLP_N_THETA; it++) {
        if (!(nr_llp_cell_log10_theta(it) < lt)) continue;
        for (int ip = 0; ip < NR_LLP_N_P; ip++)
            if (nr_llp_cell_log10_p(ip) > lp) sum += s->w_pb[it * NR_LLP_N_P + ip];
    }
    return sum;
}

/* ----------------------------------------------------------------------------- meson decays */

nr_quark_vector_couplings nr_quark_couplings_dark_photon(double epsilon)
{
    nr_quark_vector_couplings c = {epsilon * NR_E_CHARGE * 2.0 / 3.0, -epsilon * NR_E_CHARGE / 3.0,
                                   -epsilon * NR_E_CHARGE / 3.0};
    return c;
}

/* R_M = Tr[T_M Q Q_X] / (e Tr[T_M Q Q]) with Q = (2/3, -1/3, -1/3):
 * pi0 T = (1,-1,0): Tr[TQQ] = 1/3, Tr[TQQ_X] = (2 g_u + g_d)/3.
 * eta T = (1,1,-1): Tr[TQQ] = 4/9, Tr[TQQ_X] = (2 g_u - g_d + g_s)/3. */
double nr_meson_anomaly_ratio(int pdg, const nr_quark_vector_couplings *c)
{
    if (!c) return 0.0;
    if (pdg == 111) return (2.0 * c->g_u + c->g_d) / NR_E_CHARGE;
    if (pdg == 221) return 0.75 * (2.0 * c->g_u - c->g_d + c->g_s) / NR_E_CHARGE;
    return 0.0;
}

nr_status nr_meson_br_x_gamma(int pdg, double m_x_gev, const nr_quark_vector_couplings *c, double *br,
                              nr_error *err)
{
    if (br) *br = 0.0;
    if (!c || !br) return nr_fail(err, NR_EINTERNAL, "meson br", "missing argument");
    if (pdg != 111 && pdg != 221)
        return nr_fail(err, NR_EINPUT, "/params/pdg", "M -> X gamma is implemented for pi0 (111) and eta (221), not %d", pdg);
    if (!(m_x_gev >= 0.0) || !isfinite(m_x_gev))
        return nr_fail(err, NR_EINPUT, "/params/mass", "the LLP mass must be >= 0, got %g GeV", m_x_gev);
    double m_m = nr_hadron_mass_gev(pdg);
    if (m_x_gev >= m_m) return NR_OK;
    double r = nr_meson_anomaly_ratio(pdg, c);
    double br_gg = pdg == 111 ? NR_BR_PI0_GAMMA_GAMMA : NR_BR_ETA_GAMMA_GAMMA;
    double phase = 1.0 - m_x_gev * m_x_gev / (m_m * m_m);
    *br = 2.0 * r * r * phase * phase * phase * br_gg; /* 004 Eqs. (34)-(35) */
    return NR_OK;
}

void nr_two_body_decay_lab(double m_m_gev, double p_m_gev, double theta_m_rad, double m_x_gev,
                           double cos_star, double phi_star, double x4[4], double gamma4[4])
{
    memset(x4, 0, 4 * sizeof *x4);
    memset(gamma4, 0, 4 * sizeof *gamma4);
    if (!(m_x_gev <= m_m_gev) || !(m_m_gev > 0) || !(p_m_gev >= 0)) return;
    /* rest frame: |p*| = (m_M^2 - m_X^2) / (2 m_M) for a massless photon */
    double p_star = (m_m_gev * m_m_gev - m_x_gev * m_x_gev) / (2.0 * m_m_gev);
    double e_x_star = sqrt(p_star * p_star + m_x_gev * m_x_gev);
    double sin_star = sqrt(fmax(0.0, 1.0 - cos_star * cos_star));
    double e_m = sqrt(p_m_gev * p_m_gev + m_m_gev * m_m_gev);
    double gamma = e_m / m_m_gev, gamma_beta = p_m_gev / m_m_gev;
    /* components along the meson direction (par) and transverse to it (perp, at azimuth phi*) */
    double x_par = gamma * p_star * cos_star + gamma_beta * e_x_star;
    double x_e = gamma * e_x_star + gamma_beta * p_star * cos_star;
    double g_par = -gamma * p_star * cos_star + gamma_beta * p_star;
    double g_e = gamma * p_star - gamma_beta * p_star * cos_star;
    double perp = p_star * sin_star;
    /* meson axis n = (sin t, 0, cos t); transverse basis e1 = (cos t, 0, -sin t), e2 = (0, 1, 0) */
    double st = sin(theta_m_rad), ct = cos(theta_m_rad), cp = cos(phi_star), sp = sin(phi_star);
    x4[0] = x_e;
    x4[1] = x_par * st + perp * cp * ct;
    x4[2] = perp * sp;
    x4[3] = x_par * ct - perp * cp * st;
    gamma4[0] = g_e;
    gamma4[1] = g_par * st - perp * cp * ct;
    gamma4[2] = -perp * sp;
    gamma4[3] = g_par * ct + perp * cp * st;
}

nr_meson_decay_sampling nr_meson_decay_sampling_default(void)
{
    nr_meson_decay_sampling s = {2, 16, 6};
    return s;
}

/* Rest-frame directions of the X: cos(theta*) midpoints on [-1, 1] and (cos, sin) of phi* midpoints on [0, pi],
 * computed once per call rather than once per meson. */
typedef struct {
    int n_cos, n_phi;
    double *cos_star, *sin_star, *cos_phi, *sin_phi;
} decay_directions;

static int directions_init(decay_directions *d, const nr_meson_decay_sampling *smp)
{
    d->n_cos = smp->n_cos;
    d->n_phi = smp->n_phi;
    d->cos_star = malloc(sizeof(double) * (size_t)(2 * smp->n_cos + 2 * smp->n_phi));
    if (!d->cos_star)
        return -1;
    d->sin_star = d->cos_star + smp->n_cos;
    d->cos_phi = d->sin_star + smp->n_cos;
    d->sin_phi = d->cos_phi + smp->n_phi;
    for (int ic = 0; ic < smp->n_cos; ic++) {
        d->cos_star[ic] = -1.0 + (ic + 0.5) * 2.0 / smp->n_cos;
        d->sin_star[ic] = sqrt(fmax(0.0, 1.0 - d->cos_star[ic] * d->cos_star[ic]));
    }
    for (int ip = 0; ip < smp->n_phi; ip++) {
        double phi = (ip + 0.5) * NR_PI / smp->n_phi;
        d->cos_phi[ip] = cos(phi);
        d->sin_phi[ip] = sin(phi);
    }
    return 0;
}

/* Add the decays of the mesons of one sub-cell (theta_m, p_m) carrying weight_pb: the X four-momentum of
 * nr_two_body_decay_lab (the same boost, written out here for the hot loop: the photon is not needed and the
 * trigonometry of the meson direction and of phi* is shared by all directions). */
enum { N_PHI_MAX = 32 }; /* azimuths per nr_llp_spectrum_fill_same_p call */

static void add_decays_of_one_meson(nr_llp_spectrum *s, double m_m, double theta_m, double p_m, double weight_pb,
                                    const decay_directions *d, const double *theta_top)
{
    double w = weight_pb / (d->n_cos * d->n_phi), m_x = s->mass_gev;
    double p_star = (m_m * m_m - m_x * m_x) / (2.0 * m_m), e_x_star = sqrt(p_star * p_star + m_x * m_x);
    double gamma = sqrt(p_m * p_m + m_m * m_m) / m_m, gamma_beta = p_m / m_m;
    double st = sin(theta_m), ct = cos(theta_m);
    double pt2[N_PHI_MAX], pz[N_PHI_MAX];
    for (int ic = 0; ic < d->n_cos; ic++) {
        double x_par = gamma * p_star * d->cos_star[ic] + gamma_beta * e_x_star, perp = p_star * d->sin_star[ic];
        if (theta_top) {
            /* every azimuth of this polar angle has momentum column ip and makes an angle of at least
             * |theta_m - alpha| with the beam (alpha: the X's angle to the meson); beyond the column's top region
             * edge (margins 1e-9 relative and 1e-13 rad for rounding) it lands only in cells nobody reads */
            const double top = theta_top[sq_cell(&p_cells, x_par * x_par + perp * perp)];
            if (fabs(theta_m - atan2(perp, x_par)) - top > 1e-9 * fabs(top) + 1e-13)
                continue;
        }
        for (int ip0 = 0; ip0 < d->n_phi; ip0 += N_PHI_MAX) { /* the azimuths share |p|^2 = x_par^2 + perp^2 */
            const int n = d->n_phi - ip0 < N_PHI_MAX ? d->n_phi - ip0 : N_PHI_MAX;
            for (int j = 0; j < n; j++) {
                const int ip = ip0 + j;
                double px = x_par * st + perp * d->cos_phi[ip] * ct, py = perp * d->sin_phi[ip];
                pz[j] = x_par * ct - perp * d->cos_phi[ip] * st;
                pt2[j] = px * px + py * py;
            }
            nr_llp_spectrum_fill_same_p(s, x_par * x_par + perp * perp, n, pt2, pz, w);
        }
    }
}

nr_status nr_llp_spectrum_add_meson_decays(nr_llp_spectrum *s, const nr_hadron_table *meson, double br,
                                           const nr_meson_decay_sampling *sampling, nr_error *err)
{
    return nr_llp_spectrum_add_meson_decays_in(s, meson, br, sampling, NULL, err);
}

/* What of a region a meson's X can reach (nr_llp_spectrum_add_meson_decays_in): per momentum column, the lower edge
 * [rad] of the first angle cell above the region's cells in that column or any higher one (the X of a meson have
 * momenta from p_min up, so every column from p_min's on is open to them); +inf where that includes the top angle
 * cell (angles beyond the grid are clamped into it), 0 where no column from there on holds a cell. */
typedef struct {
    double theta_above[NR_LLP_N_P];
} region_reach;

/* The lower edge [rad] of the angle cell above cell it_max: +inf when it_max is the top cell (larger angles are
 * clamped into it), `none` when it_max < 0 (no cell). */
static double theta_edge_above(int it_max, double none)
{
    return it_max >= NR_LLP_N_THETA - 1 ? INFINITY
           : it_max < 0                 ? none
                                        : pow(10.0, NR_LLP_LOG10_THETA_MIN + (it_max + 1) * NR_LLP_CELL_LOG10_WIDTH);
}

static void region_reach_init(region_reach *r, const nr_llp_cell_region *region)
{
    int top = -1;
    for (int ip = NR_LLP_N_P - 1; ip >= 0; ip--) {
        if (region->it_max[ip] > top) top = region->it_max[ip];
        r->theta_above[ip] = theta_edge_above(top, 0.0);
    }
}

/* 1 when no X of a meson of mass m_m at (theta_m [rad], p_m [GeV]) decaying into X (rest-frame energy e_x_star and
 * momentum p_star [GeV], mass m_x) can land in the region: every X is at an angle of at least theta_m - alpha_max,
 * sin(alpha_max) = (p* / m_X) / (p_m / m_m) when the meson's beta gamma is the larger, and at a momentum of at least
 * |beta gamma E* - gamma p*|, that at cos theta* = -1 (|p_X|^2 grows with cos theta* since E* > p*). Margins of
 * 1e-9 relative keep cells within rounding of an edge. */
static int meson_misses_region(const region_reach *r, double m_m, double theta_m, double p_m, double m_x,
                               double e_x_star, double p_star)
{
    double bg_m = p_m / m_m, bg_x = p_star / m_x;
    if (!(bg_m > bg_x)) return 0; /* X in every direction */
    double theta_lo = (theta_m - asin(bg_x / bg_m)) * (1.0 - 1e-9);
    double gamma = sqrt(1.0 + bg_m * bg_m), p_min = fabs(bg_m * e_x_star - gamma * p_star) * (1.0 - 1e-9);
    int ip = p_min > 0.0 ? (int)floor((log10(p_min) - NR_LLP_LOG10_P_MIN) / NR_LLP_CELL_LOG10_WIDTH) : 0;
    ip = ip < 0 ? 0 : ip >= NR_LLP_N_P ? NR_LLP_N_P - 1 : ip;
    return theta_lo >= r->theta_above[ip];
}

/* What add_decays_of_one_meson and meson_misses_region compute of a meson that depends on its momentum p_m and
 * not on its angle (issue 11): the table's cells share a few hundred momenta, so these are computed once per
 * momentum and sub-cell b of a call (momentum_memo) instead of once per cell; the same expressions on the same
 * values, so the same numbers. Per sub-cell: p_m [GeV], whether the meson's beta gamma exceeds the X's (bounded),
 * asin(bg_X / bg_m) [rad] and the region's theta_above [rad] at the lowest X momentum (meson_misses_region); per
 * rest-frame polar angle ic: the X's momentum along and across the meson [GeV], its angle to the meson
 * atan2(perp, x_par) [rad], the region's top [rad] in its momentum column (the polar skip) and, when that top is
 * below 1.5 rad, tan^2(top) (1 + 1e-8) (else +inf): an azimuth going backwards or with p_T^2 above p_z^2 times it
 * lands above the region in that column (a cell nobody reads) and is not filled (add_decays_from_slot); and the
 * momentum column itself (sq_cell of p^2 = x_par^2 + perp^2, as nr_llp_spectrum_fill_same_p finds it). */
typedef struct {
    double key;   /* the cells' log10 p this slot holds; NAN: empty */
    double *sub;  /* n_sub x MM_SUB_FIELDS                          */
    double *dir;  /* n_sub x n_cos x MM_DIR_FIELDS                  */
} momentum_slot;

enum { MM_SUB_FIELDS = 4, MM_DIR_FIELDS = 6, MM_MAX_DIRS = 1024, MM_MAX_SLOTS = 2048 };

static void momentum_slot_fill(momentum_slot *m, double log10_p, int n_sub, const decay_directions *d, double m_m,
                               double m_x, double e_x_star, double p_star, const region_reach *reach,
                               const double *theta_top)
{
    const double h = NR_HADRON_CELL_LOG10_WIDTH / n_sub;
    m->key = log10_p;
    for (int b = 0; b < n_sub; b++) {
        const double p_m = pow(10.0, log10_p - 0.5 * NR_HADRON_CELL_LOG10_WIDTH + (b + 0.5) * h);
        double *u = m->sub + b * MM_SUB_FIELDS;
        u[0] = p_m;
        u[1] = 0.0; /* bounded (meson_misses_region) */
        if (reach) {
            const double bg_m = p_m / m_m, bg_x = p_star / m_x;
            if (bg_m > bg_x) {
                const double gamma = sqrt(1.0 + bg_m * bg_m), p_min = fabs(bg_m * e_x_star - gamma * p_star) * (1.0 - 1e-9);
                int ip = p_min > 0.0 ? (int)floor((log10(p_min) - NR_LLP_LOG10_P_MIN) / NR_LLP_CELL_LOG10_WIDTH) : 0;
                ip = ip < 0 ? 0 : ip >= NR_LLP_N_P ? NR_LLP_N_P - 1 : ip;
                u[1] = 1.0;
                u[2] = asin(bg_x / bg_m);
                u[3] = reach->theta_above[ip];
            }
        }
        /* add_decays_of_one_meson's boost */
        const double gamma = sqrt(p_m * p_m + m_m * m_m) / m_m, gamma_beta = p_m / m_m;
        for (int ic = 0; ic < d->n_cos; ic++) {
            double *v = m->dir + ((size_t)b * d->n_cos + ic) * MM_DIR_FIELDS;
            const double x_par = gamma * p_star * d->cos_star[ic] + gamma_beta * e_x_star, perp = p_star * d->sin_star[ic];
            const int column = sq_cell(&p_cells, x_par * x_par + perp * perp);
            v[0] = x_par;
            v[1] = perp;
            if (theta_top) {
                v[2] = atan2(perp, x_par);
                v[3] = theta_top[column];
                v[4] = v[3] >= 0.0 && v[3] < 1.5 ? tan(v[3]) * tan(v[3]) * (1.0 + 1e-8) : INFINITY;
            } else {
                v[4] = INFINITY;
            }
            v[5] = column;
        }
    }
}

/* meson_misses_region from a filled slot (sub-cell b) */
static int slot_misses_region(const momentum_slot *m, int b, double theta_m)
{
    const double *u = m->sub + b * MM_SUB_FIELDS;
    return u[1] != 0.0 && (theta_m - u[2]) * (1.0 - 1e-9) >= u[3];
}

/* add_decays_of_one_meson from a filled slot (sub-cell b): the same fills in the same order. The cells are found as
 * nr_llp_spectrum_fill_same_p finds them (its momentum column is the slot's; the angle cell from tan^2 = p_T^2 / p_z^2
 * for p_z > 0, the log10 route otherwise), but the azimuths' momenta and tan^2 are computed first, in a loop without
 * branches that the compiler runs two azimuths at a time in SIMD registers (issue 11); the slots exist only where the
 * table lookups do (theta_cells and p_cells ok). */
static void add_decays_from_slot(nr_llp_spectrum *s, const momentum_slot *m, int b, const double angle[3],
                                 double weight_pb, const decay_directions *d, int polar_skip)
{
    double w = weight_pb / (d->n_cos * d->n_phi);
    if (!isfinite(w)) return; /* nr_llp_spectrum_fill_same_p fills nothing then */
    const double theta_m = angle[0], st = angle[1], ct = angle[2]; /* [rad], sin, cos (angle_slot) */
    double pz[N_PHI_MAX], pt2[N_PHI_MAX], tan2[N_PHI_MAX];
    const double *dir = m->dir + (size_t)b * d->n_cos * MM_DIR_FIELDS;
    for (int ic = 0; ic < d->n_cos; ic++) {
        const double *v = dir + ic * MM_DIR_FIELDS;
        const double x_par = v[0], perp = v[1], tan2_top = v[4];
        if (polar_skip) {
            const double top = v[3];
            if (fabs(theta_m - v[2]) - top > 1e-9 * fabs(top) + 1e-13)
                continue;
        }
        const int cut = tan2_top < INFINITY;
        const double p2 = x_par * x_par + perp * perp;
        double *col = s->w_pb + (int)v[5];
        for (int ip0 = 0; ip0 < d->n_phi; ip0 += N_PHI_MAX) {
            const int n = d->n_phi - ip0 < N_PHI_MAX ? d->n_phi - ip0 : N_PHI_MAX;
            for (int j = 0; j < n; j++) {
                const int ip = ip0 + j;
                const double px = x_par * st + perp * d->cos_phi[ip] * ct, py = perp * d->sin_phi[ip];
                pz[j] = x_par * ct - perp * d->cos_phi[ip] * st;
                pt2[j] = px * px + py * py;
                tan2[j] = pt2[j] / (pz[j] * pz[j]);
            }
            for (int j = 0; j < n; j++) {
                const double z = pz[j];
                if (cut && !(z > 0.0 && pt2[j] <= z * z * tan2_top))
                    continue; /* above the region's top in this column (also backwards): not read */
                if (z > 0.0)
                    col[sq_cell(&theta_cells, tan2[j]) * NR_LLP_N_P] += w;
                else /* at or beyond 90 degrees: the log10 route, as nr_llp_spectrum_fill_same_p */
                    nr_llp_spectrum_fill(s, atan2(sqrt(pt2[j]), z), sqrt(p2), w);
            }
        }
    }
}

/* The slot of a cell centre log10_x (log10 theta or log10 p of a meson cell): round(log10_x / 0.025), the centres
 * being odd multiples of 0.025; 0 for a value that is not finite or absurdly large. */
static long cell_centre_key(double log10_x)
{
    const double x = log10_x / (0.5 * NR_HADRON_CELL_LOG10_WIDTH);
    return isfinite(x) && fabs(x) < 1e6 ? lround(x) : 0;
}

/* The range [*lo, *hi] of cell_centre_key over the meson cells' log10 theta (angle) or log10 p. */
static void cell_centre_key_range(const nr_hadron_table *meson, int angle, long *lo, long *hi)
{
    *lo = 0;
    *hi = -1;
    for (size_t k = 0; k < meson->n_cells; k++) {
        const long kk = cell_centre_key(angle ? meson->cells[k].log10_theta : meson->cells[k].log10_p);
        if (k == 0 || kk < *lo) *lo = kk;
        if (k == 0 || kk > *hi) *hi = kk;
    }
}

/* The meson angles of a cell's n_sub sub-cells with their sines and cosines (add_decays_from_slot): like the momenta
 * (momentum_slot) the table's cells share a few hundred angles, so these are computed once per angle of a call
 * instead of once per cell (issue 11; the same expressions, so the same numbers). */
typedef struct {
    double key; /* the cells' log10 theta this slot holds; NAN: empty         */
    double *v;  /* n_sub x 3: theta [rad], sin(theta), cos(theta)              */
} angle_slot;

static void angle_values_fill(double *v, double log10_theta, int n_sub)
{
    const double h = NR_HADRON_CELL_LOG10_WIDTH / n_sub;
    for (int a = 0; a < n_sub; a++) {
        const double theta = pow(10.0, log10_theta - 0.5 * NR_HADRON_CELL_LOG10_WIDTH + (a + 0.5) * h);
        v[3 * a] = theta;
        v[3 * a + 1] = sin(theta);
        v[3 * a + 2] = cos(theta);
    }
}

/* The angle values of a cell at log10_theta: its slot's (filled on first use) or, when no slot holds it (no slots,
 * or the slot holds another angle), computed into scratch (n_sub x 3). */
static const double *angle_values(angle_slot *slots, long k_lo, long n_slots, double log10_theta, int n_sub,
                                  double *scratch)
{
    const long i = cell_centre_key(log10_theta) - k_lo;
    if (slots && i >= 0 && i < n_slots) {
        angle_slot *a = &slots[i];
        if (isnan(a->key)) {
            a->key = log10_theta;
            angle_values_fill(a->v, log10_theta, n_sub);
        }
        if (a->key == log10_theta)
            return a->v;
    }
    angle_values_fill(scratch, log10_theta, n_sub);
    return scratch;
}

nr_status nr_llp_spectrum_add_meson_decays_in(nr_llp_spectrum *s, const nr_hadron_table *meson, double br,
                                              const nr_meson_decay_sampling *sampling,
                                              const nr_llp_cell_region *region, nr_error *err)
{
    if (!s || !s->w_pb || !meson || !meson->cells)
        return nr_fail(err, NR_EINTERNAL, "llp spectrum", "spectrum or meson table not initialised");
    nr_meson_decay_sampling smp = sampling ? *sampling : nr_meson_decay_sampling_default();
    if (smp.n_sub < 1 || smp.n_cos < 1 || smp.n_phi < 1 || smp.n_sub > 64 || smp.n_cos > 4096 || smp.n_phi > 4096)
        return nr_fail(err, NR_EINPUT, "/params/sampling", "sampling counts must be in 1..64 (cells), 1..4096 (directions)");
    if (!(br >= 0.0) || !isfinite(br))
        return nr_fail(err, NR_EINPUT, "/params/br", "branching ratio must be finite and >= 0, got %g", br);
    if (s->mass_gev >= meson->mass_gev || br == 0.0) return NR_OK;
    decay_directions dirs;
    if (directions_init(&dirs, &smp) != 0)
        return nr_fail(err, NR_ENOMEM, "llp spectrum", "out of memory for the decay directions");
    double h = NR_HADRON_CELL_LOG10_WIDTH / smp.n_sub;
    region_reach reach;
    if (region) region_reach_init(&reach, region);
    /* per momentum column the angle [rad] above which a direction lands outside the region (theta_edge_above; -1
     * for an empty column); used only with the table lookup of the momentum cell (add_decays_of_one_meson, issue 11) */
    pthread_once(&sq_cells_once, sq_cells_init);
    double theta_top[NR_LLP_N_P];
    const int polar_skip = region && p_cells.ok;
    for (int ip = 0; polar_skip && ip < NR_LLP_N_P; ip++)
        theta_top[ip] = theta_edge_above(region->it_max[ip], -1.0);
    const double m_x = s->mass_gev, m_m = meson->mass_gev;
    const double p_star = (m_m * m_m - m_x * m_x) / (2.0 * m_m), e_x_star = sqrt(p_star * p_star + m_x * m_x);
    /* momentum_slot per cell momentum: slot round(log10 p / 0.025) - k_lo (the centres are odd multiples of 0.025),
     * tagged with the exact log10 p (a cell whose slot holds another momentum takes the per-cell route); none when
     * the table or the sampling is too wide or the cells have no table lookup (add_decays_from_slot) */
    long k_lo, k_hi, t_lo, t_hi;
    cell_centre_key_range(meson, 0, &k_lo, &k_hi);
    cell_centre_key_range(meson, 1, &t_lo, &t_hi);
    const long n_slots = k_hi - k_lo + 1, n_angle_slots = t_hi - t_lo + 1;
    momentum_slot *slots = NULL;
    double *slot_mem = NULL;
    const size_t sub_len = (size_t)smp.n_sub * MM_SUB_FIELDS, dir_len = (size_t)smp.n_sub * smp.n_cos * MM_DIR_FIELDS;
    if (n_slots > 0 && n_slots <= MM_MAX_SLOTS && smp.n_sub * smp.n_cos <= MM_MAX_DIRS && theta_cells.ok && p_cells.ok) {
        slots = malloc(sizeof *slots * (size_t)n_slots);
        slot_mem = malloc(sizeof *slot_mem * (size_t)n_slots * (sub_len + dir_len));
        if (!slots || !slot_mem) { /* the per-cell route; both NULL, freed once below */
            free(slots);
            free(slot_mem);
            slots = NULL;
            slot_mem = NULL;
        }
        for (long i = 0; slots && i < n_slots; i++) {
            slots[i].key = NAN;
            slots[i].sub = slot_mem + (size_t)i * (sub_len + dir_len);
            slots[i].dir = slots[i].sub + sub_len;
        }
    }
    /* angle_slot per cell angle, as the momenta; none without momentum slots (or memory): angle_values computes */
    angle_slot *angles = NULL;
    double *angle_mem = NULL, angle_scratch[3 * 64];
    if (slots && n_angle_slots > 0 && n_angle_slots <= MM_MAX_SLOTS) {
        angles = malloc(sizeof *angles * (size_t)n_angle_slots);
        angle_mem = malloc(sizeof *angle_mem * (size_t)n_angle_slots * 3 * (size_t)smp.n_sub);
        if (!angles || !angle_mem) {
            free(angles);
            free(angle_mem);
            angles = NULL;
            angle_mem = NULL;
        }
        for (long i = 0; angles && i < n_angle_slots; i++) {
            angles[i].key = NAN;
            angles[i].v = angle_mem + (size_t)i * 3 * smp.n_sub;
        }
    }
    for (size_t k = 0; k < meson->n_cells; k++) {
        const nr_hadron_cell *c = &meson->cells[k];
        double w = br * c->sigma_pb / (smp.n_sub * smp.n_sub);
        momentum_slot *m = NULL;
        if (slots) {
            const long i = cell_centre_key(c->log10_p) - k_lo;
            if (i >= 0 && i < n_slots) {
                m = &slots[i];
                if (isnan(m->key))
                    momentum_slot_fill(m, c->log10_p, smp.n_sub, &dirs, m_m, m_x, e_x_star, p_star,
                                       region ? &reach : NULL, polar_skip ? theta_top : NULL);
                else if (m->key != c->log10_p)
                    m = NULL;
            }
        }
        const double *angle = angle_values(angles, t_lo, n_angle_slots, c->log10_theta, smp.n_sub, angle_scratch);
        for (int a = 0; a < smp.n_sub; a++) {
            double theta_m = angle[3 * a];
            for (int b = 0; b < smp.n_sub; b++) {
                if (m) {
                    if (region && slot_misses_region(m, b, theta_m)) continue;
                    add_decays_from_slot(s, m, b, &angle[3 * a], w, &dirs, polar_skip);
                    continue;
                }
                double p_m = pow(10.0, c->log10_p - 0.5 * NR_HADRON_CELL_LOG10_WIDTH + (b + 0.5) * h);
                if (region && meson_misses_region(&reach, m_m, theta_m, p_m, m_x, e_x_star, p_star)) continue;
                add_decays_of_one_meson(s, meson->mass_gev, theta_m, p_m, w, &dirs, polar_skip ? theta_top : NULL);
            }
        }
    }
    free(slots);
    free(slot_mem);
    free(angles);
    free(angle_mem);
    free(dirs.cos_star);
    return NR_OK;
}

/* ----------------------------------------------------------------------------- decay volume */

#define NR_LLP_EXP_ZERO 746.0 /* exp(-x) == 0.0 in IEEE double for x > 745.14 */

double nr_llp_decay_probability(double distance_m, double length_m, double decay_length_m)
{
    if (!(decay_length_m > 0.0) || !(distance_m >= 0.0) || !(length_m >= 0.0)) return 0.0;
    if (isinf(decay_length_m)) return 0.0;
    /* 004 Eq. (23): exp(-L/d) [1 - exp(-l/d)], with expm1 for d >> l */
    return exp(-distance_m / decay_length_m) * -expm1(-length_m / decay_length_m);
}

/* Fraction of a theta cell [lo, hi] (log10) below log10 theta_acc, weight uniform in log10 theta. */
static double accepted_fraction(double log10_lo, double log10_theta_acc)
{
    double f = (log10_theta_acc - log10_lo) / NR_LLP_CELL_LOG10_WIDTH;
    return f <= 0.0 ? 0.0 : (f >= 1.0 ? 1.0 : f);
}

static int decay_volume_is_valid(const nr_decay_volume *v)
{
    return v && v->distance_m >= 0.0 && v->length_m > 0.0 && v->radius_m > 0.0 && isfinite(v->distance_m) &&
           isfinite(v->length_m) && isfinite(v->radius_m);
}

double nr_decay_volume_theta_acc(const nr_decay_volume *v)
{
    return atan(v->radius_m / (v->distance_m + v->length_m));
}

nr_status nr_decay_volume_check(const nr_decay_volume *v, nr_error *err)
{
    if (decay_volume_is_valid(v)) return NR_OK;
    return nr_fail(err, NR_EINPUT, "/params/detector", "decay volume needs distance >= 0, length > 0, radius > 0");
}

/* The accepted fraction f[it] of each angle row of a valid volume v, as nr_llp_accept weighs the rows (004 Eq. (22):
 * p_T/p_z < r_det / (l_dump + l_sh + l_dec)); the rows increase in angle, so every row from the first with 0 on is
 * 0. Returns the last row with a non-zero fraction (-1: none). */
static int accepted_rows(const nr_decay_volume *v, double f[NR_LLP_N_THETA])
{
    const double log10_theta_acc = log10(nr_decay_volume_theta_acc(v));
    int it = 0;
    for (; it < NR_LLP_N_THETA; it++) {
        f[it] = accepted_fraction(NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH, log10_theta_acc);
        if (f[it] == 0.0) break;
    }
    const int last = it - 1;
    for (; it < NR_LLP_N_THETA; it++) f[it] = 0.0;
    return last;
}

int nr_llp_accept_last_row(const nr_decay_volume *v)
{
    if (!decay_volume_is_valid(v)) return -1;
    double f[NR_LLP_N_THETA];
    return accepted_rows(v, f);
}

/* The list of nr_llp_accept from the accepted weight per momentum column per_p [pb]: n_p_sub momenta per column. */
static nr_status accepted_from_columns(double mass_gev, const double *per_p, nr_llp_accepted *acc, nr_error *err)
{
    acc->mass_gev = mass_gev;
    size_t n_max = (size_t)NR_LLP_N_P * NR_LLP_ACCEPT_P_SUB;
    acc->p_gev = malloc(n_max * sizeof *acc->p_gev);
    acc->weight_pb = malloc(n_max * sizeof *acc->weight_pb);
    if (!acc->p_gev || !acc->weight_pb) {
        nr_llp_accepted_free(acc);
        return nr_fail(err, NR_ENOMEM, "llp accept", "out of memory");
    }
    double h = NR_LLP_CELL_LOG10_WIDTH / NR_LLP_ACCEPT_P_SUB;
    for (int ip = 0; ip < NR_LLP_N_P; ip++) {
        if (per_p[ip] <= 0.0) continue;
        for (int k = 0; k < NR_LLP_ACCEPT_P_SUB; k++) {
            acc->p_gev[acc->n] = pow(10.0, NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH + (k + 0.5) * h);
            acc->weight_pb[acc->n] = per_p[ip] / NR_LLP_ACCEPT_P_SUB;
            acc->total_pb += acc->weight_pb[acc->n];
            acc->n++;
        }
    }
    return NR_OK;
}

nr_status nr_llp_accept(const nr_llp_spectrum *s, const nr_decay_volume *v, nr_llp_accepted *acc,
                        nr_error *err)
{
    if (!acc) return nr_fail(err, NR_EINTERNAL, "llp accept", "no output");
    memset(acc, 0, sizeof *acc);
    if (!s || !s->w_pb) return nr_fail(err, NR_EINTERNAL, "llp accept", "spectrum not initialised");
    if (nr_decay_volume_check(v, err) != NR_OK) return NR_EINPUT;
    double f[NR_LLP_N_THETA], per_p[NR_LLP_N_P] = {0};
    const int last_row = accepted_rows(v, f);
    for (int it = 0; it <= last_row; it++)
        for (int ip = 0; ip < NR_LLP_N_P; ip++) per_p[ip] += f[it] * s->w_pb[it * NR_LLP_N_P + ip];
    return accepted_from_columns(s->mass_gev, per_p, acc, err);
}

/* ----------------------------------------------------------------------------- accepted weight by bands */

nr_status nr_llp_bands_init(nr_llp_bands *b, double mass_gev, int n_volumes, const nr_decay_volume *v, nr_error *err)
{
    if (!b) return nr_fail(err, NR_EINTERNAL, "llp bands", "no bands to initialise");
    memset(b, 0, sizeof *b);
    b->mass_gev = mass_gev;
    if (!(n_volumes >= 1 && n_volumes <= NR_LLP_BANDS_VOLUMES))
        return nr_fail(err, NR_EINTERNAL, "llp bands", "%d volumes asked, 1..%d", n_volumes, NR_LLP_BANDS_VOLUMES);
    pthread_once(&sq_cells_once, sq_cells_init);
    double f[NR_LLP_BANDS_VOLUMES][NR_LLP_N_THETA]; /* each volume's fraction of each row */
    int last_row = -1;
    for (int k = 0; k < n_volumes; k++) {
        if (nr_decay_volume_check(&v[k], err) != NR_OK) return NR_EINPUT;
        const int last = accepted_rows(&v[k], f[k]);
        last_row = last > last_row ? last : last_row;
    }
    if (!theta_cells.ok || !p_cells.ok || last_row < 0 || last_row + 1 > theta_cells.k_max)
        return nr_fail(err, NR_EINPUT, "llp bands", "the volumes' rows (0..%d) are not all below 90 degrees", last_row);
    /* a band ends below row it + 1 when some volume's fraction changes there (or at the last row) */
    for (int it = 0; it <= last_row; it++) {
        int ends = it == last_row;
        for (int k = 0; k < n_volumes && !ends; k++)
            ends = f[k][it] != f[k][it + 1];
        if (!ends) continue;
        if (b->n_bands == NR_LLP_BANDS_MAX)
            return nr_fail(err, NR_EINTERNAL, "llp bands", "more than %d bands", NR_LLP_BANDS_MAX);
        b->tan2_top[b->n_bands] = theta_cells.edge2[it + 1];
        for (int k = 0; k < n_volumes; k++) b->f[k][b->n_bands] = f[k][it];
        b->n_bands++;
    }
    b->n_volumes = n_volumes;
    b->w_pb = calloc((size_t)NR_LLP_N_P * b->n_bands, sizeof *b->w_pb);
    if (!b->w_pb) return nr_fail(err, NR_ENOMEM, "llp bands", "out of memory for the accepted bands");
    return NR_OK;
}

void nr_llp_bands_free(nr_llp_bands *b)
{
    if (!b) return;
    free(b->w_pb);
    b->w_pb = NULL;
}

double nr_llp_bands_top_angle(const nr_llp_bands *b)
{
    if (!b || b->n_bands < 1) return 0.0; /* no band (a failed init): no direction kept */
    return atan(sqrt(b->tan2_top[b->n_bands - 1]));
}

double *nr_llp_bands_column(nr_llp_bands *b, double p2_gev2)
{
    return b->w_pb + (size_t)sq_cell(&p_cells, p2_gev2) * b->n_bands;
}

nr_status nr_llp_bands_accept(const nr_llp_bands *b, int k, nr_llp_accepted *acc, nr_error *err)
{
    if (!acc) return nr_fail(err, NR_EINTERNAL, "llp bands", "no output");
    memset(acc, 0, sizeof *acc);
    if (!b || !b->w_pb || k < 0 || k >= b->n_volumes)
        return nr_fail(err, NR_EINTERNAL, "llp bands", "bands not initialised for volume %d", k);
    double per_p[NR_LLP_N_P] = {0};
    for (int ip = 0; ip < NR_LLP_N_P; ip++)
        for (int band = 0; band < b->n_bands; band++)
            if (b->f[k][band] > 0.0) per_p[ip] += b->f[k][band] * b->w_pb[(size_t)ip * b->n_bands + band];
    return accepted_from_columns(b->mass_gev, per_p, acc, err);
}

void nr_llp_accepted_free(nr_llp_accepted *acc)
{
    if (!acc) return;
    free(acc->p_gev);
    free(acc->weight_pb);
    acc->p_gev = acc->weight_pb = NULL;
    acc->n = 0;
    acc->total_pb = 0.0;
}

double nr_llp_events_accepted(const nr_llp_accepted *acc, const nr_decay_volume *v, double ctau_m,
                              double luminosity_fb)
{
    if (!acc || !acc->p_gev || !decay_volume_is_valid(v) || !(ctau_m > 0.0) || !isfinite(ctau_m) ||
        !(luminosity_fb >= 0.0) || !isfinite(luminosity_fb))
        return 0.0;
    double sum_pb = 0.0, ctau_over_m = ctau_m / acc->mass_gev;
    /* exp(-L/d) is exactly 0 in double precision for L/d > 746 (the smallest subnormal is e^-744.4): such terms are
     * skipped before any exp, i.e. p below p_zero = L / (746 ctau/m) */
    double p_zero = v->distance_m / (NR_LLP_EXP_ZERO * ctau_over_m);
    for (size_t i = 0; i < acc->n; i++) {
        if (acc->p_gev[i] < p_zero) continue;
        double d = acc->p_gev[i] * ctau_over_m; /* 004 Eq. (24): d = |p|/m c tau [m] */
        sum_pb += acc->weight_pb[i] * nr_llp_decay_probability(v->distance_m, v->length_m, d);
    }
    return sum_pb * luminosity_fb * NR_INV_FB_TO_INV_PB;
}

nr_status nr_llp_events(const nr_llp_spectrum *s, double ctau_m, const nr_decay_volume *v,
                        double luminosity_fb, double *events, nr_error *err)
{
    if (!events) return nr_fail(err, NR_EINTERNAL, "llp events", "no output");
    *events = 0.0;
    if (!(ctau_m > 0.0) || !isfinite(ctau_m))
        return nr_fail(err, NR_EINPUT, "/params/ctau", "c tau must be positive and finite, got %g m", ctau_m);
    if (!(luminosity_fb >= 0.0) || !isfinite(luminosity_fb))
        return nr_fail(err, NR_EINPUT, "/params/luminosity", "luminosity must be >= 0, got %g fb^-1", luminosity_fb);
    nr_llp_accepted acc;
    nr_status st = nr_llp_accept(s, v, &acc, err);
    if (st != NR_OK) return st;
    *events = nr_llp_events_accepted(&acc, v, ctau_m, luminosity_fb);
    nr_llp_accepted_free(&acc);
    return NR_OK;
}
