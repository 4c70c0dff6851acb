/* dis.c: charged-current deep-inelastic neutrino-nucleon cross sections at leading order.
 *
 * Cross section (Albright & Jarlskog, Nucl. Phys. B84 (1975) 467; in the form of S. Kretzer and
 * M.H. Reno, Phys. Rev. D66 (2002) 113007, Eq. 2), for nu (+) and nubar (-) on a nucleon of mass M with
 * a charged lepton of mass m, Q^2 = 2 M E x y:
 *
 *   d2sigma/dxdy = G_F^2 M E / (pi (1 + Q^2/M_W^2)^2) * {
 *        (y^2 x + m^2 y / (2 E M)) F1 + [(1 - m^2/(4E^2)) - (1 + M x/(2E)) y] F2
 *      +- [x y (1 - y/2) - m^2 y/(4 E M)] F3 + m^2 (m^2 + Q^2)/(4 E^2 M^2 x) F4 - m^2/(E M) F5 }
 *
 * Leading-order parton model, light final quarks massless: F2 = 2x F1, F4 = 0, F5 = F1 (Albright-Jarlskog
 * relations), F2 = 2x (q_flat + q_(1-y)^2), x F3 = 2x (q_flat - q_(1-y)^2), where "flat" are the densities
 * entering with a flat y distribution (quarks for nu, antiquarks for nubar) and "(1-y)^2" the others; the
 * sign of F3 for nubar is absorbed in this grouping. For m = 0 this reduces to the textbook
 * (2 G_F^2 M E / pi) x [q + qbar (1-y)^2].
 *   nu + p:    flat = d + s -> u,   (1-y)^2 = ubar + cbar     nubar + p: flat = dbar + sbar -> ubar,
 *   (1-y)^2 = u + c; and d, s -> c (nu), dbar, sbar -> cbar (nubar) with the charm mass,
 * with CKM weights, and the neutron by isospin (u <-> d). Charm production uses slow rescaling: the struck
 * quark carries xi = x (1 + m_c^2/Q^2) (R.M. Barnett, Phys. Rev. D14 (1976) 70). PDFs at Q^2, frozen below
 * the grid's Q_min (pdf.h). Nuclear effects (shadowing, EMC) are not included.
 * Sign convention: the "+-" F3 term below is written once with F3 = 2(q_flat - q_(1-y)^2)/x.
 *
 * Kinematic limits with a massive lepton (Kretzer & Reno 2002, Eqs. 5-7; also Albright-Jarlskog):
 *   x >= m^2 / (2 M (E - m)),
 *   y in [A - B, A + B], A = [1 - m^2 (1/(2MEx) + 1/(2E^2))] / (2 (1 + Mx/(2E))),
 *                        B = sqrt[(1 - m^2/(2MEx))^2 - m^2/E^2] / (2 (1 + Mx/(2E))),
 * and the inelastic threshold on the hadronic mass, W^2 = M^2 + 2 M E y (1 - x) >= (M + m_pi)^2.
 */
#include "dis.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>

#include "constants.h"
#include "flux.h"

#define W_MIN_GEV (NR_M_NUCLEON + NR_M_PION_CHARGED) /* inelastic threshold on W [GeV] */

static double nucleon_mass(nr_nucleon n)
{
    return n == NR_NUCLEON_PROTON ? NR_M_PROTON : NR_M_NEUTRON;
}

static double lepton_mass(int flavour)
{
    switch (flavour) {
    case NR_FLAVOUR_E: return NR_M_ELECTRON;
    case NR_FLAVOUR_MU: return NR_M_MUON;
    default: return NR_M_TAU;
    }
}

double nr_dis_cc_threshold(int flavour)
{
    double m = lepton_mass(flavour), mn = NR_M_NUCLEON;
    return ((m + W_MIN_GEV) * (m + W_MIN_GEV) - mn * mn) / (2.0 * mn);
}

/* CKM matrix elements |V_ij| (PDG 2022, "CKM quark-mixing matrix" review, Eq. 12.27 fits). */
#define V_UD 0.97373
#define V_US 0.2243
#define V_CD 0.221
#define V_CS 0.975
/* Charm mass for slow rescaling [GeV]: leading-order fits to dimuon data, m_c = 1.31 +- 0.24 GeV
 * (CCFR, S.A. Rabinowitz et al., Phys. Rev. Lett. 70 (1993) 134). */
#define M_CHARM_GEV 1.31

/* Parton densities (x f) grouped by how they enter the cross section. "flat": the neutrino-quark
 * (or antineutrino-antiquark) combinations with a flat y distribution; "one_minus_y2": those weighted by
 * (1-y)^2. Light final states use the densities at x; charm production (d, s -> c for nu and
 * dbar, sbar -> cbar for nubar) uses the densities at the slow-rescaling variable xi (see below). */
