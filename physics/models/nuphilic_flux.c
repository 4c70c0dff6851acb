/* nuphilic_flux.c: meson spectra from the SM neutrino spectra and the lab-frame neutrino fluxes with a
 * neutrinophilic Z' (paper 002 Eqs. 5-8; the picture and its approximations are in nuphilic_flux.h). */
#include "models/nuphilic_flux.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "decay.h"
#include "text_table.h"

void nr_nuphilic_coupling_flavours(int c, int *a, int *b)
{
    static const int fl[NR_NUPHILIC_N_COUPLINGS][2] = {
        [NR_NUPHILIC_G_EE] = {NR_FLAVOUR_E, NR_FLAVOUR_E},
        [NR_NUPHILIC_G_ETAU] = {NR_FLAVOUR_E, NR_FLAVOUR_TAU},
        [NR_NUPHILIC_G_MUTAU] = {NR_FLAVOUR_MU, NR_FLAVOUR_TAU},
        [NR_NUPHILIC_G_EMU] = {NR_FLAVOUR_E, NR_FLAVOUR_MU},
    };
    *a = fl[c][0];
    *b = fl[c][1];
}

/* ---- reading the parent-split files ---- */

#define MAX_POINTS 64

/* ForwardCharm: neutrinos per bin [pb] on the flux grid; adds the file's column 2 into sum[]. */
static nr_status add_forward_charm(const char *data_dir, const char *kind, const char *gen, const nr_flux *flux,
                                   double *sum, nr_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/fluxes/split_light_charm_ForwardCharm/FASERv_%s_14_%s.txt", data_dir, kind, gen);
    double e[MAX_POINTS], n[MAX_POINTS];
    int rows = nr_text_table_read_xy(path, e, n, NULL, MAX_POINTS, err);
    if (rows < 0)
        return err ? err->status : NR_EDATA;
    if ((size_t)rows != flux->n_bins)
        return nr_fail(err, NR_EDATA, path, "%s: %d rows, the flux table has %zu bins", path, rows, flux->n_bins);
    for (int i = 0; i < rows; i++) {
        if (fabs(e[i] / flux->e_center[i] - 1) > 1e-3)
            return nr_fail(err, NR_EDATA, path, "%s row %d: energy %g differs from the flux table's %g", path, i + 1,
                           e[i], flux->e_center[i]);
        sum[i] += n[i];
    }
    return NR_OK;
}

/* tau_tridents digitised curve, interpolated linearly in (ln E, ln N), extrapolated with the end segments. */
typedef struct {
    int n;
    double le[MAX_POINTS], ln[MAX_POINTS];
} curve;

static nr_status load_curve(const char *data_dir, const char *name, curve *c, nr_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/fluxes/split_by_parent_tau_tridents/%s.csv", data_dir, name);
    double e[MAX_POINTS], n[MAX_POINTS];
    int rows = nr_text_table_read_xy(path, e, n, NULL, MAX_POINTS, err);
    if (rows < 0)
        return err ? err->status : NR_EDATA;
    c->n = 0;
    for (int i = 0; i < rows; i++) {
        if (!(e[i] > 0 && n[i] > 0))
            continue;
        if (c->n > 0 && !(log(e[i]) > c->le[c->n - 1]))
            return nr_fail(err, NR_EDATA, path, "%s row %d: energies not increasing", path, i + 1);
        c->le[c->n] = log(e[i]);
        c->ln[c->n] = log(n[i]);
        c->n++;
    }
    if (c->n < 2)
        return nr_fail(err, NR_EDATA, path, "%s: fewer than 2 positive rows", path);
    return NR_OK;
}

static double curve_at(const curve *c, double e)
{
    double x = log(e);
    int k = 0;
    while (k < c->n - 2 && x > c->le[k + 1])
        k++;
    double t = (x - c->le[k]) / (c->le[k + 1] - c->le[k]);
    return exp(c->ln[k] + t * (c->ln[k + 1] - c->ln[k]));
}

nr_status nr_nuphilic_parents_load(const char *data_dir, const nr_flux *flux, nr_nuphilic_parents *out,
                                   nr_error *err)
{
    memset(out, 0, sizeof *out);
    if (flux->n_bins > NR_NUPHILIC_MAX_BINS)
        return nr_fail(err, NR_EDATA, "", "flux table has %zu bins, at most %d supported", flux->n_bins,
                       NR_NUPHILIC_MAX_BINS);
    out->n_bins = flux->n_bins;
    static const char *const light_gens[] = {"DPMJET3", "EPOS-LHC", "Pythia8", "QGSJET2", "SIBYLL2.3"};
    static const char *const charm_gens[] = {"DPMJET3", "Pythia8", "SIBYLL2.3"};
    double light[NR_NUPHILIC_MAX_BINS] = {0}, charm[NR_NUPHILIC_MAX_BINS] = {0};
    nr_status st;
    for (size_t g = 0; g < 5; g++)
        if ((st = add_forward_charm(data_dir, "light", light_gens[g], flux, light, err)) != NR_OK)
            return st;
    for (size_t g = 0; g < 3; g++)
        if ((st = add_forward_charm(data_dir, "charm", charm_gens[g], flux, charm, err)) != NR_OK)
            return st;
    static const char *const names[2][3] = {{"FASERvmu_pion", "FASERvmu_kaon", "FASERvmu_hyperon"},
                                            {"FASERvmubar_pion", "FASERvmubar_kaon", "FASERvmubar_hyperon"}};
    for (int c = 0; c < 2; c++) {
        curve cv[3];
        for (int k = 0; k < 3; k++)
            if ((st = load_curve(data_dir, names[c][k], &cv[k], err)) != NR_OK)
                return st;
        for (size_t i = 0; i < flux->n_bins; i++) {
            double l = light[i] / 5, ch = charm[i] / 3; /* generator means */
            double light_share = l + ch > 0 ? l / (l + ch) : 0;
            double e = flux->e_center[i];
            double pi = curve_at(&cv[0], e), ka = curve_at(&cv[1], e), hy = curve_at(&cv[2], e);
            out->pion[c][i] = light_share * pi / (pi + ka + hy);
            out->kaon[c][i] = light_share * ka / (pi + ka + hy);
        }
    }
    return NR_OK;
}

