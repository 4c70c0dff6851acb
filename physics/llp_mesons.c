/* llp_mesons.c: accepted production of X from pi0/eta -> X gamma, the decay angles integrated in closed form
 * over phi* and by Gauss-Legendre over the acceptance window in cos(theta*) (paper 004 Eqs. 22, 33-35, 37;
 * the method and its formulas are in llp_mesons.h). The mass table (nr_meson_accept_table) evaluates a mass from the
 * phi* fraction summed over the meson angles per meson momentum, tabulated once ("Fast evaluation" below; issue 11). */
#include "llp_mesons.h"

#include <gsl/gsl_integration.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"

#define NR_LN10 2.302585092994045684 /* ln 10 */

nr_meson_decay_quadrature nr_meson_decay_quadrature_default(void)
{
    /* axis_fraction 0.03: nu-Cal's 50 x 50 grid moves by 1.3e-6 at most (0.01: 7.5e-8, 0.1: 4.2e-5; second order),
     * 1.6x faster there */
    nr_meson_decay_quadrature q = {1, 4, 8, 0.03};
    return q;
}

/* Rest-frame and boost quantities of M -> X gamma for one meson. */
typedef struct {
    double m_x, p_star, e_star; /* X in the meson rest frame [GeV]            */
    double gamma, beta;         /* meson boost                                 */
    double b;                   /* beta / beta*, beta* = p* / E*               */
} decay_frame;

static void decay_frame_init(decay_frame *k, double m_m, double p_m, double m_x)
{
    k->m_x = m_x;
    k->p_star = (m_m * m_m - m_x * m_x) / (2.0 * m_m); /* massless photon */
    k->e_star = sqrt(k->p_star * k->p_star + m_x * m_x);
    double e_m = sqrt(p_m * p_m + m_m * m_m);
    k->gamma = e_m / m_m;
    k->beta = p_m / e_m;
    k->b = k->beta * k->e_star / k->p_star;
}

/* The set {c in [-1, 1] : alpha(c) < a} written as [-1, r1) U (r2, 1] (r1 = -1: first piece empty; r2 = 1:
 * second piece empty). tan alpha = sqrt(1 - c^2) / (gamma (c + b)). With k = gamma tan a, alpha(c) = a solves
 * (1 + k^2) c^2 + 2 k^2 b c + k^2 b^2 - 1 = 0, roots c = (-k^2 b -+ S) / (1 + k^2), S = sqrt(1 + k^2 (1 - b^2)).
 *   b <= 1: alpha falls monotonically from pi (c = -1) to 0 (c = 1): one root, the one with sign(c + b) = sign(k).
 *   b > 1: alpha rises from 0 at c = -1 to alpha_max at c = -1/b (tan alpha_max = 1 / (gamma sqrt(b^2 - 1)))
 *          and falls back to 0 at c = 1: both roots when a < alpha_max, everything otherwise.
 * 1 - c+ and 1 + c- are computed without cancellation: 1 - c+ = k^2 (1+b)^2 / (A + S), A = 1 + k^2 (1 + b), and
 * 1 + c- = k^2 (1-b)^2 / (A' + S), A' = 1 + k^2 (1 - b) (both from (A - S)(A + S) = A^2 - S^2). tan_a = tan(a),
 * from the caller (it depends on the meson's angle only, not on its momentum). */
static void alpha_below(const decay_frame *k, double a, double tan_a, double *r1, double *r2)
{
    *r1 = -1.0;
    *r2 = 1.0;
    if (!(a > 0.0)) return;
    double b = k->b;
    if (a >= NR_PI && !(b > 1.0)) {
        *r2 = -1.0;
        return;
    }
    if (b > 1.0) {
        /* a >= alpha_max <=> a >= pi/2 or S^2 = 1 + k^2 (1 - b^2) <= 0 (tan^2 a >= tan^2 alpha_max): no root */
        double kk = a < 0.5 * NR_PI ? k->gamma * tan_a : 0.0, k2 = kk * kk, s2 = 1.0 + k2 * (1.0 - b * b);
        if (a >= 0.5 * NR_PI || !(s2 > 0.0)) { /* every c; written as the two pieces meeting at the peak c = -1/b */
            *r1 = *r2 = -1.0 / b;
            return;
        }
        double s = sqrt(s2);
        double a_plus = 1.0 + k2 * (1.0 + b), a_minus = 1.0 + k2 * (1.0 - b);
        *r2 = 1.0 - k2 * (1.0 + b) * (1.0 + b) / (a_plus + s);
        *r1 = a_minus > 0.0 ? -1.0 + k2 * (1.0 - b) * (1.0 - b) / (a_minus + s) : (-k2 * b - s) / (1.0 + k2);
        return;
    }
    if (a == 0.5 * NR_PI) {
        *r2 = -b;
        return;
    }
    double kk = k->gamma * tan_a, k2 = kk * kk, s = sqrt(1.0 + k2 * (1.0 - b * b));
    if (a < 0.5 * NR_PI)
        *r2 = 1.0 - k2 * (1.0 + b) * (1.0 + b) / (1.0 + k2 * (1.0 + b) + s);
    else
        *r2 = (-k2 * b - s) / (1.0 + k2);
}

/* Where accepted X go: either a histogram in log10 p (weight and weight x p per bin) or plain sums. */
typedef struct {
    double *w, *wp;           /* n_bins each, or NULL                        */
    int n_bins;
    double bins_per_decade;
    double sum_w, sum_w_inv_p; /* always accumulated                          */
} deposit;

/* d = an empty histogram of NR_LLP_N_P * p_bins_per_cell bins in log10 p (p_bins_per_cell per 0.05 dex), w and wp in
 * one zeroed block (free(d->w)). 0 when out of memory. */
static int deposit_histogram(deposit *d, int p_bins_per_cell)
{
    *d = (deposit){0};
    d->n_bins = NR_LLP_N_P * p_bins_per_cell;
    d->bins_per_decade = p_bins_per_cell / NR_LLP_CELL_LOG10_WIDTH;
    d->w = calloc(2 * (size_t)d->n_bins, sizeof *d->w);
    d->wp = d->w ? d->w + d->n_bins : NULL;
    return d->w != NULL;
}

/* weight w at momentum p [GeV]; inv_p = 1/p and log10_p = log10(p) from the caller (it has ln p already) */
static void deposit_put(deposit *d, double p, double inv_p, double log10_p, double w)
{
    d->sum_w += w;
    d->sum_w_inv_p += w * inv_p;
    if (!d->w) return;
    double x = (log10_p - NR_LLP_LOG10_P_MIN) * d->bins_per_decade;
    int i = !(x > 0.0) ? 0 : (x >= d->n_bins - 1 ? d->n_bins - 1 : (int)x);
    d->w[i] += w;
    d->wp[i] += w * p;
}

/* Gauss-Legendre rules in t on [0, pi] for 1..NR_GL_MAX nodes, with the substitution of integrate_interval
 * applied once: h = (1 - cos t)/2 and g = w sin(t)/2 per node. Built on demand by one call (no global state). */
#define NR_GL_MAX 128
typedef struct {
    size_t n;
    double *h, *g;
} gl_rule;
typedef struct {
    gl_rule r[NR_GL_MAX + 1];
} gl_tables;

static const gl_rule *gl_get(gl_tables *g, int n)
{
    if (n < 1) n = 1;
    if (n > NR_GL_MAX) n = NR_GL_MAX;
    gl_rule *r = &g->r[n];
    if (r->n) return r;
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc((size_t)n);
    double *hg = t ? malloc(2 * (size_t)n * sizeof *hg) : NULL;
    if (!hg) {
        if (t) gsl_integration_glfixed_table_free(t);
        return NULL;
    }
    for (size_t i = 0; i < (size_t)n; i++) {
        double tt, wt;
        gsl_integration_glfixed_point(0.0, NR_PI, i, &tt, &wt, t);
        hg[i] = 0.5 * (1.0 - cos(tt));
        hg[n + i] = 0.5 * sin(tt) * wt;
    }
    gsl_integration_glfixed_table_free(t);
    r->h = hg;
    r->g = hg + n;
    r->n = (size_t)n;
    return r;
}

static void gl_free(gl_tables *g)
{
    for (int n = 0; n <= NR_GL_MAX; n++)
        free(g->r[n].h);
}

