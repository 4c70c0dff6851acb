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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One HTTP/1.1 POST with Connection: close; returns the status code or -1, and whether the response
 * said X-Nureach-Cache: hit. */
static int post(const char *host, int port, const char *path, const char *body, int *hit)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    char req[4096];
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     path, host, strlen(body), body);
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    static char resp[1 << 20];
    size_t got = 0;
    ssize_t r;
    while ((r = read(fd, resp + got, sizeof resp - 1 - got)) > 0)
        got += (size_t)r;
    close(fd);
    resp[got] = '\0';
    int status = -1;
    if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    *hit = strstr(resp, "X-Nureach-Cache: hit") != NULL || strstr(resp, "x-nureach-cache: hit") != NULL;
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
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    int port = argc > 2 ? atoi(argv[2]) : 8080;
    int repeats = argc > 3 ? atoi(argv[3]) : 50;
    if (repeats < 3 || repeats > 100000) {
        fprintf(stderr, "repeats must be between 3 and 100000\n");
        return 2;
    }
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
    double t0 = now_ms();
    int st = post(host, port, "/api/v1/rates", body, &hit);
    printf("%-34s %8.3f ms (status %d, %s)\n", "first request (may build sigma)", now_ms() - t0, st,
           hit ? "hit" : "miss");
    if (st != 200) {
        fprintf(stderr, "server at %s:%d did not answer 200\n", host, port);
        return 1;
    }
    for (int i = 0; i < repeats; i++) {
        snprintf(body, sizeof body,
                 "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":%.9f}}",
                 1.0 + (salt * 1000 + i + 1) * 1e-9);
        t0 = now_ms();
        st = post(host, port, "/api/v1/rates", body, &hit);
        cold[i] = now_ms() - t0;
        if (st != 200 || hit) {
            fprintf(stderr, "cold request %d: status %d, %s\n", i, st, hit ? "unexpected hit" : "miss");
            return 1;
        }
    }
    snprintf(body, sizeof body, "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{}}");
    post(host, port, "/api/v1/rates", body, &hit); /* make sure it is stored */
    for (int i = 0; i < repeats; i++) {
        t0 = now_ms();
        st = post(host, port, "/api/v1/rates", body, &hit);
        hot[i] = now_ms() - t0;
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