typedef struct {
    double flat, one_minus_y2; /* at x  */
    double charm_flat;         /* at xi */
} parton_weights;

static void flavour_densities(const nr_pdf *pdf, nr_nucleon nucleon, double x, double q2, double *u,
                              double *d, double *s, double *c, double *ubar, double *dbar, double *sbar,
                              double *cbar)
{
    double f[NR_PDF_N_PARTONS];
    nr_pdf_xfx_all(pdf, x, q2, f);
    *u = f[NR_PDF_INDEX(2)], *d = f[NR_PDF_INDEX(1)], *s = f[NR_PDF_INDEX(3)], *c = f[NR_PDF_INDEX(4)];
    *ubar = f[NR_PDF_INDEX(-2)], *dbar = f[NR_PDF_INDEX(-1)], *sbar = f[NR_PDF_INDEX(-3)];
    *cbar = f[NR_PDF_INDEX(-4)];
    if (nucleon == NR_NUCLEON_NEUTRON) { /* isospin: u_n = d_p, d_n = u_p */
        double t = *u; *u = *d; *d = t;
        t = *ubar; *ubar = *dbar; *dbar = t;
    }
}

static parton_weights parton_sums(const nr_pdf *pdf, nr_cc_channel ch, double x, double xi, double q2)
{
    const double vud2 = V_UD * V_UD, vus2 = V_US * V_US, vcd2 = V_CD * V_CD, vcs2 = V_CS * V_CS;
    double u, d, s, c, ubar, dbar, sbar, cbar;
    parton_weights w = {0, 0, 0};
    flavour_densities(pdf, ch.nucleon, x, q2, &u, &d, &s, &c, &ubar, &dbar, &sbar, &cbar);
    if (!ch.anti) { /* W+ absorbed: d,s -> u (flat); ubar -> dbar,sbar and cbar -> sbar,dbar ((1-y)^2) */
        w.flat = vud2 * d + vus2 * s;
        w.one_minus_y2 = (vud2 + vus2) * ubar + (vcd2 + vcs2) * cbar;
    } else {        /* W- absorbed: dbar,sbar -> ubar (flat); u -> d,s and c -> s,d ((1-y)^2) */
        w.flat = vud2 * dbar + vus2 * sbar;
        w.one_minus_y2 = (vud2 + vus2) * u + (vcd2 + vcs2) * c;
    }
    if (xi < 1.0) {
        flavour_densities(pdf, ch.nucleon, xi, q2, &u, &d, &s, &c, &ubar, &dbar, &sbar, &cbar);
        w.charm_flat = ch.anti ? vcd2 * dbar + vcs2 * sbar : vcd2 * d + vcs2 * s;
    }
    return w;
}

/* y range at fixed x; returns 0 if empty. */
static int y_range(double e_nu, double x, double m_l, double m_n, double *y_lo, double *y_hi)
{
    double m2 = m_l * m_l;
    double denom = 2.0 * (1.0 + m_n * x / (2.0 * e_nu));
    double a = (1.0 - m2 * (1.0 / (2.0 * m_n * e_nu * x) + 1.0 / (2.0 * e_nu * e_nu))) / denom;
    double rad = (1.0 - m2 / (2.0 * m_n * e_nu * x));
    rad = rad * rad - m2 / (e_nu * e_nu);
    if (rad < 0)
        return 0;
    double b = sqrt(rad) / denom;
    double lo = a - b, hi = a + b;
    if (x < 1.0) { /* W >= W_min */
        double y_w = (W_MIN_GEV * W_MIN_GEV - m_n * m_n) / (2.0 * m_n * e_nu * (1.0 - x));
        if (y_w > lo)
            lo = y_w;
    } else {
        return 0;
    }
    if (lo < 0)
        lo = 0;
    if (hi > 1)
        hi = 1;
    *y_lo = lo;
    *y_hi = hi;
    return hi > lo;
}