/* The meson direction and the acceptance cone, for phi_fraction: sin and cos of theta_M, sin^2(theta_acc / 2). */
typedef struct {
    double sin_m, cos_m, sin2_half_acc;
} cone;

static cone cone_of(double theta_m, double sin2_half_acc)
{
    return (cone){sin(theta_m), cos(theta_m), sin2_half_acc};
}

static double sin2_half(double a)
{
    double s = sin(0.5 * a);
    return s * s;
}

/* Accepted fraction of phi* for X at lab opening alpha to the meson (llp_mesons.h):
 *   f = (2/pi) asin(sqrt(Q)),  Q = sin((a + D)/2) sin((a - D)/2) / (sin theta_M sin alpha),  D = |theta_M - alpha|,
 * with a = theta_acc; 0 for D >= a, 1 for Q >= 1. Written without an angle: alpha enters through
 * sin alpha = p_perp / p, cos alpha = p_par / p (p = |p_X|, inv_p = 1/p), and
 * sin((a + D)/2) sin((a - D)/2) = sin^2(a/2) - sin^2(D/2) (product to sum), with sin D = +-(sin theta_M cos alpha -
 * cos theta_M sin alpha) (only its square enters), cos D = cos theta_M cos alpha + sin theta_M sin alpha and sin^2(D/2) = sin^2 D / (2 (1 +
 * cos D)) (no cancellation for D < pi/2) or (1 - cos D)/2 beyond. D < a <=> sin^2(D/2) < sin^2(a/2) on [0, pi]. */
static double phi_fraction(const cone *k, double p_par, double p_perp, double inv_p)
{
    double sa = p_perp * inv_p, ca = p_par * inv_p;
    double sin_d = k->sin_m * ca - k->cos_m * sa, cos_d = k->cos_m * ca + k->sin_m * sa;
    double s2 = cos_d >= 0.0 ? sin_d * sin_d / (2.0 * (1.0 + cos_d)) : 0.5 * (1.0 - cos_d);
    if (!(s2 < k->sin2_half_acc)) return 0.0;
    double num = k->sin2_half_acc - s2, den = k->sin_m * sa;
    if (!(den > num)) return 1.0; /* also den = 0: X on the meson's axis, or the meson on the beam axis */
    return (2.0 / NR_PI) * asin(sqrt(num / den));
}

double nr_meson_phi_fraction(double theta_m_rad, double alpha_rad, double theta_acc_rad)
{
    cone k = cone_of(theta_m_rad, sin2_half(theta_acc_rad));
    return phi_fraction(&k, cos(alpha_rad), sin(alpha_rad), 1.0);
}

/* Lab momentum of X at rest-frame cos(theta*) = c: E = gamma (E* + beta p* c), p = sqrt(E^2 - m^2). */
static double p_lab_of_c(const decay_frame *k, double c)
{
    double s2 = (1.0 - c) * (1.0 + c), p_par = k->gamma * k->p_star * (c + k->b);
    double p_perp = k->p_star * sqrt(s2 > 0.0 ? s2 : 0.0);
    return sqrt(p_par * p_par + p_perp * p_perp); /* momenta of GeV: no overflow for hypot to guard against */
}

/* Blocks of GL nodes per interval: one block of n_angle nodes per half decade of X momentum spanned. */
#define DEX_PER_BLOCK 0.5

/* Integrate c over [c_lo, c_hi]: the variable is u = ln p_X (p_X(c) is monotonic: E_X is linear in c), so that
 * the weight of soft X (which dominate long-lived rates) is resolved, and u = u_lo + (u_hi - u_lo)(1 - cos t)/2
 * with t in [0, pi] removes the square-root edges of the phi* fraction. dc = p^2 / (E gamma beta p*) du. */
static void integrate_interval(const decay_frame *k, const cone *cn, double c_lo, double c_hi, double weight,
                               int n_angle, gl_tables *gl, deposit *d)
{
    if (!(c_hi > c_lo)) return;
    double p_lo = p_lab_of_c(k, c_lo), p_hi = p_lab_of_c(k, c_hi);
    p_lo = fmax(p_lo, 1e-12 * p_hi);
    double u_lo = log(p_lo), u_hi = log(p_hi), du = u_hi - u_lo, m2 = k->m_x * k->m_x;
    double dex = du / NR_LN10;
    int n = n_angle * (int)fmin(16.0, fmax(1.0, ceil(dex / DEX_PER_BLOCK)));
    const gl_rule *t = gl_get(gl, n);
    if (!t) return;
    double inv_gbp = 1.0 / (k->gamma * k->beta * k->p_star), inv_bp = 1.0 / (k->beta * k->p_star);
    double gp = k->gamma * k->p_star, inv_gamma = 1.0 / k->gamma, half_w = 0.5 * weight; /* cos(theta*): 1/2 on [-1, 1] */
    for (size_t i = 0; i < t->n; i++) {
        double u = u_lo + du * t->h[i];
        double p = exp(u), e = sqrt(p * p + m2), inv_p = 1.0 / p;
        /* c from E = gamma (E* + beta p* c), clamped against rounding */
        double c = (e * inv_gamma - k->e_star) * inv_bp;
        c = c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c); /* (comparisons: fmin/fmax are library calls here) */
        double s2 = (1.0 - c) * (1.0 + c), p_par = gp * (c + k->b), p_perp = k->p_star * sqrt(s2 > 0.0 ? s2 : 0.0);
        double f = phi_fraction(cn, p_par, p_perp, inv_p); /* |p_X(c)| = p (c clamped only by rounding) */
        if (f == 0.0) continue;
        double dc = p * p / e * inv_gbp * du * t->g[i]; /* dc = (dc/du)(du/dt) dt */
        deposit_put(d, p, inv_p, u * (1.0 / NR_LN10), half_w * dc * f);
    }
}

/* What integrate_meson needs of the meson's angle alone (shared by every momentum node of a cell row): the bands
 * of alpha in which X can be accepted, |theta_M - alpha| < theta_acc (when the meson is inside the cone the band
 * starts at 0 and is split where the whole phi* circle stops being accepted, a kink of f), tan of each level, and
 * the cone. */
typedef struct {
    double levels[3], tan_levels[3];
    int n_levels;
    cone cn;
} meson_angle;

static void meson_angle_init(meson_angle *g, double theta_m, double theta_acc, double sin2_half_acc)
{
    g->n_levels = 0;
    if (theta_m >= theta_acc) {
        g->levels[g->n_levels++] = theta_m - theta_acc;
    } else {
        g->levels[g->n_levels++] = 0.0;
        g->levels[g->n_levels++] = theta_acc - theta_m;
    }
    g->levels[g->n_levels++] = theta_m + theta_acc;
    for (int j = 0; j < g->n_levels; j++)
        g->tan_levels[j] = tan(g->levels[j]);
    g->cn = cone_of(theta_m, sin2_half_acc);
}

/* All accepted decays of one meson (weight = its cross section times BR): k its decay frame (momentum), g its
 * angle's invariants. */
static void integrate_meson(const decay_frame *k, const meson_angle *g, double weight, int n_angle, gl_tables *gl,
                            deposit *d)
{
    double r1_prev, r2_prev;
    alpha_below(k, g->levels[0], g->tan_levels[0], &r1_prev, &r2_prev);
    for (int j = 1; j < g->n_levels; j++) {
        double r1, r2;
        alpha_below(k, g->levels[j], g->tan_levels[j], &r1, &r2);
        /* {a_{j-1} <= alpha < a_j} = [r1_prev, r1) U (r2, r2_prev] */
        integrate_interval(k, &g->cn, r1_prev, r1, weight, n_angle, gl, d);
        integrate_interval(k, &g->cn, r2, r2_prev, weight, n_angle, gl, d);
        r1_prev = r1;
        r2_prev = r2;
    }
}

double nr_meson_decay_accepted_fraction(double m_m_gev, double p_m_gev, double theta_m_rad, double m_x_gev,
                                        double theta_acc_rad, int n_angle, double *mean_inv_p)
{
    gl_tables gl;
    memset(&gl, 0, sizeof gl);
    deposit d = {0};
    if (m_x_gev < m_m_gev && p_m_gev > 0.0) {
        decay_frame k;
        decay_frame_init(&k, m_m_gev, p_m_gev, m_x_gev);
        meson_angle g;
        meson_angle_init(&g, theta_m_rad, theta_acc_rad, sin2_half(theta_acc_rad));
        integrate_meson(&k, &g, 1.0, n_angle < 1 ? 1 : n_angle, &gl, &d);
    }
    gl_free(&gl);
    if (mean_inv_p) *mean_inv_p = d.sum_w > 0.0 ? d.sum_w_inv_p / d.sum_w : 0.0;
    return d.sum_w;
}

