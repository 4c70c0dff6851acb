/* test_pdf.c: the LHAPDF6 grid reader and log-bicubic interpolation of physics/pdf.c on the four
 * installed sets (data/pdf/<SET>/, provenance in data/pdf/PROVENANCE.txt).
 *
 * Golden values: the .info ranges and the grid knots are numbers read from the data files (file
 * and line cited at each use); sum rules are the analytic ones (momentum 1, valence 2 and 1,
 * strangeness 0) with the tolerances suggested by the trapezoid figures of PROVENANCE.txt.
 */
#include "nr_test.h"
#include "pdf.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_SETS 4
static const char *const set_names[N_SETS] = {"CT14nlo", "CT10nlo", "MMHT2014nlo68cl",
                                              "NNPDF30_nlo_as_0118"};
enum { CT14, CT10, MMHT, NNPDF };

static char pdf_dir[1024];

static nr_pdf *load_set(const char *name)
{
    nr_pdf *pdf = NULL;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_pdf_load(pdf_dir, name, &pdf, &err);
    CHECK(st == NR_OK && pdf != NULL, "load %s: %s (%s)", name, nr_status_name(st), err.message);
    return st == NR_OK ? pdf : NULL;
}

/* ---------------------------------------------------------------------------------------- */

static void test_known_sets(void)
{
    CHECK(strcmp(nr_pdf_known_sets[0], "CT14nlo") == 0, "default set is %s", nr_pdf_known_sets[0]);
    int n = 0;
    while (nr_pdf_known_sets[n])
        n++;
    CHECK(n == N_SETS, "%d known sets", n);
}

/* Ranges: the XMin/XMax/QMin/QMax lines of each <SET>.info. The accessors return the grid's edge
 * knots, which agree with the .info to its printed precision (MMHT: "QMax: 31622.8" vs the last
 * Q knot 3.162278e+04 on line 909 of its .dat), hence rel 1e-5. */
static void test_ranges(nr_pdf *const pdf[N_SETS])
{
    static const double info[N_SETS][4] = {
        {1.000000e-09, 1, 1.295000e+00, 100000},       /* CT14nlo.info lines 17-20          */
        {1e-08, 1, 1.3, 100000},                       /* CT10nlo.info lines 17-20          */
        {1e-06, 1, 1, 31622.8},                        /* MMHT2014nlo68cl.info lines 15-18  */
        {9.9999997e-10, 1.0000000e+00, 1.0000000e+00, 1.0000000e+05}, /* NNPDF30 .info 16-19 */
    };
    for (int s = 0; s < N_SETS; s++) {
        if (!pdf[s])
            continue;
        CHECK(strcmp(nr_pdf_name(pdf[s]), set_names[s]) == 0, "name %s", nr_pdf_name(pdf[s]));
        CHECK_REL(nr_pdf_x_min(pdf[s]), info[s][0], 1e-5, "XMin");
        CHECK_REL(nr_pdf_x_max(pdf[s]), info[s][1], 1e-5, "XMax");
        CHECK_REL(nr_pdf_q_min(pdf[s]), info[s][2], 1e-5, "QMin");
        CHECK_REL(nr_pdf_q_max(pdf[s]), info[s][3], 1e-5, "QMax");
    }
}

/* ---------------------------------------------------------------------------------------- */

typedef struct {
    int set;
    const char *where; /* file line of the value row                                      */
    double x, q;       /* knot values: field ix+1 of the x line, iq+1 of the Q line [GeV]  */
    int id;
    double xf;         /* the stored x*f                                                   */
} knot_case;

