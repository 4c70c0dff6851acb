/* test_chi2.c: the binned chi-square with a normalisation pull (physics/chi2.c, paper 002 sec. IV).
 * Golden values and their sources (all analytic or standard tables):
 *  - Gaussian bins without pull: sum (p - d)^2 / d, computed by hand for the toy;
 *  - Gaussian bins, prediction = (1 + eps) x data, pull sigma: minimising D (u (1+a) - 1)^2 + a^2/sigma^2
 *    (D = sum d, u = 1 + eps) gives a* = D u (1 - u) / (D u^2 + 1/sigma^2) (closed form);
 *  - one Poisson bin d = 3, p = 5: 2 [5 - 3 + 3 ln(3/5)] = 0.934987 (closed form); an empty data bin: 2p;
 *  - the Gaussian/Poisson switch at 20 events (002 sec. IV: fewer than twenty events is Poisson);
 *  - chi-square quantiles: 2.70554 (90%, 1 dof), 4.60517 (90%, 2 dof), 3.84146 (95%, 1 dof) (standard tables);
 *  - the upper limit of x in p = d + x^2 s with Gaussian bins and no pull: x = (level / sum s^2/d)^(1/4). */
#include <math.h>
#include <stdio.h>

#include "chi2.h"
#include "nr_test.h"

typedef struct {
    const double *d, *s;
    size_t n;
    nr_chi2_options opt;
} toy;

static nr_status toy_chi2(double x, void *ctx, double *chi2, nr_error *err)
{
    const toy *t = ctx;
    double p[16];
    for (size_t i = 0; i < t->n; i++)
        p[i] = t->d[i] + x * x * t->s[i];
    return nr_chi2_pull(t->d, p, t->n, &t->opt, chi2, NULL, err);
}

int main(void)
{
    nr_error err;
    double chi2, a;
    const double d[5] = {100, 400, 250, 60, 30}, p[5] = {110, 390, 260, 70, 30};
    nr_chi2_options nopull = {0, 20};
    CHECK(nr_chi2_pull(d, p, 5, &nopull, &chi2, &a, &err) == NR_OK, "%s", err.message);
    CHECK_REL(chi2, 100.0 / 100 + 100.0 / 400 + 100.0 / 250 + 100.0 / 60, 1e-12, "Gaussian, no pull");

    const double eps = 0.15, sigma = 0.1;
    double q[5], dsum = 0;
    for (int i = 0; i < 5; i++) {
        q[i] = (1 + eps) * d[i];
        dsum += d[i];
    }
    nr_chi2_options pull = {sigma, 20};
    CHECK(nr_chi2_pull(d, q, 5, &pull, &chi2, &a, &err) == NR_OK, "%s", err.message);
    double u = 1 + eps, a_star = dsum * u * (1 - u) / (dsum * u * u + 1 / (sigma * sigma));
    double chi2_star = dsum * (u * (1 + a_star) - 1) * (u * (1 + a_star) - 1) + a_star * a_star / (sigma * sigma);
    CHECK_REL(a, a_star, 1e-9, "pull of a pure normalisation shift");
    CHECK_REL(chi2, chi2_star, 1e-9, "chi2 of a pure normalisation shift");
    CHECK(chi2 < eps * eps / (sigma * sigma) * 1.0001, "the pull absorbs a normalisation shift: %g", chi2);

    const double d1[1] = {3}, p1[1] = {5};
    CHECK(nr_chi2_pull(d1, p1, 1, &nopull, &chi2, NULL, &err) == NR_OK, "%s", err.message);
    CHECK_REL(chi2, 2 * (5 - 3 + 3 * log(3.0 / 5)), 1e-12, "Poisson bin d = 3, p = 5");
    const double d0[1] = {0}, p0[1] = {2.5};
    nr_chi2_pull(d0, p0, 1, &nopull, &chi2, NULL, &err);
    CHECK_REL(chi2, 5.0, 1e-12, "empty data bin: 2p");
    const double d20[1] = {20}, p20[1] = {26}, d21[1] = {20.5}, p21[1] = {26};
    nr_chi2_pull(d20, p20, 1, &nopull, &chi2, NULL, &err);
    CHECK_REL(chi2, 2 * (26 - 20 + 20 * log(20.0 / 26)), 1e-12, "20 events: Poisson");
    nr_chi2_pull(d21, p21, 1, &nopull, &chi2, NULL, &err);
    CHECK_REL(chi2, 5.5 * 5.5 / 20.5, 1e-12, "20.5 events: Gaussian");

    /* Poisson bins with a pull: the minimum is stationary (numerical derivative ~ 0) */
    const double dp[4] = {3, 8, 1, 0}, pp[4] = {5, 9, 2, 0.5};
    CHECK(nr_chi2_pull(dp, pp, 4, &pull, &chi2, &a, &err) == NR_OK, "%s", err.message);
    {
        nr_chi2_options fixed = {0, 20};
        double h = 1e-5, pa[4], pb[4], ca, cb;
        for (int i = 0; i < 4; i++) {
            pa[i] = (1 + a + h) * pp[i];
            pb[i] = (1 + a - h) * pp[i];
        }
        nr_chi2_pull(dp, pa, 4, &fixed, &ca, NULL, &err);
        nr_chi2_pull(dp, pb, 4, &fixed, &cb, NULL, &err);
        ca += (a + h) * (a + h) / (sigma * sigma);
        cb += (a - h) * (a - h) / (sigma * sigma);
        CHECK(fabs(ca - cb) / (2 * h) < 1e-4, "Poisson + pull: derivative at the minimum %g", (ca - cb) / (2 * h));
        CHECK(ca >= chi2 && cb >= chi2, "Poisson + pull: a minimum");
    }

    CHECK_REL(nr_chi2_level(0.9, 1), 2.70554, 1e-5, "90% CL, 1 parameter");
    CHECK_REL(nr_chi2_level(0.9, 2), 4.60517, 1e-5, "90% CL, 2 parameters");
    CHECK_REL(nr_chi2_level(0.95, 1), 3.84146, 1e-5, "95% CL, 1 parameter");
    CHECK(isnan(nr_chi2_level(1.2, 1)) && isnan(nr_chi2_level(0.9, 0)), "bad CL or parameter count");

    const double s[5] = {5, 1, 0, 2, 8};
    toy t = {d, s, 5, nopull};
    double level = nr_chi2_level(0.9, 1), xlim;
    int calls;
    CHECK(nr_chi2_upper_limit(toy_chi2, &t, 1e-3, 1e3, level, 1e-6, &xlim, &calls, &err) == NR_OK, "%s", err.message);
    double ss = 0;
    for (int i = 0; i < 5; i++)
        ss += s[i] * s[i] / d[i];
    CHECK_REL(xlim, pow(level / ss, 0.25), 2e-6, "toy upper limit (Gaussian, no pull)");
    CHECK(calls < 60, "limit in %d evaluations", calls);
    CHECK(nr_chi2_upper_limit(toy_chi2, &t, 1e-3, 1e-2, level, 1e-6, &xlim, NULL, &err) == NR_OK && isinf(xlim),
          "no crossing in range: infinite limit");
    CHECK(nr_chi2_upper_limit(toy_chi2, &t, -1, 1, level, 1e-6, &xlim, NULL, &err) == NR_EINPUT, "bad range");
    const double bad[1] = {-1};
    CHECK(nr_chi2_pull(bad, p1, 1, &nopull, &chi2, NULL, &err) == NR_EINPUT, "negative data refused");
    return nr_test_summary();
}