/* Largest opening angle between X and the meson over a cell whose smallest momentum is p_lo: when beta > beta*
 * (b > 1) it is alpha_max(p_lo) (alpha_max falls with p), otherwise X can go anywhere. */
static double max_opening(double m_m, double p_lo, double m_x)
{
    decay_frame k;
    decay_frame_init(&k, m_m, p_lo, m_x);
    if (!(k.b > 1.0)) return NR_PI;
    return atan2(1.0, k.gamma * sqrt(k.b * k.b - 1.0));
}

/* The cells of the hadron tables lie on a 0.05-wide grid in log10 theta and log10 p, shared by many cells: per grid
 * row, 10^(lower edge), the Gauss-Legendre nodes 10^x of the cell quadrature and their weights normalised to the
 * cell, and one derived value (extra: the largest opening angle of the row's momenta), computed on first use. A row is
 * found from its centre; a centre off the grid gets a row of its own in slot `spare` (computed each time). */
#define MEMO_MIN (-12.0) /* lowest log10 of a memoised row                                    */
#define MEMO_ROWS 480    /* 0.05-wide rows from MEMO_MIN: up to log10 = 12                     */
#define MEMO_NODES 16    /* nr_meson_decay_quadrature's n_cell at most                          */
typedef struct {
    int filled;
    double lo, extra;
    double x[MEMO_NODES], w[MEMO_NODES];
    decay_frame *frame; /* a momentum row: the decay frame of a meson of momentum x[a] (MEMO_NODES)   */
    meson_angle *angle; /* an angle row: the invariants of a meson at angle x[a] (MEMO_NODES)         */
} memo_row;
/* What a row's nodes are: meson momenta (frames from m_m, m_x) or meson angles (invariants from theta_acc). */
typedef enum { MEMO_P, MEMO_THETA } memo_kind;
typedef struct {
    const gsl_integration_glfixed_table *gl;
    memo_row *row; /* MEMO_ROWS + 1 (the spare) */
    memo_kind kind;
    double m_m, m_x;                  /* MEMO_P: meson and X masses [GeV]                  */
    double theta_acc, sin2_half_acc;  /* MEMO_THETA: the cone [rad] and sin^2 of its half */
} grid_memo;

/* The rows zeroed (filled = 0); the per-node values uninitialised (malloc: written when a row is filled). */
static void memo_init(grid_memo *m, const gsl_integration_glfixed_table *gl, memo_kind kind)
{
    m->gl = gl;
    m->kind = kind;
    m->row = gl ? calloc(MEMO_ROWS + 1, sizeof *m->row) : NULL;
    size_t per_node = kind == MEMO_P ? sizeof(decay_frame) : sizeof(meson_angle);
    char *derived = m->row ? malloc((MEMO_ROWS + 1) * MEMO_NODES * per_node) : NULL;
    if (!derived) {
        free(m->row);
        m->row = NULL;
        return;
    }
    for (size_t i = 0; i <= MEMO_ROWS; i++) {
        void *at = derived + i * MEMO_NODES * per_node;
        if (kind == MEMO_P)
            m->row[i].frame = at;
        else
            m->row[i].angle = at;
    }
}

static void memo_free(grid_memo *m)
{
    if (m->row)
        free(m->kind == MEMO_P ? (void *)m->row[0].frame : (void *)m->row[0].angle);
    free(m->row);
    m->row = NULL;
}

static memo_row *memo_get(grid_memo *m, double centre)
{
    if (!isfinite(centre)) return NULL;
    double half = 0.5 * NR_HADRON_CELL_LOG10_WIDTH, k = (centre - half - MEMO_MIN) / NR_HADRON_CELL_LOG10_WIDTH;
    long i = lround(k);
    memo_row *r = &m->row[MEMO_ROWS];
    int on_grid = i >= 0 && i < MEMO_ROWS && fabs(k - (double)i) < 1e-6;
    if (on_grid) {
        r = &m->row[i];
        if (r->filled) return r;
    }
    /* the row of a cell centred at `centre` (the grid row's own centre would differ from it by rounding only) */
    double lo = centre - half;
    r->filled = on_grid;
    r->lo = pow(10.0, lo);
    r->extra = NAN;
    for (size_t a = 0; a < m->gl->n && a < MEMO_NODES; a++) {
        double x, w;
        gsl_integration_glfixed_point(lo, lo + 2.0 * half, a, &x, &w, m->gl);
        r->x[a] = pow(10.0, x);
        r->w[a] = w / (2.0 * half); /* glfixed weights on an interval of width 0.05 sum to 0.05: normalise to the cell */
        /* per node, what every meson of this momentum (or angle) shares, computed once instead of per cell */
        if (m->kind == MEMO_P)
            decay_frame_init(&r->frame[a], m->m_m, r->x[a], m->m_x);
        else
            meson_angle_init(&r->angle[a], r->x[a], m->theta_acc, m->sin2_half_acc);
    }
    return r;
}

static int quadrature_is_valid(const nr_meson_decay_quadrature *q)
{
    return q->n_cell >= 1 && q->n_cell <= 16 && q->n_angle >= 1 && q->n_angle <= 64 && q->p_bins_per_cell >= 1 &&
           q->p_bins_per_cell <= 64 && q->axis_fraction >= 0.0 && q->axis_fraction <= 0.1;
}

/* The accepted X of every meson cell into d (its w, wp: n_bins each, zeroed by the caller), the cells' weights times br;
 * theta_acc [rad]. NR_ENOMEM if a work table cannot be allocated. */
static nr_status accept_dense(const nr_hadron_table *meson, double m_x_gev, double br, double theta_acc,
                              const nr_meson_decay_quadrature *qp, deposit *d)
{
    nr_meson_decay_quadrature quad = *qp;
    double m_m = meson->mass_gev;
    gl_tables gl;
    memset(&gl, 0, sizeof gl);
    gsl_integration_glfixed_table *cell_gl = gsl_integration_glfixed_table_alloc((size_t)quad.n_cell);
    grid_memo memo_theta, memo_p;
    memo_init(&memo_theta, cell_gl, MEMO_THETA);
    memo_init(&memo_p, cell_gl, MEMO_P);
    memo_theta.theta_acc = theta_acc;
    memo_theta.sin2_half_acc = sin2_half(theta_acc);
    memo_p.m_m = m_m;
    memo_p.m_x = m_x_gev;
    /* Mesons deep inside the cone, theta_M < axis_fraction theta_acc, are taken on the beam axis: their
     * weights are summed per momentum node of a memoised row (axis_w, MEMO_ROWS x MEMO_NODES) and each node
     * integrated once at theta_M = 0 (llp_mesons.h). */
    const double theta_axis = quad.axis_fraction * theta_acc;
    double *axis_w = calloc((size_t)MEMO_ROWS * MEMO_NODES, sizeof *axis_w);
    meson_angle on_axis;
    meson_angle_init(&on_axis, 0.0, theta_acc, sin2_half(theta_acc));
    nr_status st = cell_gl && memo_theta.row && memo_p.row && axis_w ? NR_OK : NR_ENOMEM;
    if (m_x_gev < m_m && br > 0.0 && st == NR_OK) {
        for (size_t i = 0; i < meson->n_cells; i++) {
            const nr_hadron_cell *cell = &meson->cells[i];
            memo_row *rt = memo_get(&memo_theta, cell->log10_theta), *rp = memo_get(&memo_p, cell->log10_p);
            if (!rt || !rp) continue; /* NaN coordinates */
            /* a cell none of whose X can reach the cone: smallest angle minus the largest opening still outside */
            if (isnan(rp->extra)) rp->extra = max_opening(m_m, rp->lo, m_x_gev);
            if (rt->lo - rp->extra > theta_acc) continue;
            long row = rp - memo_p.row; /* MEMO_ROWS: the spare row of an off-grid cell, rebuilt for every cell */
            for (size_t a = 0; a < cell_gl->n; a++)
                for (size_t bb = 0; bb < cell_gl->n; bb++) {
                    double w = br * cell->sigma_pb * rt->w[a] * rp->w[bb];
                    if (rt->x[a] < theta_axis && row < MEMO_ROWS) {
                        axis_w[row * MEMO_NODES + (long)bb] += w;
                        continue;
                    }
                    integrate_meson(&rp->frame[bb], &rt->angle[a], w, quad.n_angle, &gl, d);
                }
        }
        for (long row = 0; row < MEMO_ROWS; row++)
            for (size_t bb = 0; bb < cell_gl->n; bb++)
                if (axis_w[row * MEMO_NODES + (long)bb] > 0.0)
                    integrate_meson(&memo_p.row[row].frame[bb], &on_axis, axis_w[row * MEMO_NODES + (long)bb],
                                    quad.n_angle, &gl, d);
    }
    free(axis_w);
    memo_free(&memo_theta);
    memo_free(&memo_p);
    gl_free(&gl);
    if (cell_gl) gsl_integration_glfixed_table_free(cell_gl);
    return st;
}

