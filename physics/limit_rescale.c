/* limit_rescale.c: published beam-dump outlines carried from B-L or the dark photon to another vector boson
 * (paper 004 Eqs. 38, 39, 52; the derivation and the fourth root are in limit_rescale.h). Masses in GeV,
 * couplings dimensionless, widths in GeV at unit coupling (zprime.h). */
#include "limit_rescale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "hadrons.h"
#include "llp.h"

/* The open interval where both factors exist: above 2 m_e (an e+e- width), below the meson mass. */
static void physical_limits(nr_rescale_production prod, double *m_min, double *m_max)
{
    *m_min = 2.0 * NR_M_ELECTRON;
    if (prod == NR_RESCALE_PI0)
        *m_max = nr_hadron_mass_gev(111);
    else if (prod == NR_RESCALE_ETA)
        *m_max = nr_hadron_mass_gev(221);
    else
        *m_max = INFINITY;
}

void nr_rescale_mass_window_gev(nr_rescale_production prod, double *m_min, double *m_max)
{
    /* just inside: both Gamma_ee carry the same beta near 2 m_e, both BR(M -> X gamma) the same (1 - m^2/m_M^2)^3
     * near m_M, so the ratios are finite there; the margin keeps a cut point (10^log10 m) inside */
    physical_limits(prod, m_min, m_max);
    *m_min *= 1.0 + 1e-6;
    *m_max *= 1.0 - 1e-6;
}

/* P~: production per unit coupling squared, up to a factor common to both models (limit_rescale.h) */
static nr_status production(const nr_zprime_couplings *c, nr_rescale_production prod, double m, double *out,
                            nr_error *err)
{
    if (prod == NR_RESCALE_E_BREM) {
        /* 004 Eq. 46, leading term for m_e << m_Z': x'_l^2 + x'_e^2 = 2 (g_V^2 + g_A^2) */
        const nr_zprime_vertex *e = &c->f[NR_ZP_F_E];
        *out = 2.0 * (e->g_v * e->g_v + e->g_a * e->g_a);
        return NR_OK;
    }
    /* 004 Eqs. 33-35: only the vector couplings to u, d, s enter the anomaly (llp.h) */
    nr_quark_vector_couplings q = {c->f[NR_ZP_F_U].g_v, c->f[NR_ZP_F_D].g_v, c->f[NR_ZP_F_S].g_v};
    return nr_meson_br_x_gamma(prod == NR_RESCALE_PI0 ? 111 : 221, m, &q, out, err);
}

nr_status nr_rescale_factors_at(const nr_zprime_couplings *ref, const nr_zprime_couplings *target,
                                nr_rescale_production prod, const nr_darkcast *dc, double m_gev,
                                nr_rescale_factors *out, nr_error *err)
{
    double lo, hi;
    physical_limits(prod, &lo, &hi);
    if (!ref || !target || !dc || !out)
        return nr_fail(err, NR_EINTERNAL, "", "limit rescale: missing argument");
    if (!(m_gev > lo && m_gev < hi))
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, "/m",
                            "the rescaling is defined for %g < m < %g GeV (e+e- threshold, meson mass), not %g",
                            lo, hi, m_gev);
    nr_zprime_widths wr, wt;
    nr_status st;
    if ((st = nr_zprime_widths_compute(ref, dc, m_gev, NULL, &wr, err)) != NR_OK ||
        (st = nr_zprime_widths_compute(target, dc, m_gev, NULL, &wt, err)) != NR_OK)
        return st;
    double pr = 0.0, pt = 0.0;
    if ((st = production(ref, prod, m_gev, &pr, err)) != NR_OK || (st = production(target, prod, m_gev, &pt, err)))
        return st;
    double ee_r = wr.width_gev[NR_ZP_EE], ee_t = wt.width_gev[NR_ZP_EE];
    if (!(pr > 0.0 && ee_r > 0.0 && wr.total_gev > 0.0))
        return nr_fail(err, NR_EINPUT, "/m", "the reference model has no production or no e+e- width at %g GeV",
                       m_gev);
    /* lower edge: N ∝ g^4 P~ Gamma~_ee (004 Eqs. 39, 52 with the fourth root, limit_rescale.h) */
    out->lower = pt * ee_t > 0.0 ? pow(pr * ee_r / (pt * ee_t), 0.25) : INFINITY;
    /* upper edge: equal lifetime (004 Eq. 38) */
    out->upper = wt.total_gev > 0.0 ? sqrt(wr.total_gev / wt.total_gev) : INFINITY;
    return NR_OK;
}

nr_status nr_rescale_models_fn(void *ctx, double m_gev, nr_rescale_factors *out, nr_error *err)
{
    const nr_rescale_models *x = ctx;
    return nr_rescale_factors_at(x->ref, x->target, x->prod, x->dc, m_gev, out, err);
}