static void test_knots(nr_pdf *const pdf[N_SETS])
{
    /* Values copied from the .dat files; row = ix*N_Q + iQ after the block's id line. Columns
     * are -5 -4 -3 -2 -1 1 2 3 4 5 21 (id lines 6, 266, 410, 910, 1614). */
    static const knot_case cases[] = {
        /* CT14nlo_0000.dat line 4465: ix=120 (line 4), iq=18 (line 5) */
        {CT14, "CT14 l.4465", 2.088560e-01, 3.034710e+01, 2, 5.21666193e-01},
        {CT14, "CT14 l.4465", 2.088560e-01, 3.034710e+01, 1, 2.43945777e-01},
        {CT14, "CT14 l.4465", 2.088560e-01, 3.034710e+01, -2, 2.68046347e-02},
        {CT14, "CT14 l.4465", 2.088560e-01, 3.034710e+01, 21, 3.05506372e-01},
        {CT14, "CT14 l.4465", 2.088560e-01, 3.034710e+01, 0, 3.05506372e-01}, /* 0 = gluon */
        /* CT14nlo_0000.dat line 7410: ix=200, iq=3 (close to x = 1) */
        {CT14, "CT14 l.7410", 8.655090e-01, 1.659240e+00, 2, 6.18836571e-03},
        {CT14, "CT14 l.7410", 8.655090e-01, 1.659240e+00, 21, 1.26755434e-04},
        /* CT14nlo_0000.dat line 43: ix=0, iq=36 (grid corner x = XMin, Q = QMax) */
        {CT14, "CT14 l.43", 1.000000e-09, 1.000000e+05, 21, 2.98670922e+04},
        {CT14, "CT14 l.43", 1.000000e-09, 1.000000e+05, -5, 7.81411566e+02},
        /* CT10nlo_0000.dat line 1967: ix=75, iq=10 */
        {CT10, "CT10 l.1967", 1.781700e-02, 1.092470e+01, 21, 4.88613999e+00},
        {CT10, "CT10 l.1967", 1.781700e-02, 1.092470e+01, 5, 5.48558453e-02},
        {CT10, "CT10 l.1967", 1.781700e-02, 1.092470e+01, -1, 3.46568014e-01},
        /* MMHT2014nlo68cl_0000.dat line 49: block 1 (Q lines 5), ix=10, iq=2 */
        {MMHT, "MMHT l.49", 1.000000e-04, 1.224745e+00, 2, 4.97770000e-01},
        {MMHT, "MMHT l.49", 1.000000e-04, 1.224745e+00, 21, 8.27730000e-01},
        /* MMHT line 572: block 2 (x line 264, Q line 265), ix=30, iq=5 */
        {MMHT, "MMHT l.572", 1.750000e-01, 2.529822e+00, 4, 5.99920000e-03},
        {MMHT, "MMHT l.572", 1.750000e-01, 2.529822e+00, 3, 4.14510000e-02},
        {MMHT, "MMHT l.572", 1.750000e-01, 2.529822e+00, -3, 2.91220000e-02},
        /* MMHT line 1829: block 3 (lines 908, 909), ix=27, iq=0, i.e. Q = mb = 4.75 GeV, the
         * boundary with block 2 (whose row, line 546, has the rounded 1.28120000e+00 for g):
         * at a boundary the upper subgrid is used. */
        {MMHT, "MMHT l.1829", 1.000000e-01, 4.750000e+00, 21, 1.28116797e+00},
        {MMHT, "MMHT l.1829", 1.000000e-01, 4.750000e+00, 5, 3.47668688e-06},
        /* NNPDF30_nlo_as_0118_0000.dat line 896: block 2 (lines 408, 409), ix=40, iq=5 */
        {NNPDF, "NNPDF l.896", 2.9150532E-03, 2.0202850E+00, 21, 3.9322059E+00},
        {NNPDF, "NNPDF l.896", 2.9150532E-03, 2.0202850E+00, -1, 3.4204418E-01},
        {NNPDF, "NNPDF l.896", 2.9150532E-03, 2.0202850E+00, 3, 2.5657006E-01},
        /* NNPDF line 3675: block 3 (lines 1612, 1613), ix=60, iq=20 */
        {NNPDF, "NNPDF l.3675", 2.8367347E-01, 2.9796373E+02, 2, 3.3063868E-01},
        {NNPDF, "NNPDF l.3675", 2.8367347E-01, 2.9796373E+02, -2, 1.0763358E-02},
        {NNPDF, "NNPDF l.3675", 2.8367347E-01, 2.9796373E+02, 21, 8.9918945E-02},
        /* NNPDF line 7: block 1, ix=0, iq=0; bbar is stored negative and NNPDF30's .info has no
         * ForcePositive key, so the negative value is returned as stored. */
        {NNPDF, "NNPDF l.7", 9.9999997E-10, 1.0000000E+00, -5, -1.1603039E-08},
        {NNPDF, "NNPDF l.7", 9.9999997E-10, 1.0000000E+00, 21, 1.5907750E+02},
        /* x = XMax = 1: CT10nlo line 3906 (ix=149, iq=25) stores 0 for every parton */
        {CT10, "CT10 l.3906", 1.000000e+00, 1.000000e+05, 2, 0.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const knot_case *c = &cases[i];
        if (!pdf[c->set])
            continue;
        char what[96];
        snprintf(what, sizeof what, "knot %s id %d", c->where, c->id);
        double got = nr_pdf_xfx(pdf[c->set], c->id, c->x, c->q * c->q);
        CHECK_REL(got, c->xf, 1e-12, what);
        double all[NR_PDF_N_PARTONS];
        nr_pdf_xfx_all(pdf[c->set], c->x, c->q * c->q, all);
        CHECK_REL(all[NR_PDF_INDEX(c->id == 0 ? 21 : c->id)], c->xf, 1e-12, what);
    }
    /* ForcePositive: CT14nlo.info line 11 says "ForcePositive: 1", so the negative stored cbar
     * at CT14nlo_0000.dat line 7410 (-2.46830392e-08, column 2 = id -4) is returned as 0. */
    if (pdf[CT14])
        CHECK(nr_pdf_xfx(pdf[CT14], -4, 8.655090e-01, 1.659240e+00 * 1.659240e+00) == 0.0,
              "CT14 negative cbar knot clipped to 0");
}

/* ---------------------------------------------------------------------------------------- */

typedef struct {
    const nr_pdf *pdf;
    double q2;
    int kind; /* 0: momentum sum; 1: u - ubar; 2: d - dbar; 3: s - sbar (number densities) */
} integrand_params;

/* Integrand in u = ln x: int F(x) dx = int x F(x) du. */
static double sum_rule_integrand(double u, void *vp)
{
    const integrand_params *p = vp;
    double x = exp(u), xf[NR_PDF_N_PARTONS];
    nr_pdf_xfx_all(p->pdf, x, p->q2, xf);
    switch (p->kind) {
    case 0: {
        double s = 0; /* int x*f dx = int x * (x*f) du */
        for (int k = 0; k < NR_PDF_N_PARTONS; k++)
            s += xf[k];
        return x * s;
    }
    case 1: return xf[NR_PDF_INDEX(2)] - xf[NR_PDF_INDEX(-2)]; /* int f dx = int (x*f) du */
    case 2: return xf[NR_PDF_INDEX(1)] - xf[NR_PDF_INDEX(-1)];
    default: return xf[NR_PDF_INDEX(3)] - xf[NR_PDF_INDEX(-3)];
    }
}

static double sum_rule(const nr_pdf *pdf, double q_gev, int kind)
{
    integrand_params p = {pdf, q_gev * q_gev, kind};
    gsl_function f = {sum_rule_integrand, &p};
    gsl_integration_cquad_workspace *w = gsl_integration_cquad_workspace_alloc(200);
    double result = NAN, abserr = NAN;
    size_t nevals = 0;
    int st = gsl_integration_cquad(&f, log(nr_pdf_x_min(pdf)), 0.0, 1e-8, 1e-6, w, &result,
                                   &abserr, &nevals);
    gsl_integration_cquad_workspace_free(w);
    CHECK(st == GSL_SUCCESS && abserr < 1e-4, "cquad status %d (%s), error estimate %g", st,
          gsl_strerror(st), abserr);
    return result;
}

static void test_sum_rules(nr_pdf *const pdf[N_SETS])
{
    static const double q_values[] = {10.0, 100.0}; /* GeV */
    for (int s = 0; s < N_SETS; s++) {
        if (!pdf[s])
            continue;
        for (int iq = 0; iq < 2; iq++) {
            double q = q_values[iq];
            double mom = sum_rule(pdf[s], q, 0), uv = sum_rule(pdf[s], q, 1);
            double dv = sum_rule(pdf[s], q, 2), sv = sum_rule(pdf[s], q, 3);
            char what[96];
            /* momentum sum rule = 1; PROVENANCE.txt trapezoid figures 1.001-1.011 */
            snprintf(what, sizeof what, "%s momentum sum Q=%g", set_names[s], q);
            CHECK_REL(mom, 1.0, 0.02, what);
            /* valence numbers: proton = uud */
            snprintf(what, sizeof what, "%s int(u-ubar) Q=%g", set_names[s], q);
            CHECK_REL(uv, 2.0, 0.02, what);
            snprintf(what, sizeof what, "%s int(d-dbar) Q=%g", set_names[s], q);
            CHECK_REL(dv, 1.0, 0.02, what);
            snprintf(what, sizeof what, "%s int(s-sbar) Q=%g", set_names[s], q);
            CHECK_ABS(sv, 0.0, 0.05, what);
            if (getenv("NR_TEST_VERBOSE"))
                printf("%-20s Q=%5g GeV: momentum %.5f  u_v %.5f  d_v %.5f  s-sbar %+.2e\n",
                       set_names[s], q, mom, uv, dv, sv);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */

/* Subgrid boundaries: NNPDF30 Q lines 409 and 1613 start at 1.2750000E+00 and 4.1800001E+00;
 * MMHT2014 Q lines 265 and 909 start at 1.400000e+00 and 4.750000e+00. Just below and just
 * above a boundary the two subgrids must give the same x*f to the rounding of the stored values. */
static void test_subgrid_continuity(nr_pdf *const pdf[N_SETS])
{
    static const struct { int set; double q; } bounds[] = {
        {NNPDF, 1.2750000E+00}, {NNPDF, 4.1800001E+00}, {MMHT, 1.400000e+00}, {MMHT, 4.750000e+00}};
    static const int ids[] = {2, 1, 21};
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        const nr_pdf *p = pdf[bounds[b].set];
        if (!p)
            continue;
        double qb = bounds[b].q, below = qb * (1 - 1e-7), above = qb * (1 + 1e-7);
        for (size_t i = 0; i < 3; i++) {
            char what[96];
            snprintf(what, sizeof what, "%s id %d x=0.1 across Q=%g", set_names[bounds[b].set],
                     ids[i], qb);
            CHECK_REL(nr_pdf_xfx(p, ids[i], 0.1, below * below),
                      nr_pdf_xfx(p, ids[i], 0.1, above * above), 1e-3, what);
        }
    }
}

/* Read the Q knots on line `line_no` of a .dat file with a reader independent of pdf.c. */
static int read_q_line(const char *set, int line_no, double *q, int max)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s/%s_0000.dat", pdf_dir, set, set);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    static char line[1 << 16];
    int n = 0;
    for (int l = 1; l <= line_no && fgets(line, sizeof line, f); l++) {
        if (l < line_no)
            continue;
        char *s = line, *end;
        while (n < max && (q[n] = strtod(s, &end), end != s)) {
            n++;
            s = end;
        }
    }
    fclose(f);
    return n;
}

/* Gluon at x = 1e-3 rises monotonically with Q (DGLAP at small x): between two Q knots the
 * interpolant must stay within the two knot values (no overshoot of the cubic). */
static void test_smoothness(nr_pdf *const pdf[N_SETS])
{
    static const struct { int set; int q_line; } grids[] = {
        {CT14, 5},     /* CT14nlo_0000.dat line 5: the 37 Q knots            */
        {NNPDF, 1613}, /* NNPDF30 line 1613: the 34 Q knots of the top block */
    };
    for (size_t gi = 0; gi < 2; gi++) {
        const nr_pdf *p = pdf[grids[gi].set];
        if (!p)
            continue;
        double q[64];
        int n = read_q_line(set_names[grids[gi].set], grids[gi].q_line, q, 64);
        CHECK(n >= 30, "read %d Q knots of %s", n, set_names[grids[gi].set]);
        int bad = 0, monotonic = 1;
        for (int i = 0; i + 1 < n; i++) {
            double g0 = nr_pdf_xfx(p, 21, 1e-3, q[i] * q[i]);
            double g1 = nr_pdf_xfx(p, 21, 1e-3, q[i + 1] * q[i + 1]);
            if (!(g1 > g0))
                monotonic = 0;
            for (int k = 1; k < 10; k++) {
                double qq = q[i] * pow(q[i + 1] / q[i], k / 10.0);
                double g = nr_pdf_xfx(p, 21, 1e-3, qq * qq);
                if (!(g >= fmin(g0, g1) && g <= fmax(g0, g1)))
                    bad++;
            }
        }
        CHECK(monotonic, "%s: xg(1e-3, Q) rises at the Q knots", set_names[grids[gi].set]);
        CHECK(bad == 0, "%s: %d interpolated xg(1e-3) values outside their knot interval",
              set_names[grids[gi].set], bad);
    }
}

/* ---------------------------------------------------------------------------------------- */

static void test_freeze_and_flavours(nr_pdf *const pdf[N_SETS])
{
    for (int s = 0; s < N_SETS; s++) {
        const nr_pdf *p = pdf[s];
        if (!p)
            continue;
        double xmin = nr_pdf_x_min(p), qmin = nr_pdf_q_min(p), qmax = nr_pdf_q_max(p);
        char what[96];
        snprintf(what, sizeof what, "%s freeze x < XMin", set_names[s]);
        CHECK_REL(nr_pdf_xfx(p, 21, xmin * 1e-3, 100.0), nr_pdf_xfx(p, 21, xmin, 100.0), 0,
                  what);
        snprintf(what, sizeof what, "%s freeze Q > QMax", set_names[s]);
        CHECK_REL(nr_pdf_xfx(p, 2, 0.1, 4 * qmax * qmax), nr_pdf_xfx(p, 2, 0.1, qmax * qmax), 0,
                  what);
        snprintf(what, sizeof what, "%s freeze Q < QMin", set_names[s]);
        CHECK_REL(nr_pdf_xfx(p, 1, 0.1, 0.25 * qmin * qmin), nr_pdf_xfx(p, 1, 0.1, qmin * qmin),
                  0, what);
        CHECK(nr_pdf_xfx(p, 2, 1.0, 100.0) == 0.0, "%s: x*f(x=1) = 0", set_names[s]);
        CHECK(nr_pdf_xfx(p, 2, 1.5, 100.0) == 0.0, "%s: x*f(x>1) = 0", set_names[s]);
        CHECK(isnan(nr_pdf_xfx(p, 2, NAN, 100.0)), "%s: NaN in, NaN out", set_names[s]);
        /* absent from every grid here: top (+-6), photon (22), unknown ids */
        CHECK(nr_pdf_xfx(p, 6, 0.1, 1e4) == 0.0 && nr_pdf_xfx(p, -6, 0.1, 1e4) == 0.0 &&
                  nr_pdf_xfx(p, 22, 0.1, 1e4) == 0.0 && nr_pdf_xfx(p, 99, 0.1, 1e4) == 0.0,
              "%s: absent flavours give 0", set_names[s]);
        /* nr_pdf_xfx_all agrees with nr_pdf_xfx for every parton at off-knot points */
        static const double pts[][2] = {{3.3e-5, 2.2}, {0.0123, 57.0}, {0.456, 1234.5},
                                        {0.97, 1.05}, {2e-7, 4.5}};
        int mismatch = 0;
        for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
            double all[NR_PDF_N_PARTONS], q2 = pts[i][1] * pts[i][1];
            nr_pdf_xfx_all(p, pts[i][0], q2, all);
            for (int id = -6; id <= 6; id++) {
                double one = id == 0 ? nr_pdf_xfx(p, 21, pts[i][0], q2)
                                     : nr_pdf_xfx(p, id, pts[i][0], q2);
                double want = id == 0 ? all[NR_PDF_GLUON] : all[NR_PDF_INDEX(id)];
                if (one != want)
                    mismatch++;
            }
            if (all[NR_PDF_INDEX(0)] != 0.0)
                mismatch++;
        }
        CHECK(mismatch == 0, "%s: %d xfx/xfx_all mismatches", set_names[s], mismatch);
    }
}

/* ---------------------------------------------------------------------------------------- */

static int copy_prefix(const char *src, const char *dst, long n_bytes)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    int ok = in && out;
    for (long i = 0; ok && (n_bytes < 0 || i < n_bytes); i++) {
        int c = fgetc(in);
        if (c == EOF)
            break;
        fputc(c, out);
    }
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok;
}

