/* bench_metrics.c: the per-request cost of the metrics and of the access log line (issue 17: "metrics
 * overhead per request").
 *
 * Usage: bench_metrics [threads] [requests per thread]   (default 4 1000000)
 * Each thread records answered requests (nr_metrics_observe, what the HTTP layer calls once per response)
 * spread over the routes and statuses; then one scrape is rendered; then the JSON and text access log lines
 * are written to /dev/null. Prints ns per request for each; asserts nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "access_log.h"
#include "api.h"
#include "metrics.h"

typedef struct {
    nr_metrics *m;
    long n;
    unsigned seed;
} worker_ctx;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *observe_many(void *arg)
{
    worker_ctx *c = arg;
    static const unsigned statuses[] = {200, 200, 200, 202, 404, 422, 429};
    for (long i = 0; i < c->n; i++) {
        unsigned r = (c->seed + (unsigned)i) * 2654435761u;
        nr_http_done d = {"GET", "/api/v1/health", NULL, (int)(r % nr_api_n_routes), statuses[(r >> 8) % 7], 1234,
                          (double)((r >> 12) % 5000) * 0.01, "127.0.0.1", (r & 1) ? "hit" : NULL};
        nr_metrics_observe(c->m, &d);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv, "usage: bench_metrics [THREADS] [REQUESTS_PER_THREAD]   (default 4 1000000)\n", 2);
    int threads = argc > 1 ? (int)bench_args_long(argv[1], "THREADS", 1, 256) : 4;
    long n = argc > 2 ? bench_args_long(argv[2], "REQUESTS_PER_THREAD", 1, 1000000000L) : 1000000;
    if (threads < 1 || threads > 64 || n < 1) {
        fprintf(stderr, "usage: bench_metrics [threads 1-64] [requests per thread]\n");
        return 2;
    }
    nr_metrics *m = nr_metrics_new(nr_api_routes, nr_api_n_routes);
    pthread_t tid[64];
    worker_ctx ctx[64];
    double t0 = now_s();
    for (int i = 0; i < threads; i++) {
        ctx[i] = (worker_ctx){m, n, (unsigned)i * 7919u};
        pthread_create(&tid[i], NULL, observe_many, &ctx[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);
    double wall = now_s() - t0;
    printf("nr_metrics_observe: %d threads x %ld requests: %.1f ns per request per thread (wall %.3f s)\n", threads, n,
           wall / (double)n * 1e9, wall);
    nr_metrics_sources src = {NULL, NULL, 0, 1.0, "bench"};
    size_t len = 0;
    t0 = now_s();
    char *text = nr_metrics_render(m, &src, &len);
    printf("render (every route and status seen): %zu bytes in %.3f ms\n", len, (now_s() - t0) * 1e3);
    free(text);
    FILE *devnull = fopen("/dev/null", "w");
    nr_http_done d = {"POST", "/api/v1/rates", &nr_api_routes[3], 3, 200, 1942, 0.57, "127.0.0.1", "miss"};
    long lines = n < 200000 ? n : 200000;
    for (int f = 0; f < 2 && devnull; f++) {
        nr_access_log_format format = f ? NR_ACCESS_LOG_TEXT : NR_ACCESS_LOG_JSON;
        t0 = now_s();
        for (long i = 0; i < lines; i++)
            nr_access_log_write(devnull, format, &d);
        printf("access log line (%s): %.0f ns per request\n", f ? "text" : "json", (now_s() - t0) / (double)lines * 1e9);
    }
    if (devnull)
        fclose(devnull);
    nr_metrics_free(m);
    return 0;
}