/* ---- transfer from a meson bin to the flux bins ---- */

/* 8-point Gauss-Legendre on [-1, 1] (Abramowitz & Stegun Table 25.4) */
const double nr_nuphilic_gl8_x[8] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
                                0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
const double nr_nuphilic_gl8_w[8] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
                                0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

void nr_nuphilic_transfer(const nr_flux *flux, double m_lo, double m_hi, nr_nuphilic_x_cdf cdf, const void *ctx,
                          double *prob)
{
    size_t n = flux->n_bins;
    for (size_t i = 0; i < n; i++)
        prob[i] = 0;
    for (int g = 0; g < 8; g++) {
        double e = 0.5 * (m_lo + m_hi) + 0.5 * (m_hi - m_lo) * nr_nuphilic_gl8_x[g], w = 0.5 * nr_nuphilic_gl8_w[g];
        double prev = cdf(flux->e_lo[0] / e, ctx);
        for (size_t i = 0; i < n; i++) {
            double next = cdf(flux->e_hi[i] / e, ctx);
            prob[i] += w * (next - prev);
            prev = next;
        }
    }
}

/* A neutrino at one fixed fraction x0 (two-body decay): the exact share of the meson bin that lands in each
 * flux bin (the meson energy is uniform within its bin). */
static void transfer_line(const nr_flux *flux, double m_lo, double m_hi, double x0, double *prob)
{
    for (size_t i = 0; i < flux->n_bins; i++) {
        double a = fmax(m_lo, flux->e_lo[i] / x0), b = fmin(m_hi, flux->e_hi[i] / x0);
        prob[i] = b > a ? (b - a) / (m_hi - m_lo) : 0;
    }
}

static double tau_nu_x_cdf(double x, const void *ctx)
{
    (void)ctx;
    return nr_nuphilic_tau_nu_cdf_in_ds(0.5 * x * nr_nuphilic_meson_get(NR_NUPHILIC_DS)->mass);
}

static double two_body_x(nr_nuphilic_meson m, double m_lepton)
{
    double mm = nr_nuphilic_meson_get(m)->mass;
    return 1 - m_lepton * m_lepton / (mm * mm);
}

/* D_s response: SM nu_tau per flux bin (per D_s of one charge, nu_tau + nubar_tau averaged) from D_s bin j */
static void ds_response(const nr_flux *flux, const nr_nuphilic_mesons *m, size_t j, double *col)
{
    double direct[NR_NUPHILIC_MAX_BINS], tau[NR_NUPHILIC_MAX_BINS];
    double x0 = 2 * nr_nuphilic_ds_direct_nu_energy() / nr_nuphilic_meson_get(NR_NUPHILIC_DS)->mass;
    transfer_line(flux, m->lo[NR_NUPHILIC_DS][j], m->hi[NR_NUPHILIC_DS][j], x0, direct);
    nr_nuphilic_transfer(flux, m->lo[NR_NUPHILIC_DS][j], m->hi[NR_NUPHILIC_DS][j], tau_nu_x_cdf, NULL, tau);
    for (size_t i = 0; i < flux->n_bins; i++)
        col[i] = NR_BR_DS_TAU_NU * (direct[i] + tau[i]);
}