static int write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static void expect_load_error(const char *dir, const char *name, nr_status want,
                              const char *must_mention, const char *what)
{
    nr_pdf *p = (nr_pdf *)1;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_pdf_load(dir, name, &p, &err);
    CHECK(st == want && p == NULL, "%s: status %s, want %s (%s)", what, nr_status_name(st),
          nr_status_name(want), err.message);
    CHECK(err.status == st, "%s: err.status filled", what);
    if (must_mention)
        CHECK(strstr(err.message, must_mention) != NULL, "%s: message '%s' names %s", what,
              err.message, must_mention);
    if (getenv("NR_TEST_VERBOSE"))
        printf("     %s -> %s: %s\n", what, nr_status_name(st), err.message);
    if (st == NR_OK)
        nr_pdf_free(p);
}

/* A bad set "Bad" in `dir`: the CT14nlo .info (or `info` if given) and `dat` as the grid. */
static void write_bad_set(const char *dir, const char *info, const char *dat, size_t dat_len)
{
    char path[1300], src[1300];
    snprintf(path, sizeof path, "%s/Bad/Bad.info", dir);
    snprintf(src, sizeof src, "%s/CT14nlo/CT14nlo.info", pdf_dir);
    if (info)
        write_text(path, info, strlen(info));
    else
        copy_prefix(src, path, -1);
    snprintf(path, sizeof path, "%s/Bad/Bad_0000.dat", dir);
    write_text(path, dat, dat_len);
}