/* acc = the non-empty bins of (w, wp) times scale: weight and weighted mean momentum per bin. */
static nr_status accepted_from_bins(const double *w, const double *wp, int n_bins, double scale, double m_x_gev,
                                    nr_llp_accepted *acc, nr_error *err)
{
    size_t n = 0;
    for (int i = 0; i < n_bins; i++) n += w[i] > 0.0 && wp[i] > 0.0;
    acc->mass_gev = m_x_gev;
    acc->p_gev = malloc((n ? n : 1) * sizeof *acc->p_gev);
    acc->weight_pb = malloc((n ? n : 1) * sizeof *acc->weight_pb);
    if (!acc->p_gev || !acc->weight_pb) {
        nr_llp_accepted_free(acc);
        return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    }
    for (int i = 0; i < n_bins; i++) {
        if (!(w[i] > 0.0 && wp[i] > 0.0)) continue;
        acc->p_gev[acc->n] = wp[i] / w[i]; /* the bin's weighted mean momentum */
        acc->weight_pb[acc->n] = scale * w[i];
        acc->total_pb += scale * w[i];
        acc->n++;
    }
    return NR_OK;
}

static nr_status check_inputs(const nr_hadron_table *meson, double m_x_gev, double br, const nr_decay_volume *v,
                              const nr_meson_decay_quadrature *quad, nr_llp_accepted *acc, nr_error *err)
{
    if (!acc) return nr_fail(err, NR_EINTERNAL, "meson decays", "no output");
    memset(acc, 0, sizeof *acc);
    if (!meson || !meson->cells) return nr_fail(err, NR_EINTERNAL, "meson decays", "meson table not loaded");
    if (!quadrature_is_valid(quad))
        return nr_fail(err, NR_EINPUT, "/params/quadrature",
                       "meson-decay quadrature: n_cell in 1..16, n_angle in 1..64, p_bins_per_cell in 1..64, "
                       "axis_fraction in 0..0.1");
    if (!(m_x_gev > 0.0) || !isfinite(m_x_gev))
        return nr_fail(err, NR_EINPUT, "/params/mass", "the LLP mass must be positive, got %g GeV", m_x_gev);
    if (!(br >= 0.0) || !isfinite(br))
        return nr_fail(err, NR_EINPUT, "/params/br", "branching ratio must be finite and >= 0, got %g", br);
    if (nr_decay_volume_check(v, err) != NR_OK) return NR_EINPUT;
    return NR_OK;
}

nr_status nr_llp_accept_meson_decays(const nr_hadron_table *meson, double m_x_gev, double br,
                                     const nr_decay_volume *v, const nr_meson_decay_quadrature *q,
                                     nr_llp_accepted *acc, nr_error *err)
{
    nr_meson_decay_quadrature quad = q ? *q : nr_meson_decay_quadrature_default();
    nr_status st = check_inputs(meson, m_x_gev, br, v, &quad, acc, err);
    if (st != NR_OK) return st;
    acc->mass_gev = m_x_gev;
    deposit d;
    double theta_acc = nr_decay_volume_theta_acc(v); /* 004 Eq. (22) */
    if (!deposit_histogram(&d, quad.p_bins_per_cell) ||
        accept_dense(meson, m_x_gev, br, theta_acc, &quad, &d) != NR_OK) {
        free(d.w);
        return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    }
    st = accepted_from_bins(d.w, d.wp, d.n_bins, 1.0, m_x_gev, acc, err);
    free(d.w);
    return st;
}

/* ---- The accepted production memoised and interpolated in the LLP mass (llp_mesons.h, nr_meson_accept_table) ---- */

/* One computed mass, at u = logit(m^2/M^2): the bins [i0, i0 + n) of the dense deposit at br = 1 (w [pb], wp [pb GeV]);
 * the bins outside are empty. Immutable once in the table. */
typedef struct {
    double u;
    int i0, n;
    double *w, *wp;
} mtab_node;

#define MTAB_BUSY 8 /* masses being evaluated at once that other threads wait for instead of evaluating them too */
typedef struct mtab_rows mtab_rows;

#define MTAB_MAX_NODES 512 /* per table (a node holds up to 2 x 1120 doubles): beyond, new masses are evaluated only */

struct nr_meson_accept_table {
    const nr_hadron_table *meson;
    nr_decay_volume volume;
    double theta_acc, m_m; /* [rad], [GeV] */
    double h;              /* widest bracket in u that is interpolated */
    double lattice_h;      /* > 0: masses with x = m^2/M^2 < lattice_x_max interpolated between the lattice nodes */
    double lattice_x_max;  /* u = k lattice_h around them (nr_meson_accept_table_set_lattice)                     */
    double axis_fraction;  /* of the quadrature of every evaluation (nr_meson_accept_table_set_axis_fraction)     */
    int n_bins;
    double bins_per_decade;
    double *edge;          /* n_bins + 1 bin edges in p [GeV] (the first 0, the last infinite) */
    mtab_rows *rows;       /* the angle-summed rows of the fast evaluation, or NULL (direct evaluation) */
    gl_tables *gl;         /* with rows: every Gauss-Legendre rule they use, built once (read-only after)  */
    pthread_mutex_t lock;  /* guards n_nodes, node and busy (the nodes themselves are immutable) */
    pthread_cond_t done;   /* signalled when an evaluation in busy ends                                   */
    int busy[MTAB_BUSY];   /* 1: a thread is evaluating the mass at busy_u[i]                              */
    double busy_u[MTAB_BUSY];
    int n_nodes;
    mtab_node *node[MTAB_MAX_NODES]; /* sorted by u */
};


/* ---- Fast evaluation of a mass (issue 11): the phi* fraction summed over the meson angles, once per table ----
 *
 * With the default quadrature (one node per meson cell) the accepted X of the cell at (theta_i, p_j) are
 *   sigma_ij x integral dc/2 f(theta_i, alpha(c; p_j, m_X)),
 * f the accepted phi* fraction (llp_mesons.h). f depends on the meson angle and on X's lab opening alpha only, not
 * on m_X or on the meson momentum: the two-body kinematics (m_X, p_j) enter through alpha(c) and p_X(c) alone. So
 * per momentum row j the angle-summed fraction
 *   A_j(alpha) = sum_i sigma_ij f(theta_i, alpha)   [pb]
 * is tabulated once per meson table and decay volume, and a mass costs one c integral per momentum row (~100)
 * instead of one per cell (~7000 at 10 MeV). A_j is tabulated in s = sin^2(alpha/2) on the breakpoints of every f
 * (|theta_i - theta_acc|, theta_i + theta_acc, where f has square-root edges) each split into FAST_SUB pieces
 * (cosine spacing, denser towards the edges), linear between them. The c integral is that of integrate_interval
 * (ln p_X, cosine substitution) split at alpha = theta_acc (where A_j drops for the mesons near the axis) with
 * FAST_N nodes per half decade of p_X. The mesons below axis_fraction theta_acc are at their own angle here (the
 * direct evaluation puts them on the axis: within 4e-6, llp_mesons.h). Error against the direct evaluation:
 * tests/test_llp_mesons.c (test_fast_table). */
#define FAST_SUB 16  /* table points per interval between breakpoints of f */
#define FAST_N 16   /* c nodes per half decade of X momentum */

#define FAST_WIDE 8.0 /* meson angles above FAST_WIDE theta_acc: the narrow cells below, not in A_j */

