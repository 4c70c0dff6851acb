/* http_client.h: a minimal blocking HTTP/1.1 client for the benchmark programs (loopback only).
 * One request per connection (Connection: close). Header-only so each benchmark stays one file. */
#ifndef NR_BENCH_HTTP_CLIENT_H
#define NR_BENCH_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int status;
    int cache_hit;   /* X-Nureach-Cache: hit */
    char *body;      /* NUL-terminated, owned by the response */
    size_t body_len;
    char *raw;
} bench_response;

static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline void bench_response_free(bench_response *r)
{
    free(r->raw);
    memset(r, 0, sizeof *r);
}

/* method, path, optional JSON body; returns 0 on a parsed response. */
static inline int bench_request(const char *host, int port, const char *method, const char *path, const char *body,
                                bench_response *out)
{
    memset(out, 0, sizeof *out);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    size_t blen = body ? strlen(body) : 0;
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     method, path, host, blen);
    if (write(fd, head, (size_t)n) != n || (blen && write(fd, body, blen) != (ssize_t)blen)) {
        close(fd);
        return -1;
    }
    size_t cap = 1 << 16, got = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while (buf && (r = read(fd, buf + got, cap - 1 - got)) > 0) {
        got += (size_t)r;
        if (got + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    close(fd);
    if (!buf)
        return -1;
    buf[got] = '\0';
    out->raw = buf;
    if (sscanf(buf, "HTTP/1.%*d %d", &out->status) != 1)
        return -1;
    out->cache_hit = strstr(buf, "X-Nureach-Cache: hit") != NULL;
    char *sep = strstr(buf, "\r\n\r\n");
    out->body = sep ? sep + 4 : buf + got;
    out->body_len = (size_t)(buf + got - out->body);
    return 0;
}

#endif