/* A tiny valid grid in the CT14nlo ranges: 4 x knots, 2 Q knots (the bilinear fallback). */
static const char tiny_dat[] = "PdfType: central\nFormat: lhagrid1\n---\n"
                               "1e-09 1e-06 1e-3 1\n1.295 100000\n2 21 22\n"
                               "1 2 9\n3 4 9\n1 2 9\n3 4 9\n1 2 9\n3 4 9\n0 0 0\n0 0 0\n---\n";

static void test_errors(void)
{
    char path[1300];
    char dir[] = "/tmp/nr_test_pdf_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");

    /* a set that does not exist: the message names the file it looked for */
    expect_load_error(pdf_dir, "NoSuchSet", NR_EDATA, "NoSuchSet/NoSuchSet.info", "missing set");
    expect_load_error(pdf_dir, "../CT14nlo", NR_EINPUT, NULL, "name with a slash");
    expect_load_error(pdf_dir, "", NR_EINPUT, NULL, "empty name");

    snprintf(path, sizeof path, "%s/Bad", dir);
    CHECK(mkdir(path, 0700) == 0, "mkdir %s", path);

    /* the first 5000 bytes of CT14nlo_0000.dat (cut inside the value rows) */
    char src[1300];
    snprintf(src, sizeof src, "%s/CT14nlo/CT14nlo_0000.dat", pdf_dir);
    static char head[200000];
    FILE *f = fopen(src, "rb");
    size_t n_head = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    CHECK(n_head == sizeof head, "read the head of %s", src);
    write_bad_set(dir, NULL, head, 5000);
    expect_load_error(dir, "Bad", NR_EDATA, "Bad_0000.dat", "truncated at 5000 bytes");
    /* cut exactly after a complete row (line 6 = ids, then whole rows): rows are missing */
    size_t cut = 0;
    for (int lines = 0; cut < n_head && lines < 20; cut++)
        lines += head[cut] == '\n';
    write_bad_set(dir, NULL, head, cut);
    expect_load_error(dir, "Bad", NR_EDATA, "Bad_0000.dat", "truncated after line 20");
    write_bad_set(dir, NULL, head, 0);
    expect_load_error(dir, "Bad", NR_EDATA, "Bad_0000.dat", "empty .dat");

    /* binary garbage, with NUL bytes */
    char garbage[4096];
    unsigned s = 12345;
    for (size_t i = 0; i < sizeof garbage; i++) {
        s = s * 1103515245u + 12345u;
        garbage[i] = (char)(s >> 16);
    }
    write_bad_set(dir, NULL, garbage, sizeof garbage);
    expect_load_error(dir, "Bad", NR_EDATA, "Bad_0000.dat", "binary garbage");

    /* the tiny grid loads (bilinear fallback) and interpolates linearly in ln Q^2 */
    write_bad_set(dir, NULL, tiny_dat, strlen(tiny_dat));
    nr_pdf *tiny = NULL;
    nr_error err;
    CHECK(nr_pdf_load(dir, "Bad", &tiny, &err) == NR_OK, "tiny grid: %s", err.message);
    if (tiny) {
        /* u at x = 1e-6 (ix = 1): 1 at Q = 1.295 and 3 at Q = 1e5; midway in ln Q^2: 2 */
        double qmid2 = 1.295 * 100000.0;
        CHECK_REL(nr_pdf_xfx(tiny, 2, 1e-6, qmid2), 2.0, 1e-12, "tiny grid bilinear in ln Q^2");
        CHECK(nr_pdf_xfx(tiny, 22, 1e-6, qmid2) == 0.0, "photon column ignored");
        CHECK(nr_pdf_xfx(tiny, 1, 1e-6, qmid2) == 0.0, "d has no column: 0");
        nr_pdf_free(tiny);
    }

    /* ForcePositive: 2 clips below 1e-10 (LHAPDF's convention); partons without a column stay 0.
     * The grid gives u = -1 at x = 1e-6 for every Q. */
    static const char info_fp2[] = "XMin: 1e-09\nXMax: 1\nQMin: 1.295\nQMax: 100000\n"
                                   "ForcePositive: 2\n";
    static const char negative[] = "PdfType: central\nFormat: lhagrid1\n---\n"
                                   "1e-09 1e-06 1e-3 1\n1.295 100000\n2 21 22\n"
                                   "1 2 9\n3 4 9\n-1 2 9\n-1 4 9\n1 2 9\n3 4 9\n"
                                   "0 0 0\n0 0 0\n---\n";
    write_bad_set(dir, info_fp2, negative, strlen(negative));
    CHECK(nr_pdf_load(dir, "Bad", &tiny, &err) == NR_OK, "ForcePositive 2 grid: %s", err.message);
    if (tiny) {
        double all[NR_PDF_N_PARTONS];
        nr_pdf_xfx_all(tiny, 1e-6, 100.0, all);
        CHECK(all[NR_PDF_INDEX(2)] == 1e-10 && nr_pdf_xfx(tiny, 2, 1e-6, 100.0) == 1e-10,
              "ForcePositive 2: u = %g", all[NR_PDF_INDEX(2)]);
        CHECK(all[NR_PDF_INDEX(1)] == 0.0 && all[NR_PDF_INDEX(6)] == 0.0,
              "ForcePositive 2: absent partons stay 0");
        nr_pdf_free(tiny);
    }

    /* malformed variants of the tiny grid */
    static const struct { const char *what, *from, *to; } edits[] = {
        {"letters in a value row", "3 4 9\n1 2 9\n3 4 9\n0 0 0", "3 4 9\n1 x 9\n3 4 9\n0 0 0"},
        {"short value row", "0 0 0\n0 0 0\n---", "0 0 0\n0 0\n---"},
        {"long value row", "0 0 0\n0 0 0\n---", "0 0 0\n0 0 0 0\n---"},
        {"missing closing ---", "0 0 0\n---\n", "0 0 0\n"},
        {"descending x knots", "1e-09 1e-06 1e-3 1", "1e-09 1e-03 1e-6 1"},
        {"x knot above 1", "1e-09 1e-06 1e-3 1\n", "1e-09 1e-06 1e-3 2\n"},
        {"three x knots", "1e-09 1e-06 1e-3 1\n", "1e-09 1e-3 1\n"},
        {"one Q knot", "1.295 100000\n", "1.295\n"},
        {"duplicate parton id", "2 21 22", "2 21 0"},
        {"bad id", "2 21 22", "2 g 22"},
        {"infinite value", "1 2 9\n3 4 9\n1 2 9", "1 inf 9\n3 4 9\n1 2 9"},
        {"no header separator", "lhagrid1\n---\n", "lhagrid1\n"},
        {"grid narrower than .info", "1e-09 1e-06", "1e-08 1e-06"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char text[1024];
        const char *at = strstr(tiny_dat, edits[i].from);
        CHECK(at != NULL, "edit '%s' applies", edits[i].what);
        if (!at)
            continue;
        size_t pre = (size_t)(at - tiny_dat);
        snprintf(text, sizeof text, "%.*s%s%s", (int)pre, tiny_dat, edits[i].to,
                 at + strlen(edits[i].from));
        write_bad_set(dir, NULL, text, strlen(text));
        expect_load_error(dir, "Bad", NR_EDATA, "Bad", edits[i].what);
    }

    /* .info problems (with the valid tiny grid) */
    static const struct { const char *what, *info, *mention; } infos[] = {
        {"info without QMax", "XMin: 1e-9\nXMax: 1\nQMin: 1.295\n", "Bad.info"},
        {"info QMax not a number", "XMin: 1e-9\nXMax: 1\nQMin: 1.295\nQMax: lots\n", "line 4"},
        {"info QMax disagrees with the grid", "XMin: 1e-9\nXMax: 1\nQMin: 1.295\nQMax: 1e4\n",
         "Bad.info"},
        {"info Format not lhagrid1", "Format: lhagrid2\nXMin: 1e-9\n", "line 1"},
    };
    for (size_t i = 0; i < sizeof infos / sizeof infos[0]; i++) {
        write_bad_set(dir, infos[i].info, tiny_dat, strlen(tiny_dat));
        expect_load_error(dir, "Bad", NR_EDATA, infos[i].mention, infos[i].what);
    }

    snprintf(path, sizeof path, "%s/Bad/Bad.info", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/Bad/Bad_0000.dat", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/Bad", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    snprintf(pdf_dir, sizeof pdf_dir, "%s/pdf", nr_test_data_dir());
    nr_pdf *pdf[N_SETS];
    for (int s = 0; s < N_SETS; s++)
        pdf[s] = load_set(set_names[s]);
    test_known_sets();
    test_ranges(pdf);
    test_knots(pdf);
    test_sum_rules(pdf);
    test_subgrid_continuity(pdf);
    test_smoothness(pdf);
    test_freeze_and_flavours(pdf);
    test_errors();
    for (int s = 0; s < N_SETS; s++)
        nr_pdf_free(pdf[s]);
    return nr_test_summary();
}
