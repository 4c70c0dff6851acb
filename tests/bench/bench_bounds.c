/* bench_bounds.c: time of a sensitivity contour from nothing (cache miss) and from the cache (hit), for every model
 * (the presets of bounds_presets.h), with the CPU and wall time and their ratio to a floor program of the same
 * physics in simplified form (bench_floor.h) timed in the same run: ratios are stable on a shared machine,
 * absolute times are not.
 *
 * Usage:
 *   bench_bounds engine [preset|all] [points|all] [threads]     in this process: nr_bounds_compute from a fresh
 *       prepared state (no cache), after the engine has built its PDF tables as the daemon does at start-up;
 *       points "all" = 20 and 50; threads default 2. preset may be a comma-separated list (e.g.
 *       dark_photon,b_minus_l,dark_photon): run in turn on one engine, so the later ones find the tables the engine
 *       derived on first use (nr_engine_derived) as a running daemon does. BENCH_REPEAT=n in the environment runs
 *       each contour n times (to profile the contour rather than the engine start); BENCH_NO_WARM=1 skips the PDF
 *       tables the daemon warms at start-up (for the whole-process time of a model that does not use them)
 *   bench_bounds [host] [port] [preset|all] [points|all]          through the API of a running daemon
 *       (default 127.0.0.1 8080 dipole 50): "miss" is a request the cache has never seen (a salt in the
 *       threshold, 3 + 1e-9 k, or in a chi-square preset's normalisation uncertainty, 0.1 + 1e-9 k, makes it
 *       unique), timed from the POST until the job's result is fetched (polling every 20 ms); "hit" the same
 *       request again (best of 20, and the mean). With NUREACHD_PID=<pid> the daemon's CPU time
 *       (/proc/<pid>/stat) over the miss and per hit (mean of the 20) is printed too.
 * The library has no result cache (the server's SQLite cache answers repeats): "hit" exists in the API mode only.
 * Presets (bounds_presets.h): dipole (FASERnu2, gamma_decay_volume), darkz_nun (FASERnu, n_hese), dark_photon and
 * b_minus_l (FASER, visible), e137, nucal and dune (dark_photon at E137, nu-Cal and DUNE; issues 15, 11),
 * zd_hnl_fig3 and zd_hnl_fig4 (FASERnu2; issue 12), u1x (x_H = -1, FASER), tmm_zp (003 Fig. 7, FASERnu),
 * nuphilic_zp (chi-square region, 002 Fig. 3, FASERnu); points x points log grid, threshold 3, refined (the
 * chi-square preset: 90% CL, not refined).
 * sm has no couplings, so no contour. Prints figures; asserts nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_args.h"
#include "bench_floor.h"
#include "bounds_presets.h"
#include "contour.h"
#include "engine.h"
#include "http_client.h"

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return 1e3 * (double)t.tv_sec + 1e-6 * (double)t.tv_nsec;
}

/* utime + stime of a process [ms], -1 if unknown */
static double process_cpu_ms(const char *pid)
{
    if (!pid)
        return -1.0;
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1.0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1.0;
    return 1e3 * (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The floor at points x points: best of 5, CPU and wall [ms]. BENCH_NO_FLOOR=1 skips it (NAN): for timing the
 * whole process from nothing to answer (tests/bench/foresee_side_by_side.py), which the floor runs would inflate. */
static void floor_ms(int points, double *cpu, double *wall)
{
    *cpu = *wall = 1e300;
    if (getenv("BENCH_NO_FLOOR") && atoi(getenv("BENCH_NO_FLOOR")) == 1) {
        *cpu = *wall = NAN;
        return;
    }
    for (int k = 0; k < 5; k++) {
        double c0 = cpu_ms(), w0 = bench_now_ms();
        volatile size_t above = bench_floor_contour((size_t)points, (size_t)points);
        (void)above;
        double c = cpu_ms() - c0, w = bench_now_ms() - w0;
        *cpu = c < *cpu ? c : *cpu;
        *wall = w < *wall ? w : *wall;
    }
}

static int bench_engine(const nr_engine *engine, const bounds_preset *bp, int points, unsigned threads)
{
    const nr_model *model = nr_model_find(bp->model);
    const nr_experiment *experiment = nr_experiment_find(bp->experiment);
    if (!model || !experiment) {
        printf("%-12s not in this build\n", bp->name);
        return 0;
    }
    nr_param_value *base = calloc(model->n_params, sizeof *base);
    nr_model_defaults(model, base);
    if (bounds_preset_apply(bp, model, base) != 0) {
        printf("%-12s parameters not in this build\n", bp->name);
        free(base);
        return 0;
    }
    nr_bounds_result res;
    nr_error err;
    nr_error_clear(&err);
    double fc0, fw0, fc1, fw1;
    floor_ms(points, &fc0, &fw0);
    double c0 = cpu_ms(), w0 = bench_now_ms();
    nr_status st = bounds_preset_compute(bp, model, engine, base, (size_t)points, threads, &res, &err);
    double c = cpu_ms() - c0, w = bench_now_ms() - w0;
    floor_ms(points, &fc1, &fw1);
    free(base);
    if (st != NR_OK) {
        printf("%-12s %3d x %-3d failed: %s\n", bp->name, points, points, err.message);
        return 1;
    }
    double fc = fc0 < fc1 ? fc0 : fc1, fw = fw0 < fw1 ? fw0 : fw1;
    printf("%-12s %3d x %-3d miss: CPU %8.1f ms wall %8.1f ms (%u threads; %zu evaluations) | floor CPU %.2f ms "
           "wall %.2f ms | ratio CPU %.0f wall %.0f\n",
           bp->name, points, points, c, w, threads, res.n_evaluations, fc, fw, c / fc, w / fw);
    nr_bounds_free(&res);
    return 0;
}

static const char bench_bounds_usage[] =
    "usage: bench_bounds engine [PRESET|all|none] [POINTS|all] [THREADS]   in this process (default all all 2;\n"
    "                                                                 none: the engine's start-up only)\n"
    "       bench_bounds [HOST] [PORT] [PRESET|all] [POINTS|all]      through a running daemon\n"
    "                                                                 (default 127.0.0.1 8080 dipole 50)\n"
    "POINTS: 2..200 per axis, all = 20 and 50; THREADS: 1..64. Presets (tests/bench/bounds_presets.h):";

/* Exits 2 unless which is "all", "none" or a preset, and pts "all" or a grid size. */
static void check_preset_points(const char *which, const char *pts)
{
    if (strcmp(which, "all") != 0 && strcmp(which, "none") != 0 && !bounds_preset_find(which))
        bench_args_bad("PRESET: unknown preset '%s'", which);
    if (strcmp(pts, "all") != 0)
        bench_args_long(pts, "POINTS", 2, NR_BOUNDS_MAX_POINTS);
}

static int run_engine_mode(int argc, char **argv)
{
    const char *which = argc > 2 ? argv[2] : "all";
    const char *pts = argc > 3 ? argv[3] : "all";
    check_preset_points(which, pts);
    unsigned threads = argc > 4 ? (unsigned)bench_args_long(argv[4], "THREADS", 1, 64) : 2;
    const char *data = getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data";
    nr_engine *engine = NULL;
    nr_error err;
    nr_error_clear(&err);
    /* BENCH_NO_WARM=1: skip the PDF cross-section tables the daemon builds at start-up (in the background); a model
     * that needs one (sm, darkz_nun, tmm_zp) then builds it on first use inside the timed contour */
    int warm = !(getenv("BENCH_NO_WARM") && atoi(getenv("BENCH_NO_WARM")) == 1);
    double c0 = cpu_ms(), w0 = bench_now_ms();
    if (nr_engine_init(data, &engine, &err) != NR_OK ||
        (warm && nr_engine_warm_cc_tables(engine, NULL, &err) != NR_OK)) {
        fprintf(stderr, "engine: %s\n", err.message);
        nr_engine_free(engine);
        return 1;
    }
    /* PRESET none: the engine's start-up alone (data sets other than the fluxes are read on first use, engine.h) */
    printf("engine open%s: CPU %.2f ms wall %.2f ms\n", warm ? " and PDF cross-section tables" : "", cpu_ms() - c0,
           bench_now_ms() - w0);
    int rc = 0;
    if (strchr(which, ',')) { /* a list: each in turn on the same engine (its derived tables kept between them) */
        char list[512];
        snprintf(list, sizeof list, "%s", which);
        for (char *save = NULL, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save))
            for (size_t i = 0; i < sizeof bounds_presets / sizeof bounds_presets[0]; i++)
                if (strcmp(name, bounds_presets[i].name) == 0)
                    rc |= bench_engine(engine, &bounds_presets[i], strcmp(pts, "all") == 0 ? 50 : atoi(pts), threads);
        nr_engine_free(engine);
        return rc;
    }
    for (size_t i = 0; i < sizeof bounds_presets / sizeof bounds_presets[0]; i++) {
        if (strcmp(which, "all") != 0 && strcmp(which, bounds_presets[i].name) != 0)
            continue;
        if (strcmp(pts, "all") == 0) {
            rc |= bench_engine(engine, &bounds_presets[i], 20, threads);
            rc |= bench_engine(engine, &bounds_presets[i], 50, threads);
        } else {
            /* BENCH_REPEAT=n: the same contour n times (for a profiler: the engine start is then a small part) */
            int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 1;
            for (int k = 0; k < (repeat > 0 ? repeat : 1); k++)
                rc |= bench_engine(engine, &bounds_presets[i], atoi(pts), threads);
        }
    }
    nr_engine_free(engine);
    return rc;
}

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

static int bench_http(const char *host, int port, const bounds_preset *bp, int points)
{
    if (points < 2 || points > 200) {
        fprintf(stderr, "points must be between 2 and 200\n");
        return 2;
    }
    const char *model = bp->model, *experiment = bp->experiment;
    const char *xp = bp->x_param, *yp = bp->y_param;
    double x0 = bp->x_min, x1 = bp->x_max, y0 = bp->y_min, y1 = bp->y_max;
    const char *pid = getenv("NUREACHD_PID");
    char params[512];
    bounds_preset_params_json(bp, params, sizeof params);
    /* the test: events of the signal >= 3 + salt, or the chi-square test with a salted normalisation uncertainty */
    const double salt = 1e-9 * (double)(time(NULL) % 100000);
    char test[256];
    if (bp->chi2_observable)
        snprintf(test, sizeof test, "\"test\":{\"kind\":\"chi2\",\"cl\":0.9,\"observable\":\"%s\","
                 "\"normalisation_uncertainty\":%.12g}", bp->chi2_observable, 0.1 + salt);
    else
        snprintf(test, sizeof test, "\"signal\":\"%s\",\"threshold\":%.12g", bp->signal, 3.0 + salt);
    char body[1536];
    snprintf(body, sizeof body,
             "{\"model\":\"%s\",\"experiment\":\"%s\",%s,\"params\":%s,"
             "\"scan\":{\"x\":{\"param\":\"%s\",\"min\":%g,\"max\":%g,\"points\":%d,\"scale\":\"log\"},"
             "\"y\":{\"param\":\"%s\",\"min\":%g,\"max\":%g,\"points\":%d,\"scale\":\"log\"}}}",
             model, experiment, test, params, xp, x0, x1, points, yp, y0, y1, points);
    double fc0, fw0;
    floor_ms(points, &fc0, &fw0);
    double t0 = bench_now_ms(), progress = 0, server_cpu0 = process_cpu_ms(pid);
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
    double cold = bench_now_ms() - t0, server_cpu = process_cpu_ms(pid) - server_cpu0;
    double fc1, fw1;
    floor_ms(points, &fc1, &fw1);
    double fc = fc0 < fc1 ? fc0 : fc1, fw = fw0 < fw1 ? fw0 : fw1;
    const char *ev = strstr(r.body, "\"evaluations\":");
    const char *nc = strstr(r.body, "\"contours\":[");
    int polygons = 0;
    for (const char *c = nc; c && (c = strstr(c + 1, "{\"x\":")) != NULL;)
        polygons++;
    printf("%-12s %3d x %-3d miss: wall %8.1f ms", bp->name, points, points, cold);
    if (pid && server_cpu >= 0)
        printf(" daemon CPU %8.1f ms", server_cpu);
    printf(" (%d evaluations, %d polygons, %zu bytes) | floor CPU %.2f ms wall %.2f ms | ratio wall %.0f", ev ? atoi(ev + 14) : -1,
           polygons, r.body_len, fc, fw, cold / fw);
    if (pid && server_cpu >= 0)
        printf(" CPU %.0f", server_cpu / fc);
    printf("\n");
    bench_response_free(&r);
    double best = 1e300, hits_cpu0 = process_cpu_ms(pid), hits_t0 = bench_now_ms();
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
    /* the daemon's CPU per hit: its CPU over the 20 hits (clock ticks, so a mean, not a best) */
    double hits_cpu = (process_cpu_ms(pid) - hits_cpu0) / 20.0, hits_wall = (bench_now_ms() - hits_t0) / 20.0;
    printf("%-12s %3d x %-3d hit:  wall %8.2f ms (best of 20; mean %.2f ms)", bp->name, points, points, best, hits_wall);
    if (pid && hits_cpu >= 0)
        printf(" daemon CPU %.2f ms (mean of 20)", hits_cpu);
    printf(" | ratio wall %.2f", best / fw);
    if (pid && hits_cpu >= 0)
        printf(" CPU %.2f", hits_cpu / fc);
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    /* the usage with the preset names */
    static char usage[sizeof bench_bounds_usage + sizeof bounds_presets / sizeof bounds_presets[0] * 32 + 2];
    size_t used = (size_t)snprintf(usage, sizeof usage, "%s", bench_bounds_usage);
    for (size_t i = 0; i < sizeof bounds_presets / sizeof bounds_presets[0] && used < sizeof usage; i++)
        used += (size_t)snprintf(usage + used, sizeof usage - used, " %s", bounds_presets[i].name);
    if (used < sizeof usage - 1)
        strcat(usage, "\n");
    bench_args_init(argc, argv, usage, 4);
    if (argc > 1 && strcmp(argv[1], "engine") == 0)
        return run_engine_mode(argc, argv);
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    bench_args_no_option(host, "HOST");
    int port = argc > 2 ? bench_args_port(argv[2]) : 8080;
    const char *which = argc > 3 ? argv[3] : "dipole";
    const char *pts = argc > 4 ? argv[4] : "50";
    check_preset_points(which, pts);
    int rc = 0, found = 0;
    for (size_t i = 0; i < sizeof bounds_presets / sizeof bounds_presets[0]; i++) {
        if (strcmp(which, "all") != 0 && strcmp(which, bounds_presets[i].name) != 0)
            continue;
        found = 1;
        if (strcmp(pts, "all") == 0) {
            rc |= bench_http(host, port, &bounds_presets[i], 20);
            rc |= bench_http(host, port, &bounds_presets[i], 50);
        } else {
            rc |= bench_http(host, port, &bounds_presets[i], atoi(pts));
        }
    }
    if (!found) {
        fprintf(stderr, "unknown preset %s\n", which);
        return 2;
    }
    return rc;
}
