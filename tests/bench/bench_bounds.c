/* bench_bounds.c: cold and cached time of a sensitivity contour through the API.
 *
 * Usage: bench_bounds [host] [port] [preset] [points]   (default 127.0.0.1 8080 dipole 50)
 * Presets:
 *   dipole       model dipole on FASERnu2, signal gamma_decay_volume, m_N 0.01-10 GeV x mu_N 1e-9-1e-4 GeV^-1
 *                (issue 3)
 *   dark_photon  model dark_photon on FASER (Run 3), signal visible, m 0.01-1 GeV x eps 1e-7-1e-3 (issue 5)
 *   zd_hnl_fig3  model zd_hnl on FASERnu2, signal ee_secondary, 001 Fig. 3 point (m_ZD 30 MeV, alpha_D 0.25,
 *                alpha eps^2 2e-10, mu mixing), m_N 0.05-20 GeV x U2 1e-12-1e-2 (issue 12)
 *   zd_hnl_fig4  model zd_hnl on FASERnu2, signal nuee_primary, 001 Fig. 4 point (m_ZD = 8 m_N, g_D 1, eps 1e-3,
 *                tau mixing), m_N 0.003-1 GeV x U2 1e-12-1e-1 (issue 12)
 * points x points log grid, threshold 3, refined.
 * "cold": a request the cache has never seen (a salt in the threshold, 3 + 1e-9 k, makes it unique); the
 * time runs from the POST until the job's result is fetched (polling every 20 ms). "cached": the same
 * request again, answered from the SQLite cache. Prints figures; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"

static int poll_until_done(const char *host, int port, const char *job_path, double *progress_seen)
{
    for (int i = 0; i < 60000; i++) {
        bench_response r;
        if (bench_request(host, port, "GET", job_path, NULL, &r) != 0)
            return -1;
        const char *st = strstr(r.body, "\"status\":\"");
        const char *pr = strstr(r.body, "\"progress\":");
        if (pr)
            *progress_seen = atof(pr + 11);
        int done = st && strncmp(st + 10, "done", 4) == 0;
        int failed = st && (strncmp(st + 10, "failed", 6) == 0 || strncmp(st + 10, "cancelled", 9) == 0);
        bench_response_free(&r);
        if (done)
            return 0;
        if (failed)
            return -1;
        nanosleep(&(struct timespec){0, 20000000}, NULL);
    }
    return -1;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    int port = argc > 2 ? atoi(argv[2]) : 8080;
    const char *preset = argc > 3 ? argv[3] : "dipole";
    int points = argc > 4 ? atoi(argv[4]) : 50;
    if (points < 2 || points > 200) {
        fprintf(stderr, "points must be between 2 and 200\n");
        return 2;
    }
    static const struct {
        const char *preset, *model, *experiment, *signal, *params, *xp, *yp;
        double x0, x1, y0, y1, threshold;
    } presets[] = {
        {"dipole", "dipole", "FASERnu2", "gamma_decay_volume", "{}", "m_N", "mu_N", 0.01, 10.0, 1e-9, 1e-4, 3.0},
        {"dark_photon", "dark_photon", "FASER", "visible", "{}", "m_Ap", "epsilon", 0.01, 1.0, 1e-7, 1e-3, 3.0},
        {"zd_hnl_fig3", "zd_hnl", "FASERnu2", "ee_secondary",
         "{\"m_ZD\":0.03,\"alpha_D\":0.25,\"epsilon\":1.6554e-4,\"flavour\":\"mu\"}", "m_N", "U2", 0.05, 20.0, 1e-12,
         1e-2, 3.0},
        {"zd_hnl_fig4", "zd_hnl", "FASERnu2", "nuee_primary",
         "{\"mass_relation\":\"ratio\",\"ratio_ZD_N\":8,\"alpha_D\":0.0795774715,\"epsilon\":1e-3,"
         "\"flavour\":\"tau\"}",
         "m_N", "U2", 0.003, 1.0, 1e-12, 1e-1, 3.0},
    };
    size_t k = 0;
    while (k < sizeof presets / sizeof presets[0] && strcmp(presets[k].preset, preset) != 0)
        k++;
    if (k == sizeof presets / sizeof presets[0]) {
        fprintf(stderr, "unknown preset %s\n", preset);
        return 2;
    }
    const char *model = presets[k].model, *experiment = presets[k].experiment, *signal = presets[k].signal;
    char body[1024];
    snprintf(body, sizeof body,
             "{\"model\":\"%s\",\"experiment\":\"%s\",\"signal\":\"%s\",\"threshold\":%.12g,\"params\":%s,"
             "\"scan\":{\"x\":{\"param\":\"%s\",\"min\":%g,\"max\":%g,\"points\":%d,\"scale\":\"log\"},"
             "\"y\":{\"param\":\"%s\",\"min\":%g,\"max\":%g,\"points\":%d,\"scale\":\"log\"}}}",
             model, experiment, signal, presets[k].threshold + 1e-9 * (double)(time(NULL) % 100000), presets[k].params,
             presets[k].xp, presets[k].x0, presets[k].x1, points, presets[k].yp, presets[k].y0, presets[k].y1, points);
    double t0 = bench_now_ms(), progress = 0;
    bench_response r;
    if (bench_request(host, port, "POST", "/api/v1/bounds", body, &r) != 0) {
        fprintf(stderr, "no answer from %s:%d\n", host, port);
        return 1;
    }
    if (r.status == 202) {
        char job_path[256] = "";
        const char *loc = strstr(r.raw, "Location: ");
        if (loc)
            sscanf(loc + 10, "%255s", job_path);
        bench_response_free(&r);
        if (!job_path[0] || poll_until_done(host, port, job_path, &progress) != 0) {
            fprintf(stderr, "the job did not finish\n");
            return 1;
        }
        char result_path[300];
        snprintf(result_path, sizeof result_path, "%s/result", job_path);
        if (bench_request(host, port, "GET", result_path, NULL, &r) != 0 || r.status != 200) {
            fprintf(stderr, "no result\n");
            return 1;
        }
    } else if (r.status != 200) {
        fprintf(stderr, "status %d: %s\n", r.status, r.body);
        return 1;
    }
    double cold = bench_now_ms() - t0;
    const char *ev = strstr(r.body, "\"evaluations\":");
    const char *nc = strstr(r.body, "\"contours\":[");
    int polygons = 0;
    for (const char *c = nc; c && (c = strstr(c + 1, "{\"x\":")) != NULL;)
        polygons++;
    printf("%d x %d %s contour (%s, %s): cold %.0f ms (%d refinement evaluations, %d polygons, %zu bytes)\n", points,
           points, model, experiment, signal, cold, ev ? atoi(ev + 14) : -1, polygons, r.body_len);
    bench_response_free(&r);
    double best = 1e300;
    for (int i = 0; i < 20; i++) {
        t0 = bench_now_ms();
        if (bench_request(host, port, "POST", "/api/v1/bounds", body, &r) != 0 || r.status != 200 || !r.cache_hit) {
            fprintf(stderr, "cached request failed (status %d)\n", r.status);
            return 1;
        }
        double t = bench_now_ms() - t0;
        best = t < best ? t : best;
        bench_response_free(&r);
    }
    printf("%d x %d %s contour, cached: best of 20 %.2f ms\n", points, points, model, best);
    return 0;
}
