/* bench_rates.c: cold and cached latency of POST /api/v1/rates against a running nureachd.
 *
 * Usage: bench_rates [host] [port] [repeats]   (default 127.0.0.1 8080 50)
 * "cold" = a cache miss: each request asks for a different energy window (e_min), so nothing is
 * served from the SQLite cache, but the engine's memoised cross-section table is warm after the first
 * request; the very first request after start-up is reported on its own (it builds that table).
 * "cached" = the same request repeated: served from the cache. Prints the median and the 10%/90%
 * quantiles of the wall time per request, measured on the client (connect + send + full response).
 * A benchmark, not a test: it prints figures for the README and asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "http_client.h"

/* One POST; returns the status (or -1) and whether it was a cache hit. */
static int post(const char *host, int port, const char *path, const char *body, int *hit)
{
    bench_response r;
    int status = bench_request(host, port, "POST", path, body, &r) == 0 ? r.status : -1;
    *hit = r.cache_hit;
    bench_response_free(&r);
    return status;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("%-34s median %8.3f ms   p10 %8.3f ms   p90 %8.3f ms   (n = %d)\n", what, t[n / 2], t[n / 10],
           t[(9 * n) / 10], n);
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv, "usage: bench_rates [HOST] [PORT] [REPEATS]   (default 127.0.0.1 8080 50)\n", 3);
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    bench_args_no_option(host, "HOST");
    int port = argc > 2 ? bench_args_port(argv[2]) : 8080;
    int repeats = argc > 3 ? (int)bench_args_long(argv[3], "REPEATS", 3, 100000) : 50;
    double *cold = malloc(sizeof(double) * (size_t)repeats), *hot = malloc(sizeof(double) * (size_t)repeats);
    if (!cold || !hot)
        return 1;
    char body[512];
    unsigned salt = (unsigned)time(NULL) % 100000u; /* different windows from earlier runs of this program */
    int hit = 0;

    /* first request of a fresh PDF choice: includes building the cross-section table if not yet built */
    snprintf(body, sizeof body,
             "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"pdf\":\"CT14nlo\",\"e_min\":%.9f}}",
             1.0 + salt * 1e-9);
    double t0 = bench_now_ms();
    int st = post(host, port, "/api/v1/rates", body, &hit);
    printf("%-34s %8.3f ms (status %d, %s)\n", "first request (may build sigma)", bench_now_ms() - t0, st,
           hit ? "hit" : "miss");
    if (st != 200) {
        fprintf(stderr, "server at %s:%d did not answer 200\n", host, port);
        return 1;
    }
    for (int i = 0; i < repeats; i++) {
        snprintf(body, sizeof body,
                 "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":%.9f}}",
                 1.0 + (salt * 1000 + i + 1) * 1e-9);
        t0 = bench_now_ms();
        st = post(host, port, "/api/v1/rates", body, &hit);
        cold[i] = bench_now_ms() - t0;
        if (st != 200 || hit) {
            fprintf(stderr, "cold request %d: status %d, %s\n", i, st, hit ? "unexpected hit" : "miss");
            return 1;
        }
    }
    snprintf(body, sizeof body, "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{}}");
    post(host, port, "/api/v1/rates", body, &hit); /* make sure it is stored */
    for (int i = 0; i < repeats; i++) {
        t0 = bench_now_ms();
        st = post(host, port, "/api/v1/rates", body, &hit);
        hot[i] = bench_now_ms() - t0;
        if (st != 200 || !hit) {
            fprintf(stderr, "cached request %d: status %d, %s\n", i, st, hit ? "hit" : "unexpected miss");
            return 1;
        }
    }
    report("rates, cold (cache miss)", cold, repeats);
    report("rates, cached (cache hit)", hot, repeats);
    free(cold);
    free(hot);
    return 0;
}
