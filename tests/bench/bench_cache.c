/* bench_cache.c: the cache's size cap under load (issue 17 item 10). Four threads store distinct results of
 * 1 byte to 64 KiB (and hit earlier ones) into a cache capped at 8 MiB; prints the peak sizes of cache.sqlite
 * and cache.sqlite-wal against the cap, the evictions, and the store rate. Usage: bench_cache [stores/thread] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_args.h"
#include "cache.h"

enum { THREADS = 4, MAX_BODY = 65536 };
static const int64_t CAP = 8 << 20;
static char g_path[128];
static int g_stores = 2000;
static nr_cache *g_cache;

static int64_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

typedef struct {
    int id;
    int64_t peak_db, peak_wal, failures;
} worker;

static void *run(void *p)
{
    worker *w = p;
    char *body = malloc(MAX_BODY), key[64], wal[160];
    snprintf(wal, sizeof wal, "%s-wal", g_path);
    unsigned seed = 12345u + (unsigned)w->id;
    for (int i = 0; i < g_stores; i++) {
        size_t len = 1 + (size_t)(rand_r(&seed) % MAX_BODY);
        for (size_t k = 0; k < len; k++)
            body[k] = (char)(k * 31 + (size_t)i);
        snprintf(key, sizeof key, "t%d-%d", w->id, i);
        w->failures += nr_cache_put(g_cache, key, "{\"bench\":1}", body, len, "application/json", 1.0) != 0;
        char *got = NULL;
        size_t n = 0;
        snprintf(key, sizeof key, "t%d-%d", w->id, i / 2);
        nr_cache_get(g_cache, key, &got, &n, NULL, NULL);
        free(got);
        int64_t db = size_of(g_path), wl = size_of(wal);
        if (db > w->peak_db)
            w->peak_db = db;
        if (wl > w->peak_wal)
            w->peak_wal = wl;
    }
    free(body);
    return NULL;
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv, "usage: bench_cache [STORES_PER_THREAD]   (1..10000000; 4 threads, cap 8 MiB)\n", 1);
    if (argc > 1)
        g_stores = (int)bench_args_long(argv[1], "STORES_PER_THREAD", 1, 10000000);
    char dir[] = "/tmp/nr_bench_cache_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    snprintf(g_path, sizeof g_path, "%s/cache.sqlite", dir);
    char err[512];
    if (nr_cache_open(g_path, CAP, &g_cache, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){i, 0, 0, 0};
        pthread_create(&th[i], NULL, run, &w[i]);
    }
    int64_t peak_db = 0, peak_wal = 0, failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        peak_db = w[i].peak_db > peak_db ? w[i].peak_db : peak_db;
        peak_wal = w[i].peak_wal > peak_wal ? w[i].peak_wal : peak_wal;
        failures += w[i].failures;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    nr_cache_stats st;
    nr_cache_get_stats(g_cache, &st);
    printf("cache cap %.1f MiB, %d threads x %d stores of 1 B..64 KiB (mean 32 KiB, %.0f MiB in all) in %.2f s "
           "(%.0f stores/s)\n",
           (double)CAP / 1048576, THREADS, g_stores, (double)THREADS * g_stores * 32768 / 1048576, s,
           THREADS * g_stores / s);
    printf("peak cache.sqlite %.2f MiB (%.2f x cap), peak cache.sqlite-wal %.2f MiB; at the end: pages in use "
           "%.2f MiB, bodies %.2f MiB in %lld rows; evicted %lld, store failures %lld\n",
           (double)peak_db / 1048576, (double)peak_db / (double)CAP, (double)peak_wal / 1048576,
           (double)st.used_bytes / 1048576, (double)st.bytes / 1048576, (long long)st.entries,
           (long long)st.evicted, (long long)failures);
    nr_cache_close(g_cache);
    unlink(g_path);
    rmdir(dir);
    return 0;
}