double nr_dis_cc_d2sigma_dxdy(const nr_pdf *pdf, nr_cc_channel ch, double e_nu, double x, double y)
{
    double m_n = nucleon_mass(ch.nucleon), m_l = lepton_mass(ch.flavour);
    double y_lo, y_hi;
    if (!(x > 0 && x < 1) || !y_range(e_nu, x, m_l, m_n, &y_lo, &y_hi) || y < y_lo || y > y_hi)
        return 0.0;
    double q2 = 2.0 * m_n * e_nu * x * y;
    double xi = x * (1.0 + M_CHARM_GEV * M_CHARM_GEV / q2); /* slow rescaling (Barnett 1976) */
    parton_weights pw = parton_sums(pdf, ch, x, xi, q2);
    /* light final states, massless quarks: F2 = 2x(q+qbar), F1 = F2/2x, x F3 = 2x(q_flat - q_(1-y)^2) */
    double f2 = 2.0 * (pw.flat + pw.one_minus_y2);
    double f1 = f2 / (2.0 * x);
    double f3 = 2.0 * (pw.flat - pw.one_minus_y2) / x;
    /* charm production at LO with the quark at xi: F1 = q(xi), F2 = 2 xi q(xi), F3 = 2 q(xi). Derivation
     * check: for m_l = 0 the bracket becomes 2 q(xi) [xi (1-y) + x y] = 2 xi q(xi) (1 - m_c^2/(2 M E xi))
     * at fixed y (dx = dxi), flat in y over y >= m_c^2/(2 M E xi); the y integral gives the parton cross
     * section G_F^2 s_hat/pi (1 - m_c^2/s_hat)^2 with s_hat = 2 M E xi, as for nu s -> mu c directly. */
    if (pw.charm_flat > 0) {
        double q_xi = pw.charm_flat / xi; /* density q(xi), not xi q(xi) */
        f1 += q_xi;
        f2 += 2.0 * xi * q_xi;
        f3 += 2.0 * q_xi;
    }
    double f5 = f1; /* Albright-Jarlskog relation, F4 = 0 */
    double m2 = m_l * m_l, e = e_nu;
    double bracket = (y * y * x + m2 * y / (2.0 * e * m_n)) * f1
                   + ((1.0 - m2 / (4.0 * e * e)) - (1.0 + m_n * x / (2.0 * e)) * y) * f2
                   + (x * y * (1.0 - 0.5 * y) - m2 * y / (4.0 * e * m_n)) * f3
                   - m2 / (e * m_n) * f5;
    double prop = 1.0 / (1.0 + q2 / (NR_M_W * NR_M_W));
    double d2 = NR_G_FERMI * NR_G_FERMI * m_n * e / NR_PI * prop * prop * bracket; /* [GeV^-2] */
    return d2 > 0 ? d2 * NR_HBARC2_GEV2_CM2 : 0.0;
}

/* Smallest x allowed by the lepton mass and the largest x with a non-empty y range. */
static int x_limits(double e_nu, double m_l, double m_n, double *x_lo, double *x_hi)
{
    if (e_nu <= m_l)
        return 0;
    double lo = m_l > 0 ? m_l * m_l / (2.0 * m_n * (e_nu - m_l)) : 0.0;
    double floor_x = 1e-12;
    if (lo < floor_x)
        lo = floor_x;
    double ylo, yhi;
    /* the y range is open somewhere just above lo if at all; find the largest x by bisection */
    double probe_lo = lo * (1.0 + 1e-9), probe_hi = 1.0 - 1e-12;
    if (!y_range(e_nu, probe_lo, m_l, m_n, &ylo, &yhi)) {
        /* near the lower edge the range can be closed for a massive lepton; scan upward */
        int found = 0;
        for (int i = 1; i <= 200 && !found; i++) {
            double xp = lo * pow(1.0 / lo, i / 200.0);
            if (xp < 1.0 && y_range(e_nu, xp, m_l, m_n, &ylo, &yhi)) {
                probe_lo = xp;
                found = 1;
            }
        }
        if (!found)
            return 0;
        /* refine the lower edge */
        double a = lo, b = probe_lo;
        for (int it = 0; it < 60; it++) {
            double mid = sqrt(a * b);
            if (y_range(e_nu, mid, m_l, m_n, &ylo, &yhi))
                b = mid;
            else
                a = mid;
        }
        lo = b;
        probe_lo = b;
    }
    if (y_range(e_nu, probe_hi, m_l, m_n, &ylo, &yhi)) {
        *x_lo = lo;
        *x_hi = probe_hi;
        return 1;
    }
    double a = probe_lo, b = probe_hi;
    for (int it = 0; it < 80; it++) {
        double mid = 0.5 * (a + b);
        if (y_range(e_nu, mid, m_l, m_n, &ylo, &yhi))
            a = mid;
        else
            b = mid;
    }
    *x_lo = lo;
    *x_hi = a;
    return a > lo;
}

/* Gauss-Legendre nodes, fixed for the production path (tests compare with the adaptive path). */
#define N_LNX 64
#define N_Y 32