void nr_polygon_set_free(nr_polygon_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        free(set->parts[i].x);
        free(set->parts[i].y);
    }
    free(set->parts);
    set->parts = NULL;
    set->n = 0;
}

/* ---- one band: lower and upper chains, each by increasing mass ---------------------------------- */

typedef struct {
    size_t n;
    double *m, *g;    /* linear: mass [GeV], coupling (scaled once the factors are applied) */
    double *lm, *lg;  /* log10 of the same                                                     */
} chain;

static void chain_free(chain *c)
{
    free(c->m);
    free(c->g);
    free(c->lm);
    free(c->lg);
    memset(c, 0, sizeof *c);
}

static int chain_alloc(chain *c, size_t n)
{
    c->n = 0;
    c->m = malloc(n * sizeof *c->m);
    c->g = malloc(n * sizeof *c->g);
    c->lm = malloc(n * sizeof *c->lm);
    c->lg = malloc(n * sizeof *c->lg);
    return c->m && c->g && c->lm && c->lg ? 0 : -1;
}

static void chain_push(chain *c, double m, double g)
{
    c->m[c->n] = m;
    c->g[c->n] = g;
    c->lm[c->n] = log10(m);
    c->lg[c->n] = log10(g);
    c->n++;
}

/* log10 g of the chain at log10 m = x (inside its range); *vertex = the vertex index when x is one, else -1 */
static double chain_at(const chain *c, double x, long *vertex)
{
    *vertex = -1;
    for (size_t j = 0; j < c->n; j++) {
        if (c->lm[j] == x) {
            *vertex = (long)j;
            return c->lg[j];
        }
    }
    for (size_t j = 0; j + 1 < c->n; j++) {
        if (c->lm[j] <= x && x <= c->lm[j + 1] && c->lm[j + 1] > c->lm[j]) {
            double t = (x - c->lm[j]) / (c->lm[j + 1] - c->lm[j]);
            return c->lg[j] + t * (c->lg[j + 1] - c->lg[j]);
        }
    }
    return c->n ? (x < c->lm[0] ? c->lg[0] : c->lg[c->n - 1]) : NAN;
}

/* The chain cut to lm_lo <= log10 m <= lm_hi (interpolated end points added). */
static int chain_clip(const chain *in, double lm_lo, double lm_hi, chain *out)
{
    if (chain_alloc(out, in->n + 2) != 0)
        return -1;
    long v;
    if (lm_lo > in->lm[0]) {
        double lg = chain_at(in, lm_lo, &v);
        if (v >= 0)
            chain_push(out, in->m[v], in->g[v]);
        else
            chain_push(out, pow(10.0, lm_lo), pow(10.0, lg));
    }
    for (size_t j = 0; j < in->n; j++)
        if (in->lm[j] >= lm_lo && in->lm[j] <= lm_hi &&
            !(out->n && out->lm[out->n - 1] == in->lm[j] && out->lg[out->n - 1] == in->lg[j]))
            chain_push(out, in->m[j], in->g[j]);
    if (lm_hi < in->lm[in->n - 1]) {
        double lg = chain_at(in, lm_hi, &v);
        if (!(out->n && out->lm[out->n - 1] == lm_hi))
            chain_push(out, v >= 0 ? in->m[v] : pow(10.0, lm_hi), v >= 0 ? in->g[v] : pow(10.0, lg));
    }
    return 0;
}

/* The run of vertices at mass value mv (cyclically contiguous): first and last index in forward order. -1 if the
 * vertices at mv are not contiguous. */
static int find_run(const double *m, size_t n, double mv, size_t *first, size_t *last)
{
    size_t k = 0, count = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i] == mv)
            k = i, count++;
    size_t a = k, b, len = 1;
    while (len < n && m[(a + n - 1) % n] == mv)
        a = (a + n - 1) % n, len++;
    len = 1;
    b = a;
    while (len < n && m[(b + 1) % n] == mv)
        b = (b + 1) % n, len++;
    *first = a;
    *last = b;
    return len == count ? 0 : -1;
}

/* Vertices from index a forward to index b (inclusive, cyclic) into c, in that order; 0 if the masses are
 * monotonic in direction dir (+1 non-decreasing, -1 non-increasing). */
static int walk(const double *m, const double *g, size_t n, size_t a, size_t b, int dir, chain *c)
{
    if (chain_alloc(c, n + 1) != 0)
        return -1;
    for (size_t i = a;; i = (i + 1) % n) {
        if (c->n && dir * (m[i] - c->m[c->n - 1]) < 0)
            return -1;
        chain_push(c, m[i], g[i]);
        if (i == b)
            break;
    }
    return 0;
}