nr_status nr_nuphilic_mesons_reconstruct(const nr_flux *flux, const nr_nuphilic_parents *parents,
                                         nr_nuphilic_mesons *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = flux->n_bins;
    if (n + NR_NUPHILIC_DS_EXTRA_BINS > NR_NUPHILIC_MAX_BINS || parents->n_bins != n)
        return nr_fail(err, NR_EDATA, "", "flux table of %zu bins does not fit the parent split (%zu bins, max %d)",
                       n, parents->n_bins, NR_NUPHILIC_MAX_BINS - NR_NUPHILIC_DS_EXTRA_BINS);
    /* pi and K: the meson bin is the image of the neutrino bin under E_nu = x0 E_M */
    for (int m = NR_NUPHILIC_PION; m <= NR_NUPHILIC_KAON; m++) {
        double x0 = two_body_x(m, NR_M_MUON), br = m == NR_NUPHILIC_PION ? NR_BR_PI_MU_NU : NR_BR_K_MU_NU;
        out->n[m] = n;
        for (size_t j = 0; j < n; j++) {
            out->lo[m][j] = flux->e_lo[j] / x0;
            out->hi[m][j] = flux->e_hi[j] / x0;
            for (int c = 0; c < 2; c++) {
                const double *share = m == NR_NUPHILIC_PION ? parents->pion[c] : parents->kaon[c];
                out->count[m][c][j] = flux->count[NR_SPECIES(NR_FLAVOUR_MU, c)][j] * share[j] / br;
            }
        }
    }
    /* D_s: the flux grid extended upwards, unfolded by Richardson-Lucy */
    size_t nd = n + NR_NUPHILIC_DS_EXTRA_BINS;
    out->n[NR_NUPHILIC_DS] = nd;
    for (size_t j = 0; j < n; j++) {
        out->lo[NR_NUPHILIC_DS][j] = flux->e_lo[j];
        out->hi[NR_NUPHILIC_DS][j] = flux->e_hi[j];
    }
    double ratio = flux->e_hi[n - 1] / flux->e_lo[n - 1];
    for (size_t j = n; j < nd; j++) {
        out->lo[NR_NUPHILIC_DS][j] = out->hi[NR_NUPHILIC_DS][j - 1];
        out->hi[NR_NUPHILIC_DS][j] = out->lo[NR_NUPHILIC_DS][j] * ratio;
    }
    double a[NR_NUPHILIC_MAX_BINS][NR_NUPHILIC_MAX_BINS]; /* a[j][i] */
    double colsum[NR_NUPHILIC_MAX_BINS], y[NR_NUPHILIC_MAX_BINS], d[NR_NUPHILIC_MAX_BINS], ymax = 0, ysum = 0;
    for (size_t j = 0; j < nd; j++) {
        ds_response(flux, out, j, a[j]);
        colsum[j] = 0;
        for (size_t i = 0; i < n; i++)
            colsum[j] += a[j][i];
    }
    for (size_t i = 0; i < n; i++) {
        y[i] = 0.5 * (flux->count[NR_SPECIES(NR_FLAVOUR_TAU, 0)][i] + flux->count[NR_SPECIES(NR_FLAVOUR_TAU, 1)][i]);
        ymax = fmax(ymax, y[i]);
        ysum += y[i];
    }
    if (!(ysum > 0))
        return nr_fail(err, NR_EDATA, "", "the flux table has no tau neutrinos to reconstruct the D_s from");
    for (size_t j = 0; j < nd; j++)
        d[j] = colsum[j] > 0 ? ysum / (NR_BR_DS_TAU_NU * nd) : 0;
    const int max_iter = 3000; /* converged to the table's noise after ~2000 (residual no longer falls) */
    const double goal = 1e-3, floor_y = 1e-3 * ymax;
    double resid = INFINITY;
    int it;
    for (it = 0; it < max_iter; it++) {
        double fold[NR_NUPHILIC_MAX_BINS] = {0};
        for (size_t j = 0; j < nd; j++)
            for (size_t i = 0; i < n; i++)
                fold[i] += a[j][i] * d[j];
        resid = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i] > floor_y)
                resid = fmax(resid, fabs(fold[i] / y[i] - 1));
        if (resid < goal)
            break;
        /* multiplicative update for the least squares in relative residuals, sum_i w_i (fold_i - y_i)^2 with
         * w_i = 1/max(y_i, floor)^2 over d >= 0 (Lee-Seung): every bin counts alike, the tail as much as the
         * peak, and empty bins of the table pull the refolded flux down to the floor */
        for (size_t j = 0; j < nd; j++) {
            double num = 0, den = 0;
            for (size_t i = 0; i < n; i++) {
                double yi = fmax(y[i], floor_y), w = 1 / (yi * yi);
                num += a[j][i] * y[i] * w;
                den += a[j][i] * fold[i] * w;
            }
            if (den > 0)
                d[j] *= num / den;
        }
    }
    out->ds_iterations = it;
    out->ds_max_residual = resid;
    for (size_t j = 0; j < nd; j++)
        out->count[NR_NUPHILIC_DS][0][j] = out->count[NR_NUPHILIC_DS][1][j] = d[j];
    return NR_OK;
}

void nr_nuphilic_mesons_refold(const nr_nuphilic_mesons *m, const nr_flux *flux, int species, double *out)
{
    size_t n = flux->n_bins;
    int flavour = species / 2, charge = species % 2;
    for (size_t i = 0; i < n; i++)
        out[i] = 0;
    double col[NR_NUPHILIC_MAX_BINS];
    if (flavour == NR_FLAVOUR_MU) {
        for (int mes = NR_NUPHILIC_PION; mes <= NR_NUPHILIC_KAON; mes++) {
            double br = mes == NR_NUPHILIC_PION ? NR_BR_PI_MU_NU : NR_BR_K_MU_NU;
            for (size_t j = 0; j < m->n[mes]; j++) {
                transfer_line(flux, m->lo[mes][j], m->hi[mes][j], two_body_x(mes, NR_M_MUON), col);
                for (size_t i = 0; i < n; i++)
                    out[i] += m->count[mes][charge][j] * br * col[i];
            }
        }
    } else if (flavour == NR_FLAVOUR_TAU) {
        for (size_t j = 0; j < m->n[NR_NUPHILIC_DS]; j++) {
            ds_response(flux, m, j, col);
            for (size_t i = 0; i < n; i++)
                out[i] += m->count[NR_NUPHILIC_DS][charge][j] * col[i];
        }
    }
}

/* ---- the new neutrinos ---- */

typedef struct {
    const nr_nuphilic_rest_spectra *sp;
    double m_meson;
    double cumulative[NR_NUPHILIC_N_NU_BINS + 1]; /* fraction below the lower edge of each E bin */
} direct_ctx;

