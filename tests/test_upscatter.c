/* test_upscatter.c: nu T -> N T kinematics and the ln|t| quadrature of physics/upscatter.c.
 *
 * Kinematics against a direct long-double four-vector construction in the CM frame and its boost to the
 * lab, the threshold and the small-m_N limit |t|_min -> m_N^4/(4 E^2). Quadrature against analytic
 * integrals (constant and 1/|t| cross sections, with and without a cut) and against the adaptive GSL
 * integral nr_upscatter_sigma for form-factor-shaped cross sections. */
#include <math.h>

#include <gsl/gsl_errno.h>

#include "constants.h"
#include "form_factors.h"
#include "nr_test.h"
#include "upscatter.h"

#define DEFAULT_NODES 64 /* the node budget recommended for 1e-3 accuracy (see test_quadrature_accuracy) */
#define M_TUNGSTEN 171.3 /* W-184 nuclear mass [GeV], ERRATA.md (000 sec. V B) */

/* CM construction in long double: nu (p_i along z) on T; N at angle theta* with momentum p_f. */
typedef struct {
    long double sqrt_s, p_i, p_f, e_n_star;
} cm_kinematics;

static cm_kinematics cm_frame(double e_nu, double m_t, double m_n)
{
    const long double e = e_nu, mt = m_t, mn = m_n;
    const long double s = mt * mt + 2.0L * mt * e;
    cm_kinematics k;
    k.sqrt_s = sqrtl(s);
    k.p_i = (s - mt * mt) / (2.0L * k.sqrt_s);
    k.e_n_star = (s + mn * mn - mt * mt) / (2.0L * k.sqrt_s);
    const long double lambda = (s - (mn + mt) * (mn + mt)) * (s - (mn - mt) * (mn - mt));
    k.p_f = sqrtl(lambda) / (2.0L * k.sqrt_s);
    return k;
}

/* t = (p_nu - p_N)^2 from the four-vectors, with N at cos theta* = c (so sin theta* = sqrt(1 - c^2)). */
static double direct_t(const cm_kinematics *k, long double c)
{
    const long double de = k->p_i - k->e_n_star;
    const long double dz = k->p_i - k->p_f * c;
    const long double dx = -k->p_f * sqrtl(1.0L - c * c);
    return (double)(de * de - dz * dz - dx * dx);
}

static void test_kinematics_against_four_vectors(void)
{
    const double targets[] = {NR_M_ELECTRON, NR_M_PROTON, M_TUNGSTEN};
    const double masses[] = {0.05, 0.5, 2.0};
    const double energies[] = {20.0, 300.0, 3000.0};
    for (int it = 0; it < 3; ++it)
        for (int im = 0; im < 3; ++im)
            for (int ie = 0; ie < 3; ++ie) {
                const double mt = targets[it], mn = masses[im], e = energies[ie];
                double t_min, t_max;
                if (!nr_upscatter_abs_t_range(e, mt, mn, &t_min, &t_max))
                    continue; /* electron target, heavy N: below threshold */
                const cm_kinematics k = cm_frame(e, mt, mn);
                /* the long-double direct form loses ~ (p_i^2/|t|_min) * 1e-19; keep the check where it can be
                 * trusted to 1e-7 */
                const double trust = (double)(k.p_i * k.p_i) / t_min * 1e-19;
                if (trust < 1e-8)
                    CHECK_REL(t_min, -direct_t(&k, 1.0L), 1e-7, "|t|_min vs four-vectors at cos = +1");
                CHECK_REL(t_max, -direct_t(&k, -1.0L), 1e-12, "|t|_max vs four-vectors at cos = -1");
                /* boost to the lab: gamma = (E + m_T)/sqrt s, beta gamma = E/sqrt s */
                const long double gamma = ((long double)e + mt) / k.sqrt_s, beta_gamma = e / k.sqrt_s;
                const double e_fwd = (double)(gamma * k.e_n_star + beta_gamma * k.p_f);
                const double e_bwd = (double)(gamma * k.e_n_star - beta_gamma * k.p_f);
                CHECK_REL(nr_upscatter_e_n(e, mt, -t_min), e_fwd, 1e-12, "E_N(|t|_min) = boosted forward E_N*");
                CHECK_REL(nr_upscatter_e_n(e, mt, -t_max), e_bwd, 1e-9, "E_N(|t|_max) = boosted backward E_N*");
                const double t_mid = 0.5 * (t_min + t_max);
                CHECK_REL(nr_upscatter_abs_t_for_e_n(e, mt, nr_upscatter_e_n(e, mt, -t_mid)), t_mid, 1e-12,
                          "abs_t_for_e_n inverts e_n");
            }
}