double nr_dis_cc_sigma(const nr_pdf *pdf, nr_cc_channel ch, double e_nu)
{
    double m_n = nucleon_mass(ch.nucleon), m_l = lepton_mass(ch.flavour);
    if (e_nu <= nr_dis_cc_threshold(ch.flavour))
        return 0.0;
    double x_lo, x_hi;
    if (!x_limits(e_nu, m_l, m_n, &x_lo, &x_hi))
        return 0.0;
    gsl_integration_glfixed_table *gx = gsl_integration_glfixed_table_alloc(N_LNX);
    gsl_integration_glfixed_table *gy = gsl_integration_glfixed_table_alloc(N_Y);
    if (!gx || !gy) {
        gsl_integration_glfixed_table_free(gx);
        gsl_integration_glfixed_table_free(gy);
        return NAN;
    }
    /* split ln x at 1e-2 and 1e-1 when inside the range: the integrand changes character there */
    double cuts[4] = {log(x_lo), 0, 0, log(x_hi)};
    int n_cuts = 1;
    const double inner[2] = {log(1e-2), log(1e-1)};
    for (int k = 0; k < 2; k++)
        if (inner[k] > cuts[0] && inner[k] < log(x_hi))
            cuts[n_cuts++] = inner[k];
    cuts[n_cuts] = log(x_hi);
    double sigma = 0.0;
    for (int seg = 0; seg < n_cuts; seg++) {
        for (size_t i = 0; i < N_LNX; i++) {
            double lnx, wx;
            gsl_integration_glfixed_point(cuts[seg], cuts[seg + 1], i, &lnx, &wx, gx);
            double x = exp(lnx), y_lo, y_hi;
            if (!y_range(e_nu, x, m_l, m_n, &y_lo, &y_hi))
                continue;
            /* y: substitution y = y_lo + (y_hi - y_lo) t on [0,1] is what glfixed does */
            double inner_sum = 0.0;
            for (size_t j = 0; j < N_Y; j++) {
                double y, wy;
                gsl_integration_glfixed_point(y_lo, y_hi, j, &y, &wy, gy);
                inner_sum += wy * nr_dis_cc_d2sigma_dxdy(pdf, ch, e_nu, x, y);
            }
            sigma += wx * x * inner_sum; /* dx = x d(ln x) */
        }
    }
    gsl_integration_glfixed_table_free(gx);
    gsl_integration_glfixed_table_free(gy);
    return sigma;
}

/* --- adaptive path (tests) --- */
typedef struct {
    const nr_pdf *pdf;
    nr_cc_channel ch;
    double e_nu, x, m_l, m_n, rel_tol;
    gsl_integration_workspace *w_inner;
    int failed;
} adaptive_ctx;

static double integrand_y(double y, void *p)
{
    adaptive_ctx *c = p;
    return nr_dis_cc_d2sigma_dxdy(c->pdf, c->ch, c->e_nu, c->x, y);
}

static double integrand_lnx(double lnx, void *p)
{
    adaptive_ctx *c = p;
    c->x = exp(lnx);
    double y_lo, y_hi;
    if (!y_range(c->e_nu, c->x, c->m_l, c->m_n, &y_lo, &y_hi))
        return 0.0;
    gsl_function f = {integrand_y, c};
    double res, abserr;
    int st = gsl_integration_qag(&f, y_lo, y_hi, 0.0, c->rel_tol * 0.1, 1000, GSL_INTEG_GAUSS21,
                                 c->w_inner, &res, &abserr);
    if (st != GSL_SUCCESS && st != GSL_EROUND)
        c->failed = st;
    return c->x * res;
}

nr_status nr_dis_cc_sigma_adaptive(const nr_pdf *pdf, nr_cc_channel ch, double e_nu, double rel_tol,
                                   double *sigma, double *abs_err, nr_error *err)
{
    *sigma = 0.0;
    *abs_err = 0.0;
    adaptive_ctx c = {.pdf = pdf, .ch = ch, .e_nu = e_nu, .m_l = lepton_mass(ch.flavour),
                      .m_n = nucleon_mass(ch.nucleon), .rel_tol = rel_tol};
    if (e_nu <= nr_dis_cc_threshold(ch.flavour))
        return NR_OK;
    double x_lo, x_hi;
    if (!x_limits(e_nu, c.m_l, c.m_n, &x_lo, &x_hi))
        return NR_OK;
    gsl_integration_workspace *w_outer = gsl_integration_workspace_alloc(1000);
    c.w_inner = gsl_integration_workspace_alloc(1000);
    if (!w_outer || !c.w_inner) {
        gsl_integration_workspace_free(w_outer);
        gsl_integration_workspace_free(c.w_inner);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the DIS integration workspace");
    }
    gsl_function f = {integrand_lnx, &c};
    int st = gsl_integration_qag(&f, log(x_lo), log(x_hi), 0.0, rel_tol, 1000, GSL_INTEG_GAUSS21, w_outer,
                                 sigma, abs_err);
    gsl_integration_workspace_free(w_outer);
    gsl_integration_workspace_free(c.w_inner);
    if ((st != GSL_SUCCESS && st != GSL_EROUND) || c.failed)
        return nr_fail(err, NR_ENUMERIC, "", "DIS integral at E = %g GeV did not converge (GSL status %d)",
                       e_nu, st ? st : c.failed);
    return NR_OK;
}