static void direct_ctx_init(direct_ctx *c, const nr_nuphilic_rest_spectra *sp, double m_meson)
{
    c->sp = sp;
    c->m_meson = m_meson;
    c->cumulative[0] = 0;
    for (int i = 0; i < NR_NUPHILIC_N_NU_BINS; i++)
        c->cumulative[i + 1] = c->cumulative[i] + sp->prob_nu[i];
}

/* u = E / (e_nu_max / NR_NUPHILIC_N_NU_BINS), dimensionless: the rest-frame neutrino energy E = x m_M / 2 [GeV]
 * counted in the spectrum's E bins (0 at E = 0, NR_NUPHILIC_N_NU_BINS at the end point e_nu_max) */
static double direct_u(double x, const direct_ctx *c)
{
    return 0.5 * x * c->m_meson / c->sp->e_nu_max * NR_NUPHILIC_N_NU_BINS;
}

/* CDF of x = 2 E/m_M for the direct neutrino: piecewise linear over the uniform E bins */
static double direct_x_cdf(double x, const void *p)
{
    const direct_ctx *c = p;
    double u = direct_u(x, c);
    if (u <= 0)
        return 0;
    if (u >= NR_NUPHILIC_N_NU_BINS)
        return 1;
    int k = (int)u;
    return c->cumulative[k] + (u - k) * c->sp->prob_nu[k];
}

/* nr_nuphilic_transfer of direct_x_cdf with the same arithmetic, stopping at the first flux edge past the
 * direct neutrino's end point at every node (there the CDF is 1 at both edges of every further bin, which then
 * gets w (1 - 1) = 0): for the low meson bins most of the grid (issue 11). */
static void direct_transfer(const nr_flux *flux, double m_lo, double m_hi, const direct_ctx *c, double *prob)
{
    size_t n = flux->n_bins;
    for (size_t i = 0; i < n; i++)
        prob[i] = 0;
    for (int g = 0; g < 8; g++) {
        double e = 0.5 * (m_lo + m_hi) + 0.5 * (m_hi - m_lo) * nr_nuphilic_gl8_x[g], w = 0.5 * nr_nuphilic_gl8_w[g];
        double x = flux->e_lo[0] / e, prev = direct_x_cdf(x, c);
        for (size_t i = 0; i < n; i++) {
            /* direct_x_cdf's end-point test (u >= NR_NUPHILIC_N_NU_BINS) at the bin's lower edge: the CDF is 1 there
             * and, u growing with the edge, at every further edge */
            if (direct_u(x, c) >= NR_NUPHILIC_N_NU_BINS)
                break;
            x = flux->e_hi[i] / e;
            double next = direct_x_cdf(x, c);
            prob[i] += w * (next - prev);
            prev = next;
        }
    }
}

static double zp_bin_energy(nr_nuphilic_meson m, double m_zp, int k)
{
    return sqrt(nr_nuphilic_zp_bin_edge(m, m_zp, k) * nr_nuphilic_zp_bin_edge(m, m_zp, k + 1));
}

/* The meson-bin side of a Z' transfer, the same at every m_Z' and Z' energy: the 8 Gauss-Legendre meson energies
 * E_g [GeV] of bin j (weights w_g = gl8_w / 2), the moments of u_g = 1/E_g [1/GeV] about their weighted mean
 * (M0 = sum w_g, D_n = sum w_g (u_g - u_mean)^n), and at every flux edge the rest-frame neutrino energy
 * es = E_edge m_M / (2 E_g) [GeV] at the lowest and the highest E_g (the largest and the smallest es). */
typedef struct {
    double e[8], u_mean, m0, d1, d2, d3;
    double es_max[NR_NUPHILIC_MAX_BINS + 1], es_min[NR_NUPHILIC_MAX_BINS + 1];
} zp_meson_bin;

static double flux_edge(const nr_flux *flux, size_t i)
{
    return i == 0 ? flux->e_lo[0] : flux->e_hi[i - 1];
}

static void zp_meson_bin_init(const nr_flux *flux, double m_lo, double m_hi, double m_meson, zp_meson_bin *b)
{
    double su = 0;
    b->m0 = 0;
    for (int g = 0; g < 8; g++) {
        b->e[g] = 0.5 * (m_lo + m_hi) + 0.5 * (m_hi - m_lo) * nr_nuphilic_gl8_x[g];
        b->m0 += 0.5 * nr_nuphilic_gl8_w[g];
        su += 0.5 * nr_nuphilic_gl8_w[g] / b->e[g];
    }
    b->u_mean = su / b->m0;
    b->d1 = b->d2 = b->d3 = 0;
    for (int g = 0; g < 8; g++) {
        double w = 0.5 * nr_nuphilic_gl8_w[g], d = 1 / b->e[g] - b->u_mean;
        b->d1 += w * d;
        b->d2 += w * d * d;
        b->d3 += w * d * d * d;
    }
    for (size_t i = 0; i <= flux->n_bins; i++) { /* as in the per-node sum below: 0.5 (E_edge / E_g) m_M */
        b->es_max[i] = 0.5 * (flux_edge(flux, i) / b->e[0]) * m_meson;
        b->es_min[i] = 0.5 * (flux_edge(flux, i) / b->e[7]) * m_meson;
    }
}

/* Writes flux bin i of both polarisations' transfers and widens [*first, *end), the bins with a nonzero entry of
 * either, to hold it if it is nonzero (*end == 0: none yet). */