static void test_threshold(void)
{
    const double mt = NR_M_PROTON, mn = 1.5;
    /* definition: s = m_T^2 + 2 m_T E = (m_N + m_T)^2 */
    const double e_th = ((mn + mt) * (mn + mt) - mt * mt) / (2.0 * mt);
    CHECK_REL(nr_upscatter_threshold(mt, mn), e_th, 1e-14, "threshold");
    double lo, hi;
    CHECK(!nr_upscatter_abs_t_range(0.999 * e_th, mt, mn, &lo, &hi), "below threshold: no range");
    CHECK(lo == 0.0 && hi == 0.0, "below threshold: range zeroed");
    CHECK(nr_upscatter_abs_t_range(e_th * (1.0 + 1e-13), mt, mn, &lo, &hi), "at threshold: a range");
    CHECK_REL(hi, lo, 1e-5, "at threshold |t|_min = |t|_max");
    /* at threshold N is at rest in the CM: |t| = m_N^2 - 2 p_i m_N, p_i = m_N (m_N + 2 m_T)/(2 (m_N + m_T)) */
    CHECK_REL(lo, -(mn * mn - mn * mn * (mn + 2.0 * mt) / (mn + mt)), 1e-5, "|t| at threshold");
    CHECK(!nr_upscatter_abs_t_range(10.0, -1.0, mn, &lo, &hi), "negative target mass rejected");
    CHECK(!nr_upscatter_abs_t_range(NAN, mt, mn, &lo, &hi), "NaN energy rejected");
}

static void test_small_mass_limit(void)
{
    /* m_N^2 << m_T E: |t|_min -> (m_N^2 / (2 E))^2 (e.g. ERRATA.md, 000 Eq. (11)), corrections O(m_N^2/(m_T E)) */
    const double e = 1000.0, mn = 1e-3;
    double lo, hi;
    nr_upscatter_abs_t_range(e, M_TUNGSTEN, mn, &lo, &hi);
    CHECK_REL(lo, pow(mn * mn / (2.0 * e), 2), 1e-9, "|t|_min -> m_N^4/(4E^2) on W");
    nr_upscatter_abs_t_range(e, NR_M_PROTON, 0.1, &lo, &hi);
    CHECK_REL(lo, pow(0.01 / (2.0 * e), 2), 1e-4, "|t|_min -> m_N^4/(4E^2) on p (m_N^2/(m_p E) = 1e-5)");
    /* |t|_max -> 2 m_T E * 2E/(m_T + 2E) for m_N -> 0 (backward scattering: 4 p_i^2) */
    nr_upscatter_abs_t_range(e, M_TUNGSTEN, 1e-6, &lo, &hi);
    const double s = M_TUNGSTEN * M_TUNGSTEN + 2.0 * M_TUNGSTEN * e;
    CHECK_REL(hi, 4.0 * M_TUNGSTEN * M_TUNGSTEN * e * e / s, 1e-10, "|t|_max -> 4 p_i^2");
}

/* --- cross sections for the quadrature tests --- */
typedef struct {
    int kind;
    double c; /* normalisation [cm^2/GeV^2] or [cm^2] */
    double m_target, a, z;
} toy_xsec;

enum { TOY_CONSTANT, TOY_INVERSE, TOY_HELM_VOGEL_ENGEL, TOY_HELM_SCREENED, TOY_PROTON_DIPOLE };

static double toy_dsigma_dt(double e_nu, double t, const void *ctx)
{
    const toy_xsec *x = ctx;
    const double abs_t = -t, q = sqrt(abs_t);
    switch (x->kind) {
    case TOY_CONSTANT:
        return x->c;
    case TOY_INVERSE:
        return x->c / abs_t;
    case TOY_HELM_VOGEL_ENGEL: {
        const double f = nr_ff_helm_001(q, x->a);
        return x->c * x->z * x->z * f * f * (1.0 / abs_t - 1.0 / (2.0 * x->m_target * e_nu));
    }
    case TOY_HELM_SCREENED: {
        const double f = nr_ff_helm_001(q, x->a) * nr_ff_atomic_screening(q, x->z);
        return x->c * f * f / abs_t;
    }
    default: {
        double f1, f2;
        nr_ff_nucleon(abs_t, NR_NUCLEON_PROTON, &f1, &f2);
        return x->c * (f1 * f1 * (1.0 / abs_t - 1.0 / (2.0 * x->m_target * e_nu)) +
                       f2 * f2 / (4.0 * NR_M_PROTON * NR_M_PROTON));
    }
    }
}