/* A meson cell far outside the cone (theta_i > FAST_WIDE theta_acc): its X are accepted only in a narrow band
 * |alpha - theta_i| < theta_acc, where the c integral is done in alpha (below, rows_narrow). */
typedef struct {
    double theta, sigma; /* [rad], [pb] */
    double a[2], tan_a[2]; /* the two points in alpha of rows_narrow [rad] and their tangents */
    double w;            /* sigma x (integral of f over alpha) / 2 / 2 (rows_narrow) [pb] */
} narrow_cell;

struct mtab_rows {
    int *narrow_at;       /* [n_rows + 1]: row j's narrow cells are narrow[narrow_at[j] .. narrow_at[j + 1]) */
    narrow_cell *narrow;
    int n_rows, n_s;
    double *p;     /* [n_rows] meson momentum of the row [GeV] */
    double *s_top; /* [n_rows] A_j = 0 for s >= s_top */
    double *s;     /* [n_s] increasing from 0 */
    double *a;     /* [n_rows x n_s] A_j(s_k) [pb] */
};

static void mtab_rows_free(mtab_rows *r)
{
    if (!r) return;
    free(r->p);
    free(r->s_top);
    free(r->s);
    free(r->a);
    free(r->narrow_at);
    free(r->narrow);
    free(r);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The grid row of a cell centre (memo_get's rule), or -1 off the grid. */
static long grid_row(double centre)
{
    if (!isfinite(centre)) return -1;
    double half = 0.5 * NR_HADRON_CELL_LOG10_WIDTH, k = (centre - half - MEMO_MIN) / NR_HADRON_CELL_LOG10_WIDTH;
    long i = lround(k);
    return i >= 0 && i < MEMO_ROWS && fabs(k - (double)i) < 1e-6 ? i : -1;
}

/* The rows of a table (NULL when a cell is off the grid or memory is short: then every mass is evaluated directly). */
static mtab_rows *mtab_rows_build(const nr_hadron_table *meson, double theta_acc)
{
    int *prow = malloc(2 * MEMO_ROWS * sizeof *prow), *tcol = prow ? prow + MEMO_ROWS : NULL;
    double *theta = malloc(MEMO_ROWS * sizeof *theta), *pval = malloc(MEMO_ROWS * sizeof *pval);
    mtab_rows *r = calloc(1, sizeof *r);
    double *brk = NULL;
    int ok = prow && theta && pval && r;
    if (ok)
        for (int i = 0; i < 2 * MEMO_ROWS; i++) prow[i] = -1;
    for (size_t c = 0; ok && c < meson->n_cells; c++) {
        long it = grid_row(meson->cells[c].log10_theta), ip = grid_row(meson->cells[c].log10_p);
        if (it < 0 || ip < 0) ok = 0;
        else {
            tcol[it] = 1;
            prow[ip] = 1;
            theta[it] = pow(10.0, meson->cells[c].log10_theta); /* the cell's node (one Gauss-Legendre point) */
            pval[ip] = pow(10.0, meson->cells[c].log10_p);
        }
    }
    int n_theta = 0;
    if (ok) {
        for (int i = 0; i < MEMO_ROWS; i++) {
            if (prow[i] >= 0) prow[i] = r->n_rows++;
            if (tcol[i] >= 0) tcol[i] = n_theta++;
        }
        r->p = malloc((size_t)(r->n_rows ? r->n_rows : 1) * sizeof *r->p);
        r->s_top = calloc((size_t)(r->n_rows ? r->n_rows : 1), sizeof *r->s_top);
        brk = malloc((2 * (size_t)n_theta + 2) * sizeof *brk);
        ok = r->p && r->s_top && brk;
    }
    int n_brk = 0;
    double th[MEMO_ROWS];
    if (ok) {
        for (int i = 0; i < MEMO_ROWS; i++) {
            if (prow[i] >= 0) r->p[prow[i]] = pval[i];
            if (tcol[i] >= 0) th[tcol[i]] = theta[i];
        }
        /* breakpoints of f in alpha: |theta_i - theta_acc| and theta_i + theta_acc (at most pi), and 0 */
        brk[n_brk++] = 0.0;
        for (int i = 0; i < n_theta; i++) {
            if (th[i] > FAST_WIDE * theta_acc) continue; /* a narrow cell */
            double lo = fabs(th[i] - theta_acc), hi = fmin(th[i] + theta_acc, NR_PI);
            if (lo > 0.0 && lo < NR_PI) brk[n_brk++] = sin2_half(lo);
            brk[n_brk++] = sin2_half(hi);
        }
        qsort(brk, (size_t)n_brk, sizeof *brk, cmp_double);
        int u = 1;
        for (int i = 1; i < n_brk; i++)
            if (brk[i] > brk[u - 1]) brk[u++] = brk[i];
        n_brk = u;
        r->n_s = (n_brk - 1) * FAST_SUB + 1;
        r->s = malloc((size_t)r->n_s * sizeof *r->s);
        r->a = calloc((size_t)r->n_s * (size_t)(r->n_rows ? r->n_rows : 1), sizeof *r->a);
        ok = r->s && r->a;
    }
    if (ok) {
        for (int i = 0; i + 1 < n_brk; i++)
            for (int m = 0; m < FAST_SUB; m++)
                r->s[i * FAST_SUB + m] = brk[i] + (brk[i + 1] - brk[i]) * 0.5 * (1.0 - cos(NR_PI * m / FAST_SUB));
        r->s[r->n_s - 1] = brk[n_brk - 1];
        double s2acc = sin2_half(theta_acc);
        /* per meson angle (column): f at the table points below its top (alpha from s: sin(alpha/2) = sqrt(s)) */
        double *fcol = malloc((size_t)n_theta * (size_t)r->n_s * sizeof *fcol);
        int *k_hi = malloc((size_t)(n_theta ? n_theta : 1) * sizeof *k_hi);
        ok = fcol && k_hi;
        for (int i = 0; ok && i < n_theta; i++) {
            if (th[i] > FAST_WIDE * theta_acc) continue; /* a narrow cell */
            double t = th[i], s_hi = sin2_half(fmin(t + theta_acc, NR_PI)), *fi = fcol + (size_t)i * (size_t)r->n_s;
            cone cn = cone_of(t, s2acc);
            k_hi[i] = 0;
            for (int k = 0; k < r->n_s && r->s[k] < s_hi; k++) {
                double sh = sqrt(r->s[k]), ch = sqrt(1.0 - r->s[k]); /* sin, cos of alpha/2 */
                fi[k] = phi_fraction(&cn, 1.0 - 2.0 * r->s[k], 2.0 * sh * ch, 1.0); /* cos, sin alpha */
                k_hi[i] = k + 1;
            }
        }
        /* A_j += sigma_ij f_i (s_top: the top of the last non-zero f of the row); the narrow cells by row */
        r->narrow_at = ok ? calloc((size_t)r->n_rows + 1, sizeof *r->narrow_at) : NULL;
        r->narrow = ok ? malloc((meson->n_cells ? meson->n_cells : 1) * sizeof *r->narrow) : NULL;
        ok = r->narrow_at && r->narrow;
        for (size_t c = 0; ok && c < meson->n_cells; c++) {
            int i = tcol[grid_row(meson->cells[c].log10_theta)], j = prow[grid_row(meson->cells[c].log10_p)];
            double sg = meson->cells[c].sigma_pb, *aj = r->a + (size_t)j * (size_t)r->n_s;
            if (th[i] > FAST_WIDE * theta_acc) {
                r->narrow_at[j + 1]++;
                continue;
            }
            const double *fi = fcol + (size_t)i * (size_t)r->n_s;
            for (int k = 0; k < k_hi[i]; k++) aj[k] += sg * fi[k];
            if (k_hi[i] > 0 && r->s[k_hi[i] - 1] >= r->s_top[j])
                r->s_top[j] = k_hi[i] < r->n_s ? r->s[k_hi[i]] : r->s[r->n_s - 1];
        }
        for (int j = 0; ok && j < r->n_rows; j++) r->narrow_at[j + 1] += r->narrow_at[j];
        int *fill = ok ? calloc((size_t)r->n_rows + 1, sizeof *fill) : NULL;
        ok = ok && fill;
        for (size_t c = 0; ok && c < meson->n_cells; c++) {
            int i = tcol[grid_row(meson->cells[c].log10_theta)], j = prow[grid_row(meson->cells[c].log10_p)];
            if (th[i] > FAST_WIDE * theta_acc) {
                /* rows_narrow's two points in alpha, mean +- standard deviation of the band, and their weight */
                double t = th[i], mean = t + theta_acc * theta_acc / (8.0 * t), sg = meson->cells[c].sigma_pb;
                narrow_cell nc = {t, sg, {mean - 0.5 * theta_acc, mean + 0.5 * theta_acc}, {0, 0},
                                  0.5 * sg * 0.5 * 2.0 * s2acc / sin(t)};
                nc.tan_a[0] = tan(nc.a[0]);
                nc.tan_a[1] = tan(nc.a[1]);
                r->narrow[r->narrow_at[j] + fill[j]++] = nc;
            }
        }
        free(fill);
        free(fcol);
        free(k_hi);
    }
    free(prow);
    free(theta);
    free(pval);
    free(brk);
    if (!ok) {
        mtab_rows_free(r);
        return NULL;
    }
    return r;
}


/* A_j at s (linear between the table points; 0 at and above the last). *at: the bracket of the previous call, where
 * the search starts (the nodes of an interval come in order of c, so s moves monotonically): hunting outwards from
 * it, then bisection; the bracket found, s[lo] <= s < s[lo + 1], is unique, so the result does not depend on *at. */
static double rows_at(const mtab_rows *r, const double *aj, double s, int *at)
{
    const double *g = r->s;
    const int last = r->n_s - 1;
    if (!(s < g[last])) return 0.0;
    int lo = *at < 0 ? 0 : (*at >= last ? last - 1 : *at), hi, step = 1;
    if (g[lo] <= s) { /* hunt up: g[lo] <= s */
        hi = lo + 1;
        while (!(s < g[hi])) {
            lo = hi;
            hi = lo + step > last ? last : lo + step;
            step *= 2;
        }
    } else { /* hunt down: s < g[lo] */
        hi = lo;
        lo = hi - 1;
        while (lo > 0 && s < g[lo]) {
            hi = lo;
            lo = hi - step < 0 ? 0 : hi - step;
            step *= 2;
        }
    }
    while (hi - lo > 1) { /* g[lo] <= s < g[hi] (g[0] = 0 <= s) */
        int mid = (lo + hi) >> 1;
        if (g[mid] <= s)
            lo = mid;
        else
            hi = mid;
    }
    *at = lo;
    double x = (s - g[lo]) / (g[hi] - g[lo]);
    return aj[lo] + x * (aj[hi] - aj[lo]);
}

/* integrate_interval with A_j(alpha) for the phi* fraction times the cell weight. */
static void rows_interval(const decay_frame *k, const mtab_rows *r, const double *aj, double c_lo, double c_hi,
                          gl_tables *gl, deposit *d)
{
    if (!(c_hi > c_lo)) return;
    double p_lo = p_lab_of_c(k, c_lo), p_hi = p_lab_of_c(k, c_hi);
    p_lo = fmax(p_lo, 1e-12 * p_hi);
    double u_lo = log(p_lo), u_hi = log(p_hi), du = u_hi - u_lo, m2 = k->m_x * k->m_x;
    int n = FAST_N * (int)fmin(16.0, fmax(1.0, ceil(du / NR_LN10 / DEX_PER_BLOCK)));
    const gl_rule *t = gl_get(gl, n);
    if (!t) return;
    double inv_gbp = 1.0 / (k->gamma * k->beta * k->p_star), inv_bp = 1.0 / (k->beta * k->p_star);
    double gp = k->gamma * k->p_star, inv_gamma = 1.0 / k->gamma;
    int at = 0;
    for (size_t i = 0; i < t->n; i++) {
        double u = u_lo + du * t->h[i];
        double p = exp(u), e = sqrt(p * p + m2), inv_p = 1.0 / p;
        double c = (e * inv_gamma - k->e_star) * inv_bp;
        c = c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
        double s2 = (1.0 - c) * (1.0 + c), p_par = gp * (c + k->b), pp2 = k->p_star * k->p_star * (s2 > 0.0 ? s2 : 0.0);
        /* s = sin^2(alpha/2) = (1 - cos alpha)/2, cos alpha = p_par / p; without cancellation for p_par >= 0 */
        double sa = p_par >= 0.0 ? 0.5 * pp2 * inv_p / (p + p_par) : 0.5 * (1.0 - p_par * inv_p);
        double a = rows_at(r, aj, sa, &at);
        if (!(a > 0.0)) continue;
        double dc = p * p / e * inv_gbp * du * t->g[i];
        deposit_put(d, p, inv_p, u * (1.0 / NR_LN10), 0.5 * dc * a); /* cos(theta*): 1/2 on [-1, 1] */
    }
}


/* The narrow cells of row j (struct mtab_rows): f(theta_i, alpha) vanishes outside |alpha - theta_i| < theta_acc,
 * and integral f sin(alpha) d alpha = 1 - cos theta_acc (the cone's solid angle over 2 pi: every direction of the
 * phi* circles sweeping the band), so integral f d alpha = 2 sin^2(theta_acc/2) / sin theta_i to relative order
 * (theta_acc/theta_i)^2. Across the band, dc/d alpha and p_X vary slowly: the band is taken by two points in alpha
 * at its mean and mean +- its standard deviation (flat-sky: distance from a point at theta_i to a uniform disk of
 * radius theta_acc, mean theta_i + theta_acc^2/(8 theta_i), standard deviation theta_acc/2), on each branch c(alpha)
 * (two for b > 1), weight |dc/d alpha| = s (gamma^2 (c + b)^2 + s^2) / (gamma |1 + b c|), s = sin theta*
 * (from tan alpha = s / (gamma (c + b))). Near the turning point alpha_max (b > 1) dc/d alpha is singular: a cell
 * whose band reaches 0.9 alpha_max is integrated directly (integrate_meson). */
static void rows_narrow(const mtab_rows *r, int j, const decay_frame *k, double theta_acc, double sin2_half_acc,
                        gl_tables *gl, deposit *d)
{
    double alpha_max = k->b > 1.0 ? atan2(1.0, k->gamma * sqrt(k->b * k->b - 1.0)) : NR_PI;
    for (int q = r->narrow_at[j]; q < r->narrow_at[j + 1]; q++) {
        const narrow_cell *nc = &r->narrow[q];
        double t = nc->theta, sg = nc->sigma;
        if (!(t - theta_acc < alpha_max)) continue; /* no X of this momentum reaches the cone */
        if (t + theta_acc > 0.9 * alpha_max || t + theta_acc > 3.0) {
            meson_angle g;
            meson_angle_init(&g, t, theta_acc, sin2_half_acc);
            integrate_meson(k, &g, sg, 4, gl, d); /* the default n_angle */
            continue;
        }
        for (int side = 0; side < 2; side++) {
            double r1, r2;
            alpha_below(k, nc->a[side], nc->tan_a[side], &r1, &r2);
            double roots[2] = {r1, r2};
            for (int e = 0; e < 2; e++) {
                double c = roots[e];
                if (!(c > -1.0 && c < 1.0)) continue;
                double s = sqrt((1.0 - c) * (1.0 + c)), cb = c + k->b, gcb = k->gamma * cb;
                double dcda = s * (gcb * gcb + s * s) / (k->gamma * fabs(1.0 + k->b * c));
                double p = p_lab_of_c(k, c);
                deposit_put(d, p, 1.0 / p, log10(p), nc->w * dcda); /* w: 0.5 for cos(theta*) on [-1, 1], 0.5 per point */
            }
        }
    }
}

/* The accepted X of mass m_x (br = 1) from the rows into d. */
static void rows_accept(const mtab_rows *r, double m_m, double m_x, double theta_acc, gl_tables *gl, deposit *d)
{
    const double sin2_half_acc = sin2_half(theta_acc);
    for (int j = 0; j < r->n_rows; j++) {
        const double *aj = r->a + (size_t)j * (size_t)r->n_s;
        decay_frame k;
        decay_frame_init(&k, m_m, r->p[j], m_x);
        rows_narrow(r, j, &k, theta_acc, sin2_half_acc, gl, d);
        if (!(r->s_top[j] > 0.0)) continue;
        /* bands of alpha: [0, theta_acc), [theta_acc, alpha_top) (alpha_top from s_top) */
        double top = 2.0 * asin(sqrt(fmin(r->s_top[j], 1.0))), lv[2] = {fmin(theta_acc, top), top};
        double r1_prev = -1.0, r2_prev = 1.0;
        for (int l = 0; l < 2; l++) {
            double r1, r2;
            alpha_below(&k, lv[l], tan(lv[l]), &r1, &r2);
            rows_interval(&k, r, aj, r1_prev, r1, gl, d);
            rows_interval(&k, r, aj, r2, r2_prev, gl, d);
            r1_prev = r1;
            r2_prev = r2;
        }
    }
}

/* Drops the table's angle-summed rows and their Gauss-Legendre rules: every mass is then evaluated directly. */
static void mtab_drop_rows(nr_meson_accept_table *t)
{
    mtab_rows_free(t->rows);
    t->rows = NULL;
    if (t->gl) gl_free(t->gl);
    free(t->gl);
    t->gl = NULL;
}

/* u = logit(m^2/M^2): ~2 ln m for light X, -ln(1 - m^2/M^2) towards the end point m_X -> M, where the accepted
 * spectrum narrows (X momenta from (m^2/M^2) p_M to p_M) and changes fastest with m. */
static double mtab_u(double m_x, double m_m)
{
    double r = m_x / m_m, x = r * r, one_minus_x = (1.0 - r) * (1.0 + r);
    return log(x / one_minus_x);
}

static void mtab_node_free(mtab_node *n)
{
    if (!n) return;
    free(n->w);
    free(n);
}

nr_status nr_meson_accept_table_new(const nr_hadron_table *meson, const nr_decay_volume *v, double step,
                                    nr_meson_accept_table **out, nr_error *err)
{
    *out = NULL;
    nr_llp_accepted probe;
    nr_meson_decay_quadrature quad = nr_meson_decay_quadrature_default();
    nr_status st = check_inputs(meson, 0.5 * (meson ? meson->mass_gev : 1.0), 1.0, v, &quad, &probe, err);
    if (st != NR_OK) return st;
    if (!(step >= 0.0 && step <= 1.0))
        return nr_fail(err, NR_EINTERNAL, "meson decays", "mass table: step in [0, 1]");
    nr_meson_accept_table *t = calloc(1, sizeof *t);
    if (!t) return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    t->meson = meson;
    t->volume = *v;
    t->theta_acc = nr_decay_volume_theta_acc(v); /* 004 Eq. (22) */
    t->m_m = meson->mass_gev;
    t->h = step;
    t->axis_fraction = quad.axis_fraction;
    t->n_bins = NR_LLP_N_P * quad.p_bins_per_cell;
    t->bins_per_decade = quad.p_bins_per_cell / NR_LLP_CELL_LOG10_WIDTH;
    t->edge = malloc(((size_t)t->n_bins + 1) * sizeof *t->edge);
    if (!t->edge || pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t->edge);
        free(t);
        return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    }
    if (pthread_cond_init(&t->done, NULL) != 0) {
        pthread_mutex_destroy(&t->lock);
        free(t->edge);
        free(t);
        return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    }
    t->rows = mtab_rows_build(meson, t->theta_acc); /* NULL: every mass evaluated directly */
    t->gl = t->rows ? calloc(1, sizeof *t->gl) : NULL;
    int have_rules = t->gl != NULL;
    for (int k = 1; have_rules && k <= 16; k++) /* rows_interval's FAST_N x blocks, integrate_meson's 4 x blocks (rows_narrow) */
        have_rules = gl_get(t->gl, k * FAST_N) && gl_get(t->gl, 4 * k);
    if (!have_rules) /* without its rules (no memory) the rows are not used */
        mtab_drop_rows(t);
    for (int i = 0; i <= t->n_bins; i++) /* deposit_put's bins: the first and last also take what lies beyond */
        t->edge[i] = i == 0 ? 0.0 : (i == t->n_bins ? HUGE_VAL : pow(10.0, NR_LLP_LOG10_P_MIN + i / t->bins_per_decade));
    *out = t;
    return NR_OK;
}

void nr_meson_accept_table_free(nr_meson_accept_table *t)
{
    if (!t) return;
    for (int j = 0; j < t->n_nodes; j++)
        mtab_node_free(t->node[j]);
    pthread_cond_destroy(&t->done);
    pthread_mutex_destroy(&t->lock);
    mtab_drop_rows(t);
    free(t->edge);
    free(t);
}

void nr_meson_accept_table_direct(nr_meson_accept_table *t)
{
    pthread_mutex_lock(&t->lock);
    if (t->n_nodes == 0)
        mtab_drop_rows(t);
    pthread_mutex_unlock(&t->lock);
}

int nr_meson_accept_table_masses(nr_meson_accept_table *t)
{
    pthread_mutex_lock(&t->lock);
    int n = t->n_nodes;
    pthread_mutex_unlock(&t->lock);
    return n;
}

/* The evaluation at m_x (br = 1; by the rows when the table has them, else direct) as a node at u. NULL: no memory. */
static mtab_node *mtab_compute(const nr_meson_accept_table *t, double m_x, double u)
{
    nr_meson_decay_quadrature quad = nr_meson_decay_quadrature_default();
    quad.axis_fraction = t->axis_fraction; /* set before the first evaluation, constant after */
    deposit d;
    const int have_d = deposit_histogram(&d, quad.p_bins_per_cell); /* t's bins: made from the same default */
    mtab_node *n = calloc(1, sizeof *n);
    if (have_d && n && t->rows) { /* the angle-summed rows (fast evaluation above), the rules built already */
        rows_accept(t->rows, t->m_m, m_x, t->theta_acc, t->gl, &d);
    } else if (!have_d || !n || accept_dense(t->meson, m_x, 1.0, t->theta_acc, &quad, &d) != NR_OK) {
        free(d.w);
        free(n);
        return NULL;
    }
    int i0 = 0, i1 = t->n_bins;
    while (i0 < i1 && d.w[i0] == 0.0) i0++;
    while (i1 > i0 && d.w[i1 - 1] == 0.0) i1--;
    n->u = u;
    n->i0 = i0;
    n->n = i1 - i0;
    n->w = malloc(2 * (size_t)(n->n > 0 ? n->n : 1) * sizeof *n->w);
    if (!n->w) {
        free(d.w);
        free(n);
        return NULL;
    }
    n->wp = n->w + n->n;
    memcpy(n->w, d.w + i0, (size_t)n->n * sizeof *n->w);
    memcpy(n->wp, d.wp + i0, (size_t)n->n * sizeof *n->wp);
    free(d.w);
    return n;
}

/* Under t->lock: the first node with u' >= u (n_nodes if none). */
static int mtab_find(const nr_meson_accept_table *t, double u)
{
    int lo = 0, hi = t->n_nodes;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (t->node[mid]->u < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void nr_meson_accept_table_set_lattice(nr_meson_accept_table *t, double lattice_h, double x_max)
{
    pthread_mutex_lock(&t->lock);
    t->lattice_h = lattice_h > 0.0 && isfinite(lattice_h) ? lattice_h : 0.0;
    t->lattice_x_max = t->lattice_h > 0.0 && x_max > 0.0 ? fmin(x_max, 0.5) : 0.0;
    pthread_mutex_unlock(&t->lock);
}

void nr_meson_accept_table_set_axis_fraction(nr_meson_accept_table *t, double axis_fraction)
{
    pthread_mutex_lock(&t->lock);
    if (t->n_nodes == 0 && axis_fraction >= 0.0 && axis_fraction <= 0.1) t->axis_fraction = axis_fraction;
    pthread_mutex_unlock(&t->lock);
}

/* The node of the table at u (mass m_x), evaluated and kept if it is not there yet. *mine: a node of this call's own
 * (the table full), to be freed by the caller after use (NULL otherwise). NULL: no memory. */
static const mtab_node *mtab_node_at(nr_meson_accept_table *t, double m_x, double u, mtab_node **mine)
{
    *mine = NULL;
    const mtab_node *found = NULL;
    int marked = -1; /* this call's slot in t->busy_u */
    pthread_mutex_lock(&t->lock);
    for (;;) {
        int k = mtab_find(t, u);
        if (k < t->n_nodes && t->node[k]->u == u) {
            found = t->node[k];
            break;
        }
        /* another thread evaluating this very mass: wait for its node instead of evaluating it twice */
        int busy = 0;
        for (int i = 0; i < MTAB_BUSY && !busy; i++)
            busy = t->busy[i] && t->busy_u[i] == u;
        if (!busy) {
            for (int i = 0; i < MTAB_BUSY && marked < 0; i++)
                if (!t->busy[i]) {
                    t->busy[i] = 1;
                    t->busy_u[i] = u;
                    marked = i;
                }
            break; /* evaluated here (unmarked when every slot is taken: then perhaps twice, the same numbers) */
        }
        pthread_cond_wait(&t->done, &t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    if (found) return found;
    mtab_node *n = mtab_compute(t, m_x, u); /* outside the lock */
    pthread_mutex_lock(&t->lock);
    if (marked >= 0) {
        t->busy[marked] = 0;
        pthread_cond_broadcast(&t->done); /* waiters find the node, or evaluate it themselves if none was kept */
    }
    if (!n) {
        pthread_mutex_unlock(&t->lock);
        return NULL;
    }
    int k = mtab_find(t, u);
    if (k < t->n_nodes && t->node[k]->u == u) { /* another thread was first: the same numbers */
        found = t->node[k];
    } else if (t->n_nodes < MTAB_MAX_NODES) {
        memmove(&t->node[k + 1], &t->node[k], (size_t)(t->n_nodes - k) * sizeof *t->node);
        t->node[k] = n;
        found = n;
        t->n_nodes++;
        n = NULL; /* the table's now */
    } else {
        found = *mine = n;
        n = NULL;
    }
    pthread_mutex_unlock(&t->lock);
    mtab_node_free(n);
    return found;
}

/* The mass at u = logit(m^2/M^2) [GeV]. */
static double mtab_mass(double u, double m_m)
{
    return m_m * sqrt(1.0 / (1.0 + exp(-u)));
}

nr_status nr_meson_accept_table_accept(nr_meson_accept_table *t, double m_x_gev, double br, nr_llp_accepted *acc,
                                       nr_error *err)
{
    nr_meson_decay_quadrature quad = nr_meson_decay_quadrature_default();
    nr_status st = check_inputs(t ? t->meson : NULL, m_x_gev, br, t ? &t->volume : NULL, &quad, acc, err);
    if (st != NR_OK) return st;
    acc->mass_gev = m_x_gev;
    if (!(m_x_gev < t->m_m) || !(br > 0.0)) return accepted_from_bins(NULL, NULL, 0, br, m_x_gev, acc, err);
    double u = mtab_u(m_x_gev, t->m_m), r = m_x_gev / t->m_m;
    const mtab_node *nd[2] = {NULL, NULL};
    mtab_node *mine[2] = {NULL, NULL};
    double lw[2] = {1.0, 0.0};
    pthread_mutex_lock(&t->lock);
    double lat_h = t->lattice_h, lat_x = t->lattice_x_max;
    pthread_mutex_unlock(&t->lock);
    if (lat_h > 0.0 && r * r < lat_x) {
        /* light X: linear in u between the lattice nodes u_a = floor(u / h) h and u_a + h, whatever was evaluated
         * before (so the result does not depend on the order of the requests) */
        double ua = floor(u / lat_h) * lat_h, ub = ua + lat_h;
        nd[0] = mtab_node_at(t, mtab_mass(ua, t->m_m), ua, &mine[0]);
        if (nd[0] && u > ua) {
            nd[1] = mtab_node_at(t, mtab_mass(ub, t->m_m), ub, &mine[1]);
            lw[1] = (u - ua) / lat_h;
            lw[0] = 1.0 - lw[1];
        }
        if (!nd[0] || (u > ua && !nd[1])) {
            mtab_node_free(mine[0]);
            mtab_node_free(mine[1]);
            return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
        }
    } else {
        pthread_mutex_lock(&t->lock);
        int k = mtab_find(t, u);
        if (k < t->n_nodes && t->node[k]->u == u) { /* this very mass: its own evaluation */
            nd[0] = t->node[k];
        } else if (k > 0 && k < t->n_nodes && t->node[k]->u - t->node[k - 1]->u <= t->h * (1.0 + 1e-6)) {
            nd[0] = t->node[k - 1]; /* linear in u between the two computed masses around it */
            nd[1] = t->node[k];
            lw[1] = (u - nd[0]->u) / (nd[1]->u - nd[0]->u);
            lw[0] = 1.0 - lw[1];
        }
        pthread_mutex_unlock(&t->lock);
        if (!nd[0] && !(nd[0] = mtab_node_at(t, m_x_gev, u, &mine[0]))) /* evaluated here, and kept if there is room */
            return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    }
    double *w = calloc(2 * (size_t)t->n_bins, sizeof *w), *wp = w ? w + t->n_bins : NULL;
    if (!w) {
        mtab_node_free(mine[0]);
        mtab_node_free(mine[1]);
        return nr_fail(err, NR_ENOMEM, "meson decays", "out of memory");
    }
    for (int a = 0; a < 2 && nd[a]; a++)
        for (int i = 0; i < nd[a]->n; i++) {
            w[nd[a]->i0 + i] += lw[a] * nd[a]->w[i];
            wp[nd[a]->i0 + i] += lw[a] * nd[a]->wp[i];
        }
    mtab_node_free(mine[0]);
    mtab_node_free(mine[1]);
    /* a bin's mean momentum stays in the bin (guards rounding; a convex combination of two nodes' means of a bin
     * lies in the bin already) */
    for (int i = 0; i < t->n_bins; i++) {
        if (!(w[i] > 0.0 && wp[i] > 0.0)) continue;
        double p = wp[i] / w[i];
        if (p < t->edge[i]) wp[i] = t->edge[i] * w[i];
        if (p > t->edge[i + 1]) wp[i] = t->edge[i + 1] * w[i];
    }
    st = accepted_from_bins(w, wp, t->n_bins, br, m_x_gev, acc, err);
    free(w);
    return st;
}

/* The tables of one meson table, one per decay volume (at most NR_MESON_ACCEPT_SET_MAX). */
#define NR_MESON_ACCEPT_SET_MAX 4
struct nr_meson_accept_set {
    const nr_hadron_table *meson;
    double step, lattice_h, lattice_x_max, axis_fraction; /* of every table (nr_meson_accept_set_new_with) */
    pthread_mutex_t lock;
    int n;
    nr_decay_volume v[NR_MESON_ACCEPT_SET_MAX];
    nr_meson_accept_table *t[NR_MESON_ACCEPT_SET_MAX];
};

nr_meson_accept_set *nr_meson_accept_set_new(const nr_hadron_table *meson)
{
    /* step 0: a mass gets its own evaluation, never the interpolation between masses that other requests or
     * threads happened to evaluate before (the result of a request must not depend on the schedule) */
    return nr_meson_accept_set_new_with(meson, 0.0, 0.0, 0.0,
                                        nr_meson_decay_quadrature_default().axis_fraction);
}

nr_meson_accept_set *nr_meson_accept_set_new_with(const nr_hadron_table *meson, double step, double lattice_h,
                                                  double lattice_x_max, double axis_fraction)
{
    nr_meson_accept_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->meson = meson;
    s->step = step;
    s->lattice_h = lattice_h;
    s->lattice_x_max = lattice_x_max;
    s->axis_fraction = axis_fraction;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

void nr_meson_accept_set_free(nr_meson_accept_set *s)
{
    if (!s) return;
    for (int i = 0; i < s->n; i++)
        nr_meson_accept_table_free(s->t[i]);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

nr_meson_accept_table *nr_meson_accept_set_get(nr_meson_accept_set *s, const nr_decay_volume *v)
{
    nr_meson_accept_table *found = NULL;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->n && !found; i++)
        if (s->v[i].distance_m == v->distance_m && s->v[i].length_m == v->length_m && s->v[i].radius_m == v->radius_m)
            found = s->t[i];
    if (!found && s->n < NR_MESON_ACCEPT_SET_MAX) {
        nr_error err;
        nr_meson_accept_table *t = NULL;
        if (nr_meson_accept_table_new(s->meson, v, s->step, &t, &err) == NR_OK) {
            nr_meson_accept_table_set_lattice(t, s->lattice_h, s->lattice_x_max);
            nr_meson_accept_table_set_axis_fraction(t, s->axis_fraction);
            s->v[s->n] = *v;
            s->t[s->n++] = t;
            found = t;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return found;
}