static void zp_write(double *prob_long, double *prob_trans, size_t i, double l, double t, size_t *first, size_t *end)
{
    prob_long[i] = l;
    prob_trans[i] = t;
    if (l != 0 || t != 0) {
        if (*end == 0)
            *first = i;
        *end = i + 1;
    }
}

/* nr_nuphilic_transfer of the Z' -> nu CDF (nr_nuphilic_zp_nu_cdf) for both polarisations at once: the
 * meson-energy average G(edge) = sum_g w_g F(c_g), c_g = (2 es_g - E_Z') / p_Z' = cos theta* of a neutrino at the
 * flux edge seen from meson energy E_g, at every edge; bin i gets G(edge i+1) - G(edge i). F is the cubic
 * nr_nuphilic_zp_nu_cdf_long/_trans inside the support (|c| < 1), 0 below and 1 above it. Where every node of
 * an edge is inside, c_g = c_mean + a (u_g - u_mean) with a = E_edge m_M / p_Z', and the sum of the cubic is
 * written with the moments of zp_meson_bin (one evaluation instead of eight, the same quadrature; the
 * expansion about the mean keeps every term of order one, |c_g| < 1); edges where the support ends between
 * nodes are summed node by node. Agrees with nr_nuphilic_transfer to rounding (tests/test_nuphilic_flux.c). */
static void zp_transfer_both(const nr_flux *flux, const zp_meson_bin *b, double e_zp, double m_zp, double m_meson,
                             double *prob_long, double *prob_trans, size_t *first, size_t *end)
{
    /* [*first, *end): the bins with a nonzero entry of either polarisation (0, 0 if none) */
    *first = *end = 0;
    size_t n = flux->n_bins;
    double p = sqrt(fmax(e_zp * e_zp - m_zp * m_zp, 0));
    double lo = 0.5 * (e_zp - p), hi = 0.5 * (e_zp + p);
    double prev_l = 0, prev_t = 0; /* every bin is written once: below, or 0 above the support */
    for (size_t i = 0; i <= n; i++) {
        double gl, gt;
        if (b->es_max[i] <= lo) { /* every node below the support */
            gl = gt = 0;
        } else if (b->es_min[i] >= hi) { /* every node above: this and every further edge at G = M0 */
            if (i > 0)
                zp_write(prob_long, prob_trans, i - 1, b->m0 - prev_l, b->m0 - prev_t, first, end);
            for (; i < n; i++)
                prob_long[i] = prob_trans[i] = 0;
            return;
        } else if (b->es_min[i] > lo && b->es_max[i] < hi) { /* every node inside */
            double edge = flux_edge(flux, i), a = edge * m_meson / p;
            double c = (edge * m_meson * b->u_mean - e_zp) / p;
            double s1 = b->m0 * c + a * b->d1;
            double s3 = b->m0 * c * c * c + 3 * c * c * a * b->d1 + 3 * c * a * a * b->d2 + a * a * a * b->d3;
            gl = 0.5 * b->m0 + 0.75 * (s1 - s3 / 3);
            gt = 0.5 * b->m0 + 0.375 * (s1 + s3 / 3);
        } else { /* the support ends between nodes: node by node, as nr_nuphilic_zp_nu_cdf */
            double edge = flux_edge(flux, i);
            gl = gt = 0;
            for (int g = 0; g < 8; g++) {
                double w = 0.5 * nr_nuphilic_gl8_w[g], es = 0.5 * (edge / b->e[g]) * m_meson;
                if (es <= lo)
                    continue;
                if (es >= hi) {
                    gl += w;
                    gt += w;
                } else {
                    double c = (2 * es - e_zp) / p;
                    gl += w * nr_nuphilic_zp_nu_cdf_long(c);
                    gt += w * nr_nuphilic_zp_nu_cdf_trans(c);
                }
            }
        }
        if (i > 0)
            zp_write(prob_long, prob_trans, i - 1, gl - prev_l, gt - prev_t, first, end);
        prev_l = gl;
        prev_t = gt;
    }
}

void nr_nuphilic_prepared_free(nr_nuphilic_prepared *p)
{
    if (!p)
        return;
    for (int m = 0; m < NR_NUPHILIC_N_MESONS; m++) {
        for (int pol = 0; pol < 2; pol++) {
            free(p->zp_transfer[m][pol]);
            p->zp_transfer[m][pol] = NULL;
        }
        free(p->zp_beta_gamma[m]);
        p->zp_beta_gamma[m] = NULL;
        free(p->zp_range[m]);
        p->zp_range[m] = NULL;
        for (int pol = 0; pol < 2; pol++) {
            free(p->zp_prompt[m][pol]);
            p->zp_prompt[m][pol] = NULL;
        }
        free(p->zp_prompt_range[m]);
        p->zp_prompt_range[m] = NULL;
    }
}

