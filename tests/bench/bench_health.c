/* bench_health.c: latency of GET /api/v1/health while the daemon computes (issue 9's target: p99 < 5 ms).
 *
 * Usage: bench_health [host] [port] [seconds] [rates_clients] [contours]   (default 127.0.0.1 8080 20 16 4)
 * Load: `contours` distinct dipole contours (POST /api/v1/bounds, 30 x 30, answered 202 and left running) and
 * `rates_clients` threads each sending distinct cold dipole rates (POST /api/v1/rates, a salted m_N so that
 * nothing comes from the cache) one after the other. Meanwhile one prober sends GET /api/v1/health every 10 ms
 * and records its wall time (connect + send + full response). Prints the health quantiles and the load served;
 * asserts nothing (a benchmark: figures for the README).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "http_client.h"

typedef struct {
    const char *host;
    int port;
    double until_ms;
    atomic_int *answered, *failed;
} load_ctx;

static unsigned run_salt;
static atomic_int request_counter; /* every rates request gets its own m_N: none comes from the cache */

static void *rates_client(void *arg)
{
    load_ctx *c = arg;
    while (bench_now_ms() < c->until_ms) {
        char body[256];
        int k = atomic_fetch_add(&request_counter, 1);
        double m_n = 0.05 + 1e-9 * (double)(run_salt % 100000u) + 1e-5 * k;
        snprintf(body, sizeof body,
                 "{\"model\":\"dipole\",\"experiment\":\"FASERnu2\",\"params\":{\"m_N\":%.9f}}", m_n);
        bench_response r;
        int ok = bench_request(c->host, c->port, "POST", "/api/v1/rates", body, &r) == 0 &&
                 (r.status == 200 || r.status == 202);
        atomic_fetch_add(ok ? c->answered : c->failed, 1);
        bench_response_free(&r);
    }
    return NULL;
}

static int start_contour(const char *host, int port, int index)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"model\":\"dipole\",\"experiment\":\"FASERnu2\",\"signal\":\"gamma_decay_volume\",\"threshold\":%.12g,"
             "\"scan\":{\"x\":{\"param\":\"m_N\",\"min\":0.01,\"max\":10,\"points\":30,\"scale\":\"log\"},"
             "\"y\":{\"param\":\"mu_N\",\"min\":1e-9,\"max\":1e-4,\"points\":30,\"scale\":\"log\"}}}",
             3.0 + 1e-9 * (double)(run_salt % 100000u) + 1e-4 * index);
    bench_response r;
    int status = bench_request(host, port, "POST", "/api/v1/bounds", body, &r) == 0 ? r.status : -1;
    bench_response_free(&r);
    return status;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv,
                    "usage: bench_health [HOST] [PORT] [SECONDS] [RATES_CLIENTS] [CONTOURS]   (default 127.0.0.1 "
                    "8080 20 16 4)\n", 5);
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    bench_args_no_option(host, "HOST");
    int port = argc > 2 ? bench_args_port(argv[2]) : 8080;
    double seconds = argc > 3 ? bench_args_double(argv[3], "SECONDS", 0.1, 86400.0) : 20.0;
    int n_rates = argc > 4 ? (int)bench_args_long(argv[4], "RATES_CLIENTS", 0, 1024) : 16;
    int n_contours = argc > 5 ? (int)bench_args_long(argv[5], "CONTOURS", 0, 1024) : 4;
    if (seconds < 1 || seconds > 3600 || n_rates < 0 || n_rates > 256 || n_contours < 0 || n_contours > 64) {
        fprintf(stderr, "usage: bench_health [host] [port] [seconds 1-3600] [rates clients 0-256] [contours 0-64]\n");
        return 2;
    }
    run_salt = (unsigned)time(NULL);
    for (int i = 0; i < n_contours; i++)
        printf("contour %d: POST /api/v1/bounds -> %d\n", i, start_contour(host, port, i));
    atomic_int answered = 0, failed = 0;
    double until = bench_now_ms() + seconds * 1e3;
    pthread_t *threads = calloc((size_t)n_rates + 1, sizeof *threads);
    load_ctx *ctx = calloc((size_t)n_rates + 1, sizeof *ctx);
    size_t cap = (size_t)(seconds * 100.0) + 16, n = 0;
    double *t = malloc(cap * sizeof *t);
    if (!threads || !ctx || !t)
        return 1;
    for (int i = 0; i < n_rates; i++) {
        ctx[i] = (load_ctx){host, port, until, &answered, &failed};
        pthread_create(&threads[i], NULL, rates_client, &ctx[i]);
    }
    int health_failed = 0;
    while (bench_now_ms() < until && n < cap) {
        double t0 = bench_now_ms();
        bench_response r;
        if (bench_request(host, port, "GET", "/api/v1/health", NULL, &r) == 0 && r.status == 200)
            t[n++] = bench_now_ms() - t0;
        else
            health_failed++;
        bench_response_free(&r);
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    for (int i = 0; i < n_rates; i++)
        pthread_join(threads[i], NULL);
    if (n == 0) {
        fprintf(stderr, "no health answer\n");
        return 1;
    }
    qsort(t, n, sizeof *t, cmp);
    printf("load: %d rates clients (%d answered 200/202, %d failed), %d contours, %.0f s\n", n_rates,
           atomic_load(&answered), atomic_load(&failed), n_contours, seconds);
    printf("GET /api/v1/health: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (n = %zu, failed %d)\n",
           t[n / 2], t[(9 * n) / 10], t[(99 * n) / 100], t[n - 1], n, health_failed);
    free(t);
    free(ctx);
    free(threads);
    return 0;
}