static void chain_reverse(chain *c)
{
    for (size_t i = 0, j = c->n ? c->n - 1 : 0; i < j; i++, j--) {
        double *arr[4] = {c->m, c->g, c->lm, c->lg};
        for (int k = 0; k < 4; k++) {
            double t = arr[k][i];
            arr[k][i] = arr[k][j];
            arr[k][j] = t;
        }
    }
}

static nr_status bad_outline(nr_error *err, const char *why)
{
    return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, "/outline", "the outline cannot be rescaled: %s", why);
}

/* Scales a chain in place by the lower (which = 0) or upper factor; -1 when a factor is not finite. */
static nr_status scale_chain(chain *c, int which, nr_rescale_fn fn, void *ctx, int *vanished, nr_error *err)
{
    for (size_t j = 0; j < c->n; j++) {
        nr_rescale_factors f;
        nr_status st = fn(ctx, c->m[j], &f, err);
        if (st != NR_OK)
            return st;
        double k = which ? f.upper : f.lower;
        if (!(isfinite(k) && k > 0.0)) {
            *vanished = 1;
            return NR_OK;
        }
        c->g[j] *= k;
        c->lg[j] = log10(c->g[j]);
    }
    return NR_OK;
}

typedef struct {
    double lm, m; /* log10 mass and mass [GeV] (exact for vertices) */
} grid_point;

static int cmp_grid(const void *a, const void *b)
{
    double x = ((const grid_point *)a)->lm, y = ((const grid_point *)b)->lm;
    return (x > y) - (x < y);
}

/* equal to 1e-12 (an interpolated end point that falls on a vertex or on the other edge's end point) */
static int near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

/* One polygon for the interval [a, b] of the band (lower chain lo, upper chain up), appended to out. */
static int emit(const chain *lo, const chain *up, grid_point a, grid_point b, nr_polygon_set *out)
{
    size_t cap = lo->n + up->n + 4;
    nr_polygon p = {0, malloc(cap * sizeof(double)), malloc(cap * sizeof(double))};
    if (!p.x || !p.y) {
        free(p.x);
        free(p.y);
        return -1;
    }
#define PUSH(mm, gg)                                                                                                  \
    do {                                                                                                              \
        double m_ = (mm), g_ = (gg);                                                                                  \
        if (!(p.n && near(p.x[p.n - 1], m_) && near(p.y[p.n - 1], g_))) {                                              \
            p.x[p.n] = m_;                                                                                            \
            p.y[p.n] = g_;                                                                                            \
            p.n++;                                                                                                    \
        }                                                                                                             \
    } while (0)
    long v;
    double lg = chain_at(lo, a.lm, &v);
    PUSH(a.m, v >= 0 ? lo->g[v] : pow(10.0, lg));
    for (size_t j = 0; j < lo->n; j++)
        if (lo->lm[j] > a.lm && lo->lm[j] < b.lm)
            PUSH(lo->m[j], lo->g[j]);
    lg = chain_at(lo, b.lm, &v);
    PUSH(b.m, v >= 0 ? lo->g[v] : pow(10.0, lg));
    lg = chain_at(up, b.lm, &v);
    PUSH(b.m, v >= 0 ? up->g[v] : pow(10.0, lg));
    for (size_t j = up->n; j-- > 0;)
        if (up->lm[j] > a.lm && up->lm[j] < b.lm)
            PUSH(up->m[j], up->g[j]);
    lg = chain_at(up, a.lm, &v);
    PUSH(a.m, v >= 0 ? up->g[v] : pow(10.0, lg));
#undef PUSH
    if (p.n > 1 && near(p.x[p.n - 1], p.x[0]) && near(p.y[p.n - 1], p.y[0]))
        p.n--;
    if (p.n < 3) { /* a single point or a segment: no area */
        free(p.x);
        free(p.y);
        return 0;
    }
    nr_polygon *grown = realloc(out->parts, (out->n + 1) * sizeof *grown);
    if (!grown) {
        free(p.x);
        free(p.y);
        return -1;
    }
    out->parts = grown;
    out->parts[out->n++] = p;
    return 0;
}