nr_status nr_nuphilic_prepare(const nr_nuphilic_mesons *mesons, const nr_flux *flux, double m_zp, double distance_m,
                              nr_nuphilic_prepared *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    out->m_zp = m_zp;
    out->distance_m = distance_m;
    out->n_nu = flux->n_bins;
    out->mesons = mesons;
    size_t n = flux->n_bins;
    if (n > NR_NUPHILIC_MAX_BINS)
        return nr_fail(err, NR_EDATA, "", "flux table has %zu bins, at most %d supported", n, NR_NUPHILIC_MAX_BINS);
    /* rest-frame spectra per (meson, lepton), computed once */
    nr_nuphilic_rest_spectra *rest = calloc(NR_NUPHILIC_N_MESONS * NR_N_FLAVOURS, sizeof *rest);
    /* the direct neutrino's transfer from each meson bin to the flux bins depends on the meson and the lepton only:
     * computed once per (meson, lepton), shared by the channels (couplings, neutrino flavours) that use it */
    double *direct_col = malloc((size_t)NR_NUPHILIC_N_MESONS * NR_N_FLAVOURS * NR_NUPHILIC_MAX_BINS * n *
                                sizeof *direct_col);
    int have[NR_NUPHILIC_N_MESONS][NR_N_FLAVOURS] = {{0}};
    if (!rest || !direct_col) {
        free(rest);
        free(direct_col);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the rest-frame spectra");
    }
    nr_status st = NR_OK;
    int meson_used[NR_NUPHILIC_N_MESONS] = {0};
    for (int c = 0; c < NR_NUPHILIC_N_COUPLINGS && st == NR_OK; c++) {
        int a, b;
        nr_nuphilic_coupling_flavours(c, &a, &b);
        int pairs[2][2] = {{a, b}, {b, a}};
        for (int p = 0; p < (a == b ? 1 : 2) && st == NR_OK; p++)
            for (int m = 0; m < NR_NUPHILIC_N_MESONS && st == NR_OK; m++) {
                nr_nuphilic_channel *ch = &out->channel[out->n_channels++];
                ch->meson = m;
                ch->lepton = pairs[p][0];
                ch->neutrino = pairs[p][1];
                ch->coupling = c;
                double ml = nr_nuphilic_lepton_mass(ch->lepton);
                ch->open = nr_nuphilic_open(m, ml, m_zp);
                if (!ch->open)
                    continue;
                nr_nuphilic_rest_spectra *sp = &rest[m * NR_N_FLAVOURS + ch->lepton];
                double *cols = direct_col + (size_t)(m * NR_N_FLAVOURS + ch->lepton) * NR_NUPHILIC_MAX_BINS * n;
                if (!have[m][ch->lepton]) {
                    if ((st = nr_nuphilic_rest_spectra_compute(m, ml, m_zp, sp, err)) != NR_OK)
                        break;
                    have[m][ch->lepton] = 1;
                    direct_ctx dc;
                    direct_ctx_init(&dc, sp, nr_nuphilic_meson_get(m)->mass);
                    for (size_t j = 0; j < mesons->n[m]; j++)
                        direct_transfer(flux, mesons->lo[m][j], mesons->hi[m][j], &dc, cols + j * n);
                }
                meson_used[m] = 1;
                ch->br = sp->width / nr_nuphilic_meson_width(m);
                memcpy(ch->zp_long, sp->prob_zp_long, sizeof ch->zp_long);
                memcpy(ch->zp_trans, sp->prob_zp_trans, sizeof ch->zp_trans);
                for (size_t j = 0; j < mesons->n[m]; j++) {
                    const double *col = cols + j * n;
                    for (int q = 0; q < 2; q++)
                        for (size_t i = 0; i < n; i++)
                            ch->direct[q][i] += ch->br * mesons->count[m][q][j] * col[i];
                }
            }
    }
    free(rest);
    free(direct_col);
    if (st != NR_OK)
        return st;
    /* Z' -> nu nubar: transfer per Z' energy bin, meson bin and polarisation */
    for (int m = 0; m < NR_NUPHILIC_N_MESONS; m++) {
        if (!meson_used[m])
            continue;
        size_t nj = mesons->n[m];
        double mm = nr_nuphilic_meson_get(m)->mass;
        double *t[2], *bg = malloc(NR_NUPHILIC_N_ZP_BINS * nj * sizeof *bg);
        unsigned short *range = malloc(2 * NR_NUPHILIC_N_ZP_BINS * nj * sizeof *range);
        for (int pol = 0; pol < 2; pol++)
            out->zp_transfer[m][pol] = t[pol] = malloc(NR_NUPHILIC_N_ZP_BINS * nj * n * sizeof *t[pol]);
        out->zp_beta_gamma[m] = bg;
        out->zp_range[m] = range;
        if (!t[0] || !t[1] || !bg || !range) {
            nr_nuphilic_prepared_free(out);
            return nr_fail(err, NR_ENOMEM, "", "out of memory for the Z' transfer tables");
        }
        zp_meson_bin *bins = malloc(nj * sizeof *bins);
        if (!bins) {
            nr_nuphilic_prepared_free(out);
            return nr_fail(err, NR_ENOMEM, "", "out of memory for the Z' transfer tables");
        }
        for (size_t j = 0; j < nj; j++)
            zp_meson_bin_init(flux, mesons->lo[m][j], mesons->hi[m][j], mm, &bins[j]);
        for (int k = 0; k < NR_NUPHILIC_N_ZP_BINS; k++) {
            double ek = zp_bin_energy(m, m_zp, k), pk = sqrt(fmax(ek * ek - m_zp * m_zp, 0));
            for (size_t j = 0; j < nj; j++) {
                size_t kj = (size_t)k * nj + j;
                /* and the flux bins this (k, j) reaches: [first, end) of the nonzero entries of either polarisation */
                size_t first, end;
                zp_transfer_both(flux, &bins[j], ek, m_zp, mm, t[0] + kj * n, t[1] + kj * n, &first, &end);
                range[2 * kj] = (unsigned short)first;
                range[2 * kj + 1] = (unsigned short)end;
                /* lab Z' of a forward decay (002 Eq. 5's boost): beta gamma = p/m, the coupling-independent factor
                 * of nr_decay_length_m (same arithmetic); 0: at rest */
                double e_lab = sqrt(mesons->lo[m][j] * mesons->hi[m][j]) * (ek + pk) / mm;
                bg[kj] = e_lab > m_zp ? sqrt((e_lab - m_zp) * (e_lab + m_zp)) / m_zp : 0.0;
            }
        }
        free(bins);
        /* the running sums over meson bins of the count-weighted transfers (zp_prompt, see nuphilic_flux.h) */
        unsigned short *pr = malloc(2 * NR_NUPHILIC_N_ZP_BINS * (nj + 1) * sizeof *pr);
        out->zp_prompt_range[m] = pr;
        for (int pol = 0; pol < 2; pol++) /* every row written below (J = 0 zeroed, the others copied and added) */
            out->zp_prompt[m][pol] = malloc(NR_NUPHILIC_N_ZP_BINS * (nj + 1) * n * sizeof *out->zp_prompt[m][pol]);
        if (!pr || !out->zp_prompt[m][0] || !out->zp_prompt[m][1]) {
            nr_nuphilic_prepared_free(out);
            return nr_fail(err, NR_ENOMEM, "", "out of memory for the Z' transfer tables");
        }
        for (int k = 0; k < NR_NUPHILIC_N_ZP_BINS; k++) {
            size_t k0 = (size_t)k * (nj + 1);
            pr[2 * k0] = pr[2 * k0 + 1] = 0; /* J = 0: the empty sum */
            for (int pol = 0; pol < 2; pol++)
                memset(out->zp_prompt[m][pol] + k0 * n, 0, n * sizeof *out->zp_prompt[m][pol]);
            for (size_t j = 0; j < nj; j++) {
                size_t kj = (size_t)k * nj + j, kJ = k0 + j + 1;
                unsigned short a = pr[2 * (kJ - 1)], b = pr[2 * (kJ - 1) + 1];
                double w = mesons->count[m][0][j] + mesons->count[m][1][j];
                for (int pol = 0; pol < 2; pol++) {
                    double *dst = out->zp_prompt[m][pol] + kJ * n;
                    memcpy(dst, dst - n, n * sizeof *dst);
                    if (w > 0) /* as the per-point sum, which skips the others */
                        for (size_t i = range[2 * kj]; i < range[2 * kj + 1]; i++)
                            dst[i] += w * t[pol][kj * n + i];
                }
                if (w > 0 && range[2 * kj + 1] > 0) { /* the union of the ranges */
                    if (b == 0) {
                        a = range[2 * kj];
                        b = range[2 * kj + 1];
                    } else {
                        a = range[2 * kj] < a ? range[2 * kj] : a;
                        b = range[2 * kj + 1] > b ? range[2 * kj + 1] : b;
                    }
                }
                pr[2 * kJ] = a;
                pr[2 * kJ + 1] = b;
            }
        }
    }
    return NR_OK;
}

