/* bench_tmm_zp_xsec.c: prints the production cross sections of paper 003 Fig. 2, sigma(nu W -> N X) per tungsten
 * nucleus with Lambda = 1000 GeV (mu = e v / Lambda^2, v = 246.22 GeV, 003 sec. II) and g_q = 1, at E_nu = 10, 100,
 * 1000, 10000 GeV and M_Z' = 0.1, 1, 10 GeV, split into the regimes of physics/models/tmm_zp_xsec.c.
 * Usage: NUREACH_DATA_DIR=data build-test/tests/bench_tmm_zp_xsec [q0_gev2]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_args.h"
#include "constants.h"
#include "materials.h"
#include "models/tmm_zp_xsec.h"
#include "pdf.h"

#define VEV_GEV 246.22
#define LAMBDA_GEV 1000.0

int main(int argc, char **argv)
{
    bench_args_init(argc, argv, "usage: bench_tmm_zp_xsec [Q0_GEV2]   (Q0^2 > 0 [GeV^2]; NUREACH_DATA_DIR: the data "
                                "folder, default ./data)\n", 1);
    const char *data = getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data";
    const double q0 = argc > 1 ? bench_args_double(argv[1], "Q0_GEV2", 1e-12, 1e6) : NR_TMM_Q0_GEV2;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/pdf", data);
    nr_pdf *pdf = NULL;
    nr_error err;
    if (nr_pdf_load(dir, "CT10nlo", &pdf, &err) != NR_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const nr_material *w = &nr_material_tungsten;
    const double mu = sqrt(4.0 * NR_PI * NR_ALPHA_EM) * VEV_GEV / (LAMBDA_GEV * LAMBDA_GEV);
    printf("# 003 Fig. 2: sigma(nu W -> N X) [pb per W nucleus], Lambda = 1000 GeV (mu = %.3g GeV^-1), g_q = 1, "
           "Q0^2 = %.2f GeV^2\n", mu, q0);
    printf("# %8s %6s %6s %11s %11s %11s %11s %11s %11s\n", "E_nu", "M_Zp", "M_N", "total", "coherent", "elastic",
           "DIS_hard", "soft", "per_nucleon");
    const double energies[4] = {10.0, 100.0, 1000.0, 10000.0}, m_zps[3] = {0.1, 1.0, 10.0};
    const double m_ns[8] = {1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 60.0, 70.0};
    for (int ie = 0; ie < 4; ie++)
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 8; j++) {
                nr_tmm_couplings c = {mu, m_ns[j], m_zps[k], 1.0, 1.0};
                nr_tmm_sigma_parts s;
                nr_tmm_nucleus_sigma(pdf, &c, w->z, w->a, w->nucleus_mass_gev, energies[ie], q0, &s);
                if (!(s.total > 0.0))
                    continue;
                const double pb = 1.0 / NR_CM2_PER_PB;
                printf("%10.0f %6.1f %6.1f %11.4g %11.4g %11.4g %11.4g %11.4g %11.4g\n", energies[ie], m_zps[k],
                       m_ns[j], s.total * pb, s.coherent * pb, (s.elastic_p + s.elastic_n) * pb, s.dis_hard * pb,
                       s.dis_soft * pb, s.total * pb / w->a);
            }
    nr_pdf_free(pdf);
    return 0;
}