/* The region between lo and up (both scaled) where up > lo, as polygons. */
static nr_status band_polygons(const chain *lo, const chain *up, nr_polygon_set *out, nr_error *err)
{
    size_t n = lo->n + up->n;
    grid_point *x = malloc((n ? n : 1) * sizeof *x);
    if (!x)
        return nr_fail(err, NR_ENOMEM, "", "out of memory");
    for (size_t j = 0; j < lo->n; j++)
        x[j] = (grid_point){lo->lm[j], lo->m[j]};
    for (size_t j = 0; j < up->n; j++)
        x[lo->n + j] = (grid_point){up->lm[j], up->m[j]};
    qsort(x, n, sizeof *x, cmp_grid);
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        if (k == 0 || x[j].lm != x[k - 1].lm)
            x[k++] = x[j];
    n = k;
    double lo_end = fmax(lo->lm[0], up->lm[0]), hi_end = fmin(lo->lm[lo->n - 1], up->lm[up->n - 1]);
    int open = 0;
    grid_point start = {0, 0}, end = {0, 0};
    nr_status st = NR_OK;
    for (size_t j = 0; j + 1 < n && st == NR_OK; j++) {
        if (x[j].lm < lo_end || x[j + 1].lm > hi_end)
            continue;
        long v;
        double d0 = chain_at(up, x[j].lm, &v) - chain_at(lo, x[j].lm, &v);
        double d1 = chain_at(up, x[j + 1].lm, &v) - chain_at(lo, x[j + 1].lm, &v);
        grid_point s, e;
        int has = 1;
        if (d0 >= 0 && d1 >= 0 && (d0 > 0 || d1 > 0)) {
            s = x[j], e = x[j + 1];
        } else if (d0 > 0 && d1 < 0) {
            double r = x[j].lm + (x[j + 1].lm - x[j].lm) * d0 / (d0 - d1);
            s = x[j], e = (grid_point){r, pow(10.0, r)};
        } else if (d0 < 0 && d1 > 0) {
            double r = x[j].lm + (x[j + 1].lm - x[j].lm) * d0 / (d0 - d1);
            s = (grid_point){r, pow(10.0, r)}, e = x[j + 1];
        } else {
            has = 0;
        }
        if (has && open && s.lm == end.lm) {
            end = e;
            continue;
        }
        if (open && emit(lo, up, start, end, out) != 0)
            st = nr_fail(err, NR_ENOMEM, "", "out of memory");
        open = has;
        if (has)
            start = s, end = e;
    }
    if (st == NR_OK && open && emit(lo, up, start, end, out) != 0)
        st = nr_fail(err, NR_ENOMEM, "", "out of memory");
    free(x);
    return st;
}

nr_status nr_rescale_outline(const double *m, const double *g, size_t n, double m_min_gev, double m_max_gev,
                             nr_rescale_fn fn, void *ctx, nr_polygon_set *out, nr_error *err)
{
    if (!out || !fn)
        return nr_fail(err, NR_EINTERNAL, "", "limit rescale: missing argument");
    out->n = 0;
    out->parts = NULL;
    if (!m || !g || n < 3)
        return bad_outline(err, "fewer than 3 points");
    double mmin = INFINITY, mmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(m[i]) && isfinite(g[i]) && m[i] > 0.0 && g[i] > 0.0))
            return bad_outline(err, "a point is not positive and finite");
        mmin = fmin(mmin, m[i]);
        mmax = fmax(mmax, m[i]);
    }
    if (!(mmax > mmin))
        return bad_outline(err, "all points at one mass");
    size_t r0, rk, s0, sj;
    if (find_run(m, n, mmin, &r0, &rk) != 0 || find_run(m, n, mmax, &s0, &sj) != 0)
        return bad_outline(err, "more than one band at the smallest or largest mass");
    chain a = {0}, b = {0}, lo = {0}, up = {0};
    nr_status st = NR_OK;
    /* chain A: from the end of the smallest-mass run forward to the start of the largest-mass run; B: back */
    if (walk(m, g, n, rk, s0, +1, &a) != 0 || walk(m, g, n, sj, r0, -1, &b) != 0) {
        st = a.m && b.m ? bad_outline(err, "more than one band at some mass (a side is not monotonic in mass)")
                        : nr_fail(err, NR_ENOMEM, "", "out of memory");
        goto done;
    }
    chain_reverse(&b);
    long v;
    double mid = 0.5 * (log10(mmin) + log10(mmax));
    int a_lower = chain_at(&a, mid, &v) < chain_at(&b, mid, &v);
    double lm_lo = m_min_gev > mmin ? log10(m_min_gev) : log10(mmin);
    double lm_hi = m_max_gev < mmax ? log10(m_max_gev) : log10(mmax);
    if (!(lm_hi > lm_lo))
        goto done; /* nothing inside the window */
    if (chain_clip(a_lower ? &a : &b, lm_lo, lm_hi, &lo) != 0 || chain_clip(a_lower ? &b : &a, lm_lo, lm_hi, &up)) {
        st = nr_fail(err, NR_ENOMEM, "", "out of memory");
        goto done;
    }
    int vanished = 0;
    if ((st = scale_chain(&lo, 0, fn, ctx, &vanished, err)) != NR_OK ||
        (st = scale_chain(&up, 1, fn, ctx, &vanished, err)) != NR_OK || vanished)
        goto done;
    st = band_polygons(&lo, &up, out, err);
done:
    chain_free(&a);
    chain_free(&b);
    chain_free(&lo);
    chain_free(&up);
    if (st != NR_OK)
        nr_polygon_set_free(out);
    return st;
}