/* Probability that a Z' of decay length d_m [m] decays within L_m [m] of its production point, 1 - exp(-L/d)
 * (002 Eq. 5; nr_decay_prob_between(0, L, d) for L, d > 0), without its expm1 where that is not needed: for
 * y = L/d > 40 the result is 1 to double precision (exp(-40) = 4.2e-18 is below half the spacing of doubles
 * below 1, 5.6e-17), and for y < 1e-3 the Taylor series y (1 - y/2 + y^2/6 - y^3/24 + y^4/120) leaves out
 * y^6/720 < 1.4e-21 (relative: below the rounding of the sum). About half of the contour's (Z' energy, meson bin)
 * pairs are prompt (y > 40) and a fifth long-lived (y < 1e-3): the per-point sum called expm1 7200 times per
 * meson. tests/test_nuphilic_flux.c checks it against nr_decay_prob_between across y = 1e-8 .. 1e3. */
double nr_nuphilic_zp_decay_prob(double l_m, double d_m)
{
    if (!(l_m > 0) || !(d_m > 0) || isinf(d_m))
        return nr_decay_prob_between(0, l_m, d_m);
    double y = l_m / d_m;
    if (y > 40)
        return 1.0;
    if (y < 1e-3)
        return y * (1 - y * (0.5 - y * (1.0 / 6 - y * (1.0 / 24 - y * (1.0 / 120)))));
    return -expm1(-y);
}