static double node_sum(const toy_xsec *x, double e, double mt, double mn, double cut, size_t n, size_t *count)
{
    double abs_t[1024], weight[1024];
    const size_t k = nr_upscatter_nodes(toy_dsigma_dt, x, e, mt, mn, cut, n, abs_t, weight);
    double sum = 0.0;
    for (size_t i = 0; i < k; ++i)
        sum += weight[i];
    if (count)
        *count = k;
    return sum;
}

static double gsl_sigma(const toy_xsec *x, double e, double mt, double mn, double cut)
{
    double sigma = 0.0, err = 0.0;
    nr_error e_rec;
    const nr_status st = nr_upscatter_sigma(toy_dsigma_dt, x, e, mt, mn, cut, 1e-9, &sigma, &err, &e_rec);
    CHECK(st == NR_OK, "nr_upscatter_sigma failed: %s", e_rec.message);
    return sigma;
}

static void test_analytic_integrals(void)
{
    const double e = 500.0, mn = 0.3;
    const double targets[] = {NR_M_PROTON, M_TUNGSTEN};
    for (int it = 0; it < 2; ++it) {
        const double mt = targets[it];
        double lo, hi;
        nr_upscatter_abs_t_range(e, mt, mn, &lo, &hi);
        const toy_xsec cst = {TOY_CONSTANT, 2.5e-38, mt, 0, 0};
        const toy_xsec inv = {TOY_INVERSE, 3.0e-40, mt, 0, 0};
        size_t k = 0;
        /* (a) constant: sigma = c (|t|_max - |t|_min) */
        /* e^u over many decades: the 64-node budget runs out near 1e-8 */
        CHECK_REL(node_sum(&cst, e, mt, mn, 0.0, DEFAULT_NODES, &k), cst.c * (hi - lo), 1e-7, "nodes: constant");
        CHECK(k > 0 && k <= DEFAULT_NODES, "node count %zu within budget", k);
        CHECK_REL(gsl_sigma(&cst, e, mt, mn, 0.0), cst.c * (hi - lo), 1e-9, "GSL: constant");
        /* (b) 1/|t|: sigma = c ln(|t|_max/|t|_min) */
        CHECK_REL(node_sum(&inv, e, mt, mn, 0.0, DEFAULT_NODES, NULL), inv.c * log(hi / lo), 1e-12, "nodes: 1/|t|");
        CHECK_REL(gsl_sigma(&inv, e, mt, mn, 0.0), inv.c * log(hi / lo), 1e-9, "GSL: 1/|t|");
        /* (c) a cut inside the range: upper limit replaced by the cut */
        const double cut = 0.01;
        CHECK_REL(node_sum(&inv, e, mt, mn, cut, DEFAULT_NODES, NULL), inv.c * log(cut / lo), 1e-12, "nodes: 1/|t| cut");
        CHECK_REL(node_sum(&cst, e, mt, mn, cut, DEFAULT_NODES, NULL), cst.c * (cut - lo), 1e-10, "nodes: const cut");
        CHECK_REL(gsl_sigma(&inv, e, mt, mn, cut), inv.c * log(cut / lo), 1e-9, "GSL: 1/|t| cut");
        /* a cut above |t|_max changes nothing; one below |t|_min leaves nothing */
        CHECK_REL(node_sum(&inv, e, mt, mn, 10.0 * hi, DEFAULT_NODES, NULL), inv.c * log(hi / lo), 1e-12,
                  "nodes: cut above |t|_max");
        CHECK(node_sum(&inv, e, mt, mn, 0.5 * lo, DEFAULT_NODES, &k) == 0.0 && k == 0, "cut below |t|_min: no nodes");
        /* tiny budgets still give at most n nodes and a sensible 1/|t| integral (exact for any GL order) */
        for (size_t n = 1; n <= 5; ++n) {
            const double got = node_sum(&inv, e, mt, mn, 0.0, n, &k);
            CHECK(k >= 1 && k <= n, "budget %zu: %zu nodes", n, k);
            CHECK_REL(got, inv.c * log(hi / lo), 1e-12, "nodes: 1/|t| with a tiny budget");
        }
    }
    /* below threshold: no nodes and sigma = 0 */
    const toy_xsec inv = {TOY_INVERSE, 1.0, NR_M_PROTON, 0, 0};
    size_t k = 1;
    CHECK(node_sum(&inv, 1.0, NR_M_PROTON, 2.0, 0.0, DEFAULT_NODES, &k) == 0.0 && k == 0, "below threshold: no nodes");
    CHECK(gsl_sigma(&inv, 1.0, NR_M_PROTON, 2.0, 0.0) == 0.0, "below threshold: sigma = 0");
}