void nr_nuphilic_extra_neutrinos(const nr_nuphilic_prepared *p, const double g[NR_NUPHILIC_N_COUPLINGS], double *extra)
{
    size_t n = p->n_nu;
    for (size_t i = 0; i < NR_N_SPECIES * n; i++)
        extra[i] = 0;
    /* Z' width and the species of its decay products (one neutrino and one antineutrino per decay) */
    double width = 0, mult[NR_N_SPECIES] = {0};
    for (int c = 0; c < NR_NUPHILIC_N_COUPLINGS; c++) {
        int a, b;
        nr_nuphilic_coupling_flavours(c, &a, &b);
        width += nr_nuphilic_zp_width(g[c], a == b, p->m_zp);
    }
    if (width > 0)
        for (int c = 0; c < NR_NUPHILIC_N_COUPLINGS; c++) {
            int a, b;
            nr_nuphilic_coupling_flavours(c, &a, &b);
            double share = nr_nuphilic_zp_width(g[c], a == b, p->m_zp) / width;
            double each = a == b ? 1.0 : 0.5;
            mult[NR_SPECIES(a, 0)] += share * each;
            mult[NR_SPECIES(a, 1)] += share * each;
            mult[NR_SPECIES(b, 0)] += share * each;
            mult[NR_SPECIES(b, 1)] += share * each;
            if (a == b) { /* counted twice above */
                mult[NR_SPECIES(a, 0)] -= share * each;
                mult[NR_SPECIES(a, 1)] -= share * each;
            }
        }
    /* direct neutrinos per channel; the Z' of every channel of one meson share that meson's transfer tables and
     * decay probabilities: their weights are summed per meson first (002 Eq. 5 once per meson, Z' energy and
     * meson bin), M+ and M- give the same Z' */
    const nr_nuphilic_mesons *mes = p->mesons;
    double wl_sum[NR_NUPHILIC_N_MESONS][NR_NUPHILIC_N_ZP_BINS] = {{0}};
    double wt_sum[NR_NUPHILIC_N_MESONS][NR_NUPHILIC_N_ZP_BINS] = {{0}};
    int used[NR_NUPHILIC_N_MESONS] = {0};
    for (size_t ci = 0; ci < p->n_channels; ci++) {
        const nr_nuphilic_channel *ch = &p->channel[ci];
        double g2 = g[ch->coupling] * g[ch->coupling];
        if (!ch->open || !(g2 > 0))
            continue;
        for (int q = 0; q < 2; q++) {
            double *dst = extra + (size_t)NR_SPECIES(ch->neutrino, q) * n;
            for (size_t i = 0; i < n; i++)
                dst[i] += g2 * ch->direct[q][i];
        }
        used[ch->meson] = 1;
        for (int k = 0; k < NR_NUPHILIC_N_ZP_BINS; k++) {
            wl_sum[ch->meson][k] += g2 * ch->br * ch->zp_long[k];
            wt_sum[ch->meson][k] += g2 * ch->br * ch->zp_trans[k];
        }
    }
    double zsum[NR_NUPHILIC_MAX_BINS] = {0};
    double hbarc_over_width = width > 0 ? NR_HBARC_GEV_M / width : INFINITY;
    /* below this beta gamma L/d > 40 (1 + 1e-9): nr_nuphilic_zp_decay_prob is exactly 1 there (its switch at
     * L/d > 40 with a margin far above the rounding of L/d) */
    double bg_prompt = p->distance_m / (40 * (1 + 1e-9) * hbarc_over_width);
    for (int m = 0; m < NR_NUPHILIC_N_MESONS; m++) {
        if (!used[m])
            continue;
        size_t nj = mes->n[m];
        const double *tl = p->zp_transfer[m][0], *tt = p->zp_transfer[m][1], *bg = p->zp_beta_gamma[m];
        const unsigned short *range = p->zp_range[m], *prange = p->zp_prompt_range[m];
        for (int k = 0; k < NR_NUPHILIC_N_ZP_BINS; k++) {
            if (wl_sum[m][k] == 0 && wt_sum[m][k] == 0)
                continue;
            /* the prompt Z' from the running sums: the meson bins j < jp, all at rest or with beta gamma below
             * bg_prompt (found by bisection: beta gamma does not decrease with j at fixed k) */
            size_t jp = 0;
            if (width > 0) {
                const double *bgk = bg + (size_t)k * nj;
                size_t hi = nj;
                while (jp < hi) {
                    size_t mid = jp + (hi - jp) / 2;
                    if (bgk[mid] == 0 || bgk[mid] < bg_prompt)
                        jp = mid + 1;
                    else
                        hi = mid;
                }
            }
            if (jp > 0) {
                size_t kJ = (size_t)k * (nj + 1) + jp;
                const double *pl = p->zp_prompt[m][0] + kJ * n, *pt = p->zp_prompt[m][1] + kJ * n;
                double wl = wl_sum[m][k], wt = wt_sum[m][k];
                for (size_t i = prange[2 * kJ]; i < prange[2 * kJ + 1]; i++)
                    zsum[i] += wl * pl[i] + wt * pt[i];
            }
            for (size_t j = jp; j < nj; j++) {
                double w = mes->count[m][0][j] + mes->count[m][1][j];
                if (!(w > 0))
                    continue;
                size_t kj = (size_t)k * nj + j;
                if (range[2 * kj + 1] == 0)
                    continue; /* no neutrino of this (k, j) lands in the flux grid */
                /* nr_decay_prob_between(0, L, decay length), decay length = beta gamma hbar c / Gamma */
                double prob = !(width > 0) ? 0.0 : bg[kj] > 0 ? nr_nuphilic_zp_decay_prob(p->distance_m, bg[kj] * hbarc_over_width)
                                                              : 1.0;
                double wl = wl_sum[m][k] * w * prob, wt = wt_sum[m][k] * w * prob;
                const double *rl = tl + kj * n, *rt = tt + kj * n;
                for (size_t i = range[2 * kj]; i < range[2 * kj + 1]; i++) /* outside: rl = rt = 0 */
                    zsum[i] += wl * rl[i] + wt * rt[i];
            }
        }
    }
    for (int s = 0; s < NR_N_SPECIES; s++)
        if (mult[s] > 0)
            for (size_t i = 0; i < n; i++)
                extra[(size_t)s * n + i] += mult[s] * zsum[i];
}