/* Node sums against the adaptive integral for form-factor shapes: the Helm form factor on W (cut-off near
 * |t| ~ (0.1 GeV)^2, |t|_min down to 1e-19 GeV^2), the screened Helm, the proton dipole up to GeV^2. */
static void test_quadrature_accuracy(void)
{
    const toy_xsec shapes[] = {{TOY_HELM_VOGEL_ENGEL, 1e-38, M_TUNGSTEN, 183.84, 74.0},
                               {TOY_HELM_SCREENED, 1e-38, M_TUNGSTEN, 183.84, 74.0},
                               {TOY_PROTON_DIPOLE, 1e-38, NR_M_PROTON, 1.0, 1.0}};
    const double energies[] = {10.0, 100.0, 1000.0, 5000.0};
    const double masses[] = {1e-3, 0.01, 0.1, 0.5, 1.0, 3.0};
    const double cuts[] = {0.0, 0.01};
    double worst = 0.0;
    for (int is = 0; is < 3; ++is)
        for (int ic = 0; ic < 2; ++ic)
            for (int ie = 0; ie < 4; ++ie)
                for (int im = 0; im < 6; ++im) {
                    const toy_xsec *x = &shapes[is];
                    const double e = energies[ie], mn = masses[im];
                    const double want = gsl_sigma(x, e, x->m_target, mn, cuts[ic]);
                    if (want == 0.0)
                        continue;
                    const double got = node_sum(x, e, x->m_target, mn, cuts[ic], DEFAULT_NODES, NULL);
                    const double rel = fabs(got / want - 1.0);
                    worst = rel > worst ? rel : worst;
                    CHECK(rel < 1e-3, "shape %d cut %g E %g m_N %g: nodes %.6g vs GSL %.6g (rel %.2g)", is,
                          cuts[ic], e, mn, got, want, rel);
                }
    if (getenv("NR_TEST_VERBOSE"))
        printf("worst relative difference with %d nodes: %.2g\n", DEFAULT_NODES, worst);
}

/* sum w g approximates integral dt dsigma/dt g for a smooth g: g = E_N/E on an electron target, where E_N
 * runs over the whole range; reference: nr_upscatter_sigma of dsigma/dt * g. */
typedef struct {
    toy_xsec base;
    double e_nu;
} weighted_xsec;

static double weighted_dsigma_dt(double e_nu, double t, const void *ctx)
{
    const weighted_xsec *w = ctx;
    return toy_dsigma_dt(e_nu, t, &w->base) * nr_upscatter_e_n(e_nu, w->base.m_target, t) / e_nu;
}

static void test_folding(void)
{
    const double e = 200.0, mn = 0.01, mt = NR_M_ELECTRON;
    const weighted_xsec wx = {{TOY_INVERSE, 1e-40, mt, 0, 0}, e};
    double sigma = 0.0, err = 0.0;
    nr_error rec;
    CHECK(nr_upscatter_sigma(weighted_dsigma_dt, &wx, e, mt, mn, 0.0, 1e-10, &sigma, &err, &rec) == NR_OK, "GSL fold");
    double abs_t[DEFAULT_NODES], weight[DEFAULT_NODES];
    const size_t k = nr_upscatter_nodes(toy_dsigma_dt, &wx.base, e, mt, mn, 0.0, DEFAULT_NODES, abs_t, weight);
    double sum = 0.0, prev = 0.0;
    int ascending = 1;
    for (size_t i = 0; i < k; ++i) {
        sum += weight[i] * nr_upscatter_e_n(e, mt, -abs_t[i]) / e;
        ascending &= abs_t[i] > prev;
        prev = abs_t[i];
    }
    CHECK(ascending, "nodes ascending in |t|");
    CHECK_REL(sum, sigma, 1e-3, "sum w E_N/E vs adaptive integral (electron target)");
}

int main(void)
{
    gsl_set_error_handler_off();
    test_kinematics_against_four_vectors();
    test_threshold();
    test_small_mass_limit();
    test_analytic_integrals();
    test_quadrature_accuracy();
    test_folding();
    return nr_test_summary();
}
